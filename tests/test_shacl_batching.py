"""The engine's batched evaluation gives exactly what one-by-one evaluation gives.

Two optimisations make the engine fast, and each is checked here against the plain way on
seeded random graphs: value nodes of a one-predicate path answered with set operations
(:class:`PredicateValues`) against walking each focus node (:class:`MappedValues`), and one
SPARQL query joined with every focus node against one pre-bound query per focus node.
"""

from __future__ import annotations

import random

import pytest

from ldpub.shacl import validate_text
from ldpub.shacl.graph import DataGraph
from ldpub.shacl.paths import PredicatePath
from ldpub.shacl.sparqlquery import QueryText
from ldpub.shacl.valuenodes import MappedValues, PredicateValues

NODES = [f"<http://example.org/n{i}>" for i in range(8)] + ["_:b1", "_:b2"]
OBJECTS = NODES + ['"1"^^<http://www.w3.org/2001/XMLSchema#integer>', '"x"', '"y"@en', '"4.0"^^<http://www.w3.org/2001/XMLSchema#decimal>']
PREDICATES = ["<http://example.org/p>", "<http://example.org/q>"]


def _random_graph(rng: random.Random) -> list[str]:
    lines = set()
    for _ in range(rng.randint(0, 30)):
        lines.add(f"{rng.choice(NODES)} {rng.choice(PREDICATES)} {rng.choice(OBJECTS)}")
    return sorted(lines)


@pytest.mark.parametrize("seed", range(300))
def test_predicate_values_answer_like_walking_each_focus_node(seed):
    rng = random.Random(seed)
    graph = DataGraph(_random_graph(rng), first_unique=True)
    p = PREDICATES[0]
    focus = frozenset(rng.sample(OBJECTS, rng.randint(0, len(OBJECTS))))
    fast = PredicateValues(focus, graph.predicate(p))
    plain = MappedValues(focus, lambda n: PredicatePath(p).values(graph, n))
    assert {f: sorted(v) for f, v in fast.items()} == {f: sorted(v) for f, v in plain.items()}
    assert fast.value_set() == plain.value_set()
    assert fast.value_set() <= set(fast.candidates())
    failing = set(rng.sample(OBJECTS, rng.randint(0, 5)))
    assert sorted(fast.pairs_failing(failing)) == sorted(plain.pairs_failing(failing))
    for n in range(4):
        assert sorted(fast.fewer_than(n)) == sorted(plain.fewer_than(n))
        assert sorted(fast.more_than(n)) == sorted(plain.more_than(n))
    value = rng.choice(OBJECTS)
    assert sorted(fast.without(value)) == sorted(plain.without(value))
    for f in focus:
        assert sorted(fast.of(f)) == sorted(plain.of(f))


# ---------------------------------------------------------------------------- SPARQL batching
QUERIES = {
    # batchable: $this read only where the joined values are visible
    "pattern": ("SELECT $this ?value WHERE { $this ex:p ?value . FILTER(isLiteral(?value)) }", True),
    "not exists": ("SELECT $this WHERE { $this ex:p ?o . FILTER NOT EXISTS { ?x ex:q $this } }", True),
    "filter only": ("SELECT $this WHERE { FILTER(isBlank($this) || $this = ex:n1) }", True),
    "optional": ("SELECT $this ?v WHERE { OPTIONAL { ?v ex:p ?o FILTER(?o != $this) } }", True),
    "bind top": ("SELECT $this ?v WHERE { BIND(str($this) AS ?v) FILTER(contains(?v, '1')) }", True),
    "union patterns": ("SELECT $this ?v WHERE { { $this ex:p ?v } UNION { ?v ex:q $this } }", True),
    # not batchable: $this read inside a nested group, or solutions counted or cut
    "nested filter": ("SELECT $this ?v WHERE { { ?v ex:p ?o FILTER(?o = $this) } }", False),
    "union filter": ("SELECT $this ?v WHERE { { ?v ex:p ?o FILTER(?o = $this) } UNION { ?v ex:q ?o } }", False),
    "optional bind": ("SELECT $this ?v WHERE { OPTIONAL { ?x ex:p ?o BIND($this AS ?v) } }", False),
    "nested exists": ("SELECT $this WHERE { { ?x ex:p ?o FILTER NOT EXISTS { ?o ex:q $this } } }", False),
    "aggregate": ("SELECT $this (COUNT(?o) AS ?n) WHERE { $this ex:p ?o } GROUP BY $this HAVING (COUNT(?o) > 1)", False),
    "limit": ("SELECT $this ?o WHERE { $this ex:p ?o } LIMIT 1", False),
    "sub-select": ("SELECT $this WHERE { { SELECT $this ?o WHERE { $this ex:p ?o } } }", False),
}


@pytest.mark.parametrize("name", sorted(QUERIES))
def test_batchable_says_when_one_query_equals_one_per_focus_node(name):
    text, expected = QUERIES[name]
    assert QueryText(text, {"ex": "http://example.org/"}, "select").batchable({"this"}) is expected


def _shapes(query: str) -> str:
    return f"""@prefix ex: <http://example.org/> . @prefix sh: <http://www.w3.org/ns/shacl#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
ex: sh:declare [ sh:prefix "ex" ; sh:namespace "http://example.org/"^^xsd:anyURI ] .
ex:S a sh:NodeShape ; sh:targetSubjectsOf ex:p, ex:q ; sh:targetObjectsOf ex:p ;
    sh:sparql [ sh:prefixes ex: ; sh:message "{{?v}}" ; sh:select \"\"\"{query}\"\"\" ] ."""


def _turtle(lines: list[str]) -> str:
    return "".join(f"{line} .\n" for line in lines)


@pytest.mark.parametrize("name", sorted(QUERIES))
@pytest.mark.parametrize("seed", range(15))
def test_one_query_for_all_focus_nodes_gives_the_pre_bound_results(name, seed, monkeypatch):
    data = _turtle(_random_graph(random.Random(seed)))
    shapes = _shapes(QUERIES[name][0])
    batched = validate_text(data, shapes)
    monkeypatch.setattr(QueryText, "batchable", lambda self, variables: False)
    one_by_one = validate_text(data, shapes)
    assert batched.results == one_by_one.results


@pytest.mark.parametrize("name", ["nested filter", "limit"])
def test_joining_a_query_the_analysis_refuses_would_change_its_results(name, monkeypatch):
    """The refusals are needed: forced to one query, these give other results on some graph."""
    shapes = _shapes(QUERIES[name][0])
    differs = False
    for seed in range(40):
        data = _turtle(_random_graph(random.Random(seed)))
        with monkeypatch.context() as m:
            m.setattr(QueryText, "batchable", lambda self, variables: False)
            one_by_one = validate_text(data, shapes).results
        with monkeypatch.context() as m:
            m.setattr(QueryText, "batchable", lambda self, variables: True)
            forced = validate_text(data, shapes).results
        differs |= forced != one_by_one
    assert differs


ASK_COMPONENT = """@prefix ex: <http://example.org/> . @prefix sh: <http://www.w3.org/ns/shacl#> .
ex:C a sh:ConstraintComponent ; sh:parameter [ sh:path ex:other ] ;
    sh:validator [ a sh:SPARQLAskValidator ; sh:ask \"\"\"{ask}\"\"\" ] .
ex:S a sh:NodeShape ; sh:targetSubjectsOf ex:p ; sh:property [ sh:path ex:p ; ex:other ex:q ] ."""

ASKS = [
    "ASK { FILTER NOT EXISTS { $value $other $this } }",  # joined: (this, value) pairs at once
    "ASK { FILTER(isIRI($value)) }",  # no $this: one verdict per value
    "ASK { $value ?p ?o . FILTER(?o != $this) }",
    "ASK { { $value ?p ?o FILTER(?o = $this) } }",  # nested filter: one ASK per pair
]


@pytest.mark.parametrize("ask", ASKS)
@pytest.mark.parametrize("seed", range(15))
def test_ask_validators_joined_once_give_the_pre_bound_answers(ask, seed, monkeypatch):
    data = _turtle(_random_graph(random.Random(seed)))
    shapes = ASK_COMPONENT.replace("{ask}", ask)
    batched = validate_text(data, shapes)
    monkeypatch.setattr(QueryText, "batchable", lambda self, variables: False)
    assert batched.results == validate_text(data, shapes).results
