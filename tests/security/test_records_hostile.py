"""Hostile records (issue #14): each is a clear error naming file, line and what to do, exit 2,
no traceback, no hang, and the previous dist/ stays byte for byte as it was."""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest

PLANTED = "data/zz-planted.yaml"


def _dist(project: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted((project / "dist").iterdir())}


@pytest.fixture
def good_build(project_copy, run_cli):
    """A project copy with a successful build in dist/; returns (project, snapshot of dist)."""
    code, _, err = run_cli("--project", str(project_copy), "build", "-q")
    assert code == 0, err
    return project_copy, _dist(project_copy)


def _plant(project: Path, text: str | bytes) -> Path:
    path = project / PLANTED
    if isinstance(text, str):
        text = text.encode("utf-8")
    path.write_bytes(text)
    return path


def _fails_cleanly(run_cli, project: Path, snapshot: dict[str, bytes]) -> str:
    """Build, expect exit 2 with no traceback and the last good output untouched; return stderr."""
    code, _, err = run_cli("--project", str(project), "build", "-q")
    assert code == 2, err
    assert "Traceback" not in err
    assert _dist(project) == snapshot, "a failed build changed dist/"
    assert not list(project.glob(".dist.tmp-*")), "staging folder left behind"
    return err


def test_a_slug_with_a_final_newline_is_refused_by_build_and_validate(good_build, run_cli):
    project, snapshot = good_build
    _plant(project, '- id: "x\\n"\n  type: Person\n  label: X\n')
    err = _fails_cleanly(run_cli, project, snapshot)
    assert (f"{PLANTED}:1: record 'x\\n': slug 'x\\n' is not valid: it contains '\\n' (use lower-case letters, "
            "digits and hyphens, not first or last, at most 200 characters, e.g. 'x')") in err
    code, out, err = run_cli("--project", str(project), "validate")
    assert code == 2 and "conforms" not in out + err


@pytest.mark.parametrize("char, name, escape", [
    ("\x0c", "form feed", "\\x0C"),
    ("\x00", "NUL", "\\x00"),
    ("\x1b", "escape", "\\x1B"),
    ("\ufffe", "a noncharacter", "\\uFFFE"),
    ("\x7f", "delete", "\\x7F"),
])
def test_a_character_yaml_forbids_names_file_line_and_column(good_build, run_cli, char, name, escape):
    project, snapshot = good_build
    _plant(project, f"- id: planted\n  type: Person\n  label: Some{char}one\n")
    err = _fails_cleanly(run_cli, project, snapshot)
    code = f"U+{ord(char):04X}"
    assert (f"{PLANTED}:3: character {code} ({name}) at column 14 is not allowed in YAML (delete it; if the value "
            f'must hold it, write it as an escape in a double-quoted string ("{escape}"))') in err


def test_every_forbidden_character_of_a_file_is_listed_at_once(good_build, run_cli):
    project, snapshot = good_build
    _plant(project, "- id: planted\n  type: Person\n  label: \x0cOne\n  note: two\x00\n")
    err = _fails_cleanly(run_cli, project, snapshot)
    assert f"{PLANTED}:3: character U+000C (form feed) at column 10" in err
    assert f"{PLANTED}:4: character U+0000 (NUL) at column 12" in err


def test_an_escaped_control_character_in_a_double_quoted_value_is_data(project_copy, run_cli):
    """The way out the message gives works: the escape is kept as the character, in valid RDF."""
    _plant(project_copy, '- id: planted\n  type: Person\n  label: "Some\\x0Cone"\n')
    code, _, err = run_cli("--project", str(project_copy), "build", "-q")
    assert code == 0, err
    assert '"Some\\fone"@en' in (project_copy / "dist" / "dataset.nt").read_text(encoding="utf-8")


def test_a_value_over_the_size_bound_is_refused_with_the_bound(good_build, run_cli):
    from ldpub.records import MAX_VALUE_BYTES

    project, snapshot = good_build
    big = "a" * (MAX_VALUE_BYTES + 1)
    _plant(project, f"- id: planted\n  type: Person\n  label: Someone\n  note: {big}\n")
    err = _fails_cleanly(run_cli, project, snapshot)
    assert (f"{PLANTED}:4: record 'planted': 'note' holds a value of 16,777,217 bytes (16.0 MiB); a value may hold "
            "at most 16 MiB (keep long texts in files of their own") in err


def test_a_records_file_over_the_size_bound_is_refused_before_it_is_read(good_build, run_cli):
    """The 200 MB file of the review: refused at once, naming the file, the limit and the way out."""
    import resource

    project, snapshot = good_build
    path = project / PLANTED
    with open(path, "wb") as f:
        f.write(b"- id: planted\n  type: Person\n")
        f.truncate(200 * 2**20)  # sparse: nothing is written to disk
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    err = _fails_cleanly(run_cli, project, snapshot)
    grown_mib = (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before) / 1024
    assert (f"{PLANTED}: records file of 209,715,200 bytes (200.0 MiB) is over the limit of 32 MiB per file "
            "([limits] max_file_bytes) (split it into several files in the data folder (each a YAML list of "
            "records; references work across files), or raise the limit in ldpub.toml") in err
    assert grown_mib < 100, f"the refused file was read into memory (+{grown_mib:.0f} MiB)"


@pytest.mark.parametrize("value, tag, line", [
    ("label: !!python/name:os.system x", "!!python/name:os.system", 3),
    ("label: !!python/object/apply:os.system [ls]", "!!python/object/apply:os.system", 3),
    ("label: !custom Someone", "!custom", 3),
    ("label: !!binary aGVsbG8=", "!!binary", 3),
    ("!!python/name:os.system key: x", "!!python/name:os.system", 3),
])
def test_yaml_tags_are_refused_not_ignored(good_build, run_cli, value, tag, line):
    project, snapshot = good_build
    _plant(project, f"- id: planted\n  type: Person\n  {value}\n")
    err = _fails_cleanly(run_cli, project, snapshot)
    assert (f"{PLANTED}:{line}: record 'planted': YAML tag '{tag}' is not allowed: records hold plain text, lists "
            "and mappings (remove the tag (put the value in quotes if it starts with '!'))") in err


@pytest.mark.parametrize("separator", ["\u2028", "\u2029", "\x85"])
def test_a_line_separator_in_a_quoted_value_does_not_shift_later_line_numbers(project_copy, run_cli, separator):
    """Editors and grep -n break lines at LF only; YAML also at NEL, U+2028, U+2029."""
    text = (f'- id: planted-a\n  type: Person\n  label: "One{separator}Two"\n  note: "a{separator}b{separator}c"\n'
            "- id: planted-b\n  type: Person\n  label: Three\n  labl: typo\n")
    path = _plant(project_copy, text)
    editor_line = next(n for n, line in enumerate(path.read_bytes().split(b"\n"), start=1) if line.startswith(b"  labl:"))
    assert editor_line == 8
    code, _, err = run_cli("--project", str(project_copy), "build", "-q")
    assert code == 2
    assert f"{PLANTED}:8: record 'planted-b': unknown key 'labl' (did you mean 'label'?)" in err


def test_shape_violations_after_a_line_separator_point_at_the_editor_line(project_copy, run_cli):
    _plant(project_copy, '- id: planted-a\n  type: Person\n  label: "One\u2028Two"\n'
                         "- id: planted-b\n  type: Pledge\n  label: A pledge to a city\n  pledgee: doha\n")
    code, out, _ = run_cli("--project", str(project_copy), "validate", "--format", "github")
    assert code == 1
    assert (f"::error file={PLANTED},line=7,title=ldpub shacl/sh%3AClassConstraintComponent::record 'planted-b': "
            "pledgee: a pledge needs exactly one 'pledgee' naming a person or group") in out
    assert f"::error file={PLANTED},line=4,title=ldpub shacl/sh%3AMinCountConstraintComponent::record 'planted-b': " \
           "pledger:" in out


def test_billion_laughs_is_refused_quickly(good_build, run_cli):
    project, snapshot = good_build
    text = "- id: planted\n  type: Person\n  label: Someone\n  x0: &a0 {type: Excerpt, quote: lol}\n"
    for i in range(1, 12):  # 9^11 nested records if expanded
        text += f"  x{i}: &a{i} {{type: Excerpt, mentions: [" + ", ".join([f"*a{i - 1}"] * 9) + "]}\n"
    _plant(project, text)
    start = time.monotonic()
    err = _fails_cleanly(run_cli, project, snapshot)
    assert time.monotonic() - start < 60
    assert f"{PLANTED}:" in err and "YAML aliases (*name) repeat more than the file holds (write the values out" in err


def test_a_record_that_contains_itself_is_refused(good_build, run_cli):
    project, snapshot = good_build
    _plant(project, "- &me\n  id: planted\n  type: Person\n  label: Someone\n  mentions: *me\n")
    err = _fails_cleanly(run_cli, project, snapshot)
    assert "RecursionError" not in err
    assert f"{PLANTED}:1: record 'planted': records nest deeper than 32 levels" in err


def test_records_nested_too_deep_are_refused(good_build, run_cli):
    project, snapshot = good_build
    deep = "{type: Excerpt, mentions: " * 40 + "taliban" + "}" * 40
    _plant(project, f"- id: planted\n  type: Person\n  label: Someone\n  mentions: {deep}\n")
    err = _fails_cleanly(run_cli, project, snapshot)
    assert (f"{PLANTED}:4: record 'planted': records nest deeper than 32 levels (give the inner records ids of "
            "their own and refer to them by slug)") in err


def test_a_file_that_cannot_be_read_is_an_error_not_a_traceback(good_build, run_cli):
    if os.geteuid() == 0:
        pytest.skip("root reads every file")
    project, snapshot = good_build
    path = _plant(project, "- id: planted\n  type: Person\n")
    path.chmod(0)
    err = _fails_cleanly(run_cli, project, snapshot)
    assert f"{PLANTED}: cannot read records file: Permission denied" in err


@pytest.mark.parametrize("fmt", ["text", "github", "junit", "json", "sarif"])
def test_control_characters_of_a_bad_id_never_reach_a_report(project_copy, run_cli, fmt):
    """An escaped ESC or vertical tab in an id would recolour a terminal or break the JUnit XML."""
    import xml.etree.ElementTree as ET

    _plant(project_copy, '- id: "x\\e[31mred\\x0b"\n  type: Person\n  labl: X\n')
    code, out, err = run_cli("--project", str(project_copy), "validate", "--format", fmt)
    assert code == 2 and "Traceback" not in err
    report = out + err
    assert "\x1b" not in report and "\x0b" not in report
    assert "x\\x1b[31mred\\x0b" in report.replace("\\\\", "\\")
    if fmt == "junit":
        ET.fromstring(out)
