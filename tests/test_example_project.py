"""The second example project, ``examples/python-governance``, through every ldpub command.

The project was written as a new user would write one on reused vocabularies (W3C ORG, FOAF,
PROV-O, schema.org, OWL-Time, SKOS, plus a small ``gov:`` module) and curated from the Python
Enhancement Proposals vendored in its ``sources/``. These tests run the real CLI on a copy of it
and check real answers against what the PEPs say: who sat on the steering council in each term,
who stood in each election with how many votes, which governance proposals were rejected, how
the rules of PEP 13 changed. They need nothing outside the repository (no ../shared).

Tests that fail only because of an open fix are marked ``xfail(strict=True)``; the reason names
the friction in /work/coord/frictions.md (F1, F2, ...) and the helper fixing it, so each flips to
XPASS, and fails, once the fix has landed: then remove the mark.
"""

from __future__ import annotations

import hashlib
import json
import re
import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
import yaml

from _servers import free_port, oxigraph_binary, start_ldpub, wait_http

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "examples" / "python-governance"
BASE = "https://w3id.org/ldpub/dataset/python-governance/id/"
GOV = "https://w3id.org/ldpub/ontology/governance#"
XSD = "http://www.w3.org/2001/XMLSchema#"
DOC_PATH = "ldpub/dataset/python-governance/doc/"
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")


# ------------------------------------------------------------------ helpers and fixtures
def copy_example(target: Path) -> Path:
    """The example project without any build output, in ``target``."""
    shutil.copytree(EXAMPLE, target, ignore=shutil.ignore_patterns("dist", "releases", "__pycache__"))
    return target


@pytest.fixture(scope="module")
def project(tmp_path_factory) -> Path:
    """A read-only copy of the example (commands that write use their own --out)."""
    return copy_example(tmp_path_factory.mktemp("example") / "python-governance")


@pytest.fixture
def fresh_copy(tmp_path) -> Path:
    """A copy of the example to change at will."""
    return copy_example(tmp_path / "python-governance")


@pytest.fixture(scope="module")
def cli():
    """Run the real `ldpub` entry point in-process: (exit code, stdout, stderr)."""
    from click.testing import CliRunner

    import click

    @click.command(context_settings={"ignore_unknown_options": True, "allow_extra_args": True, "help_option_names": []})
    @click.argument("args", nargs=-1, type=click.UNPROCESSED)
    def entry(args):
        from ldpub.cli import main

        main(list(args))

    def run(*args: str):
        result = CliRunner().invoke(entry, [str(a) for a in args], catch_exceptions=False)
        return result.exit_code, result.stdout, result.stderr

    return run


def records() -> list[tuple[Path, dict]]:
    """Every top-level record of the example, parsed as plain YAML (aliases resolved)."""
    out = []
    for path in sorted((EXAMPLE / "data").rglob("*.yaml")):
        out.extend((path, rec) for rec in yaml.safe_load(path.read_text(encoding="utf-8")))
    return out


def excerpts(node, found: list) -> list:
    """Every mapping with 'wasQuotedFrom' and 'value' (a PROV-O quotation) under ``node``."""
    if isinstance(node, dict):
        if "wasQuotedFrom" in node:
            found.append(node)
        for value in node.values():
            excerpts(value, found)
    elif isinstance(node, list):
        for value in node:
            excerpts(value, found)
    return found


def query_rows(cli, project: Path, *args: str) -> list[dict]:
    code, out, err = cli("--project", project, "query", *args, "-f", "json")
    assert code == 0, err
    return [{k: v["value"] for k, v in row.items()} for row in json.loads(out)["results"]["bindings"]]


# ===================================================================== the data and its sources
def test_every_source_text_is_vendored_with_its_sha256():
    sources = {rec["id"]: rec for _, rec in records() if "textFile" in rec}
    assert len(sources) == 20
    for slug, rec in sources.items():
        text = EXAMPLE / "sources" / rec["textFile"]
        assert hashlib.sha256(text.read_bytes()).hexdigest() == rec["sha256"], slug
    notes = (EXAMPLE / "sources" / "README.md").read_text(encoding="utf-8")
    for rec in sources.values():  # origin (repository, commit, path) and licence of each file
        assert f"`{rec['textFile']}`" in notes and hashlib.sha256(
            (EXAMPLE / "sources" / rec["textFile"]).read_bytes()).hexdigest() in notes


def test_every_vendored_pep_says_it_may_be_republished():
    """Each PEP's own Copyright section: public domain or CC0 (PEP 8016: partly Django, BSD-3-Clause)."""
    for path in sorted((EXAMPLE / "sources").glob("pep-*.rst")):
        text = path.read_text(encoding="utf-8")
        copyright_section = text[text.index("\nCopyright\n=========\n"):][:400]
        assert "public domain" in copyright_section, path.name
        if path.name == "pep-8016.rst":
            assert "Django" in copyright_section
    assert "Redistribution and use in source and binary forms" in (EXAMPLE / "sources" / "LICENSE-django.txt").read_text()


def test_every_excerpt_is_verbatim_in_its_source():
    """The data test `ldpub excerpts` makes (see test_excerpts_command), on the YAML directly."""
    texts = {rec["id"]: (EXAMPLE / "sources" / rec["textFile"]).read_text(encoding="utf-8")
             for _, rec in records() if "textFile" in rec}
    checked = 0
    for path, rec in records():
        for quote in excerpts(rec, []):
            assert quote["wasQuotedFrom"] in texts, (path.name, rec["id"])
            assert quote["value"] in texts[quote["wasQuotedFrom"]], (path.name, rec["id"], quote["value"][:60])
            checked += 1
    assert checked > 350


def test_every_statement_carries_an_excerpt():
    statement_types = {"Membership", "Post", "Candidacy", "Election", "Tally", "CouncilTerm", "ProposalVote",
                       "Rule", "Amendment", "Event"}
    for path, rec in records():
        if statement_types & set([rec["type"]] if isinstance(rec["type"], str) else rec["type"]):
            assert rec.get("wasDerivedFrom"), (path.name, rec["id"])


def test_the_project_uses_no_ldpub_tricks():
    """Written as a new user would: no ldpub:recordKey, no rdfs:domain asserted on a reused term."""
    import rdflib

    g = rdflib.Graph().parse(EXAMPLE / "ontology" / "governance.ttl")
    assert not list(g.subject_objects(rdflib.URIRef("https://w3id.org/ldpub/meta#recordKey")))
    reused_with_domain = [str(s) for s in g.subjects(rdflib.RDFS.domain, None) if not str(s).startswith(GOV)]
    assert reused_with_domain == []


def test_the_shapes_use_what_the_first_project_does_not():
    """Named node shapes by sh:node, sh:and/sh:or/sh:xone with named members, a qualified value
    shape, SPARQL constraints, inverse and sequence paths."""
    import rdflib

    sh = rdflib.Namespace("http://www.w3.org/ns/shacl#")
    g = rdflib.Graph().parse(EXAMPLE / "shapes" / "governance-shapes.ttl")
    assert all(isinstance(o, rdflib.URIRef) for o in g.objects(None, sh.node))
    for combinator in (sh["and"], sh["or"], sh.xone):
        members = [m for lst in g.objects(None, combinator) for m in rdflib.collection.Collection(g, lst)]
        assert members and all(isinstance(m, rdflib.URIRef) for m in members), combinator
    assert isinstance(next(g.objects(None, sh.qualifiedValueShape)), rdflib.URIRef)
    assert len(list(g.objects(None, sh.sparql))) >= 6
    assert list(g.objects(None, sh.inversePath))
    paths = list(g.objects(None, sh.path))
    assert any(isinstance(p, rdflib.BNode) and g.value(p, rdflib.RDF.first) is not None for p in paths)  # a sequence


def test_named_queries_are_listed_with_their_parameters(cli, project):
    code, out, err = cli("--project", project, "query", "--list")
    assert code == 0, err
    for name in ("council", "candidates", "elections", "proposals", "superseded", "person"):
        assert name in out
    assert "[term=<iri>]" in out and "election=election-2026-term" in out and "person=<iri>" in out


# ===================================================================== validate, in every format
def test_validate_text_conforms(cli, project):
    code, _, err = cli("--project", project, "validate")
    assert code == 0, err
    assert "conforms" in err and "does not conform" not in err and "violation" not in err


def test_validate_has_no_warnings_either(cli, project):
    code, _, err = cli("--project", project, "validate", "--fail-on", "warning")
    assert code == 0, err


def _no_violation_json(out: str) -> None:
    report = json.loads(out)
    assert report["conforms"] is True and report["counts"]["violation"] == 0, report["findings"][:3]
    assert report["records"] == 216


def _no_failure_junit(out: str) -> None:
    root = ET.fromstring(out)
    suites = root.iter("testsuite")
    assert sum(int(s.get("failures", 0)) + int(s.get("errors", 0)) for s in suites) == 0


def _no_error_github(out: str) -> None:
    assert "::error" not in out


def _no_error_sarif(out: str) -> None:
    sarif = json.loads(out)
    assert sarif["version"] == "2.1.0"
    assert not [r for run in sarif["runs"] for r in run["results"] if r.get("level") == "error"]


@pytest.mark.parametrize("fmt, check", [("json", _no_violation_json), ("junit", _no_failure_junit),
                                        ("github", _no_error_github), ("sarif", _no_error_sarif)])
def test_validate_machine_formats_conform(cli, project, fmt, check):
    code, out, err = cli("--project", project, "validate", "--format", fmt)
    assert code == 0, err
    check(out)


# one broken copy per kind of constraint: the edit, and the message validate must give
BROKEN = {
    "sh:and (gsh:Labelled gsh:Sourced)": (
        "data/elections/pep-8101.yaml",
        '  label: "Brett Cannon, candidate in the 2020 Term Steering Council election"\n', "",
        "every statement needs one 'label'"),
    "sh:or / sh:xone (votes or stars)": (
        "data/elections/pep-8101.yaml", "  votesReceived: 54\n", "  votesReceived: 54\n  starsReceived: 54\n",
        "either withdrawn (no count) or counted"),
    "sh:qualifiedValueShape (five elected)": (
        "data/elections/pep-8101.yaml",
        "  candidate: christian-heimes\n  outcome: not-elected\n", "  candidate: christian-heimes\n  outcome: elected\n",
        "elects exactly five candidates"),
    "sh:sparql (elected got fewer votes)": (
        "data/elections/pep-8102.yaml", "  votesReceived: 52\n", "  votesReceived: 12\n",
        "a candidate not elected received more votes than an elected one"),
    "sh:sparql (tally sums)": (
        "data/elections/pep-8105.yaml", "  ballotsCast: 12\n", "  ballotsCast: 13\n",
        "ballots are not the sum of the tallies it combines"),
    "inverse path (two terms meet one)": (
        "data/council-terms.yaml", "  intervalMeets: council-term-2022\n", "  intervalMeets: council-term-2023\n",
        "at most one term may meet this one"),
    "sequence path (two elections for one term)": (
        "data/elections/pep-8103.yaml", "  forTerm: council-term-2022\n", "  forTerm: council-term-2021\n",
        "another election fills the same council term"),
    "sh:or + sh:xone (an instant with two positions)": (
        "data/organizations.yaml", "      inXSDgYearMonth: 2018-07\n",
        "      inXSDgYearMonth: 2018-07\n      inXSDDate: 2018-07-31\n", "'memberDuring' must be a council term, or an interval"),
    "sh:node + sh:xone (a voting period's end given twice)": (
        "data/elections/pep-8102.yaml", '      inXSDDateTimeStamp: "2020-12-16T12:00:00Z"\n',
        '      inXSDDateTimeStamp: "2020-12-16T12:00:00Z"\n      inXSDDate: 2020-12-16\n', "an election needs one 'votingPeriod'"),
    "sh:sparql through sh:node (a period ending before it begins)": (
        "data/elections/pep-8100.yaml", '      inXSDDate: "2019-01-20"\n', '      inXSDDate: "2019-01-06"\n',
        "an election needs one 'nominationPeriod'"),
}


@pytest.mark.parametrize("case", sorted(BROKEN))
def test_validate_reports_each_broken_constraint(cli, fresh_copy, case):
    file, old, new, message = BROKEN[case]
    path = fresh_copy / file
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    code, _, err = cli("--project", fresh_copy, "validate")
    assert code == 1, err
    assert message in err and file in err


@pytest.mark.parametrize("old, new, datatype", [
    ("      inXSDgYearMonth: 2018-07\n", "      inXSDgYearMonth: 2018-07-01\n", "gYearMonth"),
    ('"2019-01-21T12:00:00Z"', '"2019-01-21T12:00:00"', "dateTimeStamp"),  # no zone: not a date-time stamp
])
def test_validate_refuses_a_date_of_the_wrong_xsd_form(cli, fresh_copy, old, new, datatype):
    for path in (fresh_copy / "data").rglob("*.yaml"):
        text = path.read_text(encoding="utf-8")
        if old in text:
            path.write_text(text.replace(old, new, 1), encoding="utf-8")
            break
    else:
        pytest.fail(f"{old!r} is in no records file")
    code, _, err = cli("--project", fresh_copy, "validate")
    assert code == 2, err
    assert datatype in err and path.name in err and new.strip().split(": ")[-1].strip('"') in err


# ===================================================================== build
@pytest.fixture(scope="module")
def builds(cli, project, tmp_path_factory):
    """Two builds of the same input into two folders: [(exit code, stderr, folder)]."""
    out = []
    for n in (1, 2):
        folder = tmp_path_factory.mktemp(f"example-dist-{n}")
        code, _, err = cli("--project", project, "build", "--out", folder, "-q")
        out.append((code, err, folder))
    return out


def test_build_twice_is_byte_identical(builds):
    (code1, err1, one), (code2, err2, two) = builds
    assert code1 == 0 and code2 == 0, err1 + err2
    names = sorted(p.name for p in one.iterdir())
    assert names == ["context.jsonld", "dataset.jsonld", "dataset.nt", "dataset.ttl", "ontology.ttl", "shapes.ttl"]
    for name in names:
        assert (one / name).read_bytes() == (two / name).read_bytes(), name


def test_turtle_jsonld_and_ntriples_are_the_same_graph(builds):
    import rdflib
    from rdflib.compare import isomorphic

    code, err, out = builds[0]
    assert code == 0, err
    nt = rdflib.Graph().parse(out / "dataset.nt", format="nt")
    assert len(nt) > 2500
    assert isomorphic(nt, rdflib.Graph().parse(out / "dataset.ttl", format="turtle"))
    assert isomorphic(nt, rdflib.Graph().parse(out / "dataset.jsonld", format="json-ld"))


def test_build_keeps_the_sources_precision_and_datatypes(builds):
    code, err, out = builds[0]
    assert code == 0, err
    nt = (out / "dataset.nt").read_text(encoding="utf-8")
    assert f'<{BASE}election-january-2019> <{GOV}ballotsCast> "69"^^<{XSD}nonNegativeInteger>' in nt
    assert f'"2019-02-04T12:00:00Z"^^<{XSD}dateTimeStamp>' in nt  # "February 4, 2019 12:00 UTC"
    assert f'"2022-12-14-12:00"^^<{XSD}date>' in nt                # "December 14, 2022 AoE"
    assert f'"2018-07"^^<{XSD}gYearMonth>' in nt                   # "until July 2018": no day
    assert '"2018-09"^^<http://id.loc.gov/datatypes/edtf/EDTF>' in nt  # "in September 2018" (EDTF)
    assert f'"2018-09-01"^^<{XSD}date>' in nt and f'"2018-09-30"^^<{XSD}date>' in nt


# ===================================================================== excerpts
def test_excerpts_command_finds_every_quote(cli, project):
    code, out, err = cli("--project", project, "excerpts")
    assert code == 0, err
    assert re.search(r"ok: 3\d\d excerpts found verbatim in 20 source text\(s\)", out + err)


def test_excerpts_command_reports_a_changed_quote(cli, fresh_copy):
    path = fresh_copy / "data" / "rules.yaml"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("seconds the proposal within one week.", "seconds the proposal within a week.", 1))
    code, out, err = cli("--project", fresh_copy, "excerpts")
    assert code == 1
    assert "data/rules.yaml" in err and "rule-no-confidence-seconding-one-week" in err and "not found verbatim" in err


# ===================================================================== named queries: the PEPs' answers
def test_query_council_2026_term_is_the_one_pep_13_names(cli, project):
    rows = query_rows(cli, project, "council", "term=council-term-2026")
    assert {r["memberName"]: int(r["stars"]) for r in rows} == {
        "Barry Warsaw": 239, "Donghee Na": 191, "Pablo Galindo Salgado": 313, "Savannah Ostrowski": 249,
        "Thomas Wouters": 187}
    assert {r["votingClosed"] for r in rows} == {"2025-12-12"}


def test_query_council_every_term(cli, project):
    rows = query_rows(cli, project, "council")
    assert len(rows) == 40 and len({r["term"] for r in rows}) == 8
    first = {r["memberName"] for r in rows if r["term"] == BASE + "first-council-term"}
    assert first == {"Barry Warsaw", "Brett Cannon", "Carol Willing", "Guido van Rossum", "Alyssa Coghlan"}
    # Barry Warsaw sat on every council but those of 2022 and 2023 (PEPs 8103, 8104)
    barry = [r["termLabel"] for r in rows if r["memberName"] == "Barry Warsaw"]
    assert len(barry) == 6 and not any(t.startswith(("2022", "2023")) for t in barry)


def test_query_candidates_default_is_the_2026_star_count(cli, project):
    rows = query_rows(cli, project, "candidates")
    assert [(r["name"], int(r["stars"]), r["outcome"]) for r in rows] == [
        ("Pablo Galindo Salgado", 313, "elected"), ("Savannah Ostrowski", 249, "elected"),
        ("Barry Warsaw", 239, "elected"), ("Donghee Na", 191, "elected"), ("Thomas Wouters", 187, "elected"),
        ("Gregory P. Smith", 173, "not elected")]
    assert rows[0]["row"] == "| Pablo Galindo Salgado | 313         |"


def test_query_candidates_of_the_first_election(cli, project):
    rows = query_rows(cli, project, "candidates", "election=election-january-2019")
    assert len(rows) == 17
    assert (rows[0]["name"], int(rows[0]["votes"])) == ("Guido van Rossum", 45)
    assert (rows[-1]["name"], int(rows[-1]["votes"])) == ("David Mertz", 3)
    assert [r["name"] for r in rows if r["outcome"] == "elected"] == [
        "Guido van Rossum", "Brett Cannon", "Carol Willing", "Barry Warsaw", "Alyssa Coghlan"]


def test_query_candidates_keeps_a_withdrawn_nomination(cli, project):
    rows = query_rows(cli, project, "candidates", "election=election-2020-term")
    withdrawn = [r for r in rows if r["outcome"] == "withdrawn"]
    assert [(r["name"], r.get("votes")) for r in withdrawn] == [("Guido van Rossum", None)]
    assert {r["name"]: int(r["votes"]) for r in rows if "votes" in r}["Brett Cannon"] == 54


def test_query_elections(cli, project):
    rows = query_rows(cli, project, "elections")
    assert [(int(r["eligibleVoters"]), int(r["ballotsCast"])) for r in rows] == [
        (96, 69), (82, 63), (91, 74), (85, 67), (85, 66), (87, 68), (100, 76), (106, 74)]
    assert [r["method"] for r in rows] == ["vote for up to five"] + ["approval voting"] * 6 + ["Multi-winner Bloc STAR"]
    assert rows[0]["votingOpens"] == "2019-01-21T12:00:00Z" and rows[0]["votingCloses"] == "2019-02-04T12:00:00Z"
    assert rows[4]["votingCloses"] == "2022-12-14-12:00"  # PEP 8104: "December 14, 2022 AoE"
    assert set(rows[2]["administeredBy"].split(", ")) == {"Ee Durbin", "Joe Carey"}
    assert set(rows[7]["elected"].split(", ")) == {
        "Barry Warsaw", "Donghee Na", "Pablo Galindo Salgado", "Savannah Ostrowski", "Thomas Wouters"}


def test_query_proposals_one_accepted_six_rejected(cli, project):
    rows = query_rows(cli, project, "proposals")
    outcome = {r["proposal"][len(BASE):]: (r["outcome"], r["status"], r["decided"]) for r in rows}
    assert outcome == {f"pep-{n}": ("rejected", "rejected", "2018-12-17") for n in range(8010, 8016)} | {
        "pep-8016": ("accepted", "accepted", "2018-12-17")}
    by_id = {r["proposal"][len(BASE):]: r for r in rows}
    assert set(by_id["pep-8016"]["authors"].split(", ")) == {"Nathaniel J. Smith", "Donald Stufft"}
    assert by_id["pep-8013"]["statement"].startswith(":pep:`8013` was rejected")
    assert {r["method"] for r in rows} == {"Condorcet ranking"}


def test_query_superseded_rules_and_counts(cli, project):
    rows = query_rows(cli, project, "superseded")
    changes = {(r["old"][len(BASE):], r["new"][len(BASE):], r.get("amended")) for r in rows}
    assert changes == {
        # PEP 13's History of amendments lists no amendment for this change (the contested point)
        ("rule-election-up-to-five", "rule-election-approval", None),
        ("rule-election-approval", "rule-election-star", "2024-12-10"),
        ("rule-no-confidence-seconding", "rule-no-confidence-seconding-one-week", "2024-12-10"),
        ("rule-ties-agreement-or-random", "rule-ties-software-first", "2025-11-12"),
        ("rule-document-changes", "rule-document-changes-two-weeks", "2019-04-17"),
        ("tally-2024-term-initial", "tally-2024-term-combined", None),
    }
    star = next(r for r in rows if r["new"] == BASE + "rule-election-star")
    assert "vote for zero or more of the" in star["oldWording"] and "assign zero to five stars" in star["newWording"]


def test_query_person_guido_van_rossum(cli, project):
    rows = query_rows(cli, project, "person", "person=guido-van-rossum")
    assert [(r.get("date"), r["kind"], r["detail"]) for r in rows] == [
        ("2018-07", "membership", "until 2018-07"),
        ("2019-02-04", "candidacy", "elected, 45 votes"),
        ("2019-02-04", "membership", "first term of the steering council"),
        ("2019-12-16", "candidacy", "withdrawn"),
    ]


def test_query_parameter_names_an_unknown_election(cli, project):
    code, _, err = cli("--project", project, "query", "candidates", "election=election-2027-term")
    assert code == 2
    assert "no record 'election-2027-term'" in err and "election-2026-term" in err  # did you mean


# ===================================================================== publish and diff
@pytest.fixture(scope="module")
def release(cli, project, tmp_path_factory):
    """`ldpub publish --version 1.0.0` of the example: (exit code, stdout + stderr, folder)."""
    folder = tmp_path_factory.mktemp("example-releases") / "1.0.0"
    code, out, err = cli("--project", project, "publish", "--version", "1.0.0", "--out", folder)
    return code, out + err, folder


def test_publish_release_passes_the_dcat_ap_check(release):
    code, output, folder = release
    assert code == 0, output
    assert "DCAT-AP 3.0.0: conforms" in output
    sums = dict(reversed(line.split("  ", 1)) for line in (folder / "SHA256SUMS").read_text().splitlines())
    for name, digest in sums.items():
        assert hashlib.sha256((folder / name).read_bytes()).hexdigest() == digest, name
    assert {"dataset.nt", "catalog.ttl", "void.ttl", "prov.ttl", "network.svg", "CHANGELOG.md"} <= set(sums)


def test_catalog_temporal_coverage_spans_the_records_dates(release):
    import rdflib

    code, output, folder = release
    assert code == 0, output
    g = rdflib.Graph().parse(folder / "catalog.ttl")
    dcat = rdflib.Namespace("http://www.w3.org/ns/dcat#")
    starts = {str(o) for o in g.objects(None, dcat.startDate)}
    ends = {str(o) for o in g.objects(None, dcat.endDate)}
    assert min(starts) <= "2018-07-01" and max(ends) >= "2025-12-12"


def test_release_pages_speak_the_projects_words(release):
    code, output, folder = release
    assert code == 0, output
    page = (folder / "index.html").read_text(encoding="utf-8") + (folder / "network.svg").read_text(encoding="utf-8")
    assert "Barry Warsaw" in page and "Python Steering Council" in page  # the network, by name
    assert "No record of this release carries a date" not in page and "2018-12-17" in page  # the timeline
    for word in ("pledge", "allegiance", "armed group"):
        assert word not in page.lower()


def test_diff_between_two_releases_names_what_was_added(cli, fresh_copy, tmp_path):
    """1.0.0 without the counts behind the 2024 result; 1.1.0 adds the three tallies."""
    path = fresh_copy / "data" / "elections" / "pep-8105.yaml"
    full = path.read_text(encoding="utf-8")
    cut = full.index("# ---------------------------------------------------------------- the counts behind the result")
    path.write_text(full[:cut], encoding="utf-8")
    releases = tmp_path / "releases"
    code, out, err = cli("--project", fresh_copy, "publish", "--version", "1.0.0", "--out", releases / "1.0.0", "-q")
    assert code == 0, err
    path.write_text(full, encoding="utf-8")
    code, out, err = cli("--project", fresh_copy, "publish", "--version", "1.1.0", "--out", releases / "1.1.0", "-q")
    assert code == 0, err
    code, out, err = cli("diff", releases / "1.0.0", releases / "1.1.0", "--format", "json")
    assert code == 0, err
    diff = json.loads(out)
    assert {k: diff["summary"][k] for k in ("added", "changed", "removed")} == {"added": 3, "changed": 0, "removed": 0}
    assert {e["entity"] for e in diff["entities"]} == {
        BASE + slug for slug in ("tally-2024-term-initial", "tally-2024-term-extension", "tally-2024-term-combined")}
    assert "tally-2024-term-combined" in (releases / "1.1.0" / "CHANGELOG.md").read_text(encoding="utf-8")


# ===================================================================== serve, in a real browser
@pytest.fixture(scope="module")
def server(project, builds, tmp_path_factory):
    code, err, out = builds[0]
    if code != 0:
        pytest.fail(f"the example did not build: {err[-2000:]}")
    (project / "ldpub.toml").write_text(
        (project / "ldpub.toml").read_text(encoding="utf-8") + "\n[serve]\nworkers = 1\n", encoding="utf-8")
    srv = start_ldpub(project, tmp_path_factory.mktemp("example-serve") / "access.log", "--from", str(out))
    yield srv
    srv.stop()


@pytest.fixture(scope="module")
def browser(tmp_path_factory):
    if CHROMIUM is None:
        pytest.skip("Debian's chromium is not installed (apt-get install chromium)")
    playwright_api = pytest.importorskip("playwright.sync_api")
    flags = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
             "--disable-component-update", "--disable-sync"]
    with playwright_api.sync_playwright() as p:
        context = p.chromium.launch_persistent_context(
            str(tmp_path_factory.mktemp("chromium-profile")), executable_path=CHROMIUM, headless=True, args=flags)
        yield context
        context.close()


def test_served_home_page_shows_the_projects_network_and_words(server, browser):
    page = browser.new_page()
    try:
        page.goto(server.url)
        assert "Python language governance" in page.locator("h1").inner_text()
        assert page.locator("svg a text", has_text="Barry Warsaw").count() == 1
        assert page.locator("svg a text", has_text="Python Steering Council").count() == 1
        body = page.locator("body").inner_text().lower()
        assert "pledge" not in body and "armed group" not in body
    finally:
        page.close()


def test_served_entity_page_is_labelled_by_foaf_name(server, browser):
    page = browser.new_page()
    try:
        page.goto(f"{server.url}{DOC_PATH}savannah-ostrowski.html")
        assert page.locator("h1").first.inner_text() == "Savannah Ostrowski"
        body = page.locator("body").inner_text()
        assert "2026 Term Steering Council election" in body and "2026 term of the steering council" in body
    finally:
        page.close()


def test_served_sparql_endpoint_answers_a_named_query(cli, project, server):
    rows = query_rows(cli, project, "candidates", "election=election-2024-term", "--endpoint", server.url + "sparql")
    assert [(r["name"], int(r["votes"])) for r in rows][:3] == [
        ("Pablo Galindo Salgado", 60), ("Gregory P. Smith", 52), ("Emily Morehouse", 46)]


@pytest.mark.xfail(reason=f"F17 (unassigned): on `ldpub serve` the ontology is a "
                          "separate named graph, so concept labels are missing from named-query answers", strict=True)
def test_served_endpoint_answers_like_the_embedded_target(cli, project, server):
    local = query_rows(cli, project, "candidates", "election=election-2024-term")
    remote = query_rows(cli, project, "candidates", "election=election-2024-term", "--endpoint", server.url + "sparql")
    assert remote == local and local[0]["outcome"] == "elected"


# ===================================================================== push to a real Oxigraph
@pytest.fixture
def oxigraph(tmp_path):
    """`oxigraph serve` answering queries over all graphs (push writes a named graph, see F14)."""
    binary = oxigraph_binary()
    if binary is None:
        pytest.skip("oxigraph server not installed (pip install oxigraph)")
    port = free_port()
    proc = subprocess.Popen([binary, "serve", "--location", str(tmp_path / "db"), "--bind", f"127.0.0.1:{port}",
                             "--union-default-graph"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}/"
    try:
        wait_http(url, proc=proc)
        yield url
    finally:
        proc.terminate()
        proc.wait(10)


def test_push_then_query_oxigraph_for_the_same_answers(cli, project, builds, oxigraph):
    code, err, out = builds[0]
    assert code == 0, err
    triples = sum(1 for line in (out / "dataset.nt").read_text(encoding="utf-8").splitlines() if line.strip())
    code, stdout, stderr = cli("--project", project, "push", "--from", out, "--endpoint", oxigraph + "store",
                               "--update-endpoint", oxigraph + "update", "--query-endpoint", oxigraph + "query", "-q")
    assert code == 0, stderr
    remote = query_rows(cli, project, "council", "term=council-term-2026", "--endpoint", oxigraph + "query")
    local = query_rows(cli, project, "council", "term=council-term-2026")
    assert sorted(r["memberName"] for r in remote) == sorted(r["memberName"] for r in local) == [
        "Barry Warsaw", "Donghee Na", "Pablo Galindo Salgado", "Savannah Ostrowski", "Thomas Wouters"]
    count = query_rows(cli, project, "--sparql", "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }", "--endpoint",
                       oxigraph + "query")
    assert int(count[0]["n"]) == triples
