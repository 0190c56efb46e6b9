"""`ldpub publish`: a release folder an open-data portal can ingest as it is.

The release of the repository's dataset is built once per module; tests that break the
project work on a copy (`project_copy`).
"""

from __future__ import annotations

import hashlib
import re
import shutil
import subprocess
from pathlib import Path

import pytest

EXPECTED_FILES = {
    "dataset.ttl", "dataset.nt", "dataset.jsonld", "context.jsonld", "ontology.ttl", "ontology.rdf", "shapes.ttl",
    "void.ttl", "prov.ttl", "CHANGELOG.md", "ontology.html", "network.svg", "catalog.ttl", "catalog.jsonld",
    "index.html", "SHA256SUMS", "dataset.framed.jsonld", "frame.jsonld",
}
DATA_FILES = {"dataset.ttl", "dataset.nt", "dataset.jsonld", "dataset.framed.jsonld"}
RELEASE_ENV = {"SOURCE_DATE_EPOCH": "1795564800"}  # 2026-11-25T00:00:00Z
DCAT = "http://www.w3.org/ns/dcat#"
SPDX = "http://spdx.org/rdf/terms#"
VOID = "http://rdfs.org/ns/void#"
AG = "https://w3id.org/ldpub/ontology/armed-groups#"


@pytest.fixture(scope="module")
def release(tmp_path_factory, built):
    """The repository's dataset (the session build) released as 1.0.0 and checked against DCAT-AP.

    The CLI tests below run the whole `ldpub publish` (build, validation, check, write) and
    compare their output with this release byte for byte.
    """
    from ldpub.output import write_files
    from ldpub.release import build_release
    from ldpub.release.dcatap import check_dcat_ap
    from ldpub.release.settings import load_publish_settings

    build, _ = built
    out = tmp_path_factory.mktemp("releases") / "1.0.0"
    rel = build_release(build, "1.0.0", load_publish_settings(build.project, env=RELEASE_ENV))
    rel.dcat_ap = check_dcat_ap(rel.files["catalog.ttl"])
    write_files(out, rel.files)
    return out, rel, build


def graph(path: Path, fmt: str | None = None):
    import rdflib

    return rdflib.Graph().parse(path, format=fmt or {"ttl": "turtle", "jsonld": "json-ld", "nt": "nt"}[path.suffix[1:]])


def test_release_folder_has_every_file(release):
    out, rel, _ = release
    assert {p.name for p in out.iterdir()} == EXPECTED_FILES


def test_sha256sums_lists_every_other_file_with_its_hash(release):
    out, _, _ = release
    lines = (out / "SHA256SUMS").read_text().splitlines()
    sums = dict(reversed(line.split("  ", 1)) for line in lines)
    assert set(sums) == EXPECTED_FILES - {"SHA256SUMS"}
    for name, digest in sums.items():
        assert hashlib.sha256((out / name).read_bytes()).hexdigest() == digest, name


def test_dataset_ntriples_are_sorted_for_line_diffs(release):
    out, _, _ = release
    lines = (out / "dataset.nt").read_text().splitlines()
    assert lines == sorted(lines) and len(lines) == len(set(lines))


def test_ontology_rdfxml_is_the_same_graph_as_turtle(release):
    from rdflib.compare import isomorphic

    out, _, _ = release
    assert isomorphic(graph(out / "ontology.ttl"), graph(out / "ontology.rdf", "xml"))


# ----------------------------------------------------------------------------- DCAT-AP catalog
# Known results of the official DCAT-AP 3.0.0 shapes on our catalog. Explicit lists, each entry
# explained; the test fails when a result appears or disappears, so the lists stay true.
KNOWN_VIOLATIONS: set[tuple[str, str]] = set()  # shapes.ttl + range.ttl: none
KNOWN_WARNINGS = {
    # shapes_recommended.ttl wants a bounding box and a centroid for every dct:Location. Our spatial
    # coverage is the EU country authority IRI for Afghanistan; the source gives no geometry and
    # we do not invent one.
    ("http://publications.europa.eu/resource/authority/country/AFG", "dcat:bbox"),
    ("http://publications.europa.eu/resource/authority/country/AFG", "dcat:centroid"),
    # recommended dct:type of the publisher (ADMS publisher type): the ldpub maintainers are none
    # of the listed kinds of body with certainty, so we state nothing.
    ("https://w3id.org/ldpub/dataset/taliban-al-qaeda/#publisher", "dct:type"),
    # the version-independent dataset (DCAT 3 versioning) has no distribution of its own: its
    # files are those of each release (dcat:hasVersion), which has them all.
    ("https://w3id.org/ldpub/dataset/taliban-al-qaeda/#dataset", "dcat:distribution"),
}


def test_catalog_conforms_to_official_dcat_ap_3_shapes(release):
    """shapes.ttl + range.ttl as violations, shapes_recommended.ttl as warnings (vendored, CC BY 4.0)."""
    from ldpub.release.dcatap import check_dcat_ap

    out, _, _ = release
    results = check_dcat_ap((out / "catalog.ttl").read_bytes())
    violations = {(r.focus, r.path) for r in results if r.severity == "violation"}
    warnings = {(r.focus, r.path) for r in results if r.severity == "warning"}
    assert violations == KNOWN_VIOLATIONS, [r.render() for r in results if r.severity == "violation"]
    assert warnings == KNOWN_WARNINGS, [r.render() for r in results if r.severity == "warning"]


def test_dcat_ap_check_is_not_vacuous(release):
    """The same check reports a catalog whose publisher lost its name and a distribution its URL."""
    import rdflib

    from ldpub.release.dcatap import check_dcat_ap

    out, _, _ = release
    g = graph(out / "catalog.ttl")
    g.remove((None, rdflib.URIRef("http://xmlns.com/foaf/0.1/name"), None))
    g.remove((None, rdflib.URIRef(DCAT + "accessURL"), None))
    results = check_dcat_ap(g.serialize(format="turtle").encode())
    paths = {r.path for r in results if r.severity == "violation"}
    assert {"foaf:name", "dcat:accessURL"} <= paths


def _pyshacl_results(catalog: bytes) -> set[tuple[str, str, str]]:
    """(severity, focus, path) of pySHACL, the reference implementation, on the unchanged shapes."""
    import rdflib
    from pyshacl import validate

    from ldpub.release.dcatap import MANDATORY, RECOMMENDED, SHAPES_DIR

    data = rdflib.Graph().parse(data=catalog, format="turtle")
    SH = rdflib.Namespace("http://www.w3.org/ns/shacl#")
    found = set()
    for names, severity in ((MANDATORY, "violation"), (RECOMMENDED, "warning")):
        for name in names:
            shapes = rdflib.Graph().parse(SHAPES_DIR / name, format="turtle")
            _, report, _ = validate(data, shacl_graph=shapes, inference="none", allow_warnings=True)
            for result in report.subjects(rdflib.RDF.type, SH.ValidationResult):
                path = report.value(result, SH.resultPath)
                found.add((severity, str(report.value(result, SH.focusNode)),
                           data.namespace_manager.normalizeUri(path) if path else ""))
    return found


BREAKAGES = {  # name -> (triples to remove (s, p, o), triples to add), N-Triples-ish tuples of rdflib terms
    "as published": ((), ()),
    "no publisher name, no access URL": ((("*", "http://xmlns.com/foaf/0.1/name", "*"), ("*", DCAT + "accessURL", "*")), ()),
    "series without title": ((("https://w3id.org/ldpub/dataset/taliban-al-qaeda/#dataset", "http://purl.org/dc/terms/title", "*"),), ()),
    "two publishers": ((), (("https://w3id.org/ldpub/dataset/taliban-al-qaeda/releases/1.0.0/#dataset",
                             "http://purl.org/dc/terms/publisher", "https://example.org/other-agent"),)),
    "theme not a concept": ((("http://publications.europa.eu/resource/authority/data-theme/INTR",
                              "http://www.w3.org/1999/02/22-rdf-syntax-ns#type", "*"),), ()),
}


@pytest.mark.parametrize("breakage", sorted(BREAKAGES))
def test_dcat_ap_check_agrees_with_pyshacl(release, breakage):
    """ldpub's engine and pySHACL give the same results, on the catalog and on broken copies of it."""
    import rdflib

    from ldpub.release.dcatap import check_dcat_ap

    out, _, _ = release
    g = graph(out / "catalog.ttl")
    remove, add = BREAKAGES[breakage]
    term = lambda t: None if t == "*" else rdflib.URIRef(t)  # noqa: E731
    for s_, p_, o_ in remove:
        g.remove((term(s_), term(p_), term(o_)))
    for s_, p_, o_ in add:
        g.add((rdflib.URIRef(s_), rdflib.URIRef(p_), rdflib.URIRef(o_)))
    catalog = g.serialize(format="turtle").encode()
    ours = {(r.severity, r.focus, r.path) for r in check_dcat_ap(catalog)}
    assert ours == _pyshacl_results(catalog)
    if breakage != "as published":
        assert any(severity == "violation" for severity, _, _ in ours)


def test_dcat_ap_dates_are_checked_as_the_profile_means(release):
    """The one difference from pySHACL: DCAT-AP 3.0.0 names its date shape with sh:shape (no SHACL
    term, ignored by pySHACL); ldpub reads it as sh:node, so a date that is no date is reported."""
    import rdflib

    from ldpub.release.dcatap import check_dcat_ap

    out, rel, _ = release
    g = graph(out / "catalog.ttl")
    dataset = rdflib.URIRef(rel.settings.dataset_iri("1.0.0"))
    DCT = rdflib.Namespace("http://purl.org/dc/terms/")
    g.set((dataset, DCT.issued, rdflib.Literal("last spring")))
    catalog = g.serialize(format="turtle").encode()
    ours = {(r.severity, r.focus, r.path) for r in check_dcat_ap(catalog)}
    assert ours - _pyshacl_results(catalog) == {("violation", str(dataset), "dct:issued")}


def test_vendored_dcat_ap_shapes_are_unchanged_and_attributed(repo_root):
    from ldpub.release.dcatap import SHAPES_DIR

    notice = (SHAPES_DIR / "NOTICE.md").read_text()
    assert "CC BY 4.0" in notice and "European Union" in notice
    reference = repo_root.parent / "shared" / "reference" / "dcat-ap-3.0.0"
    if not reference.is_dir():
        pytest.skip("../shared/reference/dcat-ap-3.0.0 not present: cannot compare with the original")
    for name in ("shapes.ttl", "range.ttl", "shapes_recommended.ttl"):
        assert (SHAPES_DIR / name).read_bytes() == (reference / name).read_bytes(), name


def test_turtle_and_jsonld_catalogs_are_isomorphic(release):
    from rdflib.compare import isomorphic

    out, _, _ = release
    ttl, jsonld = graph(out / "catalog.ttl"), graph(out / "catalog.jsonld")
    assert len(ttl) > 100
    assert isomorphic(ttl, jsonld)


def test_every_distribution_has_true_size_checksum_and_urls(release):
    import rdflib

    out, rel, _ = release
    g = graph(out / "catalog.ttl")
    base = rel.settings.release_url("1.0.0")
    D = rdflib.Namespace(DCAT)
    S = rdflib.Namespace(SPDX)
    described = set()
    for dist in g.subjects(rdflib.RDF.type, D.Distribution):
        url = str(g.value(dist, D.downloadURL))
        assert url.startswith(base) and str(g.value(dist, D.accessURL)) == url
        name = url[len(base):]
        data = (out / name).read_bytes()
        assert int(g.value(dist, D.byteSize)) == len(data), name
        checksum = g.value(dist, S.checksum)
        assert g.value(checksum, S.algorithm) == S.checksumAlgorithm_sha256
        assert str(g.value(checksum, S.checksumValue)) == hashlib.sha256(data).hexdigest(), name
        assert str(g.value(dist, D.mediaType)).startswith("https://www.iana.org/assignments/media-types/")
        described.add(name)
    # the distributions are the data; schemas, descriptions and pages are named for what they are
    assert described == DATA_FILES


def test_catalog_temporal_coverage_comes_from_the_data(release):
    import rdflib

    out, _, build = release
    g = graph(out / "catalog.ttl")
    D = rdflib.Namespace(DCAT)
    earliest = [t.object.value for t in build.triples if t.predicate.value == AG + "earliest"]
    latest = [t.object.value for t in build.triples if t.predicate.value == AG + "latest"]
    period = next(g.objects(None, rdflib.URIRef("http://purl.org/dc/terms/temporal")))
    assert str(g.value(period, D.startDate)) == min(earliest)
    assert str(g.value(period, D.endDate)) == max(latest)
    dataset = rdflib.URIRef("https://w3id.org/ldpub/dataset/taliban-al-qaeda/releases/1.0.0/#dataset")
    assert str(g.value(dataset, D.version)) == "1.0.0"
    assert (dataset, rdflib.URIRef("http://purl.org/dc/terms/temporal"), period) in g


def test_void_counts_match_the_dataset(release):
    import rdflib

    out, _, build = release
    g = graph(out / "void.ttl")
    V = rdflib.Namespace(VOID)
    dataset = next(g.subjects(rdflib.RDF.type, V.Dataset))
    nt_lines = (out / "dataset.nt").read_text().splitlines()
    assert int(g.value(dataset, V.triples)) == len(nt_lines)
    assert int(g.value(dataset, V.distinctSubjects)) == len({line.split(" ", 1)[0] for line in nt_lines})
    partitions = {str(g.value(p, V["class"])): int(g.value(p, V.entities)) for p in g.objects(dataset, V.classPartition)}
    persons = {t.subject.value for t in build.triples if t.object.value == AG + "Person"}
    assert partitions[AG + "Person"] == len(persons)
    props = {str(g.value(p, V.property)): int(g.value(p, V.triples)) for p in g.objects(dataset, V.propertyPartition)}
    assert sum(props.values()) == len(nt_lines)
    assert rdflib.URIRef(AG) in set(g.objects(dataset, V.vocabulary))
    assert len(list(g.objects(dataset, V.exampleResource))) == 3


def test_void_names_the_sparql_endpoint_when_configured(release):
    from dataclasses import replace

    from ldpub.release import build_release

    _, rel, build = release
    assert "void:sparqlEndpoint" not in rel.files["void.ttl"].decode()
    settings = replace(rel.settings, sparql_endpoint="https://query.example.org/sparql")
    files = build_release(build, "1.0.0", settings).files
    assert "void:sparqlEndpoint <https://query.example.org/sparql>" in files["void.ttl"].decode()
    assert "https://query.example.org/sparql" in files["index.html"].decode()


def test_prov_records_when_and_input_hashes(release, repo_root):
    import rdflib

    out, _, _ = release
    g = graph(out / "prov.ttl")
    P = rdflib.Namespace("http://www.w3.org/ns/prov#")
    activity = next(g.subjects(rdflib.RDF.type, P.Activity))
    assert str(g.value(activity, P.endedAtTime)).startswith("2026-11-25T")
    from ldpub import __version__

    software = [a for a in g.objects(activity, P.wasAssociatedWith) if (a, rdflib.RDF.type, P.SoftwareAgent) in g]
    assert [str(g.value(a, rdflib.URIRef("https://schema.org/softwareVersion"))) for a in software] == [__version__]
    hashes = {}
    for entity in g.objects(activity, P.used):
        checksum = g.value(entity, rdflib.URIRef(SPDX + "checksum"))
        hashes[str(g.value(entity, rdflib.RDFS.label))] = str(g.value(checksum, rdflib.URIRef(SPDX + "checksumValue")))
    for path in sorted((repo_root / "data").glob("*.yaml")) + [repo_root / "ldpub.toml"]:
        name = path.relative_to(repo_root).as_posix()
        assert hashes[name] == hashlib.sha256(path.read_bytes()).hexdigest(), name


def test_ontology_page_documents_every_class_and_property(release):
    out, _, build = release
    html = (out / "ontology.html").read_text()
    for term in [*build.vocab.classes.values(), *build.vocab.properties.values()]:
        anchor = build.vocab.curie(term.iri).replace(":", "-")
        assert f'id="{anchor}"' in html, term.iri
    assert "Example subject" in html  # examples of use from the data


def test_network_picture_has_the_pledges_and_positions(release):
    out, _, _ = release
    svg = (out / "network.svg").read_text()
    assert svg.count('class="edge edge-pledge"') >= 3
    assert 'class="edge edge-tenure"' in svg  # edge kinds are named after the ontology's link classes
    assert "Ayman al-Zawahiri" in svg and "Haibatullah Akhundzada" in svg


def test_first_release_changelog(release):
    out, _, _ = release
    log = (out / "CHANGELOG.md").read_text()
    assert log.startswith("# Changelog of ") and "## 1.0.0 (2026-11-25)" in log and "First release" in log


# ----------------------------------------------------------------------------- landing page
ARTIFACTS = Path(__file__).resolve().parent / "artifacts"
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser") or shutil.which("google-chrome")


def _chromium(profile: Path, *args: str) -> subprocess.CompletedProcess:
    flags = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
             "--disable-background-networking", "--disable-component-update", "--disable-sync",
             "--hide-scrollbars", f"--user-data-dir={profile}"]
    return subprocess.run([CHROMIUM, *flags, *args], capture_output=True, text=True, timeout=90)


@pytest.mark.skipif(CHROMIUM is None, reason="chromium not installed (CI installs Debian's chromium: see .ci/run)")
def test_landing_page_renders_network_and_links_in_chromium(release, tmp_path):
    """Debian's chromium, headless: the page renders, shows the network picture and links every file."""
    out, _, _ = release
    page = (out / "index.html").as_uri()

    dom = _chromium(tmp_path / "profile-dom", "--dump-dom", page)
    assert dom.returncode == 0, dom.stderr[-2000:]
    html = dom.stdout
    assert "<h1>" in html and "The Taliban and al-Qaeda" in html
    svg = re.search(r'<svg[^>]*class="network".*?</svg>', html, re.S)
    assert svg, "the network picture is not in the rendered page"
    nodes = re.findall(r'<g class="node node-', svg.group(0))
    edges = re.findall(r'<path class="edge edge-', svg.group(0))
    assert len(nodes) >= 5 and len(edges) >= 5
    links = set(re.findall(r'href="([^"#:]+)"', html))
    every_file = {p.name for p in out.iterdir()} - {"index.html"}
    assert every_file <= links, every_file - links
    assert 'class="timeline"' in html

    ARTIFACTS.mkdir(exist_ok=True)
    shot = ARTIFACTS / "landing-page.png"
    shot.unlink(missing_ok=True)
    run = _chromium(tmp_path / "profile-shot", f"--screenshot={shot}", "--window-size=1280,2200", page)
    assert run.returncode == 0, run.stderr[-2000:]
    data = shot.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n" and len(data) > 50_000  # a real, non-blank picture


# ----------------------------------------------------------------------------- CLI
def _files(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir())}


def test_two_publishes_of_the_same_input_are_byte_identical(release, project_copy, run_cli):
    """A second publish of the same input and version, from another folder, by the CLI."""
    first, _, _ = release
    code, out, err = run_cli("--project", str(project_copy), "publish", "--version", "1.0.0",
                             "--out", str(project_copy / "again" / "1.0.0"))
    assert code == 0, err
    assert "published 1.0.0" in out and "DCAT-AP 3.0.0: conforms" in out
    assert _files(project_copy / "again" / "1.0.0") == _files(first)


def test_dates_from_source_date_epoch_when_not_configured(built, project_copy):
    from dataclasses import replace

    from ldpub.config import load_project
    from ldpub.release import build_release
    from ldpub.release.settings import load_publish_settings

    toml = project_copy / "ldpub.toml"
    toml.write_text(re.sub(r"(?m)^(issued|modified) = .*\n", "", toml.read_text()))
    settings = load_publish_settings(load_project(project_copy), env={"SOURCE_DATE_EPOCH": "1700000000"})
    assert settings.modified.isoformat() == "2023-11-14"  # 1700000000 = 2023-11-14T22:13:20Z
    assert settings.issued is None and settings.date_source == "SOURCE_DATE_EPOCH"
    build, _ = built
    files = build_release(replace(build, project=load_project(project_copy)), "3.0.0", settings).files
    assert '"2023-11-14"^^xsd:date' in files["catalog.ttl"].decode()
    assert '"2023-11-14T22:13:20Z"^^xsd:dateTime' in files["prov.ttl"].decode()
    again = build_release(replace(build, project=load_project(project_copy)), "3.0.0", settings).files
    assert again == files


def test_missing_mandatory_settings_are_one_clear_error_and_nothing_is_written(project_copy, run_cli, monkeypatch):
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    toml = project_copy / "ldpub.toml"
    toml.write_text(re.sub(r"(?m)^(contact_email|issued|modified) = .*\n", "", toml.read_text()))
    code, out, err = run_cli("--project", str(project_copy), "publish", "--version", "1.0.0")
    assert code == 2
    assert f"{toml}: missing [publish] contact_email (add under [publish]: contact_email = " in err
    assert ("no date for this release: [publish] has no modified (nor issued), SOURCE_DATE_EPOCH is not set, "
            "and the inputs are in no git commit") in err
    assert "Traceback" not in err
    assert not (project_copy / "releases").exists()


def test_project_without_publish_table_names_every_setting(project_copy, run_cli):
    toml = project_copy / "ldpub.toml"
    toml.write_text(toml.read_text().split("[publish]")[0])
    code, _, err = run_cli("--project", str(project_copy), "publish", "--version", "1.0.0")
    assert code == 2
    for key in ("base_url", "description", "publisher", "contact_email", "license"):
        assert f"missing [publish] {key}" in err
    assert not (project_copy / "releases").exists()


def test_malformed_settings_are_named(project_copy, run_cli):
    toml = project_copy / "ldpub.toml"
    text = toml.read_text()
    text = re.sub(r'(?m)^license = .*$', 'license = "CC BY 4.0"', text)
    text = re.sub(r'(?m)^contact_email = .*$', 'contact_email = "ldpub maintainers"', text)
    toml.write_text(text)
    code, _, err = run_cli("--project", str(project_copy), "publish", "--version", "1.0.0")
    assert code == 2
    assert "[publish] license: 'CC BY 4.0' is not an absolute http(s) IRI" in err
    assert "[publish] contact_email 'ldpub maintainers' is not an e-mail address" in err
    assert not (project_copy / "releases").exists()


def test_bad_version_is_refused(project_copy, run_cli):
    code, _, err = run_cli("--project", str(project_copy), "publish", "--version", "../x")
    assert code == 2 and "cannot name a release folder" in err


def test_nonconforming_data_publishes_nothing(project_copy, run_cli):
    bad = project_copy / "bad-data"
    bad.mkdir()
    (bad / "persons.yaml").write_text("- id: nameless\n  type: Person\n")
    code, _, err = run_cli("--project", str(project_copy), "publish", "--version", "1.0.0", "--data", str(bad))
    assert code == 1
    assert "bad-data/persons.yaml:1: record 'nameless': " in err and "needs exactly one 'label'" in err
    assert "publish failed: 1 violation(s) in the data; nothing written" in err
    assert not (project_copy / "releases").exists()


# ----------------------------------------------------------------------------- what each file is
def test_catalog_names_each_file_for_what_it_is(release):
    """Data files are distributions; schemas are standards the data conforms to; VoID and PROV are
    descriptions of the dataset; the changelog, the picture and the ontology page are its pages."""
    import rdflib

    out, rel, _ = release
    g = graph(out / "catalog.ttl")
    base = rel.settings.release_url("1.0.0")
    D, DCT, FOAF = rdflib.Namespace(DCAT), rdflib.Namespace("http://purl.org/dc/terms/"), rdflib.Namespace("http://xmlns.com/foaf/0.1/")
    dataset = rdflib.URIRef(base + "#dataset")
    pages = {str(p)[len(base):] for p in g.objects(dataset, FOAF.page)}
    assert pages == {"ontology.html", "network.svg", "CHANGELOG.md"}
    assert str(g.value(dataset, D.landingPage)) == base + "index.html"
    assert str(g.value(dataset, rdflib.URIRef("http://www.w3.org/ns/prov#has_provenance"))) == base + "prov.ttl"
    assert str(g.value(dataset, rdflib.RDFS.seeAlso)) == base + "void.ttl"
    assert (rdflib.URIRef(base + "void.ttl"), rdflib.RDF.type, rdflib.URIRef(VOID + "DatasetDescription")) in g
    standards = set(g.subjects(rdflib.RDF.type, DCT.Standard))
    context, frame = rdflib.URIRef(base + "context.jsonld"), rdflib.URIRef(base + "frame.jsonld")
    assert {context, frame} <= standards
    ontology = rdflib.URIRef("https://w3id.org/ldpub/ontology/armed-groups")
    assert {str(o)[len(base):] for o in g.objects(ontology, rdflib.RDFS.seeAlso)} == {"ontology.ttl", "ontology.rdf"}
    assert str(g.value(ontology, FOAF.page)) == base + "ontology.html"
    for dist in g.objects(dataset, D.distribution):
        name = str(g.value(dist, D.downloadURL))[len(base):]
        conforms = set(g.objects(dist, DCT.conformsTo))
        assert ontology in conforms, name
        assert (context in conforms) == name.endswith(".jsonld"), name
        assert (frame in conforms) == (name == "dataset.framed.jsonld"), name
    assert context not in set(g.objects(dataset, DCT.conformsTo))  # the dataset as such is not JSON


def test_publisher_and_version_independent_dataset_live_under_the_project_home(release):
    import rdflib

    out, rel, _ = release
    g = graph(out / "catalog.ttl")
    home = "https://w3id.org/ldpub/dataset/taliban-al-qaeda/"  # holds both releases/ and id/
    D, DCT = rdflib.Namespace(DCAT), rdflib.Namespace("http://purl.org/dc/terms/")
    series, dataset = rdflib.URIRef(home + "#dataset"), rdflib.URIRef(rel.settings.dataset_iri("1.0.0"))
    assert {str(p) for p in g.objects(None, DCT.publisher)} == {home + "#publisher"}
    assert set(g.objects(series, D.hasVersion)) == {dataset}
    assert g.value(series, D.hasCurrentVersion) == dataset
    assert g.value(dataset, DCT.isVersionOf) == series
    assert g.value(dataset, D.previousVersion) is None  # the first release
    assert set(g.objects(rdflib.URIRef(rel.settings.release_url("1.0.0") + "#catalog"), D.dataset)) == {series, dataset}
    assert str(g.value(series, DCT.issued)) == str(g.value(dataset, DCT.issued)) == "2026-11-25"


def test_publisher_iri_from_settings(release):
    from dataclasses import replace

    from ldpub.release import build_release

    _, rel, build = release
    settings = replace(rel.settings, publisher_iri="https://ror.org/000000000")
    files = build_release(build, "1.0.0", settings).files
    assert "<https://ror.org/000000000> a foaf:Agent" in files["catalog.ttl"].decode()
    assert "#publisher" not in files["catalog.ttl"].decode() + files["prov.ttl"].decode()


def test_sparql_endpoint_is_a_data_service_serving_the_dataset(release):
    """A configured endpoint is a dcat:DataService; the catalog still meets DCAT-AP 3.0."""
    from dataclasses import replace

    import rdflib

    from ldpub.release import build_release
    from ldpub.release.dcatap import check_dcat_ap

    _, rel, build = release
    settings = replace(rel.settings, sparql_endpoint="https://query.example.org/sparql")
    catalog = build_release(build, "1.0.0", settings).files["catalog.ttl"]
    g = rdflib.Graph().parse(data=catalog, format="turtle")
    D = rdflib.Namespace(DCAT)
    service = g.value(None, rdflib.RDF.type, D.DataService, any=False) or next(g.subjects(rdflib.RDF.type, D.DataService))
    assert str(service) == "https://w3id.org/ldpub/dataset/taliban-al-qaeda/#sparql-service"
    assert str(g.value(service, D.endpointURL)) == "https://query.example.org/sparql"
    assert str(g.value(service, D.servesDataset)) == settings.series_iri
    assert (None, D.service, service) in g
    results = check_dcat_ap(catalog)
    assert not [r.render() for r in results if r.severity == "violation"]
    # the one recommendation left: ldpub cannot know whether the endpoint describes itself
    assert {(r.focus, r.path) for r in results if r.severity == "warning"} - KNOWN_WARNINGS == {
        (str(service), "dcat:endpointDescription")}


@pytest.mark.parametrize("name,fmt", [("dataset.ttl", "turtle"), ("dataset.nt", "nt"), ("dataset.jsonld", "json-ld"),
                                      ("dataset.framed.jsonld", "json-ld")])
def test_every_data_file_states_its_licence(release, name, fmt):
    import rdflib

    out, rel, _ = release
    g = graph(out / name, fmt)
    dataset = rdflib.URIRef(rel.settings.dataset_iri("1.0.0"))
    DCT = rdflib.Namespace("http://purl.org/dc/terms/")
    assert g.value(dataset, DCT.license) == rdflib.URIRef("https://creativecommons.org/licenses/by/4.0/")
    rights = g.value(dataset, DCT.rights)
    assert "CC BY 4.0" in str(g.value(rights, rdflib.RDFS.label))
    assert (dataset, rdflib.RDF.type, rdflib.URIRef(VOID + "Dataset")) in g
    if name.endswith(".ttl"):  # the header comes first, under the prefixes
        first = next(line for line in (out / name).read_text().splitlines() if line and not line.startswith("@prefix"))
        assert first.startswith(f"<{dataset}>")


# ----------------------------------------------------------------------------- search engines
def _search_markup(html: str, url: str) -> dict:
    """The schema.org Dataset of a page, as extruct (a schema.org-aware extractor) reads it."""
    import extruct

    found = extruct.extract(html, base_url=url, syntaxes=["json-ld"], uniform=True)["json-ld"]
    datasets = [item for item in found if item.get("@type") == "Dataset"]
    assert len(datasets) == 1, found
    return datasets[0]


def test_landing_page_has_schema_org_dataset_markup_that_agrees_with_the_catalog(release):
    """What Google Dataset Search reads (its required name and description, and the recommended
    properties) says what the catalog says: title, licence, dates, coverage, files."""
    import rdflib

    out, rel, _ = release
    base = rel.settings.release_url("1.0.0")
    markup = _search_markup((out / "index.html").read_text(encoding="utf-8"), base + "index.html")
    g = graph(out / "catalog.ttl")
    D, DCT = rdflib.Namespace(DCAT), rdflib.Namespace("http://purl.org/dc/terms/")
    dataset = rdflib.URIRef(rel.settings.dataset_iri("1.0.0"))
    assert markup["@context"].rstrip("/") in ("https://schema.org", "http://schema.org")
    assert markup["@id"] == str(dataset) and markup["url"] == base + "index.html"
    assert markup["name"] == str(g.value(dataset, DCT.title))
    assert markup["description"] == str(g.value(dataset, DCT.description)) and 50 <= len(markup["description"]) <= 5000
    assert markup["license"] == str(g.value(dataset, DCT.license)) == rel.settings.license
    assert markup["isAccessibleForFree"] is True  # CC BY 4.0
    assert markup["version"] == "1.0.0" == str(g.value(dataset, D.version))
    assert markup["datePublished"] == str(g.value(dataset, DCT.issued))
    assert markup["dateModified"] == str(g.value(dataset, DCT.modified)) == "2026-11-25"
    period = g.value(dataset, DCT.temporal)
    assert markup["temporalCoverage"] == f"{g.value(period, D.startDate)}/{g.value(period, D.endDate)}"
    place = g.value(dataset, DCT.spatial)
    assert markup["spatialCoverage"]["@id"] == str(place) and markup["spatialCoverage"]["name"] == "Afghanistan"
    assert markup["creator"]["name"] == markup["publisher"]["name"] == rel.settings.publisher
    assert sorted(markup["keywords"]) == sorted(str(k) for k in g.objects(dataset, D.keyword))
    downloads = {d["contentUrl"]: d["encodingFormat"] for d in markup["distribution"]}
    assert downloads == {base + name: media for name, media in (
        ("dataset.ttl", "text/turtle"), ("dataset.nt", "application/n-triples"), ("dataset.jsonld", "application/ld+json"),
        ("dataset.framed.jsonld", "application/ld+json"))}
    assert set(downloads) == {str(g.value(d, D.downloadURL)) for d in g.objects(dataset, D.distribution)}


def test_search_markup_cannot_be_ended_by_the_data(release):
    """Markup in a setting stays data: the JSON is escaped for the <script> element."""
    from dataclasses import replace

    from ldpub.release import build_release

    _, rel, build = release
    hostile = "A dataset </script><script>alert(1)</script> & <!-- more -->, described at length for search engines."
    files = build_release(build, "1.0.0", replace(rel.settings, description=hostile)).files
    html = files["index.html"].decode()
    block = html.split('<script type="application/ld+json">', 1)[1].split("</script>", 1)[0]
    assert "<" not in block and ">" not in block
    assert _search_markup(html, "https://example.org/")["description"] == hostile
