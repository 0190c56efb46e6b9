"""Literal conversion by datatype: a registry from datatype IRI to a checker/normalizer.

Each converter takes the scalar's text and returns the canonical lexical form, or raises
``ValueError`` whose message says what is wrong and how to write it.
"""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal, InvalidOperation
from typing import Callable

from .rdfterms import EDTF_DATATYPE, RDF_LANGSTRING, XSD

__all__ = ["CONVERTERS", "convert", "InvalidLiteral"]


class InvalidLiteral(ValueError):
    """A value does not fit its datatype; ``rule`` names the check (``invalid-value``,
    ``impossible-date`` or ``malformed-edtf``)."""

    def __init__(self, message: str, rule: str = "invalid-value") -> None:
        super().__init__(message)
        self.rule = rule


def _boolean(text: str) -> str:
    if text in ("true", "false"):
        return text
    raise InvalidLiteral(f"expected true or false, got '{text}'")


def _integer(text: str) -> str:
    try:
        return str(int(text.replace("_", "")))
    except ValueError:
        raise InvalidLiteral(f"expected a whole number, got '{text}'") from None


def _decimal(text: str) -> str:
    try:
        value = Decimal(text.replace("_", ""))
    except InvalidOperation:
        raise InvalidLiteral(f"expected a number, got '{text}'") from None
    if not value.is_finite():
        raise InvalidLiteral(f"expected a finite number, got '{text}'")
    out = format(value, "f")
    if "." in out:
        out = out.rstrip("0").rstrip(".") or "0"
    return out


def _double(text: str) -> str:
    try:
        return repr(float(text))
    except ValueError:
        raise InvalidLiteral(f"expected a number, got '{text}'") from None


_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def _date(text: str) -> str:
    if not _DATE.match(text):
        raise InvalidLiteral(f"expected a date YYYY-MM-DD, got '{text}'")
    try:
        return dt.date.fromisoformat(text).isoformat()
    except ValueError as exc:
        raise InvalidLiteral(f"date {text} does not exist ({exc})", "impossible-date") from None


def _gyear(text: str) -> str:
    if not re.match(r"^-?\d{4}$", text):
        raise InvalidLiteral(f"expected a year YYYY, got '{text}'")
    return text


def _edtf(text: str) -> str:
    from .expanders import ExpansionError, edtf_bounds

    try:
        edtf_bounds(text)
    except ExpansionError as exc:
        raise InvalidLiteral(str(exc), exc.rule) from None
    return text.strip()


def _text(text: str) -> str:
    return text


CONVERTERS: dict[str, Callable[[str], str]] = {
    XSD + "string": _text,
    XSD + "anyURI": _text,
    XSD + "token": _text,
    RDF_LANGSTRING: _text,
    XSD + "boolean": _boolean,
    XSD + "integer": _integer,
    XSD + "nonNegativeInteger": _integer,
    XSD + "positiveInteger": _integer,
    XSD + "decimal": _decimal,
    XSD + "double": _double,
    XSD + "float": _double,
    XSD + "date": _date,
    XSD + "gYear": _gyear,
    EDTF_DATATYPE: _edtf,
}


def convert(text: str, datatype: str) -> str:
    """Canonical lexical form of ``text`` for ``datatype`` (unknown datatypes pass unchanged)."""
    return CONVERTERS.get(datatype, _text)(text)
