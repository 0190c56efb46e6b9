"""SHACL validation reports reduced to what the differential test compares.

A report is its ``conforms`` flag and the multiset of its results, each result being (focus
node, result path, value, source constraint component, source shape, severity, source
constraint, messages), every term as N-Triples text: blank nodes by label, literals as written,
language tags in lower case (RDF 1.1 Concepts §3.3: "the value space of language tags is always
in lower case"), a complex path as canonical text built from its structure (so two engines'
path nodes compare equal when the paths are the same).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

import pyoxigraph as ox

SH = "http://www.w3.org/ns/shacl#"
RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"


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


class Lookup:
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


_PATH_KINDS = ("inversePath", "zeroOrMorePath", "oneOrMorePath", "zeroOrOnePath")


def canonical_path(g: Lookup, node, depth: int = 0) -> object:
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
    for kind in _PATH_KINDS:
        inner = g.value(node, SH + kind)
        if inner is not None:
            return (kind, canonical_path(g, inner, depth + 1))
    raise ValueError(f"not a SHACL path: {node}")


def _list(g: Lookup, node) -> list:
    items = []
    while node is not None and not (isinstance(node, ox.NamedNode) and node.value == RDF + "nil"):
        items.append(g.value(node, RDF + "first"))
        node = g.value(node, RDF + "rest")
    return items


def report_verdict(triples: list) -> Verdict:
    """A W3C validation report graph (pyoxigraph Triples) -> Verdict (top-level results only)."""
    g = Lookup(triples)
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
