"""Secrets never reach a message or a log: one redaction function for every URL and header.

Before the fix ``ldpub query --endpoint http://alice:S3CRET@host/sparql`` printed the password
in its error, and push errors echoed up to 300 characters of the server's answer and
``?token=`` query strings. The servers here are real HTTP listeners on 127.0.0.1 that answer
with an error page echoing everything they were sent (as many real servers do).
"""

from __future__ import annotations

import http.server
import json
import threading

import httpx
import pytest

from _servers import copy_project, free_port, start_ldpub

SECRET = "S3CRET-9d1e"


class EchoingServer(http.server.ThreadingHTTPServer):
    """Answers every request with ``status`` and a body echoing the request line, the
    Authorization header, a terminal escape and 1,000 characters of filler."""

    def __init__(self, status: int = 401) -> None:
        self.status = status
        self.seen: list[dict] = []
        super().__init__(("127.0.0.1", 0), _EchoHandler)
        threading.Thread(target=self.serve_forever, daemon=True).start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}/"


class _EchoHandler(http.server.BaseHTTPRequestHandler):
    def _answer(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        if length:
            self.rfile.read(length)
        self.server.seen.append({"path": self.path, "authorization": self.headers.get("Authorization")})
        body = (f"\x1b[2J\x1b]0;pwned\x07denied {self.command} {self.path} "
                f"Authorization: {self.headers.get('Authorization')} " + "x" * 1000).encode()
        self.send_response(self.server.status)
        self.send_header("Content-Type", "text/plain")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    do_GET = do_POST = do_PUT = _answer

    def log_message(self, *args) -> None:
        pass


@pytest.fixture
def echoing():
    server = EchoingServer()
    yield server
    server.shutdown()
    server.server_close()


def clean(output: str) -> None:
    assert SECRET not in output
    assert "\x1b" not in output and "\x07" not in output  # no terminal escapes from a server


# ---------------------------------------------------------------------- ldpub query --endpoint
def test_query_refuses_a_password_in_the_endpoint_url_without_printing_it(run_cli, echoing):
    url = echoing.url.replace("http://", f"http://alice:{SECRET}@") + "sparql"
    code, stdout, stderr = run_cli("query", "--endpoint", url, "--sparql", "ASK { ?s ?p ?o }")
    assert code == 2
    assert "contains credentials" in stderr and "LDPUB_QUERY_USER" in stderr and "alice:***@" in stderr
    clean(stdout + stderr)
    assert echoing.seen == []  # refused before anything was sent


def test_query_takes_endpoint_credentials_from_the_environment_and_never_prints_them(run_cli, echoing, monkeypatch):
    monkeypatch.setenv("LDPUB_QUERY_TOKEN", SECRET)
    code, stdout, stderr = run_cli("query", "--endpoint", echoing.url + "sparql", "--sparql", "ASK { ?s ?p ?o }")
    assert code == 2
    assert echoing.seen[0]["authorization"] == f"Bearer {SECRET}"
    assert "answered 401" in stderr and "Authorization: Bearer ***" in stderr
    clean(stdout + stderr)


def test_query_never_prints_a_token_in_the_endpoint_query_string(run_cli, echoing):
    code, stdout, stderr = run_cli("query", "--endpoint", echoing.url + f"sparql?token={SECRET}&x=1",
                                   "--sparql", "ASK { ?s ?p ?o }")
    assert code == 2
    assert "sparql?token=***&x=1" in stderr
    assert len(stderr) < 600  # the server's 1,000-character page is cut to one short line
    clean(stdout + stderr)


def test_query_never_prints_a_token_when_the_endpoint_is_unreachable(run_cli):
    code, stdout, stderr = run_cli("query", "--endpoint", f"http://127.0.0.1:{free_port()}/sparql?access_token={SECRET}",
                                   "--sparql", "ASK { ?s ?p ?o }")
    assert code == 2
    assert "cannot reach SPARQL endpoint" in stderr and "access_token=***" in stderr
    clean(stdout + stderr)


# ---------------------------------------------------------------------- ldpub push
def test_push_errors_show_a_short_redacted_line_of_the_server_answer(run_cli, built, echoing, monkeypatch):
    _, out = built
    monkeypatch.setenv("LDPUB_PUSH_TOKEN", SECRET)
    code, stdout, stderr = run_cli("push", "--endpoint", echoing.url + f"store?token={SECRET}", "--from", str(out))
    assert code == 2
    assert echoing.seen and echoing.seen[0]["authorization"] == f"Bearer {SECRET}"
    assert "store?token=***" in stderr and "answered 401" in stderr
    assert "Authorization: Bearer ***" in stderr
    assert max(len(line) for line in stderr.splitlines()) < 600
    clean(stdout + stderr)


def test_push_refuses_a_password_in_the_url_without_printing_it(run_cli, built, echoing):
    _, out = built
    url = echoing.url.replace("http://", f"http://alice:{SECRET}@") + "store"
    code, stdout, stderr = run_cli("push", "--endpoint", url, "--from", str(out))
    assert code == 2 and "LDPUB_PUSH_USER" in stderr
    clean(stdout + stderr)
    assert echoing.seen == []


# ---------------------------------------------------------------------- ldpub serve access log
@pytest.fixture(scope="module")
def server(tmp_path_factory, built):
    _, out = built
    project = copy_project(tmp_path_factory.mktemp("secrets-project"))
    log = tmp_path_factory.mktemp("secrets-log") / "access.log"
    srv = start_ldpub(project, log, "--from", str(out))
    yield srv
    srv.stop()


def test_the_access_log_masks_tokens_and_never_logs_credential_headers(server):
    httpx.get(server.url + "sparql", params={"query": "ASK { ?s ?p ?o }", "access_token": SECRET},
              headers={"Authorization": f"Bearer {SECRET}", "Cookie": f"session={SECRET}"}, timeout=30)
    httpx.get(server.url + f"healthz?password={SECRET}&api_key={SECRET}", timeout=30)
    server.stop()  # flush and close the log
    entries = [json.loads(line) for line in server.log.read_text(encoding="utf-8").splitlines() if line.startswith("{")]
    logged = [e for e in entries if e.get("path") in ("/sparql", "/healthz") and "***" in e.get("query", "")]
    assert len(logged) == 2
    assert "access_token=***" in logged[0]["query"] and "password=***&api_key=***" in logged[1]["query"]
    assert SECRET not in server.log.read_text(encoding="utf-8")


# ---------------------------------------------------------------------- the one function
@pytest.mark.parametrize("url, shown", [
    (f"http://alice:{SECRET}@host/sparql", "http://alice:***@host/sparql"),
    (f"https://{SECRET}@github.com/org/repo", "https://***@github.com/org/repo"),
    (f"http://h/s?query=ASK%7B%7D&token={SECRET}", "http://h/s?query=ASK%7B%7D&token=***"),
    (f"http://h/s?access_token={SECRET}&api-key={SECRET}&sig={SECRET}", "http://h/s?access_token=***&api-key=***&sig=***"),
    (f"http://h/cb#access_token={SECRET}&state=1", "http://h/cb#access_token=***&state=1"),
    ("http://h/s?author=ada&monkey=1&query=x", "http://h/s?author=ada&monkey=1&query=x"),
])
def test_redact_url(url, shown):
    from ldpub.redact import redact_url

    assert redact_url(url) == shown


def test_redact_headers_and_free_text():
    from ldpub.redact import excerpt, redact_headers, redact_text

    assert redact_headers({"Authorization": f"Basic {SECRET}", "X-Api-Key": SECRET, "Accept": "text/csv"}) == \
        {"Authorization": "***", "X-Api-Key": "***", "Accept": "text/csv"}
    text = f'{{"error": "denied", "password": "{SECRET}"}} Proxy-Authorization: Digest {SECRET} see http://h/?key={SECRET}.'
    assert SECRET not in redact_text(text)
    assert redact_text("unknown key 'x' in [serve]") == "unknown key 'x' in [serve]"
    line = excerpt("\x1b[31mred\x1b[0m\n\n" + "y" * 500)
    assert line.startswith("red y") and len(line) == 200 and "\x1b" not in line
