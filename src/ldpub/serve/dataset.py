"""The dataset as the server sees it: an on-disk store, labels, and views of entities.

:func:`prepare` writes the dataset (default graph) and the ontology (a named graph, the
ontology's IRI) into a pyoxigraph store in a work folder. The server keeps it open for entity
pages; query workers open the same folder read-only. :func:`from_query_store` serves the
persistent query store ``ldpub build`` left instead (:mod:`ldpub.querystore`, nothing copied):
its default graph holds the dataset *and* the ontology, so the pages see it through
:class:`DataView` (the default graph without :data:`ONTOLOGY_BEYOND_DATA`'s triples, the
ontology's that the data lacks): every page, count and dump is the same in both layouts. Everything a page shows is read from
the store, so serving a build from memory or a release folder from disk looks the same.

What the pages know about the domain comes from the project's profile (:mod:`ldpub.profile`):
*statements* are the nodes with a status or evidence (the profile's ``status`` and
``evidence`` properties); their excerpts (a ``quote`` in a ``source``, with its ``paragraph``
and other ``locator`` values) are shown wherever the statement appears; labels, descriptions
and dates are read with the profile's properties. Links follow :mod:`ldpub.htmlsafety`.

Every entity document says what it is and under which terms (:meth:`ServedData.entity_document`):
``foaf:primaryTopic`` the entity, ``void:inDataset`` the dataset, ``dct:license`` and
``dct:rights``. The dataset, its licence and rights come from the data when it is a release
(its licence header, :mod:`ldpub.release.header`), else from ``[publish]`` (the
version-independent dataset, :func:`publish_meta`); a project without ``[publish] license``
serves documents that name their topic only.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable

from ..errors import ConfigError
from ..htmlsafety import safe_href
from ..iris import doc_path, valid_slug
from ..paging import Page, cut
from ..querystore import ONTOLOGY_BEYOND_DATA
from ..rdfterms import OWL, RDF_TYPE

__all__ = ["ONTOLOGY_BEYOND_DATA", "ServedData", "DataView", "from_query_store", "prepare", "prepare_from_files", "folder_files", "Value", "Row", "Excerpt", "Statement", "EntityView",
           "DatasetMeta", "publish_meta"]

FOAF = "http://xmlns.com/foaf/0.1/"
VOID = "http://rdfs.org/ns/void#"
DCT = "http://purl.org/dc/terms/"
RDFS_LABEL = "http://www.w3.org/2000/01/rdf-schema#label"


@dataclass(frozen=True)
class DatasetMeta:
    """The dataset the served data is, and its terms of use (each None when unknown)."""

    iri: str | None = None
    license: str | None = None
    rights_iri: str | None = None
    rights: str | None = None  # the rights statement's text
    language: str | None = None


def _http_iri(value) -> str | None:
    import pyoxigraph as ox

    if not isinstance(value, str) or not value.startswith(("http://", "https://")):
        return None
    try:
        return ox.NamedNode(value).value
    except ValueError:
        return None


def publish_meta(project) -> DatasetMeta:
    """What ``[publish]`` says of a dataset served from a build: the version-independent dataset
    (``HOME#dataset``, see :mod:`ldpub.release.settings`), its licence and rights statement."""
    from ..release.settings import project_home

    table = project.section("publish")
    license_iri = _http_iri(table.get("license"))
    if license_iri is None:
        return DatasetMeta()
    base_url = _http_iri(table.get("base_url"))
    home = project_home(base_url if base_url.endswith("/") else base_url + "/", project.base_iri) if base_url else None
    rights = table.get("rights") if isinstance(table.get("rights"), str) and table["rights"].strip() else None
    return DatasetMeta(home + "#dataset" if home else None, license_iri,
                       home + "#rights" if home and rights else None, rights.strip() if rights else None,
                       project.language)

#: ONTOLOGY_BEYOND_DATA, a graph of the served store: the ontology's triples that are not in the
#: dataset. In a work folder's store the default graph is the dataset alone, and the SPARQL
#: endpoint's default graph is it merged with this one (:mod:`ldpub.serve.worker`): the dataset
#: plus its ontology, as ``ldpub query`` sees them. In the query store the default graph is that
#: already, and this graph says which of its triples are not the dataset's (:class:`DataView`).


class DataView:
    """A store whose default graph holds the dataset plus ``hidden`` triples, seen as the dataset
    alone by :meth:`quads_for_pattern` (what the pages, the network picture and the time reader
    read); anything else is the store's."""

    def __init__(self, store, hidden: frozenset) -> None:
        self.store = store
        self.hidden = hidden

    def quads_for_pattern(self, subject, predicate, obj, graph=None):
        import pyoxigraph as ox

        hidden = self.hidden
        return (q for q in self.store.quads_for_pattern(subject, predicate, obj, graph)
                if not (isinstance(q.graph_name, ox.DefaultGraph) and q.triple in hidden))

    def __getattr__(self, name: str):
        return getattr(self.store, name)


@dataclass
class Value:
    """One object of a statement as a page shows it. ``href`` is kept only when the link
    policy allows it (:func:`ldpub.htmlsafety.safe_href`): other IRIs are shown as text."""

    text: str
    iri: str | None = None
    href: str | None = None
    note: str | None = None  # language tag or datatype
    nested: list["Row"] | None = None

    def __post_init__(self) -> None:
        self.href = safe_href(self.href)


@dataclass
class Row:
    """A property of a node and its values."""

    predicate: str
    label: str
    values: list[Value]


@dataclass
class Excerpt:
    quote: str  # empty when the evidence is a source without a quote
    source: Value | None
    where: str | None = None


@dataclass
class Statement:
    """A claim shown with its status, confidence, date and supporting excerpts."""

    node: Value
    types: list[str]
    role: str | None
    status: str | None
    confidence: str | None
    date: str | None
    description: str | None
    excerpts: list[Excerpt]
    involves: list[tuple[Value, str]] = field(default_factory=list)  # other entities it names, with their role


@dataclass
class EntityView:
    iri: str
    slug: str
    label: str
    types: list[Value]
    description: str | None
    rows: list[Row]
    incoming: list[tuple[Value, str]]
    statements: list[Statement]
    own: Statement | None
    triples: list = field(default_factory=list)
    statements_total: int = 0  # statements involving the entity in all (``statements`` is a page of them)
    statements_offset: int = 0
    incoming_total: int = 0  # links to the entity in all (``incoming`` is a page of them)
    incoming_offset: int = 0


def folder_files(folder: Path) -> tuple[Path, Path | None, dict]:
    """The dataset file, the ontology file (or None) and the JSON-LD context of a build or
    release folder."""
    folder = Path(folder)
    dataset = next((folder / n for n in ("dataset.nt", "dataset.ttl") if (folder / n).is_file()), None)
    if dataset is None:
        raise ConfigError.at("no dataset.nt or dataset.ttl here", folder,
                             hint="pass a build folder (ldpub build) or a release folder (ldpub publish)")
    ontology = folder / "ontology.ttl" if (folder / "ontology.ttl").is_file() else None
    context = {}
    if (folder / "context.jsonld").is_file():
        context = json.loads((folder / "context.jsonld").read_text(encoding="utf-8")).get("@context", {})
    return dataset, ontology, context


class ServedData:
    """The store plus what pages need: base IRI, prefixes, context, labels, paths."""

    def __init__(self, store, store_path: Path, *, base_iri: str, title: str, prefixes: dict[str, str],
                 context: dict, ontology_iri: str | None, vocab=None, meta: DatasetMeta | None = None,
                 hidden: frozenset = frozenset(), merged: bool = False) -> None:
        """``hidden``: triples of the store's default graph that are not the dataset's (the query
        store's layout: see :class:`DataView`); ``merged``: its default graph already holds the
        ontology (the query workers then query it alone)."""
        import pyoxigraph as ox

        self.ox = ox
        self.hidden = hidden
        self.merged = merged
        self.store = DataView(store, hidden) if hidden else store
        self.store_path = store_path
        self.base_iri = base_iri
        self.title = title
        self.prefixes = prefixes
        self.context = context
        self.ontology_iri = ontology_iri
        self.vocab = vocab  # ldpub.ontology.Vocabulary, when the ontology is at hand (network picture)
        from ..profile import read_profile
        from ..temporal import TimeReader

        self.profile = read_profile(vocab)
        self.times = TimeReader(self.store, self.profile)
        self.doc_path = doc_path(base_iri)
        self.labels = self._labels()
        self.triple_count = int(next(iter(self.store.query("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }")))["n"].value) - len(hidden)
        self._dumps: dict[str, bytes] = {}
        self.meta = self._meta_in_data() or meta or DatasetMeta()

    def _meta_in_data(self) -> DatasetMeta | None:
        """The licence header of a release's data (:mod:`ldpub.release.header`), if the data has one."""
        rows = self.select(
            f"SELECT ?d ?license ?rights ?text WHERE {{ ?d a <{VOID}Dataset> ; <{DCT}license> ?license . "
            f"{self._not_hidden(f'?d a <{VOID}Dataset>')} {self._not_hidden(f'?d <{DCT}license> ?license')} "
            f"OPTIONAL {{ ?d <{DCT}rights> ?rights . {self._not_hidden(f'?d <{DCT}rights> ?rights')} "
            f"OPTIONAL {{ ?rights <{RDFS_LABEL}> ?text {self._not_hidden(f'?rights <{RDFS_LABEL}> ?text')} }} }} "
            f"FILTER(isIRI(?d) && isIRI(?license) && !STRSTARTS(STR(?d), {json.dumps(self.base_iri)})) }} "
            "ORDER BY ?d ?license ?rights ?text LIMIT 1")
        if not rows:
            return None
        row = rows[0]
        rights, text = row["rights"], row["text"]
        return DatasetMeta(row["d"].value, row["license"].value,
                           rights.value if isinstance(rights, self.ox.NamedNode) else None,
                           text.value if text is not None else None,
                           text.language if text is not None else None)

    def entity_document(self, slug: str, document: str) -> list:
        """The triples of the document ``document`` (its absolute URL) about entity ``slug``:
        what the document is (its topic, dataset, licence, rights), then :meth:`description`."""
        ox, meta = self.ox, self.meta
        doc = ox.NamedNode(document)
        head = [ox.Triple(doc, ox.NamedNode(RDF_TYPE), ox.NamedNode(FOAF + "Document")),
                ox.Triple(doc, ox.NamedNode(FOAF + "primaryTopic"), ox.NamedNode(self.base_iri + slug))]
        if meta.iri:
            head.append(ox.Triple(doc, ox.NamedNode(VOID + "inDataset"), ox.NamedNode(meta.iri)))
        if meta.license:
            head.append(ox.Triple(doc, ox.NamedNode(DCT + "license"), ox.NamedNode(meta.license)))
        if meta.rights_iri:
            rights = ox.NamedNode(meta.rights_iri)
            head.append(ox.Triple(doc, ox.NamedNode(DCT + "rights"), rights))
            head.append(ox.Triple(rights, ox.NamedNode(RDF_TYPE), ox.NamedNode(DCT + "RightsStatement")))
            if meta.rights:
                head.append(ox.Triple(rights, ox.NamedNode(RDFS_LABEL), ox.Literal(meta.rights, language=meta.language or None)))
        return head + self.description(slug)

    def _not_hidden(self, pattern: str) -> str:
        """A ``MINUS`` that takes the hidden triples matching ``pattern`` out of a page's query
        (nothing when none are hidden)."""
        return f"MINUS {{ GRAPH <{ONTOLOGY_BEYOND_DATA}> {{ {pattern} }} }}" if self.hidden else ""

    # ------------------------------------------------------------------ basics
    def _labels(self) -> dict[str, str]:
        """Labels of the dataset and the ontology (its named graph): the profile's label
        properties, earlier ones winning (skos:prefLabel over rdfs:label...)."""
        labels: dict[str, str] = {}
        for predicate in reversed(self.profile.labels):
            for quad in self.store.quads_for_pattern(None, self.ox.NamedNode(predicate), None, None):
                if isinstance(quad.object, self.ox.Literal):
                    labels[quad.subject.value] = quad.object.value
        return labels

    def link(self, iri: str) -> str | None:
        """Where a link to ``iri`` goes: its page here, else the IRI when the link policy allows."""
        return self.href(iri) or safe_href(iri)

    @property
    def network_note(self) -> str:
        """What the home page's network picture shows, in the profile's words."""
        nodes = ", ".join(k.legend for k in self.profile.node_kinds)
        return f"Nodes are {nodes}; links are drawn between them as the ontology says. Click a node for its page."

    def role_label(self, role: str) -> str:
        """The name of the profile's property with ``role`` (the role's name when it has none or several)."""
        props = sorted(self.profile.of(role))
        return self.label(props[0]) if len(props) == 1 else role

    def curie(self, iri: str) -> str:
        for prefix, ns in sorted(self.prefixes.items(), key=lambda kv: -len(kv[1])):
            if iri.startswith(ns) and len(iri) > len(ns):
                return f"{prefix}:{iri[len(ns):]}"
        return iri

    def label(self, iri: str) -> str:
        if iri in self.labels:
            return self.labels[iri]
        if "#" in iri and iri.startswith(self.base_iri):
            parent, _, fragment = iri.partition("#")
            return f"{self.label(parent)} › {fragment}"
        slug = self.slug_of(iri)
        return slug if slug else self.curie(iri)

    def slug_of(self, iri: str) -> str | None:
        """The slug of a top-level entity IRI of this dataset (None for other IRIs)."""
        if iri.startswith(self.base_iri):
            rest = iri[len(self.base_iri):]
            slug = rest.split("#", 1)[0]
            return slug if valid_slug(slug) else None
        return None

    def href(self, iri: str) -> str | None:
        """The local page of an IRI of this dataset (with its fragment), else None."""
        slug = self.slug_of(iri)
        if slug is None:
            return None
        fragment = iri[len(self.base_iri) + len(slug):]
        return f"{self.doc_path}{slug}.html{fragment}"

    def value(self, term) -> Value:
        ox = self.ox
        if isinstance(term, ox.NamedNode):
            return Value(self.label(term.value), term.value, self.link(term.value))
        if isinstance(term, ox.Literal):
            note = term.language or (None if term.datatype.value.endswith("#string") else self.curie(term.datatype.value))
            return Value(term.value, note=note)
        return Value(str(term))

    def objects(self, iri: str, predicate: str) -> list:
        ox = self.ox
        return [q.object for q in self.store.quads_for_pattern(ox.NamedNode(iri), ox.NamedNode(predicate), None, ox.DefaultGraph())]

    def first(self, iri: str, predicate: str):
        found = self.objects(iri, predicate)
        return found[0] if found else None

    # ------------------------------------------------------------------ entities
    def exists(self, slug: str) -> bool:
        ox = self.ox
        node = ox.NamedNode(self.base_iri + slug)
        return next(iter(self.store.quads_for_pattern(node, None, None, ox.DefaultGraph())), None) is not None

    def description(self, slug: str) -> list:
        """The triples about an entity: its own, those of its nested nodes (``<iri>#...``), and
        the links to it (incoming), sorted."""
        from ..graphstore import sorted_triples

        ox = self.ox
        iri = self.base_iri + slug
        found, todo, seen = [], [iri], set()
        while todo:
            node = todo.pop()
            if node in seen:
                continue
            seen.add(node)
            for quad in self.store.quads_for_pattern(ox.NamedNode(node), None, None, ox.DefaultGraph()):
                found.append(quad.triple)
                obj = quad.object
                if isinstance(obj, ox.NamedNode) and obj.value.startswith(iri + "#"):
                    todo.append(obj.value)
        for quad in self.store.quads_for_pattern(None, None, ox.NamedNode(iri), ox.DefaultGraph()):
            found.append(quad.triple)
        return sorted_triples(found)

    def rows(self, iri: str, depth: int = 0) -> list[Row]:
        ox = self.ox
        by_predicate: dict[str, list] = {}
        for quad in self.store.quads_for_pattern(ox.NamedNode(iri), None, None, ox.DefaultGraph()):
            by_predicate.setdefault(quad.predicate.value, []).append(quad.object)
        rows = []
        for predicate in sorted(by_predicate, key=lambda p: (p != RDF_TYPE, self.label(p).lower())):
            values = []
            for obj in sorted(by_predicate[predicate], key=str):
                value = self.value(obj)
                if isinstance(obj, ox.NamedNode) and "#" in obj.value and obj.value.split("#")[0] == iri.split("#")[0] and depth < 3:
                    value.nested = self.rows(obj.value, depth + 1)
                    value.text = self.summary_text(obj.value) or value.text
                values.append(value)
            rows.append(Row(predicate, self.label(predicate), values))
        return rows

    def summary_text(self, iri: str) -> str | None:
        """A one-line text for a time node: ``2019-21 (2019-03-01 – 2019-05-31)``."""
        when = self.times.when(self.ox.NamedNode(iri))
        return when.summary() if when else None

    def values(self, iri: str, predicates) -> list:
        """The objects of ``iri`` for any of ``predicates`` (the profile's sets), in a stable order."""
        return [o for p in sorted(predicates) for o in self.objects(iri, p)]

    def is_statement(self, iri: str) -> bool:
        return bool(self.values(iri, self.profile.of("status")) or self.values(iri, self.profile.of("evidence")))

    def involved(self, iri: str, besides: str | None = None) -> list[tuple[Value, str]]:
        """The dataset's entities a statement names (with the property), other than ``besides``."""
        ox = self.ox
        found = []
        skip = {RDF_TYPE} | self.profile.of("status") | self.profile.of("evidence")
        for quad in self.store.quads_for_pattern(ox.NamedNode(iri), None, None, ox.DefaultGraph()):
            obj = quad.object
            if (quad.predicate.value in skip or not isinstance(obj, ox.NamedNode)
                    or obj.value == besides or "#" in obj.value or self.slug_of(obj.value) is None):
                continue
            found.append((self.value(obj), self.label(quad.predicate.value)))
        return sorted(found, key=lambda pair: (pair[1], pair[0].text.lower()))

    def description_of(self, iri: str) -> str | None:
        found = self.values(iri, self.profile.of("description"))
        return found[0].value if found else None

    def excerpt(self, node) -> Excerpt:
        """What a statement's evidence shows: the quote, its source and where in the source it is;
        evidence without a quote is a source (shown without a quote)."""
        profile = self.profile
        quote = self.values(node.value, profile.of("quote")) if isinstance(node, self.ox.NamedNode) else []
        source = self.values(node.value, profile.of("source")) if isinstance(node, self.ox.NamedNode) else []
        if not quote and not source:
            return Excerpt("", self.value(node))
        locators = sorted(profile.of("paragraph") | profile.of("locator"), key=lambda p: self.label(p))
        where = ", ".join(f"{self.label(p)} {o.value}" for p in locators for o in self.objects(node.value, p))
        return Excerpt(quote[0].value if quote else "", self.value(source[0]) if source else None, where or None)

    def statement(self, iri: str, role: str | None = None, besides: str | None = None) -> Statement:
        profile = self.profile
        status, confidence = self.values(iri, profile.of("status")), self.values(iri, profile.of("confidence"))
        when = self.times.date_of(iri)
        types = [self.label(t.value) for t in self.objects(iri, RDF_TYPE)]
        return Statement(
            node=self.value(self.ox.NamedNode(iri)),
            types=sorted(types),
            role=role,
            status=self.label(status[0].value) if status else None,
            confidence=confidence[0].value if confidence else None,
            date=when.summary() if when else None,
            description=self.description_of(iri),
            excerpts=[self.excerpt(node) for node in self.values(iri, profile.of("evidence"))],
            involves=self.involved(iri, besides),
        )

    def entity(self, slug: str, statements_page: Page | None = None, incoming_page: Page | None = None) -> EntityView | None:
        """Everything an entity page shows, or None when the slug names nothing here.

        The statements involving it (by date, then label) and the links to it (by IRI) come in
        pages (:class:`ldpub.paging.Page`; default: all): the order is found from the cheap sort
        keys of every one, and only the page's statements are described in full."""
        ox = self.ox
        if not valid_slug(slug) or not self.exists(slug):
            return None
        iri = self.base_iri + slug
        links, candidates, seen = [], [], set()
        for quad in sorted(self.store.quads_for_pattern(None, None, ox.NamedNode(iri), ox.DefaultGraph()), key=str):
            subject = quad.subject.value
            owner = subject.split("#")[0]
            if owner == iri:
                continue
            links.append(quad)
            for candidate in (subject, owner):
                if candidate not in seen and self.is_statement(candidate):
                    seen.add(candidate)
                    when = self.times.date_of(candidate)
                    key = ((when.summary() if when else None) or "~", self.label(candidate).lower())
                    candidates.append((key, candidate, quad.predicate.value))
                    break
        candidates.sort(key=lambda c: c[0])
        chosen, statements_total = cut(candidates, statements_page or Page())
        statements = [self.statement(candidate, self.label(predicate), besides=iri) for _, candidate, predicate in chosen]
        shown, incoming_total = cut(links, incoming_page or Page())
        incoming = [(self.value(quad.subject), self.label(quad.predicate.value)) for quad in shown]
        return EntityView(
            iri=iri,
            slug=slug,
            label=self.label(iri),
            types=[self.value(t) for t in self.objects(iri, RDF_TYPE)],
            description=self.description_of(iri),
            rows=self.rows(iri),
            incoming=incoming,
            statements=statements,
            own=self.statement(iri) if self.is_statement(iri) else None,
            statements_total=statements_total,
            statements_offset=(statements_page or Page()).offset,
            incoming_total=incoming_total,
            incoming_offset=(incoming_page or Page()).offset,
        )

    # ------------------------------------------------------------------ dataset level
    def select(self, query: str) -> list[dict]:
        """Rows of a fixed, trusted SELECT (pages only; user queries go through the worker pool)."""
        result = self.store.query(query, prefixes=self.prefixes)
        names = [v.value for v in result.variables]
        return [{n: s[n] for n in names} for s in result]

    def classes(self) -> list[tuple[Value, int]]:
        rows = self.select(
            f"SELECT ?class (COUNT(DISTINCT ?s) AS ?n) WHERE {{ ?s a ?class . {self._not_hidden('?s a ?class')} "
            f"FILTER(STRSTARTS(STR(?s), {json.dumps(self.base_iri)}) && !CONTAINS(STR(?s), '#')) }} "
            "GROUP BY ?class ORDER BY DESC(?n) ?class"
        )
        return [(self.value(r["class"]), int(r["n"].value)) for r in rows]

    def entities(self) -> list[tuple[Value, list[str]]]:
        """Top-level entities with their type labels, sorted by label."""
        ox = self.ox
        types: dict[str, list[str]] = {}
        for quad in self.store.quads_for_pattern(None, ox.NamedNode(RDF_TYPE), None, ox.DefaultGraph()):
            s = quad.subject.value
            if self.slug_of(s) and "#" not in s:
                types.setdefault(s, []).append(self.label(quad.object.value))
        return sorted(((self.value(ox.NamedNode(s)), sorted(t)) for s, t in types.items()), key=lambda e: e[0].text.lower())

    def statuses(self) -> list[tuple[str, int]]:
        """How many statements have each status (empty when the profile has no status property)."""
        props = sorted(self.profile.of("status"))
        if not props:
            return []
        path = "|".join(f"<{p}>" for p in props)
        rows = self.select(f"SELECT ?status (COUNT(?c) AS ?n) WHERE {{ ?c {path} ?status {self._not_hidden(f'?c {path} ?status')} }} "
                           "GROUP BY ?status ORDER BY ?status")
        return [(self.label(r["status"].value), int(r["n"].value)) for r in rows]

    def dump(self, fmt: str) -> bytes:
        """The whole dataset in one of :data:`ldpub.serialize.FORMATS` (cached)."""
        if fmt not in self._dumps:
            from ..graphstore import sorted_triples
            from ..serialize import FORMATS, WriteContext

            ox = self.ox
            triples = sorted_triples(q.triple for q in self.store.quads_for_pattern(None, None, None, ox.DefaultGraph()))
            self._dumps[fmt] = FORMATS[fmt].writer(triples, WriteContext(self.prefixes, self.context))
        return self._dumps[fmt]


def prepare(workdir: Path, dataset: Iterable, ontology: Iterable, *, base_iri: str, title: str,
            prefixes: dict[str, str], context: dict, ontology_iri: str | None = None, vocab=None,
            meta: DatasetMeta | None = None) -> ServedData:
    """Write the dataset (default graph) and ontology (named graph) into a store under ``workdir``."""
    import pyoxigraph as ox

    ontology = list(ontology)
    if ontology_iri is None:
        ontology_iri = next((t.subject.value for t in ontology
                             if t.predicate.value == RDF_TYPE and t.object.value == OWL + "Ontology"
                             and isinstance(t.subject, ox.NamedNode)), None)
    store_path = Path(workdir) / "store"
    store = ox.Store(str(store_path))
    store.bulk_extend(ox.Quad(t.subject, t.predicate, t.object) for t in dataset)
    if ontology:
        graph = ox.NamedNode(ontology_iri or "urn:ldpub:ontology")
        store.bulk_extend(ox.Quad(t.subject, t.predicate, t.object, graph) for t in ontology)
        _ontology_beyond_data(store, graph.value)
    store.flush()
    return ServedData(store, store_path, base_iri=base_iri, title=title, prefixes=prefixes,
                      context=context, ontology_iri=ontology_iri, vocab=vocab, meta=meta)


def _ontology_beyond_data(store, ontology_graph: str) -> None:
    """Copy the ontology's triples that the default graph lacks into :data:`ONTOLOGY_BEYOND_DATA`."""
    import pyoxigraph as ox

    graph, beyond = ox.NamedNode(ontology_graph), ox.NamedNode(ONTOLOGY_BEYOND_DATA)
    store.update(f"INSERT {{ GRAPH {beyond} {{ ?s ?p ?o }} }} WHERE {{ GRAPH {graph} {{ ?s ?p ?o }} "
                 "FILTER NOT EXISTS { ?s ?p ?o } }")


def _ontology_iri(store, graph_iri: str | None) -> str | None:
    rows = store.query(f"SELECT ?o WHERE {{ GRAPH ?g {{ ?o a <{OWL}Ontology> }} FILTER(isIRI(?o)) }} ORDER BY ?o LIMIT 1")
    found = [r["o"].value for r in rows]
    return found[0] if found else graph_iri


def prepare_from_files(workdir: Path, dataset: Path, ontology: Path | None, *, base_iri: str, title: str,
                       prefixes: dict[str, str], context: dict, vocab=None, meta: DatasetMeta | None = None) -> ServedData:
    """Like :func:`prepare`, loading the files straight into the store (fast on big files)."""
    import pyoxigraph as ox

    store_path = Path(workdir) / "store"
    store = ox.Store(str(store_path))
    fmt = ox.RdfFormat.N_TRIPLES if dataset.suffix == ".nt" else ox.RdfFormat.TURTLE
    try:
        store.bulk_load(path=str(dataset), format=fmt)
    except SyntaxError as exc:
        raise ConfigError.at(f"not valid RDF: {exc}", dataset) from exc
    ontology_iri = None
    if ontology is not None:
        staging = ox.NamedNode("urn:ldpub:ontology")
        try:
            store.bulk_load(path=str(ontology), format=ox.RdfFormat.TURTLE, to_graph=staging)
        except SyntaxError as exc:
            raise ConfigError.at(f"not valid Turtle: {exc}", ontology) from exc
        ontology_iri = _ontology_iri(store, None)
        if ontology_iri:  # name the graph after the ontology
            store.update(f"MOVE <urn:ldpub:ontology> TO {ox.NamedNode(ontology_iri)}")
        else:
            ontology_iri = "urn:ldpub:ontology"
        _ontology_beyond_data(store, ontology_iri)
    store.flush()
    return ServedData(store, store_path, base_iri=base_iri, title=title, prefixes=prefixes,
                      context=context, ontology_iri=ontology_iri, vocab=vocab, meta=meta)


def from_query_store(opened, *, base_iri: str, title: str, vocab=None, meta: DatasetMeta | None = None) -> ServedData:
    """The dataset of a persistent query store (:class:`ldpub.querystore.OpenStore`, opened
    read-only; its lock is the caller's to hold while serving): nothing is copied."""
    import pyoxigraph as ox

    store = opened.store
    beyond = ox.NamedNode(ONTOLOGY_BEYOND_DATA)
    hidden = frozenset(q.triple for q in store.quads_for_pattern(None, None, None, beyond))
    graphs = sorted(g.value for g in store.named_graphs() if isinstance(g, ox.NamedNode) and g != beyond)
    ontology_iri = next((g for g in graphs if g != "urn:ldpub:ontology"), None)
    return ServedData(store, opened.folder / "db", base_iri=base_iri, title=title, prefixes=opened.prefixes,
                      context=opened.context, ontology_iri=ontology_iri, vocab=vocab, meta=meta, hidden=hidden,
                      merged=True)
