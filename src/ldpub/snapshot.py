"""The last build of a project, kept so that the next build redoes only what an edit changed.

A data file of a build (``dataset.nt``, ``dataset.ttl``, ``dataset.jsonld``) is a sequence of
*blocks*, one per subject, in the order of the sorted N-Triples lines: a subject's lines are
contiguous in that order, pyoxigraph's Turtle writes one ``subject p o ; p o .`` block per
subject, and the JSON-LD one node object per subject. A snapshot keeps the three files of a
build and where each block starts in each, plus what the build read (per records file: the
digest of its bytes, its slugs, its records, the reference texts that named no slug) and the
validation results of each unit (:mod:`ldpub.revalidate`). The next build copies the blocks of
unchanged records from it and makes only the others (:mod:`ldpub.incremental`).

Every node a record makes has an IRI that starts with the record's IRI, followed by
:func:`ldpub.mapping.child_separator` for nested nodes, so the blocks of a record are found by
bisecting the sorted keys: no index of subjects is stored.

Where: in the user's cache folder, beside the record cache (it holds pickles, so never in the
project: a cloned repository must not supply one), ``<cache>/<project>/build-<data folder>/``::

    current                  the name of the snapshot in use (replaced in one step)
    snap-PID-HEX/            a snapshot
        dataset.nt|ttl|jsonld   hard links to the files the build wrote (copies across file systems)
        blocks                  where each block starts in each file (ldpub.datafiles.BlockOffsets)
        manifest.pickle         salts, files read, triples
        results.pickle          the validation results of each unit (with the salt of the shapes)
    refs/refs-PID-HEX.pickle the slugs the references of some records files named (written by
                             the build that mapped them, read only when slugs go away or
                             validation walks back along references; :mod:`ldpub.incremental`)

A snapshot is a cache: deleting it changes no output (the next build is a clean one). A
snapshot that cannot be read, or was made by other code, another ontology or other settings
(:func:`data_salt`), is ignored.
"""

from __future__ import annotations

import os
import pickle
from array import array
from bisect import bisect_left
from dataclasses import dataclass, field
from pathlib import Path

__all__ = ["FileEntry", "Manifest", "Snapshot", "SnapshotWriter", "data_salt", "shapes_salt", "history_dir",
           "DATA_NAMES"]

DATA_NAMES = ("dataset.nt", "dataset.ttl", "dataset.jsonld")
_FORMAT = 1  # bumped when the layout of a snapshot changes
_CODE_SALT: str | None = None


@dataclass(frozen=True)
class FileEntry:
    """What a build read from one records file, and what its triples depend on beyond the file."""

    digest: str  # ldpub.records.content_digest of its bytes
    slugs: tuple[str, ...]  # its top-level records' slugs, in file order
    records: int
    misses: frozenset[str]  # reference texts that named no slug (an individual, an IRI)
    hits_in: str = ""  # the references file holding the slugs its references named (refs/)


@dataclass
class Manifest:
    """What one build read and made (the small part of a snapshot, always read)."""

    salt: str  # data_salt of the build
    files: dict[str, FileEntry]  # display name -> entry, in the order the build read them
    triples: int
    blocks: int
    validation: str | None = None  # shapes_salt of the results kept (None: no results)
    format: int = _FORMAT
    #: (size, modification time in ns) of each data file when kept: the files are hard links to
    #: the output, so a file written over in place afterwards is not taken for the build's
    stamps: tuple = ()


def _code_salt() -> str:
    """A digest of ldpub's own code (each source file's name, size and modification time: any
    change to the code, an upgrade or a reinstall gives another) and of the versions of the
    libraries that decide the bytes written."""
    global _CODE_SALT
    if _CODE_SALT is None:
        import hashlib

        import pyoxigraph
        import yaml

        from . import __version__

        digest = hashlib.sha256(f"{_FORMAT}\0{__version__}\0{pyoxigraph.__version__}\0{yaml.__version__}".encode())
        package = Path(__file__).resolve().parent
        for path in sorted(package.rglob("*.py")):
            stat = path.stat()
            digest.update(f"{path.relative_to(package)}\0{stat.st_size}\0{stat.st_mtime_ns}\0".encode())
        _CODE_SALT = digest.hexdigest()
    return _CODE_SALT


def _files_digest(paths: list[Path]) -> str:
    import hashlib

    digest = hashlib.sha256()
    for path in paths:
        digest.update(str(path.name).encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()


def data_salt(project, ontology_files: list[Path]) -> str:
    """What the triples and the bytes of every data file depend on besides the records: ldpub's
    code and libraries, the ontology (terms, ranges, expanders, prefixes, the JSON-LD context)
    and the settings that map records (base IRI, language, data prefix).

    Read the files before they are parsed: a file edited in between then makes the salt of
    the new content, which the next build does not find (never the other way round).
    """
    import hashlib

    settings = f"{project.base_iri}\0{project.language}\0{project.data_prefix}"
    return hashlib.sha256(f"{_code_salt()}\0{settings}\0{_files_digest(ontology_files)}".encode()).hexdigest()


def shapes_salt(salt: str, shape_files: list[Path], engine: str) -> str:
    """What validation results depend on besides the data: the data salt, the shapes, the engine."""
    import hashlib

    return hashlib.sha256(f"{salt}\0{engine}\0{_files_digest(shape_files)}".encode()).hexdigest()


def history_dir(cache_dir: Path, data_path: Path) -> Path:
    """The folder of the snapshots of one data folder of a project (``cache_dir``: the project's)."""
    import hashlib

    return cache_dir / f"build-{hashlib.sha256(str(data_path.resolve()).encode()).hexdigest()[:12]}"


# ---------------------------------------------------------------------------------- reading
class Snapshot:
    """A snapshot, open: its files stay readable even if a newer build removes the folder."""

    def __init__(self, folder: Path, manifest: Manifest, offsets, fds: dict[str, int]):
        self.folder = folder
        self.manifest = manifest
        self.nt, self.ttl, self.jsonld = offsets.nt, offsets.ttl, offsets.jsonld
        self.fds = fds
        self._map = None
        if self.nt is None or self.ttl is None:  # kept by a clean build: found now (see BlockOffsets)
            self._locate(offsets.lines)

    def _locate(self, lines: array) -> None:
        import mmap

        from .datafiles import locate_blocks

        with mmap.mmap(self.fds["dataset.ttl"], 0, access=mmap.ACCESS_READ) as ttl:
            self.nt, self.ttl = locate_blocks(self._nt_map(), ttl, lines)

    @classmethod
    def open(cls, history: Path, salt: str) -> "Snapshot | None":
        """The current snapshot of ``history`` if it was made with ``salt`` (else None)."""
        try:
            name = (history / "current").read_text(encoding="utf-8").strip()
            folder = history / name
            manifest = pickle.loads((folder / "manifest.pickle").read_bytes())
            if not isinstance(manifest, Manifest) or manifest.format != _FORMAT or manifest.salt != salt:
                return None
            offsets = _read_offsets(folder / "blocks")
            if len(offsets) != manifest.blocks:
                return None
        except (OSError, ValueError, EOFError, pickle.UnpicklingError, AttributeError, ImportError, TypeError):
            return None
        fds: dict[str, int] = {}
        try:
            for data in DATA_NAMES:
                fds[data] = os.open(folder / data, os.O_RDONLY)
            stamps = tuple(_stamp(os.fstat(fds[data])) for data in DATA_NAMES)
        except OSError:
            for fd in fds.values():
                os.close(fd)
            return None
        sizes = [None if offsets.nt is None else offsets.nt[-1], None if offsets.ttl is None else offsets.ttl[-1],
                 offsets.jsonld[-1] - 6 + len(_JSONLD_FOOTER)]
        if stamps != manifest.stamps or any(want not in (None, got) for want, (got, _) in zip(sizes, stamps)):
            for fd in fds.values():
                os.close(fd)
            return None  # not the files the build wrote
        return cls(folder, manifest, offsets, fds)

    def close(self) -> None:
        if self._map is not None:
            self._map.close()
            self._map = None
        for fd in self.fds.values():
            os.close(fd)
        self.fds = {}

    def __len__(self) -> int:
        return self.manifest.blocks

    # --- blocks
    def _nt_map(self):
        if self._map is None:
            import mmap

            self._map = mmap.mmap(self.fds["dataset.nt"], 0, access=mmap.ACCESS_READ)
        return self._map

    def key(self, rank: int) -> bytes:
        """The key of block ``rank``: its subject's N-Triples text and a space (UTF-8)."""
        data, start = self._nt_map(), self.nt[rank]
        return data[start:data.find(b" ", start) + 1]

    def find(self, key: bytes) -> int:
        """The rank of the first block whose key is not less than ``key``."""
        return bisect_left(_Keys(self), key)

    def ranks(self, prefix: bytes) -> range:
        """The ranks of the blocks whose key starts with ``prefix``."""
        start = self.find(prefix)
        return range(start, self.find(prefix[:-1] + bytes([prefix[-1] + 1])) if prefix[-1] < 255 else len(self))

    def record_ranks(self, iri: str) -> list[range]:
        """The ranks of the blocks of the nodes a record with this IRI made (see the module docstring)."""
        from .mapping import child_separator

        own = f"<{iri}> ".encode()
        at = self.find(own)
        found = [range(at, at + 1)] if at < len(self) and self.key(at) == own else []
        nested = self.ranks(f"<{iri}{child_separator(iri)}".encode())
        if nested:
            found.append(nested)
        return found

    def block_text(self, ranks: range) -> str:
        """The N-Triples lines of some blocks, as text (each line ends with `` .\\n``)."""
        start, end = self.nt[ranks.start], self.nt[ranks.stop]
        return self._nt_map()[start:end].decode("utf-8")

    # --- what else a build kept
    def results(self, validation_salt: str) -> dict | None:
        """The validation results per unit if they were made with ``validation_salt``."""
        if self.manifest.validation != validation_salt:
            return None
        try:
            return pickle.loads((self.folder / "results.pickle").read_bytes())
        except (OSError, ValueError, EOFError, pickle.UnpicklingError, AttributeError, ImportError):
            return None


class _Keys:
    """The blocks' keys as a sequence, for :func:`bisect.bisect_left` (read from the mapped file)."""

    def __init__(self, snapshot: Snapshot) -> None:
        self.snapshot = snapshot

    def __len__(self) -> int:
        return len(self.snapshot)

    def __getitem__(self, rank: int) -> bytes:
        return self.snapshot.key(rank)


_JSONLD_FOOTER = b"\n  ]\n}\n"  # ldpub.serialize.JsonLdWriter.FOOTER (checked by the tests)


def _read_offsets(path: Path):
    """The offsets a build kept (``blocks``: four arrays, each after its length; see :class:`ldpub.datafiles.BlockOffsets`)."""
    from .datafiles import BlockOffsets

    out = []
    with open(path, "rb") as handle:
        for _ in range(4):
            count = array("q")
            count.fromfile(handle, 1)
            values = array("q")
            values.fromfile(handle, count[0])
            out.append(values if count[0] else None)
        if handle.read(1):
            raise ValueError("trailing bytes")
    if out[2] is None:
        raise ValueError("no JSON-LD offsets")
    return BlockOffsets(*out)


# ---------------------------------------------------------------------------------- writing
@dataclass
class SnapshotWriter:
    """Makes a new snapshot beside the current one; :meth:`commit` makes it current in one step."""

    history: Path
    folder: Path | None = None
    extra: dict = field(default_factory=dict)

    def save(self, staged: Path, manifest: Manifest, offsets, results: dict | None) -> bool:
        """Keep the data files written into ``staged`` with what describes them; False if it could not be saved."""
        try:
            self.history.mkdir(parents=True, exist_ok=True)
            self.folder = self.history / f"snap-{os.getpid()}-{os.urandom(4).hex()}"
            self.folder.mkdir()
            for name in DATA_NAMES:
                _link_or_copy(staged / name, self.folder / name)
            manifest.stamps = tuple(_stamp(os.stat(self.folder / name)) for name in DATA_NAMES)
            with open(self.folder / "blocks", "wb") as handle:
                for values in (offsets.nt, offsets.ttl, offsets.jsonld, offsets.lines):
                    array("q", [len(values) if values is not None else 0]).tofile(handle)
                    if values is not None:
                        values.tofile(handle)
            if results is not None:
                (self.folder / "results.pickle").write_bytes(pickle.dumps(results, protocol=pickle.HIGHEST_PROTOCOL))
            (self.folder / "manifest.pickle").write_bytes(pickle.dumps(manifest, protocol=pickle.HIGHEST_PROTOCOL))
        except OSError:
            self.discard()
            return False
        return True

    def commit(self) -> None:
        """Make the saved snapshot the current one and remove those no build uses any more."""
        if self.folder is None:
            return
        pointer = self.history / "current"
        tmp = self.history / f".current.tmp-{os.getpid()}-{os.urandom(4).hex()}"
        try:
            tmp.write_text(self.folder.name + "\n", encoding="utf-8")
            os.replace(tmp, pointer)
        except OSError:
            self.discard()
            return
        _remove_unused(self.history, self.folder.name)

    def discard(self) -> None:
        if self.folder is not None:
            import shutil

            shutil.rmtree(self.folder, ignore_errors=True)
            self.folder = None


def _stamp(stat: os.stat_result) -> tuple[int, int]:
    return stat.st_size, stat.st_mtime_ns


def _link_or_copy(source: Path, target: Path) -> None:
    try:
        os.link(source, target)
    except OSError:  # another file system, or no hard links: a copy
        import shutil

        shutil.copyfile(source, target)


def _remove_unused(history: Path, current: str) -> None:
    """Remove snapshots other than ``current`` whose build has ended (or is this process)."""
    import re
    import shutil

    from .output import _pid_alive

    for entry in os.scandir(history):
        match = re.fullmatch(r"snap-(\d+)-[0-9a-f]+", entry.name)
        if match is None or entry.name == current:
            continue
        pid = int(match.group(1))
        if pid == os.getpid() or not _pid_alive(pid):
            shutil.rmtree(entry.path, ignore_errors=True)
    for entry in os.scandir(history):  # pointers of runs that died while replacing it
        match = re.fullmatch(r"\.current\.tmp-(\d+)-[0-9a-f]+", entry.name)
        if match and not _pid_alive(int(match.group(1))):
            try:
                os.unlink(entry.path)
            except OSError:
                pass
