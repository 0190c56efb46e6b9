"""Every command that writes files has the same guarantees as ``build`` (#14): ``init``, ``validate -o``.

Before: ``validate -o`` wrote through a temporary file created 0600 (#15) and left it behind
when killed; an ``init`` that was killed left a folder that a second ``init`` refused as "not
empty" and a staging folder beside it for good.
"""

from __future__ import annotations

import json
import os
import stat

from _output_tools import new_project, snapshot

DEAD_PID = 2**22 + 12345  # above the kernel's pid_max: no process has it


def test_a_report_gets_the_usual_permissions(tmp_path, run_cli):
    project = new_project(tmp_path / "demo")
    old_umask = os.umask(0o022)
    try:
        code, _, err = run_cli("--project", str(project), "validate", "--format", "json", "-o", "report.json")
    finally:
        os.umask(old_umask)
    assert code == 0, err
    report = project / "report.json"
    assert stat.S_IMODE(report.stat().st_mode) == 0o644
    assert json.loads(report.read_text())["findings"] == []
    assert sorted(p.name for p in project.iterdir() if p.name.startswith(".report")) == []


def test_a_report_that_cannot_be_written_leaves_the_previous_one(tmp_path, run_cli, monkeypatch):
    import errno

    project = new_project(tmp_path / "demo")
    (project / "report.json").write_text("the previous report\n")

    def full_disk(*args, **kwargs):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(os, "fsync", full_disk)
    code, _, err = run_cli("--project", str(project), "validate", "--format", "json", "-o", "report.json")
    assert code == 2
    assert "report.json: cannot write report.json: No space left on device" in err
    assert (project / "report.json").read_text() == "the previous report\n"
    assert sorted(p.name for p in project.iterdir() if p.name.startswith(".report")) == []


def test_the_temporary_report_of_a_killed_run_is_removed_with_a_note(tmp_path, run_cli):
    project = new_project(tmp_path / "demo")
    stale = project / f".report.json.tmp-{DEAD_PID}-0123abcd"
    stale.write_text('{"half": ')
    code, _, err = run_cli("--project", str(project), "validate", "--format", "json", "-o", "report.json")
    assert code == 0, err
    assert f"note: removed {stale}, left behind by an ldpub run (process {DEAD_PID})" in err
    assert not stale.exists()


def test_init_after_an_interrupted_init_cleans_up_and_creates_the_project(tmp_path, run_cli):
    target = tmp_path / "ds"
    target.mkdir()
    (target / ".ldpub.lock").write_text(json.dumps({"pid": DEAD_PID}))  # the lock of a killed init
    staging = tmp_path / f".ds.tmp-{DEAD_PID}-0123abcd"
    (staging / "data").mkdir(parents=True)
    (staging / "ldpub.toml").write_text("[proj")  # half written
    code, out, err = run_cli("init", str(target))
    assert code == 0, err
    assert f"note: removed {staging}, left behind by an ldpub run (process {DEAD_PID})" in err
    assert sorted(p.name for p in tmp_path.iterdir()) == ["ds"]
    assert "ldpub.toml" in snapshot(target) and ".ldpub.lock" not in snapshot(target)
    assert run_cli("--project", str(target), "build", "-q")[0] == 0


def test_init_into_the_current_folder_writes_it_in_place(tmp_path, run_cli, monkeypatch):
    """`mkdir ds && cd ds && ldpub init .`: swapping the folder one stands in would leave the shell
    in a deleted, empty one."""
    target = tmp_path / "ds"
    target.mkdir()
    inode = target.stat().st_ino
    monkeypatch.chdir(target)
    code, _, err = run_cli("init", ".")
    assert code == 0, err
    assert os.stat(".").st_ino == inode
    assert (target / "ldpub.toml").is_file() and os.path.isfile("ldpub.toml")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["ds"]
