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

__all__ = ["Build", "compile_project", "write_build", "build_files", "DATASET_FILES"]

DATASET_FILES = ("dataset.ttl", "dataset.nt", "dataset.jsonld", "context.jsonld", "ontology.ttl", "shapes.ttl")


@dataclass
class Build:
    """Everything one run of the pipeline produced, in memory."""

    project: Project
    vocab: Vocabulary
    records: list[Record]
    mapped: MappedGraph
    triples: list  # sorted, unique
    ontology_triples: list
    shape_triples: list
    prefixes: dict[str, str]
    context: dict
    report: Report = field(default_factory=Report)

    def store(self):
        """The dataset in a pyoxigraph Store (built on first use)."""
        if getattr(self, "_store", None) is None:
            from .graphstore import new_store

            self._store = new_store(self.triples)
        return self._store


def compile_project(project: Project, data_dir: Path | None = None, *, validate: bool = True, engine: str = "fast") -> Build:
    """Load the ontology, shapes and records, map them to RDF and (optionally) validate."""
    import gc

    collecting = gc.isenabled()
    gc.disable()  # the pipeline allocates millions of small objects and frees none: skip the cyclic GC scans
    try:
        return _compile(project, data_dir, validate, engine)
    finally:
        if collecting:
            gc.enable()


def _compile(project: Project, data_dir: Path | None, validate: bool, engine: str) -> Build:
    from .context import build_context
    from .graphstore import sorted_triples
    from .validate import load_shapes, shacl_findings

    vocab = load_vocabulary(project.ontology_path)
    ontology_store = vocab.store
    shapes_store, shape_prefixes = load_shapes(project.shapes_path)
    data_path = Path(data_dir) if data_dir else project.data_path
    records = load_records(data_path, relative_to=project.root, cache_dir=_cache_dir(project))
    mapped = map_records(records, vocab, project.base_iri, project.language)
    triples = sorted_triples(mapped.triples)
    prefixes = {**vocab.prefixes, project.data_prefix: project.base_iri}
    build = Build(
        project=project,
        vocab=vocab,
        records=records,
        mapped=mapped,
        triples=triples,
        ontology_triples=sorted_triples(q.triple for q in ontology_store),
        shape_triples=sorted_triples(q.triple for q in shapes_store),
        prefixes=prefixes,
        context=build_context(vocab, project.data_prefix, project.base_iri, project.language),
    )
    if validate:
        build.report.checks.append("shacl")
        build.report.extend(
            shacl_findings(build.triples, build.shape_triples, build.ontology_triples, mapped.source_map, vocab, engine)
        )
    return build


def _cache_dir(project: Project) -> Path | None:
    """The record cache of this project, in the user's cache folder; ``LDPUB_CACHE=0`` turns it off.

    The cache holds pickles, so it never lives in the project folder: a cloned repository
    must not be able to supply one. Default ``$XDG_CACHE_HOME/ldpub`` (``~/.cache/ldpub``),
    or ``LDPUB_CACHE_DIR``; one subfolder per project path.
    """
    import hashlib
    import os

    if os.environ.get("LDPUB_CACHE", "1").lower() in ("0", "no", "false", "off"):
        return None
    base = os.environ.get("LDPUB_CACHE_DIR") or os.path.join(
        os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache"), "ldpub"
    )
    key = hashlib.sha256(str(project.root.resolve()).encode()).hexdigest()[:16]
    return Path(base) / key


def _file_makers(build: Build) -> dict:
    """Output file name -> a function producing its bytes (deterministic)."""
    import json

    from .serialize import FORMATS, WriteContext

    ctx = WriteContext(prefixes=build.prefixes, jsonld_context=build.context)
    vocab_ctx = WriteContext(prefixes=build.vocab.prefixes)
    return {
        "dataset.ttl": lambda: FORMATS["turtle"].writer(build.triples, ctx),
        "dataset.nt": lambda: FORMATS["ntriples"].writer(build.triples, ctx),
        "dataset.jsonld": lambda: FORMATS["jsonld"].writer(build.triples, ctx),
        "context.jsonld": lambda: (json.dumps({"@context": build.context}, indent=2, ensure_ascii=False) + "\n").encode(),
        "ontology.ttl": lambda: FORMATS["turtle"].writer(build.ontology_triples, vocab_ctx),
        "shapes.ttl": lambda: FORMATS["turtle"].writer(build.shape_triples, vocab_ctx),
    }


def build_files(build: Build) -> dict[str, bytes]:
    """The output files of a build (name -> bytes), deterministic."""
    return {name: make() for name, make in _file_makers(build).items()}


def _writing(make):
    return lambda path: path.write_bytes(make())


def write_build(build: Build, out_dir: Path) -> list[Path]:
    """Write the build's files into ``out_dir`` atomically."""
    from .output import write_files

    from .serialize import WriteContext, stream_writer

    # each file is made while it is written (one output in memory at a time); Turtle and
    # N-Triples stream from pyoxigraph into the file (at 100k records: ~400 MB less peak memory)
    ctx = WriteContext(prefixes=build.prefixes, jsonld_context=build.context)
    streamed = {"dataset.ttl": stream_writer("turtle", build.triples, ctx),
                "dataset.nt": stream_writer("ntriples", build.triples, ctx)}
    return write_files(out_dir, {name: streamed.get(name) or _writing(make)
                                 for name, make in _file_makers(build).items()})
