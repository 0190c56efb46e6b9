"""Check excerpts against the full source texts they quote, which are not republished.

Which properties are an excerpt's quote, its source and its paragraph number, and which name a
source's text file and its SHA-256, is the project's profile (:mod:`ldpub.profile`: the roles
``quote``, ``source``, ``paragraph``, ``textFile`` and ``sha256``; PROV-O's ``prov:value`` and
``prov:wasQuotedFrom`` are recognised without annotation). A source record names its text file
and the SHA-256 of that text; the text itself lives outside the project, in the folder
``[paths] sources`` of ``ldpub.toml``. :func:`check_excerpts` reads those texts when they are
there and reports, as :class:`ldpub.report.Finding` objects pointing at the YAML line:

* a text whose SHA-256 differs from its source record;
* a quote that does not occur verbatim in its source's text (saying where it stops
  matching and which character differs, e.g. a no-break space or a curly quote);
* a paragraph number that is not the paragraph holding the quote.

Quotes are compared character for character, except line ends: a text's CR LF or CR is read as
the LF a quote writes (``\\n`` in a double-quoted YAML value), as ``ldpub excerpts --paragraphs`` shows it.

A project whose ontology has no excerpt terms, or no property naming a text file, has nothing
to check: :attr:`ExcerptCheck.unsupported` says why.

Sources whose text is absent are listed, not failed: the check runs where the texts are.

Paragraphs are numbered by :func:`paragraphs`: blocks of text separated by blank lines that
end like a sentence and have at least :data:`MIN_PARAGRAPH_WORDS` words; titles, headings,
section lines, subtitles and photo credits are not paragraphs.

>>> body = "Fifteen words make a paragraph here, so this sentence of fifteen words is one too."
>>> paragraphs("A Title?\\n\\nA short subtitle, not a paragraph.\\n\\n" + body) == [body]
True
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

from .errors import Location
from .report import Finding

__all__ = ["MIN_PARAGRAPH_WORDS", "paragraphs", "line_breaks_as_newlines", "sha256_hex", "ExcerptCheck", "check_excerpts",
           "describe_char"]

MIN_PARAGRAPH_WORDS = 15
_SENTENCE_END = re.compile(r"[.!?][\"'”’)\]]*$")


def paragraphs(text: str) -> list[str]:
    """The body paragraphs of a source text, in order (index 0 is paragraph 1)."""
    blocks = (block.strip() for block in re.split(r"\n[ \t\u00a0]*\n", text))
    return [b for b in blocks if b and _SENTENCE_END.search(b) and len(b.split()) >= MIN_PARAGRAPH_WORDS]


def line_breaks_as_newlines(text: str) -> str:
    """``text`` with its CR LF and CR line ends as LF, as ``--paragraphs`` (Python's text mode) reads
    it: a quote writes a line break as ``\\n`` whatever the text file's convention."""
    return text.replace("\r\n", "\n").replace("\r", "\n")


def sha256_hex(data: bytes) -> str:
    """Lower-case hex SHA-256 of ``data``."""
    return hashlib.sha256(data).hexdigest()


# control characters have no Unicode name; these are the ones source texts hold
_CONTROL_NAMES = {"\t": "CHARACTER TABULATION (a tab)", "\n": "LINE FEED (a line break)",
                  "\r": "CARRIAGE RETURN (a line break)", "\x0c": "FORM FEED (a page break)"}
# what to write in a double-quoted YAML value for a whitespace character of the text
_YAML_ESCAPES = {"\n": "\\n", "\t": "\\t", "\r": "\\r", "\x0c": "\\f"}


def describe_char(ch: str) -> str:
    """A character as a curator can find it: ``'’' (U+2019 RIGHT SINGLE QUOTATION MARK)``."""
    shown = ch if ch.isprintable() and not ch.isspace() else ""
    name = _CONTROL_NAMES.get(ch) or unicodedata.name(ch, "control character")
    return f"{shown!r} (U+{ord(ch):04X} {name})" if shown else f"U+{ord(ch):04X} {name}"


@dataclass
class ExcerptCheck:
    """The outcome: findings, the sources checked, and those whose text is not available."""

    findings: list[Finding] = field(default_factory=list)
    checked: list[str] = field(default_factory=list)  # Source IRIs whose text was read
    missing: dict[str, Path] = field(default_factory=dict)  # Source IRI -> where its text was looked for
    excerpts: int = 0  # excerpts checked against a text
    unsupported: str | None = None  # why nothing can be checked in this project (its ontology lacks the terms)


def _longest_found_prefix(quote: str, text: str) -> int:
    """Length of the longest prefix of ``quote`` that occurs in ``text`` (binary search)."""
    lo, hi = 0, len(quote)
    while lo < hi:
        mid = (lo + hi + 1) // 2
        if quote[:mid] in text:
            lo = mid
        else:
            hi = mid - 1
    return lo


def _mismatch_message(quote: str, text: str, file_name: str) -> str:
    n = _longest_found_prefix(quote, text)
    if n == 0:
        return f"quote not found in {file_name}: not even its first character occurs"
    found = quote[:n]
    at = text.find(found) + n
    shown = found[-40:]
    if at >= len(text):
        return f"quote not found in {file_name}: it runs past the end of the text after '…{shown}'"
    message = (
        f"quote not found verbatim in {file_name}: it matches up to '…{shown}', then the quote has "
        f"{describe_char(quote[n])} where the text has {describe_char(text[at])}"
    )
    if quote[n].isspace() and text[at] in _YAML_ESCAPES:
        # a hard-wrapped text (plain text, Markdown, e-mail): the quote runs across its line end
        message += (f" (the quote runs across a line end of the text: write it as {_YAML_ESCAPES[text[at]]} "
                    f"in a double-quoted YAML value, or quote up to the line end)")
    return message


def _pairs(store, predicates) -> list[tuple[object, str, object]]:
    """(subject, predicate IRI, object) for every statement with one of ``predicates``, sorted."""
    import pyoxigraph as ox

    return sorted(((q.subject, q.predicate.value, q.object) for p in predicates
                   for q in store.quads_for_pattern(None, ox.NamedNode(p), None, ox.DefaultGraph())),
                  key=lambda t: (t[0].value, t[1], t[2].value))


def _unsupported(profile) -> str | None:
    if not profile.has_excerpts:
        return ("the ontology names no excerpt terms: give a property ldpub:role \"quote\" (or use prov:value) "
                "and one ldpub:role \"source\" (or prov:wasQuotedFrom)")
    if not profile.declared_with("textFile"):
        return "the ontology names no property for a source's text file: give one ldpub:role \"textFile\""
    return None


def check_excerpts(build, sources_dir: Path | None, profile=None) -> ExcerptCheck:
    """Check every excerpt of a build against the texts in ``sources_dir`` (see module doc)."""
    from .profile import read_profile

    profile = profile or read_profile(build.vocab)
    result = ExcerptCheck(unsupported=_unsupported(profile))
    if result.unsupported:
        return result
    store = build.store()

    def locate(node: str, *predicates: str) -> Location:
        """Where a node's property is in the YAML (the source map is made only for a finding)."""
        source_map = build.mapped.source_map
        return next((loc for p in predicates if (loc := source_map.locate(node, p))), None) or Location()

    texts: dict[str, tuple[str, str]] = {}  # source IRI -> (file name, text)
    digests = {s.value: (p, o.value) for s, p, o in _pairs(store, profile.of("sha256"))}
    for subject, _, file_value in _pairs(store, profile.of("textFile")):
        source, file_name = subject.value, file_value.value
        if source in texts or source in result.missing:
            continue  # one text per source: the first file name in sorted order
        path = (sources_dir / file_name) if sources_dir else Path(file_name)
        if not path.is_file():
            result.missing[source] = path
            continue
        data = path.read_bytes()
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError as exc:
            result.findings.append(Finding(
                "violation", f"{file_name} is not UTF-8 text (byte {exc.start}): save the source text as UTF-8",
                locate(source, *profile.of("textFile")), focus=source, value=file_name, rule="excerpt-text",
                check="excerpts"))
            continue
        result.checked.append(source)
        texts[source] = (file_name, line_breaks_as_newlines(text))
        sha_property, recorded = digests.get(source, (None, None))
        actual = sha256_hex(data)
        if sha_property is None and profile.of("sha256"):
            sha_property = sorted(profile.of("sha256"))[0]
            result.findings.append(Finding(
                "violation", f"sha256: the record gives no SHA-256 of {file_name}, so a changed text would go unnoticed; "
                f"add sha256: {actual} (the text's SHA-256 now)", locate(source, *profile.of("textFile")), focus=source,
                path=sha_property, value=None, rule="excerpt-sha256", check="excerpts"))
        elif sha_property is not None and recorded != actual:
            result.findings.append(Finding(
                "violation",
                f"sha256: {file_name} has SHA-256 {actual} but the record says {recorded}: the text changed "
                "or the record is wrong; if this text is the one the excerpts quote, set sha256 to the new value",
                locate(source, sha_property), focus=source, path=sha_property, value=recorded, rule="excerpt-sha256",
                check="excerpts"))

    numbered = {source: paragraphs(text) for source, (_, text) in texts.items()}
    sources = {s.value: o for s, _, o in _pairs(store, profile.of("source"))}
    paragraph_of = {s.value: (p, o) for s, p, o in _pairs(store, profile.of("paragraph"))}
    rows = []
    for subject, quote_property, quote in _pairs(store, profile.of("quote")):
        source = sources.get(subject.value)
        if source is not None:
            paragraph = paragraph_of.get(subject.value)
            rows.append({"e": subject, "q": quote, "s": source, "qp": quote_property,
                         "p": paragraph[1] if paragraph else None, "pp": paragraph[0] if paragraph else None})
    for row in sorted(rows, key=lambda r: r["e"].value):
        excerpt, quote, source = row["e"].value, row["q"].value, row["s"].value
        if source not in texts:
            continue
        result.excerpts += 1
        file_name, text = texts[source]
        if quote not in text:
            result.findings.append(Finding(
                "violation", _mismatch_message(quote, text, file_name), locate(excerpt, row["qp"]), focus=excerpt,
                path=row["qp"], value=quote, rule="excerpt-verbatim", check="excerpts"))
            continue
        if row["p"] is None:
            continue
        try:
            given = int(row["p"].value)
        except ValueError:
            continue  # not a number: the shapes say so
        holding = [n for n, para in enumerate(numbered[source], start=1) if quote in para]
        if given not in holding:
            actual_para = ", ".join(map(str, holding)) or "none (it spans paragraphs or lies outside them)"
            loc = locate(excerpt, row["pp"], row["qp"])
            result.findings.append(Finding(
                "violation", f"paragraph: the quote is in paragraph {actual_para} of {file_name}, not {given}",
                loc, focus=excerpt, path=row["pp"], value=str(given), rule="excerpt-paragraph", check="excerpts"))
    result.findings.sort(key=Finding.sort_key)
    return result
