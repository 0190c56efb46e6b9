"""Ontology quality checks (in the spirit of ROBOT report), located in the ontology and shapes."""

from __future__ import annotations

import json
from pathlib import Path


def _append(path: Path, text: str) -> int:
    """Append Turtle; return the line number of its first line."""
    old = path.read_text(encoding="utf-8")
    path.write_text(old + "\n" + text, encoding="utf-8")
    return len(old.splitlines()) + 2


def _findings(run_cli, project: Path) -> tuple[int, list[dict]]:
    code, out, _ = run_cli("--project", str(project), "validate", "--format", "json")
    return code, [f for f in json.loads(out)["findings"] if f["check"] == "ontology"]


def _onto(project: Path) -> Path:
    return next((project / "ontology").glob("*.ttl"))


def test_missing_label_is_a_violation_on_the_declaration_line(project_copy, run_cli):
    line = _append(_onto(project_copy), 'ag:Nameless a owl:Class ;\n    skos:definition "no label"@en .\n')
    code, found = _findings(run_cli, project_copy)
    assert code == 1
    f = next(f for f in found if f["rule"] == "missing_label")
    assert (f["file"], f["line"], f["severity"]) == (f"ontology/{_onto(project_copy).name}", line, "violation")
    assert "class ag:Nameless has no label" in f["message"]


def test_duplicate_label_between_two_classes(project_copy, run_cli):
    _append(_onto(project_copy), 'ag:Human a owl:Class ;\n    rdfs:label "person"@en ;\n    skos:definition "x"@en .\n')
    code, found = _findings(run_cli, project_copy)
    assert code == 1
    f = next(f for f in found if f["rule"] == "duplicate_label")
    assert "ag:Person" in f["message"] and "ag:Human" in f["message"] and "'person'" in f["message"]


def test_multiple_labels_in_one_language(project_copy, run_cli):
    _append(_onto(project_copy), 'ag:Person rdfs:label "human"@en .\n')
    _, found = _findings(run_cli, project_copy)
    assert any(f["rule"] == "multiple_labels" and "ag:Person has 2 labels" in f["message"] for f in found)


def test_shape_referencing_an_undeclared_term_points_at_the_shape_line(project_copy, run_cli):
    shapes = next((project_copy / "shapes").glob("*.ttl"))
    line = _append(shapes, 'ags:TypoShape a sh:NodeShape ;\n    sh:targetClass ag:Persn .\n')
    code, found = _findings(run_cli, project_copy)
    assert code == 1
    f = next(f for f in found if f["rule"] == "shape_undeclared_term")
    assert (f["file"], f["line"]) == (f"shapes/{shapes.name}", line + 1)
    assert "ag:Persn" in f["message"] and f["hint"] == "did you mean 'Person'?"


def test_class_used_by_data_without_a_shape_is_a_warning_at_the_record(project_copy, run_cli):
    _append(_onto(project_copy), 'ag:Unshaped a owl:Class ;\n    rdfs:label "unshaped"@en ;\n    skos:definition "x"@en .\n')
    (project_copy / "data" / "zz-unshaped.yaml").write_text("- id: planted\n  type: Unshaped\n", encoding="utf-8")
    code, found = _findings(run_cli, project_copy)
    assert code == 0
    f = next(f for f in found if f["rule"] == "class_without_shape")
    assert (f["file"], f["line"], f["record"], f["severity"]) == ("data/zz-unshaped.yaml", 1, "planted", "warning")


def test_classes_the_shapes_reach_by_other_targets_or_nested_shapes_are_not_reported(project_copy, run_cli):
    """A class counts as checked when some shape validates its instances: a focus node of any
    target kind, or a value node reached through sh:property / sh:node (friction F9)."""
    for name in ("Holder", "Companion", "Alone"):
        _append(_onto(project_copy), f'ag:{name} a owl:Class ;\n    rdfs:label "{name.lower()}"@en ;\n'
                                     f'    skos:definition "x"@en .\n')
    _append(_onto(project_copy), 'ag:companion a owl:ObjectProperty ;\n    rdfs:label "companion"@en ;\n'
                                 '    skos:definition "x"@en ;\n    rdfs:range ag:Companion .\n')
    shapes = next((project_copy / "shapes").glob("*.ttl"))
    _append(shapes, 'ags:CompanionShape a sh:NodeShape ;\n    sh:property [ sh:path skos:prefLabel ; sh:minCount 1 ] .\n'
                    'ags:HasCompanion a sh:NodeShape ;\n    sh:targetSubjectsOf ag:companion ;\n'
                    '    sh:property [ sh:path ag:companion ; sh:node ags:CompanionShape ] .\n')
    (project_copy / "data" / "zz-reach.yaml").write_text(
        "- id: planted-holder\n  type: Holder\n  companion: planted-companion\n"
        "- id: planted-companion\n  type: Companion\n  label: A companion\n"
        "- id: planted-alone\n  type: Alone\n", encoding="utf-8")
    code, found = _findings(run_cli, project_copy)
    assert code == 0
    unchecked = [f for f in found if f["rule"] == "class_without_shape"]
    assert [(f["record"], f["line"]) for f in unchecked] == [("planted-alone", 7)]
    assert "ag:Alone" in unchecked[0]["message"]


def test_ontology_checks_can_be_skipped(project_copy, run_cli):
    _append(_onto(project_copy), 'ag:Nameless a owl:Class .\n')
    assert run_cli("--project", str(project_copy), "validate", "--no-ontology-checks")[0] == 0


def test_data_using_an_undeclared_property_is_a_violation_at_the_record(built):
    """Records cannot name undeclared keys (the mapping refuses them), but other producers of
    triples can: the check looks at the triples themselves."""
    import dataclasses

    import pyoxigraph as ox

    from ldpub.ontology_checks import ontology_findings

    build, _ = built
    subject = build.project.base_iri + "taliban"
    extra = ox.Triple(ox.NamedNode(subject), ox.NamedNode("https://w3id.org/ldpub/ontology/armed-groups#ruledBy"),
                      ox.NamedNode(build.project.base_iri + "mullah-omar"))
    changed = dataclasses.replace(build)
    changed.triples = [*build.triples, extra]
    found = [f for f in ontology_findings(changed) if f.rule == "undeclared_term"]
    assert len(found) == 1
    f = found[0]
    assert (f.file, f.record, f.severity) == ("data/groups.yaml", "taliban", "violation")
    assert "ag:ruledBy, which the ontology does not declare" in f.message
