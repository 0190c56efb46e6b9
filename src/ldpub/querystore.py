"""The persistent query store: the last build's data and ontology in an on-disk pyoxigraph store.

``ldpub build`` leaves one: once its files are written it hands the store to a detached process
(:mod:`ldpub.storemaker`, which runs :func:`save_build` as a build in the foreground does) and
returns. ``ldpub query`` and :func:`ldpub.query.connect` open it read-only when it was made from
the current inputs, and make it again (from the records, in memory, then on disk) only when it
was not; when a detached maker is making the store of the current inputs, they wait for it
(:func:`open_store`). It is a cache: deleting it changes no answer.

Its **key** is the content of what the data depends on: :func:`ldpub.snapshot.data_salt` (ldpub's
code, the ontology, the settings that map records) and the digest of each records file
(:func:`ldpub.records.content_digest`). Checking it is cheap: a records file whose size,
modification and change times and inode are those recorded is taken to have the digest
recorded, unless it was modified shortly before the store's inputs were read (a "racy" stamp,
as in git's index: its bytes are read and digested again). Any write to a file changes its
change time (``st_ctime``, which no program can set back), so an edit is never missed.

Where: beside the build's snapshot (:func:`ldpub.snapshot.history_dir`, in the user's cache
folder, never in the project)::

    query-store/
        current              the name of the store in use (replaced in one step)
        store-PID-HEX/       a store, complete before ``current`` names it
            db/              the pyoxigraph (RocksDB) store: data and ontology in the default graph,
                             the ontology also in a named graph (see "Graphs" below)
            meta.json        the key, generation, the records files' stamps, the terms queries need,
                             whether the data was validated, db/'s file stamps
            slugs, slug-aliases.json   the records' slugs (read only when a parameter names a record)
            lock             readers hold a shared lock on it while the store is open
        .tmp-PID-HEX/        a store being made (renamed to store-PID-HEX when complete)
        job-GEN-KEY-HEX/     what a detached maker makes a store from (:mod:`ldpub.storemaker`)
        generation           the last generation handed out (:func:`next_generation`)
        commit.lock          held while ``current`` changes and old stores are removed
        maker.lock, maker.log   detached makers take turns on it; what the last one had to say

Graphs (one layout, shared by ``ldpub query`` and ``ldpub serve``): the default graph holds the
data and the ontology (what ``ldpub query`` reads, evaluated on one graph: the fastest); the
named graph of the ontology's IRI (``urn:ldpub:ontology`` if it declares none) holds the
ontology, as ``ldpub serve`` and a pushed store offer it; :data:`ONTOLOGY_BEYOND_DATA` holds the
ontology's triples that the data does not have (so the server can show the data alone: entity
pages, dumps, counts). ``meta.json`` says whether the data was validated, and against which
shapes (``validated``: ``ldpub build`` keeps a store only for data that conforms; a store
``ldpub query`` makes for itself is not validated): :func:`open_validated` opens a store only
when it is current *and* was validated against the current shapes (``ldpub serve``).

Never half-written: a store is made in a temporary folder on the same file system, renamed,
and only then named by ``current``. A store whose ``meta.json`` does not read, whose ``db/``
files are not those recorded (size, modification time, inode), or that pyoxigraph refuses to
open is not trusted: it is made again. Never older: each store has the generation its build (or
query) took before reading its inputs, and :meth:`StoreWriter.commit` does not replace a current
store of a later generation. Old stores are removed by the next writer, but only when no reader
holds their lock (``flock``), so concurrent readers and builds do not break each other; so are the
temporary folders of dead writers and the job folders of dead makers.
"""

from __future__ import annotations

import json
import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterator, Mapping

__all__ = ["Inputs", "OpenStore", "StoreWriter", "store_folder", "current_inputs", "open_store", "ensure_store",
           "save_build", "keep_named_answers", "in_memory", "enabled", "mode", "MODES", "room_for", "next_generation", "jobs",
           "maker_running", "wait_for_makers", "keeping_answers", "lock_within", "RACY_NS", "WAIT_S", "MAKING",
           "ONTOLOGY_BEYOND_DATA", "ontology_graph", "project_graphs", "query_options", "add_ontology", "validation_digest", "open_validated"]

_FORMAT = 2  # bumped when the layout of a store changes (2: the ontology's named graphs, the validated flag)
#: A named graph: the ontology's triples that are not in the data (see "Graphs" above).
ONTOLOGY_BEYOND_DATA = "urn:ldpub:serve:ontology-beyond-data"
_OWL_ONTOLOGY = "http://www.w3.org/2002/07/owl#Ontology"
_RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
RACY_NS = 2_000_000_000  # a file modified this close to when its stamp was taken is digested again
# address space pyoxigraph's RocksDB takes beyond the process's (measured: ~0.3 GB to open a
# store, ~0.5 GB to make one, its bulk loader allocating 200 MB at once, which aborts the
# process when refused): under a smaller ``ulimit -v`` no store is made or opened
OPEN_BYTES = 512 * 2**20
MAKE_BYTES = 1024 * 2**20
CHUNK_BYTES = 16 * 2**20  # N-Triples given to pyoxigraph's bulk loader at a time
_META = "meta.json"
_SLUGS = "slugs"
_ALIASES = "slug-aliases.json"

Progress = Callable[..., None]


MODES = ("background", "foreground", "off")  # how ``ldpub build`` leaves the query store (:func:`mode`)


def mode(override: str | None = None) -> str:
    """How ``ldpub build`` leaves the query store: ``background`` (the default: a detached process
    makes it after the build returns, :mod:`ldpub.storemaker`), ``foreground`` (before the build
    returns) or ``off``. ``override`` (``ldpub build --query-store``) wins over ``LDPUB_QUERY_STORE``
    (``0``/``no``/``false``/``off``: off, as ``LDPUB_CACHE=0`` does; ``foreground``; anything else: background)."""
    value = (override or os.environ.get("LDPUB_QUERY_STORE", "background")).strip().lower()
    if value in ("0", "no", "false", "off"):
        return "off"
    return "foreground" if value == "foreground" else "background"


def enabled() -> bool:
    """Whether query stores are kept (``LDPUB_QUERY_STORE=0`` turns it off, as ``LDPUB_CACHE=0`` does)."""
    return mode() != "off"


# ---------------------------------------------------------------------------------- inputs
@dataclass
class Inputs:
    """What a store is made from: its key, and the stamps that let the next run check it cheaply."""

    key: str
    salt: str
    files: dict[str, list]  # display -> [size, mtime_ns, ctime_ns, inode, digest]
    taken_ns: int  # when the stamps were taken (wall clock, ns)
    generation: int = 0  # the order of the stores of a data folder (:func:`next_generation`): a newer one is never replaced by an older
    validated: str | None = None  # the store's data conforms to the shapes of this digest (:func:`validation_digest`)


def room_for(needed: int) -> bool:
    """Whether the process's memory limit (``ulimit -v``), if any, leaves ``needed`` bytes of address space."""
    from .limits import _address_space, _memory_cap

    cap = _memory_cap()
    return cap is None or cap - _address_space() >= needed


def store_folder(cache_dir: Path, data_path: Path) -> Path:
    """The query store folder of one data folder of a project (beside its kept builds)."""
    from .snapshot import history_dir

    return history_dir(cache_dir, data_path) / "query-store"


def current_inputs(project, data_path: Path, known: Inputs | None = None) -> Inputs:
    """The inputs of ``data_path`` now. A records file whose stamp is that of ``known`` (and not
    racy there) keeps ``known``'s digest; the others are read and digested."""
    import hashlib
    import time

    from .ontology import _turtle_files
    from .records import data_files
    from .snapshot import data_salt

    taken = time.time_ns()
    salt = data_salt(project, _turtle_files(project.ontology_path, "ontology"))
    files: dict[str, list] = {}
    old = known.files if known is not None else {}
    limit = (known.taken_ns - RACY_NS) if known is not None else 0
    for path, display in data_files(data_path, project.root):
        stat = os.stat(path)
        stamp = [stat.st_size, stat.st_mtime_ns, stat.st_ctime_ns, stat.st_ino]
        before = old.get(display)
        if before is not None and before[:4] == stamp and max(stat.st_mtime_ns, stat.st_ctime_ns) < limit:
            files[display] = before
        else:
            files[display] = stamp + [_file_digest(Path(path))]
    key = hashlib.sha256(salt.encode())
    for display, entry in files.items():
        key.update(f"\0{display}\0{entry[4]}".encode())
    return Inputs(key.hexdigest(), salt, files, taken)


def validation_digest(project, salt: str) -> str:
    """What a verdict of validation depends on besides the records: the data salt (ldpub, the
    ontology, the settings that map records) and the shapes files."""
    from .ontology import _turtle_files
    from .snapshot import shapes_salt

    return shapes_salt(salt, _turtle_files(project.shapes_path, "shapes"), "any")


def _file_digest(path: Path) -> str:
    """:func:`ldpub.records.content_digest` of a file, read a block at a time (a huge or hostile
    records file is refused by the build; digesting it must not hold it in memory)."""
    import hashlib

    with open(path, "rb") as f:
        return hashlib.file_digest(f, "sha256").hexdigest()


# ---------------------------------------------------------------------------------- reading
class _Slugs(Mapping):
    """The records' slugs (slug -> IRI), read from the store on first use: ``slugs`` holds, one a
    line, those whose IRI is the base IRI and the slug (all but a few), ``slug-aliases.json`` the others."""

    def __init__(self, folder: Path, base_iri: str) -> None:
        self.folder = folder
        self.base_iri = base_iri
        self._plain: frozenset[str] | None = None
        self._aliases: dict[str, str] = {}

    def _load(self) -> frozenset[str]:
        if self._plain is None:
            text = (self.folder / _SLUGS).read_text(encoding="utf-8")
            self._aliases = json.loads((self.folder / _ALIASES).read_text(encoding="utf-8"))
            self._plain = frozenset(text.split("\n")) - {""}
        return self._plain

    def __getitem__(self, slug: str) -> str:
        if slug in self._load():
            return self.base_iri + slug
        return self._aliases[slug]

    def __contains__(self, slug: object) -> bool:
        return slug in self._load() or slug in self._aliases

    def __iter__(self) -> Iterator[str]:
        return iter([*sorted(self._load()), *self._aliases])

    def __len__(self) -> int:
        return len(self._load()) + len(self._aliases)


def _write_slugs(folder: Path, slugs: Mapping[str, str], base_iri: str) -> None:
    plain = sorted(slug for slug, iri in slugs.items() if iri == base_iri + slug and "\n" not in slug)
    aliases = {slug: iri for slug, iri in slugs.items() if iri != base_iri + slug or "\n" in slug}
    (folder / _SLUGS).write_text("\n".join(plain), encoding="utf-8")
    (folder / _ALIASES).write_text(json.dumps(aliases, ensure_ascii=False), encoding="utf-8")


@dataclass
class OpenStore:
    """A query store opened read-only, with what queries need besides the triples."""

    store: object  # pyoxigraph.Store
    folder: Path | None  # None: in memory (nothing kept on disk)
    meta: dict
    slugs: Mapping[str, str]
    lock_fd: int | None = field(default=None, repr=False)
    rebuilt: bool = False  # made again by this process (it did not match the inputs)

    @property
    def prefixes(self) -> dict[str, str]:
        return dict(self.meta["prefixes"])

    @property
    def context(self) -> dict:
        return self.meta["context"]

    @property
    def triples(self) -> int:
        return self.meta["triples"]

    def close(self) -> None:
        """Let go of the store (a later build may then remove it)."""
        self.store = None
        if self.lock_fd is not None:
            os.close(self.lock_fd)
            self.lock_fd = None

    def __del__(self) -> None:
        if self.lock_fd is not None:
            try:
                os.close(self.lock_fd)
            except OSError:
                pass


def _read_meta(folder: Path) -> dict | None:
    try:
        meta = json.loads((folder / _META).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(meta, dict) or meta.get("format") != _FORMAT:
        return None
    return meta


def _known_inputs(meta: dict) -> Inputs | None:
    try:
        return Inputs(meta["key"], meta["salt"], {k: list(v) for k, v in meta["files"].items()}, int(meta["taken_ns"]),
                      int(meta.get("generation", 0)))
    except (KeyError, TypeError, ValueError, AttributeError):
        return None


def _db_stamps(db: Path) -> dict[str, list[int]]:
    """Size, modification time and inode of each file of a pyoxigraph store folder (its info
    log aside, which RocksDB may append to)."""
    out = {}
    for entry in os.scandir(db):
        if entry.name.startswith("LOG") or entry.name == "LOCK":
            continue
        stat = entry.stat(follow_symlinks=False)
        out[entry.name] = [stat.st_size, stat.st_mtime_ns, stat.st_ino]
    return out


def _current(root: Path) -> Path | None:
    try:
        name = (root / "current").read_text(encoding="utf-8").strip()
    except OSError:
        return None
    if not name.startswith("store-") or "/" in name:
        return None
    return root / name


def _lock_shared(folder: Path) -> int | None:
    """A shared lock on the store (None: it is being removed, or is gone)."""
    import fcntl

    try:
        fd = os.open(folder / "lock", os.O_RDONLY)
    except OSError:
        return None
    try:
        fcntl.flock(fd, fcntl.LOCK_SH | fcntl.LOCK_NB)
    except OSError:
        os.close(fd)
        return None
    if not (folder / _META).exists():  # removed while we waited for the lock
        os.close(fd)
        return None
    return fd


def lock_within(fd: int, kind: int, timeout: float, on_wait: Callable[[], None] | None = None) -> bool:
    """Take a ``flock`` of ``kind`` (``fcntl.LOCK_SH`` or ``LOCK_EX``) on ``fd``, waiting at most
    ``timeout`` seconds (``on_wait`` is called once if it has to wait); whether it was taken."""
    import fcntl
    import time

    deadline = time.monotonic() + timeout
    pause = 0.005
    while True:
        try:
            fcntl.flock(fd, kind | fcntl.LOCK_NB)
            return True
        except BlockingIOError:
            pass
        if on_wait is not None:
            on_wait()
            on_wait = None
        left = deadline - time.monotonic()
        if left <= 0:
            return False
        time.sleep(min(pause, left))
        pause = min(pause * 2, 0.05)


class _Locked:
    """An exclusive ``flock`` on a lock file while the ``with`` block runs (the file is created if needed)."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.fd: int | None = None

    def __enter__(self) -> "_Locked":
        import fcntl

        self.fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o600)
        fcntl.flock(self.fd, fcntl.LOCK_EX)
        return self

    def __exit__(self, *exc) -> None:
        os.close(self.fd)
        self.fd = None


_COMMIT_LOCK = "commit.lock"  # held while the current store is changed (and old ones removed)
_GENERATION = "generation"  # the last generation handed out (:func:`next_generation`)
_JOB = re.compile(r"job-(\d+)-([0-9a-f]{64})-[0-9a-f]+")  # a store being made by a detached maker
MAKING = "making"  # in a job folder: its maker holds an exclusive lock on it until its store is current (or it gives up)
ANSWERS_LOCK = "answers.lock"  # beside the stores: makers keeping answers in a store hold a shared lock on it
#: seconds a reader waits for the maker of its store (a hung one: the reader makes the store itself)
WAIT_S = 300.0


def next_generation(cache_dir: Path, data_path: Path) -> int:
    """A number greater than every store of ``data_path`` made or being made so far: taken by a
    build (or a query that makes its store) *before* it reads its inputs, so that a store made
    from older inputs never replaces one made from newer inputs (:meth:`StoreWriter.commit`)."""
    root = store_folder(cache_dir, data_path)
    root.mkdir(parents=True, exist_ok=True)
    with _Locked(root / _COMMIT_LOCK):
        try:
            last = int((root / _GENERATION).read_text(encoding="ascii").strip() or 0)
        except (OSError, ValueError):
            last = 0
        folder = _current(root)
        meta = _read_meta(folder) if folder is not None else None
        current = _generation(meta)
        number = max(last, current) + 1
        (root / _GENERATION).write_text(f"{number}\n", encoding="ascii")
    return number


def _generation(meta: dict | None) -> int:
    try:
        return int(meta.get("generation", 0)) if meta is not None else 0
    except (TypeError, ValueError, AttributeError):
        return 0


def jobs(root: Path, key: str | None = None) -> list[tuple[int, Path]]:
    """The stores being made by detached makers in ``root`` (of inputs ``key``, or all), as (generation, folder)."""
    try:
        names = os.listdir(root)
    except OSError:
        return []
    out = []
    for name in names:
        match = _JOB.fullmatch(name)
        if match and (key is None or match.group(2) == key):
            out.append((int(match.group(1)), root / name))
    return sorted(out)


def maker_running(job: Path) -> bool:
    """Whether the maker of a job folder is still at work (it holds the lock on its ``making`` file)."""
    import fcntl

    try:
        fd = os.open(job / MAKING, os.O_RDONLY)
    except OSError:
        return False
    try:
        fcntl.flock(fd, fcntl.LOCK_SH | fcntl.LOCK_NB)
        return False
    except BlockingIOError:
        return True
    finally:
        os.close(fd)


def _wait_for_maker(root: Path, key: str, notify: Callable[[str], None] | None, timeout: float) -> bool:
    """Wait (at most ``timeout`` seconds) for the detached makers of the store of ``key``; whether there was any."""
    import time

    found = jobs(root, key)
    deadline = time.monotonic() + timeout
    said = []

    def waiting() -> None:
        if notify is not None and not said:
            notify("waiting for the query store the last build is making")
        said.append(True)

    for _, job in found:
        try:
            fd = os.open(job / MAKING, os.O_RDONLY)
        except OSError:
            continue  # done, and its folder removed
        try:
            import fcntl

            lock_within(fd, fcntl.LOCK_SH, max(0.0, deadline - time.monotonic()), waiting)
        finally:
            os.close(fd)
    return bool(found)


def wait_for_makers(cache_dir: Path, data_path: Path, timeout: float = WAIT_S) -> bool:
    """Wait until no detached maker works on a store of ``data_path`` (at most ``timeout``
    seconds): the stores made and the named queries' answers kept; whether none does. For
    scripts and tests that need the store made now."""
    import fcntl
    import time

    root = store_folder(cache_dir, data_path)
    deadline = time.monotonic() + timeout
    while True:
        running = [job for _, job in jobs(root) if maker_running(job)]
        if not running:  # the stores made; then no maker keeping answers in one
            return _free_within(root / ANSWERS_LOCK, fcntl.LOCK_EX, max(0.0, deadline - time.monotonic()))
        for job in running:
            if not _free_within(job / MAKING, fcntl.LOCK_SH, max(0.0, deadline - time.monotonic())):
                return False


def _free_within(path: Path, kind: int, timeout: float) -> bool:
    """Whether a ``flock`` of ``kind`` on the file ``path`` could be taken within ``timeout``
    seconds (released at once); a missing file is free (no one ever held it)."""
    try:
        fd = os.open(path, os.O_RDONLY)
    except OSError:
        return True
    try:
        return lock_within(fd, kind, timeout)
    finally:
        os.close(fd)


def keeping_answers(root: Path) -> int | None:
    """A shared lock on ``root``'s answers lock, held by a maker from before it lets readers go
    until it has kept the named queries' answers (:func:`wait_for_makers` waits for it);
    None if it cannot be taken (the cache folder went away). Close it to release it."""
    import fcntl

    try:
        fd = os.open(root / ANSWERS_LOCK, os.O_RDWR | os.O_CREAT, 0o600)
    except OSError:
        return None
    fcntl.flock(fd, fcntl.LOCK_SH)
    return fd


def open_store(project, data_path: Path, cache_dir: Path, inputs: Inputs | None = None, *,
               notify: Callable[[str], None] | None = None, wait: float = WAIT_S) -> tuple[OpenStore | None, Inputs]:
    """The current store of ``data_path`` opened read-only if it was made from the current
    inputs and is intact (else None), and the current inputs (for making a new one).

    When a detached maker (:mod:`ldpub.storemaker`) is making the store of the current inputs,
    this waits for it (at most ``wait`` seconds; ``notify`` hears once that it waits), then
    opens it; a maker that died leaves no store: None, as for any missing store."""
    root = store_folder(cache_dir, data_path)
    opened, inputs = _open_current(root, project, data_path, inputs)
    if opened is None and wait > 0 and _wait_for_maker(root, inputs.key, notify, wait):
        opened, inputs = _open_current(root, project, data_path, inputs)
    return opened, inputs


def _open_current(root: Path, project, data_path: Path, inputs: Inputs | None) -> tuple[OpenStore | None, Inputs]:
    folder = _current(root)
    meta = _read_meta(folder) if folder is not None else None
    known = _known_inputs(meta) if meta is not None else None
    if inputs is None:
        inputs = current_inputs(project, data_path, known)
    if meta is None or known is None or known.key != inputs.key:
        return None, inputs
    fd = _lock_shared(folder)
    if fd is None:
        return None, inputs
    try:
        if _db_stamps(folder / "db") != meta.get("db"):
            raise OSError("the store's files are not those it was made with")
        import pyoxigraph as ox

        store = ox.Store.read_only(str(folder / "db"))
    except (OSError, ValueError, RuntimeError):
        os.close(fd)
        return None, inputs
    return OpenStore(store, folder, meta, _Slugs(folder, meta.get("base_iri", "")), fd), inputs


def open_validated(project, data_path: Path, cache_dir: Path, *,
                   notify: Callable[[str], None] | None = None) -> tuple[OpenStore | None, str | None]:
    """The current store of ``data_path`` opened read-only when it was made from the current
    inputs *and* its data was validated against the current shapes (a store ``ldpub build``
    left; one its detached maker is making is waited for, ``notify`` hears that it is); else
    None and why not, in words (``ldpub serve`` then builds and validates itself)."""
    from .errors import LdpubError

    opened, inputs = open_store(project, data_path, cache_dir, notify=notify)
    if opened is None:
        if _current(store_folder(cache_dir, data_path)) is None:
            return None, "no query store of these records yet (ldpub build leaves one)"
        return None, ("the query store is not that of the current records, ontology, settings and ldpub "
                      "(or is damaged; ldpub build makes it again)")
    try:
        current = validation_digest(project, inputs.salt)
    except (LdpubError, OSError):
        opened.close()
        return None, "the shapes cannot be read"
    if opened.meta.get("validated") != current:
        made_by_query = not opened.meta.get("validated")
        opened.close()
        return None, ("the query store was made by ldpub query from records that were not validated"
                      if made_by_query else "the shapes changed since the query store's data was validated")
    return opened, None


def ontology_graph(ontology) -> tuple[str | None, str]:
    """The ontology's IRI (the first, in IRI order, of its ``owl:Ontology`` nodes; None if it
    declares none) and the name of the named graph that holds it."""
    import pyoxigraph as ox

    nodes = sorted(t.subject.value for t in ontology
                   if t.predicate.value == _RDF_TYPE and isinstance(t.subject, ox.NamedNode)
                   and isinstance(t.object, ox.NamedNode) and t.object.value == _OWL_ONTOLOGY)
    return (nodes[0] if nodes else None), (nodes[0] if nodes else "urn:ldpub:ontology")


def project_graphs(store) -> tuple[list, bool]:
    """The store's named graphs but :data:`ONTOLOGY_BEYOND_DATA` (the server's bookkeeping, not a
    graph of the project's), sorted; and whether the store holds that one (the layout above)."""
    import pyoxigraph as ox

    graphs = [g for g in store.named_graphs() if isinstance(g, ox.NamedNode)]
    others = sorted((g for g in graphs if g.value != ONTOLOGY_BEYOND_DATA), key=str)
    return others, len(others) < len(graphs)


def query_options(store) -> dict:
    """The options (``Store.query`` keyword arguments) of a project's query on its store: the
    default graph, and the named graphs but :data:`ONTOLOGY_BEYOND_DATA`: ``GRAPH ?g`` finds the
    ontology's graph only."""
    others, layout = project_graphs(store)
    return {"named_graphs": others} if layout else {}


def add_ontology(store, ontology) -> None:
    """Add the ontology (pyoxigraph Triples) to a store that holds the data alone, in the
    layout described above: to the default graph, to its named graph, and the triples the data
    lacks to :data:`ONTOLOGY_BEYOND_DATA`."""
    import pyoxigraph as ox

    ontology = list(ontology)
    beyond = [t for t in ontology if ox.Quad(t.subject, t.predicate, t.object) not in store]
    named, rest = ox.NamedNode(ontology_graph(ontology)[1]), ox.NamedNode(ONTOLOGY_BEYOND_DATA)
    store.bulk_extend(ox.Quad(t.subject, t.predicate, t.object) for t in ontology)
    store.bulk_extend(ox.Quad(t.subject, t.predicate, t.object, named) for t in ontology)
    store.bulk_extend(ox.Quad(t.subject, t.predicate, t.object, rest) for t in beyond)


# ---------------------------------------------------------------------------------- writing
class StoreWriter:
    """Makes a new store in a temporary folder; :meth:`commit` makes it the current one in one step."""

    def __init__(self, cache_dir: Path, data_path: Path, start_from: Path | None = None) -> None:
        """A new, empty store; or, with ``start_from`` (a store's ``db`` folder, which the caller
        holds a lock on), a copy of that one to change: its table files, which RocksDB never
        changes, are hard links (copies across file systems), the rest is copied."""
        import pyoxigraph as ox

        self.root = store_folder(cache_dir, data_path)
        self.root.mkdir(parents=True, exist_ok=True)
        self.name = f"{os.getpid()}-{os.urandom(4).hex()}"
        self.tmp = self.root / f".tmp-{self.name}"
        self.tmp.mkdir()
        self.store = None
        try:
            if start_from is not None:
                _copy_db(start_from, self.tmp / "db")
            self.store = ox.Store(str(self.tmp / "db"))
        except BaseException:
            self.discard()
            raise

    def load_ntriples(self, *, path: Path | None = None, lines: list[str] | None = None) -> None:
        """Add N-Triples (a file, or lines) to the default graph, a part of about
        :data:`CHUNK_BYTES` at a time: pyoxigraph's bulk loader holds what one call gives it in
        memory (0.9 GB for 1.1 M triples at once, 0.2 GB in parts). Blank nodes are told apart
        per call, so data with any (or a ``_:`` anywhere) is loaded in one call."""
        import pyoxigraph as ox

        from .ntriples import lines_bytes

        fmt = ox.RdfFormat.N_TRIPLES
        if path is not None:
            import mmap

            with open(path, "rb") as handle:
                size = os.fstat(handle.fileno()).st_size
                if size == 0:
                    return
                with mmap.mmap(handle.fileno(), 0, access=mmap.ACCESS_READ) as data:
                    blank = data.find(b"_:") != -1
                if blank:
                    self.store.bulk_load(path=str(path), format=fmt)
                    return
                while part := handle.readlines(CHUNK_BYTES):
                    self.store.bulk_load(b"".join(part), format=fmt)
        elif lines:
            from itertools import repeat

            if any(map(str.__contains__, lines, repeat("_:"))):
                self.store.bulk_load(lines_bytes(lines), format=fmt)
                return
            step = max(1, CHUNK_BYTES // 160)  # lines of about 160 bytes
            for start in range(0, len(lines), step):
                self.store.bulk_load(lines_bytes(lines[start:start + step]), format=fmt)

    def apply(self, removed: list[str], added: list[str], ontology) -> None:
        """Remove the N-Triples lines ``removed`` and add ``added``. The ontology (the same: an
        incremental build needs the same one) stays as it is: a line removed that is also a
        triple of the ontology stays in the default graph, and joins :data:`ONTOLOGY_BEYOND_DATA`;
        a line added that is one leaves it. (Nothing else is written: rewriting the ontology
        would also bring its blank nodes twice, read again with other labels.)"""
        import pyoxigraph as ox

        from .ntriples import lines_bytes

        beyond = ox.NamedNode(ONTOLOGY_BEYOND_DATA)
        kept = {q.triple for g in list(self.store.named_graphs()) if g != beyond
                for q in self.store.quads_for_pattern(None, None, None, g)}  # the ontology (small)
        for triple in ox.parse(lines_bytes(removed), format=ox.RdfFormat.N_TRIPLES):
            if triple in kept:
                self.store.add(ox.Quad(triple.subject, triple.predicate, triple.object, beyond))
            else:
                self.store.remove(ox.Quad(triple.subject, triple.predicate, triple.object))
        added_triples = list(ox.parse(lines_bytes(added), format=ox.RdfFormat.N_TRIPLES))
        self.store.extend(ox.Quad(t.subject, t.predicate, t.object) for t in added_triples)
        for triple in added_triples:
            if triple in kept:
                self.store.remove(ox.Quad(triple.subject, triple.predicate, triple.object, beyond))

    def add_ontology(self, ontology) -> None:
        """Add the ontology (pyoxigraph Triples) to the data loaded (:func:`add_ontology`)."""
        add_ontology(self.store, ontology)

    def commit(self, inputs: Inputs, *, base_iri: str, prefixes: Mapping[str, str], context: dict,
               slugs: Mapping[str, str], triples: int) -> Path | None:
        """Close the store, describe it, and make it the current one (old ones no reader uses are
        removed); None, and the store discarded, when the current one is of a later generation
        (made from newer inputs, :func:`next_generation`)."""
        self.store.flush()
        self.store = None  # closes the database (pyoxigraph closes it when the Store is dropped)
        _write_slugs(self.tmp, slugs, base_iri)
        (self.tmp / "lock").write_bytes(b"")
        meta = {"format": _FORMAT, "key": inputs.key, "salt": inputs.salt, "taken_ns": inputs.taken_ns,
                "generation": inputs.generation, "files": inputs.files, "base_iri": base_iri,
                "prefixes": dict(prefixes), "context": context, "triples": triples,
                "validated": inputs.validated, "db": _db_stamps(self.tmp / "db")}
        (self.tmp / _META).write_text(json.dumps(meta, ensure_ascii=False), encoding="utf-8")
        with _Locked(self.root / _COMMIT_LOCK):
            current = _current(self.root)
            if _generation(_read_meta(current) if current is not None else None) > inputs.generation:
                self.discard()  # a newer build's store is current: never go back to older inputs
                return None
            folder = self.root / f"store-{self.name}"
            os.rename(self.tmp, folder)
            self.tmp = None
            pointer = self.root / f".current.tmp-{self.name}"
            pointer.write_text(folder.name + "\n", encoding="utf-8")
            os.replace(pointer, self.root / "current")
            _remove_unused(self.root, folder.name)  # under the lock: another writer's new store is never taken for an old one
        return folder

    def discard(self) -> None:
        """Remove the store being made (a failed build leaves the current one as it was)."""
        import shutil

        self.store = None
        if self.tmp is not None:
            shutil.rmtree(self.tmp, ignore_errors=True)
            self.tmp = None


def _remove_unused(root: Path, current: str) -> None:
    """Remove stores other than ``current`` that no reader holds, and what dead writers left:
    their temporary folders, and the job folders of detached makers that died (or never started)."""
    import fcntl
    import shutil

    from .output import _pid_alive

    for entry in os.scandir(root):
        if _JOB.fullmatch(entry.name):
            if not maker_running(Path(entry.path)):
                shutil.rmtree(entry.path, ignore_errors=True)
        elif entry.name.startswith("store-") and entry.name != current:
            try:
                fd = os.open(os.path.join(entry.path, "lock"), os.O_RDONLY)
            except OSError:
                shutil.rmtree(entry.path, ignore_errors=True)  # never complete: no reader can hold it
                continue
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except OSError:
                os.close(fd)
                continue  # a reader has it open: the next writer removes it
            try:
                os.unlink(os.path.join(entry.path, _META))  # readers that come later see it gone
                shutil.rmtree(entry.path, ignore_errors=True)
            finally:
                os.close(fd)
        elif match := re.fullmatch(r"\.(?:tmp|current\.tmp)-(\d+)-[0-9a-f]+", entry.name):
            pid = int(match.group(1))
            if pid != os.getpid() and not _pid_alive(pid):
                if entry.is_dir(follow_symlinks=False):
                    shutil.rmtree(entry.path, ignore_errors=True)
                else:
                    try:
                        os.unlink(entry.path)
                    except OSError:
                        pass


def _copy_db(source: Path, target: Path) -> None:
    import shutil

    target.mkdir()
    for entry in os.scandir(source):
        if entry.name == "LOCK" or entry.name.startswith("LOG"):
            continue
        if entry.name.endswith(".sst"):
            try:
                os.link(entry.path, target / entry.name)
                continue
            except OSError:
                pass
        shutil.copyfile(entry.path, target / entry.name)


def save_build(build, inputs: Inputs, cache_dir: Path, *, nt_path: Path | None = None,
               progress: Progress | None = None) -> Path | None:
    """Make the store of a build (its data: ``nt_path`` or its lines, and its ontology) and make it
    current; None if it could not be written (the cache is a convenience: never an error) or a
    store of newer inputs became current meanwhile (``inputs.generation``).

    ``ldpub build`` calls it in a detached process (:mod:`ldpub.storemaker`, with a ``build``
    read back from what the build left for it), or in its own with ``--query-store foreground``;
    a query calls it when it makes the store itself.
    An incremental build's store keeps the last store's answers when no triple changed
    (:func:`ldpub.answercache.carry_over`); the named queries' answers are evaluated after the
    store is current (:func:`keep_named_answers`), so that readers need not wait for them.

    An incremental build (``build.data_changes``) whose last build left the current store
    changes a copy of that store (:meth:`StoreWriter.apply`) instead of loading everything."""
    if not room_for(MAKE_BYTES):
        return None
    writer = None
    lock = None
    try:
        if progress is not None:
            progress("loading the query store", None, build.triple_count)
        previous = _previous_for(build, inputs, cache_dir)
        if previous is not None:
            folder, lock = previous
            writer = StoreWriter(cache_dir, build.data_path, start_from=folder / "db")
            os.close(lock)
            lock = None
            removed, added, _ = build.data_changes
            writer.apply(removed, added, build.ontology_triples)
        else:
            writer = StoreWriter(cache_dir, build.data_path)
            if nt_path is not None:
                writer.load_ntriples(path=nt_path)
            else:
                writer.load_ntriples(lines=build.lines)
            writer.add_ontology(build.ontology_triples)
            writer.store.optimize()  # one compaction: queries then read about half as much (docs/performance.md)
        from .answercache import carry_over

        carry_over(writer.tmp, build, previous[0] if previous else None)
        return writer.commit(inputs, base_iri=build.project.base_iri, prefixes=build.prefixes, context=build.context,
                             slugs=build.slugs,
                             triples=build.triple_count)
    except (OSError, ValueError, RuntimeError, SyntaxError):
        if writer is not None:
            writer.discard()
        return None
    finally:
        if lock is not None:
            os.close(lock)


def keep_named_answers(folder: Path | None, build, progress: Progress | None = None) -> None:
    """Keep, in the current store ``folder`` that :func:`save_build` made for ``build``, the
    answers of the project's named queries that need no parameter value
    (:func:`ldpub.answercache.precompute`), unless ``build`` is an incremental one
    (:func:`ldpub.answercache.wanted`). The store is opened read-only under a shared lock, as
    readers open it: a newer build never removes it meanwhile, and readers use it meanwhile
    (what they ask is kept by them). Never an error: answers are a convenience."""
    from .answercache import precompute, wanted

    if folder is None or not wanted(build) or not room_for(OPEN_BYTES):
        return
    lock = _lock_shared(folder)
    if lock is None:
        return
    try:
        import pyoxigraph as ox

        store = ox.Store.read_only(str(folder / "db"))
        precompute(store, folder, build, progress=progress)
    except (OSError, ValueError, RuntimeError, SyntaxError):
        pass
    finally:
        os.close(lock)


def _previous_for(build, inputs: Inputs, cache_dir: Path) -> tuple[Path, int] | None:
    """The current store and a shared lock on it, if it holds the data an incremental build
    started from: made from the records files the last build read (their digests), with the
    same ldpub, ontology and settings (the same salt: an incremental build needs it too)."""
    changes = getattr(build, "data_changes", None)
    if not changes:
        return None
    from itertools import chain, repeat

    if any(map(str.__contains__, chain(changes[0], changes[1]), repeat("_:"))):
        return None  # blank nodes read again are new ones: load everything
    folder = _current(store_folder(cache_dir, build.data_path))
    meta = _read_meta(folder) if folder is not None else None
    if meta is None or meta.get("salt") != inputs.salt:
        return None
    try:
        made_from = {display: entry[4] for display, entry in meta["files"].items()}
    except (KeyError, TypeError, IndexError, AttributeError):
        return None
    if made_from != changes[2]:
        return None
    fd = _lock_shared(folder)
    if fd is None:
        return None
    if _db_stamps(folder / "db") != meta.get("db"):
        os.close(fd)
        return None
    return folder, fd


def ensure_store(project, data_path: Path, cache_dir: Path, *, notify: Callable[[str], None] | None = None,
                 progress: Progress | None = None) -> OpenStore:
    """The query store of ``data_path``: the current one, opened read-only, if it matches the
    inputs; else made again from the records (``notify`` hears why) and kept for the next
    run. If it cannot be kept on disk (or a memory limit leaves no room for one), the store made
    in memory."""
    if not room_for(OPEN_BYTES):
        from .pipeline import compile_project

        return in_memory(compile_project(project, data_path, validate=False, progress=progress))
    opened, inputs = open_store(project, data_path, cache_dir, notify=notify)
    if opened is not None:
        return opened
    from .pipeline import compile_project

    if not room_for(MAKE_BYTES):
        return in_memory(compile_project(project, data_path, validate=False, progress=progress))
    if notify is not None:
        if _current(store_folder(cache_dir, data_path)) is None:
            notify(f"no query store of {project.name} yet: making it from the records (ldpub build leaves one)")
        else:
            notify(f"the query store of {project.name} is not that of the current records, ontology, settings "
                   "and ldpub (or is damaged): making it again (ldpub build keeps it current)")
    try:  # a generation before the inputs are read again (cheaply: their digests are known)
        generation = next_generation(cache_dir, data_path)
        inputs = current_inputs(project, data_path, inputs)
        inputs.generation = generation
    except OSError:
        pass  # the store cannot be written: save_build says so by returning None
    build = compile_project(project, data_path, validate=False, progress=progress)
    # made for one query: the named queries' answers are kept as they are asked, not all now
    save_build(build, inputs, cache_dir, progress=progress)
    again, _ = open_store(project, data_path, cache_dir, inputs, wait=0)  # ours, or a newer build's of the same inputs
    if again is not None:
        again.rebuilt = True
        return again
    return in_memory(build)


def in_memory(build) -> OpenStore:
    """The build's data and ontology in an in-memory store (when none can be kept on disk)."""
    from .graphstore import store_from_lines

    store = store_from_lines(build.lines)  # in their (sorted) order, then the ontology
    add_ontology(store, build.ontology_triples)
    meta = {"prefixes": build.prefixes, "context": build.context, "triples": build.triple_count}
    return OpenStore(store, None, meta, build.slugs, rebuilt=True)
