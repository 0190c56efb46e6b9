"""RDF terms as their N-Triples text, and what SHACL asks of them.

The engine never makes term objects for the data: a term is the string pyoxigraph prints for it
(``<iri>``, ``_:label``, ``"lexical"``, ``"lexical"@lang``, ``"lexical"^^<datatype>``), which is
exactly the term (two terms are equal if and only if their texts are), cheap to hash and to
compare, and what the build's N-Triples lines hold already. This module reads such texts:
kinds, literal parts, XSD lexical well-formedness (``"c"^^xsd:byte`` is ill-formed), the order
SPARQL's ``<`` gives (``sh:minInclusive``, ``sh:lessThan`` ...) and language ranges.
"""

from __future__ import annotations

import math
import re
from datetime import datetime, timedelta, timezone
from decimal import Decimal, InvalidOperation
from functools import lru_cache
from typing import Iterable

from ..ntriples import parse_literal, term_value
from ..rdfterms import RDF, XSD

__all__ = [
    "iri", "is_iri", "is_blank", "is_literal", "literal_parts", "term_value", "well_formed",
    "has_datatype", "order_key", "compare", "lang_matches", "display", "XSD_STRING", "LANG_STRING",
    "TRUE", "to_oxigraph", "from_oxigraph",
]

XSD_STRING = XSD + "string"
LANG_STRING = RDF + "langString"
TRUE = f'"true"^^<{XSD}boolean>'


def iri(value: str) -> str:
    """The N-Triples text of an IRI."""
    return f"<{value}>"


def is_iri(term: str) -> bool:
    return term[0] == "<"


def is_blank(term: str) -> bool:
    return term[0] == "_"


def is_literal(term: str) -> bool:
    return term[0] == '"'


def literal_parts(term: str) -> tuple[str, str, str | None]:
    """(lexical form, datatype IRI, language tag or None) of a literal's text."""
    return parse_literal(term)


def display(term: str) -> str:
    """How a message shows a term: the IRI, ``_:label``, or the literal's lexical form."""
    if term[0] == "<":
        return term[1:-1]
    if term[0] == "_":
        return term
    return parse_literal(term)[0]


# ---------------------------------------------------------------------------- XSD lexical spaces
_INT = r"[+-]?[0-9]+"
_DEC = r"[+-]?([0-9]+(\.[0-9]*)?|\.[0-9]+)"
_FLOAT = r"([+-]?([0-9]+(\.[0-9]*)?|\.[0-9]+)([eE][+-]?[0-9]+)?|[+-]?INF|NaN)"
_TZ = r"(Z|[+-](((0[0-9]|1[0-3]):[0-5][0-9])|14:00))?"
_YEAR = r"-?([1-9][0-9]{3,}|0[0-9]{3})"
_TIME = r"(([01][0-9]|2[0-3]):[0-5][0-9]:[0-5][0-9](\.[0-9]+)?|24:00:00(\.0+)?)"
_DUR = r"-?P(?=.)([0-9]+Y)?([0-9]+M)?([0-9]+D)?(T(?=.)([0-9]+H)?([0-9]+M)?([0-9]+(\.[0-9]+)?S)?)?"
_NAME_START = r"A-Z_a-z\u00C0-\u00D6\u00D8-\u00F6\u00F8-\u02FF\u0370-\u037D\u037F-\u1FFF\u200C-\u200D\u2070-\u218F\u2C00-\u2FEF\u3001-\uD7FF\uF900-\uFDCF\uFDF0-\uFFFD"
_NAME_CHAR = _NAME_START + r"\-.0-9\u00B7\u0300-\u036F\u203F-\u2040"

_PATTERNS = {
    "boolean": r"true|false|1|0",
    "decimal": _DEC,
    "integer": _INT,
    "float": _FLOAT,
    "double": _FLOAT,
    "date": _YEAR + r"-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])" + _TZ,
    "dateTime": _YEAR + r"-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])T" + _TIME + _TZ,
    "dateTimeStamp": _YEAR + r"-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])T" + _TIME + r"(Z|[+-](((0[0-9]|1[0-3]):[0-5][0-9])|14:00))",
    "time": _TIME + _TZ,
    "gYear": _YEAR + _TZ,
    "gYearMonth": _YEAR + r"-(0[1-9]|1[0-2])" + _TZ,
    "gMonth": r"--(0[1-9]|1[0-2])" + _TZ,
    "gMonthDay": r"--(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])" + _TZ,
    "gDay": r"---(0[1-9]|[12][0-9]|3[01])" + _TZ,
    "duration": _DUR,
    "dayTimeDuration": r"-?P(?=.)([0-9]+D)?(T(?=.)([0-9]+H)?([0-9]+M)?([0-9]+(\.[0-9]+)?S)?)?",
    "yearMonthDuration": r"-?P(?=.)([0-9]+Y)?([0-9]+M)?",
    "hexBinary": r"([0-9a-fA-F]{2})*",
    "base64Binary": r"(([A-Za-z0-9+/] ?){4})*(([A-Za-z0-9+/] ?){3}[A-Za-z0-9+/]|([A-Za-z0-9+/] ?){2}[AEIMQUYcgkosw048] ?=|[A-Za-z0-9+/] ?[AQgw] ?= ?=)?",
    "language": r"[a-zA-Z]{1,8}(-[a-zA-Z0-9]{1,8})*",
    "Name": f"[:{_NAME_START}][:{_NAME_CHAR}]*",
    "NCName": f"[{_NAME_START}][{_NAME_CHAR}]*",
    "NMTOKEN": f"[:{_NAME_CHAR}]+",
    "normalizedString": r"[^\r\n\t]*",
    "token": r"([^\s]+( [^\s]+)*)?",
}
_LEXICAL = {XSD + name: re.compile(pattern + r"\Z") for name, pattern in _PATTERNS.items()}
_LEXICAL[XSD + "ENTITY"] = _LEXICAL[XSD + "NCName"]
_LEXICAL[XSD + "ID"] = _LEXICAL[XSD + "NCName"]
_LEXICAL[XSD + "IDREF"] = _LEXICAL[XSD + "NCName"]

# integer types derived by range: (lowest, highest) (None: unbounded)
_INTEGER_RANGES = {
    "integer": (None, None), "long": (-2**63, 2**63 - 1), "int": (-2**31, 2**31 - 1),
    "short": (-2**15, 2**15 - 1), "byte": (-128, 127), "nonNegativeInteger": (0, None),
    "positiveInteger": (1, None), "nonPositiveInteger": (None, 0), "negativeInteger": (None, -1),
    "unsignedLong": (0, 2**64 - 1), "unsignedInt": (0, 2**32 - 1), "unsignedShort": (0, 2**16 - 1),
    "unsignedByte": (0, 255),
}
_INTEGERS = {XSD + name: bounds for name, bounds in _INTEGER_RANGES.items()}
_NUMERIC = set(_INTEGERS) | {XSD + "decimal", XSD + "float", XSD + "double"}
_INTEGER_LEXICAL = re.compile(_INT + r"\Z")


@lru_cache(maxsize=65536)
def well_formed(lexical: str, datatype: str) -> bool:
    """Whether ``lexical`` is in the lexical space of ``datatype`` (unknown datatypes: always)."""
    bounds = _INTEGERS.get(datatype)
    if bounds is not None:
        if not _INTEGER_LEXICAL.match(lexical):
            return False
        low, high = bounds
        value = int(lexical)
        return (low is None or value >= low) and (high is None or value <= high)
    pattern = _LEXICAL.get(datatype)
    if pattern is not None and not pattern.match(lexical):
        return False
    if datatype in (XSD + "date", XSD + "dateTime", XSD + "dateTimeStamp"):
        return _date_value(lexical) is not None
    return True


def has_datatype(term: str, datatype: str) -> bool:
    """``sh:datatype``: a literal of exactly this datatype, with a well-formed lexical form."""
    if term[0] != '"':
        return False
    lexical, dt, language = parse_literal(term)
    if dt != datatype:
        return False
    return language is not None if datatype == LANG_STRING else well_formed(lexical, datatype)


# ---------------------------------------------------------------------------- order (SPARQL <)
_DATE_PARTS = re.compile(r"(-?\d{4,})-(\d{2})-(\d{2})(?:T(\d{2}):(\d{2}):(\d{2})(\.\d+)?)?(Z|[+-]\d{2}:\d{2})?\Z")


def _tz(text: str | None):
    if not text:
        return None
    if text == "Z":
        return timezone.utc
    sign = -1 if text[0] == "-" else 1
    return timezone(sign * timedelta(hours=int(text[1:3]), minutes=int(text[4:6])))


def _date_value(lexical: str):
    """(datetime, has timezone) of an xsd:date or xsd:dateTime lexical form (None if impossible)."""
    m = _DATE_PARTS.match(lexical)
    if not m:
        return None
    year, month, day, hour, minute, second, fraction, tz = m.groups()
    try:
        y = int(year)
        if not 1 <= y <= 9999:
            return None
        extra = timedelta(0)
        h = int(hour or 0)
        if h == 24:  # 24:00:00 is the first instant of the next day
            h, extra = 0, timedelta(days=1)
        value = datetime(y, int(month), int(day), h, int(minute or 0), int(second or 0),
                         int(round(float(fraction) * 1e6)) if fraction else 0, tzinfo=_tz(tz)) + extra
    except (ValueError, OverflowError):
        return None
    return value, tz is not None


def _time_value(lexical: str):
    m = re.match(r"(\d{2}):(\d{2}):(\d{2})(\.\d+)?(Z|[+-]\d{2}:\d{2})?\Z", lexical)
    if not m:
        return None
    h, mi, s, fraction, tz = m.groups()
    try:
        stamp = datetime(2000, 1, 1, int(h) % 24, int(mi), int(s), int(round(float(fraction) * 1e6)) if fraction else 0,
                         tzinfo=_tz(tz)) + timedelta(days=int(h) // 24)
    except ValueError:
        return None
    return stamp, tz is not None


@lru_cache(maxsize=65536)
def order_key(term: str):
    """A (category, value) SPARQL can order with ``<`` (None: not comparable, e.g. IRIs, tagged or
    ill-formed literals). Numbers compare across their datatypes; dates and times compare only
    with the same kind, and with a timezone only against one with a timezone."""
    if term[0] != '"':
        return None
    lexical, dt, language = parse_literal(term)
    if language is not None:
        return None
    if dt == XSD_STRING:
        return ("string", lexical)
    if not well_formed(lexical, dt):
        return None
    if dt in _NUMERIC:
        if dt in (XSD + "float", XSD + "double"):
            return ("number", float(lexical.replace("INF", "inf")))
        try:
            return ("number", Decimal(lexical))
        except InvalidOperation:
            return None
    if dt == XSD + "boolean":
        return ("boolean", lexical in ("true", "1"))
    if dt in (XSD + "dateTime", XSD + "dateTimeStamp"):
        value = _date_value(lexical)
        return None if value is None else ("dateTime" + ("Z" if value[1] else ""), value[0])
    if dt == XSD + "date":
        value = _date_value(lexical)
        return None if value is None else ("date" + ("Z" if value[1] else ""), value[0])
    if dt == XSD + "time":
        value = _time_value(lexical)
        return None if value is None else ("time" + ("Z" if value[1] else ""), value[0])
    return None


def compare(a: str, b: str) -> int | None:
    """-1, 0 or 1 as SPARQL orders the two literals with ``<`` and ``=``; None if they cannot be
    compared (different kinds, NaN, an IRI ...)."""
    ka, kb = order_key(a), order_key(b)
    if ka is None or kb is None or ka[0] != kb[0]:
        return None
    x, y = ka[1], kb[1]
    if isinstance(x, float) and math.isnan(x) or isinstance(y, float) and math.isnan(y):
        return None
    return -1 if x < y else (1 if x > y else 0)


def lang_matches(tag: str, language_range: str) -> bool:
    """SPARQL ``langMatches``: basic filtering of RFC 4647, case-insensitive (``*``: any tag)."""
    if not tag:
        return False
    tag, language_range = tag.lower(), language_range.lower()
    if language_range == "*":
        return True
    return tag == language_range or tag.startswith(language_range + "-")


# ---------------------------------------------------------------------------- pyoxigraph bridge
def to_oxigraph(term: str):
    """The pyoxigraph term of an N-Triples text."""
    import pyoxigraph as ox

    if term[0] == "<":
        return ox.NamedNode(term[1:-1])
    if term[0] == "_":
        return ox.BlankNode(term[2:])
    lexical, dt, language = parse_literal(term)
    if language is not None:
        return ox.Literal(lexical, language=language)
    return ox.Literal(lexical, datatype=ox.NamedNode(dt))


def from_oxigraph(term) -> str:
    """The N-Triples text of a pyoxigraph term."""
    return str(term)



_LANG_TAIL = re.compile(r'"@[a-zA-Z]+(?:-[a-zA-Z0-9]+)*\Z')  # a language-tagged literal's end


def datatype_failures(terms: Iterable[str], datatype: str) -> set[str]:
    """The terms failing ``sh:datatype``: first a test of each text's end, in C (``"`` a plain
    string, ``"@tag`` a tagged one, ``"^^<datatype>`` a typed one), then the lexical forms of
    the well-typed ones where the datatype restricts them (``"c"^^xsd:byte`` is ill-formed)."""
    from itertools import filterfalse
    from operator import methodcaller

    from ..ntriples import unescape

    terms = terms if isinstance(terms, (set, frozenset, list, tuple)) else list(terms)
    if datatype == XSD_STRING:
        well_typed = methodcaller("endswith", '"')
    elif datatype == LANG_STRING:
        well_typed = _LANG_TAIL.search
    else:
        well_typed = methodcaller("endswith", f'"^^<{datatype}>')
    failing = set(filterfalse(well_typed, terms))
    if datatype in _LEXICAL or datatype in _INTEGERS:
        failing.update(t for t in terms if t not in failing
                       and not well_formed(unescape(t[1:t.rfind('"')]), datatype))
    return failing
