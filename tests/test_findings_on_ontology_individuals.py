"""A shape that fails on a named individual of the ontology (ag:Reported is an ag:ClaimStatus)
points at the individual's line in the ontology file, not at "(project)" (issue #13)."""

from __future__ import annotations

import json

SHAPE = """
ags:StatusNeedsNotation a sh:NodeShape ;
    sh:targetClass ag:ClaimStatus ;
    sh:property [ sh:path ag:format ; sh:minCount 1 ; sh:message "a status needs a format" ] .
"""


def _line_of(path, needle: str) -> int:
    return next(n for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1)
                if line.startswith(needle))


def test_a_finding_on_an_ontology_individual_names_the_ontology_file_and_line(project_copy, run_cli):
    with open(project_copy / "shapes" / "armed-groups-shapes.ttl", "a", encoding="utf-8") as f:
        f.write(SHAPE)
    ontology = project_copy / "ontology" / "armed-groups.ttl"
    code, out, _ = run_cli("--project", str(project_copy), "validate", "--format", "json")
    assert code == 1
    found = [f for f in json.loads(out)["findings"] if f["message"].endswith("a status needs a format")]
    assert {(f["file"], f["line"], f["record"]) for f in found} == {
        ("ontology/armed-groups.ttl", _line_of(ontology, f"ag:{name} "), f"ag:{name}")
        for name in ("Reported", "Confirmed", "Denied", "Disputed")}
    code, _, err = run_cli("--project", str(project_copy), "validate")
    assert "(project)" not in err
    assert f"{_line_of(ontology, 'ag:Reported ')}:1   violation record 'ag:Reported': format: a status needs a format" in err
