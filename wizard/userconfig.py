"""The admin's own settings for the TUI: keys remapped by binding id, and a theme.

Read only if present, from `config.toml` in the platform's user config folder
(`~/.config/edge-wizard/` on Linux), or the file named by
$EDGE_WIZARD_CONFIG:

    theme = "textual-light"          # any theme the palette lists
    store = "postgresql://me@db/team" # a team's session store (docs/team-store.md)
    [keymap]
    note = "ctrl+n"                  # binding id = key, or "key1,key2"
    back = "backspace,left"

`?` in the wizard lists every binding with its id. A problem in the file never
stops the wizard mid-incident: it is shown once at start-up, naming the line,
and the rest of the file still applies. This module reads and checks the file's
shape; the TUI checks ids and theme names against what it has.
"""

from __future__ import annotations

import os
import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

ENV_CONFIG = "EDGE_WIZARD_CONFIG"
KEYS = re.compile(r"^[A-Za-z0-9_+\-]+(,[A-Za-z0-9_+\-]+)*$")


@dataclass(slots=True)
class UserConfig:
    path: Path | None = None
    theme: str = ""
    keymap: dict[str, str] = field(default_factory=dict)
    # (line, message) of each problem, to show the admin.
    problems: list[tuple[int, str]] = field(default_factory=list)

    def line_of(self, word: str) -> int:
        """The first line of the file that names `word` (for messages)."""
        if self.path is None:
            return 0
        try:
            for number, line in enumerate(self.path.read_text(encoding="utf-8").splitlines(), 1):
                if re.match(rf"\s*[\"']?{re.escape(word)}[\"']?\s*=", line):
                    return number
        except OSError:
            pass
        return 0


def config_path(env: Mapping[str, str] | None = None) -> Path:
    environ = os.environ if env is None else env
    if environ.get(ENV_CONFIG):
        return Path(environ[ENV_CONFIG])
    from platformdirs import user_config_dir

    return Path(user_config_dir("edge-wizard", appauthor=False)) / "config.toml"


def load_user_config(env: Mapping[str, str] | None = None) -> UserConfig:
    path = config_path(env)
    if not path.is_file():
        return UserConfig()
    config = UserConfig(path=path)
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as exc:
        config.problems.append((0, f"cannot be read: {exc}"))
        return config
    except tomllib.TOMLDecodeError as exc:
        # tomllib says where only in its message before Python 3.14.
        at = re.search(r"line (\d+)", str(exc))
        config.problems.append((int(at.group(1)) if at else 0, f"not valid TOML: {exc}"))
        return config
    # `store` is read by `wizard.store.select`, which checks the file's owner first.
    for key in sorted(set(data) - {"theme", "keymap", "store"}):
        config.problems.append((config.line_of(key), f"unknown setting '{key}'"))
    theme = data.get("theme", "")
    if isinstance(theme, str):
        config.theme = theme
    else:
        config.problems.append((config.line_of("theme"), "'theme' must be a name in quotes"))
    keymap = data.get("keymap", {})
    if not isinstance(keymap, dict):
        config.problems.append((config.line_of("keymap"), "[keymap] must be a table"))
        return config
    for binding_id, keys in keymap.items():
        listed = ",".join(k.strip() for k in keys.split(",")) if isinstance(keys, str) else ""
        if KEYS.match(listed):
            config.keymap[str(binding_id)] = listed
        else:
            config.problems.append(
                (
                    config.line_of(str(binding_id)),
                    f'keymap \'{binding_id}\': keys must be like "ctrl+n" or "f2,ctrl+n"',
                )
            )
    return config


def describe(config: UserConfig, line: int, message: str) -> str:
    where = f"{config.path}:{line}" if line else str(config.path)
    return f"{where}: {message}"
