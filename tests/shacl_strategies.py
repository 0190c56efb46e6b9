"""Hypothesis strategies for random SHACL shapes graphs and data graphs (Turtle text).

The shapes come from a grammar of SHACL features (SHACL Core and SHACL-SPARQL,
https://www.w3.org/TR/shacl/):

* targets of every kind: ``sh:targetClass`` (instances of subclasses included), implicit class
  targets (a shape that is also an ``rdfs:Class``), ``sh:targetNode`` (IRIs and literals),
  ``sh:targetSubjectsOf``, ``sh:targetObjectsOf`` and SPARQL-based targets (``sh:target [ a
  sh:SPARQLTarget ]``, SHACL Advanced Features 5.1; pySHACL runs them with ``advanced=True``);
* paths of every kind (§2.3.1): IRI, inverse, sequence, alternative, zero-or-more, one-or-more,
  zero-or-one, nested in each other;
* every core constraint component (§4) with parameters drawn from the same small pools as the
  data, so that each constraint both holds and fails; logical and shape-based components
  (``sh:and``/``sh:or``/``sh:xone``/``sh:not``/``sh:node``/``sh:qualifiedValueShape``)
  referring to named shapes (IRIs, never in a cycle: recursion is undefined, §3.4.3) and to
  blank shapes; nested property shapes; closed shapes; severities (custom ones included);
  messages with language tags; deactivated shapes;
* SPARQL-based constraints (§5): ``sh:sparql`` with an ``sh:select`` using ``$this``, ``$PATH``
  in property shapes and prefixes declared with ``sh:declare``; SPARQL-based constraint
  components (§6) with ASK and SELECT validators, pre-bound parameters and an optional one.

The data graphs use a few IRIs, blank nodes and literals of many datatypes (ill-typed ones
included), ``rdf:type`` links and ``rdfs:subClassOf`` chains; every value comes from the pools
the shapes' parameters are drawn from, so constraints fire.

Blank nodes in the data carry fixed labels (``_:b1``, ``_:b2``), so that results about them can be
compared between engines; the comparison (``tests/shacl_compare.py``) parses each Turtle text
once and gives every engine the same terms.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from hypothesis import strategies as st

EX = "http://example.org/"
PREFIXES = {
    "ex": EX,
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
    "sh": "http://www.w3.org/ns/shacl#",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
}
PREFIX_BLOCK = "".join(f"@prefix {name}: <{iri}> .\n" for name, iri in PREFIXES.items())

# ------------------------------------------------------------------------------ term pools
# Simplest first: hypothesis shrinks sampled_from toward the first element.
NODES = ["ex:n0", "ex:n1", "ex:n2", "ex:né"]  # é: one character, two UTF-8 bytes
BLANKS = ["_:b1", "_:b2"]  # labels a report writer might also use for its own nodes
CLASSES = ["ex:C0", "ex:C1", "ex:C2"]
PREDICATES = ["ex:p", "ex:q", "ex:r"]
LITERALS = [
    '"a"',
    '"abc"',
    '""',
    '"ab"^^xsd:string',
    '"a"@en',
    '"b"@en-US',
    '"A"@EN',
    '"c"@de',
    '"b"@en',
    '"d"@de',
    "1",
    '"01"^^xsd:integer',
    "-5",
    '"1.0"^^xsd:decimal',
    "2.5",
    '"1.0E0"^^xsd:double',
    '"3"^^xsd:float',
    '"7"^^xsd:long',
    '"4"^^xsd:nonNegativeInteger',
    "true",
    '"0"^^xsd:boolean',
    '"2020-01-01"^^xsd:date',
    '"2021-06-30"^^xsd:date',
    '"2020-01-01T10:00:00"^^xsd:dateTime',
    '"12:00:00"^^xsd:time',
    # characters N-Triples escapes or writes in several bytes (STRLEN counts characters)
    '"a\\"b"',
    '"x\\ny"',
    '"é"',
    '"😀"@en',
    # ill-typed literals (RDF 1.1 Concepts §3.3): not in the lexical space of their datatype
    '"abc"^^xsd:integer',
    '"c"^^xsd:byte',
    '"2020-13-45"^^xsd:date',
    '"x"^^ex:unknownType',
]
DATATYPES = [
    "xsd:string",
    "xsd:integer",
    "rdf:langString",
    "xsd:decimal",
    "xsd:boolean",
    "xsd:date",
    "xsd:dateTime",
    "xsd:double",
    "xsd:float",
    "xsd:byte",
    "xsd:long",
    "xsd:nonNegativeInteger",
    "ex:unknownType",
]
# literals a range constraint compares with (numbers, dates, strings)
BOUNDS = ["1", "0", "2.5", '"1.0E0"^^xsd:double', '"2020-06-01"^^xsd:date', '"2020-01-01T10:00:00"^^xsd:dateTime', '"b"']
NODE_KINDS = ["sh:IRI", "sh:Literal", "sh:BlankNode", "sh:BlankNodeOrIRI", "sh:BlankNodeOrLiteral", "sh:IRIOrLiteral"]
PATTERNS = ["a", "^a", "^[0-9]+$", "B", "^$", "n[12]", "\\\\d", "^http://example\\\\.org/", "^x.y$", "^y", "é$"]
# regex flags pySHACL knows (it ignores "s", "x" and "q", which XPath defines)
FLAGS = ['"i"', '"m"', '"im"']
LANGUAGES = ["en", "de", "en-US", "EN", "fr"]
SEVERITIES = ["sh:Warning", "sh:Violation", "sh:Info", "ex:CustomSeverity"]


# ------------------------------------------------------------------------------ a tiny Turtle writer
@dataclass(frozen=True)
class Blank:
    """A blank node written ``[ p o ; ... ]``."""

    pairs: tuple[tuple[str, object], ...]


@dataclass(frozen=True)
class Items:
    """An RDF collection written ``( a b ... )``."""

    items: tuple[object, ...]


@dataclass(frozen=True)
class Text:
    """A string literal written with triple quotes (SPARQL queries)."""

    text: str


def render(term: object, indent: int = 1) -> str:
    """One Turtle object: a term as written, a nested blank node, a collection or a long string."""
    if isinstance(term, str):
        return term
    if isinstance(term, Text):
        return '"""' + term.text.replace("\\", "\\\\").replace('"', '\\"') + '"""'
    if isinstance(term, Items):
        return "( " + " ".join(render(t, indent + 1) for t in term.items) + " )"
    if isinstance(term, Blank):
        if not term.pairs:
            return "[ ]"
        pad = "    " * (indent + 1)
        body = f" ;\n{pad}".join(f"{p} {render(o, indent + 1)}" for p, o in term.pairs)
        return f"[\n{pad}{body}\n{'    ' * indent}]"
    raise TypeError(term)


def render_subject(subject: object, pairs: tuple[tuple[str, object], ...]) -> str:
    """One Turtle statement: a named subject with its pairs, or a top-level ``[ ... ] .``."""
    if isinstance(subject, Blank):
        return render(Blank(subject.pairs + pairs), 0) + " .\n"
    body = " ;\n    ".join(f"{p} {render(o)}" for p, o in pairs)
    return f"{subject}\n    {body} .\n"


# ------------------------------------------------------------------------------ paths
def _has_sequence(path: object) -> bool:
    if isinstance(path, Items):
        return True
    if isinstance(path, Blank):
        return any(_has_sequence(p) for p in path.pairs[0][1].items) if path.pairs[0][0] == "sh:alternativePath" \
            else _has_sequence(path.pairs[0][1])
    return False


def inverse(path: object) -> object:
    """The inverse of a path: ``[ sh:inversePath p ]``, or, where p holds a sequence, the same
    path with the inverse pushed down to its predicates (^(a/b) = ^b/^a): pySHACL walks an
    inverse sequence in the wrong order (PYSHACL_DEVIATIONS)."""
    if not _has_sequence(path):
        return Blank((("sh:inversePath", path),))
    if isinstance(path, Items):
        return Items(tuple(inverse(p) for p in reversed(path.items)))
    key, inner = path.pairs[0]
    if key == "sh:inversePath":
        return inner
    if key == "sh:alternativePath":
        return Blank(((key, Items(tuple(inverse(p) for p in inner.items))),))
    return Blank(((key, inverse(inner)),))


def _path_extend(sub: st.SearchStrategy) -> st.SearchStrategy:
    def wrap(key):
        return lambda p: Blank(((key, p),))

    return st.one_of(
        sub.map(inverse),
        st.lists(sub, min_size=2, max_size=3).map(lambda ps: Items(tuple(ps))),
        st.lists(sub, min_size=2, max_size=3).map(lambda ps: Blank((("sh:alternativePath", Items(tuple(ps))),))),
        sub.map(wrap("sh:zeroOrMorePath")),
        sub.map(wrap("sh:oneOrMorePath")),
        sub.map(wrap("sh:zeroOrOnePath")),
    )


PATH_PREDICATES = PREDICATES + ["rdf:type", "rdfs:subClassOf"]
paths = st.recursive(st.sampled_from(PATH_PREDICATES), _path_extend, max_leaves=3)
_UNARY = ("sh:inversePath", "sh:zeroOrMorePath", "sh:oneOrMorePath", "sh:zeroOrOnePath")


def sparql_safe(path: object) -> bool:
    """Whether pySHACL writes this path as valid SPARQL for ``$PATH``: it writes a modifier of a
    modifier as ``p*+`` and an inverse of an inverse as ``^^p``, where SPARQL needs ``(p*)+``
    and ``^(^p)`` (SHACL-SPARQL §5.3.1); such paths get no SPARQL constraint."""
    if isinstance(path, str):
        return True
    if isinstance(path, Items):
        return all(sparql_safe(p) for p in path.items)
    key, inner = path.pairs[0]
    if key == "sh:alternativePath":
        return sparql_safe(inner)
    if isinstance(inner, Blank) and inner.pairs[0][0] in _UNARY and (key != "sh:inversePath" or inner.pairs[0][0] == key):
        return False
    return sparql_safe(inner)


# ------------------------------------------------------------------------------ SPARQL
SPARQL_PREFIXES = "ex:prefixes"  # a node declaring ex: and xsd: with sh:declare
PREFIX_DECLARATIONS = (
    "ex:prefixes",
    (
        ("sh:declare", Blank((("sh:prefix", '"ex"'), ("sh:namespace", f'"{EX}"^^xsd:anyURI')))),
        ("sh:declare", Blank((("sh:prefix", '"xsd"'), ("sh:namespace", '"http://www.w3.org/2001/XMLSchema#"^^xsd:anyURI')))),
    ),
)
# conditions on ?value (never an error outside FILTER: errors make the filter false)
VALUE_FILTERS = [
    "isLiteral(?value)",
    "isIRI(?value)",
    "isBlank(?value)",
    "!isBlank(?value) && STRLEN(STR(?value)) > 1",  # STR() of a blank node is an error, not in rdflib
    '?value = "a"',
    "?value = ex:n1",
    "datatype(?value) = xsd:integer",
    'lang(?value) != ""',
    "isNumeric(?value) && ?value > 1",  # rdflib's SPARQL orders any two terms: "abc" > 1 holds there
    "sameTerm(?value, 1)",
]
NODE_QUERIES = [
    "SELECT $this ?value WHERE {{ $this ex:p ?value . FILTER ({f}) }}",
    "SELECT $this WHERE {{ FILTER NOT EXISTS {{ $this ex:q ?value }} }}",
    "SELECT $this ?value WHERE {{ ?value ex:p $this . FILTER ({f}) }}",
    "SELECT $this ?path ?value WHERE {{ $this ?path ?value . FILTER (?path = ex:r && {f}) }}",
    "SELECT $this ?value WHERE {{ OPTIONAL {{ $this ex:r ?value }} FILTER (!bound(?value) || {f}) }}",
    "SELECT ?this WHERE {{ FILTER ({this_filter}) }}",
    # DISTINCT: both branches may give the same solution; pySHACL (rdflib pre-binding) keeps one
    "SELECT DISTINCT $this ?value WHERE {{ {{ $this ex:p ?value }} UNION {{ $this ex:q ?value }} FILTER ({f}) }}",
    "SELECT $this ?value WHERE {{ $this ex:p ?value . OPTIONAL {{ ?value ex:q ?o }} FILTER (!bound(?o)) }}",
    "SELECT $this WHERE {{ $this ex:p ?v }} GROUP BY $this HAVING (COUNT(?v) > 1)",
    "SELECT $this ?value WHERE {{ {{ SELECT $this ?value WHERE {{ $this ex:r ?value }} }} FILTER ({f}) }}",
    "SELECT $this ?value WHERE {{ $this ex:p ?value . FILTER (EXISTS {{ ?value ex:p ?z }} || {f}) }}",
    "SELECT DISTINCT $this ?value WHERE {{ $this ex:p/ex:q ?value }}",
    "SELECT $this ?value WHERE {{ BIND ($this AS ?value) FILTER ({f}) }}",
    "SELECT $this WHERE {{ FILTER (isBlank($currentShape) && {this_filter}) }}",
    # forbidden (SHACL-SPARQL Appendix A): both engines must refuse the shapes
    "SELECT $this WHERE {{ $this ex:p ?v MINUS {{ ?v ex:q ?z }} }}",
]
# Queries with $PATH select DISTINCT: a sequence path is a join, so ?value may repeat (SPARQL 1.1
# §18.2.2.4), where rdflib's SPARQL gives each pair once.
PROPERTY_QUERIES = [
    "SELECT DISTINCT $this ?value WHERE {{ $this $PATH ?value . FILTER ({f}) }}",
    "SELECT DISTINCT $this WHERE {{ $this $PATH ?a , ?b . FILTER (?a != ?b) }}",
    "SELECT DISTINCT $this ?value WHERE {{ $this $PATH ?value . FILTER NOT EXISTS {{ ?value ex:p ?x }} }}",
    "SELECT DISTINCT $this ?value WHERE {{ $this $PATH ?value . OPTIONAL {{ ?value ex:p ?o }} FILTER (bound(?o) && {f}) }}",
    "SELECT $this WHERE {{ $this $PATH ?v }} GROUP BY $this HAVING (COUNT(DISTINCT ?v) > 1)",
]
THIS_FILTERS = ["isBlank($this)", "isLiteral($this)", "$this = ex:n0", "isIRI($this) && STRENDS(STR($this), \"1\")"]
TARGET_QUERIES = [
    "SELECT ?this WHERE { ?this ex:p ?any }",
    "SELECT ?this WHERE { ?x ex:q ?this }",
    "SELECT ?this WHERE { ?this a/rdfs:subClassOf* ex:C1 }",
    "SELECT ?this WHERE { ?this ?p 1 }",
]


@st.composite
def sparql_constraint(draw, on_property: bool) -> tuple[tuple[str, object], ...]:
    """``sh:sparql [ sh:select ... ]`` with prefixes from ``sh:declare`` (or full IRIs)."""
    template = draw(st.sampled_from(PROPERTY_QUERIES if on_property else NODE_QUERIES))
    query = template.format(f=draw(st.sampled_from(VALUE_FILTERS)), this_filter=draw(st.sampled_from(THIS_FILTERS)))
    query = "PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>\n" + query if "rdfs:" in query else query
    pairs: list = [("a", "sh:SPARQLConstraint"), ("sh:prefixes", SPARQL_PREFIXES), ("sh:select", Text(query))]
    if draw(st.booleans()):
        pairs.append(("sh:message", '"SPARQL says no: {?value}"'))
    if draw(st.integers(0, 5)) == 0:
        pairs.append(("sh:deactivated", "true"))
    return (("sh:sparql", Blank(tuple(pairs))),)


@st.composite
def sparql_target(draw) -> tuple[tuple[str, object], ...]:
    query = draw(st.sampled_from(TARGET_QUERIES))
    if "rdfs:" in query:
        query = "PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>\n" + query
    return (("sh:target", Blank((("a", "sh:SPARQLTarget"), ("sh:prefixes", SPARQL_PREFIXES), ("sh:select", Text(query))))),)


# SPARQL-based constraint components (SHACL-SPARQL §6): declared once in the shapes graph when a
# shape uses one of their parameters. ex:notEqual has an ASK validator, which node shapes use, and
# a SELECT property validator (pySHACL leaves sh:value out of the results of an ASK validator in a
# property shape, against §6.3); ex:maxLen has SELECT node and property validators and an
# optional parameter.
CUSTOM_COMPONENTS = {
    "ex:notEqual": (
        "ex:NotEqualComponent",
        (
            ("a", "sh:ConstraintComponent"),
            ("sh:parameter", Blank((("sh:path", "ex:notEqual"),))),
            ("sh:validator", Blank((
                ("a", "sh:SPARQLAskValidator"),
                ("sh:message", '"equals {$notEqual}"'),
                ("sh:ask", Text("ASK { FILTER (!sameTerm($value, $notEqual)) }")),
            ))),
            ("sh:propertyValidator", Blank((
                ("a", "sh:SPARQLSelectValidator"),
                ("sh:select", Text("SELECT DISTINCT $this ?value WHERE { $this $PATH ?value . FILTER (sameTerm(?value, $notEqual)) }")),
            ))),
        ),
    ),
    "ex:maxLen": (
        "ex:MaxLenComponent",
        (
            ("a", "sh:ConstraintComponent"),
            ("sh:parameter", Blank((("sh:path", "ex:maxLen"), ("sh:datatype", "xsd:integer")))),
            ("sh:parameter", Blank((("sh:path", "ex:lenOf"), ("sh:optional", "true")))),
            ("sh:nodeValidator", Blank((
                ("a", "sh:SPARQLSelectValidator"),
                ("sh:prefixes", SPARQL_PREFIXES),
                ("sh:select", Text("SELECT $this WHERE { FILTER (isLiteral($this) && STRLEN(STR($this)) > $maxLen) }")),
            ))),
            ("sh:propertyValidator", Blank((
                ("a", "sh:SPARQLSelectValidator"),
                ("sh:prefixes", SPARQL_PREFIXES),
                ("sh:select", Text(
                    "SELECT DISTINCT $this ?value WHERE { $this $PATH ?value . FILTER (!isBlank(?value) && STRLEN(STR(?value)) > $maxLen) }"
                )),
            ))),
        ),
    ),
}


# ex:linkedBy has only an ASK validator, which uses $this and a triple pattern, so it runs for
# property shapes too (there pySHACL leaves out sh:value: the comparison does not read it)
CUSTOM_COMPONENTS["ex:linkedBy"] = (
    "ex:LinkedByComponent",
    (
        ("a", "sh:ConstraintComponent"),
        ("sh:parameter", Blank((("sh:path", "ex:linkedBy"),))),
        ("sh:validator", Blank((
            ("a", "sh:SPARQLAskValidator"),
            ("sh:ask", Text("ASK { FILTER (sameTerm($this, $value) || EXISTS { $this $linkedBy $value }) }")),
        ))),
    ),
)


# ex:other: its parameter in an OPTIONAL (property validator) and in a FILTER (node validator;
# not in a subquery: pySHACL wants one to return $shapesGraph, $currentShape and $value too)
CUSTOM_COMPONENTS["ex:other"] = (
    "ex:OtherComponent",
    (
        ("a", "sh:ConstraintComponent"),
        ("sh:parameter", Blank((("sh:path", "ex:other"),))),
        ("sh:nodeValidator", Blank((
            ("a", "sh:SPARQLSelectValidator"),
            ("sh:select", Text("SELECT DISTINCT $this WHERE { $this ?p ?o . FILTER (?p = $other) }")),
        ))),
        ("sh:propertyValidator", Blank((
            ("a", "sh:SPARQLSelectValidator"),
            ("sh:select", Text("SELECT DISTINCT $this ?value WHERE { $this $PATH ?value . OPTIONAL { ?value $other ?o } FILTER (!bound(?o)) }")),
        ))),
    ),
)


@st.composite
def custom_constraint(draw, ctx: "Context") -> tuple:
    """A use of a SPARQL-based constraint component: its parameter(s) on the shape."""
    parameter = draw(st.sampled_from(sorted(CUSTOM_COMPONENTS)))
    if parameter == "ex:notEqual":
        return (("ex:notEqual", draw(ctx.values())),)
    if parameter in ("ex:linkedBy", "ex:other"):
        return ((parameter, draw(st.sampled_from(PREDICATES))),)
    pairs = [("ex:maxLen", str(draw(st.integers(0, 3))))]
    if draw(st.booleans()):
        pairs.append(("ex:lenOf", draw(st.sampled_from(PREDICATES))))
    return tuple(pairs)


# ------------------------------------------------------------------------------ targets
def _one(key: str, values: list[str]) -> st.SearchStrategy:
    return st.sampled_from(values).map(lambda v: ((key, v),))


TARGETS = {
    "targetClass": lambda ctx: _one("sh:targetClass", CLASSES + ["ex:n0"]),
    "targetNode": lambda ctx: ctx.values().map(lambda v: _anchored(ctx, v)).map(lambda v: (("sh:targetNode", v),)),
    "targetSubjectsOf": lambda ctx: _one("sh:targetSubjectsOf", PREDICATES + ["rdf:type"]),
    "targetObjectsOf": lambda ctx: _one("sh:targetObjectsOf", PREDICATES + ["rdf:type"]),
    "sparqlTarget": lambda ctx: sparql_target(),
}


def _anchored(ctx: "Context", value: str) -> str:
    if ctx.anchors is not None:
        ctx.anchors.append(value)
    return value


def targets(ctx: "Context", at_least: int = 0) -> st.SearchStrategy:
    """0 to 2 target declarations (at least ``at_least``)."""
    kinds = sorted(k for k in TARGETS if ctx.sparql or k != "sparqlTarget")
    return st.lists(st.sampled_from(kinds), min_size=at_least, max_size=2).flatmap(
        lambda kinds: st.tuples(*(TARGETS[k](ctx) for k in kinds)).map(lambda ts: tuple(p for t in ts for p in t))
    )


# ------------------------------------------------------------------------------ constraint components
@dataclass(frozen=True)
class Context:
    """What a shape being drawn may refer to: named shapes (no cycles), how deep it may nest,
    and the literals of this case (a few from the pool, shared with the data so that
    ``sh:hasValue``, ``sh:in``, ``sh:equals``, ``sh:uniqueLang``... meet their values)."""

    refs: tuple[str, ...]
    depth: int
    literals: tuple[str, ...] = tuple(LITERALS)
    pool: tuple[str, ...] = tuple(LITERALS)  # every literal this case may use
    sparql: bool = True  # SPARQL-based constraints, components and targets allowed
    anchors: list | None = None  # collects the sh:targetNode values (see cases())

    def deeper(self) -> "Context":
        return replace(self, depth=self.depth - 1)

    def values(self) -> st.SearchStrategy:
        """A value for sh:hasValue, sh:in, sh:targetNode: mostly this case's, sometimes any."""
        return st.one_of(st.sampled_from(NODES + list(self.literals)), st.sampled_from(NODES + CLASSES + list(self.pool)))


@st.composite
def shape_ref(draw, ctx: Context, node_only: bool = False):
    """A shape as the value of ``sh:not``, a list member...: named or blank; ``node_only`` for
    ``sh:node``, whose values are node shapes (§4.7.1)."""
    refs = [r for r in ctx.refs if not (node_only and r.startswith("ex:P"))]
    choices = ["blank-node"] if ctx.depth > 0 else []
    if ctx.depth > 0 and not node_only:
        choices.append("blank-property")
    if refs:
        choices.insert(0, "named")
    if not choices:
        return Blank(draw(leaf_constraint(ctx)))
    kind = draw(st.sampled_from(choices))
    if kind == "named":
        return draw(st.sampled_from(refs))
    inner = ctx.deeper()
    if kind == "blank-node":
        return Blank(draw(node_shape_body(inner)))
    return Blank(draw(property_shape_body(inner)))


def _list_of_shapes(key: str):
    @st.composite
    def draw_it(draw, ctx: Context):
        # pySHACL refuses an empty list (a SHACL list may be empty, §4.6): not generated
        members = draw(st.lists(shape_ref(ctx), min_size=1, max_size=3))
        return ((key, Items(tuple(members))),)

    return draw_it


@st.composite
def _single_shape(draw, ctx: Context, key: str):
    return ((key, draw(shape_ref(ctx, node_only=key == "sh:node"))),)


@st.composite
def _qualified(draw, ctx: Context):
    pairs = [("sh:qualifiedValueShape", draw(shape_ref(ctx)))]
    bounds = draw(st.sampled_from(["min", "max", "both"]))
    if bounds in ("min", "both"):
        pairs.append(("sh:qualifiedMinCount", str(draw(st.integers(0, 2)))))
    if bounds in ("max", "both"):
        pairs.append(("sh:qualifiedMaxCount", str(draw(st.integers(0, 2)))))
    if draw(st.booleans()):
        pairs.append(("sh:qualifiedValueShapesDisjoint", "true"))
    return tuple(pairs)


@st.composite
def _closed(draw, ctx: Context):
    pairs = [("sh:closed", draw(st.sampled_from(["true", "false"])))]
    ignored = draw(st.lists(st.sampled_from(PREDICATES + ["rdf:type"]), max_size=2, unique=True))
    if ignored or draw(st.booleans()):
        pairs.append(("sh:ignoredProperties", Items(tuple(ignored))))
    return tuple(pairs)


@st.composite
def _pattern(draw, ctx: Context):
    pairs = [("sh:pattern", f'"{draw(st.sampled_from(PATTERNS))}"')]
    if draw(st.booleans()):
        pairs.append(("sh:flags", draw(st.sampled_from(FLAGS))))
    return tuple(pairs)


def _simple(key: str, values: st.SearchStrategy):
    return lambda ctx: values.map(lambda v: ((key, v),))


def _from_case(key: str, many: bool = False):
    """A parameter drawn from the case's values (a list of them for ``sh:in``)."""
    if many:
        return lambda ctx: st.lists(ctx.values(), max_size=3, unique=True).map(lambda vs: ((key, Items(tuple(vs))),))
    return lambda ctx: ctx.values().map(lambda v: ((key, v),))


_counts = st.integers(0, 3).map(str)
_lengths = st.integers(0, 4).map(str)

# name -> (applies to property shapes only, strategy(ctx) -> pairs)
COMPONENTS: dict[str, tuple[bool, object]] = {
    "class": (False, _simple("sh:class", st.sampled_from(CLASSES + ["ex:n0"]))),
    "datatype": (False, _simple("sh:datatype", st.sampled_from(DATATYPES))),
    "nodeKind": (False, _simple("sh:nodeKind", st.sampled_from(NODE_KINDS))),
    "minCount": (True, _simple("sh:minCount", _counts)),
    "maxCount": (True, _simple("sh:maxCount", _counts)),
    "minExclusive": (False, _simple("sh:minExclusive", st.sampled_from(BOUNDS))),
    "minInclusive": (False, _simple("sh:minInclusive", st.sampled_from(BOUNDS))),
    "maxExclusive": (False, _simple("sh:maxExclusive", st.sampled_from(BOUNDS))),
    "maxInclusive": (False, _simple("sh:maxInclusive", st.sampled_from(BOUNDS))),
    # pySHACL lets a blank node pass sh:minLength 0 (§4.4.1: a blank node is always a violation)
    "minLength": (False, _simple("sh:minLength", st.integers(1, 4).map(str))),
    "maxLength": (False, _simple("sh:maxLength", _lengths)),
    "pattern": (False, _pattern),
    "languageIn": (
        False,
        _simple(
            "sh:languageIn",
            st.lists(st.sampled_from(LANGUAGES), max_size=2, unique=True).map(
                lambda tags: Items(tuple(f'"{t}"' for t in tags))
            ),
        ),
    ),
    "uniqueLang": (True, _simple("sh:uniqueLang", st.sampled_from(["true", "false"]))),
    "equals": (False, _simple("sh:equals", st.sampled_from(PREDICATES))),
    "disjoint": (False, _simple("sh:disjoint", st.sampled_from(PREDICATES))),
    "lessThan": (True, _simple("sh:lessThan", st.sampled_from(PREDICATES))),
    "lessThanOrEquals": (True, _simple("sh:lessThanOrEquals", st.sampled_from(PREDICATES))),
    "not": (False, lambda ctx: _single_shape(ctx, "sh:not")),
    "and": (False, _list_of_shapes("sh:and")),
    "or": (False, _list_of_shapes("sh:or")),
    "xone": (False, _list_of_shapes("sh:xone")),
    "node": (False, lambda ctx: _single_shape(ctx, "sh:node")),
    "qualifiedValueShape": (True, _qualified),
    "closed": (False, _closed),
    "hasValue": (False, _from_case("sh:hasValue")),
    "in": (False, _from_case("sh:in", many=True)),
    "sparql": (False, lambda ctx: sparql_constraint(on_property=False)),
    "custom": (False, custom_constraint),
}
_WEIGHT = {"sparql": 3, "custom": 2}  # SPARQL-based ones are drawn more often: their queries fire less
_NODE_COMPONENTS = sorted(k for k, (prop_only, _) in COMPONENTS.items() if not prop_only for _ in range(_WEIGHT.get(k, 1)))
_PROPERTY_COMPONENTS = sorted(k for k in COMPONENTS for _ in range(_WEIGHT.get(k, 1)))
# components whose parameter may have several values in one shape (each value is a constraint)
# (not a SPARQL-based component: pySHACL merges equal results of its constraints, see PYSHACL_DEVIATIONS)
REPEATABLE = {"class", "node", "not", "and", "or", "xone", "equals", "disjoint", "lessThan", "hasValue", "sparql"}
_SIMPLE = ["datatype", "nodeKind", "class", "hasValue", "minLength", "pattern", "in"]

def leaf_constraint(ctx: Context) -> st.SearchStrategy:
    """One simple constraint: a blank shape where nothing may nest any more."""
    return st.sampled_from(_SIMPLE).flatmap(lambda k: COMPONENTS[k][1](ctx))


@st.composite
def constraints(draw, ctx: Context, on_property: bool, path: object = None) -> tuple:
    allowed = [n for n in (_PROPERTY_COMPONENTS if on_property else _NODE_COMPONENTS) if ctx.sparql or n not in ("sparql", "custom")]
    names = draw(st.lists(st.sampled_from(allowed), max_size=3, unique=True))
    if names and names[0] in REPEATABLE and draw(st.integers(0, 4)) == 0:
        names.append(names[0])  # a second constraint of the same component (several values)
    pairs: list = []
    for name in names:
        if name == "sparql" and on_property:
            if sparql_safe(path):
                pairs.extend(draw(sparql_constraint(on_property=True)))
        elif name == "custom" and on_property and not sparql_safe(path):
            continue  # its property validators use $PATH
        elif name == "closed" and on_property:
            continue  # sh:closed is defined for node shapes (§4.8.1)
        else:
            pairs.extend(draw(COMPONENTS[name][1](ctx)))
    return tuple(pairs)


MESSAGES = ['"bad value"', '"valeur refusée"@fr', '"Wert"@de-CH']


@st.composite
def _decorations(draw) -> tuple:
    """Messages, severity and deactivation: the parts of a shape that are not constraints."""
    pairs: list = []
    if draw(st.integers(0, 5)) == 0:
        pairs.extend(("sh:message", m) for m in draw(st.lists(st.sampled_from(MESSAGES), min_size=1, max_size=2, unique=True)))
    if draw(st.integers(0, 5)) == 0:
        pairs.append(("sh:severity", draw(st.sampled_from(SEVERITIES))))
    if draw(st.integers(0, 11)) == 0:
        pairs.append(("sh:deactivated", draw(st.sampled_from(["true", "false"]))))
    return tuple(pairs)


@st.composite
def node_shape_body(draw, ctx: Context, top: bool = False) -> tuple:
    pairs: list = []
    if top or draw(st.integers(0, 9)) == 0:
        pairs.extend(draw(targets(ctx, at_least=1 if top else 0)))
    pairs.extend(draw(constraints(ctx, on_property=False)))
    if ctx.depth > 0:
        for _ in range(draw(st.integers(0, 2))):
            pairs.append(("sh:property", draw(property_ref(ctx))))
        if draw(st.integers(0, 7)) == 0:
            pairs.extend(draw(qualified_siblings(ctx.deeper())))
    pairs.extend(draw(_decorations()))
    return tuple(pairs)


@st.composite
def qualified_siblings(draw, ctx: Context) -> tuple:
    """Two property shapes on one path with disjoint qualified value shapes (§4.7.3: a value
    counts for one only if it conforms to none of its siblings)."""
    path = draw(st.sampled_from(PREDICATES))
    siblings = []
    for _ in range(2):
        pairs = [("sh:path", path), ("sh:qualifiedValueShape", draw(shape_ref(ctx))),
                 ("sh:qualifiedValueShapesDisjoint", "true")]
        pairs.append((draw(st.sampled_from(["sh:qualifiedMinCount", "sh:qualifiedMaxCount"])), str(draw(st.integers(0, 2)))))
        siblings.append(("sh:property", Blank(tuple(pairs))))
    return tuple(siblings)


@st.composite
def property_ref(draw, ctx: Context):
    """The value of ``sh:property``: a named property shape or a blank one."""
    named = [r for r in ctx.refs if r.startswith("ex:P")]
    if named and draw(st.booleans()):
        return draw(st.sampled_from(named))
    return Blank(draw(property_shape_body(ctx.deeper())))


@st.composite
def property_shape_body(draw, ctx: Context, top: bool = False) -> tuple:
    path = draw(paths)
    pairs: list = [("sh:path", path)]
    if top:
        pairs.extend(draw(targets(ctx, at_least=1)))
    pairs.extend(draw(constraints(ctx, on_property=True, path=path)))
    if ctx.depth > 0 and draw(st.integers(0, 3)) == 0:
        pairs.append(("sh:property", draw(property_ref(ctx))))
    pairs.extend(draw(_decorations()))
    return tuple(pairs)


# ------------------------------------------------------------------------------ shapes graphs
@st.composite
def shapes_graphs(draw, base: "Context | None" = None, max_named: int = 3, depth: int = 2) -> str:
    """A shapes graph as Turtle: named node and property shapes (which refer only to shapes
    named after them: no recursion) and top-level blank shapes with targets."""
    count = draw(st.integers(1, max_named))
    names: list[str] = []
    for i in range(count):
        kind = draw(st.sampled_from(["node", "property", "class"]))
        names.append({"node": f"ex:S{i}", "property": f"ex:P{i}", "class": f"ex:C{i}"}[kind])
    statements = []
    targeted = False
    for i, name in enumerate(names):
        ctx = replace(base or Context((), depth), refs=tuple(names[i + 1 :]), depth=depth)
        if name.startswith("ex:P"):
            head = (("a", "sh:PropertyShape"),)
            body = draw(property_shape_body(ctx, top=draw(st.booleans())))
        elif name.startswith("ex:C"):  # implicit class target (§2.1.3.1)
            head = (("a", "rdfs:Class"), ("a", "sh:NodeShape"))
            body = draw(node_shape_body(ctx, top=False))
        else:
            head = (("a", "sh:NodeShape"),)
            body = draw(node_shape_body(ctx, top=draw(st.booleans())))
        targeted = targeted or name.startswith("ex:C") or any(p.startswith("sh:target") for p, _ in body)
        statements.append(render_subject(name, head + body))
    for _ in range(draw(st.integers(0, 1)) if targeted else 1):  # something is validated
        statements.append(render_subject(Blank((("a", "sh:NodeShape"),)), draw(node_shape_body(replace(base or Context((), depth), refs=tuple(names), depth=depth), top=True))))
    text = "".join(statements)
    for parameter, (component, definition) in sorted(CUSTOM_COMPONENTS.items()):
        if f"{parameter} " in text:
            statements.append(render_subject(component, definition))
    if SPARQL_PREFIXES in "".join(statements):
        statements.append(render_subject(*PREFIX_DECLARATIONS))
    return PREFIX_BLOCK + "\n" + "\n".join(statements)


# ------------------------------------------------------------------------------ data graphs
_subjects = st.sampled_from(NODES + BLANKS)


@st.composite
def data_graphs(draw, literals: tuple[str, ...] = tuple(LITERALS), anchors: tuple[str, ...] = (), max_triples: int = 14) -> str:
    """A data graph as Turtle: typed nodes, a subclass chain and property values from the pools."""
    triples: set[tuple[str, str, str]] = set()
    for i, sub in enumerate(CLASSES):
        for sup in CLASSES[i + 1 :]:
            if draw(st.integers(0, 2)) == 0:
                triples.add((sub, "rdfs:subClassOf", sup))
    if draw(st.integers(0, 5)) == 0:  # a subclass cycle: SHACL instances must still be finite
        triples.add((CLASSES[-1], "rdfs:subClassOf", CLASSES[0]))
    for node, cls in draw(st.lists(st.tuples(_subjects, st.sampled_from(CLASSES)), max_size=4)):
        triples.add((node, "rdf:type", cls))
    objects = st.sampled_from(NODES + BLANKS + CLASSES + list(literals))
    size = max_triples if draw(st.integers(0, 4)) else 3 * max_triples  # sometimes a bigger graph
    for triple in draw(st.lists(st.tuples(_subjects, st.sampled_from(PREDICATES), objects), min_size=1, max_size=size)):
        triples.add(triple)
    triples.update(("ex:anchor", "ex:anchors", node) for node in anchors)
    lines = [f"{s} {p} {o} ." for s, p, o in sorted(triples)]
    return PREFIX_BLOCK + "\n" + "\n".join(lines) + ("\n" if lines else "")


@dataclass(frozen=True)
class Case:
    """One differential test input: a data graph and a shapes graph, as Turtle."""

    data: str
    shapes: str


# Literals SPARQL cases do without: pySHACL drops a SPARQL result whose $this and ?value are
# literals rdflib reads as false (it tests the solution's terms for truth), and rdflib's SPARQL
# calls an ill-typed integer numeric (isNumeric is false for it, SPARQL 1.1 §17.4.2.4).
SPARQL_UNSAFE = ('""', '"0"^^xsd:boolean', '"abc"^^xsd:integer')


@st.composite
def cases(draw, max_named: int = 3, depth: int = 2) -> Case:
    """A data graph and a shapes graph sharing a few literals from the pool.

    A case either has SPARQL (constraints, components, targets) or not. With SPARQL, every
    sh:targetNode value also occurs in the data graph (``ex:anchor ex:anchors v``): SHACL
    pre-binds $this by joining (Appendix A), so a focus node the data graph lacks matches no
    zero-length path in a query, where pySHACL binds it first and matches; and the literals of
    SPARQL_UNSAFE are not used."""
    sparql = draw(st.booleans())
    pool = tuple(lit for lit in LITERALS if not (sparql and lit in SPARQL_UNSAFE))
    literals = tuple(draw(st.lists(st.sampled_from(pool), min_size=1, max_size=6, unique=True)))
    anchors: list[str] = []
    base = Context((), depth, literals, pool, sparql, anchors if sparql else None)
    shapes = draw(shapes_graphs(base, max_named=max_named, depth=depth))
    return Case(data=draw(data_graphs(literals, tuple(sorted(set(anchors))))), shapes=shapes)
