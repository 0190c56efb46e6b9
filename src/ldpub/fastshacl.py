"""A fast SHACL engine: core constraints in one pass, SPARQL constraints once on pyoxigraph.

pySHACL (the reference engine) walks every focus node in Python and runs SHACL-SPARQL
constraints once per focus node on rdflib's SPARQL engine: minutes at a million triples.
This engine reads the data graph as **N-Triples lines** (``str(pyoxigraph.Triple)``: the
pipeline's sorted, unique lines, although any order gives the same results; no Triple
objects needed) and plans each targeted shape
(:func:`plan_shapes`) into:

* **Python checks** for property shapes with a plain IRI path: the lines (data plus ontology)
  are indexed by predicate in one pass (``line.split(" ", 2)``), nodes staying N-Triples text;
  focus nodes come from ``sh:targetClass`` (with every subclass), ``sh:targetNode``,
  ``sh:targetSubjectsOf`` and ``sh:targetObjectsOf``, and ``sh:minCount``/``sh:maxCount``
  become set operations; ``sh:datatype`` (ill-typed literals included), ``sh:class``,
  ``sh:in``, ``sh:nodeKind``, ``sh:pattern``, ``sh:minLength``, ``sh:maxLength``,
  ``sh:min/maxInclusive``, ``sh:min/maxExclusive`` and ``sh:hasValue`` are checked once per
  distinct value, a literal being parsed (and unescaped) only where a constraint reads it;
* **SPARQL checks** on a pyoxigraph Store: each SPARQL-based constraint (``sh:sparql`` with
  ``sh:select``) runs ONCE over the whole graph with ``$this`` joined to its focus nodes
  (a ``VALUES`` block computed in Python) instead of pre-bound per focus node; complex
  property paths and node-level constraints compile to one query per constraint. When the
  SPARQL queries provably name all their predicates, the Store holds only those lines. It is
  loaded and queried in a background thread while the Python checks run.

Results are the same raw dicts as the pySHACL engine (focus, path, value, severity, message,
shape, component), sorted. A shape using anything else (``sh:node``, ``sh:or``,
``sh:closed``, ...) is not skipped: it is handed to pySHACL on its own, so the verdict never
depends on the engine. ``tests/test_fast_validation.py`` and ``tests/test_fastshacl_lines.py``
check that both engines report the same results.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Iterable

from .ntriples import parse_literal, term_value, unescape
from .rdfterms import RDF, RDF_TYPE, RDFS, SH, XSD

__all__ = ["fast_findings", "plan_shapes", "Plan", "PropertyCheck", "ntriples_lines", "parse_literal", "term_value", "unescape"]

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
    classes: list[str] = field(default_factory=list)  # the sh:class IRIs (closures are taken on the data)
    allowed: frozenset | None = None  # sh:in, as N-Triples texts
    node_kind: str | None = None
    patterns: list = field(default_factory=list)  # compiled regular expressions
    min_length: int | None = None
    max_length: int | None = None
    bounds: list[tuple[str, str, object]] = field(default_factory=list)  # (component, operator, bound)
    has_value: str | None = None  # N-Triples text


# ---------------------------------------------------------------------------- the data graph as lines
def ntriples_lines(data: Iterable) -> list[str]:
    """The data graph as N-Triples lines (``<s> <p> <o>``, no final `` .``): the engines' input.

    A list of lines is returned as it is; pyoxigraph Triples (the older contract) become their
    lines, in the same order. Sorted lines index a little faster (consecutive lines of one
    subject share its string); a repeated line changes nothing (values are counted distinct).
    """
    if not isinstance(data, list):
        data = list(data)
    if not data or isinstance(data[0], str):
        return data
    return list(map(str, data))


class _Values:
    """The triples of one predicate: parallel lists of subject keys, object texts and lines."""

    __slots__ = ("subjects", "objects", "lines", "_subject_set", "_distinct", "_counts", "cache")

    def __init__(self) -> None:
        self.subjects: list[str] = []  # N-Triples text of each subject (``<iri>``, ``_:b0``)
        self.objects: list[str] = []  # N-Triples text of each object (IRI, blank node or literal)
        self.lines: list[str] = []  # the lines themselves (for the SPARQL Store)
        self._subject_set: frozenset | None = None
        self._distinct: frozenset | None = None
        self._counts: dict | None = None
        self.cache: dict = {}  # per-constraint results on the distinct objects (shapes repeat them)

    def subject_set(self) -> frozenset:
        if self._subject_set is None:
            self._subject_set = frozenset(self.subjects)
        return self._subject_set

    def distinct(self) -> frozenset:
        """The distinct objects (constraints on values are evaluated once per distinct value)."""
        if self._distinct is None:
            self._distinct = frozenset(self.objects)
        return self._distinct

    def repeats(self) -> bool:
        """Whether some subject has more than one value."""
        return len(self.subject_set()) != len(self.subjects)

    def counts(self) -> dict:
        """Subject key -> number of distinct values (a triple given twice, e.g. in the data and
        in the ontology, counts once)."""
        if self._counts is None:
            from collections import Counter

            self._counts = Counter(s for s, _ in set(zip(self.subjects, self.objects)))
        return self._counts


_NO_VALUES = _Values()


_CHUNK = 200_000  # lines indexed between two hand-overs to the Store loader


class _Index:
    """The data graph (data plus ontology) indexed by predicate, from N-Triples lines.

    One pass splits each line at its first two spaces (subjects and predicates never contain
    one; objects may) and appends the subject, object and line to the predicate's lists:
    nodes stay N-Triples text (``<iri>``, ``_:b0``, ``"lexical"^^<datatype>``), which Python
    hashes once and compares in C, and a literal is parsed only where a constraint needs it.
    Consecutive lines of one subject share one subject string, so the index is a few large
    lists rather than millions of small objects (cheap to build and to free).
    Each argument is a list of lines, or of pyoxigraph Triples (converted).
    """

    def __init__(self, *line_sets: Iterable, feed=None, streamed: set[str] | None = None) -> None:
        """``feed`` (optional) receives, every :data:`_CHUNK` lines, the new lines of the
        ``streamed`` predicates (``<iri>`` keys; None: every predicate) as lists of lines."""
        import gc

        by_pred: dict[str, _Values] = {}
        fed: dict[str, int] = {}
        paused = gc.isenabled()
        gc.disable()  # the collector would rescan the growing lists for nothing
        try:
            for lines in line_sets:
                lines = ntriples_lines(lines)
                prev = None
                for start in range(0, len(lines), _CHUNK):
                    for line in lines[start:start + _CHUNK]:
                        s, p, o = line.split(" ", 2)
                        values = by_pred.get(p)
                        if values is None:
                            values = by_pred[p] = _Values()
                        if s == prev:
                            s = prev  # one string per subject, not one per line
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
        finally:
            if paused:
                gc.enable()
        self.by_pred = by_pred
        instances: dict[str, list[str]] = {}  # class key (``<iri>``) -> its instances' keys
        types = by_pred.get(f"<{RDF_TYPE}>", _NO_VALUES)
        for node, cls in zip(types.subjects, types.objects):
            found = instances.get(cls)
            if found is None:
                instances[cls] = [node]
            else:
                found.append(node)
        self.instances = instances
        self._subclasses: dict[str, frozenset] = {}
        self._below: dict[str, list[str]] | None = None
        self._focus: dict[tuple, frozenset] = {}

    def values(self, predicate: str) -> _Values:
        """The triples whose predicate is the IRI ``predicate`` (empty if none)."""
        return self.by_pred.get(f"<{predicate}>", _NO_VALUES)

    def subclasses(self, cls: str) -> frozenset:
        """``cls`` and every class below it by ``rdfs:subClassOf`` (transitively), as node keys."""
        hit = self._subclasses.get(cls)
        if hit is None:
            if self._below is None:
                self._below = {}
                sub_of = self.values(RDFS + "subClassOf")
                for s, o in zip(sub_of.subjects, sub_of.objects):
                    self._below.setdefault(o, []).append(s)
            key = _key(cls)
            seen, stack = {key}, [key]
            while stack:
                for sub in self._below.get(stack.pop(), ()):
                    if sub not in seen:
                        seen.add(sub)
                        stack.append(sub)
            hit = self._subclasses[cls] = frozenset(seen)
        return hit

    def members(self, closure: frozenset) -> frozenset:
        """The keys of the nodes typed with a class in ``closure`` (class keys)."""
        from itertools import chain, repeat

        return frozenset(chain.from_iterable(map(self.instances.get, closure, repeat(()))))

    def focus_nodes(self, g: _Graph, shape) -> frozenset:
        """The keys of the shape's focus nodes (shapes with the same targets share one set)."""
        targets = tuple(tuple(sorted(str(n) for n in g.objects(shape, SH + kind)))
                        for kind in ("targetClass", "targetNode", "targetSubjectsOf", "targetObjectsOf"))
        focus = self._focus.get(targets)
        if focus is not None:
            return focus
        found: set[str] = set()
        for t in g.objects(shape, SH + "targetClass"):
            for cls in self.subclasses(t.value):
                found.update(self.instances.get(cls, ()))
        found.update(str(n) for n in g.objects(shape, SH + "targetNode"))
        for p in g.objects(shape, SH + "targetSubjectsOf"):
            found.update(self.values(p.value).subject_set())
        for p in g.objects(shape, SH + "targetObjectsOf"):
            found.update(self.values(p.value).distinct())
        focus = self._focus[targets] = frozenset(found)
        return focus

    def store_lines(self, predicates: set[str] | None, type_classes: frozenset | None,
                    loaded: set[str] | None = None) -> list[list[str]]:
        """The lines of the given predicates (all if None) but those ``loaded`` already
        (``<iri>`` keys); ``rdf:type`` ones only for ``type_classes`` (class keys) if given."""
        out = []
        for p, values in self.by_pred.items():
            if (predicates is not None and p[1:-1] not in predicates) or (loaded is not None and p in loaded):
                continue
            if p == f"<{RDF_TYPE}>" and type_classes is not None:
                out.append([line for line, cls in zip(values.lines, values.objects) if cls in type_classes])
            else:
                out.append(values.lines)
        return out


def _key(iri_or_blank: str) -> str:
    """The node key (N-Triples text) of an IRI, or of a blank node given as ``_:label``."""
    return iri_or_blank if iri_or_blank.startswith("_:") else f"<{iri_or_blank}>"


# ---------------------------------------------------------------------------- N-Triples terms
_XSD_STRING = XSD + "string"
_LANG_STRING = RDF + "langString"


def _node_value(key: str) -> str:
    """The IRI, blank node label or lexical form of a node key."""
    return term_value(key)


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


def _comparable(text: str):
    """A Python value to compare a literal (N-Triples text) with: numbers and dates, else None."""
    if not text.startswith('"'):
        return None
    lexical, dt, language = parse_literal(text)
    if language is not None:
        return None
    if dt in _NUMERIC and _well_formed(lexical, dt):
        from decimal import Decimal, InvalidOperation

        try:
            return ("n", Decimal(lexical.replace("INF", "Infinity")))
        except InvalidOperation:
            return None
    if dt in (XSD + "date", XSD + "dateTime") and _well_formed(lexical, dt):
        return ("d", lexical)
    return None


_COMPARE = {">=": lambda a, b: a >= b, "<=": lambda a, b: a <= b, ">": lambda a, b: a > b, "<": lambda a, b: a < b}


def _property_check(g: _Graph, root, prop) -> PropertyCheck:
    one = lambda p: g.one(prop, SH + p)  # noqa: E731
    check = PropertyCheck(root, _shape_id(prop), g.one(prop, SH + "path").value, _severity(g, prop), _message(g, prop))
    if one("minCount") is not None:
        check.min_count = int(one("minCount").value)
    if one("maxCount") is not None:
        check.max_count = int(one("maxCount").value)
    if one("datatype") is not None:
        check.datatype = one("datatype").value
    check.classes = [c.value for c in g.objects(prop, SH + "class")]
    if one("in") is not None:
        check.allowed = frozenset(map(str, g.items(one("in"))))  # N-Triples text, as the data
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
            check.bounds.append((SH + name[0].upper() + name[1:] + "ConstraintComponent", op, _comparable(str(bound))))
    if one("hasValue") is not None:
        check.has_value = str(one("hasValue"))
    return check


@dataclass
class Plan:
    """How each shape is validated: Python checks, SPARQL roots, or pySHACL (fallback)."""

    property_checks: list[PropertyCheck] = field(default_factory=list)
    sparql_roots: list[tuple[int, object]] = field(default_factory=list)  # (number, root) needing SPARQL
    fallback_triples: list = field(default_factory=list)
    fallback_shapes: list[str] = field(default_factory=list)
    graph: _Graph | None = None


def plan_shapes(shape_triples: Iterable, index: _Index | None = None) -> Plan:
    """Sort every targeted shape into Python checks, SPARQL checks, or pySHACL fallback.

    The plan depends on the shapes only (``index`` is accepted for older callers), so it is
    made before the data is read: the Store for the SPARQL checks loads while it is indexed.
    """
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
                plan.property_checks.append(_property_check(g, root, prop))
            else:
                needs_sparql = True
        if needs_sparql:
            plan.sparql_roots.append((number, root))
    plan.fallback_triples = list(dict.fromkeys(plan.fallback_triples))
    return plan


def compile_sparql_checks(plan: Plan, store, targets: dict | None = None) -> list[Check]:
    """SPARQL checks for what Python does not check: sh:sparql, complex paths, node-level constraints.

    ``targets`` (root shape -> a ``VALUES ?this`` group of its focus nodes, found in Python)
    binds the SHACL-SPARQL constraints' ``$this`` without the Store holding ``rdf:type``
    triples; a root without one joins its targets from the Store.
    """
    import pyoxigraph as ox

    g, checks = plan.graph, []
    for number, root in plan.sparql_roots:
        constraints = [c for c in g.objects(root, SH + "sparql") if not _deactivated(g, c)]
        if constraints:  # each runs once: join the targets inline rather than materializing them
            inline = (targets or {}).get(root)
            if inline is None:
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


def run_property_checks(plan: Plan, index: _Index, g: _Graph | None = None, focus_cache: dict | None = None) -> list[dict]:
    """Evaluate the Python checks: set operations on each path's subjects and distinct objects.

    Counts compare the focus nodes with the path's subjects; a value constraint is evaluated
    once per distinct object (and remembered for other shapes on the same path), and only
    when some object fails do the path's (subject, object) pairs get walked to report them.
    """
    g = g or plan.graph
    out: list[dict] = []
    focus_cache = {} if focus_cache is None else focus_cache  # root shape -> its focus node keys
    members_cache: dict = {}
    for check in plan.property_checks:
        focus = focus_cache.get(check.root)
        if focus is None:
            focus = focus_cache[check.root] = index.focus_nodes(g, check.root)
        path = check.path
        values = index.values(path)

        def report(node: str, component: str, value: str | None = None) -> None:
            out.append({"focus": _node_value(node), "path": path, "value": None if value is None else term_value(value),
                        "severity": check.severity, "message": check.message, "shape": check.shape,
                        "component": SH + component})

        if check.min_count:
            for node in focus.difference(values.subject_set()):
                report(node, "MinCountConstraintComponent")
            if check.min_count > 1:
                for node, count in values.counts().items():
                    if count < check.min_count and node in focus:
                        report(node, "MinCountConstraintComponent")
        if check.max_count is not None:
            if check.max_count == 0:
                for node in focus.intersection(values.subject_set()):
                    report(node, "MaxCountConstraintComponent")
            elif values.repeats():
                for node, count in values.counts().items():
                    if count > check.max_count and node in focus:
                        report(node, "MaxCountConstraintComponent")
        if check.has_value is not None:
            having = {node for node, v in zip(values.subjects, values.objects) if v == check.has_value}
            for node in focus.difference(having):
                report(node, "HasValueConstraintComponent")
        failing = _failing_values(check, values, index, members_cache)
        if failing:
            suspects = frozenset().union(*(found for _, found in failing))
            for node, v in zip(values.subjects, values.objects):
                if v in suspects and node in focus:
                    for component, found in failing:
                        if v in found:
                            report(node, component, v)
    return out


def _failing_values(check: PropertyCheck, values: _Values, index: _Index, members_cache: dict) -> list[tuple[str, frozenset]]:
    """(component, the distinct objects of the path failing it) for each value constraint that fails."""
    if not values.objects:
        return []
    cache = values.cache

    def failing(key: tuple, test) -> frozenset:
        found = cache.get(key)
        if found is None:
            found = cache[key] = frozenset(test())
        return found

    out = []
    if check.datatype is not None:
        dt = check.datatype
        out.append(("DatatypeConstraintComponent", failing(("datatype", dt), lambda: _datatype_failures(values, dt))))
    for closure in map(index.subclasses, check.classes):
        members = members_cache.get(closure)
        if members is None:
            members = members_cache[closure] = index.members(closure)
        out.append(("ClassConstraintComponent", failing(("class", closure), lambda: values.distinct() - members)))
    if check.allowed is not None:
        allowed = check.allowed
        out.append(("InConstraintComponent", failing(("in", allowed), lambda: values.distinct() - allowed)))
    if check.node_kind is not None:
        firsts = _NODE_KIND_FIRST[check.node_kind]
        out.append(("NodeKindConstraintComponent", failing(("nodeKind", firsts), lambda: (
            v for v in values.distinct() if v[0] not in firsts))))
    if check.patterns or check.min_length is not None or check.max_length is not None:
        texts = cache.get("texts")
        if texts is None:  # what sh:pattern and the lengths read: the IRI or lexical form (None: blank node)
            texts = cache["texts"] = [(v, None if v[0] == "_" else term_value(v)) for v in values.distinct()]
        for pattern in check.patterns:
            out.append(("PatternConstraintComponent", failing(("pattern", pattern), lambda: (
                v for v, text in texts if text is None or not pattern.search(text)))))
        if check.min_length is not None:
            low = check.min_length
            out.append(("MinLengthConstraintComponent", failing(("minLength", low), lambda: (
                v for v, text in texts if text is None or len(text) < low))))
        if check.max_length is not None:
            high = check.max_length
            out.append(("MaxLengthConstraintComponent", failing(("maxLength", high), lambda: (
                v for v, text in texts if text is None or len(text) > high))))
    if check.bounds:
        comparable = cache.get("comparable")
        if comparable is None:
            comparable = cache["comparable"] = [(v, _comparable(v)) for v in values.distinct()]
        for component, op, bound in check.bounds:
            compare = _COMPARE[op]
            out.append((component.removeprefix(SH), failing(("bound", op, bound), lambda: (
                v for v, mine in comparable
                if mine is None or bound is None or mine[0] != bound[0] or not compare(mine[1], bound[1])))))
    return [(component, found) for component, found in out if found]


_LANG_TAIL = re.compile(r'"@[a-zA-Z]+(?:-[a-zA-Z0-9]+)*\Z')  # a language-tagged literal's end


def _datatype_failures(values: _Values, datatype: str) -> set[str]:
    """The objects failing ``sh:datatype``: first a test of each N-Triples text's end, in C
    (``"`` a plain string, ``"@tag`` a tagged one, ``"^^<datatype>`` a typed one), then the
    lexical forms of the distinct well-typed values where the datatype restricts them."""
    from itertools import filterfalse
    from operator import methodcaller

    if datatype == _XSD_STRING:
        well_typed = methodcaller("endswith", '"')
    elif datatype == _LANG_STRING:
        well_typed = _LANG_TAIL.search
    else:
        well_typed = methodcaller("endswith", f'"^^<{datatype}>')
    failing = set(filterfalse(well_typed, values.objects))
    if datatype in _LEXICAL:
        failing.update(v for v in values.distinct() if v not in failing and not _has_datatype(v, datatype))
    return failing


def _has_datatype(v: str, datatype: str) -> bool:
    """Whether the term (N-Triples text) is a literal of ``datatype`` with a valid lexical form."""
    if v[0] != '"':
        return False
    end = v.rfind('"')
    tail = v[end + 1:]
    if datatype == _XSD_STRING:
        return not tail
    if datatype == _LANG_STRING:
        return tail[:1] == "@" and "--" not in tail
    if tail != f"^^<{datatype}>":
        return False
    return datatype not in _LEXICAL or _well_formed_cached(unescape(v[1:end]), datatype)


# sh:nodeKind -> the first characters of the N-Triples terms it allows (IRI <, blank node _, literal ")
_NODE_KIND_FIRST = {
    SH + "IRI": frozenset("<"),
    SH + "BlankNode": frozenset("_"),
    SH + "Literal": frozenset('"'),
    SH + "BlankNodeOrIRI": frozenset("<_"),
    SH + "BlankNodeOrLiteral": frozenset('_"'),
    SH + "IRIOrLiteral": frozenset('<"'),
}


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


def _load_store(selected: Iterable[list[str]], store=None):
    """A Store (new, or ``store``) with the given N-Triples lines added, loaded from one text."""
    import pyoxigraph as ox
    from itertools import chain

    if store is None:
        store = ox.Store()
    text = " .\n".join(chain.from_iterable(selected))
    if not text:
        return store
    text += " .\n"
    # lines printed by pyoxigraph are valid: skip re-validating every IRI (~25% faster)
    if "_:" in text:  # Store.load renames blank nodes: parse (keeping the labels results must name) and add
        store.extend(ox.parse(text, format=ox.RdfFormat.N_TRIPLES, lenient=True))
    else:
        store.load(text, format=ox.RdfFormat.N_TRIPLES, lenient=True)
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
    position, i = 0, 0  # position in a triple pattern: 0 subject, 1 predicate, 2 object
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
    selection = _store_selection(plan, {})
    return None if selection is None else selection[0]


def _store_selection(plan: Plan, targets: dict) -> tuple[set[str], set[str] | None] | None:
    """What the Store for the SPARQL checks must hold: (predicates, classes), or None when
    the checks need the whole graph.

    A root whose focus nodes are given in ``targets`` needs no triple to find them; the
    others need their ``targetSubjectsOf``/``targetObjectsOf`` predicates and the ``rdf:type``
    triples naming a ``targetClass`` (or a subclass): ``classes`` lists those classes, and
    is None when a query itself names ``rdf:type`` (then every type triple is loaded).
    """
    import pyoxigraph as ox

    g = plan.graph
    wanted = {RDF_TYPE, RDFS + "subClassOf"}
    named: set[str] = set()  # every IRI the SHACL-SPARQL queries name
    classes: set[str] = set()
    for _, root in plan.sparql_roots:
        if any(not isinstance(g.one(p, SH + "path"), ox.NamedNode) for p in g.objects(root, SH + "property")):
            return None
        if g.one(root, SH + "path") is not None or any(p in g.index.get(root, {}) for p in SUPPORTED):
            return None
        if root not in targets:
            wanted |= {p.value for p in g.objects(root, SH + "targetSubjectsOf")}
            wanted |= {p.value for p in g.objects(root, SH + "targetObjectsOf")}
            classes |= {c.value for c in g.objects(root, SH + "targetClass")}
        for constraint in g.objects(root, SH + "sparql"):
            select = g.one(constraint, SH + "select")
            fixed = _fixed_predicates(_prefix_block(g, constraint) + "\n" + select.value) if select is not None else None
            if fixed is None:
                return None
            named |= fixed
    return wanted | named, (None if RDF_TYPE in named else classes)


def _values_targets(plan: Plan, index: _Index, focus_cache: dict) -> dict:
    """Root shape -> a group binding ``?this`` to its focus nodes (``VALUES``), for the roots
    whose focus nodes are all IRIs (a blank node in a query would be a fresh variable, not the
    data's node; literals, rare focus nodes, keep the safe path too): the others join their
    targets from the Store."""
    out, texts = {}, {}
    for _, root in plan.sparql_roots:
        focus = focus_cache.get(root)
        if focus is None:
            focus = focus_cache[root] = index.focus_nodes(plan.graph, root)
        text = texts.get(id(focus))  # roots with the same targets share one focus set
        if text is None:
            text = texts[id(focus)] = " ".join(focus)
        if not text or (text[0] == "<" and " _:" not in text and ' "' not in text):  # IRIs contain no space
            # a sub-select: oxigraph hash-joins it (a bare VALUES group is joined by nested loops)
            out[root] = "{ SELECT ?this WHERE { VALUES ?this { " + text + " } } }"
    return out


def _sparql_results(plan: Plan, store, targets: dict) -> list[dict]:
    """Run the SPARQL checks on the loaded Store."""
    return run_checks(compile_sparql_checks(plan, store, targets), store)


def _result_key(r: dict) -> tuple:
    return (r["focus"], r["path"] or "", r["component"], r["value"] or "", r["shape"], r["severity"], r["message"])


class _Loader:
    """Loads lines into one Store on a worker thread, in the order given, then runs the
    SPARQL checks there (pyoxigraph releases the GIL while it loads and evaluates)."""

    def __init__(self, pool) -> None:
        import pyoxigraph as ox

        self.pool, self.store, self.jobs = pool, ox.Store(), []

    def feed(self, selected: list[list[str]]) -> None:
        self.jobs.append(self.pool.submit(_load_store, selected, self.store))

    def run(self, plan: Plan, targets: dict) -> None:
        self.jobs.append(self.pool.submit(_sparql_results, plan, self.store, targets))

    def results(self) -> list[dict]:
        return [job.result() for job in self.jobs][-1]  # (raises what a load raised)


def fast_findings(data_lines: list[str], shape_triples: list, ontology_triples: list, vocab_labels=None) -> list[dict]:
    """The ``fast`` engine of :data:`ldpub.validate.ENGINES`: raw results, sorted.

    ``data_lines`` is the data graph as N-Triples lines (``str(Triple)``: no final `` .``),
    as the pipeline makes them: sorted and unique (the fastest to index; another order or a
    repeated line gives the same results); a list of pyoxigraph Triples is accepted too. Shapes and
    ontology are pyoxigraph Triples. Core constraints on plain-IRI paths run in Python over a
    predicate index of the lines. A background thread loads the lines the SPARQL-based checks
    need into a pyoxigraph Store while the lines are indexed, then runs those checks while
    the Python checks run.
    """
    from concurrent.futures import ThreadPoolExecutor

    lines = ntriples_lines(data_lines)
    plan = plan_shapes(shape_triples)
    focus_cache: dict = {}
    results: list[dict] = []
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="ldpub-shacl") as pool:
        loader = streamed = selection = None
        if plan.sparql_roots:
            loader = _Loader(pool)
            # first guess: every root's focus nodes go into its queries (VALUES), so no rdf:type
            selection = _store_selection(plan, {root: None for _, root in plan.sparql_roots})
            if selection is not None:
                predicates, classes = selection
                streamed = {f"<{p}>" for p in predicates if p != RDF_TYPE or classes is None}
        index = _Index(lines, ontology_triples, feed=loader and loader.feed, streamed=streamed)
        if loader is not None:
            targets = _values_targets(plan, index, focus_cache)
            if selection is not None and len(targets) < len(plan.sparql_roots):
                # a root with blank focus nodes joins its targets from the Store: add what they need
                predicates, classes = _store_selection(plan, targets)
                keys = None if classes is None else frozenset().union(*(index.subclasses(c) for c in classes))
                loader.feed(index.store_lines(predicates, keys, loaded=streamed))
            loader.run(plan, targets)
        results.extend(run_property_checks(plan, index, focus_cache=focus_cache))
        del index, focus_cache
        if loader is not None:
            results.extend(loader.results())
    if plan.fallback_triples:
        from .validate import ENGINES

        results.extend(ENGINES["pyshacl"](lines, plan.fallback_triples, ontology_triples, vocab_labels))
    unique = {tuple(sorted(r.items(), key=lambda kv: kv[0])): r for r in results}
    return sorted(unique.values(), key=_result_key)
