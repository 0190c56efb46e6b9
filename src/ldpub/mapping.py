"""Records to RDF, driven by the ontology.

A record's ``id`` mints the IRI ``base_iri + slug``; ``type`` names ontology classes; every other
key is an ontology property (see :mod:`ldpub.ontology`) and its value becomes triples by what
the ontology says of it:

* object property: a slug (a reference to another record), a named individual of the range
  (``status: reported``), a nested record, or a scalar the range's expander turns into a node
  (``date: 2019-21``);
* datatype property: a literal of the range datatype, checked and normalized;
* annotation property: a string in the project language.

Nested records without an ``id`` get IRIs derived from their parent: ``<parent>#key`` or
``<parent>#key-N`` for the N-th of several. The result keeps, for every node, the file and
line it came from, so validation results point back at the YAML.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Iterable
from . import ntriples
from .errors import Location, Problem, RecordError, did_you_mean
from .expanders import EXPANDERS, ExpansionError
from .literals import InvalidLiteral, check_literal
from .ontology import ANNOTATION, DATATYPE, OBJECT, Vocabulary
from .rdfterms import RDF_LANGSTRING, RDF_TYPE, XSD
from .records import Record, Scalar, iter_all

__all__ = ["MappedGraph", "map_records", "SourceMap"]


@dataclass
class SourceMap:
    """Where each node and each (node, property) came from in the YAML."""

    nodes: dict[str, Location] = field(default_factory=dict)
    fields: dict[tuple[str, str], int] = field(default_factory=dict)

    def locate(self, node: str, predicate: str | None = None) -> Location | None:
        """The location of a node (and the line of one of its properties, when known)."""
        loc = self.nodes.get(node)
        if loc is None:
            return None
        line = self.fields.get((node, predicate)) if predicate else None
        if line:
            key = loc.field
            return Location(loc.file, line, None, loc.record, key)
        return loc


@dataclass
class MappedGraph:
    """The triples made from the records (as N-Triples lines), and where each node came from."""

    lines: list[str]  # one N-Triples line per triple (see ldpub.ntriples), in record order
    source_map: SourceMap
    slugs: dict[str, str]  # slug -> IRI


class _Mapper:
    def __init__(self, vocab: Vocabulary, base_iri: str, language: str, track_sources: bool = True) -> None:
        self.vocab = vocab
        self.track = track_sources
        self.base = base_iri
        self.language = language
        self.lang_suffix = ntriples.language_suffix(language)
        self.lines: list[str] = []
        self.problems: list[Problem] = []
        self.source_map = SourceMap()
        self.slugs: dict[str, str] = {}
        self._nodes: dict[str, str] = {}
        self._literals: dict[tuple[str, str], str] = {}
        self.rdf_type = ntriples.iri(RDF_TYPE)
        self.individual_names = sorted({n for names in vocab.individuals.values() for n in names})
        self.class_iris = {c.iri for c in vocab.classes.values()}

    def node(self, iri: str) -> str:
        """The N-Triples text of an IRI (``<iri>``), shared between lines."""
        n = self._nodes.get(iri)
        if n is None:
            n = self._nodes[iri] = ntriples.iri(iri)
        return n

    def problem(self, rec: Record, key: str | None, line: int | None, message: str, hint: str | None = None,
                rule: str | None = None) -> None:
        self.problems.append(Problem(message, rec.location(key, line), hint, rule))

    # ------------------------------------------------------------------ records
    def index(self, records: list[Record]) -> None:
        for rec in iter_all(records):
            if rec.slug:
                self.slugs[rec.slug] = self.base + rec.slug

    def map_record(self, rec: Record, iri: str, default_type: str | None = None) -> None:
        subject = self.node(iri)
        top = rec.top
        if self.track:
            self.source_map.nodes[iri] = Location(rec.file, rec.line, None, top.slug, None)
        types = []
        for t in rec.types:
            term = self.vocab.classes.get(t.text)
            if term is None:
                self.problem(rec, "type", t.line, f"unknown type '{t.text}'",
                             did_you_mean(t.text, self.vocab.classes) or "use a class of the ontology", "unknown-type")
                continue
            types.append(term.iri)
        if not rec.types and default_type:
            types.append(default_type)
        elif not rec.types and rec.parent is not None:
            self.problem(rec, None, rec.line, "nested record needs a 'type'",
                         "the property's range is not a single class; add 'type: ClassName'", "missing-type")
        append = self.lines.append
        typed = f"{subject} {self.rdf_type} "
        for t in types:
            append(typed + self.node(t))
        properties, key_lines, fields, track = self.vocab.properties, rec.key_lines, self.source_map.fields, self.track
        for key, values in rec.fields.items():
            term = properties.get(key)
            line = key_lines.get(key)
            if term is None:
                self.problem(rec, key, line, f"unknown key '{key}'",
                             did_you_mean(key, self.vocab.properties) or "use a property of the ontology", "unknown-key")
                continue
            if track:
                fields[(iri, term.iri)] = line or rec.line
            head = f"{subject} {self.node(term.iri)} "
            if len(values) == 1:
                obj = self.value(rec, key, term, values[0], iri, None)
                if obj is not None:
                    append(head + obj)
                continue
            for n, value in enumerate(values, start=1):
                obj = self.value(rec, key, term, value, iri, n)
                if obj is not None:
                    append(head + obj)

    # ------------------------------------------------------------------ values
    def child_iri(self, parent_iri: str, key: str, n: int | None) -> str:
        suffix = f"{key}-{n}" if n else key
        return f"{parent_iri}{'.' if '#' in parent_iri else '#'}{suffix}"

    def value(self, rec: Record, key: str, term, value, parent_iri: str, n: int | None) -> str | None:
        """The N-Triples text of a value's object (None after recording a problem)."""
        if isinstance(value, Record):
            if term.kind != OBJECT:
                self.problem(rec, key, value.line, f"'{key}' takes a value, not a nested record", rule="invalid-value")
                return None
            iri = self.base + value.slug if value.slug else self.child_iri(parent_iri, key, n)
            default = term.range if term.range in self.class_iris else None
            self.map_record(value, iri, default)
            return self.node(iri)
        assert isinstance(value, Scalar)
        text = value.text
        if term.kind == OBJECT:
            spec = self.vocab.expanders.get(term.range or "")
            if spec is not None:
                return self.expand(rec, key, term, value, spec, parent_iri, n)
            return self.reference(rec, key, term, value)
        datatypes = term.datatypes or ((RDF_LANGSTRING if term.kind == ANNOTATION else XSD + "string"),)
        if datatypes == (RDF_LANGSTRING,):
            return ntriples.literal(text, suffix=self.lang_suffix)
        try:
            lexical, datatype = check_literal(text, datatypes)
        except InvalidLiteral as exc:
            self.problem(rec, key, value.line, f"{key}: {exc}", exc.hint, exc.rule)
            return None
        if datatype == XSD + "string":
            return ntriples.literal(lexical)
        return self.typed_literal(lexical, datatype)

    def typed_literal(self, lexical: str, datatype: str) -> str:
        """A typed literal, shared between lines (dates and numbers repeat across records)."""
        key = (lexical, datatype)
        lit = self._literals.get(key)
        if lit is None:
            lit = self._literals[key] = ntriples.literal(lexical, datatype)
        return lit

    def expand(self, rec, key, term, value: Scalar, spec, parent_iri: str, n: int | None) -> str | None:
        expander = EXPANDERS.get(spec.name)
        if expander is None:
            self.problem(rec, key, value.line, f"ontology names unknown expander '{spec.name}'",
                         f"known expanders: {', '.join(sorted(EXPANDERS))}")
            return None
        func, hint = expander.expand, expander.hint
        try:
            slots = func(value.text)
        except ExpansionError as exc:
            self.problem(rec, key, value.line, f"{key}: {exc}", hint, exc.rule)
            return None
        iri = self.child_iri(parent_iri, key, n)
        node = self.node(iri)
        if self.track:
            self.source_map.nodes[iri] = rec.location(key, value.line)
        append = self.lines.append
        append(f"{node} {self.rdf_type} {self.node(term.range)}")
        for slot, lit in slots.items():
            prop = spec.slots.get(slot)
            if prop is None:
                continue
            if self.track:
                self.source_map.fields[(iri, prop)] = value.line
            append(f"{node} {self.node(prop)} {self.typed_literal(lit.lexical, lit.datatype)}")
        return node

    def reference(self, rec: Record, key: str, term, value: Scalar) -> str | None:
        text = value.text
        iri = self.slugs.get(text)
        if iri is not None:
            return self.node(iri)
        individual = self.find_individual(term.range, text)
        if individual:
            return self.node(individual)
        if text.startswith(("http://", "https://")):
            if not _valid_iri(text):
                self.problem(rec, key, value.line, f"{key}: '{text}' is not a valid IRI",
                             "write an absolute IRI without spaces or <>\"{}|^` characters, or the slug of a record",
                             "invalid-value")
                return None
            return self.node(text)
        names = list(self.slugs) + self.individual_names
        self.problem(rec, key, value.line, f"{key}: unknown record '{text}'",
                     did_you_mean(text, names) or "define a record with this id, or fix the slug", "dangling-reference")
        return None

    def find_individual(self, range_iri: str | None, name: str) -> str | None:
        wanted = name.lower()
        if range_iri:
            for cls in sorted(self.vocab.subclasses.get(range_iri, {range_iri})):
                hit = self.vocab.individuals.get(cls, {}).get(wanted)
                if hit:
                    return hit
            return None
        for names in self.vocab.individuals.values():
            if wanted in names:
                return names[wanted]
        return None


def map_records(records: list[Record], vocab: Vocabulary, base_iri: str, language: str = "en",
                other_slugs: Iterable[str] = (), track_sources: bool = True) -> MappedGraph:
    """Turn loaded records into triples; raise :class:`RecordError` listing every problem.

    ``other_slugs``: slugs defined by records mapped elsewhere (another process), which
    references in these records may name. ``track_sources=False`` leaves the source map
    empty (a parallel build maps again, in one process, only if a finding needs locations).
    """
    mapper = _Mapper(vocab, base_iri, language, track_sources)
    mapper.index(records)
    for slug in other_slugs:
        mapper.slugs.setdefault(slug, base_iri + slug)
    for rec in records:
        if rec.slug:
            mapper.map_record(rec, base_iri + rec.slug)
    if mapper.problems:
        raise RecordError(mapper.problems)
    return MappedGraph(mapper.lines, mapper.source_map, mapper.slugs)


def _valid_iri(text: str) -> bool:
    """Whether pyoxigraph accepts ``text`` as an absolute IRI."""
    import pyoxigraph as ox

    try:
        ox.NamedNode(text)
    except ValueError:
        return False
    return True
