"""The JSON-LD context of a dataset, derived from the ontology.

Every ontology term gets a JSON-LD term named by its record key, so the JSON-LD reads like
the YAML records: ``"memberOf": "d:riverside-rowing-club"``. Object properties are coerced to
``@id``, datatype properties to their range, language-tagged strings to the project language.
"""

from __future__ import annotations

from .ontology import ANNOTATION, OBJECT, Vocabulary
from .rdfterms import RDF_LANGSTRING, XSD

__all__ = ["build_context"]


def build_context(vocab: Vocabulary, data_prefix: str, base_iri: str, language: str) -> dict:
    """The ``@context`` object (a dict with stable key order)."""
    ctx: dict = {"@version": 1.1}
    # a prefix named like a term would be shadowed by that term: leave such prefixes out
    taken = {k for k in (*vocab.classes, *vocab.properties) if ":" not in k} | {"id", "type"}
    prefixes = {p: ns for p, ns in vocab.prefixes.items() if p not in taken}
    prefixes[data_prefix] = base_iri

    def curie(iri: str) -> str:
        for prefix, ns in sorted(prefixes.items(), key=lambda kv: -len(kv[1])):
            if iri.startswith(ns) and len(iri) > len(ns):
                return f"{prefix}:{iri[len(ns):]}"
        return iri

    for prefix, ns in sorted(prefixes.items()):
        if prefix != data_prefix:
            ctx[prefix] = ns
    ctx[data_prefix] = base_iri
    ctx["id"] = "@id"
    ctx["type"] = "@type"
    for key, term in sorted(vocab.classes.items()):
        if ":" not in key:
            ctx[key] = curie(term.iri)
    for key, term in sorted(vocab.properties.items()):
        if ":" in key:
            continue
        definition: dict = {"@id": curie(term.iri)}
        if term.kind == OBJECT:
            definition["@type"] = "@id"
        elif term.range == RDF_LANGSTRING or (term.kind == ANNOTATION and term.range is None):
            definition["@language"] = language
        elif term.range and term.range != XSD + "string":
            definition["@type"] = curie(term.range)
        ctx[key] = definition
    return ctx
