"""Dates in the data, as the profile says where they are: the timeline, the period a dataset
covers, the date of a statement.

A *time* is read from

* a literal of a date datatype (``xsd:date``, ``xsd:dateTime``, ``xsd:dateTimeStamp``,
  ``xsd:gYear``, ``xsd:gYearMonth``, EDTF): its calendar bounds;
* a node built by the EDTF expander (its expression, earliest and latest dates);
* an OWL-Time instant (``time:inXSDDate``...), or any node with a start and/or an end
  (``time:hasBeginning``/``time:hasEnd``, ``schema:startDate``, ``dcat:startDate``...): a span.

A *time node* is a node of a temporal class (OWL-Time, ``dct:PeriodOfTime``, the EDTF
expander's class) or one with time parts; it is a value, never a record of the timeline.
Every other subject whose property holds a time is a dated record: the property's role (see
:mod:`ldpub.profile`) says whether it is the record's date, its start or its end, or another
date named by the property's label (a publication date).

>>> When.of_literal("2019-05", "http://www.w3.org/2001/XMLSchema#gYearMonth")
When(text='2019-05', earliest='2019-05-01', latest='2019-05-31', span=False, parts=())
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from .profile import DATE_RANGES, Profile
from .rdfterms import EDTF_DATATYPE, RDF_TYPE, XSD

__all__ = ["When", "Dated", "TimeReader", "DATE_DATATYPES"]

DATE_DATATYPES = DATE_RANGES
_MAX_DEPTH = 4  # spans of instants of EDTF nodes... deeper nesting is not a time


@dataclass(frozen=True)
class When:
    """A time as written (``text``) and the first and last calendar day it can mean."""

    text: str
    earliest: str | None
    latest: str | None
    span: bool = False
    parts: tuple[str, ...] = ()  # of a span: every known bound of its start and end

    @property
    def known_days(self) -> tuple[str, ...]:
        """Every known bound: ``until 2018-07`` knows 2018-07-01 and 2018-07-31 (not when it began)."""
        return tuple(d for d in (self.earliest, self.latest, *self.parts) if d)

    @staticmethod
    def of_literal(lexical: str, datatype: str) -> "When | None":
        """The time a date literal means, or None when it is not a valid one."""
        lexical = lexical.strip()
        try:
            if datatype == EDTF_DATATYPE:
                from .expanders import edtf_bounds

                lo, hi = edtf_bounds(lexical)
                return When(lexical, lo.isoformat() if lo else None, hi.isoformat() if hi else None)
            match = re.match(r"^(-?\d{4,})(?:-(\d{2}))?(?:-(\d{2}))?", lexical)
            if not match:
                return None
            year, month, day = int(match.group(1)), match.group(2), match.group(3)
            if datatype == XSD + "gYear" or month is None:
                lo, hi = dt.date(year, 1, 1), dt.date(year, 12, 31)
            elif datatype == XSD + "gYearMonth" or day is None:
                lo = dt.date(year, int(month), 1)
                hi = (dt.date(year + int(month) // 12, int(month) % 12 + 1, 1) - dt.timedelta(days=1))
            else:
                lo = hi = dt.date(year, int(month), int(day))
        except (ValueError, OverflowError):
            return None
        return When(lexical, lo.isoformat(), hi.isoformat())

    def summary(self) -> str:
        """``2019-21 (2019-03-01 – 2019-05-31)``; a single day is just the day."""
        if self.earliest == self.latest == self.text or self.earliest is self.latest is None:
            return self.text
        return f"{self.text} ({self.earliest or '…'} \u2013 {self.latest or '…'})"


def _span(start: When | None, end: When | None) -> When | None:
    if start is None and end is None:
        return None
    if start and end:
        text = f"{start.text} \u2013 {end.text}"
    else:
        text = f"from {start.text}" if start else f"until {end.text}"
    parts = tuple(d for w in (start, end) if w for d in w.known_days)
    return When(text, start.earliest if start else None, end.latest if end else None, span=True, parts=parts)


@dataclass(frozen=True)
class Dated:
    """One time of a record: ``role`` is "date", "start", "end", "span" or the property IRI."""

    record: str
    property: str
    role: str
    when: When


class TimeReader:
    """Reads times out of a pyoxigraph store (the default graph) as ``profile`` says."""

    def __init__(self, store, profile: Profile) -> None:
        import pyoxigraph as ox

        self.ox = ox
        self.store = store
        self.profile = profile
        self._graph = ox.DefaultGraph()
        self._cache: dict[str, When | None] = {}
        self._time_nodes: set[str] | None = None
        self._parts: dict[str, dict[str, list]] | None = None
        self._times: dict[tuple[str, str], When] | None = None

    def _objects(self, subject: str, predicates) -> list:
        ox = self.ox
        node = ox.NamedNode(subject)
        found = []
        for p in sorted(predicates):
            found.extend(q.object for q in self.store.quads_for_pattern(node, ox.NamedNode(p), None, self._graph))
        return found

    @property
    def parts(self) -> dict[str, dict[str, list]]:
        """Part of a time (expression, earliest, latest, instant) -> node IRI -> values: one scan
        per property, so that reading many times does not query node by node."""
        if self._parts is None:
            ox, profile = self.ox, self.profile
            groups = {**profile.expander_slots, "instant": profile.of("instant")}
            self._parts = {}
            for name, props in groups.items():
                index: dict[str, list] = self._parts.setdefault(name, {})
                for prop in sorted(props):
                    for q in self.store.quads_for_pattern(None, ox.NamedNode(prop), None, self._graph):
                        if isinstance(q.subject, ox.NamedNode):
                            index.setdefault(q.subject.value, []).append(q.object)
        return self._parts

    @property
    def time_nodes(self) -> set[str]:
        """IRIs of the nodes that are times (see the module doc)."""
        if self._time_nodes is None:
            ox, profile = self.ox, self.profile
            found: set[str] = set()
            for cls in profile.temporal_classes:
                found.update(q.subject.value for q in self.store.quads_for_pattern(
                    None, ox.NamedNode(RDF_TYPE), ox.NamedNode(cls), self._graph) if isinstance(q.subject, ox.NamedNode))
            for index in self.parts.values():
                found.update(index)
            for prop in profile.interval_parts:
                found.update(q.subject.value for q in self.store.quads_for_pattern(
                    None, ox.NamedNode(prop), None, self._graph) if isinstance(q.subject, ox.NamedNode))
            self._time_nodes = found
        return self._time_nodes

    def is_time_node(self, iri: str) -> bool:
        """Whether ``iri`` is a time node: looked up in :attr:`time_nodes` once they are known
        (reading the whole dataset), else node by node (a served page reads a few)."""
        if self._time_nodes is not None:
            return iri in self._time_nodes
        profile = self.profile
        if any(t.value in profile.temporal_classes for t in self._objects(iri, [RDF_TYPE])):
            return True
        return bool(self._objects(iri, profile.date_parts | profile.interval_parts))

    def _part(self, name: str, iri: str) -> list:
        if self._parts is not None:
            return self.parts.get(name, {}).get(iri, [])
        props = self.profile.of("instant") if name == "instant" else self.profile.expander_slots.get(name, ())
        return self._objects(iri, props)

    def when(self, term, depth: int = 0) -> When | None:
        """The time a literal or a time node means (None for anything else)."""
        ox = self.ox
        if isinstance(term, ox.Literal):
            return When.of_literal(term.value, term.datatype.value) if term.datatype.value in DATE_DATATYPES else None
        if not isinstance(term, ox.NamedNode) or depth > _MAX_DEPTH:
            return None
        if term.value in self._cache:
            return self._cache[term.value]
        if not self.is_time_node(term.value):
            return None
        self._cache[term.value] = self._node_time(term.value, depth)
        return self._cache[term.value]

    def _node_time(self, iri: str, depth: int) -> When | None:
        expression = self._part("expression", iri)
        if expression:
            earliest = self._part("earliest", iri)
            latest = self._part("latest", iri)
            return When(expression[0].value, min(e.value for e in earliest) if earliest else None,
                        max(v.value for v in latest) if latest else None)
        for value in self._part("instant", iri) + self._objects(iri, self.profile.of("date")):
            found = self.when(value, depth + 1)
            if found:
                return found
        return self.span_of(iri, depth)

    def span_of(self, iri: str, depth: int = 0) -> When | None:
        """The span given by a node's start and end properties, or None."""
        start = next(filter(None, (self.when(v, depth + 1) for v in self._objects(iri, self.profile.of("start")))), None)
        end = next(filter(None, (self.when(v, depth + 1) for v in self._objects(iri, self.profile.of("end")))), None)
        return _span(start, end)

    # ------------------------------------------------------------------ records
    def dated(self) -> list[Dated]:
        """Every time of every record (time nodes excluded), one per (record, property), sorted.

        A record's start and end become one ``span``."""
        return self._merge(self.times())

    def times(self) -> dict[tuple[str, str], When]:
        """(record, property) -> its time, for every record that has one (time nodes excluded)."""
        if self._times is None:
            self._times = self._read_times()
        return self._times

    def _read_times(self) -> dict[tuple[str, str], When]:
        ox, profile = self.ox, self.profile
        found: dict[tuple[str, str], When] = {}

        time_nodes = self.time_nodes  # reads the whole dataset's time parts at once
        date_parts = profile.date_parts

        def consider(subject, predicate: str, obj) -> None:
            if not isinstance(subject, ox.NamedNode) or subject.value in time_nodes or predicate in date_parts:
                return
            when = self.when(obj)
            if when is None:
                return
            key = (subject.value, predicate)
            old = found.get(key)
            if old is None or (when.earliest or "", when.text) < (old.earliest or "", old.text):
                found[key] = when

        for node in sorted(time_nodes):
            for quad in self.store.quads_for_pattern(None, None, ox.NamedNode(node), self._graph):
                consider(quad.subject, quad.predicate.value, quad.object)
        for prop in sorted(self._literal_date_properties()):
            for quad in self.store.quads_for_pattern(None, ox.NamedNode(prop), None, self._graph):
                if isinstance(quad.object, ox.Literal):
                    consider(quad.subject, prop, quad.object)
        return found

    def _literal_date_properties(self) -> set[str]:
        """Properties that may hold a date literal: by role, or by a date range in the ontology."""
        profile = self.profile
        props = set(profile.of("date") | profile.of("start") | profile.of("end"))
        return props | profile.date_ranged

    def _merge(self, found: dict[tuple[str, str], When]) -> list[Dated]:
        profile = self.profile
        starts, ends = profile.of("start"), profile.of("end")
        by_record: dict[str, list[tuple[str, When]]] = {}
        for (record, prop), when in found.items():
            by_record.setdefault(record, []).append((prop, when))
        out = []
        for record, times in by_record.items():
            start = min((w for p, w in times if p in starts), key=_order, default=None)
            end = min((w for p, w in times if p in ends), key=_order, default=None)
            for prop, when in times:
                if prop in starts or prop in ends:
                    continue
                role = "date" if prop in profile.of("date") else ("span" if when.span else prop)
                out.append(Dated(record, prop, role, when))
            span = _span(start, end)
            if span is not None:
                prop = next(p for p, w in times if w in (start, end))
                out.append(Dated(record, prop, "span", span))
        return sorted(out, key=lambda d: (d.when.earliest or d.when.latest or "9999", d.when.latest or "9999",
                                          d.record, d.role))

    def date_of(self, iri: str) -> When | None:
        """A record's own time: its date, else the span of its start and end, else a time-valued
        property that is a span (``org:memberDuring``)."""
        for value in self._objects(iri, self.profile.of("date")):
            found = self.when(value)
            if found:
                return found
        span = self.span_of(iri)
        if span:
            return span
        ox = self.ox
        for quad in sorted(self.store.quads_for_pattern(ox.NamedNode(iri), None, None, self._graph), key=str):
            found = self.when(quad.object) if quad.predicate.value not in self.profile.date_parts else None
            if found and found.span:
                return found
        return None

    def coverage(self) -> tuple[str | None, str | None]:
        """The first and last known day of any record's time (the catalog's ``dct:temporal``):
        ``until 2018-07`` counts from 2018-07-01 even though its start is open."""
        days = [day for when in self.times().values() for day in when.known_days]
        return (min(days), max(days)) if days else (None, None)


def _order(when: When) -> tuple:
    return (when.earliest or "", when.text)
