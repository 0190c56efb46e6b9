"""An edit rebuilt in a moment: what it changed is made again, the rest copied from the last build.

``ldpub build`` keeps each build it makes (:mod:`ldpub.snapshot`). The next build of the same
data folder, with the same ldpub, ontology and settings, reads every records file (their bytes
and digests only) and then:

1. **maps again only the files that changed** (their records come from the record cache when
   parsed before), and the unchanged files whose triples may now differ: those whose references
   named a slug that is gone, or named no slug where one is now defined (a reference resolves to
   a record before a named individual). Slugs are checked across all files as a clean build
   checks them;
2. **writes the data files** by copying the blocks of every other record from the last build
   and putting the new blocks in their sorted place (:func:`ldpub.datafiles.assemble`);
3. **validates again only what can have changed** (:mod:`ldpub.revalidate`), everything when
   the shapes changed;
4. keeps this build for the next one.

Whatever a clean build would report as a problem (a dangling reference, a duplicate slug, a file
over a limit, YAML that does not parse) makes it stop and build cleanly instead
(:class:`Fallback`), so that every message is the one a clean build gives. The output files
and the findings are those of a clean build, byte for byte (``tests/test_incremental_build.py``
checks both after every step of random edit sequences).

``LDPUB_INCREMENTAL=0`` turns it off (every build is clean), as ``LDPUB_CACHE=0`` does.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

from .datafiles import Block
from .snapshot import FileEntry, Snapshot

__all__ = ["Fallback", "Delta", "compile_delta", "NewData", "enabled", "references_of", "store_references",
           "remove_unused_references"]


class Fallback(Exception):
    """The edit is not rebuilt incrementally (the reason is the message): build cleanly."""


def enabled() -> bool:
    """Whether builds may be incremental (``LDPUB_INCREMENTAL=0`` turns it off)."""
    return os.environ.get("LDPUB_INCREMENTAL", "1").lower() not in ("0", "no", "false", "off")


@dataclass
class Delta:
    """How the new data differs from the snapshot's."""

    removed: list[range]  # ranks of the snapshot's blocks that are gone (sorted, disjoint)
    blocks: list[Block]  # the blocks made again (sorted by key)
    entries: dict[str, FileEntry]  # every records file, in order
    hits: dict[str, frozenset[str]]  # of the files mapped again: the slugs their references named
    old_lines: dict[str, list[str]]  # the lines of the removed blocks, by subject
    slug_files: dict[str, str]  # slug -> the file defining it
    record_count: int
    triples: int


def compile_delta(project, vocab, ctx, files: list[tuple[Path, str]], snapshot: Snapshot, history: Path,
                  cache_dir: Path | None, limits, progress=None) -> Delta:
    """Map the records files that need it and say how the data changed (raises :class:`Fallback`)."""
    from .datafiles import make_blocks
    from .errors import LdpubError, RecordError
    from .mapping import map_records
    from .records import _read, content_digest, load_files

    before = snapshot.manifest.files
    digests: dict[str, str] = {}
    changed: list[tuple[Path, str]] = []
    for number, (path, display) in enumerate(files):
        try:
            data = _read(path, display, limits.max_file_bytes)
        except LdpubError as exc:
            raise Fallback(f"{display}: cannot be read") from exc
        digests[display] = digest = content_digest(data)
        old = before.get(display)
        if old is None or old.digest != digest:
            changed.append((path, display))
        if progress is not None and number % 50 == 0:
            progress("reading records", number, len(files))
    if progress is not None:
        progress("reading records", len(files), len(files))
    listed = {display for _, display in files}
    deleted = [display for display in before if display not in listed]

    records_of: dict[str, list] = {}

    def load(wanted: list[tuple[Path, str]]) -> None:
        found, problems = load_files(wanted, cache_dir, limits.max_file_bytes)
        if problems:
            raise Fallback("a records file has problems")
        for rec in found:
            records_of.setdefault(rec.file, []).append(rec)
        for _, display in wanted:
            records_of.setdefault(display, [])

    load(changed)
    slugs_of: dict[str, tuple[str, ...]] = {}
    for _, display in files:
        if display in records_of:
            own = records_of[display]
            if any(rec.slug is None for rec in own):
                raise Fallback("a record has no id")
            slugs_of[display] = tuple(rec.slug for rec in own)
        else:
            slugs_of[display] = before[display].slugs
    slug_files: dict[str, str] = {}
    count = 0
    for display, slugs in slugs_of.items():
        slug_files.update(dict.fromkeys(slugs, display))
        count += len(slugs)
    if len(slug_files) != count:
        raise Fallback("duplicate slugs")
    if count > limits.max_records:
        raise Fallback("over [limits] max_records")
    old_slugs = {slug for entry in before.values() for slug in entry.slugs}
    added = slug_files.keys() - old_slugs
    gone = old_slugs - slug_files.keys()

    # unchanged files whose references may now resolve otherwise
    stale = []
    hits_before = references_of(history, before) if gone else {}
    for path, display in files:
        if display in records_of:
            continue
        entry = before[display]
        if (added and not added.isdisjoint(entry.misses)) or (gone and not gone.isdisjoint(hits_before[display])):
            stale.append((path, display))
    load(stale)

    redone = [display for _, display in files if display in records_of]
    records = [rec for display in redone for rec in records_of[display]]
    if progress is not None:
        progress("mapping records", None, len(records))
    try:
        mapped = map_records(records, vocab, project.base_iri, project.language, track_sources=False,
                             track_references=True, known_slugs=slug_files.keys())
    except RecordError as exc:
        raise Fallback("the records have problems") from exc
    lines = sorted(set(mapped.lines))
    blocks = make_blocks(lines, ctx)

    removed = _merged([r for display in [*redone, *deleted] if display in before
                       for slug in before[display].slugs
                       for r in snapshot.record_ranks(project.base_iri + slug)])
    old_lines: dict[str, list[str]] = {}
    for ranks in removed:
        for line in snapshot.block_text(ranks).split(" .\n")[:-1]:
            old_lines.setdefault(line.split(" ", 1)[0], []).append(line)
    _check_disjoint(snapshot, removed, blocks)

    entries: dict[str, FileEntry] = {}
    hits: dict[str, frozenset[str]] = {}
    references = mapped.references or {}
    for _, display in files:
        if display in records_of:
            named, other = references.get(display, ((), ()))
            entries[display] = FileEntry(digests[display], slugs_of[display], len(slugs_of[display]),
                                         frozenset(other))
            hits[display] = frozenset(named)
        else:
            entries[display] = before[display]
    removed_lines = sum(len(v) for v in old_lines.values())
    return Delta(removed, blocks, entries, hits, old_lines, slug_files, count,
                 snapshot.manifest.triples - removed_lines + len(lines))


def _merged(ranges: list[range]) -> list[range]:
    out: list[range] = []
    for r in sorted(ranges, key=lambda r: r.start):
        if not r:
            continue
        if out and r.start <= out[-1].stop:
            out[-1] = range(out[-1].start, max(out[-1].stop, r.stop))
        else:
            out.append(r)
    return out


def _check_disjoint(snapshot: Snapshot, removed: list[range], blocks: list[Block]) -> None:
    """A new block must not have the subject of a block kept (two files would make one subject)."""
    from bisect import bisect_right

    starts = [r.start for r in removed]
    for block in blocks:
        rank = snapshot.find(block.key)
        if rank < len(snapshot) and snapshot.key(rank) == block.key:
            i = bisect_right(starts, rank) - 1
            if i < 0 or rank not in removed[i]:
                raise Fallback("a subject is made by two files")


# ---------------------------------------------------------------------------- references
def references_of(history: Path, entries: dict[str, FileEntry]) -> dict[str, frozenset[str]]:
    """Per records file, the slugs its references named (raises :class:`Fallback` if not kept)."""
    import pickle

    out: dict[str, frozenset[str]] = {}
    by_store: dict[str, list[str]] = {}
    for display, entry in entries.items():
        by_store.setdefault(entry.hits_in, []).append(display)
    for name, displays in by_store.items():
        try:
            stored = pickle.loads((history / "refs" / name).read_bytes())
        except Exception as exc:  # removed by a concurrent build, damaged: build cleanly
            raise Fallback("the references of the last build are gone") from exc
        for display in displays:
            found = stored.get((display, entries[display].digest))
            if found is None:
                raise Fallback("the references of the last build are gone")
            out[display] = frozenset(found)
    return out


def store_references(history: Path, entries: dict[str, FileEntry], hits: dict[str, frozenset[str]]) -> dict[str, FileEntry]:
    """Keep ``hits`` (of some files) in a new references file; the entries of those files name it."""
    import pickle
    from dataclasses import replace

    if not hits:
        return entries
    folder = history / "refs"
    name = f"refs-{os.getpid()}-{os.urandom(6).hex()}.pickle"
    folder.mkdir(parents=True, exist_ok=True)
    data = {(display, entries[display].digest): tuple(sorted(named)) for display, named in hits.items()}
    tmp = folder / f".{name}.tmp"
    tmp.write_bytes(pickle.dumps(data, protocol=pickle.HIGHEST_PROTOCOL))
    os.replace(tmp, folder / name)
    return {display: replace(entry, hits_in=name) if display in hits else entry for display, entry in entries.items()}


def remove_unused_references(history: Path, entries: dict[str, FileEntry]) -> None:
    """Remove the references files the current snapshot does not name."""
    used = {entry.hits_in for entry in entries.values()}
    try:
        names = os.listdir(history / "refs")
    except OSError:
        return
    for name in names:
        if name.startswith("refs-") and name not in used:
            try:
                os.unlink(history / "refs" / name)
            except OSError:
                pass


# ---------------------------------------------------------------------------- the data after the edit
@dataclass
class NewData:
    """The data after the edit, read from the snapshot and the new blocks (see :mod:`ldpub.revalidate`)."""

    snapshot: Snapshot
    delta: Delta
    history: Path
    base_iri: str
    nt_path: Path  # the new dataset.nt (for reading every line)
    _new: dict[str, list[str]] = field(default_factory=dict)  # subject -> its lines, of the blocks made again
    _new_by_file: dict[str, list[str]] = field(default_factory=dict)
    _hits: dict[str, frozenset[str]] | None = None
    _all: list[str] | None = None

    def __post_init__(self) -> None:
        from .mapping import child_separator

        base = self.base_iri
        separator = child_separator(base + "x")
        for block in self.delta.blocks:
            subject = block.key[:-1].decode("utf-8")
            self._new[subject] = block.lines
            slug = subject[1 + len(base):-1].split(separator, 1)[0]
            self._new_by_file.setdefault(self.delta.slug_files.get(slug, ""), []).extend(block.lines)

    def block(self, subject: str) -> list[str]:
        found = self._new.get(subject)
        if found is not None:
            return found
        key = (subject + " ").encode("utf-8")
        rank = self.snapshot.find(key)
        if rank >= len(self.snapshot) or self.snapshot.key(rank) != key or self._removed(rank):
            return []
        return self.snapshot.block_text(range(rank, rank + 1)).split(" .\n")[:-1]

    def _removed(self, rank: int) -> bool:
        from bisect import bisect_right

        gone = self.delta.removed
        i = bisect_right([r.start for r in gone], rank) - 1
        return i >= 0 and rank in gone[i]

    def referrers(self, nodes: set[str], predicates: frozenset[str]) -> set[str]:
        files = self._files_naming(nodes)
        out: set[str] = set()
        if files is None or len(files) > max(8, len(self.delta.entries) // 4):
            for line in self.lines_of(predicates):
                s, p, o = line.split(" ", 2)
                if o in nodes:
                    out.add(s)
            return out
        for display in files:
            for line in self._lines_of_file(display):
                s, p, o = line.split(" ", 2)
                if p in predicates and o in nodes:
                    out.add(s)
        return out

    def _files_naming(self, nodes: set[str]) -> set[str] | None:
        """The records files whose triples may have one of ``nodes`` (the data's nodes) as object."""
        from .mapping import child_separator

        base = self.base_iri
        separator = child_separator(base + "x")
        files: set[str] = set()
        slugs: set[str] = set()
        texts: set[str] = set()
        for node in nodes:
            if not node.startswith("<" + base):
                return None
            iri = node[1:-1]
            slug = iri[len(base):].split(separator, 1)[0]
            owner = self.delta.slug_files.get(slug)
            if owner is not None:
                files.add(owner)  # the record's own nodes name each other
            if iri == base + slug:
                slugs.add(slug)
            texts.add(iri)
        if self._hits is None:
            try:
                kept = {d: e for d, e in self.delta.entries.items() if d not in self.delta.hits}
                self._hits = {**references_of(self.history, kept), **self.delta.hits}
            except Fallback:
                return None
        for display, entry in self.delta.entries.items():
            if not slugs.isdisjoint(self._hits[display]) or not texts.isdisjoint(entry.misses):
                files.add(display)
        return files

    def _lines_of_file(self, display: str) -> list[str]:
        if display in self.delta.hits:  # mapped again: its lines are all new
            return self._new_by_file.get(display, [])
        lines: list[str] = []
        for slug in self.delta.entries[display].slugs:
            for ranks in self.snapshot.record_ranks(self.base_iri + slug):
                lines.extend(self.snapshot.block_text(ranks).split(" .\n")[:-1])
        return lines

    def lines_of(self, predicates: frozenset[str] | None) -> list[str]:
        if self._all is None:
            self._all = self.nt_path.read_text(encoding="utf-8").split(" .\n")[:-1]
        if predicates is None:
            return list(self._all)
        return [line for line in self._all if line.split(" ", 2)[1] in predicates]


# ---------------------------------------------------------------------------- keeping builds
@dataclass
class History:
    """The kept builds of one data folder of a project, and the salts of this build."""

    folder: Path
    salt: str  # ldpub.snapshot.data_salt
    validation_salt: str  # ldpub.snapshot.shapes_salt
    snapshot: Snapshot | None

    @classmethod
    def open(cls, project, data_path: Path, cache_dir: Path) -> "History | None":
        """The history of ``data_path``, with its current snapshot if this build can start from it."""
        from .ontology import _turtle_files
        from .snapshot import data_salt, history_dir, shapes_salt
        from .validate import DEFAULT_ENGINE

        try:  # the salts come from the files before they are parsed (see data_salt)
            salt = data_salt(project, _turtle_files(project.ontology_path, "ontology"))
            validation = shapes_salt(salt, _turtle_files(project.shapes_path, "shapes"), DEFAULT_ENGINE)
        except Exception:  # the clean build reports what is wrong with them
            return None
        folder = history_dir(cache_dir, data_path)
        return cls(folder, salt, validation, Snapshot.open(folder, salt))

    def close(self) -> None:
        if self.snapshot is not None:
            self.snapshot.close()
            self.snapshot = None

    def save(self, staged: Path, entries: dict[str, FileEntry], hits: dict[str, frozenset[str]], triples: int,
             offsets, units: dict | None) -> str | None:
        """Keep the build whose data files are in ``staged``; the folder it is kept in (None: not kept)."""
        from .snapshot import Manifest, SnapshotWriter

        if offsets is None or len(offsets) == 0:
            return None
        try:
            entries = store_references(self.folder, entries, hits)
        except OSError:
            return None
        manifest = Manifest(self.salt, entries, triples, len(offsets),
                            self.validation_salt if units is not None else None)
        writer = SnapshotWriter(self.folder)
        if not writer.save(staged, manifest, offsets, units):
            return None
        writer.commit()
        remove_unused_references(self.folder, entries)
        return writer.folder


def rebuild(project, data_path: Path, staging: Path, out: Path, history: History, cache_dir: Path | None,
            progress):
    """Build ``data_path`` into ``staging`` from the history's snapshot (:class:`ldpub.pipeline.Build`),
    or None when it must be built cleanly (:class:`Fallback`)."""
    from .context import build_context
    from .datafiles import assemble
    from .graphstore import sorted_triples
    from .limits import project_limits
    from .ontology import load_vocabulary
    from .pipeline import Build, _write_small
    from .records import data_files
    from .serialize import WriteContext
    from .shacl import ShapesError
    from .validate import load_shapes

    snapshot = history.snapshot
    vocab = load_vocabulary(project.ontology_path)
    shapes_store, _ = load_shapes(project.shapes_path)
    prefixes = {**vocab.prefixes, project.data_prefix: project.base_iri}
    context = build_context(vocab, project.data_prefix, project.base_iri, project.language)
    ctx = WriteContext(prefixes=prefixes, jsonld_context=context)
    files = data_files(data_path, project.root)
    try:
        delta = compile_delta(project, vocab, ctx, files, snapshot, history.folder, cache_dir,
                              project_limits(project), progress)
    except Fallback as exc:
        _log(exc)
        return None
    progress("writing", None, delta.triples)
    try:
        offsets = assemble(staging, snapshot, delta.removed, delta.blocks)
    except OSError as exc:
        from .output import write_error

        raise write_error(exc, out) from exc
    build = Build(project=project, vocab=vocab, _lines=None,
                  slugs={slug: project.base_iri + slug for slug in delta.slug_files}, record_count=delta.record_count,
                  data_path=data_path, ontology_triples=sorted_triples(q.triple for q in vocab.store),
                  shape_triples=sorted_triples(q.triple for q in shapes_store), prefixes=prefixes, context=context,
                  _lines_file=staging / "dataset.nt", _triple_count=delta.triples,
                  rebuilt=(len(delta.hits), len(files)))
    build.data_changes = ([line for lines in delta.old_lines.values() for line in lines],
                          [line for block in delta.blocks for line in block.lines],
                          {display: entry.digest for display, entry in snapshot.manifest.files.items()})
    progress("validating", None, delta.triples)
    try:
        units = _revalidate(build, delta, history, staging)
    except (ShapesError, Fallback) as exc:
        _log(exc)
        return None  # a clean build reports it
    try:
        _write_small(build, staging)
    except OSError as exc:
        from .output import write_error

        raise write_error(exc, out) from exc
    kept = history.save(staging, delta.entries, delta.hits, delta.triples, offsets, units)
    build._lines_file = (kept / "dataset.nt") if kept is not None else out / "dataset.nt"
    return build


def _log(reason: Exception) -> None:
    import logging

    logging.getLogger("ldpub.incremental").info("building cleanly: %s", reason)


def _revalidate(build, delta: Delta, history: History, staging: Path) -> dict | None:
    """Validate the new data into ``build.report``, again only where it may have changed; the results per unit."""
    from .pipeline import _FileLocator
    from .revalidate import Changes, dependencies, flatten, full_validation, revalidate, unit_ids
    from .validate import located_findings

    shape_lines = [str(t) for t in build.shape_triples]
    ontology_lines = [str(t) for t in build.ontology_triples]
    names = unit_ids(shape_lines)
    if names is None:
        raise Fallback("two root shapes look alike")
    old = history.snapshot.results(history.validation_salt)
    if old is None or any(line.split(" ", 2)[2].startswith("<" + build.project.base_iri) for line in ontology_lines):
        units = full_validation(build.lines, shape_lines, ontology_lines, names)
    else:
        new = {block.key[:-1].decode("utf-8"): block.lines for block in delta.blocks}
        data = NewData(history.snapshot, delta, history.folder, build.project.base_iri, staging / "dataset.nt")
        units = revalidate(old, Changes.between(delta.old_lines, new), dependencies(shape_lines), names, data,
                           shape_lines, ontology_lines)
    build.report.checks.append("shacl")
    build.report.extend(located_findings(flatten(units), _FileLocator(build, delta.slug_files), build.vocab))
    return units
