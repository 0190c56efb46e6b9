"""SHACL property paths: read from the shapes graph, walked on the data graph, written back.

Every kind of path (predicate, sequence, alternative, inverse, zero-or-more, one-or-more,
zero-or-one) is a small frozen class with three jobs: the value nodes of a node
(:meth:`Path.values`, and of a node walking the path backwards, :meth:`Path.inverse_values`),
its SPARQL syntax (``$PATH`` substitution) and its RDF form for ``sh:resultPath``.
"""

from __future__ import annotations

from abc import ABC, abstractmethod

from dataclasses import dataclass
from typing import Callable

from .errors import ShapesError
from .graph import DataGraph
from .shapesgraph import RDF_FIRST, RDF_NIL, RDF_REST, ShapesGraph, sh

__all__ = ["Path", "PredicatePath", "InversePath", "SequencePath", "AlternativePath", "ZeroOrMorePath",
           "OneOrMorePath", "ZeroOrOnePath", "parse_path"]


class Path(ABC):
    """A SHACL property path."""

    @abstractmethod
    def values(self, graph: DataGraph, node: str) -> list[str]:
        """The distinct nodes reached from ``node``, in a stable order."""

    @abstractmethod
    def inverse_values(self, graph: DataGraph, node: str) -> list[str]:
        """The distinct nodes from which the path reaches ``node``."""

    @abstractmethod
    def sparql(self) -> str:
        """The path in SPARQL property path syntax."""

    @abstractmethod
    def to_rdf(self, new_blank: Callable[[], str]) -> tuple[str, list[tuple[str, str, str]]]:
        """(node, triples) of the path as the shapes graph writes it (fresh blank nodes)."""


@dataclass(frozen=True)
class PredicatePath(Path):
    predicate: str  # <iri>

    def values(self, graph: DataGraph, node: str) -> list[str]:
        return graph.objects(node, self.predicate)

    def inverse_values(self, graph: DataGraph, node: str) -> list[str]:
        return graph.subjects(self.predicate, node)

    def sparql(self) -> str:
        return self.predicate

    def to_rdf(self, new_blank):
        return self.predicate, []


@dataclass(frozen=True)
class InversePath(Path):
    path: Path

    def values(self, graph, node):
        return self.path.inverse_values(graph, node)

    def inverse_values(self, graph, node):
        return self.path.values(graph, node)

    def sparql(self) -> str:
        return f"^({self.path.sparql()})"

    def to_rdf(self, new_blank):
        inner, triples = self.path.to_rdf(new_blank)
        node = new_blank()
        return node, [(node, sh("inversePath"), inner), *triples]


def _walk(starts: list[str], step) -> list[str]:
    out: dict[str, None] = {}
    for start in starts:
        for v in step(start):
            out[v] = None
    return list(out)


def _rdf_list(members: list[Path], new_blank) -> tuple[str, list]:
    triples: list = []
    heads = [new_blank() for _ in members]
    for i, member in enumerate(members):
        node, inner = member.to_rdf(new_blank)
        triples.append((heads[i], RDF_FIRST, node))
        triples.append((heads[i], RDF_REST, heads[i + 1] if i + 1 < len(heads) else RDF_NIL))
        triples.extend(inner)
    return heads[0], triples


@dataclass(frozen=True)
class SequencePath(Path):
    steps: tuple[Path, ...]

    def values(self, graph, node):
        nodes = [node]
        for step in self.steps:
            nodes = _walk(nodes, lambda n, s=step: s.values(graph, n))
        return nodes

    def inverse_values(self, graph, node):
        nodes = [node]
        for step in reversed(self.steps):
            nodes = _walk(nodes, lambda n, s=step: s.inverse_values(graph, n))
        return nodes

    def sparql(self) -> str:
        return "(" + "/".join(step.sparql() for step in self.steps) + ")"

    def to_rdf(self, new_blank):
        return _rdf_list(list(self.steps), new_blank)


@dataclass(frozen=True)
class AlternativePath(Path):
    options: tuple[Path, ...]

    def values(self, graph, node):
        out: dict[str, None] = {}
        for option in self.options:
            out.update(dict.fromkeys(option.values(graph, node)))
        return list(out)

    def inverse_values(self, graph, node):
        out: dict[str, None] = {}
        for option in self.options:
            out.update(dict.fromkeys(option.inverse_values(graph, node)))
        return list(out)

    def sparql(self) -> str:
        return "(" + "|".join(option.sparql() for option in self.options) + ")"

    def to_rdf(self, new_blank):
        head, triples = _rdf_list(list(self.options), new_blank)
        node = new_blank()
        return node, [(node, sh("alternativePath"), head), *triples]


def _closure(start: str, step, include_start: bool) -> list[str]:
    out: dict[str, None] = {start: None} if include_start else {}
    frontier = [start]
    seen = {start}
    while frontier:
        nxt = []
        for n in frontier:
            for v in step(n):
                if v not in out:
                    out[v] = None
                if v not in seen:
                    seen.add(v)
                    nxt.append(v)
        frontier = nxt
    return list(out)


@dataclass(frozen=True)
class ZeroOrMorePath(Path):
    path: Path

    def values(self, graph, node):
        return _closure(node, lambda n: self.path.values(graph, n), True)

    def inverse_values(self, graph, node):
        return _closure(node, lambda n: self.path.inverse_values(graph, n), True)

    def sparql(self) -> str:
        return f"({self.path.sparql()})*"

    def to_rdf(self, new_blank):
        inner, triples = self.path.to_rdf(new_blank)
        node = new_blank()
        return node, [(node, sh("zeroOrMorePath"), inner), *triples]


@dataclass(frozen=True)
class OneOrMorePath(Path):
    path: Path

    def values(self, graph, node):
        return _closure(node, lambda n: self.path.values(graph, n), False)

    def inverse_values(self, graph, node):
        return _closure(node, lambda n: self.path.inverse_values(graph, n), False)

    def sparql(self) -> str:
        return f"({self.path.sparql()})+"

    def to_rdf(self, new_blank):
        inner, triples = self.path.to_rdf(new_blank)
        node = new_blank()
        return node, [(node, sh("oneOrMorePath"), inner), *triples]


@dataclass(frozen=True)
class ZeroOrOnePath(Path):
    path: Path

    def values(self, graph, node):
        return list(dict.fromkeys([node, *self.path.values(graph, node)]))

    def inverse_values(self, graph, node):
        return list(dict.fromkeys([node, *self.path.inverse_values(graph, node)]))

    def sparql(self) -> str:
        return f"({self.path.sparql()})?"

    def to_rdf(self, new_blank):
        inner, triples = self.path.to_rdf(new_blank)
        node = new_blank()
        return node, [(node, sh("zeroOrOnePath"), inner), *triples]


_UNARY = {"inversePath": InversePath, "zeroOrMorePath": ZeroOrMorePath, "oneOrMorePath": OneOrMorePath,
          "zeroOrOnePath": ZeroOrOnePath}


def parse_path(shapes: ShapesGraph, node: str, shape: str, depth: int = 0) -> Path:
    """The path whose shapes-graph node is ``node`` (of ``shape``, named in errors)."""
    if depth > 100:
        raise ShapesError.about(shape, "sh:path is nested too deeply (or is cyclic)")
    if node.startswith("<"):
        return PredicatePath(node)
    if not node.startswith("_:"):
        raise ShapesError.about(shape, f"sh:path must be an IRI or a blank node, not {node}")
    if shapes.objects(node, RDF_FIRST):  # a list is a sequence path (also when other path triples sit beside it)
        steps = tuple(parse_path(shapes, m, shape, depth + 1) for m in shapes.items(node, shape, "a sequence path"))
        if len(steps) < 2:
            raise ShapesError.about(shape, "a sequence path needs at least two members")
        return SequencePath(steps)
    for name, kind in _UNARY.items():
        inner = shapes.objects(node, sh(name))
        if inner:
            if len(inner) != 1:
                raise ShapesError.about(shape, f"sh:{name} needs exactly one value")
            return kind(parse_path(shapes, inner[0], shape, depth + 1))
    alternatives = shapes.objects(node, sh("alternativePath"))
    if alternatives:
        options = tuple(parse_path(shapes, m, shape, depth + 1)
                        for m in shapes.items(alternatives[0], shape, "sh:alternativePath"))
        if len(options) < 2:
            raise ShapesError.about(shape, "sh:alternativePath needs a list of at least two paths")
        return AlternativePath(options)
    from ..errors import did_you_mean
    from ..rdfterms import SH

    names = [*_UNARY, "alternativePath"]
    wrong = [p[len(SH) + 1:-1] for p in shapes.predicates(node) if p.startswith(f"<{SH}")]
    if wrong:
        hint = did_you_mean(wrong[0], names) or "use " + ", ".join(f"sh:{n}" for n in names)
        raise ShapesError.about(shape, f"sh:{wrong[0]} is not a SHACL path term", hint=hint)
    raise ShapesError.about(shape, "sh:path is not a SHACL property path",
                            hint="use an IRI, a list (sequence) or a blank node with sh:inversePath, "
                                 "sh:alternativePath, sh:zeroOrMorePath, sh:oneOrMorePath or sh:zeroOrOnePath")
