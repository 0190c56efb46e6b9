"""Named query headers, typed parameters, and proof that a value can never change the query."""

from __future__ import annotations

import pytest

from querytools import D, ROOT, repo_target

HOSTILE = 'x" ) } } ; DROP ALL ; SELECT * WHERE { ?s ?p ?o } # \' """ \\'


@pytest.fixture(scope="module")
def target():
    return repo_target()


def test_header_gives_title_description_and_typed_parameters():
    from ldpub.query import parse_header

    q = parse_header(
        "# title: Things near a place\n"
        "# description: Lists things,\n"
        "#   over two lines.\n"
        "# param: place: iri = helmand -- the place\n"
        "# param: since: date optional -- start\n"
        '# param: word: string = "two words" -- text to find\n'
        "# param: group: iri\n"
        "SELECT * WHERE { ?s ?p ?o }\n",
        "near",
    )
    assert q.title == "Things near a place"
    assert q.description == "Lists things, over two lines."
    assert [(p.name, p.type, p.default, p.optional, p.required) for p in q.params] == [
        ("place", "iri", "helmand", False, False),
        ("since", "date", None, True, False),
        ("word", "string", "two words", False, False),
        ("group", "iri", None, False, True),
    ]
    assert q.params[0].description == "the place"


@pytest.mark.parametrize(
    "header, message",
    [
        ("# titel: x\n", "unknown header key 'titel' (did you mean 'title'?)"),
        ("# param: when: datum\n", "parameter 'when' has unknown type 'datum' (did you mean 'date'?)"),
        ("# param: a: iri\n# param: a: date\n", "parameter 'a' declared twice"),
        ("# param: = broken\n", "cannot read parameter declaration"),
    ],
)
def test_a_bad_header_is_reported_with_file_and_line(tmp_path, header, message):
    from ldpub.errors import QueryError
    from ldpub.query import named_query

    (tmp_path / "bad.rq").write_text(header + "SELECT * WHERE { ?s ?p ?o }\n")
    with pytest.raises(QueryError) as err:
        named_query(tmp_path, "bad")
    rendered = err.value.problems[0].render()
    assert rendered.startswith(f"{tmp_path / 'bad.rq'}:")
    assert message in rendered


@pytest.mark.parametrize(
    "ptype, value, expected",
    [
        ("iri", "taliban", f"<{D}taliban>"),
        ("iri", "d:taliban", f"<{D}taliban>"),
        ("iri", "https://example.org/x", "<https://example.org/x>"),
        ("date", "2019-09-01", '"2019-09-01"^^<http://www.w3.org/2001/XMLSchema#date>'),
        ("string", 'say "hi"', '"say \\"hi\\""'),
        ("integer", "-6", '"-6"^^<http://www.w3.org/2001/XMLSchema#integer>'),
        ("decimal", "0.5", '"0.5"^^<http://www.w3.org/2001/XMLSchema#decimal>'),
    ],
)
def test_parameter_values_become_typed_terms(target, ptype, value, expected):
    from ldpub.query import PARAM_TYPES

    assert str(PARAM_TYPES[ptype].convert(value, target.terms)) == expected


@pytest.mark.parametrize(
    "ptype, value, message",
    [
        ("iri", "talliban", "no record 'talliban' in the data (did you mean 'taliban'?)"),
        ("iri", "taliban> } ?s ?p ?o {", "expected a record slug"),
        ("iri", "http://example.org/a>b c", "not a valid IRI"),
        ("date", "2019-02-30", "not a calendar date"),
        ("date", '2019-01-01"^^xsd:date) } #', "expected a date YYYY-MM-DD"),
        ("integer", "6 } #", "expected an integer"),
        ("decimal", "1e400", "expected a decimal number"),
    ],
)
def test_bad_parameter_values_are_refused_with_the_reason(target, ptype, value, message):
    from ldpub.query import PARAM_TYPES

    with pytest.raises(ValueError) as err:
        PARAM_TYPES[ptype].convert(value, target.terms)
    assert message in str(err.value)


def test_unknown_and_missing_parameters_are_all_reported(target):
    from ldpub.errors import QueryError
    from ldpub.query import named_query, prepare

    with pytest.raises(QueryError) as err:
        prepare(named_query(ROOT / "queries", "timeline"), {"entiy": "taliban", "from": "2019"}, target.terms)
    messages = [p.render() for p in err.value.problems]
    assert "query 'timeline' has no parameter 'entiy' (did you mean 'entity'?)" in messages
    assert "query 'timeline' has no parameter 'from' (it takes entity)" in messages
    assert "query 'timeline' needs parameter 'entity' (iri) (add --param entity=SLUG)" in messages


def test_unknown_query_name_suggests_the_nearest():
    from ldpub.errors import QueryError
    from ldpub.query import named_query

    with pytest.raises(QueryError, match=r"no named query 'pledge' \(did you mean 'pledges'\?\)"):
        named_query(ROOT / "queries", "pledge")


@pytest.mark.parametrize(
    "text, where",
    [
        ("SELECT * WHERE { ?s ?p ?o }", "{ ?s"),
        ("PREFIX x: <http://e/x#> SELECT ?s { ?s x:p ?o }", "{ ?s"),
        ("SELECT ?s WHERE { ?s ?p '''{ } }''' }", "{ ?s"),
        ('SELECT ?s # a { comment\nWHERE { ?s ?p "{" }', "{ ?s"),
        ("CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }", "{ ?s ?p ?o }"),
        ("DESCRIBE ?s WHERE { ?s ?p ?o }", "{ ?s"),
        ("ASK { ?s ?p ?o FILTER(?o < 3) }", "{ ?s"),
        ("SELECT * WHERE { { SELECT ?s WHERE { ?s ?p ?o } } }", "{ { SELECT"),
    ],
)
def test_the_values_block_opens_the_outer_where_group(text, where):
    from ldpub.sparqltext import where_brace

    at = where_brace(text)
    assert text[at:].startswith(where)
    if text.startswith("CONSTRUCT"):
        assert text[:at].rstrip().endswith("WHERE")


def test_short_construct_and_describe_of_an_iri_cannot_take_parameters():
    from ldpub.errors import QueryError
    from ldpub.sparqltext import inject_values

    import pyoxigraph as ox

    for text in ("CONSTRUCT WHERE { ?s ?p ?o }", "DESCRIBE <http://e/x>"):
        with pytest.raises(QueryError, match="WHERE group"):
            inject_values(text, {"x": ox.Literal("1")})


def _probe_project(project_copy):
    """A copy of the project with a record whose text is the hostile value, and a query to find it."""
    (project_copy / "data" / "zz-probe.yaml").write_text(
        "- id: probe\n  type: Person\n  label: Probe\n  description: " + _yaml_quoted(HOSTILE) + "\n",
        encoding="utf-8",
    )
    (project_copy / "queries" / "find.rq").write_text(
        "# title: Records whose description is exactly the text\n"
        "# param: text: string -- the text\n"
        "PREFIX dct: <http://purl.org/dc/terms/>\n"
        "SELECT ?record WHERE {\n"
        "  ?record dct:description ?d .\n"
        "  FILTER (STR(?d) = ?text)\n"
        "}\n",
        encoding="utf-8",
    )
    return project_copy


def _yaml_quoted(text: str) -> str:
    import json

    return json.dumps(text)  # a JSON string is a YAML double-quoted scalar


def test_a_hostile_value_is_one_literal_and_cannot_change_the_query(project_copy):
    """Quotes, braces, '}' ';' '#' and backslashes in a value do not alter the query: the
    prepared text is the original plus one VALUES block holding one escaped literal, it parses
    to the same projection, and it finds exactly the record whose text is that value."""
    from ldpub import query
    from ldpub.config import load_project

    project = load_project(_probe_project(project_copy))
    target = query.connect(project)
    named = query.named_query(project.queries_path, "find")
    text = query.prepare(named, {"text": HOSTILE}, target.terms)

    import pyoxigraph as ox

    literal = str(ox.Literal(HOSTILE))
    block = f" VALUES (?text) {{ ({literal}) }}"
    assert text.replace(block, "", 1) == named.text  # nothing else changed
    assert text.count("VALUES") == 1

    result = query.run(named, {"text": HOSTILE}, target=target)
    assert result.variables == ["record"]
    assert result.column("record") == [project.base_iri + "probe"]
    # a near miss finds nothing: the value was compared as text, not run as SPARQL
    assert query.run(named, {"text": HOSTILE[:-1]}, target=target).empty


def test_a_hostile_value_reaches_no_further_through_the_cli(project_copy, run_cli):
    root = _probe_project(project_copy)
    code, out, err = run_cli("--project", str(root), "query", "find", f"text={HOSTILE}", "--format", "csv")
    assert code == 0, err
    assert out.splitlines() == ["record", "https://w3id.org/ldpub/dataset/taliban-al-qaeda/id/probe"]
    code, out, err = run_cli("--project", str(root), "query", "sources", "entity=taliban> } ?s ?p ?o {")
    assert code == 2 and "expected a record slug" in err
