"""Record checks run before RDF exists; each shows up in every report format with exit 2."""

from __future__ import annotations

import json
from pathlib import Path

import pytest


def _validate_json(run_cli, project: Path):
    code, out, _ = run_cli("--project", str(project), "validate", "--format", "json")
    return code, json.loads(out)


def _plant(project: Path, text: str, name: str = "zz-planted.yaml") -> Path:
    path = project / "data" / name
    path.write_text(text, encoding="utf-8")
    return path


CASES = {
    "dangling-reference": (
        "- id: planted\n  type: Pledge\n  pledger: ayman-al-zawahri\n",
        3, "pledger: unknown record 'ayman-al-zawahri'", "did you mean 'ayman-al-zawahiri'?",
    ),
    "unknown-key": (
        "- id: planted\n  type: Person\n  label: Someone\n  pleger: taliban\n",
        4, "unknown key 'pleger'", "did you mean 'pledger'?",
    ),
    "unknown-type": (
        "- id: planted\n  type: Persn\n  label: Someone\n",
        2, "unknown type 'Persn'", "did you mean 'Person'?",
    ),
    "impossible-date": (
        "- id: planted\n  type: Pledge\n  pledger: ayman-al-zawahiri\n  date: 2016-02-30\n",
        4, "date 2016-02-30 does not exist", "write EDTF",
    ),
    "malformed-edtf": (
        "- id: planted\n  type: Pledge\n  pledger: ayman-al-zawahiri\n  date: spring 2019\n",
        4, "'spring 2019' is not an EDTF date", "2019-21 (spring)",
    ),
    "yaml-syntax": (
        "- id: planted\n  type: Person\n  label: [unclosed\n",
        4, "YAML syntax error", "check indentation",
    ),
}


@pytest.mark.parametrize("rule", sorted(CASES))
def test_record_problem_is_a_finding_with_file_line_and_hint(project_copy, run_cli, rule):
    text, line, message, hint = CASES[rule]
    _plant(project_copy, text)
    code, doc = _validate_json(run_cli, project_copy)
    assert code == 2 and doc["input_error"] is True
    found = [f for f in doc["findings"] if f["rule"] == rule]
    assert found, doc["findings"]
    f = found[0]
    assert (f["file"], f["line"], f["check"]) == ("data/zz-planted.yaml", line, "records")
    assert message in f["message"]
    assert hint in (f["hint"] or "")


def test_duplicate_slug_across_files_names_both_places(project_copy, run_cli):
    _plant(project_copy, "- id: taliban\n  type: ArmedGroup\n  label: Taliban again\n")
    code, doc = _validate_json(run_cli, project_copy)
    assert code == 2
    f = next(f for f in doc["findings"] if f["rule"] == "duplicate-slug")
    first, second = sorted(["data/groups.yaml", "data/zz-planted.yaml"])
    assert f["file"] == second and "duplicate slug 'taliban'" in f["message"]
    assert f"first defined at {first}:" in f["message"]


@pytest.mark.parametrize("fmt,expect", [
    ("text", "  3       violation record 'planted': pledger: unknown record 'ayman-al-zawahri' (did you mean"),
    ("github", "::error file=data/zz-planted.yaml,line=3,title=ldpub records/dangling-reference::record 'planted': pledger: unknown record"),
    ("junit", '<error message="data/zz-planted.yaml:3: record \'planted\': pledger: unknown record'),
    ("sarif", '"ruleId": "records/dangling-reference"'),
])
def test_record_problems_appear_in_every_format_with_exit_2(project_copy, run_cli, fmt, expect):
    _plant(project_copy, CASES["dangling-reference"][0])
    code, out, err = run_cli("--project", str(project_copy), "validate", "--format", fmt)
    assert code == 2
    assert expect in (err if fmt == "text" else out)  # text is for people: on stderr


def test_build_still_refuses_record_errors_with_exit_2(project_copy, run_cli):
    _plant(project_copy, CASES["unknown-key"][0])
    code, _, err = run_cli("--project", str(project_copy), "build", "--out", str(project_copy / "out"))
    assert code == 2
    assert "data/zz-planted.yaml:4: record 'planted': unknown key 'pleger' (did you mean 'pledger'?)" in err
    assert not (project_copy / "out").exists()


def test_turtle_syntax_error_in_shapes_is_an_annotation_with_exit_2(project_copy, run_cli):
    shapes = next((project_copy / "shapes").glob("*.ttl"))
    lines = shapes.read_text(encoding="utf-8").splitlines()
    shapes.write_text("\n".join(lines + ["ags:Broken a sh:NodeShape ; sh:targetClass ."]) + "\n", encoding="utf-8")
    code, out, _ = run_cli("--project", str(project_copy), "validate", "--format", "github")
    assert code == 2
    assert out.startswith(f"::error file=shapes/{shapes.name},line={len(lines) + 1},")
    assert "shapes is not valid Turtle" in out
