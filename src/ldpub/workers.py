"""Large builds on two cores: a helper process loads and maps half the records, then writes files.

CPython runs Python code on one core at a time, so a large data folder is split in two by
size. This process loads and maps the first half of the files while a helper process
(a fresh interpreter, see :class:`Helper`) loads and maps the
second half. They exchange only small things (slugs, problems) and, at the end, the mapped
triples as one N-Triples text (cheap to send, unlike millions of objects):

1. both load their files; the helper sends its problems and slugs (with where they are
   defined and their types), so duplicate slugs across the halves are found here;
2. both map their records (references may name slugs of the other half), even when loading
   found problems, so that one run reports every problem; then they sort their lines;
   the helper sends its lines; this process merges them (the halves never share a subject,
   so the merge needs no deduplication);
3. optionally (``ldpub build``), this process sends its lines first, and the helper goes on to
   write the Turtle file into a staging folder and the JSON-LD of the second part of the
   lines while this process validates, then writes N-Triples and the first part of the
   JSON-LD (:func:`ldpub.pipeline.build_project`).

Problems are reported in the same order, and the output is byte for byte the same, as with
one process (``tests/test_parallel_build.py``). Small folders are mapped in one process: a
second one costs ~0.3 s to start.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from .errors import RecordError
from .mapping import MappedGraph, map_records
from .records import Record, all_files_read, data_files, duplicate_slugs, load_files, release, slug_entries

__all__ = ["Loaded", "load_and_map", "default_jobs", "Helper", "PARALLEL_MIN_BYTES", "JSONLD_MAIN_SHARE"]

# while the main process validates, the helper writes dataset.ttl and the JSON-LD of the last
# (1 - share) of the lines; the main process then writes dataset.nt and the first part
JSONLD_MAIN_SHARE = 0.45
PARALLEL_MIN_BYTES = 2**20  # about 3k records: below this a second process does not pay for its start
MAIN_SHARE = 0.5  # of the record bytes, loaded and mapped by this process (the helper starts later)


@dataclass
class Loaded:
    """The mapped data of a project: sorted unique N-Triples lines, and what made them."""

    lines: list[str]
    slugs: dict[str, str]
    record_count: int
    records: list[Record] | None = None  # kept only when mapped in this process
    mapped: MappedGraph | None = None
    helper: "Helper | None" = None  # the helper process (close it when done)


def default_jobs(data_bytes: int) -> int:
    """Processes to use: ``LDPUB_JOBS`` if set, else 2 for large data on a multi-core machine."""
    if os.name != "posix":  # the helper gets its socket by file descriptor inheritance
        return 1
    wanted = os.environ.get("LDPUB_JOBS", "").strip()
    if wanted.isdigit() and int(wanted) > 0:
        return min(int(wanted), 2)
    return 2 if (os.cpu_count() or 1) > 1 and data_bytes >= PARALLEL_MIN_BYTES else 1


def load_and_map(project, vocab, data_path: Path, cache_dir: Path | None, jobs: int | None = None,
                 prewrite: tuple | None = None) -> Loaded:
    """Load and map every record of ``data_path``; raise :class:`RecordError` with every problem.

    ``prewrite``: ``(folder, WriteContext)``: if a helper process maps half of the records, it
    goes on to write the Turtle and JSON-LD files of all the data into ``folder`` (collect
    them with ``Loaded.helper.receive("written")``).
    """
    files = data_files(data_path, project.root)
    sizes = [_size(path) for path, _ in files]
    jobs = jobs or default_jobs(sum(sizes))
    if jobs < 2 or len(files) < 2 or os.name != "posix":
        return _serial(project, vocab, files, cache_dir)
    return _parallel(project, vocab, files, sizes, cache_dir, prewrite)


def _size(path: Path) -> int:
    try:
        return path.stat().st_size
    except OSError:
        return 0


def _serial(project, vocab, files, cache_dir) -> Loaded:
    records, problems = load_files(files, cache_dir)
    problems.extend(duplicate_slugs(slug_entries(records)))
    try:
        mapped = map_records(records, vocab, project.base_iri, project.language, complete=all_files_read(problems))
    except RecordError as exc:
        raise RecordError(problems + exc.problems) from None
    if problems:
        raise RecordError(problems)
    return Loaded(sorted(set(mapped.lines)), mapped.slugs, len(records), records, mapped)


def _split(sizes: list[int], share: float) -> int:
    """Where to cut the files so the first part holds about ``share`` of the bytes (both non-empty)."""
    wanted, running = sum(sizes) * share, 0
    for i, size in enumerate(sizes):
        if running + size / 2 >= wanted:
            return min(max(i, 1), len(sizes) - 1)
        running += size
    return len(sizes) - 1


def _parallel(project, vocab, files, sizes, cache_dir, prewrite) -> Loaded:
    split = _split(sizes, MAIN_SHARE)
    mine, theirs = files[:split], files[split:]
    helper = Helper(project, theirs, cache_dir)
    try:
        records, problems = load_files(mine, cache_dir)
        entries, my_count = slug_entries(records), len(records)
        their_problems, their_entries, their_count = helper.receive("loaded")
        problems.extend(their_problems)
        problems.extend(duplicate_slugs(entries + their_entries))
        loading, complete = problems, all_files_read(problems)
        helper.send("map", [(e[0], e[4]) for e in entries], complete)
        try:
            mapped = map_records(records, vocab, project.base_iri, project.language,
                                 [(e[0], e[4]) for e in their_entries], track_sources=False, complete=complete)
            problems, own = [], sorted(set(mapped.lines))
            del mapped  # its source map is made again only if a finding needs it
        except RecordError as exc:
            problems, own = list(exc.problems), []
        release(records)
        del records
        # ours first, then theirs: one message at a time, so neither side blocks sending
        # while the other is sending too
        ok = not problems and not loading
        helper.send("lines", ok, "\n".join(own) if ok and prewrite else "", prewrite if ok else None)
        their_problems, text = helper.receive("mapped")
        if loading or problems or their_problems:
            raise RecordError(loading + problems + their_problems)
        lines = own + (text.split("\n") if text else [])
        del text, own
        lines.sort()  # two sorted runs: a linear merge
    except BaseException:
        helper.close()
        raise
    base = project.base_iri
    slugs = {e[0]: base + e[0] for e in entries + their_entries}
    return Loaded(lines, slugs, my_count + their_count, helper=helper)


class Helper:
    """The helper process and its end of the connection (see the module docstring for the protocol).

    The helper is a fresh ``python -c`` running :func:`helper_entry` with one end of a socket
    pair: unlike ``multiprocessing``, it never re-imports the caller's main script (a script
    calling :func:`ldpub.compile_project` without an ``if __name__ == "__main__"`` guard
    works) and never forks a process that may hold threads.
    """

    def __init__(self, project, files: list, cache_dir: Path | None) -> None:
        import socket
        import subprocess
        import sys
        from multiprocessing.connection import Connection

        ours, theirs = socket.socketpair()
        package_root = str(Path(__file__).resolve().parent.parent)
        env = dict(os.environ)
        env["PYTHONPATH"] = package_root + (os.pathsep + env["PYTHONPATH"] if env.get("PYTHONPATH") else "")
        fd = theirs.fileno()
        self.process = subprocess.Popen(
            [sys.executable, "-c", f"from ldpub.workers import helper_entry; helper_entry({fd})"],
            pass_fds=(fd,), env=env, stdin=subprocess.DEVNULL)
        theirs.close()
        self.conn = Connection(ours.detach())
        try:
            self.send("start", project, files, cache_dir)
        except RuntimeError:
            self.conn.close()
            raise

    def send(self, kind: str, *payload) -> None:
        try:
            self.conn.send((kind, *payload))
        except OSError as exc:  # the helper is gone (broken pipe)
            raise self._gone() from exc

    def receive(self, kind: str):
        """The payload of the next message, which must be ``kind``."""
        try:
            message = self.conn.recv()
        except (EOFError, OSError) as exc:
            raise self._gone() from exc
        if message[0] == "failed":
            from .errors import OutputError

            raise OutputError.at(message[1], message[2])
        if message[0] == "crash":
            raise RuntimeError(f"the ldpub helper process failed:\n{message[1]}")
        if message[0] != kind:
            raise RuntimeError(f"ldpub helper: expected '{kind}', got '{message[0]}'")
        payload = message[1:]
        return payload[0] if len(payload) == 1 else payload

    def _gone(self) -> RuntimeError:
        try:
            code = self.process.wait(5)
        except Exception:  # still running after all: report it as such
            code = None
        return RuntimeError(f"the ldpub helper process stopped unexpectedly (exit code {code})")

    def close(self, wait: bool = True) -> None:
        """Stop the helper: ask it to end (``wait``), or end it at once (its work is not wanted)."""
        import subprocess

        if not wait and self.process.poll() is None:
            self.process.kill()
            self.process.wait()
        if self.process.poll() is None:
            try:
                self.send("stop")
            except RuntimeError:
                pass
            try:
                self.process.wait(5)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.conn.close()


def helper_entry(fd: int) -> None:
    """The helper process's main: read the start message from ``fd`` and serve the protocol."""
    from multiprocessing.connection import Connection

    conn = Connection(fd)
    try:
        message = conn.recv()
    except EOFError:
        return
    if message[0] == "start":
        _helper_main(conn, *message[1:])
    os._exit(0)  # nothing to tear down: skip freeing millions of objects


def _helper_main(conn, project, files: list, cache_dir: Path | None) -> None:
    """The helper process: load, map, then (if asked) write the dataset files."""
    import gc
    import traceback

    gc.disable()  # as the main process: millions of objects, none to free
    try:
        from .ontology import load_vocabulary

        vocab = load_vocabulary(project.ontology_path)
        records, problems = load_files(files, cache_dir)
        conn.send(("loaded", problems, slug_entries(records), len(records)))
        message = conn.recv()
        if message[0] != "map":
            return
        try:
            mapped = map_records(records, vocab, project.base_iri, project.language, message[1], track_sources=False,
                                 complete=message[2])
        except RecordError as exc:
            conn.recv()  # "lines"
            conn.send(("mapped", list(exc.problems), ""))
            return
        release(records)
        del records
        lines = sorted(set(mapped.lines))
        del mapped
        _, ok, other, prewrite = conn.recv()  # "lines": the main process's, when it wants files written
        if not ok:
            conn.send(("mapped", [], ""))
            return
        conn.send(("mapped", [], "\n".join(lines)))
        if prewrite is None:
            conn.recv()  # "stop"
            return
        lines.extend(other.split("\n") if other else [])
        del other
        lines.sort()
        from .datafiles import jsonld_cut, jsonld_part, write_dataset

        folder, ctx = prewrite
        try:
            write_dataset(Path(folder), lines, ctx, ("dataset.ttl",))
        except OSError as exc:
            conn.send(("failed", f"cannot write output: {exc.strerror}", exc.filename or folder))
            return
        cut = jsonld_cut(lines, JSONLD_MAIN_SHARE)
        conn.send(("written", cut, jsonld_part(lines[cut:], ctx, continuation=cut > 0)))
        conn.recv()  # "stop"
    except (EOFError, KeyboardInterrupt):
        pass
    except BaseException:
        try:
            conn.send(("crash", traceback.format_exc()))
        except OSError:
            pass
    finally:
        conn.close()
