"""`ldpub push` against a real Oxigraph server (`oxigraph serve`, PyPI package `oxigraph`).

After a push the server is queried for the same answers as the local build; pushing twice
leaves one copy; an interrupted push either leaves the previous graph in place (staged with an
update endpoint) or says exactly what the graph holds. Faults are injected by a small proxy
in front of the real server that fails chosen requests.
"""

from __future__ import annotations

import base64
import http.server
import threading
import urllib.request

import httpx
import pytest

from _servers import oxigraph_binary, start_oxigraph

pytestmark = pytest.mark.skipif(oxigraph_binary() is None, reason="oxigraph server not installed (pip install oxigraph)")

BASE = "https://w3id.org/ldpub/dataset/taliban-al-qaeda/id/"
AG = "https://w3id.org/ldpub/ontology/armed-groups#"
GRAPH = "https://w3id.org/ldpub/dataset/taliban-al-qaeda/"

PLEDGE_IN_GRAPH = f"""
PREFIX ag: <{AG}>
PREFIX d: <{BASE}>
SELECT ?pledge ?edtf ?acknowledged WHERE {{ GRAPH <{GRAPH}> {{
  ?pledge ag:pledger d:ayman-al-zawahiri ; ag:pledgee d:haibatullah-akhundzada ;
          ag:date/ag:edtf ?edtf ; ag:publiclyAcknowledged ?acknowledged . }} }}"""


@pytest.fixture
def oxigraph(tmp_path):
    server = start_oxigraph(tmp_path / "oxigraph-db")
    yield server
    server.stop()


def select(server, query: str) -> list[dict]:
    response = httpx.post(server.query, data={"query": query}, headers={"Accept": "application/sparql-results+json"})
    response.raise_for_status()
    return [{k: v["value"] for k, v in row.items()} for row in response.json()["results"]["bindings"]]


def graph_sizes(server) -> dict[str, int]:
    rows = select(server, "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g")
    return {row["g"]: int(row["n"]) for row in rows}


def dataset_size(out) -> int:
    return sum(1 for line in (out / "dataset.nt").read_text(encoding="utf-8").splitlines() if line.strip())


def test_push_then_query_the_server_for_the_same_answer(run_cli, built, oxigraph):
    _, out = built
    code, stdout, stderr = run_cli("push", "--endpoint", oxigraph.store, "--from", str(out))
    assert code == 0, stderr
    assert f"pushed {dataset_size(out)} triples" in stdout
    rows = select(oxigraph, PLEDGE_IN_GRAPH)
    assert rows == [{"pledge": BASE + "pledge-zawahiri-to-akhundzada-2016", "edtf": "2016", "acknowledged": "false"}]


def test_push_checks_the_server_holds_what_was_sent(run_cli, built, oxigraph):
    _, out = built
    code, stdout, stderr = run_cli("push", "--endpoint", oxigraph.store, "--query-endpoint", oxigraph.query,
                                   "--from", str(out))
    assert code == 0, stderr
    assert f"the server holds exactly {dataset_size(out)} triples there" in stdout


def test_pushing_twice_leaves_one_copy(run_cli, built, oxigraph):
    _, out = built
    for _ in range(2):
        code, _, stderr = run_cli("push", "--endpoint", oxigraph.store, "--from", str(out), "-q")
        assert code == 0, stderr
    assert graph_sizes(oxigraph) == {GRAPH: dataset_size(out)}


def test_chunked_push_with_update_endpoint_is_staged_then_moved(run_cli, built, oxigraph):
    _, out = built
    code, stdout, stderr = run_cli("push", "--endpoint", oxigraph.store, "--update-endpoint", oxigraph.update,
                                   "--from", str(out), "--chunk-size", "40", "--graph", "https://example.org/g")
    assert code == 0, stderr
    assert "staged, then moved into place" in stdout
    assert "uploading" in stderr  # the progress bar
    # only the target graph is left: the staging graph was moved away
    assert graph_sizes(oxigraph) == {"https://example.org/g": dataset_size(out)}


def test_chunked_push_without_update_endpoint_puts_then_posts(run_cli, built, oxigraph):
    _, out = built
    code, stdout, stderr = run_cli("push", "--endpoint", oxigraph.store, "--from", str(out), "--chunk-size", "40")
    assert code == 0, stderr
    assert graph_sizes(oxigraph) == {GRAPH: dataset_size(out)}


# ---------------------------------------------------------------------- failures and credentials
class FaultyProxy:
    """Forwards to the real server, records Authorization headers, fails the N-th data request."""

    def __init__(self, target: str, fail_on: int | None) -> None:
        self.target, self.fail_on, self.count, self.auth_headers = target.rstrip("/"), fail_on, 0, []
        proxy = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def _forward(self):
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                proxy.auth_headers.append(self.headers.get("Authorization"))
                if self.command in ("PUT", "POST") and self.path.startswith("/store"):
                    proxy.count += 1
                    if proxy.count == proxy.fail_on:
                        self.send_response(500)
                        self.end_headers()
                        self.wfile.write(b"disk full")
                        return
                request = urllib.request.Request(proxy.target + self.path, data=body or None, method=self.command,
                                                 headers={"Content-Type": self.headers.get("Content-Type", "")})
                try:
                    with urllib.request.urlopen(request) as response:
                        status, payload = response.status, response.read()
                except urllib.error.HTTPError as exc:
                    status, payload = exc.code, exc.read()
                self.send_response(status)
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)

            do_PUT = do_POST = do_GET = _forward

        self.httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}/"
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()

    def close(self):
        self.httpd.shutdown()


@pytest.fixture
def proxy_factory(oxigraph):
    made = []

    def make(fail_on=None):
        proxy = FaultyProxy(oxigraph.url, fail_on)
        made.append(proxy)
        return proxy

    yield make
    for proxy in made:
        proxy.close()


def test_staged_push_failing_midway_leaves_previous_graph(run_cli, built, oxigraph, proxy_factory):
    _, out = built
    assert run_cli("push", "--endpoint", oxigraph.store, "--from", str(out), "-q")[0] == 0
    before = graph_sizes(oxigraph)
    proxy = proxy_factory(fail_on=3)
    code, _, stderr = run_cli("push", "--endpoint", proxy.url + "store", "--update-endpoint", proxy.url + "update",
                              "--from", str(out), "--chunk-size", "40", "-q")
    assert code == 2
    assert "chunk 3 of" in stderr and "500" in stderr
    assert "the previous graph is intact" in stderr and "was dropped" in stderr
    assert graph_sizes(oxigraph) == before  # the previous graph untouched, no staging graph left


def test_direct_push_failing_midway_reports_what_was_written(run_cli, built, oxigraph, proxy_factory):
    _, out = built
    proxy = proxy_factory(fail_on=2)
    code, _, stderr = run_cli("push", "--endpoint", proxy.url + "store", "--from", str(out), "--chunk-size", "40", "-q")
    assert code == 2
    assert "now holds chunks 1-1" in stderr and "(40 of" in stderr
    assert graph_sizes(oxigraph) == {GRAPH: 40}  # exactly what the message says


def test_credentials_come_from_the_environment_and_are_never_printed(run_cli, built, proxy_factory, monkeypatch):
    _, out = built
    proxy = proxy_factory()
    monkeypatch.setenv("LDPUB_PUSH_USER", "publisher")
    monkeypatch.setenv("LDPUB_PUSH_PASSWORD", "s3cret-pa55")
    code, stdout, stderr = run_cli("push", "--endpoint", proxy.url + "store", "--from", str(out))
    assert code == 0, stderr
    expected = "Basic " + base64.b64encode(b"publisher:s3cret-pa55").decode()
    assert proxy.auth_headers and set(proxy.auth_headers) == {expected}
    assert "s3cret" not in stdout + stderr


def test_token_is_sent_as_bearer(run_cli, built, proxy_factory, monkeypatch):
    _, out = built
    proxy = proxy_factory()
    monkeypatch.setenv("LDPUB_PUSH_TOKEN", "tok-123")
    assert run_cli("push", "--endpoint", proxy.url + "store", "--from", str(out), "-q")[0] == 0
    assert set(proxy.auth_headers) == {"Bearer tok-123"}


def test_credentials_in_the_url_are_refused(run_cli, built):
    _, out = built
    code, stdout, stderr = run_cli("push", "--endpoint", "http://user:pw@127.0.0.1:9/store", "--from", str(out))
    assert code == 2
    assert "LDPUB_PUSH_USER" in stderr and "pw@" not in stderr


def test_unreachable_server_is_one_clear_line(run_cli, built):
    _, out = built
    code, _, stderr = run_cli("push", "--endpoint", "http://127.0.0.1:9/store", "--from", str(out), "-q")
    assert code == 2
    assert "cannot reach http://127.0.0.1:9/store" in stderr
    assert "Traceback" not in stderr


def test_missing_build_is_explained(run_cli, tmp_path):
    code, _, stderr = run_cli("push", "--endpoint", "http://127.0.0.1:9/store", "--from", str(tmp_path))
    assert code == 2
    assert "no dataset.nt or dataset.ttl" in stderr and "ldpub build" in stderr
