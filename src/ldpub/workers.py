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

from .errors import LdpubError, RecordError
from .limits import (Limits, check_group_memory, check_headroom, check_record_count, hold_reserve, memory_guard,
                     out_of_memory, project_limits, release_reserve)
from .mapping import MappedGraph, map_records
from .ntriples import sort_unique
from .records import Record, all_files_read, data_files, duplicate_slugs, load_files, release, slug_entries

__all__ = ["Loaded", "load_and_map", "load_bounded", "default_jobs", "file_entries", "Helper", "PARALLEL_MIN_BYTES",
           "JSONLD_MAIN_SHARE"]

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
    #: what the next build needs to redo only what an edit changes (ldpub.snapshot): per records
    #: file, in order, its entry and the slugs its references named
    entries: dict | None = None
    hits: dict[str, frozenset[str]] | None = None


def file_entries(files: list, digests: dict[str, str], slugs: list, references: dict) -> tuple[dict, dict]:
    """(display -> :class:`ldpub.snapshot.FileEntry`, display -> slugs its references named) of
    files read and mapped without a problem; ``slugs``: :func:`ldpub.records.slug_entries`."""
    from .snapshot import FileEntry

    by_file: dict[str, list[str]] = {}
    for entry in slugs:
        by_file.setdefault(entry[1], []).append(entry[0])
    entries, hits = {}, {}
    for _, display in files:
        named, other = references.get(display, ((), ()))
        own = tuple(by_file.get(display, ()))
        entries[display] = FileEntry(digests[display], own, len(own), frozenset(other))
        hits[display] = frozenset(named)
    return entries, hits


def default_jobs(data_bytes: int) -> int:
    """Processes to use: ``LDPUB_JOBS`` if set, else 2 for large data on a multi-core machine."""
    if os.name != "posix":  # the helper gets its socket by file descriptor inheritance
        return 1
    wanted = os.environ.get("LDPUB_JOBS", "").strip()
    if wanted.isdigit() and int(wanted) > 0:
        return min(int(wanted), 2)
    return 2 if (os.cpu_count() or 1) > 1 and data_bytes >= PARALLEL_MIN_BYTES else 1


def load_and_map(project, vocab, data_path: Path, cache_dir: Path | None, jobs: int | None = None,
                 prewrite: tuple | None = None, progress=None) -> Loaded:
    """Load and map every record of ``data_path``; raise :class:`RecordError` with every problem.

    ``prewrite``: ``(folder, WriteContext)``: if a helper process maps half of the records, it
    goes on to write the Turtle and JSON-LD files of all the data into ``folder`` (collect
    them with ``Loaded.helper.receive("written")``). ``progress(phase, done, total)`` hears of
    the files read (by both processes) and of the mapping.
    """
    limits = project_limits(project)
    files = data_files(data_path, project.root)
    sizes = [_size(path) for path, _ in files]
    from .pipeline import _shown_data

    check_group_memory(_shown_data(project, data_path), sum(sizes), len(files))
    jobs = jobs or default_jobs(sum(sizes))
    counter = _FilesRead(progress, len(files))
    if jobs < 2 or len(files) < 2 or os.name != "posix":
        return _serial(project, vocab, files, cache_dir, limits, counter, keep=sum(sizes) < PARALLEL_MIN_BYTES)
    return _parallel(project, vocab, files, sizes, cache_dir, prewrite, limits, data_path, counter)


class _FilesRead:
    """Counts the records files read by both processes for ``progress`` (see :func:`load_and_map`)."""

    def __init__(self, progress, total: int) -> None:
        self.progress, self.total = progress, total
        self.mine = self.theirs = 0
        self.helper: "Helper | None" = None

    def __call__(self, done: int) -> None:  # this process has read ``done`` files
        self.mine = done
        if self.helper is not None:
            self.helper.poll()  # progress messages the helper sent meanwhile
        self.show()

    def helper_read(self, done: int) -> None:
        self.theirs = done
        self.show()

    def show(self) -> None:
        if self.progress is not None:
            self.progress("reading records", self.mine + self.theirs, self.total)

    def mapping(self, records: int) -> None:
        if self.progress is not None:
            self.progress("mapping records", None, records)


def load_bounded(files: list, cache_dir: Path | None, limits: Limits,
                 digests: dict | None = None, on_file=None) -> tuple[list[Record], list]:
    """The records of ``files`` and their problems, read file by file within ``limits``.

    A file over ``limits.max_file_bytes`` is a problem (rule ``file-too-large``) like any
    unreadable file. Raises :class:`ldpub.errors.LimitError` naming the file with which the
    records exceed ``limits.max_records``, the file from which the records left would not fit
    under the process's memory limit, or the file being read when memory ran out. ``digests``
    (optional) receives ``display -> content digest`` of each file read; ``on_file(n)`` hears
    that ``n`` files have been read.
    """
    records: list[Record] = []
    problems: list = []
    sizes = [_size(path) for path, _ in files]
    for i, (path, display) in enumerate(files):
        check_headroom(display, sum(sizes[i:]), len(files) - i)
        with memory_guard("reading this records file", display):
            got, found = load_files([(path, display)], cache_dir, limits.max_file_bytes, digests)
        records.extend(got)
        problems.extend(found)
        check_record_count(len(records), display, limits)
        if on_file is not None:
            on_file(i + 1)
    return records, problems


def _size(path: Path) -> int:
    try:
        return path.stat().st_size
    except OSError:
        return 0


def _serial(project, vocab, files, cache_dir, limits: Limits, counter: _FilesRead, keep: bool = True) -> Loaded:
    """Load and map in this process; ``keep``: keep the records and the source map (small data),
    else each record is dropped once mapped (made again only if a finding needs a file and line)."""
    digests: dict[str, str] = {}
    records, problems = load_bounded(files, cache_dir, limits, digests, counter)
    count = len(records)
    counter.mapping(count)
    entries = slug_entries(records)
    problems.extend(duplicate_slugs(entries))
    try:
        mapped = map_records(records, vocab, project.base_iri, project.language, complete=all_files_read(problems),
                             track_sources=keep, track_references=True, consume=not keep)
    except RecordError as exc:
        raise RecordError(problems + exc.problems) from None
    if problems:
        raise RecordError(problems)
    kept, hits = file_entries(files, digests, entries, mapped.references)
    lines = sort_unique(mapped.lines)
    if not keep:
        return Loaded(lines, mapped.slugs, count, entries=kept, hits=hits)
    return Loaded(lines, mapped.slugs, count, records, mapped, entries=kept, hits=hits)


def _split(sizes: list[int], share: float) -> int:
    """Where to cut the files so the first part holds about ``share`` of the bytes (both non-empty)."""
    wanted, running = sum(sizes) * share, 0
    for i, size in enumerate(sizes):
        if running + size / 2 >= wanted:
            return min(max(i, 1), len(sizes) - 1)
        running += size
    return len(sizes) - 1


def _parallel(project, vocab, files, sizes, cache_dir, prewrite, limits: Limits, data_path: Path,
              counter: _FilesRead) -> Loaded:
    split = _split(sizes, MAIN_SHARE)
    mine, theirs = files[:split], files[split:]
    helper = Helper(project, theirs, cache_dir, counter.helper_read if counter.progress else None)
    counter.helper = helper
    try:
        digests: dict[str, str] = {}
        records, problems = load_bounded(mine, cache_dir, limits, digests, counter)
        entries, my_count = slug_entries(records), len(records)
        their_problems, their_entries, their_count, their_digests = helper.receive("loaded")
        counter.mapping(my_count + their_count)
        digests.update(their_digests)
        check_record_count(my_count + their_count, data_path, limits, so_far=False)
        problems.extend(their_problems)
        problems.extend(duplicate_slugs(entries + their_entries))
        loading, complete = problems, all_files_read(problems)
        helper.send("map", [(e[0], e[4]) for e in entries], complete)
        try:
            mapped = map_records(records, vocab, project.base_iri, project.language,
                                 [(e[0], e[4]) for e in their_entries], track_sources=False, complete=complete,
                                 track_references=True)  # consume=True: 60 MB more at this process's peak (measured)
            problems, own, references = [], sort_unique(mapped.lines), mapped.references
            del mapped  # its source map is made again only if a finding needs it
        except RecordError as exc:
            problems, own = list(exc.problems), []
        release(records)  # all at once: fewer half-used memory pools for the validation that follows
        del records
        # ours first, then theirs: one message at a time, so neither side blocks sending
        # while the other is sending too
        ok = not problems and not loading
        helper.send("lines", ok, "\n".join(own) if ok and prewrite else "", prewrite if ok else None)
        their_problems, text, their_references = helper.receive("mapped")
        if loading or problems or their_problems:
            raise RecordError(loading + problems + their_problems)
        references.update(their_references)
        lines = own + (text.split("\n") if text else [])
        del text, own
        lines.sort()  # two sorted runs: a linear merge
    except BaseException as exc:
        if isinstance(exc, MemoryError):
            release_reserve()  # room to stop the helper (the pipeline reports the error)
        helper.close(wait=not isinstance(exc, MemoryError))
        raise
    base = project.base_iri
    slugs = {e[0]: base + e[0] for e in entries + their_entries}
    kept, hits = file_entries(files, digests, entries + their_entries, references)
    return Loaded(lines, slugs, my_count + their_count, helper=helper, entries=kept, hits=hits)


class Helper:
    """The helper process and its end of the connection (see the module docstring for the protocol).

    The helper is a fresh ``python -c`` running :func:`helper_entry` with one end of a socket
    pair: unlike ``multiprocessing``, it never re-imports the caller's main script (a script
    calling :func:`ldpub.compile_project` without an ``if __name__ == "__main__"`` guard
    works) and never forks a process that may hold threads.
    """

    def __init__(self, project, files: list, cache_dir: Path | None, on_progress=None) -> None:
        import socket
        import subprocess
        import sys
        from multiprocessing.connection import Connection

        self.handles = files[0][1] + (f" to {files[-1][1]}" if len(files) > 1 else "") if files else "no files"
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
        self.on_progress = on_progress  # hears how many files the helper has read
        self.pending: list = []  # messages read while looking for progress messages
        try:
            self.send("start", project, files, cache_dir, on_progress is not None)
        except RuntimeError:
            self.conn.close()
            raise

    def send(self, kind: str, *payload) -> None:
        try:
            self.conn.send((kind, *payload))
        except OSError as exc:  # the helper is gone (broken pipe)
            raise self._gone() from exc

    def poll(self) -> None:
        """Take the progress messages the helper has sent so far (without waiting)."""
        try:
            while not self.pending and self.conn.poll():
                message = self.conn.recv()
                if message[0] == "progress":
                    self._progress(message)
                else:
                    self.pending.append(message)
        except (EOFError, OSError):
            pass  # reported by the next receive

    def _progress(self, message: tuple) -> None:
        if self.on_progress is not None:
            self.on_progress(message[1])

    def receive(self, kind: str):
        """The payload of the next message, which must be ``kind``."""
        while True:
            if self.pending:
                message = self.pending.pop(0)
            else:
                try:
                    message = self.conn.recv()
                except (EOFError, OSError) as exc:
                    raise self._gone() from exc
            if message[0] != "progress":
                break
            self._progress(message)
        if message[0] == "error":  # a user error found by the helper (e.g. a limit), as it raised it
            from . import errors

            kind = getattr(errors, message[1], None)
            raise (kind if isinstance(kind, type) and issubclass(kind, LdpubError) else LdpubError)(message[2])
        if message[0] == "memory":
            raise out_of_memory(f"{message[1]} in the helper process (it handles {self.handles})")
        if message[0] == "crash":
            raise RuntimeError(f"the ldpub helper process failed:\n{message[1]}")
        if message[0] != kind:
            raise RuntimeError(f"ldpub helper: expected '{kind}', got '{message[0]}'")
        payload = message[1:]
        return payload[0] if len(payload) == 1 else payload

    def _gone(self) -> Exception:
        import signal

        try:
            code = self.process.wait(5)
        except Exception:  # still running after all: report it as such
            code = None
        if code == -signal.SIGKILL:  # what the kernel's out-of-memory killer sends
            from .errors import LimitError

            return LimitError.at(f"the helper process of the build (it handles {self.handles}) was killed "
                                 "(SIGKILL), most likely by the system's out-of-memory killer",
                                 hint="free memory, build with one process (LDPUB_JOBS=1), or lower [limits] "
                                      "max_records / max_file_bytes in ldpub.toml", rule="limit")
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


def _helper_main(conn, project, files: list, cache_dir: Path | None, report: bool = False) -> None:
    """The helper process: load, map, then (if asked) write the dataset files.

    User errors (a limit) are sent as they are; running out of memory is sent as the step
    it happened in; anything else as a traceback (a bug).
    """
    import gc
    import traceback

    gc.disable()  # as the main process: millions of objects, none to free
    step, out_of_memory_in = "starting", None
    hold_reserve()
    try:
        from .ontology import load_vocabulary

        step = "reading the ontology"
        vocab = load_vocabulary(project.ontology_path)
        step = "reading records"
        digests: dict[str, str] = {}
        records, problems = load_bounded(files, cache_dir, project_limits(project), digests,
                                         (lambda done: conn.send(("progress", done))) if report else None)
        conn.send(("loaded", problems, slug_entries(records), len(records), digests))
        message = conn.recv()
        if message[0] != "map":
            return
        step = "mapping records"
        try:
            mapped = map_records(records, vocab, project.base_iri, project.language, message[1], track_sources=False,
                                 complete=message[2], track_references=True, consume=True)
        except RecordError as exc:
            conn.recv()  # "lines"
            conn.send(("mapped", list(exc.problems), "", {}))
            return
        del records
        step = "sorting the mapped data"
        lines = sort_unique(mapped.lines)
        references = mapped.references
        del mapped
        _, ok, other, prewrite = conn.recv()  # "lines": the main process's, when it wants files written
        if not ok:
            conn.send(("mapped", [], "", {}))
            return
        conn.send(("mapped", [], "\n".join(lines), references))
        if prewrite is None:
            conn.recv()  # "stop"
            return
        step = "merging the mapped data"
        lines.extend(other.split("\n") if other else [])
        del other
        lines.sort()
        from .datafiles import jsonld_cut, jsonld_part, write_turtle

        folder, ctx = prewrite
        step = "writing dataset.ttl"
        try:
            write_turtle(Path(folder) / "dataset.ttl", lines, ctx)
        except OSError as exc:
            from .output import write_error

            conn.send(("error", "OutputError", write_error(exc, folder).problems))
            return
        step = "writing dataset.jsonld"
        cut = jsonld_cut(lines, JSONLD_MAIN_SHARE)
        conn.send(("written", cut, jsonld_part(lines[cut:], ctx, continuation=cut > 0)))
        conn.recv()  # "stop"
    except (EOFError, KeyboardInterrupt):
        pass
    except LdpubError as exc:
        _send(conn, ("error", type(exc).__name__, exc.problems))
    except MemoryError:
        release_reserve()
        out_of_memory_in = step  # sent below, once the traceback (and what its frames hold) is gone
    except BaseException:
        _send(conn, ("crash", traceback.format_exc()))
    finally:
        if out_of_memory_in is not None:
            _send(conn, ("memory", out_of_memory_in))
        conn.close()


def _send(conn, message: tuple) -> None:
    try:
        conn.send(message)
    except (OSError, MemoryError):
        pass  # the main process reports the helper as gone
