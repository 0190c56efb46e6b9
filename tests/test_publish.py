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
    "index.html", "SHA256SUMS",
}
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
    rel = build_release(build, "1.0.0", load_publish_settings(build.project, env={}))
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
    ("https://w3id.org/ldpub/dataset/taliban-al-qaeda/releases/#publisher", "dct:type"),
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
    # a file cannot carry its own checksum: the catalog describes everything but itself and SHA256SUMS
    assert described == EXPECTED_FILES - {"catalog.ttl", "catalog.jsonld", "SHA256SUMS", "index.html"}


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
    dataset = next(g.subjects(rdflib.RDF.type, D.Dataset))
    assert str(g.value(dataset, D.version)) == "1.0.0"


def test_void_counts_match_the_dataset(release):
    import rdflib

    out, _, build = release
    g = graph(out / "void.ttl")
    V = rdflib.Namespace(VOID)
    dataset = next(g.subjects(rdflib.RDF.type, V.Dataset))
    nt_lines = (out / "dataset.nt").read_text().splitlines()
    assert int(g.value(dataset, V.triples)) == len(nt_lines)
    assert int(g.value(dataset, V.distinctSubjects)) == len({t.subject for t in build.triples})
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
    assert settings.issued.isoformat() == "2023-11-14"  # 1700000000 = 2023-11-14T22:13:20Z
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
    assert "no release date: missing [publish] issued and SOURCE_DATE_EPOCH is not set" in err
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
