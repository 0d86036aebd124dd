"""`edge-wizard schema`: a draft-07 JSON Schema made from the loader's key tables.

Every shipped tree passes it, the rule fixtures for unknown keys, wrong types
and missing keys fail it, and its keys are the loader's, table by table.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import yaml

from wizard import loader, schema
from wizard.cli import main
from wizard.model import NODE_KINDS

jsonschema = pytest.importorskip("jsonschema")

ROOT = Path(__file__).parents[2]
TREES = sorted((ROOT / "trees").glob("*.yaml"))
RULES = ROOT / "tests" / "fixtures" / "rules"


@pytest.fixture(scope="module")
def tree_schema() -> dict[str, Any]:
    return schema.tree_schema()


@pytest.fixture(scope="module")
def validator(tree_schema: dict[str, Any]) -> Any:
    return jsonschema.Draft7Validator(tree_schema)


def problems(validator: Any, data: Any) -> list[tuple[list[Any], str]]:
    return sorted((list(e.absolute_path), e.message) for e in validator.iter_errors(data))


def test_schema_is_a_valid_draft_07_schema(tree_schema: dict[str, Any]) -> None:
    assert tree_schema["$schema"] == "http://json-schema.org/draft-07/schema#"
    jsonschema.Draft7Validator.check_schema(tree_schema)


def test_the_command_prints_the_schema(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["schema"]) == 0
    out, err = capsys.readouterr()
    assert json.loads(out) == schema.tree_schema()
    assert err == ""


def test_shipped_trees_exist() -> None:
    assert len(TREES) >= 10


@pytest.mark.parametrize("path", TREES, ids=lambda p: p.stem)
def test_every_shipped_tree_passes(validator: Any, path: Path) -> None:
    assert problems(validator, yaml.safe_load(path.read_text())) == []


def fixture(name: str) -> Any:
    return yaml.safe_load((RULES / name).read_text())


def test_unknown_key_fails(validator: Any) -> None:
    assert problems(validator, fixture("e103-unknown-key.yaml")) == [
        (["nodes", "a"], "Additional properties are not allowed ('stpes' was unexpected)")
    ]


def test_wrong_types_fail(validator: Any) -> None:
    got = problems(validator, fixture("e102-wrong-type.yaml"))
    assert [path for path, _ in got] == [["nodes", "a", "steps", 0], ["version"]]


def test_missing_keys_fail(validator: Any) -> None:
    assert problems(validator, fixture("e101-missing-key.yaml")) == [
        ([], "'summary' is a required property"),
        (["nodes", "a"], "'answers' is a required property"),
    ]


def test_missing_start_fails(validator: Any) -> None:
    data = yaml.safe_load(TREES[0].read_text())
    del data["start"]
    assert problems(validator, data) == [([], "'start' is a required property")]


def test_yaml_guesses_still_pass_as_text(validator: Any) -> None:
    """`label: No` reads as false and `next: 404` as a number; the loader takes both as text."""
    data = yaml.safe_load(TREES[0].read_text())
    node_id = next(k for k, n in data["nodes"].items() if n["kind"] == "question")
    node = data["nodes"][node_id]
    node["answers"][0]["label"] = False
    node["text"] = 1.10
    assert problems(validator, data) == []
    node["text"] = None  # empty: the loader's E102
    assert [path for path, _ in problems(validator, data)] == [["nodes", node_id, "text"]]


SIP_INPUT = {
    "kind": "input",
    "text": "Paste the response",
    "var": "sip",
    "parse": "sip",
    "routes": [{"field": "status", "match": "^404$", "next": "a"}],
    "next": "a",
}


def with_node(node: dict[str, Any]) -> dict[str, Any]:
    data = fixture("e103-unknown-key.yaml")
    data["nodes"]["a"]["steps"] = ["one"]
    del data["nodes"]["a"]["stpes"]
    data["nodes"]["paste"] = node
    return data


def test_route_fields_follow_parse(validator: Any) -> None:
    assert problems(validator, with_node(SIP_INPUT)) == []
    bad_field = {**SIP_INPUT, "routes": [{"field": "colour", "match": "x", "next": "a"}]}
    assert problems(validator, with_node(bad_field))
    no_parse = {k: v for k, v in SIP_INPUT.items() if k != "parse"}
    assert problems(validator, with_node(no_parse))
    unknown_parser = {**SIP_INPUT, "parse": "xml"}
    assert problems(validator, with_node(unknown_parser))


def test_unknown_kind_and_node_id(validator: Any) -> None:
    assert problems(validator, with_node({"kind": "questoin"}))
    data = with_node(SIP_INPUT)
    data["nodes"]["Not_Kebab"] = data["nodes"].pop("paste")
    assert problems(validator, data)


# -- the loader's tables, not a copy ------------------------------------------


def properties(block: dict[str, Any]) -> dict[str, bool]:
    required = set(block.get("required", []))
    return {key: key in required for key in block["properties"]}


def test_top_level_keys_are_the_loaders(tree_schema: dict[str, Any]) -> None:
    assert properties(tree_schema) == loader.TREE_KEYS
    assert tree_schema["additionalProperties"] is False


@pytest.mark.parametrize("kind", list(NODE_KINDS))
def test_node_keys_are_the_loaders(tree_schema: dict[str, Any], kind: str) -> None:
    block = tree_schema["definitions"][kind]
    assert properties(block) == {**loader.COMMON_NODE_KEYS, **loader.NODE_KEYS[kind]}
    assert block["additionalProperties"] is False


def test_nested_tables_are_read_from_the_loader(tree_schema: dict[str, Any]) -> None:
    definitions = tree_schema["definitions"]
    assert properties(tree_schema["properties"]["facts"]["items"]) == {
        "var": True,
        "prompt": True,
        "required": False,
        "choices": False,
        "default": False,
        "fallback": False,
    }
    assert properties(definitions["question"]["properties"]["answers"]["items"]) == {
        "label": True,
        "next": True,
    }
    assert properties(definitions["input"]["properties"]["routes"]["items"]) == {
        "match": True,
        "next": True,
        "field": False,
    }
    assert properties(definitions["check"]["properties"]["outcomes"]) == {
        "pass": True,
        "fail": True,
        "error": False,
    }


def test_a_key_the_loader_adds_appears_in_the_schema(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(loader.NODE_KEYS, "link", {**loader.NODE_KEYS["link"], "verify": False})
    assert "verify" in schema.tree_schema()["definitions"]["link"]["properties"]


def test_a_key_without_a_type_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(loader.NODE_KEYS, "link", {**loader.NODE_KEYS["link"], "colour": False})
    with pytest.raises(KeyError, match="colour"):
        schema.tree_schema()


def test_no_type_is_left_for_a_key_the_loader_dropped() -> None:
    assert set(schema.VALUES) | schema.STRUCTURAL == schema.value_keys_in_use()
    assert not set(schema.VALUES) & schema.STRUCTURAL


def test_the_schema_agrees_with_the_loader_on_fact_keys(validator: Any) -> None:
    """A key the recorded fact table lacks is E103 to the loader and fails the schema."""
    base = with_node(SIP_INPUT)
    base["facts"] = [{"var": "site", "prompt": "Site", "fallback": "the site", "colour": "x"}]
    text = yaml.safe_dump(base, sort_keys=False)
    _, findings = loader.load_bytes("t.yaml", text.encode())
    assert [f.code for f in findings] == ["E103"]
    assert problems(validator, base)
    del base["facts"][0]["colour"]
    _, findings = loader.load_bytes("t.yaml", yaml.safe_dump(base).encode())
    assert findings == []
    assert problems(validator, base) == []
