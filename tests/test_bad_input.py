"""Bad input: every mistake a curator makes gets one clear line (file, line, record, fix),
exit code 2 (input) or 1 (does not conform), no traceback, and the last good output survives."""

from __future__ import annotations

from pathlib import Path

import pytest


def _build(run_cli, project: Path):
    return run_cli("--project", str(project), "build", "-q")


@pytest.fixture
def good_build(project_copy, run_cli):
    """A project copy with a successful build in dist/; returns (project, snapshot of dist)."""
    code, out, err = _build(run_cli, project_copy)
    assert code == 0, err
    dist = project_copy / "dist"
    return project_copy, {p.name: p.read_bytes() for p in dist.iterdir()}


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, f"fixture text not found in {path.name}: {old!r}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def _line_of(path: Path, needle: str) -> int:
    for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if needle in line:
            return n
    raise AssertionError(f"{needle!r} not in {path}")


def _assert_untouched(project: Path, snapshot: dict[str, bytes]) -> None:
    dist = project / "dist"
    assert {p.name: p.read_bytes() for p in dist.iterdir()} == snapshot
    assert not list(project.glob(".dist.tmp-*")), "staging folder left behind"


CASES = [
    pytest.param(
        "pledges.yaml", "pledgee: haibatullah-akhundzada", "pledgee: akhundzadah",
        "pledgee: akhundzadah", "unknown record 'akhundzadah'", "did you mean 'haibatullah-akhundzada'?",
        id="dangling-reference",
    ),
    pytest.param(
        "pledges.yaml", "  pledger: ayman-al-zawahiri\n  onBehalfOf: al-qaeda\n  pledgee: haibatullah",
        "  pleger: ayman-al-zawahiri\n  onBehalfOf: al-qaeda\n  pledgee: haibatullah",
        "pleger: ayman-al-zawahiri", "unknown key 'pleger'", "did you mean 'pledger'?",
        id="unknown-key",
    ),
    pytest.param(
        "pledges.yaml", "publiclyAcknowledged: false\n  rejection", "publiclyAcknowledged: maybe\n  rejection",
        "publiclyAcknowledged: maybe", "expected true or false (xsd:boolean), got 'maybe'", None,
        id="wrong-value-type",
    ),
    pytest.param(
        "agreements.yaml", 'date: "2020-02-29"', 'date: "2019-02-29"',
        'date: "2019-02-29"', "date 2019-02-29 does not exist", "write EDTF",
        id="date-that-does-not-exist",
    ),
    pytest.param(
        "pledges.yaml", 'date: "2016"', 'date: "spring 2016"',
        'date: "spring 2016"', "'spring 2016' is not an EDTF date", "2019-21 (spring)",
        id="malformed-edtf",
    ),
    pytest.param(
        "groups.yaml", "type: Network", "type: Netwrok",
        "type: Netwrok", "unknown type 'Netwrok'", "did you mean 'Network'?",
        id="unknown-type",
    ),
]


@pytest.mark.parametrize("file, old, new, line_text, message, hint", CASES)
def test_input_error_names_file_line_record_and_fix(good_build, run_cli, file, old, new, line_text, message, hint):
    project, snapshot = good_build
    path = project / "data" / file
    _edit(path, old, new)
    code, out, err = _build(run_cli, project)
    assert code == 2
    expected_line = _line_of(path, line_text)
    assert f"data/{file}:{expected_line}: record '" in err
    assert message in err
    if hint:
        assert hint in err
    assert "Traceback" not in err
    _assert_untouched(project, snapshot)


def test_yaml_syntax_error_names_file_and_line(good_build, run_cli):
    project, snapshot = good_build
    path = project / "data" / "groups.yaml"
    _edit(path, "  label: Haqqani Network", "  label: [Haqqani Network")
    code, _, err = _build(run_cli, project)
    assert code == 2
    assert "data/groups.yaml:" in err and "YAML syntax error" in err
    line = int(err.split("data/groups.yaml:")[1].split(":")[0])
    assert abs(line - _line_of(path, "[Haqqani Network")) <= 2
    _assert_untouched(project, snapshot)


def test_duplicate_slug_across_files_names_both_places(good_build, run_cli):
    project, snapshot = good_build
    (project / "data" / "zz-extra.yaml").write_text("- id: taliban\n  type: ArmedGroup\n  label: Taliban again\n")
    code, _, err = _build(run_cli, project)
    assert code == 2
    assert "data/zz-extra.yaml:1: record 'taliban': duplicate slug 'taliban' (first defined at data/groups.yaml:" in err
    _assert_untouched(project, snapshot)


def test_shape_violation_fails_build_with_file_line_record(good_build, run_cli):
    project, snapshot = good_build
    path = project / "data" / "pledges.yaml"
    _edit(path, "  pledgee: haibatullah-akhundzada\n", "  pledgee: doha\n")  # a city is not an agent
    code, _, err = _build(run_cli, project)
    assert code == 1
    line = _line_of(path, "pledgee: doha")
    assert f"data/pledges.yaml:{line}: record 'pledge-zawahiri-to-akhundzada-2016': pledgee: a pledge needs exactly one 'pledgee' naming a person or group" in err
    assert "nothing written" in err
    _assert_untouched(project, snapshot)


def test_statement_without_source_is_a_violation(project_copy, run_cli):
    path = project_copy / "data" / "positions.yaml"
    text = path.read_text()
    start = text.index("- id: omar-leader-of-taliban")
    end = text.index("- id: akhundzada-emir-of-taliban")
    block = text[start:end]
    path.write_text(text[:start] + block[: block.index("  supportedBy:")] + "\n" + text[end:])
    code, _, err = run_cli("--project", str(project_copy), "validate")
    assert code == 1
    assert "record 'omar-leader-of-taliban': supportedBy: every statement needs at least one 'supportedBy' excerpt" in err


def test_missing_config_is_a_clear_usage_error(tmp_path, run_cli):
    code, _, err = run_cli("--project", str(tmp_path), "validate")
    assert code == 2
    assert "no ldpub.toml here" in err and "ldpub init" in err


def test_several_problems_are_all_reported_at_once(project_copy, run_cli):
    path = project_copy / "data" / "persons.yaml"
    _edit(path, "  label: Mullah Omar", "  labl: Mullah Omar")
    _edit(path, "  label: Osama bin Laden", "  lable: Osama bin Laden")
    code, _, err = run_cli("--project", str(project_copy), "validate")
    assert code == 2
    assert err.count("did you mean 'label'?") == 2


def test_an_invalid_slug_does_not_hide_the_other_record_errors(good_build, run_cli):
    """One run reports everything: before, a bad id stopped the run before references were checked."""
    project, snapshot = good_build
    data = project / "data"
    _edit(data / "groups.yaml", "- id: haqqani-network", "- id: Haqqani Network")
    _edit(data / "pledges.yaml", "pledgee: haibatullah-akhundzada", "pledgee: akhundzadah")
    _edit(data / "persons.yaml", "  label: Mullah Omar", "  labl: Mullah Omar")
    code, _, err = _build(run_cli, project)
    assert code == 2 and "Traceback" not in err
    lines = err.splitlines()
    expected = [
        f"data/groups.yaml:{_line_of(data / 'groups.yaml', 'id: Haqqani Network')}: record 'Haqqani Network': slug "
        "'Haqqani Network' is not valid: it contains ' ', 'H', 'N' (use lower-case letters, digits and hyphens, not "
        "first or last, at most 200 characters, e.g. 'haqqani-network')",
        f"data/persons.yaml:{_line_of(data / 'persons.yaml', 'labl: Mullah Omar')}: record 'mullah-omar': unknown key "
        "'labl' (did you mean 'label'?)",
        f"data/pledges.yaml:{_line_of(data / 'pledges.yaml', 'pledgee: akhundzadah')}: record "
        "'pledge-zawahiri-to-akhundzada-2016': pledgee: unknown record 'akhundzadah' (did you mean "
        "'haibatullah-akhundzada'?)",
    ]
    assert [line for line in lines if line in expected] == expected, err
    # references to the record with the bad id are not reported as dangling: its id is the problem
    assert "unknown record 'haqqani-network'" not in err
    _assert_untouched(project, snapshot)


def test_a_file_with_a_syntax_error_does_not_hide_errors_in_the_others(good_build, run_cli):
    project, snapshot = good_build
    data = project / "data"
    _edit(data / "groups.yaml", "  label: Haqqani Network", "  label: [Haqqani Network")
    _edit(data / "persons.yaml", "  label: Mullah Omar", "  labl: Mullah Omar")
    code, _, err = _build(run_cli, project)
    assert code == 2
    assert "data/groups.yaml:" in err and "YAML syntax error" in err
    assert "record 'mullah-omar': unknown key 'labl' (did you mean 'label'?)" in err
    # the slugs of the unreadable file are unknown: references to them are not called dangling
    assert "unknown record 'taliban'" not in err and "dangling" not in err
    _assert_untouched(project, snapshot)
