"""The dataset files (N-Triples, Turtle, JSON-LD) written from the data's N-Triples lines.

Used by the main process and by the helper process of a parallel build
(:mod:`ldpub.workers`), which write one part each; every way gives the same bytes.

Each file is a sequence of *blocks*, one per subject in the order of the sorted lines (see
:mod:`ldpub.snapshot`). Writers note where each block starts (:class:`BlockOffsets`), so that
the next build copies the blocks of unchanged records and makes only the others
(:func:`make_blocks`, :func:`assemble`): the bytes are those a clean build writes.
"""

from __future__ import annotations

import os
import re
from array import array
from dataclasses import dataclass
from itertools import accumulate
from pathlib import Path

from .ntriples import LINE_END
from .serialize import JsonLdWriter

__all__ = ["DATA_FILES", "write_dataset", "jsonld_cut", "jsonld_part", "JsonLdPart", "BlockOffsets",
           "write_ntriples", "write_turtle", "locate_blocks", "jsonld_offsets", "Block", "make_blocks", "assemble"]

DATA_FILES = ("dataset.ttl", "dataset.nt", "dataset.jsonld")
_BATCH = 65536  # lines per write
_FIRST, _NEXT = b"\n    ", b",\n    "  # what precedes the first JSON-LD node object, and every other
_TTL_BLOCK_START = re.compile(rb"\n(?!\t)")  # a Turtle block ends with " .\n"; its lines go on with a tab


@dataclass
class BlockOffsets:
    """Where each block starts in each data file (``n + 1`` entries each: the last is the end).

    A JSON-LD offset points at the node's ``{``; the end is where the next one would start. A
    clean build knows only the JSON-LD offsets and how many lines each block has (``lines``):
    finding the others costs a pass over the files, which the next build makes when it needs
    them (:func:`locate_blocks`), not the clean build.
    """

    nt: array | None
    ttl: array | None
    jsonld: array
    lines: array | None = None  # lines per block

    def __len__(self) -> int:
        return len(self.jsonld) - 1


def write_dataset(folder: Path, lines: list[str], ctx, names: tuple[str, ...] = DATA_FILES,
                  triples: list | None = None) -> BlockOffsets | None:
    """Write the data files ``names`` (of :data:`DATA_FILES`) into ``folder``.

    N-Triples is the lines themselves; JSON-LD is written from the lines too; Turtle streams
    from pyoxigraph into the file, parsing the lines a batch at a time (never all Triples in
    memory). Both this process and the helper process of a parallel build
    (:mod:`ldpub.workers`) write with it. Returns where the blocks are when all three were
    written (else None).
    """
    jsonld = None
    if "dataset.jsonld" in names:
        jsonld = jsonld_part(lines, ctx, continuation=False)
        with open(folder / "dataset.jsonld", "wb") as out:
            out.write(jsonld.data)
            out.write(JsonLdWriter.FOOTER)
    if "dataset.nt" in names:
        write_ntriples(folder / "dataset.nt", lines)
    if "dataset.ttl" in names:
        write_turtle(folder / "dataset.ttl", lines, ctx, triples)
    if len(names) < len(DATA_FILES) or jsonld is None:
        return None
    return BlockOffsets(None, None, jsonld_offsets([jsonld]), array("q", jsonld.node_lines))


def write_ntriples(path: Path, lines: list[str]) -> None:
    """Write the lines as N-Triples, a batch at a time."""
    with open(path, "wb") as out:
        for start in range(0, len(lines), _BATCH):
            out.write((LINE_END.join(lines[start:start + _BATCH]) + LINE_END).encode("utf-8"))


def locate_blocks(nt: bytes, ttl: bytes, lines: array) -> tuple[array, array]:
    """The N-Triples and Turtle offsets of the blocks of files a clean build wrote (see :class:`BlockOffsets`).

    Every newline of N-Triples ends a line (literals escape theirs), and a Turtle block starts
    on every line that does not start with a tab, after the prefixes (as :func:`make_blocks` finds them).
    """
    import numpy as np

    nt_bytes = np.frombuffer(nt, dtype=np.uint8)
    ends = np.flatnonzero(nt_bytes == 10)
    starts = np.concatenate(([0], ends + 1))
    first_lines = np.concatenate(([0], np.cumsum(np.frombuffer(lines, dtype=np.int64))))
    nt_offsets = array("q", starts[first_lines].astype(np.int64).tobytes())
    ttl_bytes = np.frombuffer(ttl, dtype=np.uint8)
    header = _ttl_header(ttl)
    breaks = np.flatnonzero(ttl_bytes[header:-1] == 10) + header
    block_starts = breaks[ttl_bytes[breaks + 1] != 9] + 1
    turtle = array("q", [header])
    turtle.frombytes(block_starts.astype(np.int64).tobytes())
    turtle.append(len(ttl))
    return nt_offsets, turtle


def write_turtle(path: Path, lines: list[str], ctx, triples: list | None = None) -> None:
    """Turtle, streamed from pyoxigraph into the file (the lines parsed a batch at a time)."""
    import pyoxigraph as ox

    from .ntriples import parse_quads

    def batches():
        if triples is not None:
            yield from triples
            return
        for start in range(0, len(lines), _BATCH):
            yield from parse_quads(lines[start:start + _BATCH])

    ox.serialize(batches(), output=str(path), format=ox.RdfFormat.TURTLE, prefixes=ctx.prefixes)


def _ttl_header(data: bytes) -> int:
    """The length of the prefix lines pyoxigraph writes first, one a line."""
    header = 0
    while data[header:header + 8] == b"@prefix ":
        header = data.find(b"\n", header) + 1
    return header


def _ttl_starts(data: bytes) -> array:
    """Where each block of Turtle written by pyoxigraph starts, after the prefixes (and the end)."""
    header = _ttl_header(data)
    offsets = array("q", [header])
    offsets.extend(m.end() for m in _TTL_BLOCK_START.finditer(data, header, len(data) - 1))
    offsets.append(len(data))
    return offsets


def jsonld_cut(lines: list[str], share: float) -> int:
    """A line index near ``share`` of the lines where a new subject starts (0: none)."""
    cut = int(len(lines) * share)
    if cut <= 0 or cut >= len(lines):
        return 0
    previous = lines[cut - 1].split(" ", 1)[0] + " "
    while cut < len(lines) and lines[cut].startswith(previous):
        cut += 1
    return cut if cut < len(lines) else 0


class _IndexedJsonLd(JsonLdWriter):
    """A JSON-LD writer that notes how many lines made each node object."""

    def __init__(self, context: dict, continuation: bool = False) -> None:
        super().__init__(context, continuation)
        self.node_lines: list[int] = []

    def _text_node(self, subject: str, pairs: list) -> None:
        self.node_lines.append(len(pairs))
        super()._text_node(subject, pairs)


@dataclass
class JsonLdPart:
    """The JSON-LD of some lines, without the closing brackets, and its nodes."""

    data: bytes
    continuation: bool
    node_lines: list[int]  # lines per node
    node_sizes: list[int]  # bytes per node, with what precedes it (",\n    ")


def jsonld_part(lines: list[str], ctx, continuation: bool) -> JsonLdPart:
    """The JSON-LD of some lines without the closing brackets (see :class:`ldpub.serialize.JsonLdWriter`)."""
    writer = _IndexedJsonLd(ctx.jsonld_context, continuation)
    writer.feed_lines(lines)
    writer.finish(footer=False)  # the last node
    sizes = [len(chunk) for chunk in writer.chunks[1:]]
    return JsonLdPart(b"".join(writer.chunks), continuation, writer.node_lines, sizes)


def jsonld_offsets(parts: list[JsonLdPart]) -> array:
    """Where each node object starts in the JSON-LD file the parts make, one after the other."""
    offsets = array("q")
    position = 0
    for part in parts:
        at = position + len(part.data) - sum(part.node_sizes)  # after the header (first part)
        for size in part.node_sizes:
            offsets.append(at + (len(_NEXT) if part.continuation or offsets else len(_FIRST)))
            at += size
        position += len(part.data)
    offsets.append(position + len(_NEXT))
    return offsets


# ---------------------------------------------------------------------------- incremental builds
@dataclass
class Block:
    """One subject's part of each data file, made afresh."""

    key: bytes  # the subject's N-Triples text and a space (UTF-8): blocks sort by it
    lines: list[str]
    nt: bytes
    ttl: bytes
    jsonld: bytes  # the node object, without what precedes it


def make_blocks(lines: list[str], ctx) -> list[Block]:
    """The blocks of some sorted, unique lines (whole subjects): the bytes a clean build writes for them."""
    import pyoxigraph as ox

    from .ntriples import parse_quads

    if not lines:
        return []
    part = jsonld_part(lines, ctx, continuation=True)
    turtle = ox.serialize(parse_quads(lines), format=ox.RdfFormat.TURTLE, prefixes=ctx.prefixes)
    ttl = _ttl_starts(turtle)
    if len(ttl) - 1 != len(part.node_lines):  # never seen: one Turtle block per subject
        raise RuntimeError("Turtle blocks do not match the subjects")
    blocks = []
    start, node_at = 0, 0
    data = part.data
    for number, count in enumerate(part.node_lines):
        chunk = lines[start:start + count]
        node = data[node_at + len(_NEXT):node_at + part.node_sizes[number]]
        blocks.append(Block((chunk[0].split(" ", 1)[0] + " ").encode("utf-8"), chunk,
                            (LINE_END.join(chunk) + LINE_END).encode("utf-8"),
                            turtle[ttl[number]:ttl[number + 1]], node))
        start += count
        node_at += part.node_sizes[number]
    return blocks


def assemble(folder: Path, snapshot, removed: list[range], blocks: list[Block]) -> BlockOffsets:
    """Write the data files into ``folder``: the blocks of ``snapshot`` (:class:`ldpub.snapshot.Snapshot`)
    but those in ``removed`` (sorted, disjoint ranks), and ``blocks`` (sorted by key) in their place.

    Copies run in the kernel where it can (``copy_file_range``); returns where each block starts.
    """
    segments = _segments(snapshot, removed, blocks)
    nt = _Writer(folder / "dataset.nt", snapshot.fds["dataset.nt"])
    ttl = _Writer(folder / "dataset.ttl", snapshot.fds["dataset.ttl"])
    jsonld = _Writer(folder / "dataset.jsonld", snapshot.fds["dataset.jsonld"])
    try:
        ttl.copy(0, snapshot.ttl[0])  # the prefixes
        jsonld.copy(0, snapshot.jsonld[0] - len(_FIRST))  # the context
        offsets = BlockOffsets(array("q"), array("q"), array("q"))  # the lines per block are not needed
        first = True
        for segment in segments:
            if isinstance(segment, range):
                a, b = segment.start, segment.stop
                _shifted(offsets.nt, snapshot.nt, a, b, nt.position)
                nt.copy(snapshot.nt[a], snapshot.nt[b])
                _shifted(offsets.ttl, snapshot.ttl, a, b, ttl.position)
                ttl.copy(snapshot.ttl[a], snapshot.ttl[b])
                jsonld.write(_FIRST if first else _NEXT)
                _shifted(offsets.jsonld, snapshot.jsonld, a, b, jsonld.position)
                jsonld.copy(snapshot.jsonld[a], snapshot.jsonld[b] - len(_NEXT))
            else:
                offsets.nt.append(nt.position)
                nt.write(segment.nt)
                offsets.ttl.append(ttl.position)
                ttl.write(segment.ttl)
                jsonld.write(_FIRST if first else _NEXT)
                offsets.jsonld.append(jsonld.position)
                jsonld.write(segment.jsonld)
            first = False
        offsets.nt.append(nt.position)
        offsets.ttl.append(ttl.position)
        offsets.jsonld.append(jsonld.position + len(_NEXT))
        jsonld.write(JsonLdWriter.FOOTER)
    finally:
        for writer in (nt, ttl, jsonld):
            writer.close()
    return offsets


def _segments(snapshot, removed: list[range], blocks: list[Block]) -> list:
    """The output in order: ranges of ranks of the snapshot to copy, and new blocks."""
    at = [snapshot.find(block.key) for block in blocks]
    out: list = []
    cuts = sorted({0, len(snapshot), *at, *(r.start for r in removed), *(r.stop for r in removed)})
    gone = set()
    for r in removed:
        gone.update(r)
    inserted = iter(zip(at, blocks))
    pending = next(inserted, None)
    for start, stop in zip(cuts, cuts[1:]):
        while pending is not None and pending[0] == start:
            out.append(pending[1])
            pending = next(inserted, None)
        if start not in gone and stop > start:
            out.append(range(start, stop))
    while pending is not None:
        out.append(pending[1])
        pending = next(inserted, None)
    return out


def _shifted(target: array, source: array, a: int, b: int, position: int) -> None:
    delta = position - source[a]
    target.extend(map(delta.__add__, source[a:b]))


class _Writer:
    """A file written by small writes and by copies of ranges of another open file."""

    def __init__(self, path: Path, source: int) -> None:
        self.fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o666)
        self.source = source
        self.position = 0
        self._kernel = hasattr(os, "copy_file_range")

    def write(self, data: bytes) -> None:
        view = memoryview(data)
        while view:
            done = os.write(self.fd, view)
            view = view[done:]
        self.position += len(data)

    def copy(self, start: int, end: int) -> None:
        while start < end:
            done = 0
            if self._kernel:
                try:
                    done = os.copy_file_range(self.source, self.fd, end - start, start)
                except OSError:
                    self._kernel = False
            if not done:
                data = os.pread(self.source, min(end - start, 1 << 24), start)
                if not data:
                    raise OSError(f"the previous build's file ended early at byte {start}")
                self.write(data)
                self.position -= len(data)
                done = len(data)
            start += done
            self.position += done

    def close(self) -> None:
        if self.fd is not None:
            os.close(self.fd)
            self.fd = None
