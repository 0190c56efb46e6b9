"""Statistics of a built dataset: what VoID and the landing page report.

Computed in one pass over the build's sorted triples (no SPARQL needed at these sizes).
*Entities* are the distinct IRI subjects in the dataset's URI space (records and their nested
nodes such as ``<x>#date``).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from ..rdfterms import RDF_TYPE

__all__ = ["DatasetStats", "dataset_stats", "namespace_of"]


@dataclass
class DatasetStats:
    triples: int
    entities: int
    distinct_subjects: int
    distinct_objects: int
    class_entities: dict[str, int]  # class IRI -> number of instances
    property_triples: dict[str, int]  # property IRI -> number of triples
    vocabularies: list[str]  # namespaces of the classes and properties used
    examples: list[str]  # a few representative entity IRIs
    records: int = 0
    dated: int = 0
    earliest: str | None = None  # xsd:date lexical form
    latest: str | None = None
    extra: dict = field(default_factory=dict)


def namespace_of(iri: str) -> str:
    """The namespace of a term IRI: up to its last ``#`` or ``/``."""
    cut = max(iri.rfind("#"), iri.rfind("/"))
    return iri[: cut + 1]


def dataset_stats(triples: list, uri_space: str, records: int = 0) -> DatasetStats:
    """Count triples, entities, subjects, objects, classes and properties of ``triples``.

    The period covered (``earliest``, ``latest``, ``dated``) is the caller's to fill in: it
    comes from the project's profile (see :class:`ldpub.temporal.TimeReader`)."""
    import pyoxigraph as ox

    subjects, objects, entities = set(), set(), set()
    classes: dict[str, set] = {}
    props: Counter = Counter()
    out_degree: Counter = Counter()
    for t in triples:
        s, p, o = t.subject, t.predicate.value, t.object
        subjects.add(s)
        objects.add(o)
        props[p] += 1
        if isinstance(s, ox.NamedNode) and s.value.startswith(uri_space):
            entities.add(s.value)
            if "#" not in s.value[len(uri_space):]:
                out_degree[s.value] += 1
        if p == RDF_TYPE and isinstance(o, ox.NamedNode):
            classes.setdefault(o.value, set()).add(s)
    vocabularies = sorted({namespace_of(p) for p in props} | {namespace_of(c) for c in classes})
    # examples: the three most described records (ties broken by IRI)
    examples = [iri for iri, _ in sorted(out_degree.items(), key=lambda kv: (-kv[1], kv[0]))[:3]]
    return DatasetStats(
        triples=len(triples),
        entities=len(entities),
        distinct_subjects=len(subjects),
        distinct_objects=len(objects),
        class_entities={c: len(v) for c, v in sorted(classes.items())},
        property_triples=dict(sorted(props.items())),
        vocabularies=vocabularies,
        examples=examples,
        records=records,
    )
