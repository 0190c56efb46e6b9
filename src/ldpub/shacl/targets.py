"""The focus nodes of a shape: every kind of target SHACL and SHACL-AF define.

``sh:targetClass`` (instances of the class or of a subclass, ``rdfs:subClassOf*`` in the data
graph), the implicit class target of a shape that is also an ``rdfs:Class``, ``sh:targetNode``
(any term, literals too, present in the data or not), ``sh:targetSubjectsOf``,
``sh:targetObjectsOf`` (literal objects included) and ``sh:target`` (SPARQL targets and SPARQL
target types, :func:`ldpub.shacl.sparql.sparql_target_nodes`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from .shapes import implicit_class_target
from .shapesgraph import ShapesGraph, sh
from .sparql import sparql_target_nodes

if TYPE_CHECKING:
    from .engine import Engine

__all__ = ["focus_nodes"]


def focus_nodes(engine: "Engine", shapes: ShapesGraph, shape: str) -> frozenset[str]:
    """Every focus node of ``shape`` (shapes with the same targets share one set)."""
    classes = list(shapes.objects(shape, sh("targetClass")))
    if implicit_class_target(shapes, shape):
        classes.append(shape)
    signature = (
        tuple(sorted(classes)),
        tuple(sorted(shapes.objects(shape, sh("targetNode")))),
        tuple(sorted(shapes.objects(shape, sh("targetSubjectsOf")))),
        tuple(sorted(shapes.objects(shape, sh("targetObjectsOf")))),
    )
    targets = shapes.objects(shape, sh("target"))
    cached = engine.focus_cache.get(signature) if not targets else None
    if cached is not None:
        return cached
    graph = engine.graph
    found: set[str] = set()
    for cls in classes:
        found.update(graph.instances(cls))
    found.update(signature[1])
    for p in signature[2]:
        found.update(graph.predicate(p).subject_set())
    for p in signature[3]:
        found.update(graph.predicate(p).distinct_objects())
    for target in targets:
        found.update(sparql_target_nodes(engine, shapes, shape, target))
    focus = frozenset(found)
    if not targets:
        engine.focus_cache[signature] = focus
    return focus
