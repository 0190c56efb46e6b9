"""ldpub's SHACL engine reports exactly what pySHACL (the reference) reports on the project.

Each file in ``tests/broken_records/`` plants one kind of bug into a copy of the article data.
All of them at once, with the project's real shapes (SPARQL-based constraints included), are
validated by both engines, which must return the same set of results; each bug alone must
fire the component its file names. pySHACL runs each SPARQL constraint once per focus node
(seconds per run here), so it runs once on everything rather than once per bug; the W3C suite
(``test_w3c_shacl.py``) and the differential test (``test_shacl_differential.py``) compare
the engines on inputs nobody here wrote. Speed never changes the verdict.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from ldpub.config import load_project
from ldpub.pipeline import compile_project
from ldpub.validate import ENGINES

BROKEN = Path(__file__).parent / "broken_records"
CASES = sorted(p.stem for p in BROKEN.glob("*.yaml"))
SH = "http://www.w3.org/ns/shacl#"


def _blank_safe(results: list[dict], own_messages: set[str] = frozenset()) -> set[tuple]:
    """Results as comparable tuples; a message is compared only when it is a shape's own
    ``sh:message`` (each engine words its default messages in its own way)."""
    import re

    out = set()
    for r in results:
        value = r["value"]
        if value is not None and re.fullmatch(r"(_:)?[A-Za-z0-9]{16,}", value):  # blank node labels differ by engine
            value = "<blank node>"
        shape = r["shape"] if r["shape"].startswith("http") else None
        message = r["message"] if r["message"] in own_messages else None
        out.add((r["focus"], r["path"], r["component"], shape, r["severity"], value, message))
    return out


def _triples(project_dir: Path, extra_ttl: Path | None):
    import pyoxigraph as ox

    build = compile_project(load_project(project_dir), validate=False)
    data = list(build.triples)
    if extra_ttl is not None:
        data += [q.triple for q in ox.parse(path=str(extra_ttl), format=ox.RdfFormat.TURTLE)]
    return data, build


def _both(data, build, shape_triples=None) -> tuple[set, set, list]:
    shapes = build.shape_triples if shape_triples is None else shape_triples
    fast = ENGINES["ldpub"](data, shapes, build.ontology_triples, build.vocab.labels)
    reference = ENGINES["pyshacl"](data, shapes, build.ontology_triples, build.vocab.labels)
    own = {t.object.value for t in shapes if t.predicate.value == SH + "message"}
    return _blank_safe(fast, own), _blank_safe(reference, own), fast


def _shapes_file(path: Path) -> list:
    """One shapes file's triples: pySHACL then runs only the shapes a test is about."""
    import pyoxigraph as ox

    return [q.triple for q in ox.parse(path=str(path), format=ox.RdfFormat.TURTLE)]


def test_clean_article_data_conforms(repo_root):
    data, build = _triples(repo_root, None)
    assert ENGINES["ldpub"](data, build.shape_triples, build.ontology_triples, build.vocab.labels) == []


@pytest.mark.parametrize("case", CASES)
def test_each_broken_record_fires_the_component_its_file_names(case, project_copy):
    source = BROKEN / f"{case}.yaml"
    shutil.copy(source, project_copy / "data" / f"zz-{case}.yaml")
    extra = BROKEN / f"{case}.ttl"
    data, build = _triples(project_copy, extra if extra.exists() else None)
    raw = ENGINES["ldpub"](data, build.shape_triples, build.ontology_triples, build.vocab.labels)
    expected = source.read_text(encoding="utf-8").splitlines()[0].removeprefix("# expect:").split()
    fired = {r["component"].removeprefix(SH) for r in raw}
    assert set(expected) <= fired, f"{case}: expected {expected}, the engine reported {sorted(fired)}"


def test_all_bugs_at_once_match(project_copy):
    for source in BROKEN.glob("*.yaml"):
        shutil.copy(source, project_copy / "data" / f"zz-{source.name}")
    import pyoxigraph as ox

    data, build = _triples(project_copy, None)
    for ttl in sorted(BROKEN.glob("*.ttl")):
        data += [q.triple for q in ox.parse(path=str(ttl), format=ox.RdfFormat.TURTLE)]
    fast, reference, _ = _both(data, build)
    assert fast == reference, {"only ldpub": fast - reference, "only pyshacl": reference - fast}
    assert len(fast) >= len(CASES)


def test_build_reports_engine_findings_at_the_yaml_line(project_copy, run_cli):
    shutil.copy(BROKEN / "end-before-start.yaml", project_copy / "data" / "zz-broken.yaml")
    code, out, err = run_cli("--project", str(project_copy), "validate", "--format", "json")
    assert code == 1
    import json

    findings = [f for f in json.loads(out)["findings"] if f.get("check") == "shacl"]
    assert len(findings) == 1, findings
    text = json.dumps(findings[0])
    for expected in ("data/zz-broken.yaml", "broken-tenure-ends-before-it-starts", "endDate is before startDate"):
        assert expected in text
    assert '"line": 8' in text


def test_logical_shapes_are_validated_by_the_engine_itself(project_copy):
    """A shape using sh:or over property shapes is checked like any other, with pySHACL's results."""
    (project_copy / "shapes" / "extra.ttl").write_text(
        """@prefix ag: <https://w3id.org/ldpub/ontology/armed-groups#> .
@prefix sh: <http://www.w3.org/ns/shacl#> .
@prefix dct: <http://purl.org/dc/terms/> .
@prefix ex: <https://example.org/shapes#> .
ex:PersonNeedsDescriptionOrNote a sh:NodeShape ;
    sh:targetClass ag:Person ;
    sh:or ( [ sh:path dct:description ; sh:minCount 1 ] [ sh:path <http://www.w3.org/2004/02/skos/core#note> ; sh:minCount 1 ] ) .
""",
        encoding="utf-8",
    )
    (project_copy / "data" / "zz-person.yaml").write_text(
        "- id: a-person-without-description\n  type: Person\n  label: Nobody in particular\n", encoding="utf-8"
    )
    data, build = _triples(project_copy, None)
    fast, reference, _ = _both(data, build, _shapes_file(project_copy / "shapes" / "extra.ttl"))
    assert fast == reference
    assert any(r[0].endswith("a-person-without-description") and r[2] == SH + "OrConstraintComponent" for r in fast)


def test_complex_paths_and_variable_predicates_match_pyshacl(project_copy):
    """A sequence path (compiled to a SPARQL property path) and a SPARQL constraint with a
    variable predicate (which needs the whole graph in the Store) agree with pySHACL."""
    (project_copy / "shapes" / "extra.ttl").write_text(
        """@prefix ag: <https://w3id.org/ldpub/ontology/armed-groups#> .
@prefix sh: <http://www.w3.org/ns/shacl#> .
@prefix ex: <https://example.org/shapes#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
ex: sh:declare [ sh:prefix "ag" ; sh:namespace "https://w3id.org/ldpub/ontology/armed-groups#"^^xsd:anyURI ] .
ex:PledgeSourcesAreArticles a sh:NodeShape ;
    sh:targetClass ag:Pledge ;
    sh:property [ sh:path ( ag:supportedBy ag:inSource ) ; sh:minCount 1 ; sh:class ag:Person ;
                  sh:message "supporting sources must be persons (planted to fail)" ] .
ex:NoSelfReference a sh:NodeShape ;
    sh:targetClass ag:Claim ;
    sh:sparql [ sh:message "a claim points to itself" ; sh:prefixes ex: ;
                sh:select "SELECT $this ?value WHERE { $this ?p $this . BIND($this AS ?value) }" ] .
""",
        encoding="utf-8",
    )
    (project_copy / "data" / "zz-self.yaml").write_text(
        "- id: self-pledge\n  type: Pledge\n  pledger: mullah-omar\n  pledgee: mullah-omar\n  status: reported\n"
        "  reaffirms: self-pledge\n  supportedBy:\n    - inSource: sarkar-2020\n      quote: pledged allegiance to Taliban leader\n",
        encoding="utf-8",
    )
    from ldpub.shacl.engine import store_plan
    from ldpub.shacl.shapesgraph import ShapesGraph

    data, build = _triples(project_copy, None)
    assert store_plan(ShapesGraph(build.shape_triples))[1] is None  # the variable predicate needs every triple
    fast, reference, raw = _both(data, build, _shapes_file(project_copy / "shapes" / "extra.ttl"))
    assert fast == reference
    fired = {(r["component"].removeprefix(SH), r["focus"].rsplit("/", 1)[-1]) for r in raw}
    assert ("SPARQLConstraintComponent", "self-pledge") in fired
    assert ("ClassConstraintComponent", "self-pledge") in fired


@pytest.mark.parametrize("case,rule", [
    ("missing-required", "http://www.w3.org/ns/shacl#MinCountConstraintComponent"),
    ("end-before-start", "https://w3id.org/ldpub/shapes/armed-groups#TimeSpanShape"),
])
def test_findings_name_the_constraint_component_or_the_sparql_shape_as_their_rule(case, rule, project_copy, run_cli):
    """A finding's rule is the component that fired (a SPARQL constraint: its named shape), and
    its message is the shape's own sh:message, never another engine's wording."""
    import json

    shutil.copy(BROKEN / f"{case}.yaml", project_copy / "data" / f"zz-{case}.yaml")
    code, out, _ = run_cli("--project", str(project_copy), "validate", "--format", "json")
    assert code == 1
    findings = [f for f in json.loads(out)["findings"] if f["check"] == "shacl"]
    assert findings and {f["rule"] for f in findings} == {rule}
    shapes = (project_copy / "shapes" / "armed-groups-shapes.ttl").read_text(encoding="utf-8")
    assert all(f["message"].split(": ", 1)[-1] in shapes for f in findings)
