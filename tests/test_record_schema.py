"""`ldpub schema`: a JSON Schema of the record format that editors use while the curator types.

The schema is judged by an independent validator (``jsonschema``) on YAML read the way the
YAML language server reads it (YAML 1.2, ``ruamel.yaml``): it must accept every record of
every project in this repository (the article's and the examples), and reject the broken
records that JSON Schema can express, at the key that is wrong.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

jsonschema = pytest.importorskip("jsonschema")
ruamel = pytest.importorskip("ruamel.yaml")

ROOT = Path(__file__).resolve().parent.parent
BROKEN = ROOT / "tests" / "broken_records"

# Broken records whose fault JSON Schema cannot see, and why (ldpub validate finds them).
BEYOND_JSON_SCHEMA = {
    "denied-without-denial.yaml": "a SPARQL constraint across records",
    "end-before-start.yaml": "a comparison between two values (sh:lessThanOrEquals)",
    "high-below-low.yaml": "a comparison between two values (SPARQL)",
    "count-best-below-low.yaml": "a comparison between two values (SPARQL)",
    "wrong-class.yaml": "the class of the record a slug names (sh:class)",
    "wrong-datatype.yaml": "planted as triples (wrong-datatype.ttl): the mapping cannot write them",
}


def _yaml12(path: Path):
    from ruamel.yaml import YAML

    yaml = YAML(typ="safe", pure=True)
    yaml.version = (1, 2)
    # YAML 1.2's core schema (what the language server reads) has no timestamps: 2019-01-07 is text
    yaml.constructor.add_constructor("tag:yaml.org,2002:timestamp", lambda loader, node: loader.construct_scalar(node))
    return yaml.load(path.read_text(encoding="utf-8"))


def _schema_of(project: Path) -> dict:
    from ldpub.config import load_project
    from ldpub.recordschema import project_schema

    schema = project_schema(load_project(project))
    jsonschema.Draft7Validator.check_schema(schema)
    return schema


def _errors(schema: dict, records) -> list[tuple[list, str]]:
    validator = jsonschema.Draft7Validator(schema)
    return sorted(((list(e.absolute_path), e.message) for e in validator.iter_errors(records)), key=str)


def _projects() -> list[Path]:
    return [ROOT] + sorted(p.parent for p in (ROOT / "examples").glob("*/ldpub.toml"))


@pytest.fixture(scope="module")
def article_schema() -> dict:
    return _schema_of(ROOT)


@pytest.mark.parametrize("project", _projects(), ids=lambda p: p.name)
def test_the_schema_accepts_every_record_of_every_project(project):
    from ldpub.config import load_project

    schema = _schema_of(project)
    files = sorted(load_project(project).data_path.rglob("*.yaml"))
    assert files
    for path in files:
        assert _errors(schema, _yaml12(path)) == [], path


@pytest.mark.parametrize("name", sorted(p.name for p in BROKEN.glob("*.yaml")))
def test_the_schema_rejects_broken_records_where_json_schema_can_say_so(article_schema, name):
    errors = _errors(article_schema, _yaml12(BROKEN / name))
    if name in BEYOND_JSON_SCHEMA:
        assert errors == [], f"{name}: expected to be beyond JSON Schema ({BEYOND_JSON_SCHEMA[name]})"
    else:
        assert errors, f"{name}: the schema accepted a broken record"


def test_what_each_broken_record_is_rejected_for(article_schema):
    def keys(name):
        return {tuple(path[1:2]) for path, _ in _errors(article_schema, _yaml12(BROKEN / name))}

    assert keys("not-in-list.yaml") == {("status",)}  # sh:in: not one of the allowed individuals
    assert keys("pattern.yaml") == {("sha256",)}  # sh:pattern
    assert keys("too-many-values.yaml") == {("pledgee",), ("publiclyAcknowledged",)}  # sh:maxCount 1
    assert ("confidence",) in keys("range.yaml")  # sh:maxInclusive 1
    assert () in keys("missing-required.yaml")  # sh:minCount 1: a required key is missing


def test_unknown_keys_and_types_are_flagged_with_the_known_ones_offered(article_schema):
    records = [{"id": "x", "type": "Pledge", "pleger": "someone"}, {"id": "y", "type": "Pleedge"}]
    messages = [m for _, m in _errors(article_schema, records)]
    assert any("'pleger' was unexpected" in m for m in messages)
    assert any("Pleedge" in m for m in messages)
    assert "pledger" in article_schema["definitions"]["nested"]["properties"]  # offered for completion


def test_named_individuals_are_offered_as_values(article_schema):
    status = article_schema["definitions"]["nested"]["properties"]["status"]
    offered = status["anyOf"][0]["anyOf"][0]["enum"]
    assert {"reported", "denied"} <= set(offered)


def test_the_schema_is_byte_stable_and_the_cli_writes_and_checks_it(tmp_path, run_cli):
    code, first, _ = run_cli("--project", str(ROOT), "schema")
    assert code == 0
    code, second, _ = run_cli("--project", str(ROOT), "schema")
    assert first == second and json.loads(first)["$schema"].startswith("http://json-schema.org/draft-07")
    target = tmp_path / "records.schema.json"
    code, _, err = run_cli("--project", str(ROOT), "schema", "-o", str(target))
    assert code == 0 and target.read_text(encoding="utf-8") == first
    code, _, err = run_cli("--project", str(ROOT), "schema", "--check", str(target))
    assert code == 0 and "up to date" in err
    target.write_text("{}", encoding="utf-8")
    code, _, err = run_cli("--project", str(ROOT), "schema", "--check", str(target))
    assert code == 1 and "out of date" in err and "ldpub schema -o" in err


def test_init_wires_the_schema_for_editors(tmp_path, run_cli):
    folder = tmp_path / "fresh"
    assert run_cli("init", str(folder))[0] == 0
    settings = json.loads((folder / ".vscode" / "settings.json").read_text(encoding="utf-8"))
    assert settings["yaml.schemas"]["./records.schema.json"]
    sample = next((folder / "data").glob("*.yaml"))
    assert sample.read_text(encoding="utf-8").startswith("# yaml-language-server: $schema=../records.schema.json")
    code, _, err = run_cli("--project", str(folder), "schema", "--check", "records.schema.json")
    assert code == 0, err
    schema = json.loads((folder / "records.schema.json").read_text(encoding="utf-8"))
    assert _errors(schema, _yaml12(sample)) == []


def test_a_changed_ontology_makes_the_schema_stale(tmp_path, run_cli):
    folder = tmp_path / "fresh"
    run_cli("init", str(folder))
    ontology = next((folder / "ontology").glob("*.ttl"))
    ontology.write_text(ontology.read_text(encoding="utf-8").replace("founded", "foundedOn"), encoding="utf-8")
    code, _, err = run_cli("--project", str(folder), "schema", "--check", "records.schema.json")
    assert code == 1 and "out of date" in err


def test_individuals_are_accepted_in_every_spelling_ldpub_accepts(article_schema):
    def status_errors(value):
        records = [{"id": "x", "type": "Pledge", "pledger": "a", "pledgee": "b", "status": value}]
        return [m for path, m in _errors(article_schema, records) if path[1:2] == ["status"]]

    for spelling in ("reported", "Reported", "REPORTED", " reported "):
        assert status_errors(spelling) == [], spelling
    assert status_errors("taliban")  # not one of sh:in


def test_reused_terms_are_accepted_by_local_and_prefixed_name(tmp_path):
    project = ROOT / "examples" / "python-governance"
    if not project.is_dir():
        pytest.skip("the example project is not in this checkout")
    schema = _schema_of(project)
    properties = schema["definitions"]["nested"]["properties"]
    assert {"name", "foaf:name"} <= set(properties)  # FOAF's name by its local name, and prefixed
    types = schema["definitions"]["type"]["anyOf"][0]["enum"]
    assert {"Membership", "org:Membership"} <= set(types)


def test_unquoted_dates_are_text_as_the_language_server_reads_them(article_schema, tmp_path):
    path = tmp_path / "dates.yaml"
    path.write_text("- id: a-source\n  type: Source\n  label: A source\n  title: A source\n  publicationDate: 2020-03-01\n",
                    encoding="utf-8")
    assert _yaml12(path)[0]["publicationDate"] == "2020-03-01"
    assert _errors(article_schema, _yaml12(path)) == []


def test_an_individual_named_by_digits_may_be_written_without_quotes(article_schema):
    records = [{"id": "x", "type": "Pledge", "pledger": "a", "pledgee": "b", "credibility": 2}]
    assert [m for path, m in _errors(article_schema, records) if path[1:2] == ["credibility"]] == []
    records[0]["credibility"] = 9
    assert [m for path, m in _errors(article_schema, records) if path[1:2] == ["credibility"]]


def test_a_union_range_takes_a_value_of_any_member_and_booleans_take_xsd_forms():
    from ldpub.ontology import DATATYPE, Term
    from ldpub.rdfterms import XSD
    from ldpub.recordschema import _literal

    when = Term("when", "https://example.org/when", DATATYPE, range_union=(XSD + "date", XSD + "gYearMonth", XSD + "gYear"))
    validator = jsonschema.Draft7Validator(_literal(when))
    assert all(validator.is_valid(v) for v in ("2019-03-01", "2019-03", "2019"))
    assert not validator.is_valid("March 2019")
    flag = jsonschema.Draft7Validator(_literal(Term("flag", "https://example.org/flag", DATATYPE, range=XSD + "boolean")))
    assert all(flag.is_valid(v) for v in (True, False, "true", "1", 0))
    assert not flag.is_valid("yes")
