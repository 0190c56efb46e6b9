"""The ontology as ldpub reads it: which record keys exist and what they mean.

The ontology (OWL in Turtle, every ``*.ttl`` in ``ontology/``) is the single source of truth
for terms. From it ldpub derives the record keys, how each value is turned into RDF (object,
datatype or annotation property; its range), the named individuals a value may name
(``status: reported``), and the JSON-LD context. Adding a property to the ontology needs
no mapping code.

Record keys (and ``type`` names) of a term, first rule that applies:

1. its ``ldpub:recordKey`` (``label`` for ``skos:prefLabel``);
2. its local name, for a term in the ontology's own namespace (``founded``);
3. its local name, for a reused term when no other term has that local name (``Membership``
   for ``org:Membership``);
4. its prefixed name (``org:member`` when ``foaf:member`` is declared too: records must say
   which; the message for a bare ``member`` lists both).

The prefixed name of a reused term is always accepted too, and so is its local name when
unambiguous (``prefLabel`` as well as ``label``). Named individuals are found by local name,
label or kebab-case, ignoring case (:meth:`Vocabulary.find_individuals`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from .errors import OntologyError, Problem, Location
from .ontology_ranges import ExpanderSpec, check_datatype_ranges, expander_specs, range_includes, read_range
from .rdfterms import DC11, DCT, FOAF, LDPUB, OWL, RDF, RDF_TYPE, RDFS, SCHEMA, SKOS, STANDARD_PREFIXES, XSD

__all__ = ["Term", "Vocabulary", "ExpanderSpec", "load_vocabulary", "parse_turtle_files", "label_properties",
           "STANDARD_LABELS", "name_key", "kebab_case"]

#: Properties that name a resource, by precedence (a project adds its own: see label_properties).
STANDARD_LABELS = (SKOS + "prefLabel", RDFS + "label", *(ns + "name" for ns in SCHEMA), FOAF + "name",
                   DCT + "title", DC11 + "title")

OBJECT, DATATYPE, ANNOTATION = "object", "datatype", "annotation"


@dataclass
class Term:
    """A class or property of the ontology, with the record key that names it."""

    key: str
    iri: str
    kind: str  # "class", OBJECT, DATATYPE or ANNOTATION
    label: str | None = None
    definition: str | None = None
    range: str | None = None  # None also when the range is an owl:unionOf (see range_union)
    domain: str | None = None
    functional: bool = False
    superclasses: list[str] = field(default_factory=list)
    range_union: tuple[str, ...] = ()  # members of an ``[ owl:unionOf (...) ]`` range, in order

    @property
    def datatypes(self) -> tuple[str, ...]:
        """The datatypes a literal value of this property may take (union members, or the range)."""
        return self.range_union or ((self.range,) if self.range else ())


@dataclass
class Vocabulary:
    """Everything the mapping and the JSON-LD context need to know about the ontology."""

    ontology_iri: str | None
    version_iri: str | None
    prefixes: dict[str, str]
    classes: dict[str, Term]
    properties: dict[str, Term]
    individuals: dict[str, dict[str, str]]  # class IRI -> {lower-case name -> IRI}
    individual_types: dict[str, list[str]]  # individual IRI -> its classes
    labels: dict[str, str]  # IRI -> label, for every labelled term and individual
    expanders: dict[str, "ExpanderSpec"]  # class IRI -> how a scalar becomes a node
    subclasses: dict[str, set[str]]  # class IRI -> all subclasses, itself included
    files: list[Path]
    store: object = None  # the parsed ontology (pyoxigraph Store), so callers need not parse it again
    own_namespaces: tuple[str, ...] = ()  # the project's own namespaces (ldpub:preferredPrefix or the ontology IRI)
    aliases: dict[str, str] = field(default_factory=dict)  # other accepted name -> record key (org:Membership)
    ambiguous: dict[str, list[str]] = field(default_factory=dict)  # local name -> the record keys it could mean
    individual_keys: dict[str, dict[str, list[str]]] = field(default_factory=dict)  # class -> {name_key -> IRIs}

    def find_class(self, name: str) -> Term | None:
        """The class a ``type`` value names: by record key, prefixed name or unambiguous local name."""
        term = self.classes.get(name)
        if term is None and name in self.aliases:
            term = self.classes.get(self.aliases[name])
        return term

    def find_property(self, name: str) -> Term | None:
        """The property a record key names: by record key, prefixed name or unambiguous local name."""
        term = self.properties.get(name)
        if term is None and name in self.aliases:
            term = self.properties.get(self.aliases[name])
        return term

    def find_individuals(self, name: str, range_iri: str | None = None) -> list[str]:
        """The named individuals ``name`` may mean, of ``range_iri`` or its subclasses (any class if None).

        ``name`` is a local name or a label, in any case (``reported``, ``Reported``); failing
        that, it is compared with letters and digits only, so the kebab-case ``framework-partial``
        finds ``FrameworkPartial`` or the label "Framework - partial". Several IRIs: ambiguous.
        """
        classes = self.subclasses.get(range_iri, {range_iri}) if range_iri else self.individuals.keys()
        wanted = name.lower()
        exact = {names[wanted] for c in classes if wanted in (names := self.individuals.get(c, {}))}
        if exact or len(name) > 500:
            return sorted(exact)
        key = name_key(name)
        return sorted({iri for c in classes for iri in self.individual_keys.get(c, {}).get(key, ())})

    def property_by_iri(self, iri: str) -> Term | None:
        return self._by_iri().get(iri)

    def class_by_iri(self, iri: str) -> Term | None:
        for term in self.classes.values():
            if term.iri == iri:
                return term
        return None

    def _by_iri(self) -> dict[str, Term]:
        cache = getattr(self, "_iri_index", None)
        if cache is None:
            cache = {t.iri: t for t in self.properties.values()}
            object.__setattr__(self, "_iri_index", cache)
        return cache

    def curie(self, iri: str) -> str:
        """Shorten an IRI with the ontology's prefixes (longest namespace first)."""
        for prefix, ns in sorted(self.prefixes.items(), key=lambda kv: -len(kv[1])):
            if iri.startswith(ns) and len(iri) > len(ns):
                return f"{prefix}:{iri[len(ns):]}"
        return iri


def parse_turtle_files(paths: list[Path], what: str):
    """Parse Turtle files into one pyoxigraph Store; errors carry file, line and column."""
    import pyoxigraph as ox

    store = ox.Store()
    prefixes: dict[str, str] = {}
    for path in paths:
        try:
            parser = ox.parse(path=str(path), format=ox.RdfFormat.TURTLE)
            quads = list(parser)
        except SyntaxError as exc:
            line, col = (exc.lineno, exc.offset) if exc.lineno else (None, None)
            msg = str(exc.msg if hasattr(exc, "msg") else exc)
            raise OntologyError(
                Problem(f"{what} is not valid Turtle: {msg}", Location(str(path), line, col))
            ) from exc
        except OSError as exc:
            raise OntologyError.at(f"cannot read {what}: {exc.strerror or exc}", path) from exc
        for prefix, ns in parser.prefixes.items():
            prefixes.setdefault(prefix, ns)
        # extend, not bulk_extend: the bulk loader reserves ~200 MB of address space, which counts
        # against a memory limit (ulimit -v) for the whole build; ontologies are small
        store.extend(ox.Quad(q.subject, q.predicate, q.object) for q in quads)
    return store, prefixes


def label_properties(store) -> list[str]:
    """The properties that name a resource, by precedence: those the ontology gives
    ``ldpub:role "label"``, then :data:`STANDARD_LABELS`, each followed by the sub-properties the
    ontology declares for it (``ex:displayName rdfs:subPropertyOf rdfs:label``)."""
    import pyoxigraph as ox

    subs: dict[str, set[str]] = {}
    for q in store.quads_for_pattern(None, ox.NamedNode(RDFS + "subPropertyOf"), None):
        if isinstance(q.subject, ox.NamedNode) and isinstance(q.object, ox.NamedNode):
            subs.setdefault(q.object.value, set()).add(q.subject.value)
    own = sorted(q.subject.value for q in store.quads_for_pattern(None, ox.NamedNode(LDPUB + "role"), ox.Literal("label"))
                 if isinstance(q.subject, ox.NamedNode))
    ordered: list[str] = []

    def add(iri: str) -> None:
        if iri not in ordered:
            ordered.append(iri)
            for sub in sorted(subs.get(iri, ())):
                add(sub)

    for iri in (*own, *STANDARD_LABELS):
        add(iri)
    return ordered


def _local_name(iri: str) -> str:
    for sep in ("#", "/"):
        if sep in iri:
            iri = iri.rsplit(sep, 1)[1] if iri.rsplit(sep, 1)[1] else iri
    return iri


_KEY_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_.-]*")


def name_key(text: str) -> str:
    """``text`` reduced to its letters and digits, case-folded: how individuals are matched.

    >>> name_key("Framework - partial") == name_key("FrameworkPartial") == name_key("framework-partial")
    True
    """
    return "".join(c for c in text.casefold() if c.isalnum())


def kebab_case(name: str) -> str:
    """How a curator writes an individual's local name in a record (``FrameworkPartial`` -> ``framework-partial``)."""
    spaced = re.sub(r"(?<=[a-z0-9])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z])", "-", name)
    return re.sub(r"[^0-9a-z]+", "-", spaced.lower()).strip("-") or name


def _record_keys(terms: list[tuple[str, str | None, str | None]], curie) -> tuple[dict, dict, dict]:
    """Record keys of terms ``(iri, explicit ldpub:recordKey, own local name)``: the key of each
    term (by IRI), other names accepted for it (alias -> key), and ambiguous local names
    (local name -> keys of the terms it could mean). See the module docstring for the rules."""
    keys: dict[str, str] = {}
    reused: list[str] = []
    for iri, explicit, own in terms:
        if explicit or own:
            keys[iri] = explicit or own
        else:
            reused.append(iri)
    taken = set(keys.values()) | {"id", "type"}
    by_local: dict[str, list[str]] = {}
    for iri, _, _ in terms:
        local = _local_name(iri)
        if _KEY_NAME.fullmatch(local):
            by_local.setdefault(local, []).append(iri)
    for iri in reused:
        local = _local_name(iri)
        keys[iri] = local if local not in taken and by_local.get(local) == [iri] else curie(iri)
    aliases: dict[str, str] = {}
    ambiguous: dict[str, list[str]] = {}
    for iri, key in keys.items():
        short = curie(iri)
        if short != key and short != iri:
            aliases.setdefault(short, key)
    for local, iris in by_local.items():
        if local in taken or local in aliases or any(keys[i] == local for i in iris):
            continue
        if len(iris) == 1:
            aliases[local] = keys[iris[0]]
        else:
            ambiguous[local] = sorted(keys[i] for i in iris)
    return keys, aliases, ambiguous


def _turtle_files(folder: Path, what: str) -> list[Path]:
    if not folder.is_dir():
        raise OntologyError.at(f"{what} folder not found", folder)
    files = sorted(folder.glob("*.ttl"))
    if not files:
        raise OntologyError.at(f"no *.ttl files in the {what} folder", folder)
    problems = []
    for path in files:
        if path.is_symlink() and not path.exists():
            problems.append(Problem(f"cannot read {what}: a broken symbolic link (to {path.readlink()})",
                                    Location(str(path)), "remove it or make it point to a Turtle file"))
        elif path.is_dir():
            problems.append(Problem(f"cannot read {what}: a folder, not a Turtle file", Location(str(path)),
                                    f"ldpub reads every *.ttl file of {folder.name}/: rename the folder"))
        elif not path.is_file():
            problems.append(Problem(f"cannot read {what}: not a regular file", Location(str(path)),
                                    "remove it or replace it with a Turtle file"))
    if problems:
        raise OntologyError(problems)
    return files


def load_vocabulary(folder: Path) -> Vocabulary:
    """Read every ``*.ttl`` in ``folder`` and derive the record vocabulary from it."""
    files = _turtle_files(folder, "ontology")
    store, prefixes = parse_turtle_files(files, "ontology")
    return vocabulary_from_store(store, prefixes, files)


def vocabulary_from_store(store, prefixes: dict[str, str], files: list[Path]) -> Vocabulary:
    """Derive the vocabulary from an already parsed ontology store."""
    import pyoxigraph as ox

    def objects(s, p) -> list:
        return [q.object for q in store.quads_for_pattern(s, ox.NamedNode(p), None)]

    def first_text(s, *preds: str) -> str | None:
        for p in preds:
            values = sorted(objects(s, p), key=lambda o: (getattr(o, "language", None) not in (None, "en"), o.value))
            if values:
                return values[0].value
        return None

    def subjects_of_type(t: str) -> list:
        return sorted(
            {q.subject for q in store.quads_for_pattern(None, ox.NamedNode(RDF_TYPE), ox.NamedNode(t))
             if isinstance(q.subject, ox.NamedNode)},
            key=lambda n: n.value,
        )

    ontology_nodes = subjects_of_type(OWL + "Ontology")
    ontology_iri = ontology_nodes[0].value if ontology_nodes else None
    version = None
    if ontology_nodes:
        vs = objects(ontology_nodes[0], OWL + "versionIRI")
        version = vs[0].value if vs else None

    prefixes = {**STANDARD_PREFIXES, **prefixes}
    own_namespaces = set()
    if ontology_nodes:
        for p in objects(ontology_nodes[0], LDPUB + "preferredPrefix"):
            if p.value in prefixes:
                own_namespaces.add(prefixes[p.value])
    if not own_namespaces and ontology_iri:
        own_namespaces = {ns for ns in prefixes.values() if ns.rstrip("#/") == ontology_iri.rstrip("#/")}

    def curie(iri: str) -> str:
        for prefix, ns in sorted(prefixes.items(), key=lambda kv: -len(kv[1])):
            if iri.startswith(ns):
                return f"{prefix}:{iri[len(ns):]}"
        return iri

    label_predicates = label_properties(store)

    def own_local(iri: str) -> str | None:
        for ns in own_namespaces:
            if iri.startswith(ns):
                return iri[len(ns):]
        return None

    property_kinds = ((OBJECT, "ObjectProperty"), (DATATYPE, "DatatypeProperty"), (ANNOTATION, "AnnotationProperty"))
    term_nodes = subjects_of_type(OWL + "Class") + [
        n for _, owl_type in property_kinds for n in subjects_of_type(OWL + owl_type) if not n.value.startswith(LDPUB)]
    record_keys, aliases, ambiguous = _record_keys(
        [(n.value, next((o.value for o in objects(n, LDPUB + "recordKey")), None), own_local(n.value))
         for n in dict.fromkeys(term_nodes)], curie)

    def key_for(node) -> str:
        return record_keys[node.value]

    labels: dict[str, str] = {}
    classes: dict[str, Term] = {}
    for node in subjects_of_type(OWL + "Class"):
        term = Term(
            key=key_for(node),
            iri=node.value,
            kind="class",
            label=first_text(node, *label_predicates),
            definition=first_text(node, SKOS + "definition", RDFS + "comment"),
            superclasses=sorted(o.value for o in objects(node, RDFS + "subClassOf") if isinstance(o, ox.NamedNode)),
        )
        classes[term.key] = term
        if term.label:
            labels[term.iri] = term.label

    properties: dict[str, Term] = {}
    functional = {n.value for n in subjects_of_type(OWL + "FunctionalProperty")}
    for kind, owl_type in property_kinds:
        for node in subjects_of_type(OWL + owl_type):
            if node.value.startswith(LDPUB):
                continue  # ldpub's own mapping annotations are not record keys
            ranges = objects(node, RDFS + "range")
            domains = objects(node, RDFS + "domain")
            if ranges:
                range_iri, union = read_range(store, node, ranges[0], kind, prefixes, files)
            else:
                range_iri, union = range_includes(store, node) if kind != OBJECT else (None, ())
            term = Term(
                key=key_for(node),
                iri=node.value,
                kind=kind,
                label=first_text(node, *label_predicates),
                definition=first_text(node, SKOS + "definition", RDFS + "comment"),
                range=range_iri,
                domain=domains[0].value if domains else None,
                functional=node.value in functional,
                range_union=union,
            )
            if term.key in properties and properties[term.key].iri != term.iri:
                raise OntologyError.at(
                    f"record key '{term.key}' names two properties: {properties[term.key].iri} and {term.iri}",
                    files[0],
                    hint="give one of them another ldpub:recordKey",
                )
            properties.setdefault(term.key, term)
            if term.label:
                labels[term.iri] = term.label

    clash = set(classes) & set(properties)
    if clash:
        raise OntologyError.at(f"names used for both a class and a property: {sorted(clash)}", files[0])

    # named individuals: any IRI typed with a declared class (statuses, roles)
    class_iris = {t.iri for t in classes.values()}
    individuals: dict[str, dict[str, str]] = {}
    individual_keys: dict[str, dict[str, list[str]]] = {}
    individual_types: dict[str, list[str]] = {}
    for cls_iri in sorted(class_iris):
        for node in subjects_of_type(cls_iri):
            names = individuals.setdefault(cls_iri, {})
            keys = individual_keys.setdefault(cls_iri, {})
            local = _local_name(node.value)
            names[local.lower()] = node.value
            label = first_text(node, *label_predicates)
            if label:
                names.setdefault(label.lower(), node.value)
                labels[node.value] = label
            for name in {local, label} - {None}:
                same = keys.setdefault(name_key(name), [])
                if node.value not in same:
                    same.append(node.value)
            individual_types.setdefault(node.value, []).append(cls_iri)

    # subclass closure over declared classes
    direct: dict[str, set[str]] = {}
    for term in classes.values():
        for sup in term.superclasses:
            direct.setdefault(sup, set()).add(term.iri)
    subclasses: dict[str, set[str]] = {}
    for cls_iri in class_iris | set(direct):
        seen, todo = {cls_iri}, [cls_iri]
        while todo:
            for sub in direct.get(todo.pop(), ()):
                if sub not in seen:
                    seen.add(sub)
                    todo.append(sub)
        subclasses[cls_iri] = seen

    check_datatype_ranges(properties, prefixes, files)
    expanders = expander_specs(store, subclasses, prefixes, files)

    return Vocabulary(
        ontology_iri=ontology_iri,
        version_iri=version,
        prefixes=dict(sorted(prefixes.items())),
        classes=dict(sorted(classes.items())),
        properties=dict(sorted(properties.items())),
        individuals=individuals,
        individual_types=individual_types,
        labels=labels,
        expanders=expanders,
        subclasses=subclasses,
        files=files,
        store=store,
        aliases=dict(sorted(aliases.items())),
        ambiguous=ambiguous,
        individual_keys=individual_keys,
        own_namespaces=tuple(sorted(own_namespaces)),
    )
