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
from typing import Iterable, Iterator

from .errors import Location, Problem, QueryError

__all__ = ["Token", "tokens", "nesting_depth", "line_column", "query_form", "where_brace", "values_block", "inject_values", "syntax_problem", "QUERY_FORMS"]

QUERY_FORMS = ("select", "construct", "describe", "ask")

# The terminals of the SPARQL 1.1 grammar (section 19.8) that the lexer needs. Every pattern is
# written so that a failed attempt costs at most the rest of its line or run (possessive
# quantifiers): lexing stays linear in the length of the query, whatever the input.
_PN_CHARS_BASE = (
    "A-Za-z\u00c0-\u00d6\u00d8-\u00f6\u00f8-\u02ff\u0370-\u037d\u037f-\u1fff\u200c-\u200d"
    "\u2070-\u218f\u2c00-\u2fef\u3001-\ud7ff\uf900-\ufdcf\ufdf0-\ufffd\U00010000-\U000effff"
)
_PN_CHARS_U = _PN_CHARS_BASE + "_"
_PN_CHARS = _PN_CHARS_U + "\\-0-9\u00b7\u0300-\u036f\u203f-\u2040"
_PLX = r"%[0-9A-Fa-f]{2}|\\[_~.\-!$&'()*+,;=/?#@%]"
_UCHAR = r"\\u[0-9A-Fa-f]{4}|\\U[0-9A-Fa-f]{8}"
_STRING = (
    r'"""(?:(?:""?)?(?:[^"\\]|\\[\s\S]))*+"""'
    r"|'''(?:(?:''?)?(?:[^'\\]|\\[\s\S]))*+'''"
    r'|"(?:[^"\\\r\n]|\\[^\r\n])*+"'
    r"|'(?:[^'\\\r\n]|\\[^\r\n])*+'"
)
_TOKEN = re.compile(
    "|".join(
        f"(?P<{kind}>{pattern})"
        for kind, pattern in (
            ("space", r"[ \t\r\n]++"),
            ("comment", r"#[^\r\n]*+"),
            ("iri", f'<(?:[^<>"{{}}|^`\\\\\\x00-\\x20]|{_UCHAR})*+>'),
            ("string", _STRING),
            ("quote", r"[\"']"),  # a quote that starts no string: the query cannot be parsed
            ("var", f"[?$][{_PN_CHARS_U}0-9][{_PN_CHARS_U}0-9\u00b7\u0300-\u036f\u203f-\u2040]*+"),
            ("bnode", f"_:[{_PN_CHARS_U}0-9][{_PN_CHARS}]*+(?:\\.++[{_PN_CHARS}]++)*+"),
            ("langtag", r"@[a-zA-Z]++(?:-[a-zA-Z0-9]++)*+(?:--(?:ltr|rtl)(?![a-zA-Z0-9]))?"),
            ("number", r"(?:[0-9]++\.[0-9]*+[eE][+-]?[0-9]++|\.[0-9]++(?:[eE][+-]?[0-9]++)?"
                       r"|[0-9]++(?:\.[0-9]++)?(?:[eE][+-]?[0-9]++)?)(?![" + _PN_CHARS_U + "])"),
            # names: keywords, bare words and prefixed names, as one run of name characters;
            # a run ends before its trailing dots (a prefixed name cannot end with '.')
            ("name", f"(?:[{_PN_CHARS}:]|{_PLX})(?:[{_PN_CHARS}:]|{_PLX}|\\.++(?=[{_PN_CHARS}:%\\\\]))*+"),
            ("punct", r"\^\^|&&|\|\||!=|<=|>=|<<|>>|\{\||\|\}|[\s\S]"),
        )
    )
)
_OPENING, _CLOSING = ("{", "(", "[", "<<", "{|"), ("}", ")", "]", ">>", "|}")
_PREFIX_OPERATORS = ("!", "^", "-", "+")


@dataclass(frozen=True)
class Token:
    """A token of a query text: its kind, text and offset.

    Kinds: ``iri``, ``string``, ``var``, ``bnode``, ``langtag``, ``number``, ``word`` (a keyword
    or a bare word), ``pname`` (a prefixed name), ``punct`` (a bracket, an operator, any other
    character) and ``quote`` (a quote that opens no string: nothing after it is read).
    Whitespace and comments are skipped.
    """

    kind: str
    text: str
    offset: int

    @property
    def prefix(self) -> str:
        """The part of a word or prefixed name a parser may read as a keyword: a prefixed
        name's prefix, a word's whole text (empty for other kinds)."""
        if self.kind == "word":
            return self.text
        if self.kind == "pname":
            return self.text.split(":", 1)[0]
        return ""


def tokens(text: str) -> Iterator[Token]:
    """The tokens of ``text`` as SPARQL 1.1 reads them: comments end at a CR or an LF, strings
    and IRIs are single tokens, ``\\``-escapes in prefixed names and strings are honoured.

    Lexing stops at a quote that opens no string (the query cannot be parsed past it).
    """
    for match in _TOKEN.finditer(text):
        kind = match.lastgroup
        if kind in ("space", "comment"):
            continue
        if kind == "name":
            name = match.group()
            yield Token("pname" if ":" in name else "word", name, match.start())
            continue
        yield Token(kind, match.group(), match.start())
        if kind == "quote":
            return


def nesting_depth(text: str) -> int:
    """How deep brackets (``{ ( [ << {|``) and chains of prefix operators (``! ^ - +``) nest.

    Recursive-descent parsers recurse once per level: this is what bounds their stack.
    """
    depth = deepest = run = 0
    for token in tokens(text):
        if token.kind == "punct" and token.text in _OPENING:
            depth += 1
        elif token.kind == "punct" and token.text in _CLOSING:
            depth = max(depth - 1, 0)
        run = run + 1 if token.kind == "punct" and token.text in _PREFIX_OPERATORS else 0
        deepest = max(deepest, depth + run)
    return deepest


def line_column(text: str, offset: int) -> tuple[int, int]:
    """1-based line and column of ``offset`` in ``text``, counted as pyoxigraph counts them in
    its syntax errors (lines end at LF; a column is a character)."""
    before = text[:offset]
    return before.count("\n") + 1, offset - (before.rfind("\n") + 1) + 1


def undeclared_prefix(text: str, known: Iterable[str] = ()) -> Token | None:
    """The first prefixed name of ``text`` whose prefix neither the text (``PREFIX p:``) nor
    ``known`` declares, or None."""
    declared = set(known)
    previous = None
    for token in tokens(text):
        if token.kind == "pname":
            prefix = token.text.split(":", 1)[0]
            if previous is not None and previous.kind == "word" and previous.text.upper() == "PREFIX":
                declared.add(prefix)
            elif prefix not in declared:
                return token
        previous = token
    return None


def _tokens(text: str) -> Iterator[Token]:
    """Tokens that matter for structure: words (keywords) and braces."""
    for token in tokens(text):
        if token.kind == "word" or (token.kind == "punct" and token.text in "{}"):
            yield Token("brace" if token.kind == "punct" else "word", token.text, token.offset)


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


def syntax_problem(exc: SyntaxError, text: str, origin: str | None, first_line: int = 1,
                   known_prefixes: Iterable[str] = ()) -> Problem:
    """A located problem for pyoxigraph's SPARQL ``SyntaxError``: line, column, the line itself and a caret.

    ``first_line`` is the line of ``origin`` where ``text`` starts (1 for a whole file). A prefix
    that is declared nowhere (neither in the text nor in ``known_prefixes``) is reported by
    name at its first use, whatever pyoxigraph's message says.
    """
    message = str(exc)
    match = _ERROR_AT.search(message)
    unknown = undeclared_prefix(text, known_prefixes)
    if unknown is not None:
        line, column = line_column(text, unknown.offset)
        prefix = unknown.text.split(":", 1)[0]
        explanation = f"unknown prefix '{prefix}:' (declare it: PREFIX {prefix}: <namespace IRI>)"
    elif match:
        line, column = int(match.group(1)), int(match.group(2))
        explanation = _explain(match.group(3))
    else:
        return Problem(f"SPARQL syntax error: {' '.join(message.split())}", Location(origin))
    lines = text.split("\n")
    source_line = lines[line - 1].rstrip("\r") if 0 < line <= len(lines) else ""
    file_line = line + first_line - 1
    caret = " " * max(column - 1, 0) + "^"
    where = f"{origin or '<query>'}:{file_line}:{column}"
    return Problem(
        f"{where}: SPARQL syntax error: {explanation}\n    {source_line}\n    {caret}",
        Location(None, file_line, column),
    )
