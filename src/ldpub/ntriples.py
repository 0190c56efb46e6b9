"""N-Triples text of RDF terms, written without making term objects.

The mapping writes every triple as its N-Triples line (``<s> <p> <o>``, no final `` .``),
exactly as ``str(pyoxigraph.Triple)`` prints it: that text is the sort key of the output,
the N-Triples file itself, and far cheaper to make, sort, hash and send between processes
than one pyoxigraph object per term (~1.7 us each, ~2 s at a million triples). Term objects
are made only when a consumer needs them (:func:`parse_lines`).

``tests/test_ntriples.py`` checks the text against pyoxigraph for every code point.
"""

from __future__ import annotations

import re
from typing import Iterable

from .rdfterms import RDF, XSD

__all__ = ["iri", "literal", "unescape", "parse_literal", "term_value", "language_suffix", "lines_bytes", "sort_unique", "parse_lines", "parse_quads", "LINE_END"]

LINE_END = " .\n"
_XSD_STRING = XSD + "string"

# pyoxigraph's escaping of a literal's lexical form (oxrdf's print_quoted_str)
_SHORT = {0x08: "\\b", 0x09: "\\t", 0x0A: "\\n", 0x0C: "\\f", 0x0D: "\\r", 0x22: '\\"', 0x5C: "\\\\"}
_ESCAPES = {c: _SHORT.get(c, f"\\u{c:04X}") for c in [*range(0x20), 0x22, 0x5C, 0x7F, 0xFFFE, 0xFFFF]}


def iri(value: str) -> str:
    """``<value>`` (the caller guarantees a valid IRI)."""
    return f"<{value}>"


def literal(lexical: str, datatype: str | None = None, suffix: str | None = None) -> str:
    """A literal: plain string, typed (``^^<datatype>``) or with a ready ``suffix`` (``@en``)."""
    text = '"' + lexical.translate(_ESCAPES) + '"'
    if suffix is not None:
        return text + suffix
    if datatype is None or datatype == _XSD_STRING:
        return text
    return f"{text}^^<{datatype}>"


_UNESCAPE = re.compile(r"\\(?:u([0-9A-Fa-f]{4})|U([0-9A-Fa-f]{8})|(.))", re.DOTALL)
_SHORT_UNESCAPE = {"t": "\t", "b": "\b", "n": "\n", "r": "\r", "f": "\f", '"': '"', "'": "'", "\\": "\\"}
_LANG_STRING = RDF + "langString"
_DIR_LANG_STRING = RDF + "dirLangString"


def _unescape_match(m: re.Match) -> str:
    if m.group(3) is not None:
        return _SHORT_UNESCAPE.get(m.group(3), m.group(0))
    return chr(int(m.group(1) or m.group(2), 16))


def unescape(lexical: str) -> str:
    """The characters an N-Triples string body stands for (``\\n``, ``\\"``, ``\\u00E9`` ...)."""
    return _UNESCAPE.sub(_unescape_match, lexical) if "\\" in lexical else lexical


def parse_literal(text: str) -> tuple[str, str, str | None]:
    """(lexical form, datatype IRI, language or None) of a literal in N-Triples text.

    The closing quote is the last one: a datatype IRI or a language tag contains none.
    """
    end = text.rfind('"')
    lexical = unescape(text[1:end])
    tail = text[end + 1:]
    if not tail:
        return lexical, _XSD_STRING, None
    if tail[0] == "@":
        return lexical, _DIR_LANG_STRING if "--" in tail else _LANG_STRING, tail[1:]
    return lexical, tail[3:-1], None  # ^^<datatype>


def term_value(text: str) -> str:
    """What ``.value`` gives for a term in N-Triples text: the IRI, the blank node label or the lexical form."""
    first = text[0]
    if first == "<":
        return text[1:-1]
    if first == "_":
        return text[2:]
    return parse_literal(text)[0]


def language_suffix(language: str) -> str:
    """``@tag`` as pyoxigraph writes it (lower case); raises ValueError for an invalid tag."""
    import pyoxigraph as ox

    printed = str(ox.Literal("", language=language))
    return printed[2:]


def lines_bytes(lines: Iterable[str]) -> bytes:
    """An N-Triples document of the lines, in the order given."""
    lines = list(lines)
    if not lines:
        return b""
    return (LINE_END.join(lines) + LINE_END).encode("utf-8")


def sort_unique(lines: list[str]) -> list[str]:
    """``lines`` sorted in place, repeats dropped: what ``sorted(set(lines))`` gives, without a set
    of every line besides the list (a new list only when there are repeats)."""
    from itertools import chain, compress, islice
    from operator import ne

    lines.sort()
    if len(lines) > 1 and not all(map(ne, islice(lines, 1, None), lines)):
        return list(compress(lines, chain((True,), map(ne, islice(lines, 1, None), lines))))
    return lines


def parse_lines(lines: Iterable[str]) -> list:
    """pyoxigraph Triples of the lines, in the order given (parsed in Rust)."""
    return [quad.triple for quad in parse_quads(lines)]


def parse_quads(lines: Iterable[str]) -> list:
    """The lines parsed as pyoxigraph Quads in the default graph (one object less per triple than
    :func:`parse_lines`; writers of triple formats take them as they are)."""
    import pyoxigraph as ox

    data = lines_bytes(lines)
    return list(ox.parse(data, format=ox.RdfFormat.N_TRIPLES)) if data else []

