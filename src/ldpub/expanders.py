"""Value expanders: scalars that become small nodes of their own.

The ontology marks a class with ``ldpub:expander "NAME"`` and the properties of that class
with ``ldpub:expanderSlot``. When a record gives a scalar for a property whose range is such
a class, the expander registered here under NAME turns the scalar into slot values.

``edtf``: an Extended Date/Time Format expression (``2016``, ``2019-21`` = spring 2019,
``2019-08/2019-10``, ``../2000`` = up to 2000, ``2009/..`` = since 2009) keeps the curator's
expression and adds the earliest and latest calendar dates it can mean, as ``xsd:date``.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Callable

from .rdfterms import EDTF_DATATYPE, XSD

__all__ = ["SlotValue", "ExpansionError", "EXPANDERS", "edtf_bounds"]


@dataclass(frozen=True)
class SlotValue:
    """One literal an expander produces: lexical form and datatype IRI."""

    lexical: str
    datatype: str


class ExpansionError(ValueError):
    """The scalar cannot be expanded; the message says why and how to write it."""


def _struct_to_date(value) -> dt.date | None:
    import math

    if value is None or (isinstance(value, float) and math.isinf(value)):
        return None
    try:
        return dt.date(value.tm_year, value.tm_mon, value.tm_mday)
    except (ValueError, AttributeError):
        return None


def edtf_bounds(text: str) -> tuple[dt.date | None, dt.date | None]:
    """Earliest and latest date an EDTF expression can mean (None where open or unknown).

    >>> edtf_bounds("2019-21")
    (datetime.date(2019, 3, 1), datetime.date(2019, 5, 31))
    """
    import edtf

    text = text.strip()
    _check_calendar(text)
    try:
        parsed = edtf.parse_edtf(text)
    except Exception as exc:  # the edtf library raises its own EDTFParseException and others
        raise ExpansionError(
            f"'{text}' is not an EDTF date",
            ) from exc
    return _struct_to_date(parsed.lower_strict()), _struct_to_date(parsed.upper_strict())


def _check_calendar(text: str) -> None:
    """EDTF parsers accept day numbers the calendar lacks (2019-02-30); refuse them."""
    import re

    for y, m, d in re.findall(r"(\d{4})-(\d{2})-(\d{2})", text):
        try:
            dt.date(int(y), int(m), int(d))
        except ValueError as exc:
            raise ExpansionError(f"date {y}-{m}-{d} does not exist ({exc})") from exc


def expand_edtf(text: str) -> dict[str, SlotValue]:
    earliest, latest = edtf_bounds(text)
    if earliest and latest and earliest > latest:
        raise ExpansionError(f"'{text}' ends before it starts")
    slots = {"expression": SlotValue(text.strip(), EDTF_DATATYPE)}
    if earliest:
        slots["earliest"] = SlotValue(earliest.isoformat(), XSD + "date")
    if latest:
        slots["latest"] = SlotValue(latest.isoformat(), XSD + "date")
    return slots


EDTF_HINT = "write EDTF: 2016, 2019-07, 2020-02-29, 2019-21 (spring), 2019-08/2019-10, ../2000 (until), 2009/.. (since)"

EXPANDERS: dict[str, tuple[Callable[[str], dict[str, SlotValue]], str]] = {
    "edtf": (expand_edtf, EDTF_HINT),
}
