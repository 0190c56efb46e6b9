"""``ldpub shacl``: any RDF files against any shapes, pySHACL's exit codes, three report formats."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

DATA = """@prefix ex: <http://example.org/> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
ex:alice a ex:Person ; ex:name "Alice" ; ex:age "4.0"^^xsd:decimal .
ex:bob a ex:Person ; ex:age "c"^^xsd:byte .
"""

SHAPES = """@prefix ex: <http://example.org/> .
@prefix sh: <http://www.w3.org/ns/shacl#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
ex:PersonShape a sh:NodeShape ;
    sh:targetClass ex:Person ;
    sh:property [ sh:path ex:name ; sh:minCount 1 ; sh:message "a person needs a name"@en, "eine Person braucht einen Namen"@de ] ;
    sh:property [ sh:path ex:age ; sh:datatype xsd:byte ] .
"""


@pytest.fixture
def files(tmp_path):
    def write(name: str, text: str) -> Path:
        path = tmp_path / name
        path.write_text(text, encoding="utf-8")
        return path

    return write


def test_violations_exit_1_with_one_line_per_result(files, run_cli):
    code, out, err = run_cli("shacl", str(files("data.ttl", DATA)), "--shapes", str(files("shapes.ttl", SHAPES)))
    assert code == 1
    lines = out.splitlines()
    assert any("http://example.org/bob <http://example.org/name>: a person needs a name" in line for line in lines)
    assert any("DatatypeConstraintComponent" in line and "(value: c)" in line for line in lines)  # ill-formed byte
    assert any("(value: 4.0)" in line for line in lines)  # a decimal is not a byte; shown as written
    assert lines[-1] == "does not conform: 3 violations"


def test_conforming_data_exits_0(files, run_cli):
    data = files("ok.ttl", '@prefix ex: <http://example.org/> . ex:carol a ex:Person ; ex:name "Carol" .')
    code, out, _ = run_cli("shacl", str(data), "-s", str(files("shapes.ttl", SHAPES)))
    assert (code, out) == (0, "conforms\n")


def test_turtle_report_is_the_w3c_report_graph_with_language_tagged_messages(files, run_cli):
    import pyoxigraph as ox

    code, out, _ = run_cli("shacl", str(files("data.ttl", DATA)), "-s", str(files("shapes.ttl", SHAPES)), "-f", "turtle")
    assert code == 1
    graph = {str(q.triple) for q in ox.parse(out.encode(), format=ox.RdfFormat.TURTLE)}
    sh = "http://www.w3.org/ns/shacl#"
    assert any(f"<{sh}conforms> \"false\"^^<http://www.w3.org/2001/XMLSchema#boolean>" in t for t in graph)
    assert any(t.endswith('"eine Person braucht einen Namen"@de') for t in graph)
    assert any(t.endswith('"4.0"^^<http://www.w3.org/2001/XMLSchema#decimal>') for t in graph)  # sh:value as written
    again = run_cli("shacl", str(files("data.ttl", DATA)), "-s", str(files("shapes.ttl", SHAPES)), "-f", "turtle")[1]
    assert again == out  # byte-stable


def test_json_report_and_output_file(files, run_cli, tmp_path):
    target = tmp_path / "out" / "report.json"
    code, out, err = run_cli("shacl", str(files("data.ttl", DATA)), "-s", str(files("shapes.ttl", SHAPES)),
                             "--format", "json", "-o", str(target))
    assert code == 1 and out == ""
    assert "does not conform: 3 result(s)" in err
    report = json.loads(target.read_text(encoding="utf-8"))
    assert report["conforms"] is False
    assert {r["component"] for r in report["results"]} == {
        "<http://www.w3.org/ns/shacl#MinCountConstraintComponent>", "<http://www.w3.org/ns/shacl#DatatypeConstraintComponent>"}


def test_without_shapes_the_data_file_is_the_shapes_graph(files, run_cli):
    code, out, _ = run_cli("shacl", str(files("both.ttl", DATA + SHAPES)))
    assert code == 1 and "a person needs a name" in out


@pytest.mark.parametrize("name,text", [
    ("data.nt", '<http://example.org/bob> <http://www.w3.org/1999/02/22-rdf-syntax-ns#type> <http://example.org/Person> .\n'),
    ("data.trig", '@prefix ex: <http://example.org/> . ex:bob a ex:Person . ex:g { ex:carol a ex:Person }'),
    ("data.jsonld", '{"@id": "http://example.org/bob", "@type": "http://example.org/Person"}'),
    ("data.rdf", '<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"><rdf:Description '
                 'rdf:about="http://example.org/bob"><rdf:type rdf:resource="http://example.org/Person"/>'
                 '</rdf:Description></rdf:RDF>'),
])
def test_input_formats_by_extension(files, run_cli, name, text):
    code, out, _ = run_cli("shacl", str(files(name, text)), "-s", str(files("shapes.ttl", SHAPES)), "-f", "json")
    assert code == 1
    focus = {r["focus"] for r in json.loads(out)["results"]}
    assert focus == {"<http://example.org/bob>"}  # of a dataset, the default graph only


def test_bad_input_exits_2_naming_file_and_line(files, run_cli):
    code, _, err = run_cli("shacl", str(files("broken.ttl", "@prefix ex: <http://example.org/> .\nex:a ex:b .\n")))
    assert code == 2 and "broken.ttl:2:" in err and "not valid turtle" in err
    code, _, err = run_cli("shacl", str(files("data.csv", "a,b")))
    assert code == 2 and "unknown RDF format '.csv'" in err


@pytest.mark.parametrize("shape,expected", [
    ('sh:sparql [ sh:select "SELECT $this WHERE { $this ?p ?o MINUS { $this ?p <http://example.org/x> } }" ]',
     "this SPARQL cannot be used: SHACL forbids MINUS"),
    ('sh:sparql [ sh:select "SELECT $this WHERE { $this ?p ?o . VALUES ?o { 1 } }" ]', "SHACL forbids VALUES"),
    ('sh:sparql [ sh:select """SELECT $this\nWHERE { $this ex:missing ?o }""" ]',
     "SPARQL syntax error at line 2, column"),
    ('sh:sparql [ sh:select "SELECT ?x WHERE { ?x ?p ?o }" ]', "must project $this"),
    ("sh:js [ sh:jsFunctionName \"f\" ]", "SHACL-JS (sh:js) is not supported"),
    ("sh:rule [ a sh:TripleRule ]", "SHACL-AF rules (sh:rule) is not supported"),
    ("sh:minCont 1", "sh:minCont is not a SHACL term (did you mean 'minCount'?)"),
    ("sh:target [ a sh:JSTarget ]", "sh:target of a kind no engine here interprets"),
])
def test_shapes_nothing_can_interpret_are_an_error_naming_the_shape(files, run_cli, shape, expected):
    shapes = files("bad.ttl", f"""@prefix ex: <http://example.org/> . @prefix sh: <http://www.w3.org/ns/shacl#> .
ex:BadShape a sh:NodeShape ; sh:targetClass ex:Person ; {shape} .""")
    code, out, err = run_cli("shacl", str(files("data.ttl", DATA)), "-s", str(shapes))
    assert code == 2, out
    assert "shape http://example.org/BadShape:" in err and expected in err
    assert "Traceback" not in err


def test_help_documents_the_command(run_cli):
    code, out, _ = run_cli("shacl", "--help")
    assert code == 0 and "Exit codes: 0 conforms" in out and "ldpub shacl data.ttl --shapes shapes.ttl" in out
    code, out, _ = run_cli("--help")
    assert "shacl" in out


@pytest.mark.parametrize("where", [
    "SERVICE <http://127.0.0.1:9/x> { ?x ?y ?z }",
    "$this <http://example.org/p> trueSERVICE <http://127.0.0.1:9/x> { ?x ?y ?z }",
    "# a comment ended by a carriage return\rSERVICE <http://127.0.0.1:9/x> { ?x ?y ?z }",
    "service:x { ?x ?y ?z }",
    "$this ?p ?o . " + "{ " * 70 + "}" * 70,
])
def test_sparql_that_could_call_out_or_crash_is_refused_before_it_runs(files, run_cli, where):
    """A cloned project's shapes must not make validation open a connection (sparql-guard.md),
    however SERVICE is spelled for pyoxigraph's parser, nor crash it with deep nesting."""
    import socket

    with socket.socket() as listener:  # anything connecting here would be the query calling out
        listener.bind(("127.0.0.1", 0))
        listener.listen()
        listener.settimeout(0.2)
        port = listener.getsockname()[1]
        query = f"PREFIX : <http://127.0.0.1:{port}/>\nSELECT $this WHERE {{ {where.replace(':9/', f':{port}/')} }}"
        shapes = files("s.ttl", '@prefix ex: <http://example.org/> . @prefix sh: <http://www.w3.org/ns/shacl#> .\n'
                       'ex:BadShape a sh:NodeShape ; sh:targetClass ex:Person ; sh:sparql [ sh:select """'
                       + query.replace("\\", "\\\\").replace("\r", "\\r") + '""" ] .')
        code, _, err = run_cli("shacl", str(files("data.ttl", DATA)), "-s", str(shapes))
        assert code == 2 and "shape http://example.org/BadShape: this SPARQL cannot be used" in err
        with pytest.raises(socket.timeout):
            listener.accept()
