"""Hostile data on ldpub's HTML pages (issue #14): links only to http, https, mailto and the
dataset's own pages; a Content-Security-Policy that runs no script; every text escaped.

Real Chromium (Debian's, driven by Playwright) opens a real ``ldpub serve --from`` on a dataset
salted with ``javascript:``/``data:``/``vbscript:`` IRIs and markup in labels, quotes and SVG
text, the query page with ``BIND(IRI("javascript:..."))``, and a release whose pages carry the
same data and hostile settings. Every payload would set ``window.__pwned`` or open a dialog.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path
from urllib.parse import urlencode

import pytest

from _servers import SERVE_TABLE, start_ldpub
from test_browser import CHROMIUM, browser  # noqa: F401  (the module's Chromium fixture)
from test_profile_reuse import BASE, DOC_PATH, copy_fixture

from ldpub.htmlsafety import safe_href

RDFS = "http://www.w3.org/2000/01/rdf-schema#"
FOAF = "http://xmlns.com/foaf/0.1/"
ORG = "http://www.w3.org/ns/org#"
PROV = "http://www.w3.org/ns/prov#"
DCT = "http://purl.org/dc/terms/"

HOSTILE_IRIS = ["javascript:window.__pwned=1", "JaVaScRiPt:window.__pwned=2",
                "data:text/html;base64,PHNjcmlwdD53aW5kb3cuX19wd25lZD0zPC9zY3JpcHQ+", "vbscript:msgbox(4)"]
MARKUP = '<script>window.__pwned=5</script><img src=x onerror="window.__pwned=6">'
SVG_MARKUP = '</text><script>window.__pwned=7</script><text onclick="window.__pwned=8">'
ATTRIBUTE = '" onmouseover="window.__pwned=9" x="'


# ----------------------------------------------------------------------------- the policy
@pytest.mark.parametrize("href, allowed", [
    ("https://example.org/a?b=c#d", True), ("http://example.org/", True), ("HTTPS://EXAMPLE.ORG/", True),
    ("mailto:someone@example.org", True), ("/dataset/doc/x.html#date", True), ("catalog.ttl", True),
    ("ontology.html#ex-Person", True),
    ("javascript:alert(1)", False), ("JaVaScRiPt:alert(1)", False), (" javascript:alert(1)", False),
    ("java\tscript:alert(1)", False), ("java\nscript:alert(1)", False), ("\x01javascript:alert(1)", False),
    ("data:text/html,<script>alert(1)</script>", False), ("vbscript:msgbox(1)", False), ("file:///etc/passwd", False),
    ("//evil.example/x", False), ("/\\evil.example/x", False), ("urn:isbn:123", False), ("", False), (None, False),
])
def test_link_policy(href, allowed):
    assert safe_href(href) == (href if allowed else None)


def test_served_values_drop_links_the_policy_refuses():
    from ldpub.serve.dataset import Value

    assert Value("x", "javascript:alert(1)", "javascript:alert(1)").href is None
    assert Value("x", "https://example.org/", "https://example.org/").href == "https://example.org/"


# ----------------------------------------------------------------------------- served pages
def _nt(s: str, p: str, o: str) -> str:
    return f"<{s}> <{p}> {o} .\n"


def _literal(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'


@pytest.fixture(scope="module")
def hostile_server(tmp_path_factory, run_cli_module):
    project = copy_fixture(tmp_path_factory.mktemp("hostile-project"), SERVE_TABLE)
    out = tmp_path_factory.mktemp("hostile-build")
    code, _, err = run_cli_module("--project", str(project), "build", "--out", str(out))
    assert code == 0, err
    mallory, claim = BASE + "mallory", BASE + "mallory-claim"
    lines = [_nt(BASE + "ada-lind", RDFS + "seeAlso", f"<{iri}>") for iri in HOSTILE_IRIS]
    lines += [
        _nt(BASE + "ada-lind", RDFS + "seeAlso", "<https://example.org/a-fine-link>"),
        _nt(mallory, "http://www.w3.org/1999/02/22-rdf-syntax-ns#type", f"<{FOAF}Person>"),
        _nt(mallory, FOAF + "name", _literal(MARKUP + SVG_MARKUP)),
        _nt(mallory, FOAF + "knows", f"<{BASE}ada-lind>"),
        _nt(mallory, DCT + "description", _literal(ATTRIBUTE + MARKUP)),
        _nt(mallory, RDFS + "comment", '"x"^^<javascript:window.__pwned=10>'),
        _nt(claim, "http://www.w3.org/1999/02/22-rdf-syntax-ns#type", f"<{ORG}Membership>"),
        _nt(claim, ORG + "member", f"<{mallory}>"),
        _nt(claim, ORG + "organization", f"<{BASE}riverside-rowing-club>"),
        _nt(claim, PROV + "wasDerivedFrom", f"<{claim}#excerpt>"),
        _nt(claim + "#excerpt", PROV + "value", _literal(ATTRIBUTE + MARKUP)),
        _nt(claim + "#excerpt", PROV + "wasQuotedFrom", "<javascript:window.__pwned=11>"),
    ]
    with (out / "dataset.nt").open("a", encoding="utf-8") as handle:
        handle.writelines(lines)
    (out / "dataset.ttl").unlink()  # serve --from reads dataset.nt when there is one; keep one truth
    server = start_ldpub(project, tmp_path_factory.mktemp("hostile-log") / "access.log", "--from", str(out))
    yield server
    server.stop()


@pytest.fixture(scope="module")
def run_cli_module():
    from click.testing import CliRunner

    from ldpub.cli import cli

    def run(*args: str):
        result = CliRunner().invoke(cli, list(args), catch_exceptions=False)
        return result.exit_code, result.stdout, result.stderr

    return run


@pytest.fixture
def watched(browser):  # noqa: F811
    """A page that records dialogs, CSP violations and console errors."""
    page = browser.new_page()
    events: dict[str, list] = {"dialogs": [], "console": []}

    def on_dialog(dialog):
        events["dialogs"].append(dialog.message)
        dialog.dismiss()

    page.on("dialog", on_dialog)
    page.on("console", lambda message: events["console"].append(message.text))
    yield page, events
    page.close()


def _assert_nothing_ran(page, events) -> None:
    assert page.evaluate("window.__pwned") is None
    assert events["dialogs"] == []
    protocols = page.evaluate("Array.from(document.querySelectorAll('a'), a => new URL(a.getAttribute('href') || "
                              "a.getAttribute('xlink:href') || '#', location.href).protocol)")
    assert set(protocols) <= {"http:", "https:", "mailto:", "file:"}, protocols
    hrefs = page.evaluate("Array.from(document.querySelectorAll('[href]'), e => e.getAttribute('href'))")
    assert not [h for h in hrefs if h.strip().lower().startswith(("javascript:", "data:", "vbscript:"))], hrefs
    handlers = page.evaluate("Array.from(document.querySelectorAll('*')).flatMap(e => Array.from(e.attributes)"
                             ".filter(a => a.name.startsWith('on')).map(a => e.tagName + ' ' + a.name))")
    assert handlers == []
    assert page.locator("script").count() == 0


def _assert_own_style_applies(page, events, selector: str, background: str) -> None:
    """The page's inline style is allowed by its hash: no CSP report, the style applies."""
    assert page.evaluate(f"getComputedStyle(document.querySelector({selector!r})).backgroundColor") == background
    assert not [m for m in events["console"] if "Content Security Policy" in m], events["console"]


@pytest.mark.skipif(CHROMIUM is None, reason="Debian's chromium is not installed (apt-get install chromium)")
def test_entity_pages_show_hostile_iris_and_markup_as_text(hostile_server, watched):
    page, events = watched
    response = page.goto(hostile_server.url + DOC_PATH.lstrip("/") + "ada-lind.html")
    policy = response.headers["content-security-policy"]
    assert "default-src 'none'" in policy and "'unsafe-inline'" not in policy and "script-src" not in policy
    _assert_nothing_ran(page, events)
    _assert_own_style_applies(page, events, "header", "rgb(34, 49, 63)")
    text = page.locator("main").inner_text()
    for iri in HOSTILE_IRIS:
        assert iri in text  # shown, not linked
    assert page.locator("a[href='https://example.org/a-fine-link']").count() == 1  # http(s) IRIs stay links

    for slug in ("mallory", "mallory-claim", "riverside-rowing-club"):
        page.goto(hostile_server.url + DOC_PATH.lstrip("/") + slug + ".html")
        page.mouse.move(200, 200)
        page.mouse.move(300, 400)
        _assert_nothing_ran(page, events)
    page.goto(hostile_server.url + DOC_PATH.lstrip("/") + "mallory.html")
    assert "<script>window.__pwned=5</script>" in page.locator("h1#label").inner_text()  # markup shown as text


@pytest.mark.skipif(CHROMIUM is None, reason="Debian's chromium is not installed (apt-get install chromium)")
def test_home_page_network_svg_escapes_labels(hostile_server, watched):
    page, events = watched
    page.goto(hostile_server.url)
    assert page.locator("figure#network svg").count() == 1
    label = page.locator("figure#network svg g.node title", has_text="window.__pwned=7")
    assert label.count() == 1  # the node is drawn, its markup is text
    _assert_nothing_ran(page, events)
    _assert_own_style_applies(page, events, "header", "rgb(34, 49, 63)")
    response = page.goto(hostile_server.url + "network.svg")
    assert response.headers["content-type"].startswith("image/svg+xml")
    assert "default-src 'none'" in response.headers["content-security-policy"]
    _assert_nothing_ran(page, events)


@pytest.mark.skipif(CHROMIUM is None, reason="Debian's chromium is not installed (apt-get install chromium)")
def test_query_page_results_do_not_link_hostile_iris(hostile_server, watched):
    page, events = watched
    query = ('SELECT ?x ?y ?z WHERE { VALUES ?x { <javascript:window.__pwned=12> '
             '<data:text/html;base64,PHNjcmlwdD53aW5kb3cuX19wd25lZD0xMzwvc2NyaXB0Pg==> <https://example.org/ok> } '
             'BIND(IRI("JAVASCRIPT:window.__pwned=14") AS ?y) BIND("' + MARKUP.replace('"', '\\"') + '" AS ?z) }')
    response = page.goto(hostile_server.url + "query?" + urlencode({"query": query}))
    assert response.status == 200 and "default-src 'none'" in response.headers["content-security-policy"]
    page.wait_for_selector("#result-table")
    cells = page.locator("#result-table tbody").inner_text()
    assert "javascript:window.__pwned=12" in cells and "JAVASCRIPT:window.__pwned=14" in cells and "<script>" in cells
    assert page.locator("#result-table a[href='https://example.org/ok']").count() == 1
    _assert_nothing_ran(page, events)
    _assert_own_style_applies(page, events, "header", "rgb(34, 49, 63)")


# ----------------------------------------------------------------------------- release pages
@pytest.fixture(scope="module")
def hostile_release(tmp_path_factory):
    """A release of the fixture with markup in its data and hostile links in its settings
    (settings that `ldpub publish` refuses are forced in, to test the page's own defence)."""
    from ldpub.config import load_project
    from ldpub.output import write_files
    from ldpub.pipeline import compile_project
    from ldpub.release import build_release
    from ldpub.release.settings import Concept, load_publish_settings

    project_dir = copy_fixture(tmp_path_factory.mktemp("hostile-release-project"))
    agents = project_dir / "data" / "agents.yaml"
    agents.write_text(agents.read_text(encoding="utf-8") + f"""
- id: mallory
  type: foaf:Person
  foaf:name: {_literal(MARKUP + SVG_MARKUP)}
  foaf:knows: ada-lind
""", encoding="utf-8")
    ontology = project_dir / "ontology" / "profile.ttl"
    ontology.write_text(ontology.read_text(encoding="utf-8").replace(
        'rdfs:label "knows"@en', 'rdfs:label "knows ' + MARKUP.replace('"', '\\"') + '"@en'), encoding="utf-8")
    project = load_project(project_dir)
    build = compile_project(project)
    assert build.report.conforms, [f.render() for f in build.report.findings]
    settings = dataclasses.replace(
        load_publish_settings(project, {}), license=HOSTILE_IRIS[0], sparql_endpoint=HOSTILE_IRIS[1],
        themes=(Concept(HOSTILE_IRIS[2], "a theme " + MARKUP),), spatial=(Concept(HOSTILE_IRIS[3], "a place"),))
    release = build_release(build, "1.0.0", settings)
    out = tmp_path_factory.mktemp("hostile-release") / "1.0.0"
    write_files(out, release.files)
    return out


@pytest.mark.skipif(CHROMIUM is None, reason="Debian's chromium is not installed (apt-get install chromium)")
@pytest.mark.parametrize("name", ["index.html", "ontology.html"])
def test_release_pages_run_no_script_and_link_no_hostile_iri(hostile_release, watched, name):
    page, events = watched
    html = (hostile_release / name).read_text(encoding="utf-8")
    assert '<meta http-equiv="Content-Security-Policy" content="default-src &#39;none&#39;' in html or \
        "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'" in html
    page.goto((hostile_release / name).as_uri())
    page.mouse.move(400, 300)
    _assert_nothing_ran(page, events)
    assert not [m for m in events["console"] if "Content Security Policy" in m], events["console"]
    body = page.locator("body").inner_text()
    assert "window.__pwned=5" in body  # the markup is shown as text
    if name == "index.html":
        assert HOSTILE_IRIS[1] in body  # the SPARQL endpoint setting, shown as text
        assert "a theme <script>" in body and "a place" in body  # labels of unlinked settings
        assert page.locator("figure.network svg g.node").count() >= 3


@pytest.mark.skipif(CHROMIUM is None, reason="Debian's chromium is not installed (apt-get install chromium)")
def test_release_page_style_is_allowed_by_its_hash(hostile_release, watched):
    page, events = watched
    page.goto((hostile_release / "index.html").as_uri())
    _assert_own_style_applies(page, events, "header.top", "rgb(36, 33, 30)")


def test_release_network_svg_file_escapes_labels(hostile_release):
    svg = (hostile_release / "network.svg").read_text(encoding="utf-8")
    assert "<script" not in svg and "onerror=" not in svg.replace("onerror=&quot;", "")
    assert "&lt;script&gt;window.__pwned=5&lt;/script&gt;" in svg


@pytest.mark.parametrize("path, accept, status", [
    ("", "text/html", 200), ("query", "text/html", 200), ("sparql", "text/html", 303), ("sparql", "text/turtle", 200),
    ("void", "text/turtle", 200), ("data/dataset.ttl", "*/*", 200), ("network.svg", "*/*", 200),
    (DOC_PATH.lstrip("/") + "mallory.ttl", "*/*", 200), (DOC_PATH.lstrip("/") + "no-such-thing.html", "text/html", 404),
    ("sparql?query=SELEC", "application/sparql-results+json", 400),
])
def test_every_response_carries_the_policy(hostile_server, path, accept, status):
    import httpx

    response = httpx.get(hostile_server.url + path, headers={"Accept": accept}, timeout=30)
    assert response.status_code == status
    assert response.headers["content-security-policy"].startswith("default-src 'none'")
    assert response.headers["x-content-type-options"] == "nosniff"
