"""`ldpub push` against a real Oxigraph server (`oxigraph serve`, PyPI package `oxigraph`).

A push sends the dataset and the ontology (the named queries need both), each into a graph:
after a push the server is queried for the same answers as the local build; pushing twice
leaves one copy; an interrupted push either leaves the previous graphs in place (staged with an
update endpoint) or says exactly what each graph holds. Faults are injected by a small proxy in
front of the real server that fails chosen requests. Every named query answering alike on a
pushed Oxigraph and Virtuoso: tests/test_push_answers.py.
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
ONTOLOGY = "https://w3id.org/ldpub/ontology/armed-groups"

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
    """Triples per graph, the default graph as ''."""
    rows = select(server, "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g")
    sizes = {row["g"]: int(row["n"]) for row in rows}
    default = int(select(server, "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }")[0]["n"])
    return {**sizes, "": default} if default else sizes


def file_size(path) -> int:
    import pyoxigraph as ox

    fmt = ox.RdfFormat.N_TRIPLES if path.suffix == ".nt" else ox.RdfFormat.TURTLE
    return len(set(ox.parse(path=str(path), format=fmt)))


def sizes(out) -> tuple[int, int]:
    """Triples of dataset.nt and of ontology.ttl."""
    return file_size(out / "dataset.nt"), file_size(out / "ontology.ttl")


def table(text: str) -> list[list[str]]:
    """CSV rows with the items of each GROUP_CONCAT cell sorted (SPARQL leaves their order open)."""
    import csv
    import io

    return [[" | ".join(sorted(cell.split(" | "))) for cell in row] for row in csv.reader(io.StringIO(text))]


def test_push_sends_the_dataset_and_the_ontology_each_to_its_graph(run_cli, built, oxigraph):
    _, out = built
    data, ontology = sizes(out)
    code, stdout, stderr = run_cli("push", "--endpoint", oxigraph.store, "--from", str(out))
    assert code == 0, stderr
    assert f"pushed {data + ontology} triples in 2 request(s)" in stdout
    assert f"<{GRAPH}>: {data} triples from dataset.nt" in stdout
    assert f"<{ONTOLOGY}>: {ontology} triples from ontology.ttl" in stdout
    assert f"--graph {GRAPH} --graph {ONTOLOGY}" in stdout  # how to query them
    assert graph_sizes(oxigraph) == {GRAPH: data, ONTOLOGY: ontology}
    rows = select(oxigraph, PLEDGE_IN_GRAPH)
    assert rows == [{"pledge": BASE + "pledge-zawahiri-to-akhundzada-2016", "edtf": "2016", "acknowledged": "false"}]


def test_push_then_query_the_pushed_graphs(run_cli, built, oxigraph):
    """F14: after a push, the named queries answer on the server as they do here."""
    _, out = built
    assert run_cli("push", "--endpoint", oxigraph.store, "--from", str(out), "-q")[0] == 0
    code, remote, stderr = run_cli("query", "timeline", "entity=asim-umar", "--endpoint", oxigraph.query,
                                   "--graph", GRAPH, "--graph", ONTOLOGY, "--format", "csv")
    assert code == 0, stderr
    code, local, _ = run_cli("query", "timeline", "entity=asim-umar", "--format", "csv")
    assert table(remote) == table(local) and BASE + "death-asim-umar-2019-09" in remote


def test_querying_the_default_graph_after_a_push_says_where_the_data_is(run_cli, built, oxigraph):
    _, out = built
    assert run_cli("push", "--endpoint", oxigraph.store, "--from", str(out), "-q")[0] == 0
    code, _, stderr = run_cli("query", "timeline", "entity=asim-umar", "--endpoint", oxigraph.query)
    assert code == 2
    assert stderr.strip() == (f"error: parameter entity='asim-umar': no record 'asim-umar' in {oxigraph.query} (its default "
                              f"graph) (data loaded with 'ldpub push' is in named graphs: add --graph {GRAPH} --graph "
                              f"{ONTOLOGY}, or set [push] graph in ldpub.toml)")
    code, stdout, stderr = run_cli("query", "pledges", "--endpoint", oxigraph.query, "--format", "csv")
    assert code == 0 and len(stdout.splitlines()) == 1  # the header only: an empty default graph
    assert f"warning: {oxigraph.query} (its default graph) holds no triples" in stderr and f"--graph {GRAPH}" in stderr


def test_a_record_missing_from_the_graphs_asked_names_them(run_cli, built, oxigraph):
    _, out = built
    assert run_cli("push", "--endpoint", oxigraph.store, "--from", str(out), "-q")[0] == 0
    code, _, stderr = run_cli("query", "timeline", "entity=asim-umar", "--endpoint", oxigraph.query,
                              "--graph", "https://example.org/elsewhere")
    assert code == 2
    assert "no record 'asim-umar' in " + oxigraph.query + " (graphs <https://example.org/elsewhere>)" in stderr
    assert "'ldpub push' says where it put the data" in stderr


def test_push_settings_in_ldpub_toml_are_the_query_default(run_cli, built, oxigraph, project_copy):
    _, out = built
    config = project_copy / "ldpub.toml"
    config.write_text(config.read_text(encoding="utf-8") + '\n[push]\ngraph = "urn:ldpub:test:data"\n'
                      'ontology_graph = "urn:ldpub:test:ontology"\n', encoding="utf-8")
    project = ("--project", str(project_copy))
    code, stdout, stderr = run_cli(*project, "push", "--endpoint", oxigraph.store, "--from", str(out), "-q")
    assert code == 0, stderr
    data, ontology = sizes(out)
    assert graph_sizes(oxigraph) == {"urn:ldpub:test:data": data, "urn:ldpub:test:ontology": ontology}
    code, remote, stderr = run_cli(*project, "query", "leaders", "group=al-qaeda", "--endpoint", oxigraph.query,
                                   "--format", "csv")
    assert code == 0, stderr
    assert table(remote) == table(run_cli(*project, "query", "leaders", "group=al-qaeda", "--format", "csv")[1])
    code, shown, _ = run_cli(*project, "query", "leaders", "--endpoint", oxigraph.query, "--show")
    assert "FROM <urn:ldpub:test:data> FROM <urn:ldpub:test:ontology>" in shown
    code, shown, _ = run_cli(*project, "query", "leaders", "--endpoint", oxigraph.query, "--show", "--default-graph")
    assert "FROM" not in shown


def test_push_settings_of_the_wrong_type_are_a_config_error(run_cli, built, project_copy):
    _, out = built
    config = project_copy / "ldpub.toml"
    config.write_text(config.read_text(encoding="utf-8") + "\n[push]\ndefault_graph = \"yes\"\n", encoding="utf-8")
    code, _, stderr = run_cli("--project", str(project_copy), "push", "--endpoint", "http://127.0.0.1:9/store",
                              "--from", str(out))
    assert code == 2
    assert "ldpub.toml: [push] default_graph must be true or false (default_graph = true)" in stderr


def test_one_graph_for_both_holds_each_triple_once(run_cli, built, oxigraph):
    _, out = built
    data, ontology = sizes(out)
    code, stdout, stderr = run_cli("push", "--endpoint", oxigraph.store, "--query-endpoint", oxigraph.query,
                                   "--from", str(out), "--graph", "urn:ldpub:both", "--ontology-graph", "urn:ldpub:both")
    assert code == 0, stderr
    assert "the server holds exactly what was sent" in stdout
    assert graph_sizes(oxigraph) == {"urn:ldpub:both": data + ontology}  # the two files share no triple


def test_default_graph_push_answers_without_graphs(run_cli, built, oxigraph):
    _, out = built
    data, ontology = sizes(out)
    code, stdout, stderr = run_cli("push", "--endpoint", oxigraph.store, "--update-endpoint", oxigraph.update,
                                   "--query-endpoint", oxigraph.query, "--from", str(out), "--default-graph",
                                   "--chunk-size", "500")
    assert code == 0, stderr
    assert "staged, then moved into place; the server holds exactly what was sent" in stdout
    assert f"the default graph: {data + ontology} triples from ontology.ttl + dataset.nt" in stdout
    assert graph_sizes(oxigraph) == {"": data + ontology}
    remote = run_cli("query", "events", "--endpoint", oxigraph.query, "--format", "csv")[1]
    assert table(remote) == table(run_cli("query", "events", "--format", "csv")[1])


def test_default_graph_in_ldpub_toml_pushes_there_and_queries_without_graphs(run_cli, built, oxigraph, project_copy):
    _, out = built
    config = project_copy / "ldpub.toml"
    config.write_text(config.read_text(encoding="utf-8") + "\n[push]\ndefault_graph = true\n", encoding="utf-8")
    project = ("--project", str(project_copy))
    assert run_cli(*project, "push", "--endpoint", oxigraph.store, "--from", str(out), "-q")[0] == 0
    data, ontology = sizes(out)
    assert graph_sizes(oxigraph) == {"": data + ontology}
    code, shown, _ = run_cli(*project, "query", "leaders", "--endpoint", oxigraph.query, "--show")
    assert code == 0 and "FROM" not in shown


def test_default_graph_and_a_graph_are_exclusive(run_cli, built):
    _, out = built
    code, _, stderr = run_cli("push", "--endpoint", "http://127.0.0.1:9/store", "--from", str(out), "--default-graph",
                              "--graph", "urn:x:g")
    assert code == 2 and "leave out --graph and --ontology-graph" in stderr


def test_no_ontology_sends_the_dataset_only(run_cli, built, oxigraph):
    _, out = built
    data, _ = sizes(out)
    code, stdout, stderr = run_cli("push", "--endpoint", oxigraph.store, "--from", str(out), "--no-ontology")
    assert code == 0, stderr
    assert graph_sizes(oxigraph) == {GRAPH: data}


def test_a_build_without_its_ontology_is_refused_unless_asked(run_cli, built, oxigraph, tmp_path):
    import shutil

    _, out = built
    folder = tmp_path / "release"
    folder.mkdir()
    shutil.copy(out / "dataset.nt", folder / "dataset.nt")
    code, _, stderr = run_cli("push", "--endpoint", oxigraph.store, "--from", str(folder))
    assert code == 2
    assert f"{folder}: no ontology.ttl here: named queries that follow the class hierarchy" in stderr
    assert "--no-ontology" in stderr
    assert graph_sizes(oxigraph) == {}  # nothing was sent
    assert run_cli("push", "--endpoint", oxigraph.store, "--from", str(folder), "--no-ontology", "-q")[0] == 0


def test_push_checks_the_server_holds_what_was_sent(run_cli, built, oxigraph):
    _, out = built
    code, stdout, stderr = run_cli("push", "--endpoint", oxigraph.store, "--query-endpoint", oxigraph.query,
                                   "--from", str(out))
    assert code == 0, stderr
    assert "the server holds exactly what was sent" in stdout


def test_pushing_twice_leaves_one_copy(run_cli, built, oxigraph):
    _, out = built
    for _ in range(2):
        code, _, stderr = run_cli("push", "--endpoint", oxigraph.store, "--from", str(out), "-q")
        assert code == 0, stderr
    data, ontology = sizes(out)
    assert graph_sizes(oxigraph) == {GRAPH: data, ONTOLOGY: ontology}


def test_chunked_push_with_update_endpoint_is_staged_then_moved(run_cli, built, oxigraph):
    _, out = built
    code, stdout, stderr = run_cli("push", "--endpoint", oxigraph.store, "--update-endpoint", oxigraph.update,
                                   "--from", str(out), "--chunk-size", "40", "--graph", "https://example.org/g")
    assert code == 0, stderr
    assert "staged, then moved into place" in stdout
    assert "\r" not in stderr and "uploading" not in stderr  # progress only on a terminal (tests/test_cli_habits.py)
    # only the target graphs are left: the staging graphs were moved away
    data, ontology = sizes(out)
    assert graph_sizes(oxigraph) == {"https://example.org/g": data, ONTOLOGY: ontology}


def test_chunked_push_without_update_endpoint_puts_then_posts(run_cli, built, oxigraph):
    _, out = built
    code, stdout, stderr = run_cli("push", "--endpoint", oxigraph.store, "--from", str(out), "--chunk-size", "40")
    assert code == 0, stderr
    data, ontology = sizes(out)
    assert graph_sizes(oxigraph) == {GRAPH: data, ONTOLOGY: ontology}


def test_blank_nodes_are_never_split_nor_shared_between_files(tmp_path):
    """A file with blank nodes travels in one request, never mixed with another file's triples:
    `_:b0` of the ontology and `_:b0` of the dataset stay two nodes."""
    from ldpub.push import PushTarget, plan_push

    (tmp_path / "dataset.nt").write_text("".join(f"<urn:s{i}> <urn:p> _:b0 .\n" for i in range(5)), encoding="utf-8")
    (tmp_path / "ontology.ttl").write_text("<urn:o> a <http://www.w3.org/2002/07/owl#Ontology> .\n"
                                           "<urn:c> <urn:q> [ <urn:r> 1 ] .\n", encoding="utf-8")
    [data, onto] = plan_push(tmp_path, PushTarget("http://127.0.0.1:9/store", "urn:g"))
    assert (data.graph, data.triples, onto.graph, onto.triples) == ("urn:g", 5, "urn:o", 3)
    [both] = plan_push(tmp_path, PushTarget("http://127.0.0.1:9/store", "urn:g", ontology_graph="urn:g"))
    assert both.sources == (tmp_path / "ontology.ttl", tmp_path / "dataset.nt") and both.expected == 8


def test_push_from_python(built, oxigraph):
    from ldpub.push import PushTarget, push

    _, out = built
    result = push(out, PushTarget(oxigraph.store, "urn:ldpub:py", query_url=oxigraph.query), chunk_triples=1000)
    data, ontology = sizes(out)
    assert result.verified and [(g.graph, g.expected) for g in result.graphs] == [("urn:ldpub:py", data),
                                                                                  (ONTOLOGY, ontology)]


# ---------------------------------------------------------------------- failures and credentials
class FaultyProxy:
    """Forwards to the real server, records Authorization headers, fails the N-th data request."""

    def __init__(self, target: str, fail_on: int | None, fail_update: int | None = None) -> None:
        self.target, self.fail_on, self.count, self.auth_headers = target.rstrip("/"), fail_on, 0, []
        self.fail_update, self.updates = fail_update, 0
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
                if self.command == "POST" and self.path.startswith("/update"):
                    proxy.updates += 1
                    if proxy.updates == proxy.fail_update:
                        self.send_response(503)
                        self.end_headers()
                        self.wfile.write(b"busy")
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

    def make(fail_on=None, fail_update=None):
        proxy = FaultyProxy(oxigraph.url, fail_on, fail_update)
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
    assert "uploading request 3 of" in stderr and "500" in stderr
    assert f"Nothing changed in <{GRAPH}>, <{ONTOLOGY}>: the previous graphs are intact" in stderr
    assert "were dropped" in stderr
    assert graph_sizes(oxigraph) == before  # the previous graphs untouched, no staging graph left


def test_direct_push_failing_midway_reports_what_was_written(run_cli, built, oxigraph, proxy_factory):
    _, out = built
    proxy = proxy_factory(fail_on=2)
    code, _, stderr = run_cli("push", "--endpoint", proxy.url + "store", "--from", str(out), "--chunk-size", "40", "-q")
    assert code == 2
    assert f"<{GRAPH}> now holds requests 1-1 of" in stderr and "(40 of" in stderr
    assert graph_sizes(oxigraph) == {GRAPH: 40}  # exactly what the message says


def test_direct_push_failing_on_the_second_graph_says_the_first_was_replaced(run_cli, built, oxigraph, proxy_factory):
    _, out = built
    data, _ = sizes(out)
    proxy = proxy_factory(fail_on=2)  # the dataset in one request, then the ontology's fails
    code, _, stderr = run_cli("push", "--endpoint", proxy.url + "store", "--from", str(out), "-q")
    assert code == 2
    assert f"<{GRAPH}> was replaced; nothing was written to <{ONTOLOGY}>; its previous content is intact" in stderr
    assert graph_sizes(oxigraph) == {GRAPH: data}


def test_staged_push_failing_at_the_move_changes_nothing(run_cli, built, oxigraph, proxy_factory):
    _, out = built
    proxy = proxy_factory(fail_update=1)
    code, _, stderr = run_cli("push", "--endpoint", proxy.url + "store", "--update-endpoint", proxy.url + "update",
                              "--from", str(out), "-q")
    assert code == 2
    assert "moving the staging graphs into place" in stderr and "the previous graphs are intact" in stderr
    assert graph_sizes(oxigraph) == {}  # both staging graphs dropped, nothing moved


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
