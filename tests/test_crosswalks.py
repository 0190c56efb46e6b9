"""Crosswalks as data: the codebooks' concept schemes, the mappings from the ontology's classes,
the check that every event and relation class is mapped or explicitly not, and relations
without a direction stored without one."""

from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
AG = "https://w3id.org/ldpub/ontology/armed-groups#"
ACLED = "https://w3id.org/ldpub/codebooks/acled#"
UCDP = "https://w3id.org/ldpub/codebooks/ucdp-ged#"
MMP = "https://w3id.org/ldpub/codebooks/mapping-militants#"
PREFIXES = f"""PREFIX skos: <http://www.w3.org/2004/02/skos/core#> PREFIX dct: <http://purl.org/dc/terms/>
PREFIX ag: <{AG}> PREFIX acled: <{ACLED}> PREFIX ucdpged: <{UCDP}> PREFIX mmp: <{MMP}>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#> PREFIX owl: <http://www.w3.org/2002/07/owl#>
PREFIX ldpub: <https://w3id.org/ldpub/meta#>
"""


@pytest.fixture(scope="module")
def ontology():
    from ldpub.ontology import load_vocabulary

    return load_vocabulary(ROOT / "ontology").store


def values(store, query: str) -> list[tuple]:
    return sorted(tuple(None if v is None else v.value for v in row) for row in store.query(PREFIXES + query))


def test_acled_has_its_six_event_types_and_twenty_five_sub_event_types_by_their_published_names(ontology):
    types = values(ontology, "SELECT ?n WHERE { ?c a acled:EventType ; skos:notation ?n ; skos:inScheme acled:scheme }")
    assert [t[0] for t in types] == ["Battles", "Explosions/Remote violence", "Protests", "Riots",
                                     "Strategic developments", "Violence against civilians"]
    subs = values(ontology, "SELECT ?n ?t WHERE { ?c a acled:SubEventType ; skos:notation ?n ; skos:broader/skos:notation ?t }")
    assert len(subs) == 25
    assert ("Shelling/artillery/missile attack", "Explosions/Remote violence") in subs
    assert ("Armed clash", "Battles") in subs and ("Other", "Strategic developments") in subs
    disorder = values(ontology, "SELECT ?n WHERE { ?c a acled:DisorderType ; skos:notation ?n }")
    assert [d[0] for d in disorder] == ["Demonstrations", "Political violence", "Strategic developments"]


def test_ucdp_types_of_violence_and_mmp_relation_types_carry_their_codes(ontology):
    assert values(ontology, "SELECT ?n ?l WHERE { ?c skos:inScheme ucdpged:typeOfViolence ; skos:notation ?n ; skos:prefLabel ?l }") == [
        ("1", "state-based conflict"), ("2", "non-state conflict"), ("3", "one-sided violence")]
    assert values(ontology, "SELECT ?l ?n WHERE { ?c skos:inScheme mmp:relationTypes ; skos:prefLabel ?l OPTIONAL { ?c skos:notation ?n } }") == [
        ("Affiliates", "aff"), ("Allies", "all"), ("Merger", "mer"), ("Rivals", "riv"), ("Split", "spl"),
        ("Umbrella organization", None)]  # umbrellas are no link code in MMP's database (editorialNote)


def test_every_codebook_scheme_says_where_it_comes_from_and_which_version(ontology):
    rows = values(ontology, """SELECT ?s ?src ?version WHERE { ?s a skos:ConceptScheme .
        FILTER (STRSTARTS(STR(?s), "https://w3id.org/ldpub/codebooks/"))
        OPTIONAL { ?s dct:source ?src } OPTIONAL { ?s dct:hasVersion ?version } }""")
    assert len(rows) >= 4
    for scheme, source, version in rows:
        if "admiralty" in scheme:
            assert source, scheme
            continue
        assert source and version, f"{scheme} needs dct:source (the codebook's citation) and dct:hasVersion"


def test_every_event_and_relation_class_maps_or_says_no_match_for_each_codebook(ontology):
    rows = values(ontology, """SELECT ?class ?scheme WHERE {
        VALUES (?top ?scheme) { (ag:Event ucdpged:typeOfViolence) (ag:Event acled:scheme)
                                (ag:Relationship mmp:relationTypes) (ag:MutualRelation mmp:relationTypes) }
        ?class rdfs:subClassOf* ?top .
        FILTER NOT EXISTS { ?class skos:exactMatch|skos:closeMatch|skos:broadMatch|skos:relatedMatch ?c . ?c skos:inScheme ?scheme }
        FILTER NOT EXISTS { ?class ldpub:noMatch ?scheme } }""")
    assert rows == []
    explained = values(ontology, "SELECT ?class WHERE { ?class ldpub:noMatch ?s FILTER NOT EXISTS { ?class skos:editorialNote ?n } }")
    assert explained == [], "say why in a skos:editorialNote"
    exact = dict(values(ontology, "SELECT ?class ?c WHERE { ?class skos:exactMatch ?c . ?c skos:inScheme mmp:relationTypes }"))
    assert exact == {AG + "Affiliation": MMP + "Affiliates", AG + "Alliance": MMP + "Allies", AG + "Merger": MMP + "Merger",
                     AG + "Rivalry": MMP + "Rivals", AG + "Split": MMP + "Split", AG + "UmbrellaMembership": MMP + "Umbrella"}


def test_an_unmapped_event_class_fails_validation_naming_it(project_copy, run_cli):
    (project_copy / "ontology" / "extra.ttl").write_text(
        f"@prefix ag: <{AG}> .\n@prefix owl: <http://www.w3.org/2002/07/owl#> .\n"
        "@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .\n@prefix skos: <http://www.w3.org/2004/02/skos/core#> .\n"
        "ag:Ambush a owl:Class ; rdfs:label \"ambush\"@en ; skos:definition \"A surprise attack.\"@en ; rdfs:subClassOf ag:Attack .\n",
        encoding="utf-8")
    code, out, err = run_cli("--project", str(project_copy), "validate")
    assert code == 1
    assert "class https://w3id.org/ldpub/ontology/armed-groups#Ambush has no mapping to" in out + err
    # its superclass's mapping does not count: the class says for itself (exactMatch or ldpub:noMatch)


def test_symmetric_relations_have_no_direction(built):
    build = built[0]
    rows = build.store().query(PREFIXES + """SELECT ?r WHERE { ?r a ?c . VALUES ?c { ag:Alliance ag:Rivalry ag:Tension ag:CloseTies }
                                              ?r ag:relationFrom|ag:relationTo ?x }""")
    assert list(rows) == []
    parties = {row["r"].value.rsplit("/", 1)[1]: int(row["n"].value) for row in build.store().query(PREFIXES + """
        SELECT ?r (COUNT(?p) AS ?n) WHERE { ?r a ag:Alliance ; ag:party ?p } GROUP BY ?r""")}
    assert parties == {"alliance-taliban-al-qaeda": 2}
    ontology_rows = values(build.vocab.store, "SELECT ?p WHERE { ?p a owl:SymmetricProperty }")
    assert {AG + n for n in ("alliedWith", "rivalOf", "inTensionWith", "closeTo")} <= {r[0] for r in ontology_rows}


def test_the_network_draws_a_mutual_relation_once_and_never_as_a_loop(built):
    from ldpub.profile import read_profile
    from ldpub.release.network import extract_network

    build = built[0]
    network = extract_network(build.store(), read_profile(build.vocab))
    mutual = [e for e in network.edges if e.record.endswith("/alliance-taliban-al-qaeda")]
    assert len(mutual) == 1
    assert all(e.source != e.target for e in network.edges)
