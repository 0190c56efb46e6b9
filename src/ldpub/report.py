"""One report model for every check (SHACL, OWL, records, ontology quality).

A :class:`Finding` says how bad (violation, warning, info), where (file, line, column, record,
property), what value, what is wrong, and which shape or rule fired. Renderers for people
and CI systems read this model only.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from .errors import Location

__all__ = ["Finding", "Report", "SEVERITIES"]

SEVERITIES = ("violation", "warning", "info")


@dataclass(frozen=True)
class Finding:
    severity: str
    message: str
    location: Location = field(default_factory=Location)
    focus: str | None = None
    path: str | None = None
    value: str | None = None
    rule: str | None = None  # the shape, constraint component or check that fired
    check: str = "shacl"

    def render(self) -> str:
        prefix = self.location.prefix()
        text = self.message if self.severity == "violation" else f"{self.severity}: {self.message}"
        return f"{prefix} {text}" if prefix else text

    def sort_key(self) -> tuple:
        loc = self.location
        return (loc.file or "~", loc.line or 0, loc.column or 0, self.message, self.focus or "", self.path or "")


@dataclass
class Report:
    findings: list[Finding] = field(default_factory=list)
    checks: list[str] = field(default_factory=list)

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

    def sorted(self) -> list[Finding]:
        return sorted(self.findings, key=Finding.sort_key)
