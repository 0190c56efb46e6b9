"""Headless Chromium (Debian's `chromium`, driven by Playwright) on a real `ldpub serve`.

Opens the home page, an entity page and the query page, runs named queries and checks the
result table. Screenshots go to tests/artifacts/ (git-ignored).
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from _servers import copy_project, start_ldpub

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
ARTIFACTS = Path(__file__).resolve().parent / "artifacts"
DOC_PATH = "ldpub/dataset/taliban-al-qaeda/doc/"
FLAGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
         "--disable-component-update", "--disable-sync"]

pytestmark = pytest.mark.skipif(CHROMIUM is None, reason="Debian's chromium is not installed (apt-get install chromium)")


@pytest.fixture(scope="module")
def server(tmp_path_factory, built):
    _, out = built
    project = copy_project(tmp_path_factory.mktemp("browser-project"))
    srv = start_ldpub(project, tmp_path_factory.mktemp("browser-log") / "access.log", "--from", str(out))
    yield srv
    srv.stop()


@pytest.fixture(scope="module")
def browser(tmp_path_factory):
    playwright_api = pytest.importorskip("playwright.sync_api")
    profile = tmp_path_factory.mktemp("chromium-profile")
    with playwright_api.sync_playwright() as p:
        context = p.chromium.launch_persistent_context(
            str(profile), executable_path=CHROMIUM, headless=True, args=FLAGS, viewport={"width": 1280, "height": 1000})
        yield context
        context.close()


@pytest.fixture
def page(browser):
    page = browser.new_page()
    yield page
    page.close()


def shot(page, name: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"serve-{name}.png"), full_page=True)


def test_home_page_shows_summary_and_network(server, page):
    page.goto(server.url)
    assert "Taliban" in page.locator("h1").inner_text()
    network = page.locator("figure#network svg")
    assert network.count() == 1 and network.bounding_box()["width"] > 300
    assert page.locator("svg a text", has_text="Ayman al-Zawahiri").count() == 1
    assert page.locator("table.summary tr").count() > 3
    shot(page, "home")


def test_entity_page_from_a_network_node(server, page):
    page.goto(server.url)
    page.locator("svg a", has_text="Haibatullah Akhundzada").click()
    page.wait_for_url(f"**/{DOC_PATH}haibatullah-akhundzada.html")
    assert page.locator("h1#label").inner_text() == "Haibatullah Akhundzada"
    row = page.locator("table.statements tr", has_text="pledge-zawahiri-to-akhundzada-2016")
    if row.count() == 0:  # labelled statements show their label instead of the slug
        row = page.locator("table.statements tr", has_text="2016")
    assert row.count() >= 1
    text = row.first.inner_text()
    assert "did not publicly acknowledge the pledge" in text and "reported" in text
    shot(page, "entity")


def test_query_page_runs_a_named_query_into_a_table(server, page):
    page.goto(server.url + "query")
    page.locator("a.named-query[data-name='pledges']").click()
    page.wait_for_selector("#result-table")
    headers = page.locator("#result-table thead th").all_inner_texts()
    assert "pledger" in headers and "acknowledged" in headers
    rows = page.locator("#result-table tbody tr")
    akhundzada = rows.filter(has_text="Haibatullah Akhundzada").filter(has_text="Ayman al-Zawahiri")
    assert akhundzada.count() == 1
    cells = dict(zip(headers, akhundzada.locator("td").all_inner_texts()))
    assert cells["acknowledged"].startswith("false") and cells["date"].split()[0] == "2016"
    assert page.locator("a.download", has_text="CSV").count() == 1
    shot(page, "query-named")


def test_query_page_parameter_form_and_editor(server, page):
    page.goto(server.url + "query?name=leaders")
    page.fill("#param-form input[name='group']", "al-qaeda")
    page.click("#run-named")
    page.wait_for_selector("#result-table")
    holders = page.locator("#result-table tbody tr").all_inner_texts()
    assert any("Ayman al-Zawahiri" in row for row in holders)
    # the editor: type a query, run it
    page.fill("#query", "SELECT ?person WHERE { ?person a ag:Person } ORDER BY ?person LIMIT 3")
    page.click("#run")
    page.wait_for_selector("#result-table")
    assert page.locator("#result-table tbody tr").count() == 3
    shot(page, "query-editor")


def test_query_page_shows_errors_not_tracebacks(server, page):
    page.goto(server.url + "query")
    page.fill("#query", "DELETE WHERE { ?s ?p ?o }")
    page.click("#run")
    assert "read-only" in page.locator("#error").inner_text()
