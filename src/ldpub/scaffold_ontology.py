"""``ldpub init --ontology FILE...``: a project started from an ontology someone else wrote.

What it writes, from the ontology as ldpub reads it (:func:`ldpub.ontology.load_vocabulary`):

* ``ontology/``: each file, Turtle copied byte for byte, other RDF syntaxes (RDF/XML, N-Triples,
  N3, JSON-LD, TriG, N-Quads; by extension) converted to Turtle with the same triples; a
  ``README.md`` naming each file's origin and the licence it states (or saying it states none);
  and ``ldpub-profile.ttl``, what ldpub needs that an RDFS vocabulary leaves implicit: an OWL
  kind for each ``rdfs:Class`` and ``rdf:Property`` (object or datatype property, from its
  ``rdfs:range`` or ``schema:rangeIncludes``), and ``rdfs:label`` as a record key.
* ``shapes/shapes.ttl``: one named node shape per class with ``sh:targetClass``, a property
  shape for each property whose ``rdfs:domain`` (or ``schema:domainIncludes``) is that class,
  with ``sh:datatype``/``sh:class`` from the range, and a comment saying what to tighten.
* ``data/samples.yaml``: one sample record per class, with the keys ldpub accepts, a value that
  validates for each property it can fill, references to other samples where a range asks for
  a record of a class.
* ``queries/instances.rq``: the records of each class, with an optional ``class`` parameter.

:func:`ontology_files` returns these files; :func:`ldpub.scaffold.init_project` writes them
with the config, CI and README of every new project.
"""

from __future__ import annotations

import json
import re
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from .errors import ConfigError, Location, Problem
from .rdfterms import OWL, RDF, RDF_TYPE, RDFS, SCHEMA, XSD

__all__ = ["SYNTAXES", "ImportedOntology", "read_ontology", "ontology_files"]

#: File extension -> (pyoxigraph format name, the syntax's name for messages).
SYNTAXES = {
    "ttl": ("TURTLE", "Turtle"), "turtle": ("TURTLE", "Turtle"),
    "rdf": ("RDF_XML", "RDF/XML"), "owl": ("RDF_XML", "RDF/XML"), "xml": ("RDF_XML", "RDF/XML"),
    "nt": ("N_TRIPLES", "N-Triples"), "n3": ("N3", "N3"), "jsonld": ("JSON_LD", "JSON-LD"),
    "trig": ("TRIG", "TriG"), "nq": ("N_QUADS", "N-Quads"),
}
LICENCE_PREDICATES = ("http://purl.org/dc/terms/license", "http://purl.org/dc/terms/rights",
                      "http://purl.org/dc/elements/1.1/rights", "http://creativecommons.org/ns#license",
                      "http://www.w3.org/1999/xhtml/vocab#license", *(ns + "license" for ns in SCHEMA))
BUILT_IN = (RDF, RDFS, OWL, XSD, "http://www.w3.org/ns/shacl#")
DOMAIN_PREDICATES = (RDFS + "domain", *(ns + "domainIncludes" for ns in SCHEMA))
RANGE_PREDICATES = (RDFS + "range", *(ns + "rangeIncludes" for ns in SCHEMA))
ANY_THING = {RDFS + "Resource", OWL + "Thing", RDFS + "Literal"}
#: Values tried for a sample literal, in order: the first that ldpub accepts for the range is used.
SAMPLE_LITERALS = ("sample text", "2024-01-31", "2024-01-31T12:00:00Z", "2024", "2024-01", "12:00:00", "1",
                   "true", "1.5", "https://example.org/", "en", "P1D", "P1M", "--01-31", "--01", "---31", "00",
                   "-1", "0")
_LOCAL = re.compile(r"[^#/]*$")


@dataclass
class ImportedOntology:
    """One ontology file as it goes into ``ontology/``."""

    source: Path
    name: str  # file name under ontology/
    syntax: str  # "Turtle", "RDF/XML", ...
    turtle: bytes
    triples: list = field(default_factory=list)  # pyoxigraph Triples
    licence: str | None = None  # as the file states it (an IRI or text)
    base: str | None = None  # IRI its relative references were resolved against, when it had any


def _error(path: Path, syntax: str, exc: Exception) -> ConfigError:
    line = getattr(exc, "lineno", None)
    column = getattr(exc, "offset", None)
    message = str(getattr(exc, "msg", None) or exc).splitlines()[0]
    hint = ("a .owl file must be RDF/XML: convert OWL/XML or functional syntax to Turtle first (e.g. robot convert)"
            if path.suffix.lower() == ".owl" else f"check the file is {syntax}, or give it the extension of its syntax")
    return ConfigError(Problem(f"not valid {syntax}: {message}", Location(str(path), line, column), hint))


def _parse(path: Path, data: bytes, fmt, syntax: str, base: str | None) -> list:
    import pyoxigraph as ox

    try:
        return [ox.Triple(q.subject, q.predicate, q.object) for q in ox.parse(data, format=fmt, base_iri=base)]
    except SyntaxError as exc:
        raise _error(path, syntax, exc) from exc


def read_ontology(path: Path) -> ImportedOntology:
    """Read one ontology file (its syntax from its extension); parse errors name file, line, column."""
    import pyoxigraph as ox

    path = Path(path)
    extension = path.suffix.lower().lstrip(".")
    if extension not in SYNTAXES:
        raise ConfigError.at(f"ldpub cannot tell the RDF syntax of '{path.name}' from its extension", path,
                             hint="known extensions: " + ", ".join(f".{e}" for e in SYNTAXES))
    fmt_name, syntax = SYNTAXES[extension]
    fmt = getattr(ox.RdfFormat, fmt_name)
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise ConfigError.at(f"cannot read the ontology: {exc.strerror or exc}", path) from exc
    base = None
    try:
        triples = [ox.Triple(q.subject, q.predicate, q.object) for q in ox.parse(data, format=fmt)]
    except SyntaxError as exc:
        # relative references: resolve them against the ontology's own IRI, as its publisher would
        placeholder = "http://ldpub.invalid/" + path.name
        found = _parse(path, data, fmt, syntax, placeholder)
        heads = sorted(t.subject.value for t in found if t.predicate.value == RDF_TYPE
                       and t.object.value == OWL + "Ontology" and isinstance(t.subject, ox.NamedNode)
                       and not t.subject.value.startswith("http://ldpub.invalid/"))
        if not heads:
            raise _error(path, syntax, exc) from exc
        base = heads[0]
        triples = _parse(path, data, fmt, syntax, base)
    name = path.stem + ".ttl"
    if syntax == "Turtle" and base is None:
        turtle = data
    else:
        body = ox.serialize(sorted(triples, key=str), format=ox.RdfFormat.TURTLE, prefixes=_prefixes(triples))
        note = f"# {name}: converted by `ldpub init` from {path.name} ({syntax}); the triples are unchanged"
        if base:
            note += f"\n# (relative references resolved against the ontology's IRI <{base}>)"
        turtle = (note + "\n\n").encode("utf-8") + body
    return ImportedOntology(path, name, syntax, turtle, triples, _licence(triples), base)


def _prefixes(triples) -> dict[str, str]:
    from .rdfterms import STANDARD_PREFIXES

    used = {term.value for t in triples for term in (t.subject, t.predicate, t.object) if hasattr(term, "value")}
    extra = {"foaf": "http://xmlns.com/foaf/0.1/", "org": "http://www.w3.org/ns/org#",
             "prov": "http://www.w3.org/ns/prov#", "schema": "https://schema.org/", "time": "http://www.w3.org/2006/time#",
             "dc": "http://purl.org/dc/elements/1.1/", "vs": "http://www.w3.org/2003/06/sw-vocab-status/ns#"}
    candidates = {**extra, **STANDARD_PREFIXES}
    return {p: ns for p, ns in sorted(candidates.items()) if any(u.startswith(ns) for u in used)}


def _licence(triples) -> str | None:
    heads = {t.subject.value for t in triples if t.predicate.value == RDF_TYPE and t.object.value == OWL + "Ontology"}
    found = sorted(t.object.value for t in triples if t.subject.value in heads and t.predicate.value in LICENCE_PREDICATES)
    return found[0] if found else None


# ------------------------------------------------------------------ what ldpub needs to know
def _local(iri: str) -> str:
    return _LOCAL.search(iri).group(0) or iri


def _kebab(text: str) -> str:
    text = re.sub(r"([a-z0-9])([A-Z])", r"\1-\2", text)
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-") or "thing"


class _Graph:
    """The imported triples, indexed."""

    def __init__(self, triples) -> None:
        import pyoxigraph as ox

        self.named = ox.NamedNode
        self.sp: dict[tuple[str, str], list] = {}
        for t in triples:
            self.sp.setdefault((t.subject.value, t.predicate.value), []).append(t.object)
        self.types: dict[str, set[str]] = {}
        for t in triples:
            if t.predicate.value == RDF_TYPE and isinstance(t.subject, ox.NamedNode):
                self.types.setdefault(t.subject.value, set()).add(t.object.value)

    def iris(self, subject: str, *predicates: str) -> list[str]:
        return sorted({o.value for p in predicates for o in self.sp.get((subject, p), []) if isinstance(o, self.named)})

    def of_type(self, *types: str) -> list[str]:
        return sorted(s for s, ts in self.types.items() if ts & set(types))

    def is_datatype(self, iri: str, seen: frozenset = frozenset()) -> bool:
        """An RDFS datatype or a schema.org data type (schema:Text, schema:URL ⊑ schema:Text)."""
        if iri.startswith(XSD) or iri in (RDF + "langString", RDFS + "Literal") or iri in seen:
            return True
        if self.types.get(iri, set()) & {RDFS + "Datatype", *(ns + "DataType" for ns in SCHEMA)}:
            return True
        if iri in tuple(ns + "DataType" for ns in SCHEMA):
            return True
        return any(self.is_datatype(s, seen | {iri}) for s in self.iris(iri, RDFS + "subClassOf") if s != RDFS + "Class")


def _profile(graph: _Graph) -> tuple[str, list[str]]:
    """``ldpub-profile.ttl``: OWL kinds for RDFS terms; and the properties left without a kind."""
    lines, unknown = [], []
    classes = [c for c in graph.of_type(RDFS + "Class") if OWL + "Class" not in graph.types[c]
               and not c.startswith(BUILT_IN) and not graph.is_datatype(c)]
    owl_kinds = {OWL + k for k in ("ObjectProperty", "DatatypeProperty", "AnnotationProperty")}
    for cls in classes:
        lines.append(f"<{cls}> a owl:Class .")
    for prop in graph.of_type(RDF + "Property", OWL + "FunctionalProperty", OWL + "InverseFunctionalProperty",
                              OWL + "TransitiveProperty", OWL + "SymmetricProperty"):
        if graph.types[prop] & owl_kinds or prop.startswith(BUILT_IN):
            continue
        ranges = [r for r in graph.iris(prop, *RANGE_PREDICATES) if r not in (RDFS + "Resource", OWL + "Thing")]
        if not ranges and RDFS + "Resource" in graph.iris(prop, RDFS + "range"):
            ranges = [RDFS + "Resource"]
        if not ranges:
            unknown.append(prop)
            continue
        literal = [r for r in ranges if graph.is_datatype(r)]
        declared = [r for r in ranges if r not in literal and (r in graph.types or r == RDFS + "Resource")]
        kind = "DatatypeProperty" if literal and not declared else "ObjectProperty"
        if literal and declared:
            lines.append(f"# <{prop}> takes a record or a value; ldpub reads it as an object property")
        lines.append(f"<{prop}> a owl:{kind} .")
    return "\n".join(lines), unknown


PROFILE_HEAD = """@prefix owl:   <http://www.w3.org/2002/07/owl#> .
@prefix rdfs:  <http://www.w3.org/2000/01/rdf-schema#> .
@prefix skos:  <http://www.w3.org/2004/02/skos/core#> .

# What ldpub needs that the imported ontology leaves implicit (written by `ldpub init --ontology`).
# ldpub reads OWL: each rdfs:Class below is declared an owl:Class, each rdf:Property an object
# property (its range is a class) or a datatype property (its range is a datatype, or a
# schema.org data type), so that records can use them. No ldpub: annotation is needed: ldpub's
# pages read labels from rdfs:label and its sub-properties, dates from properties whose range is
# a date, the network from FOAF/ORG/PROV/schema.org agents (docs/bring-your-own-ontology.md in
# ldpub tells how to say more with ldpub:role).

rdfs:label a owl:AnnotationProperty ;
    rdfs:label "label"@en ;
    skos:definition "A name for the record, shown on its page and in tables."@en .
"""


# ------------------------------------------------------------------ shapes, samples, query
@dataclass
class _Slot:
    """One property a class's shape checks and its sample fills."""

    key: str
    iri: str
    constraint: str | None  # "sh:datatype <...>" or "sh:class <...>"
    sample: str | None  # the YAML scalar of the sample's value
    note: str  # what to tighten or why there is no sample value


def _slots(cls, vocab, graph: _Graph, samples: dict[str, str], prefixes: dict[str, str]) -> list[_Slot]:
    from .literals import InvalidLiteral, check_literal
    from .ontology import ANNOTATION, DATATYPE, OBJECT

    out = []
    for term in sorted(vocab.properties.values(), key=lambda t: t.key):
        if cls.iri not in graph.iris(term.iri, *DOMAIN_PREDICATES) or term.kind == ANNOTATION:
            continue
        ranges = graph.iris(term.iri, *RANGE_PREDICATES)
        if term.kind == DATATYPE:
            datatypes = term.datatypes or (XSD + "string",)
            sample = written = None
            for text in SAMPLE_LITERALS:
                try:
                    _, written = check_literal(text, datatypes)
                except InvalidLiteral:
                    continue
                sample = json.dumps(text)
                break
            single = len(datatypes) == 1 and written
            out.append(_Slot(term.key, term.iri, f"sh:datatype {_curie(written, prefixes)}" if single else None, sample,
                             "a value of " + " or ".join(_curie(d, prefixes) for d in datatypes)))
        elif term.kind == OBJECT:
            if term.range in vocab.expanders:
                out.append(_Slot(term.key, term.iri, f"sh:class {_curie(term.range, prefixes)}", json.dumps("2024"),
                                 "a fuzzy date (EDTF)"))
                continue
            target = term.range or (ranges[0] if len(ranges) == 1 else None)
            declared = bool(target) and vocab.class_by_iri(target) is not None
            individuals = sorted(vocab.individuals.get(target, {}).values()) if target else []
            sample = None
            if individuals:
                sample = json.dumps(_local(individuals[0]))
            elif declared:
                below = sorted(vocab.subclasses.get(target, {target}))
                sample = next((json.dumps(samples[c]) for c in [target, *below] if c in samples), None)
            constraint = f"sh:class {_curie(target, prefixes)}" if declared and target not in ANY_THING else None
            what = (f"a {_curie(target, prefixes)} record" if declared else
                    f"a record of {' or '.join(_curie(r, prefixes) for r in ranges)}" if ranges else "any record")
            out.append(_Slot(term.key, term.iri, constraint, sample, what))
    return out


def _shape_name(cls_iri: str, taken: set[str]) -> str:
    name = re.sub(r"[^A-Za-z0-9_]", "", _local(cls_iri)) or "Class"
    name = name[0].upper() + name[1:] + "Shape"
    while name in taken:
        name = "X" + name
    taken.add(name)
    return name


def _curie(iri: str, prefixes: dict[str, str]) -> str:
    """``prefix:local`` with a named prefix, else ``<iri>`` (valid Turtle and SPARQL either way)."""
    for prefix, ns in sorted(prefixes.items(), key=lambda kv: (-len(kv[1]), kv[0])):
        local = iri[len(ns):]
        if prefix and iri.startswith(ns) and re.fullmatch(r"[A-Za-z_][A-Za-z0-9_-]*", local or "-"):
            return f"{prefix}:{local}"
    return f"<{iri}>"


def _turtle_text(text: str) -> str:
    from .ntriples import literal

    return literal(" ".join(text.split()))


def _prefixes_of(vocab) -> dict[str, str]:
    """The prefixes for the generated files: the ontology's named ones and the standard ones."""
    from .rdfterms import STANDARD_PREFIXES

    known = {"sh": "http://www.w3.org/ns/shacl#", "rdfs": RDFS, "xsd": XSD, **STANDARD_PREFIXES}
    out = {p: ns for p, ns in vocab.prefixes.items() if p and re.fullmatch(r"[A-Za-z][A-Za-z0-9_-]*", p)}
    return {**out, **known}


def _classes(vocab, graph: _Graph) -> list:
    """The classes the imported files define (not built-in ones, not datatypes), as vocabulary terms."""
    defined = set(graph.of_type(OWL + "Class", RDFS + "Class"))
    return sorted((t for t in vocab.classes.values() if t.iri in defined and not t.iri.startswith(BUILT_IN)
                   and not graph.is_datatype(t.iri)), key=lambda t: t.key)


def _generated(vocab, graph: _Graph, values: dict[str, str]) -> dict[str, bytes]:
    classes = _classes(vocab, graph)
    label_key = vocab.property_by_iri(RDFS + "label").key if vocab.property_by_iri(RDFS + "label") else None
    taken_slugs: set[str] = set()
    samples: dict[str, str] = {}
    for cls in classes:
        slug = "sample-" + _kebab(_local(cls.iri))
        while slug in taken_slugs:
            slug += "-" + _kebab(vocab.curie(cls.iri).split(":")[0])
        taken_slugs.add(slug)
        samples[cls.iri] = slug
    prefixes = {p: ns for p, ns in {**_prefixes_of(vocab), "exs": values["shapes_ns"]}.items() if p}
    shapes = ["".join(f"@prefix {p}: <{ns}> .\n" for p, ns in sorted(prefixes.items())) + "\n"
              "# A skeleton written by `ldpub init --ontology`: one named node shape per class of the ontology,\n"
              "# a property shape for each property whose domain is that class, typed from its range. Tighten\n"
              "# them to what your records must say: sh:minCount 1 (required), sh:maxCount 1 (one value),\n"
              "# sh:in (a closed list), sh:pattern, sh:minInclusive..., and sh:message for your curators.\n"]
    records = ["# yaml-language-server: $schema=../records.schema.json\n"
               "# Sample records written by `ldpub init --ontology`: one per class of the ontology, each\n"
               "# property filled with a value that validates (references point at other samples). They\n"
               "# are not data: replace them with your records, keeping the keys you need.\n"]
    taken_shapes: set[str] = set()
    for cls in classes:
        slots = _slots(cls, vocab, graph, samples, prefixes)
        shape = _shape_name(cls.iri, taken_shapes)
        label = cls.label or _local(cls.iri)
        parts = [f"exs:{shape}\n    a sh:NodeShape ;\n    rdfs:label {_turtle_text(label)} ;\n    sh:targetClass {_curie(cls.iri, prefixes)}"]
        props = []
        for slot in slots:
            body = [f"sh:path {_curie(slot.iri, prefixes)}"] + ([slot.constraint] if slot.constraint else [])
            body.append("sh:message " + _turtle_text(f"'{slot.key}' is {slot.note}"))
            props.append("    # " + slot.key + ": " + slot.note + "; tighten: sh:minCount 1? sh:maxCount 1?\n"
                         "    sh:property [ " + " ; ".join(body) + " ]")
        shapes.append(" ;\n".join(parts + props) + " .\n")
        lines = [f"- id: {samples[cls.iri]}", f"  type: {cls.key}"]
        if label_key:
            lines.append(f"  {label_key}: {json.dumps('Sample ' + label)}")
        for slot in slots:
            if slot.sample is not None:
                lines.append(f"  {slot.key}: {slot.sample}")
            else:
                lines.append(f"  # {slot.key}: {slot.note} (no sample can be made)")
        records.append("\n".join(lines) + "\n")
    example = _curie(classes[0].iri, prefixes) if classes else "rdfs:Resource"
    query = ("# title: Records per class\n"
             "# description: Every record with its classes and label; with class=..., only the records of that class.\n"
             f"# param: class: iri optional -- a class, by prefixed name or IRI (e.g. {example})\n"
             "PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>\n\n"
             "SELECT ?class ?record ?label\nWHERE {\n  ?record a ?class .\n"
             f"  FILTER(STRSTARTS(STR(?record), \"{values['base_iri']}\"))\n"
             "  OPTIONAL { ?record rdfs:label ?label }\n}\nORDER BY ?class ?record\n")
    body = "\n".join(shapes[1:])
    used = {p: ns for p, ns in prefixes.items() if re.search(rf"(?<![\w-]){re.escape(p)}:", body)}
    shapes_text = "".join(f"@prefix {p}: <{ns}> .\n" for p, ns in sorted(used.items())) + "\n" + body
    return {"shapes/shapes.ttl": shapes_text.encode("utf-8"),
            "data/samples.yaml": "\n".join(records).encode("utf-8"),
            "queries/records.rq": query.encode("utf-8")}


def _readme(imported: list[ImportedOntology], unknown: list[str], vocab) -> bytes:
    lines = ["# The ontology", "",
             "Written by `ldpub init --ontology`. Edit `ldpub-profile.ttl` and add your own terms in new",
             "`*.ttl` files here; keep the imported files as their publishers wrote them.", "",
             "| file | from | syntax | licence (as the file states it) |", "|---|---|---|---|"]
    for item in imported:
        licence = f"<{item.licence}>" if item.licence and "://" in item.licence else (item.licence or
                  "**unknown**: the file states none; find its licence before you publish it")
        lines.append(f"| `{item.name}` | `{item.source.name}` | {item.syntax} | {licence} |")
    lines += ["", "`ldpub-profile.ttl`: what ldpub needs that the files leave implicit (OWL kinds for RDFS terms,",
              "`rdfs:label` as a record key)."]
    if unknown:
        lines += ["", "Properties without a range, which records cannot use until you declare them",
                  "`owl:ObjectProperty` or `owl:DatatypeProperty` in `ldpub-profile.ttl`:", ""]
        lines += [f"- `{vocab.curie(p)}`" for p in unknown]
    return ("\n".join(lines) + "\n").encode("utf-8")


def ontology_files(paths: list[Path], values: dict[str, str]) -> tuple[dict[str, bytes], list[str]]:
    """The project files made from the ontology ``paths`` and what init should tell the user."""
    from .ontology import load_vocabulary

    imported = [read_ontology(Path(p)) for p in paths]
    names: dict[str, int] = {}
    for item in imported:
        stem = item.name[:-4]
        if item.name == "ldpub-profile.ttl" or item.name in names:
            names[item.name] = names.get(item.name, 1) + 1
            item.name = f"{stem}-{names[item.name]}.ttl"
        names.setdefault(item.name, 1)
    graph = _Graph([t for item in imported for t in item.triples])
    declarations, unknown = _profile(graph)
    files = {f"ontology/{item.name}": item.turtle for item in imported}
    files["ontology/ldpub-profile.ttl"] = (PROFILE_HEAD + ("\n" + declarations + "\n" if declarations else "")).encode("utf-8")
    with tempfile.TemporaryDirectory(prefix="ldpub-init-") as tmp:
        folder = Path(tmp, "ontology")
        folder.mkdir()
        for path, content in files.items():
            Path(tmp, path).write_bytes(content)
        vocab = load_vocabulary(folder)
    files["ontology/README.md"] = _readme(imported, unknown, vocab)
    files.update(_generated(vocab, graph, values))
    notes = []
    for item in imported:
        if item.syntax != "Turtle" or item.base:
            notes.append(f"ontology/{item.name}: converted from {item.source.name} ({item.syntax})"
                         + (f", relative references resolved against <{item.base}>" if item.base else ""))
        if not item.licence:
            notes.append(f"licence unknown: {item.source.name} states none; find its licence before you publish it "
                         "(ontology/README.md)")
    return files, notes
