"""Curated YAML records, with the file, line and column of every value.

A records file is a YAML list of records. Each record has a slug (``id``), a ``type``
(an ontology class) and keys that are ontology terms::

    - id: ada-lovelace-joins-the-society
      type: Membership
      member: ada-lovelace                # a reference to another record, by slug
      organization: analytical-society
      role: fellow                        # a named individual, by local name, label or kebab-case
      during: "1842"                      # EDTF, when the range is a fuzzy-date class
      honorary: false
      supportedBy:                        # a nested record, typed by the property's range
        - inSource: memoir-1843
          quote: "She was elected a fellow of the society in 1842"

A value is a scalar, a nested record (a mapping: a node of its own, typed by the property's
range unless it says ``type``), or a list of those. A nested record may carry an ``id`` of its
own, a slug naming it within its parent (see :mod:`ldpub.mapping` for the IRIs it gets).

Records come from projects nobody here wrote, so reading is bounded and every surprise is a
:class:`~ldpub.errors.Problem` with file, line and column, never a traceback:

* a records file over :data:`MAX_FILE_BYTES` is refused before it is read (split it);
* a value over :data:`MAX_VALUE_BYTES`, records nested deeper than :data:`MAX_NESTING`, and YAML
  aliases that repeat more text than the file holds (a "billion laughs") are refused;
* characters YAML forbids (NUL, form feed, U+FFFE, other control characters) are listed with
  their line and column; YAML tags (``!!python/name:...``, ``!custom``) are refused, never ignored;
* line numbers are the ones an editor shows: YAML counts NEL, U+2028 and U+2029 as line breaks,
  editors and ``grep -n`` do not, so positions after such a character are counted again;
* a problem in one record never hides the others: all problems of all files are reported in
  one run (:func:`load_files`).
"""

from __future__ import annotations

import os
import re
from bisect import bisect_right
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterator, Union

from .errors import Location, Problem, RecordError
from .iris import SLUG_MAX_LENGTH, shown, slug_problem, suggest_slug

__all__ = ["Scalar", "Record", "Value", "load_records", "load_file", "load_files", "data_files", "slug_entries",
           "content_digest", "RecordCache",
           "duplicate_slugs", "release", "all_files_read", "RESERVED_KEYS", "MAX_FILE_BYTES", "MAX_VALUE_BYTES",
           "MAX_NESTING", "FILE_RULES"]

RESERVED_KEYS = ("id", "type")
#: The largest records file read (bytes). Reading holds the file's text and its records (and
#: the YAML nodes of one part, see :data:`PART_CHARS`): a 29 MiB file of 100k records peaks at
#: 0.52 GB, 18 times its size (1.1 GB when its nodes were all made at once), so bigger files
#: are refused with a message naming the file, before any is read: split them (every ``*.yaml``
#: below the data folder is read; references work across files).
MAX_FILE_BYTES = 32 * 2**20
#: The largest single value (bytes of UTF-8): a quote, a description, any scalar.
MAX_VALUE_BYTES = 16 * 2**20
#: How deep records may nest inside a record (a provision's excerpt is depth 2).
MAX_NESTING = 32
#: Rules of problems after which a file's records are unknown (the file could not be read):
#: references to slugs defined there are then not reported as dangling.
FILE_RULES = frozenset({"yaml-syntax", "file-too-large", "disallowed-character", "yaml-alias", "unreadable-file"})


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


_TAG_PREFIX = "tag:yaml.org,2002:"
_STR, _SEQ, _MAP, _NULL = (_TAG_PREFIX + t for t in ("str", "seq", "map", "null"))
_PLAIN_TAGS = frozenset((_STR, _SEQ, _MAP, _NULL))
_QUOTED = frozenset(("'", '"', "|", ">"))
# what YAML 1.1 accepts in a stream (PyYAML's reader); everything else is refused by the parser
_DISALLOWED = re.compile("[^\x09\x0A\x0D\x20-\x7E\x85\xA0-\uD7FF\uE000-\uFFFD\U00010000-\U0010FFFF]")
_CONTROL_NAMES = {0x00: "NUL", 0x07: "bell", 0x08: "backspace", 0x0B: "vertical tab", 0x0C: "form feed",
                  0x1B: "escape", 0x7F: "delete", 0xFFFE: "a noncharacter", 0xFFFF: "a noncharacter"}
_MAX_LISTED = 20  # disallowed characters listed per file
_YAML = None  # the yaml module, imported by the first _parse (it is not needed before)


class _Abort(Exception):
    """Stop reading a file: its problem is already recorded."""


class _EditorLines:
    """Line and column as an editor shows them, for text where YAML sees extra line breaks.

    YAML treats NEL (U+0085), LINE SEPARATOR and PARAGRAPH SEPARATOR as line breaks;
    editors, ``git`` and ``grep -n`` break lines only at LF, CR LF and CR. A mark's
    character index is exact either way, so the line is found from it.
    """

    def __init__(self, text: str) -> None:
        self.starts = [0] + [m.end() for m in re.finditer(r"\r\n|\r|\n", text)]

    def __call__(self, mark) -> tuple[int, int]:
        line = bisect_right(self.starts, mark.index)
        return line, mark.index - self.starts[line - 1] + 1


def _editor_lines(text: str) -> "_EditorLines | None":
    """An :class:`_EditorLines` when ``text`` holds a break only YAML counts, else None (YAML's lines are right)."""
    if "\x85" in text or "\u2028" in text or "\u2029" in text:
        return _EditorLines(text)
    return None


def _tag_as_written(tag: str) -> str:
    return "!!" + tag[len(_TAG_PREFIX):] if tag.startswith(_TAG_PREFIX) else tag


def _size(n: int) -> str:
    """A size for a message: exact bytes, and MiB when large (``16,777,217 bytes (16.0 MiB)``)."""
    return f"{n:,} bytes ({n / 2**20:.1f} MiB)" if n >= 2**20 else f"{n:,} bytes"


def _limit(n: int) -> str:
    return f"{n // 2**20} MiB" if n % 2**20 == 0 else f"{n:,} bytes"


class _Reader:
    """Turns the YAML node tree of one file into records, collecting every problem."""

    def __init__(self, file: str, text: str) -> None:
        self.file = file
        self.problems: list[Problem] = []
        self.editor = _editor_lines(text)
        # without aliases, the nodes and value characters of a file never exceed its length
        self.budget = 2 * len(text) + 4096
        self.cost = 0
        self.first_line = 1  # the line YAML's line 0 is (a part of a large file is composed on its own)

    def position(self, node) -> tuple[int, int]:
        mark = node.start_mark
        if self.editor is not None:
            return self.editor(mark)
        return mark.line + self.first_line, mark.column + 1

    def problem(self, node, message: str, record: str | None = None, hint: str | None = None,
                key: str | None = None, rule: str | None = None) -> None:
        line, column = self.position(node)
        self.problems.append(Problem(message, Location(self.file, line, column, record, key), hint, rule))

    def plain(self, node, record: str | None, key: str | None = None) -> bool:
        """Whether ``node`` carries no YAML tag (a tagged node is a problem, and is skipped)."""
        tag = node.tag
        if tag in _PLAIN_TAGS:
            return True
        self.problem(node, f"YAML tag {shown(_tag_as_written(tag))} is not allowed: records hold plain text, "
                           "lists and mappings", record,
                     "remove the tag (put the value in quotes if it starts with '!')", key, "yaml-tag")
        return False

    def spend(self, node, amount: int) -> None:
        self.cost += amount
        if self.cost > self.budget:
            self.problem(node, "YAML aliases (*name) repeat more than the file holds", None,
                         "write the values out instead of repeating anchors", rule="yaml-alias")
            raise _Abort

    def values(self, node, parent: Record, key: str, depth: int) -> list[Value]:
        """The values under one key (a scalar, a mapping, or a list of those); runs once per key."""
        ScalarNode = _YAML.ScalarNode
        items = node.value if type(node) is _YAML.SequenceNode else [node]
        if items is node.value and node.tag is not _SEQ and not self.plain(node, parent.top.slug, key):
            return []
        out: list[Value] = []
        editor, first_line = self.editor, self.first_line
        for item in items:
            if type(item) is ScalarNode:
                text = item.value
                self.cost += 1 + len(text)
                tag = item.tag
                if tag is not _STR:  # resolved to null, or an explicit tag
                    if tag == _NULL or not self.plain(item, parent.top.slug, key):
                        continue
                elif item.style is None and text in _NULLS:
                    continue
                if len(text) > MAX_VALUE_BYTES // 4 and len(text.encode("utf-8")) > MAX_VALUE_BYTES:
                    self.too_large(item, parent, key, text)
                    continue
                mark = item.start_mark
                line, column = (mark.line + first_line, mark.column + 1) if editor is None else editor(mark)
                out.append(Scalar(text, item.style in _QUOTED, line, column))
            elif type(item) is _YAML.MappingNode:
                nested = self.record(item, parent, depth + 1)
                if nested is not None:
                    out.append(nested)
            else:
                self.problem(item, f"'{key}' holds a list inside a list", parent.top.slug, "flatten it", key,
                             "invalid-value")
                break  # once per key is enough
        if self.cost > self.budget:
            self.spend(node, 0)
        return out

    def too_large(self, node, parent: Record, key: str, text: str) -> None:
        self.problem(node, f"'{key}' holds a value of {_size(len(text.encode('utf-8')))}; a value may hold at most "
                           f"{_limit(MAX_VALUE_BYTES)}", parent.top.slug,
                     "keep long texts in files of their own (e.g. under [paths] sources) and quote the passage "
                     "that matters", key, "value-too-large")

    def record(self, node, parent: Record | None = None, depth: int = 0) -> Record | None:
        yaml = _YAML
        self.spend(node, 1)
        record = parent.top.slug if parent else None
        if not isinstance(node, yaml.MappingNode):
            self.problem(node, "a record must be a mapping of keys to values", record,
                         "start it with '- id: my-slug'", rule="yaml-syntax")
            return None
        if not self.plain(node, record):
            return None
        if depth > MAX_NESTING:
            self.problem(node, f"records nest deeper than {MAX_NESTING} levels", record,
                         "give the inner records ids of their own and refer to them by slug", rule="too-deep")
            return None
        line, _ = self.position(node)
        rec = Record(None, [], {}, self.file, line, parent=parent)
        key_lines, editor, ScalarNode, first_line = rec.key_lines, self.editor, yaml.ScalarNode, self.first_line
        for key_node, value_node in node.value:
            if type(key_node) is not ScalarNode:
                self.problem(key_node, "keys must be plain names", record, rule="invalid-value")
                continue
            if key_node.tag is not _STR and not self.plain(key_node, record):
                continue
            key = key_node.value
            self.cost += 1 + len(key)
            if key in key_lines:
                self.problem(key_node, f"key {shown(key)} appears twice in one record", record,
                             "list several values under one key instead", key, "duplicate-key")
                continue
            key_lines[key] = key_node.start_mark.line + first_line if editor is None else editor(key_node.start_mark)[0]
            if key == "id":
                self.read_id(rec, value_node, parent)
                record = record or rec.slug
            elif key == "type":
                rec.types = [v for v in self.values(value_node, rec, key, depth) if isinstance(v, Scalar)]
            else:
                rec.fields[key] = self.values(value_node, rec, key, depth)
        return rec

    def read_id(self, rec: Record, node, parent: Record | None) -> None:
        yaml = _YAML
        record = parent.top.slug if parent else None
        if not isinstance(node, yaml.ScalarNode) or not self.plain(node, record, "id"):
            self.problem(node, "'id' must be a slug", record, "write 'id: my-slug'", "id", "invalid-slug")
            return
        slug = node.value
        self.spend(node, 1 + len(slug))
        why = slug_problem(slug)
        # an invalid id names its record in messages only: short, and with no control characters
        rec.slug = slug if not why else shown(slug, SLUG_MAX_LENGTH)[1:-1]
        if why:
            self.problem(node, f"slug {shown(slug)} is not valid: it {why}", record or rec.slug,
                         f"use lower-case letters, digits and hyphens, not first or last, at most {SLUG_MAX_LENGTH} "
                         f"characters, e.g. '{suggest_slug(slug)}'", "id", "invalid-slug")


def _disallowed_characters(text: str, file: str) -> list[Problem]:
    """One problem per character YAML refuses (the first :data:`_MAX_LISTED`), with line and column."""
    import unicodedata

    editor = _EditorLines(text)
    problems = []
    for n, m in enumerate(_DISALLOWED.finditer(text)):
        if n == _MAX_LISTED:
            problems.append(Problem(f"more characters YAML does not allow follow (only the first {_MAX_LISTED} "
                                    "are listed)", Location(file), None, "disallowed-character"))
            break
        char = m.group()
        code = ord(char)
        name = _CONTROL_NAMES.get(code) or unicodedata.name(char, "a control character")
        line, column = editor(_Index(m.start()))
        problems.append(Problem(
            f"character U+{code:04X} ({name}) at column {column} is not allowed in YAML",
            Location(file, line, column), "delete it; if the value must hold it, write it as an escape in a "
            f"double-quoted string (\"\\u{code:04X}\")" if code > 0xFF else
            f"delete it; if the value must hold it, write it as an escape in a double-quoted string (\"\\x{code:02X}\")",
            "disallowed-character"))
    return problems


@dataclass(frozen=True)
class _Index:
    """A stand-in for a YAML mark: only the character index is known."""

    index: int


def _parse(text: str, file: str) -> tuple[list[Record], list[Problem]]:
    """The records of one file's text and the problems of its records.

    Raises :class:`RecordError` when the file as a whole cannot be read (its records are unknown).
    A large file is composed a part at a time (:func:`_parse_in_parts`).
    """
    global _YAML
    import yaml

    _YAML = yaml

    if len(text) > PART_CHARS:
        parsed = _parse_in_parts(text, file)
        if parsed is not None:
            return parsed
    try:
        root = yaml.compose(text, Loader=_loader())
    except yaml.reader.ReaderError as exc:
        problems = _disallowed_characters(text, file)
        if not problems:  # not a character we know of: say where the parser stopped
            problems = [Problem(f"YAML cannot read this file: {exc.reason}", Location(file), None, "yaml-syntax")]
        raise RecordError(problems) from exc
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = col = None
        if mark is not None:
            editor = _editor_lines(text)
            line, col = editor(mark) if editor else (mark.line + 1, mark.column + 1)
        what = (exc.problem or exc.context or "syntax error").strip()
        raise RecordError(Problem(f"YAML syntax error: {what}", Location(file, line, col),
                                  "check indentation, quotes and colons on this line", "yaml-syntax")) from exc
    except yaml.YAMLError as exc:
        raise RecordError(Problem(f"YAML cannot read this file: {exc}", Location(file), None, "yaml-syntax")) from exc
    except RecursionError as exc:
        raise RecordError(Problem("YAML nests too deep to read", Location(file),
                                  f"records may nest at most {MAX_NESTING} levels", "yaml-syntax")) from exc
    if root is None:
        return [], []
    reader = _Reader(file, text)
    if not isinstance(root, yaml.SequenceNode) or not reader.plain(root, None):
        reader.problem(root, "a records file must be a YAML list of records", hint="start each record with '- id: my-slug'",
                       rule="yaml-syntax")
        raise RecordError(reader.problems)
    records: list[Record] = []
    try:
        _records_of(reader, root, records)
    except _Abort:
        raise RecordError(reader.problems) from None
    return records, reader.problems


#: A file is composed a part of about this many characters at a time, cut where a top-level
#: record starts: YAML's node tree of a whole file takes ~25 times its size (a 29 MiB file of
#: 100k records: 1.1 GB while it is read, 0.4 GB with its records alone), a part's is dropped
#: once its records are made.
PART_CHARS = 2**20
# what rules cutting a file into parts out: other documents or directives, breaks only YAML counts, a BOM
# inside, anchors (an anchor name may be defined twice in a file, or used in another part)
_NOT_IN_PARTS = re.compile("^(?:---|\\.\\.\\.|%)|[\x85\u2028\u2029]|(?<=.)\ufeff|(?:\\A|[\\s\\[{,])&[^\\s\\[\\]{},]",
                           re.MULTILINE | re.DOTALL)


def _parts(text: str, size: int) -> Iterator[tuple[int, int]]:
    """``(start, end)`` of parts of ``text`` of about ``size`` characters, each cut before a line
    starting with ``- `` (where a record of a top-level list starts)."""
    start, end = 0, len(text)
    while end - start > size:
        cut = text.find("\n- ", start + size)
        if cut < 0:
            break
        yield start, cut + 1
        start = cut + 1
    yield start, end


def _line_breaks(text: str, start: int, end: int) -> int:
    """Line breaks as YAML counts them (LF, CR LF, CR) in ``text[start:end]``."""
    return text.count("\n", start, end) + text.count("\r", start, end) - text.count("\r\n", start, end)


def _parse_in_parts(text: str, file: str, size: int = PART_CHARS) -> tuple[list[Record], list[Problem]] | None:
    """:func:`_parse` of a file that is one block list of records, composing a part at a time.

    Each part is cut before a line starting with ``- ``, so each holds whole records of the
    top-level list (a cut inside something else makes that part unreadable). None when the
    file cannot be read that way (a part that YAML refuses, an alias to an anchor of another
    part, other documents, breaks that only YAML counts): :func:`_parse` then reads the whole
    file, which gives the same records and the problems YAML finds in the whole text.
    """
    yaml = _YAML
    if _NOT_IN_PARTS.search(text):
        return None
    loader = _loader()
    reader = _Reader(file, text)
    records: list[Record] = []
    line = 1
    at = 0
    try:
        for start, end in _parts(text, size):
            line += _line_breaks(text, at, start)
            at = start
            try:
                root = yaml.compose(text[start:end], Loader=loader)
            except (yaml.YAMLError, RecursionError):
                return None
            if root is None:
                continue
            if type(root) is not yaml.SequenceNode or root.tag != _SEQ:
                return None
            reader.first_line = line
            _records_of(reader, root, records)
    except _Abort:
        raise RecordError(reader.problems) from None
    return records, reader.problems


def _records_of(reader: _Reader, root, records: list[Record]) -> None:
    """Append the records of the top-level list ``root`` to ``records`` (their problems go to ``reader``)."""
    file = reader.file
    for item in root.value:
        rec = reader.record(item)
        if rec is None:
            continue
        if rec.slug is None:
            reader.problems.append(Problem("record has no 'id'", Location(file, rec.line),
                                           "add 'id: my-slug' (lower-case, hyphens)", "missing-id"))
        if not rec.types:
            reader.problems.append(Problem("record has no 'type'", rec.location(),
                                           "add 'type: ClassName' from the ontology", "missing-type"))
        records.append(rec)


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
        tags = {yaml.ScalarNode: _STR, yaml.SequenceNode: _SEQ, yaml.MappingNode: _MAP}

        class RecordLoader(base):
            def resolve(self, kind, value, implicit, _scalar=yaml.ScalarNode, _tags=tags, _nulls=_NULLS):
                if kind is _scalar and implicit[0] and value in _nulls:
                    return _NULL
                return _tags[kind]

        _LOADER = RecordLoader
    return _LOADER


def _read(path: Path, display: str, max_bytes: int = MAX_FILE_BYTES) -> bytes:
    """The bytes of a records file, refused when over ``max_bytes`` (before reading it).

    ``max_bytes``: :data:`MAX_FILE_BYTES` unless the project sets ``[limits] max_file_bytes``
    (:mod:`ldpub.limits`).
    """
    try:
        with open(path, "rb") as stream:
            size = os.fstat(stream.fileno()).st_size
            data = _read_at_most(stream, max_bytes + 1, size) if size <= max_bytes else b""
    except OSError as exc:
        raise RecordError.at(f"cannot read records file: {exc.strerror}", display, rule="unreadable-file") from exc
    if size > max_bytes or len(data) > max_bytes:
        raise RecordError.at(
            f"records file of {_size(max(size, len(data)))} is over the limit of {_limit(max_bytes)} per file "
            "([limits] max_file_bytes)",
            display, hint="split it into several files in the data folder (each a YAML list of records; "
                          "references work across files), or raise the limit in ldpub.toml if the machine has "
                          "the memory", rule="file-too-large")
    return data


def _read_at_most(stream, limit: int, size: int) -> bytes:
    """Up to ``limit`` bytes of ``stream``, whose size the system gives as ``size``. Never asks
    for ``limit`` bytes at once: ``read(n)`` allocates ``n`` bytes first, which under a memory
    limit (``ulimit -v``) fails for a high ``[limits] max_file_bytes`` whatever the file's size."""
    data = stream.read(min(size + 1, limit)) if size else b""
    while len(data) < limit:  # a file that grew, or one whose size the system does not give
        more = stream.read(min(limit - len(data), 2**24))
        if not more:
            break
        data += more
    return data


def _decode(data: bytes, display: str) -> str:
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise RecordError.at("file is not UTF-8 text", display, line, hint="save it as UTF-8",
                             rule="yaml-syntax") from exc


def load_file(path: Path, display: str | None = None, max_file_bytes: int = MAX_FILE_BYTES) -> list[Record]:
    """Load one YAML records file; raise :class:`RecordError` listing every problem found."""
    file = display or str(path)
    records, problems = _parse(_decode(_read(path, file, max_file_bytes), file), file)
    if problems:
        raise RecordError(problems)
    return records


def record_files(folder: Path) -> list[Path]:
    """The YAML record files of a data folder, in a stable order."""
    return sorted(p for p in folder.rglob("*") if p.suffix in (".yaml", ".yml") and p.is_file())


def content_digest(data: bytes) -> str:
    """The SHA-256 of a records file's bytes (hex): what the caches key a file by."""
    import hashlib

    return hashlib.sha256(data).hexdigest()


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

    def _path(self, digest: str, display: str) -> Path:
        import hashlib

        key = hashlib.sha256(f"{self.salt}\0{display}\0{digest}".encode()).hexdigest()
        return self.folder / "records" / f"{key}.pickle"

    def get(self, digest: str, display: str) -> list[Record] | None:
        """The records of the file whose bytes have ``digest`` (:func:`content_digest`), if cached."""
        import pickle

        try:
            return pickle.loads(self._path(digest, display).read_bytes())
        except Exception:  # missing, truncated or foreign: parse the file instead
            return None

    def put(self, digest: str, display: str, records: list[Record]) -> None:
        import os
        import pickle

        target = self._path(digest, display)
        try:
            target.parent.mkdir(parents=True, exist_ok=True)
            tmp = target.with_suffix(f".tmp{os.getpid()}")
            tmp.write_bytes(pickle.dumps(records, protocol=pickle.HIGHEST_PROTOCOL))
            os.replace(tmp, target)
        except OSError:
            pass


def _load_one(path: Path, display: str, cache: "RecordCache | None",
              max_file_bytes: int = MAX_FILE_BYTES, digests: dict | None = None) -> tuple[list[Record], list[Problem]]:
    """The records of one file and the problems of its records (from the cache when unchanged).

    ``digests`` (optional) receives ``display -> content_digest`` of the file read. Raises
    :class:`RecordError` when the file cannot be read at all.
    """
    data = _read(path, display, max_file_bytes)
    digest = content_digest(data) if cache is not None or digests is not None else ""
    if digests is not None:
        digests[display] = digest
    hit = cache.get(digest, display) if cache is not None else None
    if hit is not None:
        return hit, []
    records, problems = _parse(_decode(data, display), display)
    if cache is not None and not problems:
        cache.put(digest, display, records)
    return records, problems


def load_records(folder: Path, relative_to: Path | None = None, cache_dir: Path | None = None,
                 max_file_bytes: int = MAX_FILE_BYTES) -> list[Record]:
    """Load every ``*.yaml`` below ``folder``; problems from all files are reported together.

    Duplicate slugs across files are an error naming both places. With ``cache_dir``, files
    whose content is unchanged since the last run are read from the cache (see :class:`RecordCache`).
    """
    records, problems = load_files(data_files(folder, relative_to), cache_dir, max_file_bytes)
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


def load_files(files: list[tuple[Path, str]], cache_dir: Path | None = None,
               max_file_bytes: int = MAX_FILE_BYTES, digests: dict | None = None) -> tuple[list[Record], list[Problem]]:
    """The records of some files (``(path, display name)``), and every problem found in them.

    Records with problems are returned too (a record with a bad ``id`` can still be checked
    for unknown keys), so one run reports everything; a file that cannot be read at all gives
    no records and a problem whose rule is in :data:`FILE_RULES`. ``digests`` (optional)
    receives ``display -> content_digest`` of every file read.
    """
    from .errors import LdpubError

    problems: list[Problem] = []
    records: list[Record] = []
    cache = RecordCache(cache_dir) if cache_dir is not None else None
    for path, display in files:
        try:
            found, trouble = _load_one(path, display, cache, max_file_bytes, digests)
        except LdpubError as exc:
            problems.extend(exc.problems)
            continue
        records.extend(found)
        problems.extend(trouble)
    return records, problems


def all_files_read(problems: list[Problem]) -> bool:
    """Whether every file could be read (no problem says a whole file's records are unknown)."""
    return not any(p.rule in FILE_RULES for p in problems)


SlugEntry = tuple  # (slug, file, line, location of its 'id', its type names)


def slug_entries(records: list[Record]) -> list[SlugEntry]:
    """Every slug of a top-level record with where it is defined and its type names, in record
    order (small enough to send between processes). Ids of nested records name them within
    their parent only, and are not slugs of the dataset."""
    return [(rec.slug, rec.file, rec.line, rec.location("id"), tuple(t.text for t in rec.types))
            for rec in records if rec.slug is not None]


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
        problems.append(Problem(f"duplicate slug {shown(slug)} (first defined at {first[1]}:{first[2]})",
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
