"""The constraint components of SHACL Core, as a registry.

Each component names its parameters and has one evaluator, which receives the value nodes of
a whole batch of focus nodes (:mod:`.valuenodes`) and returns its results. Tests on single
values (datatype, class, pattern ...) run once per distinct value; when the value nodes come
from one predicate they run on the predicate's distinct objects and are remembered for every
shape that asks the same of it. Shapes reached through ``sh:node``, ``sh:and`` ... are
validated through the engine, which remembers each node's conformance.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass
from typing import Any, Callable

from ..ntriples import unescape
from ..rdfterms import SH
from .errors import ShapesError
from .model import Constraint, Context, Found, Shape
from .paths import PredicatePath
from .shapesgraph import ShapesGraph, sh
from .terms import TRUE, compare, datatype_failures, display, is_literal, lang_matches, literal_parts
from .valuenodes import PredicateValues, SelfValues, ValueNodes

__all__ = ["CoreComponent", "CORE_COMPONENTS", "core_constraints"]


@dataclass(frozen=True)
class CoreComponent:
    """A SHACL Core constraint component: its parameters and its evaluator."""

    name: str  # local name in the sh: namespace
    parameters: tuple[str, ...]  # mandatory parameters (local names)
    evaluate: Callable[[Context, Shape, Constraint, ValueNodes], Found]
    optional: tuple[str, ...] = ()
    property_only: bool = False
    compile: Callable[[ShapesGraph, str, dict], Any] | None = None  # parameters -> data (may raise ShapesError)
    message: Callable[[dict], str] | None = None  # default message from the parameter values

    @property
    def iri(self) -> str:
        return sh(self.name)

    @property
    def mandatory(self) -> tuple[str, ...]:
        return tuple(sh(p) for p in self.parameters)

    @property
    def optional_iris(self) -> tuple[str, ...]:
        return tuple(sh(p) for p in self.optional)


# ---------------------------------------------------------------------------- helpers
def _failing(values: ValueNodes, key: tuple, test_all: Callable[[Any], set]) -> set:
    """The distinct value nodes failing a side-effect-free test (``test_all`` takes the
    candidates, returns the failing ones); remembered per predicate."""
    if isinstance(values, PredicateValues):
        cache = values.triples.cache
        hit = cache.get(key)
        if hit is None:
            hit = cache[key] = frozenset(test_all(values.candidates()))
        return hit
    return test_all(values.value_set())


def _per_value(ctx: Context, shape: Shape, c: Constraint, values: ValueNodes, key: tuple,
               test_all: Callable[[Any], set]) -> Found:
    bad = _failing(values, key, test_all)
    return [(f, shape.result(c, f, v)) for f, v in values.pairs_failing(bad)] if bad else []


def _text(term: str) -> str | None:
    """What sh:pattern and the lengths read: the IRI or lexical form (None for a blank node)."""
    if term[0] == "<":
        return term[1:-1]
    if term[0] == "_":
        return None
    return unescape(term[1:term.rfind('"')])


def _int(shapes: ShapesGraph, shape: str, value: str, name: str) -> int:
    if is_literal(value):
        lexical, _, _ = literal_parts(value)
        if re.fullmatch(r"[+-]?\d+", lexical.strip()):
            return int(lexical)
    raise ShapesError.about(shape, f"sh:{name} must be an integer, not {display(value)}")


def _list(shapes: ShapesGraph, shape: str, head: str, name: str) -> list[str]:
    return shapes.items(head, shape, f"the value of sh:{name}")


def _show_list(terms) -> str:
    return ", ".join(display(t) for t in terms)


# ---------------------------------------------------------------------------- value type
def _class(ctx, shape, c, values):
    cls = c.params[sh("class")]
    members = ctx.graph.instances(cls)
    return _per_value(ctx, shape, c, values, ("class", members), lambda vs: vs - members if isinstance(
        vs, (set, frozenset)) else {v for v in vs if v not in members})


def _datatype(ctx, shape, c, values):
    dt = c.params[sh("datatype")][1:-1]
    return _per_value(ctx, shape, c, values, ("datatype", dt), lambda vs: datatype_failures(vs, dt))


_NODE_KIND_FIRST = {
    "IRI": "<", "BlankNode": "_", "Literal": '"', "BlankNodeOrIRI": "<_", "BlankNodeOrLiteral": '_"', "IRIOrLiteral": '<"',
}


def _compile_node_kind(shapes, shape, params):
    kind = params[sh("nodeKind")]
    name = kind[1:-1].removeprefix(SH) if kind.startswith(f"<{SH}") else None
    if name not in _NODE_KIND_FIRST:
        raise ShapesError.about(shape, f"sh:nodeKind must be one of sh:{', sh:'.join(_NODE_KIND_FIRST)}, not {display(kind)}")
    return frozenset(_NODE_KIND_FIRST[name])


def _node_kind(ctx, shape, c, values):
    firsts = c.data
    return _per_value(ctx, shape, c, values, ("nodeKind", firsts), lambda vs: {v for v in vs if v[0] not in firsts})


# ---------------------------------------------------------------------------- cardinality
def _min_count(ctx, shape, c, values):
    return [(f, shape.result(c, f)) for f in values.fewer_than(c.data)]


def _max_count(ctx, shape, c, values):
    return [(f, shape.result(c, f)) for f in values.more_than(c.data)]


# ---------------------------------------------------------------------------- value range
_RANGE = {"minExclusive": (">", lambda r: r > 0), "minInclusive": (">=", lambda r: r >= 0),
          "maxExclusive": ("<", lambda r: r < 0), "maxInclusive": ("<=", lambda r: r <= 0)}


def _range(name: str):
    accept = _RANGE[name][1]

    def evaluate(ctx, shape, c, values):
        bound = c.params[sh(name)]

        def test_all(vs):
            out = set()
            for v in vs:
                r = compare(v, bound)
                if r is None or not accept(r):
                    out.add(v)
            return out

        return _per_value(ctx, shape, c, values, (name, bound), test_all)

    return evaluate


# ---------------------------------------------------------------------------- string based
def _length(name: str):
    def evaluate(ctx, shape, c, values):
        limit = c.data

        def test_all(vs):
            out = set()
            for v in vs:
                text = _text(v)
                if text is None or (len(text) < limit if name == "minLength" else len(text) > limit):
                    out.add(v)
            return out

        return _per_value(ctx, shape, c, values, (name, limit), test_all)

    return evaluate


_FLAGS = {"i": re.IGNORECASE, "m": re.MULTILINE, "s": re.DOTALL, "x": re.VERBOSE}


def _compile_pattern(shapes, shape, params):
    pattern = params[sh("pattern")]
    flags_term = params.get(sh("flags"))
    flags, literal_mode = 0, False
    for f in (literal_parts(flags_term)[0] if flags_term and is_literal(flags_term) else ""):
        if f == "q":
            literal_mode = True
        elif f in _FLAGS:
            flags |= _FLAGS[f]
        else:
            raise ShapesError.about(shape, f"sh:flags may hold i, m, s, x and q, not '{f}'")
    text = literal_parts(pattern)[0] if is_literal(pattern) else display(pattern)
    try:
        return re.compile(re.escape(text) if literal_mode else _xpath_regex(text), flags)
    except re.error as exc:
        raise ShapesError.about(shape, f"sh:pattern {text!r} is not a valid regular expression: {exc}") from exc


def _xpath_regex(text: str) -> str:
    """An XPath regular expression in Python's syntax (the few differences that matter)."""
    return text.replace("\\p{L}", "[^\\W\\d_]").replace("\\p{N}", "\\d")


def _pattern(ctx, shape, c, values):
    regex = c.data

    def test_all(vs):
        out = set()
        for v in vs:
            text = _text(v)
            if text is None or not regex.search(text):
                out.add(v)
        return out

    return _per_value(ctx, shape, c, values, ("pattern", regex.pattern, regex.flags), test_all)


def _compile_language_in(shapes, shape, params):
    ranges = _list(shapes, shape, params[sh("languageIn")], "languageIn")
    return tuple(literal_parts(r)[0] if is_literal(r) else display(r) for r in ranges)


def _language_in(ctx, shape, c, values):
    ranges = c.data

    def test_all(vs):
        out = set()
        for v in vs:
            tag = literal_parts(v)[2] if v[0] == '"' else None
            if not tag or not any(lang_matches(tag, r) for r in ranges):
                out.add(v)
        return out

    return _per_value(ctx, shape, c, values, ("languageIn", ranges), test_all)


def _unique_lang(ctx, shape, c, values):
    if c.params[sh("uniqueLang")] != TRUE:  # only the literal true activates it
        return []
    out = []
    for f, vs in values.items():
        seen: dict[str, int] = defaultdict(int)
        for v in vs:
            if v[0] == '"':
                tag = literal_parts(v)[2]
                if tag:
                    seen[tag.lower()] += 1
        for tag, n in sorted(seen.items()):
            if n > 1:
                out.append((f, shape.result(c, f)))
    return out


# ---------------------------------------------------------------------------- property pairs
def _equals(ctx, shape, c, values):
    p = c.params[sh("equals")]
    out = []
    for f, vs in values.items():
        other = ctx.graph.objects(f, p)
        mine, theirs = set(vs), set(other)
        out.extend((f, shape.result(c, f, v)) for v in vs if v not in theirs)
        out.extend((f, shape.result(c, f, o)) for o in other if o not in mine)
    return out


def _disjoint(ctx, shape, c, values):
    p = c.params[sh("disjoint")]
    out = []
    for f, vs in values.items():
        other = set(ctx.graph.objects(f, p))
        out.extend((f, shape.result(c, f, v)) for v in vs if v in other)
    return out


def _less(name: str, accept):
    def evaluate(ctx, shape, c, values):
        p = c.params[sh(name)]
        out = []
        for f, vs in values.items():
            other = ctx.graph.objects(f, p)
            for v in vs:
                for o in other:
                    r = compare(v, o)
                    if r is None or not accept(r):
                        out.append((f, shape.result(c, f, v)))
        return out

    return evaluate


# ---------------------------------------------------------------------------- other
def _compile_in(shapes, shape, params):
    return frozenset(_list(shapes, shape, params[sh("in")], "in"))


def _in(ctx, shape, c, values):
    allowed = c.data
    return _per_value(ctx, shape, c, values, ("in", allowed), lambda vs: {v for v in vs if v not in allowed})


def _has_value(ctx, shape, c, values):
    return [(f, shape.result(c, f)) for f in values.without(c.params[sh("hasValue")])]


def _compile_closed(shapes, shape, params):
    allowed = set()
    for prop in shapes.objects(shape, sh("property")):
        for path in shapes.objects(prop, sh("path")):
            if path.startswith("<"):
                allowed.add(path)
    ignored = params.get(sh("ignoredProperties"))
    if ignored is not None:
        allowed.update(_list(shapes, shape, ignored, "ignoredProperties"))
    return frozenset(allowed)


def _closed(ctx, shape, c, values):
    if c.params[sh("closed")] != TRUE:
        return []
    allowed = c.data
    nodes = values.value_set()
    hits: dict[str, list[tuple[str, str]]] = defaultdict(list)  # value node -> (predicate, object)
    for p, triples in ctx.graph.by_pred.items():
        if p in allowed or not (nodes & triples.subject_set() if len(nodes) < len(triples.subject_set())
                                else triples.subject_set() & nodes):
            continue
        for s, o in zip(triples.subjects, triples.objects):
            if s in nodes:
                hits[s].append((p, o))
    out = []
    for f, v in values.pairs_failing(hits):
        for p, o in hits[v]:
            out.append((f, shape.result(c, f, o, path=PredicatePath(p))))
    return out


# ---------------------------------------------------------------------------- shape-based
def _node(ctx, shape, c, values):
    bad = ctx.failing(c.params[sh("node")], values.value_set())
    return [(f, shape.result(c, f, v)) for f, v in values.pairs_failing(bad)] if bad else []


def _not(ctx, shape, c, values):
    nodes = values.value_set()
    conforming = nodes - ctx.failing(c.params[sh("not")], nodes)
    return [(f, shape.result(c, f, v)) for f, v in values.pairs_failing(conforming)] if conforming else []


def _members(shapes, shape, params, name):
    return tuple(_list(shapes, shape, params[sh(name)], name))


def _logical(name: str):
    def evaluate(ctx, shape, c, values):
        nodes = values.value_set()
        failing = [ctx.failing(member, nodes) for member in c.data]
        if name == "and":
            bad = set().union(*failing) if failing else set()
        elif name == "or":
            bad = set(nodes)  # no member conforms
            for f in failing:
                bad &= f
        else:  # xone: exactly one member conforms
            bad = {n for n in nodes if sum(n not in f for f in failing) != 1}
        return [(f, shape.result(c, f, v)) for f, v in values.pairs_failing(bad)] if bad else []

    return evaluate


def _property(ctx, shape, c, values):
    nested = ctx.shape(c.params[sh("property")])
    if isinstance(values, SelfValues):
        return [(origin, r) for origin, r in ctx.evaluate(nested, values.focus)]
    found = ctx.evaluate(nested, values.value_set())
    if not found:
        return []
    owners: dict[str, list[str]] = defaultdict(list)  # value node -> the focus nodes that have it
    for f, vs in values.items():
        for v in vs:
            owners[v].append(f)
    return [(f, r) for origin, r in found for f in owners[origin]]


def _compile_qualified(shapes, shape, params):
    qvs = params[sh("qualifiedValueShape")]
    siblings: set[str] = set()
    if params.get(sh("qualifiedValueShapesDisjoint")) == TRUE:
        for parent in shapes.subjects(sh("property"), shape):
            for prop in shapes.objects(parent, sh("property")):
                siblings.update(shapes.objects(prop, sh("qualifiedValueShape")))
        siblings.discard(qvs)
    count = params.get(sh("qualifiedMinCount")) or params.get(sh("qualifiedMaxCount"))
    name = "qualifiedMinCount" if sh("qualifiedMinCount") in params else "qualifiedMaxCount"
    return qvs, tuple(sorted(siblings)), _int(shapes, shape, count, name)


def _qualified(minimum: bool):
    def evaluate(ctx, shape, c, values):
        qvs, siblings, limit = c.data
        nodes = values.value_set()
        conforming = nodes - ctx.failing(qvs, nodes)
        for sibling in siblings:
            conforming -= nodes - ctx.failing(sibling, nodes)
        out = []
        for f, vs in values.items():
            n = sum(1 for v in vs if v in conforming)
            if (n < limit) if minimum else (n > limit):
                out.append((f, shape.result(c, f)))
        return out

    return evaluate


def _count(name):
    return lambda shapes, shape, params: _int(shapes, shape, params[sh(name)], name)


def _length_compile(name):
    return lambda shapes, shape, params: _int(shapes, shape, params[sh(name)], name)


def _p(params, name):
    return display(params[sh(name)])


_COMPONENTS = [
    CoreComponent("ClassConstraintComponent", ("class",), _class,
                  message=lambda p: f"value must be an instance of {_p(p, 'class')}"),
    CoreComponent("DatatypeConstraintComponent", ("datatype",), _datatype,
                  message=lambda p: f"value must be a literal of datatype {_p(p, 'datatype')}"),
    CoreComponent("NodeKindConstraintComponent", ("nodeKind",), _node_kind, compile=_compile_node_kind,
                  message=lambda p: f"value must be of node kind {_p(p, 'nodeKind').removeprefix(SH)}"),
    CoreComponent("MinCountConstraintComponent", ("minCount",), _min_count, property_only=True,
                  compile=_count("minCount"), message=lambda p: f"needs at least {_p(p, 'minCount')} value(s)"),
    CoreComponent("MaxCountConstraintComponent", ("maxCount",), _max_count, property_only=True,
                  compile=_count("maxCount"), message=lambda p: f"allows at most {_p(p, 'maxCount')} value(s)"),
    CoreComponent("MinExclusiveConstraintComponent", ("minExclusive",), _range("minExclusive"),
                  message=lambda p: f"value must be greater than {_p(p, 'minExclusive')}"),
    CoreComponent("MinInclusiveConstraintComponent", ("minInclusive",), _range("minInclusive"),
                  message=lambda p: f"value must be at least {_p(p, 'minInclusive')}"),
    CoreComponent("MaxExclusiveConstraintComponent", ("maxExclusive",), _range("maxExclusive"),
                  message=lambda p: f"value must be less than {_p(p, 'maxExclusive')}"),
    CoreComponent("MaxInclusiveConstraintComponent", ("maxInclusive",), _range("maxInclusive"),
                  message=lambda p: f"value must be at most {_p(p, 'maxInclusive')}"),
    CoreComponent("MinLengthConstraintComponent", ("minLength",), _length("minLength"),
                  compile=_length_compile("minLength"),
                  message=lambda p: f"value must have at least {_p(p, 'minLength')} characters"),
    CoreComponent("MaxLengthConstraintComponent", ("maxLength",), _length("maxLength"),
                  compile=_length_compile("maxLength"),
                  message=lambda p: f"value must have at most {_p(p, 'maxLength')} characters"),
    CoreComponent("PatternConstraintComponent", ("pattern",), _pattern, optional=("flags",), compile=_compile_pattern,
                  message=lambda p: f"value must match the pattern {_p(p, 'pattern')}"),
    CoreComponent("LanguageInConstraintComponent", ("languageIn",), _language_in, compile=_compile_language_in,
                  message=lambda p: "value must be a literal in one of the allowed languages"),
    CoreComponent("UniqueLangConstraintComponent", ("uniqueLang",), _unique_lang, property_only=True,
                  message=lambda p: "two values have the same language tag"),
    CoreComponent("EqualsConstraintComponent", ("equals",), _equals,
                  message=lambda p: f"values must be the same as those of {_p(p, 'equals')}"),
    CoreComponent("DisjointConstraintComponent", ("disjoint",), _disjoint,
                  message=lambda p: f"value must not also be a value of {_p(p, 'disjoint')}"),
    CoreComponent("LessThanConstraintComponent", ("lessThan",), _less("lessThan", lambda r: r < 0),
                  property_only=True, message=lambda p: f"value must be less than every value of {_p(p, 'lessThan')}"),
    CoreComponent("LessThanOrEqualsConstraintComponent", ("lessThanOrEquals",),
                  _less("lessThanOrEquals", lambda r: r <= 0), property_only=True,
                  message=lambda p: f"value must be at most every value of {_p(p, 'lessThanOrEquals')}"),
    CoreComponent("InConstraintComponent", ("in",), _in, compile=_compile_in,
                  message=lambda p: "value is not one of the allowed values"),
    CoreComponent("HasValueConstraintComponent", ("hasValue",), _has_value,
                  message=lambda p: f"must have the value {_p(p, 'hasValue')}"),
    CoreComponent("ClosedConstraintComponent", ("closed",), _closed, optional=("ignoredProperties",),
                  compile=_compile_closed, message=lambda p: "property not allowed by the closed shape"),
    CoreComponent("NodeConstraintComponent", ("node",), _node,
                  message=lambda p: f"value does not conform to shape {_p(p, 'node')}"),
    CoreComponent("NotConstraintComponent", ("not",), _not,
                  message=lambda p: f"value must not conform to shape {_p(p, 'not')}"),
    CoreComponent("AndConstraintComponent", ("and",), _logical("and"),
                  compile=lambda s, n, p: _members(s, n, p, "and"),
                  message=lambda p: "value must conform to every shape of sh:and"),
    CoreComponent("OrConstraintComponent", ("or",), _logical("or"), compile=lambda s, n, p: _members(s, n, p, "or"),
                  message=lambda p: "value must conform to at least one shape of sh:or"),
    CoreComponent("XoneConstraintComponent", ("xone",), _logical("xone"),
                  compile=lambda s, n, p: _members(s, n, p, "xone"),
                  message=lambda p: "value must conform to exactly one shape of sh:xone"),
    CoreComponent("PropertyConstraintComponent", ("property",), _property),
    CoreComponent("QualifiedMinCountConstraintComponent", ("qualifiedValueShape", "qualifiedMinCount"),
                  _qualified(True), optional=("qualifiedValueShapesDisjoint",), property_only=True,
                  compile=_compile_qualified,
                  message=lambda p: f"needs at least {_p(p, 'qualifiedMinCount')} value(s) conforming to "
                                    f"{_p(p, 'qualifiedValueShape')}"),
    CoreComponent("QualifiedMaxCountConstraintComponent", ("qualifiedValueShape", "qualifiedMaxCount"),
                  _qualified(False), optional=("qualifiedValueShapesDisjoint",), property_only=True,
                  compile=_compile_qualified,
                  message=lambda p: f"allows at most {_p(p, 'qualifiedMaxCount')} value(s) conforming to "
                                    f"{_p(p, 'qualifiedValueShape')}"),
]
CORE_COMPONENTS: dict[str, CoreComponent] = {c.iri: c for c in _COMPONENTS}
CORE_PARAMETERS: frozenset[str] = frozenset(sh(p) for c in _COMPONENTS for p in (*c.parameters, *c.optional))
_PARAMETERS = [(c, c.mandatory, c.optional_iris) for c in _COMPONENTS]


def core_constraints(shapes: ShapesGraph, shape: str, is_property: bool) -> list[Constraint]:
    """The Core constraints of a shape: one per component whose mandatory parameters it has
    (one per value where a parameter has several values)."""
    from itertools import product

    predicates = shapes.predicates(shape)
    out = []
    for component, mandatory, optional_iris in _PARAMETERS:
        if not all(p in predicates for p in mandatory):
            continue
        if component.property_only and not is_property:
            raise ShapesError.about(shape, f"sh:{component.parameters[-1]} applies to property shapes only "
                                           f"(this shape has no sh:path)")
        optional = {p: predicates[p][0] for p in optional_iris if p in predicates}
        for combination in product(*(predicates[p] for p in mandatory)):
            params = {**dict(zip(mandatory, combination)), **optional}
            data = component.compile(shapes, shape, params) if component.compile else None
            message = component.message(params) if component.message else ""
            out.append(Constraint(component.iri, params, component.evaluate, message, data))
    return out

