"""What a property's value must be, as the ontology says it: ranges, datatypes, expander slots.

Read while the vocabulary is derived (:func:`ldpub.ontology.vocabulary_from_store`):

* :func:`read_range`: a named class or datatype, or the named members of an ``owl:unionOf``
  (any other anonymous range of a datatype property is an ontology error);
* :func:`range_includes`: without ``rdfs:range``, the datatypes of ``schema:rangeIncludes``;
* :func:`check_datatype_ranges`: every datatype property's range is a datatype ldpub checks;
* :func:`expander_specs`: the property holding each slot of each ``ldpub:expander`` class,
  with or without ``rdfs:domain``; a missing, doubly claimed or unknown slot is an error.

Errors name the ontology file and line where the term is written.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from .errors import Location, OntologyError, Problem
from .rdfterms import LDPUB, OWL, RDF, RDF_TYPE, RDFS, XSD

__all__ = ["ExpanderSpec", "read_range", "range_includes", "check_datatype_ranges", "expander_specs"]


@dataclass(frozen=True)
class ExpanderSpec:
    """A class whose nodes ldpub builds from a scalar (``date: 2019-21``): the slots to fill."""

    name: str  # the expander registered in ldpub.expanders, e.g. "edtf"
    slots: dict[str, str]  # slot name (expression, earliest, latest) -> property IRI


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


def read_range(store, prop, range_node, kind: str, prefixes: dict[str, str],
                files: list[Path]) -> tuple[str | None, tuple[str, ...]]:
    """A property's range: a named class or datatype, or the named members of an ``owl:unionOf``.

    For a datatype or annotation property any other anonymous range (an enumeration, a
    datatype restriction) is an ontology error: ldpub would not know what a literal must be.
    An object property's other class expressions leave the range open.
    """
    import pyoxigraph as ox

    from .ontology import OBJECT

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


def range_includes(store, prop) -> tuple[str | None, tuple[str, ...]]:
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


def check_datatype_ranges(properties: dict, prefixes: dict[str, str], files: list[Path]) -> None:
    """Every datatype property's range must be a datatype ldpub can check (see ldpub.literals)."""
    from .literals import datatype_problem
    from .ontology import DATATYPE

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


def expander_specs(store, subclasses: dict[str, set[str]], prefixes: dict[str, str],
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
