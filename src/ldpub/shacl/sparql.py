"""SHACL-SPARQL: SPARQL-based constraints, SPARQL-based constraint components, SPARQL targets.

Every query is checked against SHACL's restrictions before it runs (:mod:`.sparqlquery`), and
runs on the engine's pyoxigraph Store with the pre-bound variables substituted as SHACL
defines pre-binding (pyoxigraph's ``substitutions``, SEP-0007): ``$this``, ``$value``,
``$currentShape``, ``$shapesGraph`` (the shapes graph is a named graph of the same Store) and
the parameters of a component; ``$PATH`` is replaced by the shape's path in SPARQL syntax.

Where one query over all focus nodes provably returns the solutions of the pre-bound queries
(:meth:`.sparqlquery.QueryText.batchable`), it runs once, the focus nodes joined as a table of
values; otherwise once per focus node.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Iterable

from ..rdfterms import SH
from .errors import ShapesError
from .model import Constraint, Found, Shape
from .paths import PredicatePath
from .shapesgraph import RDF_TYPE, ShapesGraph, sh
from .sparqlquery import QueryText, SparqlRefused, render
from .store import SHAPES_GRAPH, error_position
from .terms import TRUE, is_iri, is_literal, literal_parts, to_oxigraph
from .valuenodes import SelfValues, ValueNodes

if TYPE_CHECKING:
    from .engine import Engine

__all__ = ["sparql_constraints", "SparqlComponent", "sparql_components", "component_constraints", "sparql_target_nodes",
           "queries_of", "Query"]



@dataclass(eq=False)
class Query:
    """A SHACL-SPARQL query of the shapes graph, checked, with the node that holds it."""

    owner: str  # the sh:sparql value, validator or target that holds the query
    text: QueryText
    prebound: frozenset[str]
    _checked: bool = False

    def for_shape(self, shape: Shape) -> QueryText:
        """The query with ``$PATH`` replaced by the shape's path (the same text if it has none)."""
        if not self.text.mentions("PATH"):
            return self.text
        key = shape.path.sparql() if shape.path is not None else None
        cache = self.__dict__.setdefault("_paths", {})
        if key not in cache:
            try:
                cache[key] = self.text.with_path(key)
            except SparqlRefused as exc:
                raise ShapesError.about(shape.node, f"this SPARQL cannot be used: {exc}") from None
        return cache[key]


def _read_query(shapes: ShapesGraph, owner: str, shape: str, form: str, prebound: set[str]) -> Query:
    values = shapes.objects(owner, sh(form))
    if len(values) != 1 or not is_literal(values[0]):
        raise ShapesError.about(shape, f"a SPARQL {form.upper()} needs exactly one sh:{form} string")
    body = literal_parts(values[0])[0]
    text = QueryText(body, shapes.prefixes(owner), form)
    try:
        text.check(prebound)
    except SparqlRefused as exc:
        raise ShapesError.about(shape, f"this SPARQL cannot be used: {exc}") from None
    return Query(owner, text, frozenset(prebound))


# ---------------------------------------------------------------------------- running
def _syntax_check(engine: "Engine", shape: str, query: Query) -> None:
    """Parse the query once (on an empty Store): a syntax error names the shape, line and column."""
    if query._checked:
        return
    import pyoxigraph as ox

    try:
        ox.Store().query(query.text.text)
    except SyntaxError as exc:
        message = " ".join(str(exc).split())
        position = error_position(str(exc))
        where = ""
        if position:
            line = position[0] - query.text.prefix_lines.count("\n")
            where = f" at line {line}, column {position[1]} of the query"
        raise ShapesError.about(shape, f"SPARQL syntax error{where}: {message}",
                                hint="declare prefixes with sh:declare and point sh:prefixes at them") from None
    except (OSError, RuntimeError, ValueError):
        pass  # not a syntax error: reported when the query runs
    query._checked = True


def _run(engine: "Engine", shape: str, query: QueryText, bindings: dict[str, str],
         values: tuple[list[str], list[list[str]]] | None = None):
    """Run ``query`` with ``bindings`` pre-bound (IRIs and literals in the query text, blank
    nodes through pyoxigraph's substitutions): SELECT solutions, or the ASK answer."""
    import pyoxigraph as ox

    texts = {k: v for k, v in bindings.items() if v[0] != "_"}
    blanks = {k: v for k, v in bindings.items() if v[0] == "_"}
    text = render(query, set(blanks), values, texts)
    store = engine.sparql_store().ready()
    subs = {ox.Variable(k): to_oxigraph(v) for k, v in blanks.items()}
    try:
        answer = store.query(text, substitutions=subs or None)
    except SyntaxError as exc:
        raise ShapesError.about(shape, f"SPARQL syntax error: {' '.join(str(exc).split())}") from None
    except (OSError, RuntimeError, ValueError) as exc:
        raise ShapesError.about(shape, f"the SPARQL query failed: {' '.join(str(exc).split())}") from None
    if query.form == "ask" and values is None:
        return bool(answer) if isinstance(answer, ox.QueryBoolean) else any(True for _ in answer)
    return answer


def _fixed(engine: "Engine", query: Query, shape: Shape, params: dict[str, str]) -> dict[str, str]:
    """The pre-bound variables that are the same for every focus node (those the query uses)."""
    out: dict[str, str] = {}
    text = query.text
    if text.mentions("currentShape"):
        out["currentShape"] = shape.node
    if text.mentions("shapesGraph"):
        out["shapesGraph"] = f"<{SHAPES_GRAPH}>"
    for name, value in params.items():
        if text.mentions(name):
            out[name] = value
    return out


def select_rows(engine: "Engine", shape: Shape, query: Query, focus: Iterable[str],
                params: dict[str, str]) -> list[tuple[str, dict[str, str | None]]]:
    """(focus node, solution) for every solution of a SELECT with ``$this`` pre-bound to each focus node."""
    text = query.for_shape(shape)
    _syntax_check(engine, shape.node, query)
    fixed = _fixed(engine, query, shape, params)
    out: list[tuple[str, dict]] = []
    batch = [f for f in focus if f[0] == "<"] if len(focus) > 1 and text.batchable({"this"}) else []
    if batch:
        solutions = _run(engine, shape.node, text, fixed, (["this"], [(f,) for f in batch]))
        names = [v.value for v in solutions.variables]
        for row in solutions:
            this = row["this"]
            if this is None:
                continue
            out.append((str(this), {n: (None if row[n] is None else str(row[n])) for n in names}))
        focus = [f for f in focus if f[0] != "<"]
    for f in focus:
        solutions = _run(engine, shape.node, text, {**fixed, "this": f})
        names = [v.value for v in solutions.variables]
        for row in solutions:
            solution = {n: (None if row[n] is None else str(row[n])) for n in names}
            solution["this"] = f  # the data's own term (the Store may canonicalize a literal)
            out.append((f, solution))
    return out


def _literal_candidates(engine: "Engine", focus: str, query: QueryText) -> list[str]:
    """The literals the focus node has as objects, through the predicates the query names
    (every predicate when it does not name them all): where a returned literal comes from."""
    predicates = query.__dict__.get("_named")
    if predicates is None:
        fixed = query.fixed_predicates()
        predicates = query.__dict__["_named"] = None if fixed is None else [f"<{p}>" for p in sorted(fixed)]
    graph = engine.graph
    names = predicates if predicates is not None else list(graph.by_pred)
    return [o for p in names for o in graph.objects(focus, p) if o[0] == '"']


def _results_from_rows(engine: "Engine", shape: Shape, c: Constraint, rows, values: ValueNodes,
                       messages: tuple[str, ...], query: QueryText | None = None) -> Found:
    store = engine.sparql_store()
    out: Found = []
    for f, row in rows:
        if row.get("failure") == TRUE:
            raise ShapesError.about(shape.node, "a SPARQL query reported a failure (?failure is true)")
        path = shape.path
        bound_path = row.get("path")
        if bound_path is not None and is_iri(bound_path):
            path = PredicatePath(bound_path)
        value = row.get("value")
        if value is None:
            value = f if shape.path is None else None  # a node shape's value node is the focus node
        elif value[0] == '"':  # the Store returns literals canonicalized: find the data's own
            candidates = [*values.of(f), f]
            if isinstance(path, PredicatePath):
                candidates.extend(engine.graph.objects(f, path.predicate))
            value = store.data_term(value, candidates)
            if query is not None and value not in candidates:
                value = store.data_term(value, _literal_candidates(engine, f, query))
        row_messages = messages
        message = row.get("message")
        if message is not None and is_literal(message):
            row_messages = (message,)
        bindings = {k: v for k, v in row.items() if v is not None}
        out.append((f, shape.result(c, f, value, path=path, messages=row_messages or None, bindings=bindings)))
    return out


# ---------------------------------------------------------------------------- sh:sparql
def sparql_constraints(engine: "Engine", shapes: ShapesGraph, shape: str) -> list[Constraint]:
    """The SPARQL-based constraints (``sh:sparql``) of a shape."""
    out = []
    for node in shapes.objects(shape, sh("sparql")):
        if shapes.boolean(node, sh("deactivated")):
            continue
        query = _read_query(shapes, node, shape, "select", {"this", "shapesGraph", "currentShape"})
        out.append(Constraint(sh("SPARQLConstraintComponent"), {sh("sparql"): node}, _evaluate_sparql,
                              "does not conform to a SPARQL constraint", data=query, node=node,
                              messages=tuple(shapes.objects(node, sh("message"))), sparql=True))
    return out


def _evaluate_sparql(engine: "Engine", shape: Shape, c: Constraint, values: ValueNodes) -> Found:
    rows = select_rows(engine, shape, c.data, values.focus, {})
    messages = c.messages or shape.messages
    return _results_from_rows(engine, shape, c, rows, values, messages, c.data.for_shape(shape))


# ---------------------------------------------------------------------------- components
@dataclass(eq=False)
class SparqlComponent:
    """A SPARQL-based constraint component declared in the shapes graph."""

    iri: str
    parameters: list[tuple[str, str, bool]]  # (predicate, variable name, optional)
    node_validator: str | None
    property_validator: str | None
    ask_validator: str | None
    messages: tuple[str, ...]

    @property
    def mandatory(self) -> list[str]:
        return [p for p, _, optional in self.parameters if not optional]


def _local_name(iri_text: str) -> str:
    import re

    m = re.search(r"[A-Za-z_\u00C0-\uFFFF][\w\u00B7\u00C0-\uFFFF.-]*$", iri_text[1:-1])
    return m.group().rstrip(".") if m else ""


def sparql_components(shapes: ShapesGraph) -> list[SparqlComponent]:
    """Every SPARQL-based constraint component of the shapes graph (Core ones excluded)."""
    from .core import CORE_COMPONENTS

    out = []
    for node in shapes.instances(sh("ConstraintComponent")):
        if node in CORE_COMPONENTS or node.startswith(f"<{SH}"):
            continue
        params = []
        for declaration in shapes.objects(node, sh("parameter")):
            paths = shapes.objects(declaration, sh("path"))
            if len(paths) != 1 or not is_iri(paths[0]):
                raise ShapesError.about(node, "a parameter needs exactly one sh:path, an IRI")
            name = _local_name(paths[0])
            if name in ("this", "shapesGraph", "currentShape", "path", "PATH", "value") or not name:
                raise ShapesError.about(node, f"parameter name '{name}' cannot be used (SHACL 6.2.1)")
            params.append((paths[0], name, shapes.boolean(declaration, sh("optional"))))
        if not params:
            continue

        def one(p: str) -> str | None:
            found = shapes.objects(node, sh(p))
            return found[0] if found else None

        out.append(SparqlComponent(node, params, one("nodeValidator"), one("propertyValidator"), one("validator"),
                                   tuple(shapes.objects(node, sh("message")))))
    return out


def component_constraints(engine: "Engine", shapes: ShapesGraph, shape: str, is_property: bool,
                          components: list[SparqlComponent]) -> list[Constraint]:
    """The constraints of ``shape`` for each SPARQL-based component whose mandatory parameters it has."""
    from itertools import product

    predicates = shapes.predicates(shape)
    out = []
    for component in components:
        if not all(p in predicates for p in component.mandatory):
            continue
        present = [(p, name) for p, name, _ in component.parameters if p in predicates]
        validator = (component.property_validator if is_property else component.node_validator) or component.ask_validator
        if validator is None:
            raise ShapesError.about(shape, f"constraint component {component.iri[1:-1]} has no validator for "
                                           f"{'property' if is_property else 'node'} shapes")
        ask = validator == component.ask_validator and not (
            validator in (component.node_validator, component.property_validator))
        names = {name for _, name in present}
        if ask:
            if not shapes.objects(validator, sh("ask")):
                raise ShapesError.about(shape, f"validator of {component.iri[1:-1]} needs sh:ask (an ASK query)")
            query = _read_query(shapes, validator, shape, "ask", {"this", "shapesGraph", "currentShape", "value"} | names)
        else:
            query = _read_query(shapes, validator, shape, "select", {"this", "shapesGraph", "currentShape"} | names)
        messages = tuple(shapes.objects(validator, sh("message"))) or component.messages
        for combination in product(*(predicates[p] for p, _ in present)):
            params = {name: value for (_, name), value in zip(present, combination)}
            out.append(Constraint(component.iri, {p: v for (p, _), v in zip(present, combination)},
                                  _evaluate_ask if ask else _evaluate_select_validator,
                                  f"does not conform to {component.iri[1:-1]}", data=(query, params),
                                  messages=messages, sparql=True))
    return out


def _evaluate_select_validator(engine: "Engine", shape: Shape, c: Constraint, values: ValueNodes) -> Found:
    query, params = c.data
    rows = select_rows(engine, shape, query, values.focus, params)
    return _results_from_rows(engine, shape, c, rows, values, c.messages or shape.messages, query.for_shape(shape))


def _evaluate_ask(engine: "Engine", shape: Shape, c: Constraint, values: ValueNodes) -> Found:
    query, params = c.data
    text = query.for_shape(shape)
    _syntax_check(engine, shape.node, query)
    fixed = _fixed(engine, query, shape, params)
    uses_this = text.mentions("this")
    verdicts: dict[tuple[str, str], bool] = {}
    messages = c.messages or shape.messages
    out: Found = []
    pairs = list(values.items()) if not isinstance(values, SelfValues) else [(f, [f]) for f in values.focus]
    names = ["this", "value"] if uses_this else ["value"]
    if text.batchable(set(names)):  # one query answers for every (focus, value) pair it can name
        store = engine.sparql_store()
        keys = {(f if uses_this else "", v) for f, vs in pairs for v in vs}
        nameable = [k for k in keys if all(t == "" or t[0] == "<" or (t[0] == '"' and store.canonical(t) == t)
                                           for t in k)]
        if len(nameable) > 1:
            table = [k if uses_this else (k[1],) for k in nameable]
            solutions = _run(engine, shape.node, text, fixed, (names, table))
            ok = {(str(row["this"]) if uses_this else "", str(row["value"])) for row in solutions}
            for k in nameable:
                verdicts[k] = k in ok
    for f, vs in pairs:
        for v in vs:
            key = (f if uses_this else "", v)
            ok = verdicts.get(key)
            if ok is None:
                subs = {**fixed, "value": v}
                if uses_this:
                    subs["this"] = f
                ok = verdicts[key] = bool(_run(engine, shape.node, text, subs))
            if not ok:
                bindings = {"value": v, **params}
                out.append((f, shape.result(c, f, v, messages=messages or None, bindings=bindings)))
    return out


# ---------------------------------------------------------------------------- targets
def sparql_target_nodes(engine: "Engine", shapes: ShapesGraph, shape: str, target: str) -> list[str]:
    """The focus nodes of one ``sh:target`` value: a SPARQL target, or an instance of a SPARQL target type."""
    params: dict[str, str] = {}
    holder = target
    if shapes.is_a(target, sh("SPARQLTarget")) or (shapes.objects(target, sh("select")) and not shapes.objects(target, RDF_TYPE)):
        names: set[str] = set()
    else:
        kinds = [t for t in shapes.objects(target, RDF_TYPE) if shapes.is_a(t, sh("SPARQLTargetType"))]
        if not kinds:
            types = ", ".join(t[1:-1] for t in shapes.objects(target, RDF_TYPE)) or "none"
            raise ShapesError.about(shape, f"sh:target of a kind no engine here interprets (type: {types})",
                                    hint="use a sh:SPARQLTarget with sh:select, or a sh:SPARQLTargetType")
        holder = kinds[0]
        names = set()
        for declaration in shapes.objects(holder, sh("parameter")):
            path = shapes.one(declaration, sh("path"))
            if path is None:
                continue
            name = _local_name(path)
            names.add(name)
            value = shapes.one(target, path)
            if value is None and not shapes.boolean(declaration, sh("optional")):
                raise ShapesError.about(shape, f"sh:target is missing the parameter {path[1:-1]}")
            if value is not None:
                params[name] = value
    query = _read_query(shapes, holder, shape, "select", {"shapesGraph", "currentShape"} | names)
    _syntax_check(engine, shape, query)
    fixed = {k: v for k, v in params.items() if query.text.mentions(k)}
    if query.text.mentions("currentShape"):
        fixed["currentShape"] = shape
    if query.text.mentions("shapesGraph"):
        fixed["shapesGraph"] = f"<{SHAPES_GRAPH}>"
    solutions = _run(engine, shape, query.text, fixed)
    found: dict[str, None] = {}
    for row in solutions:
        this = row["this"]
        if this is not None:
            found[str(this)] = None
    return list(found)


def queries_of(shapes: ShapesGraph) -> list[tuple[str, str, str]]:
    """(node, form, query literal) of every sh:select and sh:ask in the shapes graph (to plan the Store)."""
    out = []
    for form in ("select", "ask"):
        for line in shapes.lines:
            s, p, o = line.split(" ", 2)
            if p == sh(form) and is_literal(o):
                out.append((s, form, o))
    return out
