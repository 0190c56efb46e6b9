"""Literal values checked by their datatype: a registry from datatype IRI to a lexical check.

Every XSD 1.1 datatype RDF uses is checked by its lexical space (XML Schema 1.1 Part 2): the
value first gets the datatype's whitespace processing (``preserve``, ``replace`` or
``collapse``), then must match the datatype's grammar, then its value constraints (the day
exists in that month, an ``xsd:byte`` lies in -128..127, ...). Numbers, booleans and EDTF come
out in a canonical form; the other datatypes keep the curator's text.

A datatype ldpub does not know is refused (:class:`UnknownDatatype`), never written blindly.

Where ldpub is stricter than XSD 1.1 (documented in docs/curation.md, "Literal values"):

* numbers, dates, times and durations are at most :data:`MAX_LEXICAL_CHARS` characters;
* ``xsd:double``/``xsd:float``: a finite number too large for the type (XSD would round it to
  INF) or non-zero but too small (XSD would round it to 0) is refused: write INF or 0;
* ``xsd:anyURI``: an IRI reference (RFC 3987: no spaces, no ``<>"{}|\\^``` characters, ``%``
  followed by two hex digits); XSD 1.1 accepts any string.

>>> check_literal("2007-01", (XSD + "gYearMonth",))
('2007-01', 'http://www.w3.org/2001/XMLSchema#gYearMonth')
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal
from functools import lru_cache
from typing import Callable

from .rdfterms import EDTF_DATATYPE, RDF, RDF_LANGSTRING, RDFS, XSD

__all__ = ["Datatype", "DATATYPES", "InvalidLiteral", "UnknownDatatype", "check_literal", "convert",
           "datatype_problem", "MAX_LEXICAL_CHARS", "UNSUITABLE"]

#: numbers, dates, times, durations and booleans longer than this are refused before any
#: conversion (a 1,000,000-digit number would otherwise cost seconds and gigabytes)
MAX_LEXICAL_CHARS = 100

#: XSD datatypes RDF 1.1 Concepts (section 5.1) says not to use
UNSUITABLE = ("QName", "NOTATION", "ENTITY", "ENTITIES", "ID", "IDREF", "IDREFS", "NMTOKENS",
              "anySimpleType", "anyAtomicType")


class InvalidLiteral(ValueError):
    """A value does not fit its datatype; ``rule`` names the check (``invalid-value``,
    ``impossible-date``, ``malformed-edtf`` or ``unknown-datatype``), ``hint`` how to fix it."""

    def __init__(self, message: str, rule: str = "invalid-value", hint: str | None = None) -> None:
        super().__init__(message)
        self.rule = rule
        self.hint = hint


class UnknownDatatype(InvalidLiteral):
    """The datatype is not one ldpub can check (or one RDF says not to use)."""

    def __init__(self, message: str, hint: str | None = None) -> None:
        super().__init__(message, "unknown-datatype", hint)


@dataclass(frozen=True)
class Datatype:
    """How one datatype is checked: whitespace processing, then ``check`` on the processed text.

    ``check`` returns the lexical form to write (or raises :class:`InvalidLiteral`);
    ``expects`` says in words what a value looks like (used in messages).
    """

    name: str
    expects: str
    check: Callable[[str], str]
    whitespace: str = "collapse"  # "preserve", "replace" or "collapse"
    bounded: bool = True  # whether MAX_LEXICAL_CHARS applies
    output: str | None = None  # the datatype written, when not this one (rdfs:Literal -> xsd:string)


# ------------------------------------------------------------------------- helpers

_WS = re.compile(r"[\t\n\r ]+")
_NOT_XML_CHAR = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def _shown(text: str, limit: int = 40) -> str:
    """The value as quoted in a message (long values cut)."""
    return text if len(text) <= limit else text[:limit] + f"... ({len(text):,} characters)"


def _whitespace(text: str, mode: str) -> str:
    if mode == "preserve":
        return text
    replaced = text.replace("\t", " ").replace("\n", " ").replace("\r", " ")
    if mode == "replace":
        return replaced
    return _WS.sub(" ", replaced).strip(" ")


class _Mismatch(Exception):
    """Internal: the text does not match the grammar (the caller phrases the message)."""


def _fullmatch(pattern: re.Pattern[str], text: str) -> re.Match[str]:
    m = pattern.fullmatch(text)
    if m is None:
        raise _Mismatch
    return m


def _pattern(regex: str) -> re.Pattern[str]:
    return re.compile(regex, re.ASCII)


# ------------------------------------------------------------------------- booleans, numbers

def _boolean(text: str) -> str:
    if text in ("true", "1"):
        return "true"
    if text in ("false", "0"):
        return "false"
    raise _Mismatch


_INTEGER = _pattern(r"[+-]?[0-9]+")
_DECIMAL = _pattern(r"[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)")
_DOUBLE = _pattern(r"(?:[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?)|[+-]?INF|NaN")


def _integer_in(name: str, low: int | None, high: int | None) -> Callable[[str], str]:
    def check(text: str) -> str:
        _fullmatch(_INTEGER, text)
        value = int(text)
        if (low is not None and value < low) or (high is not None and value > high):
            raise InvalidLiteral(f"{text} is out of range for xsd:{name} ({_range_words(low, high)})")
        return str(value)

    return check


def _range_words(low: int | None, high: int | None) -> str:
    if low is None:
        return f"at most {high}"
    if high is None:
        return f"at least {low}"
    return f"from {low} to {high}"


def _decimal(text: str) -> str:
    _fullmatch(_DECIMAL, text)
    value = Decimal(text)
    if value == 0:
        return "0"
    out = format(value, "f")
    if "." in out:
        out = out.rstrip("0").rstrip(".")
    return out


def _floating(name: str, bits: int) -> Callable[[str], str]:
    import struct

    largest = "3.4028235E38" if bits == 32 else "1.7976931348623157E308"

    def check(text: str) -> str:
        _fullmatch(_DOUBLE, text)
        if text in ("INF", "+INF"):
            return "INF"
        if text in ("-INF", "NaN"):
            return text
        value = float(text)
        if bits == 32:
            try:
                value = struct.unpack("f", struct.pack("f", value))[0]
            except OverflowError:
                value = float("inf")
        if value in (float("inf"), float("-inf")):
            raise InvalidLiteral(f"{_shown(text)} is too large for xsd:{name} (largest {largest}; write INF for infinity)")
        if value == 0 and any(c in "123456789" for c in text.lower().partition("e")[0]):
            raise InvalidLiteral(f"{_shown(text)} is too small for xsd:{name} (it would become 0; write 0)")
        return _scientific(value, bits)

    return check


def _scientific(value: float, bits: int) -> str:
    """XSD 1.1 canonical form of a float/double: shortest digits, ``1.5E3``."""
    import struct

    if value == 0:
        return "-0.0E0" if str(value).startswith("-") else "0.0E0"
    if bits == 64:
        digits = f"{value!r}"
        mantissa, _, exponent = f"{Decimal(digits):E}".partition("E")
    else:
        for precision in range(1, 10):
            candidate = f"{value:.{precision - 1}E}"
            if struct.unpack("f", struct.pack("f", float(candidate)))[0] == value:
                break
        mantissa, _, exponent = candidate.partition("E")
    if "." in mantissa:
        mantissa = mantissa.rstrip("0")
        mantissa = mantissa + "0" if mantissa.endswith(".") else mantissa
    else:
        mantissa += ".0"
    return f"{mantissa}E{int(exponent)}"


# ------------------------------------------------------------------------- dates and times

_YEAR = r"(-?(?:[1-9][0-9]{3,}|0[0-9]{3}))"
_MONTH = r"(0[1-9]|1[0-2])"
_DAY = r"(0[1-9]|[12][0-9]|3[01])"
_TZ = r"(?:Z|[+-](?:(?:0[0-9]|1[0-3]):[0-5][0-9]|14:00))"
_TIME = r"(?:(?:[01][0-9]|2[0-3]):[0-5][0-9]:[0-5][0-9](?:\.[0-9]+)?|24:00:00(?:\.0+)?)"


def _days_in_month(year: int | None, month: int) -> int:
    """XSD 1.1 daysInMonth (proleptic Gregorian; year 0000 is 1 BCE, a leap year)."""
    if month == 2:
        if year is None:
            return 29
        return 29 if year % 4 == 0 and (year % 100 != 0 or year % 400 == 0) else 28
    return 30 if month in (4, 6, 9, 11) else 31


def _calendar(pattern: re.Pattern[str], has_year: bool = True) -> Callable[[str], str]:
    """A date-like check: the grammar, then the day must exist in that month (of that year)."""

    def check(text: str) -> str:
        m = _fullmatch(pattern, text)
        groups = m.groups()
        year = int(groups[0]) if has_year else None
        month, day = (int(groups[1]), int(groups[2])) if has_year else (int(groups[0]), int(groups[1]))
        if day > _days_in_month(year, month):
            when = f"{groups[0]}-{groups[1]}" if has_year else f"--{groups[0]}"
            raise InvalidLiteral(f"date {text} does not exist ({when} has {_days_in_month(year, month)} days)",
                                 "impossible-date")
        return text

    return check


def _grammar(pattern: re.Pattern[str]) -> Callable[[str], str]:
    def check(text: str) -> str:
        _fullmatch(pattern, text)
        return text

    return check


_SECONDS = r"[0-9]+(?:\.[0-9]+)?S"
_TIME_PART = rf"T(?:[0-9]+H(?:[0-9]+M)?(?:{_SECONDS})?|[0-9]+M(?:{_SECONDS})?|{_SECONDS})"
_YEAR_MONTH_PART = r"(?:[0-9]+Y(?:[0-9]+M)?|[0-9]+M)"
_DAY_TIME = rf"(?:[0-9]+D(?:{_TIME_PART})?|{_TIME_PART})"

# ------------------------------------------------------------------------- strings and names

_NAME_START = (":A-Z_a-z\u00c0-\u00d6\u00d8-\u00f6\u00f8-\u02ff\u0370-\u037d\u037f-\u1fff\u200c-\u200d"
               "\u2070-\u218f\u2c00-\u2fef\u3001-\ud7ff\uf900-\ufdcf\ufdf0-\ufffd\U00010000-\U000effff")
_NAME_CHAR = _NAME_START + r"\-.0-9\u00b7\u0300-\u036f\u203f-\u2040"
_NAME = re.compile(f"[{_NAME_START}][{_NAME_CHAR}]*")
_NCNAME = re.compile(f"[{_NAME_START.replace(':', '')}][{_NAME_CHAR.replace(':', '')}]*")
_NMTOKEN = re.compile(f"[{_NAME_CHAR}]+")
_LANGUAGE = _pattern(r"[a-zA-Z]{1,8}(?:-[a-zA-Z0-9]{1,8})*")
_HEX = _pattern(r"(?:[0-9a-fA-F]{2})*")
_B64 = r"[A-Za-z0-9+/]"
_BASE64 = _pattern(rf"(?:(?:{_B64} ?){{4}})*(?:(?:{_B64} ?){{3}}{_B64}|(?:{_B64} ?){{2}}[AEIMQUYcgkosw048] ?="
                   rf"|{_B64} ?[AQgw] ?= ?=)?")
_IRI_FORBIDDEN = re.compile(r"[\x00-\x20<>\"{}|\\^`\x7f-\x9f]")
_BAD_PERCENT = re.compile(r"%(?![0-9A-Fa-f]{2})")
_SCHEME = re.compile(r"[A-Za-z][A-Za-z0-9+.\-]*", re.ASCII)


def _string(text: str) -> str:
    return text


def _any_uri(text: str) -> str:
    if _IRI_FORBIDDEN.search(text) or _BAD_PERCENT.search(text):
        raise _Mismatch
    head = re.split(r"[/?#]", text, maxsplit=1)[0]
    if ":" in head and not _SCHEME.fullmatch(head.split(":", 1)[0]):
        raise _Mismatch
    return text


def _edtf(text: str) -> str:
    from .expanders import EDTF_HINT, ExpansionError, edtf_bounds

    try:
        edtf_bounds(text)
    except ExpansionError as exc:
        raise InvalidLiteral(str(exc), exc.rule, EDTF_HINT) from None
    return text


# ------------------------------------------------------------------------- the registry

def _xsd(name: str, expects: str, check: Callable[[str], str], **options) -> tuple[str, Datatype]:
    return XSD + name, Datatype("xsd:" + name, expects, check, **options)


_INT_TYPES = {
    "integer": (None, None), "nonPositiveInteger": (None, 0), "negativeInteger": (None, -1),
    "long": (-2**63, 2**63 - 1), "int": (-2**31, 2**31 - 1), "short": (-2**15, 2**15 - 1), "byte": (-2**7, 2**7 - 1),
    "nonNegativeInteger": (0, None), "positiveInteger": (1, None),
    "unsignedLong": (0, 2**64 - 1), "unsignedInt": (0, 2**32 - 1), "unsignedShort": (0, 2**16 - 1),
    "unsignedByte": (0, 2**8 - 1),
}

DATATYPES: dict[str, Datatype] = dict([
    _xsd("string", "text", _string, whitespace="preserve", bounded=False),
    _xsd("normalizedString", "text without tabs or line breaks", _string, whitespace="replace", bounded=False),
    _xsd("token", "text", _string, bounded=False),
    _xsd("language", "a language tag like en or pt-BR", _grammar(_LANGUAGE)),
    _xsd("Name", "an XML name (a letter, _ or : then letters, digits, . - _ :)", _grammar(_NAME), bounded=False),
    _xsd("NCName", "an XML name without colons", _grammar(_NCNAME), bounded=False),
    _xsd("NMTOKEN", "an XML name token (letters, digits, . - _ :)", _grammar(_NMTOKEN), bounded=False),
    _xsd("anyURI", "an IRI (no spaces, no <>\"{}|\\^` characters, % followed by two hex digits)", _any_uri,
         bounded=False),
    _xsd("hexBinary", "pairs of hexadecimal digits", _grammar(_HEX), bounded=False),
    _xsd("base64Binary", "Base64 text", _grammar(_BASE64), bounded=False),
    _xsd("boolean", "true or false", _boolean),
    _xsd("decimal", "a decimal number like 12.5 or -0.25, without exponent", _decimal),
    *(_xsd(name, "a whole number" + (f" {_range_words(lo, hi)}" if (lo, hi) != (None, None) else ""),
           _integer_in(name, lo, hi)) for name, (lo, hi) in _INT_TYPES.items()),
    _xsd("double", "a number like 1.5, -2.5E3, INF or NaN", _floating("double", 64)),
    _xsd("float", "a number like 1.5, -2.5E3, INF or NaN", _floating("float", 32)),
    _xsd("date", "a date YYYY-MM-DD", _calendar(_pattern(f"{_YEAR}-{_MONTH}-{_DAY}{_TZ}?"))),
    _xsd("dateTime", "a date and time YYYY-MM-DDThh:mm:ss (optional .fraction and time zone Z or +hh:mm)",
         _calendar(_pattern(f"{_YEAR}-{_MONTH}-{_DAY}T{_TIME}{_TZ}?"))),
    _xsd("dateTimeStamp", "a date and time with a time zone YYYY-MM-DDThh:mm:ssZ (or +hh:mm)",
         _calendar(_pattern(f"{_YEAR}-{_MONTH}-{_DAY}T{_TIME}{_TZ}"))),
    _xsd("time", "a time hh:mm:ss (optional .fraction and time zone)", _grammar(_pattern(f"{_TIME}{_TZ}?"))),
    _xsd("gYearMonth", "a year and month YYYY-MM", _grammar(_pattern(f"{_YEAR}-{_MONTH}{_TZ}?"))),
    _xsd("gYear", "a year YYYY", _grammar(_pattern(f"{_YEAR}{_TZ}?"))),
    _xsd("gMonthDay", "a month and day --MM-DD", _calendar(_pattern(f"--{_MONTH}-{_DAY}{_TZ}?"), has_year=False)),
    _xsd("gMonth", "a month --MM", _grammar(_pattern(f"--{_MONTH}{_TZ}?"))),
    _xsd("gDay", "a day of the month ---DD", _grammar(_pattern(f"---{_DAY}{_TZ}?"))),
    _xsd("duration", "a duration like P1Y2M3DT4H5M6.5S", _grammar(_pattern(
        rf"-?P(?:{_YEAR_MONTH_PART}(?:[0-9]+D)?(?:{_TIME_PART})?|{_DAY_TIME})"))),
    _xsd("yearMonthDuration", "a duration in years and months like P1Y6M", _grammar(_pattern(rf"-?P{_YEAR_MONTH_PART}"))),
    _xsd("dayTimeDuration", "a duration in days and time like P3DT4H30M", _grammar(_pattern(rf"-?P{_DAY_TIME}"))),
    (RDFS + "Literal", Datatype("rdfs:Literal", "text", _string, whitespace="preserve", bounded=False,
                                output=XSD + "string")),
    (EDTF_DATATYPE, Datatype("edtf:EDTF", "an EDTF date", _edtf, bounded=False)),
])

_PARTIAL_DATE_HINT = ("a year, a month, a season or an interval is written in EDTF, e.g. 2018-03, and the "
                      "property's range must then be a class with ldpub:expander \"edtf\": see docs/curation.md, Dates")
_FULL_DATE = re.compile(r"(-?[0-9]{4,})-([0-9]{2})(?:-[0-9]{2})?", re.ASCII)


def _mismatch_hint(iri: str, text: str) -> str | None:
    """How to fix a value of the wrong shape for a date-like datatype (None: no hint)."""
    name = iri[len(XSD):] if iri.startswith(XSD) else ""
    if name in ("date", "dateTime", "dateTimeStamp") and _is_edtf(text):
        return _PARTIAL_DATE_HINT
    m = _FULL_DATE.fullmatch(text)
    if m and name in ("gYear", "gYearMonth"):
        wanted = m.group(1) if name == "gYear" else f"{m.group(1)}-{m.group(2)}"
        return (f"write {wanted}, or give the property the range xsd:date, or an EDTF class for dates "
                "of varying precision")
    return None


def datatype_problem(iri: str) -> str | None:
    """Why ldpub cannot write literals of datatype ``iri`` (None when it can)."""
    if iri in DATATYPES or iri == RDF_LANGSTRING:
        return None
    if iri.startswith(XSD) and iri[len(XSD):] in UNSUITABLE:
        return (f"RDF does not use xsd:{iri[len(XSD):]} (RDF 1.1 Concepts, section 5.1); "
                "use xsd:string, xsd:token or xsd:NCName")
    name = "rdf:" + iri[len(RDF):] if iri.startswith(RDF) else ("xsd:" + iri[len(XSD):] if iri.startswith(XSD) else iri)
    return f"ldpub does not know the datatype {name}; use an XSD datatype (docs/curation.md lists them) or EDTF"


def _check(text: str, iri: str) -> str:
    datatype = DATATYPES.get(iri)
    if datatype is None:
        raise UnknownDatatype(datatype_problem(iri) or iri)
    bad = _NOT_XML_CHAR.search(text)
    if bad:
        raise InvalidLiteral(f"character U+{ord(bad.group()):04X} at position {bad.start() + 1} is not allowed in "
                             f"{datatype.name} (XML 1.0 characters only)", hint="remove it")
    if datatype.bounded and len(text) > MAX_LEXICAL_CHARS:
        raise InvalidLiteral(f"value of {len(text):,} characters is too long for {datatype.name} "
                             f"(at most {MAX_LEXICAL_CHARS})")
    processed = _whitespace(text, datatype.whitespace)
    try:
        return datatype.check(processed)
    except _Mismatch:
        hint = _mismatch_hint(iri, processed)
        raise InvalidLiteral(f"expected {datatype.expects} ({datatype.name}), got '{_shown(processed)}'",
                             hint=hint) from None


def _is_edtf(text: str) -> bool:
    from .expanders import ExpansionError, edtf_bounds

    try:
        edtf_bounds(text)
    except ExpansionError:
        return False
    return True


_XSD_STRING = XSD + "string"


@lru_cache(maxsize=65536)
def _check_short(text: str, iri: str) -> tuple[str, str]:
    return _check(text, iri), DATATYPES[iri].output or iri


def check_literal(text: str, datatypes: tuple[str, ...]) -> tuple[str, str]:
    """The lexical form to write and its datatype: the first of ``datatypes`` that ``text`` fits.

    With one datatype its error is raised as is; with several (an ``owl:unionOf`` range) the
    message lists what each member expects.

    >>> check_literal("2019", (XSD + "date", XSD + "gYear"))
    ('2019', 'http://www.w3.org/2001/XMLSchema#gYear')
    """
    if len(datatypes) == 1:
        iri = datatypes[0]
        if iri == _XSD_STRING and _NOT_XML_CHAR.search(text) is None:
            return text, iri  # the common case, kept cheap
        if len(text) <= MAX_LEXICAL_CHARS:
            return _check_short(text, iri)  # dates, numbers and flags repeat across records
        return _check(text, iri), DATATYPES[iri].output or iri
    errors: list[InvalidLiteral] = []
    for iri in datatypes:
        try:
            return _check(text, iri), DATATYPES[iri].output or iri
        except InvalidLiteral as exc:
            errors.append(exc)
    names = " or ".join(DATATYPES[i].name if i in DATATYPES else i for i in datatypes)
    wanted = "; ".join(f"{DATATYPES[i].name}: {DATATYPES[i].expects}" for i in datatypes if i in DATATYPES)
    raise InvalidLiteral(f"'{_shown(text.strip())}' is none of {names}", errors[0].rule, f"expected {wanted}")


def convert(text: str, datatype: str) -> str:
    """The lexical form of ``text`` for ``datatype`` (raises :class:`InvalidLiteral`)."""
    return check_literal(text, (datatype,))[0]
