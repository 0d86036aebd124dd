# Set-up and everyday tasks. `make run` and `make test` work from a clean clone.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run compile test lint typecheck unit bench clean

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[test,bench]"
	touch $(STAMP)

# The editable install has no bytecode. Compile it as pip does for a wheel, so
# an environment with PYTHONDONTWRITEBYTECODE=1 does not recompile the wizard on
# every launch (benchmarks/tui_startup.py times both); only changed files are
# compiled again.
compile: $(STAMP)
	$(BIN)/python -m compileall -q wizard

run: compile
	$(BIN)/edge-wizard

# lint-imports: the layers and no-circle contracts in pyproject.toml.
lint: $(STAMP)
	$(BIN)/ruff check wizard tests benchmarks
	$(BIN)/ruff format --check wizard tests benchmarks
	$(BIN)/lint-imports

typecheck: $(STAMP)
	$(BIN)/mypy

unit: $(STAMP)
	$(BIN)/python -m pytest -q $(PYTEST_ARGS)

test: lint typecheck unit

bench: compile
	$(BIN)/python benchmarks/run.py

clean:
	rm -rf $(VENV) build dist .pytest_cache .mypy_cache .ruff_cache .import_linter_cache .grimp_cache
	find wizard tests benchmarks -name __pycache__ -type d -prune -exec rm -rf {} +
