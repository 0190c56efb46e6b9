"""A second project nobody here wrote the pages for: only reused vocabularies, no ldpub annotation.

``tests/fixtures/reuse-org`` (fictional rowing clubs) declares W3C ORG memberships over OWL-Time
intervals, FOAF persons named by ``foaf:name``, organizations named by ``schema:name``,
schema.org events with literal dates and PROV-O derivations from quoted excerpts. Its release
pages and served pages must show its own network, timeline, labels, temporal and spatial
coverage and excerpts, and not a word of the armed-groups domain.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import httpx
import pytest
import rdflib

from _servers import SERVE_TABLE, start_ldpub
from test_domain_neutral import DOMAIN_WORDS

FIXTURE = Path(__file__).resolve().parent / "fixtures" / "reuse-org"
BASE = "https://example.org/dataset/rowing-clubs/id/"
DOC_PATH = "/dataset/rowing-clubs/doc/"
DCAT = rdflib.Namespace("http://www.w3.org/ns/dcat#")
DCT = rdflib.Namespace("http://purl.org/dc/terms/")


def copy_fixture(target: Path, serve_table: str = "") -> Path:
    shutil.copytree(FIXTURE, target, dirs_exist_ok=True)
    if serve_table:
        with (target / "ldpub.toml").open("a", encoding="utf-8") as handle:
            handle.write(serve_table)
    return target


@pytest.fixture(scope="module")
def release(tmp_path_factory):
    """The fixture published once, through the CLI."""
    from click.testing import CliRunner

    from ldpub.cli import cli

    project = copy_fixture(tmp_path_factory.mktemp("reuse-project"))
    out = tmp_path_factory.mktemp("reuse-release") / "1.0.0"
    result = CliRunner().invoke(cli, ["--project", str(project), "publish", "--version", "1.0.0", "--out", str(out)],
                                catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return out


def test_the_fixture_uses_no_ldpub_annotation():
    text = (FIXTURE / "ontology" / "profile.ttl").read_text(encoding="utf-8")
    assert "w3id.org/ldpub" not in text and "ldpub:" not in text


def test_profile_defaults_come_from_the_reused_vocabularies():
    from ldpub.ontology import load_vocabulary
    from ldpub.profile import read_profile

    profile = read_profile(load_vocabulary(FIXTURE / "ontology"))
    assert not profile.network_annotated
    assert {k.id for k in profile.node_kinds} == {"person", "organization", "agent"}
    membership = next(k for k in profile.edge_kinds if k.id == "membership")
    assert "http://www.w3.org/ns/org#member" in membership.source
    assert "http://www.w3.org/ns/prov#value" in profile.of("quote")
    assert "http://www.w3.org/2006/time#inXSDDate" in profile.of("instant")
    assert profile.labels.index("http://xmlns.com/foaf/0.1/name") > profile.labels.index(
        "http://www.w3.org/2000/01/rdf-schema#label")


def test_release_network_shows_its_own_nodes_and_links(release):
    svg = (release / "network.svg").read_text(encoding="utf-8")
    nodes = svg.count('<g class="node ')
    assert nodes == 4  # two persons (foaf:name), two organizations (schema:name)
    for label in ("Ada Lind", "Bo Sand", "Riverside Rowing Club", "Harbour Sports Federation"):
        assert f">{label}</text>" in svg
    assert svg.count('class="edge edge-membership"') == 3  # Ada chair; Bo chair+treasurer (one line); club in federation
    assert "Ada Lind \u2192 Riverside Rowing Club: chair" in svg  # the link named by org:role's schema:name
    assert "Bo Sand \u2192 Riverside Rowing Club: chair, treasurer" in svg
    assert 'class="edge edge-knows"' in svg
    assert ">person</text>" in svg and ">organization</text>" in svg


def test_release_timeline_reads_owl_time_intervals_and_schema_dates(release):
    html = (release / "index.html").read_text(encoding="utf-8")
    timeline = html.split('<ol class="timeline">', 1)[1].split("</ol>", 1)[0]
    assert timeline.count("<li>") == 6
    assert '<span class="when">2015-03-01 \u2013 2019-03-01</span>' in timeline  # org:memberDuring interval
    assert '<span class="when">from 2011-04-12</span>' in timeline  # an interval without end
    assert '<span class="when">2019-05-18 \u2013 2019-05-19</span>' in timeline  # schema:startDate/endDate
    assert "document · date published" in timeline  # another date, named by its property
    assert "Spring Regatta 2019" in timeline  # the record's schema:name
    assert "No record of this release carries a date" not in html
    assert "EDTF" not in html  # the fixture has no EDTF dates: no note about them


def test_release_catalog_has_temporal_and_spatial_coverage(release):
    g = rdflib.Graph().parse(release / "catalog.ttl")
    dataset = next(g.subjects(rdflib.RDF.type, DCAT.Dataset))
    period = g.value(dataset, DCT.temporal)
    assert str(g.value(period, DCAT.startDate)) == "2011-04-12"
    assert str(g.value(period, DCAT.endDate)) == "2019-12-31"
    place = rdflib.URIRef(BASE + "riverside")
    assert (dataset, DCT.spatial, place) in g  # from the regatta's dct:spatial
    assert str(g.value(place, rdflib.namespace.SKOS.prefLabel)) == "Riverside"


def test_release_speaks_the_fixtures_words_not_the_example_domain(release):
    for name in ("index.html", "ontology.html", "network.svg", "catalog.ttl", "CHANGELOG.md"):
        text = (release / name).read_text(encoding="utf-8")
        assert not DOMAIN_WORDS.search(text), (name, DOMAIN_WORDS.search(text))


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    project = copy_fixture(tmp_path_factory.mktemp("reuse-serve"), SERVE_TABLE)
    server = start_ldpub(project, tmp_path_factory.mktemp("reuse-log") / "access.log")
    with httpx.Client(base_url=server.url, timeout=30) as client:
        yield client
    server.stop()


def test_served_entity_page_shows_statements_with_their_excerpts(served):
    page = served.get(DOC_PATH + "ada-lind.html")
    assert page.status_code == 200
    html = page.text
    assert '<h1 id="label">Ada Lind</h1>' in html  # foaf:name
    row = html.split("<table class=\"statements\">", 1)[1].split("</table>", 1)[0]
    assert "ada-lind-chair" in row and "2015-03-01 \u2013 2019-03-01" in row
    assert "Ada Lind chaired the Riverside Rowing Club from 1 March 2015 until 1 March 2019" in row  # prov:value
    assert f'href="{DOC_PATH}annual-report-2019.html"' in row  # prov:wasQuotedFrom, linked
    assert "Riverside Rowing Club: Annual Report 2019" in row


def test_served_home_page_has_the_network_and_no_status_table(served):
    html = served.get("/", headers={"Accept": "text/html"}).text
    assert "<svg" in html and ">Riverside Rowing Club</text>" in html
    assert 'class="statuses"' not in html  # the fixture has no status property
    assert not DOMAIN_WORDS.search(html)


def test_served_pages_carry_the_content_security_policy(served):
    response = served.get(DOC_PATH + "bo-sand.html")
    policy = response.headers["content-security-policy"]
    assert "default-src 'none'" in policy and "script-src" not in policy
    assert response.headers["x-content-type-options"] == "nosniff"


# ----------------------------------------------------------------------------- ldpub excerpts
def test_excerpts_without_a_text_file_property_says_so_and_exits_0(tmp_path, run_cli):
    project = copy_fixture(tmp_path / "p")
    code, out, err = run_cli("--project", str(project), "excerpts")
    assert code == 0, err
    assert "no excerpts to check" in out and 'ldpub:role "textFile"' in out


TEXT_TERMS = """@prefix owl: <http://www.w3.org/2002/07/owl#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix ldpub: <https://w3id.org/ldpub/meta#> .
@prefix ex: <https://example.org/ontology/texts#> .
ex:textFile a owl:DatatypeProperty ; rdfs:label "text file"@en ; rdfs:range xsd:string ; ldpub:role "textFile" .
ex:sha256 a owl:DatatypeProperty ; rdfs:label "SHA-256"@en ; rdfs:range xsd:string ; ldpub:role "sha256" .
"""


def _with_text_terms(project: Path, digest: str) -> None:
    (project / "ontology" / "texts.ttl").write_text(TEXT_TERMS, encoding="utf-8")
    agents = project / "data" / "agents.yaml"
    agents.write_text(agents.read_text(encoding="utf-8").replace(
        '  schema:datePublished: "2019-12-31"\n',
        f'  schema:datePublished: "2019-12-31"\n  ex:textFile: annual-report-2019.txt\n  ex:sha256: {digest}\n'),
        encoding="utf-8")


def test_excerpts_checks_prov_quotes_once_the_text_file_is_named(tmp_path, run_cli):
    import hashlib

    project = copy_fixture(tmp_path / "p")
    digest = hashlib.sha256((project / "sources" / "annual-report-2019.txt").read_bytes()).hexdigest()
    _with_text_terms(project, digest)
    code, out, err = run_cli("--project", str(project), "excerpts")
    assert code == 0, out + err
    assert "ok: 5 excerpts found verbatim in 1 source text(s)" in out


def test_excerpts_names_the_yaml_line_of_a_quote_not_in_the_text(tmp_path, run_cli):
    project = copy_fixture(tmp_path / "p")
    _with_text_terms(project, "0" * 64)
    events = project / "data" / "events.yaml"
    events.write_text(events.read_text(encoding="utf-8").replace("from 18 May 2019", "from 17 May 2019"), encoding="utf-8")
    code, out, err = run_cli("--project", str(project), "excerpts")
    assert code == 1
    assert "data/events.yaml:" in out + err and "quote not found verbatim in annual-report-2019.txt" in out + err
    assert "sha256: annual-report-2019.txt has SHA-256" in out + err
