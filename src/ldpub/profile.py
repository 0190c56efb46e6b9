"""What pages, the network picture, the timeline, excerpt checks and the catalog need to know
about a project's domain, read from its ontology: the project's *profile*.

ldpub's code names no term of any domain. A project says what its terms mean for the pages
with a few annotations in ldpub's namespace (``ldpub: <https://w3id.org/ldpub/meta#>``) on
its own ontology; where it says nothing, the terms of standard vocabularies are recognised
(FOAF, W3C ORG, PROV-O, schema.org, OWL-Time, SKOS, Dublin Core, DCAT, Web Annotation,
CiTO). ``docs/bring-your-own-ontology.md`` documents every annotation with an example.

Annotations::

    ldpub:role "R"        on a property: what it is for (ROLES: label, description, date,
                          start, end, instant, evidence, quote, source, paragraph, locator,
                          textFile, sha256, status, confidence, spatial, edge; for exports:
                          actor, target, place, attribution, fatalities, category, low, best,
                          high, code, reliability, credibility, qualifier);
                          on a class: "node" (its instances are nodes of the network picture)
    ldpub:edgeSource P    on a class whose instances are links of the network picture:
    ldpub:edgeTarget Q      from the value of P to the value of Q,
    ldpub:edgeLabel L       named by the label of the value of L (optional)
    ldpub:legend "text"   on a node class, an edge class or an edge property: its legend text

A role given to a property holds for its sub-properties (``rdfs:subPropertyOf``) too, and a
property the ontology annotates takes only the roles it is given. The network is drawn from
the annotated node classes and edges when the ontology annotates any, else from the standard
agent classes and the properties that link them (see :func:`read_profile`).

>>> profile = read_profile(None)  # no ontology: the standard vocabularies only
>>> "http://xmlns.com/foaf/0.1/name" in profile.labels
True
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cached_property

from .errors import OntologyError
from .rdfterms import (CITO, DC11, DCAT, DCT, EDTF_DATATYPE, FOAF, LDPUB, OA, ORG, OWL, PROV, RDF_TYPE, RDFS,
                       SCHEMA, SKOS, TIME, XSD)

__all__ = ["Role", "ROLES", "CLASS_ROLES", "NodeKind", "EdgeKind", "Profile", "read_profile", "kind_id"]

ROLE = LDPUB + "role"
EDGE_SOURCE, EDGE_TARGET, EDGE_LABEL, LEGEND = (LDPUB + n for n in ("edgeSource", "edgeTarget", "edgeLabel", "legend"))


def _schema(*names: str) -> tuple[str, ...]:
    return tuple(ns + n for n in names for ns in SCHEMA)


@dataclass(frozen=True)
class Role:
    """What a property can be for, and the standard properties that have this role by default."""

    name: str
    meaning: str
    defaults: tuple[str, ...] = ()


ROLES: dict[str, Role] = {r.name: r for r in (
    Role("label", "names the resource on pages, in tables and in the network picture",
         (SKOS + "prefLabel", RDFS + "label", *_schema("name"), FOAF + "name", DCT + "title", DC11 + "title")),
    Role("description", "a short text shown with the resource",
         (DCT + "description", *_schema("description"), DCT + "abstract", RDFS + "comment")),
    Role("date", "when the record happened: a date literal, an EDTF node or an OWL-Time instant",
         (DCT + "date", PROV + "atTime", TIME + "hasTime")),
    Role("start", "when the record (or a time interval) began",
         (*_schema("startDate"), PROV + "startedAtTime", DCAT + "startDate", TIME + "hasBeginning")),
    Role("end", "when the record (or a time interval) ended",
         (*_schema("endDate"), PROV + "endedAtTime", DCAT + "endDate", TIME + "hasEnd")),
    Role("instant", "the position of a time instant, as a date literal",
         tuple(TIME + n for n in ("inXSDDate", "inXSDDateTime", "inXSDDateTimeStamp", "inXSDgYear", "inXSDgYearMonth"))),
    Role("evidence", "from a claim to what supports it: an excerpt, or a source",
         (PROV + "wasDerivedFrom", CITO + "citesAsEvidence")),
    Role("quote", "the verbatim words of an excerpt", (PROV + "value", OA + "exact")),
    Role("source", "from an excerpt to the document it quotes",
         (PROV + "wasQuotedFrom", PROV + "hadPrimarySource", DCT + "source", OA + "hasSource")),
    Role("paragraph", "the number of the source text's paragraph that holds the quote (checked by ldpub excerpts)"),
    Role("locator", "where in its source an excerpt is (a page, a section), shown with it"),
    Role("textFile", "the file name of a source's full text in the [paths] sources folder"),
    Role("sha256", "the SHA-256 (hex) of that text"),
    Role("status", "how far a claim is established (a named individual, e.g. reported, confirmed, denied)"),
    Role("confidence", "the curator's confidence in a claim (a number)"),
    Role("spatial", "a place the record is about: the release catalog's dct:spatial coverage",
         (DCT + "spatial", *_schema("spatialCoverage"))),
    Role("edge", "links two nodes of the network picture (ontology-wide, annotated edges replace the defaults)"),
    # what exports in other projects' layouts need (ldpub.export): who, whom, where, how many, which code
    Role("actor", "the agent that carried out the record's event", _schema("agent")),
    Role("target", "what or whom the event was directed against"),
    Role("place", "where the record happened", (*_schema("location"), PROV + "atLocation")),
    Role("attribution", "the party a source attributes the claim to (who reported it)", (PROV + "wasAttributedTo",)),
    Role("fatalities", "from an event to counts of the people killed in it"),
    Role("category", "on a count: who is counted (a concept)"),
    Role("low", "the low end of a count or estimate", _schema("minValue")),
    Role("best", "the best estimate of a count or estimate"),
    Role("high", "the high end of a count or estimate", _schema("maxValue")),
    Role("code", "a concept of an outside codebook assigned to the record by the curator"),
    Role("reliability", "the curator's grade of a source's reliability (a concept, e.g. Admiralty A-F)"),
    Role("credibility", "the curator's grade of a claim's credibility (a concept, e.g. Admiralty 1-6)"),
    Role("qualifier", "how the source hedges a claim: its sourcing circumstances (a concept: reportedly, suspected...)"),
)}

CLASS_ROLES = {"node": "its instances are nodes of the network picture (annotated node classes replace the defaults)"}

#: Classes whose instances are times (a node of such a class is read as a date, not as a record).
TEMPORAL_CLASSES = (*(TIME + n for n in ("TemporalEntity", "Instant", "Interval", "ProperInterval", "DateTimeInterval")),
                    DCT + "PeriodOfTime")

#: Datatypes of date literals.
DATE_RANGES = frozenset({XSD + "date", XSD + "dateTime", XSD + "dateTimeStamp", XSD + "gYear", XSD + "gYearMonth",
                         EDTF_DATATYPE})

#: Default network nodes: kind -> the standard classes of that kind (most specific kind first).
DEFAULT_NODE_KINDS = (
    ("person", (FOAF + "Person", PROV + "Person", *_schema("Person"))),
    ("organization", (FOAF + "Organization", FOAF + "Group", ORG + "Organization", ORG + "FormalOrganization",
                      ORG + "OrganizationalUnit", PROV + "Organization", *_schema("Organization"))),
    ("agent", (FOAF + "Agent", PROV + "Agent")),
)
#: Default n-ary links: class -> (source property, target property, label property).
DEFAULT_EDGE_CLASSES = (
    (ORG + "Membership", ORG + "member", ORG + "organization", ORG + "role"),
    (ORG + "Post", ORG + "heldBy", ORG + "postIn", ORG + "role"),
)
#: Default direct links between agents (besides every object property the ontology declares).
DEFAULT_EDGE_PROPERTIES = (
    *(ORG + n for n in ("memberOf", "hasMember", "subOrganizationOf", "hasSubOrganization", "unitOf", "hasUnit",
                        "headOf", "reportsTo", "linkedTo")),
    FOAF + "knows", FOAF + "member", PROV + "actedOnBehalfOf",
    *_schema("memberOf", "member", "worksFor", "parentOrganization", "subOrganization", "knows", "affiliation"),
)


# prefixes that name the kinds of standard terms in CSS classes (both schema.org namespaces: one kind)
_ID_PREFIXES = (("foaf", FOAF), ("org", ORG), ("prov", PROV), *(("schema", ns) for ns in SCHEMA), ("time", TIME),
                ("dct", DCT), ("skos", SKOS))


@dataclass(frozen=True)
class NodeKind:
    """A kind of node of the network picture: the classes whose instances it holds."""

    id: str  # safe for CSS classes and SVG ids: lower-case letters, digits, hyphens
    legend: str
    classes: frozenset[str]  # the kind's own classes and all their subclasses
    roots: frozenset[str] = frozenset()  # the kind's own classes

    def below(self, other: "NodeKind") -> bool:
        """True when one of this kind's own classes is a proper subclass of one of ``other``'s
        (org:Organization below foaf:Agent when the ontology says so): this kind is the more specific."""
        return any(root in other.classes and root not in other.roots for root in self.roots)


@dataclass(frozen=True)
class EdgeKind:
    """A kind of link: a property between two nodes, or a class of n-ary link records."""

    id: str
    legend: str
    properties: frozenset[str] = frozenset()  # direct: subject -> object
    classes: frozenset[str] = frozenset()  # n-ary: instances link source -> target
    source: frozenset[str] = frozenset()
    target: frozenset[str] = frozenset()
    label: frozenset[str] = frozenset()


@dataclass
class Profile:
    """The project's domain as pages see it (every set holds IRIs, sub-properties included)."""

    roles: dict[str, frozenset[str]]  # role name -> properties with that role
    labels: tuple[str, ...]  # label properties by precedence
    node_kinds: tuple[NodeKind, ...]
    edge_kinds: tuple[EdgeKind, ...]
    temporal_classes: frozenset[str]
    expander_slots: dict[str, frozenset[str]]  # EDTF slot (expression, earliest, latest) -> properties
    interval_parts: frozenset[str] = frozenset()  # time:hasBeginning, time:hasEnd and their sub-properties
    date_ranged: frozenset[str] = frozenset()  # properties the ontology ranges over a date datatype
    term_labels: dict[str, str] = field(default_factory=dict)  # ontology term or individual IRI -> label
    network_annotated: bool = False
    declared: frozenset[str] | None = None  # the ontology's properties (None: no ontology at hand)

    def of(self, role: str) -> frozenset[str]:
        """The properties with ``role`` (empty when the project has none)."""
        return self.roles.get(role, frozenset())

    def declared_with(self, role: str) -> frozenset[str]:
        """The properties with ``role`` that the ontology declares (records can use only those)."""
        found = self.of(role)
        return found if self.declared is None else found & self.declared

    @property
    def has_excerpts(self) -> bool:
        """Whether the ontology declares an excerpt's quote and its source."""
        return bool(self.declared_with("quote") and self.declared_with("source"))

    @cached_property
    def date_parts(self) -> frozenset[str]:
        """Properties that hold parts of a time (read inside time nodes, never as a record's date)."""
        return frozenset().union(self.of("instant"), *self.expander_slots.values())


def kind_id(key: str) -> str:
    """A record key as a CSS- and id-safe name: ``FormalOrganization`` -> ``formal-organization``, ``org:Post`` -> ``org-post``."""
    spaced = re.sub(r"(?<=[a-z0-9])(?=[A-Z])", "-", key)
    return re.sub(r"[^a-z0-9]+", "-", spaced.lower()).strip("-") or "kind"


def read_profile(vocab) -> Profile:
    """The profile of a project from its :class:`~ldpub.ontology.Vocabulary` (``None``: no
    ontology, the standard vocabularies only). Raises :class:`OntologyError` for an unknown
    role or an edge class without both ends."""
    return _Reader(vocab).profile()


class _Reader:
    def __init__(self, vocab) -> None:
        self.vocab = vocab
        self.store = getattr(vocab, "store", None)
        self.file = vocab.files[0] if vocab is not None and vocab.files else None
        self.sub_properties = self._closure(RDFS + "subPropertyOf")

    # ------------------------------------------------------------------ the ontology's statements
    def _pairs(self, predicate: str) -> list[tuple[str, object]]:
        if self.store is None:
            return []
        import pyoxigraph as ox

        return sorted(((q.subject.value, q.object) for q in self.store.quads_for_pattern(None, ox.NamedNode(predicate), None)
                       if isinstance(q.subject, ox.NamedNode)), key=lambda pair: (pair[0], pair[1].value))

    def _closure(self, predicate: str) -> dict[str, set[str]]:
        direct: dict[str, set[str]] = {}
        for sub, sup in self._pairs(predicate):
            direct.setdefault(sup.value, set()).add(sub)
        closure: dict[str, set[str]] = {}
        for top in direct:
            seen, todo = {top}, [top]
            while todo:
                for sub in direct.get(todo.pop(), ()):
                    if sub not in seen:
                        seen.add(sub)
                        todo.append(sub)
            closure[top] = seen
        return closure

    def below(self, iris) -> frozenset[str]:
        """The properties and their sub-properties."""
        return frozenset(s for iri in iris for s in self.sub_properties.get(iri, {iri}) | {iri})

    def subclasses(self, iris) -> frozenset[str]:
        found = set()
        for iri in iris:
            found |= (self.vocab.subclasses.get(iri, {iri}) if self.vocab is not None else {iri}) | {iri}
        return frozenset(found)

    def curie(self, iri: str) -> str:
        return self.vocab.curie(iri) if self.vocab is not None else iri

    def key(self, iri: str) -> str:
        """The record key of a term, else its prefixed name (standard prefixes when the ontology has none)."""
        if self.vocab is not None:
            term = self.vocab.class_by_iri(iri) or self.vocab.property_by_iri(iri)
            if term is not None:
                return term.key
        curie = self.curie(iri)
        if curie != iri:
            return curie
        for prefix, ns in _ID_PREFIXES:
            if iri.startswith(ns):
                return f"{prefix}:{iri[len(ns):]}"
        return iri

    def label(self, iri: str) -> str:
        if self.vocab is not None and iri in self.vocab.labels:
            return self.vocab.labels[iri]
        return re.split(r"[#/:]", iri.rstrip("#/"))[-1]

    def error(self, message: str, hint: str) -> OntologyError:
        return OntologyError.at(message, self.file, hint=hint)

    # ------------------------------------------------------------------ roles
    def roles(self) -> tuple[dict[str, frozenset[str]], dict[str, set[str]], set[str]]:
        """Role -> properties; the explicit roles by property; the classes annotated as nodes."""
        explicit: dict[str, set[str]] = {}
        node_classes: set[str] = set()
        for subject, value in self._pairs(ROLE):
            name = value.value
            if self.vocab is not None and self.vocab.class_by_iri(subject) is not None and subject not in self._properties():
                if name not in CLASS_ROLES:
                    raise self.error(f'ldpub:role "{name}" on class {self.curie(subject)} is not a class role',
                                     f"a class takes: {', '.join(CLASS_ROLES)}; properties take: {', '.join(ROLES)}")
                node_classes.add(subject)
                continue
            if name not in ROLES:
                from .errors import did_you_mean

                hint = did_you_mean(name, list(ROLES))
                raise self.error(f'ldpub:role "{name}" on {self.curie(subject)} is not a role ldpub knows',
                                 (hint + "; " if hint else "") + f"roles: {', '.join(ROLES)}")
            explicit.setdefault(subject, set()).add(name)
        annotated = self.below(explicit)  # these take only their explicit roles
        roles: dict[str, set[str]] = {name: set() for name in ROLES}
        for prop, names in explicit.items():
            for name in names:
                roles[name] |= self.below([prop])
        for role in ROLES.values():
            roles[role.name] |= {p for p in self.below(role.defaults) if p not in annotated}
        return {name: frozenset(props) for name, props in roles.items()}, explicit, node_classes

    def _properties(self) -> set[str]:
        if self.vocab is None:
            return set()
        return {t.iri for t in self.vocab.properties.values()}

    # ------------------------------------------------------------------ network
    def legend(self, iri: str) -> str:
        given = [v.value for s, v in self._pairs(LEGEND) if s == iri]
        return given[0] if given else self.label(iri)

    def node_kinds(self, annotated: set[str]) -> tuple[NodeKind, ...]:
        if annotated:
            kinds = [NodeKind(kind_id(self.key(c)), self.legend(c), self.subclasses([c]), frozenset({c})) for c in annotated]
            return tuple(sorted(kinds, key=lambda k: k.id))
        return tuple(NodeKind(name, name, self.subclasses(classes), frozenset(classes))
                     for name, classes in DEFAULT_NODE_KINDS)

    def edge_kinds(self, roles: dict[str, frozenset[str]], explicit: dict[str, set[str]]) -> tuple[tuple[EdgeKind, ...], bool]:
        ends: dict[str, dict[str, str]] = {}
        for predicate, slot in ((EDGE_SOURCE, "source"), (EDGE_TARGET, "target"), (EDGE_LABEL, "label")):
            for cls, value in self._pairs(predicate):
                ends.setdefault(cls, {})[slot] = value.value
        explicit_properties = sorted(p for p, names in explicit.items() if "edge" in names)
        kinds = []
        for cls, slots in sorted(ends.items()):
            missing = [s for s in ("source", "target") if s not in slots]
            if missing:
                raise self.error(f"class {self.curie(cls)} has ldpub:edge{'Source' if 'source' in missing else 'Target'} "
                                 f"missing: a link class needs both ldpub:edgeSource and ldpub:edgeTarget",
                                 "name the property to the link's source and the one to its target")
            kinds.append(self.edge_class(cls, slots["source"], slots["target"], slots.get("label")))
        for prop in explicit_properties:
            kinds.append(EdgeKind(kind_id(self.key(prop)), self.legend(prop), properties=self.below([prop])))
        if kinds:
            return tuple(sorted(kinds, key=lambda k: k.id)), True
        for cls, source, target, label in DEFAULT_EDGE_CLASSES:
            kinds.append(self.edge_class(cls, source, target, label))
        declared = sorted(t.iri for t in self.vocab.properties.values() if t.kind == "object") if self.vocab else []
        for prop in sorted(set(declared) | set(DEFAULT_EDGE_PROPERTIES)):
            if prop in (RDF_TYPE, OWL + "sameAs") or any(prop in roles[r] for r in ROLES if r != "edge"):
                continue
            kinds.append(EdgeKind(kind_id(self.key(prop)), self.legend(prop), properties=frozenset({prop})))
        merged: dict[str, EdgeKind] = {}  # one kind per id (http: and https: schema.org terms)
        for kind in kinds:
            old = merged.get(kind.id)
            merged[kind.id] = kind if old is None else EdgeKind(
                kind.id, old.legend, old.properties | kind.properties, old.classes | kind.classes,
                old.source | kind.source, old.target | kind.target, old.label | kind.label)
        return tuple(sorted(merged.values(), key=lambda k: k.id)), False

    def edge_class(self, cls: str, source: str, target: str, label: str | None) -> EdgeKind:
        return EdgeKind(kind_id(self.key(cls)), self.legend(cls), classes=self.subclasses([cls]),
                        source=self.below([source]), target=self.below([target]),
                        label=self.below([label]) if label else frozenset())

    # ------------------------------------------------------------------ all together
    def profile(self) -> Profile:
        from .ontology import label_properties

        roles, explicit, node_classes = self.roles()
        labels = tuple(label_properties(self.store)) if self.store is not None else ROLES["label"].defaults
        labels = (*labels, *sorted(roles["label"] - set(labels)))
        edge_kinds, annotated_edges = self.edge_kinds(roles, explicit)
        slots: dict[str, set[str]] = {}
        expander_classes = set()
        for cls, spec in (self.vocab.expanders.items() if self.vocab is not None else ()):
            if spec.name == "edtf":
                expander_classes.add(cls)
                for slot, prop in spec.slots.items():
                    slots.setdefault(slot, set()).add(prop)
        term_labels = dict(self.vocab.labels) if self.vocab is not None else {}
        return Profile(
            roles=roles,
            labels=labels,
            node_kinds=self.node_kinds(node_classes),
            edge_kinds=edge_kinds,
            temporal_classes=self.subclasses([*TEMPORAL_CLASSES, *expander_classes]),
            expander_slots={slot: frozenset(props) for slot, props in sorted(slots.items())},
            interval_parts=self.below([TIME + "hasBeginning", TIME + "hasEnd"]),
            date_ranged=frozenset(t.iri for t in (self.vocab.properties.values() if self.vocab is not None else ())
                                  if t.range in DATE_RANGES),
            term_labels=term_labels,
            network_annotated=bool(node_classes) or annotated_edges,
            declared=frozenset(self._properties()) if self.vocab is not None else None,
        )
