"""The persistent query store (ldpub.querystore): ``ldpub build`` leaves it, queries open it while it
matches the records, ontology and settings, and make it again (saying so) when it does not.

It is a cache: every named query of both projects answers from it exactly as from a store built
in memory from the records; deleting or damaging it changes no answer; a failed build leaves the
previous one as it was; a reader keeps its store while a build replaces it.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from _answers import EXAMPLE, ROOT, cases, compare
from _peak import PEAK_SCRIPT

ARTICLE_CLASS = "https://w3id.org/ldpub/ontology/armed-groups#Pledge"
LABEL = '"pledge of allegiance"@en'


@pytest.fixture
def cache(tmp_path, monkeypatch) -> Path:
    """A cache folder of this test's own (the query store lives in the user's cache)."""
    folder = tmp_path / "cache"
    monkeypatch.setenv("LDPUB_CACHE_DIR", str(folder))
    monkeypatch.delenv("LDPUB_CACHE", raising=False)
    monkeypatch.delenv("LDPUB_QUERY_STORE", raising=False)
    return folder


def _current(project_dir: Path) -> Path | None:
    """The folder of the current query store of a project's data folder (None: there is none)."""
    from ldpub.config import cache_dir, load_project
    from ldpub.querystore import store_folder

    project = load_project(project_dir)
    root = store_folder(cache_dir(project), project.data_path)
    try:
        return root / (root / "current").read_text(encoding="utf-8").strip()
    except OSError:
        return None


def _build(run_cli, project_dir: Path, out: Path, *args) -> tuple[str, str]:
    """``ldpub build`` (its query store made by a detached process), then wait until that store is made."""
    from ldpub.config import cache_dir, load_project
    from ldpub.querystore import wait_for_makers

    code, stdout, err = run_cli("--project", project_dir, "build", "--out", out, *args)
    assert code == 0, err
    project = load_project(project_dir)
    assert wait_for_makers(cache_dir(project), project.data_path, timeout=120)
    return stdout, err


def _query(run_cli, project_dir: Path, *args) -> tuple[str, str]:
    code, out, err = run_cli("--project", project_dir, "query", *args, "--format", "csv")
    assert code == 0, err
    return out, err


def _label_query() -> str:
    return "SELECT ?label WHERE { ?s skos:prefLabel ?label } ORDER BY ?label"


# ------------------------------------------------------------------------------ staleness
def test_build_leaves_a_store_that_query_opens_without_making_it_again(project_copy, cache, run_cli, tmp_path):
    code, _, err = run_cli("--project", project_copy, "build", "--out", tmp_path / "out", "-q")
    assert code == 0, err
    out, err = _query(run_cli, project_copy, "leaders")  # right away: waits for the store the build's maker makes
    assert "making it" not in err  # opened, not made again
    assert "Mullah Omar" in out
    left = _current(project_copy)
    assert left is not None and (left / "db").is_dir()
    again, err = _query(run_cli, project_copy, "leaders")
    assert (again, err) == (out, "") and _current(project_copy) == left


@pytest.mark.parametrize("edit", ["record", "ontology", "settings"])
def test_an_edit_makes_the_store_again_and_changes_the_answer(project_copy, cache, run_cli, tmp_path, edit):
    _build(run_cli, project_copy, tmp_path / "out", "-q")
    left = _current(project_copy)
    if edit == "record":
        path = next(p for p in sorted((project_copy / "data").rglob("*.yaml")) if "label: Mullah Omar" in p.read_text())
        path.write_text(path.read_text().replace("label: Mullah Omar", "label: Mullah Omar (edited)"))
        args = ("--sparql", 'SELECT ?label WHERE { ?s skos:prefLabel ?label FILTER (STRSTARTS(?label, "Mullah Omar")) }')
        before, after = "Mullah Omar", "Mullah Omar (edited)"
    elif edit == "ontology":
        path = next(p for p in sorted((project_copy / "ontology").glob("*.ttl")) if LABEL in p.read_text())
        path.write_text(path.read_text().replace(LABEL, '"oath of allegiance"@en', 1))
        args = ("--sparql", f"SELECT ?label WHERE {{ <{ARTICLE_CLASS}> rdfs:label ?label }}")
        before, after = "pledge of allegiance", "oath of allegiance"
    else:
        toml = project_copy / "ldpub.toml"
        text = toml.read_text()
        old_base = next(line.split('"')[1] for line in text.splitlines() if line.startswith("base_iri"))
        toml.write_text(text.replace(old_base, "https://example.org/edited/id/"))
        args = ("--sparql", 'SELECT ?s WHERE { ?s skos:prefLabel "Mullah Omar"@en }')
        before, after = old_base + "mullah-omar", "https://example.org/edited/id/mullah-omar"
    out, err = _query(run_cli, project_copy, *args)
    assert "making it again" in err
    assert after in out.splitlines() and before not in out.splitlines()
    assert _current(project_copy) != left
    # and the next query opens the store it made
    again, err = _query(run_cli, project_copy, *args)
    assert again == out and "query store" not in err


def test_a_file_touched_but_unchanged_keeps_the_store(project_copy, cache, run_cli, tmp_path):
    _build(run_cli, project_copy, tmp_path / "out", "-q")
    left = _current(project_copy)
    path = sorted((project_copy / "data").rglob("*.yaml"))[0]
    path.write_bytes(path.read_bytes())  # a new modification time, the same content
    _, err = _query(run_cli, project_copy, "leaders")
    assert "query store" not in err and _current(project_copy) == left


def test_an_edit_that_keeps_size_and_modification_time_is_still_seen(project_copy, cache, run_cli, tmp_path):
    """An edit in place that keeps the file's size and sets its modification time back is
    seen: its change time (which cannot be set back) differs, so it is digested again."""
    _build(run_cli, project_copy, tmp_path / "out", "-q")
    path = next(p for p in sorted((project_copy / "data").rglob("*.yaml")) if "label: Mullah Omar" in p.read_text())
    stat = path.stat()
    path.write_text(path.read_text().replace("label: Mullah Omar", "label: Mullah Omaz"))
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns))
    out, err = _query(run_cli, project_copy, "leaders")
    assert "Mullah Omaz" in out and "making it again" in err


def test_first_query_without_a_build_makes_the_store_and_says_so(project_copy, cache, run_cli):
    out, err = _query(run_cli, project_copy, "leaders")
    assert "no query store" in err and "Mullah Omar" in out
    assert _current(project_copy) is not None
    assert _query(run_cli, project_copy, "leaders") == (out, "")


def test_python_api_opens_the_store_and_hears_when_it_is_made(project_copy, cache):
    from ldpub import query

    heard: list[str] = []
    first = query.connect(project_copy, notify=heard.append)
    assert len(heard) == 1 and first.opened.rebuilt
    second = query.connect(project_copy, notify=heard.append)
    assert len(heard) == 1 and not second.opened.rebuilt
    assert query.run("leaders", project=project_copy, target=second).to_dicts() == \
        query.run("leaders", project=project_copy, target=first).to_dicts()


# ------------------------------------------------------------------------------ a cache, never trusted
def _all_answers(project_dir: Path, run_cli) -> dict[str, str]:
    return {name: _query(run_cli, project_dir, name, *params)[0]
            for name, params in (("leaders", ()), ("pledges", ()), ("timeline", ("entity=mullah-omar",)),
                                 ("--sparql", (_label_query(),)))}


def test_deleting_the_store_changes_no_answer(project_copy, cache, run_cli, tmp_path):
    _build(run_cli, project_copy, tmp_path / "out", "-q")
    expected = _all_answers(project_copy, run_cli)
    shutil.rmtree(cache)
    assert _all_answers(project_copy, run_cli) == expected


@pytest.mark.parametrize("damage", ["truncated table", "rewritten table", "meta", "pointer", "missing file"])
def test_a_damaged_store_is_made_again_not_trusted(project_copy, cache, run_cli, tmp_path, damage):
    _build(run_cli, project_copy, tmp_path / "out", "-q")
    expected = _all_answers(project_copy, run_cli)
    folder = _current(project_copy)
    tables = sorted((folder / "db").glob("*.sst"), key=lambda p: p.stat().st_size)
    if damage == "truncated table":
        with open(tables[-1], "r+b") as handle:
            handle.truncate(tables[-1].stat().st_size // 2)
    elif damage == "rewritten table":
        data = bytearray(tables[-1].read_bytes())
        data[len(data) // 2: len(data) // 2 + 64] = b"\x00" * 64
        tables[-1].write_bytes(bytes(data))  # the same size
    elif damage == "meta":
        (folder / "meta.json").write_text("{not json")
    elif damage == "pointer":
        (folder.parent / "current").write_text("store-nothing-here\n")
    else:
        next(iter((folder / "db").glob("MANIFEST-*"))).unlink()
    out, err = _query(run_cli, project_copy, "leaders")
    assert "query store" in err
    assert _all_answers(project_copy, run_cli) == expected


def test_a_failed_build_leaves_the_previous_store_as_it_was(project_copy, cache, run_cli, tmp_path):
    _build(run_cli, project_copy, tmp_path / "out", "-q")
    left = _current(project_copy)
    files = {p.name: p.read_bytes() for p in (left / "db").iterdir() if not p.name.startswith("LOG")}
    path = sorted((project_copy / "data").rglob("*.yaml"))[0]
    path.write_text(path.read_text() + "\n- id: [not, a, slug]\n")
    code, _, err = run_cli("--project", project_copy, "build", "--out", tmp_path / "out", "-q")
    assert code != 0
    assert _current(project_copy) == left
    assert {p.name: p.read_bytes() for p in (left / "db").iterdir() if not p.name.startswith("LOG")} == files
    assert not [p for p in left.parent.iterdir() if p.name.startswith(".tmp-")]


def test_a_store_that_cannot_be_written_leaves_the_previous_one(project_copy, cache, tmp_path, monkeypatch):
    from ldpub import querystore
    from ldpub.config import load_project
    from ldpub.pipeline import build_project

    monkeypatch.setenv("LDPUB_QUERY_STORE", "foreground")  # in this process, where the failure is planted
    project = load_project(project_copy)
    build_project(project, out_dir=tmp_path / "out")
    left = _current(project_copy)

    def fail(self, *args):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(querystore.StoreWriter, "add_ontology", fail)  # a clean build
    monkeypatch.setattr(querystore.StoreWriter, "apply", fail)  # an incremental one
    path = next(p for p in sorted((project_copy / "data").rglob("*.yaml")) if "label: Mullah Omar" in p.read_text())
    path.write_text(path.read_text().replace("label: Mullah Omar", "label: Mullah Omar (edited)"))
    build, written = build_project(project, out_dir=tmp_path / "out")
    assert written  # the build itself succeeded: the store is only a cache
    assert _current(project_copy) == left
    assert not [p for p in left.parent.iterdir() if p.name.startswith(".tmp-")]


def test_a_reader_keeps_its_store_while_a_build_replaces_it(project_copy, cache, run_cli, tmp_path):
    from ldpub import query

    _build(run_cli, project_copy, tmp_path / "out", "-q")
    reader = query.connect(project_copy)
    old = _current(project_copy)
    before = query.run("leaders", project=project_copy, target=reader).to_dicts()
    path = next(p for p in sorted((project_copy / "data").rglob("*.yaml")) if "label: Mullah Omar" in p.read_text())
    path.write_text(path.read_text().replace("label: Mullah Omar", "label: Mullah Omar (edited)"))
    _build(run_cli, project_copy, tmp_path / "out", "-q")
    assert _current(project_copy) != old and old.is_dir()  # still read: not removed
    assert query.run("leaders", project=project_copy, target=reader).to_dicts() == before
    reader.opened.close()
    path.write_text(path.read_text().replace("(edited)", "(edited twice)"))
    _build(run_cli, project_copy, tmp_path / "out", "-q")
    assert not old.exists()  # no reader any more: the next build removed it


def test_no_store_is_kept_when_the_cache_is_off(project_copy, cache, run_cli, monkeypatch, tmp_path):
    monkeypatch.setenv("LDPUB_QUERY_STORE", "0")
    _build(run_cli, project_copy, tmp_path / "out", "-q")
    out, err = _query(run_cli, project_copy, "leaders")
    assert "Mullah Omar" in out and "query store" not in err
    assert not cache.exists() or not list(cache.rglob("query-store"))


# ------------------------------------------------------------------------------ differential
@pytest.fixture(scope="module")
def stores(tmp_path_factory):
    """Each project built with `ldpub build` (which leaves its query store), and the store
    opened by connect(), next to the project built in memory from its records."""
    from ldpub import querystore
    from ldpub.config import load_project
    from ldpub.pipeline import build_project, compile_project
    from ldpub.query import EmbeddedTarget, Terms

    cache = tmp_path_factory.mktemp("store-cache")
    old = os.environ.get("LDPUB_CACHE_DIR")
    os.environ["LDPUB_CACHE_DIR"] = str(cache)
    try:
        out = {}
        for name, root in (("article", ROOT), ("governance", EXAMPLE)):
            project = load_project(root)
            build_project(project, out_dir=tmp_path_factory.mktemp(f"dist-{name}"))
            persistent = EmbeddedTarget.from_project(project, notify=pytest.fail)  # opened, never made again
            assert persistent.opened.folder is not None and not persistent.opened.rebuilt
            fresh = querystore.in_memory(compile_project(project, validate=False))
            memory = EmbeddedTarget(fresh.store, Terms(project.base_iri, fresh.prefixes, fresh.slugs))
            out[name] = (persistent, memory)
        yield out
    finally:
        if old is None:
            del os.environ["LDPUB_CACHE_DIR"]
        else:
            os.environ["LDPUB_CACHE_DIR"] = old


@pytest.mark.parametrize("case", cases(), ids=[c.id for c in cases()])
def test_every_named_query_answers_from_the_store_as_from_memory(stores, case):
    persistent, memory = stores[case.project]
    compare(case, memory, persistent)


def test_the_store_holds_exactly_the_data_and_ontology(stores):
    for persistent, memory in stores.values():
        every = "SELECT ?s ?p ?o WHERE { ?s ?p ?o }"
        assert sorted(map(str, persistent.execute(every).rows)) == sorted(map(str, memory.execute(every).rows))
        assert persistent.terms.prefixes == memory.terms.prefixes
        assert dict(persistent.terms.slugs) == dict(memory.terms.slugs)


# ------------------------------------------------------------------------------ incremental builds
def _every_triple(target) -> list[str]:
    return sorted(map(str, target.execute("SELECT ?s ?p ?o WHERE { ?s ?p ?o }").rows))


def test_an_incremental_build_changes_a_copy_of_the_store_to_what_a_clean_one_holds(project_copy, cache, run_cli,
                                                                                     tmp_path, monkeypatch):
    from ldpub import query, querystore
    from ldpub.config import load_project
    from ldpub.pipeline import compile_project
    from ldpub.query import EmbeddedTarget, Terms

    _build(run_cli, project_copy, tmp_path / "out", "-q")
    old = _current(project_copy)
    tables = {p.stat().st_ino for p in (old / "db").glob("*.sst")}
    path = next(p for p in sorted((project_copy / "data").rglob("*.yaml")) if "label: Mullah Omar" in p.read_text())
    path.write_text(path.read_text().replace("label: Mullah Omar", "label: Mullah Omar (edited)")
                    + "\n- id: added-by-the-test\n  type: Person\n  label: Added by the test\n")
    _build(run_cli, project_copy, tmp_path / "out")
    new = _current(project_copy)
    assert new != old
    assert tables & {p.stat().st_ino for p in (new / "db").glob("*.sst")}, "the old tables are shared, not loaded again"
    persistent = query.connect(project_copy, notify=pytest.fail)
    fresh = querystore.in_memory(compile_project(load_project(project_copy), validate=False))
    memory = EmbeddedTarget(fresh.store, Terms())
    assert _every_triple(persistent) == _every_triple(memory)
    assert "added-by-the-test" in dict(persistent.terms.slugs)


# ------------------------------------------------------------------------------ under a memory limit


def test_under_a_memory_limit_too_small_for_a_store_build_and_query_answer_without_one(project_copy, cache, tmp_path):
    """pyoxigraph's on-disk store takes ~0.5 GB of address space to make (its bulk loader aborts
    the process when an allocation is refused): under a ``ulimit -v`` that leaves less, no store
    is made or opened, and the build and the query work as without one."""
    import resource
    import subprocess
    import sys

    if not Path("/proc/self/status").exists():
        pytest.skip("needs /proc to measure the address space")
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
    base = subprocess.run([sys.executable, "-c", PEAK_SCRIPT, "--project", str(project_copy), "build", "--out",
                           str(tmp_path / "base"), "-q"], capture_output=True, text=True,
                          env={**env, "LDPUB_QUERY_STORE": "0"})
    assert base.returncode == 0, base.stderr
    cap = (int(base.stdout.split()[-1]) + 300 * 1024) * 1024

    def capped(*args):
        return subprocess.run([sys.executable, "-m", "ldpub", "--project", str(project_copy), *args],
                              capture_output=True, text=True, env=env, timeout=300,
                              preexec_fn=lambda: resource.setrlimit(resource.RLIMIT_AS, (cap, cap)))

    built = capped("build", "--out", str(tmp_path / "out"), "-q")
    assert built.returncode == 0, built.stderr
    assert built.stderr == ""
    assert _current(project_copy) is None
    asked = capped("query", "leaders", "--format", "csv")
    assert asked.returncode == 0, asked.stderr
    assert "Mullah Omar" in asked.stdout and asked.stderr == ""


@pytest.mark.parametrize("part_bytes", [4096, 50_000])
def test_a_store_loaded_in_parts_holds_what_one_load_holds(project_copy, cache, tmp_path, monkeypatch, part_bytes):
    """The bulk loader is given the N-Triples a part at a time (its memory grows with a part):
    the store holds the same triples as the data loaded at once."""
    from ldpub import query, querystore
    from ldpub.config import load_project
    from ldpub.pipeline import build_project, compile_project
    from ldpub.query import EmbeddedTarget, Terms

    monkeypatch.setattr(querystore, "CHUNK_BYTES", part_bytes)
    monkeypatch.setenv("LDPUB_QUERY_STORE", "foreground")  # in this process, in parts of part_bytes
    project = load_project(project_copy)
    build_project(project, out_dir=tmp_path / "out")
    persistent = query.connect(project_copy, notify=pytest.fail)
    fresh = querystore.in_memory(compile_project(project, validate=False))
    assert _every_triple(persistent) == _every_triple(EmbeddedTarget(fresh.store, Terms()))
    shutil.rmtree(cache)  # made again at query time, from the lines in parts
    again = query.connect(project_copy)
    assert again.opened.rebuilt and _every_triple(again) == _every_triple(persistent)


def test_the_store_is_changed_after_a_clean_build_elsewhere_too(project_copy, cache, run_cli, tmp_path, monkeypatch):
    """What tells the store holds the data the incremental build starts from is the records
    files' digests, not which build wrote it: a clean build into another folder in between
    (which leaves a store of the same data) does not make the next edit load everything."""
    _build(run_cli, project_copy, tmp_path / "out", "-q")
    monkeypatch.setenv("LDPUB_INCREMENTAL", "0")
    _build(run_cli, project_copy, tmp_path / "elsewhere", "-q")
    monkeypatch.delenv("LDPUB_INCREMENTAL")
    tables = {p.stat().st_ino for p in (_current(project_copy) / "db").glob("*.sst")}
    path = next(p for p in sorted((project_copy / "data").rglob("*.yaml")) if "label: Mullah Omar" in p.read_text())
    path.write_text(path.read_text().replace("label: Mullah Omar", "label: Mullah Omar (edited)"))
    _build(run_cli, project_copy, tmp_path / "out", "-q")
    assert tables & {p.stat().st_ino for p in (_current(project_copy) / "db").glob("*.sst")}
    out, err = _query(run_cli, project_copy, "--sparql", 'SELECT ?l WHERE { ?s skos:prefLabel ?l FILTER (STRSTARTS(?l, "Mullah")) }')
    assert "Mullah Omar (edited)" in out and "query store" not in err


GRAPHS = "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g ORDER BY ?g"


def test_graph_queries_see_the_ontology_graph_and_not_the_servers_bookkeeping(project_copy, cache, run_cli, tmp_path,
                                                                                monkeypatch):
    """The store's layout is shared with ``ldpub serve``, whose graph of the ontology's triples
    beyond the data is no graph of the project's: ``GRAPH ?g`` finds the ontology's graph alone,
    from the store as from the records built in memory."""
    from ldpub.querystore import ONTOLOGY_BEYOND_DATA

    _build(run_cli, project_copy, tmp_path / "out", "-q")
    on_disk, err = _query(run_cli, project_copy, "--sparql", GRAPHS)
    assert err == ""
    monkeypatch.setenv("LDPUB_QUERY_STORE", "0")
    in_memory, _ = _query(run_cli, project_copy, "--sparql", GRAPHS)
    assert on_disk == in_memory
    rows = on_disk.splitlines()[1:]
    assert len(rows) == 1 and ONTOLOGY_BEYOND_DATA not in on_disk
    assert rows[0].split(",")[0] == "https://w3id.org/ldpub/ontology/armed-groups"
