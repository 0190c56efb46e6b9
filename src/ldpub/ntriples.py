"""N-Triples text of RDF terms, written without making term objects.

The mapping writes every triple as its N-Triples line (``<s> <p> <o>``, no final `` .``),
exactly as ``str(pyoxigraph.Triple)`` prints it: that text is the sort key of the output,
the N-Triples file itself, and far cheaper to make, sort, hash and send between processes
than one pyoxigraph object per term (~1.7 us each, ~2 s at a million triples). Term objects
are made only when a consumer needs them (:func:`parse_lines`).

``tests/test_ntriples.py`` checks the text against pyoxigraph for every code point.
"""

from __future__ import annotations

from typing import Iterable

from .rdfterms import XSD

__all__ = ["iri", "literal", "language_suffix", "lines_bytes", "parse_lines", "LINE_END"]

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


def parse_lines(lines: Iterable[str]) -> list:
    """pyoxigraph Triples of the lines, in the order given (parsed in Rust)."""
    import pyoxigraph as ox

    data = lines_bytes(lines)
    return list(ox.parse(data, format=ox.RdfFormat.N_TRIPLES)) if data else []

