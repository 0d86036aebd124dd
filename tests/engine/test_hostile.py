"""Hostile files give a clean, positioned error, bounded in time and memory."""

from __future__ import annotations

import resource
import subprocess
import sys
import time
from pathlib import Path

import pytest

from wizard.loader import load_bytes
from wizard.model import Finding
from wizard.yamlnodes import MAX_BYTES


def codes(findings: list[Finding]) -> list[str]:
    return [f.code for f in findings]


def load(text: str | bytes) -> tuple[object, list[Finding]]:
    data = text.encode() if isinstance(text, str) else text
    return load_bytes("t.yaml", data)


def test_alias_bomb_is_refused_at_the_first_anchor() -> None:
    lines = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    for i in range(1, 10):
        prev = chr(ord("a") + i - 1)
        cur = chr(ord("a") + i)
        lines.append(f"{cur}: &{cur} [{', '.join(['*' + prev] * 9)}]")
    start = time.perf_counter()
    tree, findings = load("\n".join(lines))
    assert time.perf_counter() - start < 1.0
    assert tree is None
    assert [(f.code, f.pos.line, f.pos.col) for f in findings] == [("E003", 1, 4)]


@pytest.mark.parametrize("opener", ["[", "{a: ", "- "])
def test_nesting_100000_deep(opener: str) -> None:
    text = "a: " + opener * 100_000 if opener != "- " else "- " * 100_000 + "x\n"
    start = time.perf_counter()
    tree, findings = load(text)
    assert time.perf_counter() - start < 2.0
    assert tree is None
    assert codes(findings) == ["E005"]
    assert findings[0].pos.line == 1


def test_deep_nesting_does_not_crash_the_interpreter() -> None:
    # The C composer segfaults around this depth; a crash would kill the process,
    # so run it in a child and require a clean exit and message.
    script = (
        "from wizard.loader import load_bytes\n"
        "t, f = load_bytes('deep.yaml', b'a: ' + b'[' * 60000)\n"
        "print(f[0].code)\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "E005"


def test_duplicate_keys_name_both_positions() -> None:
    tree, findings = load("id: a\ntitle: x\nnodes: {}\ntitle: y\n")
    assert tree is None
    assert [(f.code, f.pos.line, f.pos.col) for f in findings] == [("E002", 4, 1)]
    assert "line 2, column 1" in findings[0].message


@pytest.mark.parametrize(
    "text",
    [
        "a: !!python/object/apply:os.system ['touch /tmp/pwned']\n",
        "a: !!python/name:os.system\n",
        "!!python/object:builtins.dict {}\n",
        "a: !custom x\n",
        "a: !!binary aGVsbG8=\n",
    ],
)
def test_tags_are_refused(text: str) -> None:
    tree, findings = load(text)
    assert tree is None
    assert codes(findings) == ["E004"]


@pytest.mark.parametrize(
    "data",
    [
        bytes(range(256)),
        b"\xff\xfe\x00\x00garbage",
        b"id: x\ntitle: caf\xe9\n",
        b"\x00\x01\x02\x03",
    ],
)
def test_binary_garbage(data: bytes) -> None:
    tree, findings = load(data)
    assert tree is None
    assert codes(findings)[0] in {"E001", "E007"}
    assert all(f.pos.line >= 1 and f.pos.col >= 1 for f in findings)


def test_not_utf8_position() -> None:
    _, findings = load(b"id: x\ntitle: caf\xe9\n")
    assert [(f.code, f.pos.line, f.pos.col) for f in findings] == [("E007", 2, 11)]


def test_oversized_file_is_refused_without_reading_it_all(tmp_path: Path) -> None:
    from wizard.loader import load_file

    big = tmp_path / "big.yaml"
    with big.open("wb") as handle:
        handle.write(b"a: " + b"x" * (MAX_BYTES * 20) + b"\n")
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    tree, findings = load_file(big)
    after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    assert tree is None
    assert codes(findings) == ["E006"]
    assert "20,971,524 bytes" in findings[0].message
    assert (after - before) * 1024 < MAX_BYTES * 8


def test_ansi_escapes_and_markup_in_text() -> None:
    text = (
        'id: x\ntitle: "\\e[2J\\e]52;c;cHduZWQ=\\a[bold]Boom[/bold] [TODO]"\n'
        "summary: s\nversion: 1\nstart: f\nnodes:\n  f:\n    kind: resolution\n"
        '    title: "\\x9b31m red"\n    steps: ["[link=file:///etc/passwd]x[/link]"]\n'
    )
    tree, findings = load(text)
    assert tree is not None
    assert tree.title == "[2J]52;c;cHduZWQ=[bold]Boom[/bold] [TODO]"
    node = tree.nodes["f"]
    assert node.title == "31m red"
    assert node.steps == ["[link=file:///etc/passwd]x[/link]"]
    assert [(f.code, f.pos.line) for f in findings] == [("W010", 2), ("W010", 9)]


def test_norway_and_friends_stay_text() -> None:
    text = (
        "id: x\ntitle: No\nsummary: 1.10\nversion: 3\nstart: q\nnodes:\n"
        "  q:\n    kind: question\n    text: on\n    answers:\n"
        "      - {label: No, next: r}\n      - {label: Off, next: r}\n"
        "  r:\n    kind: resolution\n    title: '0x10'\n    steps: [yes]\n"
    )
    tree, findings = load(text)
    assert findings == []
    assert tree is not None
    assert (tree.title, tree.summary, tree.version) == ("No", "1.10", 3)
    assert [a.label for a in tree.nodes["q"].answers] == ["No", "Off"]


@pytest.mark.parametrize("text", ["", "# only a comment\n", "---\n", "just text\n", "42\n"])
def test_top_level_must_be_a_mapping(text: str) -> None:
    tree, findings = load(text)
    assert tree is None
    assert codes(findings) == ["E008"]


def test_validate_never_prints_a_traceback(tmp_path: Path) -> None:
    for name, data in {
        "garbage.yaml": bytes(range(256)) * 10,
        "deep.yaml": b"[" * 200_000,
        "bomb.yaml": b"a: &a [1]\nb: *a\n",
        "tags.yaml": b"!!python/object/new:os.system [ls]\n",
        "dir.yaml/inner.yaml": b"x: 1\n",
    }.items():
        path = tmp_path / name
        path.parent.mkdir(exist_ok=True)
        path.write_bytes(data)
    result = subprocess.run(
        [sys.executable, "-m", "wizard", "validate", str(tmp_path)],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 1
    assert "Traceback" not in result.stderr + result.stdout
    assert result.stdout.count(": error E") == 4


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("a: " + "[" * 100_000, "E005"),
        ("a: &x 1\n", "E003"),
        ("a: !!python/object:x {}\n", "E004"),
        ("a: 1\na: 2\n", "E002"),
        ("a: [\n", "E001"),
        ('a: "\\e[2J"\n', None),
    ],
)
def test_pure_python_parser_gives_the_same_answers(text: str, code: str | None) -> None:
    from wizard import yamlnodes

    for parser in (yamlnodes.PureParser, yamlnodes.DEFAULT_PARSER):
        try:
            doc = yamlnodes.parse("p.yaml", text, parser)
        except yamlnodes.YamlError as exc:
            assert exc.code == code
        else:
            assert code is None
            assert len(doc.stripped) == 1
