"""Property-based fuzzing of the real ``ldpub serve`` and of named-query parameters.

The contract, whatever the request: an answer from the documented status codes (no 5xx but
the documented 503 of a query over its time limit or of a busy server), no traceback in the
answer or in the server's log, an answer within the query time limit plus a margin, and the
server (with all its workers) still up afterwards.

CI runs a small, fixed set of examples (derandomized: the same requests every run). A longer
run by hand, with new random examples each time::

    LDPUB_FUZZ_EXAMPLES=2000 LDPUB_FUZZ_RANDOM=1 .venv/bin/pytest tests/security/test_fuzz_http.py -q
"""

from __future__ import annotations

import os
import string
from urllib.parse import quote

import httpx
import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from _servers import copy_project, start_ldpub

EXAMPLES = int(os.environ.get("LDPUB_FUZZ_EXAMPLES", "40"))
FUZZ = settings(max_examples=EXAMPLES, derandomize=not os.environ.get("LDPUB_FUZZ_RANDOM"), deadline=None,
                database=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])

#: every status ldpub serve documents (README, "Serving"); 503 is the only 5xx
DOCUMENTED = {200, 303, 400, 403, 404, 405, 406, 413, 415, 422, 431, 503}
QUERY_TIMEOUT = 1.5  # the test server's [serve] query_timeout (tests/_servers.py)
ANSWER_WITHIN = QUERY_TIMEOUT * 2 + 20  # a busy worker, then the query, then slack for a loaded machine

ID = "/ldpub/dataset/taliban-al-qaeda/id/"
DOC = "/ldpub/dataset/taliban-al-qaeda/doc/"
PATHS = ["/", "/healthz", "/sparql", "/query", "/void", "/.well-known/void", "/network.svg", "/data/dataset.ttl",
         "/data/dataset.nt", "/data/dataset.jsonld", "/data/dataset.xyz", ID, DOC, ID + "taliban", DOC + "taliban",
         DOC + "taliban.ttl", DOC + "taliban.html", DOC + "taliban.exe", "/nope", "//", "/%00", "/sparql/../void"]
TEXT = st.text(alphabet=st.characters(codec="utf-8", exclude_categories=["Cs"]), max_size=40)
SPARQL_PIECES = ["SELECT", "ASK", "CONSTRUCT", "DESCRIBE", "WHERE", "*", "?s", "?p", "?o", "{", "}", "(", ")", ".",
                 "<http://example.org/x>", "skos:prefLabel", "nope:x", '"x"', "'", "FILTER", "LIMIT 5", "1",
                 "SERVICE <http://127.0.0.1:9/>", "INSERT DATA", "DROP ALL", "PREFIX d: <http://x/>", "\\", "#",
                 "GROUP BY ?s", "COUNT(*)", "OPTIONAL", "UNION", "VALUES ?s { 1 }", "{" * 70, "[" * 70, "!" * 70]
SPARQL = st.lists(st.sampled_from(SPARQL_PIECES) | TEXT, max_size=12).map(" ".join)
MEDIA = st.sampled_from(["*/*", "text/html", "text/csv", "text/turtle", "application/sparql-results+json",
                         "application/ld+json", "application/n-triples", "application/rdf+xml", "image/png",
                         "text/*;q=0", "application/json;q=0.5", ";;;", "q=1", "text/csv;q=abc", ""])
ACCEPT = st.lists(MEDIA, max_size=6).map(",".join)
HEADER_VALUE = st.text(alphabet=string.printable.replace("\r", "").replace("\n", "").replace("\x0b", "")
                       .replace("\x0c", ""), max_size=60).map(str.strip)
PARAM_NAMES = st.sampled_from(["query", "format", "output", "name", "update", "default-graph-uri",
                               "named-graph-uri", "group", "from", "to", "entity", "x"])
PARAMS = st.lists(st.tuples(PARAM_NAMES, SPARQL | TEXT), max_size=4)
CONTENT_TYPES = st.sampled_from(["application/x-www-form-urlencoded", "application/sparql-query",
                                 "application/sparql-update", "text/plain", "multipart/form-data", "", "a/b; charset=latin-1"])
BODIES = st.one_of(st.binary(max_size=200), SPARQL.map(str.encode), PARAMS.map(lambda p: httpx.QueryParams(p).__str__().encode()))
METHODS = st.sampled_from(["GET", "GET", "GET", "POST", "POST", "HEAD", "PUT", "DELETE", "OPTIONS", "PATCH"])


@pytest.fixture(scope="module")
def server(tmp_path_factory, built):
    _, out = built
    project = copy_project(tmp_path_factory.mktemp("fuzz-project"))
    srv = start_ldpub(project, tmp_path_factory.mktemp("fuzz-log") / "access.log", "--from", str(out))
    workers = srv.worker_pids()
    yield srv
    alive = httpx.get(srv.url + "healthz", timeout=30)
    log = srv.log.read_text(encoding="utf-8", errors="replace")
    still = srv.worker_pids()
    srv.stop()
    assert alive.status_code == 200
    assert len(still) == len(workers)
    assert "Traceback" not in log and "Exception in ASGI application" not in log


@pytest.fixture(scope="module")
def client(server):
    with httpx.Client(base_url=server.url, timeout=ANSWER_WITHIN) as http:
        yield http


def check(response: httpx.Response) -> None:
    assert response.status_code in DOCUMENTED, (response.status_code, response.text[:500])
    assert "Traceback" not in response.text


@FUZZ
@given(method=METHODS, path=st.sampled_from(PATHS) | TEXT.map(lambda t: "/" + t), params=PARAMS, accept=ACCEPT,
       content_type=CONTENT_TYPES, body=BODIES,
       extra=st.lists(st.tuples(st.sampled_from(["X-Test", "Origin", "Access-Control-Request-Method", "Cookie",
                                                 "Authorization", "Range", "If-None-Match"]), HEADER_VALUE), max_size=3))
@example(method="GET", path=DOC + "taliban.exe", params=[], accept="text/html", content_type="", body=b"",
         extra=[])  # found by this test: every HTML error page was a 500 (page() got 'status' twice)
def test_any_request_gets_a_documented_answer(client, method, path, params, accept, content_type, body, extra):
    headers = {"Accept": accept, **dict(extra)}
    if method in ("POST", "PUT", "PATCH"):
        headers["Content-Type"] = content_type
    raw_path = quote(path, safe="/%:@!$&'()*+,;=")  # whatever the text, as a client would send it
    request = client.build_request(method, httpx.URL(raw_path, params=params),
                                   headers=headers, content=body if method in ("POST", "PUT", "PATCH") else None)
    check(client.send(request))


@FUZZ
@given(name=st.sampled_from(["pledges", "leaders", "events", "timeline", "relations", "nope"]),
       values=st.lists(st.tuples(PARAM_NAMES, TEXT | st.sampled_from(["taliban", "d:taliban", "2019-01-01",
                                                                      "http://x/>", "-1", "1e999"])), max_size=3))
def test_any_named_query_parameters_on_the_query_page(client, name, values):
    response = client.get("/query", params=[("name", name), *values], headers={"Accept": "text/html"})
    check(response)


@settings(max_examples=max(EXAMPLES // 2, 10), derandomize=not os.environ.get("LDPUB_FUZZ_RANDOM"), deadline=None,
          database=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(name=st.sampled_from(["leaders", "events", "timeline"]),
       values=st.lists(st.tuples(st.sampled_from(["group", "from", "to", "entity", "x"]),
                                 TEXT | st.sampled_from(["taliban", "d:taliban", "2019-02-30", "http://x/>", "1e999"])),
                       max_size=3, unique_by=lambda kv: kv[0]))
def test_any_named_query_parameters_on_the_command_line(run_cli, repo_root, name, values):
    code, stdout, stderr = run_cli("--project", str(repo_root), "query", name, "-f", "csv",
                                   *[f"{key}={value}" for key, value in values])
    assert code in (0, 2), stderr
    assert "Traceback" not in stderr
    if code == 2:
        assert stderr.startswith("error: ") or ": " in stderr.splitlines()[0]


REQUEST_LINES = st.sampled_from([b"GET / HTTP/1.1", b"POST /sparql HTTP/1.1", b"GET /sparql?query=ASK%7B%7D HTTP/1.0",
                                 b"GARBAGE", b"GET", b"GET /\x00 HTTP/1.1", b"PRI * HTTP/2.0", b""])


@FUZZ
@given(line=REQUEST_LINES, head=st.binary(max_size=300), body=st.binary(max_size=100))
def test_any_bytes_on_the_wire_get_a_documented_answer_or_a_closed_connection(server, line, head, body):
    import socket

    host, port = server.url.split("//")[1].rstrip("/").split(":")
    with socket.create_connection((host, int(port)), timeout=ANSWER_WITHIN) as sock:
        try:
            sock.sendall(line + b"\r\nHost: x\r\n" + head + b"\r\n\r\n" + body)
            sock.shutdown(socket.SHUT_WR)
        except OSError:
            return  # the server closed first: a refusal
        answer = b""
        while chunk := sock.recv(65536):
            answer += chunk
    if answer:
        status = int(answer.split(b" ", 2)[1])
        assert answer.startswith((b"HTTP/1.1 ", b"HTTP/1.0 ")) and status in DOCUMENTED, answer[:300]
        assert b"Traceback" not in answer
