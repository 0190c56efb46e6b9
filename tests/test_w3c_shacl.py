"""The W3C SHACL test suite (core and sparql), run through ldpub's engine and judged by the suite's rule.

The suite (``tests/w3c-shacl/``, see its README for origin and licence) lists each test in a
manifest: a data graph, a shapes graph and either the expected validation report or
``sht:Failure`` (the engine must refuse the shapes). As the suite's documentation says, the
expected graph is the report node's triples, its results' triples and their result paths; the
engine's report graph is kept to the same predicates (``sh:resultMessage`` only where the
expected graph has the same message) and the two must be isomorphic.
"""

from __future__ import annotations

from pathlib import Path
from urllib.parse import unquote, urlparse

import pytest

from ldpub.shacl import ShapesError, validate

SUITE = Path(__file__).parent / "w3c-shacl"
MF = "http://www.w3.org/2001/sw/DataAccess/tests/test-manifest#"
SHT = "http://www.w3.org/ns/shacl-test#"
SH = "http://www.w3.org/ns/shacl#"
RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"

# The predicates of the expected graphs (the suite's rule); sh:resultMessage is handled apart.
KEPT = {f"<{RDF}type>", *(f"<{SH}{p}>" for p in (
    "result", "conforms", "focusNode", "resultPath", "resultSeverity", "sourceConstraint",
    "sourceConstraintComponent", "sourceShape", "value"))}
PATH_PREDICATES = {f"<{RDF}first>", f"<{RDF}rest>", *(f"<{SH}{p}>" for p in (
    "inversePath", "alternativePath", "zeroOrMorePath", "oneOrMorePath", "zeroOrOnePath"))}

# Tests ldpub does not pass, with the reason (none today: every test passes).
KNOWN_FAILURES: dict[str, str] = {}


def _parse(path: Path) -> list:
    import pyoxigraph as ox

    return [q.triple for q in ox.parse(path=str(path), format=ox.RdfFormat.TURTLE, base_iri=path.resolve().as_uri())]


def _path_of(iri: str) -> Path:
    return Path(unquote(urlparse(iri).path))


def _cases() -> list[tuple[str, Path, object]]:
    """(test id, manifest file, entry node) of every test reachable from the root manifest."""
    import pyoxigraph as ox

    out, todo, seen = [], [SUITE / "manifest.ttl"], set()
    while todo:
        manifest = todo.pop(0)
        if manifest in seen:
            continue
        seen.add(manifest)
        triples = _parse(manifest)
        index: dict = {}
        for t in triples:
            index.setdefault((t.subject, t.predicate.value), []).append(t.object)
        for t in triples:
            if t.predicate.value == MF + "include":
                todo.append(_path_of(t.object.value))
            if t.predicate.value == MF + "entries":
                head = t.object
                while not (isinstance(head, ox.NamedNode) and head.value == RDF + "nil"):
                    entry = index[(head, RDF + "first")][0]
                    name = f"{manifest.parent.relative_to(SUITE)}/{entry.value.rsplit('/', 1)[-1]}"
                    out.append((name, manifest, entry))
                    head = index[(head, RDF + "rest")][0]
    return sorted(out, key=lambda c: c[0])


CASES = _cases()


def test_the_whole_suite_is_found():
    assert len(CASES) == 121 - 1  # 98 core + 22 sparql


def _expected(triples: list, report) -> list:
    """The expected graph: the report node's triples, its results' triples, their result paths."""
    import pyoxigraph as ox

    by_subject: dict = {}
    for t in triples:
        by_subject.setdefault(t.subject, []).append(t)
    out = list(by_subject.get(report, []))
    for result in [t.object for t in out if t.predicate.value == SH + "result"]:
        for t in by_subject.get(result, []):
            out.append(t)
            if t.predicate.value == SH + "resultPath":  # the path's blank node structure
                stack, seen = [t.object], set()
                while stack:
                    node = stack.pop()
                    if node in seen or not isinstance(node, ox.BlankNode):
                        continue
                    seen.add(node)
                    for u in by_subject.get(node, []):
                        out.append(u)
                        stack.append(u.object)
    return out


def _canonical(lines: set[str]) -> set[str]:
    import pyoxigraph as ox

    data = "".join(f"{line} .\n" for line in lines).encode()
    dataset = ox.Dataset(ox.parse(data, format=ox.RdfFormat.N_TRIPLES))
    dataset.canonicalize(ox.CanonicalizationAlgorithm.RDFC_1_0)
    return {str(q.triple) for q in dataset}


@pytest.mark.parametrize("name,manifest,entry", CASES, ids=[c[0] for c in CASES])
def test_w3c_shacl(name, manifest, entry):
    if name in KNOWN_FAILURES:
        pytest.xfail(KNOWN_FAILURES[name])
    triples = _parse(manifest)
    one = {(t.subject, t.predicate.value): t.object for t in triples}
    action, expected_node = one[(entry, MF + "action")], one[(entry, MF + "result")]
    data, shapes = _path_of(one[(action, SHT + "dataGraph")].value), _path_of(one[(action, SHT + "shapesGraph")].value)
    if getattr(expected_node, "value", None) == SHT + "Failure":
        with pytest.raises(ShapesError):
            validate([data], shapes=[shapes])
        return
    report = validate([data], shapes=[shapes])
    expected = {str(t) for t in _expected(triples, expected_node)}
    expected_messages = {line.split(" ", 2)[2] for line in expected if f"<{SH}resultMessage>" in line}
    actual = set()
    for s, p, o in report.triples():
        if p in KEPT or p in PATH_PREDICATES or (p == f"<{SH}resultMessage>" and o in expected_messages):
            actual.add(f"{s} {p} {o}")
    assert report.conforms == ('"true"^^<http://www.w3.org/2001/XMLSchema#boolean>' in
                               {line.split(" ", 2)[2] for line in expected if "#conforms>" in line})
    assert _canonical(actual) == _canonical(expected), report.to_turtle()
