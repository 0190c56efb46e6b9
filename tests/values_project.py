"""A small project from `ldpub init` to break at will: extra ontology terms, one record file,
a good build in dist/ to compare with after a failed one, and the real `ldpub` run with a time
bound (a hang fails the test instead of stalling the suite)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

PREFIXES = """
@prefix ex:     <https://example.org/ds/ontology#> .
@prefix ldpub:  <https://w3id.org/ldpub/meta#> .
@prefix owl:    <http://www.w3.org/2002/07/owl#> .
@prefix rdf:    <http://www.w3.org/1999/02/22-rdf-syntax-ns#> .
@prefix rdfs:   <http://www.w3.org/2000/01/rdf-schema#> .
@prefix xsd:    <http://www.w3.org/2001/XMLSchema#> .
@prefix edtf:   <http://id.loc.gov/datatypes/edtf/> .
@prefix schema: <https://schema.org/> .
@prefix skos:   <http://www.w3.org/2004/02/skos/core#> .
"""

RECORDS_FILE = "data/things.yaml"


def make_project(tmp_path: Path, run_cli, turtle: str = "", records: str | None = None) -> Path:
    """``ldpub init`` a project (base https://example.org/ds/id/), add ``turtle`` to its ontology
    (in ``ontology/extra.ttl``, with the prefixes above) and write ``records`` to data/things.yaml."""
    project = tmp_path / "ds"
    code, _, err = run_cli("init", str(project), "--base-iri", "https://example.org/ds/id/")
    assert code == 0, err
    if turtle:
        (project / "ontology" / "extra.ttl").write_text(PREFIXES + turtle, encoding="utf-8")
    if records is not None:
        (project / RECORDS_FILE).write_text(records, encoding="utf-8")
    return project


def record(**fields: str) -> str:
    """One Organization record (id ``thing``) with the given keys, values written as given."""
    lines = ["- id: thing", "  type: Organization", "  label: A thing"]
    lines += [f"  {key}: {value}" for key, value in fields.items()]
    return "\n".join(lines) + "\n"


def line_of(path: Path, needle: str) -> int:
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if needle in line:
            return number
    raise AssertionError(f"{needle!r} not in {path}")


def snapshot(project: Path) -> dict[str, bytes]:
    """Every file of dist/, by relative path."""
    dist = project / "dist"
    return {p.relative_to(dist).as_posix(): p.read_bytes() for p in sorted(dist.rglob("*")) if p.is_file()}


def build(run_cli, project: Path) -> tuple[int, str, str]:
    return run_cli("--project", str(project), "build", "-q")


def good_build(run_cli, project: Path) -> dict[str, bytes]:
    """Build ``project`` (which must succeed) and return its dist/ snapshot."""
    code, out, err = build(run_cli, project)
    assert code == 0, err + out
    return snapshot(project)


def run_bounded(*args: str, cwd: Path | None = None, timeout: float = 120) -> subprocess.CompletedProcess:
    """The real ``ldpub`` in a child process, killed after ``timeout`` seconds (a hang is a failure,
    not a speed measurement: the bound is generous)."""
    return subprocess.run([sys.executable, "-m", "ldpub", *args], cwd=cwd, capture_output=True, text=True,
                          timeout=timeout)


def assert_user_error(code: int, err: str, *expected: str) -> None:
    """Exit 2, every expected text in the message, and no traceback."""
    assert code == 2, err
    assert "Traceback" not in err, err
    for text in expected:
        assert text in err, f"{text!r} not in:\n{err}"
