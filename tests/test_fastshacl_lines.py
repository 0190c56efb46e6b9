"""ldpub's SHACL engine reads the data graph as N-Triples lines.

Literals are parsed from their N-Triples text only where a constraint needs them: escapes,
language tags, datatypes and ill-typed literals must give the same results as pySHACL (the
reference engine), and the engines' contract takes lines as well as pyoxigraph Triples.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pyoxigraph as ox
import pytest

from ldpub.ntriples import parse_literal, term_value, unescape
from ldpub.shacl.graph import DataGraph, ntriples_lines
from ldpub.validate import ENGINES


def fast_findings(data, shapes, ontology):
    return ENGINES["ldpub"](data, shapes, ontology, None)

XSD = "http://www.w3.org/2001/XMLSchema#"
RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
SH = "http://www.w3.org/ns/shacl#"
TRICKY_TEXTS = [
    'say "hi"', "back\\slash", "two\nlines", "tab\there", "cr\rbs\bff\f", "nul\x00unit\x1fdel\x7f",
    "é ü 日本語 😀", "it's", 'a "quoted" \\ mix\n', "", "ends with a backslash \\", '"', "^^<not a datatype>",
    "@en", '"@en', "x\\u0041 is not an escape here",
]


def _lines(turtle: str) -> list[str]:
    return sorted({str(q.triple) for q in ox.parse(turtle, format=ox.RdfFormat.TURTLE)})


def _triples(turtle: str) -> list:
    return [q.triple for q in ox.parse(turtle, format=ox.RdfFormat.TURTLE)]


# ---------------------------------------------------------------------------- N-Triples terms
@pytest.mark.parametrize("text", TRICKY_TEXTS)
def test_literal_lexical_forms_survive_escaping(text):
    for literal, datatype, language in (
        (ox.Literal(text), XSD + "string", None),
        (ox.Literal(text, language="en-GB"), RDF + "langString", "en-gb"),
        (ox.Literal(text, datatype=ox.NamedNode(XSD + "token")), XSD + "token", None),
    ):
        assert parse_literal(str(literal)) == (text, datatype, language)
        assert term_value(str(literal)) == literal.value == text


def test_unescape_reads_every_n_triples_escape():
    assert unescape(r"\t\b\n\r\f\"\'\\") == "\t\b\n\r\f\"'\\"
    assert unescape(r"caf\u00E9 \U0001F600 \u0041") == "café 😀 A"
    assert unescape(r"\\u0041") == "\\u0041"  # an escaped backslash, then plain text
    assert unescape("no escapes at all") == "no escapes at all"


def test_terms_of_each_kind_give_their_value():
    assert term_value("<https://example.org/a b>") == "https://example.org/a b"
    assert term_value("_:b0") == "b0"
    assert term_value('"12"^^<http://www.w3.org/2001/XMLSchema#integer>') == "12"


def test_lines_split_at_the_first_two_spaces_only():
    lines = ['<http://e/s> <http://e/p> "a b <http://e/q> c"@en', "<http://e/s> <http://e/p> _:b1",
             '_:b1 <http://e/p> "x"^^<http://e/dt>']
    values = DataGraph(lines).predicate("<http://e/p>")
    assert values.subjects == ["<http://e/s>", "<http://e/s>", "_:b1"]
    assert values.objects == ['"a b <http://e/q> c"@en', "_:b1", '"x"^^<http://e/dt>']
    assert values.subjects[0] is values.subjects[1]  # consecutive lines share one subject string


def test_triples_are_accepted_and_become_their_lines():
    triples = _triples('<http://e/b> <http://e/p> "x" . <http://e/a> <http://e/p> "y\\n" .')
    assert ntriples_lines(triples) == ['<http://e/b> <http://e/p> "x"', '<http://e/a> <http://e/p> "y\\n"']
    lines = ["<http://e/a> <http://e/p> <http://e/o>"]
    assert ntriples_lines(lines) is lines  # lines are taken as they are


# ---------------------------------------------------------------------------- against pySHACL
SHAPES = """
@prefix ex: <http://example.org/> .
@prefix sh: <http://www.w3.org/ns/shacl#> .
@prefix rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
ex:ThingShape a sh:NodeShape ;
    sh:targetClass ex:Thing ;
    sh:property [ sh:path ex:name ; sh:minCount 1 ; sh:maxCount 1 ; sh:datatype rdf:langString ;
                  sh:minLength 3 ; sh:maxLength 12 ; sh:message "one short name" ] ,
                [ sh:path ex:code ; sh:datatype xsd:string ; sh:pattern "^[A-Z]{2}-[0-9]+$" ; sh:message "code" ] ,
                [ sh:path ex:label ; sh:pattern "^caf\\u00E9 \\"[a-z]+\\"$" ; sh:flags "i" ; sh:message "label" ] ,
                [ sh:path ex:count ; sh:datatype xsd:integer ; sh:minInclusive 1 ; sh:maxExclusive 100 ; sh:message "count" ] ,
                [ sh:path ex:when ; sh:datatype xsd:date ; sh:minInclusive "2000-01-01"^^xsd:date ; sh:message "when" ] ,
                [ sh:path ex:kind ; sh:in ( ex:A ex:B "c" "d"@en ) ; sh:message "kind" ] ,
                [ sh:path ex:part ; sh:class ex:Part ; sh:nodeKind sh:BlankNodeOrIRI ; sh:message "part" ] ,
                [ sh:path ex:flag ; sh:hasValue true ; sh:message "flag" ] ;
    sh:sparql [ sh:message "unlucky {?value}" ;
                sh:select "SELECT $this ?value WHERE { $this <http://example.org/count> ?value . FILTER(?value = 13) }" ] .
ex:PartShape a sh:NodeShape ;
    sh:targetObjectsOf ex:part ;
    sh:property [ sh:path ex:size ; sh:maxCount 1 ; sh:datatype xsd:decimal ; sh:maxInclusive 2.5 ; sh:message "size" ] .
"""

DATA = r"""
@prefix ex: <http://example.org/> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
ex:t1 a ex:Thing ; ex:name "Quote \"q\" and \\ back"@en ; ex:code "AB-12" ; ex:count 5 ;
    ex:when "2020-02-30"^^xsd:date ; ex:kind ex:A ; ex:part [ a ex:Part ; ex:size 2.0 ] ; ex:flag true ;
    ex:label "CAFÉ \"latte\"" .
ex:t2 a ex:Thing ; ex:name "ab"@en , "zweite"@de ; ex:code "ab-1\n" ; ex:count "12x"^^xsd:integer ;
    ex:kind "c" , "d"@en , "d" ; ex:part ex:nothing , ex:p2 ; ex:flag false ; ex:label "café \"x1\"" .
ex:p2 a ex:Part ; ex:size 3.5 , "big" .
[] a ex:Thing ; ex:name "日本語のテキスト"@ja ; ex:count 13 ; ex:kind "C" ; ex:part "a literal part" ;
    ex:code "\u00c9T-\t1" .
ex:t3 a ex:Thing ; ex:name "tab\there"@en-GB ; ex:count 100 ; ex:when "1999-12-31"^^xsd:date ;
    ex:kind ex:B ; ex:flag true ; ex:code "AB-7"@en ; ex:label "café \"ok\"!" .
"""


def _blank_safe(results: list[dict]) -> set[tuple]:
    def safe(text):
        return "<blank node>" if text is not None and re.fullmatch(r"[A-Za-z0-9]{16,}", text) else text

    return {(safe(r["focus"]), r["path"], r["component"], r["shape"] if r["shape"].startswith("http") else None,
             r["severity"], safe(r["value"]), r["message"]) for r in results}


def test_fast_engine_on_lines_matches_pyshacl_on_escapes_tags_datatypes_and_blank_nodes():
    shapes = _triples(SHAPES)
    lines = _lines(DATA)
    fast = ENGINES["ldpub"](lines, shapes, [], None)
    reference = ENGINES["pyshacl"](lines, shapes, [], None)
    assert _blank_safe(fast) == _blank_safe(reference), {
        "only fast": _blank_safe(fast) - _blank_safe(reference), "only pyshacl": _blank_safe(reference) - _blank_safe(fast)}
    fired = {(r["focus"].rsplit("/", 1)[-1], r["component"].removeprefix(SH), r["value"]) for r in fast}
    # escapes are read before lengths and patterns: the unescaped name has 21 characters
    assert ("t1", "MaxLengthConstraintComponent", 'Quote "q" and \\ back') in fired
    assert ("t1", "DatatypeConstraintComponent", "2020-02-30") in fired  # ill-typed date
    assert ("t2", "DatatypeConstraintComponent", "12x") in fired  # ill-typed integer
    assert ("t2", "PatternConstraintComponent", "ab-1\n") in fired
    assert ("t3", "DatatypeConstraintComponent", "AB-7") in fired  # a language tag is not xsd:string
    assert ("t3", "PatternConstraintComponent", 'café "ok"!') in fired
    assert not any(f == "t1" and c == "PatternConstraintComponent" for f, c, _ in fired)  # flags "i"
    assert ("t2", "InConstraintComponent", "d") in fired and ("t2", "InConstraintComponent", "c") not in fired
    blank = next(line.split(" ")[0][2:] for line in lines if line.startswith("_:") and line.endswith("<http://example.org/Thing>"))
    assert (blank, "SPARQLConstraintComponent", "13") in fired  # a blank focus node, named as in the data
    assert any(c == "NodeKindConstraintComponent" and v == "a literal part" for _, c, v in fired)
    assert ("p2", "MaxInclusiveConstraintComponent", "3.5") in fired  # targetObjectsOf


def test_lines_and_triples_give_the_same_results_in_the_same_order():
    shapes, triples = _triples(SHAPES), _triples(DATA)  # parsed once: blank node labels are random
    lines = sorted(map(str, triples))
    first = fast_findings(lines, shapes, [])
    assert fast_findings(lines, shapes, []) == first
    assert fast_findings(triples[::-1], shapes, []) == first
    assert fast_findings(lines[::-1] + lines[:5], shapes, []) == first  # any order, repeats
    keys = [(r["focus"], r["path"] or "", r["component"], r["value"] or "") for r in first]
    assert keys == sorted(keys)


def test_ontology_triples_repeated_in_the_data_are_counted_once():
    shapes = _triples("""@prefix ex: <http://example.org/> . @prefix sh: <http://www.w3.org/ns/shacl#> .
        ex:S a sh:NodeShape ; sh:targetClass ex:Thing ; sh:property [ sh:path ex:p ; sh:maxCount 1 ] .""")
    ontology = _triples("@prefix ex: <http://example.org/> . ex:t ex:p ex:o .")
    data = _lines("@prefix ex: <http://example.org/> . ex:t a ex:Thing ; ex:p ex:o .")
    assert fast_findings(data, shapes, ontology) == []
    data = _lines("@prefix ex: <http://example.org/> . ex:t a ex:Thing ; ex:p ex:o2 .")
    assert [r["component"] for r in fast_findings(data, shapes, ontology)] == [SH + "MaxCountConstraintComponent"]


# ---------------------------------------------------------------------------- on the project
def _project_lines(project_dir: Path, extra_ttl: list[Path]):
    from ldpub.config import load_project
    from ldpub.pipeline import compile_project

    build = compile_project(load_project(project_dir), validate=False)
    triples = list(build.triples)
    for ttl in extra_ttl:
        triples += [q.triple for q in ox.parse(path=str(ttl), format=ox.RdfFormat.TURTLE)]
    return triples, build


def test_the_engine_takes_lines_or_triples_alike_on_the_broken_records(project_copy):
    broken = Path(__file__).parent / "broken_records"
    for source in broken.glob("*.yaml"):
        shutil.copy(source, project_copy / "data" / f"zz-{source.name}")
    triples, build = _project_lines(project_copy, sorted(broken.glob("*.ttl")))
    lines = ntriples_lines(triples)
    args = (build.shape_triples, build.ontology_triples, build.vocab.labels)
    fast = ENGINES["ldpub"](lines, *args)
    assert fast == ENGINES["ldpub"](triples, *args)  # pySHACL on the same data: test_fast_validation
    assert len(fast) >= 10


def test_sparql_store_holds_no_type_triples_when_focus_nodes_are_bound_in_the_query(repo_root):
    """The project's SPARQL constraints name every predicate they match, and their focus nodes
    are joined into the query: the Store needs none of the (many) rdf:type triples."""
    from ldpub.shacl.engine import store_plan
    from ldpub.shacl.shapesgraph import ShapesGraph

    _, build = _project_lines(repo_root, [])
    needed, predicates, shapes_graph = store_plan(ShapesGraph(build.shape_triples))
    assert needed and predicates and not shapes_graph
    assert f"{RDF}type" not in predicates


def test_store_loaded_in_small_chunks_gives_the_same_results(monkeypatch):
    """The Store is loaded chunk by chunk while the lines are indexed: blank nodes keep one
    identity across chunks (a SPARQL result on a blank focus node names the data's node)."""
    import ldpub.shacl.graph as graph

    shapes, lines = _triples(SHAPES), _lines(DATA)
    whole = fast_findings(lines, shapes, [])
    monkeypatch.setattr(graph, "CHUNK", 3)
    assert fast_findings(lines, shapes, []) == whole
    assert any(r["component"] == SH + "SPARQLConstraintComponent" for r in whole)


def test_empty_data_graph():
    assert fast_findings([], _triples(SHAPES), []) == []


def test_whole_graph_store_with_blank_nodes_matches_pyshacl_in_any_chunking(monkeypatch):
    """A variable predicate needs every line in the Store (and rdf:type for the targets)."""
    import ldpub.shacl.graph as graph

    shapes = _triples(SHAPES + """
ex:NoBlankValues a sh:NodeShape ; sh:targetClass ex:Thing ;
    sh:sparql [ sh:message "blank value" ;
                sh:select "SELECT $this ?value WHERE { $this ?p ?value . FILTER(isBlank(?value)) }" ] .
""")
    lines = _lines(DATA)
    fast = fast_findings(lines, shapes, [])
    assert _blank_safe(fast) == _blank_safe(ENGINES["pyshacl"](lines, shapes, [], None))
    assert any(r["message"] == "blank value" for r in fast)
    monkeypatch.setattr(graph, "CHUNK", 2)
    assert fast_findings(lines, shapes, []) == fast


def test_literal_focus_nodes_of_a_sparql_constraint_match_pyshacl():
    shapes = _triples("""@prefix ex: <http://example.org/> . @prefix sh: <http://www.w3.org/ns/shacl#> .
ex:CodeShape a sh:NodeShape ; sh:targetObjectsOf ex:code ;
    sh:sparql [ sh:message "short code" ; sh:select "SELECT $this WHERE { FILTER(strlen(str($this)) < 6) }" ] .""")
    lines = _lines(DATA)
    fast = fast_findings(lines, shapes, [])
    assert _blank_safe(fast) == _blank_safe(ENGINES["pyshacl"](lines, shapes, [], None))
    assert {r["focus"] for r in fast} == {"AB-12", "ab-1\n", "ÉT-\t1", "AB-7"}
