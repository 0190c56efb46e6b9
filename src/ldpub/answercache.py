"""Answers kept beside the query store: a query's whole answer, evaluated once on a persistent
query store (:mod:`ldpub.querystore`), read back instead of evaluated again.

A kept answer is the answer the engine gave, never a different one: the same terms (IRIs, blank
nodes as the query returned them, literals with their datatype or language, unbound cells) in
the same order. It lives **inside the store's folder** (``answers/``), so it lives and dies with
the store, whose key already covers the records, the ontology, the settings and ldpub's code; an
answer is found by :func:`answer_key`: a digest of the exact query text evaluated (parameters
bound, prefixes declared), the evaluation's options (e.g. the default graph as the union of the
graphs) and the versions of this format and of pyoxigraph.

What is kept: SELECT and ASK answers, and CONSTRUCT/DESCRIBE answers without blank nodes (a
blank node of a CONSTRUCT template is minted afresh by every evaluation). Not kept: queries that
call ``NOW()``, ``RAND()``, ``UUID()``, ``STRUUID()`` or ``BNODE()`` (each evaluation answers
differently) or ``SERVICE`` (another server's data); answers larger than :data:`MAX_BYTES`; on
first use, answers evaluated in less than :data:`MIN_SECONDS` (reading them back would save
nothing). Once the store a build left is current (readers use it meanwhile), its maker keeps
(:func:`precompute`) the answer of each named query that needs no parameter value (parameters
with defaults take them), each within the project's query time limit (``[serve] query_timeout``);
a store changed by an incremental build keeps the last store's answers if no triple changed
(:func:`carry_over`), else gets them on first use (evaluating them all would cost more than the
rest of the edit's build). What it costs and saves is measured in ``docs/performance.md`` ("Kept answers").

One file per answer, ``answers/KEY``: a header line, then the answer as SPARQL TSV results (a
line of variables, one line per row, terms in N-Triples syntax, which pyoxigraph writes and
reads back in Rust), or N-Triples for CONSTRUCT/DESCRIBE::

    ldpub-answer 1 CRC32 {"key": ..., "kind": "solutions", "variables": [...], "rows": 56210,
                          "body": BYTES, "blocks": [[first row, start, end, crc32, rows], ...]}
    ?item\\t?label ...
    <https://...>\\t"..."@en ...

The header says how many rows there are in all and where each block of about
:data:`BLOCK_BYTES` starts, so a page reads only the blocks it needs (the first page of a long
answer reads one). Each block has its CRC-32, and the header its own: a damaged, truncated,
replaced or hostile file is not trusted (the query is evaluated again and the file written
anew), never an error and never a wrong answer. Files are written to a temporary name and
renamed, so concurrent writers are harmless; a folder that cannot be written to keeps nothing,
and every answer is still right.

The API for anything that queries an opened persistent store::

    answers = answercache.for_store(opened)     # None for an in-memory store: nothing to keep into
    result = answers.answer(opened.store, text, Page(100))   # a QueryResult: the page, with the total

:class:`ldpub.query.EmbeddedTarget` does this for every query when it has ``answers`` (set by
``EmbeddedTarget.from_project`` and :func:`attach`). ``LDPUB_ANSWER_CACHE=0`` turns it off.
"""

from __future__ import annotations

import json
import os
import time
import zlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Mapping

if TYPE_CHECKING:
    from .paging import Page
    from .query import QueryResult

__all__ = ["Answers", "answer_key", "keepable", "for_store", "attach", "carry_over", "wanted", "precompute", "enabled", "FOLDER",
           "MAX_BYTES", "MIN_SECONDS", "BLOCK_BYTES"]

FORMAT = 1  # bumped when the layout of an answer file changes
FOLDER = "answers"  # inside the store's folder
MAX_BYTES = 64 * 2**20  # larger answers are not kept
MIN_SECONDS = 0.01  # answers evaluated faster than this are not kept on first use
BLOCK_BYTES = 32 * 2**10  # a page reads the blocks it needs, each about this size
MAX_FILES = 4096  # answers kept in one store at most
_MAGIC = b"ldpub-answer"
_HEADER_BYTES = 2**20  # a longer header line is not one of ours
_VOLATILE = frozenset({"now", "rand", "uuid", "struuid", "bnode", "service"})


def enabled() -> bool:
    """Whether answers are kept (``LDPUB_ANSWER_CACHE=0`` turns it off, as ``LDPUB_QUERY_STORE=0`` does the store)."""
    return os.environ.get("LDPUB_ANSWER_CACHE", "1").lower() not in ("0", "no", "false", "off")


def answer_key(text: str, options: Mapping[str, Any] | None = None) -> str:
    """The name of the answer of ``text`` evaluated with ``options`` (keyword arguments of
    pyoxigraph's ``Store.query``): a digest of both, of this format's version and of
    pyoxigraph's (another engine may answer in another order)."""
    import hashlib

    import pyoxigraph as ox

    settings = ";".join(f"{name}={value!r}" for name, value in sorted((options or {}).items()))
    return hashlib.sha256(f"{FORMAT}\0{ox.__version__}\0{settings}\0{text}".encode()).hexdigest()


def keepable(text: str) -> bool:
    """Whether the answer of ``text`` may be kept: not when it calls a function that answers
    differently each time (``NOW``, ``RAND``, ``UUID``, ``STRUUID``, ``BNODE``) or another
    server (``SERVICE``), nor when the text does not read to its end."""
    from .sparqltext import tokens

    for token in tokens(text):
        if token.kind == "quote" or (token.kind == "word" and token.text.lower() in _VOLATILE):
            return False
    return True


class _TooLarge(Exception):
    """The answer grew past the bound while it was written."""


class _Bounded:
    """A byte sink for pyoxigraph's serializers that refuses to hold more than ``limit`` bytes."""

    def __init__(self, limit: int) -> None:
        self.parts: list[bytes] = []
        self.size = 0
        self.limit = limit

    def write(self, data: bytes) -> int:
        self.size += len(data)
        if self.size > self.limit:
            raise _TooLarge()
        self.parts.append(bytes(data))
        return len(data)

    def flush(self) -> None:
        pass

    def getvalue(self) -> bytes:
        return b"".join(self.parts)


@dataclass
class Answers:
    """The kept answers of one persistent store (its ``answers/`` folder), its queries evaluated
    with ``options`` (keyword arguments of pyoxigraph's ``Store.query``, e.g.
    ``{"use_default_graph_as_union": True}``; part of each answer's key)."""

    folder: Path
    options: dict = field(default_factory=dict)
    min_seconds: float = MIN_SECONDS  # 0: keep every answer (as the build does for named queries)
    max_bytes: int = MAX_BYTES

    # ------------------------------------------------------------------------ reading
    def read(self, text: str, page: "Page | None" = None) -> "QueryResult | None":
        """The kept answer of ``text`` (``page`` of it, with the total), or None when there is
        none or it cannot be trusted."""
        from .paging import Page

        try:
            return self._read(answer_key(text, self.options), text, page or Page())
        except (OSError, ValueError, SyntaxError, KeyError, TypeError, IndexError, AttributeError,
                OverflowError, MemoryError):
            return None

    def _read(self, key: str, text: str, page: "Page") -> "QueryResult | None":
        from .query import QueryResult

        path = self.folder / key
        with open(path, "rb") as handle:
            header = _parse_header(handle.readline(_HEADER_BYTES), key)
            if header is None:
                return None
            start = handle.tell()
            if os.fstat(handle.fileno()).st_size != start + header["body"]:
                return None  # truncated, or more than was written
            kind = header["kind"]
            if kind == "boolean":
                return QueryResult("boolean", boolean=header["boolean"], query=text)
            total, blocks = header["rows"], header["blocks"]
            head = _read_block(handle, start, blocks[0]) if kind == "solutions" else b""
            first = page.offset
            last = total if page.limit is None else min(total, page.offset + page.limit)
            lines = []
            for block in blocks[1:]:
                block_first, block_end_row = block[0], block[0] + block[4]
                if block_end_row <= first or block_first >= last:
                    continue
                rows = _read_block(handle, start, block).split(b"\n")[:-1]
                if len(rows) != block[4]:
                    return None
                lines.extend(rows[max(0, first - block_first):last - block_first])
        if len(lines) != max(0, last - first):
            return None
        body = b"".join(line + b"\n" for line in lines)
        if kind == "graph":
            import pyoxigraph as ox

            triples = [ox.Triple(q.subject, q.predicate, q.object)
                       for q in ox.parse(body, format=ox.RdfFormat.N_TRIPLES)]
            if len(triples) != len(lines):
                return None
            return QueryResult("graph", triples=triples, query=text, total=total, offset=page.offset)
        variables, rows = _parse_rows(head + body)
        if variables != header["variables"] or len(rows) != len(lines):
            return None
        return QueryResult("solutions", variables, rows, query=text, total=total, offset=page.offset)

    # ------------------------------------------------------------------------ evaluating
    def answer(self, store, text: str, page: "Page | None" = None) -> "QueryResult":
        """The answer of ``text`` on ``store`` (``page`` of it, with the total): the kept one if
        there is one to trust, else evaluated now (and kept if it may be). The errors are
        pyoxigraph's (a ``SyntaxError`` for a bad query, ...), as with ``store.query``."""
        from .paging import Page

        page = page or Page()
        if not enabled():
            return _evaluate_plain(store, text, page, self.options)
        kept = self.read(text, page)
        if kept is not None:
            return kept
        return self._evaluate(store, text, page, self.min_seconds)

    def _evaluate(self, store, text: str, page: "Page", min_seconds: float) -> "QueryResult":
        import pyoxigraph as ox

        from .query import QueryResult

        began = time.perf_counter()
        answer = store.query(text, **self.options)
        if isinstance(answer, ox.QueryBoolean):
            result = QueryResult("boolean", boolean=bool(answer), query=text)
            if time.perf_counter() - began >= min_seconds and keepable(text):
                self._write(text, "boolean", [], b"", 0, boolean=bool(answer))
            return result
        if not isinstance(answer, ox.QuerySolutions):
            return self._evaluate_graph(answer, text, page, began, min_seconds)
        sink = _Bounded(self.max_bytes)
        try:
            answer.serialize(sink, format=ox.QueryResultsFormat.TSV)
        except _TooLarge:  # too large to keep: evaluated again, paged as it streams
            sink = None
        finally:
            del answer  # pyoxigraph's answers must be dropped on the thread that made them
        if sink is None:
            return _evaluate_plain(store, text, page, self.options)
        body = sink.getvalue()
        lines = body.split(b"\n")[:-1]
        head, rows_lines = lines[0] + b"\n", lines[1:]
        total = len(rows_lines)
        first = min(page.offset, total)
        last = total if page.limit is None else min(total, first + page.limit)
        variables, rows = _parse_rows(head + b"".join(line + b"\n" for line in rows_lines[first:last]))
        result = QueryResult("solutions", variables, rows, query=text, total=total, offset=page.offset)
        if time.perf_counter() - began >= min_seconds and keepable(text):
            self._write(text, "solutions", rows_lines, head, total, variables=variables)
        return result

    def _evaluate_graph(self, answer, text: str, page: "Page", began: float, min_seconds: float) -> "QueryResult":
        import pyoxigraph as ox

        from .query import QueryResult

        triples = list(answer)
        shown = triples[page.offset:] if page.limit is None else triples[page.offset:page.offset + page.limit]
        result = QueryResult("graph", triples=shown, query=text, total=len(triples), offset=page.offset)
        if time.perf_counter() - began >= min_seconds and keepable(text):
            if not any(isinstance(term, ox.BlankNode) for t in triples for term in (t.subject, t.object)):
                body = ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES) or b""
                if len(body) <= self.max_bytes:
                    self._write(text, "graph", body.split(b"\n")[:-1], b"", len(triples))
        return result

    # ------------------------------------------------------------------------ writing
    def _write(self, text: str, kind: str, lines: list[bytes], head: bytes, total: int, *,
               variables: list[str] | None = None, boolean: bool | None = None) -> bool:
        """Write an answer file (a temporary one, renamed); False if it cannot be."""
        from itertools import accumulate

        key = answer_key(text, self.options)
        blocks = []
        if kind == "solutions":
            blocks.append([0, 0, len(head), zlib.crc32(head), 0])
        if lines:
            ends = list(accumulate((len(line) + 1 for line in lines), initial=len(head)))
            row = 0
            while row < total:
                start, end_row = ends[row], row + 1
                while end_row < total and ends[end_row + 1] - start <= BLOCK_BYTES:
                    end_row += 1
                block = b"".join(line + b"\n" for line in lines[row:end_row])
                blocks.append([row, start, ends[end_row], zlib.crc32(block), end_row - row])
                row = end_row
        body_size = len(head) + sum(len(line) + 1 for line in lines)
        header = {"key": key, "kind": kind, "rows": total, "body": body_size, "blocks": blocks}
        if variables is not None:
            header["variables"] = variables
        if boolean is not None:
            header["boolean"] = boolean
        encoded = json.dumps(header, separators=(",", ":")).encode()
        first_line = b"%s %d %08x %s\n" % (_MAGIC, FORMAT, zlib.crc32(encoded), encoded)
        tmp = None
        try:
            self.folder.mkdir(exist_ok=True)
            if len(os.listdir(self.folder)) >= MAX_FILES:
                return False
            tmp = self.folder / f".tmp-{os.getpid()}-{os.urandom(4).hex()}"
            with open(tmp, "wb") as handle:
                handle.write(first_line)
                handle.write(head)
                for line in lines:
                    handle.write(line)
                    handle.write(b"\n")
            os.replace(tmp, self.folder / key)
            return True
        except OSError:
            if tmp is not None:
                try:
                    os.unlink(tmp)
                except OSError:
                    pass
            return False


def _evaluate_plain(store, text: str, page: "Page", options: Mapping[str, Any]) -> "QueryResult":
    """The answer of ``text`` on ``store``, paged as it streams (nothing kept)."""
    from .query import _solutions

    return _solutions(store.query(text, **options), text, page)


def _parse_header(line: bytes, key: str) -> dict | None:
    """The header of an answer file if it is one of ours, intact, and the answer of ``key``."""
    parts = line.rstrip(b"\n").split(b" ", 3)
    if len(parts) != 4 or parts[0] != _MAGIC or parts[1] != str(FORMAT).encode():
        return None
    if parts[2] != b"%08x" % zlib.crc32(parts[3]):
        return None
    header = json.loads(parts[3])
    if not isinstance(header, dict) or header.get("key") != key or header.get("kind") not in ("solutions", "boolean", "graph"):
        return None
    if not isinstance(header.get("rows"), int) or not isinstance(header.get("body"), int) or header["rows"] < 0:
        return None
    blocks = header.get("blocks")
    if header["kind"] != "boolean":
        if not isinstance(blocks, list) or not all(isinstance(b, list) and len(b) == 5 and all(type(x) is int for x in b)
                                                   for b in blocks):
            return None
        if header["kind"] == "solutions" and (not blocks or not isinstance(header.get("variables"), list)):
            return None
        if header["kind"] == "graph":
            header["blocks"] = [[0, 0, 0, zlib.crc32(b""), 0], *blocks]  # no line of variables
        counted = sum(b[4] for b in header["blocks"][1:])
        if counted != header["rows"]:
            return None
    elif not isinstance(header.get("boolean"), bool):
        return None
    return header


def _read_block(handle, start: int, block: list[int]) -> bytes:
    """The bytes of one block, checked against its CRC-32 (a ValueError if they differ)."""
    _, begin, end, crc, _ = block
    if not 0 <= begin <= end or end - begin > MAX_BYTES:
        raise ValueError("block out of bounds")
    handle.seek(start + begin)
    data = handle.read(end - begin)
    if len(data) != end - begin or zlib.crc32(data) != crc:
        raise ValueError("block damaged")
    return data


def _parse_rows(tsv: bytes) -> tuple[list[str], list[tuple]]:
    """Variables and rows (tuples of pyoxigraph terms, None when unbound) of SPARQL TSV results."""
    import pyoxigraph as ox

    solutions = ox.parse_query_results(tsv, format=ox.QueryResultsFormat.TSV)
    variables = [v.value for v in solutions.variables]
    return variables, [tuple(solution[v] for v in variables) for solution in solutions]


# ---------------------------------------------------------------------------------- wiring
def for_store(opened, **options: Any) -> Answers | None:
    """The kept answers of an opened query store (:class:`ldpub.querystore.OpenStore`), its
    queries evaluated with ``options`` (keyword arguments of pyoxigraph's ``Store.query``, e.g.
    ``use_default_graph_as_union=True``); None for a store made in memory (nothing to keep into)
    or when answers are not kept (``LDPUB_ANSWER_CACHE=0``)."""
    folder = getattr(opened, "folder", None)
    if folder is None or not enabled():
        return None
    return Answers(Path(folder) / FOLDER, dict(options))


def attach(target, opened) -> None:
    """Make an :class:`ldpub.query.EmbeddedTarget` on ``opened``'s store query the project's
    dataset (:func:`ldpub.querystore.query_options`), and read and keep its answers there."""
    from .querystore import query_options

    target.options = query_options(opened.store)
    target.answers = for_store(opened, **target.options)


def _carry_over(source: Path, target: Path) -> list[str]:
    """Hard-link (or copy) the answer files of ``source`` into ``target``; the names carried over."""
    import shutil

    carried = []
    try:
        entries = [entry for entry in os.scandir(source) if not entry.name.startswith(".") and entry.is_file()]
        target.mkdir(exist_ok=True)
    except OSError:
        return carried
    for entry in entries:
        try:
            try:
                os.link(entry.path, target / entry.name)
            except OSError:
                shutil.copyfile(entry.path, target / entry.name)
            carried.append(entry.name)
        except OSError:
            continue
    return carried


def _query_timeout(project) -> float:
    """The project's query time limit (``[serve] query_timeout``; its default if the settings do not read)."""
    from .errors import LdpubError
    from .serve.settings import ServeSettings, serve_settings

    try:
        return serve_settings(project).query_timeout
    except LdpubError:
        return ServeSettings().query_timeout


PRECOMPUTE_CHANGED = False  # whether a store changed by an incremental build gets its answers made too


def carry_over(store_folder: Path, build, changed_from: Path | None) -> dict[str, bool]:
    """Before a store changed by an incremental build from the store ``changed_from`` (a copy of
    it, changed in about a second) is made current: keep that store's answers when no triple
    changed (the records files were edited but map to the same triples, with the same ontology,
    settings and ldpub: the same answers). Which were carried over (by key)."""
    if not enabled() or changed_from is None:
        return {}
    removed, added = build.data_changes[:2]
    if set(removed) != set(added):  # some triple changed: the answers may differ
        return {}
    return {name: True for name in _carry_over(Path(changed_from) / FOLDER, Path(store_folder) / FOLDER)}


def wanted(build) -> bool:
    """Whether the named queries' answers are evaluated for the store of ``build``: for a store
    made from all the data, not for one an incremental build changed (unless
    :data:`PRECOMPUTE_CHANGED`): evaluating every named query again would cost an edit's rebuild
    more than the rest of it (18 s CPU at 100k records, against 1.5 s); its answers are kept on
    first use instead."""
    return enabled() and (PRECOMPUTE_CHANGED or not getattr(build, "data_changes", None))


def precompute(store, store_folder: Path, build, *, progress=None) -> dict[str, bool]:
    """Keep, in the folder of the store ``store`` (made current already: readers use it
    meanwhile, and keep what they ask themselves), the answer of each named query of the
    build's project that needs no parameter value (optional ones unbound, the others with their
    defaults), each evaluated within the project's query time limit, as many at a time as there
    are cores (pyoxigraph evaluates without the GIL). Which were kept, by name. Called by
    :func:`ldpub.querystore.keep_named_answers` once the store is current (by the detached
    maker, :mod:`ldpub.storemaker`, after it has let waiting readers go). A query over the time
    limit goes on in the background until it ends (pyoxigraph cannot stop one) and is not waited for."""
    if not enabled():
        return {}
    from concurrent.futures import ThreadPoolExecutor

    from .errors import LdpubError
    from .paging import Page
    from .query import EmbeddedTarget, Terms, prepare, scan_named_queries

    project = build.project
    queries, _ = scan_named_queries(project.queries_path)
    terms = Terms(project.base_iri, dict(build.prefixes), build.slugs)
    target = EmbeddedTarget(store, terms, timeout=_query_timeout(project))
    from .querystore import query_options

    target.options = query_options(store)  # as EmbeddedTarget.from_project queries it: the same keys
    target.answers = Answers(Path(store_folder) / FOLDER, target.options, min_seconds=0.0)  # every answer kept, however fast
    wanted = [(name, named) for name, named in queries.items() if not any(param.required for param in named.params)]

    def keep(item) -> tuple[str, bool]:
        name, named = item
        try:
            text = prepare(named, {}, terms)
            target.execute(text, Page(0))  # evaluated and kept; no row read back
            return name, (target.answers.folder / answer_key(text, target.answers.options)).is_file()
        except (LdpubError, OSError, ValueError, RuntimeError, SyntaxError):
            return name, False  # a default naming no record, a query over the time limit: not kept, never an error

    kept: dict[str, bool] = {}
    with ThreadPoolExecutor(max_workers=max(1, min(len(wanted), os.cpu_count() or 1))) as pool:
        for name, done in pool.map(keep, wanted):  # in this thread: progress is drawn from one thread
            kept[name] = done
            if progress is not None:
                progress("keeping the named queries' answers", len(kept), len(wanted))
    return kept
