"""The article dataset itself: sourced, verbatim, time-consistent, and able to answer the article.

Checks that need the article's full text read it from ``[paths] sources`` (``../shared/sources``)
and skip, saying so, where it is absent: the text is not ours to republish. Failure messages name
the YAML file, line and record and say what to change (see docs/curation.md).
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest

from ldpub.excerpts import check_excerpts, paragraphs

ROOT = Path(__file__).resolve().parent.parent
COVERAGE = ROOT / "docs" / "coverage.md"
AG = "https://w3id.org/ldpub/ontology/armed-groups#"
BASE = "https://w3id.org/ldpub/dataset/taliban-al-qaeda/id/"
PREFIXES = f"""
PREFIX ag: <{AG}>
PREFIX d: <{BASE}>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
PREFIX dct: <http://purl.org/dc/terms/>
PREFIX owl: <http://www.w3.org/2002/07/owl#>
PREFIX rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#>
"""
ARTICLE = "sarkar-2020"


# ------------------------------------------------------------------ helpers
def select(build, query: str) -> list[dict[str, str | None]]:
    """Run a SELECT on the built dataset; rows as {variable: lexical value or None}."""
    results = build.store().query(PREFIXES + query)
    names = [v.value for v in results.variables]
    return [{n: (row[n].value if row[n] is not None else None) for n in names} for row in results]


def where(build, node: str, key: str | None = None) -> str:
    """'data/x.yaml:12: record 'slug'' for a node, so a failure says where to look."""
    predicate = build.vocab.properties[key].iri if key else None
    loc = build.mapped.source_map.locate(node, predicate)
    return loc.prefix() if loc else node


def claim_classes(build) -> set[str]:
    return build.vocab.subclasses[AG + "Claim"]


def slug(iri: str) -> str:
    return iri[len(BASE):] if iri.startswith(BASE) else iri


@pytest.fixture(scope="session")
def build(built):
    return built[0]


@pytest.fixture(scope="session")
def article_text(build) -> str:
    project = build.project
    rows = select(build, f"SELECT ?file WHERE {{ d:{ARTICLE} ag:textFile ?file }}")
    assert rows, f"the Source record '{ARTICLE}' needs a textFile naming its text in {project.sources_dir}"
    path = (project.sources_path or ROOT) / rows[0]["file"]
    if not path.is_file():
        pytest.skip(f"source text {path} is absent (it is not republished with the repository); "
                    "put a copy there to check excerpts verbatim")
    return path.read_text(encoding="utf-8")


# ------------------------------------------------------------------ the text and the excerpts
def test_the_article_text_matches_the_sha256_of_its_source_record(build, article_text):
    result = check_excerpts(build, build.project.sources_path)
    sha = [f.render() for f in result.findings if f.rule == "excerpt-sha256"]
    assert not sha, "\n".join(sha)
    assert BASE + ARTICLE in result.checked


def test_every_excerpt_occurs_verbatim_in_its_source_text(build, article_text):
    result = check_excerpts(build, build.project.sources_path)
    wrong = [f.render() for f in result.findings if f.rule == "excerpt-verbatim"]
    assert not wrong, (
        "copy these quotes character for character from the text (curly quotes ’ “ ”, and the no-break "
        "spaces the text has: write \\u00a0 in a double-quoted YAML string):\n" + "\n".join(wrong))
    assert result.excerpts >= 100


def test_every_excerpt_paragraph_number_is_the_paragraph_holding_the_quote(build, article_text):
    result = check_excerpts(build, build.project.sources_path)
    wrong = [f.render() for f in result.findings if f.rule == "excerpt-paragraph"]
    assert not wrong, "\n".join(wrong)


def test_the_article_has_fifteen_body_paragraphs_from_the_first_sentence_to_the_author_note(article_text):
    paras = paragraphs(article_text)
    assert len(paras) == 15
    assert paras[0].startswith("Ever since the signing of the U.S.-Taliban agreement")
    assert paras[-1].startswith("Saurav Sarkar is a Research Associate")


def test_excerpts_are_short_quotations_and_the_full_text_is_not_in_the_repository(build):
    rows = select(build, "SELECT ?e ?q WHERE { ?e ag:quote ?q }")
    too_long = [f"{where(build, r['e'], 'quote')} quote of {len(r['q'])} characters" for r in rows if len(r["q"]) > 400]
    assert not too_long, "quote a sentence or two, not whole paragraphs:\n" + "\n".join(too_long)
    recorded = {r["sha"] for r in select(build, "SELECT ?sha WHERE { ?s ag:sha256 ?sha }")}
    from ldpub.excerpts import sha256_hex

    for folder in ("data", "docs", "tests", "ontology", "shapes", "queries"):
        for path in (ROOT / folder).rglob("*") if (ROOT / folder).is_dir() else ():
            if path.is_file():
                assert sha256_hex(path.read_bytes()) not in recorded, f"{path} is a full source text: remove it"


# ------------------------------------------------------------------ every statement is sourced
def test_every_claim_cites_a_verbatim_excerpt_of_a_source_and_has_a_status(build):
    classes = " ".join(f"<{c}>" for c in sorted(claim_classes(build)))
    rows = select(build, f"""
        SELECT DISTINCT ?c ?status (COUNT(DISTINCT ?e) AS ?n) WHERE {{
            VALUES ?class {{ {classes} }}
            ?c a ?class .
            OPTIONAL {{ ?c ag:status ?status }}
            OPTIONAL {{ ?c ag:supportedBy ?e . ?e ag:quote ?q ; ag:inSource ?s . ?s a ag:Source }}
        }} GROUP BY ?c ?status""")
    assert len(rows) >= 100
    unsourced = [where(build, r["c"]) for r in rows if int(r["n"]) == 0]
    assert not unsourced, "add 'supportedBy: [{inSource: ..., quote: ...}]' to:\n" + "\n".join(unsourced)
    no_status = [where(build, r["c"]) for r in rows if r["status"] is None]
    assert not no_status, "add 'status: reported' (or confirmed, denied, disputed) to:\n" + "\n".join(no_status)


def test_every_excerpt_of_the_article_says_which_paragraph_it_is_from(build):
    rows = select(build, f"SELECT ?e WHERE {{ ?e ag:inSource d:{ARTICLE} FILTER NOT EXISTS {{ ?e ag:paragraph ?p }} }}")
    assert not rows, "add 'paragraph: N' to:\n" + "\n".join(where(build, r["e"], "quote") for r in rows)


def test_the_article_source_record_has_author_section_year_hash_and_no_invented_publisher(build):
    rows = select(build, f"""
        SELECT ?title ?author ?section ?edtf ?sha ?publisher WHERE {{
            d:{ARTICLE} dct:title ?title ; dct:creator ?a ; ag:section ?section ; ag:sha256 ?sha ;
                        ag:publicationDate/ag:edtf ?edtf .
            ?a skos:prefLabel ?author .
            OPTIONAL {{ d:{ARTICLE} dct:publisher ?publisher }}
        }}""")
    assert rows == [{
        "title": "The Taliban and al-Qaeda: Enduring Partnership or Liability?",
        "author": "Saurav Sarkar",
        "section": "Flashpoints | Risk Intelligence | Security | South Asia",
        "edtf": "2020",
        "sha": "5890e498605d681488607b8a47d173324fc944c97e66c6e9b61fc655023ce870",
        "publisher": None,
    }]


def test_no_outside_identifier_is_asserted_because_the_article_gives_none(build):
    rows = select(build, "SELECT ?s ?o WHERE { ?s owl:sameAs ?o }")
    assert not rows, "sameAs only for identifiers verified from a source:\n" + "\n".join(
        f"{where(build, r['s'], 'sameAs')} {r['o']}" for r in rows)


# ------------------------------------------------------------------ time
SEASONS = {21: ((3, 1), (5, 31)), 22: ((6, 1), (8, 31)), 23: ((9, 1), (11, 30))}


def _last_day(year: int, month: int) -> int:
    nxt = dt.date(year + month // 12, month % 12 + 1, 1)
    return (nxt - dt.timedelta(days=1)).day


def reference_bounds(expr: str) -> tuple[dt.date | None, dt.date | None]:
    """Earliest and latest date of the EDTF forms the dataset uses, computed without the edtf library."""
    if "/" in expr:
        start, end = expr.split("/")
        return reference_bounds(start)[0], reference_bounds(end)[1]
    if expr in ("..", ""):
        return None, None
    m = re.fullmatch(r"(\d{4})(?:-(\d{2}))?(?:-(\d{2}))?", expr)
    if not m:
        pytest.fail(f"EDTF form '{expr}' is not known to this test: add it to reference_bounds")
    year, month, day = int(m[1]), m[2] and int(m[2]), m[3] and int(m[3])
    if month is None:
        return dt.date(year, 1, 1), dt.date(year, 12, 31)
    if month in SEASONS:
        (m1, d1), (m2, d2) = SEASONS[month]
        return dt.date(year, m1, d1), dt.date(year, m2, d2)
    if day is None:
        return dt.date(year, month, 1), dt.date(year, month, _last_day(year, month))
    return dt.date(year, month, day), dt.date(year, month, day)


def test_reference_bounds_read_the_article_expressions_as_the_issue_states():
    assert reference_bounds("2019-21") == (dt.date(2019, 3, 1), dt.date(2019, 5, 31))
    assert reference_bounds("2019-08/2019-10") == (dt.date(2019, 8, 1), dt.date(2019, 10, 31))
    assert reference_bounds("2009/..") == (dt.date(2009, 1, 1), None)
    assert reference_bounds("../2000") == (None, dt.date(2000, 12, 31))
    assert reference_bounds("2020-02") == (dt.date(2020, 2, 1), dt.date(2020, 2, 29))


def test_every_date_bound_is_consistent_with_its_edtf_expression(build):
    rows = select(build, """
        SELECT ?t ?edtf ?earliest ?latest WHERE {
            ?t a ag:FuzzyTime .
            OPTIONAL { ?t ag:edtf ?edtf } OPTIONAL { ?t ag:earliest ?earliest } OPTIONAL { ?t ag:latest ?latest }
        }""")
    assert len(rows) >= 40
    wrong = []
    for r in rows:
        if r["edtf"] is None:
            wrong.append(f"{where(build, r['t'])} a date without an EDTF expression")
            continue
        low, high = reference_bounds(r["edtf"])
        got = (r["earliest"] and dt.date.fromisoformat(r["earliest"]), r["latest"] and dt.date.fromisoformat(r["latest"]))
        if got != (low, high):
            wrong.append(f"{where(build, r['t'])} '{r['edtf']}' has bounds {got}, expected {(low, high)}")
    assert not wrong, "\n".join(wrong)


def test_fuzzy_time_lets_sparql_find_what_happened_in_2019_without_false_precision(build):
    rows = select(build, """
        SELECT ?c ?edtf WHERE {
            ?c ag:date ?t . ?t ag:edtf ?edtf ; ag:earliest ?e ; ag:latest ?l .
            FILTER (?e >= "2019-01-01"^^<http://www.w3.org/2001/XMLSchema#date>
                    && ?l <= "2019-12-31"^^<http://www.w3.org/2001/XMLSchema#date>)
        }""")
    found = {slug(r["c"]): r["edtf"] for r in rows}
    assert found["meeting-helmand-spring-2019"] == "2019-21"
    assert found["raid-helmand-2019-09"] == "2019-09"
    assert found["operations-against-iskp-nangarhar-2019"] == "2019-08/2019-10"
    # open-ended dates never fall inside a closed window: "in or before July 2019" is not "in 2019"
    assert "death-hamza-bin-laden" not in found


# ------------------------------------------------------------------ references, shapes
def test_the_dataset_builds_conforms_and_every_reference_resolves(build):
    assert build.report.conforms, "\n".join(f.render() for f in build.report.findings)
    rows = select(build, f"""
        SELECT DISTINCT ?s ?o WHERE {{
            ?s ?p ?o . FILTER (isIRI(?o) && STRSTARTS(STR(?o), "{BASE}"))
            FILTER NOT EXISTS {{ ?o ?p2 ?o2 }}
        }}""")
    assert not rows, "references to records that do not exist:\n" + "\n".join(f"{where(build, r['s'])} -> {slug(r['o'])}" for r in rows)


def test_agreed_slugs_exist_for_other_tools(build):
    agreed = """mullah-omar taliban-emir-after-omar haibatullah-akhundzada osama-bin-laden ayman-al-zawahiri
        hamza-bin-laden suhail-shaheen jalaluddin-haqqani sirajuddin-haqqani hafiz-haqqani yahya-haqqani
        asim-umar saurav-sarkar taliban al-qaeda haqqani-network aqis islamic-state iskp
        hizb-e-vilayat-e-islami united-states afghanistan-government united-nations time-magazine saudi-arabia
        saudi-intelligence-agency centre-for-air-power-studies stimson-center afghanistan helmand kandahar
        nangarhar doha qatar indian-subcontinent sarkar-2020 pledge-al-qaeda-leaders-to-omar
        pledge-zawahiri-to-omar-successor pledge-zawahiri-to-akhundzada-2016 doha-agreement
        omar-leader-of-taliban akhundzada-emir-of-taliban bin-laden-leader-of-al-qaeda zawahiri-leader-of-al-qaeda
        meeting-helmand-spring-2019 denial-shaheen-meetings estimate-aq-taliban-meetings
        meeting-zawahiri-haqqanis-2020-02 raid-helmand-2019-09 estimate-taliban-fighters
        estimate-aq-members-afghanistan estimate-taliban-territory-contested estimate-taliban-districts-full-control"""
    missing = [s for s in agreed.split() if s not in build.mapped.slugs]
    assert not missing, f"agreed slugs missing from data/: {missing}"


# ------------------------------------------------------------------ the article's questions, from the data alone
def test_who_pledged_allegiance_to_whom_and_when(build):
    rows = select(build, """
        SELECT ?pledger ?pledgee ?when ?ack WHERE {
            ?p a ag:Pledge ; ag:pledger/skos:prefLabel ?pledger ; ag:pledgee/skos:prefLabel ?pledgee .
            OPTIONAL { ?p ag:date/ag:edtf ?when } OPTIONAL { ?p ag:publiclyAcknowledged ?ack }
        }""")
    got = {(r["pledger"], r["pledgee"], r["when"], r["ack"]) for r in rows}
    assert got == {
        ("Osama bin Laden", "Mullah Omar", None, None),
        ("Ayman al-Zawahiri", "Mullah Omar", None, None),
        ("Ayman al-Zawahiri", "Omar's successor as Taliban emir (not named in the source)", None, "false"),
        ("Ayman al-Zawahiri", "Haibatullah Akhundzada", "2016", "false"),
    }
    title = select(build, "SELECT ?t WHERE { d:pledge-al-qaeda-leaders-to-omar ag:titleAccepted ?t }")
    assert title == [{"t": "Amir al-Mu’minin (Commander of the Faithful)"}]


def test_who_denied_the_helmand_meeting_reports_and_where(build):
    rows = select(build, """
        SELECT ?denier ?role ?reporter ?claimedBy ?when ?place WHERE {
            ?denial ag:denies d:meeting-helmand-spring-2019 ; ag:deniedBy ?d ; ag:reportedBy/skos:prefLabel ?reporter .
            ?d skos:prefLabel ?denier .
            ?tenure ag:holder ?d ; ag:roleTitle ?role .
            d:meeting-helmand-spring-2019 ag:reportedBy/skos:prefLabel ?claimedBy ;
                ag:date/ag:edtf ?when ; ag:place/skos:prefLabel ?place .
        }""")
    assert rows == [{
        "denier": "Suhail Shaheen", "role": "Taliban spokesman", "reporter": "TIME Magazine",
        "claimedBy": "United Nations", "when": "2019-21", "place": "Helmand",
    }]
    # the denial does not delete the claim: it stays, denied, saying who reported it where
    status = select(build, "SELECT ?s ?src WHERE { d:meeting-helmand-spring-2019 ag:status ?s ; ag:reportedIn ?src }")
    assert status == [{"s": AG + "Denied", "src": BASE + "un-report-aq-taliban-meetings"}]


def test_the_helmand_meeting_was_one_of_at_least_six_un_reported_meetings_all_denied(build):
    rows = select(build, """
        SELECT ?low ?high ?unit ?by WHERE {
            d:estimate-aq-taliban-meetings ag:low ?low ; ag:unit ?unit ; ag:reportedBy/skos:prefLabel ?by ;
                ag:estimateOf ?series .
            d:meeting-helmand-spring-2019 ag:partOfEvent ?series .
            OPTIONAL { d:estimate-aq-taliban-meetings ag:high ?high }
        }""")
    assert rows == [{"low": "6", "high": None, "unit": "meetings", "by": "United Nations"}]
    denied = {slug(r["c"]) for r in select(build, "SELECT ?c WHERE { d:denial-shaheen-meetings ag:denies ?c . ?c ag:status ag:Denied }")}
    assert denied == {"meeting-helmand-spring-2019", "meetings-aq-taliban-top-level", "estimate-aq-taliban-meetings"}


def test_what_the_doha_agreement_provision_names(build):
    rows = select(build, """
        SELECT ?obliged ?named ?protected ?when ?city ?country WHERE {
            d:doha-agreement ag:provision ?p ; ag:date/ag:edtf ?when ; ag:place ?c .
            ?c skos:prefLabel ?city ; ag:partOfPlace/skos:prefLabel ?country .
            ?p ag:obligedParty/skos:prefLabel ?obliged ; ag:namesGroup/skos:prefLabel ?named ;
               ag:protectedParty/skos:prefLabel ?protected .
        }""")
    assert rows == [{"obliged": "Taliban", "named": "al-Qaeda", "protected": "United States",
                     "when": "2020-02-29", "city": "Doha", "country": "Qatar"}]
    parties = {r["l"] for r in select(build, "SELECT ?l WHERE { d:doha-agreement ag:party/skos:prefLabel ?l }")}
    assert parties == {"United States", "Taliban"}


def test_what_the_raid_that_killed_asim_umar_killed_and_who_carried_it_out(build):
    killed = {slug(r["k"]) for r in select(build, "SELECT ?k WHERE { ?raid a ag:Raid ; ag:killed d:asim-umar , ?k }")}
    assert killed == {"asim-umar", "aqis-deputy-killed-2019", "aqis-courier-to-zawahiri"}  # the dead named by role
    rows = select(build, """
        SELECT ?actor ?when ?place WHERE {
            d:raid-helmand-2019-09 ag:actor/skos:prefLabel ?actor ; ag:date/ag:edtf ?when ; ag:place/skos:prefLabel ?place }""")
    assert {r["actor"] for r in rows} == {"United States", "Afghan government"}
    assert {(r["when"], r["place"]) for r in rows} == {("2019-09", "Helmand")}
    roles = {r["role"] for r in select(build, """
        SELECT ?role WHERE { d:raid-helmand-2019-09 ag:killed ?p . ?t ag:holder ?p ; ag:organization d:aqis ;
                             ag:role ?role }""")}
    assert roles == {AG + "Leader", AG + "DeputyLeader", AG + "Courier"}


def test_the_raids_unnamed_dead_are_counts_by_category_with_the_sources_words(build):
    rows = select(build, """
        SELECT ?count (GROUP_CONCAT(STR(?cat); separator="|") AS ?cats) ?group ?wording ?low ?best ?high ?derived WHERE {
            d:raid-helmand-2019-09 ag:fatalities ?count .
            ?count ag:category ?cat ; ag:wording ?wording ; ag:low ?low ; ag:derived ?derived .
            OPTIONAL { ?count ag:countedGroup/skos:prefLabel ?group }
            OPTIONAL { ?count ag:best ?best } OPTIONAL { ?count ag:high ?high }
        } GROUP BY ?count ?group ?wording ?low ?best ?high ?derived""")
    got = sorted((" ".join(sorted(c.rsplit("#", 1)[1] for c in r["cats"].split("|"))),
                  r["group"], r["wording"], r["low"], r["best"], r["high"], r["derived"]) for r in rows)
    assert got == [
        ("Fighters", "Taliban", "several", "2", None, None, "low"),  # "several Taliban fighters"
        ("ForeignNationals", None, "multiple", "2", None, None, "low"),
        ("ForeignNationals Women", None, "multiple", "2", None, None, "low"),  # "multiple foreign females"
    ]
    # the source gives no number, so no best estimate and no total is recorded (counts are never summed)
    total = select(build, "SELECT ?c WHERE { d:raid-helmand-2019-09 ag:fatalities ?c . ?c ag:category ag:AllPersons }")
    assert total == []


def test_the_raid_targeted_a_compound_whose_taliban_al_qaeda_use_is_only_suspected(build):
    target = select(build, "SELECT ?t WHERE { d:raid-helmand-2019-09 ag:target ?t }")
    assert [slug(r["t"]) for r in target] == ["compound-helmand-2019"]
    about = {slug(r["a"]) for r in select(build, "SELECT ?a WHERE { d:claim-compound-helmand-2019-taliban-al-qaeda ag:about ?a }")}
    assert about == {"compound-helmand-2019", "taliban", "al-qaeda"}


def test_what_the_magazine_was_renamed_to_and_when(build):
    rows = select(build, """
        SELECT ?by ?old ?new ?when ?lang WHERE {
            ?r a ag:Renaming ; ag:actor/skos:prefLabel ?by ; ag:previousName ?old ; ag:newName ?new ;
               ag:date/ag:edtf ?when ; ag:renamed ?mag . ?mag ag:language ?lang }""")
    assert rows == [{"by": "al-Qaeda in the Indian Subcontinent", "old": "Nawa-e-Afghan Jihad",
                     "new": "Nawa-e-Ghazwa-e-Hind", "when": "2020-03", "lang": "Urdu"}]


def test_the_article_figures_are_ranges_with_unit_and_as_of(build):
    rows = select(build, """
        SELECT ?e ?low ?high ?unit ?asof WHERE {
            ?e a ag:Estimate ; ag:low ?low ; ag:unit ?unit ; ag:counts ?c .
            OPTIONAL { ?e ag:high ?high } OPTIONAL { ?e ag:asOf/ag:edtf ?asof } }""")
    got = {slug(r["e"]): (r["low"], r["high"], r["unit"], r["asof"]) for r in rows}
    assert got == {
        "estimate-taliban-fighters": ("55000", "85000", "fighters", "2020"),
        "estimate-taliban-territory-contested": ("50", "60", "percent", "2020"),
        "estimate-taliban-districts-full-control": ("21", "21", "districts", "2020"),
        "estimate-aq-members-afghanistan": ("400", "600", "members", "2020"),
        "estimate-aq-taliban-meetings": ("6", None, "meetings", "../2020"),
        "estimate-governments-recognizing-taliban": ("3", "3", "governments", None),
    }


def test_who_led_the_taliban_in_succession(build):
    rows = select(build, """
        SELECT ?holder ?before WHERE {
            ?t ag:organization d:taliban ; ag:role ag:Emir ; ag:holder/skos:prefLabel ?holder .
            OPTIONAL { ?t ag:successorOf/ag:holder/skos:prefLabel ?before } }""")
    assert {(r["holder"], r["before"]) for r in rows} == {
        ("Mullah Omar", None),
        ("Omar's successor as Taliban emir (not named in the source)", "Mullah Omar"),
        ("Haibatullah Akhundzada", "Omar's successor as Taliban emir (not named in the source)"),
    }


def test_omar_death_is_dated_only_to_the_year_the_anniversary_supports(build):
    rows = select(build, """
        SELECT ?edtf ?note ?occasioned WHERE {
            ?d a ag:Death ; ag:deceased d:mullah-omar ; ag:date/ag:edtf ?edtf ; skos:note ?note .
            ?eulogy ag:occasion ?d ; ag:date/ag:edtf ?occasioned }""")
    assert len(rows) == 1 and rows[0]["edtf"] == "2013" and rows[0]["occasioned"] == "2020-04"
    assert "seventh anniversary" in rows[0]["note"]


def test_family_ties_and_haqqani_positions(build):
    rows = select(build, """
        SELECT ?term ?role WHERE {
            ?k a ag:Kinship ; ag:relationFrom d:sirajuddin-haqqani ; ag:relationTo d:jalaluddin-haqqani ; ag:kinshipTerm ?term .
            ?t ag:holder d:sirajuddin-haqqani ; ag:organization d:taliban ; ag:role ?role }""")
    assert rows == [{"term": "son", "role": AG + "DeputyLeader"}]
    liaison = select(build, """
        SELECT ?since ?end ?with WHERE {
            ?t ag:holder d:yahya-haqqani ; ag:role ag:Liaison ; ag:counterpart/skos:prefLabel ?with ;
               ag:startDate ?s . ?s ag:edtf ?since . OPTIONAL { ?t ag:endDate ?end } }""")
    assert liaison == [{"since": "2009", "end": None, "with": "al-Qaeda"}]


def test_events_before_2001_and_who_recognized_the_taliban(build):
    promise = select(build, """
        SELECT ?to ?when ?why WHERE {
            ?p a ag:Promise ; ag:actor d:mullah-omar ; ag:target ?t ; ag:date/ag:edtf ?when ;
               ag:after/ag:target/skos:prefLabel ?why . ?t skos:prefLabel ?to }""")
    assert promise == [{"to": "Chief of the Saudi intelligence agency in 1998 (not named in the source)",
                        "when": "1998", "why": "Saudi royal family"}]
    lie = select(build, "SELECT ?when ?kept WHERE { ?p a ag:Promise ; ag:actor d:osama-bin-laden ; ag:date/ag:edtf ?when ; ag:fulfilled ?kept }")
    assert lie == [{"when": "2001-07", "kept": "false"}]
    moved = select(build, "SELECT ?to WHERE { ?r a ag:Relocation ; ag:actor d:mullah-omar ; ag:relocated d:osama-bin-laden ; ag:destination/skos:prefLabel ?to }")
    assert moved == [{"to": "Kandahar"}]
    recognized = select(build, "SELECT ?by WHERE { ?r a ag:Recognition ; ag:relationTo d:taliban ; ag:relationFrom/skos:prefLabel ?by }")
    assert recognized == [{"by": "Saudi Arabia"}]


def test_statements_and_publications_of_2019_and_2020(build):
    rows = select(build, """
        SELECT ?s ?by ?when WHERE { ?s ag:issuedBy/skos:prefLabel ?by ; ag:date/ag:edtf ?when ; ag:status ?st }""")
    got = {(slug(r["s"]), r["by"], r["when"]) for r in rows}
    assert ("video-taliban-justifies-9-11-2019-07", "Taliban", "2019-07") in got
    assert ("eulogy-zawahiri-jalaluddin-2019-05", "Ayman al-Zawahiri", "2019-05") in got
    assert ("eulogy-taliban-omar-2020-04", "Taliban", "2020-04") in got
    praised = select(build, "SELECT ?who WHERE { d:address-asim-umar-eid-al-fitr ag:praises/skos:prefLabel ?who }")
    assert praised == [{"who": "Haibatullah Akhundzada"}]


def test_claims_attributed_to_others_say_who_reported_them(build):
    rows = select(build, "SELECT ?c ?by WHERE { ?c ag:reportedBy/skos:prefLabel ?by }")
    by = {}
    for r in rows:
        by.setdefault(r["by"], set()).add(slug(r["c"]))
    assert {"meeting-helmand-spring-2019", "meetings-aq-taliban-top-level", "estimate-aq-taliban-meetings"} <= by["United Nations"]
    assert by["TIME Magazine"] == {"denial-shaheen-meetings"}
    assert "operations-against-iskp-nangarhar-2019" in by["al-Qaeda in the Indian Subcontinent"]
    assert "claim-shaheen-unreciprocated-pledge-means-cutting-ties" in by["Suhail Shaheen"]
    assert "death-hamza-bin-laden" in by["United States"]


def test_author_affiliations_are_tenures(build):
    rows = select(build, """
        SELECT ?org ?title ?city WHERE {
            ?t ag:holder d:saurav-sarkar ; ag:organization ?o ; ag:roleTitle ?title .
            ?o skos:prefLabel ?org ; ag:headquarters/skos:prefLabel ?city }""")
    assert {(r["org"], r["title"], r["city"]) for r in rows} == {
        ("Centre for Air Power Studies", "Research Associate", "New Delhi"),
        ("Stimson Center", "South Asian Voices Visiting Fellow", "Washington DC"),
    }


def test_names_carry_well_known_alternative_spellings(build):
    rows = select(build, "SELECT ?s ?alt WHERE { ?s skos:altLabel ?alt }")
    alts = {}
    for r in rows:
        alts.setdefault(slug(r["s"]), set()).add(r["alt"])
    assert "Omar" in alts["mullah-omar"] and "Mohammed Omar" not in alts["mullah-omar"]  # not a name the text uses
    assert "ISKP" in alts["iskp"] and "AQIS" in alts["aqis"]
    hidden = {}
    for r in select(build, "SELECT ?s ?h WHERE { ?s skos:hiddenLabel ?h }"):
        hidden.setdefault(slug(r["s"]), set()).add(r["h"])
    assert "al-Qaida" in hidden["al-qaeda"]  # a spelling for search, not claimed by the source


def test_alternative_labels_are_names_the_article_itself_uses(build, article_text):
    rows = select(build, "SELECT ?s ?alt WHERE { ?s skos:altLabel ?alt }")
    absent = [f"{where(build, r['s'], 'altLabel')} {r['alt']!r}" for r in rows if r["alt"] not in article_text]
    assert not absent, "altLabel only for names in the text; other spellings are hiddenLabel:\n" + "\n".join(absent)


def test_after_is_an_order_in_time_and_no_response_is_claimed(build):
    assert not select(build, "SELECT ?e WHERE { ?e ag:inResponseTo ?x }")  # the text says "after", not "in response to"
    after = {slug(r["e"]): slug(r["x"]) for r in select(build, "SELECT ?e ?x WHERE { ?e ag:after ?x }")}
    assert after == {"promise-omar-saudi-intelligence-1998": "threat-al-qaeda-saudi-royal-family",
                     "us-strikes-al-qaeda-camps-1998": "east-african-embassy-bombings-1998"}


def test_derived_dates_are_marked_and_the_control_record_is_dated(build):
    derived = {(slug(r["c"]), r["k"]) for r in select(build, "SELECT ?c ?k WHERE { ?c ag:derived ?k }")}
    assert {("omar-leader-of-taliban", "endDate"), ("death-mullah-omar", "date"), ("control-taliban-afghanistan", "asOf"),
            ("control-taliban-afghanistan", "endDate")} <= derived
    control = select(build, "SELECT ?asof ?end WHERE { d:control-taliban-afghanistan ag:asOf/ag:edtf ?asof ; ag:endDate/ag:edtf ?end }")
    assert control == [{"asof": "2001-09-11", "end": "../2020"}]
    fellow = select(build, """SELECT ?asof ?start ?end WHERE { d:sarkar-visiting-fellow-stimson ag:asOf/ag:edtf ?asof
                               OPTIONAL { d:sarkar-visiting-fellow-stimson ag:startDate ?start }
                               OPTIONAL { d:sarkar-visiting-fellow-stimson ag:endDate ?end } }""")
    assert fellow == [{"asof": "2020", "start": None, "end": None}]  # "2020 ... Fellow": no start or end is given


# ------------------------------------------------------------------ credibility (docs/curation.md, "Credibility")
def rubric_credibility(row: dict) -> str:
    """The credibility grade the rubric gives a claim by default (a curator may deviate, saying why in a note)."""
    if row["assessment"]:
        return "6"  # the author's judgement: truth cannot be judged
    if row["status"] == "Disputed":
        return "4"  # the source itself offers a contrary reading
    if row["status"] == "Denied" or int(row["nby"]) or int(row["nq"]):
        return "3"  # attributed to a party, hedged, or denied by an interested party: possibly true
    return "2"  # stated by the source in its own voice, not contradicted: probably true


def test_every_claim_is_graded_for_credibility_as_the_rubric_says(build):
    rows = select(build, """
        SELECT ?c ?status ?credibility (COUNT(DISTINCT ?by) AS ?nby) (COUNT(DISTINCT ?q) AS ?nq)
               (SAMPLE(?a) AS ?assessment) (SAMPLE(?n) AS ?note) WHERE {
            ?c ag:status ?st . BIND(STRAFTER(STR(?st), "#") AS ?status)
            OPTIONAL { ?c ag:credibility ?cr . BIND(STRAFTER(STR(?cr), "#") AS ?credibility) }
            OPTIONAL { ?c ag:reportedBy ?by } OPTIONAL { ?c ag:qualifier ?q }
            OPTIONAL { ?c a ag:Assessment . BIND("yes" AS ?a) } OPTIONAL { ?c skos:note ?n }
        } GROUP BY ?c ?status ?credibility""")
    assert len(rows) >= 100
    ungraded = [where(build, r["c"]) for r in rows if r["credibility"] is None]
    assert not ungraded, "grade these claims (credibility: 1-6, docs/curation.md):\n" + "\n".join(ungraded)
    off = [f"{where(build, r['c'])} credibility {r['credibility']}, the rubric says {rubric_credibility(r)}"
           for r in rows if r["credibility"] != rubric_credibility(r) and "credibility" not in (r["note"] or "")]
    assert not off, "follow the rubric or say why not in the record's note:\n" + "\n".join(off)


def test_the_article_and_the_parties_it_cites_are_graded_for_reliability(build):
    rows = select(build, "SELECT ?s ?grade WHERE { ?s ag:reliability ?g . BIND(STRAFTER(STR(?g), \"#\") AS ?grade) }")
    grades = {slug(r["s"]): r["grade"] for r in rows}
    assert grades == {
        "sarkar-2020": "C",  # a published analyst writing under his name
        "un-report-aq-taliban-meetings": "B", "united-nations": "B",  # an institution reporting from its own collection
        "time-magazine": "C",  # professional news media
        "aqis": "D", "suhail-shaheen": "D", "united-states": "D",  # parties speaking of themselves or their adversaries
    }
    attributed = {slug(r["by"]) for r in select(build, "SELECT DISTINCT ?by WHERE { ?c ag:reportedBy ?by }")}
    assert attributed <= set(grades), f"grade the reliability of every party claims are attributed to: {attributed - set(grades)}"


def test_the_sources_hedges_are_qualifiers_from_the_fixed_list(build):
    rows = select(build, "SELECT ?c ?q WHERE { ?c ag:qualifier ?qi . BIND(STRAFTER(STR(?qi), \"#\") AS ?q) }")
    got = {}
    for r in rows:
        got.setdefault(slug(r["c"]), set()).add(r["q"])
    assert got["meeting-helmand-spring-2019"] == {"Claimed", "Reportedly"}  # "A United Nations report claimed", "reportedly met"
    assert got["claim-compound-helmand-2019-taliban-al-qaeda"] == {"Suspected"}  # "a suspected ... compound"
    assert got["assessment-affiliates-loyal-to-taliban-emir"] == {"InTheory"}  # "in theory", "technically"
    assert got["assessment-al-qaeda-operating-clandestinely"] == {"Apparently"}  # "appears to be operating"
    assert got["operations-against-iskp-nangarhar-2019"] == {"Claimed"}  # AQIS's own account
    likely = select(build, "SELECT ?a WHERE { ?a ag:likelihood ag:Unlikely }")
    assert [slug(r["a"]) for r in likely] == ["assessment-taliban-unlikely-to-abandon-al-qaeda"]


def test_an_open_question_is_not_known_rather_than_false(build):
    rows = select(build, "SELECT ?state WHERE { d:pledge-zawahiri-to-akhundzada-2016 ag:rejection ?state }")
    assert rows == [{"state": AG + "NotKnown"}]  # "there is no indication that it was rejected"
    assert not select(build, "SELECT ?s WHERE { ?s ag:rejected ?v }")  # the boolean that meant 'unknown' is gone
    assert not select(build, "SELECT ?r WHERE { ?r a ag:Rejection }")  # no rejection act is reported


def test_no_record_is_confirmed_on_one_source_alone(build):
    rows = select(build, """
        SELECT ?c (COUNT(DISTINCT ?src) AS ?n) WHERE {
            ?c ag:status ag:Confirmed ; ag:supportedBy/ag:inSource ?src } GROUP BY ?c""")
    single = [where(build, r["c"]) for r in rows if int(r["n"]) < 2]
    assert not single, "'confirmed' needs more than one independent source:\n" + "\n".join(single)


# ------------------------------------------------------------------ the coverage list
def coverage_sections() -> dict[int, str]:
    """docs/coverage.md split into its '## ¶N' sections."""
    text = COVERAGE.read_text(encoding="utf-8")
    sections = {}
    for part in re.split(r"^## ", text, flags=re.M)[1:]:
        m = re.match(r"¶(\d+) ", part)
        if m:
            sections[int(m[1])] = part[m.end():]
    return sections


def test_coverage_list_has_one_section_per_paragraph_quoting_its_first_words(article_text):
    sections = coverage_sections()
    paras = paragraphs(article_text)
    assert sorted(sections) == list(range(1, len(paras) + 1)), "docs/coverage.md needs a '## ¶N' section per paragraph"
    for n, para in enumerate(paras, start=1):
        first = re.match(r"“([^”]+?)…?”", sections[n])
        assert first, f"docs/coverage.md ¶{n}: start the heading with the paragraph's first words in “…”"
        assert para.startswith(first[1].rstrip("…")), f"docs/coverage.md ¶{n}: heading does not quote the paragraph's first words"


def test_coverage_list_rows_name_records_that_exist_or_say_why_no_fact(build):
    sections = coverage_sections()
    problems = []
    for n, body in sections.items():
        rows = [line for line in body.splitlines() if line.startswith("|") and not re.match(r"\|\s*-", line)][1:]
        assert rows, f"docs/coverage.md ¶{n}: no sentence table"
        for row in rows:
            slugs = re.findall(r"`([a-z0-9][a-z0-9-]*)`", row)
            unknown = [s for s in slugs if s not in build.mapped.slugs]
            if unknown:
                problems.append(f"¶{n}: unknown records {unknown} in: {row[:80]}")
            if not slugs and "no fact" not in row:
                problems.append(f"¶{n}: a row names no record and does not say 'no fact' (and why): {row[:80]}")
    assert not problems, "docs/coverage.md:\n" + "\n".join(problems)


def test_every_record_with_an_excerpt_is_listed_under_each_paragraph_it_quotes(build):
    sections = coverage_sections()
    rows = select(build, f"SELECT ?e ?n WHERE {{ ?e ag:inSource d:{ARTICLE} ; ag:paragraph ?n }}")
    missing = set()
    for r in rows:
        record = build.mapped.source_map.locate(r["e"]).record  # the top-level record holding the excerpt
        if f"`{record}`" not in sections.get(int(r["n"]), ""):
            missing.add(f"¶{r['n']}: `{record}`")
    assert not missing, "docs/coverage.md does not list these records under the paragraph they quote:\n" + "\n".join(sorted(missing))


# ------------------------------------------------------------------ the curator's command
def test_ldpub_excerpts_confirms_every_quote(run_cli, article_text):
    code, out, err = run_cli("--project", str(ROOT), "excerpts")
    assert code == 0, err
    assert re.match(r"ok: \d{3} excerpts found verbatim in 1 source text\(s\)", out)


def test_ldpub_excerpts_says_which_character_differs_and_where(project_copy, run_cli, build, article_text):
    path = project_copy / "data" / "positions.yaml"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace('"including the group’s\\u00a0 deputy"', '"including the group\'s  deputy"'), encoding="utf-8")
    line = next(n for n, l in enumerate(path.read_text(encoding="utf-8").splitlines(), 1) if "including the group's" in l)
    code, out, err = run_cli("--project", str(project_copy), "excerpts", "--sources", str(build.project.sources_path))
    assert code == 1
    assert f"data/positions.yaml:{line}: record 'aqis-deputy-tenure': quote not found verbatim" in err
    assert "the quote has \"'\" (U+0027 APOSTROPHE) where the text has '’' (U+2019 RIGHT SINGLE QUOTATION MARK)" in err
    assert "1 excerpt problem(s)" in err


def test_ldpub_excerpts_skips_with_a_warning_where_the_text_is_absent(project_copy, run_cli):
    code, out, err = run_cli("--project", str(project_copy), "excerpts", "--sources", str(project_copy / "no-texts"))
    assert code == 0
    assert "warning: no text for source 'sarkar-2020'" in err
    assert "nothing checked" in out


def test_ldpub_excerpts_lists_the_paragraph_numbers_of_a_text(run_cli, build, article_text):
    path = build.project.sources_path / "taliban-al-qaeda-enduring-partnership.txt"
    code, out, _ = run_cli("excerpts", "--paragraphs", str(path))
    assert code == 0
    lines = out.splitlines()
    assert len(lines) == 15
    assert lines[8].startswith("  9  In May 2019, al-Zawahiri gave a video eulogy")
