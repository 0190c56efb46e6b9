"""Reading a shape from the shapes graph: path, severity, messages, every constraint.

A shape's predicates in the SHACL namespace are all accounted for: a constraint parameter
(Core or a SPARQL-based component), a target, or descriptive (``sh:name``, ``sh:order`` ...).
A SHACL feature no engine here interprets (``sh:js``, SHACL-AF rules and node expressions) or a
term SHACL does not define (a typo such as ``sh:minCont``) is an error naming the shape: it is
never skipped, so a shape is never silently weaker than its author wrote it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..errors import did_you_mean
from ..rdfterms import RDFS, SH
from .core import CORE_PARAMETERS, core_constraints
from .errors import ShapesError
from .model import Shape
from .paths import parse_path
from .shapesgraph import ShapesGraph, sh
from .sparql import SparqlComponent, component_constraints, sparql_constraints
from .terms import is_iri, is_literal

if TYPE_CHECKING:
    from .engine import Engine

__all__ = ["read_shape", "root_shapes", "implicit_class_target", "TARGETS"]

TARGETS = tuple(sh(p) for p in ("targetClass", "targetNode", "targetSubjectsOf", "targetObjectsOf", "target"))

# SHACL terms a shape may carry that are not constraints of their own
_DESCRIPTIVE = {sh(p) for p in (
    "targetClass", "targetNode", "targetSubjectsOf", "targetObjectsOf", "target", "path", "severity", "message",
    "deactivated", "name", "description", "order", "group", "defaultValue", "sparql", "select", "ask", "prefixes",
    "declare", "prefix", "namespace", "labelTemplate", "parameter", "optional", "validator", "nodeValidator",
    "propertyValidator", "shapesGraph", "suggestedShapesGraph", "entailment", "resultAnnotation", "annotationProperty",
    "annotationValue", "annotationVarName", "returnType", "construct", "update", "conforms", "result", "focusNode",
    "resultPath", "value", "resultSeverity", "resultMessage", "sourceShape", "sourceConstraint",
    "sourceConstraintComponent", "detail", "shapesGraphWellFormed", "alternativePath", "inversePath", "zeroOrMorePath",
    "oneOrMorePath", "zeroOrOnePath", "this", "subject", "predicate", "object",
)}
# SHACL terms of features no engine here interprets: an error, never skipped
_UNSUPPORTED = {sh(p): why for p, why in (
    ("js", "SHACL-JS"), ("jsFunctionName", "SHACL-JS"), ("jsLibrary", "SHACL-JS"), ("jsLibraryURL", "SHACL-JS"),
    ("rule", "SHACL-AF rules"), ("condition", "SHACL-AF rules"), ("expression", "SHACL-AF node expressions"),
    ("filterShape", "SHACL-AF node expressions"), ("intersection", "SHACL-AF node expressions"),
    ("union", "SHACL-AF node expressions"), ("nodes", "SHACL-AF node expressions"),
    ("values", "SHACL-AF property values"),
)}
_SHACL_TERMS = sorted(t[len(SH) + 1:-1] for t in (_DESCRIPTIVE | set(_UNSUPPORTED) | CORE_PARAMETERS))
_VIOLATION = sh("Violation")


def read_shape(engine: "Engine", shapes: ShapesGraph, node: str, components: list[SparqlComponent]) -> Shape:
    """The shape ``node`` of the shapes graph, with every constraint it declares."""
    predicates = shapes.predicates(node)
    for p in predicates:
        if p.startswith(f"<{SH}") and p not in _DESCRIPTIVE and p not in CORE_PARAMETERS:
            if p in _UNSUPPORTED:
                raise ShapesError.about(node, f"{_UNSUPPORTED[p]} ({p[1:-1].replace(SH, 'sh:')}) is not supported "
                                              f"by ldpub's SHACL engine", hint="remove it, or express it in SHACL "
                                              "Core or SHACL-SPARQL (sh:sparql)")
            name = p[len(SH) + 1:-1]
            raise ShapesError.about(node, f"sh:{name} is not a SHACL term",
                                    hint=did_you_mean(name, _SHACL_TERMS) or "see https://www.w3.org/TR/shacl/")
    paths = predicates.get(sh("path"), [])
    if len(paths) > 1:
        raise ShapesError.about(node, "a property shape has exactly one sh:path")
    path = parse_path(shapes, paths[0], node) if paths else None
    severities = predicates.get(sh("severity"), [])
    if len(severities) > 1 or (severities and not is_iri(severities[0])):
        raise ShapesError.about(node, "sh:severity needs one IRI (sh:Violation, sh:Warning, sh:Info)")
    messages = tuple(m for m in predicates.get(sh("message"), []) if is_literal(m))
    shape = Shape(node, path, severities[0] if severities else _VIOLATION, messages,
                  shapes.boolean(node, sh("deactivated")))
    if shape.deactivated:
        return shape
    shape.constraints.extend(core_constraints(shapes, node, path is not None))
    shape.constraints.extend(sparql_constraints(engine, shapes, node))
    shape.constraints.extend(component_constraints(engine, shapes, node, path is not None, components))
    return shape


def root_shapes(shapes: ShapesGraph) -> list[str]:
    """The shapes with targets (declared, or an implicit class target), in a stable order."""
    roots = {s for s, predicates in shapes.index.items() if any(p in predicates for p in TARGETS)}
    roots.update(s for s in shapes.instances(f"<{RDFS}Class>") if implicit_class_target(shapes, s))
    return sorted(roots)


def implicit_class_target(shapes: ShapesGraph, node: str) -> bool:
    """Whether the shape is also a class (``rdfs:Class``), which targets its own instances."""
    return shapes.is_a(node, f"<{RDFS}Class>") and (shapes.is_a(node, sh("NodeShape")) or
                                                   shapes.is_a(node, sh("PropertyShape")))
