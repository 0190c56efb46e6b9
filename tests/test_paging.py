"""Paged answers, as datasette shows them, and a pager for the terminal, as git uses one.

Display formats (table, md, the web pages) show the first page and say how many rows there are
in all; exports (csv, tsv, json, CONSTRUCT output) give every row unless a page is asked for.
Pages are cut from the query's own order, so the pages put together are the whole answer: a
property checked on random data and random queries. The pager is checked on a pseudo-terminal.
"""

from __future__ import annotations

import csv
import functools
import html
import io
import os
import shutil
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from querytools import ROOT

EXAMPLE = ROOT / "examples" / "python-governance"


@functools.lru_cache(maxsize=None)
def events() -> int:
    """How many rows the repository's ``events`` query answers (more than 20)."""
    from ldpub import query

    total = query.run("events", project=ROOT).total
    assert total > 20
    return total


def _csv_rows(text: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(text)))


# ------------------------------------------------------------------------------ Python API
def test_run_returns_the_page_and_the_total_in_the_answers_order():
    from ldpub import query

    whole = query.run("events", project=ROOT)
    page = query.run("events", project=ROOT, limit=5, offset=10)
    assert whole.complete and whole.total == len(whole.rows) > 15
    assert page.rows == whole.rows[10:15]
    assert page.total == whole.total and page.offset == 10 and not page.complete
    assert page.page_note() == f"showing 11-15 of {whole.total} rows"
    assert not page.empty


def test_a_page_past_the_end_is_empty_but_still_counts_the_answer():
    from ldpub import query

    page = query.run("events", project=ROOT, limit=10, offset=10_000)
    assert page.rows == [] and page.total > 0 and not page.empty
    assert page.page_note().startswith("no rows from 10,001 on")


def test_limit_zero_gives_only_the_total():
    from ldpub import query

    page = query.run("pledges", project=ROOT, limit=0)
    assert page.rows == [] and page.total == len(query.run("pledges", project=ROOT).rows)


@pytest.mark.parametrize("limit, offset, wrong", [(-1, 0, "limit=-1"), (5, -3, "offset=-3"), ("10", 0, "limit='10'")])
def test_a_bad_page_is_a_query_error_naming_it(limit, offset, wrong):
    from ldpub import query
    from ldpub.errors import QueryError

    with pytest.raises(QueryError) as caught:
        query.run("events", project=ROOT, limit=limit, offset=offset)
    assert wrong in str(caught.value) and "whole number" in str(caught.value)


def test_a_construct_answer_is_paged_by_triples():
    from ldpub import query

    text = "CONSTRUCT WHERE { ?s a ?class }"
    whole = query.run(text, project=ROOT)
    page = query.run(text, project=ROOT, limit=7, offset=3)
    assert page.kind == "graph" and page.triples == whole.triples[3:10] and page.total == len(whole.triples)
    assert page.page_note() == f"showing 4-10 of {len(whole.triples)} triples"


# ------------------------------------------------------------------------------ pages put together = the answer
_IRIS = [f"http://example.org/n{i}" for i in range(6)]
_PREDICATES = [f"http://example.org/p{i}" for i in range(3)]


def _term(draw_value):
    import pyoxigraph as ox

    kind, value = draw_value
    if kind == "iri":
        return ox.NamedNode(_IRIS[value % len(_IRIS)])
    if kind == "int":
        return ox.Literal(str(value), datatype=ox.NamedNode("http://www.w3.org/2001/XMLSchema#integer"))
    return ox.Literal(f"text {value % 7}", language="en" if value % 2 else None)


_VALUES = st.tuples(st.sampled_from(["iri", "int", "str"]), st.integers(-5, 40))
_TRIPLES = st.lists(st.tuples(st.integers(0, 5), st.integers(0, 2), _VALUES), min_size=0, max_size=60)


@st.composite
def _queries(draw) -> str:
    """A SELECT or CONSTRUCT over the random data: joins, OPTIONAL, DISTINCT, GROUP BY, ORDER BY
    on any variable (or none: store order), and sometimes its own LIMIT/OFFSET."""
    p1, p2 = (f"<{_PREDICATES[draw(st.integers(0, 2))]}>" for _ in range(2))
    where = draw(st.sampled_from([
        f"?s {p1} ?o",
        f"?s {p1} ?o . OPTIONAL {{ ?o {p2} ?x }}",
        f"?s {p1} ?o . ?s {p2} ?x",
        f"{{ ?s {p1} ?o }} UNION {{ ?o {p2} ?s }}",
        "?s ?p ?o",
    ]))
    variables = [v for v in ("?s", "?o", "?x", "?p") if v in where]
    if draw(st.booleans()) and "?x" not in where and "?p" not in where:
        order = draw(st.sampled_from(["", "ORDER BY ?s", "ORDER BY DESC(?n) ?s"]))
        return f"SELECT ?s (COUNT(?o) AS ?n) WHERE {{ {where} }} GROUP BY ?s {order}"
    if draw(st.integers(0, 5)) == 0:
        return f"CONSTRUCT {{ ?s <http://example.org/q> ?o }} WHERE {{ {where} }}"
    keys = draw(st.lists(st.sampled_from(variables), unique=True, max_size=3))
    order = ("ORDER BY " + " ".join(draw(st.sampled_from([k, f"DESC({k})", f"STR({k})"])) for k in keys)) if keys else ""
    distinct = draw(st.sampled_from(["", "DISTINCT "]))
    own = draw(st.sampled_from(["", "LIMIT 20", "OFFSET 2", "LIMIT 15 OFFSET 3"]))
    return f"SELECT {distinct}{' '.join(variables)} WHERE {{ {where} }} {order} {own}"


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(triples=_TRIPLES, text=_queries(), limit=st.integers(1, 12), start=st.integers(0, 4))
def test_pages_put_together_are_the_whole_answer(triples, text, limit, start):
    import pyoxigraph as ox

    from ldpub.paging import Page
    from ldpub.query import EmbeddedTarget

    store = ox.Store()
    store.extend(ox.Quad(ox.NamedNode(_IRIS[s]), ox.NamedNode(_PREDICATES[p]), _term(o), ox.DefaultGraph())
                 for s, p, o in triples)
    target = EmbeddedTarget(store)
    whole = target.execute(text)
    items = whole.triples if whole.kind == "graph" else whole.rows
    pieces, offset = [], start
    while True:
        page = target.execute(text, Page(limit, offset))
        got = page.triples if page.kind == "graph" else page.rows
        assert page.total == len(items) and page.offset == offset and len(got) <= limit
        assert got == items[offset:offset + limit]  # the same order, every time
        pieces += got
        if offset + limit >= page.total:
            break
        offset += limit
    assert pieces == items[start:]


# ------------------------------------------------------------------------------ command line
@pytest.mark.parametrize("project, name", [(ROOT, "events"), (EXAMPLE, "elections")])
def test_table_shows_a_page_and_says_how_many_rows_in_all(run_cli, project, name):
    code, everything, _ = run_cli("--project", project, "query", name, "--format", "csv")
    assert code == 0
    rows = _csv_rows(everything)[1:]
    assert len(rows) > 4
    code, out, err = run_cli("--project", project, "query", name, "--format", "table", "--limit", "2", "--offset", "1")
    assert code == 0, err
    assert out.rstrip().endswith(f"(showing 2-3 of {len(rows)} rows)")
    assert f"--offset 3 for the next 2" in err
    code, out, err = run_cli("--project", project, "query", name, "--format", "md", "--limit", "3")
    assert code == 0
    assert out.count("\n| ") == 3 and f"_Showing 1-3 of {len(rows)} rows._" in out  # 3 rows after the header


@pytest.mark.parametrize("project, name", [(ROOT, "events"), (EXAMPLE, "elections")])
def test_exports_give_every_row_unless_a_page_is_asked_for(run_cli, project, name):
    from ldpub import query

    whole = query.run(name, project=project)
    for fmt in ("csv", "tsv", "json"):
        code, out, err = run_cli("--project", project, "query", name, "--format", fmt)
        assert code == 0 and err == ""
    code, out, _ = run_cli("--project", project, "query", name, "--format", "csv")
    assert len(_csv_rows(out)) == 1 + whole.total
    code, out, err = run_cli("--project", project, "query", name, "--format", "csv", "--limit", "2", "--offset", "2")
    assert code == 0 and len(_csv_rows(out)) == 1 + 2
    assert f"showing 3-4 of {whole.total} rows" in err
    assert [r[0] for r in _csv_rows(out)[1:]] == [str(r[0].value) if r[0] else "" for r in whole.rows[2:4]]


def test_all_shows_every_row_in_a_table(run_cli, tmp_path):
    many = " ".join(str(i) for i in range(150))
    code, out, err = run_cli("--project", ROOT, "query", "--sparql", f"SELECT ?i WHERE {{ VALUES ?i {{ {many} }} }}",
                             "--format", "table")
    assert code == 0 and out.rstrip().endswith("(showing 1-100 of 150 rows)")
    assert "--offset 100 for the next 50, --all for every row" in err
    code, out, err = run_cli("--project", ROOT, "query", "--sparql", f"SELECT ?i WHERE {{ VALUES ?i {{ {many} }} }}",
                             "--format", "table", "--all")
    assert code == 0 and out.rstrip().endswith("(150 rows)") and err == ""


def test_limit_and_all_together_are_a_usage_error(run_cli):
    code, _, err = run_cli("--project", ROOT, "query", "events", "--limit", "5", "--all")
    assert code == 2 and "give --limit N or --all, not both" in err


def test_a_negative_offset_is_a_usage_error(run_cli):
    code, _, err = run_cli("--project", ROOT, "query", "events", "--offset", "-1")
    assert code == 2 and "--offset" in err


def test_fail_empty_looks_at_the_whole_answer_not_the_page(run_cli):
    code, out, err = run_cli("--project", ROOT, "query", "events", "--format", "csv", "--offset", "100000", "--fail-empty")
    assert code == 0 and "no rows from 100,001 on" in err


def test_help_documents_pages_and_the_pager(run_cli):
    code, out, _ = run_cli("query", "--help")
    assert code == 0
    for words in ("--limit", "--offset", "--all", "--no-pager", "LDPUB_PAGER", "less -FRX", "showing 1-100 of"):
        assert words in out


# ------------------------------------------------------------------------------ pager
def test_the_pager_is_ldpub_pager_then_pager_then_less():
    from ldpub.commands.pager import pager_command

    assert pager_command({}) == ["less", "-FRX"]
    assert pager_command({"PAGER": "more"}) == ["more"]
    assert pager_command({"PAGER": "more", "LDPUB_PAGER": "most -s"}) == ["most", "-s"]
    assert pager_command({"PAGER": "more", "LDPUB_PAGER": ""}) is None  # empty: off
    assert pager_command({"PAGER": "cat"}) is None


def _query_on_a_terminal(tmp_path: Path, *args: str, **env: str) -> tuple[int, str]:
    """``ldpub query`` with stdout on a pseudo-terminal; (exit code, what the terminal showed)."""
    import pty

    import fcntl
    import struct
    import termios

    master, slave = pty.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 60, 200, 0, 0))  # 60 lines, 200 columns
    environment = {**os.environ, "PYTHONPATH": str(ROOT / "src"), "LDPUB_CACHE_DIR": str(tmp_path / "cache"),
                   "TERM": "xterm", **env}
    for name in [k for k in ("LDPUB_PAGER", "PAGER", "LESS") if k not in env]:
        environment.pop(name, None)
    process = subprocess.Popen([sys.executable, "-m", "ldpub", "--project", str(ROOT), "query", *args],
                               stdin=subprocess.DEVNULL, stdout=slave, stderr=slave, env=environment)
    os.close(slave)
    chunks = []
    while True:
        try:
            data = os.read(master, 65536)
        except OSError:  # the other end closed
            break
        if not data:
            break
        chunks.append(data)
    process.wait(timeout=300)
    os.close(master)
    return process.returncode, b"".join(chunks).decode()


@pytest.fixture
def recording_pager(tmp_path):
    """A pager that records what it was given (and passes it on), and the file it writes."""
    seen = tmp_path / "paged.txt"
    script = tmp_path / "pager.sh"
    script.write_text(f"#!/bin/sh\ntee {seen}\n")
    script.chmod(0o755)
    return str(script), seen


def test_table_output_to_a_terminal_goes_through_the_pager(tmp_path, recording_pager):
    pager, seen = recording_pager
    code, shown = _query_on_a_terminal(tmp_path, "events", "--limit", "3", LDPUB_PAGER=pager, PAGER="false")
    assert code == 0
    assert seen.read_text().rstrip().endswith(f"(showing 1-3 of {events()} rows)")
    assert "--offset 3 for the next 3" in shown  # the hint is on stderr, after the pager


@pytest.mark.skipif(shutil.which("less") is None, reason="less is not installed")
def test_the_default_pager_is_less_which_prints_a_short_answer_and_quits(tmp_path):
    code, shown = _query_on_a_terminal(tmp_path, "events", "--limit", "2", "--format", "md")
    assert code == 0 and f"_Showing 1-2 of {events()} rows._" in shown


def test_pager_falls_back_to_the_pager_variable(tmp_path, recording_pager):
    pager, seen = recording_pager
    env = {k: v for k, v in os.environ.items() if k != "LDPUB_PAGER"}
    code, _ = _query_on_a_terminal(tmp_path, "pledges", **{**env, "PAGER": pager})
    assert code == 0 and "pledger" in seen.read_text()


@pytest.mark.parametrize("how", ["--no-pager", "LDPUB_PAGER="])
def test_the_pager_can_be_turned_off(tmp_path, recording_pager, how):
    pager, seen = recording_pager
    args, env = (["--no-pager"], {"PAGER": pager}) if how == "--no-pager" else ([], {"LDPUB_PAGER": "", "PAGER": pager})
    code, shown = _query_on_a_terminal(tmp_path, "events", "--limit", "3", *args, **env)
    assert code == 0 and not seen.exists()
    assert f"(showing 1-3 of {events()} rows)" in shown


def test_output_to_a_pipe_is_never_paged(tmp_path, recording_pager):
    pager, seen = recording_pager
    result = subprocess.run([sys.executable, "-m", "ldpub", "--project", str(ROOT), "query", "events", "--format", "table"],
                            capture_output=True, text=True, env={**os.environ, "PYTHONPATH": str(ROOT / "src"),
                                                                 "LDPUB_PAGER": pager}, timeout=300)
    assert result.returncode == 0 and not seen.exists() and f"({events()} rows)" in result.stdout


def test_a_missing_pager_is_named_and_the_answer_still_shown(tmp_path):
    code, shown = _query_on_a_terminal(tmp_path, "events", "--limit", "2", LDPUB_PAGER="no-such-pager-here")
    assert code == 0
    assert "pager 'no-such-pager-here' not found" in shown and f"(showing 1-2 of {events()} rows)" in shown


# ------------------------------------------------------------------------------ the web pages
class _Links(HTMLParser):
    """The href of every <a> with a class, by class, and the text of elements by class."""

    def __init__(self) -> None:
        super().__init__()
        self.links: dict[str, list[str]] = {}
        self.notes: list[str] = []
        self._note = False

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "a" and attrs.get("class"):
            self.links.setdefault(attrs["class"], []).append(attrs["href"])
        self._note = "page-note" in (attrs.get("class") or "")

    def handle_data(self, data):
        if self._note:
            self.notes.append(data)
            self._note = False


def _parsed(html: str) -> _Links:
    parser = _Links()
    parser.feed(html)
    return parser


@pytest.fixture(scope="module")
def server(tmp_path_factory, built):
    from _servers import copy_project, start_ldpub

    _, out = built
    project = copy_project(tmp_path_factory.mktemp("paging-project"))
    srv = start_ldpub(project, tmp_path_factory.mktemp("paging-log") / "access.log", "--from", str(out))
    yield srv
    srv.stop()


@pytest.fixture
def http(server):
    with httpx.Client(base_url=server.url, timeout=60) as client:
        yield client


def _cells(html: str) -> list[str]:
    """The first cell of each row of the results table."""
    import re

    body = html.split('id="result-table"', 1)[1].split("</table>", 1)[0]
    return [re.sub(r"<[^>]+>", "", row.split("</td>", 1)[0]).strip() for row in body.split("<tr>")[2:]]


def test_the_query_page_shows_a_page_and_links_to_the_next(http):
    from ldpub import query

    whole = query.run("events", project=ROOT)
    first = http.get("/query", params={"name": "events", "_limit": "10"})
    assert first.status_code == 200
    links = _parsed(first.text)
    assert f"showing 1-10 of {whole.total} rows" in links.notes
    next_url = links.links["next-page"][0]
    assert parse_qs(urlsplit(next_url).query) == {"name": ["events"], "_limit": ["10"], "_offset": ["10"]}
    second = http.get(next_url)
    assert second.status_code == 200
    assert f"showing 11-20 of {whole.total} rows" in _parsed(second.text).notes
    assert "previous-page" in _parsed(second.text).links
    labels = [r[whole.variables.index("eventLabel")].value for r in whole.rows[10:20]]
    text = html.unescape(second.text)
    assert all(label in text for label in labels)
    assert whole.rows[0][whole.variables.index("eventLabel")].value not in text


def test_the_query_page_shows_100_rows_by_default(http):
    many = " ".join(str(i) for i in range(250))
    response = http.get("/query", params={"query": f"SELECT ?i WHERE {{ VALUES ?i {{ {many} }} }}"})
    links = _parsed(response.text)
    assert "showing 1-100 of 250 rows" in links.notes
    assert len(_cells(response.text)) == 100
    last = http.get(links.links["next-page"][0]).text
    last = http.get(_parsed(last).links["next-page"][0]).text
    assert "showing 201-250 of 250 rows" in _parsed(last).notes and "next-page" not in _parsed(last).links
    assert _cells(last) == [str(i) for i in range(200, 250)]


def test_the_next_page_link_carries_a_hostile_query_safely(http):
    hostile = ('SELECT ?x WHERE { VALUES ?x { "\\"><script>alert(1)</script>" "a&b=c" "%27" '
               + " ".join(f'"{i}"' for i in range(5)) + " } }")
    response = http.get("/query", params={"query": hostile, "_limit": "2"})
    assert response.status_code == 200
    assert "<script>alert(1)</script>" not in response.text
    next_url = _parsed(response.text).links["next-page"][0]
    assert parse_qs(urlsplit(next_url).query)["query"] == [hostile]
    assert "showing 3-4 of 8 rows" in _parsed(http.get(next_url).text).notes


@pytest.mark.parametrize("bad", ["-1", "abc", "1e3", "99999999999999999999"])
def test_a_bad_offset_on_the_query_page_is_400(http, bad):
    response = http.get("/query", params={"name": "events", "_offset": bad})
    assert response.status_code == 400 and "_offset" in response.text and "whole number" in response.text


@pytest.mark.parametrize("size", ["0", "101", "100000000"])
def test_a_page_size_outside_1_to_max_results_is_400(http, size):
    response = http.get("/query", params={"name": "events", "_limit": size})
    assert response.status_code == 400 and "max_results" in response.text


def test_the_sparql_endpoint_still_returns_every_row(http):
    many = " ".join(str(i) for i in range(50))
    text = f"SELECT ?i WHERE {{ VALUES ?i {{ {many} }} }}"
    assert "showing 1-10 of 50 rows" in _parsed(http.get("/query", params={"query": text, "_limit": "10"}).text).notes
    response = http.get("/sparql", params={"query": text}, headers={"Accept": "application/sparql-results+json"})
    assert response.status_code == 200, response.text
    assert len(response.json()["results"]["bindings"]) == 50


def test_entity_pages_page_their_statements_and_links(http, built):
    from ldpub.config import load_project

    doc = "/ldpub/dataset/taliban-al-qaeda/doc/taliban.html"
    whole = http.get(doc)
    assert whole.status_code == 200
    notes = _parsed(whole.text).notes
    statements = next(n for n in notes if "statement" in n)
    count = int(statements.split()[0].replace(",", ""))
    assert count > 2
    later = http.get(doc, params={"_offset": "2"})
    page = _parsed(later.text)
    assert f"showing 3-{min(count, 102)} of {count} statements" in page.notes
    assert parse_qs(urlsplit(page.links["previous-page"][0]).query) == {}  # back to the first page
    assert http.get(doc, params={"_linked": "x"}).status_code == 400


def test_a_construct_answer_on_the_query_page_comes_in_pages_of_triples(http):
    from ldpub import query

    text = "CONSTRUCT WHERE { ?s a ?class }"
    whole = query.run(text, project=ROOT)
    response = http.get("/query", params={"query": text, "_limit": "5", "_offset": "5"})
    assert response.status_code == 200
    assert f"showing 6-10 of {whole.total} triples" in _parsed(response.text).notes


def test_an_endpoint_answer_is_paged_as_the_embedded_one(server):
    from ldpub import query

    embedded = query.run("events", project=ROOT, limit=5, offset=10)
    url = server.url + "sparql"
    remote = query.run("events", project=ROOT, endpoint=url, graphs=[], limit=5, offset=10)
    whole = query.run("events", project=ROOT, endpoint=url, graphs=[])
    assert remote.rows == whole.rows[10:15] and remote.total == whole.total == embedded.total
    event = whole.variables.index("event")  # the same rows (GROUP_CONCAT may list values in another order)
    assert [r[event] for r in remote.rows] == [r[event] for r in embedded.rows]


def test_a_browser_follows_the_next_page_link(server):
    import shutil

    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    if chromium is None:
        pytest.skip("Debian's chromium is not installed (apt-get install chromium)")
    playwright_api = pytest.importorskip("playwright.sync_api")
    flags = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
             "--disable-component-update", "--disable-sync"]
    with playwright_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium, headless=True, args=flags)
        try:
            page = browser.new_page()
            page.goto(server.url + "query?name=events&_limit=10")
            page.wait_for_selector("#result-table")
            assert page.locator("#pages-top .page-note").inner_text() == f"showing 1-10 of {events()} rows"
            first = page.locator("#result-table tbody tr").all_inner_texts()
            page.locator("#pages-bottom a.next-page").click()
            page.wait_for_url("**_offset=10*")
            assert page.locator("#pages-top .page-note").inner_text() == f"showing 11-20 of {events()} rows"
            second = page.locator("#result-table tbody tr").all_inner_texts()
            assert len(second) == 10 and not set(first) & set(second)
            page.locator("#pages-top a.previous-page").click()
            page.wait_for_selector("#result-table")
            assert page.locator("#result-table tbody tr").all_inner_texts() == first
        finally:
            browser.close()


def test_limit_zero_on_the_command_line_says_how_many_and_how_to_see_some(run_cli):
    code, out, err = run_cli("--project", ROOT, "query", "events", "--format", "csv", "--limit", "0")
    assert code == 0 and _csv_rows(out) == [_csv_rows(out)[0]]
    assert f"{events()} rows, none shown: --limit N shows N of them" in err
