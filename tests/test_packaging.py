"""ldpub installs as a package: the wheel and sdist build, pass `twine check`, and the wheel alone
(nothing from this checkout on the path) starts, validates and builds a new project.

The workflow `ldpub init` writes installs the ldpub that wrote it, from one line.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def dists(tmp_path_factory) -> Path:
    pytest.importorskip("build")
    out = tmp_path_factory.mktemp("dist")
    done = subprocess.run([sys.executable, "-m", "build", "--wheel", "--sdist", "--no-isolation", "-o", str(out), str(ROOT)],
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-2000:]
    return out


def test_wheel_and_sdist_pass_twine_check(dists):
    pytest.importorskip("twine")
    files = sorted(str(p) for p in dists.iterdir())
    assert any(f.endswith(".whl") for f in files) and any(f.endswith(".tar.gz") for f in files)
    done = subprocess.run([sys.executable, "-m", "twine", "check", "--strict", *files], capture_output=True, text=True)
    assert done.returncode == 0, done.stdout + done.stderr


def test_the_wheel_alone_starts_validates_and_builds_a_project(dists, tmp_path):
    wheel = next(dists.glob("*.whl"))
    site = tmp_path / "site"
    done = subprocess.run([sys.executable, "-m", "pip", "install", "--quiet", "--no-deps", "--target", str(site), str(wheel)],
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    env = {**os.environ, "PYTHONPATH": str(site), "LDPUB_CACHE": "0"}
    work = tmp_path / "work"
    work.mkdir()

    def ldpub(*args: str) -> subprocess.CompletedProcess:
        return subprocess.run([sys.executable, "-m", "ldpub", *args], cwd=work, env=env, capture_output=True, text=True,
                              timeout=300)

    where = subprocess.run([sys.executable, "-c", "import ldpub; print(ldpub.__file__)"], cwd=work, env=env,
                           capture_output=True, text=True)
    assert where.stdout.startswith(str(site)), where.stdout + where.stderr  # not this checkout
    assert ldpub("init", "fresh").returncode == 0
    for args in (("validate",), ("build",), ("schema", "--check", "records.schema.json")):
        done = ldpub("--project", "fresh", *args)
        assert done.returncode == 0, (args, done.stdout, done.stderr)
    assert (work / "fresh" / "dist" / "dataset.ttl").is_file()


def test_the_init_workflow_installs_the_ldpub_that_wrote_it_from_one_line(tmp_path, run_cli):
    from ldpub.installation import pip_requirement

    assert run_cli("init", str(tmp_path / "p"))[0] == 0
    text = (tmp_path / "p" / ".github" / "workflows" / "validate.yml").read_text(encoding="utf-8")
    workflow = yaml.safe_load(text)
    assert workflow["env"]["LDPUB_INSTALL"] == pip_requirement()
    runs = [step.get("run", "") for step in workflow["jobs"]["validate"]["steps"]]
    assert 'pip install "$LDPUB_INSTALL"' in runs
    assert not any(run.strip() == "pip install ldpub" for run in runs)
    assert "No package index serves ldpub yet" in text  # said honestly, with how to point it elsewhere


def test_a_requirement_recorded_by_pip_is_pinned(monkeypatch):
    from importlib import metadata

    from ldpub import installation

    class Dist:
        def __init__(self, text):
            self.text = text

        def read_text(self, name):
            return self.text

    cases = {
        '{"url": "https://github.com/o/ldpub.git", "vcs_info": {"vcs": "git", "commit_id": "abc123"}}':
            "ldpub @ git+https://github.com/o/ldpub.git@abc123",
        '{"url": "https://example.org/ldpub-0.1.0-py3-none-any.whl", "archive_info": {}}':
            "ldpub @ https://example.org/ldpub-0.1.0-py3-none-any.whl",
        '{"url": "file:///home/me/ldpub", "dir_info": {"editable": true}}': installation.PINNED_BY_VERSION,
        None: installation.PINNED_BY_VERSION,
        "not json": installation.PINNED_BY_VERSION,
    }
    for text, expected in cases.items():
        monkeypatch.setattr(metadata, "distribution", lambda name, text=text: Dist(text))
        assert installation.pip_requirement() == expected, text
