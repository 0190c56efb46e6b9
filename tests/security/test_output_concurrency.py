"""One writer per output folder, and what dead writers leave behind is cleaned up (#14).

Before: two builds into one ``--out`` mixed their files in 1 of 6 runs, and a SIGKILLed build
left its ``.dist.tmp-*`` staging folder behind for good.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

import pytest
from _output_tools import EXTRA_RECORD, ROOT, ldpub, new_project, snapshot

DATA_FILES = ("dataset.nt", "dataset.ttl", "dataset.jsonld")


def _two_data_folders(project):
    """``data`` (one record) and ``data-b`` (two): builds of each give different output."""
    import shutil

    shutil.copytree(project / "data", project / "data-b")
    (project / "data-b" / "more.yaml").write_text(EXTRA_RECORD)


def test_a_second_build_is_refused_while_one_writes_naming_it(tmp_path, run_cli):
    from ldpub.output import FolderLock

    project = new_project(tmp_path / "demo")
    assert run_cli("--project", str(project), "build", "-q")[0] == 0
    before = snapshot(project / "dist")
    lock = FolderLock.acquire(project / "dist")  # as a running build holds it
    try:
        code, out, err = run_cli("--project", str(project), "build")
    finally:
        lock.release()
    assert code == 2
    assert "another ldpub run is writing this folder" in err
    assert f"process {os.getpid()}" in err
    assert "Traceback" not in err
    assert snapshot(project / "dist") == before
    assert run_cli("--project", str(project), "build", "-q")[0] == 0  # released: builds again


# the real command on a slow disk: every rename takes 200 ms (so that two builds' moves overlap)
_SLOW_DISK = """
import os, sys, time
for name in ("replace", "rename"):
    def slow(*args, _real=getattr(os, name), **kwargs):
        time.sleep(0.2)
        return _real(*args, **kwargs)
    setattr(os, name, slow)
from ldpub.cli import main
main(sys.argv[1:])
"""


def test_two_builds_started_together_give_one_whole_output_or_a_refusal(tmp_path):
    project = new_project(tmp_path / "demo")
    _two_data_folders(project)
    references = {}
    for data in ("data", "data-b"):
        done = ldpub("--project", str(project), "build", "-q", "--data", data, "--out", f"ref-{data}")
        assert done.returncode == 0, done.stderr
        references[data] = {name: (project / f"ref-{data}" / name).read_bytes() for name in DATA_FILES}
    assert references["data"] != references["data-b"]
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
    outcomes = set()
    for _ in range(4):
        runs = [subprocess.Popen([sys.executable, "-c", _SLOW_DISK, "--project", str(project), "build", "-q",
                                  "--data", data, "--out", "shared"], env=env, stdout=subprocess.PIPE,
                                 stderr=subprocess.PIPE, text=True) for data in ("data", "data-b")]
        results = [(run.wait(120), run.stderr.read()) for run in runs]
        for run in runs:
            run.stdout.close()
            run.stderr.close()
        for code, err in results:
            assert code == 0 or (code == 2 and "another ldpub run is writing this folder" in err), err
            assert "Traceback" not in err
        assert any(code == 0 for code, _ in results)
        outcomes.add(tuple(code for code, _ in results))
        final = {name: (project / "shared" / name).read_bytes() for name in DATA_FILES}
        assert final in (references["data"], references["data-b"]), "files of two builds mixed"
        assert sorted(p.name for p in (project / "shared").iterdir()) == sorted(
            ["context.jsonld", "ontology.ttl", "shapes.ttl", *DATA_FILES])
    assert not list(project.glob(".shared.tmp-*"))


def _wait_for(predicate, timeout: float = 60.0) -> bool:
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if predicate():
            return True
        time.sleep(0.005)
    return False


def test_the_leftovers_of_a_killed_build_are_cleaned_by_the_next_with_a_note(tmp_path):
    project = new_project(tmp_path / "demo")
    assert ldpub("--project", str(project), "build", "-q").returncode == 0
    before = snapshot(project / "dist")
    many = project / "data" / "many.yaml"  # enough records that the build stages for a while
    many.write_text("".join(f"- id: org-{i}\n  type: Organization\n  label: Organization {i}\n" for i in range(3000)))
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src"), "LDPUB_CACHE": "0"}
    run = subprocess.Popen([sys.executable, "-m", "ldpub", "--project", str(project), "build", "-q"], env=env,
                           stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        assert _wait_for(lambda: list(project.glob(".dist.tmp-*"))), "the build never staged"
        # it is reading records now: kill it as the OOM killer or a CI timeout would
        os.kill(run.pid, signal.SIGKILL)
        run.wait(30)
    finally:
        if run.poll() is None:
            run.kill()
            run.wait()
    many.unlink()
    leftovers = [p.name for p in project.glob(".dist.tmp-*")]
    assert leftovers, "the killed build left nothing to clean (the test did not kill it mid-way)"
    assert snapshot(project / "dist") == {**before, ".ldpub.lock": (project / "dist" / ".ldpub.lock").read_bytes()}

    done = ldpub("--project", str(project), "build", "-q")
    assert done.returncode == 0, done.stderr
    assert f"note: removed {project / leftovers[0]}" in done.stderr
    assert f"(process {run.pid})" in done.stderr
    assert not list(project.glob(".dist.tmp-*"))
    assert snapshot(project / "dist") == before  # same data: byte-identical, and no lock file left


_KILL_AT_KTH_MOVE = """
import os, signal, sys
from pathlib import Path
import ldpub.output as output
k, out = int(sys.argv[1]), Path(sys.argv[2])
moves = []
real = output._replace
def replace_then_die(source, target):
    moves.append(target)
    if len(moves) == k + 1:
        os.kill(os.getpid(), signal.SIGKILL)
    real(source, target)
output._replace = replace_then_die
output.write_files(out, {f"f{i}.txt": f"new {i}\\n".encode() for i in range(4)}, strategy="in-place")
"""


@pytest.mark.parametrize("k", [1, 3])
def test_a_build_killed_while_moving_files_in_place_is_rolled_back_by_the_next(tmp_path, k):
    """Where no swap is possible (a mount point) files move one by one: a SIGKILL between moves
    leaves a mix, which the next run puts back as it was, saying so."""
    from ldpub.output import write_files

    out = tmp_path / "dist"
    write_files(out, {f"f{i}.txt": f"old {i}\n".encode() for i in range(3)}, strategy="in-place")
    before = snapshot(out)
    done = subprocess.run([sys.executable, "-c", _KILL_AT_KTH_MOVE, str(k), str(out)], capture_output=True,
                          env={**os.environ, "PYTHONPATH": str(ROOT / "src")}, timeout=60)
    assert done.returncode == -signal.SIGKILL
    mixed = {name: data for name, data in snapshot(out).items() if not name.startswith(".")}
    assert mixed != {name: data for name, data in before.items() if not name.startswith(".")}, "nothing moved"

    notes = []
    write_files(out, {"other.txt": b"x"}, notify=notes.append, strategy="in-place")
    assert len(notes) == 1 and notes[0].startswith(f"restored the previous output in {out}")
    assert snapshot(out) == {**before, "other.txt": b"x"}
