"""`ldpub diff` and the changelog: what changed between two releases, grouped by entity."""

from __future__ import annotations

import json
from pathlib import Path

D = "https://w3id.org/ldpub/dataset/taliban-al-qaeda/id/"
RECORD = "pledge-zawahiri-to-akhundzada-2016"


def _change_one_record(project: Path) -> None:
    """Give one pledge a new description and a more precise date (a nested <x>#date node)."""
    path = project / "data" / "pledges.yaml"
    lines = path.read_text().splitlines(keepends=True)
    start = next(i for i, line in enumerate(lines) if line.strip() == f"- id: {RECORD}")
    changed = set()
    for i in range(start + 1, len(lines)):
        if lines[i].startswith("- "):
            break
        if lines[i].startswith("  description:"):
            lines[i] = "  description: Changed description for the diff test.\n"
            changed.add("description")
        elif lines[i].startswith("  date:"):
            lines[i] = '  date: "2016-06"\n'
            changed.add("date")
    assert changed == {"description", "date"}
    path.write_text("".join(lines))


def test_diff_between_releases_names_exactly_the_changed_record(project_copy, run_cli, built):
    from dataclasses import replace

    from ldpub.config import load_project
    from ldpub.output import write_files
    from ldpub.release import build_release
    from ldpub.release.settings import load_publish_settings

    releases = project_copy / "releases"
    project = load_project(project_copy)
    build, _ = built  # release 1.0.0 from the unchanged data (already built once per session)
    write_files(releases / "1.0.0", build_release(replace(build, project=project), "1.0.0", load_publish_settings(project)).files)
    _change_one_record(project_copy)
    code, out, err = run_cli("--project", str(project_copy), "publish", "--version", "1.1.0", "--no-check")
    assert code == 0, err
    assert "changes since 1.0.0: 0 added, 1 changed, 0 removed entities" in out

    code, out, err = run_cli("diff", str(releases / "1.0.0"), str(releases / "1.1.0"), "--format", "json")
    assert code == 0, err
    result = json.loads(out)
    assert [e["entity"] for e in result["entities"]] == [D + RECORD]
    entity = result["entities"][0]
    assert entity["status"] == "changed" and not entity["added"] and not entity["removed"]
    changed = {(c["subject"], c["predicate"].rsplit("/", 1)[-1].rsplit("#", 1)[-1]): (c["old"], c["new"])
               for c in entity["changed"]}
    assert set(changed) == {
        (D + RECORD, "description"),
        (D + RECORD + "#date", "edtf"),  # the nested date node is grouped under its record
        (D + RECORD + "#date", "earliest"),
        (D + RECORD + "#date", "latest"),
    }
    assert changed[(D + RECORD + "#date", "edtf")] == (
        ['"2016"^^<http://id.loc.gov/datatypes/edtf/EDTF>'], ['"2016-06"^^<http://id.loc.gov/datatypes/edtf/EDTF>'])

    # the same change, as text and in the changelog of 1.1.0 (which keeps the 1.0.0 entry)
    code, text, _ = run_cli("diff", str(releases / "1.0.0" / "dataset.nt"), str(releases / "1.1.0" / "dataset.nt"))
    assert text.splitlines()[1] == f"~ Al-Zawahiri pledges allegiance to Akhundzada (2016) (d:{RECORD}) (changed)"
    log = (releases / "1.1.0" / "CHANGELOG.md").read_text()
    assert "Compared with release 1.0.0." in log and f"{RECORD}" in log and "## 1.0.0" in log
    assert log.count("(changed)") == 1
    assert "~ [`#date`] `ag:edtf`: `\"2016\"^^edtf:EDTF` -> `\"2016-06\"^^edtf:EDTF`" in log


def test_diff_of_a_release_with_itself_is_empty(built, run_cli, tmp_path):
    _, out_dir = built
    code, out, _ = run_cli("diff", str(out_dir), str(out_dir), "--exit-code")
    assert code == 0 and out == "no changes\n"


def test_diff_reports_added_and_removed_entities(tmp_path, run_cli):
    old = tmp_path / "old.nt"
    new = tmp_path / "new.nt"
    old.write_text(f'<{D}a> <http://www.w3.org/2004/02/skos/core#prefLabel> "A"@en .\n'
                   f'<{D}b> <http://www.w3.org/2004/02/skos/core#prefLabel> "B"@en .\n')
    new.write_text(f'<{D}a> <http://www.w3.org/2004/02/skos/core#prefLabel> "A"@en .\n'
                   f'<{D}c> <http://www.w3.org/2004/02/skos/core#prefLabel> "C"@en .\n')
    code, out, _ = run_cli("diff", str(old), str(new), "--exit-code")
    assert code == 1
    assert out.splitlines() == [
        "1 added, 0 changed, 1 removed entities (+1 / -1 statements)",
        f"+ C (<{D}c>) (added)",  # named by its label, as pages name it
        '    + skos:prefLabel "C"@en',
        f"- B (<{D}b>) (removed)",
        '    - skos:prefLabel "B"@en',
    ]


def test_diff_of_something_that_is_not_a_release(tmp_path, run_cli):
    (tmp_path / "empty").mkdir()
    code, _, err = run_cli("diff", str(tmp_path / "empty"), str(tmp_path / "empty"))
    assert code == 2 and "not a release folder: no dataset.nt in it" in err


def test_diff_names_entities_by_foaf_name_and_schema_name(tmp_path, run_cli):
    """Entities of projects built on reused vocabularies are named as their pages name them."""
    old, new = tmp_path / "old.nt", tmp_path / "new.nt"
    name = '<http://xmlns.com/foaf/0.1/name> "Ee Durbin"'
    old.write_text(f'<{D}ee-durbin> {name} .\n<{D}psf> <https://schema.org/name> "PSF" .\n')
    new.write_text(f'<{D}ee-durbin> {name} .\n<{D}ee-durbin> <https://schema.org/alternateName> "Ee" .\n'
                   f'<{D}psf> <https://schema.org/name> "Python Software Foundation" .\n')
    code, out, _ = run_cli("diff", str(old), str(new), "--format", "json")
    assert {e["entity"]: e["label"] for e in json.loads(out)["entities"]} == {
        D + "ee-durbin": "Ee Durbin", D + "psf": "Python Software Foundation"}  # the new label wins
    code, out, _ = run_cli("diff", str(old), str(new))
    assert f"~ Ee Durbin (<{D}ee-durbin>) (changed)" in out.splitlines()
