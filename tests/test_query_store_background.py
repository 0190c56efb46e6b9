"""The query store made after ``ldpub build`` returns, by a detached process (ldpub.storemaker).

Readers started while it is made wait for it, then open it; a maker that dies leaves no store and
the next query makes it itself; two builds in a row leave the newer inputs' store; the maker keeps
the build's memory limit, never writes to the terminal, and gives up quietly when its cache folder
goes away. ``LDPUB_QUERY_STORE=foreground`` / ``--query-store foreground`` makes it before the build
returns. Where a test needs a maker to be at a given step, it holds the makers' turn lock
(``maker.lock``) itself: the maker then waits, alive, with its job written.
"""

from __future__ import annotations

import fcntl
import os
import select
import signal
import subprocess
import sys
import time
from contextlib import contextmanager
from pathlib import Path

import pytest

from _makers import makers
from test_query_store import cache  # noqa: F401  (the fixture: a cache of the test's own, the store made in the background)

ROOT = Path(__file__).resolve().parent.parent
EDITED = "Mullah Omar (edited)"


def _root(project_dir: Path) -> Path:
    from ldpub.config import cache_dir, load_project
    from ldpub.querystore import store_folder

    project = load_project(project_dir)
    return store_folder(cache_dir(project), project.data_path)


def _current_meta(project_dir: Path) -> dict | None:
    from ldpub.querystore import _current, _read_meta

    folder = _current(_root(project_dir))
    return _read_meta(folder) if folder is not None else None


def _inputs_key(project_dir: Path) -> str:
    from ldpub.config import load_project
    from ldpub.querystore import current_inputs

    project = load_project(project_dir)
    return current_inputs(project, project.data_path).key


@contextmanager
def _makers_wait_their_turn(project_dir: Path):
    """While the block runs, makers of this data folder wait for their turn (the test holds it)."""
    root = _root(project_dir)
    root.mkdir(parents=True, exist_ok=True)
    fd = os.open(root / "maker.lock", os.O_RDWR | os.O_CREAT, 0o600)
    fcntl.flock(fd, fcntl.LOCK_EX)
    try:
        yield root
    finally:
        os.close(fd)


def _eventually(predicate, timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    while not predicate():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.02)


def _build(run_cli, project_dir: Path, out: Path, *args: str) -> None:
    code, _, err = run_cli("--project", project_dir, "build", "--out", out, "-q", *args)
    assert code == 0, err


def _query(run_cli, project_dir: Path, *args: str) -> tuple[str, str]:
    code, out, err = run_cli("--project", project_dir, "query", *args, "--format", "csv")
    assert code == 0, err
    return out, err


def _reference_answer(run_cli, project_dir: Path, tmp_path: Path, monkeypatch, *args: str) -> str:
    """The answer from a store made in the foreground, in a cache of its own (a store's answers
    are those of any other store of the same data, GROUP_CONCAT's order included)."""
    with monkeypatch.context() as patch:
        patch.setenv("LDPUB_CACHE_DIR", str(tmp_path / "reference-cache"))
        patch.setenv("LDPUB_QUERY_STORE", "foreground")
        _build(run_cli, project_dir, tmp_path / "reference-out")
        out, err = _query(run_cli, project_dir, *args)
    assert err == ""
    return out


def _edit(project_dir: Path) -> None:
    path = next(p for p in sorted((project_dir / "data").rglob("*.yaml")) if "label: Mullah Omar" in p.read_text())
    path.write_text(path.read_text().replace("label: Mullah Omar", f"label: {EDITED}"))


def _makers_now(under: Path, count: int) -> list[int]:
    """The ``count`` makers working inside ``under`` (waiting a moment for a process just started to show its command line)."""
    _eventually(lambda: len(makers(under)) == count, timeout=10)
    return makers(under)


def _kill(pid: int) -> None:
    """Kill a maker, and reap it: the build ran in this process, so the maker is its child (after
    ``ldpub build`` exits, init reaps it); a dead maker is then no process at all, as in real use."""
    try:
        os.kill(pid, signal.SIGKILL)
        os.waitpid(pid, 0)
    except (ProcessLookupError, ChildProcessError):
        pass  # done already (and reaped)


def _subprocess_env(**extra: str) -> dict:
    env = {k: v for k, v in os.environ.items() if k != "LDPUB_QUERY_STORE"}
    return {**env, "PYTHONPATH": str(ROOT / "src"), **extra}


# ------------------------------------------------------------------------------ the foreground switch
@pytest.mark.parametrize("how", ["environment", "option"])
def test_the_foreground_switch_makes_the_store_before_build_returns(project_copy, cache, run_cli, tmp_path,
                                                                     monkeypatch, how):
    if how == "environment":
        monkeypatch.setenv("LDPUB_QUERY_STORE", "foreground")
        _build(run_cli, project_copy, tmp_path / "out")
    else:
        _build(run_cli, project_copy, tmp_path / "out", "--query-store", "foreground")
    meta = _current_meta(project_copy)
    assert meta is not None and meta["key"] == _inputs_key(project_copy)
    assert not [p for p in _root(project_copy).iterdir() if p.name.startswith("job-")]
    assert makers(tmp_path) == []
    assert "making it" not in _query(run_cli, project_copy, "leaders")[1]


def test_query_store_off_leaves_none(project_copy, cache, run_cli, tmp_path):
    _build(run_cli, project_copy, tmp_path / "out", "--query-store", "off")
    assert not _root(project_copy).exists() and makers(tmp_path) == []
    out, err = _query(run_cli, project_copy, "leaders")
    assert "no query store" in err and "Mullah Omar" in out


# ------------------------------------------------------------------------------ readers wait
def test_a_reader_started_while_the_maker_works_waits_then_opens_the_store(project_copy, cache, run_cli, tmp_path,
                                                                            monkeypatch):
    expected = _reference_answer(run_cli, project_copy, tmp_path, monkeypatch, "leaders")
    with _makers_wait_their_turn(project_copy) as root:
        _build(run_cli, project_copy, tmp_path / "out")
        assert _current_meta(project_copy) is None  # the build returned; its maker waits for its turn
        assert len(_makers_now(tmp_path, 1)) == 1
        reader = subprocess.Popen([sys.executable, "-m", "ldpub", "--project", str(project_copy), "query", "leaders",
                                   "--format", "csv"], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                  env=_subprocess_env())
        heard = b""
        deadline = time.monotonic() + 60
        while b"waiting for the query store" not in heard:
            assert time.monotonic() < deadline and reader.poll() is None, heard
            if select.select([reader.stderr], [], [], 0.1)[0]:
                heard += os.read(reader.stderr.fileno(), 4096)
        time.sleep(0.3)
        assert reader.poll() is None, "the reader waits while the maker works"
    out, err = reader.communicate(timeout=120)
    err = heard.decode() + err.decode()
    assert reader.returncode == 0, err
    assert out.decode().splitlines() == expected.splitlines()  # (the CSV writer ends lines with CRLF on a pipe)
    assert err.count("waiting for the query store the last build is making") == 1
    assert "making it" not in err  # it opened the maker's store
    assert _current_meta(project_copy)["key"] == _inputs_key(project_copy)
    _eventually(lambda: not makers(tmp_path))  # then it keeps the named queries' answers, and is done
    assert not [p for p in root.iterdir() if p.name.startswith("job-")]  # the maker cleaned up after itself


# ------------------------------------------------------------------------------ a maker that dies
def test_a_maker_killed_before_it_loads_leaves_the_store_to_the_next_query(project_copy, cache, run_cli, tmp_path,
                                                                            monkeypatch):
    expected = _reference_answer(run_cli, project_copy, tmp_path, monkeypatch, "leaders")
    with _makers_wait_their_turn(project_copy) as root:
        _build(run_cli, project_copy, tmp_path / "out")
        [pid] = _makers_now(tmp_path, 1)
        _kill(pid)
        _eventually(lambda: makers(tmp_path) == [])
    out, err = _query(run_cli, project_copy, "leaders")
    assert "no query store" in err and "making it from the records" in err  # made it itself, saying so
    assert out == expected
    assert _current_meta(project_copy)["key"] == _inputs_key(project_copy)
    assert not [p for p in root.iterdir() if p.name.startswith(("job-", ".tmp-"))]  # the dead maker's job removed
    assert _query(run_cli, project_copy, "leaders") == (expected, "")


def test_a_maker_killed_while_it_loads_leaves_nothing_half_made(project_copy, cache, run_cli, tmp_path, monkeypatch):
    """Killed as soon as its store folder appears: whether it had committed by then or not (the
    data is small), the next query answers right, and the killed maker's folder is removed."""
    expected = _reference_answer(run_cli, project_copy, tmp_path, monkeypatch, "leaders")
    with _makers_wait_their_turn(project_copy) as root:
        _build(run_cli, project_copy, tmp_path / "out")
        [pid] = _makers_now(tmp_path, 1)
    _eventually(lambda: any(p.name.startswith(f".tmp-{pid}-") for p in root.iterdir()) or not makers(tmp_path),
                timeout=60)
    _kill(pid)
    _eventually(lambda: makers(tmp_path) == [])
    committed = _current_meta(project_copy) is not None
    out, err = _query(run_cli, project_copy, "leaders")
    assert out == expected
    assert ("making it" in err) == (not committed)
    if not committed:  # the query made the store, and removed what the killed maker left
        assert not [p for p in root.iterdir() if p.name.startswith((f".tmp-{pid}-", "job-"))]


@pytest.mark.parametrize("damage", ["ontology", "dataset written in place"])
def test_a_maker_given_damaged_inputs_makes_no_store_says_why_in_its_log_and_the_query_makes_it(
        project_copy, cache, run_cli, tmp_path, monkeypatch, damage):
    expected = _reference_answer(run_cli, project_copy, tmp_path, monkeypatch, "leaders")
    with _makers_wait_their_turn(project_copy) as root:
        _build(run_cli, project_copy, tmp_path / "out")
        [job] = [p for p in root.iterdir() if p.name.startswith("job-")]
        if damage == "ontology":
            (job / "ontology.nt").write_text("<not> <an> N-Triples line\n")
        else:  # through dist/dataset.nt, which the job's copy is a hard link of
            with open(tmp_path / "out" / "dataset.nt", "ab") as handle:
                handle.write(b"<https://example.org/s> <https://example.org/p> <https://example.org/o> .\n")
    _eventually(lambda: makers(tmp_path) == [] and (root / "maker.log").exists())  # the maker done, its log kept
    assert _current_meta(project_copy) is None
    log = (root / "maker.log").read_text()
    assert ("SyntaxError" in log) if damage == "ontology" else ("written to in place" in log), log
    out, err = _query(run_cli, project_copy, "leaders")
    assert "making it from the records" in err and out == expected


# ------------------------------------------------------------------------------ builds in a row
@pytest.mark.parametrize("makers_held", [False, True], ids=["as they come", "both makers waiting"])
def test_two_builds_in_a_row_leave_the_newer_inputs_store(project_copy, cache, run_cli, tmp_path, monkeypatch,
                                                          makers_held):
    sparql = ("--sparql", 'SELECT ?label WHERE { ?s skos:prefLabel ?label FILTER (STRSTARTS(?label, "Mullah Omar")) }')
    if makers_held:
        with _makers_wait_their_turn(project_copy):
            _build(run_cli, project_copy, tmp_path / "out")
            _edit(project_copy)
            _build(run_cli, project_copy, tmp_path / "out")
            assert len(_makers_now(tmp_path, 2)) == 2
    else:
        _build(run_cli, project_copy, tmp_path / "out")
        _edit(project_copy)
        _build(run_cli, project_copy, tmp_path / "out")
    out, err = _query(run_cli, project_copy, *sparql)
    assert "making it" not in err
    assert out.splitlines()[1:] == [EDITED]
    _eventually(lambda: makers(tmp_path) == [])
    assert _current_meta(project_copy)["key"] == _inputs_key(project_copy)  # no older store came back
    assert _query(run_cli, project_copy, *sparql) == (out, "")


def test_a_build_that_changes_nothing_starts_no_maker(project_copy, cache, run_cli, tmp_path):
    _build(run_cli, project_copy, tmp_path / "out")
    _eventually(lambda: makers(tmp_path) == [])
    made = _current_meta(project_copy)
    _build(run_cli, project_copy, tmp_path / "out")  # incremental, nothing edited: the store is current already
    assert not [p for p in _root(project_copy).iterdir() if p.name.startswith("job-")]
    assert _current_meta(project_copy) == made


def test_an_older_store_never_replaces_a_newer_one(project_copy, cache):
    """The store a build of older inputs makes (a lower generation) is discarded at commit when
    a newer build's store is current; a newer one replaces it."""
    from ldpub.config import cache_dir, load_project
    from ldpub.pipeline import compile_project
    from ldpub.querystore import current_inputs, next_generation, save_build

    project = load_project(project_copy)
    folder = cache_dir(project)
    build = compile_project(project, validate=False)
    older, newer = next_generation(folder, project.data_path), next_generation(folder, project.data_path)
    assert newer > older
    inputs = current_inputs(project, project.data_path)
    inputs.generation = newer
    made = save_build(build, inputs, folder)
    assert made is not None and _current_meta(project_copy)["generation"] == newer
    inputs.generation = older
    assert save_build(build, inputs, folder) is None
    assert _current_meta(project_copy)["generation"] == newer
    assert not [p for p in made.parent.iterdir() if p.name.startswith(".tmp-")]
    inputs.generation = next_generation(folder, project.data_path)
    assert save_build(build, inputs, folder) is not None
    assert _current_meta(project_copy)["generation"] == inputs.generation


# ------------------------------------------------------------------------------ bounds
def test_the_maker_keeps_the_memory_limit_and_never_writes_to_the_terminal(project_copy, cache, tmp_path):
    import resource

    cap = 16 * 2**30
    with _makers_wait_their_turn(project_copy):
        built = subprocess.run([sys.executable, "-m", "ldpub", "--project", str(project_copy), "build", "--out",
                                str(tmp_path / "out"), "-q"], capture_output=True, text=True, timeout=300,
                               env=_subprocess_env(), start_new_session=False,
                               preexec_fn=lambda: resource.setrlimit(resource.RLIMIT_AS, (cap, cap)))
        assert built.returncode == 0 and built.stdout == "" and built.stderr == "", built.stderr
        [pid] = _makers_now(tmp_path, 1)
        limits = Path(f"/proc/{pid}/limits").read_text()
        line = next(row for row in limits.splitlines() if row.startswith("Max address space"))
        assert line.split()[3] == str(cap)
        assert os.getsid(pid) == pid  # a session of its own: no terminal signals reach it
        assert os.readlink(f"/proc/{pid}/fd/0") == os.readlink(f"/proc/{pid}/fd/1") == "/dev/null"
        assert os.readlink(f"/proc/{pid}/fd/2").endswith("/maker.log")
    _eventually(lambda: makers(tmp_path) == [])
    assert _current_meta(project_copy)["key"] == _inputs_key(project_copy)


def test_a_maker_whose_cache_folder_goes_away_exits_quietly(project_copy, cache, run_cli, tmp_path):
    import shutil

    with _makers_wait_their_turn(project_copy):
        _build(run_cli, project_copy, tmp_path / "out")
        assert len(_makers_now(tmp_path, 1)) == 1
        shutil.rmtree(cache)
    _eventually(lambda: makers(tmp_path) == [])
    assert not cache.exists()  # nothing made again in a folder that was deleted


def test_the_maker_keeps_the_named_queries_answers_once_readers_have_the_store(project_copy, cache, run_cli, tmp_path,
                                                                             monkeypatch):
    """The maker makes the store current and lets waiting readers go first; then it keeps the
    answers of the named queries that need no parameter value in the store's folder, where the
    next query reads the same rows from."""
    from ldpub.answercache import FOLDER

    expected = _reference_answer(run_cli, project_copy, tmp_path, monkeypatch, "pledges")
    _build(run_cli, project_copy, tmp_path / "out")
    out, _ = _query(run_cli, project_copy, "pledges")  # waits for the store if need be, never for the answers
    assert out == expected
    _eventually(lambda: not makers(tmp_path))
    from ldpub.querystore import _current

    kept = sorted((_current(_root(project_copy)) / FOLDER).iterdir())
    assert len(kept) >= 5  # the repository's parameter-free named queries
    again, err = _query(run_cli, project_copy, "pledges")
    assert (again, err) == (expected, "")
