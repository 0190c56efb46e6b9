"""Exports in the layouts other projects' tools read: a registry of formats.

Each format is an :class:`ExportFormat`: a name, a one-line description, the file extension and
media type, and a function that turns a build into bytes. Formats read the project's data
through its profile (:mod:`ldpub.profile`: which properties are actors, places, dates, counts,
codes, grades) and its crosswalks (``skos:exactMatch``/``broadMatch`` from its classes, a
record's own ``code``, to the codebook concept schemes): nothing here names a term of one
project's domain, so any project that maps its classes to the same schemes gets the same export.

    >>> sorted(EXPORTS)
    ['acled', 'nanopub', 'rdf12', 'relations', 'ucdp']

Column by column: ``docs/exports.md``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

__all__ = ["ExportFormat", "EXPORTS", "export"]


@dataclass(frozen=True)
class ExportFormat:
    """One export: ``make(build, only_layout=...)`` returns the file's bytes."""

    name: str
    description: str
    extension: str
    media_type: str
    module: str  # imported on first use (exports load pyoxigraph)
    function: str

    def make(self, build, *, only_layout: bool = False) -> bytes:
        import importlib

        return getattr(importlib.import_module(self.module), self.function)(build, only_layout=only_layout)

    def rows(self, data: bytes) -> int | None:
        """The number of data rows of a CSV export (its header excluded); ``None`` for other formats."""
        if self.extension != "csv":
            return None
        import csv
        import io

        return max(sum(1 for _ in csv.reader(io.StringIO(data.decode("utf-8")))) - 1, 0)


EXPORTS: dict[str, ExportFormat] = {f.name: f for f in (
    ExportFormat("ucdp", "events in the column layout of the UCDP Georeferenced Event Dataset (GED)", "csv", "text/csv",
                 "ldpub.export.ucdp", "ucdp_csv"),
    ExportFormat("acled", "events in the column layout of ACLED", "csv", "text/csv", "ldpub.export.acled", "acled_csv"),
    ExportFormat("relations", "relations between groups in the layout of Mapping Militants' links", "csv", "text/csv",
                 "ldpub.export.relations", "relations_csv"),
    ExportFormat("nanopub", "every statement record as a nanopublication (TriG)", "trig", "application/trig",
                 "ldpub.export.nanopub", "nanopubs_trig"),
    ExportFormat("rdf12", "the dataset as RDF 1.2: each relation record the reifier of its direct triple (Turtle 1.2)",
                 "ttl", "text/turtle", "ldpub.export.rdf12", "rdf12_turtle"),
)}


def export(build, name: str, *, only_layout: bool = False) -> bytes:
    """The bytes of export ``name`` of ``build`` (a :class:`ldpub.pipeline.Build`)."""
    return EXPORTS[name].make(build, only_layout=only_layout)
