"""Entity documents of `ldpub serve` say what they are and under which terms, for a real client.

A release folder is served for real on 127.0.0.1: each entity document names its topic
(``foaf:primaryTopic``), its dataset (``void:inDataset``) and the licence (``dct:license``,
``dct:rights``) the release's data states; JSON-LD documents name the served context by URL
(and pyld, fetching it, reads the same triples as the Turtle); alternates are announced with
``Link`` headers; a 406 says ``Vary: Accept``.
"""

from __future__ import annotations

import json
import re

import httpx
import pyoxigraph as ox
import pytest

from _servers import copy_project, start_ldpub
from test_publish import release  # noqa: F401  (the module's release fixture)
from test_serve import server as served_build  # noqa: F401  (the session's build, served from its folder)

BASE = "https://w3id.org/ldpub/dataset/taliban-al-qaeda/id/"
DOC_PATH = "/ldpub/dataset/taliban-al-qaeda/doc/"
SLUG = "pledge-zawahiri-to-akhundzada-2016"
FOAF = "http://xmlns.com/foaf/0.1/"
VOID = "http://rdfs.org/ns/void#"
DCT = "http://purl.org/dc/terms/"
CC_BY = "https://creativecommons.org/licenses/by/4.0/"


@pytest.fixture(scope="module")
def served_release(tmp_path_factory, release):  # noqa: F811
    out, rel, _ = release
    project = copy_project(tmp_path_factory.mktemp("serve-release-project"))
    srv = start_ldpub(project, tmp_path_factory.mktemp("serve-release-log") / "access.log", "--from", str(out))
    yield srv, rel
    srv.stop()


def _triples(response) -> set[tuple[str, str, str]]:
    fmt = ox.RdfFormat.from_media_type(response.headers["content-type"].split(";")[0])
    return {(t.subject.value, t.predicate.value, t.object.value) for t in ox.parse(response.content, format=fmt)}


@pytest.mark.parametrize("ext", ["ttl", "nt", "rdf", "jsonld"])
def test_entity_documents_name_topic_dataset_and_licence(served_release, ext):
    srv, rel = served_release
    response = httpx.get(f"{srv.url.rstrip('/')}{DOC_PATH}{SLUG}.{ext}", timeout=30)
    assert response.status_code == 200
    if ext == "jsonld":
        from pyld import jsonld

        document = json.loads(response.text)
        assert document["@context"] == srv.url + "context.jsonld"  # by URL: no 9 KB context in every document
        nquads = jsonld.to_rdf(document, {"format": "application/n-quads"})  # pyld fetches the context
        triples = {(t.subject.value, t.predicate.value, t.object.value)
                   for t in ox.parse(nquads.encode(), format=ox.RdfFormat.N_QUADS)}
        turtle = _triples(httpx.get(f"{srv.url.rstrip('/')}{DOC_PATH}{SLUG}.ttl", timeout=30))
        assert triples == turtle
    else:
        triples = _triples(response)
    doc = srv.url.rstrip("/") + DOC_PATH + SLUG
    assert (doc, FOAF + "primaryTopic", BASE + SLUG) in triples
    assert (doc, VOID + "inDataset", rel.settings.dataset_iri("1.0.0")) in triples  # the release's own dataset
    assert (doc, DCT + "license", CC_BY) in triples
    rights = next(o for s, p, o in triples if s == doc and p == DCT + "rights")
    assert any(s == rights and "CC BY 4.0" in o for s, _, o in triples)
    assert (BASE + SLUG, "https://w3id.org/ldpub/ontology/armed-groups#publiclyAcknowledged", "false") in triples


def test_served_context_is_the_release_context(served_release, release):  # noqa: F811
    srv, _ = served_release
    out, _, _ = release
    response = httpx.get(srv.url + "context.jsonld", timeout=30)
    assert response.headers["content-type"].startswith("application/ld+json")
    assert json.loads(response.text) == json.loads((out / "context.jsonld").read_text())


def test_documents_link_their_alternates(served_release):
    srv, _ = served_release
    response = httpx.get(f"{srv.url.rstrip('/')}{DOC_PATH}{SLUG}.ttl", timeout=30)
    links = re.findall(r'<([^>]*)>;\s*rel="([^"]*)";\s*type="([^"]*)"', response.headers["link"])
    assert len(links) == response.headers["link"].count("<")  # every link in the form RFC 8288 gives
    alternates = {media: url for url, _, media in links}
    assert alternates == {
        "text/html": DOC_PATH + SLUG + ".html", "application/ld+json": DOC_PATH + SLUG + ".jsonld",
        "application/n-triples": DOC_PATH + SLUG + ".nt", "application/rdf+xml": DOC_PATH + SLUG + ".rdf"}
    assert {rel for _, rel, _ in links} == {"alternate"}
    page = httpx.get(f"{srv.url.rstrip('/')}{DOC_PATH}{SLUG}.html", timeout=30)
    assert "text/turtle" in page.headers["link"] and ".html>" not in page.headers["link"]


def test_not_acceptable_answers_vary_on_accept(served_release):
    srv, _ = served_release
    for path in (DOC_PATH + SLUG, "/ldpub/dataset/taliban-al-qaeda/id/" + SLUG):
        response = httpx.get(srv.url.rstrip("/") + path, headers={"Accept": "image/png"}, timeout=30)
        assert response.status_code == 406
        assert "Accept" in [v.strip() for v in response.headers["vary"].split(",")]


def test_a_build_is_served_with_the_licence_of_its_publish_settings(served_build):
    """dist/ has no licence header: the documents name the version-independent dataset of [publish]."""
    response = httpx.get(f"{served_build.url.rstrip('/')}{DOC_PATH}{SLUG}.ttl", timeout=30)
    triples = _triples(response)
    doc = served_build.url.rstrip("/") + DOC_PATH + SLUG
    assert (doc, VOID + "inDataset", "https://w3id.org/ldpub/dataset/taliban-al-qaeda/#dataset") in triples
    assert (doc, DCT + "license", CC_BY) in triples
