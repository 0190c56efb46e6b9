"""``--out`` on a mount point, a bind mount or a full file system (#14).

Before: ``--out`` on a mount point always failed with "Invalid cross-device link" (staging sat
on the parent file system). Now staging happens on the output's own file system: beside it
when the folder can be swapped, inside it when it cannot (a mount point cannot be renamed).
Mounting needs root: these tests skip, saying why, where it is not allowed.
"""

from __future__ import annotations

import errno

import pytest
from _output_tools import EXTRA_RECORD, bind_mount, new_project, snapshot, tmpfs

SET = ["context.jsonld", "dataset.jsonld", "dataset.nt", "dataset.ttl", "ontology.ttl", "shapes.ttl"]


def test_out_on_a_mount_point_builds_and_rebuilds(tmp_path, run_cli):
    project = new_project(tmp_path / "demo")
    with tmpfs(tmp_path / "mnt") as mount:
        (mount / "README").write_text("the user's file stays\n")
        code, _, err = run_cli("--project", str(project), "build", "-q", "--out", str(mount))
        assert code == 0, err
        first = snapshot(mount)
        assert sorted(first) == sorted(["README", *SET])
        (project / "data" / "more.yaml").write_text(EXTRA_RECORD)
        code, _, err = run_cli("--project", str(project), "build", "-q", "--out", str(mount))
        assert code == 0, err
        second = snapshot(mount)
        assert sorted(second) == sorted(first)  # no staging folder or lock file left inside
        assert b"second-organization" in second["dataset.nt"]
        assert second["README"] == first["README"]


def test_a_full_file_system_leaves_the_previous_output(tmp_path, run_cli):
    """A real ENOSPC: the new set does not fit beside the old one on a small tmpfs."""
    project = new_project(tmp_path / "demo")
    (project / "data" / "many.yaml").write_text(
        "".join(f"- id: org-{i}\n  type: Organization\n  label: Organization {i}\n" for i in range(1500)))
    with tmpfs(tmp_path / "mnt", size="1m") as mount:
        code, _, err = run_cli("--project", str(project), "build", "-q", "--out", str(mount))
        assert code == 0, err
        before = snapshot(mount)
        assert sum(len(data) for data in before.values()) > 512 * 1024, "the test needs a set over half the disk"
        (project / "data" / "more.yaml").write_text(EXTRA_RECORD)
        code, _, err = run_cli("--project", str(project), "build", "-q", "--out", str(mount))
        assert code == 2
        assert "No space left on device" in err and "Traceback" not in err
        assert snapshot(mount) == before


@pytest.mark.parametrize("k", range(len(SET)))
def test_a_build_on_a_mount_point_failing_at_the_kth_move_leaves_the_previous_output(tmp_path, monkeypatch,
                                                                                      run_cli, k):
    import ldpub.output as output

    project = new_project(tmp_path / "demo")
    with tmpfs(tmp_path / "mnt") as mount:
        assert run_cli("--project", str(project), "build", "-q", "--out", str(mount))[0] == 0
        before = snapshot(mount)
        (project / "data" / "more.yaml").write_text(EXTRA_RECORD)
        moves = []
        real = output._replace

        def failing_replace(source, target):
            moves.append(target)
            if len(moves) == k + 1:
                raise OSError(errno.EIO, "Input/output error", str(target))
            real(source, target)

        monkeypatch.setattr(output, "_replace", failing_replace)
        code, _, err = run_cli("--project", str(project), "build", "-q", "--out", str(mount))
        assert code == 2 and "Input/output error" in err, err
        assert snapshot(mount) == before


def test_a_bind_mounted_out_that_cannot_be_swapped_is_written_in_place(tmp_path, run_cli):
    """rename(2) refuses to move a mount point even within one file system: ldpub falls back."""
    project = new_project(tmp_path / "demo")
    (tmp_path / "elsewhere").mkdir()
    with bind_mount(tmp_path / "elsewhere", project / "dist") as out:
        for _ in range(2):
            code, _, err = run_cli("--project", str(project), "build", "-q")
            assert code == 0, err
            assert sorted(snapshot(out)) == SET
        assert sorted(snapshot(tmp_path / "elsewhere")) == SET
    assert not list(project.glob(".dist.tmp-*"))
