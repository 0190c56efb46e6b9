"""Deeply nested queries: refused before pyoxigraph's parser sees them.

pyoxigraph's recursive parser overflows its stack on deep nesting: before the fix 5,000 nested
``{`` (10 KB) killed ``ldpub query`` with a segmentation fault (exit 139) and killed a server
worker (HTTP 500, a worker restart); 300 nested ``[`` blank nodes were enough. The CLI runs in
a subprocess here, so that a crash is seen as one rather than killing the test run.
"""

from __future__ import annotations

import subprocess
import sys

import httpx
import pytest

from _servers import ROOT, _env, copy_project, start_ldpub

DEEP_BRACES = "SELECT * WHERE " + "{" * 5000 + " ?s ?p ?o " + "}" * 5000
DEEP_BLANK_NODES = "SELECT * WHERE { ?s ?p " + "[ ?p " * 300 + "?o" + " ]" * 300 + " }"
DEEP_NEGATION = "SELECT * WHERE { FILTER(" + "!" * 20000 + "true) }"
NESTED_BUT_FINE = "SELECT * WHERE " + "{" * 60 + " ?s ?p ?o " + "}" * 60 + " LIMIT 1"


def ldpub(*args: str, cwd=ROOT) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "ldpub", *args], capture_output=True, text=True, env=_env(),
                          cwd=cwd, timeout=300)


@pytest.mark.parametrize("text", [DEEP_BRACES, DEEP_BLANK_NODES, DEEP_NEGATION],
                         ids=["5000 braces", "300 blank nodes", "20000 negations"])
def test_query_refuses_a_deeply_nested_query_instead_of_crashing(text):
    done = ldpub("query", "--sparql", text)
    assert done.returncode == 2, (done.returncode, done.stderr[-500:])
    assert "nests deeper than 64 levels" in done.stderr
    assert "Traceback" not in done.stderr


def test_a_deeply_nested_named_query_of_a_cloned_project_is_refused_with_its_place(project_copy):
    (project_copy / "queries" / "deep.rq").write_text("# title: Deep\n" + DEEP_BRACES + "\n", encoding="utf-8")
    done = ldpub("--project", str(project_copy), "query", "deep")
    assert done.returncode == 2, done.stderr[-500:]
    assert "deep.rq:2:" in done.stderr and "nests deeper than 64 levels" in done.stderr


def test_query_refuses_a_query_over_a_million_characters(tmp_path):
    path = tmp_path / "huge.rq"
    path.write_text("SELECT * WHERE { ?s ?p ?o } # " + "x" * 1_000_000, encoding="utf-8")
    done = ldpub("query", "--file", str(path))
    assert done.returncode == 2
    assert "characters long; at most 1,000,000 are accepted" in done.stderr


def test_a_query_nested_sixty_levels_still_runs():
    done = ldpub("query", "--format", "csv", "--sparql", NESTED_BUT_FINE)
    assert done.returncode == 0, done.stderr


# ---------------------------------------------------------------------- ldpub serve
@pytest.fixture(scope="module")
def server(tmp_path_factory, built):
    _, out = built
    project = copy_project(tmp_path_factory.mktemp("nesting-project"))
    srv = start_ldpub(project, tmp_path_factory.mktemp("nesting-log") / "access.log", "--from", str(out))
    yield srv
    srv.stop()


@pytest.mark.parametrize("text", [DEEP_BRACES, DEEP_BLANK_NODES], ids=["5000 braces", "300 blank nodes"])
def test_serve_refuses_a_deeply_nested_query_and_no_worker_dies(server, text):
    workers = server.worker_pids()
    response = httpx.get(server.url + "sparql", params={"query": text}, timeout=60)
    assert response.status_code == 400, response.text[:300]
    assert "nests deeper than 64 levels" in response.text
    assert server.worker_pids() == workers


def test_serve_query_page_refuses_a_deeply_nested_query(server):
    workers = server.worker_pids()
    response = httpx.get(server.url + "query", params={"query": DEEP_BRACES}, headers={"Accept": "text/html"},
                         timeout=60)
    assert response.status_code == 400
    assert "nests deeper than 64 levels" in response.text
    assert server.worker_pids() == workers
