"""The pure parts of the server: the read-only guard, content negotiation, where IRIs live."""

from __future__ import annotations

import pytest

from ldpub.iris import dataset_iri, doc_path, id_path, valid_slug
from ldpub.serve.protocol import choose_formats, is_update, negotiate, GRAPH_FORMATS, RESULT_FORMATS


@pytest.mark.parametrize("text", [
    "INSERT DATA { <a:b> <a:c> <a:d> }",
    "prefix ex: <http://example.org/>\ndelete where { ?s ?p ?o }",
    "# a comment mentioning SELECT\nDROP ALL",
    "BASE <http://example.org/> PREFIX : <#> LOAD <http://example.org/x.ttl>",
    "WITH <http://g> DELETE { ?s ?p ?o } WHERE { ?s ?p ?o }",
    "  clear default",
    "COPY <http://a> TO <http://b>",
])
def test_updates_are_recognized(text):
    assert is_update(text)


@pytest.mark.parametrize("text", [
    "SELECT * WHERE { ?s ?p 'INSERT DATA' }",
    "PREFIX insert: <http://example.org/delete#> SELECT ?x WHERE { ?x insert:load ?y }",
    "# DROP ALL\nASK { ?s ?p ?o }",
    "CONSTRUCT { ?s <http://example.org/DELETE> ?o } WHERE { ?s ?p ?o }",
    "DESCRIBE <http://example.org/insert>",
])
def test_queries_are_not_updates(text):
    assert not is_update(text)


def test_negotiation_honours_q_and_prefers_exact_types_over_wildcards():
    offers = list(RESULT_FORMATS.values())
    assert negotiate("text/csv;q=0.4, application/sparql-results+xml", offers).name == "xml"
    assert negotiate("*/*", offers).name == "json"  # server preference on a tie
    assert negotiate("text/*", offers).media_type.startswith(("text/", "application/sparql-results+xml"))
    assert negotiate("application/json", offers).name == "json"
    assert negotiate("image/png", offers) is None
    assert negotiate("text/csv;q=0, */*;q=0.1", offers).name == "json"  # q=0 on the exact type excludes it
    assert negotiate("text/csv;q=0", offers) is None


def test_format_parameter_is_resolved_per_query_form():
    choice = choose_formats("text/html", "xml")
    assert choice.results.name == "xml" and choice.graph.name == "rdfxml"
    choice = choose_formats(None, "json-ld")
    assert choice.graph.name == "jsonld"
    assert choose_formats("text/turtle").graph is GRAPH_FORMATS["turtle"]
    assert choose_formats("text/turtle").results is None


def test_slash_and_hash_bases():
    slash = "https://w3id.org/ldpub/dataset/taliban-al-qaeda/id/"
    assert (dataset_iri(slash), id_path(slash), doc_path(slash)) == (
        "https://w3id.org/ldpub/dataset/taliban-al-qaeda/", "/ldpub/dataset/taliban-al-qaeda/id/",
        "/ldpub/dataset/taliban-al-qaeda/doc/")
    hashed = "https://example.org/data/people#"
    assert (dataset_iri(hashed), id_path(hashed), doc_path(hashed)) == (
        "https://example.org/data/people", "/data/people", "/data/doc/")


@pytest.mark.parametrize("slug, ok", [
    ("ayman-al-zawahiri", True), ("a", True), ("2016", True),
    ("..", False), ("a/b", False), ("A", False), ("-a", False), ("a-", False), ("a.b", False), ("", False), ("a%2f", False),
])
def test_slugs(slug, ok):
    assert valid_slug(slug) is ok
