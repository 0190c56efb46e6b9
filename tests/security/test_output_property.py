"""The output contract on generated file sets (hypothesis): all or nothing, whatever fails where.

For any previous output and any new set (names in sub-folders too), either way of committing
(swap or in place), a build or a release: a failure while writing the k-th file or while moving
the k-th file leaves the previous output byte-identical; a success gives exactly the new set
(plus the previous files it does not name, unless it is a release).
"""

from __future__ import annotations

import errno
import tempfile
from pathlib import Path

import pytest

hypothesis = pytest.importorskip("hypothesis")
from hypothesis import HealthCheck, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402
from _output_tools import snapshot  # noqa: E402

from ldpub.errors import OutputError  # noqa: E402
from ldpub.output import STRATEGIES, write_files  # noqa: E402

names = st.sampled_from(["a.ttl", "b.nt", "c.jsonld", "d.txt", "sub/e.ttl", "sub/f.nt", "deep/er/g.txt"])
file_sets = st.dictionaries(names, st.binary(max_size=64), min_size=1, max_size=6)


def _expected(old: dict, new: dict, replace: bool) -> dict:
    if replace:
        return dict(new)
    return {**{n: d for n, d in old.items() if n not in new}, **new}


def _files_only(tree: dict) -> dict:
    return {name: data for name, data in tree.items() if data != b"<dir>"}


@settings(max_examples=25, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.too_slow])
@given(old=file_sets, new=file_sets, strategy=st.sampled_from(STRATEGIES), replace=st.booleans(),
       fail=st.one_of(st.none(), st.tuples(st.sampled_from(["write", "move"]), st.integers(0, 5))))
def test_any_failure_leaves_the_previous_output_and_success_gives_the_new_set(old, new, strategy, replace, fail):
    import ldpub.output as output

    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "dist"
        write_files(out, old, strategy=strategy)
        before = snapshot(out)
        files: dict = dict(new)
        moves = []
        real_replace = output._replace
        if fail and fail[0] == "write" and fail[1] < len(new):
            name = list(new)[fail[1]]

            def broken(path):
                raise OSError(errno.ENOSPC, "No space left on device", str(path))

            files[name] = broken
        if fail and fail[0] == "move":
            def failing_replace(source, target):
                moves.append(target)
                if len(moves) == fail[1] + 1:
                    raise OSError(errno.EIO, "Input/output error", str(target))
                real_replace(source, target)

            output._replace = failing_replace
        try:
            try:
                write_files(out, files, strategy=strategy, replace=replace)
                failed = False
            except OutputError:
                failed = True
        finally:
            output._replace = real_replace
        injected = bool(moves and len(moves) > fail[1]) if fail and fail[0] == "move" else files != new
        assert failed == injected, "a write failed with no fault injected, or a fault went unnoticed"
        if failed:
            assert snapshot(out) == before
        else:
            assert _files_only(snapshot(out)) == _expected(_files_only(before), new, replace)
        assert sorted(p.name for p in Path(tmp).iterdir()) == ["dist"]
        assert not [p for p in out.rglob("*") if p.name.startswith(".ldpub")]
