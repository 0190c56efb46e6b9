"""SHACL validation behind one function, with results mapped back to the YAML records.

Engines are a registry: ``ldpub`` (the default) is :mod:`ldpub.shacl`, a complete SHACL Core and
SHACL-SPARQL engine (the W3C test suite passes, ``tests/test_w3c_shacl.py``) that evaluates
constraints in batches over the build's N-Triples lines; ``pyshacl`` is the reference
implementation the tests compare it with.

The engine contract: ``ENGINES[name](data, shape_triples, ontology_triples, vocab_labels)``
returns raw result dicts (focus, path, value, severity, message, shape, component), where
``data`` is the data graph as N-Triples lines (``str(pyoxigraph.Triple)``, no final `` .``;
the pipeline's are sorted and unique) or a list of pyoxigraph Triples; shapes and ontology are
pyoxigraph Triples (or lines). Terms in the dicts are values (an IRI, a blank node label, a
literal's lexical form); ``shape`` is ``_:label`` for a blank shape. :func:`shacl_findings` maps
the results to :class:`ldpub.report.Finding` objects located by the mapping's
:class:`ldpub.mapping.SourceMap`. Shapes an engine refuses raise
:class:`ldpub.shacl.ShapesError` (exit code 2).
"""

from __future__ import annotations

from pathlib import Path
from typing import Callable

from .errors import Location
from .mapping import SourceMap
from .report import Finding
from .rdfterms import SH

__all__ = ["ENGINES", "DEFAULT_ENGINE", "shacl_findings", "located_findings", "raw_result", "raw_key", "load_shapes"]

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


def _ldpub_findings(data: list, shape_triples: list, ontology_triples: list, vocab_labels,
                    unique: bool = False) -> list[dict]:
    """The complete engine (:mod:`ldpub.shacl`): every result as a raw dict, sorted.

    ``unique``: ``data`` repeats no line (the build's lines); else repeats are removed.
    """
    from .shacl import validate_lines

    report = validate_lines(data, shape_triples, ontology_triples, first_unique=unique)
    return sorted((raw_result(r) for r in report.results), key=raw_key)


def raw_result(r) -> dict:
    """A :class:`ldpub.shacl.ValidationResult` as the raw dict engines return (values, not N-Triples text)."""
    from .ntriples import term_value

    return {
        "focus": term_value(r.focus),
        "path": r.path_iri,
        "value": None if r.value is None else term_value(r.value),
        "severity": r.severity[1:-1],
        "message": r.message(),
        "shape": r.shape if r.shape.startswith("_:") else r.shape[1:-1],
        "component": r.component[1:-1],
        "constraint": None if r.constraint is None or not r.constraint.startswith("<") else r.constraint[1:-1],
    }


def raw_key(r: dict) -> tuple:
    """The order of raw results."""
    return (r["focus"], r["path"] or "", r["component"], r["value"] or "", r["shape"], r["severity"], r["message"])


# name -> engine(data, shape_triples, ontology_triples, vocab_labels) -> raw result dicts;
# data: N-Triples lines or pyoxigraph Triples (see the module docstring)
ENGINES: dict[str, Callable] = {"ldpub": _ldpub_findings, "pyshacl": _pyshacl_findings}
DEFAULT_ENGINE = "ldpub"


def shacl_findings(
    data: list,
    shape_triples: list,
    ontology_triples: list,
    source_map: SourceMap,
    vocab,
    engine: str = DEFAULT_ENGINE,
    unique: bool = False,
) -> list[Finding]:
    """Validate and map every result to the record (file, line, slug) it came from.

    ``data``: N-Triples lines (``str(Triple)``, no final `` .``) or pyoxigraph Triples;
    ``unique``: the lines repeat none (the build's sorted, unique lines: checking is skipped).
    """
    options = {"unique": True} if unique and engine == "ldpub" else {}
    return located_findings(ENGINES[engine](data, shape_triples, ontology_triples, vocab.labels, **options),
                            source_map, vocab)


def located_findings(raw: list[dict], source_map, vocab) -> list[Finding]:
    """Raw results as findings, each located at the record (file, line, slug) it came from."""
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
                rule=_rule(r),
                check="shacl",
            )
        )
    return sorted(set(findings), key=Finding.sort_key)


def _rule(raw: dict) -> str:
    """The rule a finding names: the constraint component (``sh:MinCountConstraintComponent``);
    for a SPARQL-based constraint, the named constraint or shape that holds the query."""
    if raw["component"] == SH + "SPARQLConstraintComponent":
        for name in (raw.get("constraint"), raw["shape"]):
            if name and not name.startswith("_:"):
                return name
    return raw["component"]
