"""The DCAT-AP 3.0 catalog of a release (``catalog.ttl``, ``catalog.jsonld``).

What the catalog says, and why each file is where it is::

    <release#catalog>  dcat:Catalog: dcat:dataset the two datasets below, dcat:service the
                       SPARQL endpoint when [publish] sparql_endpoint names one
    <HOME#dataset>     the version-independent dataset (DCAT 3 versioning): dcat:hasVersion
                       every release up to this one, dcat:hasCurrentVersion this one; issued
                       when the first release was, modified now
    <release#dataset>  this release: dcat:version, dct:isVersionOf the dataset above (DCAT 3's
                       inverse of dcat:hasVersion), dcat:previousVersion the release before
    data files         dcat:Distribution of the release: dataset.ttl/.nt/.jsonld and the
                       framed JSON-LD (media type, size, SHA-256, licence, dct:conformsTo)
    schemas            dct:Standard, not distributions: the ontology (rdfs:seeAlso its Turtle
                       and RDF/XML files, foaf:page its documentation), the SHACL shapes, the
                       JSON-LD context (what the JSON-LD distributions conform to)
    descriptions       void.ttl as rdfs:seeAlso (a void:DatasetDescription), prov.ttl as
                       prov:has_provenance (PROV-AQ)
    documentation      foaf:page of the release: ontology.html, network.svg, CHANGELOG.md;
                       index.html is its dcat:landingPage

DCAT-AP 3.0.0 deprecates ``dct:hasVersion``/``dct:isVersionOf`` in favour of DCAT 3's terms
(its 3.0.0 SHACL files still name ``dct:hasVersion``, fixed in 3.0.1: SEMICeu/DCAT-AP#419);
``dct:isVersionOf`` is kept because DCAT 3 names it as the inverse of ``dcat:hasVersion`` and
defines no ``dcat:isVersionOf``. Every node a DCAT-AP range constraint points at is typed in
the catalog (``foaf:Agent``, ``vcard:Kind``, ``dct:LicenseDocument``, ``dct:MediaType``,
``dct:Location``, ``dct:PeriodOfTime``, ``dct:Standard``, ``skos:Concept``...), so the catalog
conforms to the official shapes without inference (see :mod:`ldpub.release.dcatap`).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from .rdf import TripleBuilder
from .settings import ADMS_PUBLISHER_TYPE, PUBLISHER_TYPES, PublishSettings

__all__ = ["FileKind", "FILE_KINDS", "Distribution", "Standard", "Versions", "catalog_triples", "licence_info",
           "IANA", "EU_FILE_TYPE", "SPARQL_PROTOCOL"]

IANA = "https://www.iana.org/assignments/media-types/"
EU_FILE_TYPE = "http://publications.europa.eu/resource/authority/file-type/"
EU_AVAILABILITY = "http://publications.europa.eu/resource/authority/planned-availability/"
ADMS_LICENCE_TYPE = "http://purl.org/adms/licencetype/"
SPARQL_PROTOCOL = "https://www.w3.org/TR/sparql11-protocol/"


def publisher_classes(publisher_type: str | None) -> tuple[str, ...]:
    """The FOAF class an ADMS publisher type implies (a person or an organization); none for other types."""
    if publisher_type and publisher_type.startswith(ADMS_PUBLISHER_TYPE):
        return (PUBLISHER_TYPES[publisher_type.removeprefix(ADMS_PUBLISHER_TYPE)],)
    return ()

# what a release file is for, and so how the catalog names it (see the module docstring)
DATA, SCHEMA, DESCRIPTION, PAGE = "data", "schema", "description", "page"


@dataclass(frozen=True)
class FileKind:
    """What a release file is: title, description, IANA media type, EU file type, and its role
    (``data``: a distribution; ``schema``, ``description``, ``page``: see the module docstring)."""

    title: str
    description: str
    media_type: str
    file_type: str
    role: str = DATA

    @property
    def is_data(self) -> bool:
        return self.role == DATA


# file name -> kind; the order is the order of the files on the landing page
FILE_KINDS: dict[str, FileKind] = {
    "dataset.ttl": FileKind("Dataset (Turtle)", "The whole dataset in Turtle.", "text/turtle", "RDF_TURTLE"),
    "dataset.nt": FileKind("Dataset (N-Triples)", "The whole dataset in N-Triples, one triple a line, sorted: diff two versions line by line.",
                           "application/n-triples", "RDF_N_TRIPLES"),
    "dataset.jsonld": FileKind("Dataset (JSON-LD)", "The whole dataset in compact JSON-LD 1.1 with its context inline; keys read like the YAML records, booleans and integers are JSON values.",
                               "application/ld+json", "JSON_LD"),
    "dataset.framed.jsonld": FileKind("Dataset (framed JSON-LD)", "The dataset as a list of records, each with its dates, excerpts and the labels of what it names embedded (framed by frame.jsonld).",
                                      "application/ld+json", "JSON_LD"),
    "context.jsonld": FileKind("JSON-LD context", "The JSON-LD context derived from the ontology: what the JSON-LD files conform to.",
                               "application/ld+json", "JSON_LD", SCHEMA),
    "frame.jsonld": FileKind("JSON-LD frame", "The JSON-LD frame, derived from the ontology, that gives the framed JSON-LD its shape.",
                             "application/ld+json", "JSON_LD", SCHEMA),
    "ontology.ttl": FileKind("Ontology (Turtle)", "The OWL ontology the dataset uses, in Turtle.", "text/turtle", "RDF_TURTLE", SCHEMA),
    "ontology.rdf": FileKind("Ontology (RDF/XML)", "The OWL ontology the dataset uses, in RDF/XML.", "application/rdf+xml", "RDF_XML", SCHEMA),
    "shapes.ttl": FileKind("SHACL shapes", "The SHACL shapes every record of the dataset conforms to.", "text/turtle", "RDF_TURTLE", SCHEMA),
    "void.ttl": FileKind("VoID description", "Size, class and property partitions and vocabularies of the dataset (VoID).", "text/turtle",
                         "RDF_TURTLE", DESCRIPTION),
    "prov.ttl": FileKind("Provenance", "How this release was built (PROV-O): when, by which ldpub, from which input files (SHA-256).",
                         "text/turtle", "RDF_TURTLE", DESCRIPTION),
    "ontology.html": FileKind("Ontology documentation", "Every class and property: definition, domain, range and examples from the data.",
                              "text/html", "HTML", PAGE),
    "network.svg": FileKind("Network picture", "The dataset's network: its nodes and the links between them, as the ontology names them.",
                            "image/svg+xml", "SVG", PAGE),
    "CHANGELOG.md": FileKind("Changelog", "What changed since the previous release, entity by entity.", "text/markdown", "TXT", PAGE),
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
    """Something the data conforms to (the ontology, the shapes, the JSON-LD context), with a
    title, the release files that hold it and its documentation page."""

    iri: str
    title: str
    files: tuple[str, ...] = ()
    page: str | None = None
    applies_to: tuple[str, ...] | None = None  # the distributions that conform to it (None: the dataset and all)


@dataclass(frozen=True)
class Versions:
    """Where a release stands among the versions of its dataset (see :mod:`ldpub.release.versions`)."""

    first_issued: dt.date  # when the dataset was first released
    older: tuple[tuple[str, str], ...] = ()  # (version, dataset IRI) of earlier releases, oldest first
    previous: str | None = None  # the dataset IRI of the release this one follows
    documents: tuple[str, ...] = field(default=())  # the release's documentation files (foaf:page)


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
    versions: Versions | None = None,
) -> list:
    """The catalog, the version-independent dataset, this release and its distributions;
    ``places`` (Concepts) are the spatial coverage (default: ``settings.spatial``)."""
    g = TripleBuilder(settings.language)
    release = settings.release_url(version)
    catalog, dataset, series = release + "#catalog", settings.dataset_iri(version), settings.series_iri
    versions = versions or Versions(settings.issued or settings.modified)
    publisher, contact, licence = settings.publisher_node, settings.contact_iri, settings.license
    landing = release + "index.html"
    first = g.typed(versions.first_issued.isoformat(), "date")
    today = g.typed(settings.modified.isoformat(), "date")
    places = settings.spatial if places is None else places

    # catalog
    g.a(catalog, "dcat:Catalog")
    g.add(catalog, "dct:title", g.text(f"{settings.title}: release {version}"))
    g.add(catalog, "dct:description", g.text(f"DCAT-AP catalog of release {version} of {settings.title}."))
    g.link(catalog, "dct:publisher", publisher)
    g.link(catalog, "dct:license", licence)
    g.add(catalog, "dct:issued", first)
    g.add(catalog, "dct:modified", today)
    g.link(catalog, "foaf:homepage", settings.homepage or landing)
    g.a(settings.homepage or landing, "foaf:Document")
    g.link(catalog, "dcat:dataset", series, dataset)

    # publisher and contact point
    g.a(publisher, "foaf:Agent", *publisher_classes(settings.publisher_type))
    g.add(publisher, "foaf:name", g.text(settings.publisher, None))
    if settings.publisher_type:
        g.link(publisher, "dct:type", settings.publisher_type)
        g.labelled(settings.publisher_type, "skos:Concept", settings.publisher_type.rsplit("/", 1)[-1])
    if settings.publisher_url:
        g.link(publisher, "foaf:homepage", settings.publisher_url)
        g.a(settings.publisher_url, "foaf:Document")
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
    rights = settings.rights_iri
    if rights:
        g.a(rights, "dct:RightsStatement")
        g.add(rights, "rdfs:label", g.text(settings.rights))

    start, end = temporal
    period = release + "#temporal-coverage" if start or end else None
    if period:
        g.a(period, "dct:PeriodOfTime")
        if start:
            g.add(period, "dcat:startDate", g.typed(start, "date"))
        if end:
            g.add(period, "dcat:endDate", g.typed(end, "date"))

    # what both datasets say: who, about what, where, when
    def describe(node: str, title: str) -> None:
        g.a(node, "dcat:Dataset")
        g.add(node, "dct:title", g.text(title))
        g.add(node, "dct:description", g.text(settings.description))
        g.add(node, "dct:identifier", g.text(node, None))
        g.link(node, "dct:publisher", publisher)
        g.link(node, "dcat:contactPoint", contact)
        g.link(node, "dct:license", licence)
        if rights:
            g.link(node, "dct:rights", rights)
        for keyword in settings.keywords:
            g.add(node, "dcat:keyword", g.text(keyword))
        for place in places:
            g.link(node, "dct:spatial", place.iri)
        if period:
            g.link(node, "dct:temporal", period)
        for theme in settings.themes:
            g.link(node, "dcat:theme", theme.iri)
        if settings.language_iri:
            g.link(node, "dct:language", settings.language_iri)

    # the version-independent dataset (DCAT 3 section 11)
    describe(series, settings.title)
    g.add(series, "dct:issued", first)
    g.add(series, "dct:modified", today)
    g.link(series, "dcat:landingPage", settings.homepage or landing)
    for older_version, older_iri in versions.older:
        g.link(series, "dcat:hasVersion", older_iri)
        g.add(older_iri, "dcat:version", g.text(older_version, None))
    g.link(series, "dcat:hasVersion", dataset)
    g.link(series, "dcat:hasCurrentVersion", dataset)

    # this release
    describe(dataset, f"{settings.title}, release {version}")
    g.add(dataset, "dcat:version", g.text(version, None))
    g.link(dataset, "dct:isVersionOf", series)
    if versions.previous:
        g.link(dataset, "dcat:previousVersion", versions.previous)
    if version_notes:
        g.add(dataset, "adms:versionNotes", g.text(version_notes))
    g.add(dataset, "dct:issued", today)
    g.add(dataset, "dct:modified", today)
    g.link(dataset, "dcat:landingPage", landing)
    g.a(landing, "foaf:Document")
    for name in versions.documents:
        g.link(dataset, "foaf:page", release + name)
        g.a(release + name, "foaf:Document")
    g.link(dataset, "prov:wasGeneratedBy", release + "#build")
    g.a(release + "#build", "prov:Activity")
    g.link(dataset, "prov:has_provenance", release + "prov.ttl")
    g.link(dataset, "rdfs:seeAlso", release + "void.ttl")
    g.a(release + "void.ttl", "void:DatasetDescription", "foaf:Document")
    g.link(release + "void.ttl", "foaf:primaryTopic", dataset)

    if settings.language_iri:
        g.link(catalog, "dct:language", settings.language_iri)
        g.a(settings.language_iri, "dct:LinguisticSystem")
    if settings.themes:
        scheme = settings.extra.get("theme_scheme") or {}
        scheme_iri = scheme.get("iri") or settings.themes[0].iri.rsplit("/", 1)[0]
        g.link(catalog, "dcat:themeTaxonomy", scheme_iri)
        g.a(scheme_iri, "skos:ConceptScheme")
        g.add(scheme_iri, "dct:title", g.text(scheme.get("label") or "Themes"))
        for theme in settings.themes:
            g.labelled(theme.iri, "skos:Concept", theme.label)
            g.link(theme.iri, "skos:inScheme", scheme_iri)
    for place in places:
        g.link(catalog, "dct:spatial", place.iri)
        g.labelled(place.iri, "dct:Location", place.label)

    # what the data conforms to: the ontology, the shapes, the JSON-LD context
    for standard in standards:
        if standard.applies_to is None:
            g.link(dataset, "dct:conformsTo", standard.iri)
        g.a(standard.iri, "dct:Standard")
        g.add(standard.iri, "dct:title", g.text(standard.title))
        g.link(standard.iri, "rdfs:seeAlso", *(release + name for name in standard.files if release + name != standard.iri))
        if standard.page:
            g.link(standard.iri, "foaf:page", release + standard.page)
            g.a(release + standard.page, "foaf:Document")

    # the SPARQL endpoint, when there is one
    if settings.service_iri:
        service = settings.service_iri
        g.link(catalog, "dcat:service", service)
        g.a(service, "dcat:DataService")
        g.add(service, "dct:title", g.text(f"SPARQL endpoint of {settings.title}"))
        g.link(service, "dcat:endpointURL", settings.sparql_endpoint)
        g.link(service, "dcat:servesDataset", series)
        g.link(service, "dct:conformsTo", SPARQL_PROTOCOL)
        g.a(SPARQL_PROTOCOL, "dct:Standard")
        g.add(SPARQL_PROTOCOL, "dct:title", g.text("SPARQL 1.1 Protocol", "en"))
        g.link(service, "dct:publisher", publisher)
        g.link(service, "dcat:contactPoint", contact)
        g.link(service, "dct:license", licence)
        for keyword in settings.keywords:
            g.add(service, "dcat:keyword", g.text(keyword))
        for theme in settings.themes:
            g.link(service, "dcat:theme", theme.iri)

    # distributions: the data files of this release
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
        g.add(node, "dct:issued", today)
        g.add(node, "dct:modified", today)
        g.link(node, "dct:conformsTo", *(s.iri for s in standards if s.applies_to is None or dist.name in s.applies_to))
        if availability in _AVAILABILITY:
            g.link(node, "dcatap:availability", EU_AVAILABILITY + availability)
            g.labelled(EU_AVAILABILITY + availability, "skos:Concept", _AVAILABILITY[availability])
    return g.triples
