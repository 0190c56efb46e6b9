"""Releases are versions: a published version is not overwritten by accident (#15 item 3).

Before: ``publish --version 1.0.0`` over an existing 1.0.0 with other data replaced it without a
word, and files of the old release that the new one does not have stayed in the folder.
"""

from __future__ import annotations

from _output_tools import EXTRA_RECORD, new_project, snapshot

PUBLISH = """
[publish]
base_url = "https://example.org/demo/releases/"
description = "A demo dataset."
publisher = "Demo maintainers"
contact_email = "demo@example.org"
license = "https://creativecommons.org/licenses/by/4.0/"
issued = 2026-01-01
modified = 2026-01-01
"""


def _publish(run_cli, project, *extra: str):
    return run_cli("--project", str(project), "publish", "--version", "1.0.0", "--no-check", "-q", *extra)


def test_a_published_version_is_refused_with_other_data_and_replaced_with_force(tmp_path, run_cli):
    project = new_project(tmp_path / "demo")
    with open(project / "ldpub.toml", "a", encoding="utf-8") as config:
        config.write(PUBLISH)
    release = project / "releases" / "1.0.0"
    code, _, err = _publish(run_cli, project)
    assert code == 0, err
    first = snapshot(release)

    code, _, err = _publish(run_cli, project)  # the same input again: nothing to do
    assert code == 0, err
    assert "note: release 1.0.0 is already published with exactly these files: nothing written" in err
    assert snapshot(release) == first

    (project / "data" / "more.yaml").write_text(EXTRA_RECORD)
    code, _, err = _publish(run_cli, project)
    assert code == 2
    assert f"{release}: release 1.0.0 is already published, with other files (data: 1 added, 0 changed, " \
           "0 removed entities (+3 / -0 statements); changed files: CHANGELOG.md, SHA256SUMS, " in err
    assert "pass --force to replace it" in err and "Traceback" not in err
    assert snapshot(release) == first

    (release / "stale-from-an-older-ldpub.txt").write_text("not part of any release now\n")
    code, _, err = _publish(run_cli, project, "--force")
    assert code == 0, err
    assert "note: replaced release 1.0.0: data: 1 added, 0 changed, 0 removed entities" in err
    assert "files gone: stale-from-an-older-ldpub.txt" in err
    after = snapshot(release)
    assert sorted(after) == sorted(first)  # the stale file is gone, no lock or staging left
    assert b"second-organization" in after["dataset.nt"]
    assert not list((project / "releases").glob(".1.0.0.tmp-*"))
