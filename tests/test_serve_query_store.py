"""`ldpub serve` after `ldpub build` serves the build's query store as it is (issue #16).

Real servers on 127.0.0.1. The reference is the server as it was before: the same project served
with the query store off (``LDPUB_QUERY_STORE=0``: built, validated and copied into the work
folder). Every page and answer of the one is byte for byte that of the other (the port aside),
for the repository's project and for the python-governance example. A store that does not
match the records, or that ``ldpub query`` made from records nobody validated, is not served;
a build while the server runs leaves its store in place.
"""

from __future__ import annotations

import os
import shutil
import urllib.parse
from pathlib import Path

import httpx
import pytest

from _servers import SERVE_TABLE, copy_project, start_ldpub

ROOT = Path(__file__).resolve().parent.parent
NOTE_USED = "note: serving the query store of the last build"

#: SPARQL queries asked of both servers: the dataset, the ontology in the default graph and as
#: its named graph, a query naming its own dataset, an ASK, a CONSTRUCT and a DESCRIBE. Each
#: is ordered: without ORDER BY, SPARQL leaves the order open, and a LIMIT may then pick other
#: rows from a store of another layout.
QUERIES = [
    ("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }", "text/csv"),
    ("SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g ORDER BY ?g", "text/csv"),
    ("SELECT ?class (COUNT(?s) AS ?n) WHERE { ?s a ?class } GROUP BY ?class ORDER BY ?class LIMIT 90", "application/sparql-results+json"),
    ("SELECT ?c ?super WHERE { ?c <http://www.w3.org/2000/01/rdf-schema#subClassOf> ?super } ORDER BY ?c ?super LIMIT 90", "text/tab-separated-values"),
    ("SELECT ?s ?p ?o WHERE { ?s ?p ?o } ORDER BY ?s ?p ?o LIMIT 80", "application/sparql-results+xml"),
    ("SELECT (COUNT(*) AS ?n) FROM NAMED <urn:ldpub:serve:ontology-beyond-data> WHERE { GRAPH ?g { ?s ?p ?o } }", "text/csv"),
    ("ASK { ?s a <http://www.w3.org/2002/07/owl#Class> }", "application/sparql-results+json"),
    ("CONSTRUCT { ?s a ?c } WHERE { ?s a ?c } ORDER BY ?c ?s LIMIT 60", "application/n-triples"),
    ("DESCRIBE ?s WHERE { ?s a ?c } ORDER BY ?s LIMIT 2", "text/turtle"),
    ("CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o } ORDER BY DESC(?s) ?p ?o LIMIT 90", "text/turtle"),
]


def _env_copy(target: Path, example: str | None) -> Path:
    if example is None:
        return copy_project(target)
    shutil.copytree(ROOT / "examples" / example, target, dirs_exist_ok=True)
    with (target / "ldpub.toml").open("a", encoding="utf-8") as handle:
        handle.write(SERVE_TABLE)
    return target


def _serve(project: Path, log: Path, monkeypatch, *, store: bool = True, tmp: Path | None = None):
    with monkeypatch.context() as patch:
        if not store:
            patch.setenv("LDPUB_QUERY_STORE", "0")
        if tmp is not None:
            patch.setenv("TMPDIR", str(tmp))
        return start_ldpub(project, log)


def _get(server, path: str, accept: str = "text/html") -> tuple[int, str, bytes]:
    response = httpx.get(server.url.rstrip("/") + path, headers={"Accept": accept}, timeout=60)
    body = response.content.replace(server.url.rstrip("/").encode(), b"SERVER")
    return response.status_code, response.headers.get("content-type", ""), body


def _paths(server, project: Path) -> list[tuple[str, str]]:
    """What both servers are asked: pages, documents, dumps, descriptions, named query pages, SPARQL."""
    from ldpub.config import load_project
    from ldpub.iris import doc_path

    base = load_project(project).base_iri
    slugs_query = (f"SELECT DISTINCT ?s WHERE {{ ?s a ?c FILTER(STRSTARTS(STR(?s), \"{base}\") && !CONTAINS(STR(?s), \"#\")) }} "
                   "ORDER BY ?s LIMIT 90")  # the test servers' max_results is 100
    answer = httpx.get(server.url + "sparql", params={"query": slugs_query}, headers={"Accept": "text/csv"}, timeout=60)
    slugs = [line[len(base):] for line in answer.text.splitlines()[1:]]
    assert len(slugs) > 5
    docs = doc_path(base)
    paths = [("/", "text/html"), ("/query", "text/html"), ("/void", "text/turtle"), ("/sparql", "text/turtle"),
             ("/data/dataset.nt", "*/*"), ("/data/dataset.ttl", "*/*"), ("/context.jsonld", "*/*")]
    for slug in slugs[:: max(1, len(slugs) // 6)]:
        paths += [(f"{docs}{slug}.html", "text/html"), (f"{docs}{slug}.ttl", "*/*"), (f"{docs}{slug}.jsonld", "*/*")]
    for named in sorted((project / "queries").glob("*.rq")):
        paths.append((f"/query?name={named.stem}", "text/html"))
    for text, accept in QUERIES:
        paths.append(("/sparql?" + urllib.parse.urlencode({"query": text}), accept))
    return paths


@pytest.mark.parametrize("example", [None, "python-governance"])
def test_serving_the_built_store_answers_as_serving_without_it(example, tmp_path, run_cli, monkeypatch):
    project = _env_copy(tmp_path / "project", example)
    assert run_cli("--project", project, "build", "-q")[0] == 0
    work = tmp_path / "tmp"
    work.mkdir()
    used = _serve(project, tmp_path / "store.log", monkeypatch, tmp=work)
    try:
        reference = _serve(project, tmp_path / "reference.log", monkeypatch, store=False)
        try:
            assert NOTE_USED in used.log.read_text()
            assert NOTE_USED not in reference.log.read_text()
            # the server's work folder holds no copy of the data
            (folder,) = work.glob("ldpub-serve-*")
            assert sorted(p.name for p in folder.iterdir()) == [".lock", "worker.json"]
            paths = _paths(used, project)
            for path, accept in paths:
                got, expected = _get(used, path, accept), _get(reference, path, accept)
                # a named query that needs a parameter is a 400 page (on both)
                assert got[0] == 200 or path.startswith("/query?name="), (path, got[2][:300])
                if path == "/sparql":  # the service description: its blank nodes' labels may differ
                    assert got[:2] == expected[:2] and _isomorphic(got[2], expected[2])
                else:
                    assert got == expected, path
        finally:
            reference.stop()
    finally:
        used.stop()


def _isomorphic(one: bytes, other: bytes) -> bool:
    import rdflib
    from rdflib.compare import isomorphic

    return isomorphic(rdflib.Graph().parse(data=one, format="turtle"), rdflib.Graph().parse(data=other, format="turtle"))


OMAR = "SELECT DISTINCT ?l WHERE { ?s ?p ?l FILTER(isLiteral(?l) && STRSTARTS(STR(?l), 'Mullah Omar')) } ORDER BY ?l"


def _label_file(project: Path) -> Path:
    return next(p for p in sorted((project / "data").rglob("*.yaml")) if "label: Mullah Omar" in p.read_text())


def _omar_labels(server) -> str:
    query = OMAR
    return httpx.get(server.url + "sparql", params={"query": query}, headers={"Accept": "text/csv"}, timeout=60).text


def test_a_store_of_older_records_is_not_served(tmp_path, run_cli, monkeypatch):
    project = copy_project(tmp_path / "project")
    assert run_cli("--project", project, "build", "-q")[0] == 0
    path = _label_file(project)
    path.write_text(path.read_text().replace("label: Mullah Omar", "label: Mullah Omar (edited)"))
    server = _serve(project, tmp_path / "serve.log", monkeypatch)
    try:
        log = server.log.read_text()
        assert "not that of the current records" in log and "building and validating the project" in log
        assert NOTE_USED not in log
        assert "Mullah Omar (edited)" in _omar_labels(server)
    finally:
        server.stop()


def test_a_store_made_by_ldpub_query_is_not_served(tmp_path, run_cli, monkeypatch):
    project = copy_project(tmp_path / "project")
    code, out, _ = run_cli("--project", project, "query", "--sparql", "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }", "--format", "csv")
    assert code == 0 and out.strip() != ""
    server = _serve(project, tmp_path / "serve.log", monkeypatch)
    try:
        log = server.log.read_text()
        assert "made by ldpub query from records that were not validated" in log
        assert NOTE_USED not in log
    finally:
        server.stop()


def test_records_that_do_not_conform_are_not_served_from_a_query_store(tmp_path, run_cli):
    project = copy_project(tmp_path / "project")
    path = project / "data" / "pledges.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("confidence: 0.9", "confidence: 1.5", 1), encoding="utf-8")
    assert run_cli("--project", project, "query", "--sparql", "SELECT * WHERE { ?s ?p ?o } LIMIT 1", "--format", "csv")[0] == 0
    code, _, stderr = run_cli("--project", project, "serve", "--port", "0")
    assert code == 1 and "not serving" in stderr and "made by ldpub query" in stderr


def test_a_store_validated_against_other_shapes_is_not_served(tmp_path, run_cli, monkeypatch):
    project = copy_project(tmp_path / "project")
    assert run_cli("--project", project, "build", "-q")[0] == 0
    shapes = sorted((project / "shapes").glob("*.ttl"))[0]
    shapes.write_text(shapes.read_text(encoding="utf-8") + "\n# a constraint may have changed here\n", encoding="utf-8")
    server = _serve(project, tmp_path / "serve.log", monkeypatch)
    try:
        log = server.log.read_text()
        assert "the shapes changed since the query store's data was validated" in log
        assert NOTE_USED not in log
        assert "Mullah Omar" in _omar_labels(server)
    finally:
        server.stop()


def test_a_build_while_serving_leaves_the_served_store_in_place(tmp_path, run_cli, monkeypatch):
    project = copy_project(tmp_path / "project")
    assert run_cli("--project", project, "build", "-q")[0] == 0
    server = _serve(project, tmp_path / "serve.log", monkeypatch)
    try:
        assert NOTE_USED in server.log.read_text()
        served = _served_store(server)
        before = _omar_labels(server)
        assert "Mullah Omar" in before and "(edited)" not in before
        path = _label_file(project)
        path.write_text(path.read_text().replace("label: Mullah Omar", "label: Mullah Omar (edited)"))
        assert run_cli("--project", project, "build", "-q")[0] == 0
        code, out, _ = run_cli("--project", project, "query", "--sparql", OMAR, "--format", "csv")
        assert code == 0 and "Mullah Omar (edited)" in out  # the new store is current
        assert served.is_dir() and (served / "meta.json").is_file()  # the served one is still there
        assert _omar_labels(server) == before  # and still answers, with the records it was made from
        status, _, page = _get(server, "/")
        assert status == 200 and b"Mullah Omar" in page
    finally:
        server.stop()


def _served_store(server) -> Path:
    """The query store folder the server's workers opened (from its worker config)."""
    import json

    pid = server.proc.pid
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            cmdline = (entry / "cmdline").read_bytes().split(b"\0")
            ppid = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
        except OSError:
            continue
        if ppid == pid and b"ldpub.serve.worker" in cmdline:
            config = json.loads(Path(os.fsdecode(cmdline[-2] if cmdline[-1] == b"" else cmdline[-1])).read_text())
            return Path(config["store"]).parent
    raise AssertionError("no query worker found")


def _graphs(store) -> dict[str, list[str]]:
    """Every graph of a pyoxigraph store as sorted N-Triples (blank nodes as ``_:b``)."""
    import re

    found: dict[str, list[str]] = {}
    for quad in store.quads_for_pattern(None, None, None, None):
        line = re.sub(r"_:\S+", "_:b", str(quad.triple))
        found.setdefault(str(quad.graph_name), []).append(line)
    return {graph: sorted(lines) for graph, lines in found.items()}


def test_an_incremental_build_leaves_the_graphs_a_clean_one_does(tmp_path, run_cli, monkeypatch):
    """The layout ``ldpub serve`` reads (the ontology's named graph, its triples beyond the data)
    is kept by an incremental build's change of the store as a clean build makes it."""
    import pyoxigraph as ox

    from ldpub import querystore
    from ldpub.config import load_project
    from ldpub.pipeline import compile_project

    project = copy_project(tmp_path / "project")
    assert run_cli("--project", project, "build", "-q")[0] == 0
    path = _label_file(project)
    path.write_text(path.read_text().replace("label: Mullah Omar", "label: Mullah Omar (edited)")
                    + "\n- id: added-by-the-test\n  type: Person\n  label: Added by the test\n")
    code, _, err = run_cli("--project", project, "build")
    assert code == 0, err
    loaded = load_project(project)
    opened, why = querystore.open_validated(loaded, loaded.data_path, _cache(loaded))
    assert opened is not None, why
    clean = querystore.in_memory(compile_project(loaded, validate=False))
    incremental, reference = _graphs(opened.store), _graphs(clean.store)
    assert incremental == reference
    assert sorted(reference) == sorted([str(ox.DefaultGraph()), "<https://w3id.org/ldpub/ontology/armed-groups>",
                                        f"<{querystore.ONTOLOGY_BEYOND_DATA}>"])
    assert "added-by-the-test" in "".join(incremental[str(ox.DefaultGraph())])
    opened.close()


def _cache(project):
    from ldpub.config import cache_dir

    return cache_dir(project)
