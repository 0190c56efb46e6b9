"""`ldpub validate --format ...`: every problem on its YAML line, in the format CI reads."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

SCHEMAS = Path(__file__).parent / "schemas"

BROKEN = """\
# planted problems for the report tests
- id: nameless-person
  type: Person
  description: A person the curator forgot to name.

- id: second-nameless
  type: Person
  description: Another one, to check that findings stay in line order.
"""


@pytest.fixture
def broken(project_copy: Path) -> Path:
    """The project with two SHACL violations (lines 2 and 6 of data/zz-broken.yaml) and a warning."""
    (project_copy / "data" / "zz-broken.yaml").write_text(BROKEN, encoding="utf-8")
    onto = next((project_copy / "ontology").glob("*.ttl"))
    text = onto.read_text(encoding="utf-8")
    onto.write_text(text + "\nag:Undefined a owl:Class ;\n    rdfs:label \"undefined thing\"@en .\n", encoding="utf-8")
    return project_copy


def _undefined_line(project: Path) -> int:
    onto = next((project / "ontology").glob("*.ttl"))
    return next(n for n, line in enumerate(onto.read_text().splitlines(), 1) if line.startswith("ag:Undefined"))


def test_text_groups_findings_by_file_with_line_record_and_message(broken, run_cli):
    code, _, out = run_cli("--project", str(broken), "validate")
    assert code == 1
    block = out.split("data/zz-broken.yaml\n", 1)[1].split("\n\n", 1)[0].splitlines()
    assert block[0].split()[:2] == ["2", "violation"]
    assert "record 'nameless-person': label: needs exactly one 'label'" in block[0]
    assert block[1].split()[0] == "6" and "record 'second-nameless'" in block[1]
    assert "ontology/" in out and "warning" in out and "ag:Undefined has no definition" in out
    assert out.rstrip().splitlines()[-1].startswith("does not conform: 2 violations, 1 warning")


def test_json_lists_every_finding_with_location_and_rule(broken, run_cli):
    code, out, _ = run_cli("--project", str(broken), "validate", "--format", "json")
    assert code == 1
    doc = json.loads(out)
    assert doc["exit_code"] == 1 and doc["counts"] == {"violation": 2, "warning": 1, "info": 0}
    first = doc["findings"][0]
    assert (first["file"], first["line"], first["record"], first["property"]) == ("data/zz-broken.yaml", 2, "nameless-person", "label")
    assert first["check"] == "shacl" and "needs exactly one 'label'" in first["message"]
    warning = next(f for f in doc["findings"] if f["severity"] == "warning")
    assert warning["rule"] == "missing_definition" and warning["line"] == _undefined_line(broken)
    assert warning["file"].startswith("ontology/")


def test_github_annotations_point_at_the_yaml_line(broken, run_cli):
    code, out, _ = run_cli("--project", str(broken), "validate", "--format", "github")
    assert code == 1
    lines = out.splitlines()
    assert lines[0].startswith("::error file=data/zz-broken.yaml,line=2,title=ldpub shacl/")
    assert lines[0].endswith("::record 'nameless-person': label: needs exactly one 'label'")
    assert any(l.startswith("::warning file=ontology/") and f",line={_undefined_line(broken)}," in l for l in lines)


def test_fail_on_warning_turns_warnings_into_failure(project_copy, run_cli):
    onto = next((project_copy / "ontology").glob("*.ttl"))
    onto.write_text(onto.read_text() + "\nag:Undefined a owl:Class ;\n    rdfs:label \"undefined thing\"@en .\n")
    assert run_cli("--project", str(project_copy), "validate")[0] == 0
    code, _, out = run_cli("--project", str(project_copy), "validate", "--fail-on", "warning")
    assert code == 1 and "does not conform: 1 warning" in out


def test_junit_report_is_valid_against_the_junit_schema(broken, run_cli):
    import xmlschema
    from xml.etree import ElementTree as ET

    code, out, _ = run_cli("--project", str(broken), "validate", "--format", "junit")
    assert code == 1
    xmlschema.XMLSchema(SCHEMAS / "junit-10.xsd").validate(out.encode())
    root = ET.fromstring(out)
    shacl = root.find("testsuite[@name='ldpub.shacl']")
    assert shacl.get("failures") == "2"
    failure = shacl.find("testcase/failure")
    assert failure.get("message").startswith("data/zz-broken.yaml:2: record 'nameless-person': label: needs exactly one")
    assert "line: 2" in failure.text
    assert root.find("testsuite[@name='ldpub.records']/testcase").get("name") == "records: no problems"


def test_sarif_report_is_valid_sarif_2_1_0(broken, run_cli):
    import jsonschema

    code, out, _ = run_cli("--project", str(broken), "validate", "--format", "sarif")
    assert code == 1
    doc = json.loads(out)
    schema = json.loads((SCHEMAS / "sarif-schema-2.1.0.json").read_text())
    jsonschema.validators.validator_for(schema)(schema).validate(doc)
    run = doc["runs"][0]
    result = run["results"][0]
    loc = result["locations"][0]["physicalLocation"]
    assert loc["artifactLocation"]["uri"] == "data/zz-broken.yaml"
    assert loc["region"]["startLine"] == 2
    assert result["level"] == "error" and "needs exactly one 'label'" in result["message"]["text"]
    assert run["tool"]["driver"]["rules"][result["ruleIndex"]]["id"] == result["ruleId"]
    assert {r["level"] for r in run["results"]} == {"error", "warning"}


def test_report_can_be_written_to_a_file_relative_to_the_project(broken, run_cli):
    code, _, _ = run_cli("--project", str(broken), "validate", "--format", "sarif", "-o", "reports/ldpub.sarif")
    assert code == 1
    assert json.loads((broken / "reports" / "ldpub.sarif").read_text())["version"] == "2.1.0"


def test_reports_are_deterministic(broken, run_cli):
    for fmt in ("junit", "sarif"):
        first = run_cli("--project", str(broken), "validate", "--format", fmt)[1]
        assert first == run_cli("--project", str(broken), "validate", "--format", fmt)[1], fmt


def test_the_repository_dataset_conforms(repo_root, run_cli):
    code, _, out = run_cli("--project", str(repo_root), "validate")
    assert code == 0, out
    assert out.startswith("conforms: no problems")


def test_github_escaping_follows_the_workflow_command_rules():
    from ldpub.reporters import github_escape_data, github_escape_property

    assert github_escape_data("50% done\r\nnext") == "50%25 done%0D%0Anext"
    assert github_escape_property("a:b,c%\n") == "a%3Ab%2Cc%25%0A"


def test_report_files_get_the_usual_permissions_not_private_ones(project_copy, run_cli, tmp_path):
    import os
    import stat

    old = os.umask(0o022)
    try:
        code, _, _ = run_cli("--project", str(project_copy), "validate", "--format", "json", "-o", str(tmp_path / "r.json"))
    finally:
        os.umask(old)
    assert code == 0
    assert stat.S_IMODE((tmp_path / "r.json").stat().st_mode) == 0o644  # readable by CI's upload step, like any file
