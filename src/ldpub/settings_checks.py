"""Checks of the values in ``ldpub.toml``, run once when the project is loaded.

Each wrong value is a :class:`~ldpub.errors.ConfigError` that names the file, the line and the
key, says what is expected and gives an example:

* ``[project] base_iri``: an absolute IRI ending in ``/`` or ``#`` (slugs are appended to it);
* ``[project] language``: a well-formed BCP 47 language tag (RFC 5646), e.g. ``en``, ``pt-BR``;
* ``[project] data_prefix``: a Turtle prefix name (``PN_PREFIX``: a letter, then letters,
  digits, ``-`` or ``_``; Turtle also allows an inner ``.``, which rdflib cannot read back)
  that is none of :data:`RESERVED_PREFIXES`;
* ``[paths]``: strings. ``out`` (the one folder ldpub replaces) must lie inside the project
  folder, symlinks followed, and must not be or hold an input folder: ``ldpub build --out DIR``
  writes elsewhere on purpose. Inputs outside the project are read with a warning, except
  ``sources`` (full source texts, which a project may keep elsewhere because it does not
  republish them).

The pure checks (:func:`iri_problem`, :func:`language_tag_problem`, :func:`prefix_name_problem`)
return None or a sentence; :func:`toml_string` writes a TOML basic string (``ldpub init``).
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from .errors import ConfigError
from .rdfterms import STANDARD_PREFIXES

__all__ = ["SettingsReader", "iri_problem", "language_tag_problem", "prefix_name_problem", "toml_string",
           "RESERVED_PREFIXES"]

#: prefixes a dataset's prefix must not take: the standard ones ldpub binds, the JSON-LD
#: context's own keys, and IRI schemes whose IRIs (``urn:x``) JSON-LD would read as prefixed names
RESERVED_PREFIXES = frozenset({*STANDARD_PREFIXES, "id", "type", "http", "https", "urn", "mailto", "file", "ftp",
                               "tag", "doi", "geo", "tel"})

_PN_CHARS_BASE = ("A-Za-z\u00c0-\u00d6\u00d8-\u00f6\u00f8-\u02ff\u0370-\u037d\u037f-\u1fff\u200c-\u200d"
                  "\u2070-\u218f\u2c00-\u2fef\u3001-\ud7ff\uf900-\ufdcf\ufdf0-\ufffd\U00010000-\U000effff")
_PN_CHARS = _PN_CHARS_BASE + r"_\-0-9\u00b7\u0300-\u036f\u203f-\u2040"
# Turtle's PN_PREFIX also allows an inner '.', which rdflib 7 cannot read back ("a.b:x"): refused
_PN_PREFIX = re.compile(f"[{_PN_CHARS_BASE}][{_PN_CHARS}]*")

# RFC 5646, section 2.1: langtag / privateuse / grandfathered
_ALNUM = "[a-z0-9]"
_LANGTAG = (r"(?:[a-z]{2,3}(?:-[a-z]{3}){0,3}|[a-z]{4}|[a-z]{5,8})"  # language (with extlang)
            r"(?:-[a-z]{4})?"  # script
            r"(?:-(?:[a-z]{2}|[0-9]{3}))?"  # region
            rf"(?:-(?:{_ALNUM}{{5,8}}|[0-9]{_ALNUM}{{3}}))*"  # variants
            rf"(?:-[0-9a-wy-z](?:-{_ALNUM}{{2,8}})+)*"  # extensions
            rf"(?:-x(?:-{_ALNUM}{{1,8}})+)?")  # private use
_PRIVATE = rf"x(?:-{_ALNUM}{{1,8}})+"
_GRANDFATHERED = ("en-GB-oed i-ami i-bnn i-default i-enochian i-hak i-klingon i-lux i-mingo i-navajo i-pwn i-tao "
                  "i-tay i-tsu sgn-BE-FR sgn-BE-NL sgn-CH-DE art-lojban cel-gaulish no-bok no-nyn zh-guoyu "
                  "zh-hakka zh-min zh-min-nan zh-xiang").lower().split()
_LANGUAGE_TAG = re.compile(f"{_LANGTAG}|{_PRIVATE}|" + "|".join(map(re.escape, _GRANDFATHERED)), re.ASCII | re.IGNORECASE)


def iri_problem(value: str) -> str | None:
    """Why ``value`` is not an absolute IRI (pyoxigraph's reading of RFC 3987), or None."""
    import pyoxigraph as ox

    try:
        ox.NamedNode(value)
    except ValueError as exc:
        return f"it is not an absolute IRI ({exc})"
    return None


def language_tag_problem(value: str) -> str | None:
    """Why ``value`` is not a well-formed BCP 47 language tag, or None."""
    if _LANGUAGE_TAG.fullmatch(value):
        return None
    return "it is not a BCP 47 language tag"


def prefix_name_problem(value: str) -> str | None:
    """Why ``value`` cannot name the dataset's prefix in Turtle, SPARQL and JSON-LD, or None."""
    if not _PN_PREFIX.fullmatch(value):
        return "it is not a Turtle prefix name (a letter first, then letters, digits, '-' or '_')"
    if value.lower() in RESERVED_PREFIXES:
        return "it is reserved (a standard prefix, a JSON-LD keyword or an IRI scheme)"
    return None


def toml_string(value: str) -> str:
    """``value`` as a TOML basic string, quotes included (backslashes, quotes, controls escaped).

    >>> toml_string('C:\\\\data "x"')
    '"C:\\\\\\\\data \\\\"x\\\\""'
    """
    out = []
    for char in value:
        code = ord(char)
        if char in '"\\':
            out.append("\\" + char)
        elif code < 0x20 or code == 0x7F:
            out.append({"\b": "\\b", "\t": "\\t", "\n": "\\n", "\f": "\\f", "\r": "\\r"}.get(char, f"\\u{code:04X}"))
        elif 0xD800 <= code <= 0xDFFF:
            raise ValueError(f"U+{code:04X} is not a character (a lone surrogate)")
        else:
            out.append(char)
    return '"' + "".join(out) + '"'


def _shown(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 80 else text[:80] + "..."


class SettingsReader:
    """Reads typed, checked values out of the parsed settings; collects warnings."""

    def __init__(self, settings: dict[str, Any], source: Path, root: Path) -> None:
        self.settings = settings
        self.source = source
        self.root = root
        self.warnings: list[str] = []
        self._inputs: list[tuple[str, Path]] = []
        self._text: str | None = None

    # ------------------------------------------------------------------ locating
    def _line(self, section: str, key: str) -> int | None:
        """The line of ``key`` in ``[section]`` (or in ``[tool.ldpub.section]`` of pyproject.toml)."""
        if self._text is None:
            try:
                self._text = self.source.read_text(encoding="utf-8")
            except (OSError, UnicodeDecodeError):
                self._text = ""
        current = None
        for number, line in enumerate(self._text.splitlines(), start=1):
            header = re.match(r"\s*\[\s*([A-Za-z0-9_.\-]+)\s*\]", line)
            if header:
                current = header.group(1).removeprefix("tool.ldpub.")
            elif current == section and re.match(rf"\s*{re.escape(key)}\s*=", line):
                return number
        return None

    def error(self, section: str, key: str, message: str, hint: str) -> ConfigError:
        return ConfigError.at(f"[{section}] {key} {message}", self.source, self._line(section, key), field=key,
                              hint=hint, rule="config-value")

    # ------------------------------------------------------------------ values
    def table(self, section: str) -> dict[str, Any]:
        value = self.settings.get(section, {})
        if not isinstance(value, dict):
            raise ConfigError.at(f"[{section}] must be a table, got {_shown(value)}", self.source,
                                 hint=f"write it as a [{section}] section", rule="config-value")
        return value

    def _raw(self, section: str, key: str, default: Any, what: str, example: str) -> Any:
        value = self.table(section).get(key, default)
        if value is not default and not isinstance(value, str):
            raise self.error(section, key, f"must be {what} in quotes, got {_shown(value)}", f"e.g. {key} = {example}")
        return value

    def text(self, section: str, key: str, default: str) -> str:
        return self._raw(section, key, default, "text", '"my-dataset"')

    def base_iri(self) -> str:
        value = self._raw("project", "base_iri", None, "an IRI", '"https://example.org/id/"')
        hint = 'expected an absolute IRI ending in / or #, to which slugs are appended, e.g. base_iri = "https://example.org/id/"'
        if not value:
            raise self.error("project", "base_iri", "is missing", hint)
        problem = iri_problem(value)
        if problem:
            raise self.error("project", "base_iri", f"{_shown(value)}: {problem}", hint)
        if not value.endswith(("/", "#")):
            raise self.error("project", "base_iri", f"{_shown(value)} must end with '/' or '#'", hint)
        return value

    def language_tag(self, section: str, key: str, default: str) -> str:
        value = self._raw(section, key, default, "a language tag", '"en"')
        problem = language_tag_problem(value)
        if problem:
            raise self.error(section, key, f"{_shown(value)}: {problem}",
                             'a BCP 47 tag such as "en", "fr", "pt-BR" or "zh-Hant"')
        return value

    def prefix_name(self, section: str, key: str, default: str) -> str:
        value = self._raw(section, key, default, "a prefix name", '"d"')
        problem = prefix_name_problem(value)
        if problem:
            hint = 'e.g. data_prefix = "d" or "data"'
            if "reserved" in problem:
                hint += f"; reserved: {', '.join(sorted(RESERVED_PREFIXES))}"
            raise self.error(section, key, f"{_shown(value)}: {problem}", hint)
        return value

    def path(self, section: str, key: str, default: str | None, *, writes: bool = False,
             may_leave_project: bool = False) -> Path | None:
        value = self._raw(section, key, default, "a folder path", f'"{default or key}"')
        if value is None:
            return None
        if "\x00" in value:
            raise self.error(section, key, f"{_shown(value)} holds a NUL character", "write a folder path")
        path = Path(value)
        resolved = (path if path.is_absolute() else self.root / path).resolve()
        inside = resolved != self.root and self.root in resolved.parents
        if writes:
            if not inside:
                raise self.error(
                    section, key, f"{_shown(value)} is not a folder inside the project ({resolved})",
                    f'ldpub replaces this folder on every build: keep it inside the project (out = "dist"), '
                    f"or write elsewhere on purpose with 'ldpub build --out DIR'")
            for name, other in self._inputs:
                if other == resolved or resolved in other.parents:
                    raise self.error(section, key, f"{_shown(value)} would replace the [paths] {name} folder",
                                     'ldpub replaces this folder on every build: give it its own, e.g. out = "dist"')
        else:
            self._inputs.append((key, resolved))
            if not inside and resolved != self.root and not may_leave_project:
                self.warnings.append(f"{self.source.name}: [paths] {key} = {_shown(value)} is outside the project "
                                     f"folder: ldpub reads {resolved}")
        return path
