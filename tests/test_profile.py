"""The project's profile (ldpub.profile): annotations in ldpub's namespace, standard defaults,
and the guide's annotated example built, published, served and checked for real.

Each rule of docs/bring-your-own-ontology.md has a test here, with inline Turtle.
"""

from __future__ import annotations

import hashlib
import re
import tempfile
from pathlib import Path

import pytest

from ldpub.errors import OntologyError

ROOT = Path(__file__).resolve().parent.parent
GUIDE = ROOT / "docs" / "bring-your-own-ontology.md"
HEAD = """@prefix owl: <http://www.w3.org/2002/07/owl#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
@prefix prov: <http://www.w3.org/ns/prov#> .
@prefix foaf: <http://xmlns.com/foaf/0.1/> .
@prefix ldpub: <https://w3id.org/ldpub/meta#> .
@prefix ex: <https://example.org/x#> .
<https://example.org/x> a owl:Ontology ; ldpub:preferredPrefix "ex" .
"""
EX = "https://example.org/x#"


def profile_of(turtle: str):
    from ldpub.ontology import load_vocabulary
    from ldpub.profile import read_profile

    with tempfile.TemporaryDirectory() as tmp:
        (Path(tmp) / "o.ttl").write_text(HEAD + turtle, encoding="utf-8")
        return read_profile(load_vocabulary(Path(tmp)))


# ----------------------------------------------------------------------------- rules
def test_a_role_holds_for_sub_properties():
    profile = profile_of("""
        ex:quote a owl:DatatypeProperty ; ldpub:role "quote" .
        ex:exactQuote a owl:DatatypeProperty ; rdfs:subPropertyOf ex:quote .""")
    assert {EX + "quote", EX + "exactQuote"} <= profile.of("quote")


def test_sub_properties_of_standard_terms_take_the_default_role():
    profile = profile_of("""
        ex:supportedBy a owl:ObjectProperty ; rdfs:subPropertyOf prov:wasDerivedFrom .
        ex:displayName a owl:DatatypeProperty ; rdfs:subPropertyOf rdfs:label .""")
    assert EX + "supportedBy" in profile.of("evidence")
    assert EX + "displayName" in profile.labels


def test_an_annotated_property_takes_only_its_own_roles():
    profile = profile_of("""
        ex:origin a owl:ObjectProperty ; rdfs:subPropertyOf prov:wasDerivedFrom ; ldpub:role "source" .""")
    assert EX + "origin" in profile.of("source") and EX + "origin" not in profile.of("evidence")


def test_label_properties_in_precedence_order_with_sub_properties():
    profile = profile_of("""
        ex:displayName a owl:DatatypeProperty ; rdfs:subPropertyOf rdfs:label .
        ex:callSign a owl:DatatypeProperty ; ldpub:role "label" .""")
    labels = list(profile.labels)
    assert labels[0] == EX + "callSign"  # annotated first
    assert labels.index("http://www.w3.org/2004/02/skos/core#prefLabel") < labels.index(
        "http://www.w3.org/2000/01/rdf-schema#label") < labels.index(EX + "displayName") < labels.index(
        "http://xmlns.com/foaf/0.1/name")


def test_ontology_terms_are_labelled_by_sub_properties_of_rdfs_label():
    from ldpub.ontology import load_vocabulary

    with tempfile.TemporaryDirectory() as tmp:
        (Path(tmp) / "o.ttl").write_text(HEAD + """
            ex:displayName a owl:AnnotationProperty ; rdfs:subPropertyOf rdfs:label .
            ex:Boat a owl:Class ; ex:displayName "boat" .
            ex:Crew a owl:Class ; <https://schema.org/name> "crew" .""", encoding="utf-8")
        vocab = load_vocabulary(Path(tmp))
    assert vocab.labels[EX + "Boat"] == "boat" and vocab.labels[EX + "Crew"] == "crew"


def test_annotated_network_replaces_the_defaults():
    profile = profile_of("""
        ex:Crew a owl:Class ; rdfs:label "crew"@en ; ldpub:role "node" .
        ex:Race a owl:Class ; ldpub:edgeSource ex:winner ; ldpub:edgeTarget ex:loser ; ldpub:legend "beat" .
        ex:winner a owl:ObjectProperty . ex:loser a owl:ObjectProperty .
        ex:rivalOf a owl:ObjectProperty ; ldpub:role "edge" .
        foaf:Person a owl:Class .""")
    assert [k.id for k in profile.node_kinds] == ["crew"]
    assert [(k.id, k.legend) for k in profile.edge_kinds] == [("race", "beat"), ("rival-of", "rivalOf")]
    assert profile.network_annotated


def test_default_network_is_agents_and_what_links_them():
    profile = profile_of("""
        ex:Rower a owl:Class ; rdfs:subClassOf foaf:Person .
        ex:coaches a owl:ObjectProperty .""")
    person = next(k for k in profile.node_kinds if k.id == "person")
    assert EX + "Rower" in person.classes
    assert "coaches" in {k.id for k in profile.edge_kinds} and "org-membership" in {k.id for k in profile.edge_kinds}


@pytest.mark.parametrize("turtle, message", [
    ('ex:q a owl:DatatypeProperty ; ldpub:role "quotes" .', "did you mean 'quote'?"),
    ('ex:C a owl:Class ; ldpub:role "edge" .', "is not a class role"),
    ('ex:C a owl:Class ; ldpub:edgeSource ex:p . ex:p a owl:ObjectProperty .', "needs both ldpub:edgeSource and ldpub:edgeTarget"),
])
def test_mistakes_are_reported_with_the_file_and_a_hint(turtle, message):
    with pytest.raises(OntologyError) as caught:
        profile_of(turtle)
    rendered = "\n".join(p.render() for p in caught.value.problems)
    assert message in rendered and "o.ttl" in rendered


def test_an_unknown_role_stops_publish_with_exit_2(tmp_path, run_cli):
    project = _guide_project(tmp_path)
    ontology = project / "ontology" / "agreements.ttl"
    ontology.write_text(ontology.read_text(encoding="utf-8").replace('ldpub:role "quote"', 'ldpub:role "quotes"'),
                        encoding="utf-8")
    code, out, err = run_cli("--project", str(project), "publish", "--version", "1.0.0")
    assert code == 2
    assert 'ldpub:role "quotes" on ex:quote is not a role ldpub knows' in err and "did you mean 'quote'?" in err
    assert not (project / "releases").exists()


# ----------------------------------------------------------------------------- the guide's example
def guide_block(heading: str) -> str:
    """The first ```turtle block after ``heading`` in the guide."""
    text = GUIDE.read_text(encoding="utf-8")
    section = text.split(heading, 1)[1]
    return re.search(r"```turtle\n(.*?)```", section, re.S).group(1)


SOURCE_TEXT = """Harbour Accord, the text

The North League and the South Union signed the Harbour Accord in the spring of 2019 and kept it in force until the end of 2021.
"""

RECORDS = """- id: north-league
  type: Party
  name: North League
  alliedWith: south-union

- id: south-union
  type: Party
  name: South Union

- id: accord-text
  type: Document
  name: The text of the Harbour Accord
  textFile: accord.txt
  sha256: {digest}

- id: harbour-accord
  type: Agreement
  name: Harbour Accord
  signatory: north-league
  counterparty: south-union
  signedOn: "2019-21"
  inForceFrom: "2019-06"
  inForceUntil: "2021"
  status: reported
  confidence: 0.8
  supportedBy:
    - quote: "signed the Harbour Accord in the spring of 2019"
      inSource: accord-text
      page: "3"
      paragraph: 1
"""

EXTRA = """
ex:Reported a ex:Status ; rdfs:label "reported"@en .
ex:Document a owl:Class .
ex:name rdfs:domain owl:Thing .
"""


def _guide_project(root: Path) -> Path:
    project = root / "agreements"
    for name in ("ontology", "shapes", "data", "sources"):
        (project / name).mkdir(parents=True)
    (project / "ontology" / "agreements.ttl").write_text(
        guide_block("## Worked example: your own terms, annotated") + EXTRA, encoding="utf-8")
    (project / "shapes" / "shapes.ttl").write_text(
        "@prefix sh: <http://www.w3.org/ns/shacl#> .\n@prefix ex: <https://example.org/ontology/agreements#> .\n"
        "ex:PartyShape a sh:NodeShape ; sh:targetClass ex:Party ; sh:property [ sh:path ex:name ; sh:minCount 1 ] .\n",
        encoding="utf-8")
    (project / "sources" / "accord.txt").write_text(SOURCE_TEXT, encoding="utf-8")
    digest = hashlib.sha256(SOURCE_TEXT.encode("utf-8")).hexdigest()
    (project / "data" / "records.yaml").write_text(RECORDS.format(digest=digest), encoding="utf-8")
    (project / "ldpub.toml").write_text("""[project]
name = "agreements"
title = "Agreements (guide example)"
base_iri = "https://example.org/agreements/id/"
[paths]
sources = "sources"
[publish]
base_url = "https://example.org/agreements/releases/"
description = "The guide's annotated example."
publisher = "ldpub tests"
contact_email = "tests@example.org"
license = "https://creativecommons.org/licenses/by/4.0/"
issued = 2026-01-01
""", encoding="utf-8")
    return project


@pytest.fixture(scope="module")
def guide_build(tmp_path_factory):
    from ldpub.config import load_project
    from ldpub.pipeline import compile_project

    project = load_project(_guide_project(tmp_path_factory.mktemp("guide")))
    build = compile_project(project)
    assert build.report.conforms, [f.render() for f in build.report.findings]
    return build


def test_guide_example_network(guide_build):
    from ldpub.profile import read_profile
    from ldpub.release.network import extract_network

    network = extract_network(guide_build.store(), read_profile(guide_build.vocab))
    assert {n.label for n in network.nodes} == {"North League", "South Union"}  # ex:name ⊑ rdfs:label
    assert sorted((e.kind, e.label) for e in network.edges) == [("agreement", "agreement"), ("allied-with", "allied with")]
    assert [k.legend for k in network.edge_kinds] == ["signed an agreement with", "allied with"]


def test_guide_example_timeline_and_coverage(guide_build):
    from ldpub.profile import read_profile
    from ldpub.release.pages import timeline
    from ldpub.temporal import TimeReader

    profile = read_profile(guide_build.vocab)
    entries = [(e.edtf, e.role, e.slug) for e in timeline(guide_build, profile)]
    assert entries == [("2019-21", "date", "harbour-accord"), ("2019-06 \u2013 2021", "span", "harbour-accord")]
    assert TimeReader(guide_build.store(), profile).coverage() == ("2019-03-01", "2021-12-31")


def test_guide_example_entity_page_statement(guide_build, tmp_path):
    from ldpub.serve.dataset import prepare

    data = prepare(tmp_path, guide_build.triples, guide_build.ontology_triples, base_iri=guide_build.project.base_iri,
                   title="t", prefixes=guide_build.prefixes, context={}, vocab=guide_build.vocab)
    view = data.entity("north-league")
    statement = next(s for s in view.statements if s.node.iri.endswith("harbour-accord"))
    assert (statement.status, statement.confidence) == ("reported", "0.8")
    assert statement.date == "2019-21 (2019-03-01 \u2013 2019-05-31)"
    excerpt = statement.excerpts[0]
    assert excerpt.quote == "signed the Harbour Accord in the spring of 2019"
    assert excerpt.source.text == "The text of the Harbour Accord" and excerpt.where == "page 3, paragraph 1"
    assert data.statuses() == [("reported", 1)]


def test_guide_example_excerpts_are_checked(tmp_path, run_cli):
    project = _guide_project(tmp_path)
    code, out, err = run_cli("--project", str(project), "excerpts")
    assert code == 0, out + err
    assert "ok: 1 excerpts found verbatim in 1 source text(s)" in out
    records = project / "data" / "records.yaml"
    records.write_text(records.read_text(encoding="utf-8").replace("paragraph: 1", "paragraph: 2"), encoding="utf-8")
    code, out, err = run_cli("--project", str(project), "excerpts")
    assert code == 1 and "paragraph: the quote is in paragraph 1 of accord.txt, not 2" in out + err


def test_guide_documents_every_role_and_annotation():
    from ldpub.profile import CLASS_ROLES, ROLES

    text = GUIDE.read_text(encoding="utf-8")
    for role in [*ROLES, *CLASS_ROLES]:
        assert f"| `{role}` |" in text or f'ldpub:role "{role}"' in text, role
    for annotation in ("ldpub:role", "ldpub:edgeSource", "ldpub:edgeTarget", "ldpub:edgeLabel", "ldpub:legend"):
        assert f"### `{annotation}`" in text or f"`{annotation}`" in text, annotation
    for block in re.findall(r"```turtle\n(.*?)```", text, re.S):
        import rdflib

        rdflib.Graph().parse(data=block, format="turtle")  # every example parses


def test_readme_links_the_guide():
    assert "docs/bring-your-own-ontology.md" in (ROOT / "README.md").read_text(encoding="utf-8")


def test_a_long_legend_wraps_inside_the_picture():
    """Projects name their own kinds: a legend of many long names stays inside the picture."""
    from ldpub.release.network import KindStyle, Network, NetworkEdge, NetworkNode, render_svg

    kinds = [KindStyle(f"k{i}", f"a rather long name of a kind of link {i}", "#333333", i % 2 == 0) for i in range(8)]
    network = Network([NetworkNode("a", "A", "n"), NetworkNode("b", "B", "n")], [NetworkEdge("a", "b", "k0", "x", "r")],
                      [KindStyle("n", "node", "#ffffff")], kinds)
    svg = render_svg(network, width=960)
    legend = re.findall(r'<text x="([0-9.]+)" y="([0-9.]+)" font-size="12"[^>]*>([^<]*)</text>', svg)
    assert len(legend) == 9 and len({y for _, y, _ in legend}) > 1
    assert all(float(x) + 7 * len(text) <= 960 for x, _, text in legend)


def test_coverage_counts_the_known_days_of_open_spans(tmp_path):
    """``until 2018-07`` (an interval with only an end) covers 2018-07-01 at least."""
    import pyoxigraph as ox

    from ldpub.profile import read_profile
    from ldpub.temporal import TimeReader

    time, xsd = "http://www.w3.org/2006/time#", "http://www.w3.org/2001/XMLSchema#"
    m, interval, end = (ox.NamedNode(f"https://example.org/{n}") for n in ("m", "m#during", "m#during.end"))
    store = ox.Store()
    store.bulk_extend([
        ox.Quad(m, ox.NamedNode("http://www.w3.org/ns/org#memberDuring"), interval),
        ox.Quad(interval, ox.NamedNode(time + "hasEnd"), end),
        ox.Quad(end, ox.NamedNode(time + "inXSDgYearMonth"), ox.Literal("2018-07", datatype=ox.NamedNode(xsd + "gYearMonth"))),
        ox.Quad(ox.NamedNode("https://example.org/pep"), ox.NamedNode("https://schema.org/dateCreated"),
                ox.Literal("2018-08-24", datatype=ox.NamedNode(xsd + "date"))),
    ])
    profile = read_profile(None)
    reader = TimeReader(store, profile)
    assert [(d.role, d.when.text) for d in reader.dated()] == [("span", "until 2018-07")]  # dateCreated: no role, no range
    assert reader.coverage() == ("2018-07-01", "2018-07-31")
