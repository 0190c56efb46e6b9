"""Hostile values in records: each is a clear error (file, line, record, what is wrong, the limit),
exit 2, no traceback, in bounded time (the real `ldpub` runs in a child process with a
generous time limit: a hang fails the test), and the last good dist/ stays byte-identical.

Before: ``Y17E99`` raised OverflowError, ``Y1E99999999`` computed 10^99999999 (hang), a set of
2,000 members took over a minute, ``low: 1e999999999`` took 48 s and 3.9 GB before a
MemoryError, and ``low: ١٢٣`` was read as 123.
"""

from __future__ import annotations

import pytest

from ldpub.expanders import MAX_EDTF_CHARS, MAX_EDTF_MEMBERS, MAX_EDTF_YEAR_DIGITS
from ldpub.literals import MAX_LEXICAL_CHARS
from values_project import RECORDS_FILE, assert_user_error, good_build, line_of, make_project, record, run_bounded, snapshot

NUMBERS = """
ex:low a owl:DatatypeProperty ; rdfs:label "low"@en ; rdfs:range xsd:decimal .
ex:confidence a owl:DatatypeProperty ; rdfs:label "confidence"@en ; rdfs:range xsd:decimal .
ex:count a owl:DatatypeProperty ; rdfs:label "count"@en ; rdfs:range xsd:integer .
ex:weight a owl:DatatypeProperty ; rdfs:label "weight"@en ; rdfs:range xsd:double .
"""
GOOD = dict(founded='"2016"', low="6", confidence="0.6", count="12", weight="1.5")

SET_OF_2000 = "{" + ",".join(str(1000 + i) for i in range(2000)) + "}"
SET_OF_26 = "{" + ",".join(str(1000 + i) for i in range(MAX_EDTF_MEMBERS + 1)) + "}"

CASES = [
    pytest.param("founded", '"Y17E99"', f"year Y17E99 in 'Y17E99' has 101 digits (at most {MAX_EDTF_YEAR_DIGITS}",
                 id="edtf-exponent-overflow"),
    pytest.param("founded", '"Y1E99999999"', "year Y1E99999999 in 'Y1E99999999' has 100,000,000 digits",
                 id="edtf-exponent-hang"),
    pytest.param("founded", f'"{SET_OF_2000}"',
                 f"EDTF expression of {len(SET_OF_2000):,} characters is too long (at most {MAX_EDTF_CHARS})",
                 id="edtf-set-of-2000"),
    pytest.param("founded", f'"{SET_OF_26}"',
                 f"EDTF set of {MAX_EDTF_MEMBERS + 1} members is too long (at most {MAX_EDTF_MEMBERS})",
                 id="edtf-set-members"),
    pytest.param("founded", '"\u0661\u0669\u0669\u0669"', "EDTF uses ASCII digits and letters only, not '\u0661' (U+0661)",
                 id="edtf-unicode-digits"),
    pytest.param("low", "1e999999999", "low: expected a decimal number like 12.5 or -0.25, without exponent "
                 "(xsd:decimal), got '1e999999999'", id="decimal-huge-exponent"),
    pytest.param("confidence", "1e-99999999", "confidence: expected a decimal number like 12.5 or -0.25, without "
                 "exponent (xsd:decimal), got '1e-99999999'", id="decimal-tiny-exponent"),
    pytest.param("low", "\u0661\u0662\u0663", "low: expected a decimal number like 12.5 or -0.25, without exponent "
                 "(xsd:decimal), got '\u0661\u0662\u0663'", id="decimal-unicode-digits"),
    pytest.param("count", "\u0661\u0662\u0663", "count: expected a whole number (xsd:integer), got '\u0661\u0662\u0663'",
                 id="integer-unicode-digits"),
    pytest.param("count", "9" * 1_000_000, f"count: value of 1,000,000 characters is too long for xsd:integer "
                 f"(at most {MAX_LEXICAL_CHARS})", id="integer-million-digits"),
    pytest.param("weight", "1e999999999", "weight: 1e999999999 is too large for xsd:double "
                 "(largest 1.7976931348623157E308; write INF for infinity)", id="double-overflow"),
    pytest.param("weight", "1e-99999999", "weight: 1e-99999999 is too small for xsd:double (it would become 0; write 0)",
                 id="double-underflow"),
]


@pytest.fixture
def numbers_project(tmp_path, run_cli):
    project = make_project(tmp_path, run_cli, NUMBERS, record(**GOOD))
    return project, good_build(run_cli, project)


@pytest.mark.parametrize("key, value, message", CASES)
def test_hostile_value_is_a_bounded_clear_error(numbers_project, key, value, message):
    project, before = numbers_project
    path = project / RECORDS_FILE
    path.write_text(record(**{**GOOD, key: value}), encoding="utf-8")
    result = run_bounded("--project", str(project), "build", "-q", timeout=120)
    assert_user_error(result.returncode, result.stderr,
                      f"{RECORDS_FILE}:{line_of(path, key + ':')}: record 'thing': ", message)
    assert len(result.stderr) < 2000, "the message quotes a bounded part of the value"
    result = run_bounded("--project", str(project), "validate", timeout=120)
    assert_user_error(result.returncode, result.stdout + result.stderr, "record 'thing': ", message)
    assert snapshot(project) == before


def test_the_good_values_were_written(numbers_project):
    _, before = numbers_project
    nt = before["dataset.nt"].decode()
    for lexical, datatype in (("6", "decimal"), ("0.6", "decimal"), ("12", "integer"), ("1.5E0", "double")):
        assert f'"{lexical}"^^<http://www.w3.org/2001/XMLSchema#{datatype}>' in nt
