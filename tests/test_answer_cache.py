"""Answers kept beside the persistent query store (ldpub.answercache): a question asked again is
read back, a page at a time, and never answered differently.

Checked against an independent evaluation of the same query on the same store (the engine,
nothing kept): every named query of three projects (the repository's, python-governance,
security-advisories) gives byte-identical output in every result format, and its pages put
together are the whole answer; random SELECT queries over random data (blank nodes, languages,
datatypes, unbound cells) come back term for term. An edited record is never answered from an
old store; a deleted, damaged, truncated or hostile answer file, or a folder that cannot be
written, changes no answer and shows no traceback.
"""

from __future__ import annotations

import os
import shutil
import threading
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from _answers import CASES, EXAMPLE, ROOT
from _sampling import examples

ADVISORIES = ROOT / "examples" / "security-advisories"
PROJECTS = {"article": ROOT, "governance": EXAMPLE, "advisories": ADVISORIES}
#: every named query of each project with its defaults and other parameter values
QUERY_CASES = {name: queries for name, (_, queries) in CASES.items()}
QUERY_CASES["advisories"] = {
    "fixes": [{}, {"vulnerability": "cve-2020-19909"}],
    "reported-between": [{}, {"from": "2024-01-01", "to": "2024-12-31"}],
    "vulnerabilities": [{}, {"severity": "severity-high"}],
}
CASE_IDS = [(project, name, params) for project, queries in QUERY_CASES.items()
            for name, values in queries.items() for params in values]


def _copy_project(source: Path, target: Path) -> Path:
    shutil.copytree(source, target, ignore=shutil.ignore_patterns("dist", ".git", "__pycache__", "benchmarks", "tests",
                                                                  "src", "docs", "examples", ".venv", "*.egg-info"))
    return target


@pytest.fixture(scope="module")
def built_projects(tmp_path_factory, cli):
    """A copy of each project, built (so its query store and the named queries' answers are
    kept), in a cache folder of this module's own."""
    work = tmp_path_factory.mktemp("answer-cache")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("LDPUB_CACHE_DIR", str(work / "cache"))
        for variable in ("LDPUB_CACHE", "LDPUB_ANSWER_CACHE"):
            patch.delenv(variable, raising=False)
        patch.setenv("LDPUB_QUERY_STORE", "foreground")  # the store and its answers made before build returns
        projects = {}
        for name, source in PROJECTS.items():
            folder = _copy_project(source, work / name)
            code, _, err = cli("--project", folder, "build", "--out", work / f"{name}-out", "-q")
            assert code == 0, err
            projects[name] = folder
        yield projects


@pytest.fixture(scope="module")
def targets(built_projects):
    """Each project's query target on its persistent store (kept answers attached)."""
    from ldpub import query

    out = {name: query.connect(folder) for name, folder in built_projects.items()}
    yield out
    for target in out.values():
        target.opened.close()


def _fresh(target):
    """A target on the same store that evaluates every query (keeps and reads nothing)."""
    from ldpub.query import EmbeddedTarget

    return EmbeddedTarget(target.store, target.terms)


def _text(target, project_dir: Path, name: str, params: dict) -> str:
    from ldpub.config import load_project
    from ldpub.query import named_query, prepare

    return prepare(named_query(load_project(project_dir).queries_path, name), params, target.terms)


def _outputs(result, target) -> dict[str, str]:
    from ldpub.resultformats import formats_for

    return {fmt: result.serialize(fmt, dict(target.terms.prefixes), width=100, jsonld_context=target.jsonld_context)
            for fmt in formats_for(result.kind)}


# ------------------------------------------------------------------------------ the same answer
def test_the_store_of_a_build_holds_the_answers_of_the_named_queries_that_need_no_value(built_projects, targets):
    from ldpub.config import load_project
    from ldpub.query import scan_named_queries

    for project, folder in built_projects.items():
        target = targets[project]
        assert target.answers is not None and target.answers.folder.parent == target.opened.folder
        queries, _ = scan_named_queries(load_project(folder).queries_path)
        needing_none = [name for name, named in queries.items() if not any(p.required for p in named.params)]
        assert needing_none
        for name in needing_none:
            kept = target.answers.read(_text(target, folder, name, {}))
            assert kept is not None, f"{project} {name}: not kept by the build"


def test_keeping_the_named_queries_answers_says_which_it_kept(built_projects, targets, tmp_path):
    """What the maker reports (and the benchmark shows) is what a query then reads back."""
    from ldpub.answercache import Answers, precompute
    from ldpub.config import load_project
    from ldpub.pipeline import compile_project

    folder, target = built_projects["article"], targets["article"]
    build = compile_project(load_project(folder), validate=False)
    kept = precompute(target.store, tmp_path, build)
    assert kept and all(kept.values()), kept
    answers = Answers(tmp_path / "answers", target.options)
    for name in kept:
        assert answers.read(_text(target, folder, name, {})) is not None, name


@pytest.mark.parametrize("project, name, params", CASE_IDS,
                         ids=[f"{p}-{n}-" + ("-".join(v.values()) or "defaults") for p, n, v in CASE_IDS])
def test_a_kept_answer_is_the_fresh_answer_in_every_format_and_page(built_projects, targets, project, name, params):
    from ldpub.answercache import Answers
    from ldpub.paging import Page

    target = targets[project]
    text = _text(target, built_projects[project], name, params)
    fresh = _fresh(target).execute(text)
    answers = Answers(target.answers.folder, min_seconds=0.0)  # keep even the fastest (tiny projects)
    first = answers.answer(target.store, text)  # kept by the build, or evaluated and kept now
    kept = answers.read(text)
    assert kept is not None
    assert first.rows == kept.rows == fresh.rows and first.variables == kept.variables == fresh.variables
    assert _outputs(kept, target) == _outputs(fresh, target)
    for size in (1, 3, 100):
        pieces, offset = [], 0
        while True:
            page = answers.read(text, Page(size, offset))
            fresh_page = _fresh(target).execute(text, Page(size, offset))
            assert (page.rows, page.total, page.offset) == (fresh_page.rows, fresh_page.total, fresh_page.offset)
            assert page.page_note() == fresh_page.page_note()
            assert _outputs(page, target) == _outputs(fresh_page, target)
            pieces += page.rows
            offset += size
            if offset >= page.total:
                break
        assert pieces == fresh.rows


@pytest.mark.parametrize("args", [("--format", "csv"), ("--format", "table"), ("--format", "json"),
                                  ("--format", "md", "--limit", "2", "--offset", "1"), ("--format", "tsv", "--all")])
def test_ldpub_query_prints_the_same_from_a_kept_answer(built_projects, run_cli, monkeypatch, args):
    folder = built_projects["article"]
    for name in ("pledges", "events"):
        code, kept, kept_err = run_cli("--project", folder, "query", name, *args, "--no-pager")
        monkeypatch.setenv("LDPUB_ANSWER_CACHE", "0")
        fresh_code, fresh, fresh_err = run_cli("--project", folder, "query", name, *args, "--no-pager")
        monkeypatch.delenv("LDPUB_ANSWER_CACHE")
        assert code == fresh_code == 0, kept_err
        assert kept == fresh and kept_err == fresh_err


def test_run_pages_a_kept_answer_with_its_total(built_projects, targets):
    from ldpub import query

    target = targets["article"]
    whole = query.run("events", target=target, project=built_projects["article"])
    page = query.run("events", target=target, project=built_projects["article"], limit=4, offset=5)
    assert page.rows == whole.rows[5:9] and page.total == whole.total == len(whole.rows)
    assert page.page_note() == f"showing 6-9 of {whole.total} rows"


# ------------------------------------------------------------------------------ random queries, random data
_IRIS = [f"http://example.org/n{i}" for i in range(5)]
_PREDICATES = [f"http://example.org/p{i}" for i in range(3)]
_XSD = "http://www.w3.org/2001/XMLSchema#"
_LEXICAL = st.text(st.characters(blacklist_categories=("Cs",)), max_size=8)
_OBJECTS = st.one_of(
    st.sampled_from(_IRIS).map(lambda iri: ("iri", iri)),
    st.integers(0, 3).map(lambda n: ("blank", f"b{n}")),
    st.tuples(st.just("plain"), _LEXICAL),
    st.tuples(st.just("lang"), _LEXICAL, st.sampled_from(["en", "de-CH", "fr"])),
    st.tuples(st.just("typed"), st.sampled_from(["1", "01", "-0", "2.50", "1e3", "true", "0", "2019-05-01", "x y"]),
              st.sampled_from([_XSD + t for t in ("integer", "decimal", "double", "boolean", "date", "string")]
                              + ["http://example.org/type"])),
)
_TRIPLES = st.lists(st.tuples(st.one_of(st.sampled_from(_IRIS).map(lambda i: ("iri", i)),
                                        st.integers(0, 3).map(lambda n: ("blank", f"b{n}"))),
                              st.sampled_from(_PREDICATES), _OBJECTS), max_size=40)


def _term(spec):
    import pyoxigraph as ox

    kind = spec[0]
    if kind == "iri":
        return ox.NamedNode(spec[1])
    if kind == "blank":
        return ox.BlankNode(spec[1])
    if kind == "plain":
        return ox.Literal(spec[1])
    if kind == "lang":
        return ox.Literal(spec[1], language=spec[2])
    return ox.Literal(spec[1], datatype=ox.NamedNode(spec[2]))


@st.composite
def _selects(draw) -> str:
    """A SELECT over the random data: OPTIONAL (unbound cells), UNION, computed columns (STR,
    LANG, DATATYPE, a typed sum), VALUES with UNDEF, GROUP BY with GROUP_CONCAT, ORDER BY or not."""
    p1, p2 = (f"<{draw(st.sampled_from(_PREDICATES))}>" for _ in range(2))
    where = draw(st.sampled_from([
        f"?s {p1} ?o",
        f"?s {p1} ?o . OPTIONAL {{ ?o {p2} ?x }}",
        f"{{ ?s {p1} ?o }} UNION {{ ?s {p2} ?x }}",
        f"?s ?p ?o . VALUES ?x {{ UNDEF 1 \"v\"@en <{_IRIS[0]}> }}",
    ]))
    if draw(st.booleans()):
        return (f"SELECT ?s (COUNT(?o) AS ?n) (GROUP_CONCAT(STR(?o); separator=\"|\") AS ?all) "
                f"WHERE {{ {where} }} GROUP BY ?s" + draw(st.sampled_from(["", " ORDER BY ?s"])))
    extra = draw(st.sampled_from(["", "BIND (LANG(?o) AS ?lang)", "BIND (DATATYPE(?o) AS ?type)",
                                  "BIND (STR(?o) AS ?text)", "BIND (?o + 1 AS ?next)"]))
    variables = [v for v in ("?s", "?o", "?x", "?p", "?lang", "?type", "?text", "?next") if v in where + extra]
    order = draw(st.sampled_from(["", "ORDER BY ?o", "ORDER BY DESC(?s) ?o"]))
    distinct = draw(st.sampled_from(["", "DISTINCT "]))
    return f"SELECT {distinct}{' '.join(variables)} WHERE {{ {where} {extra} }} {order}"


@settings(max_examples=examples(300, 80), deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(triples=_TRIPLES, text=_selects(), limit=st.integers(1, 9), offset=st.integers(0, 12))
def test_random_answers_come_back_term_for_term(tmp_path_factory, triples, text, limit, offset):
    import pyoxigraph as ox

    from ldpub.answercache import Answers
    from ldpub.paging import Page
    from ldpub.query import _solutions

    store = ox.Store()
    store.extend(ox.Quad(_term(s), ox.NamedNode(p), _term(o), ox.DefaultGraph()) for s, p, o in triples)
    answers = Answers(tmp_path_factory.mktemp("answers"), min_seconds=0.0)
    fresh = _solutions(store.query(text), text)
    first = answers.answer(store, text, Page(limit, offset))  # evaluated, kept
    kept = answers.read(text)
    assert kept is not None
    assert (kept.variables, kept.rows, kept.total) == (fresh.variables, fresh.rows, fresh.total)
    assert (first.rows, first.total) == (fresh.rows[offset:offset + limit], fresh.total)
    page = answers.read(text, Page(limit, offset))
    assert (page.rows, page.total, page.offset) == (fresh.rows[offset:offset + limit], fresh.total, offset)


def test_ask_and_construct_answers_are_kept_exactly(tmp_path):
    import pyoxigraph as ox

    from ldpub.answercache import Answers
    from ldpub.paging import Page
    from ldpub.query import _solutions

    store = ox.Store()
    store.extend(ox.Quad(ox.NamedNode(_IRIS[i % 5]), ox.NamedNode(_PREDICATES[i % 3]), ox.Literal(f"v{i}", language="en"))
                 for i in range(40))
    answers = Answers(tmp_path, min_seconds=0.0)
    for text in ("ASK { ?s ?p \"v3\"@en }", "ASK { ?s ?p \"nothing\" }",
                 "CONSTRUCT { ?s <http://example.org/q> ?o } WHERE { ?s ?p ?o }"):
        fresh = _solutions(store.query(text), text)
        answers.answer(store, text)
        kept = answers.read(text)
        assert kept is not None and kept.kind == fresh.kind
        assert (kept.boolean, kept.triples, kept.total) == (fresh.boolean, fresh.triples, fresh.total)
    page = answers.read("CONSTRUCT { ?s <http://example.org/q> ?o } WHERE { ?s ?p ?o }", Page(5, 7))
    assert page.triples == fresh.triples[7:12] and page.total == 40


def test_answers_that_differ_at_each_evaluation_or_are_too_large_are_not_kept(tmp_path):
    import pyoxigraph as ox

    from ldpub.answercache import Answers

    store = ox.Store()
    store.extend(ox.Quad(ox.NamedNode(_IRIS[i % 5]), ox.NamedNode(_PREDICATES[0]), ox.Literal(str(i)))
                 for i in range(200))
    answers = Answers(tmp_path / "answers", min_seconds=0.0)
    for text in ("SELECT ?s (NOW() AS ?when) WHERE { ?s ?p ?o }", "SELECT ?s (RAND() AS ?r) WHERE { ?s ?p ?o }",
                 "SELECT ?s (STRUUID() AS ?u) WHERE { ?s ?p ?o }",
                 "CONSTRUCT { ?s <http://example.org/q> [ <http://example.org/v> ?o ] } WHERE { ?s ?p ?o }"):
        assert len(answers.answer(store, text)) == len(list(store.query(text)))
        assert answers.read(text) is None, text
    small = Answers(tmp_path / "small", min_seconds=0.0, max_bytes=1000)
    text = "SELECT ?s ?o WHERE { ?s ?p ?o }"
    result = small.answer(store, text)
    assert result.rows == [tuple(s) for s in (tuple(x[v] for v in ("s", "o")) for x in store.query(text))]
    assert small.read(text) is None


def test_concurrent_writers_leave_one_whole_answer(tmp_path):
    import pyoxigraph as ox

    from ldpub.answercache import Answers
    from ldpub.paging import Page
    from ldpub.query import _solutions

    store = ox.Store()
    store.extend(ox.Quad(ox.NamedNode(_IRIS[i % 5]), ox.NamedNode(_PREDICATES[i % 3]), ox.Literal(f"v{i}"))
                 for i in range(3000))
    text = "SELECT ?s ?p ?o WHERE { ?s ?p ?o } ORDER BY ?o"
    errors = []

    def write():
        try:
            Answers(tmp_path, min_seconds=0.0).answer(store, text, Page(0))
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    threads = [threading.Thread(target=write) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors
    assert Answers(tmp_path).read(text).rows == _solutions(store.query(text), text).rows
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".tmp")] == []


# ------------------------------------------------------------------------------ never a stale or damaged answer
@pytest.fixture
def cache(tmp_path, monkeypatch) -> Path:
    folder = tmp_path / "cache"
    monkeypatch.setenv("LDPUB_CACHE_DIR", str(folder))
    for variable in ("LDPUB_CACHE", "LDPUB_ANSWER_CACHE"):
        monkeypatch.delenv(variable, raising=False)
    monkeypatch.setenv("LDPUB_QUERY_STORE", "foreground")  # the store and its answers made before build returns
    return folder


def _kept_files(project_dir: Path) -> list[Path]:
    from ldpub.config import cache_dir, load_project
    from ldpub.querystore import store_folder

    project = load_project(project_dir)
    root = store_folder(cache_dir(project), project.data_path)
    answers = root / (root / "current").read_text(encoding="utf-8").strip() / "answers"
    return sorted(p for p in answers.iterdir() if not p.name.startswith(".")) if answers.is_dir() else []


@pytest.mark.parametrize("rebuild", [True, False], ids=["rebuilt", "not-rebuilt"])
def test_an_edited_record_is_never_answered_from_the_old_answer(project_copy, cache, run_cli, tmp_path, rebuild):
    assert run_cli("--project", project_copy, "build", "--out", tmp_path / "out", "-q")[0] == 0
    code, before, _ = run_cli("--project", project_copy, "query", "pledges", "--format", "csv")
    assert code == 0 and "Mullah Omar" in before and _kept_files(project_copy)
    path = next(p for p in sorted((project_copy / "data").rglob("*.yaml")) if "label: Mullah Omar" in p.read_text())
    path.write_text(path.read_text().replace("label: Mullah Omar", "label: Mullah Omar Edited"))
    if rebuild:
        assert run_cli("--project", project_copy, "build", "--out", tmp_path / "out", "-q")[0] == 0
    code, after, err = run_cli("--project", project_copy, "query", "pledges", "--format", "csv")
    assert code == 0, err
    assert "Mullah Omar Edited" in after and after != before
    assert after.replace("Mullah Omar Edited", "Mullah Omar") == before


def _damage(path: Path, how: str, other: Path) -> None:
    import json
    import zlib

    data = path.read_bytes()
    if how == "deleted":
        path.unlink()
    elif how == "truncated":
        path.write_bytes(data[: len(data) * 2 // 3])
    elif how == "empty":
        path.write_bytes(b"")
    elif how == "byte-flipped":
        at = len(data) - 10
        path.write_bytes(data[:at] + bytes([data[at] ^ 0x20]) + data[at + 1:])
    elif how == "header-flipped":
        path.write_bytes(data[:20] + bytes([data[20] ^ 0x01]) + data[21:])
    elif how == "junk":
        path.write_bytes(os.urandom(5000))
    elif how == "another-answer":
        path.write_bytes(other.read_bytes())
    elif how == "hostile-header":  # a header whose checksum is right but whose counts lie
        head, _, body = data.partition(b"\n")
        header = json.loads(head.split(b" ", 3)[3])
        header["rows"] += 1
        header["blocks"][-1][4] += 1
        encoded = json.dumps(header).encode()
        path.write_bytes(b"ldpub-answer 1 %08x %s\n" % (zlib.crc32(encoded), encoded) + body)
    elif how == "a-folder":
        path.unlink()
        path.mkdir()


DAMAGES = ["deleted", "truncated", "empty", "byte-flipped", "header-flipped", "junk", "another-answer",
           "hostile-header", "a-folder"]


@pytest.mark.parametrize("how", DAMAGES)
def test_a_damaged_answer_file_changes_no_answer(project_copy, cache, run_cli, tmp_path, monkeypatch, how):
    assert run_cli("--project", project_copy, "build", "--out", tmp_path / "out", "-q")[0] == 0
    asked = [("pledges", "--format", "csv"), ("events", "--format", "table", "--limit", "3", "--offset", "2"),
             ("contested", "--format", "json")]
    monkeypatch.setenv("LDPUB_ANSWER_CACHE", "0")
    expected = [run_cli("--project", project_copy, "query", *args, "--no-pager") for args in asked]
    monkeypatch.delenv("LDPUB_ANSWER_CACHE")
    files = _kept_files(project_copy)
    assert len(files) >= 3
    for number, path in enumerate(files):
        _damage(path, how, files[number - 1])
    for args, (code, out, err) in zip(asked, expected):
        assert code == 0
        assert run_cli("--project", project_copy, "query", *args, "--no-pager") == (code, out, err)


def test_a_damaged_answer_is_evaluated_again_and_kept_anew(tmp_path):
    import pyoxigraph as ox

    from ldpub.answercache import Answers, answer_key

    store = ox.Store()
    store.extend(ox.Quad(ox.NamedNode(_IRIS[i % 5]), ox.NamedNode(_PREDICATES[0]), ox.Literal(f"v{i}"))
                 for i in range(5000))
    text = "SELECT ?s ?o WHERE { ?s ?p ?o } ORDER BY ?o"
    answers = Answers(tmp_path, min_seconds=0.0)
    whole = answers.answer(store, text)
    path = tmp_path / answer_key(text)
    data = path.read_bytes()
    path.write_bytes(data[:-3000] + b"x" + data[-2999:])  # a bit of the last block changed
    assert answers.read(text) is None
    again = answers.answer(store, text)
    assert again.rows == whole.rows and answers.read(text).rows == whole.rows


@pytest.mark.parametrize("obstacle", ["a file where the folder goes", "a read-only folder"])
def test_answers_are_right_when_nothing_can_be_kept(project_copy, cache, run_cli, tmp_path, monkeypatch, obstacle):
    from ldpub import query

    assert run_cli("--project", project_copy, "build", "--out", tmp_path / "out", "-q")[0] == 0
    folder = _kept_files(project_copy)[0].parent
    monkeypatch.setenv("LDPUB_ANSWER_CACHE", "0")
    expected = query.run("timeline", {"entity": "mullah-omar"}, project=project_copy).rows
    monkeypatch.delenv("LDPUB_ANSWER_CACHE")
    shutil.rmtree(folder)
    if obstacle == "a read-only folder":
        if os.geteuid() == 0:
            pytest.skip("root writes into read-only folders")
        folder.mkdir(mode=0o555)
    else:
        folder.write_text("in the way\n")
    target = query.connect(project_copy)
    target.answers.min_seconds = 0.0  # would keep every answer, if it could
    assert query.run("timeline", {"entity": "mullah-omar"}, target=target, project=project_copy).rows == expected
    code, out, err = run_cli("--project", project_copy, "query", "pledges", "--format", "csv")
    assert code == 0 and "Traceback" not in err and out.count("\n") > 2
    if obstacle == "a read-only folder":
        assert list(folder.iterdir()) == []
    target.opened.close()


def test_a_store_made_in_memory_keeps_no_answers(project_copy, cache, monkeypatch):
    from ldpub import query

    monkeypatch.setenv("LDPUB_QUERY_STORE", "0")
    target = query.connect(project_copy)
    assert target.opened.folder is None and target.answers is None
    assert query.run("pledges", target=target, project=project_copy).total > 0


def test_a_store_made_for_one_query_keeps_only_the_answers_asked_for(project_copy, cache):
    from ldpub import query

    target = query.connect(project_copy)  # no build yet: the store is made for this query
    assert target.opened.rebuilt and target.answers is not None
    for name in ("pledges", "estimates", "contested"):
        assert target.answers.read(_text(target, project_copy, name, {})) is None
    assert query.run("pledges", target=target, project=project_copy).total > 0
    target.opened.close()


def test_answers_evaluated_with_other_options_are_other_answers(tmp_path):
    import pyoxigraph as ox

    from ldpub.answercache import Answers

    store = ox.Store()
    store.add(ox.Quad(ox.NamedNode(_IRIS[0]), ox.NamedNode(_PREDICATES[0]), ox.Literal("in a graph"),
                      ox.NamedNode("http://example.org/graph")))
    text = "SELECT ?o WHERE { ?s ?p ?o }"
    union = Answers(tmp_path, {"use_default_graph_as_union": True}, min_seconds=0.0)
    default = Answers(tmp_path, min_seconds=0.0)
    assert union.answer(store, text).rows == [(ox.Literal("in a graph"),)]
    assert default.answer(store, text).rows == []
    assert union.read(text).rows == [(ox.Literal("in a graph"),)] and default.read(text).rows == []


def test_a_rebuild_that_changes_no_triple_keeps_the_answers_and_an_edit_drops_them(project_copy, cache, run_cli, tmp_path):
    assert run_cli("--project", project_copy, "build", "--out", tmp_path / "out", "-q")[0] == 0
    kept = [p.name for p in _kept_files(project_copy)]
    path = next(p for p in sorted((project_copy / "data").rglob("*.yaml")) if "label: Mullah Omar" in p.read_text())
    path.write_text(path.read_text() + "\n")  # the file changes, its triples do not
    assert run_cli("--project", project_copy, "build", "--out", tmp_path / "out", "-q")[0] == 0
    assert [p.name for p in _kept_files(project_copy)] == kept
    path.write_text(path.read_text().replace("label: Mullah Omar", "label: Mullah Omar Edited"))
    assert run_cli("--project", project_copy, "build", "--out", tmp_path / "out", "-q")[0] == 0
    assert _kept_files(project_copy) == []  # kept again as they are asked
    code, out, _ = run_cli("--project", project_copy, "query", "pledges", "--format", "csv")
    assert code == 0 and "Mullah Omar Edited" in out
