"""The query store made after ``ldpub build`` returns, by a detached process (as ``git gc --auto`` detaches).

Making the query store (:mod:`ldpub.querystore`) costs about a third of a clean build's CPU
(the bulk load and one compaction). ``ldpub build`` commits its files, then :func:`detach`
leaves in a job folder beside the stores everything the store is made from and starts
``python -m ldpub.storemaker`` in a session of its own (standard input and output closed, its
standard error to ``maker.log`` in the job folder: it never prints to the user's terminal),
and returns. The maker calls :func:`ldpub.querystore.save_build`, exactly as a build in the
foreground does, on a build read back from the job folder::

    query-store/
        job-GENERATION-KEY-HEX/   a store being made from the inputs KEY
            making          the maker holds an exclusive flock on it until its store is current
                            (or it gives up, or dies); then it keeps the named queries' answers
                            in the store, holding a shared flock on ``answers.lock``
            job.pickle      the build's inputs (key, stamps, generation), project, prefixes,
                            context, slugs, triple count; an incremental build's starting digests
            dataset.nt      a hard link to the build's dataset.nt (a copy across file systems):
                            the next build replaces dist/ by renames, so this keeps this build's;
                            written to in place since (its stamp differs), it is not loaded
            ontology.nt     the ontology's triples
            removed.nt, added.nt   an incremental build's changed lines
            maker.log       the maker's standard error
        maker.lock      makers take turns on it (one bulk load at a time per data folder)
        answers.lock    makers keeping answers hold a shared flock on it (``wait_for_makers`` waits)
        maker.log       what the last maker that had something to say said (kept when it is done)

Readers whose inputs have the key of a job wait for its lock (:func:`ldpub.querystore.open_store`),
then open the store; if the maker died there is none, and they make it as when no build left one.
A maker whose job a newer build has superseded (a later generation is current, or being made)
makes nothing. The job folder is removed by its maker when done, and by the next writer of a
store if its maker died. The maker inherits the build's memory limit (``ulimit -v``) and checks
it as the build would (:func:`ldpub.querystore.room_for`); a vanished cache folder (a deleted
temporary folder) makes it exit quietly.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

__all__ = ["detach", "main"]

_JOB = "job.pickle"
_LOG = "maker.log"
_MAKER_LOCK = "maker.lock"


def detach(build, inputs, cache_dir: Path, nt_path: Path) -> Path | None:
    """Leave what the query store of ``build`` (whose files are written: ``nt_path`` is its
    dataset.nt) is made from in a job folder and start a detached maker on it; the job folder,
    or None if no store will be made (no room under the memory limit, or the cache cannot be written)."""
    import fcntl
    import pickle
    import subprocess

    from .ntriples import lines_bytes
    from .querystore import MAKE_BYTES, MAKING, room_for, store_folder
    from .snapshot import _link_or_copy

    if not room_for(MAKE_BYTES):
        return None
    root = store_folder(cache_dir, build.data_path)
    if _made_already(root, inputs.key):
        return None  # an edit undone, or a build that changed nothing: its store is current, and no maker is at work
    suffix = os.urandom(4).hex()
    tmp = root / f".tmp-{os.getpid()}-{suffix}"  # a writer alive: the next writer leaves it alone
    job = root / f"job-{inputs.generation}-{inputs.key}-{suffix}"
    lock = log = None
    try:
        root.mkdir(parents=True, exist_ok=True)
        tmp.mkdir()
        _link_or_copy(nt_path, tmp / "dataset.nt")
        linked = os.stat(tmp / "dataset.nt")
        (tmp / "ontology.nt").write_bytes(lines_bytes([str(t) for t in build.ontology_triples]))
        changes = getattr(build, "data_changes", None)
        if changes:
            (tmp / "removed.nt").write_bytes(lines_bytes(changes[0]))
            (tmp / "added.nt").write_bytes(lines_bytes(changes[1]))
        description = {"inputs": inputs, "project": build.project, "data_path": Path(build.data_path),
                       "cache_dir": Path(cache_dir), "prefixes": dict(build.prefixes), "context": build.context,
                       "slugs": dict(build.slugs), "record_count": build.record_count,
                       "triples": build.triple_count, "made_from": dict(changes[2]) if changes else None,
                       "dataset_stamp": _stamp(linked)}
        with open(tmp / _JOB, "wb") as handle:
            pickle.dump(description, handle, protocol=pickle.HIGHEST_PROTOCOL)
        lock = os.open(tmp / MAKING, os.O_RDWR | os.O_CREAT, 0o600)
        fcntl.flock(lock, fcntl.LOCK_EX)  # held from here until the maker is done: the job is never orphaned unseen
        os.rename(tmp, job)
        tmp = None
        log = open(job / _LOG, "ab")
        subprocess.Popen([sys.executable, "-m", "ldpub.storemaker", str(lock), str(job)],
                         stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=log, cwd="/",
                         env=_maker_env(), start_new_session=True, close_fds=True, pass_fds=(lock,))
        return job
    except (OSError, ValueError, TypeError, pickle.PicklingError, subprocess.SubprocessError):
        import shutil

        for folder in (tmp, job):
            if folder is not None:
                shutil.rmtree(folder, ignore_errors=True)
        return None
    finally:
        if log is not None:
            log.close()
        if lock is not None:
            os.close(lock)  # the maker's copy of it keeps the lock


def _maker_env() -> dict[str, str]:
    """This environment, with the folder ldpub was imported from first on ``PYTHONPATH`` (the maker
    runs the same ldpub as the build, however the build found it)."""
    here = str(Path(__file__).resolve().parent.parent)
    env = dict(os.environ)
    env["PYTHONPATH"] = here + (os.pathsep + env["PYTHONPATH"] if env.get("PYTHONPATH") else "")
    return env


def _stamp(stat: os.stat_result) -> list[int]:
    """Size and modification time: a write into the file (through any of its links) changes them
    (not the change time, which the next build's replacing dist/dataset.nt changes too)."""
    return [stat.st_size, stat.st_mtime_ns]


def _made_already(root: Path, key: str) -> bool:
    """Whether the current store is of the inputs ``key`` and no maker is at work (one that is
    might make the store of other inputs current after it)."""
    from .querystore import _current, _read_meta, jobs

    folder = _current(root)
    meta = _read_meta(folder) if folder is not None else None
    return meta is not None and meta.get("key") == key and not jobs(root)


# ---------------------------------------------------------------------------------- the maker
def main(argv: list[str]) -> int:
    """``python -m ldpub.storemaker LOCK_FD JOB``: make the store of the job folder ``JOB``
    (whose ``making`` lock is held on ``LOCK_FD``), then remove the job folder."""
    import shutil

    lock, job = int(argv[0]), Path(argv[1])
    held = [lock]

    def let_readers_go() -> None:
        """The store is current (or will not be made): readers waiting for it may open it now."""
        if held:
            os.close(held.pop())

    try:
        _make(job, let_readers_go)
        return 0
    except FileNotFoundError:
        return 0  # the cache folder went away (a temporary one, deleted): nothing to make
    except Exception:
        import traceback

        traceback.print_exc()  # into maker.log, kept below
        return 1
    finally:
        sys.stderr.flush()
        try:
            if (job / _LOG).stat().st_size:
                os.replace(job / _LOG, job.parent / _LOG)  # the last maker's complaint, for whoever looks
        except OSError:
            pass
        shutil.rmtree(job, ignore_errors=True)
        let_readers_go()


def _make(job: Path, let_readers_go) -> None:
    """Make the job's store and make it current; then, with readers let go and the next maker's
    turn given, keep the named queries' answers in it (:func:`ldpub.querystore.keep_named_answers`)."""
    import fcntl
    import pickle

    from .querystore import WAIT_S, keep_named_answers, keeping_answers, lock_within, save_build

    with open(job / _JOB, "rb") as handle:
        description = pickle.load(handle)
    inputs = description["inputs"]
    root = job.parent
    turn = os.open(root / _MAKER_LOCK, os.O_RDWR | os.O_CREAT, 0o600)
    try:
        if not lock_within(turn, fcntl.LOCK_EX, WAIT_S):  # one maker at a time: an incremental one then finds its base
            print(f"waited {WAIT_S:.0f} s for the maker before this one: gave up", file=sys.stderr)
            return
        if _superseded(root, job, inputs) or not (job / "dataset.nt").exists():
            return  # not needed any more, or the cache folder went away meanwhile: never make it again
        if _stamp(os.stat(job / "dataset.nt")) != description["dataset_stamp"]:
            print("dataset.nt was written to in place since the build: no store made (a query makes it "
                  "from the records)", file=sys.stderr)
            return
        build = _read_build(job, description)
        folder = save_build(build, inputs, description["cache_dir"], nt_path=job / "dataset.nt")
        if folder is None:
            print("no store made: no room under the memory limit, the cache cannot be written, "
                  "or a newer store is current", file=sys.stderr)
    finally:
        os.close(turn)
    if folder is None:
        return
    answers = keeping_answers(root)  # taken before readers go: wait_for_makers never sees a gap
    let_readers_go()
    try:
        keep_named_answers(folder, build)
    finally:
        if answers is not None:
            os.close(answers)


def _superseded(root: Path, job: Path, inputs) -> bool:
    """Whether the store of ``inputs`` need not be made: it is current already, a store of a
    later generation is, or a later build's maker is at work."""
    from .querystore import _current, _generation, _read_meta, jobs, maker_running

    folder = _current(root)
    meta = _read_meta(folder) if folder is not None else None
    if meta is not None and (meta.get("key") == inputs.key or _generation(meta) > inputs.generation):
        return True
    return any(generation > inputs.generation and other != job and maker_running(other)
               for generation, other in jobs(root))


def _read_build(job: Path, description: dict):
    """The build the job folder describes, as :func:`ldpub.querystore.save_build` (and what it
    calls) uses it: its data in ``dataset.nt`` (read on first use), its ontology, its terms."""
    import pyoxigraph as ox

    from .pipeline import Build

    ontology = [quad.triple for quad in ox.parse(path=str(job / "ontology.nt"), format=ox.RdfFormat.N_TRIPLES)]
    changes = None
    if description["made_from"] is not None:
        changes = (_lines(job / "removed.nt"), _lines(job / "added.nt"), description["made_from"])
    return Build(project=description["project"], vocab=None, _lines=None, slugs=description["slugs"],
                 record_count=description["record_count"], data_path=description["data_path"],
                 ontology_triples=ontology, shape_triples=[], prefixes=description["prefixes"],
                 context=description["context"], _lines_file=job / "dataset.nt",
                 _triple_count=description["triples"], data_changes=changes)


def _lines(path: Path) -> list[str]:
    return path.read_text(encoding="utf-8").split(" .\n")[:-1]


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
