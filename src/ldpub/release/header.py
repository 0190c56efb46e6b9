"""The header of a release's data files: what licence the data comes under, as triples.

Every data file of a release (``dataset.ttl``, ``dataset.nt``, ``dataset.jsonld``, the framed
JSON-LD) carries, about the release's dataset IRI::

    <BASE_URL/VERSION/#dataset> a void:Dataset ;
        dct:license <the [publish] license> ;
        dct:rights <HOME#rights> .                      # when [publish] rights is set
    <HOME#rights> a dct:RightsStatement ; rdfs:label "the [publish] rights text"@en .

so a file copied away from its catalog still says under which terms it may be used. In Turtle
and JSON-LD these triples come first; N-Triples stays sorted, one triple a line. ``ldpub
serve`` finds them in a release folder and repeats the licence in every entity document, and
``ldpub diff`` leaves the dataset IRI out (it names the version, so it differs between any two
releases).
"""

from __future__ import annotations

__all__ = ["licence_header", "without_header", "release_data"]

VOID_DATASET = "http://rdfs.org/ns/void#Dataset"
DCT_RIGHTS = "http://purl.org/dc/terms/rights"


def licence_header(settings, dataset_iri: str) -> list:
    """The header triples of release data files (pyoxigraph Triples): the dataset's first, then
    its rights statement's, each sorted."""
    from ..graphstore import sorted_triples
    from .rdf import TripleBuilder

    g = TripleBuilder(settings.language)
    g.a(dataset_iri, "void:Dataset")
    g.link(dataset_iri, "dct:license", settings.license)
    rights = settings.rights_iri
    if rights:
        g.link(dataset_iri, "dct:rights", rights)
        g.a(rights, "dct:RightsStatement")
        g.add(rights, "rdfs:label", g.text(settings.rights))
    return sorted(sorted_triples(g.triples), key=lambda t: t.subject.value != dataset_iri)


def without_header(triples: list, dataset_iri: str | None) -> list:
    """``triples`` less the header about ``dataset_iri`` (its triples and its rights statement's);
    all of them when ``dataset_iri`` is None."""
    if dataset_iri is None:
        return list(triples)
    header = {dataset_iri} | {t.object.value for t in triples
                              if t.subject.value == dataset_iri and t.predicate.value == DCT_RIGHTS}
    return [t for t in triples if t.subject.value not in header]


def release_data(build, header: list) -> tuple[list[str], list]:
    """The release's data: sorted N-Triples lines with the header's among them, and the triples
    with the header first (for Turtle and JSON-LD)."""
    header_lines = [str(t) for t in header]
    lines = sorted(set(build.lines).union(header_lines))
    return lines, [*header, *build.triples]
