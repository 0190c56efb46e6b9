"""Literal values are checked by their datatype's lexical space (XSD 1.1 Part 2), or refused.

A record's value for a datatype property becomes a literal only if it fits the range: a wrong
one is a clear error (file, line, record, what is expected, how to fix), exit 2, and the last
good dist/ stays byte-identical. A datatype ldpub does not know is an ontology error.
"""

from __future__ import annotations

import pytest

from ldpub.literals import DATATYPES, InvalidLiteral, UnknownDatatype, check_literal
from ldpub.rdfterms import XSD
from values_project import RECORDS_FILE, assert_user_error, build, good_build, line_of, make_project, record, snapshot

# (datatype, values it accepts -> the lexical form written, values it refuses)
TABLE = {
    "string": ({" as typed ": " as typed ", "tab\there": "tab\there"}, ["bell\x07"]),
    "normalizedString": ({"a\tb": "a b"}, ["\x0b"]),
    "token": ({"  two   words ": "two words"}, ["\ufffe"]),
    "language": ({"en": "en", "pt-BR": "pt-BR", "sgn-CH-DE": "sgn-CH-DE"}, ["not a tag", "en_US", "toolongtag", "en-"]),
    "Name": ({"a:b-c.d": "a:b-c.d", "_x": "_x"}, ["1abc", "a b", "-x"]),
    "NCName": ({"abc": "abc", "é-1": "é-1"}, ["a:b", "1a"]),
    "NMTOKEN": ({"1abc": "1abc", ":x": ":x"}, ["a b", "a,b"]),
    "anyURI": ({"https://example.org/a?b=c#d": "https://example.org/a?b=c#d", "../rel": "../rel", "urn:isbn:1": "urn:isbn:1"},
               ["not a uri", "http://x/<y>", "http://x/%zz", "1http:x"]),
    "hexBinary": ({"0fB7": "0fB7", "": ""}, ["0fB", "zz"]),
    "base64Binary": ({"YWJj": "YWJj", "YQ==": "YQ==", "YW Jj": "YW Jj"}, ["YQ=", "Y===", "abc"]),
    "boolean": ({"true": "true", "false": "false", "1": "true", "0": "false"}, ["True", "yes", "maybe", "2"]),
    "decimal": ({"1.50": "1.5", "+007": "7", "-.5": "-0.5", "3.": "3", "-0.0": "0"}, ["1e3", "1,5", "١٢٣", "NaN", "."]),
    "integer": ({"+0042": "42", "-0": "0", "9" * 40: "9" * 40}, ["1.0", "1e3", "١٢٣", "1_000", "0x1F"]),
    "nonPositiveInteger": ({"0": "0", "-5": "-5"}, ["1"]),
    "negativeInteger": ({"-1": "-1"}, ["0"]),
    "long": ({"9223372036854775807": "9223372036854775807"}, ["9223372036854775808"]),
    "int": ({"-2147483648": "-2147483648"}, ["2147483648"]),
    "short": ({"32767": "32767"}, ["-32769"]),
    "byte": ({"-128": "-128", "127": "127"}, ["128", "-129"]),
    "nonNegativeInteger": ({"0": "0"}, ["-1"]),
    "positiveInteger": ({"1": "1"}, ["0"]),
    "unsignedLong": ({"18446744073709551615": "18446744073709551615"}, ["18446744073709551616", "-1"]),
    "unsignedInt": ({"4294967295": "4294967295"}, ["4294967296"]),
    "unsignedShort": ({"65535": "65535"}, ["65536"]),
    "unsignedByte": ({"255": "255"}, ["256"]),
    "double": ({"1.5": "1.5E0", "-2.5e3": "-2.5E3", "INF": "INF", "+INF": "INF", "-INF": "-INF", "NaN": "NaN",
                "0": "0.0E0", "-0": "-0.0E0", ".5": "5.0E-1", "1e308": "1.0E308"},
               ["1e999", "1e-400", "inf", "nan", "1,5", "١٢٣", "1.5d"]),
    "float": ({"0.1": "1.0E-1", "3.4e38": "3.4E38", "1": "1.0E0"}, ["3.5e38", "1e-50", "Infinity"]),
    "date": ({"2020-02-29": "2020-02-29", "2019-01-31Z": "2019-01-31Z", "-0044-03-15": "-0044-03-15",
              "0000-02-29": "0000-02-29", "12019-01-01+05:30": "12019-01-01+05:30",
              "2022-12-14-12:00": "2022-12-14-12:00"},  # Anywhere on Earth (frictions.md F4)
             ["2019-02-29", "2018-03", "2018-3-1", "2019-04-31", "2019-01-01+15:00", "١٩٩٩-01-01", "0000-00-00"]),
    "dateTime": ({"2019-01-01T10:00:00": "2019-01-01T10:00:00", "2019-12-31T24:00:00.000Z": "2019-12-31T24:00:00.000Z",
                  "2019-06-01T08:30:00.5-03:00": "2019-06-01T08:30:00.5-03:00"},
                 ["2019-01-01", "2019-01-01T25:00:00", "2019-01-01T10:00", "2019-02-30T00:00:00", "2019-01-01T24:00:01"]),
    "dateTimeStamp": ({"2019-01-01T10:00:00Z": "2019-01-01T10:00:00Z"}, ["2019-01-01T10:00:00"]),
    "time": ({"13:20:00": "13:20:00", "24:00:00": "24:00:00", "00:00:00.25+01:00": "00:00:00.25+01:00"},
             ["13:20", "13:60:00", "1:20:00"]),
    "gYearMonth": ({"2007-01": "2007-01", "-0100-12Z": "-0100-12Z"}, ["2007-01-01", "2007-13", "2007"]),
    "gYear": ({"2007": "2007", "-0001": "-0001", "12345": "12345"}, ["07", "2007-01", "02007"]),
    "gMonthDay": ({"--02-29": "--02-29", "--12-31Z": "--12-31Z"}, ["--02-30", "--04-31", "02-28"]),
    "gMonth": ({"--05": "--05"}, ["--13", "05"]),
    "gDay": ({"---31": "---31"}, ["---32", "--31"]),
    "duration": ({"P1Y2M3DT4H5M6.5S": "P1Y2M3DT4H5M6.5S", "-PT1M": "-PT1M", "P0D": "P0D", "PT36H": "PT36H"},
                 ["P", "PT", "P1S", "1Y", "P1DT", "P-1Y", "PT1.S"]),
    "yearMonthDuration": ({"P1Y6M": "P1Y6M", "-P3M": "-P3M"}, ["P1D", "P1Y1D"]),
    "dayTimeDuration": ({"P3DT4H30M": "P3DT4H30M", "PT0.5S": "PT0.5S"}, ["P1Y", "P1M"]),
}


def test_every_datatype_ldpub_knows_is_in_the_table():
    assert {XSD + name for name in TABLE} | {"http://www.w3.org/2000/01/rdf-schema#Literal",
                                             "http://id.loc.gov/datatypes/edtf/EDTF"} == set(DATATYPES)


@pytest.mark.parametrize("name, given, written",
                         [(n, g, w) for n, (good, _) in TABLE.items() for g, w in good.items()])
def test_valid_values_are_written_in_their_lexical_form(name, given, written):
    assert check_literal(given, (XSD + name,)) == (written, XSD + name)


@pytest.mark.parametrize("name, given", [(n, g) for n, (_, bad) in TABLE.items() for g in bad])
def test_invalid_values_are_refused(name, given):
    with pytest.raises(InvalidLiteral) as caught:
        check_literal(given, (XSD + name,))
    assert f"xsd:{name}" in str(caught.value) or "does not exist" in str(caught.value) or "not allowed" in str(caught.value)


@pytest.mark.parametrize("name", ["QName", "NOTATION", "ENTITY", "IDREFS", "NMTOKENS", "anySimpleType"])
def test_datatypes_rdf_says_not_to_use_are_refused(name):
    with pytest.raises(UnknownDatatype, match="RDF does not use"):
        check_literal("x", (XSD + name,))


# ------------------------------------------------------------------ through the build

MONTH = """
ex:month a owl:DatatypeProperty ; rdfs:label "month"@en ; rdfs:range xsd:gYearMonth .
ex:opened a owl:DatatypeProperty ; rdfs:label "opened"@en ; rdfs:range xsd:date .
ex:size a owl:DatatypeProperty ; rdfs:label "size"@en ; rdfs:range xsd:unsignedByte .
"""


@pytest.fixture
def month_project(tmp_path, run_cli):
    project = make_project(tmp_path, run_cli, MONTH, record(month='"2007-01"', opened="2019-05-04", size="12"))
    return project, good_build(run_cli, project)


@pytest.mark.parametrize("old, new, message, hint", [
    pytest.param('month: "2007-01"', 'month: "2007-01-01"',
                 "month: expected a year and month YYYY-MM (xsd:gYearMonth), got '2007-01-01'",
                 "write 2007-01, or give the property the range xsd:date", id="gYearMonth-given-a-date"),
    pytest.param("opened: 2019-05-04", "opened: 2018-03",
                 "opened: expected a date YYYY-MM-DD (xsd:date), got '2018-03'",
                 'a year, a month, a season or an interval is written in EDTF, e.g. 2018-03, and the property\'s '
                 'range must then be a class with ldpub:expander "edtf": see docs/curation.md, Dates', id="partial-date-needs-edtf"),
    pytest.param("size: 12", "size: 300", "size: 300 is out of range for xsd:unsignedByte (from 0 to 255)", None,
                 id="integer-bounds"),
])
def test_a_value_outside_the_lexical_space_is_a_located_error(month_project, run_cli, old, new, message, hint):
    project, before = month_project
    path = project / RECORDS_FILE
    path.write_text(path.read_text().replace(old, new), encoding="utf-8")
    code, _, err = build(run_cli, project)
    assert_user_error(code, err, f"{RECORDS_FILE}:{line_of(path, new)}: record 'thing': {message}")
    if hint:
        assert hint in err
    assert snapshot(project) == before


def test_the_valid_literals_are_written_typed(month_project):
    project, before = month_project
    nt = before["dataset.nt"].decode()
    assert '"2007-01"^^<http://www.w3.org/2001/XMLSchema#gYearMonth>' in nt
    assert '"12"^^<http://www.w3.org/2001/XMLSchema#unsignedByte>' in nt


@pytest.mark.parametrize("datatype, reason", [
    ("rdf:HTML", "ldpub does not know the datatype rdf:HTML"),
    ("xsd:QName", "RDF does not use xsd:QName"),
    ("ex:Percent", "ldpub does not know the datatype https://example.org/ds/ontology#Percent"),
])
def test_a_datatype_ldpub_does_not_know_is_an_ontology_error(tmp_path, run_cli, datatype, reason):
    turtle = f'\nex:share a owl:DatatypeProperty ;\n    rdfs:label "share"@en ;\n    rdfs:range {datatype} .\n'
    project = make_project(tmp_path, run_cli, turtle, record(share="12"))
    code, _, err = build(run_cli, project)
    assert_user_error(code, err, "ontology/extra.ttl:", "property ex:share has range", reason)
    assert not (project / "dist").exists()
