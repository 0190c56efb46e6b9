"""`--endpoint`: every named query answers on a real SPARQL server exactly as embedded.

Servers, each started for real on 127.0.0.1 and a free port:

* `oxigraph serve` (PyPI package `oxigraph`, in the test extra) loaded by `ldpub push` with both
  projects (the article's and examples/python-governance), each dataset and ontology in its own
  named graph, queried with `--graph` (FROM clauses);
* `oxigraph serve` loaded with `oxigraph load` (the default graph), queried without graphs;
* `ldpub serve` of each project, whose default graph is the dataset plus its ontology.

What the comparison normalises (and why) is in tests/_answers.py; Virtuoso: tests/test_virtuoso.py.
"""

from __future__ import annotations

import subprocess

import pytest

from _answers import EXAMPLE, ROOT, build, cases, compare, embedded_target, pushed_graphs
from _servers import oxigraph_binary, start_ldpub, start_oxigraph
from querytools import D

pytestmark = pytest.mark.skipif(oxigraph_binary() is None,
                                reason="the oxigraph server is not installed (pip install oxigraph; it is in the test extra)")
PROJECTS = {"article": ROOT, "governance": EXAMPLE}
CASES = cases()


@pytest.fixture(scope="module")
def builds(tmp_path_factory) -> dict:
    """Each project built once: its dist folder."""
    return {name: build(root, tmp_path_factory.mktemp(f"dist-{name}")) for name, root in PROJECTS.items()}


@pytest.fixture(scope="module")
def embedded() -> dict:
    return {name: embedded_target(root) for name, root in PROJECTS.items()}


@pytest.fixture(scope="module")
def pushed(tmp_path_factory, builds):
    """A real oxigraph server holding both projects, pushed by ldpub push (named graphs)."""
    from ldpub.push import PushTarget, push

    server = start_oxigraph(tmp_path_factory.mktemp("oxigraph-pushed") / "db")
    try:
        for name, root in PROJECTS.items():
            data_graph, ontology_graph = pushed_graphs(root)
            result = push(builds[name], PushTarget(server.store, data_graph, server.update, server.query))
            assert result.verified and [g.graph for g in result.graphs] == [data_graph, ontology_graph]
        yield server
    finally:
        server.stop()


@pytest.fixture(scope="module")
def loaded(tmp_path_factory, builds):
    """A real oxigraph server whose default graph holds the article's dataset.nt and ontology.ttl."""
    store = tmp_path_factory.mktemp("oxigraph-loaded") / "db"
    out = builds["article"]
    subprocess.run([oxigraph_binary(), "load", "--location", str(store), "--file", str(out / "dataset.nt"),
                    str(out / "ontology.ttl")], check=True, capture_output=True, timeout=120)
    server = start_oxigraph(store)
    yield server.query
    server.stop()


@pytest.fixture(scope="module")
def served(tmp_path_factory, builds):
    """`ldpub serve` of each project (its build folder)."""
    servers = {}
    try:
        for name, root in PROJECTS.items():
            log = tmp_path_factory.mktemp(f"serve-{name}") / "serve.log"
            servers[name] = start_ldpub(root, log, "--from", str(builds[name]))
        yield servers
    finally:
        for server in servers.values():
            server.stop()


def remote(case, url: str, graphs=None):
    from ldpub import query

    return query.connect(case.root, endpoint=url, graphs=graphs)


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_pushed_oxigraph_answers_every_named_query_as_embedded(pushed, embedded, case):
    compare(case, embedded[case.project], remote(case, pushed.query, pushed_graphs(case.root)))


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_ldpub_serve_answers_every_named_query_as_embedded(served, embedded, case):
    """F17: the served default graph is the dataset plus its ontology, as embedded."""
    compare(case, embedded[case.project], remote(case, served[case.project].url + "sparql", graphs=[]))


@pytest.mark.parametrize("case", cases("article"), ids=[c.id for c in cases("article")])
def test_a_default_graph_loaded_with_oxigraph_load_answers_as_embedded(loaded, embedded, case):
    compare(case, embedded["article"], remote(case, loaded, graphs=[]))


def test_every_named_query_is_compared():
    from ldpub.query import load_named_queries

    for name, root in PROJECTS.items():
        compared = {c.query for c in CASES if c.project == name}
        assert compared == set(load_named_queries(root / "queries")), f"add the new named queries of {name} to _answers.CASES"


def test_a_store_built_in_memory_for_serve_answers_over_dataset_and_ontology(tmp_path, embedded):
    """`ldpub serve` without --from (the project built now): the same default graph as embedded."""
    from ldpub.config import load_project
    from ldpub.serve import open_dataset
    from ldpub.serve.worker import query_dataset

    data = open_dataset(load_project(ROOT), tmp_path)
    count = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"
    served = query_dataset(data.store).query(data.store, count, {})
    assert int(next(iter(served))["n"].value) == int(embedded["article"].execute(count).rows[0][0].value)
    assert data.triple_count < int(embedded["article"].execute(count).rows[0][0].value)  # pages: the dataset only


def test_ldpub_serve_keeps_the_ontology_a_named_graph(served):
    import httpx

    url = served["article"].url + "sparql"
    ask = "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g"
    rows = httpx.post(url, data={"query": ask}, headers={"Accept": "application/sparql-results+json"}).json()
    graphs = {r["g"]["value"]: int(r["n"]["value"]) for r in rows["results"]["bindings"]}
    assert list(graphs) == ["https://w3id.org/ldpub/ontology/armed-groups"]
    counted = "SELECT (COUNT(*) AS ?n) FROM <https://w3id.org/ldpub/ontology/armed-groups> WHERE { ?s ?p ?o }"
    rows = httpx.post(url, data={"query": counted}, headers={"Accept": "application/sparql-results+json"}).json()
    assert int(rows["results"]["bindings"][0]["n"]["value"]) == graphs["https://w3id.org/ldpub/ontology/armed-groups"]


def test_ldpub_serve_service_description_says_the_default_graph_holds_both(served, builds):
    import httpx
    import pyoxigraph as ox

    response = httpx.get(served["article"].url + "sparql", headers={"Accept": "application/n-triples"})
    triples = list(ox.parse(response.content, format=ox.RdfFormat.N_TRIPLES))
    sd, dct, void = ("http://www.w3.org/ns/sparql-service-description#", "http://purl.org/dc/terms/",
                     "http://rdfs.org/ns/void#")
    default = next(t.object for t in triples if t.predicate.value == sd + "defaultGraph")
    sources = {t.object.value for t in triples if t.subject == default and t.predicate.value == dct + "source"}
    assert sources == {"https://w3id.org/ldpub/dataset/taliban-al-qaeda/", "https://w3id.org/ldpub/ontology/armed-groups"}
    size = next(int(t.object.value) for t in triples if t.subject == default and t.predicate.value == void + "triples")
    union = set(ox.parse(path=str(builds["article"] / "dataset.nt"))) | set(ox.parse(path=str(builds["article"] / "ontology.ttl")))
    assert size == len(union)
    named = next(t.object for t in triples if t.predicate.value == sd + "namedGraph")
    assert (named, sd + "NamedGraph") in {(t.subject, t.object.value) for t in triples if t.predicate.value.endswith("#type")}


# ---------------------------------------------------------------------- the CLI and the Python API
def test_endpoint_answers_the_article_question_through_the_cli(pushed, run_cli):
    import csv
    import io

    graphs = [a for g in pushed_graphs(ROOT) for a in ("--graph", g)]
    code, out, err = run_cli("--project", str(ROOT), "query", "pledges", "--endpoint", pushed.query, *graphs,
                             "--format", "csv")
    assert code == 0, err
    rows = [r for r in csv.DictReader(io.StringIO(out)) if r["pledgee"] == D + "haibatullah-akhundzada"]
    assert [(r["date"], r["acknowledged"]) for r in rows] == [("2016", "false")]


def test_run_with_graphs_from_python(pushed):
    from ldpub import query

    result = query.run("leaders", {"group": "al-qaeda"}, project=ROOT, endpoint=pushed.query,
                       graphs=pushed_graphs(ROOT))
    assert {row["holder"] for row in result.to_dicts()} >= {D + "ayman-al-zawahiri"}
    assert "FROM <https://w3id.org/ldpub/dataset/taliban-al-qaeda/>" in result.query


def test_graphs_are_only_for_an_endpoint(run_cli):
    from ldpub import query
    from ldpub.errors import QueryError

    with pytest.raises(QueryError, match="graphs can only be chosen on an endpoint"):
        query.connect(ROOT, graphs=["urn:g"])
    code, _, err = run_cli("--project", str(ROOT), "query", "pledges", "--graph", "urn:g")
    assert code == 2 and "--graph and --default-graph choose graphs of an --endpoint" in err


def test_endpoint_construct_ask_and_a_hostile_value(loaded, embedded):
    from ldpub import query
    from ldpub.config import load_project

    remote_target = query.connect(load_project(ROOT), endpoint=loaded)
    here = embedded["article"]
    graph = query.run(f"CONSTRUCT {{ <{D}taliban> ?p ?o }} WHERE {{ <{D}taliban> ?p ?o }}", target=remote_target)
    assert graph.kind == "graph" and sorted(map(str, graph.triples)) == sorted(
        map(str, query.run(f"CONSTRUCT {{ <{D}taliban> ?p ?o }} WHERE {{ <{D}taliban> ?p ?o }}", target=here).triples))
    assert query.run("ASK { ?s ?p ?o }", target=remote_target).boolean is True
    hostile = query.parse_header(
        '# param: text: string\nSELECT ?s WHERE { ?s ?p ?o FILTER(STR(?o) = ?text) }', "probe")
    assert query.run(hostile, {"text": '" ) } } ; DROP ALL #'}, target=remote_target).empty
    assert query.run("ASK { ?s ?p ?o }", target=remote_target).boolean is True  # nothing was dropped


def test_endpoint_error_answer_is_one_clear_line(loaded):
    from ldpub import query
    from ldpub.errors import QueryError

    target = query.EndpointTarget(loaded.replace("/query", "/nowhere"))
    with pytest.raises(QueryError) as err:
        target.execute("SELECT * WHERE { ?s ?p ?o } LIMIT 1")
    message = str(err.value)
    assert message.startswith(f"SPARQL endpoint {loaded.replace('/query', '/nowhere')} answered 404")
    assert "\n" not in message


def test_endpoint_a_slug_it_does_not_know_is_an_error_not_an_empty_answer(loaded, run_cli):
    code, _, err = run_cli("--project", str(ROOT), "query", "timeline", "entity=talibn", "--endpoint", loaded)
    assert code == 2
    assert err.startswith(f"error: parameter entity='talibn': no record 'talibn' in {loaded} (its default graph)")
    code, out, _ = run_cli("--project", str(ROOT), "query", "timeline", "entity=asim-umar", "--endpoint", loaded)
    assert code == 0 and D + "raid-helmand-2019-09" in out


# ---------------------------------------------------------------------- FROM clauses
def test_graphs_become_from_clauses_before_the_where_group_of_every_named_query():
    import pyoxigraph as ox

    from ldpub.query import Terms, load_named_queries, prepare
    from ldpub.sparqltext import with_default_graphs

    for root in PROJECTS.values():
        for name, named in load_named_queries(root / "queries").items():
            values = {p.name: "https://example.org/x" for p in named.params if p.required}
            text = prepare(named, values, Terms(base_iri="https://example.org/"))
            sent = with_default_graphs(text, ["urn:g", "urn:h"])
            where = text.index("\nWHERE") + 1
            assert sent == text[:where] + "FROM <urn:g> FROM <urn:h> " + text[where:], name  # same lines
            ox.Store().query(sent)  # valid SPARQL


@pytest.mark.parametrize("text, expected", [
    ("SELECT * WHERE { ?s ?p ?o }", "SELECT * FROM <urn:g> WHERE { ?s ?p ?o }"),
    ("select ?s { ?s ?p ?o }", "select ?s FROM <urn:g> { ?s ?p ?o }"),
    ("SELECT (COUNT(*) AS ?n) (EXISTS { ?a ?b ?c } AS ?e) { ?s ?p ?o }",
     "SELECT (COUNT(*) AS ?n) (EXISTS { ?a ?b ?c } AS ?e) FROM <urn:g> { ?s ?p ?o }"),
    ("ASK { ?s ?p ?o }", "ASK FROM <urn:g> { ?s ?p ?o }"),
    ("CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }", "CONSTRUCT { ?s ?p ?o } FROM <urn:g> WHERE { ?s ?p ?o }"),
    ("CONSTRUCT { ?s ?p ?o } { ?s ?p ?o }", "CONSTRUCT { ?s ?p ?o } FROM <urn:g> { ?s ?p ?o }"),
    ("CONSTRUCT WHERE { ?s ?p ?o }", "CONSTRUCT FROM <urn:g> WHERE { ?s ?p ?o }"),
    ("DESCRIBE <urn:x>", "DESCRIBE <urn:x>\nFROM <urn:g>\n"),
    ("DESCRIBE <urn:x> LIMIT 1", "DESCRIBE <urn:x> FROM <urn:g> LIMIT 1"),
    ('PREFIX w: <urn:where>\n# WHERE { in a comment\nSELECT ("WHERE {" AS ?x) WHERE { ?s w:p ?o }',
     'PREFIX w: <urn:where>\n# WHERE { in a comment\nSELECT ("WHERE {" AS ?x) FROM <urn:g> WHERE { ?s w:p ?o }'),
    ("SELECT * FROM <urn:own> WHERE { ?s ?p ?o }", "SELECT * FROM <urn:own> WHERE { ?s ?p ?o }"),
    ("SELECT * FROM NAMED <urn:own> WHERE { GRAPH ?g { ?s ?p ?o } }",
     "SELECT * FROM NAMED <urn:own> WHERE { GRAPH ?g { ?s ?p ?o } }"),
])
def test_from_clauses_go_where_the_grammar_wants_them(text, expected):
    import pyoxigraph as ox

    from ldpub.sparqltext import with_default_graphs

    assert with_default_graphs(text, ["urn:g"]) == expected
    ox.Store().query(expected)  # valid SPARQL


def test_from_clauses_select_the_graphs_on_a_real_store():
    import pyoxigraph as ox

    from ldpub.sparqltext import with_default_graphs

    store = ox.Store()
    for graph, value in (("urn:a", "1"), ("urn:b", "2"), ("urn:c", "3")):
        store.add(ox.Quad(ox.NamedNode("urn:s"), ox.NamedNode("urn:p"), ox.Literal(value), ox.NamedNode(graph)))
    text = with_default_graphs("SELECT ?o WHERE { ?s ?p ?o } ORDER BY ?o", ["urn:a", "urn:c"])
    assert [row["o"].value for row in store.query(text)] == ["1", "3"]
