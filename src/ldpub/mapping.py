"""Records to RDF, driven by the ontology.

A record's ``id`` mints the IRI ``base_iri + slug``; ``type`` names ontology classes; every other
key is an ontology property (see :mod:`ldpub.ontology`) and its value becomes triples by what
the ontology says of it:

* object property: a slug (a reference to another record), a named individual of the range
  (``status: reported``), a nested record, or a scalar the range's expander turns into a node
  (``date: 2019-21``);
* datatype property: a literal of the range datatype, checked and normalized;
* annotation property: a string in the project language.

A nested record's IRI comes from its parent's (``<parent>#...``; below a nested record,
``<parent>.<...>``), never from its position in a list, so inserting, removing or reordering
nested records leaves the others' IRIs as they were:

* with an ``id`` of its own: ``<parent>#key-id`` (``id: ceasefire`` under ``provision`` gives
  ``<agreement>#provision-ceasefire``); ids are slugs, unique under one key;
* the only value of its key: ``<parent>#key``;
* one of several values of its key: ``<parent>#key-<content key>``, the content key being the
  first 8 hex digits of the SHA-256 of the record's types, keys and values (editing the
  record changes its IRI; give it an ``id`` to keep it). Two identical nested records under
  one key are an error.

Scalars a range's expander turns into a node (``date: "2016"``) follow the same rule
(``<parent>#date``, or ``<parent>#date-<content key of the text>`` for one of several).
The result keeps, for every node, the file and line it came from, so validation results point
back at the YAML.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import AbstractSet, Iterable

from . import ntriples
from .errors import Location, Problem, RecordError, did_you_mean
from .expanders import EXPANDERS, ExpansionError
from .literals import InvalidLiteral, check_literal
from .iris import shown, suggest_slug, valid_slug
from .ontology import ANNOTATION, DATATYPE, OBJECT, Vocabulary, kebab_case
from .rdfterms import RDF_LANGSTRING, RDF_TYPE, XSD
from .records import Record, Scalar, release

__all__ = ["MappedGraph", "map_records", "SourceMap", "CONTENT_KEY_LENGTH", "child_separator"]

#: Hex digits of the content key in the IRI of a nested record without an ``id``.
CONTENT_KEY_LENGTH = 8


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
    #: file -> (reference texts that named a slug, reference texts that did not), when asked
    #: for (``track_references``): what a file's triples depend on beyond the file itself
    references: dict[str, tuple[set[str], set[str]]] | None = None


class _Mapper:
    def __init__(self, vocab: Vocabulary, base_iri: str, language: str, track_sources: bool = True,
                 complete: bool = True, track_references: bool = False, known_slugs: AbstractSet[str] = frozenset()) -> None:
        self.vocab = vocab
        self.known_slugs = known_slugs  # valid slugs of records mapped elsewhere (see map_records)
        self.references: dict[str, tuple[set[str], set[str]]] | None = {} if track_references else None
        self.track = track_sources
        self.complete = complete  # every file was read: an unknown slug is dangling
        self.base = base_iri
        self.language = language
        self.lang_suffix = ntriples.language_suffix(language)
        self.lines: list[str] = []
        self.problems: list[Problem] = []
        self.source_map = SourceMap()
        self.slugs: dict[str, str] = {}
        self.slug_types: dict[str, tuple[str, ...]] = {}  # slug -> its type names as written
        self.invalid_slugs: set[str] = set()  # never suggested
        self._slug_classes: dict[str, set[str]] | None = None
        self._nodes: dict[str, str] = {}
        self._literals: dict[tuple[str, str], str] = {}
        self.rdf_type = ntriples.iri(RDF_TYPE)
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
        for rec in records:
            if rec.slug is not None:
                self.add_slug(rec.slug, tuple(t.text for t in rec.types))

    def add_slug(self, slug: str, types: tuple[str, ...]) -> None:
        """Know a record's slug. An invalid one (already a problem) is known under the slug its
        message suggests too, so references written that way are not reported as well."""
        if slug in self.slugs:
            return
        self.slugs[slug] = self.base + slug
        self.slug_types[slug] = types
        if not valid_slug(slug):
            self.invalid_slugs.add(slug)
            self.slugs.setdefault(suggest_slug(slug), self.base + slug)

    def map_record(self, rec: Record, iri: str, default_type: str | None = None) -> None:
        subject = self.node(iri)
        top = rec.top
        if self.track:
            self.source_map.nodes[iri] = Location(rec.file, rec.line, None, top.slug, None)
        types = []
        for t in rec.types:
            term = self.vocab.find_class(t.text)
            if term is None:
                self.unknown_term(rec, "type", t, self.vocab.classes, "type", "use a class of the ontology")
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
            term = properties.get(key) or self.vocab.find_property(key)
            line = key_lines.get(key)
            if term is None:
                self.unknown_term(rec, key, Scalar(key, False, line or rec.line, 1), self.vocab.properties, "key",
                                  "use a property of the ontology")
                continue
            if track:
                fields[(iri, term.iri)] = line or rec.line
            head = f"{subject} {self.node(term.iri)} "
            siblings: set[str] | None = None if len(values) == 1 else set()
            for value in values:
                obj = self.value(rec, key, term, value, iri, siblings)
                if obj is not None:
                    append(head + obj)

    def unknown_term(self, rec: Record, key: str, name: Scalar, known: dict, what: str, fallback: str) -> None:
        """A problem for a type or key the ontology does not define (or defines twice over)."""
        candidates = self.vocab.ambiguous.get(name.text)
        if candidates:
            listed = " or ".join(candidates)
            self.problem(rec, key, name.line, f"{what} {shown(name.text)} could be {listed}",
                         f"write one of {', '.join(candidates)}", f"ambiguous-{what}")
            return
        pool = list(known) + [a for a, k in self.vocab.aliases.items() if k in known and ":" not in a]
        self.problem(rec, key, name.line, f"unknown {what} {shown(name.text)}",
                     did_you_mean(name.text, pool) or fallback, f"unknown-{what}")

    # ------------------------------------------------------------------ values
    def child_iri(self, parent_iri: str, name: str) -> str:
        return parent_iri + child_separator(parent_iri) + name

    def child_name(self, rec: Record, key: str, value, siblings: set[str] | None) -> str | None:
        """The fragment naming a nested node (see the module docstring); None after a problem."""
        if isinstance(value, Record) and value.slug is not None:
            name = f"{key}-{value.slug}"
        elif siblings is None:
            return key
        else:
            name = f"{key}-{content_key(value, self.vocab)}"
        if siblings is not None:
            if name in siblings:
                line = value.line
                if isinstance(value, Record) and value.slug is not None:
                    self.problem(rec, key, line, f"two nested records under '{key}' have the id {shown(value.slug)}",
                                 "give each its own id", "duplicate-nested")
                else:
                    self.problem(rec, key, line, f"the same {'nested record' if isinstance(value, Record) else 'value'} "
                                 f"appears twice under '{key}'", "remove one of them", "duplicate-nested")
                return None
            siblings.add(name)
        return name

    def value(self, rec: Record, key: str, term, value, parent_iri: str, siblings: set[str] | None) -> str | None:
        """The N-Triples text of a value's object (None after recording a problem)."""
        if isinstance(value, Record):
            if term.kind != OBJECT:
                self.problem(rec, key, value.line, f"'{key}' takes a value, not a nested record", rule="invalid-value")
                return None
            name = self.child_name(rec, key, value, siblings)
            if name is None:
                return None
            iri = self.child_iri(parent_iri, name)
            default = term.range if term.range in self.class_iris else None
            self.map_record(value, iri, default)
            return self.node(iri)
        text = value.text
        if term.kind == OBJECT:
            spec = self.vocab.expanders.get(term.range or "")
            if spec is not None:
                return self.expand(rec, key, term, value, spec, parent_iri, siblings)
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

    def expand(self, rec, key, term, value: Scalar, spec, parent_iri: str, siblings: set[str] | None) -> str | None:
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
        name = self.child_name(rec, key, value, siblings)
        if name is None:
            return None
        iri = self.child_iri(parent_iri, name)
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
        if iri is None and text in self.known_slugs:
            iri = self.base + text
        if self.references is not None:
            found = self.references.get(rec.file)
            if found is None:
                found = self.references[rec.file] = (set(), set())
            found[0 if iri is not None else 1].add(text)
        if iri is not None:
            return self.node(iri)
        found = self.vocab.find_individuals(text, term.range)
        if len(found) == 1:
            return self.node(found[0])
        if found:
            names = [self.vocab.curie(i) for i in found]
            self.problem(rec, key, value.line, f"{key}: {shown(text)} could be {' or '.join(names)}",
                         "write the local name of the one you mean", "ambiguous-reference")
            return None
        if text.startswith(("http://", "https://")):
            if not _valid_iri(text):
                self.problem(rec, key, value.line, f"{key}: {shown(text)} is not a valid IRI",
                             "write an absolute IRI without spaces or <>\"{}|^` characters, or the slug of a record",
                             "invalid-value")
                return None
            return self.node(text)
        self.unresolved(rec, key, term, value)
        return None

    # ------------------------------------------------------------------ unresolved references
    def acceptable(self, range_iri: str | None) -> set[str] | None:
        """The classes a value of this range may have (None: any, the range is no declared class)."""
        if not range_iri or range_iri not in self.class_iris:
            return None
        return self.vocab.subclasses.get(range_iri, {range_iri})

    def class_name(self, iri: str) -> str:
        term = self.vocab.class_by_iri(iri)
        return term.key if term else self.vocab.curie(iri)

    def slug_classes(self) -> dict[str, set[str]]:
        """slug -> the class IRIs its record says it has (made on the first unresolved reference)."""
        if self._slug_classes is None:
            cache: dict[tuple[str, ...], set[str]] = {}
            out = {}
            for slug, names in self.slug_types.items():
                classes = cache.get(names)
                if classes is None:
                    classes = cache[names] = {t.iri for t in map(self.vocab.find_class, names) if t is not None}
                out[slug] = classes
            self._slug_classes = out
        return self._slug_classes

    def candidates(self, classes: set[str] | None) -> list[str]:
        """What a reference to one of ``classes`` may name: slugs of their records, their individuals."""
        if classes is None:
            slugs = [s for s in self.slug_types if s not in self.invalid_slugs]
            owners = list(self.vocab.individuals)
        else:
            slugs = [s for s, cs in self.slug_classes().items() if cs & classes and s not in self.invalid_slugs]
            owners = [c for c in self.vocab.individuals if c in classes]
        individuals = {kebab_case(_local(iri)) for c in owners for iri in self.vocab.individuals[c].values()}
        return slugs + sorted(individuals)

    def unresolved(self, rec: Record, key: str, term, value: Scalar) -> None:
        """A problem for a reference that names nothing of the property's range."""
        text = value.text
        classes = self.acceptable(term.range)
        pool = self.candidates(classes)
        hint = did_you_mean(text, pool)
        if classes is not None:
            elsewhere = self.vocab.find_individuals(text, None)
            if elsewhere:
                kinds = sorted({self.class_name(c) for i in elsewhere for c in self.vocab.individual_types.get(i, ())})
                if not hint and 0 < len(pool) <= 12:
                    hint = "write one of " + ", ".join(f"'{c}'" for c in pool)
                self.problem(rec, key, value.line,
                             f"{key}: {shown(text)} is a {' and a '.join(kinds)}, not a {self.class_name(term.range)}",
                             hint or f"name a {self.class_name(term.range)}", "wrong-class")
                return
        if not self.complete:
            return  # the slug may be defined in a file that could not be read
        self.problem(rec, key, value.line, f"{key}: unknown record {shown(text)}",
                     hint or "define a record with this id, or fix the slug", "dangling-reference")


def child_separator(parent_iri: str) -> str:
    """What joins a node's IRI and the names of the nodes nested in it: every node made from a
    record (nested records, expanded values, theirs) has an IRI starting with the record's IRI
    and this character."""
    return "." if "#" in parent_iri else "#"


def _local(iri: str) -> str:
    for sep in ("#", "/"):
        head, found, tail = iri.rpartition(sep)
        if found and tail:
            return tail
    return iri


def content_key(value, vocab: Vocabulary) -> str:
    """The content key of a nested record or scalar: 8 hex digits of a SHA-256 of what it says."""
    import hashlib

    return hashlib.sha256(json.dumps(_canonical(value, vocab), ensure_ascii=False).encode()).hexdigest()[:CONTENT_KEY_LENGTH]


def _canonical(value, vocab: Vocabulary):
    """What a value says, independent of key order, value order and the names used for terms."""
    if isinstance(value, Scalar):
        return value.text
    types = sorted((t.iri if (t := vocab.find_class(s.text)) else s.text) for s in value.types)
    fields = []
    for key, values in value.fields.items():
        term = vocab.find_property(key)
        fields.append([term.iri if term else key, sorted(json.dumps(_canonical(v, vocab), ensure_ascii=False)
                                                         for v in values)])
    fields.sort()
    return {"id": value.slug, "type": types, "fields": fields} if value.slug else {"type": types, "fields": fields}


def map_records(records: list[Record], vocab: Vocabulary, base_iri: str, language: str = "en",
                other_slugs: Iterable = (), track_sources: bool = True, complete: bool = True,
                track_references: bool = False, known_slugs: AbstractSet[str] = frozenset(),
                consume: bool = False) -> MappedGraph:
    """Turn loaded records into triples; raise :class:`RecordError` listing every problem.

    ``other_slugs``: slugs defined by records mapped elsewhere (another process), which
    references in these records may name: each a slug or ``(slug, type names)``.
    ``track_sources=False`` leaves the source map empty (a parallel build maps again, in one
    process, only if a finding needs locations). ``complete=False``: some records file could
    not be read, so a reference to an unknown slug is not reported (it may be defined there).
    ``track_references``: note, per file, which reference texts named a slug and which did not
    (:attr:`MappedGraph.references`: a file's triples stay right as long as that stays so).
    ``known_slugs``: valid slugs defined elsewhere, looked up as they are (cheaper than
    ``other_slugs`` for many: an incremental build passes every slug of the data); a reference
    to a record of the wrong class, or to none, is then reported with fewer suggestions, so a
    build with problems maps again with ``other_slugs``.
    ``consume``: drop each record of ``records`` once it is mapped (the list is left holding
    None), so that the records and the lines made of them are never all in memory at once.

    Records whose ``id`` is missing or invalid are mapped too, so that their other problems
    are reported in the same run; the caller has their loading problems and never writes
    the result.
    """
    mapper = _Mapper(vocab, base_iri, language, track_sources, complete, track_references, known_slugs)
    mapper.index(records)
    for entry in other_slugs:
        slug, types = (entry, ()) if isinstance(entry, str) else entry
        mapper.add_slug(slug, tuple(types))
    for i, rec in enumerate(records):
        mapper.map_record(rec, base_iri + rec.slug if rec.slug is not None else f"{base_iri}#without-id-{rec.line}")
        if consume:
            release([rec])  # nested records link back to their parent: unlinked, they go with it
            records[i] = None
    if mapper.problems:
        raise RecordError(mapper.problems)
    return MappedGraph(mapper.lines, mapper.source_map, mapper.slugs, mapper.references)


def _valid_iri(text: str) -> bool:
    """Whether pyoxigraph accepts ``text`` as an absolute IRI."""
    import pyoxigraph as ox

    try:
        ox.NamedNode(text)
    except ValueError:
        return False
    return True
