"""Check excerpts against the full source texts they quote, which are not republished.

A Source record names its text file (``textFile``) and the SHA-256 of that text (``sha256``);
the text itself lives outside the project, in the folder ``[paths] sources`` of ``ldpub.toml``.
:func:`check_excerpts` reads those texts when they are there and reports, as
:class:`ldpub.report.Finding` objects pointing at the YAML line:

* a text whose SHA-256 differs from its Source record;
* a ``quote`` that does not occur verbatim in its source's text (saying where it stops
  matching and which character differs, e.g. a no-break space or a curly quote);
* a ``paragraph`` number that is not the paragraph holding the quote.

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

__all__ = ["MIN_PARAGRAPH_WORDS", "paragraphs", "sha256_hex", "ExcerptCheck", "check_excerpts", "describe_char"]

MIN_PARAGRAPH_WORDS = 15
_SENTENCE_END = re.compile(r"[.!?][\"'”’)\]]*$")


def paragraphs(text: str) -> list[str]:
    """The body paragraphs of a source text, in order (index 0 is paragraph 1)."""
    blocks = (block.strip() for block in re.split(r"\n[ \t\u00a0]*\n", text))
    return [b for b in blocks if b and _SENTENCE_END.search(b) and len(b.split()) >= MIN_PARAGRAPH_WORDS]


def sha256_hex(data: bytes) -> str:
    """Lower-case hex SHA-256 of ``data``."""
    return hashlib.sha256(data).hexdigest()


def describe_char(ch: str) -> str:
    """A character as a curator can find it: ``'’' (U+2019 RIGHT SINGLE QUOTATION MARK)``."""
    shown = ch if ch.isprintable() and not ch.isspace() else ""
    name = unicodedata.name(ch, "control character")
    return f"{shown!r} (U+{ord(ch):04X} {name})" if shown else f"U+{ord(ch):04X} {name}"


@dataclass
class ExcerptCheck:
    """The outcome: findings, the sources checked, and those whose text is not available."""

    findings: list[Finding] = field(default_factory=list)
    checked: list[str] = field(default_factory=list)  # Source IRIs whose text was read
    missing: dict[str, Path] = field(default_factory=dict)  # Source IRI -> where its text was looked for
    excerpts: int = 0  # excerpts checked against a text


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
    return (
        f"quote not found verbatim in {file_name}: it matches up to '…{shown}', then the quote has "
        f"{describe_char(quote[n])} where the text has {describe_char(text[at])}"
    )


def check_excerpts(build, sources_dir: Path | None) -> ExcerptCheck:
    """Check every excerpt of a build against the texts in ``sources_dir`` (see module doc)."""
    vocab = build.vocab
    iri = {key: vocab.properties[key].iri for key in ("quote", "inSource", "paragraph", "textFile", "sha256")}
    store = build.store()
    result = ExcerptCheck()

    texts: dict[str, tuple[str, str]] = {}  # source IRI -> (file name, text)
    rows = store.query(
        f"SELECT ?s ?file ?sha WHERE {{ ?s <{iri['textFile']}> ?file . OPTIONAL {{ ?s <{iri['sha256']}> ?sha }} }}"
    )
    for row in rows:
        source, file_name = row["s"].value, row["file"].value
        path = (sources_dir / file_name) if sources_dir else Path(file_name)
        if not path.is_file():
            result.missing[source] = path
            continue
        data = path.read_bytes()
        result.checked.append(source)
        texts[source] = (file_name, data.decode("utf-8"))
        recorded = row["sha"].value if row["sha"] is not None else None
        actual = sha256_hex(data)
        if recorded != actual:
            loc = build.mapped.source_map.locate(source, iri["sha256"]) or Location()  # a finding: locate it
            result.findings.append(Finding(
                "violation",
                f"sha256: {file_name} has SHA-256 {actual} but the record says {recorded}: the text changed "
                "or the record is wrong; if this text is the one the excerpts quote, set sha256 to the new value",
                loc, focus=source, path=iri["sha256"], value=recorded, rule="excerpt-sha256", check="excerpts"))

    numbered = {source: paragraphs(text) for source, (_, text) in texts.items()}
    rows = store.query(
        f"SELECT ?e ?q ?s ?p WHERE {{ ?e <{iri['quote']}> ?q ; <{iri['inSource']}> ?s . "
        f"OPTIONAL {{ ?e <{iri['paragraph']}> ?p }} }}"
    )
    def locate(node: str, *predicates: str) -> Location:
        """Where a node's property is in the YAML (the source map is made only for a finding)."""
        source_map = build.mapped.source_map
        return next((loc for p in predicates if (loc := source_map.locate(node, p))), None) or Location()

    for row in sorted(rows, key=lambda r: r["e"].value):
        excerpt, quote, source = row["e"].value, row["q"].value, row["s"].value
        if source not in texts:
            continue
        result.excerpts += 1
        file_name, text = texts[source]
        if quote not in text:
            result.findings.append(Finding(
                "violation", _mismatch_message(quote, text, file_name), locate(excerpt, iri["quote"]), focus=excerpt, path=iri["quote"],
                value=quote, rule="excerpt-verbatim", check="excerpts"))
            continue
        if row["p"] is None:
            continue
        given = int(row["p"].value)
        holding = [n for n, para in enumerate(numbered[source], start=1) if quote in para]
        if given not in holding:
            actual_para = ", ".join(map(str, holding)) or "none (it spans paragraphs or lies outside them)"
            loc = locate(excerpt, iri["paragraph"], iri["quote"])
            result.findings.append(Finding(
                "violation", f"paragraph: the quote is in paragraph {actual_para} of {file_name}, not {given}",
                loc, focus=excerpt, path=iri["paragraph"], value=str(given), rule="excerpt-paragraph", check="excerpts"))
    result.findings.sort(key=Finding.sort_key)
    return result
