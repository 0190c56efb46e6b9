"""Nested records keep their IRIs (issue #13): an IRI comes from the record's own ``id`` or
its content, never from its position, so inserting one leaves the others as they were; and
``ldpub validate`` warns when nested IRIs of the last build would be gone."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

D = "https://w3id.org/ldpub/dataset/taliban-al-qaeda/id/"
RECORD = "assessment-mutual-interest-keeps-them-together"
EXCERPTS = """  supportedBy:
    - inSource: sarkar-2020
      paragraph: 6
      quote: "Their mutual interest in expelling U.S. forces and retaking Afghanistan has kept them together."
    - inSource: sarkar-2020
      paragraph: 6
      quote: "has given them more incentive to cooperate"
"""
FIRST = "    - inSource" + EXCERPTS.split("    - inSource")[1]
NEW_EXCERPT = """    - inSource: sarkar-2020
      paragraph: 6
      quote: "has kept them together"
"""


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, old
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def _build(run_cli, project: Path, out: str = "dist"):
    return run_cli("--project", str(project), "build", "-q", "--out", str(project / out))


def _nested(project: Path, out: str = "dist", slug: str = RECORD) -> dict[str, set[str]]:
    """Nested IRIs of one record -> their lines (predicate and object)."""
    nodes: dict[str, set[str]] = {}
    for line in (project / out / "dataset.nt").read_text(encoding="utf-8").splitlines():
        subject, rest = line.split(" ", 1)
        if subject.startswith(f"<{D}{slug}#"):
            nodes.setdefault(subject, set()).add(rest)
    return nodes


def _diff(run_cli, project: Path) -> dict:
    code, out, err = run_cli("diff", str(project / "before" / "dataset.nt"), str(project / "after" / "dataset.nt"),
                             "--format", "json")
    assert code == 0, err
    return json.loads(out)


def test_inserting_a_nested_record_changes_no_other_iri(project_copy, run_cli):
    assert _build(run_cli, project_copy, "before")[0] == 0
    _edit(project_copy / "data" / "assessments.yaml", EXCERPTS,
          EXCERPTS.replace("  supportedBy:\n", "  supportedBy:\n" + NEW_EXCERPT))
    assert _build(run_cli, project_copy, "after")[0] == 0
    before, after = _nested(project_copy, "before"), _nested(project_copy, "after")
    assert len(before) == 2 and len(after) == 3
    assert all(after[iri] == lines for iri, lines in before.items()), "an existing excerpt changed its IRI"
    summary = _diff(run_cli, project_copy)["summary"]
    assert (summary["added_statements"], summary["removed_statements"]) == (5, 0)  # 4 of the excerpt, 1 link


def test_reordering_nested_records_or_their_keys_changes_no_iri(project_copy, run_cli):
    assert _build(run_cli, project_copy, "before")[0] == 0
    reordered = ("  supportedBy:\n"  # second first, its keys in another order
                 '    - quote: "has given them more incentive to cooperate"\n      paragraph: 6\n'
                 "      inSource: sarkar-2020\n" + FIRST)
    _edit(project_copy / "data" / "assessments.yaml", EXCERPTS, reordered)
    assert _build(run_cli, project_copy, "after")[0] == 0
    assert _nested(project_copy, "before") == _nested(project_copy, "after")


def test_a_nested_record_with_an_id_is_named_by_it(project_copy, run_cli):
    code, _, err = _build(run_cli, project_copy)
    assert code == 0, err
    nodes = _nested(project_copy, slug="doha-agreement")
    assert f"<{D}doha-agreement#provision-no-threat-from-afghanistan>" in nodes
    assert f"<{D}doha-agreement#provision-no-threat-from-afghanistan.supportedBy>" in nodes  # its one excerpt


def test_several_nested_records_without_id_get_content_keys(project_copy, run_cli):
    assert _build(run_cli, project_copy)[0] == 0
    names = sorted(iri.split("#")[1].rstrip(">") for iri in _nested(project_copy))
    assert len(names) == 2 and all(re.fullmatch(r"supportedBy-[0-9a-f]{8}", n) for n in names), names


def test_the_same_nested_record_twice_is_an_error(project_copy, run_cli):
    _edit(project_copy / "data" / "assessments.yaml", EXCERPTS, EXCERPTS + FIRST)
    code, _, err = _build(run_cli, project_copy)
    assert code == 2 and "Traceback" not in err
    assert (f"record '{RECORD}': the same nested record appears twice under 'supportedBy' (remove one of them)"
            in err)


def test_two_nested_records_with_one_id_is_an_error(project_copy, run_cli):
    path = project_copy / "data" / "agreements.yaml"
    _edit(path, "- id: enforcement-mechanisms", "- id: no-threat-from-afghanistan")
    code, _, err = _build(run_cli, project_copy)
    assert code == 2
    lines = path.read_text().splitlines()
    line = [n for n, text in enumerate(lines, start=1) if "- id: no-threat-from-afghanistan" in text][1]
    assert (f"data/agreements.yaml:{line}: record 'doha-agreement': two nested records under 'provision' have the "
            "id 'no-threat-from-afghanistan' (give each its own id)") in err


def test_a_nested_id_follows_the_slug_rule(project_copy, run_cli):
    _edit(project_copy / "data" / "agreements.yaml", "- id: enforcement-mechanisms", "- id: Enforcement")
    code, _, err = _build(run_cli, project_copy)
    assert code == 2
    assert "record 'doha-agreement': slug 'Enforcement' is not valid: it contains 'E'" in err


@pytest.fixture
def validated(project_copy, run_cli):
    """Validate the project copy (its dist/ holds the last build) and return the JSON report."""
    def run() -> tuple[int, dict]:
        code, out, _ = run_cli("--project", str(project_copy), "validate", "--format", "json")
        return code, json.loads(out)
    return run


def _warnings(doc: dict) -> list[dict]:
    return [f for f in doc["findings"] if f["rule"] == "nested-iri-changed"]


def test_validate_warns_when_nested_iris_of_the_last_build_would_be_gone(project_copy, run_cli, validated):
    assert _build(run_cli, project_copy)[0] == 0
    code, doc = validated()
    assert code == 0 and not _warnings(doc)
    path = project_copy / "data" / "assessments.yaml"
    _edit(path, '      quote: "has given them more incentive to cooperate"',
          '      quote: "has given them more incentive"')
    code, doc = validated()
    assert code == 0, "a warning, not a violation"
    [warning] = _warnings(doc)
    assert warning["severity"] == "warning" and warning["record"] == RECORD
    assert warning["file"] == "data/assessments.yaml"
    assert re.fullmatch(r"nested IRIs of the last build would be gone: #supportedBy-[0-9a-f]{8} "
                        r"\(this data mints #supportedBy-[0-9a-f]{8}\)", warning["message"]), warning["message"]
    assert warning["hint"].startswith("links to them break; a nested record keeps its IRI when it has an id")


def test_positional_iris_of_an_older_build_are_named_with_the_id_that_keeps_them(project_copy, run_cli, validated):
    """A dataset built when IRIs came from positions: the warning says which id keeps each IRI."""
    assert _build(run_cli, project_copy)[0] == 0
    nt = project_copy / "dist" / "dataset.nt"
    text = nt.read_text(encoding="utf-8")
    ours = sorted(set(re.findall(rf"<{re.escape(D + RECORD)}#(supportedBy-[0-9a-f]{{8}})>", text)))
    for n, name in enumerate(ours, start=1):
        text = text.replace(f"#{name}>", f"#supportedBy-{n}>")
    nt.write_text(text, encoding="utf-8")
    code, doc = validated()
    [warning] = [w for w in _warnings(doc) if w["record"] == RECORD]
    assert warning["message"].startswith("nested IRIs of the last build would be gone: #supportedBy-1, #supportedBy-2")
    assert warning["hint"].endswith("""'id: "1"' under 'supportedBy' keeps #supportedBy-1""")
    # and the hint is right: with that id, the IRI is minted again
    _edit(project_copy / "data" / "assessments.yaml", EXCERPTS,
          EXCERPTS.replace("    - inSource: sarkar-2020\n", '    - id: "1"\n      inSource: sarkar-2020\n', 1))
    code, doc = validated()
    [warning] = [w for w in _warnings(doc) if w["record"] == RECORD]
    assert warning["message"].startswith("nested IRIs of the last build would be gone: #supportedBy-2 ")
