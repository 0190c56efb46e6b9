"""`ldpub query` on the command line: answers, formats, messages and exit codes."""

from __future__ import annotations

import csv
import io
import json

import pytest

from querytools import D, ROOT

NAMED = ("agreements", "contested", "estimates", "events", "leaders", "meetings", "pledges", "relations", "sources", "timeline")


@pytest.fixture
def ldpub(run_cli):
    def run(*args: str):
        return run_cli("--project", str(ROOT), "query", *args)

    return run


def test_list_shows_every_named_query_with_its_parameters(ldpub):
    code, out, _ = ldpub("--list")
    assert code == 0
    listed = [line.split()[0] for line in out.splitlines() if line and not line.startswith(" ")]
    assert listed == sorted(NAMED)
    assert "params: group=taliban" in out
    assert "params: [from=<date>] [to=<date>]" in out
    assert "params: entity=<iri>" in out


def test_named_query_with_key_value_arguments_prints_csv_when_piped(ldpub):
    code, out, err = ldpub("leaders", "group=al-qaeda")
    assert code == 0, err
    rows = list(csv.DictReader(io.StringIO(out)))
    assert {r["holderLabel"] for r in rows} >= {"Osama bin Laden", "Ayman al-Zawahiri"}


def test_param_option_and_json_format(ldpub):
    code, out, _ = ldpub("events", "--param", "from=2016-01-01", "-P", "to=2016-12-31", "--format", "json")
    assert code == 0
    bindings = json.loads(out)["results"]["bindings"]
    assert D + "pledge-zawahiri-to-akhundzada-2016" in {b["event"]["value"] for b in bindings}


def test_table_format_shows_labels_next_to_iris(ldpub):
    code, out, _ = ldpub("--sparql", "SELECT ?pledge ?pledgee WHERE { ?pledge ag:pledgee ?pledgee }", "--format", "table")
    assert code == 0
    assert "Haibatullah Akhundzada (d:haibatullah-akhundzada)" in out
    assert "(3 rows)" in out


def test_md_format(ldpub):
    code, out, _ = ldpub("pledges", "--format", "md")
    assert code == 0 and out.startswith("| pledge | pledger | pledgerLabel |")


def test_file_query_with_its_own_parameters(ldpub, tmp_path):
    q = tmp_path / "who.rq"
    q.write_text(
        "# title: Who pledged to someone\n# param: to: iri\n"
        "PREFIX ag: <https://w3id.org/ldpub/ontology/armed-groups#>\n"
        "SELECT ?who WHERE { ?p ag:pledgee ?to ; ag:pledger ?who }\n"
    )
    code, out, _ = ldpub("--file", str(q), "to=mullah-omar")
    assert code == 0
    assert sorted(out.split()[1:]) == [D + "ayman-al-zawahiri", D + "osama-bin-laden"]


def test_construct_prints_turtle_by_default_and_jsonld_on_request(ldpub):
    code, out, _ = ldpub("--sparql", "CONSTRUCT WHERE { d:taliban ?p ?o }")
    assert code == 0 and "d:taliban" in out and "@prefix d:" in out
    code, out, _ = ldpub("--sparql", "DESCRIBE d:taliban", "--format", "jsonld")
    assert code == 0
    assert json.loads(out)["@graph"][0]["id"] == "d:taliban"


def test_show_prints_the_query_with_parameters_bound(ldpub):
    code, out, _ = ldpub("timeline", "entity=asim-umar", "--show") if False else ldpub("leaders", "group=al-qaeda", "--show")
    assert code == 0
    assert f"VALUES (?group) {{ (<{D}al-qaeda>) }}" in out


# ----------------------------------------------------------------------------- errors
def test_unknown_query_name_suggests_the_nearest(ldpub):
    code, _, err = ldpub("pledgs")
    assert code == 2
    assert err.strip() == "error: no named query 'pledgs' (did you mean 'pledges'?)"


def test_missing_and_unknown_parameters_are_clear(ldpub):
    code, _, err = ldpub("timeline")
    assert code == 2 and "query 'timeline' needs parameter 'entity' (iri) (add --param entity=SLUG)" in err
    code, _, err = ldpub("leaders", "grop=taliban")
    assert code == 2 and "query 'leaders' has no parameter 'grop' (did you mean 'group'?)" in err
    code, _, err = ldpub("leaders", "group=talibn")
    assert code == 2 and "no record 'talibn' in the data (did you mean 'taliban'?)" in err
    code, _, err = ldpub("events", "from=2019-31-12")
    assert code == 2 and "parameter from='2019-31-12': not a calendar date" in err
    code, _, err = ldpub("leaders", "group")
    assert code == 2 and "'group' is not KEY=VALUE" in err


def test_syntax_error_shows_line_and_column_of_the_users_text(ldpub):
    # the project's prefixes are declared before --sparql text: lines stay the user's
    code, _, err = ldpub("--sparql", "SELECT ?s WHERE {\n  ?s ?p ?o .\n  ?s nope:x ?o\n}")
    assert code == 2
    first, line, caret = err.splitlines()
    assert first == ("error: --sparql:3:6: SPARQL syntax error: unknown prefix 'nope:' "
                     "(declare it: PREFIX nope: <namespace IRI>)")
    assert line.strip() == "?s nope:x ?o"
    assert caret.index("^") == line.index("nope:x")


def test_syntax_error_in_a_file_names_the_file_line_and_column(ldpub, tmp_path):
    q = tmp_path / "bad.rq"
    q.write_text("# title: broken\nSELECT ?s WHERE {\n  ?s foo:bar ?o\n}\n")
    code, _, err = ldpub("--file", str(q))
    assert code == 2
    assert err.splitlines()[0] == f"error: {q}:3:6: SPARQL syntax error: unknown prefix 'foo:' " \
                                  "(declare it: PREFIX foo: <namespace IRI>)"


def test_syntax_error_lists_what_was_expected(ldpub):
    code, _, err = ldpub("--sparql", "SELECT ?s WHERE { ?s ?p ?o FILTER(?o = ) }")
    assert code == 2
    assert "SPARQL syntax error: unexpected text here (expected one of" in err.splitlines()[0]
    assert len(err.splitlines()[0]) < 200  # the parser's long list is cut short


def test_unreachable_endpoint_is_one_clear_line(ldpub):
    import socket

    with socket.socket() as s:  # a port nobody listens on
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    code, out, err = ldpub("pledges", "--endpoint", f"http://127.0.0.1:{port}/query", "--timeout", "5")
    assert code == 2 and out == ""
    assert len(err.strip().splitlines()) == 1
    assert err.startswith(f"error: cannot reach SPARQL endpoint http://127.0.0.1:{port}/query")


def test_endpoint_must_be_an_http_url(ldpub):
    code, _, err = ldpub("pledges", "--endpoint", "localhost:7878")
    assert code == 2 and "is not an http(s) URL" in err


def test_fail_empty_exits_1_when_nothing_is_found(ldpub):
    nothing = "SELECT ?s WHERE { ?s a ag:NoSuchClass }"
    code, out, err = ldpub("--sparql", nothing, "--fail-empty")
    assert code == 1 and "nothing found" in err
    assert out.splitlines() == ["s"]
    assert ldpub("--sparql", nothing)[0] == 0  # empty is an answer
    assert ldpub("--sparql", "ASK { ?s a ag:NoSuchClass }", "--fail-empty")[0] == 1
    assert ldpub("pledges", "--fail-empty")[0] == 0


@pytest.mark.parametrize(
    "args, message",
    [
        ((), "give a query NAME, --file Q.rq, --sparql TEXT or --list"),
        (("pledges", "--sparql", "ASK {}"), "give only one of NAME, --file, --sparql, --list"),
        (("pledges", "--format", "turtle"), "--format turtle cannot write a SELECT/ASK result"),
        (("pledges", "--format", "xml"), "Invalid value for '--format'"),
    ],
)
def test_usage_errors_exit_2(ldpub, args, message):
    code, _, err = ldpub(*args)
    assert code == 2 and message in err


def test_help_documents_exit_codes_and_examples(run_cli):
    code, out, _ = run_cli("query", "--help")
    assert code == 0
    assert "Exit codes: 0 answered" in out and "ldpub query events from=2019-01-01 to=2019-12-31" in out
    code, out, _ = run_cli("--help")
    assert "query" in out


def test_sparql_text_can_declare_its_own_parameters(ldpub):
    text = "# param: who: iri\nSELECT ?pledgee WHERE { ?p ag:pledger ?who ; ag:pledgee ?pledgee }\n"
    code, out, err = ldpub("--sparql", text, "who=osama-bin-laden")
    assert code == 0, err
    assert out.split() == ["pledgee", D + "mullah-omar"]


def test_dataset_files_are_queried_with_the_projects_slugs(run_cli, tmp_path):
    from ldpub.config import load_project
    from ldpub.pipeline import compile_project, write_build

    write_build(compile_project(load_project(ROOT), validate=False), tmp_path)
    code, out, err = run_cli("--project", str(ROOT), "query", "leaders", "group=al-qaeda",
                             "--dataset", str(tmp_path / "dataset.nt"), "--dataset", str(tmp_path / "ontology.ttl"))
    assert code == 0, err
    assert {r["holderLabel"] for r in csv.DictReader(io.StringIO(out))} >= {"Osama bin Laden", "Ayman al-Zawahiri"}
    broken = tmp_path / "broken.nt"
    broken.write_text("<a> <b> .\n")
    code, _, err = run_cli("--project", str(ROOT), "query", "pledges", "--dataset", str(broken))
    assert code == 2 and err.startswith(f"{broken}: cannot load:")


def test_a_target_without_the_ontology_gets_a_warning(run_cli, tmp_path):
    from ldpub.config import load_project
    from ldpub.pipeline import compile_project, write_build

    write_build(compile_project(load_project(ROOT), validate=False), tmp_path)
    code, out, err = run_cli("--project", str(ROOT), "query", "events", "--dataset", str(tmp_path / "dataset.nt"))
    assert code == 0
    assert "holds no class hierarchy (rdfs:subClassOf)" in err and "dist/ontology.ttl" in err
    code, _, err = run_cli("--project", str(ROOT), "query", "events",
                           "--dataset", str(tmp_path / "dataset.nt"), "--dataset", str(tmp_path / "ontology.ttl"))
    assert code == 0 and "warning" not in err


def test_the_query_of_a_new_project_runs_with_ldpub_query(run_cli, tmp_path):
    project = tmp_path / "new"
    assert run_cli("init", str(project))[0] == 0
    code, out, _ = run_cli("--project", str(project), "query", "--list")
    assert code == 0 and out.split()[:2] == ["organizations", "Organizations"]
    code, out, err = run_cli("--project", str(project), "query", "organizations", "--format", "csv")
    assert code == 0, err
    assert out.splitlines()[0] == "organization,label,founded,earliest,latest"
    assert len(out.splitlines()) >= 2
