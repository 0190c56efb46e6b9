"""The named queries rewritten for speed answer exactly as their plain reference forms.

`queries/events.rq`, `meetings.rq` and `contested.rq` order their OPTIONALs and FILTERs so that
pyoxigraph evaluates them fast (see the comments in them); `tests/query_reference/` holds the
plain forms they replaced. Same rows, same columns, same order, same values (GROUP_CONCAT items
included) on the article data and on a seeded synthetic project.
"""

from __future__ import annotations

import sys

import pytest

from querytools import ROOT, repo_target

REWRITTEN = ("events", "meetings", "contested")
WINDOWS = ({}, {"from": "2019-01-01"}, {"to": "2019-12-31"}, {"from": "2019-01-01", "to": "2019-12-31"},
           {"from": "2010-01-01", "to": "2012-12-31"})


def answers(target, query, values: dict) -> tuple[list[str], list[tuple[str, ...]]]:
    """Columns and rows (every term as text, '' when unbound) of a named query."""
    from ldpub.query import prepare

    result = target.execute(prepare(query, values, target.terms))
    return result.variables, [tuple("" if t is None else str(t) for t in row) for row in result.rows]


def pairs():
    from ldpub.query import load_named_queries

    current = load_named_queries(ROOT / "queries")
    reference = load_named_queries(ROOT / "tests" / "query_reference")
    for name in REWRITTEN:
        for values in (WINDOWS if name == "events" else ({},)):
            yield name, values, current[name], reference[name]


@pytest.fixture(scope="module")
def synthetic_target(tmp_path_factory):
    """A seeded synthetic project (benchmarks/generate.py, 3,000 records) built in memory."""
    sys.path.insert(0, str(ROOT / "benchmarks"))
    try:
        from generate import generate
    finally:
        sys.path.remove(str(ROOT / "benchmarks"))
    from ldpub.config import load_project
    from ldpub.query import EmbeddedTarget

    folder = generate(3000, tmp_path_factory.mktemp("synthetic"))
    return EmbeddedTarget.from_project(load_project(folder))


@pytest.mark.parametrize("name, values, current, reference", list(pairs()),
                         ids=[n + "".join(f"-{k}" for k in v) for n, v, *_ in pairs()])
def test_rewritten_query_answers_as_its_reference_form_on_the_article_data(name, values, current, reference):
    target = repo_target()
    columns, rows = answers(target, current, values)
    assert rows, f"{name} finds nothing in the article data: the comparison would prove nothing"
    assert (columns, rows) == answers(target, reference, values)


@pytest.mark.parametrize("name, values, current, reference", list(pairs()),
                         ids=[n + "".join(f"-{k}" for k in v) for n, v, *_ in pairs()])
def test_rewritten_query_answers_as_its_reference_form_on_synthetic_data(synthetic_target, name, values, current,
                                                                          reference):
    columns, rows = answers(synthetic_target, current, values)
    assert len(rows) > 10, f"{name} finds only {len(rows)} rows in the synthetic data"
    assert (columns, rows) == answers(synthetic_target, reference, values)
