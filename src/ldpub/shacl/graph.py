"""The data graph, indexed from N-Triples lines in one pass.

Each line is split at its first two spaces (a subject or predicate never contains one; an
object may) and appended to its predicate's lists: terms stay N-Triples text
(:mod:`ldpub.shacl.terms`), consecutive lines of one subject share one subject string, and the
per-subject and per-object dictionaries a path needs are made only for the predicates a shape
walks. A repeated line (the same triple in the data and in the ontology) is kept once.
"""

from __future__ import annotations

from typing import Callable, Iterable

from ..rdfterms import RDF_TYPE, RDFS

__all__ = ["DataGraph", "Predicate", "ntriples_lines", "CHUNK"]

TYPE = f"<{RDF_TYPE}>"
SUBCLASS_OF = f"<{RDFS}subClassOf>"
CHUNK = 200_000  # lines indexed between two hand-overs to the Store loader


def ntriples_lines(data: Iterable) -> list[str]:
    """N-Triples lines (``<s> <p> <o>``, no final `` .``): a list of lines as it is, pyoxigraph
    Triples or Quads (default graph) as their lines."""
    if not isinstance(data, list):
        data = list(data)
    if not data or isinstance(data[0], str):
        return data
    return [str(getattr(t, "triple", t)) for t in data]


class Predicate:
    """The triples of one predicate: parallel lists of subjects, objects and lines."""

    __slots__ = ("subjects", "objects", "lines", "_subject_set", "_distinct", "_by_subject", "_by_object",
                 "_repeats", "cache")

    def __init__(self) -> None:
        self.subjects: list[str] = []
        self.objects: list[str] = []
        self.lines: list[str] = []
        self._subject_set: frozenset | None = None
        self._distinct: frozenset | None = None
        self._by_subject: dict | None = None
        self._by_object: dict | None = None
        self._repeats: bool | None = None
        self.cache: dict = {}  # per-test results on the distinct objects (shapes repeat them)

    def subject_set(self) -> frozenset:
        if self._subject_set is None:
            self._subject_set = frozenset(self.subjects)
        return self._subject_set

    def distinct_objects(self) -> frozenset:
        if self._distinct is None:
            self._distinct = frozenset(self.objects)
        return self._distinct

    def repeats(self) -> bool:
        """Whether some subject has more than one value."""
        if self._repeats is None:
            self._repeats = len(self.subject_set()) != len(self.subjects)
        return self._repeats

    def by_subject(self) -> dict:
        """Subject -> its objects (in line order)."""
        if self._by_subject is None:
            index: dict = {}
            for s, o in zip(self.subjects, self.objects):
                found = index.get(s)
                if found is None:
                    index[s] = [o]
                else:
                    found.append(o)
            self._by_subject = index
        return self._by_subject

    def by_object(self) -> dict:
        """Object -> its subjects (in line order)."""
        if self._by_object is None:
            index: dict = {}
            for s, o in zip(self.subjects, self.objects):
                found = index.get(o)
                if found is None:
                    index[o] = [s]
                else:
                    found.append(s)
            self._by_object = index
        return self._by_object

    def dedupe(self) -> None:
        if len(set(self.lines)) == len(self.lines):
            return
        unique = list(dict.fromkeys(zip(self.lines, self.subjects, self.objects)))
        self.lines = [u[0] for u in unique]
        self.subjects = [u[1] for u in unique]
        self.objects = [u[2] for u in unique]


_EMPTY = Predicate()


class DataGraph:
    """The data graph (the data, and the ontology where the build adds it), by predicate."""

    def __init__(self, *line_sets: Iterable, feed: Callable[[list[list[str]]], None] | None = None,
                 streamed: set[str] | None = None, first_unique: bool = False) -> None:
        """``line_sets``: lists of N-Triples lines (or pyoxigraph Triples); ``first_unique``: the
        first set repeats no line (the build's sorted, unique lines), so only predicates that also
        got lines from another set are checked for repeats. ``feed`` (optional)
        receives, every :data:`CHUNK` lines, the new lines of the ``streamed`` predicates
        (``<iri>`` texts; None: all) as lists of lines, for a Store loading meanwhile."""
        import gc

        by_pred: dict[str, Predicate] = {}
        sources: dict[str, int] = {}  # predicate -> the last line set it got lines from
        shared: set[str] = set()  # predicates with lines from two sets (may repeat a triple)
        fed: dict[str, int] = {}
        paused = gc.isenabled()
        gc.disable()  # the collector would rescan the growing lists for nothing
        try:
            for number, lines in enumerate(line_sets):
                lines = ntriples_lines(lines)
                prev = None
                for start in range(0, len(lines), CHUNK):
                    for line in lines[start:start + CHUNK]:
                        s, p, o = line.split(" ", 2)
                        values = by_pred.get(p)
                        if values is None:
                            values = by_pred[p] = Predicate()
                            sources[p] = number
                        elif sources[p] != number:
                            shared.add(p)
                            sources[p] = number
                        if s == prev:
                            s = prev
                        else:
                            prev = s
                        values.subjects.append(s)
                        values.objects.append(o)
                        values.lines.append(line)
                    if feed is not None:
                        new = []
                        for p, values in by_pred.items():
                            done = fed.get(p, 0)
                            if len(values.lines) > done and (streamed is None or p in streamed):
                                new.append(values.lines[done:])
                                fed[p] = len(values.lines)
                        if new:
                            feed(new)
            for p in (shared if first_unique or len(line_sets) == 0 else by_pred):
                by_pred[p].dedupe()
        finally:
            if paused:
                gc.enable()
        self.by_pred = by_pred
        self.fed = fed
        self._instances: dict[str, list[str]] | None = None
        self._subclasses: dict[str, frozenset] = {}
        self._members: dict[frozenset, frozenset] = {}
        self._below: dict[str, list[str]] | None = None

    def __len__(self) -> int:
        return sum(len(v.lines) for v in self.by_pred.values())

    def predicate(self, p: str) -> Predicate:
        """The triples of predicate ``p`` (``<iri>``; empty if none)."""
        return self.by_pred.get(p, _EMPTY)

    def objects(self, s: str, p: str) -> list[str]:
        return self.by_pred.get(p, _EMPTY).by_subject().get(s, [])

    def subjects(self, p: str, o: str) -> list[str]:
        return self.by_pred.get(p, _EMPTY).by_object().get(o, [])

    def subclasses(self, cls: str) -> frozenset:
        """``cls`` and every class below it by ``rdfs:subClassOf`` (transitively)."""
        hit = self._subclasses.get(cls)
        if hit is None:
            if self._below is None:
                self._below = {}
                sub = self.predicate(SUBCLASS_OF)
                for s, o in zip(sub.subjects, sub.objects):
                    self._below.setdefault(o, []).append(s)
            seen, stack = {cls}, [cls]
            while stack:
                for child in self._below.get(stack.pop(), ()):
                    if child not in seen:
                        seen.add(child)
                        stack.append(child)
            hit = self._subclasses[cls] = frozenset(seen)
        return hit

    def instances(self, cls: str) -> frozenset:
        """The SHACL instances of ``cls``: nodes typed with it or a subclass of it."""
        closure = self.subclasses(cls)
        hit = self._members.get(closure)
        if hit is None:
            if self._instances is None:
                index: dict[str, list[str]] = {}
                types = self.predicate(TYPE)
                for node, c in zip(types.subjects, types.objects):
                    found = index.get(c)
                    if found is None:
                        index[c] = [node]
                    else:
                        found.append(node)
                self._instances = index
            from itertools import chain, repeat

            hit = self._members[closure] = frozenset(chain.from_iterable(map(self._instances.get, closure, repeat(()))))
        return hit
