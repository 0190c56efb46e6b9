"""`ldpub export nanopub` judged by the reference client, and by the guidelines' well-formedness rules.

The `nanopub` package on PyPI (Nanopublication/nanopub-py) is the Python client of the nanopub
network. ``Nanopub(rdf=...).is_valid`` checks one nanopublication: a head graph naming one
np:Nanopublication with its assertion, provenance and publication info; exactly four non-empty
graphs; a provenance triple about the assertion; a publication-info triple about the nanopub.
It reads one nanopublication at a time, so the export (one TriG file, one nanopublication per
statement record) is split by head graph first.

It does not check that the head holds nothing else, nor that a file's graphs all belong to some
nanopublication and to only one: the last test checks those well-formedness criteria of the
nanopub guidelines (nanopub.net, "Well-formed Nanopublications", taken from nanopub-java) with
plain rdflib, apart from both ldpub's exporter and the package.
"""

from __future__ import annotations

from collections import Counter

import pytest
from rdflib import Dataset, URIRef

NP = "http://www.nanopub.org/nschema#"
RDF_TYPE = URIRef("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
HEADS = f"""SELECT ?head ?np ?assertion ?provenance ?pubinfo WHERE {{
    GRAPH ?head {{ ?np a <{NP}Nanopublication> ; <{NP}hasAssertion> ?assertion ;
                   <{NP}hasProvenance> ?provenance ; <{NP}hasPublicationInfo> ?pubinfo }} }}"""

# nanopub 2.0.1 builds on rdflib APIs that rdflib 7 deprecates (ConjunctiveGraph, default_context)
pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")


@pytest.fixture(scope="module")
def exported(built) -> Dataset:
    """The article's nanopublications as `ldpub export nanopub` writes them, parsed by rdflib."""
    from ldpub.export import export

    dataset = Dataset()
    dataset.parse(data=export(built[0], "nanopub"), format="trig")
    return dataset


@pytest.fixture(scope="module")
def heads(exported) -> list[tuple[URIRef, URIRef, URIRef, URIRef, URIRef]]:
    return [tuple(row) for row in exported.query(HEADS)]


def alone(exported: Dataset, head, assertion, provenance, pubinfo) -> Dataset:
    """One nanopublication's four graphs, copied into a dataset of their own."""
    single = Dataset()
    for name in (head, assertion, provenance, pubinfo):
        target = single.graph(name)
        for triple in exported.graph(name):
            target.add(triple)
    return single


def reference_verdict(single: Dataset) -> str:
    """'valid', or the reference client's reason for refusing the nanopublication."""
    from nanopub import Nanopub
    from nanopub.utils import MalformedNanopubError

    try:
        return "valid" if Nanopub(rdf=single).is_valid else "invalid"
    except MalformedNanopubError as error:
        return str(error)


def test_the_reference_client_accepts_every_exported_nanopublication(exported, heads, built):
    statements = {r["s"].value for r in built[0].store().query(
        "SELECT DISTINCT ?s WHERE { ?s <https://w3id.org/ldpub/ontology/armed-groups#supportedBy> ?e "
        "FILTER(!CONTAINS(STR(?s), '#')) }")}  # top-level records; nested ones (provisions) go with their record
    assert len(heads) == len(statements) >= 100  # one nanopublication per statement record
    refused = {}
    for head, np_iri, assertion, provenance, pubinfo in heads:
        verdict = reference_verdict(alone(exported, head, assertion, provenance, pubinfo))
        if verdict != "valid":
            refused[str(np_iri)] = verdict
    assert not refused, refused


def drop_graph(role):
    return lambda single, parts: single.remove((None, None, None, single.graph(parts[role])))


def add_fifth_graph(single, parts):
    single.graph(URIRef(str(parts["np"]) + "#extra")).add((parts["np"], RDF_TYPE, URIRef(NP + "Nanopublication")))


def provenance_about_something_else(single, parts):
    graph = single.graph(parts["provenance"])
    graph.remove((parts["assertion"], None, None))
    graph.add((URIRef("urn:example:elsewhere"), RDF_TYPE, URIRef("urn:example:Thing")))


def pubinfo_about_something_else(single, parts):
    graph = single.graph(parts["pubinfo"])
    graph.remove((parts["np"], None, None))
    graph.add((URIRef("urn:example:elsewhere"), RDF_TYPE, URIRef("urn:example:Thing")))


@pytest.mark.parametrize("break_it, refusal", [
    (drop_graph("assertion"), "assertion graph is empty"),
    (drop_graph("provenance"), "provenance graph is empty"),
    (drop_graph("pubinfo"), "pubinfo graph is empty"),
    (add_fifth_graph, "should have only 4 graphs"),
    (provenance_about_something_else, "assertion graph URI as subject"),
    (pubinfo_about_something_else, "nanopub URI as subject"),
], ids=["empty assertion", "empty provenance", "empty pubinfo", "a fifth graph",
        "provenance not about the assertion", "pubinfo not about the nanopub"])
def test_the_reference_client_refuses_an_exported_nanopublication_once_broken(exported, heads, break_it, refusal):
    head, np_iri, assertion, provenance, pubinfo = next(h for h in heads if str(h[1]).endswith("/meeting-helmand-spring-2019"))
    single = alone(exported, head, assertion, provenance, pubinfo)
    assert reference_verdict(single) == "valid"
    break_it(single, {"np": np_iri, "head": head, "assertion": assertion, "provenance": provenance, "pubinfo": pubinfo})
    assert refusal in reference_verdict(single)


def test_the_file_is_well_formed_as_the_guidelines_say_beyond_what_the_client_checks(exported, heads):
    """Each named graph belongs to exactly one nanopublication; a head holds its four quads only."""
    assert not list(exported.graph(exported.default_graph.identifier)), "no triple outside a named graph"
    owner = Counter()
    for head, np_iri, assertion, provenance, pubinfo in heads:
        parts = (head, assertion, provenance, pubinfo)
        assert len(set(parts)) == 4 and np_iri not in (assertion, provenance, pubinfo)
        owner.update(parts)
        head_quads = set(exported.graph(head))
        assert head_quads == {(np_iri, RDF_TYPE, URIRef(NP + "Nanopublication")),
                              (np_iri, URIRef(NP + "hasAssertion"), assertion),
                              (np_iri, URIRef(NP + "hasProvenance"), provenance),
                              (np_iri, URIRef(NP + "hasPublicationInfo"), pubinfo)}, f"{head}: only the four head quads"
    shared = [str(g) for g, n in owner.items() if n > 1]
    assert not shared, f"graphs shared by several nanopublications: {shared}"
    named = {g.identifier for g in exported.graphs() if g.identifier != exported.default_graph.identifier and len(g)}
    orphans = sorted(str(g) for g in named - set(owner))
    assert not orphans, f"graphs no nanopublication's head names: {orphans}"
