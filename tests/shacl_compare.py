"""Run ldpub's SHACL engine and pySHACL on the same graphs and compare their reports.

Each Turtle text is parsed ONCE (pyoxigraph, blank node labels kept); both engines get those
same terms, so a blank node means the same node in both reports. A report is reduced to its
``conforms`` flag and the multiset of its results, each result being (focus node, result path,
value, source constraint component, source shape, severity, source constraint), where a complex
path is compared by its structure (a nested tuple), literals as N-Triples text and language
tags in lower case (RDF 1.1 Concepts §3.3: "the value space of language tags is always in
lower case").
"""

from __future__ import annotations

import logging
import warnings
from collections import Counter
from dataclasses import dataclass, field, replace

import pyoxigraph as ox

SH = "http://www.w3.org/ns/shacl#"
RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"


@dataclass(frozen=True)
class Result:
    """One validation result, every term as canonical text (blank nodes by label)."""

    focus: str
    path: str | None  # None, <iri>, or a complex path written canonically (render_path)
    value: str | None
    component: str
    shape: str
    severity: str
    constraint: str | None = None  # sh:sourceConstraint (SPARQL-based constraints)
    messages: frozenset | None = None  # sh:resultMessage texts, where the shapes declare them (else None)

    def key(self) -> tuple:
        """A sort key (None sorts first)."""
        return tuple(v or "" for v in (self.focus, self.path, self.value, self.component, self.shape, self.severity, self.constraint))

    def render(self) -> str:
        parts = [f"focus {self.focus}", f"path {self.path}" if self.path is not None else None,
                 f"value {self.value}" if self.value is not None else None, self.component.replace(SH, "sh:"),
                 f"shape {self.shape}", self.severity.replace(SH, "sh:"),
                 f"constraint {self.constraint}" if self.constraint else None,
                 f"messages {' '.join(sorted(self.messages))}" if self.messages is not None else None]
        return ", ".join(p for p in parts if p)


@dataclass
class Verdict:
    """What an engine said: conforms or not and its results, or the error it raised."""

    conforms: bool | None
    results: Counter = field(default_factory=Counter)
    error: str | None = None
    crash: bool = False  # an exception that is not a refusal of the shapes (a bug either way)

    def render(self) -> str:
        if self.error is not None:
            return f"error: {self.error}"
        lines = [f"conforms: {str(self.conforms).lower()}"]
        lines += [f"  {n}x {r.render()}" if n > 1 else f"  {r.render()}" for r, n in sorted(self.results.items(), key=lambda rn: rn[0].key())]
        return "\n".join(lines)


def render_path(path: object) -> str:
    """A path from :func:`canonical_path` as canonical SHACL-like text: ``<p>``, ``( <p> <q> )``,
    ``[ sh:inversePath <p> ]``..."""
    if isinstance(path, str):
        return f"<{path}>"
    kind, arg = path
    if kind == "seq":
        return "( " + " ".join(render_path(p) for p in arg) + " )"
    if kind == "alt":
        return "[ sh:alternativePath ( " + " ".join(render_path(p) for p in arg) + " ) ]"
    return f"[ sh:{kind} {render_path(arg)} ]"


# ------------------------------------------------------------------------------ terms
def term_text(term) -> str:
    """A pyoxigraph term as N-Triples text, language tags lowered, ``xsd:string`` implicit."""
    if isinstance(term, ox.Literal):
        if term.language:
            return str(ox.Literal(term.value, language=term.language.lower()))
        return str(term)
    return str(term)


def parse_turtle(text: str) -> list:
    """Turtle -> pyoxigraph Triples, blank node labels as written (anonymous ones fixed here)."""
    return [ox.Triple(q.subject, q.predicate, q.object) for q in ox.parse(text, format=ox.RdfFormat.TURTLE)]


def to_ntriples(triples: list) -> str:
    """Triples as N-Triples text, every blank node with its label."""
    return "".join(f"{t} .\n" for t in triples)


class _Lookup:
    """(subject, predicate) -> objects over a triple list, for reading paths and reports."""

    def __init__(self, triples) -> None:
        self.index: dict = {}
        for s, p, o in triples:
            self.index.setdefault((s, p.value), []).append(o)

    def objects(self, s, p: str) -> list:
        return self.index.get((s, p), [])

    def value(self, s, p: str):
        found = self.objects(s, p)
        return found[0] if found else None


_PATH_KINDS = {"inversePath": "inversePath", "zeroOrMorePath": "zeroOrMorePath", "oneOrMorePath": "oneOrMorePath", "zeroOrOnePath": "zeroOrOnePath"}


def canonical_path(g: _Lookup, node, depth: int = 0) -> object:
    """A SHACL path node (§2.3.1) as an IRI text or a nested tuple; lists become tuples."""
    if depth > 20:
        raise ValueError("path nested too deeply")
    if isinstance(node, ox.NamedNode):
        return node.value
    if g.value(node, RDF + "first") is not None:
        return ("seq", tuple(canonical_path(g, n, depth + 1) for n in _list(g, node)))
    alternatives = g.value(node, SH + "alternativePath")
    if alternatives is not None:
        return ("alt", tuple(canonical_path(g, n, depth + 1) for n in _list(g, alternatives)))
    for key, kind in _PATH_KINDS.items():
        inner = g.value(node, SH + key)
        if inner is not None:
            return (kind, canonical_path(g, inner, depth + 1))
    raise ValueError(f"not a SHACL path: {node}")


def _list(g: _Lookup, node) -> list:
    items = []
    while node is not None and not (isinstance(node, ox.NamedNode) and node.value == RDF + "nil"):
        items.append(g.value(node, RDF + "first"))
        node = g.value(node, RDF + "rest")
    return items


def report_verdict(triples: list) -> Verdict:
    """A W3C validation report graph (pyoxigraph Triples) -> Verdict (top-level results only)."""
    g = _Lookup(triples)
    report = next(s for s, p, o in triples if p.value == RDF + "type" and o == ox.NamedNode(SH + "ValidationReport"))
    conforms = g.value(report, SH + "conforms")
    results = Counter()
    nodes = {report, *g.objects(report, SH + "result")}
    pointed = {o for s, p, o in triples if p.value in (SH + "focusNode", SH + "value") and s in nodes}
    malformed = "the report's own nodes are also focus nodes or values" if nodes & pointed else None
    for r in g.objects(report, SH + "result"):
        path = g.value(r, SH + "resultPath")
        value = g.value(r, SH + "value")
        constraint = g.value(r, SH + "sourceConstraint")
        results[
            Result(
                focus=term_text(g.value(r, SH + "focusNode")),
                path=None if path is None else render_path(canonical_path(g, path)),
                value=None if value is None else term_text(value),
                component=g.value(r, SH + "sourceConstraintComponent").value,
                shape=term_text(g.value(r, SH + "sourceShape")),
                severity=g.value(r, SH + "resultSeverity").value,
                constraint=None if constraint is None else term_text(constraint),
                messages=frozenset(term_text(m) for m in g.objects(r, SH + "resultMessage")),
            )
        ] += 1
    return Verdict(conforms=conforms.value == "true", results=results, error=malformed)


# ------------------------------------------------------------------------------ pySHACL
def _to_rdflib(term):
    import rdflib

    if isinstance(term, ox.NamedNode):
        return rdflib.URIRef(term.value)
    if isinstance(term, ox.BlankNode):
        return rdflib.BNode(term.value)
    if term.language:
        return rdflib.Literal(term.value, lang=term.language, normalize=False)
    if term.datatype.value == XSD_STRING:
        return rdflib.Literal(term.value, normalize=False)
    return rdflib.Literal(term.value, datatype=rdflib.URIRef(term.datatype.value), normalize=False)


def _from_rdflib(term):
    import rdflib

    if isinstance(term, rdflib.URIRef):
        return ox.NamedNode(str(term))
    if isinstance(term, rdflib.BNode):
        return ox.BlankNode(str(term))
    if term.language:
        return ox.Literal(str(term), language=term.language)
    return ox.Literal(str(term), datatype=ox.NamedNode(str(term.datatype)) if term.datatype else None)


def rdflib_graph(triples: list):
    """The same triples as an rdflib Graph, blank node labels and literal lexical forms kept."""
    import rdflib

    graph = rdflib.Graph()
    for s, p, o in triples:
        graph.add((_to_rdflib(s), _to_rdflib(p), _to_rdflib(o)))
    return graph


# pySHACL orders literals with rdflib's total order (an integer is "less" than a date, a
# language-tagged string compares with a plain one) and raises on blank nodes in sh:lessThan,
# where SHACL defines these components by SPARQL's operators (§4.3 value range, §4.5.3-4
# sh:lessThan, sh:lessThanOrEquals), for which terms SPARQL cannot compare are a type error and
# so a violation. The referee below gives pySHACL SPARQL 1.1's answer (§17.3, the operator
# table): numbers, strings (simple literals and xsd:string), booleans and xsd:dateTime compare
# among themselves; xsd:date and xsd:time too (an extension §17.3.1 allows, which every SHACL
# engine makes); anything else is a type error: IRIs, blank nodes, language-tagged strings,
# unknown datatypes and ill-typed literals, even compared with themselves (pyoxigraph's own
# operators extend to some of those and read "0"^^xsd:boolean wrongly, so they only order two
# terms of one category here). Listed in tests/test_shacl_differential.py (PYSHACL_DEVIATIONS).
_XSD = "http://www.w3.org/2001/XMLSchema#"
_CATEGORIES = {
    **{_XSD + t: "numeric" for t in (
        "integer", "decimal", "float", "double", "long", "int", "short", "byte", "nonNegativeInteger",
        "positiveInteger", "negativeInteger", "nonPositiveInteger", "unsignedLong", "unsignedInt",
        "unsignedShort", "unsignedByte")},
    _XSD + "string": "string", _XSD + "boolean": "boolean", _XSD + "dateTime": "dateTime",
    _XSD + "date": "date", _XSD + "time": "time",
}
_ORDER_STORE = None


def _category(term) -> str | None:
    """Which of SPARQL's ordered value spaces an rdflib term is in (None: none)."""
    import rdflib

    if not isinstance(term, rdflib.Literal) or term.language or term.ill_typed:
        return None
    return _CATEGORIES.get(str(term.datatype or rdflib.XSD.string))


def sparql_holds(left, operator: str, right) -> bool:
    """Whether ``left <operator> right`` is true in SPARQL 1.1 (an error is not true); rdflib terms."""
    import operator as op

    global _ORDER_STORE
    category = _category(left)
    if category is None or category != _category(right):
        return False
    if category == "boolean":
        compare = {"<": op.lt, "<=": op.le, ">": op.gt, ">=": op.ge, "=": op.eq}[operator]
        return compare(bool(left.value), bool(right.value))
    if _ORDER_STORE is None:
        _ORDER_STORE = ox.Store()
    return bool(_ORDER_STORE.query(f"ASK {{ FILTER ({_from_rdflib(left)} {operator} {_from_rdflib(right)}) }}"))


def _referee_compare_literal(left, right) -> int:
    """pySHACL's ``compare_literal`` with SPARQL's answer; TypeError where SPARQL has none."""
    if sparql_holds(left, "=", right):
        return 0
    if sparql_holds(left, ">", right):
        return 1
    if sparql_holds(left, "<", right):
        return -1
    raise TypeError("incomparable in SPARQL")


def _referee_pairs(operator: str):
    """pySHACL's sh:lessThan/sh:lessThanOrEquals pair check with SPARQL's operator: one result
    per failing (value, other value) pair (§4.5.3)."""

    def compare(self, value_node_set, compare_values, datagraph, focus):
        reports = []
        for value in value_node_set:
            for other in compare_values:
                if not sparql_holds(value, operator, other):
                    reports.append(self.make_v_result(datagraph, focus, value_node=value))
        return bool(reports), reports

    return compare


def _install_referee() -> None:
    from pyshacl.constraints.core import property_pair_constraints as pairs
    from pyshacl.constraints.core import value_range_constraints as ranges

    ranges.compare_literal = _referee_compare_literal
    pairs.LessThanConstraintComponent._compare_lt = _referee_pairs("<")
    pairs.LessThanOrEqualsConstraintComponent._compare_ltoe = _referee_pairs("<=")


def pyshacl_verdict(data: list, shapes: list) -> Verdict:
    """pySHACL with no inference and advanced features (SPARQL targets), with SPARQL's order
    comparisons. Not ``allow_warnings=True``: it makes a node that only has warnings conform to
    a shape inside ``sh:and``, ``sh:node``... (and ``sh:conforms`` true), where SHACL's
    conformance means no results of any severity (§2.3, §3.6.1)."""
    import pyshacl

    _install_referee()
    logging.getLogger("rdflib.term").setLevel(logging.CRITICAL)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            _, report, _ = pyshacl.validate(
                rdflib_graph(data), shacl_graph=rdflib_graph(shapes), inference="none", advanced=True,
                allow_warnings=False,
            )
        except Exception as exc:  # pySHACL refuses the shapes: compared with ldpub refusing them
            return Verdict(conforms=None, error=f"{type(exc).__name__}: {exc}")
    return report_verdict([ox.Triple(*(_from_rdflib(t) for t in triple)) for triple in report])


# ------------------------------------------------------------------------------ comparing
@dataclass
class Comparison:
    """The two verdicts on one case and whether they agree."""

    ldpub: Verdict
    pyshacl: Verdict
    ldpub_turtle: Verdict | None = None  # ldpub's report read back from its Turtle

    @property
    def turtle_consistent(self) -> bool:
        """ldpub's Turtle report says what its typed report says."""
        if self.ldpub_turtle is None:
            return True
        return self.ldpub_turtle.error is None and self.ldpub_turtle.conforms == self.ldpub.conforms and self.ldpub_turtle.results == self.ldpub.results

    @property
    def agree(self) -> bool:
        if self.ldpub.crash:
            return False
        if self.ldpub.error is not None or self.pyshacl.error is not None:
            return (self.ldpub.error is None) == (self.pyshacl.error is None)
        return self.ldpub.conforms == self.pyshacl.conforms and self.ldpub.results == self.pyshacl.results

    def render(self) -> str:
        if self.agree:
            return "agree"
        out = [f"ldpub:   {self.ldpub.render()}", f"pySHACL: {self.pyshacl.render()}"]
        if self.ldpub.error is None and self.pyshacl.error is None:
            only_ldpub = self.ldpub.results - self.pyshacl.results
            only_pyshacl = self.pyshacl.results - self.ldpub.results
            out.append("only ldpub:   " + ("; ".join(r.render() for r in sorted(only_ldpub, key=Result.key)) or "-"))
            out.append("only pySHACL: " + ("; ".join(r.render() for r in sorted(only_pyshacl, key=Result.key)) or "-"))
        return "\n".join(out)

    def render_turtle(self) -> str:
        """Where ldpub's Turtle report and its typed report differ."""
        return f"typed:  {self.ldpub.render()}\nturtle: {self.ldpub_turtle.render() if self.ldpub_turtle else '-'}"


# ------------------------------------------------------------------------------ ldpub
_TERMS: dict[str, str] = {}


def _normal(text: str | None) -> str | None:
    """An N-Triples term text from ldpub, normalised as :func:`term_text` normalises pyoxigraph's."""
    if text is None:
        return None
    if text not in _TERMS:
        triple = next(iter(ox.parse(f"<x:s> <x:p> {text} .", format=ox.RdfFormat.N_TRIPLES)))
        _TERMS[text] = term_text(triple.object)
    return _TERMS[text]


def _typed_path(path) -> str | None:
    """ldpub's Path object -> the canonical text, through the RDF it writes for sh:resultPath."""
    if path is None:
        return None
    counter = iter(range(1 << 30))
    node, triples = path.to_rdf(lambda: f"_:path{next(counter)}")
    parsed = parse_turtle("".join(f"{s} {p} {o} .\n" for s, p, o in triples) + f"<x:s> <x:p> {node} .")
    start = parsed.pop().object
    return render_path(canonical_path(_Lookup(parsed), start))


def ldpub_report(data: list, shapes: list):
    """ldpub's engine (``ldpub.shacl.validate_lines``) on the same triples: the report, or the
    exception it raised."""
    from ldpub.shacl import validate_lines

    try:
        return validate_lines(data, shapes)
    except Exception as exc:  # compared with pySHACL's refusal; a non-ShapesError is a crash
        return exc


def ldpub_verdict(report) -> Verdict:
    """The typed report (``.conforms``, ``.results``) as a Verdict."""
    from ldpub.shacl import ShapesError

    if isinstance(report, ShapesError):
        return Verdict(conforms=None, error=f"ShapesError: {report}")
    if isinstance(report, Exception):
        return Verdict(conforms=None, error=f"crash: {type(report).__name__}: {report}", crash=True)
    results = Counter(
        Result(
            focus=_normal(r.focus),
            path=_typed_path(r.path),
            value=_normal(r.value),
            component=r.component.strip("<>"),
            shape=_normal(r.shape),
            severity=r.severity.strip("<>"),
            constraint=_normal(r.constraint),
            messages=frozenset(_normal(m) for m in r.messages),
        )
        for r in report.results
    )
    return Verdict(conforms=report.conforms, results=results)


def turtle_verdict(report) -> Verdict:
    """The same report read back from ``to_turtle()`` (the W3C report graph)."""
    return report_verdict(parse_turtle(report.to_turtle()))


def declared_messages(shapes: list):
    """result -> the sh:message texts of its shape, for results of SHACL Core components
    (§3.6.2.6: the shape's messages); None (not compared) otherwise: each engine words its own
    default messages, and for SPARQL-based constraints and components which messages apply
    (the constraint's, the validator's, the shape's) and how templates write terms is left open."""
    g = _Lookup(shapes)
    by_text = {term_text(t): t for triple in shapes for t in (triple.subject, triple.object)}

    def declared(result: Result) -> frozenset | None:
        if not result.component.startswith(SH) or result.component == SH + "SPARQLConstraintComponent":
            return None
        node = by_text.get(result.shape)
        texts = {term_text(m) for m in g.objects(node, SH + "message")} if node is not None else set()
        return frozenset(texts) if texts else None

    return declared


def _messages_where_declared(verdict: Verdict, declared) -> Verdict:
    if verdict.error is not None:
        return verdict
    kept = Counter()
    for result, count in verdict.results.items():
        keep = declared(result) is not None
        kept[replace(result, messages=result.messages if keep else None)] += count
    return Verdict(verdict.conforms, kept, verdict.error, verdict.crash)


def compare(data_turtle: str, shapes_turtle: str) -> Comparison:
    """Both engines on one case (each Turtle text parsed once, the same terms to both)."""
    data, shapes = parse_turtle(data_turtle), parse_turtle(shapes_turtle)
    declared = declared_messages(shapes)
    report = ldpub_report(data, shapes)
    comparison = Comparison(
        _messages_where_declared(ldpub_verdict(report), declared),
        _messages_where_declared(pyshacl_verdict(data, shapes), declared),
    )
    if not isinstance(report, Exception):
        comparison.ldpub_turtle = _messages_where_declared(turtle_verdict(report), declared)
    return comparison
