"""The build pipeline: project -> ontology + records -> RDF -> validation -> files.

:func:`compile_project` is pure (reads inputs, returns a :class:`Build`); :func:`write_build`
writes it. Queries, publishing and serving start from a :class:`Build` too.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from .config import Project
from .mapping import MappedGraph, map_records
from .ontology import Vocabulary, load_vocabulary
from .records import Record, load_records
from .report import Report

__all__ = ["Build", "compile_project", "build_project", "validate_build", "write_build", "build_files", "DATASET_FILES"]

DATASET_FILES = ("dataset.ttl", "dataset.nt", "dataset.jsonld", "context.jsonld", "ontology.ttl", "shapes.ttl")


@dataclass
class Build:
    """Everything one run of the pipeline produced, in memory.

    The data graph is kept as its sorted, unique N-Triples lines (:mod:`ldpub.ntriples`);
    pyoxigraph Triples, the records and the source map are made on first use (a parallel
    build never needs them unless something fails).
    """

    project: Project
    vocab: Vocabulary
    _lines: list[str] | None  # the data: sorted, unique N-Triples lines (see the property lines)
    slugs: dict[str, str]  # slug -> IRI
    record_count: int
    data_path: Path
    ontology_triples: list
    shape_triples: list
    prefixes: dict[str, str]
    context: dict
    report: Report = field(default_factory=Report)
    _records: list[Record] | None = field(default=None, repr=False)
    _mapped: MappedGraph | None = field(default=None, repr=False)
    _triples: list | None = field(default=None, repr=False)
    _store: object = field(default=None, repr=False)
    _lines_file: Path | None = field(default=None, repr=False)  # a dataset.nt holding the lines, read on first use
    _triple_count: int = field(default=0, repr=False)
    #: an incremental build (ldpub.incremental): (records files mapped again, records files); None: a clean build
    rebuilt: tuple[int, int] | None = None
    #: an incremental build: (N-Triples lines gone, lines added, the digest of each records file of the
    #: last build), so that the query store is changed rather than loaded again (ldpub.querystore)
    data_changes: tuple | None = field(default=None, repr=False)

    @property
    def lines(self) -> list[str]:
        """The data: sorted, unique N-Triples lines (an incremental build reads them on first use)."""
        if self._lines is None:
            self._lines = self._lines_file.read_text(encoding="utf-8").split(" .\n")[:-1] if self._lines_file else []
        return self._lines

    @lines.setter
    def lines(self, lines: list[str]) -> None:
        self._lines = lines

    @property
    def triple_count(self) -> int:
        """How many triples the data holds (without reading them)."""
        return len(self._lines) if self._lines is not None else self._triple_count

    @property
    def triples(self) -> list:
        """The data as pyoxigraph Triples, sorted (parsed from :attr:`lines` on first use)."""
        if self._triples is None:
            from .ntriples import parse_lines

            self._triples = parse_lines(self.lines)
        return self._triples

    @triples.setter
    def triples(self, triples: list) -> None:
        from .graphstore import sorted_triples

        self._triples = sorted_triples(triples)
        self.lines = [str(t) for t in self._triples]
        self._store = None

    @property
    def records(self) -> list[Record]:
        """The records (read again, from the record cache, when the build did not keep them)."""
        if self._records is None:
            from .limits import project_limits

            self._records = load_records(self.data_path, relative_to=self.project.root,
                                         cache_dir=_cache_dir(self.project),
                                         max_file_bytes=project_limits(self.project).max_file_bytes)
        return self._records

    @property
    def mapped(self) -> MappedGraph:
        """The records mapped again in this process: where each node came from (source map)."""
        if self._mapped is None:
            self._mapped = map_records(self.records, self.vocab, self.project.base_iri, self.project.language)
        return self._mapped

    def store(self):
        """The dataset in a pyoxigraph Store (built on first use)."""
        if self._store is None:
            from .graphstore import store_from_lines

            self._store = store_from_lines(self.lines)
        return self._store


class _LazySourceMap:
    """Locates nodes through :attr:`Build.mapped`, which is only made when a finding needs it.

    A node outside the dataset (a named individual of the ontology, which the data graph
    holds too) is located at its declaration in the ontology file.
    """

    def __init__(self, build: Build) -> None:
        self.build = build
        self._ontology = None

    def locate(self, node: str, predicate: str | None = None):
        if not node.startswith(self.build.project.base_iri):
            if self._ontology is None:
                from .turtle_lines import index_turtle

                self._ontology = index_turtle(self.build.vocab.files, self.build.project.root)
            where = self._ontology.declared.get(node)
            if where is not None:
                from .errors import Location

                return Location(where.file, where.line, where.column, self.build.vocab.curie(node))
        return self.build.mapped.source_map.locate(node, predicate)


class _FileLocator(_LazySourceMap):
    """Locates a data node by mapping again only the records file whose record made it
    (an incremental build has no records of the files it did not map)."""

    def __init__(self, build: Build, slug_files: dict[str, str]) -> None:
        super().__init__(build)
        self.slug_files = slug_files
        self.maps: dict[str, object] = {}

    def locate(self, node: str, predicate: str | None = None):
        from .mapping import child_separator

        base = self.build.project.base_iri
        if not node.startswith(base):
            return super().locate(node, predicate)
        display = self.slug_files.get(node[len(base):].split(child_separator(base + "x"), 1)[0])
        if display is None:
            return None
        source_map = self.maps.get(display)
        if source_map is None:
            from .limits import project_limits
            from .records import load_files

            project = self.build.project
            path = Path(display) if Path(display).is_absolute() else project.root / display
            records, _ = load_files([(path, display)], _cache_dir(project), project_limits(project).max_file_bytes)
            source_map = self.maps[display] = map_records(records, self.build.vocab, base, project.language,
                                                          known_slugs=self.slug_files.keys()).source_map
        return source_map.locate(node, predicate)


def compile_project(project: Project, data_dir: Path | None = None, *, validate: bool = True, engine: str = "ldpub",
                    jobs: int | None = None, progress=None) -> Build:
    """Load the ontology, shapes and records, map them to RDF and (optionally) validate.

    ``jobs``: processes loading and mapping records (default: :func:`ldpub.workers.default_jobs`,
    two on a multi-core machine for large data folders, else one). ``progress(phase, done,
    total)`` hears how far it is (phases: reading records, mapping records, validating).
    """
    import gc

    from .limits import memory_guard

    shown = _shown_data(project, data_dir)
    collecting = gc.isenabled()
    gc.disable()  # the pipeline allocates millions of small objects and frees none: skip the cyclic GC scans
    try:
        with memory_guard("reading and mapping the records", shown):
            build, loaded = _compile(project, data_dir, jobs, progress=progress)
        if loaded.helper is not None:
            loaded.helper.close()
        if validate:
            if progress is not None:
                progress("validating", None, build.triple_count)
            with memory_guard("validating the data", shown):
                validate_build(build, engine)
        return build
    finally:
        if collecting:
            gc.enable()


def _shown_data(project: Project, data_dir: Path | None) -> str:
    """The data folder as messages show it (relative to the project where it is inside it)."""
    path = Path(data_dir) if data_dir else project.data_path
    return str(path.relative_to(project.root)) if path.is_absolute() and path.is_relative_to(project.root) else str(path)


def validate_build(build: Build, engine: str = "ldpub") -> None:
    """SHACL-validate the build's data; findings go into ``build.report``."""
    from .validate import shacl_findings

    build.report.checks.append("shacl")
    build.report.extend(shacl_findings(build.lines, build.shape_triples, build.ontology_triples,
                                       _LazySourceMap(build), build.vocab, engine, unique=True))


def _compile(project: Project, data_dir: Path | None, jobs: int | None, prewrite: Path | None = None,
             progress=None):
    """The build (not validated), and how its data was loaded (with the helper process, if any).

    ``prewrite``: a folder where a helper process (if one is used) writes the Turtle file and
    makes the second part of the JSON-LD (:data:`ldpub.workers.JSONLD_MAIN_SHARE`).
    """
    from .context import build_context
    from .graphstore import sorted_triples
    from .serialize import WriteContext
    from .validate import load_shapes
    from .workers import load_and_map

    vocab = load_vocabulary(project.ontology_path)
    ontology_store = vocab.store
    shapes_store, shape_prefixes = load_shapes(project.shapes_path)
    data_path = Path(data_dir) if data_dir else project.data_path
    prefixes = {**vocab.prefixes, project.data_prefix: project.base_iri}
    context = build_context(vocab, project.data_prefix, project.base_iri, project.language)
    ctx = WriteContext(prefixes=prefixes, jsonld_context=context)
    loaded = load_and_map(project, vocab, data_path, _cache_dir(project), jobs,
                          (str(prewrite), ctx) if prewrite is not None else None, progress)
    build = Build(
        project=project,
        vocab=vocab,
        _lines=loaded.lines,
        slugs=loaded.slugs,
        record_count=loaded.record_count,
        data_path=data_path,
        ontology_triples=sorted_triples(q.triple for q in ontology_store),
        shape_triples=sorted_triples(q.triple for q in shapes_store),
        prefixes=prefixes,
        context=context,
        _records=loaded.records,
        _mapped=loaded.mapped,
    )
    return build, loaded


def _cache_dir(project: Project) -> Path | None:
    """The record cache of this project, in the user's cache folder (:func:`ldpub.config.cache_dir`)."""
    from .config import cache_dir

    return cache_dir(project)


def _write_context(build: Build):
    from .serialize import WriteContext

    return WriteContext(prefixes=build.prefixes, jsonld_context=build.context)


def _small_files(build: Build) -> dict:
    """The output files besides the data (name -> a function producing its bytes)."""
    import json

    from .serialize import FORMATS, WriteContext

    vocab_ctx = WriteContext(prefixes=build.vocab.prefixes)
    return {
        "context.jsonld": lambda: (json.dumps({"@context": build.context}, indent=2, ensure_ascii=False) + "\n").encode(),
        "ontology.ttl": lambda: FORMATS["turtle"].writer(build.ontology_triples, vocab_ctx),
        "shapes.ttl": lambda: FORMATS["turtle"].writer(build.shape_triples, vocab_ctx),
    }


def build_files(build: Build) -> dict[str, bytes]:
    """The output files of a build (name -> bytes), deterministic."""
    from .ntriples import lines_bytes
    from .serialize import FORMATS

    ctx = _write_context(build)
    data = {"dataset.ttl": lambda: FORMATS["turtle"].writer(build.triples, ctx),
            "dataset.nt": lambda: lines_bytes(build.lines),
            "dataset.jsonld": lambda: FORMATS["jsonld"].writer(build.triples, ctx)}
    makers = {**data, **_small_files(build)}
    return {name: makers[name]() for name in DATASET_FILES}


def _write_small(build: Build, folder: Path) -> None:
    for name, make in _small_files(build).items():
        (folder / name).write_bytes(make())


def write_build(build: Build, out_dir: Path, *, notify=None) -> list[Path]:
    """Write the build's files into ``out_dir`` all or nothing, in one step (:class:`ldpub.output.OutputSet`).

    ``notify`` receives a sentence for each leftover of an earlier run that was cleaned up.
    """
    from .limits import memory_guard
    from .output import OutputSet

    with OutputSet(out_dir, notify=notify) as staging:
        with memory_guard("writing the dataset files", out_dir):
            _write_staged(build, staging.path, None, out_dir)
        return staging.commit(list(DATASET_FILES))


def _write_staged(build: Build, folder: Path, helper, out: Path):
    """Write the build's files into the staging ``folder``; a helper process (if any) wrote its part.

    Returns where each subject's block starts in each data file (:class:`ldpub.datafiles.BlockOffsets`).
    """
    from array import array

    from .datafiles import BlockOffsets, jsonld_cut, jsonld_offsets, jsonld_part, write_dataset, write_ntriples
    from .serialize import JsonLdWriter
    from .workers import JSONLD_MAIN_SHARE

    ctx = _write_context(build)
    try:
        if helper is None:
            offsets = write_dataset(folder, build.lines, ctx, triples=build._triples)
        else:  # the helper writes Turtle and the second part of the JSON-LD
            lines = build.lines
            cut = jsonld_cut(lines, JSONLD_MAIN_SHARE)
            head = jsonld_part(lines[:cut], ctx, continuation=False) if cut else None
            their_cut, rest = helper.receive("written")
            assert their_cut == cut, "both processes cut the JSON-LD at the same subject"
            parts = [head, rest] if head is not None else [rest]
            write_ntriples(folder / "dataset.nt", lines)
            with open(folder / "dataset.jsonld", "wb") as jsonld:
                for part in parts:
                    jsonld.write(part.data)
                jsonld.write(JsonLdWriter.FOOTER)
            offsets = BlockOffsets(None, None, jsonld_offsets(parts),
                                   array("q", [n for part in parts for n in part.node_lines]))
        _write_small(build, folder)
    except OSError as exc:
        from .output import write_error

        raise write_error(exc, out) from exc
    return offsets


def build_project(project: Project, data_dir: Path | None = None, out_dir: Path | None = None, *,
                  engine: str = "ldpub", jobs: int | None = None, notify=None,
                  progress=None, query_store: str | None = None) -> tuple[Build, list[Path]]:
    """Compile, validate and, when the data conforms, write the files: ``ldpub build``.

    Returns the build and the paths written (none when validation failed: the previous
    output is left as it was). In a parallel build the helper process writes Turtle and the
    second part of the JSON-LD while this process validates, then writes N-Triples and the
    first part of the JSON-LD; files are moved into place only if the data conforms, all in
    one step (:class:`ldpub.output.OutputSet`: a second build into the same folder is refused
    from the start; ``notify`` hears of leftovers of earlier runs that were cleaned up).

    Each build is kept in the user's cache (:mod:`ldpub.snapshot`), so that the next one
    maps, writes and validates again only what an edit changed (:mod:`ldpub.incremental`),
    with the same files and findings as a clean build. ``progress(phase, done, total)`` hears
    how far the build is (phases: reading records, mapping records, validating, writing, and
    loading the query store when it is made in the foreground).

    A build that writes its files also leaves the query store that ``ldpub query`` opens
    (:mod:`ldpub.querystore`), keyed by the inputs as they were when the build started:
    ``query_store`` (default ``LDPUB_QUERY_STORE``, :func:`ldpub.querystore.mode`) says how:
    ``background`` hands it to a detached process once the files are written (queries wait for
    it), ``foreground`` makes it before returning, ``off`` leaves none.
    """
    import gc

    from .limits import memory_guard
    from .output import OutputSet
    from .querystore import mode

    store_mode = mode(query_store)

    out = Path(out_dir) if out_dir else project.out_path
    shown = _shown_data(project, data_dir)
    data_path = Path(data_dir) if data_dir else project.data_path
    report = progress or (lambda phase, done=None, total=None: None)
    collecting = gc.isenabled()
    gc.disable()
    try:
        with OutputSet(out, notify=notify) as staging:
            store_inputs = _query_store_inputs(project, data_path, store_mode)  # before any input is read
            history = _history(project, data_path, engine)
            if history is not None and history.snapshot is not None:
                from .incremental import rebuild

                with memory_guard("rebuilding the edited records", shown):
                    build = rebuild(project, data_path, staging.path, out, history, _cache_dir(project), report)
                history.close()
                if build is not None:
                    if not build.report.conforms:
                        return build, []
                    written = staging.commit(list(DATASET_FILES))
                    _keep_query_store(build, store_inputs, out, report, store_mode)
                    return build, written
            with memory_guard("reading and mapping the records", shown):
                build, loaded = _compile(project, data_dir, jobs, prewrite=staging.path, progress=progress)
            helper, finished = loaded.helper, False
            try:
                report("validating", None, build.triple_count)
                with memory_guard("validating the data", shown):
                    # meanwhile a helper process writes Turtle and part of the JSON-LD
                    units = _validate_units(build, history) if history is not None else validate_build(build, engine)
                if not build.report.conforms and history is None:
                    return build, []
                report("writing", None, build.triple_count)
                with memory_guard("writing the dataset files", out):
                    offsets = _write_staged(build, staging.path, helper, out)
                finished = True
                if history is not None and loaded.entries is not None:
                    history.save(staging.path, loaded.entries, loaded.hits, build.triple_count, offsets, units)
                if not build.report.conforms:
                    return build, []
                written = staging.commit(list(DATASET_FILES))
                _keep_query_store(build, store_inputs, out, report, store_mode)
                return build, written
            finally:
                if helper is not None:
                    helper.close(wait=finished)  # a helper still writing for a failed build is stopped
    finally:
        if collecting:
            gc.enable()


def _query_store_inputs(project: Project, data_path: Path, store_mode: str):
    """The inputs a query store of this build is keyed by, with its generation (None: no store is kept)."""
    from . import querystore

    cache = _cache_dir(project)
    if cache is None or store_mode == "off":
        return None
    try:
        generation = querystore.next_generation(cache, data_path)  # before the inputs are read
        inputs = querystore.current_inputs(project, data_path)
        # a build keeps its store only when its data conforms: validated against these shapes
        inputs.validated = querystore.validation_digest(project, inputs.salt)
    except Exception:  # the build itself reports what is wrong with them (an unwritable cache: no store)
        return None
    inputs.generation = generation
    return inputs


def _keep_query_store(build: Build, inputs, out: Path, progress, store_mode: str) -> None:
    """Leave the query store of a build whose files were written (:mod:`ldpub.querystore`): made by a
    detached process after this one returns (:mod:`ldpub.storemaker`), or here (``foreground``)."""
    if inputs is None:
        return
    if store_mode == "foreground":
        from .querystore import keep_named_answers, save_build

        folder = save_build(build, inputs, _cache_dir(build.project), nt_path=out / "dataset.nt", progress=progress)
        keep_named_answers(folder, build, progress)
    else:
        from .storemaker import detach

        detach(build, inputs, _cache_dir(build.project), out / "dataset.nt")


def _history(project: Project, data_path: Path, engine: str):
    """The kept builds of this data folder (None: builds are not kept, see :func:`ldpub.incremental.enabled`)."""
    from .incremental import History, enabled
    from .validate import DEFAULT_ENGINE

    cache = _cache_dir(project)
    if cache is None or engine != DEFAULT_ENGINE or not enabled():
        return None
    return History.open(project, data_path, cache)


def _validate_units(build: Build, history) -> dict:
    """Validate every unit (:mod:`ldpub.revalidate`) into ``build.report``; the results per unit."""
    from .revalidate import flatten, full_validation, unit_ids
    from .validate import located_findings

    shape_lines = [str(t) for t in build.shape_triples]
    names = unit_ids(shape_lines)
    raw = {}
    if names is None:  # two root shapes look alike: no results kept for the next build
        from .validate import shacl_findings

        build.report.checks.append("shacl")
        build.report.extend(shacl_findings(build.lines, build.shape_triples, build.ontology_triples,
                                           _LazySourceMap(build), build.vocab, unique=True))
        return None
    raw = full_validation(build.lines, shape_lines, [str(t) for t in build.ontology_triples], names)
    build.report.checks.append("shacl")
    build.report.extend(located_findings(flatten(raw), _LazySourceMap(build), build.vocab))
    return raw
