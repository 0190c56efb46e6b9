"""Releases are versions: each is dated on its own and knows the versions before it (DCAT 3).

A project in a real git repository publishes 1.0.0, changes one record, commits, and publishes
1.1.0: each release is dated by the last commit of its inputs (never the clock), and 1.1.0's
catalog names 1.0.0 as its previous version and the dataset's first issue as 1.0.0's date.
"""

from __future__ import annotations

import os
import re
import subprocess
from pathlib import Path

import pytest
import rdflib

DCAT = rdflib.Namespace("http://www.w3.org/ns/dcat#")
DCT = rdflib.Namespace("http://purl.org/dc/terms/")
HOME = "https://w3id.org/ldpub/dataset/taliban-al-qaeda/"
RELEASES = HOME + "releases/"
RECORD = "pledge-zawahiri-to-akhundzada-2016"

pytestmark = pytest.mark.skipif(subprocess.run(["git", "--version"], capture_output=True).returncode != 0,
                                reason="git is not installed")


def git(repo: Path, *args: str, when: str | None = None) -> str:
    env = {**os.environ, "GIT_CONFIG_GLOBAL": os.devnull, "GIT_CONFIG_NOSYSTEM": "1"}
    if when:
        env.update(GIT_AUTHOR_DATE=when, GIT_COMMITTER_DATE=when)
    done = subprocess.run(["git", "-C", str(repo), "-c", "user.name=Curator", "-c", "user.email=curator@example.org",
                           "-c", "commit.gpgsign=false", *args], capture_output=True, text=True, env=env, check=True)
    return done.stdout


def _change_one_record(project: Path) -> None:
    path = project / "data" / "pledges.yaml"
    text = path.read_text()
    start = text.index(f"- id: {RECORD}\n")
    end = text.find("\n- ", start + 1)
    block = text[start:end]
    changed = re.sub(r"(?m)^  description: .*$", "  description: A description changed for release 1.1.0.", block, count=1)
    assert changed != block
    path.write_text(text[:start] + changed + text[end:])


@pytest.fixture
def repo(project_copy, monkeypatch):
    """The project in a git repository, its inputs committed on 2026-01-10; no SOURCE_DATE_EPOCH."""
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    git(project_copy, "init", "-q")
    git(project_copy, "add", ".")
    git(project_copy, "commit", "-q", "-m", "first", when="2026-01-10T12:00:00+00:00")
    return project_copy


def catalog(folder: Path) -> rdflib.Graph:
    return rdflib.Graph().parse(folder / "catalog.ttl", format="turtle")


def test_each_release_is_dated_by_the_last_commit_of_its_inputs(repo, run_cli):
    releases = repo / "releases"
    code, out, err = run_cli("--project", str(repo), "publish", "--version", "1.0.0", "-q")
    assert code == 0, err
    _change_one_record(repo)
    git(repo, "commit", "-q", "-am", "second", when="2026-03-05T09:30:00+00:00")
    code, out, err = run_cli("--project", str(repo), "publish", "--version", "1.1.0")
    assert code == 0, err
    assert "dated 2026-03-05 by the last commit of the inputs (" in out
    assert "DCAT-AP 3.0.0: conforms" in out

    old, new = catalog(releases / "1.0.0"), catalog(releases / "1.1.0")
    v1, v2, series = (rdflib.URIRef(RELEASES + "1.0.0/#dataset"), rdflib.URIRef(RELEASES + "1.1.0/#dataset"),
                      rdflib.URIRef(HOME + "#dataset"))
    assert (str(old.value(v1, DCT.issued)), str(old.value(v1, DCT.modified))) == ("2026-01-10", "2026-01-10")
    assert (str(new.value(v2, DCT.issued)), str(new.value(v2, DCT.modified))) == ("2026-03-05", "2026-03-05")
    # the version-independent dataset: first issued with 1.0.0, modified with 1.1.0, both versions
    assert (str(new.value(series, DCT.issued)), str(new.value(series, DCT.modified))) == ("2026-01-10", "2026-03-05")
    assert set(new.objects(series, DCAT.hasVersion)) == {v1, v2}
    assert new.value(series, DCAT.hasCurrentVersion) == v2
    assert new.value(v2, DCAT.previousVersion) == v1
    assert str(new.value(v1, DCAT.version)) == "1.0.0"
    assert set(old.objects(series, DCAT.hasVersion)) == {v1}  # a published release is not rewritten

    prov = (releases / "1.1.0" / "prov.ttl").read_text()
    assert 'prov:endedAtTime "2026-03-05T09:30:00Z"^^xsd:dateTime' in prov
    log = (releases / "1.1.0" / "CHANGELOG.md").read_text()
    assert "## 1.1.0 (2026-03-05)" in log and "## 1.0.0 (2026-01-10)" in log
    index = (releases / "1.1.0" / "index.html").read_text()
    assert "released 2026-03-05 (the dataset was first released 2026-01-10; earlier versions:" in index


def test_the_same_history_gives_the_same_files(repo, run_cli, tmp_path):
    """No clock: publishing from the same commit twice, a minute apart, gives identical bytes."""
    for out in (tmp_path / "a" / "1.0.0", tmp_path / "b" / "1.0.0"):
        code, _, err = run_cli("--project", str(repo), "publish", "--version", "1.0.0", "--out", str(out), "-q")
        assert code == 0, err
    a = {p.name: p.read_bytes() for p in (tmp_path / "a" / "1.0.0").iterdir()}
    b = {p.name: p.read_bytes() for p in (tmp_path / "b" / "1.0.0").iterdir()}
    assert a == b and "2026-01-10" in a["catalog.ttl"].decode()


def test_modified_in_settings_wins_over_git(repo, run_cli):
    toml = repo / "ldpub.toml"
    toml.write_text(toml.read_text().replace("[publish]\n", "[publish]\nmodified = 2026-02-14\n", 1))
    code, out, err = run_cli("--project", str(repo), "publish", "--version", "1.0.0")
    assert code == 0, err
    assert "dated 2026-02-14 by [publish] modified" in out


def test_git_dates_only_the_inputs_not_other_commits(repo):
    """A later commit that touches no input (a README) does not move the release date."""
    from ldpub.config import load_project
    from ldpub.release.settings import load_publish_settings

    (repo / "NOTES.md").write_text("not an input\n")
    git(repo, "add", "NOTES.md")
    git(repo, "commit", "-q", "-m", "notes", when="2026-06-01T00:00:00+00:00")
    settings = load_publish_settings(load_project(repo), env={})
    assert settings.modified.isoformat() == "2026-01-10"
    assert settings.date_source.startswith("the last commit of the inputs (")


def test_first_release_without_git_is_dated_by_issued_and_the_next_is_refused(project_copy, run_cli, monkeypatch):
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    toml = project_copy / "ldpub.toml"
    toml.write_text(toml.read_text().replace("[publish]\n", "[publish]\nissued = 2026-02-02\n", 1))
    code, out, err = run_cli("--project", str(project_copy), "publish", "--version", "1.0.0")
    assert code == 0, err
    assert "dated 2026-02-02 by [publish] issued (the first release)" in out
    code, out, err = run_cli("--project", str(project_copy), "publish", "--version", "1.1.0")
    assert code == 2
    assert (f"{toml}: no date for release 1.1.0: only [publish] issued gives one, and that is the date of the first "
            "release (1.0.0 is published already)") in err
    assert "Traceback" not in err and not (project_copy / "releases" / "1.1.0").exists()


def test_project_home():
    from ldpub.release.settings import project_home

    assert project_home(RELEASES, HOME + "id/") == HOME
    assert project_home("https://example.org/a/releases/", "https://example.org/b/id/") == "https://example.org/a/"
    assert project_home("https://data.example.org/releases/", "https://id.example.org/x/") == "https://data.example.org/"
    assert project_home("https://example.org/x/releases/", "https://example.org/x/releases/id#") == \
        "https://example.org/x/releases/"
