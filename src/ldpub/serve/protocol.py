"""The SPARQL 1.1 Protocol, server side: result formats, content negotiation, read-only guard.

Result formats are a registry (:data:`RESULT_FORMATS` for SELECT/ASK, :data:`GRAPH_FORMATS` for
CONSTRUCT/DESCRIBE). A client picks one with ``Accept`` (q-values honoured) or, as Fuseki and
SPARQLWrapper do, with a ``format=`` / ``output=`` parameter (``json``, ``xml``, ``csv``, ``tsv``,
``turtle``, ``json-ld``, ...). A token such as ``xml`` means SPARQL results XML for a SELECT and
RDF/XML for a CONSTRUCT, so a choice is resolved per query form.
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = [
    "MediaFormat",
    "RESULT_FORMATS",
    "GRAPH_FORMATS",
    "FormatChoice",
    "negotiate",
    "choose_formats",
    "parse_accept",
    "is_update",
    "UPDATE_MEDIA_TYPE",
    "QUERY_MEDIA_TYPE",
]

QUERY_MEDIA_TYPE = "application/sparql-query"
UPDATE_MEDIA_TYPE = "application/sparql-update"


@dataclass(frozen=True)
class MediaFormat:
    """One serialization: registry name, the media type sent, other media types and tokens accepted."""

    name: str
    media_type: str
    also: tuple[str, ...] = ()
    tokens: tuple[str, ...] = ()
    extension: str = ""

    @property
    def content_type(self) -> str:
        textual = self.media_type.startswith("text/") or self.media_type.endswith(("json", "xml"))
        return f"{self.media_type}; charset=utf-8" if textual else self.media_type


RESULT_FORMATS: dict[str, MediaFormat] = {
    f.name: f
    for f in (
        MediaFormat("json", "application/sparql-results+json", ("application/json",), ("json", "srj"), "srj"),
        MediaFormat("xml", "application/sparql-results+xml", ("application/xml", "text/xml"), ("xml", "srx"), "srx"),
        MediaFormat("csv", "text/csv", (), ("csv",), "csv"),
        MediaFormat("tsv", "text/tab-separated-values", (), ("tsv",), "tsv"),
    )
}

GRAPH_FORMATS: dict[str, MediaFormat] = {
    f.name: f
    for f in (
        MediaFormat("turtle", "text/turtle", ("application/x-turtle", "text/n3", "text/rdf+n3"), ("turtle", "ttl", "n3"), "ttl"),
        MediaFormat("jsonld", "application/ld+json", ("application/json",), ("json-ld", "jsonld", "json"), "jsonld"),
        MediaFormat("ntriples", "application/n-triples", ("text/plain",), ("nt", "ntriples", "n-triples"), "nt"),
        MediaFormat("rdfxml", "application/rdf+xml", ("application/xml", "text/xml"), ("xml", "rdf", "rdfxml"), "rdf"),
    )
}


MAX_ACCEPT_RANGES = 64  # media ranges read from an Accept header (browsers send fewer than 10)


def parse_accept(header: str | None) -> list[tuple[str, float, int]]:
    """``Accept`` as (media range, q, position), best first; an empty header accepts anything.

    Only the first :data:`MAX_ACCEPT_RANGES` ranges count, and each at most 256 characters,
    so the cost of negotiation is bounded whatever a client sends.
    """
    if not header or not header.strip():
        return [("*/*", 1.0, 0)]
    ranges = []
    for position, part in enumerate(header.split(",", MAX_ACCEPT_RANGES)[:MAX_ACCEPT_RANGES]):
        items = [p.strip() for p in part[:256].split(";", 8)[:8]]
        media = items[0].lower()
        if not media:
            continue
        q = 1.0
        for param in items[1:]:
            key, _, value = param.partition("=")
            if key.strip().lower() == "q":
                try:
                    q = max(0.0, min(1.0, float(value)))
                except ValueError:
                    q = 0.0
        ranges.append((media, q, position))
    return sorted(ranges, key=lambda r: (-r[1], _specificity(r[0]), r[2]))


def _specificity(media_range: str) -> int:
    if media_range == "*/*":
        return 2
    return 1 if media_range.endswith("/*") else 0


def _matches(media_range: str, media_type: str) -> bool:
    if media_range == "*/*":
        return True
    if media_range.endswith("/*"):
        return media_type.split("/")[0] == media_range[:-2]
    return media_range == media_type


def negotiate(accept: str | None, offers: list[MediaFormat]) -> MediaFormat | None:
    """The offer the client prefers (server order breaks ties); None when nothing is acceptable."""
    best: tuple[float, int, int] | None = None
    chosen = None
    ranges = parse_accept(accept)
    for index, offer in enumerate(offers):
        for media in (offer.media_type, *offer.also):
            # the most specific matching range decides the quality (RFC 9110, 12.5.1)
            matching = sorted((_specificity(r), -q) for r, q, _ in ranges if _matches(r, media))
            quality = (-matching[0][1], matching[0][0]) if matching else None
            if quality is None or quality[0] <= 0:
                continue
            # an exact media-type match beats a wildcard; then q; then server preference
            key = (quality[0], -quality[1], -index)
            if best is None or key > best:
                best, chosen = key, offer
    return chosen


@dataclass(frozen=True)
class FormatChoice:
    """The answer format for each query form (None: the client accepts none of ours)."""

    results: MediaFormat | None
    graph: MediaFormat | None


def _by_token(token: str, registry: dict[str, MediaFormat]) -> MediaFormat | None:
    token = token.strip().lower()
    for fmt in registry.values():
        if token == fmt.name or token in fmt.tokens or token == fmt.media_type or token in fmt.also:
            return fmt
    return None


def choose_formats(accept: str | None, format_param: str | None = None) -> FormatChoice:
    """Formats from a ``format=``/``output=`` parameter if given and known, else from ``Accept``."""
    if format_param:
        results, graph = _by_token(format_param, RESULT_FORMATS), _by_token(format_param, GRAPH_FORMATS)
        if results or graph:
            return FormatChoice(results or RESULT_FORMATS["json"], graph or GRAPH_FORMATS["turtle"])
    return FormatChoice(negotiate(accept, list(RESULT_FORMATS.values())), negotiate(accept, list(GRAPH_FORMATS.values())))


_UPDATE_WORDS = {"INSERT", "DELETE", "LOAD", "CLEAR", "DROP", "CREATE", "ADD", "MOVE", "COPY", "WITH"}
_PROLOGUE_WORDS = {"PREFIX", "BASE"}


def is_update(text: str) -> bool:
    """Whether a request text is a SPARQL Update (INSERT, DELETE, LOAD, CLEAR, DROP, ...).

    The text is read with SPARQL's lexer (:func:`ldpub.sparqltext.tokens`: comments, strings
    and IRIs skipped); after the prologue (PREFIX/BASE declarations) the first keyword decides.
    Used to refuse updates with a clear 403 instead of a syntax error.
    """
    from ..sparqltext import tokens

    for token in tokens(text):
        if token.kind == "word" and token.text.upper() in _PROLOGUE_WORDS:
            continue
        if token.kind in ("pname", "iri"):
            continue  # the prefix name and namespace of a declaration, or BASE's IRI
        return token.kind == "word" and token.text.upper() in _UPDATE_WORDS
    return False
