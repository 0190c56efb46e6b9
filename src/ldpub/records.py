"""Curated YAML records, with the file, line and column of every value.

A records file is a YAML list of records. Each record has a slug (``id``), a ``type``
(an ontology class) and keys that are ontology terms::

    - id: zawahiri-pledge-to-akhundzada
      type: Pledge
      pledger: ayman-al-zawahiri
      pledgee: haibatullah-akhundzada
      date: "2016"
      publiclyAcknowledged: false
      supportedBy:
        - inSource: sarkar-2020
          quote: "After al-Zawahiri pledged allegiance to Taliban Emir Akhundzada in 2016"

A value is a scalar, a nested record (a mapping: a node of its own, typed by the property's
range unless it says ``type``), or a list of those.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterator, Union

from .errors import Location, Problem, RecordError

__all__ = ["Scalar", "Record", "Value", "load_records", "load_file", "load_files", "data_files", "slug_entries",
           "duplicate_slugs", "release", "SLUG_PATTERN", "RESERVED_KEYS"]

SLUG_PATTERN = re.compile(r"^[a-z0-9][a-z0-9-]*$")
RESERVED_KEYS = ("id", "type")


@dataclass(frozen=True, slots=True)
class Scalar:
    """A scalar value as written: its text, whether it was quoted, and where it is."""

    text: str
    quoted: bool
    line: int
    column: int


@dataclass(slots=True)
class Record:
    """A record (top-level or nested) with the positions of its keys."""

    slug: str | None
    types: list[Scalar]
    fields: dict[str, list["Value"]]
    file: str
    line: int
    key_lines: dict[str, int] = field(default_factory=dict)
    parent: "Record | None" = None

    @property
    def top(self) -> "Record":
        rec = self
        while rec.parent is not None:
            rec = rec.parent
        return rec

    def location(self, key: str | None = None, line: int | None = None) -> Location:
        top = self.top
        return Location(self.file, line or (self.key_lines.get(key) if key else None) or self.line, None, top.slug, key)


Value = Union[Scalar, Record]


def _err(file: str, node, message: str, record: str | None = None, hint: str | None = None, key: str | None = None,
         rule: str | None = None) -> Problem:
    mark = node.start_mark
    return Problem(message, Location(file, mark.line + 1, mark.column + 1, record, key), hint, rule)


_QUOTED = frozenset(("'", '"', "|", ">"))


def _scalar(node) -> Scalar:
    return Scalar(node.value, node.style in _QUOTED, node.start_mark.line + 1, node.start_mark.column + 1)


_YAML = None


def _yaml():
    """The yaml module (imported on first use; these functions run once per value)."""
    global _YAML
    if _YAML is None:
        import yaml

        _YAML = yaml
    return _YAML


def _values(file: str, node, problems: list[Problem], parent: Record, key: str) -> list[Value]:
    yaml = _yaml()
    ScalarNode = yaml.ScalarNode
    items = node.value if isinstance(node, yaml.SequenceNode) else [node]
    out: list[Value] = []
    for item in items:
        if isinstance(item, ScalarNode):
            if item.tag == "tag:yaml.org,2002:null" or (item.style is None and item.value in ("", "~", "null")):
                continue
            mark = item.start_mark
            out.append(Scalar(item.value, item.style in _QUOTED, mark.line + 1, mark.column + 1))
        elif isinstance(item, yaml.MappingNode):
            nested = _record(file, item, problems, parent=parent)
            if nested is not None:
                out.append(nested)
        else:
            problems.append(_err(file, item, f"'{key}' holds a list inside a list", parent.top.slug, "flatten it", key, "invalid-value"))
    return out


def _record(file: str, node, problems: list[Problem], parent: Record | None = None) -> Record | None:
    yaml = _yaml()
    if not isinstance(node, yaml.MappingNode):
        problems.append(_err(file, node, "a record must be a mapping of keys to values", hint="start it with '- id: my-slug'", rule="yaml-syntax"))
        return None
    rec = Record(None, [], {}, file, node.start_mark.line + 1, parent=parent)
    slug_for_errors = parent.top.slug if parent else None
    for key_node, value_node in node.value:
        if not isinstance(key_node, yaml.ScalarNode):
            problems.append(_err(file, key_node, "keys must be plain names", slug_for_errors, rule="invalid-value"))
            continue
        key = key_node.value
        if key in rec.key_lines:
            problems.append(_err(file, key_node, f"key '{key}' appears twice in one record", slug_for_errors,
                                 "list several values under one key instead", key, "duplicate-key"))
            continue
        rec.key_lines[key] = key_node.start_mark.line + 1
        if key == "id":
            if not isinstance(value_node, yaml.ScalarNode):
                problems.append(_err(file, value_node, "'id' must be a slug", slug_for_errors, rule="invalid-slug"))
                continue
            rec.slug = value_node.value
            slug_for_errors = slug_for_errors or rec.slug
            if not SLUG_PATTERN.match(rec.slug):
                problems.append(_err(file, value_node, f"slug '{rec.slug}' is not valid", rec.slug,
                                     "use lower-case letters, digits and hyphens, e.g. 'ayman-al-zawahiri'", "id", "invalid-slug"))
        elif key == "type":
            rec.types = [v for v in _values(file, value_node, problems, rec, key) if isinstance(v, Scalar)]
        else:
            rec.fields[key] = _values(file, value_node, problems, rec, key)
    return rec


_NULLS = frozenset(("", "~", "null", "Null", "NULL"))
_LOADER = None


def _loader():
    """PyYAML's C loader, resolving only ``null``: records keep every other scalar as text.

    The default resolver runs a list of regular expressions on every scalar to guess its type
    (int, float, bool, timestamp); ldpub never uses those guesses, and skipping them makes
    loading large record sets about a third faster.
    """
    global _LOADER
    if _LOADER is None:
        import yaml

        base = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
        tags = {yaml.ScalarNode: "tag:yaml.org,2002:str", yaml.SequenceNode: "tag:yaml.org,2002:seq",
                yaml.MappingNode: "tag:yaml.org,2002:map"}

        class RecordLoader(base):
            def resolve(self, kind, value, implicit, _scalar=yaml.ScalarNode, _tags=tags, _nulls=_NULLS):
                if kind is _scalar and implicit[0] and value in _nulls:
                    return "tag:yaml.org,2002:null"
                return _tags[kind]

        _LOADER = RecordLoader
    return _LOADER


def load_file(path: Path, display: str | None = None) -> list[Record]:
    """Load one YAML records file; raise :class:`RecordError` listing every problem found."""
    import yaml

    file = display or str(path)
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        raise RecordError.at("file is not UTF-8 text", file, hint="save it as UTF-8", rule="yaml-syntax") from exc
    return _parse(text, file)


def _parse(text: str, file: str) -> list[Record]:
    import yaml

    loader = _loader()
    try:
        root = yaml.compose(text, Loader=loader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else None
        col = mark.column + 1 if mark else None
        what = (exc.problem or exc.context or "syntax error").strip()
        raise RecordError(Problem(f"YAML syntax error: {what}", Location(file, line, col),
                                  "check indentation, quotes and colons on this line", "yaml-syntax")) from exc
    if root is None:
        return []
    if not isinstance(root, yaml.SequenceNode):
        raise RecordError(_err(file, root, "a records file must be a YAML list of records",
                               hint="start each record with '- id: my-slug'", rule="yaml-syntax"))
    problems: list[Problem] = []
    records = []
    for item in root.value:
        rec = _record(file, item, problems)
        if rec is None:
            continue
        if rec.slug is None:
            problems.append(Problem("record has no 'id'", Location(file, rec.line), "add 'id: my-slug' (lower-case, hyphens)", "missing-id"))
        if not rec.types:
            problems.append(Problem("record has no 'type'", rec.location(), "add 'type: ClassName' from the ontology", "missing-type"))
        records.append(rec)
    if problems:
        raise RecordError(problems)
    return records


def record_files(folder: Path) -> list[Path]:
    """The YAML record files of a data folder, in a stable order."""
    return sorted(p for p in folder.rglob("*") if p.suffix in (".yaml", ".yml") and p.is_file())


class RecordCache:
    """Parsed records of each file, pickled under a key of the file's bytes, name and parser.

    An unchanged file is not parsed again: a rebuild after editing one file of hundreds
    re-reads only that file. The key includes the source of this module, so a new ldpub
    never reads an old cache. Failing to write the cache is never an error.
    """

    def __init__(self, folder: Path) -> None:
        import hashlib

        self.folder = folder
        self.salt = hashlib.sha256(Path(__file__).read_bytes()).hexdigest()[:16]

    def _path(self, data: bytes, display: str) -> Path:
        import hashlib

        digest = hashlib.sha256(self.salt.encode() + display.encode() + b"\0" + data).hexdigest()
        return self.folder / "records" / f"{digest}.pickle"

    def get(self, data: bytes, display: str) -> list[Record] | None:
        import pickle

        try:
            return pickle.loads(self._path(data, display).read_bytes())
        except Exception:  # missing, truncated or foreign: parse the file instead
            return None

    def put(self, data: bytes, display: str, records: list[Record]) -> None:
        import os
        import pickle

        target = self._path(data, display)
        try:
            target.parent.mkdir(parents=True, exist_ok=True)
            tmp = target.with_suffix(f".tmp{os.getpid()}")
            tmp.write_bytes(pickle.dumps(records, protocol=pickle.HIGHEST_PROTOCOL))
            os.replace(tmp, target)
        except OSError:
            pass


def _load_cached(path: Path, display: str, cache: RecordCache) -> list[Record]:
    data = path.read_bytes()
    hit = cache.get(data, display)
    if hit is not None:
        return hit
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise RecordError.at("file is not UTF-8 text", display, hint="save it as UTF-8", rule="yaml-syntax") from exc
    records = _parse(text, display)
    cache.put(data, display, records)
    return records


def load_records(folder: Path, relative_to: Path | None = None, cache_dir: Path | None = None) -> list[Record]:
    """Load every ``*.yaml`` below ``folder``; problems from all files are reported together.

    Duplicate slugs across files are an error naming both places. With ``cache_dir``, files
    whose content is unchanged since the last run are read from the cache (see :class:`RecordCache`).
    """
    records, problems = load_files(data_files(folder, relative_to), cache_dir)
    problems.extend(duplicate_slugs(slug_entries(records)))
    if problems:
        raise RecordError(problems)
    return records


def data_files(folder: Path, relative_to: Path | None = None) -> list[tuple[Path, str]]:
    """The record files of a data folder with the names problems show, in a stable order."""
    if not folder.is_dir():
        raise RecordError.at("data folder not found", folder, hint="pass --data DIR or set [paths] data", rule="data-folder")
    return [(path, str(path.relative_to(relative_to)) if relative_to and path.is_relative_to(relative_to) else str(path))
            for path in record_files(folder)]


def load_files(files: list[tuple[Path, str]], cache_dir: Path | None = None) -> tuple[list[Record], list[Problem]]:
    """The records of some files (``(path, display name)``), and every problem found in them."""
    from .errors import LdpubError

    problems: list[Problem] = []
    records: list[Record] = []
    cache = RecordCache(cache_dir) if cache_dir is not None else None
    for path, display in files:
        try:
            records.extend(_load_cached(path, display, cache) if cache else load_file(path, display))
        except LdpubError as exc:
            problems.extend(exc.problems)
    return records, problems


SlugEntry = tuple  # (slug, file, line, location of its 'id')


def slug_entries(records: list[Record]) -> list[SlugEntry]:
    """Every slug with where it is defined, in record order (small enough to send between processes)."""
    return [(rec.slug, rec.file, rec.line, rec.location("id")) for rec in iter_all(records) if rec.slug is not None]


def duplicate_slugs(entries: list[SlugEntry]) -> list[Problem]:
    """A problem for each slug defined again after its first definition."""
    seen: dict[str, SlugEntry] = {}
    problems = []
    for entry in entries:
        slug = entry[0]
        first = seen.get(slug)
        if first is None:
            seen[slug] = entry
            continue
        problems.append(Problem(f"duplicate slug '{slug}' (first defined at {first[1]}:{first[2]})",
                                entry[3], "give this record another id", "duplicate-slug"))
    return problems


def release(records: list[Record]) -> None:
    """Unlink nested records from their parents, so dropping the list frees them at once.

    Builds run with the cyclic garbage collector paused (:func:`ldpub.pipeline.compile_project`);
    the parent links are the only cycles among records.
    """
    for rec in list(iter_all(records)):
        rec.parent = None


def iter_all(records: list[Record]) -> Iterator[Record]:
    """Every record, nested ones included, depth first in file order."""
    stack = list(reversed(records))
    while stack:
        rec = stack.pop()
        yield rec
        nested = [v for values in rec.fields.values() for v in values if isinstance(v, Record)]
        stack.extend(reversed(nested))
