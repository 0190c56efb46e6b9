"""Regression tests for ldpub's SHACL engine: one small case per test, inline Turtle.

``check(data, shapes)`` validates with :func:`ldpub.shacl.validate_text` and returns the report's
results as readable tuples (focus, path, value, component, severity), CURIEs for the SHACL and
example namespaces and ``_:blank`` for any blank node, so that each test states the spec's answer
in a line or two.
"""

from __future__ import annotations

import pytest

PREFIXES = """@prefix ex: <http://example.org/> .
@prefix rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix sh: <http://www.w3.org/ns/shacl#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
"""
_SHORT = {"<http://www.w3.org/ns/shacl#": "sh:", "<http://example.org/": "ex:"}


def _short(term: str | None) -> str | None:
    if term is None:
        return None
    if term.startswith("_:"):
        return "_:blank"  # validate_text gives the data's blank nodes labels of its own
    for long, short in _SHORT.items():
        if term.startswith(long) and term.endswith(">"):
            return short + term[len(long):-1]
    return term


@pytest.fixture
def check():
    from ldpub.shacl import validate_text

    def run(data: str, shapes: str):
        report = validate_text(PREFIXES + data, PREFIXES + shapes)
        results = sorted(
            (_short(r.focus), None if r.path is None else _short(r.path.sparql()), _short(r.value),
             _short(r.component), _short(r.severity))
            for r in report.results
        )
        assert report.conforms == (not results)
        return results

    return run
