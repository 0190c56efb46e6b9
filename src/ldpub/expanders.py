"""Value expanders: scalars that become small nodes of their own.

The ontology marks a class with ``ldpub:expander "NAME"`` and, for each slot the expander
fills, one property with ``ldpub:expanderSlot "SLOT"`` (an ``rdfs:domain`` is optional: see
``ontology._expander_specs``). When a record gives a scalar for a property whose range is such
a class, the expander registered here under NAME turns the scalar into slot values.

``edtf``: an Extended Date/Time Format expression (``2016``, ``2019-21`` = spring 2019,
``2019-08/2019-10``, ``../2000`` = up to 2000, ``2009/..`` = since 2009) keeps the curator's
expression and adds the earliest and latest calendar dates it can mean, as ``xsd:date``.

EDTF is hostile-input territory (``Y1E99999999`` asks for a year of 10^99999999, a set of
2,000 members takes the grammar a minute): an expression is refused before parsing when it
is longer than :data:`MAX_EDTF_CHARS`, has more than :data:`MAX_EDTF_MEMBERS` set members, a
year of more than :data:`MAX_EDTF_YEAR_DIGITS` digits, or characters other than ASCII.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Callable

from .rdfterms import EDTF_DATATYPE, XSD

__all__ = ["SlotValue", "ExpansionError", "Expander", "EXPANDERS", "edtf_bounds", "MAX_EDTF_CHARS",
           "MAX_EDTF_MEMBERS", "MAX_EDTF_YEAR_DIGITS"]

#: longest EDTF expression read (a set of twenty full dates is about 250 characters)
MAX_EDTF_CHARS = 300
#: most members of an EDTF set or list (``[1667, 1668, 1670..1672]`` has three)
MAX_EDTF_MEMBERS = 25
#: most digits of a year, exponent included (``Y17E7`` has 9): years up to 999,999,999
MAX_EDTF_YEAR_DIGITS = 9


@dataclass(frozen=True)
class SlotValue:
    """One literal an expander produces: lexical form and datatype IRI."""

    lexical: str
    datatype: str


class ExpansionError(ValueError):
    """The scalar cannot be expanded; the message says why and how to write it.

    ``rule`` names the check: ``malformed-edtf`` or ``impossible-date``.
    """

    def __init__(self, message: str, rule: str = "malformed-edtf") -> None:
        super().__init__(message)
        self.rule = rule


def _struct_to_date(value) -> dt.date | None:
    import math

    if value is None or (isinstance(value, float) and math.isinf(value)):
        return None
    try:
        return dt.date(value.tm_year, value.tm_mon, value.tm_mday)
    except (ValueError, AttributeError, OverflowError):
        return None  # years outside 1..9999 have no Python date: the bound is left out


_SEASONS = {21: ((3, 1), (5, 31)), 22: ((6, 1), (8, 31)), 23: ((9, 1), (11, 30))}
_WINTER = re.compile(r"(?<![0-9])([0-9]{4})-24(?![0-9])", re.ASCII)


def _winter_bounds(year: int) -> tuple[dt.date, dt.date]:
    """A winter (EDTF season 24) of YYYY may be the one that ends in YYYY or the one that begins in it.

    The edtf library narrows it to December of YYYY; ldpub keeps both readings: from December of
    the year before to the end of February of the year after (fuzzy stays fuzzy).
    """
    return dt.date(year - 1, 12, 1), dt.date(year + 1, 3, 1) - dt.timedelta(days=1)


def _widen_winters(text: str, lo: dt.date | None, hi: dt.date | None) -> tuple[dt.date | None, dt.date | None]:
    """Bounds the edtf library gave, widened to the winters the expression names.

    In an interval only the start's winters move the earliest date and the end's the latest.
    """
    start, _, end = text.partition("/") if "/" in text else (text, "", text)
    for m in _WINTER.finditer(start):
        lo = None if lo is None else min(lo, _winter_bounds(int(m.group(1)))[0])
    for m in _WINTER.finditer(end):
        hi = None if hi is None else max(hi, _winter_bounds(int(m.group(1)))[1])
    return lo, hi
_SIMPLE_DATE = re.compile(r"([0-9]{4})(?:-([0-9]{2})(?:-([0-9]{2}))?)?", re.ASCII)


def _simple_bounds(part: str) -> tuple[dt.date, dt.date] | None:
    """Bounds of YYYY, YYYY-MM or YYYY-MM-DD without the (slow, pyparsing) EDTF grammar."""
    m = _SIMPLE_DATE.fullmatch(part)
    if not m:
        return None
    year, month, day = int(m.group(1)), m.group(2), m.group(3)
    if month is None:
        return dt.date(year, 1, 1), dt.date(year, 12, 31)
    month = int(month)
    if day is None and month in _SEASONS:  # as the edtf library reads them (northern hemisphere)
        (m1, d1), (m2, d2) = _SEASONS[month]
        return dt.date(year, m1, d1), dt.date(year, m2, d2)
    if day is None and month == 24:
        return _winter_bounds(year)
    if not 1 <= month <= 12:
        return None
    if day is None:
        last = (dt.date(year + month // 12, month % 12 + 1, 1) - dt.timedelta(days=1)).day
        return dt.date(year, month, 1), dt.date(year, month, last)
    day_date = dt.date(year, month, int(day))  # ValueError for days the calendar lacks
    return day_date, day_date


def _fast_bounds(text: str) -> tuple[dt.date | None, dt.date | None] | None:
    """The common EDTF forms (dates and closed or open intervals of them); None: ask the grammar."""
    try:
        if "/" not in text:
            return _simple_bounds(text)
        start, _, end = text.partition("/")
        lo = None if start == ".." else _simple_bounds(start)
        hi = None if end == ".." else _simple_bounds(end)
        if (lo is None and start != "..") or (hi is None and end != "..") or (start == end == ".."):
            return None
        return (lo[0] if lo else None), (hi[1] if hi else None)
    except ValueError:
        return None  # let the full parser and the calendar check report it


@lru_cache(maxsize=65536)
def edtf_bounds(text: str) -> tuple[dt.date | None, dt.date | None]:
    """Earliest and latest date an EDTF expression can mean (None where open or unknown).

    Plain dates and intervals are read directly; other EDTF (seasons, uncertainty, sets) by
    the ``edtf`` library. Results are cached: datasets repeat the same dates often.

    >>> edtf_bounds("2019-21")
    (datetime.date(2019, 3, 1), datetime.date(2019, 5, 31))
    >>> edtf_bounds("2019-24")  # a winter: the one ending or the one beginning in 2019
    (datetime.date(2018, 12, 1), datetime.date(2020, 2, 29))
    """
    text = text.strip()
    _check_bounds(text)
    fast = _fast_bounds(text)
    if fast is not None:
        return fast
    import edtf

    _check_calendar(text)
    try:
        parsed = edtf.parse_edtf(text)
        bounds = _struct_to_date(parsed.lower_strict()), _struct_to_date(parsed.upper_strict())
    except Exception as exc:  # the edtf library raises its own EDTFParseException and others
        raise ExpansionError(f"'{text}' is not an EDTF date") from exc
    return _widen_winters(text, *bounds)


_EXPONENT_YEAR = re.compile(r"Y-?([0-9]+)(?:E([0-9]+))?", re.ASCII)


def _check_bounds(text: str) -> None:
    """Refuse what would make the EDTF grammar or its date arithmetic hang or overflow."""
    if len(text) > MAX_EDTF_CHARS:
        raise ExpansionError(f"EDTF expression of {len(text):,} characters is too long (at most {MAX_EDTF_CHARS})")
    if not text.isascii():
        bad = next(c for c in text if not c.isascii())
        raise ExpansionError(f"'{text}' is not an EDTF date: EDTF uses ASCII digits and letters only, "
                             f"not '{bad}' (U+{ord(bad):04X})")
    if text[:1] in "[{":
        members = text.count(",") + 1
        if members > MAX_EDTF_MEMBERS:
            raise ExpansionError(f"EDTF set of {members} members is too long (at most {MAX_EDTF_MEMBERS})")
    for m in _EXPONENT_YEAR.finditer(text):
        digits = len(m.group(1).lstrip("0")) + (int(m.group(2)) if m.group(2) else 0)
        if digits > MAX_EDTF_YEAR_DIGITS:
            raise ExpansionError(f"year {m.group(0)} in '{text}' has {digits:,} digits (at most "
                                 f"{MAX_EDTF_YEAR_DIGITS}: years up to 999,999,999)")


def _check_calendar(text: str) -> None:
    """EDTF parsers accept day numbers the calendar lacks (2019-02-30); refuse them."""
    for y, m, d in re.findall(r"([0-9]{4})-([0-9]{2})-([0-9]{2})", text):
        try:
            dt.date(int(y), int(m), int(d))
        except ValueError as exc:
            raise ExpansionError(f"date {y}-{m}-{d} does not exist ({exc})", "impossible-date") from exc


def expand_edtf(text: str) -> dict[str, SlotValue]:
    earliest, latest = edtf_bounds(text)
    if earliest and latest and earliest > latest:
        raise ExpansionError(f"'{text}' ends before it starts", "impossible-date")
    slots = {"expression": SlotValue(text.strip(), EDTF_DATATYPE)}
    if earliest:
        slots["earliest"] = SlotValue(earliest.isoformat(), XSD + "date")
    if latest:
        slots["latest"] = SlotValue(latest.isoformat(), XSD + "date")
    return slots


EDTF_HINT = "write EDTF: 2016, 2019-07, 2020-02-29, 2019-21 (spring), 2019-08/2019-10, ../2000 (until), 2009/.. (since)"



@dataclass(frozen=True)
class Expander:
    """A registered expander: the function, the hint shown when it refuses a value, and the
    slots it fills with the datatype of each (the ontology maps every slot to a property)."""

    expand: Callable[[str], dict[str, SlotValue]]
    hint: str
    slots: dict[str, str]


EXPANDERS: dict[str, Expander] = {
    "edtf": Expander(expand_edtf, EDTF_HINT,
                     {"expression": EDTF_DATATYPE, "earliest": XSD + "date", "latest": XSD + "date"}),
}
