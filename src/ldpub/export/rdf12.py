"""``ldpub export rdf12``: the dataset as RDF 1.2, each link record the reifier of its direct triple.

For every record of a class with ``ldpub:edgeProperty P`` (and the profile's edge ends for that
class), the output adds ``record rdf:reifies <<( source P target )>>``: the record, with its
status, grades and excerpts, is statement-level metadata about the direct statement. The triple
term is not asserted (a reported alliance is not stated as a fact). The dataset's own triples
are unchanged.
"""

from __future__ import annotations

from .view import DatasetView

__all__ = ["rdf12_turtle", "reifier_triples", "EDGE_PROPERTY", "REIFIES"]

EDGE_PROPERTY = "https://w3id.org/ldpub/meta#edgeProperty"
REIFIES = "http://www.w3.org/1999/02/22-rdf-syntax-ns#reifies"


def reifier_triples(view: DatasetView) -> list:
    """``record rdf:reifies <<( s P o )>>`` for every link record whose class names its direct property."""
    ox = view.ox
    direct = {q.subject.value: q.object.value for q in view.store.quads_for_pattern(None, ox.NamedNode(EDGE_PROPERTY), None)
              if isinstance(q.subject, ox.NamedNode) and isinstance(q.object, ox.NamedNode)}
    out = []
    for kind in view.profile.edge_kinds:
        for cls in sorted(kind.classes):
            prop = direct.get(cls) or next((direct[c] for c in view._classes_up_of(cls) if c in direct), None)
            if prop is None:
                continue
            for record in view.instances_of([cls]):
                sources = [o for o in view.objects(record, kind.source) if isinstance(o, ox.NamedNode)]
                targets = [o for o in view.objects(record, kind.target) if isinstance(o, ox.NamedNode)]
                undirected = kind.source == kind.target
                for s in sources:
                    for o in targets:
                        if undirected and not s.value < o.value:
                            continue
                        out.append(ox.Triple(ox.NamedNode(record), ox.NamedNode(REIFIES),
                                             ox.Triple(s, ox.NamedNode(prop), o)))
    return sorted(set(out), key=str)


def rdf12_turtle(build, *, only_layout: bool = False) -> bytes:
    """The dataset plus its reifier triples, as Turtle 1.2 (deterministic)."""
    import pyoxigraph as ox

    view = DatasetView(build)
    triples = sorted(set(build.triples) | set(reifier_triples(view)), key=str)
    return ox.serialize(triples, format=ox.RdfFormat.TURTLE, prefixes=dict(build.prefixes))
