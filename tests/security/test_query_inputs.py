"""Query files nobody checked: binary, latin-1, folders, bad headers, unknown prefixes.

Before the fix ``query --file`` on a binary or latin-1 file ended in a UnicodeDecodeError
traceback, a folder named ``x.rq`` in ``queries/`` in an IsADirectoryError traceback, and one
``.rq`` with a bad header blocked every named query (#13). ``query --file`` did not get the
project's prefixes that ``--sparql`` gets, and the error for a missing prefix did not name it
(#15).
"""

from __future__ import annotations

import httpx
import pytest

from _servers import copy_project, start_ldpub


def query(run_cli, project, *args):
    return run_cli("--project", str(project), "query", *args)


# ---------------------------------------------------------------------- query --file
def test_a_binary_file_is_refused_with_its_name(run_cli, project_copy, tmp_path):
    path = tmp_path / "picture.rq"
    path.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\xff\xfe")
    code, _, stderr = query(run_cli, project_copy, "--file", str(path))
    assert code == 2
    assert "picture.rq:3: is a binary file, not SPARQL text" in stderr
    assert "Traceback" not in stderr


def test_a_latin1_file_is_refused_with_the_line_and_how_to_fix_it(run_cli, project_copy, tmp_path):
    path = tmp_path / "cafe.rq"
    path.write_bytes("# title: Cafés\nSELECT ?s WHERE { ?s ?p \"café\" }\n".encode("latin-1"))
    code, _, stderr = query(run_cli, project_copy, "--file", str(path))
    assert code == 2
    assert "cafe.rq:1: is not UTF-8 text (byte 0xe9" in stderr and "save the file as UTF-8" in stderr


def test_a_folder_named_like_a_query_file_is_refused(run_cli, project_copy, tmp_path):
    (tmp_path / "x.rq").mkdir()
    code, _, stderr = query(run_cli, project_copy, "--file", str(tmp_path / "x.rq"))
    assert code == 2
    assert "is a directory" in stderr and "Traceback" not in stderr


def test_query_file_gets_the_projects_prefixes_like_sparql(run_cli, project_copy, tmp_path):
    path = tmp_path / "labels.rq"
    path.write_text("# title: Labels\nSELECT ?label WHERE { ?s skos:prefLabel ?label } ORDER BY ?label LIMIT 2\n",
                    encoding="utf-8")
    code, stdout, stderr = query(run_cli, project_copy, "--file", str(path), "-f", "csv")
    assert code == 0, stderr
    assert stdout.splitlines()[0] == "label" and len(stdout.splitlines()) == 3


@pytest.mark.parametrize("text, where", [
    ("SELECT * WHERE {\n  ?s nope:member ?o\n}\n", "2:6"),
    ("SELECT * WHERE { ?s ?p ?o . FILTER(?o = nope:a) }\n", "1:41"),
])
def test_a_missing_prefix_is_named_where_it_is_used(run_cli, project_copy, tmp_path, text, where):
    path = tmp_path / "q.rq"
    path.write_text(text, encoding="utf-8")
    code, _, stderr = query(run_cli, project_copy, "--file", str(path))
    assert code == 2
    assert f"q.rq:{where}: SPARQL syntax error: unknown prefix 'nope:' (declare it: PREFIX nope: <namespace IRI>)" \
        in stderr
    code, _, stderr = query(run_cli, project_copy, "--sparql", text)
    assert code == 2 and f"--sparql:{where}:" in stderr and "unknown prefix 'nope:'" in stderr


# ---------------------------------------------------------------------- queries/ folder
@pytest.fixture
def broken_queries(project_copy):
    folder = project_copy / "queries"
    (folder / "typo.rq").write_text("# titel: Oops\nSELECT * WHERE { ?s ?p ?o }\n", encoding="utf-8")
    (folder / "latin.rq").write_bytes("# title: Caf\xe9\nSELECT * WHERE { ?s ?p ?o }\n".encode("latin-1"))
    (folder / "folder.rq").mkdir()
    return project_copy


def test_broken_query_files_are_reported_and_the_others_still_listed(run_cli, broken_queries):
    code, stdout, stderr = query(run_cli, broken_queries, "--list")
    assert code == 0
    assert "pledges" in stdout and "typo" not in stdout
    assert "typo.rq:1: unknown header key 'titel' (did you mean 'title'?)" in stderr
    assert "latin.rq:1: is not UTF-8 text" in stderr and "folder.rq: is a folder, not a query file" in stderr


def test_a_broken_query_file_does_not_block_the_others(run_cli, broken_queries):
    code, stdout, stderr = query(run_cli, broken_queries, "pledges", "-f", "csv")
    assert code == 0, stderr
    assert len(stdout.splitlines()) > 1


@pytest.mark.parametrize("name, message", [("typo", "unknown header key 'titel'"), ("latin", "is not UTF-8 text"),
                                           ("folder", "is a folder, not a query file")])
def test_running_the_broken_one_says_what_is_wrong(run_cli, broken_queries, name, message):
    code, _, stderr = query(run_cli, broken_queries, name)
    assert code == 2
    assert f"{name}.rq" in stderr and message in stderr and "Traceback" not in stderr


@pytest.fixture
def server(broken_queries, tmp_path, built):
    _, out = built
    project = copy_project(tmp_path / "served")
    for path in (broken_queries / "queries").iterdir():
        target = project / "queries" / path.name
        if path.is_dir():
            target.mkdir(exist_ok=True)
        else:
            target.write_bytes(path.read_bytes())
    srv = start_ldpub(project, tmp_path / "access.log", "--from", str(out))
    yield srv
    srv.stop()


def test_the_query_page_offers_the_readable_queries_and_explains_the_broken_one(server):
    page = httpx.get(server.url + "query", headers={"Accept": "text/html"}, timeout=30)
    assert page.status_code == 200 and "pledges" in page.text
    assert httpx.get(server.url + "query", params={"name": "pledges"}, timeout=30).status_code == 200
    broken = httpx.get(server.url + "query", params={"name": "typo"}, timeout=30)
    assert broken.status_code == 400
    assert "queries/typo.rq:1: unknown header key" in broken.text
    assert str(server.log.parent) not in broken.text  # no server paths shown to visitors
    assert "typo.rq" in server.log.read_text(encoding="utf-8")  # the operator was warned at start


def test_serve_names_a_missing_prefix(server):
    response = httpx.get(server.url + "sparql", params={"query": "SELECT * WHERE { ?s nope:x ?o }"}, timeout=30)
    assert response.status_code == 400
    assert "query:1:21: SPARQL syntax error: unknown prefix 'nope:'" in response.text
