"""Releases of the second example project (examples/python-governance, W3C ORG and FOAF as they
are): its organizations are drawn as organizations, not agents (frictions F20), and
``[publish] publisher_type`` says what kind of publisher it is (F21). The expected kinds are
computed with rdflib from the release's own files, not taken from ldpub."""

from __future__ import annotations

import json
import re
import shutil
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
import rdflib
from rdflib.namespace import FOAF, RDF, RDFS

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "examples" / "python-governance"
ORG = rdflib.Namespace("http://www.w3.org/ns/org#")
DCT = rdflib.Namespace("http://purl.org/dc/terms/")
ADMS_TYPES = "http://purl.org/adms/publishertype/"
SVG = "{http://www.w3.org/2000/svg}"


def _project(tmp_path: Path, **publish: str) -> Path:
    project = Path(shutil.copytree(EXAMPLE, tmp_path / "python-governance",
                                   ignore=shutil.ignore_patterns("dist", "releases")))
    config = project / "ldpub.toml"
    text = config.read_text(encoding="utf-8")
    for key in publish:  # a setting given here replaces the example's (one-line values)
        text = re.sub(rf"(?m)^{re.escape(key)} = .*\n", "", text)
    lines = "".join(f"{key} = {json.dumps(value)}\n" for key, value in publish.items())
    config.write_text(text.replace("[publish]\n", "[publish]\n" + lines, 1), encoding="utf-8")
    return project


@pytest.fixture(scope="module")
def plain_release(tmp_path_factory, cli) -> Path:
    project = _project(tmp_path_factory.mktemp("governance"))
    code, _, err = cli("--project", str(project), "publish", "--version", "1.0.0", "-q")
    assert code == 0, err
    return project / "releases" / "1.0.0"


# ------------------------------------------------------------------------------------- F20
def _graph(release: Path) -> rdflib.Graph:
    graph = rdflib.Graph()
    graph.parse(release / "dataset.nt", format="nt")
    graph.parse(release / "ontology.ttl", format="turtle")
    return graph


def _is_a(graph: rdflib.Graph, node: rdflib.URIRef, cls: rdflib.URIRef) -> bool:
    """``node`` is an instance of ``cls`` or of one of its subclasses (rdfs:subClassOf*)."""
    return any(cls in set(graph.transitive_objects(t, RDFS.subClassOf)) for t in graph.objects(node, RDF.type))


def test_the_example_ontology_puts_organizations_under_agents(plain_release):
    """The condition of F20: W3C ORG's own axiom, org:Organization rdfs:subClassOf foaf:Agent."""
    graph = _graph(plain_release)
    assert (ORG.Organization, RDFS.subClassOf, FOAF.Agent) in graph
    assert (FOAF.Person, RDFS.subClassOf, FOAF.Agent) in graph


def test_organizations_are_drawn_as_organizations_and_people_as_people(plain_release):
    graph = _graph(plain_release)
    svg = ET.parse(plain_release / "network.svg").getroot()
    nodes = {g.get("data-iri"): g.get("class").split()[1] for g in svg.iter(SVG + "g")
             if "node" in (g.get("class") or "").split()}
    assert nodes, "the picture has nodes"
    expected = {}
    for iri in nodes:
        node = rdflib.URIRef(iri)
        expected[iri] = ("node-organization" if _is_a(graph, node, ORG.Organization)
                         else "node-person" if _is_a(graph, node, FOAF.Person) else "node-agent")
    assert nodes == expected
    assert {"node-organization", "node-person"} <= set(nodes.values())
    legend = " ".join(t.text or "" for t in svg.iter(SVG + "text"))
    assert not re.search(r"\bagent\b", legend), "no node is only an agent: the legend names none"


def test_a_kind_below_another_comes_first_whatever_the_profile_order():
    from ldpub.profile import NodeKind
    from ldpub.release.network import most_specific_first

    agent = NodeKind("agent", "agent", frozenset({"A", "O", "P", "U"}), frozenset({"A"}))
    organization = NodeKind("organization", "organization", frozenset({"O", "U"}), frozenset({"O"}))
    unit = NodeKind("unit", "unit", frozenset({"U"}), frozenset({"U"}))
    person = NodeKind("person", "person", frozenset({"P"}), frozenset({"P"}))
    ordered = most_specific_first((agent, organization, person, unit))
    assert [k.id for k in ordered] == ["unit", "organization", "person", "agent"]


# ------------------------------------------------------------------------------------- F21
def _publisher(release: Path) -> tuple[rdflib.Graph, rdflib.URIRef]:
    catalog = rdflib.Graph().parse(release / "catalog.ttl", format="turtle")
    dataset = next(catalog.subjects(RDF.type, rdflib.URIRef("http://www.w3.org/ns/dcat#Catalog")))
    return catalog, catalog.value(dataset, DCT.publisher)


def _schema_org_publisher(release: Path) -> dict:
    html = (release / "index.html").read_text(encoding="utf-8")
    block = re.search(r'<script type="application/ld\+json">(.*?)</script>', html, re.S).group(1)
    return json.loads(block)["publisher"]


def test_without_publisher_type_the_publisher_is_an_agent_and_dcat_ap_recommends_a_type(plain_release):
    catalog, publisher = _publisher(plain_release)
    assert set(catalog.objects(publisher, RDF.type)) == {FOAF.Agent}
    assert catalog.value(publisher, DCT.type) is None


def test_an_organisation_publisher_type(tmp_path, run_cli):
    project = _project(tmp_path, publisher_type="NonProfitOrganisation")
    code, _, err = run_cli("--project", str(project), "publish", "--version", "1.0.0")
    assert code == 0, err
    release = project / "releases" / "1.0.0"
    catalog, publisher = _publisher(release)
    assert catalog.value(publisher, DCT.type) == rdflib.URIRef(ADMS_TYPES + "NonProfitOrganisation")
    assert set(catalog.objects(publisher, RDF.type)) == {FOAF.Agent, FOAF.Organization}
    assert "#publisher> dct:type" not in err, "DCAT-AP's recommendation is met"
    assert "dct:spatial" in err, "the other recommendations are still reported"
    assert _schema_org_publisher(release)["@type"] == "Organization"


def test_a_private_individual_is_a_person(tmp_path, run_cli):
    project = _project(tmp_path, publisher_type="PrivateIndividual(s)", publisher="Ada Example")
    code, _, err = run_cli("--project", str(project), "publish", "--version", "1.0.0", "-q")
    assert code == 0, err
    release = project / "releases" / "1.0.0"
    catalog, publisher = _publisher(release)
    assert set(catalog.objects(publisher, RDF.type)) == {FOAF.Agent, FOAF.Person}
    assert catalog.value(publisher, DCT.type) == rdflib.URIRef(ADMS_TYPES + "PrivateIndividual(s)")
    assert _schema_org_publisher(release) | {"@id": None} == {"@type": "Person", "@id": None, "name": "Ada Example"}


def test_another_vocabularys_concept_iri_is_kept_as_given(tmp_path, run_cli):
    iri = "http://publications.europa.eu/resource/authority/corporate-body/PUBL"
    project = _project(tmp_path, publisher_type=iri)
    code, _, err = run_cli("--project", str(project), "publish", "--version", "1.0.0", "-q")
    assert code == 0, err
    catalog, publisher = _publisher(project / "releases" / "1.0.0")
    assert catalog.value(publisher, DCT.type) == rdflib.URIRef(iri)
    assert set(catalog.objects(publisher, RDF.type)) == {FOAF.Agent}, "no FOAF class is guessed for it"


def test_a_misspelt_publisher_type_is_refused_before_anything_is_written(tmp_path, run_cli):
    project = _project(tmp_path, publisher_type="NonProfit")
    code, out, err = run_cli("--project", str(project), "publish", "--version", "1.0.0")
    assert code == 2
    assert err.startswith(f"{project / 'ldpub.toml'}: [publish] publisher_type 'NonProfit' is not an ADMS "
                          "publisher type nor an IRI (did you mean 'NonProfitOrganisation'?"), err
    assert "Traceback" not in err
    assert not (project / "releases").exists()
