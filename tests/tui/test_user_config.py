"""The admin's own config file: keys remapped by binding id, and a theme."""

from __future__ import annotations

from pathlib import Path

from tests.tui.conftest import MakeApp
from wizard.userconfig import ENV_CONFIG, load_user_config


def config(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "config.toml"
    path.write_text(text)
    return path


async def test_keymap_and_theme_apply_and_problems_name_the_line(
    make_app: MakeApp, tmp_path: Path
) -> None:
    path = config(
        tmp_path,
        'theme = "textual-light"\n[keymap]\nnote = "ctrl+n"\nnte = "f2"\n'
        'export = "ctrl+e ctrl+x"\n',
    )
    user = load_user_config({ENV_CONFIG: str(path)})
    app = make_app("demo-phone")
    async with app.run_test() as pilot:
        problems = app.apply_user_config(user)
        assert app.theme == "textual-light"
        assert problems == [
            f'{path}:5: keymap \'export\': keys must be like "ctrl+n" or "f2,ctrl+n"',
            f"{path}:4: no key binding 'nte' (did you mean 'note'?); ? lists every binding"
            " with its id",
        ]
        await pilot.press("ctrl+n")  # the note binding, remapped
        await pilot.pause()
        assert type(app.screen).__name__ == "NoteDialog"


async def test_unknown_theme_and_setting_are_reported_not_fatal(
    make_app: MakeApp, tmp_path: Path
) -> None:
    path = config(tmp_path, 'theme = "solarised"\ncolour = "red"\n')
    user = load_user_config({ENV_CONFIG: str(path)})
    app = make_app("demo-phone")
    async with app.run_test():
        theme = app.theme
        problems = app.apply_user_config(user)
        assert app.theme == theme
        assert problems[0] == f"{path}:2: unknown setting 'colour'"
        assert problems[1].startswith(f"{path}:1: no theme 'solarised'; the themes are")


def test_no_file_means_nothing_and_bad_toml_names_the_line(tmp_path: Path) -> None:
    assert load_user_config({ENV_CONFIG: str(tmp_path / "absent.toml")}).path is None
    broken = load_user_config({ENV_CONFIG: str(config(tmp_path, "[keymap\n"))})
    [(line, message)] = broken.problems
    assert line == 1 and message.startswith("not valid TOML")


async def test_textual_own_palette_commands_stay(make_app: MakeApp) -> None:
    from textual.app import App

    app = make_app("demo-phone")
    assert App.COMMANDS <= type(app).COMMANDS
