"""The DCAT-AP 3.0 catalog of a release (``catalog.ttl``, ``catalog.jsonld``).

One ``dcat:Catalog`` lists one ``dcat:Dataset`` (this version) with one ``dcat:Distribution``
per published file. Every node a DCAT-AP range constraint points at is typed in the catalog
(``foaf:Agent``, ``vcard:Kind``, ``dct:LicenseDocument``, ``dct:MediaType``, ``dct:Location``,
``dct:PeriodOfTime``, ``skos:Concept``...), so the catalog conforms to the official shapes
without inference (see :mod:`ldpub.release.dcatap`).
"""

from __future__ import annotations

from dataclasses import dataclass

from .rdf import TripleBuilder
from .settings import PublishSettings

__all__ = ["FileKind", "FILE_KINDS", "Distribution", "Standard", "catalog_triples", "IANA", "EU_FILE_TYPE"]

IANA = "https://www.iana.org/assignments/media-types/"
EU_FILE_TYPE = "http://publications.europa.eu/resource/authority/file-type/"
EU_AVAILABILITY = "http://publications.europa.eu/resource/authority/planned-availability/"
ADMS_LICENCE_TYPE = "http://purl.org/adms/licencetype/"


@dataclass(frozen=True)
class FileKind:
    """What a release file is: title, description, IANA media type, EU file type, data or not."""

    title: str
    description: str
    media_type: str
    file_type: str
    is_data: bool = False


# file name -> kind; the order is the order of distributions on the landing page
FILE_KINDS: dict[str, FileKind] = {
    "dataset.ttl": FileKind("Dataset (Turtle)", "The whole dataset in Turtle.", "text/turtle", "RDF_TURTLE", True),
    "dataset.nt": FileKind("Dataset (N-Triples)", "The whole dataset in N-Triples, one triple a line, sorted: diff two versions line by line.",
                           "application/n-triples", "RDF_N_TRIPLES", True),
    "dataset.jsonld": FileKind("Dataset (JSON-LD)", "The whole dataset in compact JSON-LD 1.1 with its context inline; keys read like the YAML records.",
                               "application/ld+json", "JSON_LD", True),
    "context.jsonld": FileKind("JSON-LD context", "The JSON-LD context derived from the ontology.", "application/ld+json", "JSON_LD"),
    "ontology.ttl": FileKind("Ontology (Turtle)", "The OWL ontology the dataset uses, in Turtle.", "text/turtle", "RDF_TURTLE"),
    "ontology.rdf": FileKind("Ontology (RDF/XML)", "The OWL ontology the dataset uses, in RDF/XML.", "application/rdf+xml", "RDF_XML"),
    "shapes.ttl": FileKind("SHACL shapes", "The SHACL shapes every record of the dataset conforms to.", "text/turtle", "RDF_TURTLE"),
    "void.ttl": FileKind("VoID description", "Size, class and property partitions and vocabularies of the dataset (VoID).", "text/turtle", "RDF_TURTLE"),
    "prov.ttl": FileKind("Provenance", "How this release was built (PROV-O): when, by which ldpub, from which input files (SHA-256).",
                         "text/turtle", "RDF_TURTLE"),
    "ontology.html": FileKind("Ontology documentation", "Every class and property: definition, domain, range and examples from the data.",
                              "text/html", "HTML"),
    "network.svg": FileKind("Network picture", "The dataset's network: its nodes and the links between them, as the ontology names them.",
                            "image/svg+xml", "SVG"),
    "CHANGELOG.md": FileKind("Changelog", "What changed since the previous release, entity by entity.", "text/markdown", "TXT"),
}

_LICENCES = {  # licence IRI (no trailing slash) -> (title, ADMS licence type)
    "https://creativecommons.org/licenses/by/4.0": ("Creative Commons Attribution 4.0 International (CC BY 4.0)", "Attribution"),
    "https://creativecommons.org/licenses/by-sa/4.0": ("Creative Commons Attribution-ShareAlike 4.0 International (CC BY-SA 4.0)", "Attribution"),
    "https://creativecommons.org/publicdomain/zero/1.0": ("Creative Commons CC0 1.0 Universal", "PublicDomain"),
}
_AVAILABILITY = {"AVAILABLE": "available", "EXPERIMENTAL": "experimental", "STABLE": "stable", "TEMPORARY": "temporary"}


@dataclass(frozen=True)
class Distribution:
    """One published file: its name, kind, size and SHA-256."""

    name: str
    kind: FileKind
    size: int
    sha256: str


@dataclass(frozen=True)
class Standard:
    """Something the data conforms to (the ontology, the shapes), with a title."""

    iri: str
    title: str


def licence_info(iri: str) -> tuple[str, str | None]:
    """Title and ADMS licence type of a known licence IRI (else the IRI and None)."""
    return _LICENCES.get(iri.rstrip("/"), (iri, None))


def catalog_triples(
    settings: PublishSettings,
    version: str,
    distributions: list[Distribution],
    standards: list[Standard],
    temporal: tuple[str | None, str | None],
    version_notes: str,
    places=None,
) -> list:
    """The catalog, dataset and distributions of release ``version``; ``places`` (Concepts)
    are the spatial coverage (default: ``settings.spatial``)."""
    g = TripleBuilder(settings.language)
    release = settings.release_url(version)
    catalog, dataset = release + "#catalog", release + "#dataset"
    publisher = settings.publisher_url or settings.base_url + "#publisher"
    contact = settings.base_url + "#contact-point"
    licence = settings.license
    landing = release + "index.html"
    issued, modified = g.typed(settings.issued.isoformat(), "date"), g.typed(settings.modified.isoformat(), "date")

    # catalog
    g.a(catalog, "dcat:Catalog")
    g.add(catalog, "dct:title", g.text(f"{settings.title}: release {version}"))
    g.add(catalog, "dct:description", g.text(f"DCAT-AP catalog of release {version} of {settings.title}."))
    g.link(catalog, "dct:publisher", publisher)
    g.link(catalog, "dct:license", licence)
    g.add(catalog, "dct:issued", issued)
    g.add(catalog, "dct:modified", modified)
    g.link(catalog, "foaf:homepage", settings.homepage or landing)
    g.a(settings.homepage or landing, "foaf:Document")
    g.link(catalog, "dcat:dataset", dataset)

    # publisher and contact point
    g.a(publisher, "foaf:Agent")
    g.add(publisher, "foaf:name", g.text(settings.publisher, None))
    g.a(contact, "vcard:Kind", "vcard:Organization")
    g.add(contact, "vcard:fn", g.text(settings.contact_name, None))
    g.link(contact, "vcard:hasEmail", "mailto:" + settings.contact_email)

    # licence and rights
    title, licence_type = licence_info(licence)
    g.a(licence, "dct:LicenseDocument")
    g.add(licence, "rdfs:label", g.text(settings.license_title or title))
    if licence_type:
        g.link(licence, "dct:type", ADMS_LICENCE_TYPE + licence_type)
        g.labelled(ADMS_LICENCE_TYPE + licence_type, "skos:Concept", licence_type)
    rights = settings.base_url + "#rights" if settings.rights else None
    if rights:
        g.a(rights, "dct:RightsStatement")
        g.add(rights, "rdfs:label", g.text(settings.rights))

    # dataset
    g.a(dataset, "dcat:Dataset")
    g.add(dataset, "dct:title", g.text(settings.title))
    g.add(dataset, "dct:description", g.text(settings.description))
    g.add(dataset, "dct:identifier", g.text(dataset, None))
    g.add(dataset, "dcat:version", g.text(version, None))
    if version_notes:
        g.add(dataset, "adms:versionNotes", g.text(version_notes))
    g.add(dataset, "dct:issued", issued)
    g.add(dataset, "dct:modified", modified)
    g.link(dataset, "dct:publisher", publisher)
    g.link(dataset, "dcat:contactPoint", contact)
    for keyword in settings.keywords:
        g.add(dataset, "dcat:keyword", g.text(keyword))
    if settings.language_iri:
        for node in (catalog, dataset):
            g.link(node, "dct:language", settings.language_iri)
        g.a(settings.language_iri, "dct:LinguisticSystem")
    if settings.themes:
        scheme = settings.extra.get("theme_scheme") or {}
        scheme_iri = scheme.get("iri") or settings.themes[0].iri.rsplit("/", 1)[0]
        g.link(catalog, "dcat:themeTaxonomy", scheme_iri)
        g.a(scheme_iri, "skos:ConceptScheme")
        g.add(scheme_iri, "dct:title", g.text(scheme.get("label") or "Themes"))
        for theme in settings.themes:
            g.link(dataset, "dcat:theme", theme.iri)
            g.labelled(theme.iri, "skos:Concept", theme.label)
            g.link(theme.iri, "skos:inScheme", scheme_iri)
    for place in (settings.spatial if places is None else places):
        g.link(dataset, "dct:spatial", place.iri)
        g.link(catalog, "dct:spatial", place.iri)
        g.labelled(place.iri, "dct:Location", place.label)
    start, end = temporal
    if start or end:
        period = release + "#temporal-coverage"
        g.link(dataset, "dct:temporal", period)
        g.a(period, "dct:PeriodOfTime")
        if start:
            g.add(period, "dcat:startDate", g.typed(start, "date"))
        if end:
            g.add(period, "dcat:endDate", g.typed(end, "date"))
    for standard in standards:
        g.link(dataset, "dct:conformsTo", standard.iri)
        g.a(standard.iri, "dct:Standard")
        g.add(standard.iri, "dct:title", g.text(standard.title))
    g.link(dataset, "dcat:landingPage", landing)
    g.a(landing, "foaf:Document")
    if any(d.name == "ontology.html" for d in distributions):
        g.link(dataset, "foaf:page", release + "ontology.html")
        g.a(release + "ontology.html", "foaf:Document")
    g.link(dataset, "prov:wasGeneratedBy", release + "#build")
    g.a(release + "#build", "prov:Activity")
    if settings.sparql_endpoint:
        g.link(dataset, "http://rdfs.org/ns/void#sparqlEndpoint", settings.sparql_endpoint)

    # distributions
    availability = (settings.availability or "").upper()
    for dist in distributions:
        node = release + "#distribution-" + dist.name.replace(".", "-")
        url = release + dist.name
        g.link(dataset, "dcat:distribution", node)
        g.a(node, "dcat:Distribution")
        g.add(node, "dct:title", g.text(dist.kind.title))
        g.add(node, "dct:description", g.text(dist.kind.description))
        g.link(node, "dcat:downloadURL", url)
        g.link(node, "dcat:accessURL", url)
        g.link(node, "dcat:mediaType", IANA + dist.kind.media_type)
        g.a(IANA + dist.kind.media_type, "dct:MediaType")
        g.link(node, "dct:format", EU_FILE_TYPE + dist.kind.file_type)
        g.a(EU_FILE_TYPE + dist.kind.file_type, "dct:MediaTypeOrExtent")
        g.add(node, "dcat:byteSize", g.typed(dist.size, "decimal"))
        checksum = node + "-sha256"
        g.link(node, "spdx:checksum", checksum)
        g.a(checksum, "spdx:Checksum")
        g.link(checksum, "spdx:algorithm", "spdx:checksumAlgorithm_sha256")
        g.add(checksum, "spdx:checksumValue", g.typed(dist.sha256, "hexBinary"))
        g.link(node, "dct:license", licence)
        if rights:
            g.link(node, "dct:rights", rights)
        g.add(node, "dct:issued", issued)
        g.add(node, "dct:modified", modified)
        if dist.kind.is_data:
            g.link(node, "dct:conformsTo", *(s.iri for s in standards))
        if availability in _AVAILABILITY:
            g.link(node, "dcatap:availability", EU_AVAILABILITY + availability)
            g.labelled(EU_AVAILABILITY + availability, "skos:Concept", _AVAILABILITY[availability])
    return g.triples
