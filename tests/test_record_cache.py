"""The record cache: unchanged files are read from the user's cache folder, edited files are
parsed again, and nothing in the project folder is ever loaded as a cache."""

from __future__ import annotations

import pytest

from ldpub.config import load_project
from ldpub.pipeline import _cache_dir, compile_project


@pytest.fixture(autouse=True)
def own_cache(tmp_path_factory, monkeypatch):
    folder = tmp_path_factory.mktemp("user-cache")
    monkeypatch.setenv("LDPUB_CACHE_DIR", str(folder))
    monkeypatch.delenv("LDPUB_CACHE", raising=False)
    return folder


def _cached(project_dir):
    folder = _cache_dir(load_project(project_dir))
    assert folder is not None and not folder.is_relative_to(project_dir)
    return sorted((folder / "records").glob("*.pickle"))


def test_second_build_reads_the_cache_and_gives_the_same_triples(project_copy):
    first = compile_project(load_project(project_copy))
    entries = _cached(project_copy)
    assert len(entries) == len(list((project_copy / "data").glob("*.yaml")))
    second = compile_project(load_project(project_copy))
    assert [str(t) for t in second.triples] == [str(t) for t in first.triples]
    assert _cached(project_copy) == entries


def test_editing_one_file_adds_one_entry_and_the_edit_is_seen(project_copy):
    compile_project(load_project(project_copy))
    before = set(_cached(project_copy))
    persons = project_copy / "data" / "persons.yaml"
    persons.write_text(persons.read_text(encoding="utf-8").replace("label: Mullah Omar", "label: Mullah Mohammed Omar"),
                       encoding="utf-8")
    build = compile_project(load_project(project_copy))
    assert len(set(_cached(project_copy)) - before) == 1
    assert any('"Mullah Mohammed Omar"@en' in str(t) for t in build.triples)


def test_a_damaged_cache_entry_is_ignored(project_copy, run_cli):
    compile_project(load_project(project_copy))
    for entry in _cached(project_copy):
        entry.write_bytes(b"not a pickle")
    code, out, err = run_cli("--project", str(project_copy), "validate")
    assert code == 0, err
    assert "conform" in out + err


def test_cache_can_be_turned_off(project_copy, monkeypatch, own_cache):
    monkeypatch.setenv("LDPUB_CACHE", "0")
    compile_project(load_project(project_copy))
    assert not any(own_cache.iterdir())


def test_a_cache_shipped_inside_a_project_is_never_loaded(project_copy):
    """A cloned repository must not be able to supply pickles that ldpub would load."""
    compile_project(load_project(project_copy))
    planted = project_copy / ".ldpub-cache" / "records"
    planted.mkdir(parents=True)
    for entry in _cached(project_copy):
        (planted / entry.name).write_bytes(entry.read_bytes())
        entry.unlink()
    build = compile_project(load_project(project_copy))
    assert build.report.conforms
    assert len(_cached(project_copy)) == len(list((project_copy / "data").glob("*.yaml")))
