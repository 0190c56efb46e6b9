"""The releases published before this one: what DCAT 3 versioning and the dates need of them.

Releases of a dataset sit side by side (``releases/1.0.0/``, ``releases/1.1.0/``...). A new
release is a version of the version-independent dataset (``dcat:hasVersion``), follows the
highest older one (``dcat:previousVersion``), and inherits the date the dataset was first
issued. Each of these facts is read from the older releases' own ``catalog.ttl`` (the IRI of
each release's dataset, its date, the first issue it recorded), so nothing is guessed from
folder names beyond the version itself. Releases newer than the one being published are left
out: publishing 1.0.1 after 1.1.0 describes the world as 1.0.1 knew it, and publishing the same
version again from the same inputs gives the same files.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from pathlib import Path

__all__ = ["PublishedVersion", "VERSION_NAME", "version_key", "older_releases", "read_release"]

VERSION_NAME = re.compile(r"^[0-9A-Za-z][0-9A-Za-z.+_-]*$")
MAX_CATALOG_BYTES = 16 * 1024 * 1024  # a release's catalog is a few KB: a larger one is not read

DCAT = "http://www.w3.org/ns/dcat#"
DCT = "http://purl.org/dc/terms/"
RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"


def version_key(name: str) -> tuple:
    """Sort key for version strings: numeric parts compare as numbers (0.10 > 0.9)."""
    return tuple((0, int(p), "") if p.isdigit() else (1, 0, p) for p in re.split(r"[.+_-]", name))


@dataclass(frozen=True)
class PublishedVersion:
    """A release on disk, as its catalog describes it."""

    version: str
    folder: Path
    dataset_iri: str | None  # None when the folder has no readable catalog
    date: dt.date | None  # the release's own date (its dataset's dct:modified)
    first_issued: dt.date | None  # when the dataset was first issued, as this release recorded it


def _date(value: str) -> dt.date | None:
    try:
        return dt.date.fromisoformat(value[:10])
    except ValueError:
        return None


def read_release(folder: Path) -> PublishedVersion:
    """What ``folder``'s ``catalog.ttl`` says about its release (fields None where it says nothing)."""
    import pyoxigraph as ox

    folder = Path(folder).resolve()
    catalog = folder / "catalog.ttl"
    empty = PublishedVersion(folder.name, folder, None, None, None)
    try:
        if not catalog.is_file() or catalog.stat().st_size > MAX_CATALOG_BYTES:
            return empty
        store = ox.Store()
        store.load(path=str(catalog), format=ox.RdfFormat.TURTLE)
    except (OSError, SyntaxError, ValueError):
        return empty
    rows = list(store.query(
        f"SELECT ?d ?modified ?issued ?first WHERE {{ ?d a <{DCAT}Dataset> ; <{DCAT}version> ?v . "
        f"FILTER(STR(?v) = {_sparql_string(folder.name)}) "
        f"OPTIONAL {{ ?d <{DCT}modified> ?modified }} OPTIONAL {{ ?d <{DCT}issued> ?issued }} "
        f"OPTIONAL {{ ?series <{DCAT}hasCurrentVersion> ?d ; <{DCT}issued> ?first }} }} ORDER BY ?d LIMIT 1"))
    if not rows:
        return empty
    row = rows[0]

    def value(name: str) -> dt.date | None:
        term = row[name]
        return _date(term.value) if term is not None else None

    date = value("modified") or value("issued")
    return PublishedVersion(folder.name, folder, row["d"].value, date, value("first") or date)


def _sparql_string(text: str) -> str:
    import json

    return json.dumps(text)


def older_releases(out_dir: Path, version: str, previous: Path | None = None) -> list[PublishedVersion]:
    """The releases beside ``out_dir`` with a version below ``version`` (and ``previous``, when
    given and elsewhere), oldest first."""
    out_dir = Path(out_dir)
    parent = out_dir.resolve().parent
    mine = version_key(version)
    folders: dict[Path, None] = {}
    if parent.is_dir():
        for p in sorted(parent.iterdir()):
            if (p.is_dir() and p.name != out_dir.name and VERSION_NAME.match(p.name)
                    and (p / "dataset.nt").is_file() and version_key(p.name) < mine):
                folders[p.resolve()] = None
    if previous is not None and Path(previous).is_dir():
        folders.setdefault(Path(previous).resolve(), None)
    found = [read_release(p) for p in folders]
    return sorted(found, key=lambda r: (version_key(r.version), str(r.folder)))
