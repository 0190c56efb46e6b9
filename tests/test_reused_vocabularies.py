"""A project built on reused vocabularies (W3C ORG, FOAF) needs no tricks (issue #13).

Classes and properties are written by their local name when no other term has it
(``type: Membership`` for ``org:Membership``, ``organization:`` for ``org:organization``, no
``ldpub:recordKey``); an ambiguous local name is an error listing the prefixed names to write.
Named individuals are found by local name, label or kebab-case in any case; hints name only
candidates of the property's range, and never repeat what was written.
"""

from __future__ import annotations

from pathlib import Path

import pytest

ORG = "http://www.w3.org/ns/org#"
FOAF = "http://xmlns.com/foaf/0.1/"
EX = "https://example.org/peace#"
BASE = "https://example.org/peace/id/"

CONFIG = f"""[project]
name = "memberships"
base_iri = "{BASE}"
data_prefix = "d"
language = "en"

[paths]
ontology = "ontology"
shapes = "shapes"
data = "data"
out = "dist"
"""

ONTOLOGY = f"""@prefix ex:    <{EX}> .
@prefix org:   <{ORG}> .
@prefix foaf:  <{FOAF}> .
@prefix owl:   <http://www.w3.org/2002/07/owl#> .
@prefix rdfs:  <http://www.w3.org/2000/01/rdf-schema#> .
@prefix xsd:   <http://www.w3.org/2001/XMLSchema#> .
@prefix ldpub: <https://w3id.org/ldpub/meta#> .

<https://example.org/peace> a owl:Ontology ; rdfs:label "Memberships in peace processes" ;
    ldpub:preferredPrefix "ex" .

foaf:Agent a owl:Class ; rdfs:label "agent" .
foaf:Person a owl:Class ; rdfs:label "person" ; rdfs:subClassOf foaf:Agent .
org:Organization a owl:Class ; rdfs:label "organization" ; rdfs:subClassOf foaf:Agent .
org:Membership a owl:Class ; rdfs:label "membership" .
ex:Stage a owl:Class ; rdfs:label "stage" .
ex:Status a owl:Class ; rdfs:label "status" .

ex:FrameworkPartial a ex:Stage ; rdfs:label "Framework - partial" .
ex:Ceasefire a ex:Stage ; rdfs:label "ceasefire" .
ex:Active a ex:Status ; rdfs:label "active" .
ex:Dormant a ex:Status ; rdfs:label "dormant" .

org:member a owl:ObjectProperty ; rdfs:label "member" ; rdfs:range foaf:Agent .
foaf:member a owl:ObjectProperty ; rdfs:label "member" ; rdfs:range foaf:Agent .
org:organization a owl:ObjectProperty ; rdfs:label "organization" ; rdfs:range org:Organization .
foaf:name a owl:DatatypeProperty ; rdfs:label "name" ; rdfs:range xsd:string .
ex:stage a owl:ObjectProperty ; rdfs:label "stage" ; rdfs:range ex:Stage .
ex:status a owl:ObjectProperty ; rdfs:label "status" ; rdfs:range ex:Status .
"""

SHAPES = f"""@prefix sh:  <http://www.w3.org/ns/shacl#> .
@prefix org: <{ORG}> .
<https://example.org/peace/shapes#Membership> a sh:NodeShape ; sh:targetClass org:Membership ;
    sh:property [ sh:path org:organization ; sh:minCount 1 ; sh:class org:Organization ] .
"""

DATA = """- id: un
  type: Organization
  name: United Nations
- id: alice
  type: Person
  name: Alice
- id: alice-at-un
  type: Membership
  org:member: alice
  organization: un
  stage: framework-partial
  status: Active
"""


@pytest.fixture
def project(tmp_path: Path) -> Path:
    for folder, name, text in (("ontology", "peace.ttl", ONTOLOGY), ("shapes", "shapes.ttl", SHAPES),
                               ("data", "records.yaml", DATA)):
        (tmp_path / folder).mkdir()
        (tmp_path / folder / name).write_text(text, encoding="utf-8")
    (tmp_path / "ldpub.toml").write_text(CONFIG, encoding="utf-8")
    return tmp_path


def _records(project: Path, text: str) -> Path:
    path = project / "data" / "records.yaml"
    path.write_text(DATA + text, encoding="utf-8")
    return path


def _build(run_cli, project: Path):
    return run_cli("--project", str(project), "build", "-q")


def _triples(project: Path) -> set[tuple[str, str, str]]:
    import pyoxigraph as ox

    with open(project / "dist" / "dataset.nt", "rb") as f:
        return {(t.subject.value, t.predicate.value, t.object.value) for t in ox.parse(f, format=ox.RdfFormat.N_TRIPLES)}


def test_reused_classes_and_properties_by_local_name(project, run_cli):
    code, _, err = _build(run_cli, project)
    assert code == 0, err
    triples = _triples(project)
    membership = BASE + "alice-at-un"
    assert (membership, "http://www.w3.org/1999/02/22-rdf-syntax-ns#type", ORG + "Membership") in triples
    assert (membership, ORG + "organization", BASE + "un") in triples
    assert (membership, ORG + "member", BASE + "alice") in triples
    assert (BASE + "un", FOAF + "name", "United Nations") in triples
    assert (membership, EX + "stage", EX + "FrameworkPartial") in triples
    assert (membership, EX + "status", EX + "Active") in triples


def test_the_json_ld_context_reads_like_the_records(project, run_cli):
    import json

    assert _build(run_cli, project)[0] == 0
    context = json.loads((project / "dist" / "context.jsonld").read_text())["@context"]
    assert context["Membership"] == "org:Membership"
    assert context["organization"] == {"@id": "org:organization", "@type": "@id"}
    assert "member" not in context  # ambiguous: records write org:member or foaf:member
    # the JSON-LD (read by rdflib's parser) is the same graph as the N-Triples
    import rdflib
    from rdflib.compare import isomorphic

    jsonld = rdflib.Graph().parse(project / "dist" / "dataset.jsonld", format="json-ld")
    nt = rdflib.Graph().parse(project / "dist" / "dataset.nt", format="nt")
    assert len(nt) == 9 and isomorphic(jsonld, nt)


def test_the_prefixed_name_is_always_accepted(project, run_cli):
    _records(project, "- id: bob\n  type: foaf:Person\n  foaf:name: Bob\n  org:organization: un\n")
    code, _, err = _build(run_cli, project)
    assert code == 0, err
    assert (BASE + "bob", ORG + "organization", BASE + "un") in _triples(project)


def test_an_ambiguous_local_name_lists_the_prefixed_names(project, run_cli):
    path = _records(project, "- id: bob-at-un\n  type: Membership\n  member: alice\n  organization: un\n")
    code, _, err = _build(run_cli, project)
    assert code == 2 and "Traceback" not in err
    line = path.read_text().splitlines().index("  member: alice") + 1
    assert (f"data/records.yaml:{line}: record 'bob-at-un': key 'member' could be foaf:member or org:member "
            "(write one of foaf:member, org:member)") in err


@pytest.mark.parametrize("written", ["framework-partial", "FrameworkPartial", "frameworkpartial",
                                     "Framework - partial", "framework - PARTIAL", "framework_partial"])
def test_an_individual_by_local_name_label_or_kebab_case(project, run_cli, written):
    _records(project, f"- id: bob-at-un\n  type: Membership\n  organization: un\n  stage: {written}\n")
    code, _, err = _build(run_cli, project)
    assert code == 0, err
    assert (BASE + "bob-at-un", EX + "stage", EX + "FrameworkPartial") in _triples(project)


def test_an_individual_of_the_wrong_class_says_so_without_repeating_the_input(project, run_cli):
    path = _records(project, "- id: bob-at-un\n  type: Membership\n  organization: un\n  status: ceasefire\n")
    code, _, err = _build(run_cli, project)
    assert code == 2
    line = path.read_text().splitlines().index("  status: ceasefire") + 1
    assert (f"data/records.yaml:{line}: record 'bob-at-un': status: 'ceasefire' is a Stage, not a Status "
            "(write one of 'active', 'dormant')") in err
    assert "did you mean 'ceasefire'" not in err


def test_hints_name_only_candidates_of_the_range(project, run_cli):
    """'alicee' is closest to the person 'alice', but an organization is wanted."""
    _records(project, "- id: bob-at-un\n  type: Membership\n  organization: alicee\n"
                      "- id: carol-at-un\n  type: Membership\n  organization: unn\n  stage: framework-partal\n")
    code, _, err = _build(run_cli, project)
    assert code == 2
    assert ("record 'bob-at-un': organization: unknown record 'alicee' (define a record with this id, "
            "or fix the slug)") in err
    assert "record 'carol-at-un': organization: unknown record 'unn' (did you mean 'un'?)" in err
    assert "record 'carol-at-un': stage: unknown record 'framework-partal' (did you mean 'framework-partial'?)" in err


def test_an_unknown_reused_class_suggests_its_local_name(project, run_cli):
    _records(project, "- id: bob-at-un\n  type: Membersip\n  organization: un\n")
    code, _, err = _build(run_cli, project)
    assert code == 2
    assert "record 'bob-at-un': unknown type 'Membersip' (did you mean 'Membership'?)" in err
