"""EDTF expansion from the range alone: a property whose range class has ``ldpub:expander "edtf"``
turns ``2019-21`` into a node with the expression and its earliest and latest dates, whichever
properties hold those slots (``ldpub:expanderSlot``), with or without an ``rdfs:domain``, reused
ones included (``rdf:value``, ``schema:startDate``). A slot nobody holds, or two properties
claiming one, is an ontology error naming the class and the slot: never a silent drop."""

from __future__ import annotations

import re

import pytest

from values_project import assert_user_error, build, good_build, line_of, make_project, record

ONT = "https://example.org/ds/ontology#"
XSD = "http://www.w3.org/2001/XMLSchema#"


def _triples(nt: str, subject_suffix: str) -> dict[str, str]:
    """predicate IRI -> object text of the node ``<https://example.org/ds/id/thing#suffix>``."""
    node = f"<https://example.org/ds/id/thing#{subject_suffix}>"
    return {m.group(1): m.group(2) for m in re.finditer(rf"^{re.escape(node)} <([^>]+)> (.+) \.$", nt, re.M)}


def test_slot_properties_without_a_domain_still_get_the_dates(tmp_path, run_cli):
    project = make_project(tmp_path, run_cli, records=record(founded='"2019-21"'))
    ontology = project / "ontology" / "ontology.ttl"
    text = ontology.read_text()
    assert text.count("rdfs:domain ex:FuzzyTime ;") == 3
    ontology.write_text(text.replace("    rdfs:domain ex:FuzzyTime ;\n", ""), encoding="utf-8")
    nt = good_build(run_cli, project)["dataset.nt"].decode()
    assert _triples(nt, "founded") == {
        "http://www.w3.org/1999/02/22-rdf-syntax-ns#type": f"<{ONT}FuzzyTime>",
        f"{ONT}edtf": '"2019-21"^^<http://id.loc.gov/datatypes/edtf/EDTF>',
        f"{ONT}earliest": f'"2019-03-01"^^<{XSD}date>',
        f"{ONT}latest": f'"2019-05-31"^^<{XSD}date>',
    }


REUSED = """
ex:Period a owl:Class ;
    rdfs:label "period"@en ;
    skos:definition "A stretch of time as precise as the source gives it."@en ;
    ldpub:expander "edtf" .

ex:active a owl:ObjectProperty ;
    rdfs:label "active"@en ;
    skos:definition "When the organization was active."@en ;
    rdfs:range ex:Period .

rdf:value ldpub:expanderSlot "expression" .

schema:startDate a owl:DatatypeProperty ;
    rdfs:label "start date"@en ;
    skos:definition "The earliest date."@en ;
    rdfs:domain schema:Event ;
    ldpub:expanderSlot "earliest" .

schema:endDate a owl:DatatypeProperty ;
    rdfs:label "end date"@en ;
    skos:definition "The latest date."@en ;
    rdfs:range xsd:date ;
    ldpub:expanderSlot "latest" .
"""


def test_reused_properties_hold_the_slots_of_a_class_without_its_own(tmp_path, run_cli):
    project = make_project(tmp_path, run_cli, REUSED, record(founded='"2016"', active='"2019-08/2020"'))
    nt = good_build(run_cli, project)["dataset.nt"].decode()
    assert _triples(nt, "active") == {
        "http://www.w3.org/1999/02/22-rdf-syntax-ns#type": f"<{ONT}Period>",
        "http://www.w3.org/1999/02/22-rdf-syntax-ns#value": '"2019-08/2020"^^<http://id.loc.gov/datatypes/edtf/EDTF>',
        "https://schema.org/startDate": f'"2019-08-01"^^<{XSD}date>',
        "https://schema.org/endDate": f'"2020-12-31"^^<{XSD}date>',
    }
    # the scaffold's FuzzyTime keeps its own (domain-matched) slot properties
    assert set(_triples(nt, "founded")) == {"http://www.w3.org/1999/02/22-rdf-syntax-ns#type", f"{ONT}edtf",
                                            f"{ONT}earliest", f"{ONT}latest"}


@pytest.mark.parametrize("change, message, hint", [
    pytest.param(('schema:endDate a owl:DatatypeProperty ;', 'schema:endDate a owl:DatatypeProperty ;'),
                 None, None, id="control"),
    pytest.param(('    ldpub:expanderSlot "latest" .', '    .'),
                 "class ex:Period (ldpub:expander \"edtf\") has no property for slot 'latest'",
                 'mark the property that holds it with ldpub:expanderSlot "latest" (an rdfs:domain is not needed)',
                 id="missing-slot"),
    pytest.param(('rdf:value ldpub:expanderSlot "expression" .',
                  'rdf:value ldpub:expanderSlot "expression" .\nschema:name ldpub:expanderSlot "expression" .'),
                 "class ex:Period: slot 'expression' is claimed by rdf:value and schema:name",
                 "give the one meant for ex:Period the rdfs:domain ex:Period", id="slot-claimed-twice"),
    pytest.param(('ldpub:expanderSlot "earliest"', 'ldpub:expanderSlot "begin"'),
                 "schema:startDate has ldpub:expanderSlot 'begin', which no expander fills",
                 "edtf fills expression, earliest, latest", id="unknown-slot"),
    pytest.param(('ldpub:expander "edtf" .', 'ldpub:expander "edtf-dates" .'),
                 "class ex:Period names unknown expander 'edtf-dates'", "known expanders: edtf", id="unknown-expander"),
    pytest.param(('schema:endDate a owl:DatatypeProperty', 'schema:endDate a owl:ObjectProperty'),
                 "schema:endDate holds slot 'latest' of ex:Period but is an object property",
                 "the slot is a literal (xsd:date): use a datatype property", id="object-property-slot"),
    pytest.param(('    rdfs:range xsd:date ;\n    ldpub:expanderSlot "latest"', '    rdfs:range xsd:dateTime ;\n    ldpub:expanderSlot "latest"'),
                 "schema:endDate holds slot 'latest' of ex:Period, a xsd:date, but its range is xsd:dateTime",
                 "give it the range xsd:date or none", id="slot-range-mismatch"),
])
def test_a_broken_expander_declaration_is_an_ontology_error(tmp_path, run_cli, change, message, hint):
    old, new = change
    assert old in REUSED
    project = make_project(tmp_path, run_cli, REUSED.replace(old, new, 1), record(active='"2019"'))
    code, out, err = build(run_cli, project)
    if message is None:
        assert code == 0, err
        return
    assert_user_error(code, err, "ontology/extra.ttl:", message, hint)
    assert not (project / "dist").exists()


def test_the_error_points_at_the_class_line(tmp_path, run_cli):
    project = make_project(tmp_path, run_cli, REUSED.replace('    ldpub:expanderSlot "latest" .', '    .'))
    code, _, err = build(run_cli, project)
    line = line_of(project / "ontology" / "extra.ttl", "ex:Period a owl:Class")
    assert_user_error(code, err, f"ontology/extra.ttl:{line}: class ex:Period")
