"""The value nodes of a shape for a batch of focus nodes, and the questions constraints ask of them.

A constraint component never walks focus nodes one by one itself: it asks its
:class:`ValueNodes` which focus nodes have fewer than n values, which (focus, value) pairs hold
a value failing a test, and so on. Three implementations answer the same questions:

* :class:`SelfValues`: a node shape, whose only value node is the focus node;
* :class:`MappedValues`: any path, walked for each focus node;
* :class:`PredicateValues`: a property shape whose path is one IRI, answered from that
  predicate's lists with set operations in C (the focus nodes without a value are a set
  difference, a test runs once per distinct object). This is the batched evaluation that makes
  the engine fast; ``tests/test_shacl_valuenodes.py`` checks on random graphs that it answers
  every question exactly as :class:`MappedValues` does.
"""

from __future__ import annotations

from abc import ABC, abstractmethod

from collections import Counter
from typing import Callable, Collection, Iterable, Iterator

from .graph import Predicate

__all__ = ["ValueNodes", "SelfValues", "MappedValues", "PredicateValues"]


class ValueNodes(ABC):
    """The value nodes of each focus node of a batch."""

    focus: Collection[str]

    @abstractmethod
    def items(self) -> Iterator[tuple[str, list[str]]]:
        """(focus node, its distinct value nodes) for every focus node."""

    @abstractmethod
    def of(self, focus: str) -> list[str]:
        """The distinct value nodes of one focus node."""

    @abstractmethod
    def value_set(self) -> set[str]:
        """Every distinct value node of the batch."""

    def candidates(self) -> Collection[str]:
        """A superset of :meth:`value_set` that is cheap to get; for tests without side effects."""
        return self.value_set()

    def pairs_failing(self, failing: Collection[str]) -> list[tuple[str, str]]:
        """(focus, value) for every value node in ``failing``."""
        return [(f, v) for f, values in self.items() for v in values if v in failing]

    def fewer_than(self, n: int) -> list[str]:
        """The focus nodes with fewer than ``n`` value nodes."""
        return [f for f, values in self.items() if len(values) < n]

    def more_than(self, n: int) -> list[str]:
        """The focus nodes with more than ``n`` value nodes."""
        return [f for f, values in self.items() if len(values) > n]

    def without(self, value: str) -> list[str]:
        """The focus nodes that do not have ``value`` among their value nodes."""
        return [f for f, values in self.items() if value not in values]


class SelfValues(ValueNodes):
    """A node shape: each focus node is its own (only) value node."""

    def __init__(self, focus: Iterable[str]) -> None:
        self.focus = focus if isinstance(focus, (set, frozenset)) else frozenset(focus)

    def items(self):
        return ((f, [f]) for f in self.focus)

    def of(self, focus):
        return [focus]

    def value_set(self):
        return self.focus

    def pairs_failing(self, failing):
        if len(failing) < len(self.focus):
            return [(f, f) for f in failing if f in self.focus]
        return [(f, f) for f in self.focus if f in failing]

    def fewer_than(self, n):
        return list(self.focus) if n > 1 else []

    def more_than(self, n):
        return list(self.focus) if n < 1 else []

    def without(self, value):
        return [f for f in self.focus if f != value]


class MappedValues(ValueNodes):
    """Any path: the value nodes of each focus node, walked once."""

    def __init__(self, focus: Iterable[str], walk: Callable[[str], list[str]]) -> None:
        self.focus = list(dict.fromkeys(focus))
        self.mapping = {f: walk(f) for f in self.focus}

    def items(self):
        return iter(self.mapping.items())

    def of(self, focus):
        return self.mapping.get(focus, [])

    def value_set(self):
        out: set[str] = set()
        for values in self.mapping.values():
            out.update(values)
        return out


class PredicateValues(ValueNodes):
    """A path of one predicate, answered from that predicate's subject and object lists."""

    def __init__(self, focus: Iterable[str], triples: Predicate) -> None:
        self.focus = focus if isinstance(focus, (set, frozenset)) else frozenset(focus)
        self.triples = triples
        self._mapping: dict | None = None
        self._values: set | None = None

    def _map(self) -> dict:
        if self._mapping is None:
            focus, mapping = self.focus, {}
            if focus:
                for s, o in zip(self.triples.subjects, self.triples.objects):
                    if s in focus:
                        found = mapping.get(s)
                        if found is None:
                            mapping[s] = [o]
                        else:
                            found.append(o)
            self._mapping = mapping
        return self._mapping

    def items(self):
        mapping = self._map()
        return ((f, mapping.get(f, [])) for f in self.focus)

    def of(self, focus):
        return self._map().get(focus, [])

    def value_set(self):
        if self._values is None:
            if len(self.focus) * 4 >= len(self.triples.subject_set()) and self.focus >= self.triples.subject_set():
                self._values = set(self.triples.distinct_objects())
            else:
                out: set[str] = set()
                for values in self._map().values():
                    out.update(values)
                self._values = out
        return self._values

    def candidates(self):
        return self.triples.distinct_objects()

    def pairs_failing(self, failing):
        if not failing:
            return []
        focus = self.focus
        return [(s, o) for s, o in zip(self.triples.subjects, self.triples.objects) if o in failing and s in focus]

    def fewer_than(self, n):
        if n <= 0:
            return []
        missing = self.focus - self.triples.subject_set() if isinstance(self.focus, frozenset) else \
            frozenset(self.focus) - self.triples.subject_set()
        if n == 1:
            return list(missing)
        counts = Counter(s for s in self.triples.subjects if s in self.focus)
        return list(missing) + [s for s, c in counts.items() if c < n]

    def more_than(self, n):
        if n < 0:
            return list(self.focus)
        if n == 0:
            return list(self.focus & self.triples.subject_set())
        if not self.triples.repeats():
            return []
        counts = Counter(s for s in self.triples.subjects if s in self.focus)
        return [s for s, c in counts.items() if c > n]

    def without(self, value):
        having = {s for s, o in zip(self.triples.subjects, self.triples.objects) if o == value}
        return [f for f in self.focus if f not in having]
