"""Every result format: SPARQL results JSON, CSV, TSV, Markdown, table, Turtle, JSON-LD; Python API."""

from __future__ import annotations

import csv
import io
import json

import pytest

from querytools import D, ROOT, repo_target

PREFIXES = {"d": D, "ag": "https://w3id.org/ldpub/ontology/armed-groups#"}


@pytest.fixture(scope="module")
def target():
    return repo_target()


@pytest.fixture(scope="module")
def pledges(target):
    from ldpub import query

    return query.run("pledges", target=target, project=ROOT)


def test_json_is_sparql_results_json_with_typed_terms(pledges):
    import pyoxigraph as ox

    doc = json.loads(pledges.serialize("json"))
    assert doc["head"]["vars"] == pledges.variables
    bindings = doc["results"]["bindings"]
    assert len(bindings) == len(pledges.rows)
    row = next(b for b in bindings if b["pledgee"]["value"] == D + "haibatullah-akhundzada")
    assert row["pledgee"] == {"type": "uri", "value": D + "haibatullah-akhundzada"}
    assert row["acknowledged"] == {"type": "literal", "value": "false", "datatype": "http://www.w3.org/2001/XMLSchema#boolean"}
    assert row["earliest"]["datatype"] == "http://www.w3.org/2001/XMLSchema#date"
    assert "titleAccepted" not in row  # unbound variables are left out, as the format says
    # an independent SPARQL results parser reads it back to the same rows
    parsed = ox.parse_query_results(pledges.serialize("json"), format=ox.QueryResultsFormat.JSON)
    assert [tuple(s[v] for v in pledges.variables) for s in parsed] == pledges.rows


def test_json_validates_against_the_results_schema(pledges):
    jsonschema = pytest.importorskip("jsonschema")
    term = {
        "type": "object",
        "required": ["type", "value"],
        "properties": {"type": {"enum": ["uri", "literal", "bnode"]}, "value": {"type": "string"},
                       "datatype": {"type": "string"}, "xml:lang": {"type": "string"}},
        "additionalProperties": False,
    }
    schema = {
        "type": "object",
        "required": ["head", "results"],
        "properties": {
            "head": {"type": "object", "required": ["vars"], "properties": {"vars": {"type": "array", "items": {"type": "string"}}}},
            "results": {"type": "object", "required": ["bindings"],
                        "properties": {"bindings": {"type": "array", "items": {"type": "object", "additionalProperties": term}}}},
        },
    }
    jsonschema.validate(json.loads(pledges.serialize("json")), schema)


def test_ask_answers_as_a_boolean_document(target):
    from ldpub import query

    result = query.run("ASK { ?p a <https://w3id.org/ldpub/ontology/armed-groups#Pledge> }", target=target)
    assert result.kind == "boolean" and result.boolean is True
    assert json.loads(result.serialize("json")) == {"head": {}, "boolean": True}


def test_csv_has_the_variables_as_header_and_plain_values(pledges):
    text = pledges.serialize("csv")
    assert text.splitlines()[0] == ",".join(pledges.variables)
    assert "\r\n" in text  # RFC 4180 / SPARQL 1.1 CSV line ends
    rows = list(csv.DictReader(io.StringIO(text)))
    akh = next(r for r in rows if r["pledgee"] == D + "haibatullah-akhundzada")
    assert (akh["date"], akh["acknowledged"], akh["pledgeeLabel"]) == ("2016", "false", "Haibatullah Akhundzada")
    assert akh["titleAccepted"] == ""


def test_tsv_is_sparql_tsv_that_reads_back_losslessly(pledges):
    import pyoxigraph as ox

    text = pledges.serialize("tsv")
    assert text.splitlines()[0] == "\t".join(f"?{v}" for v in pledges.variables)
    parsed = ox.parse_query_results(text, format=ox.QueryResultsFormat.TSV)
    assert [tuple(s[v] for v in pledges.variables) for s in parsed] == pledges.rows


def test_md_is_a_markdown_table_with_compact_iris(pledges):
    lines = pledges.serialize("md", PREFIXES).splitlines()
    assert lines[0] == "| " + " | ".join(pledges.variables) + " |"
    assert lines[1] == "|" + "---|" * len(pledges.variables)
    assert len(lines) == 2 + len(pledges.rows)
    row = next(line for line in lines if "d:haibatullah-akhundzada" in line)
    assert "| Haibatullah Akhundzada |" in row
    assert all(line.count(" | ") == len(pledges.variables) - 1 for line in lines[2:])  # '|' in values escaped


def test_table_merges_labels_with_iris_and_folds_to_rows_when_too_wide(pledges):
    wide = pledges.serialize("table", PREFIXES, width=100)
    assert "-[ row 1 ]" in wide
    assert "Haibatullah Akhundzada (d:haibatullah-akhundzada)" in wide
    assert wide.rstrip().endswith(f"({len(pledges.rows)} rows)")


def test_table_is_an_aligned_grid_when_it_fits(target):
    from ldpub import query

    result = query.run(
        "PREFIX ag: <https://w3id.org/ldpub/ontology/armed-groups#> "
        "SELECT ?pledge ?pledgee WHERE { ?pledge ag:pledgee ?pledgee } ORDER BY ?pledge", target=target,
    )
    lines = result.serialize("table", PREFIXES, labels={D + "mullah-omar": "Mullah Omar"}, width=200).splitlines()
    assert lines[0].split() == ["pledge", "pledgee"]
    assert set(lines[1].replace(" ", "")) == {"-"}
    column = lines[0].index("pledgee")
    assert all(line[column - 2:column] == "  " for line in lines[2:-1])  # aligned
    assert any("Mullah Omar (d:mullah-omar)" in line for line in lines)


@pytest.mark.parametrize("name", ["turtle", "ntriples", "jsonld"])
def test_construct_results_are_written_as_rdf_that_parses_to_the_same_graph(target, name):
    import rdflib
    import rdflib.compare

    from ldpub import query

    result = query.run(
        "PREFIX ag: <https://w3id.org/ldpub/ontology/armed-groups#> "
        "CONSTRUCT { ?p ?k ?v } WHERE { ?p a ag:Pledge ; ?k ?v }", target=target,
    )
    assert result.kind == "graph" and len(result.triples) > 10
    text = result.serialize(name, PREFIXES, jsonld_context=target.jsonld_context if name == "jsonld" else None)
    fmt = {"turtle": "turtle", "ntriples": "nt", "jsonld": "json-ld"}[name]
    graph = rdflib.Graph().parse(data=text, format=fmt)
    expected = rdflib.Graph().parse(data=result.serialize("ntriples"), format="nt")
    assert len(graph) == len(result.triples)
    assert rdflib.compare.isomorphic(graph, expected)


def test_solution_formats_refuse_graphs_and_back(target, pledges):
    from ldpub import query
    from ldpub.errors import QueryError

    with pytest.raises(QueryError, match="cannot write solutions"):
        pledges.serialize("turtle")
    graph = query.run("CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o } LIMIT 1", target=target)
    with pytest.raises(QueryError, match="cannot write a graph"):
        graph.serialize("csv")
    with pytest.raises(QueryError, match="did you mean 'json'"):
        pledges.serialize("jsn")


def test_python_api_rows_dicts_and_dataframe(pledges):
    pd = pytest.importorskip("pandas")
    from datetime import date

    dicts = pledges.to_dicts()
    assert dicts == list(pledges)
    akh = next(d for d in dicts if d["pledgee"] == D + "haibatullah-akhundzada")
    assert akh["earliest"] == date(2016, 1, 1) and akh["acknowledged"] is False
    frame = pledges.to_dataframe()
    assert isinstance(frame, pd.DataFrame)
    assert list(frame.columns) == pledges.variables and len(frame) == len(pledges.rows)
    assert set(frame["pledgerLabel"]) >= {"Osama bin Laden", "Ayman al-Zawahiri"}


def test_run_with_defaults_builds_the_project_in_memory(monkeypatch):
    from ldpub import query

    monkeypatch.chdir(ROOT)
    result = query.run("leaders", {"group": "al-qaeda"})
    assert {"Osama bin Laden", "Ayman al-Zawahiri"} <= set(result.column("holderLabel"))


def test_table_wraps_long_cells_of_a_narrow_grid(target):
    from ldpub import query

    result = query.run(
        "PREFIX skos: <http://www.w3.org/2004/02/skos/core#> "
        f"SELECT ?who ?label WHERE {{ VALUES ?who {{ <{D}taliban-emir-after-omar> }} ?who skos:prefLabel ?label }}",
        target=target,
    )
    lines = result.serialize("table", PREFIXES, width=60).splitlines()
    assert lines[0].split() == ["who", "label"] and "-[ row" not in "\n".join(lines)
    assert all(len(line) <= 60 for line in lines)
    assert " ".join(line[lines[0].index("label"):].strip() for line in lines[2:-1]) == \
        "Omar's successor as Taliban emir (not named in the source)"
