"""Validation after an edit: the results that can have changed are made again, the others kept.

Results come in *units*: the Core constraints of a root shape, or its SPARQL-based constraints
(:meth:`ldpub.shacl.engine.Engine.run_units`), each result with the focus node it belongs to.
A build keeps every unit's results (:mod:`ldpub.snapshot`); the next build, with the same
shapes and ontology (else everything is validated), decides per unit from what it can read
(:func:`dependencies`):

* a unit reads the triples of some predicates only (``reads``; None: any triple). Its focus
  nodes come from its targets, whose predicates are among those (``rdf:type`` and
  ``rdfs:subClassOf`` for class targets). If no triple of those predicates was added or
  removed, its results stand. If only triples its targets read to choose focus nodes changed
  (``rdf:type`` for a class target, the predicate of ``sh:targetSubjectsOf``; not when its
  constraints read them too), only the nodes whose triples changed may have come or gone:
  they are validated again, the others keep their results;
* a **local** unit reads, from a focus node, only the triples of the nodes it reaches by stepping
  forward along its paths' predicates (``walk``), at most ``reach - 1`` steps: a path of one
  predicate is one step, ``sh:class`` reads the types of the values, ``sh:node``,
  ``sh:property``, ``sh:and`` ... add the reach of the shapes they name. Its results can change
  only for the focus nodes from which a node whose triples (of the predicates it reads) changed
  is reached so. Those are found by walking back from the changed nodes, and validated again on
  the triples of the nodes they reach; the results of every other focus node are kept;
* any other unit (SPARQL, paths of several steps or inverse paths, ``sh:closed``,
  ``sh:targetObjectsOf``, SPARQL targets, shapes that name each other in a cycle) and a local
  unit that reads classes when ``rdfs:subClassOf`` triples changed is validated again on all its
  focus nodes, with every triple of the predicates it reads.

Walking back needs no index: a triple of the data whose object is a record's node was made from
the record's own file, or from a file whose references named the record (its slug, or its IRI
written out), which the snapshot notes per file (:class:`ldpub.incremental.NewData`).
``tests/test_incremental_build.py`` checks the findings against a clean build after every step of
random edit sequences.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Iterable, Protocol

from .rdfterms import RDF_TYPE, RDFS
from .shacl.paths import Path, PredicatePath

__all__ = ["Dependencies", "dependencies", "unit_ids", "Changes", "DataAccess", "full_validation",
           "revalidate", "raw_units", "flatten"]

TYPE = f"<{RDF_TYPE}>"
SUBCLASS_OF = f"<{RDFS}subClassOf>"
_SH = "<http://www.w3.org/ns/shacl#"
# Core components that test each value node itself (its term), reading no triple
_VALUE_TESTS = {f"{_SH}{name}ConstraintComponent>" for name in (
    "Datatype", "NodeKind", "MinCount", "MaxCount", "MinExclusive", "MinInclusive", "MaxExclusive", "MaxInclusive",
    "MinLength", "MaxLength", "Pattern", "LanguageIn", "UniqueLang", "In", "HasValue")}
# Core components that compare the values with those of another predicate of the focus node
_PAIRS = {f"{_SH}{name}ConstraintComponent>": f"{_SH}{name[0].lower()}{name[1:]}>" for name in (
    "Equals", "Disjoint", "LessThan", "LessThanOrEquals")}
_CLASS = f"{_SH}ClassConstraintComponent>"


@dataclass(frozen=True)
class Dependencies:
    """What a unit's results can depend on (see the module docstring)."""

    reads: frozenset[str] | None  # predicates (N-Triples text) whose triples it may read; None: any
    local: bool = False
    reach: int = 1
    walk: frozenset[str] = frozenset()
    classes: bool = False  # reads the instances of classes (so rdfs:subClassOf)
    #: predicates read only to choose the focus nodes (rdf:type of class targets, those of
    #: sh:targetSubjectsOf): a change to them alone moves the nodes whose triples changed in or
    #: out of the focus nodes and changes nothing for the others
    membership: frozenset[str] = frozenset()


Unit = tuple[str, str]  # (root shape node, "core" | "sparql")


class _Unknown(Exception):
    """Something a unit can read that is not known in advance."""


@dataclass
class _Reads:
    local: bool = True
    reach: int = 1
    walk: set = field(default_factory=set)
    reads: set = field(default_factory=set)
    classes: bool = False

    def add(self, other: "_Reads", distance: int) -> None:
        self.local = self.local and other.local
        self.reach = max(self.reach, distance + other.reach)
        self.walk |= other.walk
        self.reads |= other.reads
        self.classes = self.classes or other.classes


class _Analysis:
    """Reads shapes through an engine (on an empty graph) and says what each can read."""

    def __init__(self, engine) -> None:
        self.engine = engine
        self.memo: dict[str, _Reads] = {}
        self.stack: list[str] = []

    def nested(self, node: str) -> _Reads:
        """A shape reached from another (all its constraints)."""
        if node in self.stack:
            raise _Unknown  # shapes that name each other in a cycle: no bound on what they read
        found = self.memo.get(node)
        if found is None:
            self.stack.append(node)
            try:
                shape = self.engine.shape(node)
                found = _Reads() if shape.deactivated else self.constraints(shape, shape.constraints)
            finally:
                self.stack.pop()
            self.memo[node] = found
        return found

    def constraints(self, shape, constraints) -> _Reads:
        out = _Reads()
        distance = 0
        if shape.path is not None:
            out.reads |= _path_predicates(shape.path)
            if isinstance(shape.path, PredicatePath):
                distance = 1
                out.walk.add(shape.path.predicate)
            else:
                out.local = False
        for c in constraints:
            if c.sparql:
                out.local = False
                out.reads |= _sparql_predicates(shape, c)
            elif c.component in _VALUE_TESTS:
                continue
            elif c.component == _CLASS:
                out.reads |= {TYPE, SUBCLASS_OF}
                out.classes = True
                out.reach = max(out.reach, distance + 1)
            elif c.component in _PAIRS:
                out.reads.add(c.params[_PAIRS[c.component]])
            else:
                members = _members(c)
                if members is None:
                    raise _Unknown  # sh:closed (any predicate), or a component not known here
                for member in members:
                    out.add(self.nested(member), distance)
        return out


def _members(c) -> list[str] | None:
    """The shapes a shape-based Core constraint validates the value nodes against (None: not one)."""
    name = c.component[len(_SH):-len("ConstraintComponent>")]
    if name in ("Node", "Not", "Property"):
        return [c.params[f"{_SH}{name.lower()}>"]]
    if name in ("And", "Or", "Xone"):
        return list(c.data)
    if name in ("QualifiedMinCount", "QualifiedMaxCount"):
        shape, siblings, _ = c.data
        return [shape, *siblings]
    return None


def _path_predicates(path: Path) -> set[str]:
    if isinstance(path, PredicatePath):
        return {path.predicate}
    out: set[str] = set()
    for value in vars(path).values():
        for inner in value if isinstance(value, tuple) else (value,):
            if isinstance(inner, Path):
                out |= _path_predicates(inner)
            else:
                raise _Unknown
    return out


def _sparql_predicates(shape, c) -> set[str]:
    query = c.data[0] if isinstance(c.data, tuple) else c.data
    try:
        fixed = query.for_shape(shape).fixed_predicates()
    except Exception:  # the engine reports a query it cannot run when it runs it
        raise _Unknown from None
    if fixed is None:
        raise _Unknown
    return {f"<{iri}>" for iri in fixed}


def dependencies(shape_lines: list[str]) -> dict[Unit, Dependencies]:
    """What each unit of the shapes can read (see the module docstring). Shapes the engine
    refuses raise :class:`ldpub.shacl.ShapesError`, as validating them would."""
    from .shacl.engine import Engine
    from .shacl.graph import DataGraph
    from .shacl.shapes import implicit_class_target, root_shapes
    from .shacl.shapesgraph import ShapesGraph, sh

    shapes = ShapesGraph(shape_lines)
    engine = Engine(DataGraph(), shapes)
    analysis = _Analysis(engine)
    out: dict[Unit, Dependencies] = {}
    for node in root_shapes(shapes):
        shape = engine.shape(node)
        if shape.deactivated:
            continue
        targets = _Reads()
        membership = set(shapes.objects(node, sh("targetSubjectsOf")))
        if shapes.objects(node, sh("targetClass")) or implicit_class_target(shapes, node):
            targets.reads |= {TYPE, SUBCLASS_OF}
            targets.classes = True
            membership.add(TYPE)
        targets.reads.update(membership)
        objects_of = shapes.objects(node, sh("targetObjectsOf"))
        targets.reads.update(objects_of)
        any_target = bool(shapes.objects(node, sh("target")))
        for part in ("core", "sparql"):
            constraints = [c for c in shape.constraints if c.sparql == (part == "sparql")]
            if not constraints:
                continue
            try:
                if any_target:
                    raise _Unknown
                reads = analysis.constraints(shape, constraints)
            except _Unknown:
                out[(node, part)] = Dependencies(None)
                continue
            own = frozenset(reads.reads)
            reads.add(targets, 0)
            local = reads.local and not objects_of
            moving = frozenset() if objects_of or (membership & own) else frozenset(membership)
            out[(node, part)] = Dependencies(frozenset(reads.reads), local, reads.reach, frozenset(reads.walk),
                                             reads.classes, moving)
    return out


def unit_ids(shape_lines: list[str]) -> dict[str, str] | None:
    """A name for each root shape that is the same in every build with the same shapes: its IRI,
    or for a blank node a digest of what it says (blank node labels change with every parse).
    None when two root shapes would get the same name."""
    import hashlib

    from .shacl.shapes import root_shapes
    from .shacl.shapesgraph import ShapesGraph

    shapes = ShapesGraph(shape_lines)
    names: dict[str, str] = {}
    for node in root_shapes(shapes):
        if node.startswith("<"):
            names[node] = node
        else:
            names[node] = "_:" + hashlib.sha256(repr(_canonical(shapes, node, set())).encode()).hexdigest()
    return names if len(set(names.values())) == len(names) else None


def _canonical(shapes, node: str, seen: set[str]):
    if not node.startswith("_:"):
        return node
    if node in seen:
        return "cycle"
    seen = seen | {node}
    return sorted((p, sorted(repr(_canonical(shapes, o, seen)) for o in objects))
                  for p, objects in shapes.predicates(node).items())


# ---------------------------------------------------------------------------- results
def _raw(result) -> dict:
    """A result as :mod:`ldpub.validate` passes it on (see ``ldpub.validate.raw_result``)."""
    from .validate import raw_result

    return raw_result(result)


def raw_units(found: dict, names: dict[str, str]) -> dict[tuple[str, str], list[tuple[str, dict]]]:
    """The engine's results per unit, keyed by the root shape's stable name, as (focus node, raw result)."""
    return {(names[node], part): [(origin, _raw(r)) for origin, r in results]
            for (node, part), results in found.items()}


def flatten(units: dict) -> list[dict]:
    """Every raw result of every unit, sorted as :mod:`ldpub.validate` sorts them."""
    from .validate import raw_key

    return sorted((raw for results in units.values() for _, raw in results), key=raw_key)


def full_validation(lines: list[str], shape_lines: list[str], ontology_lines: list[str],
                    names: dict[str, str]) -> dict:
    """Every unit on the whole data: the results per unit (what the next build starts from)."""
    from .shacl.engine import validate_units

    return raw_units(validate_units(lines, shape_lines, ontology_lines, first_unique=True), names)


# ---------------------------------------------------------------------------- after an edit
@dataclass
class Changes:
    """What an edit changed in the data: per predicate, the subjects whose triples of it changed."""

    subjects_by_predicate: dict[str, set[str]] = field(default_factory=dict)

    @classmethod
    def between(cls, old: dict[str, Iterable[str]], new: dict[str, Iterable[str]]) -> "Changes":
        """The changes between the lines of some subjects before (``old``) and after (``new``)."""
        changes = cls()
        for subject in old.keys() | new.keys():
            before, after = set(old.get(subject, ())), set(new.get(subject, ()))
            for line in before ^ after:
                predicate = line.split(" ", 2)[1]
                changes.subjects_by_predicate.setdefault(predicate, set()).add(subject)
        return changes

    @property
    def predicates(self) -> set[str]:
        return set(self.subjects_by_predicate)

    def subjects(self, predicates: frozenset[str]) -> set[str]:
        out: set[str] = set()
        for p in predicates & self.subjects_by_predicate.keys():
            out |= self.subjects_by_predicate[p]
        return out


class DataAccess(Protocol):
    """The data after the edit, as :func:`revalidate` reads it."""

    def block(self, subject: str) -> list[str]:
        """Every line whose subject is ``subject``."""

    def referrers(self, nodes: set[str], predicates: frozenset[str]) -> set[str]:
        """The subjects of the lines with one of ``predicates`` and one of ``nodes`` as object."""

    def lines_of(self, predicates: frozenset[str] | None) -> list[str]:
        """Every line with one of ``predicates`` (None: every line), unique."""


def revalidate(old: dict, changes: Changes, deps: dict[Unit, Dependencies], names: dict[str, str],
               data: DataAccess, shape_lines: list[str], ontology_lines: list[str]) -> dict:
    """The results per unit after an edit: ``old`` (per unit, from the previous build) kept
    where nothing they depend on changed, made again where it may have (module docstring)."""
    from .shacl.engine import validate_units

    changed = changes.predicates
    wanted: dict[Unit, set[str] | None] = {}
    everything: list[frozenset[str] | None] = []  # the predicates of which every triple is needed
    for unit, d in deps.items():
        if d.reads is not None and not (d.reads & changed):
            continue
        hierarchy = d.classes and SUBCLASS_OF in changed
        if d.local and not hierarchy:
            focus = _walk_back(changes.subjects(d.reads), d, data)
            if focus:
                wanted[unit] = focus
        elif d.membership and not hierarchy and (d.reads & changed) <= d.membership:
            wanted[unit] = changes.subjects(d.membership)  # nodes moved in or out of the focus nodes
            everything.append(d.reads - d.membership)
        else:
            wanted[unit] = None
            everything.append(d.reads)
    if not wanted:
        return {unit: results for unit, results in old.items()}
    if any(r is None for r in everything):
        lines = data.lines_of(None)
    else:
        lines = data.lines_of(frozenset().union(*everything)) if everything else []
        subjects: set[str] = set()
        for unit, focus in wanted.items():
            if focus is not None:
                subjects |= _walk_forward(focus, deps[unit], data) if deps[unit].local else focus
        if subjects:
            seen = set(lines)
            for subject in subjects:
                lines.extend(line for line in data.block(subject) if line not in seen)
    found = raw_units(validate_units(lines, shape_lines, ontology_lines, wanted=wanted), names)
    out = {}
    for node, part in deps:
        key = (names[node], part)
        if (node, part) not in wanted:
            results = old.get(key, [])
        elif wanted[(node, part)] is None:
            results = found.get(key, [])
        else:
            redone = wanted[(node, part)]
            results = [(origin, r) for origin, r in old.get(key, []) if origin not in redone] + found.get(key, [])
        if results:
            out[key] = results
    return out


def _walk_back(seeds: set[str], d: Dependencies, data: DataAccess) -> set[str]:
    """The nodes from which one of ``seeds`` is reached in at most ``reach - 1`` steps along ``walk``."""
    found, frontier = set(seeds), set(seeds)
    for _ in range(d.reach - 1):
        if not frontier or not d.walk:
            break
        frontier = data.referrers(frontier, d.walk) - found
        found |= frontier
    return found


def _walk_forward(focus: set[str], d: Dependencies, data: DataAccess) -> set[str]:
    """The nodes reached from ``focus`` in at most ``reach - 1`` steps along ``walk`` (focus included)."""
    found, frontier = set(focus), set(focus)
    for _ in range(d.reach - 1):
        nxt = set()
        for node in frontier:
            for line in data.block(node):
                _, p, o = line.split(" ", 2)
                if p in d.walk and o.startswith("<") and o not in found:
                    nxt.add(o)
        found |= nxt
        frontier = nxt
    return found
