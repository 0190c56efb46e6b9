"""ldpub.toml is checked when the project is loaded: each wrong value is one clear message naming
the file, the line and the key, with what is expected; exit 2, no traceback, dist/ untouched.

Before: a base_iri that is no IRI, ``language = "not a tag"`` or ``42`` and ``[paths] data = 5``
ended in tracebacks; ``data_prefix = "a b"`` (or ``1abc``, ``a.``, ``<``) wrote a dataset.ttl no
parser reads with exit 0, and ``_`` a JSON-LD that parses to half the triples;
``[paths] out = "../../x"`` was written to without a word.
"""

from __future__ import annotations

import re
import tempfile
from pathlib import Path

import pytest
from hypothesis import given, settings, strategies as st

from ldpub.settings_checks import (RESERVED_PREFIXES, language_tag_problem, prefix_name_problem, toml_string)
from values_project import assert_user_error, build, good_build, make_project, snapshot


@pytest.fixture
def built_project(tmp_path, run_cli):
    project = make_project(tmp_path, run_cli)
    return project, good_build(run_cli, project)


def _set(project, section: str, key: str, value: str) -> int:
    """Set ``key = value`` (TOML text) in ``[section]`` of ldpub.toml; return its line."""
    path = project / "ldpub.toml"
    lines = path.read_text(encoding="utf-8").splitlines()
    start = lines.index(f"[{section}]")
    for number in range(start + 1, len(lines)):
        if lines[number].startswith("["):
            break
        if re.match(rf"{key}\s*=", lines[number]):
            lines[number] = f"{key} = {value}"
            path.write_text("\n".join(lines) + "\n", encoding="utf-8")
            return number + 1
    lines.insert(start + 1, f"{key} = {value}")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return start + 2


CASES = [
    ("project", "base_iri", '"not an iri/"', "[project] base_iri 'not an iri/': it is not an absolute IRI",
     'expected an absolute IRI ending in / or #, to which slugs are appended, e.g. base_iri = "https://example.org/id/"'),
    ("project", "base_iri", '"example.org/id/"', "[project] base_iri 'example.org/id/': it is not an absolute IRI",
     "expected an absolute IRI ending in / or #"),
    ("project", "base_iri", '"https://example.org/id"', "[project] base_iri 'https://example.org/id' must end with '/' or '#'",
     "expected an absolute IRI ending in / or #"),
    ("project", "base_iri", "7", "[project] base_iri must be an IRI in quotes, got 7", 'e.g. base_iri = "https://example.org/id/"'),
    ("project", "language", '"not a tag"', "[project] language 'not a tag': it is not a BCP 47 language tag",
     'a BCP 47 tag such as "en", "fr", "pt-BR" or "zh-Hant"'),
    ("project", "language", "42", "[project] language must be a language tag in quotes, got 42", 'e.g. language = "en"'),
    *[("project", "data_prefix", f'"{bad}"', f"[project] data_prefix '{bad}': it is not a Turtle prefix name",
       'e.g. data_prefix = "d" or "data"') for bad in ("a b", "1abc", "a.", "a.b", "<", "_", "", "d:x")],
    ("project", "data_prefix", '"rdf"', "[project] data_prefix 'rdf': it is reserved", "reserved: dct, doi, file"),
    ("project", "data_prefix", '"id"', "[project] data_prefix 'id': it is reserved", None),
    ("project", "name", "[1]", "[project] name must be text in quotes, got [1]", None),
    ("paths", "data", "5", "[paths] data must be a folder path in quotes, got 5", 'e.g. data = "data"'),
    ("paths", "out", "true", "[paths] out must be a folder path in quotes, got True", None),
    ("paths", "out", '"../../x"', "[paths] out '../../x' is not a folder inside the project",
     "keep it inside the project (out = \"dist\"), or write elsewhere on purpose with 'ldpub build --out DIR'"),
    ("paths", "out", '"/tmp"', "[paths] out '/tmp' is not a folder inside the project", None),
    ("paths", "out", '"."', "[paths] out '.' is not a folder inside the project", None),
    ("paths", "out", '"data"', "[paths] out 'data' would replace the [paths] data folder", None),
    ("paths", "out", '"ontology/.."', "[paths] out 'ontology/..' is not a folder inside the project", None),
]


@pytest.mark.parametrize("section, key, value, message, hint", CASES,
                         ids=[f"{c[1]}={c[2]}" for c in CASES])
def test_a_wrong_setting_is_one_clear_message(built_project, run_cli, section, key, value, message, hint):
    project, before = built_project
    line = _set(project, section, key, value)
    for command in ("build", "validate", "query"):
        args = ["--project", str(project), command] + (["--sparql", "ASK {}"] if command == "query" else [])
        code, _, err = run_cli(*args)
        assert_user_error(code, err, f"ldpub.toml:{line}: {message}")
        if hint:
            assert hint in err
    assert snapshot(project) == before
    assert not (project.parent / "x").exists()


def test_an_out_folder_escaping_through_a_symlink_is_refused(built_project, run_cli, tmp_path):
    project, before = built_project
    outside = tmp_path / "elsewhere"
    outside.mkdir()
    (project / "link").symlink_to(outside)
    line = _set(project, "paths", "out", '"link/dist"')
    code, _, err = build(run_cli, project)
    assert_user_error(code, err, f"ldpub.toml:{line}: [paths] out 'link/dist' is not a folder inside the project "
                                 f"({outside / 'dist'})")
    assert list(outside.iterdir()) == []


def test_build_out_on_the_command_line_still_writes_elsewhere(built_project, run_cli, tmp_path):
    project, before = built_project
    code, _, err = run_cli("--project", str(project), "build", "-q", "--out", str(tmp_path / "chosen"))
    assert code == 0, err
    assert (tmp_path / "chosen" / "dataset.nt").read_bytes() == before["dataset.nt"]


def test_an_input_outside_the_project_is_read_with_a_warning(built_project, run_cli):
    project, _ = built_project
    # a short folder of its own: the warning shows a value of up to 80 characters whole, and
    # pytest's temporary paths grow longer under pytest-xdist (.../popen-gw0/...)
    with tempfile.TemporaryDirectory(prefix="ldpub-") as outside:
        shared = Path(outside) / "shared-data"
        (project / "data").rename(shared)
        _set(project, "paths", "data", f'"{shared}"')
        code, _, err = build(run_cli, project)
    assert code == 0, err
    assert f"warning: ldpub.toml: [paths] data = '{shared}' is outside the project folder: ldpub reads {shared}" in err


def test_sources_outside_the_project_need_no_warning(built_project, run_cli):
    project, _ = built_project
    _set(project, "paths", "sources", '"../texts"')
    code, _, err = build(run_cli, project)
    assert code == 0 and "warning" not in err, err


# ------------------------------------------------------------------ the checks against references

@settings(max_examples=400, deadline=None, database=None)
@given(st.one_of(
    st.from_regex(r"[a-zA-Z]{1,9}(-[a-zA-Z0-9]{1,9}){0,4}", fullmatch=True),
    st.text(alphabet="abcxyzAZ019-_ .", max_size=14),
))
def test_language_tags_agree_with_pyoxigraph(tag):
    """pyoxigraph (oxilangtag) implements RFC 5646 well-formedness independently."""
    import pyoxigraph as ox

    try:
        ox.Literal("x", language=tag)
        theirs = True
    except ValueError:
        theirs = False
    assert (language_tag_problem(tag) is None) == theirs, tag


@settings(max_examples=400, deadline=None, database=None)
@given(st.text(alphabet="abzAZ09_-.·é:<> \u0300\u203f\u00d7", max_size=6))
def test_prefix_names_agree_with_turtle_parsers(name):
    """A name ldpub accepts is one pyoxigraph's and rdflib's Turtle parsers read as a prefix; one it refuses
    pyoxigraph refuses too, except names with an inner '.' (valid Turtle that rdflib 7 cannot read)."""
    import pyoxigraph as ox
    import rdflib

    document = f"@prefix {name}: <https://example.org/id/> .\n{name}:a {name}:b {name}:c .\n"
    try:
        triples = list(ox.parse(document.encode(), format=ox.RdfFormat.TURTLE))
        oxigraph_reads = len(triples) == 1 and triples[0].subject.value == "https://example.org/id/a"
    except SyntaxError:
        oxigraph_reads = False
    try:
        graph = rdflib.Graph().parse(data=document, format="turtle")
        rdflib_reads = (rdflib.URIRef("https://example.org/id/a"), rdflib.URIRef("https://example.org/id/b"),
                        rdflib.URIRef("https://example.org/id/c")) in graph
    except Exception:  # rdflib raises BadSyntax and others
        rdflib_reads = False
    ours = prefix_name_problem(name) is None
    if ours:
        assert oxigraph_reads and rdflib_reads, name
    elif name.lower() not in RESERVED_PREFIXES and name and not set(name) & set(" :<>."):
        # (empty names, spaces, ':' and '<>' change how the test document itself is tokenized)
        assert not oxigraph_reads, f"{name!r}: pyoxigraph reads it, ldpub refuses it"


@settings(max_examples=300, deadline=None, database=None)
@given(st.text(alphabet=st.characters(exclude_categories=["Cs"]), max_size=40))
def test_toml_string_round_trips_through_tomllib(value):
    import tomllib

    assert tomllib.loads(f"title = {toml_string(value)}\n")["title"] == value
