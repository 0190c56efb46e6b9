"""Text injection into the SPARQL that ldpub writes: parameters, VALUES and prefixes.

Parameters are bound as pyoxigraph terms in a VALUES block, and the project's prefixes are
declared from a checked name and a serialized IRI: a hostile value or namespace can only ever
be one term (or is refused), never more query text. The probe for "more query text" is a
SERVICE call to a real listener on 127.0.0.1, which must receive nothing.
"""

from __future__ import annotations

import pytest

from _canary import Canary

QUERY = """# title: Things with a name
# param: name: string -- a name
# param: who: iri optional -- a record
SELECT ?s WHERE { ?s ?p ?name }
"""


@pytest.fixture(scope="module")
def canary():
    listener = Canary()
    yield listener
    listener.close()


@pytest.fixture
def named(tmp_path):
    path = tmp_path / "things.rq"
    path.write_text(QUERY, encoding="utf-8")
    return path


def test_a_string_parameter_stays_one_literal(run_cli, project_copy, named, canary):
    hostile = f'x" }} SERVICE <{canary.url}> {{ ?a ?b ?c }} #'
    code, stdout, stderr = run_cli("--project", str(project_copy), "query", "--file", str(named), "--show",
                                   f"name={hostile}")
    assert code == 0, stderr
    assert 'VALUES (?name) { ("x\\" } SERVICE' in stdout  # escaped inside one literal
    code, stdout, stderr = run_cli("--project", str(project_copy), "query", "--file", str(named), "-f", "csv",
                                   f"name={hostile}")
    assert code == 0, stderr
    assert stdout.strip() == "s"  # no row, and above all no call
    assert canary.connections() == []


def test_an_iri_parameter_that_is_not_an_iri_is_refused(run_cli, project_copy, named, canary):
    hostile = f"http://example.org/x> }} SERVICE <{canary.url}> {{ ?a ?b ?c"
    code, stdout, stderr = run_cli("--project", str(project_copy), "query", "--file", str(named), "name=x",
                                   f"who={hostile}")
    assert code == 2
    assert "parameter who=" in stderr and "not a valid IRI" in stderr
    assert canary.connections() == []


def test_a_hostile_namespace_in_a_cloned_project_is_refused_not_pasted(run_cli, project_copy, built, canary):
    _, out = built
    config = project_copy / "ldpub.toml"
    text = config.read_text(encoding="utf-8")
    start = text.index("base_iri")
    end = text.index("\n", start)
    config.write_text(text[:start] + f'base_iri = "https://example.org/id/> {{}} SERVICE <{canary.url}> {{ ?a ?b ?c }} #"'
                      + text[end:], encoding="utf-8")
    code, stdout, stderr = run_cli("--project", str(project_copy), "query", "--dataset", str(out / "dataset.nt"),
                                   "--sparql", "SELECT * WHERE { ?s ?p ?o } LIMIT 1")
    assert code == 2
    assert "not bound to an IRI" in stderr or "base_iri" in stderr
    assert canary.connections() == []


def test_the_python_api_binds_values_as_terms(project_copy, named, canary):
    from ldpub import query
    from ldpub.errors import QueryError

    named_query = query.parse_header(named.read_text(encoding="utf-8"), "things", named)
    result = query.run(named_query, {"name": f'x" }} SERVICE <{canary.url}> {{ ?a ?b ?c }} #'}, project=project_copy)
    assert result.empty
    with pytest.raises(QueryError):
        query.run(named_query, {"name": "x", "who": f"http://x/> }} SERVICE <{canary.url}> {{"}, project=project_copy)
    assert canary.connections() == []
