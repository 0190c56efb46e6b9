"""SHACL validation behind one function, with results mapped back to the YAML records.

Engines are a registry: ``pyshacl`` is the reference implementation; ``fast`` (the default,
:mod:`ldpub.fastshacl`) checks core constraints in Python over the N-Triples lines and runs the
SPARQL-based ones once each on pyoxigraph, and is tested to report the same results.

The engine contract: ``ENGINES[name](data, shape_triples, ontology_triples, vocab_labels)``
returns raw result dicts (focus, path, value, severity, message, shape, component), where
``data`` is the data graph as N-Triples lines (``str(pyoxigraph.Triple)``, no final `` .``;
the pipeline's are sorted and unique) or, for older callers, a list of pyoxigraph Triples; shapes and ontology are
pyoxigraph Triples. :func:`shacl_findings` maps the results to
:class:`ldpub.report.Finding` objects located by the mapping's :class:`ldpub.mapping.SourceMap`.
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


def _data_triples(data: list) -> list:
    """The data graph as pyoxigraph Triples, from N-Triples lines (or Triples, kept)."""
    if not data or not isinstance(data[0], str):
        return data
    from .ntriples import parse_lines

    return parse_lines(data)


def _pyshacl_findings(data: list, shape_triples: list, ontology_triples: list, vocab_labels) -> list[dict]:
    """Run pySHACL on the whole graph; return raw results as dicts of IRIs and texts."""
    import pyshacl
    from rdflib import RDF, Namespace, URIRef

    from .graphstore import to_rdflib

    sh = Namespace(SH)
    data = to_rdflib(_data_triples(list(data)), ontology_triples)
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


def _fast_findings(data: list, shape_triples: list, ontology_triples: list, vocab_labels) -> list[dict]:
    """Core constraints in Python over the N-Triples lines, SPARQL ones on pyoxigraph (:mod:`ldpub.fastshacl`)."""
    from .fastshacl import fast_findings

    return fast_findings(data, shape_triples, ontology_triples, vocab_labels)


# name -> engine(data, shape_triples, ontology_triples, vocab_labels) -> raw result dicts;
# data: N-Triples lines or pyoxigraph Triples (see the module docstring)
ENGINES: dict[str, Callable] = {"pyshacl": _pyshacl_findings, "fast": _fast_findings}


def shacl_findings(
    data: list,
    shape_triples: list,
    ontology_triples: list,
    source_map: SourceMap,
    vocab,
    engine: str = "fast",
) -> list[Finding]:
    """Validate and map every result to the record (file, line, slug) it came from.

    ``data``: N-Triples lines (``str(Triple)``, no final `` .``) or pyoxigraph Triples.
    """
    raw = ENGINES[engine](data, shape_triples, ontology_triples, vocab.labels)
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
