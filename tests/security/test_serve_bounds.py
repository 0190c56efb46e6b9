"""``ldpub serve`` bounds what a request may be, and never trusts what it says about the server.

Before the fix a 6 MB ``Accept`` header was read whole and negotiated on the event loop: every
other request waited (5-20 s measured); the ``Host`` header was written into ``/void`` (cache
poisoning: a shared cache would hand the attacker's host to everyone); a SPARQL syntax error at
``/sparql`` came back as pyoxigraph's raw parser dump.
"""

from __future__ import annotations

import socket
import threading

import httpx
import pytest

from _servers import copy_project, start_ldpub

PUBLIC_URL = "https://data.example.org/ldpub"


@pytest.fixture(scope="module")
def server(tmp_path_factory, built):
    _, out = built
    project = copy_project(tmp_path_factory.mktemp("bounds-project"))
    config = project / "ldpub.toml"
    config.write_text(config.read_text(encoding="utf-8") + f'public_url = "{PUBLIC_URL}"\n', encoding="utf-8")
    srv = start_ldpub(project, tmp_path_factory.mktemp("bounds-log") / "access.log", "--from", str(out))
    yield srv
    srv.stop()


def raw_request(server, head: bytes, timeout: float = 30) -> bytes:
    """Send ``head`` on a fresh connection and return everything the server answers."""
    host, port = server.url.split("//")[1].rstrip("/").split(":")
    with socket.create_connection((host, int(port)), timeout=timeout) as sock:
        try:
            sock.sendall(head)
            sock.shutdown(socket.SHUT_WR)  # done sending: the server may close at once
        except OSError:
            pass  # the server may stop reading once it has refused
        chunks = []
        while True:
            try:
                chunk = sock.recv(65536)
            except OSError:
                break
            if not chunk:
                break
            chunks.append(chunk)
    return b"".join(chunks)


def test_a_six_megabyte_accept_header_is_refused_and_the_server_keeps_answering(server):
    answers = {}

    def attack():
        accept = b"text/csv;q=0.5," * 420_000  # 6.3 MB
        answers["attack"] = raw_request(server, b"GET /sparql?query=ASK%7B%7D HTTP/1.1\r\nHost: x\r\nAccept: "
                                        + accept + b"\r\n\r\n")

    thread = threading.Thread(target=attack)
    thread.start()
    during = httpx.get(server.url + "healthz", timeout=10)  # another visitor, meanwhile
    thread.join(60)
    assert during.status_code == 200
    assert answers["attack"].startswith(b"HTTP/1.1 431 ")
    assert b"max_header_bytes" in answers["attack"]


def test_a_huge_request_line_is_refused_with_431(server):
    answer = raw_request(server, b"GET /sparql?query=" + b"A" * 200_000 + b" HTTP/1.1\r\nHost: x\r\n\r\n")
    assert answer.startswith(b"HTTP/1.1 431 ")


def test_a_request_within_the_limits_is_served(server):
    response = httpx.get(server.url + "sparql", params={"query": "ASK { ?s ?p ?o }" + " " * 30_000},
                         headers={"Accept": "application/sparql-results+json", "X-Padding": "p" * 20_000}, timeout=30)
    assert response.status_code == 200


def test_the_host_header_is_not_reflected_into_void(server):
    response = httpx.get(server.url + "void", headers={"Host": "evil.example:666", "Accept": "application/n-triples"},
                         timeout=30)
    assert response.status_code == 200
    assert "evil.example" not in response.text
    assert f"<{PUBLIC_URL}/sparql>" in response.text


def test_the_host_header_is_not_reflected_into_the_service_description(server):
    response = httpx.get(server.url + "sparql", headers={"Host": "evil.example", "Accept": "application/n-triples"},
                         timeout=30)
    assert response.status_code == 200
    assert "evil.example" not in response.text
    assert f"<{PUBLIC_URL}/sparql>" in response.text


def test_a_syntax_error_at_sparql_is_a_located_message_not_a_parser_dump(server):
    response = httpx.get(server.url + "sparql", params={"query": "SELECT ?s WHERE { ?s ?p }"}, timeout=30)
    assert response.status_code == 400
    first = response.text.splitlines()[0]
    assert first.startswith("query:1:") and "SPARQL syntax error" in first
    assert "\\u{" not in response.text  # pyoxigraph's character-class lists
    assert response.text.splitlines()[1].strip() == "SELECT ?s WHERE { ?s ?p }"


def test_accept_negotiation_reads_a_bounded_number_of_ranges():
    from ldpub.serve.protocol import MAX_ACCEPT_RANGES, parse_accept

    assert len(parse_accept("text/csv;q=0.1," * 10_000 + "application/json")) == MAX_ACCEPT_RANGES


@pytest.mark.parametrize("value", ['"http://x.org/?a=1"', '"http://user:pw@x.org"', '"ftp://x.org"', '"x.org"'])
def test_a_public_url_that_is_not_a_plain_http_url_is_refused(run_cli, project_copy, value):
    config = project_copy / "ldpub.toml"
    config.write_text(config.read_text(encoding="utf-8") + f"\n[serve]\npublic_url = {value}\n", encoding="utf-8")
    code, _, stderr = run_cli("--project", str(project_copy), "serve", "--port", "0")
    assert code == 2
    assert "[serve] public_url" in stderr and "pw" not in stderr.replace("public_url", "")
