"""The validation report: results as SHACL defines them, and the W3C ``sh:ValidationReport`` graph.

Every term is its N-Triples text (``<iri>``, ``_:label``, ``"lexical"^^<datatype>``), the one
unambiguous way to name an RDF term in a string. Results are kept as the specification keeps
them: two identical results (reached by two routes) stay two results.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Iterable

from ..rdfterms import RDF, SH, XSD
from .paths import Path, PredicatePath
from .terms import display, literal_parts

__all__ = ["ValidationResult", "ValidationReport", "SEVERITY_NAMES", "REPORT_FORMATS"]

SEVERITY_NAMES = {f"<{SH}Violation>": "violation", f"<{SH}Warning>": "warning", f"<{SH}Info>": "info"}


@dataclass(frozen=True)
class ValidationResult:
    """One ``sh:ValidationResult``."""

    focus: str  # sh:focusNode
    component: str  # sh:sourceConstraintComponent
    shape: str  # sh:sourceShape
    severity: str  # sh:resultSeverity
    path: Path | None = None  # sh:resultPath
    value: str | None = None  # sh:value
    messages: tuple[str, ...] = ()  # sh:resultMessage literals
    constraint: str | None = None  # sh:sourceConstraint (SPARQL-based constraints)

    @property
    def severity_name(self) -> str:
        """``violation``, ``warning``, ``info`` (or the severity IRI for a custom severity)."""
        return SEVERITY_NAMES.get(self.severity, self.severity[1:-1])

    @property
    def path_iri(self) -> str | None:
        """The result path's IRI when it is one predicate (None otherwise)."""
        return self.path.predicate[1:-1] if isinstance(self.path, PredicatePath) else None

    def message(self, language: str | None = None) -> str:
        """The message text: in ``language`` if the shape gives one, else one without a language
        tag, else in English, else the first."""
        if not self.messages:
            return ""
        parts = sorted((literal_parts(m) for m in self.messages), key=lambda p: (p[2] or "", p[0]))
        for accept in (lambda tag: bool(language and tag and tag.lower() == language.lower()),
                       lambda tag: not tag, lambda tag: tag == "en"):
            for lexical, _, tag in parts:
                if accept(tag):
                    return lexical
        return parts[0][0]

    def sort_key(self) -> tuple:
        return (self.focus, self.path.sparql() if self.path else "", self.component, self.value or "",
                self.shape, self.severity, self.messages, self.constraint or "")

    def to_dict(self) -> dict:
        """A JSON-ready dict: terms as N-Triples text, the path in SPARQL syntax."""
        return {
            "focus": self.focus,
            "path": self.path.sparql() if self.path else None,
            "value": self.value,
            "component": self.component,
            "shape": self.shape,
            "severity": self.severity,
            "messages": list(self.messages),
            "constraint": self.constraint,
        }

    def render(self) -> str:
        """One line for people: focus, path, message, value, component."""
        where = display(self.focus) + (f" {self.path.sparql()}" if self.path else "")
        text = self.message() or "does not conform"
        value = f" (value: {display(self.value)})" if self.value is not None else ""
        component = self.component[1:-1].removeprefix(SH)
        severity = "" if self.severity_name == "violation" else f"{self.severity_name}: "
        return f"{where}: {severity}{text}{value} [{component}, shape {display(self.shape)}]"


@dataclass
class ValidationReport:
    """The outcome of a validation: ``conforms`` and every result, sorted."""

    results: list[ValidationResult] = field(default_factory=list)

    @property
    def conforms(self) -> bool:
        """True when there is no result of any severity (SHACL's definition)."""
        return not self.results

    def count(self, severity_name: str) -> int:
        return sum(1 for r in self.results if r.severity_name == severity_name)

    def triples(self) -> list[tuple[str, str, str]]:
        """The W3C validation report graph: (subject, predicate, object) N-Triples texts.

        The report's own blank nodes get labels that no term of the results uses, so a result
        node is never confused with a focus node, value or shape of the data."""
        used = {t[2:] for r in self.results for t in (r.focus, r.value, r.shape, r.constraint)
                if t is not None and t.startswith("_:")}
        prefix = "r"
        while any(label.startswith(prefix) for label in used):
            prefix += "x"
        counter = iter(range(1, 1 << 62))

        def blank() -> str:
            return f"_:{prefix}{next(counter)}"

        def sh(name: str) -> str:
            return f"<{SH}{name}>"

        report = f"_:{prefix}0"
        out = [(report, f"<{RDF}type>", sh("ValidationReport")),
               (report, sh("conforms"), f'"{str(self.conforms).lower()}"^^<{XSD}boolean>')]
        for result in self.results:
            node = blank()
            out.append((report, sh("result"), node))
            out.append((node, f"<{RDF}type>", sh("ValidationResult")))
            out.append((node, sh("focusNode"), result.focus))
            if result.path is not None:
                path_node, path_triples = result.path.to_rdf(blank)
                out.append((node, sh("resultPath"), path_node))
                out.extend(path_triples)
            if result.value is not None:
                out.append((node, sh("value"), result.value))
            out.append((node, sh("resultSeverity"), result.severity))
            out.append((node, sh("sourceConstraintComponent"), result.component))
            out.append((node, sh("sourceShape"), result.shape))
            if result.constraint is not None:
                out.append((node, sh("sourceConstraint"), result.constraint))
            for message in result.messages:
                out.append((node, sh("resultMessage"), message))
        return out

    def to_ntriples(self) -> str:
        return "".join(f"{s} {p} {o} .\n" for s, p, o in self.triples())

    def to_turtle(self, prefixes: dict[str, str] | None = None) -> str:
        """The report graph in Turtle (the same input gives the same bytes)."""
        import pyoxigraph as ox

        quads = ox.parse(self.to_ntriples().encode("utf-8"), format=ox.RdfFormat.N_TRIPLES)
        names = {"sh": SH, "xsd": XSD, "rdf": RDF, **(prefixes or {})}
        return ox.serialize(quads, format=ox.RdfFormat.TURTLE, prefixes=names).decode("utf-8")

    def to_dict(self) -> dict:
        return {"conforms": self.conforms, "results": [r.to_dict() for r in self.results]}

    @classmethod
    def of(cls, results: Iterable[ValidationResult]) -> "ValidationReport":
        """A report with the results in a stable order (duplicates kept)."""
        return cls(sorted(results, key=ValidationResult.sort_key))


def _text(report: ValidationReport) -> str:
    lines = [r.render() for r in report.results]
    counts = ", ".join(f"{n} {name}{'s' if n != 1 else ''}" for name in ("violation", "warning", "info")
                       if (n := report.count(name)))
    others = len(report.results) - sum(report.count(n) for n in ("violation", "warning", "info"))
    if others:
        counts += f"{', ' if counts else ''}{others} of other severities"
    lines.append("conforms" if report.conforms else f"does not conform: {counts}")
    return "\n".join(lines) + "\n"


def _json(report: ValidationReport) -> str:
    import json

    return json.dumps(report.to_dict(), indent=2, ensure_ascii=False) + "\n"


# name -> renderer of a report (``ldpub shacl --format``)
REPORT_FORMATS = {"text": _text, "json": _json, "turtle": lambda report: report.to_turtle()}
