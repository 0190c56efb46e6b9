"""A JSON Schema of the record format, derived from the ontology and the shapes.

Editors that speak the YAML language server protocol (VS Code's YAML extension, Neovim,
Helix, JetBrains IDEs) read it to complete record keys, offer the named individuals a key
may take, and flag a wrong value while the curator types, before any build::

    # yaml-language-server: $schema=../records.schema.json
    - id: my-record
      type: Organization

What the schema knows comes from the project, never from code:

* the ontology gives the keys (:class:`ldpub.ontology.Vocabulary`), each key's description
  (its definition), the value type from its range (a reference, a nested record, a fuzzy
  date for an expander range, or a literal of an XSD datatype), and the individuals a
  reference may name;
* the shapes give, per targeted class, what JSON Schema can say: required keys
  (``sh:minCount``), how many values (``sh:maxCount``), allowed individuals (``sh:in``),
  ``sh:pattern``, ``sh:minLength``/``sh:maxLength`` and numeric bounds, on plain-IRI paths.

It is a help for editors, not the judge: comparisons between keys, SPARQL constraints and
logical combinations stay with ``ldpub validate``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any, Iterable

from .ontology import ANNOTATION, DATATYPE, OBJECT, Term, Vocabulary, kebab_case, name_key
from .rdfterms import RDF, RDF_LANGSTRING, RDF_TYPE, SH, XSD

__all__ = ["record_schema", "project_schema", "schema_json", "SCHEMA_DIALECT"]

# draft-07: the dialect every YAML language server and JSON Schema library reads
SCHEMA_DIALECT = "http://json-schema.org/draft-07/schema#"

_INTEGER_TYPES = {XSD + t for t in (
    "integer", "int", "long", "short", "byte", "nonNegativeInteger", "positiveInteger", "nonPositiveInteger",
    "negativeInteger", "unsignedLong", "unsignedInt", "unsignedShort", "unsignedByte")}
_INTEGER_TEXT = r"^[+-]?[0-9]+$"
# the lexical spaces ldpub.literals checks: a decimal has no exponent, a double or float may be INF or NaN
_DECIMAL_TEXT = r"^[+-]?([0-9]+(\.[0-9]*)?|\.[0-9]+)$"
_FLOAT_TEXT = r"^([+-]?([0-9]+(\.[0-9]*)?|\.[0-9]+)([eE][+-]?[0-9]+)?|[+-]?INF|NaN)$"
_NUMBER_TEXTS = {XSD + "decimal": _DECIMAL_TEXT, XSD + "double": _FLOAT_TEXT, XSD + "float": _FLOAT_TEXT}
_TEXT_PATTERNS = {
    XSD + "date": r"^-?[0-9]{4,}-[0-9]{2}-[0-9]{2}(Z|[+-][0-9]{2}:[0-9]{2})?$",
    XSD + "dateTime": r"^-?[0-9]{4,}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(\.[0-9]+)?(Z|[+-][0-9]{2}:[0-9]{2})?$",
    XSD + "gYear": r"^-?[0-9]{4,}(Z|[+-][0-9]{2}:[0-9]{2})?$",
    XSD + "gYearMonth": r"^-?[0-9]{4,}-[0-9]{2}(Z|[+-][0-9]{2}:[0-9]{2})?$",
    XSD + "anyURI": r"^\S*$",
}
_NUMERIC_BOUNDS = {"minInclusive": "minimum", "maxInclusive": "maximum",
                   "minExclusive": "exclusiveMinimum", "maxExclusive": "exclusiveMaximum"}


# ---------------------------------------------------------------------------- shapes, as far as JSON Schema goes
@dataclass
class _KeyRule:
    """What the shapes say about one key of the records of one class."""

    min_count: int = 0
    max_count: int | None = None
    allowed: list[dict[str, Any]] = field(default_factory=list)  # one schema per sh:in list
    patterns: list[str] = field(default_factory=list)
    keywords: dict[str, Any] = field(default_factory=dict)  # minLength, maximum, ...


class _Shapes:
    """The shapes triples indexed by subject: just enough to read property shapes."""

    def __init__(self, triples: Iterable) -> None:
        self.out: dict[Any, dict[str, list]] = {}
        for t in triples:
            self.out.setdefault(t.subject, {}).setdefault(t.predicate.value, []).append(t.object)

    def objects(self, node, predicate: str) -> list:
        return self.out.get(node, {}).get(predicate, [])

    def one(self, node, predicate: str):
        values = self.objects(node, predicate)
        return values[0] if len(values) == 1 else None

    def items(self, head) -> list:
        out, seen = [], set()
        while head is not None and getattr(head, "value", None) != RDF + "nil" and head not in seen:
            seen.add(head)
            first = self.one(head, RDF + "first")
            if first is None:
                return []
            out.append(first)
            head = self.one(head, RDF + "rest")
        return out

    def node_shapes(self) -> Iterable:
        for node, props in self.out.items():
            if SH + "targetClass" in props and not _deactivated(self, node):
                yield node


def _deactivated(shapes: _Shapes, node) -> bool:
    return any(getattr(v, "value", "") == "true" for v in shapes.objects(node, SH + "deactivated"))


def _integer(term) -> int | None:
    try:
        return int(term.value)
    except (AttributeError, ValueError):
        return None


def _number(term) -> float | int | None:
    try:
        text = term.value
        return int(text) if re.fullmatch(r"[+-]?[0-9]+", text) else float(text)
    except (AttributeError, ValueError):
        return None


def _class_rules(shapes: _Shapes, vocab: Vocabulary) -> dict[str, dict[str, _KeyRule]]:
    """Class IRI -> record key -> the rule its targeting shapes give (plain IRI paths only)."""
    rules: dict[str, dict[str, _KeyRule]] = {}
    for shape in shapes.node_shapes():
        classes = [c.value for c in shapes.objects(shape, SH + "targetClass") if hasattr(c, "value")]
        for prop in shapes.objects(shape, SH + "property"):
            if _deactivated(shapes, prop):
                continue
            path = shapes.one(prop, SH + "path")
            term = vocab.property_by_iri(path.value) if path is not None and type(path).__name__ == "NamedNode" else None
            if term is None:
                continue
            for cls in classes:
                rule = rules.setdefault(cls, {}).setdefault(term.key, _KeyRule())
                _read_property_shape(shapes, prop, rule, vocab)
    return rules


def _read_property_shape(shapes: _Shapes, prop, rule: _KeyRule, vocab: Vocabulary) -> None:
    min_count = _integer(shapes.one(prop, SH + "minCount"))
    if min_count:
        rule.min_count = max(rule.min_count, min_count)
    max_count = _integer(shapes.one(prop, SH + "maxCount"))
    if max_count is not None:
        rule.max_count = max_count if rule.max_count is None else min(rule.max_count, max_count)
    head = shapes.one(prop, SH + "in")
    if head is not None:
        rule.allowed.append(_one_of(shapes.items(head), vocab))
    pattern = shapes.one(prop, SH + "pattern")
    if pattern is not None and not shapes.objects(prop, SH + "flags"):
        rule.patterns.append(pattern.value)
    for shacl, keyword in (("minLength", "minLength"), ("maxLength", "maxLength")):
        value = _integer(shapes.one(prop, SH + shacl))
        if value is not None:
            rule.keywords[keyword] = value
    for shacl, keyword in _NUMERIC_BOUNDS.items():
        value = _number(shapes.one(prop, SH + shacl))
        if value is not None:
            rule.keywords[keyword] = value


def _one_of(members: list, vocab: Vocabulary) -> dict[str, Any]:
    """The values an sh:in list allows, as a record writes them.

    A literal is written as it is. An individual may be written by local name, label or
    kebab-case, in any case (:meth:`ldpub.ontology.Vocabulary.find_individuals`): the enum
    offers the usual forms for completion, the pattern accepts every spelling ldpub accepts.
    """
    offered: set[str] = set()
    keys: set[str] = set()
    for member in members:
        if type(member).__name__ != "NamedNode":
            offered.add(member.value)
            continue
        names = _names_of(vocab, member.value)
        offered.update(names)
        keys.update(name_key(n) for n in names)
    enum = {"enum": _with_numbers(offered)}
    keys.discard("")
    return {"anyOf": [enum, {"type": "string", "pattern": _spelled(keys)}]} if keys else enum


def _with_numbers(names: set[str]) -> list:
    """The names, plus the number a YAML reader makes of a name that is all digits (``credibility: 2``)."""
    return sorted(names) + sorted({int(n) for n in names if n.isascii() and n.isdigit()})


def _spelled(keys: set[str]) -> str:
    """A pattern for the texts whose letters and digits, ignoring case, spell one of ``keys``."""
    gap = "[^0-9A-Za-z]*"

    def letter(c: str) -> str:
        return f"[{c}{c.upper()}]" if c.isascii() and c.isalpha() and c.upper() != c else re.escape(c)

    return "^(" + "|".join(gap + gap.join(letter(c) for c in key) + gap for key in sorted(keys)) + ")$"


# ---------------------------------------------------------------------------- values
def _literal(term: Term) -> dict[str, Any]:
    """A literal of the property's datatype, or of any member of a union range."""
    datatypes = getattr(term, "datatypes", None) or (term.range,)
    options = [_one_datatype(term, d) for d in datatypes]
    return options[0] if len(options) == 1 else {"anyOf": options}


def _one_datatype(term: Term, datatype: str | None) -> dict[str, Any]:
    datatype = datatype or (RDF_LANGSTRING if term.kind == ANNOTATION else XSD + "string")
    if datatype == XSD + "boolean":  # XSD's lexical space: true, false, 1, 0
        return {"anyOf": [{"type": "boolean"}, {"enum": ["true", "false", "1", "0", 1, 0]}]}
    if datatype in _INTEGER_TYPES:
        return {"anyOf": [{"type": "integer"}, {"type": "string", "pattern": _INTEGER_TEXT}]}
    if datatype in _NUMBER_TEXTS:
        return {"anyOf": [{"type": "number"}, {"type": "string", "pattern": _NUMBER_TEXTS[datatype]}]}
    if datatype in _TEXT_PATTERNS:
        return {"type": "string", "pattern": _TEXT_PATTERNS[datatype]}
    # text: a number or a boolean written without quotes is still read as its text
    return {"type": ["string", "number", "boolean"]}


def _individual_names(vocab: Vocabulary, range_iri: str | None) -> list[str]:
    if not range_iri:
        return []
    names: set[str] = set()
    for cls in vocab.subclasses.get(range_iri, {range_iri}):
        for name, iri in vocab.individuals.get(cls, {}).items():
            names.update(_names_of(vocab, iri) | {name})
    return sorted(names)


def _names_of(vocab: Vocabulary, iri: str) -> set[str]:
    """How a record usually names an individual: local name, its kebab-case, its label."""
    local = re.split(r"[#/]", iri)[-1]
    label = vocab.labels.get(iri)
    return {n for n in (local, kebab_case(local) if local else None, label) if n}


def _single_value(term: Term, vocab: Vocabulary) -> dict[str, Any]:
    if term.kind != OBJECT:
        return _literal(term)
    if term.range in vocab.expanders:
        spec = vocab.expanders[term.range]
        return {"type": ["string", "integer"], "description": f"a value for the '{spec.name}' expander"
                + (" (Extended Date/Time Format: 2016, 2019-21, 2019-08/2019-10, ../2000)" if spec.name == "edtf" else "")}
    options: list[dict[str, Any]] = []
    names = _individual_names(vocab, term.range)
    if names:
        options.append({"enum": _with_numbers(set(names))})
    options.append({"$ref": "#/definitions/reference"})
    options.append(_nested_ref(term.range, vocab))
    return {"anyOf": options}


def _nested_ref(range_iri: str | None, vocab: Vocabulary) -> dict[str, Any]:
    cls = vocab.class_by_iri(range_iri) if range_iri else None
    return {"$ref": f"#/definitions/nested-{cls.key}"} if cls else {"$ref": "#/definitions/nested"}


def _value(term: Term, vocab: Vocabulary) -> dict[str, Any]:
    single = _single_value(term, vocab)
    schema: dict[str, Any] = {"anyOf": [single, {"type": "array", "items": single}]}
    description = term.definition or term.label
    if description:
        schema["description"] = description
    return schema


# ---------------------------------------------------------------------------- records
def _type_is(keys: list[str]) -> dict[str, Any]:
    return {"anyOf": [{"enum": keys}, {"type": "array", "contains": {"enum": keys}}]}


def _rule_schema(key: str, rule: _KeyRule) -> dict[str, Any]:
    item: dict[str, Any] = dict(rule.keywords)
    if len(rule.allowed) == 1:
        item.update(rule.allowed[0])
    elif rule.allowed:
        item["allOf"] = list(rule.allowed)
    if len(rule.patterns) == 1:
        item["pattern"] = rule.patterns[0]
    elif rule.patterns:
        item["allOf"] = item.get("allOf", []) + [{"pattern": p} for p in rule.patterns]
    single: dict[str, Any] = {"not": {"type": "array"}}
    many: dict[str, Any] = {"type": "array"}
    if rule.min_count:
        many["minItems"] = rule.min_count
    if rule.max_count is not None:
        many["maxItems"] = rule.max_count
    if item:
        single = {"allOf": [single, item]}
        many["items"] = item
    options = [many] if rule.min_count > 1 else [single, many]
    if rule.max_count is not None and rule.max_count <= 1:
        options = [single]
    return {"anyOf": options} if len(options) > 1 else options[0]


def _shape_constraints(by_key: dict[str, _KeyRule]) -> dict[str, Any] | None:
    """What the shapes targeting one class say about its records' keys (None: nothing JSON Schema can say)."""
    properties = {key: _rule_schema(key, rule) for key, rule in sorted(by_key.items())
                  if rule.min_count or rule.max_count is not None or rule.allowed
                  or rule.patterns or rule.keywords}
    required = sorted(key for key, rule in by_key.items() if rule.min_count)
    if not properties:
        return None
    out: dict[str, Any] = {"properties": properties}
    if required:
        out["required"] = required
    return out


def _aliases(vocab: Vocabulary, terms: dict[str, Term]) -> dict[str, str]:
    """Other names the records may use for these terms (prefixed or local names): alias -> key."""
    return {alias: key for alias, key in sorted(getattr(vocab, "aliases", {}).items()) if key in terms}


def _class_key(vocab: Vocabulary, iri: str) -> str | None:
    term = vocab.class_by_iri(iri)
    return term.key if term else None


def record_schema(vocab: Vocabulary, shape_triples: Iterable = (), *, title: str | None = None,
                  slug_pattern: str = r"^[a-z0-9][a-z0-9-]*$") -> dict[str, Any]:
    """The JSON Schema (draft-07) of a records file of this ontology and these shapes.

    ``shape_triples``: the shapes as pyoxigraph Triples. The result is plain JSON data,
    deterministic for the same input (keys and lists sorted).
    """
    rules = _class_rules(_Shapes(shape_triples), vocab)
    class_aliases = _aliases(vocab, vocab.classes)
    class_keys = sorted([*vocab.classes, *class_aliases])
    defs: dict[str, Any] = {
        "slug": {"type": "string", "pattern": slug_pattern,
                 "description": "lower-case letters, digits and hyphens; it names the record's IRI"},
        # a slug, an absolute IRI, or an individual by local name, label or kebab-case: any text
        "reference": {"type": "string", "minLength": 1,
                      "description": "the id (slug) of a record, a named individual, or an absolute IRI"},
        "type": {"anyOf": [{"enum": class_keys}, {"type": "array", "items": {"enum": class_keys}, "minItems": 1}],
                 "description": "a class of the ontology"},
    }
    shaped: dict[str, str] = {}  # target class IRI -> its def name
    conditions = []
    for target in sorted(rules):
        key = _class_key(vocab, target)
        constraints = _shape_constraints(rules[target])
        if key is None or constraints is None:
            continue
        shaped[target] = f"shape-{key}"
        defs[shaped[target]] = constraints
        members = sorted(k for k in (_class_key(vocab, c) for c in vocab.subclasses.get(target, {target})) if k)
        members = sorted([*members, *(alias for alias, key in class_aliases.items() if key in members)])
        conditions.append({"if": {"properties": {"type": _type_is(members)}, "required": ["type"]},
                           "then": {"$ref": f"#/definitions/{shaped[target]}"}})
    keys = {term.key: _value(term, vocab) for term in vocab.properties.values()}
    for alias, key in _aliases(vocab, vocab.properties).items():  # org:member as well as member
        keys[alias] = {**_value(vocab.properties[key], vocab), "description": f"the same as '{key}'"}
    body = {"properties": {"id": {"$ref": "#/definitions/slug"}, "type": {"$ref": "#/definitions/type"}, **dict(sorted(keys.items()))},
            "additionalProperties": False}
    defs["nested"] = {"type": "object", **body, **({"allOf": conditions} if conditions else {})}
    defs["record"] = {"allOf": [{"$ref": "#/definitions/nested"}], "required": ["id", "type"]}
    ranges = sorted({t.range for t in vocab.properties.values() if t.kind == OBJECT and t.range in vocab.subclasses})
    for range_iri in ranges:  # a nested record without 'type' takes its class from the property's range
        key = _class_key(vocab, range_iri)
        applying = [{"$ref": f"#/definitions/{name}"} for target, name in sorted(shaped.items())
                    if range_iri in vocab.subclasses.get(target, {target})]
        if key is None:
            continue
        defs[f"nested-{key}"] = {"allOf": [{"$ref": "#/definitions/nested"},
                                           {"if": {"not": {"required": ["type"]}}, "then": {"allOf": applying}}]} \
            if applying else {"$ref": "#/definitions/nested"}
    return {
        "$schema": SCHEMA_DIALECT,
        "title": title or "ldpub records",
        "description": "A records file: a list of records. Generated by 'ldpub schema' from the ontology and "
                       "the shapes; 'ldpub validate' remains the judge.",
        "type": "array",
        "items": {"$ref": "#/definitions/record"},
        "definitions": dict(sorted(defs.items())),
    }


def project_schema(project) -> dict[str, Any]:
    """The record schema of a project (:class:`ldpub.config.Project`): its ontology and shapes."""
    from .ontology import load_vocabulary
    from .iris import SLUG_ANCHORED
    from .validate import load_shapes

    vocab = load_vocabulary(project.ontology_path)
    shapes_store, _ = load_shapes(project.shapes_path)
    title = str(project.section("project").get("title") or project.name)
    return record_schema(vocab, (q.triple for q in shapes_store), title=f"{title}: records",
                         slug_pattern=SLUG_ANCHORED)


def schema_json(schema: dict[str, Any]) -> str:
    """The schema as JSON text: indented, key order kept, a final newline (byte-stable)."""
    import json

    return json.dumps(schema, indent=2, ensure_ascii=False) + "\n"
