"""The validator: every shape with targets, on its focus nodes, batch by batch.

:func:`validate_lines` is the engine's entry point: the data graph as N-Triples lines, the
shapes graph as lines or pyoxigraph Triples. It reads the shapes graph, decides what the Store
of the SPARQL-based constraints must hold and starts loading it on a worker thread while the
lines are indexed (:class:`ldpub.shacl.graph.DataGraph`), then validates each root shape on
all its focus nodes at once. Shapes reached through ``sh:node``, ``sh:and``, ``sh:or``,
``sh:xone``, ``sh:not`` and ``sh:qualifiedValueShape`` are validated on the batch of value
nodes that needs them, and each node's conformance is remembered; a shape that (through the
data) comes back to the same node while validating it is recursion, an error.
"""

from __future__ import annotations

from typing import Iterable

from .errors import ShapesError
from .graph import DataGraph, ntriples_lines
from .model import Found, Shape
from .paths import PredicatePath
from .report import ValidationReport
from .shapes import read_shape, root_shapes
from .shapesgraph import ShapesGraph, sh
from .sparql import sparql_components
from .sparqlquery import QueryText
from .store import SHAPES_GRAPH, SparqlStore
from .targets import focus_nodes
from .valuenodes import MappedValues, PredicateValues, SelfValues, ValueNodes

__all__ = ["Engine", "validate_lines", "validate_units", "store_plan", "UNIT_PARTS"]

#: The parts of a root shape that :meth:`Engine.run_units` runs as units of their own.
UNIT_PARTS = ("core", "sparql")


class Engine:
    """One validation: the data graph, the shapes graph, the Store, and what is remembered."""

    def __init__(self, graph: DataGraph, shapes: ShapesGraph, store: SparqlStore | None = None,
                 observed: set[str] | None = None) -> None:
        self.graph = graph
        self.observed = observed  # when a set: every node some shape with constraints was validated on
        self.shapes = shapes
        self._store = store
        self._shapes: dict[str, Shape] = {}
        self._components = None
        self.focus_cache: dict = {}
        self._conformance: dict[str, dict[str, bool]] = {}
        self._batch: dict[str, set[str]] = {}  # shape -> nodes being validated in a batch
        self._stack: set[tuple[str, str]] = set()  # (shape, node) validated one by one, on the way down

    # ------------------------------------------------------------------ shapes and queries
    def shape(self, node: str) -> Shape:
        """The shape ``node``, read once."""
        found = self._shapes.get(node)
        if found is None:
            if self._components is None:
                self._components = sparql_components(self.shapes)
            found = self._shapes[node] = read_shape(self, self.shapes, node, self._components)
        return found

    def sparql_store(self) -> SparqlStore:
        """The Store of the SPARQL-based constraints (made now, with everything, if none was planned)."""
        if self._store is None:
            self._store = SparqlStore()
            self._store.feed([p.lines for p in self.graph.by_pred.values()])
            self._store.feed([self.shapes.lines], graph=SHAPES_GRAPH)
        return self._store

    # ------------------------------------------------------------------ validating
    def value_nodes(self, shape: Shape, focus) -> ValueNodes:
        if shape.path is None:
            return SelfValues(focus)
        if isinstance(shape.path, PredicatePath):
            return PredicateValues(focus, self.graph.predicate(shape.path.predicate))
        graph, path = self.graph, shape.path
        return MappedValues(focus, lambda node: path.values(graph, node))

    def evaluate(self, shape: Shape, focus: Iterable[str], constraints=None) -> Found:
        """The results of validating each focus node against ``shape`` (or only its
        ``constraints``), with the focus node each belongs to (a nested property shape reports
        on the value nodes it was given)."""
        if shape.deactivated:
            return []
        if self.observed is not None and shape.constraints:
            focus = list(focus)
            self.observed.update(focus)
        values = self.value_nodes(shape, focus)
        out: Found = []
        for constraint in shape.constraints if constraints is None else constraints:
            out.extend(constraint.evaluate(self, shape, constraint, values))
        return out

    def failing(self, shape_node: str, nodes: Iterable[str]) -> set[str]:
        """The nodes that do not conform to ``shape_node`` (conformance remembered per node)."""
        nodes = set(nodes)
        known = self._conformance.setdefault(shape_node, {})
        unknown = [n for n in nodes if n not in known]
        if unknown:
            shape = self.shape(shape_node)
            in_batch = self._batch.setdefault(shape_node, set())
            for n in unknown:
                if (shape_node, n) in self._stack:
                    raise ShapesError.about(shape_node, f"recursive shape: validating {n} against it needs the "
                                                        f"result of validating {n} against it",
                                            hint="SHACL leaves recursive shapes undefined; break the cycle")
            alone = [n for n in unknown if n in in_batch]
            for n in alone:  # needed by a node of its own batch: validate it on its own
                self._stack.add((shape_node, n))
                try:
                    known[n] = not self.evaluate(shape, [n])
                finally:
                    self._stack.discard((shape_node, n))
            rest = [n for n in unknown if n not in known]
            if rest:
                in_batch.update(rest)
                try:
                    bad = {origin for origin, _ in self.evaluate(shape, rest)}
                except RecursionError:
                    raise ShapesError.about(shape_node, "shapes nest too deeply through the data") from None
                finally:
                    in_batch.difference_update(rest)
                for n in rest:
                    known[n] = n not in bad
        return {n for n in nodes if not known[n]}

    def run(self) -> ValidationReport:
        """Validate every shape that has targets; the report of every result."""
        try:
            return self._run()
        except RecursionError:
            raise ShapesError.about(None, "shapes nest too deeply through the data (sh:node, sh:property, "
                                          "sh:and ... reached through hundreds of nodes)") from None

    def run_units(self, wanted: dict | None = None) -> dict[tuple[str, str], Found]:
        """The results of each unit, with the focus node each belongs to.

        A unit is one part of a root shape: its Core constraints (``"core"``) or its SPARQL-based
        ones (``"sparql"``); every unit of every root shape on all its focus nodes gives the
        results of :meth:`run`. ``wanted``: ``{(shape, part): None or a set of nodes}``, the units
        to run, on all their focus nodes (None) or only on those in the set; None: every unit.
        This is the entry point of incremental validation (:mod:`ldpub.revalidate`).
        """
        try:
            return self._run_units(wanted)
        except RecursionError:
            raise ShapesError.about(None, "shapes nest too deeply through the data (sh:node, sh:property, "
                                          "sh:and ... reached through hundreds of nodes)") from None

    def _run_units(self, wanted: dict | None) -> dict[tuple[str, str], Found]:
        _refuse_entailment(self.shapes)
        out: dict[tuple[str, str], Found] = {}
        background = []
        for node in root_shapes(self.shapes):
            parts = UNIT_PARTS if wanted is None else [p for p in UNIT_PARTS if (node, p) in wanted]
            if not parts:
                continue
            shape = self.shape(node)
            if shape.deactivated:
                continue
            every = focus_nodes(self, self.shapes, node)
            for part in parts:
                only = None if wanted is None else wanted[(node, part)]
                focus = every if only is None else every & only
                constraints = [c for c in shape.constraints if c.sparql == (part == "sparql")]
                if not focus or not constraints:
                    continue
                if part == "sparql" and self._store is not None:
                    background.append(((node, part), self._store.submit(self.evaluate, shape, focus, constraints)))
                else:
                    out[(node, part)] = self.evaluate(shape, focus, constraints)
        for key, job in background:
            out[key] = job.result()
        return out

    def _run(self) -> ValidationReport:
        _refuse_entailment(self.shapes)
        results = []
        background = []  # the SPARQL-based constraints of root shapes run on the Store's thread
        for node in root_shapes(self.shapes):
            shape = self.shape(node)
            if shape.deactivated:
                continue
            focus = focus_nodes(self, self.shapes, node)
            if not focus:
                continue
            queries = [c for c in shape.constraints if c.sparql]
            if queries and self._store is not None:
                background.append(self._store.submit(self.evaluate, shape, focus, queries))
                results.extend(r for _, r in self.evaluate(shape, focus, [c for c in shape.constraints if not c.sparql]))
            else:
                results.extend(r for _, r in self.evaluate(shape, focus))
        for job in background:
            results.extend(r for _, r in job.result())
        return ValidationReport.of(results)


def _refuse_entailment(shapes: ShapesGraph) -> None:
    for line in shapes.lines:
        s, p, o = line.split(" ", 2)
        if p == sh("entailment"):
            raise ShapesError.about(s, f"entailment regime {o} is not supported (ldpub validates the data as it is)")


# ---------------------------------------------------------------------------- planning the Store
def store_plan(shapes: ShapesGraph) -> tuple[bool, set[str] | None, bool]:
    """(a Store is needed, the predicates it must hold (None: all), the shapes graph must be in it)."""
    from .sparql import queries_of
    from .terms import literal_parts

    queries = queries_of(shapes)
    if not queries:
        return False, None, False
    predicates: set[str] | None = set()
    needs_shapes = False
    for owner, form, literal_text in queries:
        try:
            prefixes = shapes.prefixes(owner)
        except ShapesError:
            prefixes = {}
        text = QueryText(literal_parts(literal_text)[0], prefixes, form)
        if text.mentions("shapesGraph"):
            needs_shapes = True
        fixed = None if text.mentions("PATH") else text.fixed_predicates()
        if fixed is None or predicates is None:
            predicates = None
        else:
            predicates |= fixed
    return True, predicates, needs_shapes


def validate_lines(data: Iterable, shapes: Iterable, *extra: Iterable, first_unique: bool = False,
                   observed: set[str] | None = None) -> ValidationReport:
    """Validate the data graph (N-Triples lines or pyoxigraph Triples; ``extra`` line sets are
    added to it, e.g. the ontology) against the shapes graph (lines or Triples).

    ``first_unique``: ``data`` repeats no line (the build's sorted, unique lines; any other
    input is made unique here). ``observed``: a set that receives every node some shape (with
    constraints) was validated on, as a focus node or a value node reached through
    ``sh:property``, ``sh:node``, ``sh:and`` ...: which data the shapes look at. Raises :class:`ldpub.shacl.errors.ShapesError` for shapes it
    cannot use.
    """
    return _with_engine(data, shapes, extra, first_unique, lambda engine: engine.run(), observed)


def validate_units(data: Iterable, shapes: Iterable, *extra: Iterable, wanted: dict | None = None,
                   first_unique: bool = False) -> dict[tuple[str, str], Found]:
    """Like :func:`validate_lines`, but the results of each unit (:meth:`Engine.run_units`) with
    the focus node each belongs to; ``wanted`` chooses the units and their focus nodes."""
    return _with_engine(data, shapes, extra, first_unique, lambda engine: engine.run_units(wanted))


def _with_engine(data: Iterable, shapes: Iterable, extra: tuple, first_unique: bool, run,
                 observed: set[str] | None = None):
    """``run(engine)`` for an engine on the data graph, with the Store of the SPARQL-based
    constraints loading on a worker thread while the lines are indexed."""
    shapes_graph = ShapesGraph(ntriples_lines(shapes))
    needed, predicates, needs_shapes = store_plan(shapes_graph)
    store = SparqlStore() if needed else None
    try:
        streamed = None if predicates is None else {f"<{p}>" for p in predicates}
        graph = DataGraph(ntriples_lines(data), *extra, feed=store.feed if store else None, streamed=streamed,
                          first_unique=first_unique)
        if store is not None and needs_shapes:
            store.feed([shapes_graph.lines], graph=SHAPES_GRAPH)
        return run(Engine(graph, shapes_graph, store, observed))
    finally:
        if store is not None:
            store.close()
