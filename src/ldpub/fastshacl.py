"""A fast SHACL engine: core constraints in one pass, SPARQL constraints once on pyoxigraph.

pySHACL (the reference engine) walks every focus node in Python and runs SHACL-SPARQL
constraints once per focus node on rdflib's SPARQL engine: minutes at a million triples.
This engine plans each targeted shape (:func:`plan_shapes`) into:

* **Python checks** for property shapes with a plain IRI path: the data graph (data plus
  ontology) is indexed by predicate once, focus nodes come from ``sh:targetClass`` (with every
  subclass), ``sh:targetNode``, ``sh:targetSubjectsOf`` and ``sh:targetObjectsOf``, and
  ``sh:minCount``/``sh:maxCount`` become set operations; ``sh:datatype`` (ill-typed literals
  included), ``sh:class``, ``sh:in``, ``sh:nodeKind``, ``sh:pattern``, ``sh:minLength``,
  ``sh:maxLength``, ``sh:min/maxInclusive``, ``sh:min/maxExclusive`` and ``sh:hasValue`` are
  checked per value;
* **SPARQL checks** on a pyoxigraph Store: each SPARQL-based constraint (``sh:sparql`` with
  ``sh:select``) runs ONCE over the whole graph with ``$this`` joined to its targets instead of
  pre-bound per focus node; complex property paths and node-level constraints compile to one
  query per constraint. When the SPARQL queries provably name all their predicates, the Store
  holds only those triples;

Results are the same raw dicts as the pySHACL engine (focus, path, value, severity, message,
shape, component). A shape using anything else (``sh:node``, ``sh:or``, ``sh:closed``, ...)
is not skipped: it is handed to pySHACL on its own, so the verdict never depends on the engine.
``tests/test_fast_validation.py`` checks that both engines report the same results.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Iterable

from .rdfterms import RDF, RDF_TYPE, RDFS, SH, XSD

__all__ = ["fast_findings", "plan_shapes", "Plan", "PropertyCheck"]

_FIRST, _REST, _NIL = RDF + "first", RDF + "rest", RDF + "nil"
_VIOLATION = SH + "Violation"

# Parameters a shape may carry that are not constraints (or are handled as targets/structure).
_STRUCTURE = {
    SH + p
    for p in (
        "targetClass", "targetNode", "targetSubjectsOf", "targetObjectsOf", "property", "path", "message",
        "severity", "name", "description", "order", "group", "deactivated", "sparql", "declare", "prefixes",
        "defaultValue",
    )
}
# Constraint parameters this engine compiles (sh:flags goes with sh:pattern).
SUPPORTED = {
    SH + p
    for p in (
        "minCount", "maxCount", "datatype", "class", "in", "nodeKind", "pattern", "flags", "minLength",
        "maxLength", "minInclusive", "maxInclusive", "minExclusive", "maxExclusive", "hasValue",
    )
}

# Datatypes whose lexical forms SPARQL can check with a cast (ill-typed literal -> cast error).
_CASTABLE = {XSD + t for t in ("integer", "decimal", "double", "float", "boolean", "date", "dateTime", "time", "duration")}
_NODE_KINDS = {
    SH + "IRI": "!isIRI(?v)",
    SH + "BlankNode": "!isBlank(?v)",
    SH + "Literal": "!isLiteral(?v)",
    SH + "BlankNodeOrIRI": "isLiteral(?v)",
    SH + "BlankNodeOrLiteral": "isIRI(?v)",
    SH + "IRIOrLiteral": "isBlank(?v)",
}


# ---------------------------------------------------------------------------- the shapes graph
class _Graph:
    """The shapes triples indexed by subject and predicate."""

    def __init__(self, triples: Iterable) -> None:
        self.index: dict = {}
        self.triples = list(triples)
        for t in self.triples:
            self.index.setdefault(t.subject, {}).setdefault(t.predicate.value, []).append(t.object)

    def objects(self, node, predicate: str) -> list:
        return self.index.get(node, {}).get(predicate, [])

    def one(self, node, predicate: str):
        values = self.objects(node, predicate)
        return values[0] if values else None

    def items(self, head) -> list:
        out = []
        while head is not None and head.value != _NIL:
            out.append(self.one(head, _FIRST))
            head = self.one(head, _REST)
        return out

    def closure(self, node) -> list:
        """Triples describing ``node`` and every blank node reachable from it."""
        import pyoxigraph as ox

        out, seen, stack = [], set(), [node]
        while stack:
            n = stack.pop()
            if n in seen:
                continue
            seen.add(n)
            for t in self.triples:
                if t.subject == n:
                    out.append(t)
                    if isinstance(t.object, ox.BlankNode):
                        stack.append(t.object)
        return out


def _sparql_term(term) -> str:
    return str(term)  # pyoxigraph prints terms in N-Triples syntax, valid in SPARQL


def _sparql_path(g: _Graph, path) -> str | None:
    """A SHACL property path as a SPARQL property path (None if it cannot be expressed)."""
    import pyoxigraph as ox

    if isinstance(path, ox.NamedNode):
        return f"<{path.value}>"
    if not isinstance(path, ox.BlankNode):
        return None
    if g.one(path, _FIRST) is not None:
        parts = [_sparql_path(g, p) for p in g.items(path)]
        return None if None in parts or not parts else "(" + "/".join(parts) + ")"
    for pred, fmt in (("inversePath", "^{}"), ("zeroOrMorePath", "{}*"), ("oneOrMorePath", "{}+"), ("zeroOrOnePath", "{}?")):
        inner = g.one(path, SH + pred)
        if inner is not None:
            sub = _sparql_path(g, inner)
            return None if sub is None else "(" + fmt.format(sub) + ")"
    alt = g.one(path, SH + "alternativePath")
    if alt is not None:
        parts = [_sparql_path(g, p) for p in g.items(alt)]
        return None if None in parts or not parts else "(" + "|".join(parts) + ")"
    return None


# ---------------------------------------------------------------------------- compiled form
@dataclass
class Check:
    """One compiled constraint: a query yielding ?this (and ?v, ?path, ?value) per violation."""

    query: str
    shape: str
    component: str
    severity: str
    message: str
    path: str | None
    value_var: str | None = "v"  # which variable holds sh:value (None: no value)
    sparql: bool = False  # results of a SHACL-SPARQL constraint (message templates, ?path)


def _shape_id(node) -> str:
    import pyoxigraph as ox

    return f"_:{node.value}" if isinstance(node, ox.BlankNode) else node.value


def _severity(g: _Graph, shape) -> str:
    s = g.one(shape, SH + "severity")
    return s.value if s is not None else _VIOLATION


def _message(g: _Graph, node) -> str:
    msgs = sorted(m.value for m in g.objects(node, SH + "message"))
    return msgs[0] if msgs else ""


def _deactivated(g: _Graph, node) -> bool:
    d = g.one(node, SH + "deactivated")
    return d is not None and d.value == "true"


def _unsupported(g: _Graph, node, allowed: set[str]) -> list[str]:
    return sorted(p for p in g.index.get(node, {}) if p.startswith(SH) and p not in allowed)


def _subclasses(store, cls: str) -> list[str]:
    rows = store.query(f"SELECT DISTINCT ?c WHERE {{ ?c <{RDFS}subClassOf>* <{cls}> }}")
    return sorted({r["c"].value for r in rows} | {cls})


def _target_union(g: _Graph, store, shape) -> str | None:
    """The shape's targets as one SPARQL group binding ?this (classes with their subclasses)."""
    parts = []
    classes = sorted({c for t in g.objects(shape, SH + "targetClass") for c in _subclasses(store, t.value)})
    if classes:
        parts.append("{ VALUES ?__c { " + " ".join(f"<{c}>" for c in classes) + f" }} ?this <{RDF_TYPE}> ?__c }}")
    nodes = g.objects(shape, SH + "targetNode")
    if nodes:
        parts.append("{ VALUES ?this { " + " ".join(_sparql_term(n) for n in nodes) + " } }")
    for p in g.objects(shape, SH + "targetSubjectsOf"):
        parts.append(f"{{ ?this <{p.value}> ?__o }}")
    for p in g.objects(shape, SH + "targetObjectsOf"):
        parts.append(f"{{ ?__s <{p.value}> ?this }}")
    return " UNION ".join(parts) if parts else None


_TARGETS = "urn:ldpub:fastshacl:targets"  # named graph of (focus, urn:ldpub:fastshacl:focus, shape)
_FOCUS = "urn:ldpub:fastshacl:focus"


def _target_pattern(g: _Graph, store, shape, number: int) -> str | None:
    """Materialize the shape's focus nodes once; return the pattern that binds ?this to them.

    The targets (``targetClass`` with every subclass, ``targetNode``, ``targetSubjectsOf``,
    ``targetObjectsOf``) are evaluated by one ``INSERT`` into a named graph the constraint
    queries never see otherwise, so each check joins one indexed triple pattern instead of
    re-evaluating a union of classes per query.
    """
    union = _target_union(g, store, shape)
    if union is None:
        return None
    marker = f"<urn:ldpub:fastshacl:shape:{number}>"
    store.update(f"INSERT {{ GRAPH <{_TARGETS}> {{ ?this <{_FOCUS}> {marker} }} }} WHERE {{ {union} }}")
    return f"GRAPH <{_TARGETS}> {{ ?this <{_FOCUS}> {marker} }}"


def _value_checks(g: _Graph, store, shape) -> list[tuple[str, str]]:
    """(component, FILTER expression on ?v) for each value-level constraint of a shape."""
    out = []
    dt = g.one(shape, SH + "datatype")
    if dt is not None:
        expr = f"!isLiteral(?v) || !sameTerm(datatype(?v), <{dt.value}>)"
        if dt.value in _CASTABLE:
            expr += f" || !COALESCE(isLiteral(<{dt.value}>(?v)), false)"
        out.append(("DatatypeConstraintComponent", expr))
    for cls in g.objects(shape, SH + "class"):
        sub = " ".join(f"<{c}>" for c in _subclasses(store, cls.value))
        out.append(("ClassConstraintComponent", f"NOT EXISTS {{ VALUES ?__k {{ {sub} }} ?v <{RDF_TYPE}> ?__k }}"))
    head = g.one(shape, SH + "in")
    if head is not None:
        allowed = " || ".join(f"sameTerm(?v, {_sparql_term(t)})" for t in g.items(head)) or "false"
        out.append(("InConstraintComponent", f"!({allowed})"))
    kind = g.one(shape, SH + "nodeKind")
    if kind is not None:
        out.append(("NodeKindConstraintComponent", _NODE_KINDS[kind.value]))
    for pattern in g.objects(shape, SH + "pattern"):
        flags = g.one(shape, SH + "flags")
        args = f"{_sparql_term(pattern)}" + (f", {_sparql_term(flags)}" if flags is not None else "")
        out.append(("PatternConstraintComponent", f"isBlank(?v) || !regex(str(?v), {args})"))
    for name, op in (("minLength", "<"), ("maxLength", ">")):
        n = g.one(shape, SH + name)
        if n is not None:
            out.append((name[0].upper() + name[1:] + "ConstraintComponent", f"isBlank(?v) || strlen(str(?v)) {op} {int(n.value)}"))
    for name, op in (("minInclusive", ">="), ("maxInclusive", "<="), ("minExclusive", ">"), ("maxExclusive", "<")):
        bound = g.one(shape, SH + name)
        if bound is not None:
            out.append((name[0].upper() + name[1:] + "ConstraintComponent", f"!COALESCE(?v {op} {_sparql_term(bound)}, false)"))
    return out


def _named(path) -> str | None:
    import pyoxigraph as ox

    return path.value if isinstance(path, ox.NamedNode) else None


def _compile_constraints(g: _Graph, store, shape, target: str, path) -> list[Check]:
    """Checks for the core constraints of a property shape (path given) or a node shape."""
    sid, severity, message = _shape_id(shape), _severity(g, shape), _message(g, shape)
    path_iri = _named(path)
    path_sparql = _sparql_path(g, path) if path is not None else None
    values = f"?this {path_sparql} ?v ." if path is not None else "BIND(?this AS ?v)"
    checks = []

    def add(component: str, body: str, value_var: str | None = "v") -> None:
        checks.append(Check(body, sid, SH + component, severity, message, path_iri, value_var))

    for component, expr in _value_checks(g, store, shape):
        add(component, f"SELECT DISTINCT ?this ?v WHERE {{ {target} {values} FILTER({expr}) }}")
    if path is not None:
        low = g.one(shape, SH + "minCount")
        if low is not None and int(low.value) == 1:
            add("MinCountConstraintComponent",
                f"SELECT ?this WHERE {{ {target} FILTER NOT EXISTS {{ ?this {path_sparql} ?v }} }}", None)
        elif low is not None and int(low.value) > 1:
            add("MinCountConstraintComponent",
                f"SELECT ?this WHERE {{ {target} OPTIONAL {{ ?this {path_sparql} ?v }} }} "
                f"GROUP BY ?this HAVING (COUNT(DISTINCT ?v) < {int(low.value)})", None)
        high = g.one(shape, SH + "maxCount")
        if high is not None and int(high.value) == 0:
            add("MaxCountConstraintComponent", f"SELECT DISTINCT ?this WHERE {{ {target} ?this {path_sparql} ?v }}", None)
        elif high is not None and int(high.value) == 1:  # a self-join finds the few nodes with two values
            add("MaxCountConstraintComponent",
                f"SELECT DISTINCT ?this WHERE {{ {target} ?this {path_sparql} ?v . ?this {path_sparql} ?w "
                f"FILTER(!sameTerm(?v, ?w)) }}", None)
        elif high is not None:
            add("MaxCountConstraintComponent",
                f"SELECT ?this WHERE {{ {target} ?this {path_sparql} ?v }} "
                f"GROUP BY ?this HAVING (COUNT(DISTINCT ?v) > {int(high.value)})", None)
    has = g.one(shape, SH + "hasValue")
    if has is not None:
        probe = f"?this {path_sparql} {_sparql_term(has)}" if path is not None else f"FILTER(sameTerm(?this, {_sparql_term(has)}))"
        add("HasValueConstraintComponent", f"SELECT ?this WHERE {{ {target} FILTER NOT EXISTS {{ {probe} }} }}", None)
    return checks


_THIS = re.compile(r"\$this\b")
_WHERE = re.compile(r"\bWHERE\s*\{", re.IGNORECASE)
_PRE_BOUND = re.compile(r"\$(currentShape|shapesGraph)\b")


def _prefix_block(g: _Graph, node) -> str:
    lines = []
    for decl_owner in g.objects(node, SH + "prefixes"):
        for decl in g.objects(decl_owner, SH + "declare"):
            prefix, ns = g.one(decl, SH + "prefix"), g.one(decl, SH + "namespace")
            if prefix is not None and ns is not None:
                lines.append(f"PREFIX {prefix.value}: <{ns.value}>")
    return "\n".join(sorted(set(lines)))


def _compile_sparql(g: _Graph, shape, constraint, target: str, path) -> Check | None:
    """A SHACL-SPARQL constraint as one whole-graph query joined to the targets (None: unsupported)."""
    select = g.one(constraint, SH + "select")
    if select is None or _PRE_BOUND.search(select.value) or _unsupported(g, constraint, _STRUCTURE | {SH + "select"}):
        return None
    text = _THIS.sub("?this", select.value)
    if path is not None:
        p = _sparql_path(g, path)
        if p is None:
            return None
        text = re.sub(r"\$PATH\b", p, text)
    elif "$PATH" in text:
        return None
    where = _WHERE.search(text)
    brace = where.end() if where else text.find("{") + 1
    if brace <= 0:
        return None
    query = _prefix_block(g, constraint) + "\n" + text[:brace] + " " + target + " " + text[brace:]
    severity = _severity(g, constraint) if g.one(constraint, SH + "severity") is not None else _severity(g, shape)
    path_iri = _named(path)
    return Check(query, _shape_id(shape), SH + "SPARQLConstraintComponent", severity,
                 _message(g, constraint) or _message(g, shape), path_iri, "value", sparql=True)


def _root_shapes(g: _Graph) -> list:
    targets = [SH + p for p in ("targetClass", "targetNode", "targetSubjectsOf", "targetObjectsOf")]
    return sorted({s for s, preds in g.index.items() if any(p in preds for p in targets)}, key=_shape_id)


@dataclass
class PropertyCheck:
    """A property shape with a plain IRI path, checked in Python over the subject index."""

    root: object  # the shape whose targets give the focus nodes
    shape: str
    path: str
    severity: str
    message: str
    min_count: int | None = None
    max_count: int | None = None
    datatype: str | None = None
    classes: list[frozenset] = field(default_factory=list)  # one subclass closure per sh:class
    allowed: frozenset | None = None  # sh:in
    node_kind: str | None = None
    patterns: list = field(default_factory=list)  # compiled regular expressions
    min_length: int | None = None
    max_length: int | None = None
    bounds: list[tuple[str, str, object]] = field(default_factory=list)  # (component, operator, bound)
    has_value: object = None


class _Index:
    """The data graph (data plus ontology triples) indexed by predicate, for one-pass checks.

    Nodes are keyed by their N-Triples text (``<iri>``, ``_:b0``): Python caches string
    hashes, so the many lookups cost less than hashing pyoxigraph terms each time.
    """

    def __init__(self, *triple_sets: Iterable) -> None:
        import gc
        from sys import intern

        by_pred: dict[str, dict[str, list]] = {}
        paused = gc.isenabled()
        gc.disable()  # millions of small lists: the cyclic collector would rescan them again and again
        try:
            for triples in triple_sets:
                for t in triples:
                    p = t.predicate.value
                    m = by_pred.get(p)
                    if m is None:
                        m = by_pred[p] = {}
                    s = intern(str(t.subject))  # one string per node, not one per triple
                    values = m.get(s)
                    if values is None:
                        m[s] = [t.object]
                    else:
                        values.append(t.object)
        finally:
            if paused:
                gc.enable()
        self.by_pred = by_pred
        self.types: dict[str, list] = by_pred.get(RDF_TYPE, {})
        instances: dict[str, list[str]] = {}
        for node, classes in self.types.items():
            for c in classes:
                instances.setdefault(c.value, []).append(node)
        self.instances = instances
        self._subclasses: dict[str, frozenset] = {}
        self._below: dict[str, list[str]] | None = None

    def subclasses(self, cls: str) -> frozenset:
        """``cls`` and every class below it by ``rdfs:subClassOf`` (transitively)."""
        hit = self._subclasses.get(cls)
        if hit is None:
            if self._below is None:
                self._below = {}
                for s, supers in self.by_pred.get(RDFS + "subClassOf", {}).items():
                    for o in supers:
                        self._below.setdefault(o.value, []).append(s[1:-1] if s.startswith("<") else s)
            seen, stack = {cls}, [cls]
            while stack:
                for sub in self._below.get(stack.pop(), ()):
                    if sub not in seen:
                        seen.add(sub)
                        stack.append(sub)
            hit = self._subclasses[cls] = frozenset(seen)
        return hit

    def focus_nodes(self, g: _Graph, shape) -> set[str]:
        focus: set[str] = set()
        for t in g.objects(shape, SH + "targetClass"):
            for cls in self.subclasses(t.value):
                focus.update(self.instances.get(cls, ()))
        focus.update(str(n) for n in g.objects(shape, SH + "targetNode"))
        for p in g.objects(shape, SH + "targetSubjectsOf"):
            focus.update(self.by_pred.get(p.value, {}))
        for p in g.objects(shape, SH + "targetObjectsOf"):
            for values in self.by_pred.get(p.value, {}).values():
                focus.update(str(v) for v in values)
        return focus


def _node_value(key: str) -> str:
    """The IRI or blank node label of a node key (``<iri>`` or ``_:label``)."""
    return key[1:-1] if key.startswith("<") else key[2:]


_FLAGS = {"i": re.IGNORECASE, "m": re.MULTILINE, "s": re.DOTALL, "x": re.VERBOSE}
_NUMERIC = {XSD + t for t in ("integer", "decimal", "double", "float", "int", "long", "short", "byte",
                              "nonNegativeInteger", "positiveInteger", "negativeInteger", "nonPositiveInteger",
                              "unsignedInt", "unsignedLong", "unsignedShort", "unsignedByte")}
_LEXICAL = {
    XSD + "integer": re.compile(r"^[+-]?\d+$"),
    XSD + "decimal": re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)$"),
    XSD + "double": re.compile(r"^([+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?|[+-]?INF|NaN)$"),
    XSD + "float": re.compile(r"^([+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?|[+-]?INF|NaN)$"),
    XSD + "boolean": re.compile(r"^(true|false|1|0)$"),
    XSD + "date": re.compile(r"^-?\d{4,}-\d{2}-\d{2}(Z|[+-]\d{2}:\d{2})?$"),
}


def _well_formed(lexical: str, datatype: str) -> bool:
    pattern = _LEXICAL.get(datatype)
    if pattern is None:
        return True
    if not pattern.match(lexical):
        return False
    if datatype == XSD + "date":
        import datetime as dt

        try:
            dt.date.fromisoformat(lexical[:10])
        except ValueError:
            return False
    return True


_WELL_FORMED: dict[tuple[str, str], bool] = {}


def _well_formed_cached(lexical: str, datatype: str) -> bool:
    """:func:`_well_formed`, remembered (dates and numbers repeat across records)."""
    key = (lexical, datatype)
    hit = _WELL_FORMED.get(key)
    if hit is None:
        if len(_WELL_FORMED) > 200_000:
            _WELL_FORMED.clear()
        hit = _WELL_FORMED[key] = _well_formed(lexical, datatype)
    return hit


def _comparable(term):
    """A Python value to compare literals with (numbers and dates), or None if incomparable."""
    import pyoxigraph as ox

    if not isinstance(term, ox.Literal) or term.language:
        return None
    dt = term.datatype.value
    if dt in _NUMERIC and _well_formed(term.value, dt):
        from decimal import Decimal, InvalidOperation

        try:
            return ("n", Decimal(term.value.replace("INF", "Infinity")))
        except InvalidOperation:
            return None
    if dt in (XSD + "date", XSD + "dateTime") and _well_formed(term.value, dt):
        return ("d", term.value)
    return None


_COMPARE = {">=": lambda a, b: a >= b, "<=": lambda a, b: a <= b, ">": lambda a, b: a > b, "<": lambda a, b: a < b}


def _property_check(g: _Graph, index: _Index, root, prop) -> PropertyCheck:
    one = lambda p: g.one(prop, SH + p)  # noqa: E731
    check = PropertyCheck(root, _shape_id(prop), g.one(prop, SH + "path").value, _severity(g, prop), _message(g, prop))
    if one("minCount") is not None:
        check.min_count = int(one("minCount").value)
    if one("maxCount") is not None:
        check.max_count = int(one("maxCount").value)
    if one("datatype") is not None:
        check.datatype = one("datatype").value
    check.classes = [index.subclasses(c.value) for c in g.objects(prop, SH + "class")]
    if one("in") is not None:
        check.allowed = frozenset(g.items(one("in")))
    if one("nodeKind") is not None:
        check.node_kind = one("nodeKind").value
    flags = 0
    for f in (one("flags").value if one("flags") is not None else ""):
        flags |= _FLAGS.get(f, 0)
    check.patterns = [re.compile(p.value, flags) for p in g.objects(prop, SH + "pattern")]
    if one("minLength") is not None:
        check.min_length = int(one("minLength").value)
    if one("maxLength") is not None:
        check.max_length = int(one("maxLength").value)
    for name, op in (("minInclusive", ">="), ("maxInclusive", "<="), ("minExclusive", ">"), ("maxExclusive", "<")):
        bound = one(name)
        if bound is not None:
            check.bounds.append((SH + name[0].upper() + name[1:] + "ConstraintComponent", op, _comparable(bound)))
    check.has_value = one("hasValue")
    return check


@dataclass
class Plan:
    """How each shape is validated: Python checks, SPARQL roots, or pySHACL (fallback)."""

    property_checks: list[PropertyCheck] = field(default_factory=list)
    sparql_roots: list[tuple[int, object]] = field(default_factory=list)  # (number, root) needing SPARQL
    fallback_triples: list = field(default_factory=list)
    fallback_shapes: list[str] = field(default_factory=list)
    graph: _Graph | None = None


def plan_shapes(shape_triples: Iterable, index: _Index) -> Plan:
    """Sort every targeted shape into Python checks, SPARQL checks, or pySHACL fallback."""
    import pyoxigraph as ox

    g = _Graph(shape_triples)
    plan = Plan(graph=g)
    allowed = _STRUCTURE | SUPPORTED
    for number, root in enumerate(_root_shapes(g)):
        if _deactivated(g, root):
            continue
        props = [p for p in g.objects(root, SH + "property") if not _deactivated(g, p)]
        supported = not _unsupported(g, root, allowed) and all(
            g.one(p, SH + "path") is not None and _sparql_path(g, g.one(p, SH + "path")) is not None
            and not _unsupported(g, p, allowed) and not g.objects(p, SH + "sparql") for p in props
        ) and all(_compile_sparql(g, root, c, "", g.one(root, SH + "path")) is not None
                  for c in g.objects(root, SH + "sparql") if not _deactivated(g, c))
        if not supported:
            plan.fallback_shapes.append(_shape_id(root))
            triples = g.closure(root)
            for owner in {t.object for t in triples if t.predicate.value == SH + "prefixes"}:
                triples.extend(g.closure(owner))  # the sh:declare prefixes its SPARQL needs
            plan.fallback_triples.extend(triples)
            continue
        needs_sparql = bool(g.objects(root, SH + "sparql")) or g.one(root, SH + "path") is not None or any(
            p in g.index.get(root, {}) for p in SUPPORTED)
        for prop in props:
            if isinstance(g.one(prop, SH + "path"), ox.NamedNode):
                plan.property_checks.append(_property_check(g, index, root, prop))
            else:
                needs_sparql = True
        if needs_sparql:
            plan.sparql_roots.append((number, root))
    plan.fallback_triples = list(dict.fromkeys(plan.fallback_triples))
    return plan


def compile_sparql_checks(plan: Plan, store) -> list[Check]:
    """SPARQL checks for what Python does not check: sh:sparql, complex paths, node-level constraints."""
    import pyoxigraph as ox

    g, checks = plan.graph, []
    for number, root in plan.sparql_roots:
        constraints = [c for c in g.objects(root, SH + "sparql") if not _deactivated(g, c)]
        if constraints:  # each runs once: join the targets inline rather than materializing them
            inline = "{ SELECT DISTINCT ?this WHERE { " + _target_union(g, store, root) + " } }"
            checks.extend(_compile_sparql(g, root, c, inline, g.one(root, SH + "path")) for c in constraints)
        props = [p for p in g.objects(root, SH + "property")
                 if not _deactivated(g, p) and not isinstance(g.one(p, SH + "path"), ox.NamedNode)]
        node_level = g.one(root, SH + "path") is not None or any(p in g.index.get(root, {}) for p in SUPPORTED)
        if not props and not node_level:
            continue
        target = _target_pattern(g, store, root, number)
        checks.extend(_compile_constraints(g, store, root, target, g.one(root, SH + "path")))
        for prop in props:
            checks.extend(_compile_constraints(g, store, prop, target, g.one(prop, SH + "path")))
    return checks


def run_property_checks(plan: Plan, index: _Index, g: _Graph | None = None) -> list[dict]:
    """Evaluate the Python checks: per check, one pass over the triples of its path."""
    import pyoxigraph as ox

    g = g or plan.graph
    Literal, BlankNode, NamedNode = ox.Literal, ox.BlankNode, ox.NamedNode
    out: list[dict] = []
    focus_cache: dict = {}
    class_cache: dict = {}
    for check in plan.property_checks:
        focus = focus_cache.get(check.root)
        if focus is None:
            focus = focus_cache[check.root] = index.focus_nodes(g, check.root)
        path = check.path
        by_subject = index.by_pred.get(path, {})

        def report(node: str, component: str, value=None) -> None:
            out.append({"focus": _node_value(node), "path": path, "value": None if value is None else value.value,
                        "severity": check.severity, "message": check.message, "shape": check.shape,
                        "component": SH + component})

        if check.min_count:
            for node in focus - by_subject.keys():
                report(node, "MinCountConstraintComponent")
            if check.min_count > 1:
                for node, values in by_subject.items():
                    if len(values) < check.min_count and node in focus:
                        report(node, "MinCountConstraintComponent")
        if check.max_count is not None:
            for node, values in by_subject.items():
                if len(values) > check.max_count and node in focus:
                    report(node, "MaxCountConstraintComponent")
        if check.has_value is not None:
            for node in focus:
                if check.has_value not in by_subject.get(node, ()):
                    report(node, "HasValueConstraintComponent")
        if not (check.datatype or check.classes or check.allowed is not None or check.node_kind or check.patterns
                or check.min_length is not None or check.max_length is not None or check.bounds):
            continue
        # the per-value parameters, read once per check (the loop below runs once per triple)
        datatype, allowed, node_kind, bounds = check.datatype, check.allowed, check.node_kind, check.bounds
        patterns, min_length, max_length = check.patterns, check.min_length, check.max_length
        texts = bool(patterns) or min_length is not None or max_length is not None
        lexical = datatype in _LEXICAL
        # sh:class: the node keys having a type in the class's subclass closure (a Literal's
        # key starts with a quote, so it is never a member)
        members = []
        for closure in check.classes:
            found = class_cache.get(closure)
            if found is None:
                found = class_cache[closure] = frozenset(
                    n for c in closure for n in index.instances.get(c, ()))
            members.append(found)
        for node, values in by_subject.items():
            if node not in focus:
                continue
            for v in values:
                if datatype is not None:
                    if not isinstance(v, Literal):
                        report(node, "DatatypeConstraintComponent", v)
                    else:
                        vdt = v.datatype.value
                        if vdt != datatype or (lexical and not _well_formed_cached(v.value, vdt)):
                            report(node, "DatatypeConstraintComponent", v)
                if members:
                    key = str(v)
                    for found in members:
                        if key not in found:
                            report(node, "ClassConstraintComponent", v)
                if allowed is not None and v not in allowed:
                    report(node, "InConstraintComponent", v)
                if node_kind is not None and not _node_kind_ok(v, node_kind, NamedNode, BlankNode, Literal):
                    report(node, "NodeKindConstraintComponent", v)
                if texts:
                    blank = isinstance(v, BlankNode)
                    for pattern in patterns:
                        if blank or not pattern.search(v.value):
                            report(node, "PatternConstraintComponent", v)
                    if min_length is not None and (blank or len(v.value) < min_length):
                        report(node, "MinLengthConstraintComponent", v)
                    if max_length is not None and (blank or len(v.value) > max_length):
                        report(node, "MaxLengthConstraintComponent", v)
                if bounds:
                    mine = _comparable(v)
                    for component, op, bound in bounds:
                        if mine is None or bound is None or mine[0] != bound[0] or not _COMPARE[op](mine[1], bound[1]):
                            report(node, component.removeprefix(SH), v)
    return out


def _node_kind_ok(v, kind: str, NamedNode, BlankNode, Literal) -> bool:
    return {
        SH + "IRI": isinstance(v, NamedNode),
        SH + "BlankNode": isinstance(v, BlankNode),
        SH + "Literal": isinstance(v, Literal),
        SH + "BlankNodeOrIRI": not isinstance(v, Literal),
        SH + "BlankNodeOrLiteral": not isinstance(v, NamedNode),
        SH + "IRIOrLiteral": not isinstance(v, BlankNode),
    }[kind]


# ---------------------------------------------------------------------------- running
def _text(term) -> str | None:
    return None if term is None else term.value


def _fill(template: str, row, names: list[str]) -> str:
    def sub(m: re.Match) -> str:
        name = m.group(1)
        if name in names:
            value = row[name]
            return value.value if value is not None else m.group(0)
        return m.group(0)

    return re.sub(r"\{[?$]([A-Za-z_][A-Za-z0-9_]*)\}", sub, template)


def run_checks(checks: list[Check], store) -> list[dict]:
    """Run compiled SPARQL checks on the store; one raw result dict per violation."""
    import pyoxigraph as ox

    out = []
    for check in checks:
        solutions = store.query(check.query)
        names = [v.value for v in solutions.variables]
        for row in solutions:
            focus = row["this"]
            if focus is None:
                continue
            path, value, message = check.path, None, check.message
            if check.sparql:
                bound_path = row["path"] if "path" in names else None
                if isinstance(bound_path, ox.NamedNode):
                    path = bound_path.value
                value = _text(row["value"]) if "value" in names and row["value"] is not None else focus.value
                message = _fill(message, row, names)
            elif check.value_var:
                value = _text(row[check.value_var])
            out.append({"focus": focus.value, "path": path, "value": value, "severity": check.severity,
                        "message": message, "shape": check.shape, "component": check.component})
    return out


def _load_store(data_triples: list, ontology_triples: list, predicates: set[str] | None = None):
    """The data graph in a Store: all of it, or only the triples whose predicate is in ``predicates``."""
    import pyoxigraph as ox

    store = ox.Store()
    for triples in (data_triples, ontology_triples):  # N-Triples bulk load beats building Quads in Python
        if predicates is not None:
            triples = [t for t in triples if t.predicate.value in predicates]
        store.bulk_load(ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES), format=ox.RdfFormat.N_TRIPLES)
    return store


_TOKEN = re.compile(r"""
    (?P<comment>\#[^\n]*) | (?P<string>"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*') | (?P<iri><[^<>\s]*>)
  | (?P<var>[?$][A-Za-z_][A-Za-z0-9_]*) | (?P<pname>[A-Za-z_][\w.-]*:[\w.-]*|:[\w.-]+)
  | (?P<word>[A-Za-z_][A-Za-z0-9_]*) | (?P<punct>[{}()\[\].;,/|^*+?!=<>&-]) | (?P<other>\S)
""", re.VERBOSE)


def _fixed_predicates(query: str) -> set[str] | None:
    """Every IRI a SHACL-SPARQL query names, if it has no variable in predicate position.

    Such a query only matches triples whose predicate it names, so it can run on a Store
    holding just those. Returns None (use the whole graph) when a pattern's predicate is a
    variable or the query uses anything this conservative reader does not follow
    (blank-node property lists, negated paths, GRAPH, SERVICE, sub-queries).
    """
    prefixes = dict(re.findall(r"PREFIX\s+([\w-]*):\s*<([^>]*)>", query, re.IGNORECASE))
    body = re.sub(r"PREFIX\s+[\w-]*:\s*<[^>]*>", " ", query, flags=re.IGNORECASE)
    where = re.search(r"\bWHERE\b|\{", body, re.IGNORECASE)
    if where is None:
        return None
    iris: set[str] = set()
    tokens = [(m.lastgroup, m.group()) for m in _TOKEN.finditer(body[where.start():]) if m.lastgroup != "comment"]
    position, depth_expr, i = 0, 0, 0  # position in a triple pattern: 0 subject, 1 predicate, 2 object
    while i < len(tokens):
        kind, text = tokens[i]
        upper = text.upper()
        if kind == "iri":
            iris.add(text[1:-1])
        elif kind == "pname":
            prefix, _, local = text.partition(":")
            if prefix not in prefixes:
                return None
            iris.add(prefixes[prefix] + local)
        if kind == "word" and upper in ("GRAPH", "SERVICE", "SELECT", "CONSTRUCT", "DESCRIBE", "ASK"):
            return None
        if kind == "word" and upper in ("FILTER", "BIND", "VALUES", "HAVING", "ORDER", "GROUP", "LIMIT", "OFFSET"):
            # skip the expression: up to its closing parenthesis / brace (VALUES)
            opener = "{" if upper == "VALUES" else "("
            while i < len(tokens) and tokens[i][1] != opener:
                if tokens[i][1] == "{" and opener == "(":
                    break  # FILTER NOT EXISTS { ... }: read the group as patterns
                i += 1
            if i < len(tokens) and tokens[i][1] == opener:
                closer, level = {"(": ")", "{": "}"}[opener], 0
                while i < len(tokens):
                    level += tokens[i][1] == opener
                    level -= tokens[i][1] == closer
                    if level == 0:
                        break
                    if tokens[i][0] == "iri":
                        iris.add(tokens[i][1][1:-1])
                    elif tokens[i][0] == "pname":
                        prefix, _, local = tokens[i][1].partition(":")
                        if prefix in prefixes:
                            iris.add(prefixes[prefix] + local)
                    i += 1
                i += 1
                position = 0
                continue
            continue
        if text in ("{", "}", "."):
            position = 0
        elif text == ";":
            position = 1
        elif text == ",":
            position = 2
        elif text in ("[", "!"):
            return None
        elif kind in ("var", "iri", "pname", "string") or (kind == "word" and upper in ("A", "TRUE", "FALSE")):
            if position == 1 and kind == "var":
                return None  # a variable predicate: needs every triple
            if position == 1:
                # a property path may continue with / | ^ * + ? and more names
                while i + 1 < len(tokens) and tokens[i + 1][1] in ("/", "|", "^", "*", "+", "?", "(", ")"):
                    i += 1
                    if i + 1 < len(tokens) and tokens[i + 1][0] in ("iri", "pname"):
                        i += 1
                        nk, nt = tokens[i]
                        if nk == "iri":
                            iris.add(nt[1:-1])
                        else:
                            prefix, _, local = nt.partition(":")
                            if prefix not in prefixes:
                                return None
                            iris.add(prefixes[prefix] + local)
                    elif i + 1 < len(tokens) and tokens[i + 1][0] == "var":
                        return None
            position = min(position + 1, 2) if position < 2 else 2
            if kind == "word" and upper == "A":
                iris.add(RDF_TYPE)
        elif kind == "word" and upper in ("OPTIONAL", "MINUS", "UNION", "NOT", "EXISTS", "WHERE"):
            position = 0
        elif kind == "number" or (kind == "other" and text.isdigit()):
            position = min(position + 1, 2)
        i += 1
    return iris


def _store_predicates(plan: Plan) -> set[str] | None:
    """The predicates the SPARQL checks can match (None: they need the whole graph)."""
    import pyoxigraph as ox

    g = plan.graph
    wanted = {RDF_TYPE, RDFS + "subClassOf"}
    for _, root in plan.sparql_roots:
        if any(not isinstance(g.one(p, SH + "path"), ox.NamedNode) for p in g.objects(root, SH + "property")):
            return None
        if g.one(root, SH + "path") is not None or any(p in g.index.get(root, {}) for p in SUPPORTED):
            return None
        wanted |= {p.value for p in g.objects(root, SH + "targetSubjectsOf")}
        wanted |= {p.value for p in g.objects(root, SH + "targetObjectsOf")}
        for constraint in g.objects(root, SH + "sparql"):
            select = g.one(constraint, SH + "select")
            fixed = _fixed_predicates(_prefix_block(g, constraint) + "\n" + select.value) if select is not None else None
            if fixed is None:
                return None
            wanted |= fixed
    return wanted


def fast_findings(data_triples: list, shape_triples: list, ontology_triples: list, vocab_labels=None) -> list[dict]:
    """The ``fast`` engine of :data:`ldpub.validate.ENGINES` (same contract as pySHACL's).

    Core constraints on plain-IRI paths run in Python over a predicate index; the index is
    dropped before pyoxigraph loads the Store for the SPARQL-based checks, so both never
    take memory at the same time.
    """
    index = _Index(data_triples, ontology_triples)
    plan = plan_shapes(shape_triples, index)
    results = run_property_checks(plan, index)
    del index
    if plan.sparql_roots:
        store = _load_store(data_triples, ontology_triples, _store_predicates(plan))
        results.extend(run_checks(compile_sparql_checks(plan, store), store))
        del store
    if plan.fallback_triples:
        from .validate import ENGINES

        results.extend(ENGINES["pyshacl"](data_triples, plan.fallback_triples, ontology_triples, vocab_labels))
    unique = {tuple(sorted(r.items(), key=lambda kv: kv[0])): r for r in results}
    return list(unique.values())
