"""The dataset as the exports read it: records, their roles (from the profile), dates, codes.

:class:`DatasetView` holds one pyoxigraph store with the data and the ontology (so codebook
concepts, their notations and ``skos:broader`` links and the classes' mappings are at hand) and
answers the questions every layout asks: a record's values for a role, labels, the bounds of its
date, its codebook concepts of a kind, its grades.
"""

from __future__ import annotations

from functools import cached_property

from ..profile import read_profile
from ..rdfterms import DCT, RDF_TYPE, RDFS, SKOS

__all__ = ["DatasetView", "When"]

FILLING_MATCHES = (SKOS + "exactMatch", SKOS + "broadMatch")  # every record of the class is of the concept


class When:
    """A record's time as an exports needs it: the EDTF text and its earliest and latest day."""

    def __init__(self, expression: str | None, earliest: str | None, latest: str | None) -> None:
        self.expression, self.earliest, self.latest = expression, earliest, latest

    @property
    def day(self) -> str | None:
        """The one day the time means, when it means one (earliest == latest)."""
        return self.earliest if self.earliest and self.earliest == self.latest else None

    @property
    def month(self) -> str | None:
        """YYYY-MM when the time lies within one calendar month (and is not one day)."""
        if self.earliest and self.latest and self.earliest[:7] == self.latest[:7] and not self.day:
            return self.earliest[:7]
        return None

    @property
    def year(self) -> str | None:
        """The year when the time lies within one calendar year."""
        if self.earliest and self.latest and self.earliest[:4] == self.latest[:4]:
            return self.earliest[:4]
        return None


class DatasetView:
    """Read-only access to a build's data and ontology by role."""

    def __init__(self, build) -> None:
        import pyoxigraph as ox

        self.ox = ox
        self.build = build
        self.profile = read_profile(build.vocab)
        store = ox.Store()
        store.bulk_extend(ox.Quad(t.subject, t.predicate, t.object) for t in build.triples)
        store.bulk_extend(ox.Quad(t.subject, t.predicate, t.object) for t in build.ontology_triples)
        self.store = store

    # ------------------------------------------------------------------ plain access
    def objects(self, subject: str, predicates) -> list:
        """Objects of ``subject`` for any of ``predicates`` (IRIs), in a stable order."""
        ox = self.ox
        found = []
        for p in sorted(predicates):
            found.extend(q.object for q in self.store.quads_for_pattern(ox.NamedNode(subject), ox.NamedNode(p), None))
        return sorted(set(found), key=lambda o: (type(o).__name__, o.value))

    def role(self, subject: str, role: str) -> list:
        return self.objects(subject, self.profile.of(role))

    def first_text(self, subject: str, role: str) -> str | None:
        values = [o.value for o in self.role(subject, role) if isinstance(o, self.ox.Literal)]
        return values[0] if values else None

    def types(self, subject: str) -> set[str]:
        return {o.value for o in self.objects(subject, [RDF_TYPE]) if isinstance(o, self.ox.NamedNode)}

    def instances_of(self, classes) -> list[str]:
        """Records (IRIs) typed with any of ``classes``, sorted."""
        ox = self.ox
        found = set()
        for cls in classes:
            found |= {q.subject.value for q in self.store.quads_for_pattern(None, ox.NamedNode(RDF_TYPE), ox.NamedNode(cls))
                      if isinstance(q.subject, ox.NamedNode)}
        return sorted(found)

    def label(self, term) -> str:
        """A resource's label by the profile's label properties (its IRI when it has none)."""
        iri = term.value if hasattr(term, "value") else term
        for p in self.profile.labels:
            values = [o.value for o in self.objects(iri, [p]) if isinstance(o, self.ox.Literal)]
            if values:
                return values[0]
        return self.profile.term_labels.get(iri, iri)

    def notation(self, concept: str) -> str | None:
        values = self.objects(concept, [SKOS + "notation"])
        return values[0].value if values else None

    def labels(self, terms) -> str:
        """Labels joined by '; ' (empty when none)."""
        return "; ".join(sorted(self.label(t) for t in terms))

    # ------------------------------------------------------------------ time
    def time_node(self, node) -> When:
        """The EDTF expression and bounds of a time node (all None for anything else)."""
        if not isinstance(node, self.ox.NamedNode):
            return When(None, None, None)
        slots = self.profile.expander_slots

        def one(slot):
            values = self.objects(node.value, slots.get(slot, ()))
            return values[0].value if values else None
        return When(one("expression"), one("earliest"), one("latest"))

    def when(self, record: str) -> When:
        """The record's date (role ``date``), else the span from its start to its end."""
        dates = self.role(record, "date")
        if dates:
            return self.time_node(dates[0])
        starts, ends = self.role(record, "start"), self.role(record, "end")
        if not starts and not ends:
            return When(None, None, None)
        s = self.time_node(starts[0]) if starts else When(None, None, None)
        e = self.time_node(ends[0]) if ends else When(None, None, None)
        return When(f"{s.expression or '..'}/{e.expression or '..'}", s.earliest, e.latest)

    def source_date(self, source: str) -> When:
        """A source's date: the first of its values that is a time node (an EDTF expression)."""
        ox = self.ox
        for q in sorted(self.store.quads_for_pattern(ox.NamedNode(source), None, None), key=lambda q: q.predicate.value):
            when = self.time_node(q.object)
            if when.expression:
                return when
        return When(None, None, None)

    def title(self, source: str) -> str | None:
        """A source's title (``dct:title``), if it has one."""
        values = [o.value for o in self.objects(source, [DCT + "title"]) if isinstance(o, self.ox.Literal)]
        return values[0] if values else None

    # ------------------------------------------------------------------ codes (crosswalks)
    @cached_property
    def _superclasses(self) -> dict[str, list[str]]:
        ox = self.ox
        direct: dict[str, set[str]] = {}
        for q in self.store.quads_for_pattern(None, ox.NamedNode(RDFS + "subClassOf"), None):
            if isinstance(q.subject, ox.NamedNode) and isinstance(q.object, ox.NamedNode):
                direct.setdefault(q.subject.value, set()).add(q.object.value)
        return {c: sorted(s) for c, s in direct.items()}

    @staticmethod
    def _walk(starts, step) -> list[str]:
        """Breadth-first closure of ``starts`` under ``step`` (nearest first, no repeats)."""
        seen, todo = [], list(starts)
        while todo:
            item = todo.pop(0)
            if item not in seen:
                seen.append(item)
                todo.extend(step(item))
        return seen

    def _classes_up(self, record: str) -> list[str]:
        """The record's classes, most specific first, then their superclasses (breadth first)."""
        return self._walk(sorted(self.types(record)), lambda c: self._superclasses.get(c, []))

    def _classes_up_of(self, cls: str) -> list[str]:
        """A class and its superclasses, nearest first."""
        return self._walk([cls], lambda c: self._superclasses.get(c, []))

    def broader_closure(self, concept: str) -> list[str]:
        """The concept and every concept broader than it."""
        return self._walk([concept], lambda c: [o.value for o in self.objects(c, [SKOS + "broader"])
                                                 if isinstance(o, self.ox.NamedNode)])

    def concepts(self, record: str, concept_class: str) -> list[str]:
        """The record's codebook concepts of ``concept_class``: from its own ``code`` values (and
        what they are narrower than) when it has any of that class, else from the exactMatch or
        broadMatch of its most specific mapped class. Never from closeMatch or relatedMatch."""
        def of_class(concepts):
            found = []
            for c in concepts:
                for b in self.broader_closure(c):
                    if concept_class in self.types(b) and b not in found:
                        found.append(b)
            return sorted(found)

        own = of_class(o.value for o in self.role(record, "code") if isinstance(o, self.ox.NamedNode))
        if own:
            return own
        for cls in self._classes_up(record):
            mapped = of_class(o.value for o in self.objects(cls, FILLING_MATCHES) if isinstance(o, self.ox.NamedNode))
            if mapped:
                return mapped
        return []

    def notations(self, record: str, concept_class: str) -> str:
        return "; ".join(n for n in (self.notation(c) for c in self.concepts(record, concept_class)) if n)

    # ------------------------------------------------------------------ grades and provenance
    def grade(self, term: str, role: str) -> str:
        """Notations (else local names) of a record's values for a grade role, joined by '; '."""
        return "; ".join(sorted(self.notation(o.value) or o.value.rsplit("#", 1)[-1]
                                for o in self.role(term, role) if isinstance(o, self.ox.NamedNode)))

    def sources(self, record: str) -> list[str]:
        """The documents the record's evidence quotes (the evidence itself when it is a document)."""
        found = set()
        for ev in self.role(record, "evidence"):
            if not isinstance(ev, self.ox.NamedNode):
                continue
            quoted = [o.value for o in self.role(ev.value, "source") if isinstance(o, self.ox.NamedNode)]
            found |= set(quoted) if quoted else {ev.value}
        return sorted(found)

    def reliability(self, record: str) -> str:
        """The reliability of where the claim comes from: the parties it is attributed to, else its sources."""
        origins = [o.value for o in self.role(record, "attribution") if isinstance(o, self.ox.NamedNode)]
        graded = [self.grade(o, "reliability") for o in (origins or self.sources(record))]
        return "; ".join(sorted({g for g in graded if g}))

    def provenance_columns(self, record: str) -> list[str]:
        """The trailing ldpub_* columns every layout ends with (see docs/exports.md)."""
        status = [self.label(o) for o in self.role(record, "status")]
        return [record, self.label(record), "; ".join(status), self.grade(record, "credibility"),
                self.reliability(record), "; ".join(sorted(self.label(o) for o in self.role(record, "qualifier")))]


PROVENANCE_COLUMNS = ["ldpub_iri", "ldpub_label", "ldpub_status", "ldpub_credibility", "ldpub_reliability", "ldpub_qualifier"]


def csv_bytes(header: list[str], rows: list[list[str]]) -> bytes:
    """RFC 4180 CSV, UTF-8, LF line ends, every row as long as the header (deterministic)."""
    import csv
    import io

    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(header)
    for row in rows:
        assert len(row) == len(header)
        writer.writerow(["" if v is None else v for v in row])
    return out.getvalue().encode("utf-8")

