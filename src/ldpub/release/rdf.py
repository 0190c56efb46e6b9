"""A small triple builder and the namespaces of release metadata (DCAT, VoID, PROV, SPDX...)."""

from __future__ import annotations

from typing import Iterable

from ..rdfterms import DCT, OWL, RDF, RDFS, SKOS, XSD

__all__ = ["NS", "TripleBuilder", "turtle_bytes", "jsonld_bytes", "metadata_context"]

NS: dict[str, str] = {
    "adms": "http://www.w3.org/ns/adms#",
    "dcat": "http://www.w3.org/ns/dcat#",
    "dcatap": "http://data.europa.eu/r5r/",
    "dct": DCT,
    "foaf": "http://xmlns.com/foaf/0.1/",
    "owl": OWL,
    "prov": "http://www.w3.org/ns/prov#",
    "rdf": RDF,
    "rdfs": RDFS,
    "schema": "https://schema.org/",
    "skos": SKOS,
    "spdx": "http://spdx.org/rdf/terms#",
    "vcard": "http://www.w3.org/2006/vcard/ns#",
    "void": "http://rdfs.org/ns/void#",
    "xsd": XSD,
}


def _iri(curie_or_iri: str) -> str:
    prefix, _, local = curie_or_iri.partition(":")
    if prefix in NS and not local.startswith("//"):
        return NS[prefix] + local
    return curie_or_iri


class TripleBuilder:
    """Collects pyoxigraph triples; predicates and classes may be written as CURIEs (``dcat:Dataset``)."""

    def __init__(self, language: str = "en") -> None:
        import pyoxigraph as ox

        self._ox = ox
        self.language = language
        self.triples: list = []

    def node(self, iri: str):
        return self._ox.NamedNode(_iri(iri))

    def add(self, subject: str, predicate: str, obj) -> None:
        """Add one triple; ``obj`` is a pyoxigraph term (see :meth:`node`, :meth:`text`, :meth:`typed`)."""
        self.triples.append(self._ox.Triple(self.node(subject), self.node(predicate), obj))

    def link(self, subject: str, predicate: str, *objects: str) -> None:
        for obj in objects:
            self.add(subject, predicate, self.node(obj))

    def a(self, subject: str, *classes: str) -> None:
        self.link(subject, "rdf:type", *classes)

    def text(self, value: str, language: str | None = "") -> object:
        """A language-tagged string (the release language unless ``language`` is None: plain string)."""
        if language is None:
            return self._ox.Literal(value)
        return self._ox.Literal(value, language=language or self.language)

    def typed(self, value: object, datatype: str):
        return self._ox.Literal(str(value), datatype=self.node("xsd:" + datatype if ":" not in datatype else datatype))

    def labelled(self, subject: str, cls: Iterable[str] | str, label: str, predicate: str = "skos:prefLabel") -> None:
        """Type a node and give it a label (range shapes of DCAT-AP need the class of every value)."""
        self.a(subject, *([cls] if isinstance(cls, str) else cls))
        self.add(subject, predicate, self.text(label))


def metadata_context() -> dict:
    """The JSON-LD context of release metadata: the namespaces, ``id`` and ``type``."""
    return {"@version": 1.1, **dict(sorted(NS.items())), "id": "@id", "type": "@type"}


def turtle_bytes(triples: list) -> bytes:
    """Deterministic Turtle (sorted triples, fixed prefixes)."""
    from ..graphstore import sorted_triples
    from ..serialize import FORMATS, WriteContext

    return FORMATS["turtle"].writer(sorted_triples(triples), WriteContext(prefixes=NS))


def jsonld_bytes(triples: list) -> bytes:
    """Deterministic compact JSON-LD with :func:`metadata_context` inline."""
    from ..graphstore import sorted_triples
    from ..serialize import write_jsonld

    return write_jsonld(sorted_triples(triples), metadata_context())
