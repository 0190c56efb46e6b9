"""`ldpub init DIR`: a new project that validates and builds out of the box, CI included."""

from __future__ import annotations

import json

import yaml


def test_init_project_validates_and_builds(tmp_path, run_cli):
    target = tmp_path / "my-dataset"
    code, out, err = run_cli("init", str(target), "--title", "My dataset")
    assert code == 0, err
    for name in ("ldpub.toml", "ontology/ontology.ttl", "shapes/shapes.ttl", "data/organizations.yaml",
                 "queries/organizations.rq", ".github/workflows/validate.yml", ".pre-commit-config.yaml"):
        assert (target / name).is_file(), name
    code, out, _ = run_cli("--project", str(target), "validate", "--format", "json")
    assert code == 0, out
    assert json.loads(out)["findings"] == []
    code, out, err = run_cli("--project", str(target), "build", "--quiet")
    assert code == 0, err
    ttl = (target / "dist" / "dataset.ttl").read_text()
    assert "https://example.org/my-dataset/id/" in ttl and '"2019-21"' in ttl


def test_init_ci_files_run_ldpub_validate(tmp_path, run_cli):
    target = tmp_path / "ds"
    assert run_cli("init", str(target))[0] == 0
    workflow = yaml.safe_load((target / ".github" / "workflows" / "validate.yml").read_text())
    steps = [s.get("run", "") for s in workflow["jobs"]["validate"]["steps"]]
    assert "ldpub validate --format github" in steps
    hooks = yaml.safe_load((target / ".pre-commit-config.yaml").read_text())["repos"][0]
    assert hooks["repo"] == "local" and hooks["hooks"][0]["entry"] == "ldpub validate"


def test_init_refuses_a_non_empty_folder(tmp_path, run_cli):
    (tmp_path / "notes.txt").write_text("mine")
    code, _, err = run_cli("init", str(tmp_path))
    assert code == 2
    assert "folder is not empty; ldpub init does not overwrite anything" in err
    assert sorted(p.name for p in tmp_path.iterdir()) == ["notes.txt"]


def test_init_project_query_runs_on_the_build(tmp_path, run_cli):
    import pyoxigraph as ox

    target = tmp_path / "ds"
    run_cli("init", str(target))
    run_cli("--project", str(target), "build", "-q")
    store = ox.Store()
    store.bulk_load(path=str(target / "dist" / "dataset.nt"), format=ox.RdfFormat.N_TRIPLES)
    rows = list(store.query((target / "queries" / "organizations.rq").read_text()))
    assert [(r["label"].value, r["founded"].value, r["earliest"].value) for r in rows] == [
        ("Example Organization", "2019-21", "2019-03-01")]


def test_relative_paths_resolve_against_the_project(tmp_path, run_cli, monkeypatch):
    target = tmp_path / "ds"
    run_cli("init", str(target))
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    monkeypatch.chdir(elsewhere)
    assert run_cli("--project", "../ds", "build", "--out", "out", "-q")[0] == 0
    assert (target / "out" / "dataset.ttl").is_file()
    assert run_cli("--project", "../ds", "validate", "--data", "data")[0] == 0
    assert not any(elsewhere.iterdir())
    monkeypatch.chdir(target)
    assert run_cli("validate")[0] == 0
