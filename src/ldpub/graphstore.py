"""The graph store behind ldpub: a pyoxigraph in-memory Store, and the one bridge to rdflib.

Every other module gets graphs from here, so the engine can change without touching callers.
pyoxigraph parses, queries and serializes 10-50x faster than rdflib (see docs/performance.md);
rdflib is used only where a library needs it (pySHACL, owlready2 export).
"""

from __future__ import annotations

from pathlib import Path
from typing import Iterable

__all__ = ["new_store", "store_from_lines", "sorted_triples", "to_rdflib", "ntriples_bytes", "load_store", "triple_key"]


def new_store(triples: Iterable = ()):
    """An in-memory pyoxigraph Store holding ``triples`` in the default graph."""
    import pyoxigraph as ox

    store = ox.Store()
    store.bulk_extend(ox.Quad(t.subject, t.predicate, t.object) for t in triples)
    return store


def store_from_lines(lines: list[str]):
    """An in-memory Store holding the triples of N-Triples lines (see :mod:`ldpub.ntriples`)."""
    import pyoxigraph as ox

    from .ntriples import lines_bytes

    store = ox.Store()
    data = lines_bytes(lines)
    if data:
        store.bulk_load(data, format=ox.RdfFormat.N_TRIPLES)
    return store


def load_store(path: Path, format_name: str | None = None):
    """Load an RDF file (format from its extension) into a new Store."""
    import pyoxigraph as ox

    store = ox.Store()
    fmt = ox.RdfFormat.from_extension(path.suffix.lstrip(".")) if format_name is None else getattr(ox.RdfFormat, format_name)
    store.bulk_load(path=str(path), format=fmt)
    return store


def triple_key(triple) -> str:
    """The sort key of a triple: its N-Triples line (subject, then predicate, then object)."""
    return str(triple)


def sorted_triples(triples: Iterable) -> list:
    """Unique triples in a stable order (their N-Triples text).

    Blank nodes (shapes use them) are first renamed canonically (RDFC-1.0), so the same graph
    always gets the same labels and the same order.
    """
    import pyoxigraph as ox

    from itertools import repeat

    triples = list(triples)
    keys = list(map(str, triples))
    # N-Triples text: a blank node is the subject (starts "_:") or the object (last token "_:x");
    # a literal's text cannot end that way (it ends in a quote, a language tag or a datatype IRI).
    # First a cheap test in C (no "_:" anywhere: no blank node), the exact one only if needed.
    if any(map(str.__contains__, keys, repeat("_:"))) and any(
            k.startswith("_:") or k.rpartition(" ")[2].startswith("_:") for k in keys):
        dataset = ox.Dataset(ox.Quad(t.subject, t.predicate, t.object) for t in triples)
        dataset.canonicalize(ox.CanonicalizationAlgorithm.RDFC_1_0)
        triples = [q.triple for q in dataset]
        keys = [str(t) for t in triples]
    unique = dict(zip(keys, triples))
    return [unique[k] for k in sorted(unique)]


def ntriples_bytes(triples: Iterable) -> bytes:
    """Canonical N-Triples of the triples, in the order given."""
    import pyoxigraph as ox

    return ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES)


def to_rdflib(*triple_sets: Iterable):
    """An rdflib Graph with the given triples (for libraries that need rdflib)."""
    import rdflib

    graph = rdflib.Graph()
    data = b"".join(ntriples_bytes(ts) for ts in triple_sets)
    graph.parse(data=data, format="nt")
    return graph
