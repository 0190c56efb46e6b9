"""What a SPARQL query may be before an engine sees it: no federation, bounded size and nesting.

Three refusals, each a :class:`QueryRefused` (a :class:`ldpub.errors.QueryError`, exit 2 in
the CLI, HTTP 400 in ``ldpub serve``) with the line and column of the offending text:

* **federation** (``SERVICE``): pyoxigraph evaluates ``SERVICE <url>`` with its own HTTP
  client, so a query from a visitor of ``ldpub serve`` or a named query in a cloned project
  could make this machine call internal addresses (server-side request forgery) and read the
  answers back. Refused unless the caller opts in (``ldpub query --allow-service``).
* **nesting**: pyoxigraph's parser recurses once per nesting level and overflows its stack
  (a segmentation fault that kills the process) at about 2,200 nested ``{``, 4,700 ``(`` and
  only 215-250 nested ``[`` blank nodes; evaluation time also grows fast with nested blank
  nodes and collections (``[`` x 128: 8.7 s). :data:`MAX_DEPTH` levels are allowed.
* **size**: :data:`MAX_QUERY_CHARS` characters, which bounds the time of this check too
  (lexing is linear: about 1.5 s for the worst 1,000,000 characters).

How ``SERVICE`` is found. A regular expression is fooled by comments, strings, IRIs and case;
a standard SPARQL tokenizer (or rdflib's parser) is fooled too, because pyoxigraph's parser
matches keywords without word boundaries: it reads ``trueSERVICE <x> {...}`` as ``true``
then ``SERVICE``, and ``service:x {...}`` as ``SERVICE :x {...}``. So the query is lexed by the
SPARQL 1.1 terminal rules (:func:`ldpub.sparqltext.tokens`: comments end at CR or LF, strings,
IRIs, variables, blank nodes, language tags and the local part of prefixed names are skipped),
and every remaining name that *contains* the letters ``service`` in any case counts as the
keyword. The only queries refused without a SERVICE are those with a prefix whose name
contains ``service`` (the message says to rename it). ``tests/security/test_ssrf.py`` checks
the rule against pyoxigraph itself: every generated query that makes pyoxigraph open a
connection is refused.

Example::

    check_query("SELECT * WHERE { ?s ?p ?o }")                        # fine: returns None
    check_query("select * { SERVICE <http://10.0.0.1/> { ?s ?p ?o } }")
    # QueryRefused: <query>:1:12: federated queries (SERVICE) are not run: a query may not
    # make this machine call other servers
"""

from __future__ import annotations

from dataclasses import dataclass

from .errors import Location, Problem, QueryError
from .sparqltext import _TOKEN, line_column

__all__ = ["QueryLimits", "QueryRefused", "check_query", "MAX_QUERY_CHARS", "MAX_DEPTH"]

MAX_QUERY_CHARS = 1_000_000
MAX_DEPTH = 64

_OPENING = frozenset(("{", "(", "[", "<<", "{|"))
_CLOSING = frozenset(("}", ")", "]", ">>", "|}"))
_PREFIX_OPERATORS = frozenset(("!", "^", "-", "+"))


@dataclass(frozen=True)
class QueryLimits:
    """How large and how deeply nested a query may be."""

    max_chars: int = MAX_QUERY_CHARS
    max_depth: int = MAX_DEPTH


class QueryRefused(QueryError):
    """A query refused before it ran; ``reason`` is ``service``, ``nesting`` or ``size``."""

    def __init__(self, problem: Problem, reason: str) -> None:
        super().__init__(problem)
        self.reason = reason


def check_query(
    text: str,
    *,
    allow_service: bool = False,
    limits: QueryLimits = QueryLimits(),
    origin: str | None = None,
    service_hint: str | None = None,
    first_line: int = 1,
) -> None:
    """Raise :class:`QueryRefused` when ``text`` is too large, nests too deeply or (unless
    ``allow_service``) uses ``SERVICE``. ``origin`` names the query in messages (a file, a
    query name); ``first_line`` is the line of ``origin`` where ``text`` starts."""
    where = origin or "<query>"
    if len(text) > limits.max_chars:
        raise QueryRefused(Problem(
            f"{where}: the query is {len(text):,} characters long; at most {limits.max_chars:,} are accepted",
            rule="query-size"), "size")
    depth = deepest = run = 0
    deepest_at = 0
    for match in _TOKEN.finditer(text):
        kind = match.lastgroup
        if kind == "punct":
            symbol = match.group()
            if symbol in _OPENING:
                depth += 1
            elif symbol in _CLOSING:
                depth = max(depth - 1, 0)
            run = run + 1 if symbol in _PREFIX_OPERATORS else 0
            if depth + run > deepest:
                deepest, deepest_at = depth + run, match.start()
                if deepest > limits.max_depth:
                    break
            continue
        if kind in ("space", "comment"):
            continue
        run = 0
        if kind == "name" and not allow_service:
            name = match.group()
            keyword_part = name.split(":", 1)[0].lower()
            if "service" in keyword_part:
                _refuse_service(text, match.start(), name, where, origin, service_hint, first_line)
        elif kind == "quote":
            break  # nothing after an unterminated string can be parsed
    if deepest > limits.max_depth:
        line, column = line_column(text, deepest_at)
        line += first_line - 1
        raise QueryRefused(Problem(
            f"{where}:{line}:{column}: the query nests deeper than {limits.max_depth} levels "
            "(brackets { ( [ and chains of ! ^ - + operators)",
            Location(None, line, column), hint="flatten the query: a real question never needs this depth",
            rule="query-nesting"), "nesting")


def _refuse_service(text: str, offset: int, name: str, where: str, origin: str | None, hint: str | None,
                    first_line: int) -> None:
    line, column = line_column(text, offset)
    line += first_line - 1
    if ":" in name:
        detail = (f"the prefix '{name.split(':', 1)[0]}:' reads as the SERVICE keyword to the query engine: "
                  "rename the prefix")
        hint = None
    else:
        detail = "a query may not make this machine call other servers"
    raise QueryRefused(Problem(
        f"{where}:{line}:{column}: federated queries (SERVICE) are not run: {detail}",
        Location(None, line, column), hint=hint, rule="query-service"), "service")
