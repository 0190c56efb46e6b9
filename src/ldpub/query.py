"""Named and ad-hoc SPARQL queries over the dataset, embedded or against a SPARQL endpoint.

A *named query* is a ``queries/NAME.rq`` file whose leading comment lines say what it answers
and which parameters it takes::

    # title: Members of an organization over time
    # description: Who held which role in an organization, from when to when,
    #   with the supporting sources.
    # param: organization: iri = example-org -- the organization, by record slug or full IRI
    # param: from: date optional -- start of the time window (YYYY-MM-DD)

Parameter types are a registry (:data:`PARAM_TYPES`): ``iri`` (a record slug, a ``prefix:name``
or a full IRI), ``date`` (``YYYY-MM-DD``), ``string``, ``integer``, ``decimal``. A parameter has a
default, is ``optional`` (left unbound when not given) or is required.

Parameters are bound as values, never pasted into the text: each value is first turned into a
pyoxigraph term (which validates and escapes it), and the terms go into a ``VALUES`` block
opened at the start of the query's WHERE group. The same text runs embedded and on any SPARQL
1.1 endpoint, with the same meaning. (pyoxigraph's own ``substitutions=`` would need every
parameter in the SELECT projection, and endpoints have no equivalent.)

Writing a named query: SPARQL evaluates nested groups bottom-up, so a parameter is seen by the
triple patterns it appears in and by FILTERs of the outer WHERE group, but not by a BIND or
FILTER inside a nested group (UNION branch, OPTIONAL, subquery) that does not also match it in a
triple pattern. Use parameters in triple patterns (``?node ?p ?entity``): the engine then looks
them up by index (``benchmarks/query_named.py`` keeps an eye on it).

Targets (:class:`Target`): :class:`EmbeddedTarget` queries a pyoxigraph Store in this process;
by default the project's query store (:mod:`ldpub.querystore`): its records (always current: the
store ``ldpub build`` left, made again when the records, ontology or settings changed since; no
stale ``dist/``) plus its ontology, so queries may use the class hierarchy. :class:`EndpointTarget` sends the query over the SPARQL 1.1 Protocol (httpx).

Example (a notebook)::

    from ldpub import query
    result = query.run("members", {"organization": "example-org"})
    result.to_dicts()[0]["memberLabel"]
    query.run("events", {"from": "2019-01-01", "to": "2019-12-31"}).to_dataframe()
"""

from __future__ import annotations

from abc import ABC, abstractmethod

import re
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable, Iterable, Iterator, Mapping

from .errors import Problem, QueryError, did_you_mean
from .rdfterms import RDFS, SKOS, XSD

if TYPE_CHECKING:
    from .config import Project
    from .paging import Page

__all__ = [
    "Param",
    "NamedQuery",
    "ParamType",
    "PARAM_TYPES",
    "QueryResult",
    "Target",
    "EmbeddedTarget",
    "EndpointTarget",
    "Terms",
    "load_named_queries",
    "scan_named_queries",
    "read_query_file",
    "named_query",
    "parse_header",
    "bind_parameters",
    "prepare",
    "check_records",
    "check_syntax",
    "connect",
    "run",
]

QUERY_SUFFIX = ".rq"


# ------------------------------------------------------------------------------ parameters
@dataclass(frozen=True)
class Terms:
    """What turns a user's value into an RDF term: the base IRI and prefixes, known slugs."""

    base_iri: str | None = None
    prefixes: Mapping[str, str] = field(default_factory=dict)
    slugs: Mapping[str, str] | None = None  # slug -> IRI, when the data is at hand


@dataclass(frozen=True)
class ParamType:
    """A parameter type: its name, what values look like, and the converter to a term."""

    name: str
    example: str
    convert: Callable[[str, Terms], Any]


_SLUG = re.compile(r"[A-Za-z0-9][A-Za-z0-9._~-]*")
_CURIE = re.compile(r"([A-Za-z][A-Za-z0-9_-]*):([A-Za-z0-9_.~-][A-Za-z0-9_.~%-]*)?")


def _iri(value: str, terms: Terms):
    import pyoxigraph as ox

    if re.match(r"[A-Za-z][A-Za-z0-9+.-]*://", value):
        try:
            return ox.NamedNode(value)
        except ValueError as exc:
            raise ValueError(f"not a valid IRI: {exc}") from None
    if (m := _CURIE.fullmatch(value)) and m.group(1) in terms.prefixes:
        return ox.NamedNode(terms.prefixes[m.group(1)] + (m.group(2) or ""))
    if not _SLUG.fullmatch(value):
        raise ValueError("expected a record slug (letters, digits, '-', '.', '_'), a prefix:name or a full IRI")
    if terms.base_iri is None:
        raise ValueError("a slug needs a project (its base IRI): give a full IRI instead")
    if terms.slugs is not None and value not in terms.slugs:
        hint = did_you_mean(value, list(terms.slugs))
        raise ValueError(f"no record '{value}' in the data" + (f" ({hint})" if hint else ""))
    return ox.NamedNode(terms.base_iri + value)


def _typed(datatype: str, check: Callable[[str], Any]):
    def convert(value: str, terms: Terms):
        import pyoxigraph as ox

        check(value)
        return ox.Literal(value, datatype=ox.NamedNode(XSD + datatype))

    return convert


def _check_date(value: str) -> None:
    if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
        raise ValueError("expected a date YYYY-MM-DD")
    try:
        date.fromisoformat(value)
    except ValueError as exc:
        raise ValueError(f"not a calendar date ({exc})") from None


def _check_integer(value: str) -> None:
    if not re.fullmatch(r"[+-]?\d+", value):
        raise ValueError("expected an integer")


def _check_decimal(value: str) -> None:
    try:
        Decimal(value)
    except InvalidOperation:
        raise ValueError("expected a decimal number") from None
    if not re.fullmatch(r"[+-]?(\d+(\.\d*)?|\.\d+)", value):
        raise ValueError("expected a decimal number like 0.5")


def _string(value: str, terms: Terms):
    import pyoxigraph as ox

    return ox.Literal(value)


PARAM_TYPES: dict[str, ParamType] = {
    t.name: t
    for t in (
        ParamType("iri", "SLUG", _iri),
        ParamType("date", "2019-12-31", _typed("date", _check_date)),
        ParamType("string", "Helmand", _string),
        ParamType("integer", "6", _typed("integer", _check_integer)),
        ParamType("decimal", "0.5", _typed("decimal", _check_decimal)),
    )
}


@dataclass(frozen=True)
class Param:
    """A declared parameter of a named query."""

    name: str
    type: str
    default: str | None = None
    optional: bool = False
    description: str = ""

    @property
    def required(self) -> bool:
        return self.default is None and not self.optional

    def usage(self) -> str:
        """``name=<type>`` with its default, as shown by ``ldpub query --list``."""
        if self.default is not None:
            return f"{self.name}={self.default}"
        return f"[{self.name}=<{self.type}>]" if self.optional else f"{self.name}=<{self.type}>"


@dataclass(frozen=True)
class NamedQuery:
    """A query file: its name, header and text."""

    name: str
    text: str
    path: Path | None = None
    title: str = ""
    description: str = ""
    params: tuple[Param, ...] = ()
    line_offset: int = 0  # lines added before the user's text (declared prefixes)

    @property
    def form(self) -> str | None:
        from .sparqltext import query_form

        return query_form(self.text)

    def param(self, name: str) -> Param | None:
        return next((p for p in self.params if p.name == name), None)


_HEADER_KEYS = ("title", "description", "param")
_PARAM_LINE = re.compile(
    r"(?P<name>[A-Za-z_][A-Za-z0-9_]*)\s*:\s*(?P<type>[a-z]+)"
    r"(?:\s*=\s*(?P<default>\"[^\"]*\"|\S+)|\s+(?P<optional>optional))?"
    r"\s*(?:--\s*(?P<desc>.*))?$"
)


def parse_header(text: str, name: str, path: Path | None = None) -> NamedQuery:
    """Read the ``# key: value`` header of a named query (see the module docstring)."""
    entries: list[tuple[str, str, int]] = []
    for number, line in enumerate(text.splitlines(), 1):
        stripped = line.strip()
        if not stripped.startswith("#"):
            if stripped:
                break
            continue
        body = stripped[1:]
        if m := re.match(r"\s?([a-z]+):\s*(.*)$", body):
            key = m.group(1)
            if key not in _HEADER_KEYS:
                hint = did_you_mean(key, _HEADER_KEYS)
                raise QueryError.at(f"unknown header key '{key}'", path, number, hint=hint or f"use one of {', '.join(_HEADER_KEYS)}")
            entries.append((key, m.group(2).strip(), number))
        elif entries and body.startswith("  ") and body.strip():
            key, value, first = entries[-1]
            entries[-1] = (key, f"{value} {body.strip()}", first)
    title = description = ""
    params: list[Param] = []
    for key, value, number in entries:
        if key == "title":
            title = value
        elif key == "description":
            description = value
        else:
            params.append(_parse_param(value, path, number, params))
    return NamedQuery(name, text, path, title, description, tuple(params))


def _parse_param(value: str, path: Path | None, number: int, seen: list[Param]) -> Param:
    m = _PARAM_LINE.match(value)
    if not m:
        raise QueryError.at(
            f"cannot read parameter declaration {value!r}", path, number,
            hint="write: # param: NAME: TYPE [= DEFAULT | optional] -- description",
        )
    ptype = m.group("type")
    if ptype not in PARAM_TYPES:
        hint = did_you_mean(ptype, PARAM_TYPES) or f"types: {', '.join(PARAM_TYPES)}"
        raise QueryError.at(f"parameter '{m.group('name')}' has unknown type '{ptype}'", path, number, hint=hint)
    if any(p.name == m.group("name") for p in seen):
        raise QueryError.at(f"parameter '{m.group('name')}' declared twice", path, number)
    default = m.group("default")
    if default and default.startswith('"'):
        default = default[1:-1]
    return Param(m.group("name"), ptype, default, bool(m.group("optional")), (m.group("desc") or "").strip())


def read_query_file(path: Path) -> str:
    """The text of a query file; a :class:`QueryError` naming the file (and the line of a bad
    byte) for a folder, an unreadable or binary file, or a file that is not UTF-8."""
    path = Path(path)
    if path.is_dir():
        raise QueryError.at("is a folder, not a query file", path, hint=f"a query is a text file *{QUERY_SUFFIX}")
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise QueryError.at(f"cannot read the query: {exc.strerror or exc}", path) from None
    if b"\x00" in data:
        line = data[: data.index(b"\x00")].count(b"\n") + 1
        raise QueryError.at("is a binary file, not SPARQL text (it contains NUL bytes)", path, line)
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise QueryError.at(f"is not UTF-8 text (byte 0x{data[exc.start]:02x} at offset {exc.start})", path, line,
                            hint="save the file as UTF-8") from None
    return text.removeprefix("\ufeff")


def scan_named_queries(folder: Path) -> tuple[dict[str, NamedQuery], dict[str, QueryError]]:
    """Every ``*.rq`` file of ``folder`` by name (file stem): those that read, and the error of
    each that does not (a bad header, a folder, a binary file). One broken file never hides
    the others."""
    folder = Path(folder)
    queries: dict[str, NamedQuery] = {}
    broken: dict[str, QueryError] = {}
    if not folder.is_dir():
        return queries, broken
    for path in sorted(folder.glob(f"*{QUERY_SUFFIX}")):
        try:
            queries[path.stem] = parse_header(read_query_file(path), path.stem, path)
        except QueryError as exc:
            broken[path.stem] = exc
    return queries, broken


def load_named_queries(folder: Path) -> dict[str, NamedQuery]:
    """The named queries of ``folder`` that read (see :func:`scan_named_queries` for the others)."""
    return scan_named_queries(folder)[0]


def named_query(folder: Path, name: str) -> NamedQuery:
    """The named query ``name`` of ``folder``; an unknown name suggests the nearest, a broken
    file raises its own error."""
    queries, broken = scan_named_queries(folder)
    if name in queries:
        return queries[name]
    if name in broken:
        raise broken[name]
    hint = did_you_mean(name, [*queries, *broken])
    known = ", ".join(queries) or f"none: {folder} has no *{QUERY_SUFFIX} files"
    raise QueryError(Problem(f"no named query '{name}'", hint=hint or f"named queries: {known}"))


def bind_parameters(query: NamedQuery, values: Mapping[str, str], terms: Terms) -> dict[str, Any]:
    """Check ``values`` against the query's declared parameters and convert them to terms.

    Unknown and missing parameters, and values of the wrong type, are all reported at once.
    """
    problems: list[Problem] = []
    declared = [p.name for p in query.params]
    for key in values:
        if query.param(key) is None:
            hint = did_you_mean(key, declared)
            takes = f"it takes {', '.join(declared)}" if declared else "it takes no parameters"
            problems.append(Problem(f"query '{query.name}' has no parameter '{key}'", hint=hint or takes))
    bound: dict[str, Any] = {}
    for param in query.params:
        raw = values.get(param.name, param.default)
        if raw is None:
            if param.required:
                ptype = PARAM_TYPES[param.type]
                problems.append(Problem(
                    f"query '{query.name}' needs parameter '{param.name}' ({param.type})",
                    hint=f"add --param {param.name}={ptype.example}",
                ))
            continue
        try:
            bound[param.name] = PARAM_TYPES[param.type].convert(str(raw), terms)
        except ValueError as exc:
            problems.append(Problem(f"parameter {param.name}={raw!r}: {exc}"))
    if problems:
        raise QueryError(problems)
    return bound


SERVICE_HINT = "only for a query you trust: ldpub query --allow-service, or allow_service=True in Python"


def guard(text: str, origin: str | None = None, line_offset: int = 0, *, allow_service: bool = False) -> None:
    """Refuse ``text`` before any engine sees it when it is too large, nests too deeply or
    calls other servers (``SERVICE``, unless ``allow_service``): see :mod:`ldpub.sparqlguard`."""
    from .sparqlguard import check_query

    check_query(text, allow_service=allow_service, origin=origin, service_hint=SERVICE_HINT,
                first_line=1 - line_offset)


def check_syntax(text: str, origin: str | None = None, line_offset: int = 0, *, allow_service: bool = False) -> None:
    """Raise a :class:`QueryError` with line and column when ``text`` is not valid SPARQL 1.1
    (or is refused by :func:`guard`, which runs first: the syntax check evaluates the query on
    an empty store, and pyoxigraph would follow a SERVICE even there).

    ``line_offset`` lines were added before the user's text; reported lines are the user's.
    With ``allow_service`` the syntax is checked when the query runs instead (checking it here
    would call every service twice).
    """
    import pyoxigraph as ox

    guard(text, origin, line_offset, allow_service=allow_service)
    if allow_service:
        return
    try:
        ox.Store().query(text)
    except SyntaxError as exc:
        from .sparqltext import syntax_problem

        raise QueryError(syntax_problem(exc, text, origin, first_line=1 - line_offset)) from None


def _display(path: Path) -> str:
    """A path as the user would type it: relative to the current folder when inside it."""
    try:
        return str(Path(path).resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)


def prepare(query: NamedQuery, values: Mapping[str, str] | None = None, terms: Terms | None = None,
            *, allow_service: bool = False) -> str:
    """The query text ready to send: guarded (:func:`guard`), syntax checked, parameters bound
    in a VALUES block."""
    from .sparqltext import inject_values

    origin = _display(query.path) if query.path else query.name
    check_syntax(query.text, origin, query.line_offset, allow_service=allow_service)
    bound = bind_parameters(query, values or {}, terms or Terms())
    try:
        return inject_values(query.text, bound)
    except QueryError as exc:
        raise QueryError([Problem(f"{origin}: {p.message}") for p in exc.problems]) from None


def check_records(query: NamedQuery, values: Mapping[str, str], target: "Target") -> None:
    """For a target whose slugs are not known in advance (an endpoint, RDF files): check that
    each record slug given for an ``iri`` parameter occurs there, so a typo is an error rather
    than an empty answer."""
    if target.terms.slugs is not None or target.terms.base_iri is None:
        return
    problems = []
    for param in query.params:
        value = values.get(param.name)
        if param.type == "iri" and value and _SLUG.fullmatch(value):
            if not target.knows(target.terms.base_iri + value):
                problems.append(Problem(f"parameter {param.name}={value!r}: no record '{value}' in {target.where()}",
                                        hint=target.not_found_hint()))
    if problems:
        raise QueryError(problems)


# ------------------------------------------------------------------------------ results
def _python(term) -> Any:
    """A plain Python value for a term (for dicts and data frames)."""
    import pyoxigraph as ox

    if term is None:
        return None
    if isinstance(term, ox.Literal):
        converter = _PYTHON_VALUES.get(term.datatype.value)
        if converter:
            try:
                return converter(term.value)
            except ValueError:
                return term.value
        return term.value
    if isinstance(term, ox.BlankNode):
        return f"_:{term.value}"
    return term.value


_PYTHON_VALUES: dict[str, Callable[[str], Any]] = {
    XSD + "integer": int,
    XSD + "int": int,
    XSD + "long": int,
    XSD + "decimal": Decimal,
    XSD + "double": float,
    XSD + "float": float,
    XSD + "boolean": lambda v: v in ("true", "1"),
    XSD + "date": date.fromisoformat,
}


@dataclass
class QueryResult:
    """What a query answered: solutions (SELECT), a boolean (ASK) or triples (CONSTRUCT/DESCRIBE).

    ``rows`` holds pyoxigraph terms (``None`` where a variable is unbound), in the answer's order.
    """

    kind: str  # "solutions" | "boolean" | "graph"
    variables: list[str] = field(default_factory=list)
    rows: list[tuple] = field(default_factory=list)
    boolean: bool | None = None
    triples: list = field(default_factory=list)
    query: str = ""
    prefixes: dict[str, str] = field(default_factory=dict)  # for compact IRIs when shown
    total: int | None = None  # rows (or triples) in the whole answer; None: unknown (= len(self))
    offset: int = 0  # how many rows of the whole answer come before these

    @property
    def count(self) -> int:
        """How many rows (or triples) the whole answer has, of which this result may be a page."""
        return len(self) if self.total is None else self.total

    @property
    def complete(self) -> bool:
        """Whether this result is the whole answer rather than a page of it."""
        return self.offset == 0 and len(self) == self.count

    def page_note(self) -> str:
        """``showing 1-100 of 56,210 rows`` (or ``56 rows`` when complete), for people."""
        from .paging import describe

        return describe(self.offset, len(self), self.count, "triple" if self.kind == "graph" else "row")

    def __len__(self) -> int:
        if self.kind == "graph":
            return len(self.triples)
        if self.kind == "boolean":
            return int(bool(self.boolean))
        return len(self.rows)

    def __iter__(self) -> Iterator[dict[str, Any]]:
        return iter(self.to_dicts())

    @property
    def empty(self) -> bool:
        """True when nothing was found (no rows, ASK false, no triples), in the whole answer."""
        return self.count == 0

    def to_dicts(self) -> list[dict[str, Any]]:
        """One dict per row, variable -> plain Python value (str, int, Decimal, bool, date, None)."""
        return [{v: _python(t) for v, t in zip(self.variables, row)} for row in self.rows]

    def column(self, name: str) -> list[Any]:
        """The plain values of one variable, row by row."""
        index = self.variables.index(name)
        return [_python(row[index]) for row in self.rows]

    def to_dataframe(self):
        """A pandas DataFrame of the rows (pandas must be installed)."""
        try:
            import pandas as pd
        except ImportError as exc:
            raise ImportError("to_dataframe() needs pandas: pip install pandas") from exc
        return pd.DataFrame(self.to_dicts(), columns=self.variables)

    def serialize(self, format_name: str, prefixes: Mapping[str, str] | None = None, **options) -> str:
        """The result in one of :data:`ldpub.resultformats.RESULT_FORMATS`."""
        from .resultformats import render

        return render(self, format_name, self.prefixes if prefixes is None else prefixes, **options)

    def _repr_markdown_(self) -> str:  # notebooks
        return self.serialize("md")


# ------------------------------------------------------------------------------ targets
class Target(ABC):
    """Where queries run. Subclasses implement :meth:`execute`."""

    terms: Terms = Terms()
    description: str = ""
    jsonld_context: dict | None = None  # for JSON-LD output of CONSTRUCT results
    allow_service: bool = False  # whether queries may use SERVICE (federation): off by default

    @abstractmethod
    def execute(self, text: str, page: "Page | None" = None) -> QueryResult:
        """Run the SPARQL ``text`` and return its result: the whole answer, or ``page`` of it
        (:class:`ldpub.paging.Page`) with the size of the whole answer as ``total``."""

    def as_sent(self, text: str) -> str:
        """The text :meth:`execute` sends for ``text`` (an endpoint adds the graphs to query)."""
        return text

    def where(self) -> str:
        """Where a record was looked for, for messages: the target's description."""
        return self.description

    def not_found_hint(self) -> str | None:
        """What to try when a record is not found here (None: nothing to add)."""
        return None

    def knows_class_hierarchy(self) -> bool:
        """Whether the target holds the ontology's class hierarchy (``rdfs:subClassOf``).

        Queries that follow the hierarchy (``events``, ``relations``, ``meetings``) find only
        records typed with the exact class without it.
        """
        result = self.execute(f"ASK {{ ?class {_iri_term(RDFS + 'subClassOf')} ?parent }}")
        return bool(result.boolean)

    def holds_nothing(self) -> bool:
        """Whether the target's default graph (or the graphs it queries) holds no triple at all."""
        return not self.execute("ASK { ?s ?p ?o }").boolean

    def knows(self, iri: str) -> bool:
        """Whether ``iri`` occurs in the target (as subject or object)."""
        try:
            term = _iri_term(iri)
        except ValueError:
            return False  # not an IRI: nothing can hold it
        result = self.execute(f"ASK {{ {{ {term} ?p ?o }} UNION {{ ?s ?p {term} }} }}")
        return bool(result.boolean)

    def labels(self, iris: list[str]) -> dict[str, str]:
        """The preferred labels (skos:prefLabel, else rdfs:label) of ``iris`` found in the target."""
        if not iris:
            return {}
        values = " ".join(_iri_term(iri) for iri in iris)
        text = (
            f"SELECT ?s (SAMPLE(COALESCE(?pref, ?label)) AS ?name) WHERE {{ VALUES ?s {{ {values} }} "
            f"OPTIONAL {{ ?s {_iri_term(SKOS + 'prefLabel')} ?pref }} "
            f"OPTIONAL {{ ?s {_iri_term(RDFS + 'label')} ?label }} }} GROUP BY ?s"
        )
        result = self.execute(text)
        return {row[0].value: row[1].value for row in result.rows if row[1] is not None}


def _iri_term(iri: str) -> str:
    """``<iri>`` written by pyoxigraph's term serializer (a ``ValueError`` for a non-IRI): an
    IRI is never pasted into query text."""
    import pyoxigraph as ox

    return str(ox.NamedNode(iri))


def _solutions(answer, text: str, page: "Page | None" = None) -> QueryResult:
    """A pyoxigraph answer as a :class:`QueryResult`: all of it, or ``page`` of it (cut in one
    pass, in the answer's order; only the page's rows are turned into tuples)."""
    import pyoxigraph as ox

    from .paging import Page, cut

    page = page or Page()
    if isinstance(answer, ox.QueryBoolean):
        return QueryResult("boolean", boolean=bool(answer), query=text)
    if isinstance(answer, ox.QuerySolutions):
        variables = [v.value for v in answer.variables]
        solutions, total = cut(answer, page)
        rows = [tuple(solution[v] for v in variables) for solution in solutions]
        return QueryResult("solutions", variables, rows, query=text, total=total, offset=page.offset)
    triples, total = cut(answer, page)
    return QueryResult("graph", triples=triples, query=text, total=total, offset=page.offset)


class EmbeddedTarget(Target):
    """A pyoxigraph Store in this process.

    With a ``timeout`` (seconds), :meth:`execute` waits at most that long and then raises a
    :class:`QueryError`. pyoxigraph releases the GIL while it evaluates but cannot be
    interrupted, so the query goes on in a background thread until it ends: the command line
    exits at once, a long-lived Python program should use a fresh process per untrusted query.

    With ``answers`` (:class:`ldpub.answercache.Answers`: the project's persistent query store,
    see :meth:`from_project` and :func:`ldpub.answercache.attach`), a query's whole answer is kept
    beside the store and read back, a page at a time, when the same text is asked again.
    """

    answers = None  # ldpub.answercache.Answers of a persistent store, or None (every query evaluated)
    options: dict = {}  # keyword arguments of pyoxigraph's Store.query (the query's dataset)

    def __init__(self, store, terms: Terms | None = None, description: str = "embedded store",
                 *, allow_service: bool = False, timeout: float | None = None) -> None:
        self.store = store
        self.terms = terms or Terms()
        self.description = description
        self.allow_service = allow_service
        self.timeout = timeout

    @classmethod
    def from_project(cls, project: "Project", data_dir: Path | None = None, *,
                     notify: Callable[[str], None] | None = None, progress=None) -> "EmbeddedTarget":
        """The project's records (not validated) with its ontology: the persistent query store
        (:mod:`ldpub.querystore`) when it was made from the current records, ontology and
        settings, else built from the records now (and kept for the next query; ``notify``
        hears that it is, ``progress(phase, done, total)`` how far it is)."""
        from . import querystore
        from .config import cache_dir

        data_path = Path(data_dir) if data_dir else project.data_path
        cache = cache_dir(project)
        if cache is None or not querystore.enabled():
            from .pipeline import compile_project

            opened = querystore.in_memory(compile_project(project, data_dir, validate=False, progress=progress))
        else:
            opened = querystore.ensure_store(project, data_path, cache, notify=notify, progress=progress)
        terms = Terms(project.base_iri, opened.prefixes, opened.slugs)
        target = cls(opened.store, terms, f"{project.name} built from {data_dir or project.data_path}")
        target.jsonld_context = opened.context
        target.opened = opened  # holds the store's read lock while the target lives
        from .answercache import attach

        attach(target, opened)  # the project's graphs; answers kept beside a persistent store (none in memory)
        return target

    @classmethod
    def from_files(cls, paths: list[Path], terms: Terms | None = None) -> "EmbeddedTarget":
        """RDF files (format from the extension) loaded into one store."""
        import pyoxigraph as ox

        store = ox.Store()
        for path in paths:
            try:
                fmt = ox.RdfFormat.from_extension(Path(path).suffix.lstrip("."))
                if fmt is None:
                    raise QueryError.at(f"unknown RDF file extension '{Path(path).suffix}'", path, hint="use .ttl, .nt, .jsonld, .rdf or .nq")
                store.bulk_load(path=str(path), format=fmt)
            except (OSError, SyntaxError) as exc:
                raise QueryError.at(f"cannot load: {exc}", path) from None
        return cls(store, terms, ", ".join(str(p) for p in paths))

    def execute(self, text: str, page: "Page | None" = None) -> QueryResult:
        guard(text, allow_service=self.allow_service)
        if self.timeout is None:
            return self._evaluate(text, page)
        import threading

        outcome: dict[str, Any] = {}

        def evaluate() -> None:
            try:
                outcome["result"] = self._evaluate(text, page)
            except BaseException as exc:  # handed to the caller's thread below
                outcome["error"] = exc

        worker = threading.Thread(target=evaluate, name="ldpub-query", daemon=True)
        worker.start()
        worker.join(self.timeout)
        if worker.is_alive():
            raise QueryError(Problem(f"the query did not finish within the time limit of {self.timeout:g} s",
                                     hint="narrow it (LIMIT, more specific patterns) or give a larger --timeout"))
        if "error" in outcome:
            raise outcome["error"]
        return outcome["result"]

    def _evaluate(self, text: str, page: "Page | None" = None) -> QueryResult:
        try:
            if self.answers is not None:  # a persistent store: its kept answer, else evaluated and kept
                return self.answers.answer(self.store, text, page)
            answer = self.store.query(text, **self.options)
            return _solutions(answer, text, page)  # solutions are computed as they are read
        except SyntaxError as exc:
            from .sparqltext import syntax_problem

            raise QueryError(syntax_problem(exc, text, None)) from None
        except (OSError, RuntimeError, ValueError) as exc:
            raise QueryError(f"query failed: {exc}") from None


class EndpointTarget(Target):
    """A SPARQL 1.1 Protocol endpoint (the query URL), reached with httpx.

    Credentials come from the environment (``LDPUB_QUERY_TOKEN``, or ``LDPUB_QUERY_USER`` and
    ``LDPUB_QUERY_PASSWORD``: :mod:`ldpub.credentials`); a URL with credentials is refused, and
    every URL or server answer in a message is redacted (:mod:`ldpub.redact`).
    """

    SOLUTIONS_MEDIA = "application/sparql-results+json"
    GRAPH_MEDIA = "application/n-triples"
    ENV_PREFIX = "LDPUB_QUERY"

    def __init__(self, url: str, terms: Terms | None = None, timeout: float = 30.0, auth=None,
                 graphs: Iterable[str] = (), suggested_graphs: Iterable[str] = ()) -> None:
        from .credentials import auth_from_env, check_url
        from .redact import redact_url
        from .sparqltext import with_default_graphs

        try:
            check_url(url or "", "the endpoint", self.ENV_PREFIX, QueryError)
        except QueryError as exc:
            raise QueryError(Problem(exc.problems[0].message, hint="e.g. --endpoint http://127.0.0.1:7878/query")) from None
        self.url = url
        self.terms = terms or Terms()
        self.timeout = timeout
        self.auth = auth if auth is not None else auth_from_env(self.ENV_PREFIX, error=QueryError)
        self.description = redact_url(url)
        self.graphs = tuple(dict.fromkeys(graphs))  # the query's default graph is their merge (FROM)
        with_default_graphs("ASK {}", self.graphs)  # each must be an IRI: refused here, before any query
        self.suggested_graphs = tuple(suggested_graphs)  # where ldpub push puts the data, for hints

    def as_sent(self, text: str) -> str:
        """``text`` with a ``FROM <g>`` clause per graph of :attr:`graphs` (unless it names its own)."""
        from .sparqltext import with_default_graphs

        return with_default_graphs(text, self.graphs)

    def where(self) -> str:
        if not self.graphs:
            return f"{self.description} (its default graph)"
        return f"{self.description} (graphs {', '.join(f'<{g}>' for g in self.graphs)})"

    def not_found_hint(self) -> str | None:
        if self.graphs:
            return "check the graph IRIs: 'ldpub push' says where it put the data and the ontology"
        flags = " ".join(f"--graph {g}" for g in self.suggested_graphs) or "--graph IRI"
        return (f"data loaded with 'ldpub push' is in named graphs: add {flags}, "
                "or set [push] graph in ldpub.toml")

    def execute(self, text: str, page: "Page | None" = None) -> QueryResult:
        import httpx
        import pyoxigraph as ox

        from .paging import Page, cut

        from .sparqltext import query_form

        guard(text, allow_service=self.allow_service)
        form = query_form(text)
        graph = form in ("construct", "describe")
        text = self.as_sent(text)
        accept = self.GRAPH_MEDIA if graph else self.SOLUTIONS_MEDIA
        from .redact import answer_excerpt, excerpt, redact_text

        shown = self.description  # the URL with its secrets masked
        try:
            response = httpx.post(self.url, data={"query": text}, headers={"Accept": accept}, timeout=self.timeout,
                                  follow_redirects=True, auth=self.auth)
        except httpx.TimeoutException:
            raise QueryError(f"SPARQL endpoint {shown} did not answer within {self.timeout:g} s") from None
        except httpx.HTTPError as exc:
            reason = redact_text(exc) or type(exc).__name__
            raise QueryError(f"cannot reach SPARQL endpoint {shown}: {reason}") from None
        if response.status_code >= 400:
            raise QueryError(f"SPARQL endpoint {shown} answered {response.status_code} "
                             f"{excerpt(response.reason_phrase, 80)}: {answer_excerpt(response)}")
        try:
            if graph:
                triples, total = cut(ox.parse(response.content, format=ox.RdfFormat.N_TRIPLES), page or Page())
                return QueryResult("graph", triples=triples, query=text, total=total, offset=(page or Page()).offset)
            answer = ox.parse_query_results(response.content, format=ox.QueryResultsFormat.JSON)
        except (SyntaxError, ValueError) as exc:
            media = excerpt(response.headers.get("content-type", "?"), 80)
            raise QueryError(f"SPARQL endpoint {shown} sent an answer that is not {accept} ({media}): "
                             f"{excerpt(exc)}") from None
        if form == "ask" and isinstance(answer, ox.QuerySolutions):
            return _ask_as_table(answer, text)
        return _solutions(answer, text, page)


def _ask_as_table(answer, text: str) -> QueryResult:
    """An ASK answered as a table, as Virtuoso 7 does (one column ``__ASK_RETVAL``: one row
    ``1`` for true, no row for false), read as the boolean it stands for."""
    rows = [tuple(solution[v] for v in answer.variables) for solution in answer]
    true = bool(rows) and len(rows[0]) == 1 and rows[0][0] is not None and rows[0][0].value in ("1", "true")
    return QueryResult("boolean", boolean=true, query=text)


def connect(
    project: "Project | str | Path | None" = None,
    *,
    endpoint: str | None = None,
    data_dir: Path | None = None,
    files: list[Path] | None = None,
    timeout: float = 30.0,
    allow_service: bool = False,
    graphs: Iterable[str] | None = None,
    notify: Callable[[str], None] | None = None,
    progress: Callable[..., None] | None = None,
) -> Target:
    """A query target: ``endpoint`` URL, RDF ``files``, or the project's query store.

    ``project`` is a :class:`ldpub.config.Project` or a folder (default: the current one); it
    gives the base IRI that slugs in parameters expand to. With an endpoint or files the project
    is optional (parameters then take full IRIs). ``allow_service`` lets its queries use
    ``SERVICE`` (federation: the query makes this machine call other servers). ``timeout``
    bounds each query, embedded or on the endpoint (seconds; None: no limit for embedded).

    ``graphs`` (an endpoint only) are the named graphs a query reads as its default graph
    (``FROM`` clauses), e.g. where ``ldpub push`` put the dataset and the ontology. None: the
    graphs ``[push]`` of ``ldpub.toml`` names, else the endpoint's default graph; ``[]``: the
    endpoint's default graph.

    The project's query store (:mod:`ldpub.querystore`) is the one ``ldpub build`` left when it
    matches the current records, ontology and settings; otherwise it is made again from the
    records first: ``notify`` hears a sentence saying so, ``progress(phase, done, total)`` how
    far it is.
    """
    if graphs is not None and not endpoint:
        raise QueryError(Problem("graphs can only be chosen on an endpoint", hint="give endpoint=URL (--endpoint)"))
    target = _connect(project, endpoint=endpoint, data_dir=data_dir, files=files, timeout=timeout, graphs=graphs,
                      notify=notify, progress=progress)
    target.allow_service = allow_service
    return target


def _connect(project, *, endpoint, data_dir, files, timeout, graphs=None, notify=None, progress=None) -> Target:
    from .config import Project, has_project, load_project

    if project is not None and not isinstance(project, Project):
        project = load_project(project)
    if endpoint or files:
        if project is None and has_project(None):
            project = load_project(None)  # settings that are there must be right
        terms, ontology_iri = _project_terms(project)
        if endpoint:
            default, suggested = _endpoint_graphs(project, ontology_iri)
            return EndpointTarget(endpoint, terms, timeout, graphs=default if graphs is None else graphs,
                                  suggested_graphs=suggested)
        target = EmbeddedTarget.from_files(list(files or []), terms)
    else:
        target = EmbeddedTarget.from_project(project or load_project(None), data_dir, notify=notify, progress=progress)
    target.timeout = timeout
    return target


def _endpoint_graphs(project, ontology_iri: str | None) -> tuple[list[str], list[str]]:
    """The graphs to query on an endpoint by default ([push] of ldpub.toml), and the graphs
    ``ldpub push`` would write (for the hint when a record is not found)."""
    if project is None:
        return [], []
    from .iris import dataset_iri
    from .push import push_settings

    settings = push_settings(project)
    pushed = [g for g in (settings.graph or dataset_iri(project.base_iri), settings.ontology_graph or ontology_iri) if g]
    return settings.query_graphs(dataset_iri(project.base_iri), ontology_iri) or [], pushed


def _project_terms(project) -> tuple[Terms, str | None]:
    """The terms of ``project`` (base IRI, prefixes) and the IRI of its ontology (None if unknown)."""
    if project is None:
        return Terms(prefixes=_default_prefixes()), None
    from .errors import OntologyError
    from .ontology import load_vocabulary

    try:
        vocab = load_vocabulary(project.ontology_path)
        prefixes = {**vocab.prefixes, project.data_prefix: project.base_iri}
        ontology_iri = vocab.ontology_iri
    except OntologyError:  # an endpoint user may have no ontology folder: slugs still work
        prefixes = {**_default_prefixes(), project.data_prefix: project.base_iri}
        ontology_iri = None
    return Terms(project.base_iri, prefixes), ontology_iri


def _default_prefixes() -> dict[str, str]:
    from .rdfterms import STANDARD_PREFIXES

    return dict(STANDARD_PREFIXES)


def run(
    query: str | NamedQuery,
    params: Mapping[str, str] | None = None,
    *,
    target: Target | None = None,
    project: "Project | str | Path | None" = None,
    endpoint: str | None = None,
    allow_service: bool = False,
    graphs: Iterable[str] | None = None,
    limit: int | None = None,
    offset: int = 0,
) -> QueryResult:
    """Run a named query (by name) or SPARQL text, and return its :class:`QueryResult`.

    ``limit`` and ``offset`` ask for a page: ``limit`` rows (triples for CONSTRUCT/DESCRIBE)
    after the first ``offset``, in the query's own order (its ORDER BY, else the store's order,
    which is stable). The result then holds the page, and ``result.total`` the size of the whole
    answer (counted in the same evaluation)::

        page = run("events", limit=100)          # the first 100 rows
        page.total, page.page_note()             # 56210, 'showing 1-100 of 56,210 rows'
        run("events", limit=100, offset=100)     # the next 100

    ``query`` is the name of a query in the project's ``queries/`` folder, a :class:`NamedQuery`,
    or SPARQL text (whose ``# param:`` header lines, if any, declare its parameters). ``params``
    bind the declared parameters. ``SERVICE`` is refused unless ``allow_service`` (for a target
    made here) or the given ``target``'s own ``allow_service``. ``graphs``: on an ``endpoint``,
    the named graphs to query (see :func:`connect`), e.g. those ``ldpub push`` wrote::

        run("members", endpoint="http://127.0.0.1:7878/query",
            graphs=["https://example.org/dataset/", "https://example.org/ontology"])
    """
    from .config import Project, load_project

    if target is None:
        target = connect(project, endpoint=endpoint, allow_service=allow_service, graphs=graphs)
    elif graphs is not None:
        raise QueryError(Problem("give graphs to connect(), not with a target", hint="connect(endpoint=URL, graphs=[...])"))
    if isinstance(query, str) and re.fullmatch(r"[\w.-]+", query):
        proj = project if isinstance(project, Project) else load_project(project)
        query = named_query(proj.queries_path, query)
    elif isinstance(query, str):
        query = parse_header(query, "<sparql>")
    from .paging import Page

    page = Page(limit, offset)  # checked before anything runs
    text = prepare(query, params, target.terms, allow_service=target.allow_service)
    check_records(query, params or {}, target)
    result = target.execute(text, page)
    result.prefixes = dict(target.terms.prefixes)
    return result
