"""A failed write never changes the previous output: a failure at the k-th file, for every k (#14).

Before: files were moved into the output folder one by one, so a failure at a later move left
``dataset.nt`` new and the rest old. Now the set is staged, then swapped in by one rename
(or, where no swap is possible, moved in place with backups and rolled back on failure).
"""

from __future__ import annotations

import errno

import pytest
from _output_tools import snapshot

from ldpub.errors import OutputError
from ldpub.output import STRATEGIES, OutputSet, write_files

OLD = {"a.ttl": b"old a\n", "b.nt": b"old b\n", "c.jsonld": b"old c\n", "d.ttl": b"old d\n",
       "kept.txt": b"a file of the user's, not in the set\n"}
NEW = {"a.ttl": b"new a\n", "b.nt": b"new b\n", "c.jsonld": b"new c\n", "d.ttl": b"new d\n",
       "e.ttl": b"new e, absent before\n"}


def _previous(tmp_path, strategy: str):
    out = tmp_path / "dist"
    write_files(out, OLD, strategy=strategy)
    return out, snapshot(out)


def _nothing_beside(tmp_path) -> list[str]:
    return sorted(p.name for p in tmp_path.iterdir() if p.name != "dist")


@pytest.mark.parametrize("strategy", STRATEGIES)
@pytest.mark.parametrize("k", range(len(NEW)))
def test_a_write_failing_at_the_kth_file_leaves_the_previous_output(tmp_path, strategy, k):
    out, before = _previous(tmp_path, strategy)

    def disk_full(path):
        raise OSError(errno.ENOSPC, "No space left on device", str(path))

    files = {name: (disk_full if i == k else data) for i, (name, data) in enumerate(NEW.items())}
    with pytest.raises(OutputError, match="No space left on device"):
        write_files(out, files, strategy=strategy)
    assert snapshot(out) == before
    assert _nothing_beside(tmp_path) == []


@pytest.mark.parametrize("replace", [False, True], ids=["build", "release"])
@pytest.mark.parametrize("k", range(len(NEW)))
def test_a_move_failing_at_the_kth_file_is_rolled_back(tmp_path, monkeypatch, k, replace):
    """In place (a mount point, no swap): the moves already done are undone, the user's file kept."""
    import ldpub.output as output

    out, before = _previous(tmp_path, "in-place")
    calls = []
    real = output._replace

    def failing_replace(source, target):
        calls.append(target)
        if len(calls) == k + 1:
            raise OSError(errno.EIO, "Input/output error", str(target))
        real(source, target)

    monkeypatch.setattr(output, "_replace", failing_replace)
    with pytest.raises(OutputError, match="Input/output error"):
        write_files(out, NEW, strategy="in-place", replace=replace)
    assert len(calls) == k + 1
    assert snapshot(out) == before


def test_the_swap_failing_leaves_the_previous_output(tmp_path, monkeypatch):
    import ldpub.output as output

    out, before = _previous(tmp_path, "swap")

    def broken_exchange(first, second):
        raise OSError(errno.EIO, "Input/output error", str(second))

    monkeypatch.setattr(output, "_exchange", broken_exchange)
    with pytest.raises(OutputError, match="Input/output error"):
        write_files(out, NEW, strategy="swap")
    assert snapshot(out) == before
    assert _nothing_beside(tmp_path) == []


@pytest.mark.parametrize("strategy", STRATEGIES)
def test_a_committed_set_replaces_the_files_it_names_and_keeps_the_others(tmp_path, strategy):
    out, _ = _previous(tmp_path, strategy)
    written = write_files(out, NEW, strategy=strategy)
    assert [p.name for p in written] == list(NEW)
    assert snapshot(out) == {**NEW, "kept.txt": OLD["kept.txt"]}
    assert _nothing_beside(tmp_path) == []


@pytest.mark.parametrize("strategy", STRATEGIES)
def test_a_release_set_is_the_whole_folder(tmp_path, strategy):
    """``replace``: files of an older set that the new one does not name do not linger."""
    out, _ = _previous(tmp_path, strategy)
    write_files(out, NEW, strategy=strategy, replace=True)
    assert snapshot(out) == NEW


def test_the_swap_keeps_the_folder_permissions_and_files_get_the_usual_ones(tmp_path):
    import os
    import stat

    out, _ = _previous(tmp_path, "swap")
    os.chmod(out, 0o750)
    old_umask = os.umask(0o022)
    try:
        write_files(out, NEW, strategy="swap")
    finally:
        os.umask(old_umask)
    assert stat.S_IMODE(out.stat().st_mode) == 0o750
    assert {stat.S_IMODE((out / n).stat().st_mode) for n in NEW} == {0o644}


def test_a_set_with_a_missing_file_is_refused_before_anything_moves(tmp_path):
    out, before = _previous(tmp_path, "swap")
    with OutputSet(out) as staged:
        (staged.path / "a.ttl").write_bytes(b"only one of two")
        with pytest.raises(OutputError, match="b.nt was not written"):
            staged.commit(["a.ttl", "b.nt"])
    assert snapshot(out) == before


def test_a_failed_first_build_leaves_no_empty_folder(tmp_path):
    def broken(path):
        raise OSError(errno.EACCES, "Permission denied", str(path))

    with pytest.raises(OutputError):
        write_files(tmp_path / "dist", {"a.ttl": broken})
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("k", range(6))
def test_a_build_failing_at_the_kth_move_leaves_the_previous_output(tmp_path, monkeypatch, run_cli, k):
    """The reported bug: the first moves done, a later one failing, left dataset.nt new and the rest old."""
    import os

    from _output_tools import EXTRA_RECORD, new_project

    project = new_project(tmp_path / "demo")
    assert run_cli("--project", str(project), "build", "-q")[0] == 0
    before = snapshot(project / "dist")
    (project / "data" / "more.yaml").write_text(EXTRA_RECORD)
    calls = []
    real = os.replace

    def failing_replace(source, target, **kwargs):
        if "dist" not in str(target):  # e.g. the record cache: not the output
            return real(source, target, **kwargs)
        calls.append(target)
        if len(calls) == k + 1:
            raise OSError(errno.EIO, "Input/output error", str(target))
        return real(source, target, **kwargs)

    monkeypatch.setattr(os, "replace", failing_replace)
    code, _, err = run_cli("--project", str(project), "build", "-q")
    monkeypatch.undo()
    assert "Traceback" not in err
    after = snapshot(project / "dist")
    if calls:  # this way of moving uses os.replace: it failed, said so, and changed nothing
        assert code == 2 and "Input/output error" in err
        assert after == before
    else:  # the set was swapped in by one rename: no k-th move to fail, and all of it is new
        assert code == 0, err
        assert sorted(after) == sorted(before)
        assert all(b"second-organization" in after[name] for name in ("dataset.nt", "dataset.ttl", "dataset.jsonld"))
