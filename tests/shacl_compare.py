"""Run ldpub's SHACL engine and pySHACL on the same graphs and compare their reports.

Each Turtle text is parsed ONCE (pyoxigraph, blank node labels kept); both engines get those
same terms, so a blank node means the same node in both reports. ldpub's typed report and its
Turtle report are both read (the second must say what the first says); the reports are compared
as :mod:`shacl_reports` reduces them.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, replace

import pyoxigraph as ox

from shacl_pyshacl import pyshacl_verdict
from shacl_reports import (RDF, SH, Lookup, Result, Verdict, canonical_path, parse_turtle, render_path, report_verdict,
                           term_text)

RDF_TYPE = RDF + "type"


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
    return render_path(canonical_path(Lookup(parsed), start))


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
    g = Lookup(shapes)
    by_text = {term_text(t): t for triple in shapes for t in (triple.subject, triple.object)}

    def declared(result: Result) -> frozenset | None:
        if not result.component.startswith(SH) or result.component == SH + "SPARQLConstraintComponent":
            return None
        node = by_text.get(result.shape)
        texts = {term_text(m) for m in g.objects(node, SH + "message")} if node is not None else set()
        return frozenset(texts) if texts else None

    return declared


def ask_only_components(shapes: list) -> set[str]:
    """The SPARQL-based components a property shape validates with an ASK validator (no
    sh:propertyValidator): pySHACL leaves sh:value out of their results there (against
    SHACL-SPARQL §6.3), so their values are not compared in property shapes."""
    g = Lookup(shapes)
    components = {s for s, p, o in shapes if p.value == RDF_TYPE and o.value == SH + "ConstraintComponent"}
    return {term_text(c)[1:-1] for c in components
            if g.objects(c, SH + "validator") and not g.objects(c, SH + "propertyValidator")}


def _comparable(verdict: Verdict, declared, ask_only: set[str]) -> Verdict:
    """A verdict with what is not compared taken out: messages no shape declares, the value of
    an ASK-validated component's result in a property shape."""
    if verdict.error is not None:
        return verdict
    kept = Counter()
    for result, count in verdict.results.items():
        messages = result.messages if declared(result) is not None else None
        value = None if result.component in ask_only and result.path is not None else result.value
        kept[replace(result, messages=messages, value=value)] += count
    return Verdict(verdict.conforms, kept, verdict.error, verdict.crash)


def compare(data_turtle: str, shapes_turtle: str) -> Comparison:
    """Both engines on one case (each Turtle text parsed once, the same terms to both)."""
    data, shapes = parse_turtle(data_turtle), parse_turtle(shapes_turtle)
    declared, ask_only = declared_messages(shapes), ask_only_components(shapes)
    report = ldpub_report(data, shapes)
    comparison = Comparison(
        _comparable(ldpub_verdict(report), declared, ask_only),
        _comparable(pyshacl_verdict(data, shapes), declared, ask_only),
    )
    if not isinstance(report, Exception):
        comparison.ldpub_turtle = _comparable(turtle_verdict(report), declared, ask_only)
    return comparison
