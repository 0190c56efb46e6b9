"""The dataset files (N-Triples, Turtle, JSON-LD) written from the data's N-Triples lines.

Used by the main process and by the helper process of a parallel build
(:mod:`ldpub.workers`), which write one part each; every way gives the same bytes.
"""

from __future__ import annotations

from pathlib import Path

__all__ = ["DATA_FILES", "write_dataset", "jsonld_cut", "jsonld_part"]

DATA_FILES = ("dataset.ttl", "dataset.nt", "dataset.jsonld")


def write_dataset(folder: Path, lines: list[str], ctx, names: tuple[str, ...] = DATA_FILES,
                  triples: list | None = None) -> list[str]:
    """Write the data files ``names`` (of :data:`DATA_FILES`) into ``folder``; their names.

    N-Triples is the lines themselves; JSON-LD is written from the lines too; Turtle streams
    from pyoxigraph into the file, parsing the lines a batch at a time (never all Triples in
    memory). Both this process and the helper process of a parallel build
    (:mod:`ldpub.workers`) write with it.
    """
    from .ntriples import LINE_END, parse_quads
    from .serialize import JsonLdWriter

    batch = 65536
    if "dataset.nt" in names:
        with open(folder / "dataset.nt", "wb") as out:
            for start in range(0, len(lines), batch):
                out.write((LINE_END.join(lines[start:start + batch]) + LINE_END).encode("utf-8"))
    if "dataset.ttl" in names:
        import pyoxigraph as ox

        def batches():
            if triples is not None:
                yield from triples
                return
            for start in range(0, len(lines), batch):
                yield from parse_quads(lines[start:start + batch])

        ox.serialize(batches(), output=str(folder / "dataset.ttl"), format=ox.RdfFormat.TURTLE, prefixes=ctx.prefixes)
    if "dataset.jsonld" in names:
        jsonld = JsonLdWriter(ctx.jsonld_context)
        jsonld.feed_lines(lines)
        (folder / "dataset.jsonld").write_bytes(jsonld.finish())
    return [name for name in DATA_FILES if name in names]


def jsonld_cut(lines: list[str], share: float) -> int:
    """A line index near ``share`` of the lines where a new subject starts (0: none)."""
    cut = int(len(lines) * share)
    if cut <= 0 or cut >= len(lines):
        return 0
    previous = lines[cut - 1].split(" ", 1)[0] + " "
    while cut < len(lines) and lines[cut].startswith(previous):
        cut += 1
    return cut if cut < len(lines) else 0


def jsonld_part(lines: list[str], ctx, continuation: bool) -> bytes:
    """The JSON-LD of some lines without the closing brackets (see :class:`ldpub.serialize.JsonLdWriter`)."""
    from .serialize import JsonLdWriter

    writer = JsonLdWriter(ctx.jsonld_context, continuation)
    writer.feed_lines(lines)
    return writer.finish(footer=False)
