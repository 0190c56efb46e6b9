"""Pages of an answer, as datasette shows them: a slice of the rows in the answer's own order,
and how many rows there are in all.

Display formats (a terminal table, Markdown, the web pages) show :data:`DEFAULT_PAGE` rows at a
time; exports return every row unless a page is asked for. A page is cut from the answer as the
engine produces it (the query's ORDER BY, else the store's order, which is stable), in one pass:
the rows before the page are counted and dropped, the page's rows are kept, the rows after it are
counted. Counting costs no second evaluation of the query, and only the page is held in memory.
"""

from __future__ import annotations

from dataclasses import dataclass
from itertools import islice
from typing import Iterable, TypeVar

from .errors import Problem, QueryError

__all__ = ["DEFAULT_PAGE", "Page", "cut", "describe"]

DEFAULT_PAGE = 100  # rows a display format shows at a time

T = TypeVar("T")


@dataclass(frozen=True)
class Page:
    """Which rows to keep: ``limit`` rows (None: every row) after the first ``offset``."""

    limit: int | None = None
    offset: int = 0

    def __post_init__(self) -> None:
        problems = []
        for name, value in (("limit", self.limit), ("offset", self.offset)):
            if value is not None and (isinstance(value, bool) or not isinstance(value, int) or value < 0):
                problems.append(Problem(f"{name}={value!r}: expected a whole number, 0 or more"))
        if problems:
            raise QueryError(problems)

    @property
    def everything(self) -> bool:
        """Whether this page is the whole answer (no limit, no offset)."""
        return self.limit is None and self.offset == 0


def cut(items: Iterable[T], page: Page) -> tuple[list[T], int]:
    """The items of ``page`` and how many items there are in all, in one pass over ``items``."""
    iterator = iter(items)
    before = sum(1 for _ in islice(iterator, page.offset)) if page.offset else 0
    kept = list(iterator) if page.limit is None else list(islice(iterator, page.limit))
    after = sum(1 for _ in iterator)
    return kept, before + len(kept) + after


def describe(offset: int, shown: int, total: int, unit: str = "row") -> str:
    """What a page holds, for people: ``showing 1-100 of 56,210 rows``, ``56 rows``, ``1 row``,
    ``56 rows, none shown`` (a limit of 0), ``no rows from 101 on: there are 56 rows``."""
    units = unit if total == 1 else unit + "s"
    if shown == total:
        return f"{total:,} {units}"
    if shown == 0 and offset >= total:
        return f"no {unit}s from {offset + 1:,} on: there are {total:,} {units}"
    if shown == 0:
        return f"{total:,} {units}, none shown"
    return f"showing {offset + 1:,}-{offset + shown:,} of {total:,} {units}"
