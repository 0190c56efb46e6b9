"""The VoID description of a release (``void.ttl``): size, partitions, vocabularies, dumps."""

from __future__ import annotations

from .rdf import TripleBuilder
from .settings import PublishSettings
from .stats import DatasetStats

__all__ = ["void_triples"]


def _slug(iri: str, curie) -> str:
    return "".join(c if c.isalnum() else "-" for c in curie(iri)).strip("-")


def void_triples(
    stats: DatasetStats,
    settings: PublishSettings,
    version: str,
    dataset_iri: str,
    uri_space: str,
    dumps: list[str],
    curie,
) -> list:
    """VoID triples for ``dataset_iri``: counts, class and property partitions, examples, dumps."""
    g = TripleBuilder(settings.language)
    release = settings.release_url(version)
    d = dataset_iri
    g.a(d, "void:Dataset")
    g.add(d, "dct:title", g.text(settings.title))
    g.add(d, "dct:description", g.text(settings.description))
    g.link(d, "dct:license", settings.license)
    g.add(d, "void:triples", g.typed(stats.triples, "integer"))
    g.add(d, "void:entities", g.typed(stats.entities, "integer"))
    g.add(d, "void:distinctSubjects", g.typed(stats.distinct_subjects, "integer"))
    g.add(d, "void:distinctObjects", g.typed(stats.distinct_objects, "integer"))
    g.add(d, "void:classes", g.typed(len(stats.class_entities), "integer"))
    g.add(d, "void:properties", g.typed(len(stats.property_triples), "integer"))
    g.add(d, "void:uriSpace", g.text(uri_space, None))
    g.link(d, "void:vocabulary", *stats.vocabularies)
    g.link(d, "void:exampleResource", *stats.examples)
    g.link(d, "void:dataDump", *(release + name for name in dumps))
    g.link(d, "void:feature", "http://www.w3.org/ns/formats/Turtle", "http://www.w3.org/ns/formats/N-Triples",
           "http://www.w3.org/ns/formats/JSON-LD")
    if settings.sparql_endpoint:
        g.link(d, "void:sparqlEndpoint", settings.sparql_endpoint)
    for cls, count in stats.class_entities.items():
        part = f"{release}#class-{_slug(cls, curie)}"
        g.link(d, "void:classPartition", part)
        g.link(part, "void:class", cls)
        g.add(part, "void:entities", g.typed(count, "integer"))
    for prop, count in stats.property_triples.items():
        part = f"{release}#property-{_slug(prop, curie)}"
        g.link(d, "void:propertyPartition", part)
        g.link(part, "void:property", prop)
        g.add(part, "void:triples", g.typed(count, "integer"))
    return g.triples
