"""The named queries the query page offers (``queries/*.rq``), read and bound by :mod:`ldpub.query`.

Parameters are bound the way ``ldpub query`` binds them (as values, never pasted into the
text), so a hostile value in the page's form cannot change the query.
"""

from __future__ import annotations

from pathlib import Path
from typing import Mapping

__all__ = ["named_queries", "prepare_named"]


def named_queries(folder: Path) -> list:
    """Every named query of ``folder`` (``ldpub.query.NamedQuery``), sorted by name."""
    from ..query import load_named_queries

    return [q for _, q in sorted(load_named_queries(Path(folder)).items())]


def prepare_named(query, values: Mapping[str, str], base_iri: str, prefixes: Mapping[str, str],
                  slugs: Mapping[str, str] | None = None) -> str:
    """The text of a named query with ``values`` bound (raises :class:`ldpub.errors.QueryError`)."""
    from ..query import Terms, prepare

    declared = {p.name for p in query.params}
    given = {k: v for k, v in values.items() if k in declared and v != ""}
    return prepare(query, given, Terms(base_iri, dict(prefixes), slugs))
