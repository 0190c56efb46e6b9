"""``owl:unionOf`` datatype ranges: a value is checked against each member in order and typed with
the first it fits; one that fits none is a located error; other anonymous ranges are ontology
errors (before, validate said "conforms" and build and query crashed)."""

from __future__ import annotations

import json

import pytest

from values_project import RECORDS_FILE, assert_user_error, build, good_build, line_of, make_project, record, snapshot

UNION = """
ex:when a owl:DatatypeProperty ;
    rdfs:label "when"@en ;
    skos:definition "When it happened, as precisely as known."@en ;
    rdfs:range [ a rdfs:Datatype ; owl:unionOf ( xsd:date xsd:gYearMonth xsd:gYear ) ] .
"""
RECORDS = record(when='"2019"') + """- id: second
  type: Organization
  label: Second
  when: 2019-05
- id: third
  type: Organization
  label: Third
  when: 2019-05-06
"""
WHEN = "<https://example.org/ds/ontology#when>"
XSD = "http://www.w3.org/2001/XMLSchema#"


@pytest.fixture
def union_project(tmp_path, run_cli):
    project = make_project(tmp_path, run_cli, UNION, RECORDS)
    return project, good_build(run_cli, project)


def test_each_value_is_typed_with_the_first_member_it_fits(union_project):
    _, files = union_project
    nt = files["dataset.nt"].decode()
    assert f'<https://example.org/ds/id/thing> {WHEN} "2019"^^<{XSD}gYear>' in nt
    assert f'<https://example.org/ds/id/second> {WHEN} "2019-05"^^<{XSD}gYearMonth>' in nt
    assert f'<https://example.org/ds/id/third> {WHEN} "2019-05-06"^^<{XSD}date>' in nt


def test_the_jsonld_keeps_each_values_own_datatype(union_project):
    import pyoxigraph as ox

    project, files = union_project
    from_jsonld = {str(t) for t in ox.parse(files["dataset.jsonld"], format=ox.RdfFormat.JSON_LD)}
    from_nt = {str(t) for t in ox.parse(files["dataset.nt"], format=ox.RdfFormat.N_TRIPLES)}
    assert from_jsonld == from_nt


def test_validate_and_query_work_on_a_union_range(union_project, run_cli):
    project, _ = union_project
    code, out, err = run_cli("--project", str(project), "validate", "--format", "json")
    assert code == 0, err
    assert json.loads(out)["findings"] == []
    code, out, err = run_cli("--project", str(project), "query", "--format", "json", "--sparql",
                             f"SELECT ?w WHERE {{ ?s {WHEN} ?w }} ORDER BY STR(?w)")
    assert code == 0, err
    assert [b["w"]["datatype"].rsplit("#", 1)[1] for b in json.loads(out)["results"]["bindings"]] == [
        "gYear", "gYearMonth", "date"]


def test_a_value_that_fits_no_member_names_them_all(union_project, run_cli):
    project, before = union_project
    path = project / RECORDS_FILE
    path.write_text(path.read_text().replace("when: 2019-05-06", "when: 2019-05-32"), encoding="utf-8")
    code, _, err = build(run_cli, project)
    assert_user_error(
        code, err,
        f"{RECORDS_FILE}:{line_of(path, '2019-05-32')}: record 'third': when: '2019-05-32' is none of "
        "xsd:date or xsd:gYearMonth or xsd:gYear (expected xsd:date: a date YYYY-MM-DD; "
        "xsd:gYearMonth: a year and month YYYY-MM; xsd:gYear: a year YYYY)")
    assert snapshot(project) == before


@pytest.mark.parametrize("range_text", [
    "[ a owl:Restriction ; owl:onProperty ex:when ; owl:someValuesFrom xsd:date ]",
    '[ a rdfs:Datatype ; owl:oneOf ( "a" "b" ) ]',
    "[ a rdfs:Datatype ; owl:onDatatype xsd:integer ; owl:withRestrictions ( [ xsd:minInclusive 0 ] ) ]",
    "[ owl:unionOf ( xsd:date [ owl:onDatatype xsd:gYear ] ) ]",
])
def test_other_anonymous_ranges_are_an_ontology_error(tmp_path, run_cli, range_text):
    turtle = f'\nex:when a owl:DatatypeProperty ;\n    rdfs:label "when"@en ;\n    rdfs:range {range_text} .\n'
    project = make_project(tmp_path, run_cli, turtle, record(when="2019"))
    line = line_of(project / "ontology" / "extra.ttl", "ex:when a owl:DatatypeProperty")
    code, _, err = build(run_cli, project)
    assert_user_error(code, err, f"ontology/extra.ttl:{line}: property ex:when has an anonymous range ldpub cannot read",
                      "owl:unionOf (xsd:date xsd:gYearMonth xsd:gYear)")
    code, _, err = run_cli("--project", str(project), "validate")
    assert_user_error(code, err, "ontology/extra.ttl", f"{line}      violation property ex:when has an anonymous range")
    assert not (project / "dist").exists()


def test_a_union_member_ldpub_does_not_know_is_an_ontology_error(tmp_path, run_cli):
    turtle = UNION.replace("xsd:gYear )", "xsd:gYear rdf:HTML )")
    project = make_project(tmp_path, run_cli, turtle, RECORDS)
    code, _, err = build(run_cli, project)
    assert_user_error(code, err, "property ex:when has range rdf:HTML: ldpub does not know the datatype rdf:HTML")


def test_an_object_property_with_a_class_expression_range_still_takes_references(tmp_path, run_cli):
    turtle = """
ex:partner a owl:ObjectProperty ;
    rdfs:label "partner"@en ;
    skos:definition "Another organization it works with."@en ;
    rdfs:range [ a owl:Restriction ; owl:onProperty ex:founded ; owl:someValuesFrom ex:FuzzyTime ] .
"""
    records = record(partner="other") + "- id: other\n  type: Organization\n  label: Other\n"
    project = make_project(tmp_path, run_cli, turtle, records)
    nt = good_build(run_cli, project)["dataset.nt"].decode()
    assert ("<https://example.org/ds/id/thing> <https://example.org/ds/ontology#partner> "
            "<https://example.org/ds/id/other> .") in nt


SCHEMA_RANGE = """
schema:startDate a owl:DatatypeProperty ;
    rdfs:label "start date"@en ;
    skos:definition "When it started."@en ;
    schema:rangeIncludes schema:Date, schema:DateTime .
schema:url a owl:DatatypeProperty ;
    rdfs:label "url"@en ;
    skos:definition "Its web page."@en ;
    schema:rangeIncludes schema:URL .
"""


def test_schema_range_includes_gives_the_datatypes_without_an_rdfs_range(tmp_path, run_cli):
    """schema.org gives its properties schema:rangeIncludes, not rdfs:range: reuse them as they are."""
    records = (record(**{"schema:startDate": "2019-01-07", "schema:url": "https://example.org/x"})
               + '- id: other\n  type: Organization\n  label: Other\n  schema:startDate: "2019-01-07T10:00:00Z"\n')
    project = make_project(tmp_path, run_cli, SCHEMA_RANGE, records)
    nt = good_build(run_cli, project)["dataset.nt"].decode()
    assert f'<https://example.org/ds/id/thing> <https://schema.org/startDate> "2019-01-07"^^<{XSD}date>' in nt
    assert f'<https://example.org/ds/id/other> <https://schema.org/startDate> "2019-01-07T10:00:00Z"^^<{XSD}dateTime>' in nt
    assert f'<https://schema.org/url> "https://example.org/x"^^<{XSD}anyURI>' in nt
    path = project / RECORDS_FILE
    path.write_text(path.read_text().replace("schema:startDate: 2019-01-07", "schema:startDate: 2019-13-07"))
    code, _, err = build(run_cli, project)
    assert_user_error(code, err, "schema:startDate: '2019-13-07' is none of xsd:date or xsd:dateTime")
