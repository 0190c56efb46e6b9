"""SHACL validation behind one function, with results mapped back to the YAML records.

Engines are a registry: ``pyshacl`` is the reference implementation; ``fast`` (the default,
:mod:`ldpub.fastshacl`) compiles the shapes to whole-graph SPARQL on pyoxigraph and is tested
to report the same results. Each engine takes the
data triples, the shapes and the ontology and returns :class:`ldpub.report.Finding` objects
whose locations come from the mapping's :class:`ldpub.mapping.SourceMap`.
"""

from __future__ import annotations

from pathlib import Path
from typing import Callable

from .errors import Location
from .mapping import SourceMap
from .report import Finding
from .rdfterms import SH

__all__ = ["ENGINES", "shacl_findings", "load_shapes"]

_SEVERITY = {SH + "Violation": "violation", SH + "Warning": "warning", SH + "Info": "info"}


def load_shapes(folder: Path):
    """Parse every ``*.ttl`` in the shapes folder (errors name file, line, column)."""
    from .ontology import _turtle_files, parse_turtle_files

    return parse_turtle_files(_turtle_files(folder, "shapes"), "shapes")


def _pyshacl_findings(data_triples: list, shape_triples: list, ontology_triples: list, vocab_labels) -> list[dict]:
    """Run pySHACL on the whole graph; return raw results as dicts of IRIs and texts."""
    import pyshacl
    from rdflib import RDF, Namespace, URIRef

    from .graphstore import to_rdflib

    sh = Namespace(SH)
    data = to_rdflib(data_triples, ontology_triples)
    shapes = to_rdflib(shape_triples)
    conforms, results, _ = pyshacl.validate(
        data, shacl_graph=shapes, inference="none", advanced=True, allow_warnings=True, abort_on_first=False
    )
    out = []
    for result in results.subjects(RDF.type, sh.ValidationResult):
        def one(p):
            return results.value(result, p)

        path = one(sh.resultPath)
        value = one(sh.value)
        messages = sorted(str(m) for m in results.objects(result, sh.resultMessage))
        out.append(
            {
                "focus": str(one(sh.focusNode)),
                "path": str(path) if isinstance(path, URIRef) else None,
                "value": None if value is None else str(value),
                "severity": str(one(sh.resultSeverity)),
                "message": messages[0] if messages else "",
                "shape": str(one(sh.sourceShape)),
                "component": str(one(sh.sourceConstraintComponent)),
            }
        )
    return out


def _fast_findings(data_triples: list, shape_triples: list, ontology_triples: list, vocab_labels) -> list[dict]:
    """Shapes compiled to whole-graph SPARQL on pyoxigraph (see :mod:`ldpub.fastshacl`)."""
    from .fastshacl import fast_findings

    return fast_findings(data_triples, shape_triples, ontology_triples, vocab_labels)


ENGINES: dict[str, Callable] = {"pyshacl": _pyshacl_findings, "fast": _fast_findings}


def shacl_findings(
    data_triples: list,
    shape_triples: list,
    ontology_triples: list,
    source_map: SourceMap,
    vocab,
    engine: str = "fast",
) -> list[Finding]:
    """Validate and map every result to the record (file, line, slug) it came from."""
    raw = ENGINES[engine](data_triples, shape_triples, ontology_triples, vocab.labels)
    findings = []
    for r in raw:
        loc = source_map.locate(r["focus"], r["path"]) or Location()
        term = vocab.property_by_iri(r["path"]) if r["path"] else None
        key = term.key if term else (vocab.curie(r["path"]) if r["path"] else None)
        message = r["message"] or "does not conform"
        if key and not message.startswith(key):
            message = f"{key}: {message}"
        findings.append(
            Finding(
                severity=_SEVERITY.get(r["severity"], "violation"),
                message=message,
                location=Location(loc.file, loc.line, loc.column, loc.record, key),
                focus=r["focus"],
                path=r["path"],
                value=r["value"],
                rule=r["shape"] if not r["shape"].startswith("_:") and r["shape"].startswith("http") else r["component"],
                check="shacl",
            )
        )
    return sorted(set(findings), key=Finding.sort_key)
