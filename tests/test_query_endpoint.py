"""`--endpoint`: the same named queries sent to a real SPARQL 1.1 server give the same answers.

The server is `oxigraph serve` (PyPI package `oxigraph`, in the test extra) on 127.0.0.1 and a
free port, loaded with the built dataset.nt and ontology.ttl, as a publisher would load them.
"""

from __future__ import annotations

import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from querytools import D, ROOT, repo_target

CASES = [
    ("pledges", {}),
    ("leaders", {"group": "taliban"}),
    ("leaders", {"group": "al-qaeda"}),
    ("relations", {}),
    ("agreements", {}),
    ("meetings", {}),
    ("contested", {}),
    ("events", {"from": "2019-01-01", "to": "2019-12-31"}),
    ("events", {}),
    ("estimates", {}),
    ("sources", {"entity": "haibatullah-akhundzada"}),
    ("timeline", {"entity": "al-qaeda"}),
]


def _oxigraph() -> str:
    beside = Path(sys.executable).parent / "oxigraph"  # the venv's console script
    found = str(beside) if beside.exists() else shutil.which("oxigraph")
    if not found:
        pytest.skip("the oxigraph server is not installed (pip install oxigraph; it is in the test extra)")
    return found


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def endpoint(tmp_path_factory):
    """A real oxigraph server holding dist/dataset.nt and dist/ontology.ttl; yields its query URL."""
    import httpx

    from ldpub.config import load_project
    from ldpub.pipeline import compile_project, write_build

    exe = _oxigraph()
    out = tmp_path_factory.mktemp("dist")
    write_build(compile_project(load_project(ROOT), validate=False), out)
    store = tmp_path_factory.mktemp("oxigraph")
    subprocess.run([exe, "load", "--location", str(store), "--file", str(out / "dataset.nt"), str(out / "ontology.ttl")],
                   check=True, capture_output=True, timeout=120)
    port = _free_port()
    server = subprocess.Popen([exe, "serve", "--location", str(store), "--bind", f"127.0.0.1:{port}"],
                              stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    url = f"http://127.0.0.1:{port}/query"
    try:
        deadline = time.monotonic() + 30
        while True:
            if server.poll() is not None:
                pytest.fail(f"oxigraph serve exited: {server.stderr.read().decode(errors='replace')}")
            try:
                httpx.get(url, params={"query": "ASK {}"}, timeout=2)
                break
            except httpx.TransportError:
                if time.monotonic() > deadline:
                    pytest.fail("oxigraph serve did not answer within 30 s")
                time.sleep(0.1)
        yield url
    finally:
        server.terminate()
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()


@pytest.fixture(scope="module")
def embedded():
    return repo_target()


def _normalized(result) -> list[tuple]:
    """Rows as comparable values: GROUP_CONCAT lists as sorted sets, rows sorted (ties in
    ORDER BY and concatenation order may differ between two stores)."""
    import pyoxigraph as ox

    def value(term):
        if not isinstance(term, ox.Literal):
            return None if term is None else str(term)
        return (" | ".join(sorted(term.value.split(" | "))), term.datatype.value, term.language)

    return sorted((tuple(value(t) for t in row) for row in result.rows), key=repr)


@pytest.mark.parametrize("name, params", CASES, ids=[f"{n}-{'-'.join(p.values()) or 'all'}" for n, p in CASES])
def test_endpoint_gives_the_same_answers_as_embedded(endpoint, embedded, name, params):
    from ldpub import query
    from ldpub.config import load_project

    remote = query.connect(load_project(ROOT), endpoint=endpoint)
    here = query.run(name, params, target=embedded, project=ROOT)
    there = query.run(name, params, target=remote, project=ROOT)
    assert there.variables == here.variables
    assert here.rows, f"{name} found nothing: the comparison would prove nothing"
    assert _normalized(there) == _normalized(here)


def test_endpoint_answers_the_article_question_through_the_cli(endpoint, run_cli):
    import csv
    import io

    code, out, err = run_cli("--project", str(ROOT), "query", "pledges", "--endpoint", endpoint, "--format", "csv")
    assert code == 0, err
    rows = [r for r in csv.DictReader(io.StringIO(out)) if r["pledgee"] == D + "haibatullah-akhundzada"]
    assert [(r["date"], r["acknowledged"]) for r in rows] == [("2016", "false")]


def test_endpoint_construct_ask_and_a_hostile_value(endpoint, embedded):
    from ldpub import query
    from ldpub.config import load_project

    remote = query.connect(load_project(ROOT), endpoint=endpoint)
    graph = query.run(f"CONSTRUCT {{ <{D}taliban> ?p ?o }} WHERE {{ <{D}taliban> ?p ?o }}", target=remote)
    assert graph.kind == "graph" and sorted(map(str, graph.triples)) == sorted(
        map(str, query.run(f"CONSTRUCT {{ <{D}taliban> ?p ?o }} WHERE {{ <{D}taliban> ?p ?o }}", target=embedded).triples))
    assert query.run("ASK { ?s ?p ?o }", target=remote).boolean is True
    hostile = query.parse_header(
        '# param: text: string\nSELECT ?s WHERE { ?s ?p ?o FILTER(STR(?o) = ?text) }', "probe")
    assert query.run(hostile, {"text": '" ) } } ; DROP ALL #'}, target=remote).empty
    assert query.run("ASK { ?s ?p ?o }", target=remote).boolean is True  # nothing was dropped


def test_endpoint_error_answer_is_one_clear_line(endpoint):
    from ldpub import query
    from ldpub.errors import QueryError

    target = query.EndpointTarget(endpoint.replace("/query", "/nowhere"))
    with pytest.raises(QueryError) as err:
        target.execute("SELECT * WHERE { ?s ?p ?o } LIMIT 1")
    message = str(err.value)
    assert message.startswith(f"SPARQL endpoint {endpoint.replace('/query', '/nowhere')} answered 404")
    assert "\n" not in message


def test_endpoint_a_slug_it_does_not_know_is_an_error_not_an_empty_answer(endpoint, run_cli):
    code, _, err = run_cli("--project", str(ROOT), "query", "timeline", "entity=talibn", "--endpoint", endpoint)
    assert code == 2
    assert err.strip() == f"error: parameter entity='talibn': no record 'talibn' in {endpoint}"
    code, out, _ = run_cli("--project", str(ROOT), "query", "timeline", "entity=asim-umar", "--endpoint", endpoint)
    assert code == 0 and D + "raid-helmand-2019-09" in out
