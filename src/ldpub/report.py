"""One report model for every check (SHACL, OWL, records, ontology quality).

A :class:`Finding` says how bad (violation, warning, info), where (file, line, column, record,
property), what value, what is wrong, and which shape or rule fired. Renderers for people
and CI systems (:mod:`ldpub.reporters`) read this model only.

Record-level input errors (a :class:`ldpub.errors.RecordError`: YAML syntax, unknown key,
dangling reference, duplicate slug, impossible date, malformed EDTF) become findings too, via
:meth:`Finding.from_problem`; a report that holds them is marked ``input_error`` and the CLI
exits with 2 for it (the data could not even be turned into RDF), 1 for non-conforming data.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from .errors import EXIT_NONCONFORMING, EXIT_OK, EXIT_USAGE, Location, Problem

__all__ = ["Finding", "Report", "SEVERITIES"]

SEVERITIES = ("violation", "warning", "info")


@dataclass(frozen=True)
class Finding:
    """One problem found by one check, located in the curated input."""

    severity: str
    message: str
    location: Location = field(default_factory=Location)
    focus: str | None = None
    path: str | None = None
    value: str | None = None
    rule: str | None = None  # the shape, constraint component or check rule that fired
    check: str = "shacl"  # which check: shacl, records, owl, ontology
    hint: str | None = None  # how to fix it, when known

    @classmethod
    def from_problem(cls, problem: Problem, check: str = "records", rule: str | None = None,
                     severity: str = "violation") -> "Finding":
        """A finding for an input problem (what :class:`ldpub.errors.LdpubError` carries)."""
        return cls(severity=severity, message=problem.message, location=problem.location,
                   rule=rule, check=check, hint=problem.hint)

    # convenient, flat access to the location
    @property
    def file(self) -> str | None:
        return self.location.file

    @property
    def line(self) -> int | None:
        return self.location.line

    @property
    def column(self) -> int | None:
        return self.location.column

    @property
    def record(self) -> str | None:
        return self.location.record

    @property
    def text(self) -> str:
        """The message with its hint, as people read it."""
        return f"{self.message} ({self.hint})" if self.hint else self.message

    def render(self) -> str:
        prefix = self.location.prefix()
        text = self.text if self.severity == "violation" else f"{self.severity}: {self.text}"
        return f"{prefix} {text}" if prefix else text

    def sort_key(self) -> tuple:
        loc = self.location
        return (loc.file or "~", loc.line or 0, loc.column or 0, self.message, self.focus or "", self.path or "")

    def to_dict(self) -> dict:
        """A flat JSON-ready dict (keys always present, None where unknown)."""
        return {
            "severity": self.severity,
            "check": self.check,
            "rule": self.rule,
            "file": self.file,
            "line": self.line,
            "column": self.column,
            "record": self.record,
            "property": self.property,
            "value": self.value,
            "message": self.message,
            "hint": self.hint,
            "focus": self.focus,
            "path": self.path,
        }

    # defined last: inside the class body this name shadows the ``property`` builtin
    @property
    def property(self) -> str | None:  # noqa: A003
        """The record key (or property CURIE) the finding is about."""
        return self.location.field


@dataclass
class Report:
    findings: list[Finding] = field(default_factory=list)
    checks: list[str] = field(default_factory=list)
    input_error: bool = False  # the input could not be read or mapped (exit 2)

    def extend(self, findings: list[Finding]) -> None:
        self.findings.extend(findings)

    def count(self, severity: str) -> int:
        return sum(1 for f in self.findings if f.severity == severity)

    def fails(self, fail_on: str = "violation") -> bool:
        """Whether findings at or above ``fail_on`` severity exist."""
        limit = SEVERITIES.index(fail_on)
        return any(SEVERITIES.index(f.severity) <= limit for f in self.findings)

    @property
    def conforms(self) -> bool:
        return not self.fails("violation")

    def exit_code(self, fail_on: str = "violation") -> int:
        """0 conforms, 1 does not conform (at ``fail_on``), 2 the input could not be read."""
        if self.input_error:
            return EXIT_USAGE
        return EXIT_NONCONFORMING if self.fails(fail_on) else EXIT_OK

    def sorted(self) -> list[Finding]:
        return sorted(self.findings, key=Finding.sort_key)

    def summary(self) -> str:
        """``2 violations, 1 warning`` (or ``no problems``)."""
        parts = []
        for sev in SEVERITIES:
            n = self.count(sev)
            if n:
                parts.append(f"{n} {sev}{'s' if n != 1 else ''}")
        return ", ".join(parts) or "no problems"
