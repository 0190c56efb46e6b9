"""The pyoxigraph Store the SPARQL-based constraints run on, loaded in a background thread.

The data graph is the Store's default graph (only the predicates the queries can match, when
:meth:`ldpub.shacl.sparqlquery.QueryText.fixed_predicates` proves which); the shapes graph is
added as a named graph when a query reads ``$shapesGraph``. pyoxigraph releases the GIL while it
loads and evaluates, so the Store fills while Python indexes the lines and checks core
constraints.

The Store stores literals in canonical form (``"4.0"^^xsd:decimal`` comes back as ``"4"``), so
a literal a query returns is mapped back to the data's own term where the data has one
(:meth:`SparqlStore.data_term`).
"""

from __future__ import annotations

import re
import threading
from concurrent.futures import Future, ThreadPoolExecutor
from itertools import chain
from typing import Iterable

__all__ = ["SparqlStore", "SHAPES_GRAPH", "load_lines"]

SHAPES_GRAPH = "urn:x-ldpub:shacl:shapes-graph"


def load_lines(store, groups: Iterable[list[str]], graph: str | None = None) -> None:
    """Add N-Triples lines (lists of them) to ``store``, keeping blank node labels."""
    import pyoxigraph as ox

    text = " .\n".join(chain.from_iterable(groups))
    if not text:
        return
    data = (text + " .\n").encode("utf-8")
    if graph is not None:
        quads = ox.parse(data, format=ox.RdfFormat.N_TRIPLES, lenient=True)
        store.extend(ox.Quad(q.subject, q.predicate, q.object, ox.NamedNode(graph)) for q in quads)
    elif "_:" in text:  # Store.load renames blank nodes: parse (keeping the labels results name) and add
        store.extend(ox.parse(data, format=ox.RdfFormat.N_TRIPLES, lenient=True))
    else:  # lines printed by pyoxigraph are valid: skip re-validating every IRI
        store.load(data, format=ox.RdfFormat.N_TRIPLES, lenient=True)


class SparqlStore:
    """A Store filled on a worker thread; :meth:`ready` waits for every load given so far."""

    def __init__(self) -> None:
        import pyoxigraph as ox

        self.store = ox.Store()
        self.pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="ldpub-shacl-store")
        self.jobs: list[Future] = []
        self._canonical: dict[str, str] = {}
        self._scratch = None
        self._lock = threading.Lock()  # the scratch Store is shared by the two threads

    def feed(self, groups: list[list[str]], graph: str | None = None) -> None:
        self.jobs.append(self.pool.submit(load_lines, self.store, groups, graph))

    def ready(self):
        """The Store, once every load has finished (re-raises what a load raised)."""
        for job in list(self.jobs):
            job.result()
        return self.store

    def submit(self, function, *args) -> Future:
        """Run ``function(*args)`` on the Store's thread, after the loads given so far."""
        return self.pool.submit(function, *args)

    def close(self) -> None:
        self.pool.shutdown(wait=True)

    def canonical(self, term: str) -> str:
        """The text of ``term`` as the Store holds it (literals canonicalized)."""
        if term[0] != '"':
            return term
        hit = self._canonical.get(term)
        if hit is None:
            import pyoxigraph as ox

            from .terms import to_oxigraph

            subject, predicate = ox.NamedNode("urn:x:s"), ox.NamedNode("urn:x:p")
            with self._lock:
                if self._scratch is None:
                    self._scratch = ox.Store()
                try:
                    self._scratch.add(ox.Quad(subject, predicate, to_oxigraph(term)))
                    hit = str(next(iter(self._scratch)).object)
                except (ValueError, StopIteration):
                    hit = term
                self._scratch.clear()
            self._canonical[term] = hit
        return hit

    def data_term(self, returned: str, candidates: Iterable[str]) -> str:
        """The data's own term for a term a query returned: the one candidate the Store holds
        as ``returned`` (itself when it is not a literal or no candidate matches)."""
        if returned[0] != '"':
            return returned
        for candidate in candidates:
            if candidate == returned:
                return candidate
        for candidate in candidates:
            if candidate[0] == '"' and self.canonical(candidate) == returned:
                return candidate
        return returned


_ERROR_AT = re.compile(r"error at (\d+):(\d+)")


def error_position(message: str) -> tuple[int, int] | None:
    """(line, column) of a pyoxigraph SPARQL syntax error message, if it gives one."""
    m = _ERROR_AT.search(message)
    return (int(m.group(1)), int(m.group(2))) if m else None
