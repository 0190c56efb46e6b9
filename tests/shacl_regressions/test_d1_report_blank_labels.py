"""D1 (shacl-disagreements.md): the report graph reused the data's blank node labels.

Data blank nodes labelled ``_:b1`` and ``_:report`` were focus nodes; the report named its own
nodes ``_:report``, ``_:b1``..., so its graph said a result was its own focus node.
"""

import pyoxigraph as ox

from ldpub.shacl import validate_lines
from ldpub.shacl.rdffiles import parse_text

DATA = [  # N-Triples lines keep their labels as written
    '_:b1 <http://example.org/p> "1"',
    '_:report <http://example.org/p> "2"',
    '_:r1 <http://example.org/p> "3"',
    '_:r0 <http://example.org/p> "4"',
]
SHAPES = """@prefix ex: <http://example.org/> . @prefix sh: <http://www.w3.org/ns/shacl#> .
ex:S a sh:NodeShape ; sh:targetSubjectsOf ex:p ; sh:property [ sh:path ex:p ; sh:maxCount 0 ] .
"""
SH = "http://www.w3.org/ns/shacl#"


def test_report_nodes_are_distinct_from_the_focus_nodes():
    report = validate_lines(DATA, parse_text(SHAPES))
    focus = {r.focus for r in report.results}
    assert focus == {"_:b1", "_:report", "_:r1", "_:r0"}
    graph = list(ox.parse(report.to_turtle().encode(), format=ox.RdfFormat.TURTLE))
    results = {q.subject for q in graph if q.predicate.value == SH + "focusNode"}
    focus_nodes = {q.object for q in graph if q.predicate.value == SH + "focusNode"}
    assert len(results) == 4 and len(focus_nodes) == 4
    assert not results & focus_nodes
    assert not any(str(q.subject) == str(q.object) for q in graph)
