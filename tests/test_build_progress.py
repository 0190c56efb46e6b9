"""A long build shows its phases with counts on standard error, only on a terminal, not with --quiet."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "benchmarks"))

from generate import generate  # noqa: E402

from _terminal import ldpub_env, on_a_terminal  # noqa: E402
from _terminal import phases as _phases  # noqa: E402


@pytest.fixture(scope="module")
def synthetic(tmp_path_factory) -> Path:
    return generate(1500, tmp_path_factory.mktemp("synthetic"))


def _env(tmp_path: Path, **extra: str) -> dict:
    return ldpub_env(tmp_path, **extra)


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_a_build_on_a_terminal_shows_each_phase_with_counts(synthetic, tmp_path, jobs):
    env = _env(tmp_path, LDPUB_JOBS=jobs, LDPUB_INCREMENTAL="0")
    code, terminal, out = on_a_terminal(["--project", str(synthetic), "build", "--out", str(tmp_path / "dist")], env)
    assert code == 0, terminal
    phases = _phases(terminal)
    files = len(list((synthetic / "data").glob("*.yaml")))
    order = list(dict.fromkeys(phase.split(":")[0] for phase in phases))
    # ldpub.querystore after the files, then ldpub.answercache's answers in the store
    assert order[-3:] == ["writing", "loading the query store", "keeping the named queries' answers"], phases
    assert f"reading records: {files}/{files} files" in phases, "both processes' files are counted"
    assert "mapping records: 1,500 records" in phases
    assert any(p.startswith("validating: ") and p.endswith(" triples") for p in phases)
    assert terminal.endswith("\r\x1b[K"), "the line is cleared before the command's own output"
    assert out.startswith("built ")


def test_an_incremental_build_shows_its_phases_too(synthetic, tmp_path):
    env = _env(tmp_path, LDPUB_JOBS="1")
    args = ["--project", str(synthetic), "build", "--out", str(tmp_path / "dist")]
    assert on_a_terminal(args, env)[0] == 0
    code, terminal, _ = on_a_terminal(args, env)
    assert code == 0
    phases = _phases(terminal)
    assert "mapping records: 0 records" in phases, "nothing changed: nothing mapped again"
    assert {p.split(":")[0] for p in phases} == {"reading records", "mapping records", "writing", "validating",
                                                 "loading the query store"}


def test_nothing_is_shown_when_standard_error_is_not_a_terminal(synthetic, tmp_path):
    done = subprocess.run([sys.executable, "-m", "ldpub", "--project", str(synthetic), "build", "--out",
                           str(tmp_path / "dist")], env=_env(tmp_path), capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    assert done.stderr == ""
    assert done.stdout.startswith("built 1")


def test_quiet_shows_nothing_evenon_a_terminal(synthetic, tmp_path):
    code, terminal, out = on_a_terminal(["--project", str(synthetic), "build", "--out", str(tmp_path / "dist"),
                                          "--quiet"], _env(tmp_path))
    assert (code, terminal, out) == (0, "", "")
