"""One slug rule for records and server (issue #14): every id the build accepts is one the
server answers for, and the build refuses, with a clear message, every id the server would
answer with 400 (a final hyphen, more than 200 characters, a final newline)."""

from __future__ import annotations

import random
from pathlib import Path

import httpx
import pytest

from ldpub.iris import SLUG_MAX_LENGTH, valid_slug
from ldpub.records import _parse

PLANTED = "data/zz-planted.yaml"
HINT = "(use lower-case letters, digits and hyphens, not first or last, at most 200 characters, e.g. '{}')"


def _accepted_by_records(slug: str) -> bool:
    import json

    records, problems = _parse(f"- id: {json.dumps(slug)}\n  type: Person\n", "f.yaml")
    return not [p for p in problems if p.rule == "invalid-slug"]


def _corpus() -> list[str]:
    """Edge cases of the rule, and 3,000 random strings over letters that make and break slugs."""
    edge = ["a", "a-", "-a", "a--b", "x\n", "x\r\n", "\nx", "a b", "A", "é", "a_b", "a.b", "a/b", "0", "",
            "a" * SLUG_MAX_LENGTH, "a" * (SLUG_MAX_LENGTH + 1), "a" * (SLUG_MAX_LENGTH - 1) + "-",
            "x\u2028", "x\x85", "ab\t", "١٢٣"]
    rng = random.Random(14)
    alphabet = "ab9-" * 6 + "A_.\n \t/é\u2028"
    drawn = ["".join(rng.choice(alphabet) for _ in range(rng.choice([1, 2, 3, 5, 8, 199, 200, 201])))
             for _ in range(3000)]
    return edge + drawn


def test_records_accept_exactly_the_slugs_of_the_shared_rule():
    disagreements = [s for s in _corpus() if _accepted_by_records(s) != valid_slug(s)]
    assert not disagreements, [repr(s[:30]) for s in disagreements[:10]]


def test_the_server_checks_paths_with_the_same_rule():
    from ldpub import iris
    from ldpub.serve import app, dataset

    assert app.valid_slug is iris.valid_slug and dataset.valid_slug is iris.valid_slug


@pytest.mark.parametrize("slug, why, suggestion", [
    ("al-qaeda-", "it ends with a hyphen", "al-qaeda"),
    ("-al-qaeda", "it starts with a hyphen", "al-qaeda"),
    ("a" * 201, "it is 201 characters long (at most 200)", "a" * 200),
    ("Al Qaeda", "it contains ' ', 'A', 'Q'", "al-qaeda"),
])
def test_an_id_the_server_would_refuse_is_a_build_error(project_copy, run_cli, slug, why, suggestion):
    (project_copy / PLANTED).write_text(f"- id: {slug}\n  type: Person\n  label: X\n", encoding="utf-8")
    code, _, err = run_cli("--project", str(project_copy), "build", "-q")
    assert code == 2 and "Traceback" not in err
    record = slug if len(slug) <= 200 else slug[:200] + "..."  # long ids are cut where they are shown
    shown = slug if len(slug) <= 60 else slug[:60] + "..."
    assert f"{PLANTED}:1: record '{record}': slug '{shown}' is not valid: {why} {HINT.format(suggestion)}" in err


def test_the_longest_slug_the_build_accepts_is_served(tmp_path_factory, run_cli):
    """Built and served for real: the 200-character id answers 303 and its page 200, not 400."""
    from _servers import copy_project, start_ldpub

    project = copy_project(tmp_path_factory.mktemp("slug-project"))
    longest = ("long-" * 40)[:SLUG_MAX_LENGTH - 1] + "9"
    assert len(longest) == SLUG_MAX_LENGTH and valid_slug(longest)
    (project / PLANTED).write_text(f"- id: {longest}\n  type: Person\n  label: Long\n", encoding="utf-8")
    code, _, err = run_cli("--project", str(project), "build", "-q")
    assert code == 0, err
    server = start_ldpub(project, tmp_path_factory.mktemp("slug-log") / "access.log", "--from", str(project / "dist"))
    try:
        base = server.url.rstrip("/")
        thing = httpx.get(f"{base}/ldpub/dataset/taliban-al-qaeda/id/{longest}", follow_redirects=False)
        assert thing.status_code == 303, thing.text
        page = httpx.get(f"{base}/ldpub/dataset/taliban-al-qaeda/doc/{longest}.html")
        assert page.status_code == 200 and "Long" in page.text
        too_long = httpx.get(f"{base}/ldpub/dataset/taliban-al-qaeda/id/{longest}a", follow_redirects=False)
        assert too_long.status_code == 400
    finally:
        server.stop()
