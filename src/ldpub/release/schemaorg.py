"""schema.org ``Dataset`` markup for the landing page, so that search engines index the release.

Google Dataset Search (and other schema.org consumers) read a ``<script
type="application/ld+json">`` block in ``index.html``. Everything in it is read from the
release's DCAT catalog triples, never restated from the settings, so the two cannot disagree:

=====================  ======================================================================
schema.org             from the catalog (this release's ``dcat:Dataset``)
=====================  ======================================================================
``@id``, identifier    the dataset IRI
name, description      ``dct:title``, ``dct:description``
url                    ``dcat:landingPage`` (this ``index.html``)
version                ``dcat:version``
datePublished,         ``dct:issued``, ``dct:modified``
dateModified
license                ``dct:license``; ``isAccessibleForFree`` only for the licences ldpub
                       knows to be open (CC BY, CC BY-SA, CC0)
creator, publisher     ``dct:publisher`` (its ``foaf:name``): an ``Organization`` (a ``Person`` when it is a ``foaf:Person``)
keywords               ``dcat:keyword``
temporalCoverage       ``dct:temporal`` as an ISO 8601 interval (``2001-09-11/2021-08-31``)
spatialCoverage        ``dct:spatial``: a ``Place`` with its label
distribution           each ``dcat:Distribution``: a ``DataDownload`` (contentUrl,
                       encodingFormat, contentSize, name)
includedInDataCatalog  the ``dcat:Catalog``
isBasedOn              no; ``citation``: ``[publish] citation`` when given
=====================  ======================================================================

The JSON is escaped for an HTML ``<script>`` element (``<``, ``>``, ``&`` as ``\\u003c``...), so
no text of the data can end the element. The block is data, not script: browsers do not run
it, and the page's Content-Security-Policy (no script at all) is unchanged.
"""

from __future__ import annotations

import json

__all__ = ["dataset_jsonld", "schema_dataset"]

DCAT = "http://www.w3.org/ns/dcat#"
DCT = "http://purl.org/dc/terms/"
FOAF = "http://xmlns.com/foaf/0.1/"
SKOS_PREF = "http://www.w3.org/2004/02/skos/core#prefLabel"
RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
IANA = "https://www.iana.org/assignments/media-types/"


def _index(triples: list) -> dict[str, dict[str, list]]:
    out: dict[str, dict[str, list]] = {}
    for t in triples:
        out.setdefault(t.subject.value, {}).setdefault(t.predicate.value, []).append(t.object)
    return out


def schema_dataset(settings, version: str, catalog: list) -> dict:
    """The schema.org ``Dataset`` object of release ``version`` from its catalog triples."""
    from .dcat import licence_info

    graph = _index(catalog)
    iri = settings.dataset_iri(version)
    node = graph.get(iri, {})

    def first(subject: str, predicate: str) -> str | None:
        values = graph.get(subject, {}).get(predicate, [])
        return sorted(v.value for v in values)[0] if values else None

    def all_of(subject: str, predicate: str) -> list[str]:
        return sorted(v.value for v in graph.get(subject, {}).get(predicate, []))

    publisher_iri = first(iri, DCT + "publisher")
    person = FOAF + "Person" in all_of(publisher_iri, RDF_TYPE)  # [publish] publisher_type PrivateIndividual(s)
    publisher = {"@type": "Person" if person else "Organization", "@id": publisher_iri,
                 "name": first(publisher_iri, FOAF + "name")}
    homepage = first(publisher_iri, FOAF + "homepage")
    if homepage:
        publisher["url"] = homepage
    licence = first(iri, DCT + "license")
    out: dict = {
        "@context": "https://schema.org/",
        "@type": "Dataset",
        "@id": iri,
        "identifier": iri,
        "name": first(iri, DCT + "title"),
        "description": first(iri, DCT + "description"),
        "url": first(iri, DCAT + "landingPage"),
        "version": first(iri, DCAT + "version"),
        "datePublished": first(iri, DCT + "issued"),
        "dateModified": first(iri, DCT + "modified"),
        "license": licence,
    }
    if licence and licence_info(licence)[1] is not None:
        out["isAccessibleForFree"] = True
    out["creator"] = publisher
    out["publisher"] = publisher
    if settings.language:
        out["inLanguage"] = settings.language
    keywords = all_of(iri, DCAT + "keyword")
    if keywords:
        out["keywords"] = keywords
    period = first(iri, DCT + "temporal")
    if period:
        start, end = first(period, DCAT + "startDate"), first(period, DCAT + "endDate")
        out["temporalCoverage"] = f"{start or '..'}/{end or '..'}"
    places = [{"@type": "Place", "@id": place, "name": first(place, SKOS_PREF)} for place in all_of(iri, DCT + "spatial")]
    if places:
        out["spatialCoverage"] = places[0] if len(places) == 1 else places
    downloads = []
    for dist in sorted(v.value for v in node.get(DCAT + "distribution", [])):
        media = first(dist, DCAT + "mediaType") or ""
        downloads.append({"@type": "DataDownload", "name": first(dist, DCT + "title"),
                          "contentUrl": first(dist, DCAT + "downloadURL"),
                          "encodingFormat": media[len(IANA):] if media.startswith(IANA) else media,
                          "contentSize": f"{first(dist, DCAT + 'byteSize')} B"})
    if downloads:
        out["distribution"] = downloads
    catalog_iri = next((s for s, props in sorted(graph.items()) if iri in {v.value for v in props.get(DCAT + "dataset", [])}), None)
    if catalog_iri:
        out["includedInDataCatalog"] = {"@type": "DataCatalog", "@id": catalog_iri, "name": first(catalog_iri, DCT + "title")}
    citation = settings.extra.get("citation")
    if isinstance(citation, str) and citation.strip():
        out["citation"] = citation.strip()
    return {k: v for k, v in out.items() if v is not None}


def dataset_jsonld(settings, version: str, catalog: list) -> str:
    """The markup's JSON text, safe inside ``<script type="application/ld+json">``."""
    text = json.dumps(schema_dataset(settings, version, catalog), indent=2, ensure_ascii=False)
    return text.replace("&", "\\u0026").replace("<", "\\u003c").replace(">", "\\u003e")
