"""`ldpub init DIR`: a new project where every command works as it is, on the scaffold's sample
(the fictional Riverside Garden Club: W3C ORG memberships, a source text with verbatim excerpts,
EDTF dates, a denied claim with its denial), CI included.

Each command runs through the real CLI on one scaffolded project: exit 0, no warning, and the
answers, pages and catalog say what the sample text says, in the sample's words.
"""

from __future__ import annotations

import hashlib
import json
import shutil
import tomllib
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
import yaml

from _servers import start_ldpub

BASE = "https://example.org/my-dataset/id/"
VOCAB = "https://example.org/my-dataset/ontology#"
SAMPLE_TEXT = "sources/riverside-garden-club-notes.txt"
RELEASE_DAY = "2024-05-17"  # SOURCE_DATE_EPOCH 1715904000, as init writes it into [publish] issued
#: DCAT-AP 3.0.0 recommendations the sample cannot meet (frictions.md F21): no [publish] setting
#: gives the publisher's ADMS type, and the sample is about no real place.
KNOWN_DCAT_AP_WARNINGS = {
    ("https://example.org/my-dataset/releases/#publisher", "dct:type"),
    ("https://example.org/my-dataset/releases/0.1.0/#catalog", "dct:spatial"),
    ("https://example.org/my-dataset/releases/0.1.0/#dataset", "dct:spatial"),
}


# ------------------------------------------------------------------ fixtures (cli: conftest.py)
@pytest.fixture(scope="module")
def scaffold(cli, tmp_path_factory) -> Path:
    """One `ldpub init` project, made on a fixed day; tests that write use their own --out."""
    target = tmp_path_factory.mktemp("init") / "my-dataset"
    with pytest.MonkeyPatch.context() as env:
        env.setenv("SOURCE_DATE_EPOCH", "1715904000")
        code, out, err = cli("init", target, "--title", "My dataset")
    assert code == 0, err
    assert out.startswith(f"created {target} (") and "next: cd" in out
    return target


@pytest.fixture
def scaffold_copy(scaffold, tmp_path) -> Path:
    """A copy of the scaffolded project to break at will."""
    return Path(shutil.copytree(scaffold, tmp_path / "my-dataset"))


def ok(cli, project, *args) -> tuple[str, str]:
    """Run a command on ``project``: it must exit 0 and warn about nothing; returns (stdout, stderr)."""
    code, out, err = cli("--project", project, *args)
    assert code == 0, out + err
    assert "warning" not in err.lower(), err
    return out, err


def query_rows(cli, project, *args) -> list[dict[str, str]]:
    code, out, err = cli("--project", project, "query", *args, "--format", "json")
    assert code == 0, err
    return [{k: v["value"] for k, v in row.items()} for row in json.loads(out)["results"]["bindings"]]


# ------------------------------------------------------------------ what init writes
def test_init_writes_the_whole_model(scaffold):
    for name in ("ldpub.toml", "README.md", "ontology/ontology.ttl", "shapes/shapes.ttl", SAMPLE_TEXT,
                 "data/sources.yaml", "data/people.yaml", "data/organizations.yaml", "data/memberships.yaml",
                 "data/claims.yaml", "queries/organizations.rq", "queries/statements.rq", "records.schema.json",
                 ".github/workflows/validate.yml", ".pre-commit-config.yaml", ".vscode/settings.json",
                 ".gitignore", ".gitattributes"):
        assert (scaffold / name).is_file(), name
    settings = tomllib.loads((scaffold / "ldpub.toml").read_text(encoding="utf-8"))
    assert settings["paths"]["sources"] == "sources"
    assert settings["publish"]["base_url"] == "https://example.org/my-dataset/releases/"
    assert settings["publish"]["issued"].isoformat() == RELEASE_DAY
    text = (scaffold / SAMPLE_TEXT).read_text(encoding="utf-8")
    assert text.startswith("SAMPLE TEXT written for the ldpub project template") and "fictional" in text.splitlines()[0]
    source = yaml.safe_load((scaffold / "data" / "sources.yaml").read_text(encoding="utf-8"))[0]
    assert source["textFile"] == Path(SAMPLE_TEXT).name
    assert source["sha256"] == hashlib.sha256((scaffold / SAMPLE_TEXT).read_bytes()).hexdigest()


def test_every_quote_of_the_sample_is_in_the_sample_text(scaffold):
    text = (scaffold / SAMPLE_TEXT).read_text(encoding="utf-8")
    quotes = [excerpt["value"] for path in (scaffold / "data").glob("*.yaml")
              for record in yaml.safe_load(path.read_text(encoding="utf-8"))
              for excerpt in record.get("wasDerivedFrom", [])]
    assert len(quotes) == 6 and all(quote in text for quote in quotes)


def test_the_readme_names_every_folder_and_command(scaffold):
    readme = (scaffold / "README.md").read_text(encoding="utf-8")
    assert readme.startswith("# My dataset\n")
    for folder in ("ontology/", "shapes/", "data/", "sources/", "queries/", "records.schema.json", "dist/"):
        assert f"`{folder}`" in readme, folder
    for command in ("ldpub validate", "ldpub excerpts", "ldpub build", "ldpub query statements entity=chen-wu",
                    "ldpub serve", "ldpub publish --version 0.1.0", "ldpub schema --check"):
        assert command in readme, command


def test_the_shapes_reuse_named_node_shapes_through_sh_node(scaffold):
    import rdflib

    shapes = rdflib.Graph().parse(scaffold / "shapes" / "shapes.ttl")
    sh = rdflib.Namespace("http://www.w3.org/ns/shacl#")
    used = {o for o in shapes.objects(None, sh.node)}
    assert used and all(isinstance(o, rdflib.URIRef) for o in used)
    assert {str(o).rsplit("#", 1)[1] for o in used} == {"Named", "Sourced", "Excerpt"}


# ------------------------------------------------------------------ every command, as it is
@pytest.mark.parametrize("fmt", ["text", "json", "github", "junit", "sarif"])
def test_validate_conforms_in_every_format(cli, scaffold, fmt):
    out, err = ok(cli, scaffold, "validate", "--format", fmt, "--fail-on", "warning")
    if fmt == "text":
        assert "conforms: no problems (14 records" in err
    elif fmt == "json":
        assert json.loads(out)["findings"] == []
    elif fmt == "github":
        assert "::error" not in out and "::warning" not in out
    elif fmt == "junit":
        suites = ET.fromstring(out[out.index("<"):])
        assert sum(int(s.get("failures", 0)) + int(s.get("errors", 0)) for s in suites.iter("testsuite")) == 0
    else:
        assert json.loads(out)["runs"][0]["results"] == []


def test_build_writes_the_dataset(cli, scaffold, tmp_path):
    ok(cli, scaffold, "build", "--out", tmp_path, "--quiet")
    nt = (tmp_path / "dataset.nt").read_text(encoding="utf-8")
    assert f'<{BASE}riverside-garden-club#founded> <{VOCAB}edtf> "2019-21"^^<http://id.loc.gov/datatypes/edtf/EDTF> .' in nt
    assert f'<{BASE}riverside-garden-club#founded> <{VOCAB}earliest> "2019-03-01"^^<http://www.w3.org/2001/XMLSchema#date> .' in nt
    assert f"<{BASE}town-council-grant-2020> <{VOCAB}status> <{VOCAB}Denied> ." in nt
    assert f"<{BASE}ada-lind-chair> <http://www.w3.org/ns/org#member> <{BASE}ada-lind> ." in nt
    for name in ("dataset.ttl", "dataset.jsonld", "context.jsonld", "ontology.ttl", "shapes.ttl"):
        assert (tmp_path / name).is_file(), name


def test_excerpts_checks_every_quote_against_the_sample_text(cli, scaffold):
    out, _ = ok(cli, scaffold, "excerpts")
    assert "ok: 6 excerpts found verbatim in 1 source text(s)" in out
    out, _ = ok(cli, scaffold, "excerpts", "--paragraphs", scaffold / SAMPLE_TEXT)
    assert [line.split()[0] for line in out.splitlines()] == ["1", "2", "3", "4"]


def test_excerpts_fails_on_a_changed_quote(cli, scaffold_copy):
    claims = scaffold_copy / "data" / "claims.yaml"
    claims.write_text(claims.read_text(encoding="utf-8").replace("has never received", "never received"),
                      encoding="utf-8")
    code, out, err = cli("--project", scaffold_copy, "excerpts")
    assert code == 1
    assert "data/claims.yaml:" in err and "record 'chen-wu-denies-town-council-grant'" in err
    assert "quote not found verbatim in riverside-garden-club-notes.txt" in err


def test_every_named_query_is_listed(cli, scaffold):
    out, _ = ok(cli, scaffold, "query", "--list")
    assert [line.split()[0] for line in out.splitlines() if not line.startswith(" ")] == ["organizations", "statements"]
    assert "params: entity=riverside-garden-club" in out


def test_query_organizations(cli, scaffold):
    rows = query_rows(cli, scaffold, "organizations")
    assert [(r["label"], r.get("founded"), r.get("earliest"), r.get("latest")) for r in rows] == [
        ("Riverside Garden Club", "2019-21", "2019-03-01", "2019-05-31"),
        ("Town council", None, None, None),
    ]


def test_query_statements_about_the_club_by_default(cli, scaffold):
    rows = query_rows(cli, scaffold, "statements")
    assert [(r["statement"].removeprefix(BASE), r.get("date"), r.get("earliest"), r.get("latest"), r.get("status"))
            for r in rows] == [
        ("ada-lind-chair", "2019-21/2021-12", "2019-03-01", "2021-12-31", None),
        ("chen-wu-treasurer", "2019-21/..", "2019-03-01", None, None),
        ("town-council-grant-2020", "2020", "2020-01-01", "2020-12-31", VOCAB + "Denied"),
        ("ben-okafor-chair", "2021-12/..", "2021-12-01", None, None),
    ]
    assert {r["source"] for r in rows} == {BASE + "riverside-notes"}


def test_query_statements_takes_the_entity_parameter(cli, scaffold):
    rows = query_rows(cli, scaffold, "statements", "entity=chen-wu")
    assert [(r["label"], r.get("status")) for r in rows] == [
        ("Chen Wu denies that the club received a grant from the town council", VOCAB + "Reported"),
        ("Chen Wu, treasurer of the Riverside Garden Club", None),
    ]
    assert 'denied this: "The club has never received any money from the town council."' in rows[0]["quote"]


def test_publish_writes_a_release_whose_catalog_passes_dcat_ap(cli, scaffold, tmp_path):
    code, out, err = cli("--project", scaffold, "publish", "--version", "0.1.0", "--out", tmp_path / "0.1.0")
    assert code == 0, out + err
    assert "DCAT-AP 3.0.0: conforms" in out
    from ldpub.release.dcatap import check_dcat_ap

    results = check_dcat_ap((tmp_path / "0.1.0" / "catalog.ttl").read_bytes())
    assert not [r.render() for r in results if r.severity == "violation"]
    assert {(r.focus, r.path) for r in results if r.severity == "warning"} == KNOWN_DCAT_AP_WARNINGS
    assert len(err.splitlines()) == len(KNOWN_DCAT_AP_WARNINGS), err  # those, and nothing else
    import rdflib

    catalog = rdflib.Graph().parse(tmp_path / "0.1.0" / "catalog.ttl")
    dcat = rdflib.Namespace("http://www.w3.org/ns/dcat#")
    assert {str(o) for o in catalog.objects(None, dcat.startDate)} == {"2019-03-01"}
    assert {str(o) for o in catalog.objects(None, dcat.endDate)} == {"2021-12-31"}
    index = (tmp_path / "0.1.0" / "index.html").read_text(encoding="utf-8")
    for words in ("My dataset", "Riverside Garden Club", "Ada Lind", "chair", "treasurer", "2019-21/2021-12",
                  "The town council gave the Riverside Garden Club a grant in 2020"):
        assert words in index, words
    assert "pledge" not in index.lower() and "armed group" not in index.lower()
    svg = (tmp_path / "0.1.0" / "network.svg").read_text(encoding="utf-8")
    assert "Chen Wu" in svg and "membership" in svg


def test_schema_check_passes(cli, scaffold):
    assert "up to date" in ok(cli, scaffold, "schema", "--check", "records.schema.json")[1]


def test_serve_answers_entity_pages_in_the_samples_words(scaffold, tmp_path):
    import httpx

    server = start_ldpub(scaffold, tmp_path / "access.log")
    try:
        with httpx.Client(base_url=server.url, timeout=30) as http:
            seen = http.get("/my-dataset/id/chen-wu", headers={"Accept": "text/html"})
            assert seen.status_code == 303
            page = http.get(seen.headers["location"])
            assert page.status_code == 200
            assert '<h1 id="label">Chen Wu</h1>' in page.text
            assert "Chen Wu, treasurer of the Riverside Garden Club" in page.text
            assert "The club has never received any money from the town council." in page.text
            claim = http.get("/my-dataset/doc/town-council-grant-2020.html")
            assert claim.status_code == 200 and "denied" in claim.text and "2020-12-31" in claim.text
            home = http.get("/")
            assert home.status_code == 200 and "Riverside Garden Club" in home.text
    finally:
        server.stop()
    assert "warning" not in server.log.read_text(encoding="utf-8").lower()


# ------------------------------------------------------------------ the shapes check the sample's rules
@pytest.mark.parametrize("file, old, new, message", [
    pytest.param("claims.yaml", "  denies: town-council-grant-2020\n", "",
                 "status is 'denied' but no Denial says who denied it", id="denied-without-denial"),
    pytest.param("memberships.yaml", "member: ada-lind", "member: town-council",
                 "a membership needs exactly one 'member': a Person", id="member-not-a-person"),
    pytest.param("memberships.yaml", "      paragraph: 3\n      value: \"Chen Wu has kept", "      paragraph: 3\n      novalue: \"Chen Wu has kept",
                 "unknown key 'novalue'", id="unknown-key"),
    pytest.param("sources.yaml", "  sha256: 71c7", "  note: no digest\n  x-sha256: 71c7",
                 "unknown key 'x-sha256'", id="bad-key"),
    pytest.param("claims.yaml", "  status: denied\n", "", "needs exactly one 'status'", id="no-status"),
    pytest.param("organizations.yaml", '  founded: "2019-21"', '  founded: "spring 2019"',
                 "is not an EDTF date", id="date-in-words"),
])
def test_the_shapes_and_records_checks_catch_broken_samples(cli, scaffold_copy, file, old, new, message):
    path = scaffold_copy / "data" / file
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    code, out, err = cli("--project", scaffold_copy, "validate")
    assert code in (1, 2), out + err
    assert message in out + err


UNNAMED_AND_UNSOURCED = """
- id: dan-reyes
  type: Person

- id: dan-reyes-member
  type: Membership
  label: Dan Reyes, member of the Riverside Garden Club
  member: dan-reyes
  organization: riverside-garden-club
"""


def _break_named_and_sourced(project: Path) -> None:
    """A person without a label and a membership without an excerpt: only exs:Named / exs:Sourced,
    reached through sh:node, say what is wrong with them."""
    (project / "data" / "unnamed.yaml").write_text(UNNAMED_AND_UNSOURCED, encoding="utf-8")


def test_pyshacl_finds_what_the_named_node_shapes_require(scaffold_copy, tmp_path):
    """The reference implementation on the scaffold's shapes and data: the shapes say it."""
    import pyshacl
    import rdflib

    from ldpub.config import load_project
    from ldpub.pipeline import compile_project, write_build

    _break_named_and_sourced(scaffold_copy)
    write_build(compile_project(load_project(scaffold_copy), validate=False), tmp_path)
    data = rdflib.Graph().parse(tmp_path / "dataset.nt") + rdflib.Graph().parse(scaffold_copy / "ontology" / "ontology.ttl")
    conforms, report, _ = pyshacl.validate(data, shacl_graph=rdflib.Graph().parse(scaffold_copy / "shapes" / "shapes.ttl"))
    sh = rdflib.Namespace("http://www.w3.org/ns/shacl#")
    found = {(str(report.value(r, sh.focusNode)).rsplit("/", 1)[-1], str(m)) for r, m in report.subject_objects(sh.resultMessage)}
    assert not conforms
    assert {("dan-reyes", "needs exactly one 'label'"),
            ("dan-reyes-member", "a statement needs at least one 'wasDerivedFrom' excerpt ('wasQuotedFrom' a source, "
                                 "'value' its exact words)")} <= found


def test_a_record_without_label_or_excerpt_is_a_violation(cli, scaffold_copy):
    _break_named_and_sourced(scaffold_copy)
    code, out, err = cli("--project", scaffold_copy, "validate")
    assert code == 1, err
    assert "record 'dan-reyes': needs exactly one 'label'" in err
    assert "record 'dan-reyes-member': a statement needs at least one 'wasDerivedFrom' excerpt" in err


def test_a_source_text_without_its_digest_is_a_violation(cli, scaffold_copy):
    path = scaffold_copy / "data" / "sources.yaml"
    text = path.read_text(encoding="utf-8")
    path.write_text("\n".join(line for line in text.splitlines() if not line.startswith("  sha256:")) + "\n",
                    encoding="utf-8")
    code, out, err = cli("--project", scaffold_copy, "validate")
    assert code == 1 and "a source with a 'textFile' needs its 'sha256'" in err


# ------------------------------------------------------------------ CI files and safety
def test_init_ci_files_run_ldpub(tmp_path, run_cli):
    target = tmp_path / "ds"
    assert run_cli("init", str(target))[0] == 0
    workflow = yaml.safe_load((target / ".github" / "workflows" / "validate.yml").read_text())
    steps = [s.get("run", "") for s in workflow["jobs"]["validate"]["steps"]]
    assert "ldpub validate --format github" in steps and "ldpub excerpts" in steps
    hooks = yaml.safe_load((target / ".pre-commit-config.yaml").read_text())["repos"][0]
    assert hooks["repo"] == "local"
    assert [h["entry"] for h in hooks["hooks"]] == ["ldpub validate", "ldpub excerpts"]


def test_init_refuses_a_non_empty_folder(tmp_path, run_cli):
    (tmp_path / "notes.txt").write_text("mine")
    code, _, err = run_cli("init", str(tmp_path))
    assert code == 2
    assert "folder is not empty; ldpub init does not overwrite anything" in err
    assert sorted(p.name for p in tmp_path.iterdir()) == ["notes.txt"]


def test_relative_paths_resolve_against_the_project(tmp_path, run_cli, monkeypatch):
    target = tmp_path / "ds"
    run_cli("init", str(target))
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    monkeypatch.chdir(elsewhere)
    assert run_cli("--project", "../ds", "build", "--out", "out", "-q")[0] == 0
    assert (target / "out" / "dataset.ttl").is_file()
    assert run_cli("--project", "../ds", "validate", "--data", "data")[0] == 0
    assert not any(elsewhere.iterdir())
    monkeypatch.chdir(target)
    assert run_cli("validate")[0] == 0


# ------------------------------------------------------------------ ldpub init --ontology FILE...
ONTOLOGIES = Path(__file__).parent / "fixtures" / "ontologies"
#: file -> (classes it defines that get a shape and a sample, a class and a property of it to check)
THIRD_PARTY = {
    "org.ttl": (9, "http://www.w3.org/ns/org#Membership", "organization"),
    "prov-o.ttl": (30, "http://www.w3.org/ns/prov#Activity", "startedAtTime"),
    "foaf.rdf": (12, "http://xmlns.com/foaf/0.1/Person", "surname"),
    "schema-subset.ttl": (6, "https://schema.org/Event", "startDate"),
}


@pytest.fixture(scope="module", params=sorted(THIRD_PARTY))
def from_ontology(request, cli, tmp_path_factory):
    """`ldpub init --ontology FILE` on one vendored ontology: (file name, project, stderr of init)."""
    target = tmp_path_factory.mktemp("init-ontology") / "project"
    code, out, err = cli("init", target, "--ontology", ONTOLOGIES / request.param)
    assert code == 0, out + err
    return request.param, target, err


def test_init_copies_the_ontology_and_says_what_it_does_not_know(from_ontology):
    name, project, notes = from_ontology
    source = ONTOLOGIES / name
    copied = project / "ontology" / (source.stem + ".ttl")
    readme = (project / "ontology" / "README.md").read_text(encoding="utf-8")
    if name.endswith(".ttl"):
        assert copied.read_bytes() == source.read_bytes()  # byte for byte
    else:
        import rdflib
        from rdflib.compare import isomorphic

        original = rdflib.Graph().parse(source, format="xml", publicID="http://xmlns.com/foaf/0.1/")
        assert isomorphic(original, rdflib.Graph().parse(copied, format="turtle"))
        assert f"ontology/foaf.ttl: converted from foaf.rdf (RDF/XML)" in notes
    if name == "org.ttl":  # the file states its licence (PDDL); the others state none
        assert "licence unknown" not in notes and "pddl/1.0" in readme
    else:
        assert f"licence unknown: {name} states none" in notes and "**unknown**" in readme


def test_the_shapes_skeleton_has_a_named_node_shape_per_class(from_ontology):
    import rdflib

    name, project, _ = from_ontology
    classes, cls, key = THIRD_PARTY[name]
    shapes = rdflib.Graph().parse(project / "shapes" / "shapes.ttl")
    sh = rdflib.Namespace("http://www.w3.org/ns/shacl#")
    targets = {str(c): s for s, c in shapes.subject_objects(sh.targetClass)}
    assert len(targets) == classes and all(isinstance(s, rdflib.URIRef) for s in targets.values())
    paths = {str(p).rsplit("#", 1)[-1].rsplit("/", 1)[-1] for prop in shapes.objects(targets[cls], sh.property)
             for p in shapes.objects(prop, sh.path)}
    assert key in paths
    assert any(shapes.objects(None, sh.datatype)) and any(shapes.objects(None, sh["class"]))
    text = (project / "shapes" / "shapes.ttl").read_text(encoding="utf-8")
    assert "tighten: sh:minCount 1? sh:maxCount 1?" in text


def test_the_samples_conform_to_the_generated_shapes(cli, from_ontology):
    name, project, _ = from_ontology
    code, out, err = cli("--project", project, "validate", "--format", "json")
    findings = json.loads(out)["findings"]
    assert [f for f in findings if f["check"] != "ontology"] == [], err
    samples = yaml.safe_load((project / "data" / "samples.yaml").read_text(encoding="utf-8"))
    assert len(samples) == THIRD_PARTY[name][0]
    sample = next(r for r in samples if r["id"] == "sample-" + _kebab(THIRD_PARTY[name][1]))
    assert THIRD_PARTY[name][2] in sample  # the property of the class is filled in, and validates


@pytest.mark.parametrize("name", sorted(THIRD_PARTY))
def test_init_from_a_third_party_ontology(cli, tmp_path, name):
    """The imported vocabulary's own label quirks (ORG's gendered Spanish labels, PROV-O's
    unlabelled annotation properties, FOAF's shared label) are not the project's to fix:
    ``[checks] base_iris`` names the project's namespace (friction F22)."""
    project = tmp_path / "project"
    assert cli("init", project, "--ontology", ONTOLOGIES / name)[0] == 0
    code, out, err = cli("--project", project, "validate", "--fail-on", "warning")
    assert code == 0, out + err
    code, out, err = cli("--project", project, "validate", "--format", "json")
    assert code == 0 and '"check": "ontology"' not in out  # nothing at all to report on the imported terms


def test_build_query_and_schema_check_work_on_the_generated_project(cli, from_ontology, tmp_path):
    name, project, _ = from_ontology
    ok(cli, project, "build", "--out", tmp_path / "dist", "--quiet")
    ok(cli, project, "schema", "--check", "records.schema.json")
    rows = query_rows(cli, project, "records")
    classes, cls, _ = THIRD_PARTY[name]
    assert len({r["class"] for r in rows}) >= classes
    slug = "sample-" + _kebab(cls)
    assert {r["record"].rsplit("/", 1)[-1] for r in query_rows(cli, project, "records", f"class={cls}")} == {slug}


def test_several_ontologies_make_one_project(cli, tmp_path):
    project = tmp_path / "project"
    code, out, err = cli("init", project, "--ontology", ONTOLOGIES / "schema-subset.ttl", "--ontology", ONTOLOGIES / "foaf.rdf")
    assert code == 0, err
    code, out, err = cli("--project", project, "validate", "--format", "json")
    assert [f for f in json.loads(out)["findings"] if f["check"] != "ontology"] == []
    samples = yaml.safe_load((project / "data" / "samples.yaml").read_text(encoding="utf-8"))
    types = {r["id"]: r["type"] for r in samples}
    assert len(types) == 12 + 6  # one per class of each file
    # both define Person: FOAF's, the ontology whose namespace is the project's, by local name, schema.org's prefixed
    assert (types["sample-person"], types["sample-person-schema"]) == ("Person", "schema:Person")
    ok(cli, project, "build", "--out", tmp_path / "dist", "--quiet")


@pytest.mark.parametrize("file_name, content, message", [
    ("terms.txt", "x", "ldpub cannot tell the RDF syntax of 'terms.txt' from its extension"),
    ("broken.ttl", "@prefix ex: <https://example.org/> .\nex:a ex:b \n", "broken.ttl:"),
    ("broken.rdf", "<rdf:RDF xmlns:rdf='http://www.w3.org/1999/02/22-rdf-syntax-ns#'><oops", "not valid RDF/XML"),
])
def test_an_unreadable_ontology_is_a_clear_error(cli, tmp_path, file_name, content, message):
    source = tmp_path / file_name
    source.write_text(content, encoding="utf-8")
    code, out, err = cli("init", tmp_path / "project", "--ontology", source)
    assert code == 2 and "Traceback" not in err
    assert message in err
    assert not (tmp_path / "project").exists()


def _kebab(iri: str) -> str:
    import re

    local = re.split(r"[#/]", iri)[-1]
    return re.sub(r"[^a-z0-9]+", "-", re.sub(r"([a-z0-9])([A-Z])", r"\1-\2", local).lower()).strip("-")
