"""Project settings for `edge-wizard validate`, and the rule suppressions in tree files.

Settings live under `[tool.edge-wizard]` in `pyproject.toml` or at the top of
`.edge-wizard.toml`, in the nearest folder at or above the working directory
that has either (`.edge-wizard.toml` wins in the same folder), as ruff and
yamllint find theirs:

    [tool.edge-wizard]
    trees = ["trees", "../shared-trees"]     # folders, relative to the file
    strict = true                            # warnings fail too
    disable = ["W304"]                       # codes never reported
    [tool.edge-wizard.per-file-ignores]
    "trees/legacy-*.yaml" = ["W302", "W303"] # glob, relative to the file

In a tree file, `# edge-wizard: disable=W304,W301` turns codes off for its own
line (after YAML on that line) or for the next line (alone on its line), and
`# edge-wizard: disable-file=W302` for the whole file. A code that does not
exist, in either place, is itself reported (E013), so a typo never hides a
finding silently.
"""

from __future__ import annotations

import fnmatch
import re
import tomllib
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from wizard.codes import CODES
from wizard.model import Finding, Pos

KNOWN = frozenset(c.code for c in CODES)
SETTING_KEYS = ("trees", "strict", "disable", "per-file-ignores")
_DIRECTIVE = re.compile(r"#\s*edge-wizard:\s*(disable|disable-file)\s*=\s*([A-Za-z0-9, ]*)")


class ConfigError(Exception):
    """A settings file that cannot be used; the message names the file."""


@dataclass(slots=True)
class Settings:
    """What the settings file says; empty when there is none."""

    path: Path | None = None
    trees: list[Path] = field(default_factory=list)
    strict: bool = False
    disable: frozenset[str] = frozenset()
    per_file_ignores: dict[str, frozenset[str]] = field(default_factory=dict)
    # Unknown codes in the file, reported as findings against it.
    findings: list[Finding] = field(default_factory=list)

    def ignored(self, display_path: str) -> frozenset[str]:
        """Codes turned off for one tree file, by `disable` and its globs."""
        codes = set(self.disable)
        if self.path is not None:
            relative = _relative_to(Path(display_path), self.path.parent)
            for pattern, ignore in self.per_file_ignores.items():
                if fnmatch.fnmatch(relative, pattern):
                    codes |= ignore
        return frozenset(codes)


def _relative_to(path: Path, folder: Path) -> str:
    try:
        return path.resolve().relative_to(folder.resolve()).as_posix()
    except ValueError:
        return path.as_posix()


def find_settings(start: Path) -> Path | None:
    """The nearest `.edge-wizard.toml`, or `pyproject.toml` with our table, at or above `start`."""
    for folder in [start, *start.parents]:
        own = folder / ".edge-wizard.toml"
        if own.is_file():
            return own
        project = folder / "pyproject.toml"
        if project.is_file() and "edge-wizard" in _read_toml(project).get("tool", {}):
            return project
    return None


def _read_toml(path: Path) -> dict[str, Any]:
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{path}: cannot be read: {exc}") from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: not valid TOML: {exc}") from None


def load_settings(start: Path | None = None) -> Settings:
    """The settings in force for a run started in `start` (the working directory)."""
    path = find_settings((start or Path.cwd()).resolve())
    if path is None:
        return Settings()
    data = _read_toml(path)
    table = data.get("tool", {}).get("edge-wizard", {}) if path.name == "pyproject.toml" else data
    if not isinstance(table, dict):
        raise ConfigError(f"{path}: [tool.edge-wizard] must be a table")
    unknown = sorted(set(table) - set(SETTING_KEYS))
    if unknown:
        raise ConfigError(
            f"{path}: unknown setting {', '.join(map(repr, unknown))};"
            f" the settings are {', '.join(SETTING_KEYS)}"
        )
    text = path.read_text(encoding="utf-8")
    settings = Settings(path=path)
    settings.trees = [path.parent / p for p in _strings(path, table, "trees")]
    strict = table.get("strict", False)
    if not isinstance(strict, bool):
        raise ConfigError(f"{path}: 'strict' must be true or false")
    settings.strict = strict
    settings.disable = _codes(settings, text, _strings(path, table, "disable"))
    ignores = table.get("per-file-ignores", {})
    if not isinstance(ignores, dict):
        raise ConfigError(f"{path}: 'per-file-ignores' must be a table of glob = [codes]")
    for pattern, codes in ignores.items():
        if not isinstance(codes, list) or not all(isinstance(c, str) for c in codes):
            raise ConfigError(f"{path}: per-file-ignores {pattern!r} must be a list of codes")
        settings.per_file_ignores[str(pattern)] = _codes(settings, text, codes)
    return settings


def _strings(path: Path, table: dict[str, Any], key: str) -> list[str]:
    value = table.get(key, [])
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise ConfigError(f"{path}: '{key}' must be a list of strings")
    return value


def _codes(settings: Settings, text: str, codes: Iterable[str]) -> frozenset[str]:
    """Known codes; an unknown one is reported where the file first names it."""
    assert settings.path is not None
    known = set()
    for code in codes:
        if code in KNOWN:
            known.add(code)
            continue
        line, col = _position(text, code)
        settings.findings.append(
            Finding(
                Pos(str(settings.path), line, col),
                "error",
                "E013",
                f"'{code}' is not an edge-wizard code (see docs/validation.md)",
            )
        )
    return frozenset(known)


def _position(text: str, word: str) -> tuple[int, int]:
    for number, line in enumerate(text.splitlines(), 1):
        col = line.find(f'"{word}"')
        if col < 0:
            col = line.find(f"'{word}'")
        if col >= 0:
            return number, col + 2
    return 1, 1


@dataclass(slots=True)
class Suppressions:
    """The `# edge-wizard:` comments of one tree file."""

    file: frozenset[str] = frozenset()
    lines: dict[int, frozenset[str]] = field(default_factory=dict)
    findings: list[Finding] = field(default_factory=list)

    def covers(self, finding: Finding) -> bool:
        return finding.code in self.file or finding.code in self.lines.get(finding.pos.line, ())


def read_suppressions(display_path: str, text: str) -> Suppressions:
    """The comments are read from the text itself: YAML drops comments."""
    found = Suppressions()
    file_codes: set[str] = set()
    for number, line in enumerate(text.splitlines(), 1):
        if "edge-wizard" not in line:
            continue
        match = _DIRECTIVE.search(line)
        if match is None:
            continue
        codes: set[str] = set()
        start = match.start(2)
        for part in match.group(2).split(","):
            code = part.strip()
            if not code:
                continue
            if code in KNOWN:
                codes.add(code)
            else:
                col = line.find(code, start) + 1
                found.findings.append(
                    Finding(
                        Pos(display_path, number, col),
                        "error",
                        "E013",
                        f"'{code}' is not an edge-wizard code (see docs/validation.md)",
                    )
                )
        if match.group(1) == "disable-file":
            file_codes |= codes
        else:
            # A comment after YAML covers its line; one alone covers the next.
            target = number + 1 if not line[: match.start()].strip() else number
            found.lines[target] = found.lines.get(target, frozenset()) | frozenset(codes)
    found.file = frozenset(file_codes)
    return found


def apply(
    findings: list[Finding], settings: Settings, texts: dict[str, str]
) -> tuple[list[Finding], int]:
    """The findings left once settings and inline comments are applied, and how
    many were suppressed. `texts` maps each checked file's display path to its text."""
    suppressions = {path: read_suppressions(path, text) for path, text in texts.items()}
    kept: list[Finding] = []
    hidden = 0
    for finding in findings:
        inline = suppressions.get(finding.pos.file)
        if finding.code in settings.ignored(finding.pos.file) or (
            inline is not None and inline.covers(finding)
        ):
            hidden += 1
        else:
            kept.append(finding)
    for inline in suppressions.values():
        kept += inline.findings
    kept += settings.findings
    kept.sort(key=lambda f: (f.pos.file, f.pos.line, f.pos.col, f.code))
    return kept, hidden
