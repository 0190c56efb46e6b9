"""The project's own files: a broken symlink or a folder named ``x.ttl`` in ontology/ or shapes/
is named as such (before: ``cannot read ontology: None``), and ``ldpub init --title 'C:\\data'``
writes an ldpub.toml and an ontology that parse (before: invalid TOML)."""

from __future__ import annotations

import tomllib

import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

from values_project import assert_user_error, build, good_build, make_project, snapshot


@pytest.mark.parametrize("folder, what", [("ontology", "ontology"), ("shapes", "shapes")])
@pytest.mark.parametrize("kind", ["broken-symlink", "folder"])
def test_a_ttl_name_that_is_not_a_file_is_named(tmp_path, run_cli, folder, what, kind):
    project = make_project(tmp_path, run_cli)
    before = good_build(run_cli, project)
    odd = project / folder / "x.ttl"
    if kind == "folder":
        odd.mkdir()
        expected = (f"{odd}: cannot read {what}: a folder, not a Turtle file "
                    f"(ldpub reads every *.ttl file of {folder}/: rename the folder)")
    else:
        odd.symlink_to(tmp_path / "gone.ttl")
        expected = (f"{odd}: cannot read {what}: a broken symbolic link (to {tmp_path / 'gone.ttl'}) "
                    "(remove it or make it point to a Turtle file)")
    code, _, err = build(run_cli, project)
    assert_user_error(code, err, expected)
    assert "None" not in err
    code, _, err = run_cli("--project", str(project), "validate")
    assert code == 2 and "Traceback" not in err and "None" not in err
    assert snapshot(project) == before


@pytest.mark.parametrize("title", ["C:\\data", 'The "Quoted" Dataset', "two\nlines", "tab\tand \\u0041", "ünï ☃ 𝄞"])
def test_init_writes_any_title_so_that_it_parses(tmp_path, run_cli, title):
    target = tmp_path / "ds"
    code, _, err = run_cli("init", str(target), "--title", title)
    assert code == 0, err
    assert tomllib.loads((target / "ldpub.toml").read_text(encoding="utf-8"))["project"]["title"] == title
    import pyoxigraph as ox

    labels = [q.object.value for q in ox.parse(path=str(target / "ontology" / "ontology.ttl"), format=ox.RdfFormat.TURTLE)
              if q.predicate.value == "http://www.w3.org/2000/01/rdf-schema#label" and q.object.value.endswith(" ontology")]
    assert labels == [f"{title} ontology"]
    code, _, err = build(run_cli, target)
    assert code == 0, err


@settings(max_examples=40, deadline=None, database=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(title=st.text(alphabet=st.characters(exclude_categories=["Cs"]), min_size=1, max_size=30))
def test_init_title_property(tmp_path_factory, run_cli, title):
    target = tmp_path_factory.mktemp("init") / "ds"
    code, _, err = run_cli("init", str(target), "--title", title)
    assert code == 0, err
    assert tomllib.loads((target / "ldpub.toml").read_text(encoding="utf-8"))["project"]["title"] == title
    import pyoxigraph as ox

    list(ox.parse(path=str(target / "ontology" / "ontology.ttl"), format=ox.RdfFormat.TURTLE))


def test_init_refuses_a_base_iri_that_is_not_one(tmp_path, run_cli):
    code, _, err = run_cli("init", str(tmp_path / "ds"), "--base-iri", "https://exa mple.org/id/")
    assert_user_error(code, err, "base IRI 'https://exa mple.org/id/': it is not an absolute IRI",
                      'expected an absolute IRI ending in / or #, e.g. --base-iri "https://example.org/id/"')
    assert not (tmp_path / "ds").exists()
