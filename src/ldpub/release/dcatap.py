"""Check a catalog against the official DCAT-AP 3.0.0 SHACL shapes (vendored, CC BY 4.0).

``shapes.ttl`` and ``range.ttl`` are the profile's constraints: a result there is a violation.
``shapes_recommended.ttl`` lists recommended properties: a result there is a warning. The
shapes ship with ldpub (``ldpub/vendor/dcat-ap-3.0.0/``, see its NOTICE.md), so the check
runs offline from a fresh clone. pySHACL is used: catalogs are small.
"""

from __future__ import annotations

from dataclasses import dataclass
from importlib import resources
from pathlib import Path

__all__ = ["DcatApResult", "check_dcat_ap", "SHAPES_DIR", "MANDATORY", "RECOMMENDED"]

SHAPES_DIR = Path(str(resources.files("ldpub") / "vendor" / "dcat-ap-3.0.0"))
MANDATORY = ("shapes.ttl", "range.ttl")
RECOMMENDED = ("shapes_recommended.ttl",)


@dataclass(frozen=True, order=True)
class DcatApResult:
    """One SHACL result: severity (violation/warning), focus node, path, message and shape file."""

    severity: str
    focus: str
    path: str
    message: str
    shapes: str

    def render(self) -> str:
        return f"DCAT-AP {self.severity}: <{self.focus}> {self.path}: {self.message} ({self.shapes})"


def _results(data_graph, shapes_file: Path, severity: str) -> list[DcatApResult]:
    import rdflib
    from pyshacl import validate

    shapes = rdflib.Graph().parse(shapes_file, format="turtle")
    _, report, _ = validate(data_graph, shacl_graph=shapes, inference="none", allow_warnings=True)
    SH = rdflib.Namespace("http://www.w3.org/ns/shacl#")
    out = []
    for result in report.subjects(rdflib.RDF.type, SH.ValidationResult):
        focus = report.value(result, SH.focusNode)
        path = report.value(result, SH.resultPath)
        message = report.value(result, SH.resultMessage)
        out.append(DcatApResult(severity, str(focus), data_graph.namespace_manager.normalizeUri(path) if path else "",
                                str(message or ""), shapes_file.name))
    return out


def check_dcat_ap(catalog_turtle: bytes) -> list[DcatApResult]:
    """Every DCAT-AP 3.0.0 result for a catalog (Turtle bytes), sorted: violations, then warnings."""
    import rdflib

    graph = rdflib.Graph().parse(data=catalog_turtle, format="turtle")
    results = []
    for name in MANDATORY:
        results += _results(graph, SHAPES_DIR / name, "violation")
    for name in RECOMMENDED:
        results += _results(graph, SHAPES_DIR / name, "warning")
    return sorted(set(results), key=lambda r: (r.severity != "violation", r.focus, r.path, r.message))
