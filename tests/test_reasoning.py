"""OWL reasoning (owlready2 + HermiT): inconsistencies mapped to records, inverse links on build."""

from __future__ import annotations

import json
import re
import shutil

import pytest

needs_java = pytest.mark.skipif(shutil.which("java") is None, reason="no Java runtime: HermiT cannot run")

PERSON_AND_ORG = """\
# a record typed both Person and Organization (disjoint in the ontology)
- id: planted-both
  type: [Person, ArmedGroup]
  label: Both at once
"""

DENIAL = """\
- id: planted-denial
  type: Denial
  deniedBy: suhail-shaheen-planted
  denies: pledge-zawahiri-to-akhundzada-2016
  status: reported
  supportedBy:
    - inSource: sarkar-2020
      quote: "a planted excerpt for the test"

- id: suhail-shaheen-planted
  type: Person
  label: A spokesman

- id: planted-agent
  type: Agent
  label: An agent with a parent organization
  parentOrganization: taliban
"""


@needs_java
def test_reasoner_names_the_record_typed_person_and_organization(project_copy, run_cli):
    (project_copy / "data" / "zz-reason.yaml").write_text(PERSON_AND_ORG, encoding="utf-8")
    assert run_cli("--project", str(project_copy), "validate")[0] == 0  # SHACL alone does not see it
    code, out, _ = run_cli("--project", str(project_copy), "validate", "--reason", "--format", "json")
    assert code == 1
    owl = [f for f in json.loads(out)["findings"] if f["check"] == "owl"]
    assert len(owl) == 1, owl
    f = owl[0]
    assert (f["file"], f["line"], f["record"], f["rule"]) == ("data/zz-reason.yaml", 3, "planted-both", "disjoint-types")
    assert "ag:Person" in f["message"] and "disjoint" in f["message"]


@needs_java
def test_reasoner_blames_a_reference_whose_range_contradicts_the_target(project_copy, run_cli):
    (project_copy / "data" / "zz-reason.yaml").write_text(
        "- id: planted-group\n  type: ArmedGroup\n  label: A group\n  parentOrganization: mullah-omar\n",
        encoding="utf-8")
    code, out, _ = run_cli("--project", str(project_copy), "validate", "--reason", "--format", "json")
    assert code == 1
    owl = [f for f in json.loads(out)["findings"] if f["check"] == "owl"]
    assert [(f["file"], f["line"], f["record"]) for f in owl] == [("data/zz-reason.yaml", 4, "planted-group")]
    assert "'parentOrganization' of 'planted-group' implies" in owl[0]["message"]


@needs_java
def test_repository_dataset_is_consistent(repo_root, run_cli):
    code, _, out = run_cli("--project", str(repo_root), "validate", "--reason")
    assert code == 0, out
    assert "checks: records, shacl, ontology, owl" in out


@needs_java
def test_build_reason_adds_inferred_types_and_inverse_links_deterministically(project_copy, run_cli):
    import rdflib

    (project_copy / "data" / "zz-denial.yaml").write_text(DENIAL, encoding="utf-8")
    outs = []
    for name in ("a", "b"):
        code, out, err = run_cli("--project", str(project_copy), "build", "--reason", "--out", name)
        assert code == 0, err
        # the planted denial and agent add 2 inferences; the article's own denials add their inverse links
        inferred = re.search(r"\(\+(\d+) inferred\)", out)
        assert inferred and int(inferred[1]) >= 2, out
        outs.append(project_copy / name)
    assert (outs[0] / "dataset.ttl").read_bytes() == (outs[1] / "dataset.ttl").read_bytes()
    g = rdflib.Graph().parse(outs[0] / "dataset.nt", format="nt")
    d = rdflib.Namespace("https://w3id.org/ldpub/dataset/taliban-al-qaeda/id/")
    ag = rdflib.Namespace("https://w3id.org/ldpub/ontology/armed-groups#")
    assert (d["pledge-zawahiri-to-akhundzada-2016"], ag.denial, d["planted-denial"]) in g  # owl:inverseOf ag:denies
    assert (d["planted-agent"], rdflib.RDF.type, ag.Organization) in g  # rdfs:domain of parentOrganization


@needs_java
def test_build_reason_refuses_inconsistent_data(project_copy, run_cli):
    (project_copy / "data" / "zz-reason.yaml").write_text(PERSON_AND_ORG, encoding="utf-8")
    code, _, err = run_cli("--project", str(project_copy), "build", "--reason", "--out", "out")
    assert code == 1
    assert "data/zz-reason.yaml:3: record 'planted-both': OWL reasoner:" in err
    assert not (project_copy / "out").exists()


def test_without_java_reasoning_is_skipped_with_a_warning(project_copy, run_cli, monkeypatch):
    import owlready2

    monkeypatch.setattr(owlready2, "JAVA_EXE", "/nonexistent/java")
    code, out, _ = run_cli("--project", str(project_copy), "validate", "--reason", "--format", "json")
    assert code == 0
    f = next(f for f in json.loads(out)["findings"] if f["check"] == "owl")
    assert f["severity"] == "warning" and f["rule"] == "reasoning-skipped"
    assert "Java is not installed" in f["message"]


def test_too_many_individuals_skips_reasoning_with_a_warning(project_copy, run_cli):
    toml = project_copy / "ldpub.toml"
    toml.write_text(toml.read_text() + "\n[reason]\nmax_individuals = 5\n")
    code, out, _ = run_cli("--project", str(project_copy), "validate", "--reason", "--format", "json")
    assert code == 0
    f = next(f for f in json.loads(out)["findings"] if f["check"] == "owl")
    assert "exceed [reason] max_individuals = 5" in f["message"]


@needs_java
def test_unsatisfiable_class_points_at_its_line_in_the_ontology(project_copy, run_cli):
    onto = next((project_copy / "ontology").glob("*.ttl"))
    old = onto.read_text(encoding="utf-8")
    onto.write_text(old + '\nag:PersonOrganization a owl:Class ;\n    rdfs:label "person-organization"@en ;\n'
                    '    skos:definition "Cannot exist."@en ;\n    rdfs:subClassOf ag:Person, ag:Organization .\n',
                    encoding="utf-8")
    code, out, _ = run_cli("--project", str(project_copy), "validate", "--reason", "--format", "json")
    assert code == 1
    f = next(f for f in json.loads(out)["findings"] if f["rule"] == "unsatisfiable-class")
    assert (f["file"], f["line"]) == (f"ontology/{onto.name}", len(old.splitlines()) + 2)
    assert "ag:PersonOrganization is unsatisfiable" in f["message"]
