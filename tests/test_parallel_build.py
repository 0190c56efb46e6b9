"""A large build runs in two processes (ldpub.workers): same files, same errors, same safety."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "benchmarks"))

from generate import generate  # noqa: E402


@pytest.fixture(autouse=True)
def clean_builds(monkeypatch):
    """Every build here is a clean one: an incremental build (tests/test_incremental_build.py) would
    start from the previous one and never start a helper process."""
    monkeypatch.setenv("LDPUB_INCREMENTAL", "0")


def _dist(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir())}


@pytest.fixture(scope="module")
def synthetic(tmp_path_factory) -> Path:
    """A generated 1,500-record project (many files, references across them)."""
    return generate(1500, tmp_path_factory.mktemp("synthetic"))


def _build(run_cli, monkeypatch, project: Path, jobs: int, out: Path):
    monkeypatch.setenv("LDPUB_JOBS", str(jobs))
    return run_cli("--project", str(project), "build", "--out", str(out))


def test_two_processes_write_byte_identical_files(run_cli, monkeypatch, synthetic, tmp_path):
    code1, _, err1 = _build(run_cli, monkeypatch, synthetic, 1, tmp_path / "one")
    code2, out2, err2 = _build(run_cli, monkeypatch, synthetic, 2, tmp_path / "two")
    assert (code1, code2) == (0, 0), err1 + err2
    assert _dist(tmp_path / "one") == _dist(tmp_path / "two")
    assert "from 1500 records" in out2
    assert not list(tmp_path.glob(".*tmp-*")), "no staging folder is left behind"


def test_two_processes_build_the_article_like_one(run_cli, monkeypatch, project_copy, tmp_path):
    assert _build(run_cli, monkeypatch, project_copy, 1, tmp_path / "one")[0] == 0
    code, _, err = _build(run_cli, monkeypatch, project_copy, 2, tmp_path / "two")
    assert code == 0, err
    assert _dist(tmp_path / "one") == _dist(tmp_path / "two")


def _break_first_and_last_file(project: Path) -> None:
    files = sorted((project / "data").glob("*.yaml"))
    first, last = files[0], files[-1]
    # a dangling reference in the first half, a duplicate slug of the first file in the second half
    first.write_text(first.read_text() + "\n- id: broken-ref\n  type: Meeting\n  participant: nobody-at-all\n")
    slug = next(line.split(":", 1)[1].strip() for line in first.read_text().splitlines() if line.startswith("- id:"))
    last.write_text(last.read_text() + f"\n- id: {slug}\n  type: Person\n  label: Twice\n")


def test_problems_in_both_halves_are_reported_as_by_one_process(run_cli, monkeypatch, synthetic, tmp_path):
    import shutil

    project = tmp_path / "project"
    shutil.copytree(synthetic, project)
    code, _, _ = _build(run_cli, monkeypatch, project, 1, project / "dist")
    assert code == 0
    before = _dist(project / "dist")
    _break_first_and_last_file(project)
    one = _build(run_cli, monkeypatch, project, 1, project / "dist")
    two = _build(run_cli, monkeypatch, project, 2, project / "dist")
    assert one[0] == two[0] == 2
    assert one[2] == two[2]
    assert "duplicate slug" in two[2]
    assert _dist(project / "dist") == before, "a failed build leaves the last good output"


def test_loading_and_mapping_problems_of_both_halves_come_in_one_run_in_one_order(run_cli, monkeypatch, synthetic,
                                                                                  tmp_path):
    """A bad id, a YAML tag and a forbidden character do not hide the halves' unknown keys and
    references; both processes say the same, in the same order, and nothing is written."""
    import shutil

    project = tmp_path / "project"
    shutil.copytree(synthetic, project)
    assert _build(run_cli, monkeypatch, project, 1, project / "dist")[0] == 0
    before = _dist(project / "dist")
    files = sorted((project / "data").glob("*.yaml"))
    first, middle, last = files[0], files[len(files) // 2], files[-1]
    first.write_text(first.read_text() + "\n- id: Bad Id\n  type: Person\n  label: !custom X\n"
                     "- id: first-half-typo\n  type: Person\n  labl: X\n")
    middle.write_text(middle.read_text() + "\n- id: middle-ref\n  type: Person\n  label: X\n  sameAs: nobody-here\n")
    last.write_text(last.read_text() + "\n- id: second-half-typo\n  type: Persn\n  label: X\n"
                    "- id: points-at-bad\n  type: Person\n  label: X\n  sameAs: bad-id\n")
    one = _build(run_cli, monkeypatch, project, 1, project / "dist")
    two = _build(run_cli, monkeypatch, project, 2, project / "dist")
    assert one[0] == two[0] == 2
    assert one[2] == two[2]
    messages = [line.split(": ", 1)[1] for line in two[2].splitlines()]
    assert messages == [
        "record 'Bad Id': slug 'Bad Id' is not valid: it contains ' ', 'B', 'I' (use lower-case letters, digits and "
        "hyphens, not first or last, at most 200 characters, e.g. 'bad-id')",
        "record 'Bad Id': YAML tag '!custom' is not allowed: records hold plain text, lists and mappings (remove "
        "the tag (put the value in quotes if it starts with '!'))",
        "record 'first-half-typo': unknown key 'labl' (did you mean 'label'?)",
        "record 'middle-ref': sameAs: unknown record 'nobody-here' (define a record with this id, or fix the slug)",
        "record 'second-half-typo': unknown type 'Persn' (did you mean 'Person'?)",
    ], two[2]
    assert _dist(project / "dist") == before


def test_references_across_the_halves_are_mapped_and_checked(run_cli, monkeypatch, synthetic, tmp_path):
    import shutil

    project = tmp_path / "project"
    shutil.copytree(synthetic, project)
    files = sorted((project / "data").glob("*.yaml"))
    slug = next(line.split(":", 1)[1].strip() for line in files[-1].read_text().splitlines() if line.startswith("- id:"))
    files[0].write_text(files[0].read_text() + f"\n- id: cross-ref\n  type: Person\n  label: X\n  sameAs: {slug}\n"
                        "\n- id: cross-ref-typo\n  type: Person\n  label: Y\n  sameAs: " + slug + "x\n")
    code, _, err = _build(run_cli, monkeypatch, project, 2, project / "dist")
    assert code == 2
    assert f"sameAs: unknown record '{slug}x'" in err and f"did you mean '{slug}'" in err
    assert err.count("unknown record") == 1, "the reference to the other half's slug resolves"


def test_a_violation_found_while_the_helper_writes_keeps_the_previous_output(run_cli, monkeypatch, synthetic,
                                                                              tmp_path):
    import shutil

    project = tmp_path / "project"
    shutil.copytree(synthetic, project)
    assert _build(run_cli, monkeypatch, project, 2, project / "dist")[0] == 0
    before = _dist(project / "dist")
    last = sorted((project / "data").glob("*.yaml"))[-1]
    last.write_text(last.read_text() + "\n- id: no-label-group\n  type: ArmedGroup\n")
    code, _, err = _build(run_cli, monkeypatch, project, 2, project / "dist")
    assert code == 1, err
    assert "no-label-group" in err and "nothing written" in err
    assert _dist(project / "dist") == before
    assert not list(project.glob(".dist.tmp-*"))


def test_a_script_without_a_main_guard_builds_in_two_processes(synthetic, tmp_path):
    """The helper is a fresh interpreter: it never re-runs the caller's script (multiprocessing would)."""
    import os
    import subprocess

    script = tmp_path / "count.py"
    script.write_text("from ldpub import compile_project, load_project\n"
                      f"build = compile_project(load_project({str(synthetic)!r}), jobs=2)\n"
                      "print(build.record_count, build.report.conforms, len(build.lines) == len(set(build.lines)))\n")
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
    done = subprocess.run([sys.executable, str(script)], env=env, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["1500", "True", "True"]


def test_a_helper_that_dies_stops_the_build_with_a_clear_error_and_no_output(synthetic, tmp_path, monkeypatch):
    from ldpub.config import load_project
    from ldpub.pipeline import build_project

    monkeypatch.setattr(sys, "executable", "/bin/false")  # the helper exits at once
    with pytest.raises(RuntimeError, match="helper process stopped unexpectedly"):
        build_project(load_project(synthetic), out_dir=tmp_path / "dist", jobs=2)
    assert not (tmp_path / "dist").exists()
    assert not list(tmp_path.glob(".dist.tmp-*"))
