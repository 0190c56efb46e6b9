"""Report formats: one registry, each format a function ``(report, context) -> str``.

* ``text``   for people: findings grouped by file, then a summary line;
* ``json``   the report model as JSON (one object per finding, every key always present);
* ``junit``  JUnit XML for CI test-report viewers (one test suite per check);
* ``github`` GitHub Actions workflow commands: an annotation on the exact YAML line;
* ``sarif``  SARIF 2.1.0 for code-scanning dashboards (rules, results, regions).

Every format is deterministic: findings are sorted, no timestamps, paths relative to the
project folder.

    >>> REPORTERS["github"].render(report, ReportContext(root=project.root))  # doctest: +SKIP
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

from .report import SEVERITIES, Finding, Report

__all__ = ["REPORTERS", "Reporter", "ReportContext", "render_report", "github_escape_data", "github_escape_property"]


@dataclass(frozen=True)
class ReportContext:
    """What a format needs besides the findings: the project folder and a few facts."""

    root: Path | None = None
    fail_on: str = "violation"
    prefixes: dict[str, str] = field(default_factory=dict)  # to shorten rule IRIs
    records: int | None = None
    triples: int | None = None

    def relative(self, file: str | None) -> str | None:
        """A finding's file relative to the project folder (posix separators)."""
        if not file:
            return None
        path = Path(file)
        if path.is_absolute() and self.root is not None:
            try:
                path = path.resolve().relative_to(self.root.resolve())
            except ValueError:
                return path.as_posix()
        return path.as_posix()

    def curie(self, iri: str | None) -> str | None:
        if not iri:
            return iri
        for prefix, ns in sorted(self.prefixes.items(), key=lambda kv: -len(kv[1])):
            if iri.startswith(ns) and len(iri) > len(ns):
                return f"{prefix}:{iri[len(ns):]}"
        return iri

    def rule_id(self, finding: Finding) -> str:
        """A stable rule id: ``check/rule`` (rule IRIs shortened with the prefixes)."""
        rule = self.curie(finding.rule) or "problem"
        return f"{finding.check}/{rule}"

    def fails(self, finding: Finding) -> bool:
        return SEVERITIES.index(finding.severity) <= SEVERITIES.index(self.fail_on)


@dataclass(frozen=True)
class Reporter:
    name: str
    render: Callable[[Report, ReportContext], str]
    description: str
    media_type: str


# ---------------------------------------------------------------------------------- text
def _text(report: Report, ctx: ReportContext) -> str:
    lines: list[str] = []
    groups: dict[str, list[Finding]] = {}
    for f in report.sorted():
        groups.setdefault(ctx.relative(f.file) or "(project)", []).append(f)
    for file, findings in groups.items():
        lines.append(file)
        for f in findings:
            where = f"{f.line or '-'}:{f.column}" if f.column else f"{f.line or '-'}"
            who = f"record '{f.record}': " if f.record else ""
            rule = ctx.curie(f.rule)
            tag = f"  [{f.check}{': ' + rule if rule else ''}]"
            lines.append(f"  {where:<7} {f.severity:<9} {who}{f.text}{tag}")
        lines.append("")
    verdict = "input error" if report.input_error else ("does not conform" if report.fails(ctx.fail_on) else "conforms")
    counted = []
    if ctx.records is not None:
        counted.append(f"{ctx.records} record{'s' if ctx.records != 1 else ''}")
    if ctx.triples is not None:
        counted.append(f"{ctx.triples} triples")
    tail = f" ({', '.join(counted)})" if counted else ""
    checks = f"; checks: {', '.join(report.checks)}" if report.checks else ""
    lines.append(f"{verdict}: {report.summary()}{tail}{checks}")
    return "\n".join(lines) + "\n"


# ---------------------------------------------------------------------------------- json
def _json(report: Report, ctx: ReportContext) -> str:
    findings = []
    for f in report.sorted():
        d = f.to_dict()
        d["file"] = ctx.relative(f.file)
        d["rule_id"] = ctx.rule_id(f)
        findings.append(d)
    doc = {
        "conforms": not report.fails(ctx.fail_on) and not report.input_error,
        "input_error": report.input_error,
        "fail_on": ctx.fail_on,
        "exit_code": report.exit_code(ctx.fail_on),
        "checks": list(report.checks),
        "counts": {sev: report.count(sev) for sev in SEVERITIES},
        "records": ctx.records,
        "triples": ctx.triples,
        "findings": findings,
    }
    return json.dumps(doc, indent=2, ensure_ascii=False) + "\n"


# ---------------------------------------------------------------------------------- junit
def _junit(report: Report, ctx: ReportContext) -> str:
    from xml.etree import ElementTree as ET

    checks = list(dict.fromkeys([*report.checks, *(f.check for f in report.findings)]))
    root = ET.Element("testsuites", name="ldpub validate")
    total = failures = errors = 0
    for check in checks:
        findings = [f for f in report.sorted() if f.check == check]
        suite = ET.SubElement(root, "testsuite", name=f"ldpub.{check}")
        s_fail = s_err = 0
        if not findings:
            ET.SubElement(suite, "testcase", name=f"{check}: no problems", classname=f"ldpub.{check}")
        for f in findings:
            file = ctx.relative(f.file) or "project"
            where = f"{file}:{f.line}" if f.line else file
            name = f"{where} record '{f.record}'" if f.record else where
            case = ET.SubElement(suite, "testcase", name=f"{name}: {f.message}", classname=f"ldpub.{check}.{file}")
            detail = f"{where}: " + (f"record '{f.record}': " if f.record else "") + f.text
            body = "\n".join(x for x in (
                f"file: {file}", f"line: {f.line}" if f.line else "", f"column: {f.column}" if f.column else "",
                f"record: {f.record}" if f.record else "", f"property: {f.property}" if f.property else "",
                f"value: {f.value}" if f.value is not None else "", f"rule: {ctx.curie(f.rule)}" if f.rule else "",
                f"severity: {f.severity}", f"message: {f.text}",
            ) if x)
            if check == "records" and report.input_error and f.severity == "violation":
                ET.SubElement(case, "error", message=detail, type=ctx.rule_id(f)).text = body
                s_err += 1
            elif ctx.fails(f):
                ET.SubElement(case, "failure", message=detail, type=ctx.rule_id(f)).text = body
                s_fail += 1
            else:
                ET.SubElement(case, "system-out").text = f"{f.severity}: {body}"
        suite.set("tests", str(max(len(findings), 1)))
        suite.set("failures", str(s_fail))
        suite.set("errors", str(s_err))
        suite.set("skipped", "0")
        total += max(len(findings), 1)
        failures += s_fail
        errors += s_err
    root.set("tests", str(total))
    root.set("failures", str(failures))
    root.set("errors", str(errors))
    ET.indent(root)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"


# ---------------------------------------------------------------------------------- github
def github_escape_data(text: str) -> str:
    """Escape a workflow command's message (``%``, CR, LF), as GitHub's toolkit does."""
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def github_escape_property(text: str) -> str:
    """Escape a workflow command property value (also ``:`` and ``,``)."""
    return github_escape_data(text).replace(":", "%3A").replace(",", "%2C")


_GITHUB_LEVEL = {"violation": "error", "warning": "warning", "info": "notice"}


def _github(report: Report, ctx: ReportContext) -> str:
    lines = []
    for f in report.sorted():
        props = []
        file = ctx.relative(f.file)
        if file:
            props.append(f"file={github_escape_property(file)}")
            if f.line:
                props.append(f"line={f.line}")
            if f.column:
                props.append(f"col={f.column}")
        title = f"ldpub {ctx.rule_id(f)}"
        props.append(f"title={github_escape_property(title)}")
        who = f"record '{f.record}': " if f.record else ""
        lines.append(f"::{_GITHUB_LEVEL[f.severity]} {','.join(props)}::{github_escape_data(who + f.text)}")
    return "".join(line + "\n" for line in lines)


# ---------------------------------------------------------------------------------- sarif
SARIF_SCHEMA = "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
_SARIF_LEVEL = {"violation": "error", "warning": "warning", "info": "note"}


def _sarif(report: Report, ctx: ReportContext) -> str:
    from . import __version__

    findings = report.sorted()
    rule_ids = sorted({ctx.rule_id(f) for f in findings})
    index = {rid: n for n, rid in enumerate(rule_ids)}
    first = {}
    for f in findings:
        first.setdefault(ctx.rule_id(f), f)
    rules = []
    for rid in rule_ids:
        f = first[rid]
        rule = {
            "id": rid,
            "name": rid.replace("/", "-").replace(":", "-"),
            "shortDescription": {"text": f"ldpub {f.check} check {ctx.curie(f.rule) or ''}".strip()},
            "defaultConfiguration": {"level": _SARIF_LEVEL[f.severity]},
            "properties": {"check": f.check},
        }
        if f.rule and f.rule.startswith(("http://", "https://")):
            rule["helpUri"] = f.rule
        rules.append(rule)
    results = []
    for f in findings:
        rid = ctx.rule_id(f)
        result: dict = {
            "ruleId": rid,
            "ruleIndex": index[rid],
            "level": _SARIF_LEVEL[f.severity],
            "message": {"text": (f"record '{f.record}': " if f.record else "") + f.text},
        }
        file = ctx.relative(f.file)
        location: dict = {}
        if file:
            physical: dict = {"artifactLocation": {"uri": file, "uriBaseId": "PROJECTROOT"}}
            if f.line:
                region = {"startLine": f.line}
                if f.column:
                    region["startColumn"] = f.column
                physical["region"] = region
            location["physicalLocation"] = physical
        if f.record:
            location["logicalLocations"] = [{"name": f.record, "kind": "object"}]
        if location:
            result["locations"] = [location]
        props = {k: v for k, v in (("record", f.record), ("property", f.property), ("value", f.value),
                                   ("focus", f.focus), ("path", f.path), ("severity", f.severity)) if v is not None}
        result["properties"] = props
        results.append(result)
    doc = {
        "$schema": SARIF_SCHEMA,
        "version": "2.1.0",
        "runs": [
            {
                "tool": {
                    "driver": {
                        "name": "ldpub",
                        "version": __version__,
                        "informationUri": "https://w3id.org/ldpub",
                        "rules": rules,
                    }
                },
                "originalUriBaseIds": {
                    "PROJECTROOT": {"description": {"text": "The ldpub project folder (with ldpub.toml)."}}
                },
                "invocations": [{"executionSuccessful": not report.input_error,
                                 "exitCode": report.exit_code(ctx.fail_on)}],
                "columnKind": "unicodeCodePoints",
                "results": results,
            }
        ],
    }
    return json.dumps(doc, indent=2, ensure_ascii=False) + "\n"


REPORTERS: dict[str, Reporter] = {
    r.name: r
    for r in (
        Reporter("text", _text, "findings grouped by file, for people", "text/plain"),
        Reporter("json", _json, "the report model as JSON", "application/json"),
        Reporter("junit", _junit, "JUnit XML for CI test-report viewers", "application/xml"),
        Reporter("github", _github, "GitHub Actions workflow-command annotations", "text/plain"),
        Reporter("sarif", _sarif, "SARIF 2.1.0 for code-scanning dashboards", "application/sarif+json"),
    )
}


def render_report(report: Report, format_name: str = "text", context: ReportContext | None = None) -> str:
    """Render a report in one of :data:`REPORTERS`."""
    return REPORTERS[format_name].render(report, context or ReportContext())
