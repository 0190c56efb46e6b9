"""The ontology as ldpub reads it: which record keys exist and what they mean.

The ontology (OWL in Turtle, every ``*.ttl`` in ``ontology/``) is the single source of truth
for terms. From it ldpub derives the record keys (local names of the ontology's own terms,
or ``ldpub:recordKey`` for reused terms), how each value is turned into RDF (object,
datatype or annotation property; its range), the named individuals a value may name
(``status: reported``), and the JSON-LD context. Adding a property to the ontology needs
no mapping code.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from .errors import OntologyError, Problem, Location
from .rdfterms import LDPUB, OWL, RDF, RDF_TYPE, RDFS, SKOS, STANDARD_PREFIXES, XSD

__all__ = ["Term", "Vocabulary", "load_vocabulary", "parse_turtle_files"]

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


@dataclass(frozen=True)
class ExpanderSpec:
    """A class whose nodes ldpub builds from a scalar (``date: 2019-21``): the slots to fill."""

    name: str  # the expander registered in ldpub.expanders, e.g. "edtf"
    slots: dict[str, str]  # slot name (expression, earliest, latest) -> property IRI


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
        store.bulk_extend(ox.Quad(q.subject, q.predicate, q.object) for q in quads)
    return store, prefixes


def _local_name(iri: str) -> str:
    for sep in ("#", "/"):
        if sep in iri:
            iri = iri.rsplit(sep, 1)[1] if iri.rsplit(sep, 1)[1] else iri
    return iri


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

    def key_for(node) -> str:
        explicit = objects(node, LDPUB + "recordKey")
        if explicit:
            return explicit[0].value
        iri = node.value
        for ns in own_namespaces:
            if iri.startswith(ns):
                return iri[len(ns):]
        for prefix, ns in sorted(prefixes.items(), key=lambda kv: -len(kv[1])):
            if iri.startswith(ns):
                return f"{prefix}:{iri[len(ns):]}"
        return iri

    labels: dict[str, str] = {}
    classes: dict[str, Term] = {}
    for node in subjects_of_type(OWL + "Class"):
        term = Term(
            key=key_for(node),
            iri=node.value,
            kind="class",
            label=first_text(node, RDFS + "label", SKOS + "prefLabel"),
            definition=first_text(node, SKOS + "definition", RDFS + "comment"),
            superclasses=sorted(o.value for o in objects(node, RDFS + "subClassOf") if isinstance(o, ox.NamedNode)),
        )
        classes[term.key] = term
        if term.label:
            labels[term.iri] = term.label

    properties: dict[str, Term] = {}
    functional = {n.value for n in subjects_of_type(OWL + "FunctionalProperty")}
    for kind, owl_type in ((OBJECT, "ObjectProperty"), (DATATYPE, "DatatypeProperty"), (ANNOTATION, "AnnotationProperty")):
        for node in subjects_of_type(OWL + owl_type):
            if node.value.startswith(LDPUB):
                continue  # ldpub's own mapping annotations are not record keys
            ranges = objects(node, RDFS + "range")
            domains = objects(node, RDFS + "domain")
            range_iri, union = _read_range(store, node, ranges[0] if ranges else None, kind, prefixes, files)
            if not ranges and kind != OBJECT:
                range_iri, union = _range_includes(store, node)
            term = Term(
                key=key_for(node),
                iri=node.value,
                kind=kind,
                label=first_text(node, RDFS + "label", SKOS + "prefLabel"),
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
    individual_types: dict[str, list[str]] = {}
    for cls_iri in sorted(class_iris):
        for node in subjects_of_type(cls_iri):
            names = individuals.setdefault(cls_iri, {})
            names[_local_name(node.value).lower()] = node.value
            label = first_text(node, RDFS + "label", SKOS + "prefLabel")
            if label:
                names.setdefault(label.lower(), node.value)
                labels[node.value] = label
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

    _check_datatype_ranges(properties, prefixes, files)
    expanders = _expander_specs(store, subclasses, prefixes, files)

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
    )


# ---------------------------------------------------------------------------- ranges and expanders

def _curie(iri: str, prefixes: dict[str, str]) -> str:
    for prefix, ns in sorted(prefixes.items(), key=lambda kv: -len(kv[1])):
        if iri.startswith(ns) and len(iri) > len(ns):
            return f"{prefix}:{iri[len(ns):]}"
    return f"<{iri}>"


def _declared_at(iri: str, prefixes: dict[str, str], files: list[Path]) -> tuple[Path, int | None]:
    """The ontology file and line where ``iri`` is first written (as <iri> or a prefixed name)."""
    names = [f"<{iri}>"]
    curie = _curie(iri, prefixes)
    if not curie.startswith("<"):
        names.append(curie)
    for path in files:
        try:
            lines = path.read_text(encoding="utf-8").splitlines()
        except (OSError, UnicodeDecodeError):
            continue
        for number, line in enumerate(lines, start=1):
            stripped = line.lstrip()
            if any(stripped.startswith(n + " ") or stripped.startswith(n + "\t") for n in names):
                return path, number
    return files[0], None


def _rdf_list(store, head) -> list | None:
    """The members of an RDF list (None when it is not a well-formed list)."""
    import pyoxigraph as ox

    items, seen = [], set()
    node = head
    while not (isinstance(node, ox.NamedNode) and node.value == RDF + "nil"):
        if node in seen or isinstance(node, ox.Literal):
            return None
        seen.add(node)
        firsts = [q.object for q in store.quads_for_pattern(node, ox.NamedNode(RDF + "first"), None)]
        rests = [q.object for q in store.quads_for_pattern(node, ox.NamedNode(RDF + "rest"), None)]
        if len(firsts) != 1 or len(rests) != 1:
            return None
        items.append(firsts[0])
        node = rests[0]
    return items


def _read_range(store, prop, range_node, kind: str, prefixes: dict[str, str],
                files: list[Path]) -> tuple[str | None, tuple[str, ...]]:
    """A property's range: a named class or datatype, or the named members of an ``owl:unionOf``.

    For a datatype or annotation property any other anonymous range (an enumeration, a
    datatype restriction) is an ontology error: ldpub would not know what a literal must be.
    An object property's other class expressions leave the range open.
    """
    import pyoxigraph as ox

    if range_node is None or isinstance(range_node, ox.NamedNode):
        return (range_node.value if range_node is not None else None), ()
    lists = [q.object for q in store.quads_for_pattern(range_node, ox.NamedNode(OWL + "unionOf"), None)]
    members = _rdf_list(store, lists[0]) if len(lists) == 1 else None
    if members and all(isinstance(m, ox.NamedNode) for m in members):
        return None, tuple(m.value for m in members)
    if kind == OBJECT:
        return None, ()  # a class expression: no single class (a nested record then says its 'type')
    path, line = _declared_at(prop.value, prefixes, files)
    raise OntologyError.at(
        f"property {_curie(prop.value, prefixes)} has an anonymous range ldpub cannot read",
        path, line,
        hint="give it a named class or datatype, or [ owl:unionOf (xsd:date xsd:gYearMonth xsd:gYear) ] "
             "of named ones",
        rule="unsupported-range",
    )


_SCHEMA_DATATYPES = {  # schema.org's data types, as XSD datatypes, in the order a value is tried
    "Boolean": XSD + "boolean", "Integer": XSD + "integer", "Number": XSD + "decimal", "Float": XSD + "double",
    "Date": XSD + "date", "DateTime": XSD + "dateTime", "Time": XSD + "time", "URL": XSD + "anyURI",
    "Text": XSD + "string",
}
_PRECEDENCE = list(dict.fromkeys(_SCHEMA_DATATYPES.values()))


def _range_includes(store, prop) -> tuple[str | None, tuple[str, ...]]:
    """A literal range from ``schema:rangeIncludes`` (schema.org's idiom) when there is no rdfs:range.

    schema.org data types (``schema:Date``, ``schema:DateTime``, ``schema:Text``, ...) and XSD
    datatypes count; classes are ignored. Several make a union, tried from the most specific
    (boolean, integer, decimal, double, date, dateTime, time, anyURI) to ``xsd:string``.
    """
    import pyoxigraph as ox

    found: set[str] = set()
    for namespace in ("https://schema.org/", "http://schema.org/"):
        for q in store.quads_for_pattern(prop, ox.NamedNode(namespace + "rangeIncludes"), None):
            value = q.object.value if isinstance(q.object, ox.NamedNode) else ""
            if value.startswith(namespace) and value[len(namespace):] in _SCHEMA_DATATYPES:
                found.add(_SCHEMA_DATATYPES[value[len(namespace):]])
            elif value.startswith(XSD):
                found.add(value)
    members = tuple(sorted(found, key=lambda d: (_PRECEDENCE.index(d) if d in _PRECEDENCE else -1, d)))
    if len(members) == 1:
        return members[0], ()
    return None, members


def _check_datatype_ranges(properties: dict[str, Term], prefixes: dict[str, str], files: list[Path]) -> None:
    """Every datatype property's range must be a datatype ldpub can check (see ldpub.literals)."""
    from .literals import datatype_problem

    problems = []
    for term in properties.values():
        if term.kind != DATATYPE:
            continue
        for datatype in term.datatypes:
            reason = datatype_problem(datatype)
            if reason:
                path, line = _declared_at(term.iri, prefixes, files)
                problems.append(Problem(
                    f"property {_curie(term.iri, prefixes)} has range {_curie(datatype, prefixes)}: {reason}",
                    Location(str(path), line), rule="unknown-datatype"))
    if problems:
        raise OntologyError(problems)


def _expander_specs(store, subclasses: dict[str, set[str]], prefixes: dict[str, str],
                    files: list[Path]) -> dict[str, ExpanderSpec]:
    """Classes marked ``ldpub:expander`` and the property that holds each slot of their nodes.

    A slot property (``ldpub:expanderSlot "earliest"``) belongs to the expander class that is
    (a subclass of) its ``rdfs:domain``; one with no domain, or with a domain that is no
    expander class (``rdf:value``, ``schema:startDate``), serves every expander class that has
    no slot property of its own. A missing, doubly claimed or unknown slot is an ontology error.
    """
    import pyoxigraph as ox

    from .expanders import EXPANDERS

    def objects(s, p) -> list:
        return [q.object for q in store.quads_for_pattern(s, ox.NamedNode(p), None)]

    classes = sorted({q.subject for q in store.quads_for_pattern(None, ox.NamedNode(LDPUB + "expander"), None)
                      if isinstance(q.subject, ox.NamedNode)}, key=lambda n: n.value)
    expander_iris = {c.value for c in classes}
    slot_props = sorted(
        {(q.subject.value, q.object.value) for q in store.quads_for_pattern(None, ox.NamedNode(LDPUB + "expanderSlot"), None)
         if isinstance(q.subject, ox.NamedNode)})
    object_props = {q.subject.value for q in store.quads_for_pattern(
        None, ox.NamedNode(RDF_TYPE), ox.NamedNode(OWL + "ObjectProperty"))}
    problems: list[Problem] = []

    def problem(iri: str, message: str, hint: str, rule: str = "expander-slot") -> None:
        path, line = _declared_at(iri, prefixes, files)
        problems.append(Problem(message, Location(str(path), line), hint, rule))

    known_slots = {slot for e in EXPANDERS.values() for slot in e.slots}
    for prop, slot in slot_props:
        if slot not in known_slots:
            fills = "; ".join(f"{name} fills {', '.join(e.slots)}" for name, e in sorted(EXPANDERS.items()))
            problem(prop, f"{_curie(prop, prefixes)} has ldpub:expanderSlot '{slot}', which no expander fills",
                    fills)

    specs: dict[str, ExpanderSpec] = {}
    for cls in classes:
        name = objects(cls, LDPUB + "expander")[0].value
        label = _curie(cls.value, prefixes)
        expander = EXPANDERS.get(name)
        if expander is None:
            problem(cls.value, f"class {label} names unknown expander '{name}'",
                    f"known expanders: {', '.join(sorted(EXPANDERS))}", "unknown-expander")
            continue
        slots: dict[str, str] = {}
        for slot, datatype in expander.slots.items():
            candidates = [p for p, s in slot_props if s == slot]
            domains = {p: {d.value for d in objects(ox.NamedNode(p), RDFS + "domain") if isinstance(d, ox.NamedNode)}
                       for p in candidates}
            own = [p for p in candidates if any(cls.value in subclasses.get(d, {d}) for d in domains[p])]
            shared = [p for p in candidates if not (domains[p] & expander_iris)]
            chosen = own or shared
            if not chosen:
                problem(cls.value, f"class {label} (ldpub:expander \"{name}\") has no property for slot '{slot}'",
                        f"mark the property that holds it with ldpub:expanderSlot \"{slot}\" (an rdfs:domain "
                        f"is not needed); {name} fills {', '.join(expander.slots)}")
                continue
            if len(chosen) > 1:
                names = " and ".join(_curie(p, prefixes) for p in chosen)
                problem(cls.value, f"class {label}: slot '{slot}' is claimed by {names}",
                        f"give the one meant for {label} the rdfs:domain {label}, or remove the other's "
                        f"ldpub:expanderSlot")
                continue
            prop = chosen[0]
            ranges = [r.value for r in objects(ox.NamedNode(prop), RDFS + "range") if isinstance(r, ox.NamedNode)]
            if prop in object_props:
                problem(prop, f"{_curie(prop, prefixes)} holds slot '{slot}' of {label} but is an object property",
                        f"the slot is a literal ({_curie(datatype, prefixes)}): use a datatype property")
            elif ranges and ranges[0] not in (datatype, RDFS + "Literal"):
                problem(prop, f"{_curie(prop, prefixes)} holds slot '{slot}' of {label}, a "
                              f"{_curie(datatype, prefixes)}, but its range is {_curie(ranges[0], prefixes)}",
                        f"give it the range {_curie(datatype, prefixes)} or none")
            slots[slot] = prop
        specs[cls.value] = ExpanderSpec(name, slots)
    if problems:
        raise OntologyError(problems)
    return specs
