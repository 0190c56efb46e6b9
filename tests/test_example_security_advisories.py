"""The third example project, ``examples/security-advisories``, through every ldpub command.

It was started with ``ldpub init`` by someone who had not read ldpub's source, on input nobody
here wrote: four security advisories of the curl project and Debian's changelog of its curl
package, vendored verbatim in ``sources/``. It reuses schema.org (ClaimReview, Rating,
SoftwareApplication), PROV-O, SKOS concept schemes, FOAF and W3C ORG, and its shapes use what the
other two projects use little: a qualified value shape, sh:xone, sh:node on a blank shape,
SPARQL constraints, sh:languageIn, xsd:gYear, xsd:decimal and rdf:langString values. One claim
is contested: CVE-2020-19909, which the curl project denies, with its ClaimReview.

Every answer checked here is one the advisories give (which CVE is fixed in which release, who
reported it, when); the SHACL verdicts are compared with pySHACL's, the JSON-LD with pyld's
toRdf, the served and pushed answers with the embedded ones, on real servers on 127.0.0.1.
"""

from __future__ import annotations

import hashlib
import json
import shutil
import urllib.error
import urllib.parse
import urllib.request
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
import yaml

from _servers import oxigraph_binary, start_ldpub, start_oxigraph

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "examples" / "security-advisories"
HOME = "https://w3id.org/ldpub/dataset/security-advisories/"
BASE = HOME + "id/"
SEC = HOME + "ontology#"
XSD = "http://www.w3.org/2001/XMLSchema#"
EDTF = "http://id.loc.gov/datatypes/edtf/EDTF"
DOC = "ldpub/dataset/security-advisories/doc/"
GRAPHS = ("--graph", HOME, "--graph", HOME + "ontology")
NAMED_QUERIES = (("vulnerabilities",), ("vulnerabilities", "severity=severity-low"),
                 ("reported-between", "from=2019-07-01", "to=2023-12-31"), ("fixes", "vulnerability=cve-2024-11053"))


# ------------------------------------------------------------------ helpers and fixtures
def copy_example(target: Path) -> Path:
    shutil.copytree(EXAMPLE, target, ignore=shutil.ignore_patterns("dist", "releases", "__pycache__"))
    return target


@pytest.fixture(scope="module")
def project(tmp_path_factory) -> Path:
    """A copy of the example; commands that write use their own --out."""
    return copy_example(tmp_path_factory.mktemp("advisories") / "security-advisories")


@pytest.fixture
def fresh_copy(tmp_path) -> Path:
    return copy_example(tmp_path / "security-advisories")


def records() -> list[dict]:
    return [rec for path in sorted((EXAMPLE / "data").glob("*.yaml"))
            for rec in yaml.safe_load(path.read_text(encoding="utf-8"))]


def query_rows(cli, project: Path, *args: str) -> list[dict]:
    code, out, err = cli("--project", project, "query", *args, "-f", "json")
    assert code == 0, err
    return [{k: v["value"] for k, v in row.items()} for row in json.loads(out)["results"]["bindings"]]


def edit(project: Path, file: str, old: str, new: str) -> None:
    path = project / file
    text = path.read_text(encoding="utf-8")
    assert old in text, (file, old)
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def top_results(report_graph) -> list[tuple[str, str]]:
    """(focus node, component local name) of a pySHACL report's top-level results (sh:detail left out)."""
    import rdflib

    sh = rdflib.Namespace("http://www.w3.org/ns/shacl#")
    report = next(report_graph.subjects(rdflib.RDF.type, sh.ValidationReport))
    return sorted((str(report_graph.value(r, sh.focusNode)),
                   str(report_graph.value(r, sh.sourceConstraintComponent)).rsplit("#", 1)[-1])
                  for r in report_graph.objects(report, sh.result))


def pyshacl_results(data_files: list[Path], shapes: Path) -> tuple[bool, list[tuple[str, str]]]:
    import pyshacl
    import rdflib

    data = rdflib.Graph()
    for f in data_files:
        data.parse(f)
    conforms, graph, _ = pyshacl.validate(data, shacl_graph=rdflib.Graph().parse(shapes), advanced=True,
                                          inference="none")
    return conforms, top_results(graph)


def ldpub_results(out: str) -> list[tuple[str, str]]:
    return sorted((r["focus"].strip("<>"), r["component"].strip("<>").rsplit("#", 1)[-1])
                  for r in json.loads(out)["results"])


# ===================================================================== the data and its sources
def test_every_source_is_vendored_verbatim_with_its_sha256():
    sources = [rec for rec in records() if rec["type"] == "Source"]
    assert len(sources) == 5
    for rec in sources:
        text = (EXAMPLE / "sources" / rec["textFile"]).read_bytes()
        assert hashlib.sha256(text).hexdigest() == rec["sha256"], rec["id"]
    notice = (EXAMPLE / "sources" / "README.md").read_text(encoding="utf-8")
    assert "curl-www" in notice and "License: curl" in notice


def test_the_project_is_the_size_the_brief_asks_for():
    recs = records()
    assert len(recs) >= 20
    contested = [r for r in recs if r.get("status") == "denied"]
    assert [r["id"] for r in contested] == ["cve-2020-19909"]
    reviews = [r for r in recs if r["type"] == "ClaimReview"]
    assert reviews[0]["itemReviewed"] == "cve-2020-19909"


# ===================================================================== validate, in every format
def test_validate_conforms_without_warnings(cli, project):
    code, _, err = cli("--project", project, "validate", "--fail-on", "warning")
    assert code == 0, err
    assert "conforms: no problems (39 records, 464 triples)" in err


def _json(out: str) -> None:
    report = json.loads(out)
    assert report["conforms"] is True and report["records"] == 39


def _junit(out: str) -> None:
    suites = list(ET.fromstring(out).iter("testsuite"))
    assert {s.get("name") for s in suites} >= {"ldpub.records", "ldpub.shacl", "ldpub.ontology"}
    assert sum(int(s.get("failures")) + int(s.get("errors")) for s in suites) == 0


def _sarif(out: str) -> None:
    sarif = json.loads(out)
    assert sarif["version"] == "2.1.0" and sarif["runs"][0]["results"] == []


@pytest.mark.parametrize("fmt, check", [("json", _json), ("junit", _junit), ("github", lambda out: out == ""),
                                        ("sarif", _sarif)])
def test_validate_machine_formats(cli, project, fmt, check):
    code, out, err = cli("--project", project, "validate", "--format", fmt)
    assert code == 0, err
    assert check(out) is not False


# one copy, every constraint kind broken once: (file, old, new, message validate prints)
BROKEN = [
    ("data/vulnerabilities.yaml", 'cveYear: "2024"', 'cveYear: "2023"',  # sh:sparql with {?var} in the message
     "'cveYear' 2023 is not the year in the CVE name CVE-2024-11053"),
    ("data/vulnerabilities.yaml", "    - agent: yihang-zhou\n      creditRole: reporter\n",  # qualifiedValueShape
     "    - agent: yihang-zhou\n      creditRole: patcher\n", "needs exactly one 'credit' with creditRole: reporter"),
    ("data/vulnerabilities.yaml", "  severity: severity-high\n", "  severity: cwe-200\n",  # sh:node on a blank shape
     "'severity' is a concept of the severity-levels scheme"),
    ("data/vulnerabilities.yaml", "  status: denied\n  affects: curl\n",  # sh:xone: fixed and denied
     "  status: denied\n  fixedIn: curl-7-66-0\n  affects: curl\n", "has a 'fixedIn' release or status 'denied'"),
    ("data/vulnerabilities.yaml", 'reportedToProject: "2023-09-30"', 'reportedToProject: "2023-10-20"',  # sh:sparql
     "the 'fixedIn' release is dated before the issue was reported"),
    ("data/reviews.yaml", "  itemReviewed: cve-2020-19909\n", "",  # min count, and the denied claim's SPARQL check
     "a review needs exactly one 'itemReviewed'"),
    ("data/software.yaml", "defaultBufferKilobytes: 16", "defaultBufferKilobytes: -16",  # xsd:decimal bound
     "a positive decimal number"),
    ("data/sources.yaml", "  sha256: a327b7b3839d4b02d1e2cbf70d487ef10c35c1fc73a7d4d12d346a3a41d52bc8\n", "",  # sh:or
     "a source with a 'textFile' needs its 'sha256'"),
    ("data/software.yaml", "  distributedBy: debian\n  fixes: cve-2025-0167\n", "  distributedBy: debian\n",  # xone
     "a package version of a distribution ('distributedBy') names what it 'fixes'"),
]


def test_validate_reports_each_broken_constraint_as_pyshacl_does(cli, fresh_copy, tmp_path):
    for file, old, new, _ in BROKEN:
        edit(fresh_copy, file, old, new)
    code, _, err = cli("--project", fresh_copy, "validate")
    assert code == 1, err
    for file, _, _, message in BROKEN:
        assert message in err and file in err, message
    assert "status is 'denied' but no ClaimReview" in err
    # the same verdicts from pySHACL, on the same data (built without validation) and shapes
    data = tmp_path / "broken.nt"
    code, out, err = cli("--project", fresh_copy, "query", "--sparql", "CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }",
                         "--format", "ntriples")
    assert code == 0, err
    data.write_text(out, encoding="utf-8")
    code, out, err = cli("shacl", data, "-s", fresh_copy / "shapes" / "shapes.ttl", "-f", "json")
    assert code == 1, err
    ours = ldpub_results(out)
    conforms, theirs = pyshacl_results([data], fresh_copy / "shapes" / "shapes.ttl")
    assert conforms is False and ours == theirs and len(ours) == len(BROKEN) + 1


@pytest.mark.parametrize("file, old, new, expected", [
    ("data/vulnerabilities.yaml", 'cveYear: "2023"', 'cveYear: "23"', "xsd:gYear"),
    ("data/software.yaml", "defaultBufferKilobytes: 16", "defaultBufferKilobytes: 16kB", "xsd:decimal"),
    ("data/reviews.yaml", 'datePublished: "2023-08-26"', 'datePublished: "August 26 2023"', "xsd:date"),
])
def test_validate_refuses_a_literal_outside_its_datatype(cli, fresh_copy, file, old, new, expected):
    edit(fresh_copy, file, old, new)
    code, _, err = cli("--project", fresh_copy, "validate")
    assert code == 2, err
    assert file in err and expected in err and "Traceback" not in err


# ===================================================================== build, and the independent readers
@pytest.fixture(scope="module")
def builds(cli, project, tmp_path_factory):
    out = []
    for n in (1, 2):
        folder = tmp_path_factory.mktemp(f"advisories-dist-{n}")
        code, _, err = cli("--project", project, "build", "--out", folder, "-q")
        assert code == 0, err
        out.append(folder)
    return out


def test_build_twice_is_byte_identical(builds):
    one, two = builds
    names = sorted(p.name for p in one.iterdir())
    assert names == ["context.jsonld", "dataset.jsonld", "dataset.nt", "dataset.ttl", "ontology.ttl", "shapes.ttl"]
    for name in names:
        assert (one / name).read_bytes() == (two / name).read_bytes(), name


def test_every_file_reads_the_same_in_rdflib_pyld_and_pyshacl(builds):
    import rdflib
    from pyld import jsonld
    from rdflib.compare import isomorphic

    out = builds[0]
    nt = rdflib.Graph().parse(out / "dataset.nt", format="nt")
    assert len(nt) == 464
    assert isomorphic(nt, rdflib.Graph().parse(out / "dataset.ttl", format="turtle"))
    assert isomorphic(nt, rdflib.Graph().parse(out / "dataset.jsonld", format="json-ld"))
    context = json.loads((out / "context.jsonld").read_text(encoding="utf-8"))
    options = {"format": "application/n-quads",
               "documentLoader": lambda url, opts=None: {"contextUrl": None, "documentUrl": url, "document": context}}
    quads = jsonld.to_rdf(json.loads((out / "dataset.jsonld").read_text(encoding="utf-8")), options)
    assert isomorphic(nt, rdflib.Graph().parse(data=quads, format="nt"))
    for name in ("ontology.ttl", "shapes.ttl"):
        assert len(rdflib.Graph().parse(out / name)) > 300
    conforms, results = pyshacl_results([out / "dataset.nt", out / "ontology.ttl"], out / "shapes.ttl")
    assert conforms and results == []


def test_build_keeps_the_advisories_precision_and_datatypes(builds):
    nt = (builds[0] / "dataset.nt").read_text(encoding="utf-8")
    assert f'<{BASE}cve-2020-19909> <{SEC}cveYear> "2020"^^<{XSD}gYear>' in nt
    assert f'<{BASE}libcurl> <{SEC}defaultBufferKilobytes> "16"^^<{XSD}decimal>' in nt
    assert f'<{BASE}cve-2023-38545> <{SEC}title> "SOCKS5 heap buffer overflow"@en' in nt
    assert f'<{BASE}advisory-cve-2025-0167> <https://schema.org/datePublished> "2025-02-05"^^<{XSD}date>' in nt
    # "determined not a security vulnerability, on July 27 2019": reported on or before that day
    assert f'<{BASE}cve-2020-19909#reportedToProject> <{SEC}edtf> "../2019-07-27"^^<{EDTF}>' in nt
    assert f'<{BASE}cve-2020-19909#reportedToProject> <{SEC}latest> "2019-07-27"^^<{XSD}date>' in nt
    assert f"<{BASE}cve-2020-19909#reportedToProject> <{SEC}earliest>" not in nt
    assert f'<{BASE}cve-2023-38545#embargo> <{SEC}earliest> "2023-09-30"^^<{XSD}date>' in nt


def test_shacl_command_agrees_on_the_build(cli, builds, tmp_path):
    import rdflib

    out = builds[0]
    code, stdout, err = cli("shacl", out / "dataset.jsonld", out / "ontology.ttl", "-s", out / "shapes.ttl")
    assert code == 0 and "conforms" in stdout + err, err
    report = tmp_path / "report.ttl"
    code, _, err = cli("shacl", out / "dataset.nt", "-s", out / "shapes.ttl", "-f", "turtle", "-o", report)
    assert code == 1, err  # without the ontology, foaf:Person is no foaf:Agent: sh:class fails, as in pySHACL
    conforms, theirs = pyshacl_results([out / "dataset.nt"], out / "shapes.ttl")
    assert not conforms and top_results(rdflib.Graph().parse(report)) == theirs and len(theirs) == 9


def test_schema_is_up_to_date_and_judges_literals_as_validate_does(cli, fresh_copy):
    import jsonschema

    code, out, err = cli("--project", fresh_copy, "schema", "--check", fresh_copy / "records.schema.json")
    assert code == 0, err
    validator = jsonschema.Draft7Validator(json.loads((fresh_copy / "records.schema.json").read_text()))
    for path in sorted((fresh_copy / "data").glob("*.yaml")):
        assert list(validator.iter_errors(yaml.safe_load(path.read_text(encoding="utf-8")))) == [], path.name
    # a quoted decimal with an exponent: ldpub refuses it (xsd:decimal has none), so must the editor's schema
    edit(fresh_copy, "data/software.yaml", "defaultBufferKilobytes: 16", 'defaultBufferKilobytes: "1e3"')
    software = yaml.safe_load((fresh_copy / "data" / "software.yaml").read_text(encoding="utf-8"))
    assert [e.instance for e in validator.iter_errors(software)] == ["1e3"]
    code, _, err = cli("--project", fresh_copy, "validate")
    assert code == 2 and "without exponent (xsd:decimal), got '1e3'" in err


# ===================================================================== excerpts
def test_excerpts_are_verbatim(cli, project):
    code, out, err = cli("--project", project, "excerpts")
    assert code == 0, err
    assert "ok: 44 excerpts found verbatim in 5 source text(s)" in out


def test_a_quote_across_a_line_end_says_how_to_write_it(cli, fresh_copy):
    """Advisories are hard-wrapped: a quote copied as one sentence has a space where the text breaks the line."""
    edit(fresh_copy, "data/vulnerabilities.yaml", "due to\\nincompetence", "due to incompetence")
    code, _, err = cli("--project", fresh_copy, "excerpts")
    assert code == 1
    assert "data/vulnerabilities.yaml" in err and "'cve-2020-19909'" in err
    assert "U+0020 SPACE where the text has U+000A LINE FEED (a line break)" in err
    assert "write it as \\n in a double-quoted YAML value" in err


def test_a_text_with_windows_line_ends_is_quoted_and_numbered_alike(cli, fresh_copy):
    """CR LF line ends (a text saved on Windows): quotes write \\n, and the paragraph check numbers
    the paragraphs as `--paragraphs` lists them."""
    text = fresh_copy / "sources" / "CVE-2020-19909.md"
    old_digest = hashlib.sha256(text.read_bytes()).hexdigest()
    text.write_bytes(text.read_bytes().replace(b"\n", b"\r\n"))
    edit(fresh_copy, "data/sources.yaml", old_digest, hashlib.sha256(text.read_bytes()).hexdigest())
    code, out, err = cli("--project", fresh_copy, "excerpts")
    assert code == 0, err
    assert "ok: 44 excerpts found verbatim in 5 source text(s)" in out
    code, out, err = cli("--project", fresh_copy, "excerpts", "--paragraphs", text)
    assert code == 0 and out.splitlines()[3].startswith("  4  It does not affect any version."), out


def test_paragraphs_of_a_hard_wrapped_text_are_one_line_each(cli, project):
    code, out, err = cli("--project", project, "excerpts", "--paragraphs", project / "sources" / "CVE-2020-19909.md")
    assert code == 0, err
    lines = out.splitlines()
    assert len(lines) == 6 and [line.split()[0] for line in lines] == ["1", "2", "3", "4", "5", "6"]
    assert lines[1] == "  2  This CVE was filed on August 22 2023. Its existence was reported to us on August 25."


# ===================================================================== named queries: the advisories' answers
def test_named_queries_are_listed(cli, project):
    code, out, err = cli("--project", project, "query", "--list")
    assert code == 0, err
    assert "[severity=<iri>]" in out and "vulnerability=cve-2023-38545" in out and "from=2019-01-01" in out


def test_query_vulnerabilities(cli, project):
    rows = query_rows(cli, project, "vulnerabilities")
    assert [(r["cve"], r["status"], r.get("severityLabel"), r.get("fixedIn")) for r in rows] == [
        ("CVE-2020-19909", "denied", None, None), ("CVE-2023-38545", "confirmed", "High", "8.4.0"),
        ("CVE-2024-11053", "confirmed", "Low", "8.11.1"), ("CVE-2025-0167", "confirmed", "Low", "8.12.0")]
    low = query_rows(cli, project, "vulnerabilities", "severity=severity-low")
    assert [r["cve"] for r in low] == ["CVE-2024-11053", "CVE-2025-0167"]


def test_query_reported_between_is_honest_about_open_dates(cli, project):
    rows = query_rows(cli, project, "reported-between", "from=2019-07-01", "to=2023-12-31")
    assert [(r["cve"], r["fit"]) for r in rows] == [("CVE-2020-19909", "overlaps"), ("CVE-2023-38545", "within")]


def test_query_fixes_upstream_and_in_debian(cli, project):
    rows = query_rows(cli, project, "fixes", "vulnerability=cve-2024-11053")
    assert [(r["version"], r["kind"], r.get("distribution")) for r in rows] == [
        ("8.11.1", "upstream", None), ("7.88.1-10+deb12u10", "package", "Debian")]


def test_query_sparql_and_a_misspelt_record(cli, project):
    rows = query_rows(cli, project, "--sparql", "SELECT ?by WHERE { ?r schema:itemReviewed d:cve-2020-19909 ; "
                                                "schema:author/skos:prefLabel ?by }")
    assert rows == [{"by": "the curl project"}]
    code, _, err = cli("--project", project, "query", "fixes", "vulnerability=cve-2023-3854")
    assert code == 2 and "no record 'cve-2023-3854'" in err and "cve-2023-38545" in err


# ===================================================================== exports
def test_exports(cli, project, tmp_path):
    import rdflib

    code, _, err = cli("--project", project, "export", "nanopub", "-o", tmp_path / "np.trig")
    assert code == 0, err
    nanopubs = rdflib.Dataset()
    nanopubs.parse(tmp_path / "np.trig", format="trig")
    assert len(list(nanopubs.graphs())) > 40
    code, _, err = cli("--project", project, "export", "rdf12", "-o", tmp_path / "d.ttl")
    assert code == 0, err
    assert len(rdflib.Graph().parse(tmp_path / "d.ttl")) == 464
    # no record here has an event code: the CSV layouts are empty, and say why
    code, _, err = cli("--project", project, "export", "ucdp", "-o", tmp_path / "ged.csv")
    assert code == 0, err
    assert "wrote 0 row(s)" in err and "warning: the ucdp export has no rows" in err and "docs/exports.md" in err
    assert len((tmp_path / "ged.csv").read_text(encoding="utf-8").splitlines()) == 1


# ===================================================================== publish twice, diff
def test_publish_two_versions_and_diff(cli, fresh_copy, tmp_path):
    import rdflib

    releases = tmp_path / "releases"
    code, out, err = cli("--project", fresh_copy, "publish", "--version", "0.1.0", "--out", releases / "0.1.0")
    assert code == 0, err
    assert "DCAT-AP 3.0.0: conforms" in out + err
    first = releases / "0.1.0"
    for line in (first / "SHA256SUMS").read_text().splitlines():
        digest, name = line.split("  ", 1)
        assert hashlib.sha256((first / name).read_bytes()).hexdigest() == digest, name
    edit(fresh_copy, "data/software.yaml", "  label: libcurl\n", "  label: libcurl\n  description: The curl library.\n")
    edit(fresh_copy, "ldpub.toml", "modified = 2026-11-25", "modified = 2026-11-26")
    code, out, err = cli("--project", fresh_copy, "publish", "--version", "0.2.0", "--out", releases / "0.2.0")
    assert code == 0, err
    assert "changes since 0.1.0: 0 added, 1 changed, 0 removed entities" in out + err
    catalog = rdflib.Graph().parse(releases / "0.2.0" / "catalog.ttl")
    dcat = rdflib.Namespace("http://www.w3.org/ns/dcat#")
    assert len(set(catalog.objects(None, dcat.previousVersion))) == 1
    code, out, err = cli("diff", first, releases / "0.2.0", "--format", "json")
    assert code == 0, err
    assert [e["entity"] for e in json.loads(out)["entities"]] == [BASE + "libcurl"]
    # the same version again: nothing written; another version's files under an old number: refused
    code, out, err = cli("--project", fresh_copy, "publish", "--version", "0.2.0", "--out", releases / "0.2.0")
    assert code == 0 and "already published with exactly these files" in out + err
    code, out, err = cli("--project", fresh_copy, "publish", "--version", "0.1.0", "--out", first)
    assert code == 2 and "already published, with other files" in err


def framed_records(folder: Path) -> dict[str, dict]:
    from test_jsonld_web import _check_framed  # pyld's frame gives the same objects, and every triple

    _check_framed(folder)
    return {r["id"]: r for r in json.loads((folder / "dataset.framed.jsonld").read_text(encoding="utf-8"))["@graph"]}


def test_framed_release_embeds_each_records_excerpts_and_dates(cli, project, tmp_path):
    code, _, err = cli("--project", project, "publish", "--version", "0.1.0", "--out", tmp_path / "0.1.0", "-q")
    assert code == 0, err
    records = framed_records(tmp_path / "0.1.0")
    review = records["d:curl-dismissal-cve-2020-19909"]
    assert {e["value"] for e in review["wasDerivedFrom"]} == {
        "Project curl Security Dismissal, August 26 2023 -",
        "determined **not a security\nvulnerability**, on July 27 2019.",
        "It does not affect any version. It is not a security problem. It was a bug"}
    assert review["itemReviewed"] == {"id": "d:cve-2020-19909", "type": "Vulnerability",
                                      "label": "CVE-2020-19909, a vulnerability in curl claimed by an anonymous filer"}
    assert records["d:cve-2020-19909"]["reportedToProject"] == {"id": "d:cve-2020-19909#reportedToProject",
                                                               "type": "FuzzyTime", "edtf": "../2019-07-27",
                                                               "latest": "2019-07-27"}
    assert not [i for i, r in records.items() if r["type"] == "Entity"]  # no excerpt left at the top level


def test_a_new_projects_framed_release_embeds_its_excerpts(cli, tmp_path):
    """The ontology `ldpub init` writes gives prov:value PROV-O's domain, prov:Entity: excerpts are parts."""
    code, _, err = cli("init", tmp_path / "new", "--title", "New")
    assert code == 0, err
    code, _, err = cli("--project", tmp_path / "new", "publish", "--version", "0.1.0", "--out", tmp_path / "0.1.0",
                       "-q")
    assert code == 0, err
    claim = framed_records(tmp_path / "0.1.0")["d:town-council-grant-2020"]
    assert claim["wasDerivedFrom"]["value"].startswith("A neighbourhood newsletter reported in 2022")


# ===================================================================== serve: a real server
def fetch(url: str, accept: str | None = None, data: bytes | None = None) -> tuple[int, dict, bytes]:
    class NoRedirect(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *args, **kwargs):
            return None

    request = urllib.request.Request(url, data=data, headers={"Accept": accept} if accept else {})
    try:
        with urllib.request.build_opener(NoRedirect).open(request, timeout=30) as answer:
            return answer.status, dict(answer.headers), answer.read()
    except urllib.error.HTTPError as answer:
        return answer.code, dict(answer.headers), answer.read()


@pytest.fixture(scope="module")
def server(project, builds, tmp_path_factory):
    served = tmp_path_factory.mktemp("advisories-serve") / "security-advisories"
    copy_example(served)
    (served / "ldpub.toml").write_text((served / "ldpub.toml").read_text(encoding="utf-8")
                                       + "\n[serve]\nworkers = 1\n", encoding="utf-8")
    srv = start_ldpub(served, served.parent / "access.log", "--from", str(builds[0]))
    yield srv
    srv.stop()


def test_served_pages_negotiate_and_answer_sparql(server):
    import rdflib

    status, _, body = fetch(server.url)
    assert status == 200 and b"curl security advisories" in body
    status, headers, _ = fetch(f"{server.url}ldpub/dataset/security-advisories/id/cve-2020-19909", "text/turtle")
    assert status == 303 and headers["location"].endswith(DOC + "cve-2020-19909.ttl")
    status, _, body = fetch(f"{server.url}{DOC}cve-2020-19909", "text/turtle")
    graph = rdflib.Graph().parse(data=body.decode("utf-8"), format="turtle")
    review = rdflib.URIRef(BASE + "curl-dismissal-cve-2020-19909")
    assert status == 200 and (review, rdflib.URIRef("https://schema.org/itemReviewed"),
                              rdflib.URIRef(BASE + "cve-2020-19909")) in graph
    status, headers, body = fetch(f"{server.url}{DOC}cve-2020-19909", "application/ld+json")
    assert status == 200 and "json" in headers["content-type"] and json.loads(body)["@graph"]
    status, _, body = fetch(f"{server.url}{DOC}cve-2020-19909.html")
    page = body.decode("utf-8")
    assert status == 200 and "denied" in page and "../2019-07-27" in page and "Bogus report filed by anonymous" in page
    assert fetch(f"{server.url}{DOC}cve-2020-19909", "image/png")[0] == 406
    query = urllib.parse.urlencode({"query": "SELECT ?cve WHERE { ?v sec:cveId ?cve } ORDER BY ?cve"})
    status, _, body = fetch(f"{server.url}sparql?{query}", "application/sparql-results+json")
    assert status == 200
    assert [b["cve"]["value"] for b in json.loads(body)["results"]["bindings"]] == [
        "CVE-2020-19909", "CVE-2023-38545", "CVE-2024-11053", "CVE-2025-0167"]
    assert fetch(f"{server.url}sparql", data=b"update=DROP%20ALL")[0] == 403


def test_served_endpoint_answers_every_named_query_as_embedded(cli, project, server):
    for args in NAMED_QUERIES:
        assert query_rows(cli, project, *args, "--endpoint", server.url + "sparql") == query_rows(cli, project, *args)


# ===================================================================== push to a real Oxigraph
@pytest.fixture
def oxigraph(tmp_path):
    if oxigraph_binary() is None:
        pytest.skip("oxigraph server not installed (pip install oxigraph)")
    server = start_oxigraph(tmp_path / "db")
    yield server.url
    server.stop()


def test_push_then_query_oxigraph_for_the_same_answers(cli, project, builds, oxigraph):
    code, out, err = cli("--project", project, "push", "--from", builds[0], "--endpoint", oxigraph + "store",
                         "--update-endpoint", oxigraph + "update", "--query-endpoint", oxigraph + "query")
    assert code == 0, err
    assert "464 triples from dataset.nt" in out + err
    for args in NAMED_QUERIES:
        remote = query_rows(cli, project, *args, "--endpoint", oxigraph + "query", *GRAPHS)
        assert remote == query_rows(cli, project, *args), args
