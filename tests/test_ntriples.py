"""ldpub writes N-Triples text itself: it must be exactly what pyoxigraph prints."""

from __future__ import annotations

import pyoxigraph as ox

from ldpub import ntriples

XSD = "http://www.w3.org/2001/XMLSchema#"


def test_every_code_point_is_escaped_as_pyoxigraph_escapes_it():
    for start in range(0, 0x110000, 0x1000):
        text = "".join(chr(c) for c in range(start, start + 0x1000) if not 0xD800 <= c <= 0xDFFF)
        assert ntriples.literal(text) == str(ox.Literal(text)), hex(start)


def test_typed_plain_and_language_literals_print_like_pyoxigraph():
    cases = [
        (ntriples.literal("42", XSD + "integer"), ox.Literal("42", datatype=ox.NamedNode(XSD + "integer"))),
        (ntriples.literal("plain", XSD + "string"), ox.Literal("plain")),
        (ntriples.literal('say "hi"\\\n', None), ox.Literal('say "hi"\\\n')),
        (ntriples.literal("Taliban", suffix=ntriples.language_suffix("EN")), ox.Literal("Taliban", language="en")),
        (ntriples.literal("x", suffix=ntriples.language_suffix("ps-AF")), ox.Literal("x", language="ps-AF")),
    ]
    for text, term in cases:
        assert text == str(term)


def test_lines_round_trip_through_the_parser():
    s, p = ntriples.iri("https://example.org/a"), ntriples.iri("https://example.org/p")
    lines = [f"{s} {p} {ntriples.literal(v)}" for v in ("a\tb", "é ü", "\x00\x7f", "")]
    triples = ntriples.parse_lines(lines)
    assert [str(t) for t in triples] == lines
    assert ntriples.lines_bytes(lines) == ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES)


def test_unescape_reverses_every_escape():
    text = "".join(chr(c) for c in range(0, 0x3000) if not 0xD800 <= c <= 0xDFFF) + '\\ "q" \ufffe\uffff'
    assert ntriples.unescape(ntriples.literal(text)[1:-1]) == text
    assert ntriples.unescape(r"a\u00e9\U0001F600\'\\") == "aé\U0001F600'\\"


def test_jsonld_from_lines_is_byte_identical_to_jsonld_from_triples():
    from ldpub.serialize import JsonLdWriter

    ex = "https://example.org/"
    context = {"ex": ex, "name": {"@id": "ex:name", "@language": "en"}, "n": {"@id": "ex:n", "@type": "xsd:integer"},
               "xsd": "http://www.w3.org/2001/XMLSchema#", "knows": {"@id": "ex:knows", "@type": "@id"}}
    s, other = ntriples.iri(ex + "a"), ntriples.iri(ex + "b")
    tricky, backslash = ntriples.literal('Ä "quoted" line\nbreak', suffix="@en"), ntriples.literal("x\\y")
    lines = sorted([
        f"{s} {ntriples.iri(ex + 'name')} {tricky}",
        f"{s} {ntriples.iri(ex + 'name')} {ntriples.literal('fr', suffix='@fr')}",
        f"{s} {ntriples.iri(ex + 'n')} {ntriples.literal('7', 'http://www.w3.org/2001/XMLSchema#integer')}",
        f"{s} {ntriples.iri(ex + 'n')} {backslash}",
        f"{s} {ntriples.iri(ex + 'knows')} {other}",
        f"{s} {ntriples.iri(ex + 'other')} _:b0",
        f"{other} <http://www.w3.org/1999/02/22-rdf-syntax-ns#type> {ntriples.iri(ex + 'Thing')}",
        f"_:b0 {ntriples.iri(ex + 'v')} {ntriples.literal('2020-01', 'http://www.w3.org/2001/XMLSchema#gYearMonth')}",
    ])
    from_lines, from_triples = JsonLdWriter(context), JsonLdWriter(context)
    from_lines.feed_lines(lines)
    from_triples.feed(ntriples.parse_lines(lines))
    assert from_lines.finish() == from_triples.finish()


def test_jsonld_written_in_two_parts_is_the_jsonld_written_at_once(built):
    from ldpub.datafiles import jsonld_cut, jsonld_part
    from ldpub.pipeline import _write_context
    from ldpub.serialize import JsonLdWriter

    build, out = built
    ctx = _write_context(build)
    whole = (out / "dataset.jsonld").read_bytes()
    for share in (0.1, 0.45, 0.9):
        cut = jsonld_cut(build.lines, share)
        assert 0 < cut < len(build.lines)
        assert build.lines[cut].split(" ")[0] != build.lines[cut - 1].split(" ")[0], "cut between two subjects"
        parts = jsonld_part(build.lines[:cut], ctx, False).data + jsonld_part(build.lines[cut:], ctx, True).data
        assert parts + JsonLdWriter.FOOTER == whole
    assert jsonld_cut(build.lines[:1], 0.5) == 0
