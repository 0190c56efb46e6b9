"""Server-side request forgery: a query must never make ldpub call another server.

pyoxigraph evaluates ``SERVICE <url> { ... }`` with its own HTTP client. Before the fix, a
visitor of ``ldpub serve`` could send ``SELECT * { SERVICE <http://127.0.0.1:PORT/...> {...} }``
and read the internal service's answer (or its errors, to scan ports); a named query in a
cloned project did the same to whoever ran ``ldpub query``.

The internal service here is a real listener on 127.0.0.1 (:class:`_canary.Canary`) whose
answer holds a secret: every refused attack asserts that it received no connection at all.
"""

from __future__ import annotations

import pyoxigraph as ox
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from _canary import SECRET, Canary
from _servers import copy_project, start_ldpub

# Each template is one way to write a federated query; {url} is the internal service.
DISGUISES = {
    "plain": "SELECT * WHERE {{ SERVICE <{url}> {{ ?s ?p ?o }} }}",
    "lower case": "select * where {{ service <{url}> {{ ?s ?p ?o }} }}",
    "SILENT and no spaces": "SELECT*WHERE{{SERVICE SILENT<{url}>{{?s ?p ?o}}}}",
    "after a comment ended by a bare CR": "SELECT * WHERE {{ # just a comment\rSERVICE <{url}> {{ ?s ?p ?o }} }}",
    "glued to the literal true": "SELECT * WHERE {{ ?s ?p trueSERVICE <{url}> {{ ?s ?p ?o }} }}",
    "a prefix named service": "PREFIX : <{root}> SELECT * WHERE {{ service:internal {{ ?s ?p ?o }} }}",
    "inside FILTER EXISTS": "ASK {{ FILTER EXISTS {{ SERVICE <{url}> {{ ?s ?p ?o }} }} }}",
    "in a subquery": "SELECT * WHERE {{ {{ SELECT * WHERE {{ SERVICE <{url}> {{ ?s ?p ?o }} }} }} }}",
    "after a brace in a string": 'SELECT * WHERE {{ BIND("}} #" AS ?x) SERVICE <{url}> {{ ?s ?p ?o }} }}',
    "a relative IRI against BASE": "BASE <{root}> SELECT * WHERE {{ SERVICE <internal> {{ ?s ?p ?o }} }}",
    "after an escaped # in a prefixed name":
        "PREFIX ex: <http://example.org/> SELECT * WHERE {{ BIND(ex:a\\#b AS ?x) SERVICE <{url}> {{ ?s ?p ?o }} }}",
}

# Queries that only *mention* service: they must run.
INNOCENT = [
    'SELECT ?service WHERE { BIND("SERVICE <http://127.0.0.1/> { }" AS ?service) }',
    "SELECT * WHERE { BIND(<http://example.org/SERVICE> AS ?x) } # SERVICE <http://127.0.0.1/>",
    "PREFIX ex: <http://example.org/> SELECT * WHERE { ?s ex:service ?o } LIMIT 1",
    'SELECT * WHERE { BIND("x"@en AS ?l) BIND(?l AS ?servicename) }',
]


@pytest.fixture(scope="module")
def canary():
    listener = Canary()
    yield listener
    listener.close()


@pytest.fixture(autouse=True)
def _fresh(canary):
    canary.reset()


def attack(template: str, canary: Canary) -> str:
    return template.format(url=canary.url, root=canary.root)


def small_store() -> ox.Store:
    """One statement whose object is ``true``: patterns before a SERVICE match, so it is evaluated."""
    store = ox.Store()
    store.add(ox.Quad(ox.NamedNode("http://example.org/s"), ox.NamedNode("http://example.org/p"), ox.Literal(True)))
    return store


# ---------------------------------------------------------------------- the attacks are real
@pytest.mark.parametrize("name", DISGUISES)
def test_each_disguise_really_calls_out_when_pyoxigraph_runs_it(canary, name):
    """Without ldpub's guard, pyoxigraph itself connects to the internal service."""
    try:
        answer = small_store().query(attack(DISGUISES[name], canary))
        answer = bool(answer) if isinstance(answer, ox.QueryBoolean) else list(answer)
    except (OSError, RuntimeError, SyntaxError):
        pass
    assert canary.connections(), f"{name}: pyoxigraph did not call out, so this is no test of the guard"


# ---------------------------------------------------------------------- ldpub serve
@pytest.fixture(scope="module")
def server(tmp_path_factory, built, canary):
    _, out = built
    project = copy_project(tmp_path_factory.mktemp("ssrf-project"))
    (project / "queries" / "federated.rq").write_text(
        "# title: Federated on purpose\n" + attack(DISGUISES["plain"], canary) + "\n", encoding="utf-8")
    srv = start_ldpub(project, tmp_path_factory.mktemp("ssrf-log") / "access.log", "--from", str(out))
    yield srv
    srv.stop()


@pytest.fixture
def http(server):
    import httpx

    with httpx.Client(base_url=server.url, timeout=30) as client:
        yield client


def refused(response, canary) -> None:
    assert response.status_code == 400, response.text[:500]
    assert "federated queries (SERVICE) are not run" in response.text
    assert SECRET not in response.text
    assert canary.connections() == []


@pytest.mark.parametrize("name", DISGUISES)
def test_serve_refuses_a_federated_query_by_get_and_never_calls_the_internal_service(http, canary, name):
    refused(http.get("/sparql", params={"query": attack(DISGUISES[name], canary)},
                     headers={"Accept": "application/sparql-results+json"}), canary)


def test_serve_refuses_a_federated_query_posted_as_a_form(http, canary):
    refused(http.post("/sparql", data={"query": attack(DISGUISES["glued to the literal true"], canary)}), canary)


def test_serve_refuses_a_federated_query_posted_as_sparql_query(http, canary):
    refused(http.post("/sparql", content=attack(DISGUISES["after a comment ended by a bare CR"], canary),
                      headers={"Content-Type": "application/sparql-query"}), canary)


def test_serve_query_page_refuses_a_federated_query(http, canary):
    response = http.get("/query", params={"query": attack(DISGUISES["a prefix named service"], canary)},
                        headers={"Accept": "text/html"})
    assert response.status_code == 400
    assert "federated queries (SERVICE) are not run" in response.text
    assert SECRET not in response.text
    assert canary.connections() == []


def test_serve_query_page_refuses_a_federated_named_query_and_keeps_the_others(http, canary):
    response = http.get("/query", params={"name": "federated"}, headers={"Accept": "text/html"})
    assert response.status_code == 400
    assert "federated queries (SERVICE) are not run" in response.text
    assert canary.connections() == []
    assert http.get("/query", params={"name": "pledges"}, headers={"Accept": "text/html"}).status_code == 200


@pytest.mark.parametrize("text", INNOCENT)
def test_serve_answers_queries_that_only_mention_service(http, text):
    response = http.get("/sparql", params={"query": text}, headers={"Accept": "application/sparql-results+json"})
    assert response.status_code == 200, response.text


# ---------------------------------------------------------------------- ldpub query
@pytest.mark.parametrize("name", ["plain", "glued to the literal true", "a prefix named service",
                                  "after a comment ended by a bare CR"])
def test_query_sparql_refuses_a_federated_query(run_cli, project_copy, canary, name):
    code, stdout, stderr = run_cli("--project", str(project_copy), "query", "--sparql", attack(DISGUISES[name], canary))
    assert code == 2
    assert "federated queries (SERVICE) are not run" in stderr
    assert "--allow-service" in stderr or "rename the prefix" in stderr
    assert SECRET not in stdout + stderr
    assert canary.connections() == []


def test_query_file_refuses_a_federated_query(run_cli, project_copy, canary, tmp_path):
    path = tmp_path / "federated.rq"
    path.write_text("# title: x\n\n" + attack(DISGUISES["inside FILTER EXISTS"], canary), encoding="utf-8")
    code, stdout, stderr = run_cli("--project", str(project_copy), "query", "--file", str(path))
    assert code == 2
    assert "federated.rq:3:" in stderr and "SERVICE" in stderr
    assert canary.connections() == []


def test_a_named_query_of_a_cloned_project_cannot_call_out_even_with_show(run_cli, project_copy, canary):
    (project_copy / "queries" / "innocent-looking.rq").write_text(
        "# title: Members\n" + attack(DISGUISES["in a subquery"], canary), encoding="utf-8")
    for extra in ((), ("--show",)):
        code, stdout, stderr = run_cli("--project", str(project_copy), "query", "innocent-looking", *extra)
        assert code == 2, stdout
        assert "innocent-looking.rq:2:" in stderr and "SERVICE" in stderr
    assert canary.connections() == []


def test_query_allow_service_opts_in_for_the_command_line(run_cli, project_copy, canary):
    code, stdout, stderr = run_cli("--project", str(project_copy), "query", "--allow-service", "--format", "csv",
                                   "--sparql", attack(DISGUISES["plain"], canary))
    assert code == 0, stderr
    assert SECRET in stdout
    assert len(canary.connections()) == 1


@pytest.mark.parametrize("text", INNOCENT)
def test_query_runs_queries_that_only_mention_service(run_cli, project_copy, text):
    code, stdout, stderr = run_cli("--project", str(project_copy), "query", "--format", "csv", "--sparql", text)
    assert code == 0, stderr


def test_the_python_api_refuses_federation_too(project_copy, canary):
    from ldpub import query
    from ldpub.sparqlguard import QueryRefused

    with pytest.raises(QueryRefused):
        query.run(attack(DISGUISES["plain"], canary), project=project_copy)
    assert canary.connections() == []


# ---------------------------------------------------------------------- the rule against pyoxigraph
# Generated queries: graph patterns glued with every kind of separator (none, blanks, CR, LF,
# comments), SERVICE in any case and form, and decoys (the word in strings, IRIs, comments,
# variables and local names). pyoxigraph is the ground truth of what calls out.
SEPARATORS = st.sampled_from(["", " ", "\n", "\r", "\t", "#c\n", "#}\r", " # SERVICE <{url}> {\n"])
KEYWORD = st.sampled_from(["SERVICE", "service", "Service", "sErViCe"])
TARGET = st.sampled_from(["<{url}>", ":internal", "e:internal", "<internal>"])
DECOYS = st.sampled_from(['BIND("SERVICE <{url}> {}" AS ?d)', "BIND(<http://example.org/SERVICE> AS ?d)",
                          "BIND(ex:service AS ?d)", "BIND(ex:a\\#SERVICE AS ?d)", "?service ?p ?o",
                          "BIND('''}SERVICE''' AS ?d)", 'BIND("x"@en AS ?d)'])
SIMPLE = st.sampled_from(["?s ?p ?o", "?s ?p true", "FILTER(true)", "BIND(1 AS ?b)", "VALUES ?v { 1 }"])


@st.composite
def service_pattern(draw, inner):
    silent = draw(st.sampled_from(["", "SILENT"])) 
    silent += draw(SEPARATORS) if silent else ""
    return (f"{draw(KEYWORD)}{draw(SEPARATORS) or ' '}{silent}{draw(TARGET)}{draw(SEPARATORS)}"
            f"{{{draw(SEPARATORS)}{draw(inner)}{draw(SEPARATORS)}}}")


def elements(inner):
    return st.one_of(SIMPLE, DECOYS, service_pattern(inner),
                     inner.map(lambda g: "{" + g + "}"), inner.map(lambda g: "OPTIONAL{" + g + "}"),
                     inner.map(lambda g: "FILTER EXISTS{" + g + "}"), inner.map(lambda g: "{" + g + "}UNION{" + g + "}"))


@st.composite
def group_body(draw, element):
    parts = draw(st.lists(element, min_size=1, max_size=4))
    return "".join(part + draw(st.sampled_from([" ", " . ", ".", "\n", "\r"])) for part in parts)


PATTERNS = st.recursive(SIMPLE, lambda inner: group_body(elements(inner)), max_leaves=8)


def federated(canary: Canary, body: str) -> str:
    return (f"PREFIX : <{canary.root}> PREFIX e: <{canary.root}> PREFIX ex: <http://example.org/> "
            f"BASE <{canary.root}> SELECT * WHERE {{ {body} }}").replace("{url}", canary.url)


def calls_out(canary: Canary, text: str) -> bool:
    """Whether pyoxigraph, running ``text``, connects to the canary."""
    canary.reset()
    try:
        answer = small_store().query(text)
        answer = bool(answer) if isinstance(answer, ox.QueryBoolean) else list(answer)
    except (OSError, RuntimeError, SyntaxError, ValueError):
        pass
    return bool(canary.connections(settle=0))  # pyoxigraph waits for the answer: no race


@settings(max_examples=150, derandomize=True, deadline=None, database=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(PATTERNS)
def test_every_query_that_makes_pyoxigraph_call_out_is_refused(canary, body):
    """Differential check against pyoxigraph (a longer run by hand: see SECURITY.md)."""
    from ldpub.sparqlguard import QueryRefused, check_query

    text = federated(canary, body)
    if calls_out(canary, text):
        with pytest.raises(QueryRefused):
            check_query(text)


# ---------------------------------------------------------------------- the second wall
def test_a_query_worker_has_no_network_even_if_a_service_slipped_past_the_guard(canary):
    """The serve workers leave the host's network before reading any query (Linux)."""
    import subprocess
    import sys

    probe = (
        "import socket, sys\n"
        "from ldpub.serve.worker import isolate_network\n"
        "if not isolate_network(): sys.exit(3)\n"
        f"socket.create_connection(('127.0.0.1', {canary.port}), timeout=2)\n"
    )
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, timeout=60)
    if done.returncode == 3:
        pytest.skip("this kernel does not let a process leave the network (no network namespaces)")
    assert done.returncode == 1 and "Network is unreachable" in done.stderr, done.stderr
    assert canary.connections() == []
