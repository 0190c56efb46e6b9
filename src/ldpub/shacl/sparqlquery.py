"""The text of a SHACL-SPARQL query: what the specification forbids, and what the engine may batch.

A small lexer (comments, strings and IRIs skipped; braces, parentheses, keywords and variables
kept) gives enough structure, without a SPARQL parser, to

* refuse what SHACL §6.2 (pre-binding) forbids: ``MINUS``, ``SERVICE``, ``VALUES``, ``AS ?v``
  for a pre-bound variable, a sub-query that does not project every pre-bound variable;
* rewrite the projection so that pyoxigraph can pre-bind (its ``substitutions`` need the
  variable projected), and substitute ``$PATH``;
* decide when one query over all focus nodes (``VALUES`` of the focus nodes, joined once)
  gives exactly the solutions of one pre-bound query per focus node (:func:`QueryText.batchable`);
* list the predicates a query can match (:func:`QueryText.fixed_predicates`), so that the
  Store may hold only those.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from ..rdfterms import RDF_TYPE

__all__ = ["QueryText", "Token", "tokens", "SparqlRefused", "render"]

_IRI = re.compile(r"<[^<>\"{}|^`\\\x00-\x20]*>")
_VAR = re.compile(r"[?$]([A-Za-z0-9_\u00B7\u00C0-\uFFFF]+)")
_PNAME = re.compile(r"([A-Za-z][\w\-.]*)?:((?:[\w\-.:%]|\\.)*)")
_WORD = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_NUMBER = re.compile(r"[+-]?(\d+\.?\d*([eE][+-]?\d+)?|\.\d+([eE][+-]?\d+)?)")
_STRINGS = ('"""', "'''", '"', "'")

AGGREGATES = {"COUNT", "SUM", "MIN", "MAX", "AVG", "SAMPLE", "GROUP_CONCAT"}
MAX_QUERY_CHARS = 1_000_000
MAX_NESTING = 64  # pyoxigraph's parser overflows its stack on deeply nested groups (as ldpub.sparqlguard)


@dataclass(frozen=True)
class Token:
    kind: str  # word, var, iri, pname, string, number, punct
    text: str
    offset: int

    @property
    def upper(self) -> str:
        return self.text.upper()


class SparqlRefused(ValueError):
    """A query SHACL forbids (the message says why); the caller names the shape."""


def tokens(text: str) -> list[Token]:
    """The query's tokens (comments dropped)."""
    out: list[Token] = []
    i, n = 0, len(text)
    while i < n:
        ch = text[i]
        if ch.isspace():
            i += 1
        elif ch == "#":  # a comment ends at a line feed or a carriage return (as pyoxigraph reads it)
            ends = [e for e in (text.find("\n", i), text.find("\r", i)) if e >= 0]
            i = min(ends) + 1 if ends else n
        elif ch in "\"'":
            quote = next(q for q in _STRINGS if text.startswith(q, i))
            j = i + len(quote)
            while j < n and not text.startswith(quote, j):
                j += 2 if text[j] == "\\" else 1
            end = min(j + len(quote), n)
            # a language tag or datatype after the string belongs to it
            m = re.compile(r"@[A-Za-z]+(-[A-Za-z0-9]+)*").match(text, end)
            if m:
                end = m.end()
            out.append(Token("string", text[i:end], i))
            i = end
        elif ch == "<" and (m := _IRI.match(text, i)):
            out.append(Token("iri", m.group(), i))
            i = m.end()
        elif ch in "?$" and (m := _VAR.match(text, i)):
            out.append(Token("var", m.group(1), i))
            i = m.end()
        elif (m := _PNAME.match(text, i)) and ":" in m.group() and (ch.isalpha() or ch == ":"):
            out.append(Token("pname", m.group(), i))
            i = m.end()
        elif (m := _WORD.match(text, i)) is not None:
            out.append(Token("word", m.group(), i))
            i = m.end()
        elif ch.isdigit() or (ch == "." and i + 1 < n and text[i + 1].isdigit()):
            m = _NUMBER.match(text, i)
            out.append(Token("number", m.group(), i))
            i = m.end()
        else:
            two = text[i:i + 2]
            if two in ("&&", "||", "!=", "<=", ">=", "^^"):
                out.append(Token("punct", two, i))
                i += 2
            else:
                out.append(Token("punct", ch, i))
                i += 1
    return out


def _match(toks: list[Token], start: int, opener: str, closer: str) -> int:
    """Index of the token closing the bracket opened at ``start``."""
    level = 0
    for j in range(start, len(toks)):
        if toks[j].text == opener:
            level += 1
        elif toks[j].text == closer:
            level -= 1
            if level == 0:
                return j
    return len(toks) - 1


@dataclass
class _Select:
    """A SELECT clause: where its projection starts and ends, what it projects, its WHERE group."""

    start: int  # index of the SELECT token
    projection_end: int  # index of the token after the projection (WHERE or '{')
    variables: set[str] = field(default_factory=set)
    star: bool = False
    group_open: int = -1  # index of the '{' opening its WHERE group
    group_close: int = -1


class QueryText:
    """One SHACL-SPARQL query (``sh:select`` or ``sh:ask``), with its prefixes prepended."""

    def __init__(self, body: str, prefixes: dict[str, str], form: str) -> None:
        self.body = body
        self.prefixes = prefixes
        self.form = form  # "select" or "ask"
        self.prefix_lines = "".join(f"PREFIX {p}: <{ns}>\n" for p, ns in sorted(prefixes.items()))
        self.text = self.prefix_lines + body
        self.toks = tokens(self.text)
        self.variables = {t.text for t in self.toks if t.kind == "var"}
        self.selects = self._selects()

    # ------------------------------------------------------------------ structure
    def _selects(self) -> list[_Select]:
        toks, out = self.toks, []
        for i, t in enumerate(toks):
            if t.kind == "word" and t.upper == "SELECT":
                sel = _Select(i, i + 1)
                j = i + 1
                while j < len(toks) and not (toks[j].kind == "word" and toks[j].upper == "WHERE") and toks[j].text != "{":
                    tok = toks[j]
                    if tok.text == "*":
                        sel.star = True
                    elif tok.text == "(":
                        close = _match(toks, j, "(", ")")
                        if close - 1 > j and toks[close - 1].kind == "var" and toks[close - 2].upper == "AS":
                            sel.variables.add(toks[close - 1].text)
                        j = close
                    elif tok.kind == "var":
                        sel.variables.add(tok.text)
                    j += 1
                sel.projection_end = j
                k = j
                while k < len(toks) and toks[k].text != "{":
                    k += 1
                sel.group_open = k
                sel.group_close = _match(toks, k, "{", "}") if k < len(toks) else len(toks) - 1
                out.append(sel)
        return out

    def where_open(self) -> int:
        """Character offset just after the ``{`` of the outermost WHERE group."""
        if self.form == "select" and self.selects:
            return self.toks[self.selects[0].group_open].offset + 1
        for t in self.toks:
            if t.text == "{":
                return t.offset + 1
        raise SparqlRefused("the query has no WHERE group")

    def mentions(self, name: str) -> bool:
        return name in self.variables

    # ------------------------------------------------------------------ SHACL's restrictions
    def check(self, prebound: set[str]) -> None:
        """Raise :class:`SparqlRefused` for what SHACL-SPARQL forbids (§6.2 pre-binding, §5.1 syntax),
        and for what could make the engine call out or crash (a SERVICE however spelled, a query
        over :data:`MAX_QUERY_CHARS` characters or nested deeper than :data:`MAX_NESTING`)."""
        toks = self.toks
        # size, nesting and SERVICE however spelled: the same guard as every query ldpub runs
        from ..sparqlguard import QueryLimits, QueryRefused, check_query

        try:
            check_query(self.text, limits=QueryLimits(MAX_QUERY_CHARS, MAX_NESTING), origin="the query")
        except QueryRefused as exc:
            raise SparqlRefused(exc.problems[0].message) from None
        for i, t in enumerate(toks):
            # pyoxigraph reads keywords without word boundaries ("trueMINUS" is true MINUS,
            # "values:x" is VALUES :x): refuse any word, or prefix of a prefixed name, holding one
            if t.kind == "word":
                word = t.text.lower()
            elif t.kind == "pname" and not (i > 0 and toks[i - 1].upper == "PREFIX"):
                word = t.text.split(":", 1)[0].lower()
            else:
                continue
            for keyword in ("minus", "values"):
                if keyword in word and (word != keyword or t.kind == "pname"):
                    raise SparqlRefused(f"'{t.text}' can be read as {keyword.upper()}, which SHACL forbids "
                                        f"(pre-binding, SHACL 6.2)")
        first = next((t.upper for t in toks if t.kind == "word" and t.upper in ("SELECT", "ASK", "CONSTRUCT",
                                                                                 "DESCRIBE")), None)
        if first != self.form.upper():
            raise SparqlRefused(f"sh:{self.form} needs a SPARQL {self.form.upper()} query")
        for i, t in enumerate(toks):
            if t.kind != "word":
                continue
            if t.upper in ("MINUS", "SERVICE"):
                raise SparqlRefused(f"SHACL forbids {t.upper} in its SPARQL queries (pre-binding, SHACL 6.2)")
            if t.upper == "VALUES":
                raise SparqlRefused("SHACL forbids VALUES in its SPARQL queries (pre-binding, SHACL 6.2)")
            if t.upper == "AS" and i + 1 < len(toks) and toks[i + 1].kind == "var" and toks[i + 1].text in prebound:
                raise SparqlRefused(f"'AS ?{toks[i + 1].text}' assigns a pre-bound variable, which SHACL forbids "
                                    f"(pre-binding, SHACL 6.2)")
        required = prebound - {"shapesGraph", "currentShape"}
        for sub in self.selects[1:] if self.form == "select" else self.selects:
            missing = sorted(v for v in required if v not in sub.variables
                             and not (sub.star and self._in_scope(v, sub.group_open, sub.group_close)))
            if missing:
                raise SparqlRefused("a sub-query must project every pre-bound variable (SHACL 6.2); this one "
                                    "does not return " + ", ".join(f"${v}" for v in missing))
        if self.form == "select" and "this" not in self.selects[0].variables and not self.selects[0].star:
            raise SparqlRefused("the SELECT query must project $this (SHACL 5.1)")

    def _in_scope(self, name: str, open_: int, close: int) -> bool:
        """Whether ``?name`` is bound in the group (a pattern, not only in a FILTER or EXISTS)."""
        toks, i = self.toks, open_ + 1
        while i < close:
            t = toks[i]
            if t.kind == "word" and t.upper in ("FILTER", "BIND", "HAVING", "ORDER", "GROUP"):
                j = i + 1
                while j < close and toks[j].text not in ("(", "{") and not (toks[j].kind == "word" and
                                                                            toks[j].upper in ("EXISTS",)):
                    j += 1
                if j < close and toks[j].upper == "EXISTS":
                    j += 1
                if j < close and toks[j].text in ("(", "{"):
                    i = _match(toks, j, toks[j].text, ")" if toks[j].text == "(" else "}") + 1
                    continue
            if t.kind == "var" and t.text == name:
                return True
            i += 1
        return False

    # ------------------------------------------------------------------ rewriting
    def with_path(self, path_sparql: str | None) -> "QueryText":
        """``$PATH`` replaced by the property path (a refusal if the shape has no path)."""
        if "PATH" not in self.variables:
            return self
        if path_sparql is None:
            raise SparqlRefused("the query uses $PATH but the shape is not a property shape")
        return QueryText(_VAR_PATH.sub(lambda m: path_sparql, self.body), self.prefixes, self.form)

    # ------------------------------------------------------------------ batching
    def batchable(self, variables: set[str]) -> bool:
        """Whether joining ``variables`` once at the top of the WHERE group with every focus
        node's values gives the same solutions as one pre-bound run per focus node.

        Pre-binding makes the variables constants everywhere; a join binds them in the top
        group only. The two agree when every place that *reads* a variable without binding it
        (a FILTER, a BIND, an expression) sees it bound: the top group (where the joined values
        are), the condition of a top-level OPTIONAL (a left join sees the left side), and the
        pattern of an EXISTS whose FILTER is in one of those places (it is evaluated with the
        outer solution substituted). Triple patterns anywhere are joins and agree. Anything
        that counts or cuts solutions (aggregates, GROUP BY, LIMIT, OFFSET, sub-queries) or
        reads another graph is run per focus node.
        """
        key = frozenset(variables)
        memo = self.__dict__.setdefault("_batchable", {})
        if key not in memo:
            memo[key] = self._batchable_uncached(variables)
        return memo[key]

    def _batchable_uncached(self, variables: set[str]) -> bool:
        toks = self.toks
        if len(self.selects) != (1 if self.form == "select" else 0):
            return False
        for t in toks:
            if t.kind == "word" and t.upper in AGGREGATES | {"GROUP", "HAVING", "LIMIT", "OFFSET", "GRAPH",
                                                              "FROM", "SERVICE", "MINUS", "VALUES"}:
                return False
        start = self.selects[0].group_open if self.form == "select" else next(
            (i for i, t in enumerate(toks) if t.text == "{"), None)
        if start is None:
            return False
        close = _match(toks, start, "{", "}")
        if self.form == "select":
            # the projection may only name variables or (expression AS ?v) without the batched variables
            sel = self.selects[0]
            for j in range(sel.start, sel.projection_end):
                if toks[j].kind == "var" and toks[j].text in variables and j > sel.start and toks[j - 1].upper == "AS":
                    return False
        return self._safe_group(start, close, variables, top=True)

    def _safe_group(self, open_: int, close: int, variables: set[str], top: bool, optional: bool = False) -> bool:
        """``top``: FILTERs here see the joined variables; ``optional``: the group of a top-level
        OPTIONAL, whose FILTERs (its left join's condition) see them but whose BINDs do not."""
        toks, i = self.toks, open_ + 1
        while i < close:
            t = toks[i]
            if t.text == "{":
                end = _match(toks, i, "{", "}")
                if not self._safe_group(i, end, variables, top=False):
                    return False
                i = end + 1
                continue
            if t.kind == "word" and t.upper == "OPTIONAL" and i + 1 < close and toks[i + 1].text == "{":
                end = _match(toks, i + 1, "{", "}")
                # a top-level OPTIONAL's own filters are its left join's condition: they see the top group
                if not self._safe_group(i + 1, end, variables, top=False, optional=top):
                    return False
                i = end + 1
                continue
            if t.kind == "word" and t.upper in ("FILTER", "BIND"):
                sees = top or (optional and t.upper == "FILTER")
                j = i + 1
                # FILTER [NOT] EXISTS { ... }: substituted with the outer solution
                k = j
                while k < close and toks[k].kind == "word" and toks[k].upper in ("NOT", "EXISTS"):
                    k += 1
                if k > j and toks[k].text == "{":
                    end = _match(toks, k, "{", "}")
                    if not sees and self._reads(k, end, variables):
                        return False
                    i = end + 1
                    continue
                if j < close and toks[j].text == "(":
                    end = _match(toks, j, "(", ")")
                elif j < close and toks[j].kind in ("word", "pname", "iri"):  # FILTER regex(...), FILTER bound(...)
                    end = _match(toks, j + 1, "(", ")") if j + 1 < close and toks[j + 1].text == "(" else j
                else:
                    end = j
                if not sees and self._reads(j, end, variables):
                    return False
                i = end + 1
                continue
            i += 1
        return True

    def _reads(self, start: int, end: int, variables: set[str]) -> bool:
        return any(t.kind == "var" and t.text in variables for t in self.toks[start:end + 1])

    # ------------------------------------------------------------------ predicates
    def fixed_predicates(self) -> set[str] | None:
        """Every IRI the query names, if no triple pattern has a variable predicate (or a
        negated path): such a query only matches triples of the predicates it names.
        None: it may need any triple (also for GRAPH, sub-queries, blank-node property lists)."""
        prefixes = dict(re.findall(r"PREFIX\s+([\w\-.]*):\s*<([^>]*)>", self.text, re.IGNORECASE))
        toks = self.toks
        iris: set[str] = set()
        for t in toks:
            if t.kind == "word" and t.upper in ("GRAPH", "SERVICE", "CONSTRUCT", "DESCRIBE", "FROM"):
                return None
            if t.kind == "iri":
                iris.add(t.text[1:-1])
            elif t.kind == "pname":
                prefix, _, local = t.text.partition(":")
                if prefix not in prefixes:
                    if t.text.upper() in ("PREFIX",):
                        continue
                    return None
                iris.add(prefixes[prefix] + local.replace("\\", ""))
            elif t.kind == "word" and t.text == "a":
                iris.add(RDF_TYPE)
        if len([s for s in self.selects]) > 1:
            return None
        # a variable in predicate position: a var right after a subject term, or after ';'
        start = self.where_open_index()
        if start is None:
            return None
        position, i = 0, start + 1
        while i < len(toks):
            t = toks[i]
            if t.kind == "word" and t.upper in ("FILTER", "BIND", "ORDER", "GROUP", "HAVING", "LIMIT", "OFFSET"):
                j = i + 1
                while j < len(toks) and toks[j].kind == "word" and toks[j].upper in ("NOT", "EXISTS", "BY"):
                    j += 1
                if j < len(toks) and toks[j].text == "(":
                    i = _match(toks, j, "(", ")") + 1
                    position = 0
                    continue
                if j < len(toks) and toks[j].text == "{":  # FILTER EXISTS { ... }: read it as patterns
                    i = j + 1
                    position = 0
                    continue
                i = j + 1 if j < len(toks) and toks[j].kind in ("word", "pname", "iri") else j
                if i < len(toks) and toks[i].text == "(":
                    i = _match(toks, i, "(", ")") + 1
                position = 0
                continue
            if t.text in ("{", "}", "."):
                position = 0
            elif t.text == ";":
                position = 1
            elif t.text == ",":
                position = 2
            elif t.text in ("[", "!", "("):
                return None
            elif t.kind in ("var", "iri", "pname", "string", "number") or (t.kind == "word" and t.text in (
                    "a", "true", "false")):
                if position == 1 and t.kind == "var":
                    return None
                if position == 1:  # a property path may continue: / | ^ * + ? and more names
                    while i + 1 < len(toks) and toks[i + 1].text in ("/", "|", "^", "*", "+", "?"):
                        i += 1
                        if i + 1 < len(toks) and toks[i + 1].kind in ("iri", "pname"):
                            i += 1
                        elif i + 1 < len(toks) and toks[i + 1].kind == "var":
                            return None
                position = min(position + 1, 2)
            elif t.kind == "word" and t.upper in ("OPTIONAL", "UNION", "WHERE"):
                position = 0
            i += 1
        return iris

    def where_open_index(self) -> int | None:
        if self.form == "select" and self.selects:
            return self.selects[0].group_open
        return next((i for i, t in enumerate(self.toks) if t.text == "{"), None)


_VAR_PATH = re.compile(r"\$PATH\b")


def render(query: QueryText, project: set[str] = frozenset(), values: tuple[list[str], list[list[str]]] | None = None,
           prebind: dict[str, str] | None = None) -> str:
    """The query text to run.

    * ``prebind`` (variable -> IRI or literal text): pre-binding as SHACL defines it (every
      basic graph pattern joined with the bindings): a one-row ``VALUES`` block opens every
      group of the query (not the braces around a sub-query, whose own groups get one);
    * ``values`` (names, rows): a table joined once at the top of the WHERE group, as a
      sub-select (hash-joined by pyoxigraph; a bare VALUES block is joined by nested loops);
    * ``project``: variables added to the outer projection (pyoxigraph's ``substitutions``, used
      for blank nodes, which query text cannot name, bind only projected variables); an ASK
      query becomes ``SELECT ... LIMIT 1`` for them.

    Insertions stay on the line of the ``{``, so error positions keep their line.
    """
    toks = query.toks
    inserts: list[tuple[int, str]] = []  # (offset, text)
    if prebind:
        names = sorted(prebind)
        block = " VALUES (" + " ".join(f"?{n}" for n in names) + ") { (" + " ".join(prebind[n] for n in names) + ") } "
        start = query.where_open_index()
        for i, t in enumerate(toks):
            if t.text == "{" and start is not None and i >= start and not (
                    i + 1 < len(toks) and toks[i + 1].kind == "word" and toks[i + 1].upper == "SELECT"):
                inserts.append((t.offset + 1, block))
    if values is not None:
        names, rows = values
        head = " ".join(f"?{n}" for n in names)
        body = "(" + ") (".join([" ".join(row) for row in rows] if len(names) > 1 else [r[0] for r in rows]) + ")"
        inserts.append((query.where_open(), f" {{ SELECT {head} WHERE {{ VALUES ({head}) {{ {body} }} }} }} "))
    if project:
        if query.form == "select" and query.selects:
            sel = query.selects[0]
            missing = sorted(n for n in project if n not in sel.variables)
            if missing and not sel.star:
                at = toks[sel.projection_end].offset if sel.projection_end < len(toks) else len(query.text)
                inserts.append((at, " " + " ".join(f"?{n}" for n in missing) + " "))
    if query.form == "ask" and (project or values is not None):
        # ASK -> SELECT: of the projected variables (LIMIT 1: the answer), or DISTINCT of the
        # joined table's variables (the rows for which the answer is true)
        ask = next(t for t in toks if t.kind == "word" and t.upper == "ASK")
        nxt = toks[toks.index(ask) + 1]
        names = sorted(set(project) | set(values[0] if values is not None else ()))
        head = ("SELECT DISTINCT " if values is not None else "SELECT ") + " ".join(f"?{n}" for n in names) + (
            "" if nxt.upper == "WHERE" else " WHERE")
        text = query.text
        tail = [] if values is not None else [(len(text), " LIMIT 1")]
        for at, piece in sorted(inserts + tail, key=lambda e: e[0], reverse=True):
            text = text[:at] + piece + text[at:]
        return text[:ask.offset] + head + text[ask.offset + 3:]
    text = query.text
    for at, piece in sorted(inserts, key=lambda e: e[0], reverse=True):
        text = text[:at] + piece + text[at:]
    return text
