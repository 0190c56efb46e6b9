"""The named queries the query page offers (``queries/*.rq``), read and bound by :mod:`ldpub.query`.

Parameters are bound the way ``ldpub query`` binds them (as values, never pasted into the
text), so a hostile value in the page's form cannot change the query.
"""

from __future__ import annotations

from pathlib import Path
from typing import Mapping

__all__ = ["named_queries", "prepare_named"]


def named_queries(folder: Path) -> tuple[list, dict]:
    """The named queries of ``folder`` that read (``ldpub.query.NamedQuery``, sorted by name),
    and the error of each file that does not, by name: one broken file hides nothing else."""
    from ..query import scan_named_queries

    queries, broken = scan_named_queries(Path(folder))
    return [q for _, q in sorted(queries.items())], broken


def prepare_named(query, values: Mapping[str, str], base_iri: str, prefixes: Mapping[str, str],
                  slugs: Mapping[str, str] | None = None) -> str:
    """The text of a named query with ``values`` bound (raises :class:`ldpub.errors.QueryError`)."""
    from ..query import Terms, prepare

    declared = {p.name for p in query.params}
    given = {k: v for k, v in values.items() if k in declared and v != ""}
    return prepare(query, given, Terms(base_iri, dict(prefixes), slugs))
