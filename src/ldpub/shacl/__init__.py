"""SHACL Core and SHACL-SPARQL validation: one complete engine, fast on large data.

The Python API (stable; ``ldpub shacl`` is its command line)::

    from pathlib import Path
    from ldpub.shacl import validate, validate_text

    report = validate([Path("data.ttl")], shapes=[Path("shapes.ttl")])
    report.conforms              # True when there is no result of any severity
    for result in report.results:
        result.focus             # N-Triples text: "<http://ex/a>", "_:b0", '"12"^^<...#integer>'
        result.path              # a ldpub.shacl.paths.Path (None for node shapes); .sparql() gives its syntax
        result.value             # N-Triples text or None
        result.component         # "<http://www.w3.org/ns/shacl#MinCountConstraintComponent>"
        result.shape             # the source shape, N-Triples text
        result.severity          # "<http://www.w3.org/ns/shacl#Violation>" ...
        result.messages          # the sh:resultMessage literals, N-Triples text ('"too long"@en')
        result.constraint        # the sh:sparql node of a SPARQL-based constraint (else None)
    report.to_turtle()           # the W3C sh:ValidationReport graph

    report = validate_text(data_turtle, shapes_turtle)     # RDF given as text (Turtle by default)

* :func:`validate`: files (format by extension: Turtle, N-Triples, N-Quads, TriG, RDF/XML,
  JSON-LD, N3; of a dataset the default graph). Without ``shapes`` the data graph is also the
  shapes graph.
* :func:`validate_text`: the same, for RDF text.
* :func:`validate_lines`: the engine itself, on N-Triples lines (what ``ldpub build`` uses).

What is supported: all of SHACL Core (every target, including implicit class targets and
literal focus nodes; every path; every constraint component) and all of SHACL-SPARQL
(SPARQL-based constraints and constraint components with ASK and SELECT validators,
``sh:prefixes`` through ``owl:imports``, pre-binding of ``$this``, ``$value``,
``$currentShape``, ``$shapesGraph`` and parameters, ``$PATH``), plus SHACL-AF SPARQL targets
and SPARQL target types. Shapes it cannot honour (SHACL-JS, SHACL-AF rules and node
expressions, SPARQL that SHACL forbids, a term SHACL does not define, recursion) raise
:class:`ShapesError` naming the shape: nothing is skipped silently.

Terms are N-Triples text throughout (:mod:`ldpub.shacl.terms`): literals keep the lexical form
the data wrote (``"4.0"^^xsd:decimal`` is not ``"4"``). The W3C SHACL test suite runs in
``tests/test_w3c_shacl.py``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Sequence

from .engine import validate_lines
from .errors import ShapesError
from .report import ValidationReport, ValidationResult
from .rdffiles import RdfInputError

__all__ = ["validate", "validate_text", "validate_lines", "ValidationReport", "ValidationResult", "ShapesError",
           "RdfInputError"]


def _paths(files: "Path | str | Sequence[Path | str]") -> list[Path]:
    if isinstance(files, (str, Path)):
        return [Path(files)]
    return [Path(f) for f in files]


def validate(data: "Path | str | Sequence[Path | str]", shapes: "Path | str | Sequence[Path | str] | None" = None) -> ValidationReport:
    """Validate RDF files against SHACL shapes files (None: the data files are the shapes graph too).

    Raises :class:`RdfInputError` for a file that cannot be read and :class:`ShapesError` for
    shapes the engine refuses.
    """
    from .rdffiles import read_lines

    data_paths = _paths(data)
    data_lines = read_lines(data_paths)
    if shapes is None:
        shape_lines = data_lines
    else:
        shape_paths = _paths(shapes)
        same = [p.resolve() for p in shape_paths] == [p.resolve() for p in data_paths]
        shape_lines = data_lines if same else read_lines(shape_paths, role="s")  # one parse: shared blank nodes
    return validate_lines(data_lines, shape_lines, first_unique=True)


def validate_text(data: str, shapes: str | None = None, format: str = "turtle", base_iri: str | None = None) -> ValidationReport:
    """Validate RDF text against SHACL shapes text (None: the data is the shapes graph too)."""
    from .rdffiles import parse_text

    data_lines = parse_text(data, format, base_iri)
    shape_lines = data_lines if shapes is None else parse_text(shapes, format, base_iri, role="s")
    return validate_lines(data_lines, shape_lines, first_unique=True)


