"""Every check of ``ldpub validate`` behind one function, results in one :class:`Report`.

Order: records (YAML syntax, ids, duplicates, unknown keys and types, dangling references,
literal values, dates and EDTF; these run before RDF exists), then SHACL on the mapped graph,
nested IRIs the last build had and this data drops (:mod:`ldpub.iri_changes`), the ontology
quality checks, and, when asked, the OWL reasoner.

Input problems (a :class:`ldpub.errors.RecordError` or :class:`ldpub.errors.OntologyError`)
do not escape: they become findings of the ``records`` (or ``input``) check, the report is
marked ``input_error`` and the CLI exits with 2 after rendering them in the chosen format,
so a CI annotation appears on the YAML line either way. Configuration errors (no
``ldpub.toml``) still raise: there is no project to report on.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from .config import Project
from .errors import ConfigError, LdpubError, OntologyError, RecordError
from .report import Finding, Report

__all__ = ["CheckResult", "check_project", "problem_findings"]

def problem_findings(exc: LdpubError) -> list[Finding]:
    """The problems of an input error as findings (check ``records`` or ``input``)."""
    if isinstance(exc, RecordError):
        return [Finding.from_problem(p, "records", p.rule or "record-error") for p in exc.problems]
    kind = "ontology-syntax" if isinstance(exc, OntologyError) else type(exc).__name__
    return [Finding.from_problem(p, "input", kind) for p in exc.problems]


@dataclass
class CheckResult:
    """The report of one validation run, and the build when the input could be mapped."""

    report: Report
    build: object | None  # ldpub.pipeline.Build


def check_project(
    project: Project,
    data_dir: Path | None = None,
    *,
    reason: bool = False,
    ontology_checks: bool = True,
    engine: str = "ldpub",
    progress=None,
) -> CheckResult:
    """Run every check on a project; never raises for problems in the records or ontology.

    ``progress(phase, done, total)`` hears how far it is (the phases of
    :func:`ldpub.pipeline.compile_project`, then ontology checks and reasoning)."""
    from .pipeline import compile_project

    report = Report()
    tell = progress or (lambda phase, done=None, total=None: None)
    try:
        build = compile_project(project, data_dir, validate=True, engine=engine, progress=progress)
    except ConfigError:
        raise
    except LdpubError as exc:
        report.checks.append("records")
        report.extend(problem_findings(exc))
        report.input_error = True
        return CheckResult(report, None)
    report.checks.extend(["records", *build.report.checks])
    report.extend(build.report.findings)
    from .iri_changes import changed_nested_iris

    report.extend(changed_nested_iris(build))  # part of the records check: warnings only
    if ontology_checks:
        from .ontology_checks import ontology_findings

        tell("checking the ontology")
        report.checks.append("ontology")
        report.extend(ontology_findings(build))
    if reason:
        from .reasoning import reason_over

        tell("reasoning")
        report.checks.append("owl")
        report.extend(reason_over(build).findings)
    build.report = report
    return CheckResult(report, build)
