"""SPARQL query text, read without a full parser: query form, where the WHERE group opens,
a VALUES block built from RDF terms, and syntax errors turned into located problems.

A small lexer skips comments, strings and IRIs, so braces or keywords inside them are never
mistaken for syntax. Values are never pasted as text: :func:`values_block` writes terms that
pyoxigraph has already validated and escaped (an IRI cannot contain ``>``, a literal's quotes,
backslashes and newlines are escaped), so a value can only ever be one term.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Iterator

from .errors import Location, Problem, QueryError

__all__ = ["query_form", "where_brace", "values_block", "inject_values", "syntax_problem", "QUERY_FORMS"]

QUERY_FORMS = ("select", "construct", "describe", "ask")

_IRI = re.compile(r"<[^<>\"{}|^`\\\x00-\x20]*>")
_WORD = re.compile(r"[A-Za-z_][A-Za-z0-9_\-]*")
_STRINGS = ('"""', "'''", '"', "'")


@dataclass(frozen=True)
class _Token:
    kind: str  # "word", "brace", "other"
    text: str
    offset: int


def _tokens(text: str) -> Iterator[_Token]:
    """Tokens that matter for structure (words and braces), skipping comments, strings, IRIs."""
    i, n = 0, len(text)
    while i < n:
        ch = text[i]
        if ch == "#":
            end = text.find("\n", i)
            i = n if end < 0 else end + 1
        elif ch in "\"'":
            quote = next(q for q in _STRINGS if text.startswith(q, i))
            j = i + len(quote)
            while j < n and not text.startswith(quote, j):
                j += 2 if text[j] == "\\" else 1
            i = j + len(quote)
        elif ch == "<" and (m := _IRI.match(text, i)):
            i = m.end()
        elif ch in "{}":
            yield _Token("brace", ch, i)
            i += 1
        elif ch in "?$":
            m = _WORD.match(text, i + 1)
            i = m.end() if m else i + 1
        elif (m := _WORD.match(text, i)) is not None:
            end = m.end()
            if end < n and text[end] == ":":  # a prefixed name, not a keyword
                end += 1
                while end < n and (text[end].isalnum() or text[end] in "_-.:%"):
                    end += 1
                yield _Token("other", text[i:end], i)
            else:
                yield _Token("word", m.group(), i)
            i = end
        else:
            i += 1


def query_form(text: str) -> str | None:
    """``select``, ``construct``, ``describe`` or ``ask``: the form of the query (None if none)."""
    for token in _tokens(text):
        if token.kind == "word" and token.text.lower() in QUERY_FORMS:
            return token.text.lower()
    return None


def where_brace(text: str) -> int:
    """Offset of the ``{`` that opens the query's outermost WHERE group.

    Raises :class:`QueryError` for a query without one (``DESCRIBE <x>``, short-form
    ``CONSTRUCT WHERE``), where no parameter can be bound.
    """
    form = None
    seen_where = False
    depth = 0
    template_done = False
    for token in _tokens(text):
        if token.kind == "word":
            word = token.text.lower()
            if form is None and word in QUERY_FORMS:
                form = word
            elif word == "where" and depth == 0:
                seen_where = True
        elif token.kind == "brace" and form is not None:
            if token.text == "{":
                if depth == 0:
                    if form != "construct" or (seen_where and template_done):
                        return token.offset
                    if seen_where and not template_done:
                        break  # CONSTRUCT WHERE { ... } short form
                depth += 1
            else:
                depth -= 1
                if depth == 0 and form == "construct":
                    template_done = True
    raise QueryError(
        "parameters can only be bound in a query with a WHERE group"
        + (" (write CONSTRUCT { template } WHERE { pattern })" if form == "construct" else "")
    )


def values_block(bindings: dict) -> str:
    """``VALUES (?a ?b) { (term term) }`` for ``{name: pyoxigraph term}`` (one line)."""
    names = " ".join(f"?{name}" for name in bindings)
    terms = " ".join(str(term) for term in bindings.values())
    return f" VALUES ({names}) {{ ({terms}) }}"


def inject_values(text: str, bindings: dict) -> str:
    """The query with a VALUES block binding ``bindings`` at the start of its WHERE group.

    The block is inserted on the line of the ``{``, so line numbers stay those of the file.
    """
    if not bindings:
        return text
    at = where_brace(text) + 1
    return text[:at] + values_block(bindings) + text[at:]


_ERROR_AT = re.compile(r"error at (\d+):(\d+): (.*)", re.S)


def _explain(detail: str) -> str:
    """A short reading of pyoxigraph's parser message (its 'expected one of' lists are long)."""
    detail = " ".join(detail.split())
    if not detail.startswith("expected one of "):
        return detail
    items = [item.strip() for item in re.split(r",\s*(?![^\[]*\])", detail[len("expected one of "):])]
    sentences = [item for item in items if " " in item and item[:1].isupper() and "[" not in item]
    if sentences:
        return "; ".join(dict.fromkeys(s[0].lower() + s[1:] for s in sentences))
    words = [item for item in items if "[" not in item and "'" not in item]
    shown = ", ".join(words[:8]) + (", ..." if len(words) > 8 else "")
    return f"unexpected text here (expected one of {shown})" if shown else "unexpected text here"


def syntax_problem(exc: SyntaxError, text: str, origin: str | None, first_line: int = 1) -> Problem:
    """A located problem for pyoxigraph's SPARQL ``SyntaxError``: line, column, the line itself and a caret.

    ``first_line`` is the line of ``origin`` where ``text`` starts (1 for a whole file).
    """
    message = str(exc)
    match = _ERROR_AT.search(message)
    if not match:
        return Problem(f"SPARQL syntax error: {' '.join(message.split())}", Location(origin))
    line, column = int(match.group(1)), int(match.group(2))
    lines = text.splitlines() or [""]
    source_line = lines[line - 1] if 0 < line <= len(lines) else ""
    file_line = line + first_line - 1
    caret = " " * max(column - 1, 0) + "^"
    where = f"{origin or '<query>'}:{file_line}:{column}"
    return Problem(
        f"{where}: SPARQL syntax error: {_explain(match.group(3))}\n    {source_line}\n    {caret}",
        Location(None, file_line, column),
    )
