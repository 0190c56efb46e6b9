"""Helpers shared by the tests of `ldpub query` (imported by tests/test_query_*.py)."""

from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SOURCES = ROOT.parent / "shared" / "sources"
D = "https://w3id.org/ldpub/dataset/taliban-al-qaeda/id/"


def repo_target():
    """The repository's project built in memory, as `ldpub query` queries it by default."""
    from ldpub.config import load_project
    from ldpub.query import EmbeddedTarget

    return EmbeddedTarget.from_project(load_project(ROOT))


def ask(target, name: str, **params) -> list[dict]:
    """Rows (plain values) of the named query ``name`` run on ``target``."""
    from ldpub import query

    return query.run(name, params, target=target, project=ROOT).to_dicts()


def need_records(target, *slugs: str) -> None:
    """Skip (with the reason) while the article data lacks records these assertions are about.

    The article's records are curated on another branch (issue #3); the assertions below state
    what the article says and run as soon as the records are in data/.
    """
    missing = [s for s in slugs if s not in target.terms.slugs]
    if missing:
        pytest.skip(f"article data not curated yet: no record {', '.join(missing)} (issue #3)")


def rows_where(rows: list[dict], **expected) -> list[dict]:
    """The rows whose columns equal ``expected`` (IRI columns given as slugs)."""
    def same(value, want):
        return value == want or (isinstance(value, str) and value == D + str(want))

    return [row for row in rows if all(same(row.get(k), v) for k, v in expected.items())]


def parts(value: str | None) -> set[str]:
    """The items of a GROUP_CONCAT column (separator ' | ')."""
    return set(value.split(" | ")) if value else set()
