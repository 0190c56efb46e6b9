"""A fast SHACL engine: the project's shapes compiled to SPARQL and run by pyoxigraph.

pySHACL (the reference engine) walks every focus node in Python and runs SHACL-SPARQL
constraints once per focus node on rdflib's SPARQL engine: minutes at a million triples.
This engine compiles each constraint into ONE whole-graph SPARQL query over a pyoxigraph
Store, so each constraint costs one indexed scan:

* targets (``sh:targetClass`` with its subclasses, ``sh:targetNode``, ``sh:targetSubjectsOf``,
  ``sh:targetObjectsOf``) become a ``SELECT DISTINCT ?this`` sub-query;
* core constraints (``sh:minCount``, ``sh:maxCount``, ``sh:datatype`` incl. ill-typed
  literals, ``sh:class``, ``sh:in``, ``sh:nodeKind``, ``sh:pattern``, ``sh:minLength``,
  ``sh:maxLength``, ``sh:min/maxInclusive``, ``sh:min/maxExclusive``, ``sh:hasValue``) become
  a query returning the violating (focus, value) pairs; paths may be SHACL property paths;
* SPARQL-based constraints (``sh:sparql`` with ``sh:select``) run once with ``$this`` joined
  to the target sub-query instead of pre-bound per focus node.

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

__all__ = ["fast_findings", "compile_shapes", "CompiledShapes", "UNSUPPORTED"]

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
UNSUPPORTED = "constraint parameters outside the compiled set are validated by pySHACL"

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


@dataclass
class CompiledShapes:
    """Checks to run on the Store, plus the shapes left to pySHACL (as triples)."""

    checks: list[Check] = field(default_factory=list)
    fallback_triples: list = field(default_factory=list)
    fallback_shapes: list[str] = field(default_factory=list)


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


def _target_query(g: _Graph, store, shape) -> str | None:
    """A group pattern binding ?this to each focus node once, or None without targets."""
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
    if not parts:
        return None
    return "{ SELECT DISTINCT ?this WHERE { " + " UNION ".join(parts) + " } }"


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
        if high is not None:
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


def compile_shapes(shape_triples: Iterable, store) -> CompiledShapes:
    """Compile every targeted shape into checks; shapes using other features go to pySHACL."""
    g = _Graph(shape_triples)
    out = CompiledShapes()
    for root in _root_shapes(g):
        if _deactivated(g, root):
            continue
        compiled = _compile_root(g, store, root)
        if compiled is None:
            out.fallback_shapes.append(_shape_id(root))
            triples = g.closure(root)
            for owner in {t.object for t in triples if t.predicate.value == SH + "prefixes"}:
                triples.extend(g.closure(owner))  # the sh:declare prefixes its SPARQL needs
            out.fallback_triples.extend(triples)
        else:
            out.checks.extend(compiled)
    out.fallback_triples = list(dict.fromkeys(out.fallback_triples))
    return out


def _compile_root(g: _Graph, store, root) -> list[Check] | None:
    target = _target_query(g, store, root)
    root_path = g.one(root, SH + "path")
    allowed = _STRUCTURE | SUPPORTED
    if _unsupported(g, root, allowed):
        return None
    checks = _compile_constraints(g, store, root, target, root_path)
    for constraint in g.objects(root, SH + "sparql"):
        if _deactivated(g, constraint):
            continue
        check = _compile_sparql(g, root, constraint, target, root_path)
        if check is None:
            return None
        checks.append(check)
    for prop in g.objects(root, SH + "property"):
        if _deactivated(g, prop):
            continue
        path = g.one(prop, SH + "path")
        if path is None or _sparql_path(g, path) is None or _unsupported(g, prop, allowed) or g.objects(prop, SH + "sparql"):
            return None
        checks.extend(_compile_constraints(g, store, prop, target, path))
    return checks


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


def run_checks(compiled: CompiledShapes, store) -> list[dict]:
    """Run every compiled check on the store; one raw result dict per violation."""
    import pyoxigraph as ox

    out = []
    for check in compiled.checks:
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


def fast_findings(data_triples: list, shape_triples: list, ontology_triples: list, vocab_labels=None) -> list[dict]:
    """The ``fast`` engine of :data:`ldpub.validate.ENGINES` (same contract as pySHACL's)."""
    from .graphstore import new_store

    store = new_store(_chain(data_triples, ontology_triples))
    compiled = compile_shapes(shape_triples, store)
    results = run_checks(compiled, store)
    if compiled.fallback_triples:
        from .validate import ENGINES

        results.extend(ENGINES["pyshacl"](data_triples, compiled.fallback_triples, ontology_triples, vocab_labels))
    unique = {tuple(sorted(r.items(), key=lambda kv: kv[0])): r for r in results}
    return list(unique.values())


def _chain(*sets: Iterable):
    for s in sets:
        yield from s
