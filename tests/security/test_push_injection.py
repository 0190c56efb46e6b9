"""SPARQL Update injection through the push target graph, against a real ``oxigraph serve``.

Before the fix the graph IRI was pasted into ``MOVE SILENT GRAPH <staging> TO GRAPH <{graph}>``:
``[push] graph = "urn:ldpub:t> ; DROP GRAPH <urn:victim"`` in a cloned ``ldpub.toml`` (or
``--graph``) dropped ``<urn:victim>`` with the pusher's rights. Every IRI is now validated and
written by pyoxigraph's term serializer; a graph that is not an IRI is refused before any request.
"""

from __future__ import annotations

import httpx
import pytest

from _servers import oxigraph_binary, start_oxigraph

pytestmark = pytest.mark.skipif(oxigraph_binary() is None, reason="oxigraph server not installed (pip install oxigraph)")

HOSTILE_GRAPHS = [
    "urn:ldpub:t> ; DROP GRAPH <urn:victim",
    "urn:ldpub:t> } ; CLEAR ALL ; INSERT DATA { GRAPH <urn:x> { <urn:a> <urn:b> <urn:c> }",
    "urn:ldpub:with space",
    "not an iri",
]


@pytest.fixture
def oxigraph(tmp_path):
    server = start_oxigraph(tmp_path / "oxigraph-db")
    response = httpx.put(server.store, params={"graph": "urn:victim"}, content=b"<urn:s> <urn:p> <urn:o> .\n",
                         headers={"Content-Type": "application/n-triples"})
    response.raise_for_status()
    yield server
    server.stop()


def victim_triples(server) -> int:
    response = httpx.post(server.query, data={"query": "SELECT (COUNT(*) AS ?n) WHERE { GRAPH <urn:victim> { ?s ?p ?o } }"},
                          headers={"Accept": "application/sparql-results+json"})
    return int(response.json()["results"]["bindings"][0]["n"]["value"])


def graph_names(server) -> set[str]:
    response = httpx.post(server.query, data={"query": "SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } }"},
                          headers={"Accept": "application/sparql-results+json"})
    return {row["g"]["value"] for row in response.json()["results"]["bindings"]}


@pytest.mark.parametrize("graph", HOSTILE_GRAPHS)
def test_a_hostile_graph_option_is_refused_and_the_victim_graph_survives(run_cli, built, oxigraph, graph):
    _, out = built
    code, stdout, stderr = run_cli("push", "--endpoint", oxigraph.store, "--update-endpoint", oxigraph.update,
                                   "--query-endpoint", oxigraph.query, "--from", str(out), "--chunk-size", "40",
                                   "--graph", graph)
    assert code == 2
    assert "the graph to push to is not an IRI" in stderr
    assert victim_triples(oxigraph) == 1
    assert graph_names(oxigraph) == {"urn:victim"}  # nothing was sent


def test_a_hostile_graph_in_a_cloned_ldpub_toml_is_refused(run_cli, built, oxigraph, project_copy):
    _, out = built
    config = project_copy / "ldpub.toml"
    config.write_text(config.read_text(encoding="utf-8") + '\n[push]\ngraph = "urn:ldpub:t> ; DROP GRAPH <urn:victim"\n',
                      encoding="utf-8")
    code, stdout, stderr = run_cli("--project", str(project_copy), "push", "--endpoint", oxigraph.store,
                                   "--update-endpoint", oxigraph.update, "--from", str(out), "--chunk-size", "40")
    assert code == 2
    assert "the graph to push to is not an IRI" in stderr and "ldpub.toml" in stderr
    assert victim_triples(oxigraph) == 1


def test_an_iri_with_unusual_but_legal_characters_is_pushed_as_one_term(run_cli, built, oxigraph):
    """Quotes, semicolons and hashes are legal in an IRI: they stay inside the one term."""
    _, out = built
    graph = "urn:ldpub:it's;DROP#GRAPH"
    code, stdout, stderr = run_cli("push", "--endpoint", oxigraph.store, "--update-endpoint", oxigraph.update,
                                   "--query-endpoint", oxigraph.query, "--from", str(out), "--chunk-size", "40",
                                   "--graph", graph, "-q")
    assert code == 0, stderr
    assert graph_names(oxigraph) == {"urn:victim", graph}
    assert victim_triples(oxigraph) == 1
