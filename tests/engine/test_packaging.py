"""A plain (non-editable) install finds the built-in trees."""

from __future__ import annotations

import os
import subprocess
import sys
import sysconfig
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("wheel")
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--no-deps",
            "--no-build-isolation",
            "--quiet",
            "-w",
            str(out),
            str(ROOT),
        ],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr
    (path,) = out.glob("edge_wizard-*.whl")
    return path


def test_wheel_ships_every_tree(wheel: Path) -> None:
    names = zipfile.ZipFile(wheel).namelist()
    shipped = {Path(n).name for n in names if n.startswith("wizard/trees/")}
    assert shipped == {p.name for p in (ROOT / "trees").glob("*.yaml")}
    assert "wizard/tui/wizard.tcss" in names


def test_wheel_metadata_names_the_licence_and_one_version(wheel: Path) -> None:
    from wizard import __version__

    names = zipfile.ZipFile(wheel).namelist()
    metadata = next(n for n in names if n.endswith(".dist-info/METADATA"))
    text = zipfile.ZipFile(wheel).read(metadata).decode()
    assert f"Version: {__version__}\n" in text  # the version comes from wizard/__init__.py
    assert "License-Expression: MIT" in text
    assert any(n.endswith("licenses/LICENSE") for n in names)
    assert "Programming Language :: Python :: 3.11" in text


def test_installed_wheel_lists_the_trees(wheel: Path, tmp_path: Path) -> None:
    target = tmp_path / "site"
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "install",
            "--no-deps",
            "--quiet",
            "--target",
            str(target),
            str(wheel),
        ],
        check=True,
        capture_output=True,
        timeout=300,
    )
    # The installed copy must shadow the checkout, and run from elsewhere.
    env = {**os.environ, "PYTHONPATH": str(target)}
    result = subprocess.run(
        [
            sys.executable,
            "-c",
            "import wizard.catalog as c, wizard.cli as m; print(c.builtin_tree_dir());"
            " raise SystemExit(m.main(['list', '--json']))",
        ],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        env=env,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    first, _, rest = result.stdout.partition("\n")
    assert first.startswith(str(target))
    assert '"id": "edge-offline"' in rest


def test_the_wheel_in_a_fresh_venv_runs_its_console_script(wheel: Path, tmp_path: Path) -> None:
    """The installed `edge-wizard` command itself: its version, the shipped
    trees listed and validated from another folder. The dependencies are this
    venv's (no network), but the wizard comes only from the wheel."""
    venv = tmp_path / "venv"
    subprocess.run(
        [sys.executable, "-m", "venv", "--without-pip", str(venv)],
        check=True,
        capture_output=True,
        timeout=120,
    )
    python = venv / "bin" / "python"
    # The dependencies come from this venv's site-packages, added as a plain
    # path: .pth files there (the checkout's editable install) are not run.
    site = subprocess.run(
        [str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    Path(site, "_deps.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "--python",
            str(python),
            "install",
            "--no-deps",
            "--quiet",
            "--force-reinstall",
            str(wheel),
        ],
        check=True,
        capture_output=True,
        timeout=300,
    )
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    command = venv / "bin" / "edge-wizard"
    where = subprocess.run(
        [str(python), "-c", "import wizard; print(wizard.__file__)"],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        env=env,
        check=True,
    )
    assert str(venv) in where.stdout  # the wheel's copy, not the checkout
    for argv, expected in (
        (["--version"], "edge-wizard "),
        (["list"], "edge-offline"),
        (["validate", "--strict"], ""),
    ):
        ran = subprocess.run(
            [str(command), *argv],
            capture_output=True,
            text=True,
            cwd=tmp_path,
            env=env,
            timeout=120,
        )
        assert ran.returncode == 0, ran.stderr
        assert expected in ran.stdout
