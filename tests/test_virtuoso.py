"""Pushed to a real Virtuoso (Debian's `virtuoso-opensource`, the engine behind DBpedia), every
named query of both projects answers exactly as embedded.

The test starts `virtuoso-t` on 127.0.0.1 with a throw-away database folder and configuration
on free ports, pushes each project as the README documents (`--auth digest` to
`/sparql-graph-crud-auth`, updates to `/sparql-auth`, the user `dba` of a fresh database), then
queries `/sparql` with the pushed graphs (FROM clauses). What the comparison normalises, and why,
is in tests/_answers.py. Installed by `.ci/run` (apt-get install virtuoso-opensource); skipped
with the reason when `virtuoso-t` is missing.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import pytest

from _answers import EXAMPLE, ROOT, build, cases, compare, embedded_target, pushed_graphs
from _servers import free_port

VIRTUOSO = shutil.which("virtuoso-t")
pytestmark = pytest.mark.skipif(VIRTUOSO is None, reason="Virtuoso is not installed (Debian: apt-get install "
                                                        "virtuoso-opensource; .ci/run installs it)")
PROJECTS = {"article": ROOT, "governance": EXAMPLE}
USER, PASSWORD = "dba", "dba"  # the administrator of a fresh Virtuoso database

CONFIG = """\
[Database]
DatabaseFile = {db}/virtuoso.db
ErrorLogFile = {db}/virtuoso.log
LockFile = {db}/virtuoso.lck
TransactionFile = {db}/virtuoso.trx
xa_persistent_file = {db}/virtuoso.pxa
TempStorage = TempDatabase
[TempDatabase]
DatabaseFile = {db}/virtuoso-temp.db
TransactionFile = {db}/virtuoso-temp.trx
[Parameters]
ServerPort = 127.0.0.1:{sql_port}
DisableUnixSocket = 1
NumberOfBuffers = 10000
MaxDirtyBuffers = 6000
DirsAllowed = {db}
[HTTPServer]
ServerPort = 127.0.0.1:{http_port}
ServerRoot = {db}
ServerThreads = 4
[SPARQL]
ResultSetMaxRows = 100000
MaxQueryExecutionTime = 60
"""

#: Named queries Virtuoso cannot answer as the embedded store does, with the reason. The others
#: were rewritten into forms both answer alike (see the comments in queries/*.rq).
KNOWN_DIFFERENT: dict[tuple[str, str], str] = {
    ("article", "relations"): (
        "Virtuoso 7.2 (Debian 12) evaluates `?class rdfs:subClassOf* ag:MutualRelation` wrongly once "
        "?class comes from a relation found by ag:party (1 match instead of 8; alone the path answers "
        "right); no form tried (FILTER EXISTS, a subquery of the classes, an inverse path) avoids it"),
    ("article", "sources"): (
        "Virtuoso 7.2 (Debian 12) joins wrongly: after the UNION that finds the statements of an "
        "entity, nested OPTIONALs (status and its label, excerpt, source and its label) pair a "
        "statement with another statement's excerpts, and rows go missing; no rewrite tried (no "
        "BIND in the UNION, the UNION in a subquery, grouping by STR(?quote)) avoids it"),
}


@dataclass
class Virtuoso:
    url: str  # ends with "/"
    proc: subprocess.Popen
    folder: Path

    @property
    def sparql(self) -> str:
        return self.url + "sparql"

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.terminate()  # virtuoso-t checkpoints and exits on SIGTERM
            try:
                self.proc.wait(30)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()


def start_virtuoso(folder: Path) -> Virtuoso:
    """`virtuoso-t` in the foreground with a fresh database in ``folder``; returns once /sparql answers."""
    import httpx

    folder.mkdir(parents=True, exist_ok=True)
    http_port = free_port()
    config = folder / "virtuoso.ini"
    config.write_text(CONFIG.format(db=folder, sql_port=free_port(), http_port=http_port), encoding="utf-8")
    proc = subprocess.Popen([VIRTUOSO, "-f", "-c", str(config)], cwd=folder, stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL)
    server = Virtuoso(f"http://127.0.0.1:{http_port}/", proc, folder)
    deadline = time.monotonic() + 120
    while True:
        if proc.poll() is not None:
            log = folder / "virtuoso.log"
            raise RuntimeError(f"virtuoso-t exited: {log.read_text(errors='replace')[-2000:] if log.exists() else ''}")
        try:
            if httpx.get(server.sparql, params={"query": "ASK {}"}, timeout=2).status_code == 200:
                return server
        except httpx.TransportError:
            pass
        if time.monotonic() > deadline:
            server.stop()
            raise RuntimeError("virtuoso-t did not answer within 120 s")
        time.sleep(0.25)


def push_cli(root: Path, server: Virtuoso, out: Path) -> subprocess.CompletedProcess:
    """`ldpub push` exactly as the README shows it for Virtuoso."""
    env = dict(os.environ, LDPUB_PUSH_USER=USER, LDPUB_PUSH_PASSWORD=PASSWORD,
               PYTHONPATH=os.pathsep.join(p for p in (str(ROOT / "src"), os.environ.get("PYTHONPATH")) if p))
    return subprocess.run(
        [sys.executable, "-m", "ldpub", "--project", str(root), "push", "--auth", "digest",
         "--endpoint", server.url + "sparql-graph-crud-auth", "--update-endpoint", server.url + "sparql-auth",
         "--query-endpoint", server.sparql, "--from", str(out), "--chunk-size", "1000"],
        capture_output=True, text=True, env=env, timeout=300)


@pytest.fixture(scope="module")
def virtuoso(tmp_path_factory):
    """A real Virtuoso holding both projects, pushed by `ldpub push`."""
    server = start_virtuoso(tmp_path_factory.mktemp("virtuoso"))
    try:
        for name, root in PROJECTS.items():
            done = push_cli(root, server, build(root, tmp_path_factory.mktemp(f"dist-{name}")))
            assert done.returncode == 0, done.stderr
            assert "the server holds exactly what was sent" in done.stdout
        yield server
    finally:
        server.stop()


@pytest.fixture(scope="module")
def embedded() -> dict:
    return {name: embedded_target(root) for name, root in PROJECTS.items()}


def marked(case):
    reason = KNOWN_DIFFERENT.get((case.project, case.query))
    marks = [pytest.mark.xfail(reason=reason, strict=True)] if reason else []
    return pytest.param(case, id=case.id, marks=marks)


@pytest.mark.parametrize("case", [marked(c) for c in cases()])
def test_virtuoso_answers_every_named_query_as_embedded(virtuoso, embedded, case):
    from ldpub import query

    remote = query.connect(case.root, endpoint=virtuoso.sparql, graphs=pushed_graphs(case.root))
    compare(case, embedded[case.project], remote)


def test_the_push_put_each_file_in_its_graph(virtuoso):
    import httpx

    rows = httpx.post(virtuoso.sparql, data={"query": "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g"},
                      headers={"Accept": "application/sparql-results+json"}).json()["results"]["bindings"]
    graphs = {row["g"]["value"] for row in rows}
    assert {g for root in PROJECTS.values() for g in pushed_graphs(root)} <= graphs
    assert not any(g.startswith("urn:ldpub:push:") for g in graphs)  # no staging graph left


def test_a_record_missing_from_virtuoso_names_the_graphs(virtuoso, run_cli):
    graphs = [a for g in pushed_graphs(ROOT) for a in ("--graph", g)]
    code, _, err = run_cli("--project", str(ROOT), "query", "timeline", "entity=talibn", "--endpoint", virtuoso.sparql,
                           *graphs)
    assert code == 2
    assert f"no record 'talibn' in {virtuoso.sparql} (graphs <{pushed_graphs(ROOT)[0]}>" in err


def test_virtuoso_asks_are_read_as_booleans(virtuoso):
    """Virtuoso 7 answers ASK with a one-row table (`__ASK_RETVAL`): read as true / false."""
    from ldpub import query

    target = query.connect(ROOT, endpoint=virtuoso.sparql, graphs=pushed_graphs(ROOT))
    assert query.run("ASK { ?s ?p ?o }", target=target).boolean is True
    assert query.run("ASK { <urn:nothing> ?p ?o }", target=target).boolean is False
    assert target.knows_class_hierarchy()


def test_virtuoso_has_no_default_graph_to_push_to_and_says_so(virtuoso, tmp_path):
    """The server's own message, read out of its HTML error page, in one line."""
    out = build(ROOT, tmp_path / "dist")
    env = dict(os.environ, LDPUB_PUSH_USER=USER, LDPUB_PUSH_PASSWORD=PASSWORD,
               PYTHONPATH=os.pathsep.join(p for p in (str(ROOT / "src"), os.environ.get("PYTHONPATH")) if p))
    done = subprocess.run([sys.executable, "-m", "ldpub", "--project", str(ROOT), "push", "--auth", "digest",
                           "--endpoint", virtuoso.url + "sparql-graph-crud-auth", "--from", str(out), "--default-graph",
                           "-q"], capture_output=True, text=True, env=env, timeout=300)
    assert done.returncode == 2
    assert 'contains "default" param but the endpoint is not configured to have default graph' in done.stderr
    assert "<" not in done.stderr.split("answered 500", 1)[1]  # no HTML tags
    assert "nothing was written to the default graph" in done.stderr


def test_a_wrong_password_is_one_clear_line(virtuoso, tmp_path):
    out = build(ROOT, tmp_path / "dist")
    env = dict(os.environ, LDPUB_PUSH_USER=USER, LDPUB_PUSH_PASSWORD="not-the-password",
               PYTHONPATH=os.pathsep.join(p for p in (str(ROOT / "src"), os.environ.get("PYTHONPATH")) if p))
    done = subprocess.run([sys.executable, "-m", "ldpub", "--project", str(ROOT), "push", "--auth", "digest",
                           "--endpoint", virtuoso.url + "sparql-graph-crud-auth", "--from", str(out), "-q"],
                          capture_output=True, text=True, env=env, timeout=300)
    assert done.returncode == 2
    assert "answered 401" in done.stderr and "not-the-password" not in done.stderr
    assert len(done.stderr.strip().splitlines()) == 1
