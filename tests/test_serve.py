"""`ldpub serve` started for real on 127.0.0.1, queried with SPARQLWrapper and raw HTTP.

The answers are checked against what the article says (al-Zawahiri pledged allegiance to
Akhundzada in 2016; the pledge was not publicly acknowledged).
"""

from __future__ import annotations

import csv
import io
import json
import socket
import time
import urllib.error
import xml.etree.ElementTree as ET

import httpx
import pyoxigraph as ox
import pytest
from SPARQLWrapper import CSV, JSON, JSONLD, POST, TSV, TURTLE, XML, SPARQLWrapper

from _servers import copy_project, cpu_seconds, start_ldpub

BASE = "https://w3id.org/ldpub/dataset/taliban-al-qaeda/id/"
ID_PATH = "/ldpub/dataset/taliban-al-qaeda/id/"
DOC_PATH = "/ldpub/dataset/taliban-al-qaeda/doc/"
AG = "https://w3id.org/ldpub/ontology/armed-groups#"

PLEDGE_2016 = f"""
PREFIX ag: <{AG}>
PREFIX d: <{BASE}>
SELECT ?pledge ?edtf ?acknowledged WHERE {{
  ?pledge a ag:Pledge ;
          ag:pledger d:ayman-al-zawahiri ;
          ag:pledgee d:haibatullah-akhundzada ;
          ag:date/ag:edtf ?edtf ;
          ag:publiclyAcknowledged ?acknowledged .
}}"""

CONSTRUCT_PLEDGE = f"""
PREFIX ag: <{AG}>
PREFIX d: <{BASE}>
CONSTRUCT {{ ?pledge ag:pledger ?who ; ag:publiclyAcknowledged ?ack }}
WHERE {{ ?pledge ag:pledgee d:haibatullah-akhundzada ; ag:pledger ?who ; ag:publiclyAcknowledged ?ack }}"""

# a four-way cross join: about 10^9 rows even on the small article data
CROSS_JOIN = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l }"


@pytest.fixture(scope="module")
def server(tmp_path_factory, built):
    """The session's build served from its folder (--from), with the test [serve] limits."""
    _, out = built
    project = copy_project(tmp_path_factory.mktemp("serve-project"))
    srv = start_ldpub(project, tmp_path_factory.mktemp("serve-log") / "access.log", "--from", str(out))
    yield srv
    srv.stop()


@pytest.fixture
def http(server):
    with httpx.Client(base_url=server.url, timeout=30) as client:
        yield client


def sparql(server, query: str, fmt, method: str | None = None) -> SPARQLWrapper:
    client = SPARQLWrapper(server.url + "sparql")
    client.setQuery(query)
    client.setReturnFormat(fmt)
    if method:
        client.setMethod(method)
    return client


def vary(response) -> list[str]:
    return [v.strip() for v in response.headers.get("vary", "").split(",")]


# ---------------------------------------------------------------------- answers via SPARQLWrapper
def test_sparqlwrapper_finds_the_unacknowledged_2016_pledge_to_akhundzada(server):
    result = sparql(server, PLEDGE_2016, JSON).queryAndConvert()
    rows = result["results"]["bindings"]
    assert len(rows) == 1
    row = rows[0]
    assert row["pledge"]["value"] == BASE + "pledge-zawahiri-to-akhundzada-2016"
    assert row["edtf"]["value"] == "2016"
    assert row["acknowledged"]["value"] == "false"
    assert row["acknowledged"]["datatype"].endswith("#boolean")


def test_sparqlwrapper_post_urlencoded_gives_the_same_answer(server):
    result = sparql(server, PLEDGE_2016, JSON, POST).queryAndConvert()
    assert [r["pledge"]["value"] for r in result["results"]["bindings"]] == [BASE + "pledge-zawahiri-to-akhundzada-2016"]


def test_sparqlwrapper_xml_results(server):
    document = sparql(server, PLEDGE_2016, XML).queryAndConvert()  # an xml.dom Document
    values = [node.firstChild.data for node in document.getElementsByTagName("literal")]
    assert "2016" in values and "false" in values


@pytest.mark.parametrize("fmt, separator", [(CSV, ","), (TSV, "\t")])
def test_sparqlwrapper_csv_and_tsv(server, fmt, separator):
    text = sparql(server, PLEDGE_2016, fmt).queryAndConvert().decode("utf-8")
    header, row = text.strip().splitlines()
    assert header.split(separator)[:2] == (["pledge", "edtf"] if fmt == CSV else ["?pledge", "?edtf"])
    assert "pledge-zawahiri-to-akhundzada-2016" in row and "2016" in row and "false" in row


def test_sparqlwrapper_ask(server):
    ask = f"PREFIX ag: <{AG}> PREFIX d: <{BASE}> ASK {{ ?p ag:pledger d:ayman-al-zawahiri ; ag:pledgee d:mullah-omar }}"
    assert sparql(server, ask, JSON).queryAndConvert()["boolean"] is True


@pytest.mark.parametrize("fmt", [TURTLE, JSONLD])
def test_sparqlwrapper_construct(server, fmt):
    response = sparql(server, CONSTRUCT_PLEDGE, fmt).query().response
    body = response.read()
    media = response.headers["Content-Type"]
    rdf_format = ox.RdfFormat.TURTLE if fmt == TURTLE else ox.RdfFormat.JSON_LD
    assert media.startswith("text/turtle" if fmt == TURTLE else "application/ld+json")
    triples = {(t.subject.value, t.predicate.value, t.object.value) for t in ox.parse(body, format=rdf_format)}
    assert (BASE + "pledge-zawahiri-to-akhundzada-2016", AG + "pledger", BASE + "ayman-al-zawahiri") in triples
    assert (BASE + "pledge-zawahiri-to-akhundzada-2016", AG + "publiclyAcknowledged", "false") in triples


# ---------------------------------------------------------------------- content negotiation, per media type
@pytest.mark.parametrize(
    "accept, media, parse",
    [
        ("application/sparql-results+json", "application/sparql-results+json",
         lambda b: [r["edtf"]["value"] for r in json.loads(b)["results"]["bindings"]]),
        ("application/sparql-results+xml", "application/sparql-results+xml",
         lambda b: [e.text for e in ET.fromstring(b).iter("{http://www.w3.org/2005/sparql-results#}literal")][:1]),
        ("text/csv", "text/csv", lambda b: [row["edtf"] for row in csv.DictReader(io.StringIO(b.decode()))]),
        ("text/tab-separated-values", "text/tab-separated-values",
         lambda b: [line.split("\t")[1] for line in b.decode().splitlines()[1:]]),
    ],
)
def test_select_results_by_accept(http, accept, media, parse):
    response = http.get("/sparql", params={"query": PLEDGE_2016}, headers={"Accept": accept})
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith(media)
    assert "Accept" in vary(response)
    values = parse(response.content)
    assert values and values[0].split("^^")[0].strip('"') == "2016"  # TSV keeps the term syntax


@pytest.mark.parametrize(
    "accept, media, rdf_format",
    [
        ("text/turtle", "text/turtle", ox.RdfFormat.TURTLE),
        ("application/ld+json", "application/ld+json", ox.RdfFormat.JSON_LD),
        ("application/n-triples", "application/n-triples", ox.RdfFormat.N_TRIPLES),
        ("application/rdf+xml", "application/rdf+xml", ox.RdfFormat.RDF_XML),
    ],
)
def test_construct_by_accept(http, accept, media, rdf_format):
    response = http.post("/sparql", content=CONSTRUCT_PLEDGE,
                         headers={"Content-Type": "application/sparql-query", "Accept": accept})
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith(media)
    subjects = {t.subject.value for t in ox.parse(response.content, format=rdf_format)}
    assert BASE + "pledge-zawahiri-to-akhundzada-2016" in subjects


def test_accept_with_q_values_is_honoured(http):
    response = http.get("/sparql", params={"query": PLEDGE_2016},
                        headers={"Accept": "application/sparql-results+json;q=0.5, text/csv"})
    assert response.headers["content-type"].startswith("text/csv")


def test_browser_clients_on_other_origins_may_query(http):
    response = http.get("/sparql", params={"query": PLEDGE_2016}, headers={"Origin": "https://yasgui.example"})
    assert response.headers["access-control-allow-origin"] == "*"
    preflight = http.options("/sparql", headers={"Origin": "https://yasgui.example", "Access-Control-Request-Method": "POST",
                                                 "Access-Control-Request-Headers": "Content-Type"})
    assert preflight.status_code == 200


def test_a_browser_following_a_query_link_lands_on_the_query_page(http):
    response = http.get("/sparql", params={"query": PLEDGE_2016}, headers={"Accept": "text/html,*/*;q=0.8"})
    assert response.status_code == 303
    assert response.headers["location"].startswith("/query?query=")
    assert "pledge-zawahiri-to-akhundzada-2016" in http.get(response.headers["location"]).text


def test_unacceptable_media_type_is_406(http):
    response = http.get("/sparql", params={"query": PLEDGE_2016}, headers={"Accept": "image/png"})
    assert response.status_code == 406
    assert "text/csv" in response.text


def test_syntax_error_is_400_with_position(http):
    response = http.get("/sparql", params={"query": "SELECT ?x WHERE { ?x ?y }"})
    assert response.status_code == 400
    assert "1:" in response.text


# ---------------------------------------------------------------------- dereferenceable IRIs
@pytest.mark.parametrize(
    "accept, extension, media",
    [
        ("text/html,application/xhtml+xml;q=0.9,*/*;q=0.8", "html", "text/html"),
        ("text/turtle", "ttl", "text/turtle"),
        ("application/ld+json", "jsonld", "application/ld+json"),
    ],
)
def test_entity_iri_answers_303_to_a_document_by_accept(http, accept, extension, media):
    response = http.get(ID_PATH + "ayman-al-zawahiri", headers={"Accept": accept})
    assert response.status_code == 303
    assert response.headers["location"] == f"{DOC_PATH}ayman-al-zawahiri.{extension}"
    assert "Accept" in vary(response)
    document = http.get(response.headers["location"], headers={"Accept": accept})
    assert document.status_code == 200
    assert document.headers["content-type"].startswith(media)
    assert "al-Zawahiri" in document.text


def test_document_without_extension_negotiates_with_vary(http):
    response = http.get(DOC_PATH + "ayman-al-zawahiri", headers={"Accept": "application/ld+json"})
    assert response.status_code == 200
    assert "Accept" in vary(response)
    assert response.headers["content-location"] == DOC_PATH + "ayman-al-zawahiri.jsonld"
    data = json.loads(response.text)
    assert "@context" in data


def test_entity_turtle_holds_outgoing_nested_and_incoming_triples(http):
    response = http.get(DOC_PATH + "pledge-zawahiri-to-akhundzada-2016.ttl")
    triples = {(t.subject.value, t.predicate.value, t.object.value)
               for t in ox.parse(response.content, format=ox.RdfFormat.TURTLE)}
    pledge = BASE + "pledge-zawahiri-to-akhundzada-2016"
    assert (pledge, AG + "publiclyAcknowledged", "false") in triples
    assert (pledge + "#date", AG + "edtf", "2016") in triples  # nested fuzzy date node
    assert any(p == AG + "quote" and "Akhundzada in 2016" in o for _, p, o in triples)  # the excerpt


def test_entity_page_shows_statements_with_excerpt_and_status(http):
    page = http.get(DOC_PATH + "haibatullah-akhundzada.html").text
    assert "<h1 id=\"label\">Haibatullah Akhundzada</h1>" in page
    assert "pledge-zawahiri-to-akhundzada-2016" in page
    assert "did not publicly acknowledge the pledge" in page  # the source excerpt
    assert 'class="status status-reported"' in page
    assert f'href="{DOC_PATH}ayman-al-zawahiri.html"' in page  # related entity, linked


def test_unknown_entity_is_404(http):
    assert http.get(ID_PATH + "no-such-person").status_code == 404
    assert http.get(DOC_PATH + "no-such-person.html").status_code == 404


# ---------------------------------------------------------------------- pages and self-descriptions
def test_home_page_has_summary_and_network_picture(http):
    page = http.get("/", headers={"Accept": "text/html"}).text
    assert "<svg" in page and "Ayman al-Zawahiri" in page
    assert "triples about" in page


def test_service_description_at_sparql_without_query(http):
    response = http.get("/sparql", headers={"Accept": "text/turtle"})
    assert response.status_code == 200
    triples = {(t.predicate.value, t.object.value) for t in ox.parse(response.content, format=ox.RdfFormat.TURTLE)}
    sd = "http://www.w3.org/ns/sparql-service-description#"
    assert (sd + "supportedLanguage", sd + "SPARQL11Query") in triples
    assert (sd + "resultFormat", "http://www.w3.org/ns/formats/SPARQL_Results_CSV") in triples


def test_void_description(http):
    response = http.get("/void", headers={"Accept": "text/turtle"})
    triples = {(t.predicate.value, t.object.value) for t in ox.parse(response.content, format=ox.RdfFormat.TURTLE)}
    assert ("http://rdfs.org/ns/void#sparqlEndpoint", str(http.base_url) + "sparql") in triples


def test_dump_is_the_dataset(http, built):
    _, out = built
    assert http.get("/data/dataset.nt").content == (out / "dataset.nt").read_bytes()


def test_access_log_is_json_lines(server, http):
    http.get("/healthz", headers={"User-Agent": "log-check"})
    time.sleep(0.2)
    entries = [json.loads(line) for line in server.log.read_text().splitlines() if line.startswith("{")]
    mine = [e for e in entries if e["user_agent"] == "log-check"]
    assert mine and mine[-1]["path"] == "/healthz" and mine[-1]["status"] == 200
    assert {"time", "client", "method", "ms", "bytes"} <= set(mine[-1])


# ---------------------------------------------------------------------- hostile input
def test_update_via_sparqlwrapper_is_refused(server, http):
    client = SPARQLWrapper(server.url + "sparql")
    client.setMethod(POST)
    client.setQuery(f"INSERT DATA {{ <{BASE}x> <{AG}pledger> <{BASE}y> }}")
    with pytest.raises(urllib.error.HTTPError) as caught:
        client.query()
    assert caught.value.code == 403
    ask = http.get("/sparql", params={"query": f"ASK {{ <{BASE}x> ?p ?o }}"}, headers={"Accept": "application/json"})
    assert ask.json()["boolean"] is False


@pytest.mark.parametrize(
    "request_kwargs",
    [
        {"data": {"update": "DROP ALL"}},
        {"content": "CLEAR DEFAULT", "headers": {"Content-Type": "application/sparql-update"}},
        {"data": {"query": "PREFIX x: <http://x/> # comment\nDELETE WHERE { ?s ?p ?o }"}},
        {"data": {"query": "LOAD <http://example.org/data.ttl>"}},
    ],
    ids=["update-param", "sparql-update-body", "delete-as-query", "load-as-query"],
)
def test_updates_are_refused_with_403(http, request_kwargs):
    response = http.post("/sparql", **request_kwargs)
    assert response.status_code == 403
    assert "read-only" in response.text
    count = http.get("/sparql", params={"query": "SELECT (COUNT(*) AS ?n) { ?s ?p ?o }"}, headers={"Accept": "application/json"})
    assert int(count.json()["results"]["bindings"][0]["n"]["value"]) > 100


def test_query_over_time_limit_is_cut_off_and_stops_working(server, http):
    workers_before = set(server.worker_pids())
    assert len(workers_before) == 2
    started = time.monotonic()
    response = http.post("/sparql", data={"query": CROSS_JOIN})
    elapsed = time.monotonic() - started
    assert response.status_code == 503
    assert "time limit of 1.5 s" in response.text and "stopped" in response.text
    assert response.headers["retry-after"]
    assert elapsed < 1.5 + 2.0
    # the work really stopped: the worker that ran the query is gone (killed), a fresh one took its place
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        workers_now = set(server.worker_pids())
        if len(workers_now) == 2 and workers_now != workers_before:
            break
        time.sleep(0.1)
    killed = workers_before - workers_now
    assert len(killed) == 1 and cpu_seconds(killed.pop()) == 0.0  # no such process any more
    assert len(workers_now) == 2
    # and the endpoint still answers
    ok = http.get("/sparql", params={"query": PLEDGE_2016}, headers={"Accept": "application/json"})
    assert ok.status_code == 200 and len(ok.json()["results"]["bindings"]) == 1


def test_result_size_limit(http):
    response = http.get("/sparql", params={"query": "SELECT * WHERE { ?s ?p ?o }"})
    assert response.status_code == 422
    assert "more than 100 rows" in response.text


def test_oversized_request_body_is_413(http):
    query = "SELECT * WHERE { ?s ?p ?o } # " + "x" * 10_000
    response = http.post("/sparql", content=query, headers={"Content-Type": "application/sparql-query"})
    assert response.status_code == 413


def _raw_get(server, path: str) -> tuple[int, bytes]:
    """A GET with the path sent exactly as given (no client-side normalization)."""
    host, port = server.url.split("//")[1].rstrip("/").split(":")
    with socket.create_connection((host, int(port)), timeout=10) as sock:
        sock.sendall(f"GET {path} HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n".encode())
        data = b""
        while chunk := sock.recv(65536):
            data += chunk
    status = int(data.split(b" ", 2)[1])
    return status, data


@pytest.mark.parametrize(
    "path",
    [
        ID_PATH + "../../../../etc/passwd",
        ID_PATH + "..%2f..%2f..%2fetc%2fpasswd",
        DOC_PATH + "%2e%2e/%2e%2e/etc/passwd",
        DOC_PATH + "..%2F..%2Fldpub.toml",
        DOC_PATH + "ayman-al-zawahiri.ttl%00.html",
        ID_PATH + "Ayman_al-Zawahiri",
        DOC_PATH + "/etc/passwd",
    ],
)
def test_path_traversal_and_bad_slugs_are_refused(server, path):
    status, data = _raw_get(server, path)
    assert status in (400, 404)
    assert b"root:" not in data and b"base_iri" not in data
