"""An incremental build gives what a clean build gives: the same files, byte for byte, the same
findings, the same errors, after every step of random edit sequences (hypothesis).

Each step edits the records (change a value, add, delete, rename or move a record, point a
reference elsewhere, break a reference and fix it, change a record's type), the ontology or the
shapes, then builds twice: incrementally, from the snapshot the previous builds left
(:mod:`ldpub.incremental`), and cleanly (``LDPUB_INCREMENTAL=0``, which leaves no snapshot).
Two projects nobody wrote for this: the article's (with extra shapes that use what incremental
validation must treat with care: inverse and sequence paths, sh:closed, targetObjectsOf, sh:node,
sh:or, qualified shapes, a SPARQL constraint that looks backwards) and the Python governance example.
CI draws 15 edit sequences per project (derandomized); a developer's ``make test`` draws 4
(``tests/_sampling.py``).
"""

from __future__ import annotations

import logging
import os
import shutil
import sys
import tempfile
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from _sampling import examples
from ldpub.config import load_project
from ldpub.errors import LdpubError
from ldpub.pipeline import DATASET_FILES, build_project

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "benchmarks"))

EXTRA_SHAPES = """\
@prefix sh: <http://www.w3.org/ns/shacl#> .
@prefix rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
@prefix ag: <https://w3id.org/ldpub/ontology/armed-groups#> .
@prefix ext: <https://example.org/extra-shapes#> .

ext:OneTenureShape a sh:NodeShape ; sh:targetClass ag:Person ;
    sh:property [ sh:path [ sh:inversePath ag:holder ] ; sh:maxCount 1 ; sh:severity sh:Warning ] .
ext:NamedPledgeeShape a sh:NodeShape ; sh:targetClass ag:Pledge ;
    sh:property [ sh:path ( ag:pledgee skos:prefLabel ) ; sh:minCount 1 ; sh:severity sh:Warning ] .
ext:CitedSourceShape a sh:NodeShape ; sh:targetObjectsOf ag:inSource ;
    sh:property [ sh:path skos:altLabel ; sh:minCount 1 ; sh:severity sh:Info ] .
ext:LabelledShape a sh:NodeShape ; sh:property [ sh:path skos:prefLabel ; sh:minCount 1 ] .
ext:PledgerShape a sh:NodeShape ; sh:targetClass ag:Pledge ;
    sh:property [ sh:path ag:pledger ; sh:node ext:LabelledShape ; sh:severity sh:Warning ] ;
    sh:property [ sh:path ag:pledger ; sh:qualifiedValueShape [ sh:class ag:Person ] ; sh:qualifiedMinCount 1 ;
                  sh:severity sh:Warning ] .
ext:ExcerptSourceShape a sh:NodeShape ; sh:targetClass ag:Excerpt ;
    sh:property [ sh:path ag:inSource ; sh:or ( [ sh:class ag:Source ] [ sh:class ag:Person ] ) ;
                  sh:severity sh:Warning ] .
ext:ClosedPlaceShape a sh:NodeShape ; sh:targetClass ag:Place ; sh:closed true ; sh:severity sh:Info ;
    sh:ignoredProperties ( rdf:type skos:prefLabel skos:altLabel ) .
ext:DistinctLabelsShape a sh:NodeShape ; sh:targetSubjectsOf skos:altLabel ;
    sh:property [ sh:path skos:altLabel ; sh:disjoint skos:prefLabel ; sh:severity sh:Warning ] .
ext:UncitedSourceShape a sh:NodeShape ; sh:targetClass ag:Source ; sh:severity sh:Info ;
    sh:sparql [ sh:message "no excerpt cites this source" ;
                sh:select "SELECT $this WHERE { FILTER NOT EXISTS { ?e <https://w3id.org/ldpub/ontology/armed-groups#inSource> $this } }" ] .
"""


def _article(folder: Path) -> Path:
    for name in ("ontology", "shapes", "data"):
        shutil.copytree(ROOT / name, folder / name)
    shutil.copy(ROOT / "ldpub.toml", folder / "ldpub.toml")
    (folder / "shapes" / "extra-shapes.ttl").write_text(EXTRA_SHAPES, encoding="utf-8")
    return folder


def _governance(folder: Path) -> Path:
    source = ROOT / "examples" / "python-governance"
    for name in ("ontology", "shapes", "data"):
        shutil.copytree(source / name, folder / name)
    shutil.copy(source / "ldpub.toml", folder / "ldpub.toml")
    return folder


PROJECTS = {"article": _article, "governance": _governance}


# ---------------------------------------------------------------------------- building both ways
def _build(project: Path, out: Path, incremental: bool) -> tuple:
    """(outcome, findings or problems, files, rebuilt) of one build, in this process."""
    os.environ["LDPUB_INCREMENTAL"] = "1" if incremental else "0"
    try:
        build, written = build_project(load_project(project), out_dir=out)
    except LdpubError as exc:
        return type(exc).__name__, [str(p) for p in exc.problems], None, None
    files = {name: (out / name).read_bytes() for name in DATASET_FILES} if written else None
    return ("built" if written else "failed"), [repr(f) for f in build.report.sorted()], files, build.rebuilt


def _check_step(project: Path, work: Path, step: int) -> tuple:
    incremental = _build(project, work / f"inc-{step}", True)
    clean = _build(project, work / f"clean-{step}", False)
    assert incremental[0] == clean[0], (incremental[1], clean[1])
    assert incremental[1] == clean[1]
    if clean[2] is not None:
        for name in DATASET_FILES:
            assert incremental[2][name] == clean[2][name], name
    return incremental


# ---------------------------------------------------------------------------- edits
class Records:
    """The records of a project's data folder as plain YAML (each edit rewrites the files it touches)."""

    def __init__(self, project: Path) -> None:
        self.folder = project / "data"
        self.files = sorted(self.folder.rglob("*.yaml"))

    def load(self, path: Path) -> list:
        return yaml.safe_load(path.read_text(encoding="utf-8")) or []

    def save(self, path: Path, records: list) -> None:
        path.write_text(yaml.safe_dump(records, sort_keys=False, allow_unicode=True), encoding="utf-8")

    def all(self) -> list[tuple[Path, int, dict]]:
        return [(path, i, rec) for path in self.files for i, rec in enumerate(self.load(path)) if isinstance(rec, dict)]

    def slugs(self) -> list[str]:
        return [rec["id"] for _, _, rec in self.all() if "id" in rec]


def _pick(draw, items):
    return items[draw(st.integers(0, len(items) - 1))] if items else None


def _edit(kind: str, draw, project: Path, counter: list[int]) -> None:
    records = Records(project)
    everything = records.all()
    slugs = set(records.slugs())
    named = {v for _, _, r in everything for value in r.values() for v in (value if isinstance(value, list) else [value])
             if isinstance(v, str) and v in slugs}
    referenced = [entry for entry in everything if entry[2].get("id") in named]
    # half the time a record others refer to: what it says decides their findings too
    picked = _pick(draw, referenced if referenced and draw(st.booleans()) else everything)
    if picked is None:
        return
    path, index, rec = picked
    counter[0] += 1
    new = f"made-{counter[0]}"
    if kind == "change":
        texts = [k for k, v in rec.items() if isinstance(v, str) and k not in ("id", "type") and v not in slugs]
        key = _pick(draw, texts)
        if key is not None:
            rec[key] = rec[key] + f" (edit {counter[0]})"
    elif kind == "add":
        copy = {**rec, "id": new}
        data = records.load(path)
        data.append(copy)
        records.save(path, data)
        return
    elif kind == "add-bare":  # a record of a type in use that says little: what its class's shapes make of it
        bare = {"id": new, "type": rec.get("type")}
        named = [k for k, v in rec.items() if k not in ("id", "type") and isinstance(v, str) and v not in slugs]
        if named:  # a name, in the key records of this type use
            bare[named[0]] = f"Record {counter[0]}"
        data = records.load(path)
        data.append(bare)
        records.save(path, data)
        return
    elif kind == "delete":
        data = records.load(path)
        del data[index]
        records.save(path, data)
        return
    elif kind == "rename":
        old = rec["id"]
        everywhere = draw(st.booleans())
        for file in records.files:
            data = records.load(file)
            for other in data:
                if other is rec or (file == path and other.get("id") == old):
                    other["id"] = new
                elif everywhere:
                    for key, value in list(other.items()):
                        if value == old:
                            other[key] = new
                        elif isinstance(value, list):
                            other[key] = [new if v == old else v for v in value]
            records.save(file, data)
        return
    elif kind == "move":
        data = records.load(path)
        moved = data.pop(index)
        records.save(path, data)
        target = records.folder / "moved.yaml" if draw(st.booleans()) else _pick(draw, records.files)
        rest = records.load(target) if target.exists() else []
        rest.append(moved)
        records.save(target, rest)
        return
    elif kind in ("retarget", "dangle"):
        refs = [k for k, v in rec.items() if k != "id" and isinstance(v, str) and v in slugs]
        key = _pick(draw, refs)
        if key is not None:
            rec[key] = _pick(draw, sorted(slugs)) if kind == "retarget" else f"nowhere-{counter[0]}"
    elif kind == "drop":
        keys = [k for k in rec if k not in ("id", "type")]
        key = _pick(draw, keys)
        if key is not None:
            del rec[key]
    elif kind == "retype":
        types = sorted({r["type"] for _, _, r in everything if isinstance(r.get("type"), str)})
        rec["type"] = _pick(draw, types)
    elif kind == "fix":  # put every dangling reference back on a record that exists
        for file in records.files:
            data = records.load(file)
            for other in data:
                for key, value in list(other.items()):
                    if isinstance(value, str) and value.startswith("nowhere-"):
                        other[key] = _pick(draw, sorted(slugs))
            records.save(file, data)
        return
    elif kind == "ontology":
        ontology = sorted((project / "ontology").glob("*.ttl"))[0]
        ontology.write_text(ontology.read_text(encoding="utf-8") + f"\n# touched {counter[0]}\n", encoding="utf-8")
        return
    elif kind == "shapes":
        shapes = sorted((project / "shapes").glob("*.ttl"))[0]
        shapes.write_text(shapes.read_text(encoding="utf-8") + f"\n# touched {counter[0]}\n", encoding="utf-8")
        return
    data = records.load(path)
    data[index] = rec
    records.save(path, data)


EDITS = ["change", "add", "add-bare", "add-bare", "delete", "rename", "move", "retarget", "retarget", "dangle", "fix",
         "retype", "retype", "drop", "drop", "ontology", "shapes"]


@pytest.fixture(autouse=True)
def _restore_incremental_setting():
    before = os.environ.get("LDPUB_INCREMENTAL")
    yield
    if before is None:
        os.environ.pop("LDPUB_INCREMENTAL", None)
    else:
        os.environ["LDPUB_INCREMENTAL"] = before


@pytest.mark.parametrize("name", sorted(PROJECTS))
@settings(max_examples=examples(15, 4), deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                                  HealthCheck.too_slow])
@given(data=st.data())
def test_random_edit_sequences_build_as_a_clean_build_does(name, data, monkeypatch):
    work = Path(tempfile.mkdtemp(prefix="ldpub-incremental-"))
    try:
        monkeypatch.setenv("LDPUB_CACHE_DIR", str(work / "cache"))
        monkeypatch.setenv("LDPUB_JOBS", "1")
        project = PROJECTS[name](work / "project")
        _check_step(project, work, 0)
        counter = [0]
        for step in range(1, data.draw(st.integers(1, 6)) + 1):
            _edit(data.draw(st.sampled_from(EDITS)), data.draw, project, counter)
            _check_step(project, work, step)
    finally:
        shutil.rmtree(work, ignore_errors=True)


# ---------------------------------------------------------------------------- particular cases
def test_an_edit_maps_only_its_file_and_validates_as_a_clean_build(tmp_path, monkeypatch):
    monkeypatch.setenv("LDPUB_CACHE_DIR", str(tmp_path / "cache"))
    project = _article(tmp_path / "project")
    first = _check_step(project, tmp_path, 0)
    assert first[3] is None, "the first build is a clean one"
    persons = project / "data" / "persons.yaml"
    persons.write_text(persons.read_text(encoding="utf-8").replace("label: Mullah Omar", "label: Mullah Mohammed Omar"),
                       encoding="utf-8")
    files = len(list((project / "data").glob("*.yaml")))
    assert _check_step(project, tmp_path, 1)[3] == (1, files)
    assert '"Mullah Mohammed Omar"@en' in (tmp_path / "inc-1" / "dataset.nt").read_text(encoding="utf-8")


def test_a_slug_removed_from_one_file_breaks_the_reference_in_another(tmp_path, monkeypatch, caplog):
    monkeypatch.setenv("LDPUB_CACHE_DIR", str(tmp_path / "cache"))
    project = _article(tmp_path / "project")
    _check_step(project, tmp_path, 0)
    persons = project / "data" / "persons.yaml"
    persons.write_text(persons.read_text(encoding="utf-8").replace("- id: mullah-omar\n", "- id: mullah-omar-renamed\n"),
                       encoding="utf-8")
    with caplog.at_level(logging.INFO, logger="ldpub.incremental"):
        outcome, problems, _, _ = _check_step(project, tmp_path, 1)
    assert outcome == "RecordError"
    assert any("unknown record 'mullah-omar'" in p for p in problems), problems


def test_a_record_added_or_retyped_meets_the_sparql_constraints_of_its_class(tmp_path, monkeypatch):
    """Only the types changed: the SPARQL-based units validate the nodes that came or went."""
    monkeypatch.setenv("LDPUB_CACHE_DIR", str(tmp_path / "cache"))
    project = _article(tmp_path / "project")
    _check_step(project, tmp_path, 0)
    sources = project / "data" / "sources.yaml"
    text = sources.read_text(encoding="utf-8")
    sources.write_text(text + "\n- id: an-uncited-source\n  type: Source\n  title: Nobody cites it\n", encoding="utf-8")
    outcome, findings, _, rebuilt = _check_step(project, tmp_path, 1)
    assert rebuilt is not None
    assert any("an-uncited-source" in f and "no excerpt cites this source" in f for f in findings), findings
    sources.write_text(text + "\n- id: an-uncited-source\n  type: Person\n  label: Nobody cites it\n",
                       encoding="utf-8")
    outcome, findings, _, rebuilt = _check_step(project, tmp_path, 2)
    assert not any("an-uncited-source" in f and "no excerpt cites" in f for f in findings)


def test_the_helper_process_build_is_kept_for_the_next_one(tmp_path, monkeypatch):
    from generate import generate

    monkeypatch.setenv("LDPUB_CACHE_DIR", str(tmp_path / "cache"))
    project = generate(1500, tmp_path / "synthetic")
    monkeypatch.setenv("LDPUB_JOBS", "2")
    assert _build(project, tmp_path / "first", True)[0] == "built"
    data = sorted((project / "data").glob("*.yaml"))
    first = data[0].read_text(encoding="utf-8")
    data[0].write_text(first.replace("status: reported", "status: confirmed", 1), encoding="utf-8")
    monkeypatch.setenv("LDPUB_JOBS", "1")
    outcome, findings, files, rebuilt = _check_step(project, tmp_path, 1)
    assert outcome == "built" and rebuilt == (1, len(data))


def test_a_damaged_snapshot_means_a_clean_build(tmp_path, monkeypatch):
    monkeypatch.setenv("LDPUB_CACHE_DIR", str(tmp_path / "cache"))
    project = _governance(tmp_path / "project")
    _check_step(project, tmp_path, 0)
    for kept in (tmp_path / "cache").rglob("snap-*/dataset.ttl"):
        kept.write_bytes(b"")
    assert _check_step(project, tmp_path, 1)[3] is None
