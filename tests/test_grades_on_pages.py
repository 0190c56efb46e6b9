"""The grades (credibility, reliability, the source's hedge) are shown on the served entity pages.

Pages show every property of an entity with the label of its value, so the Admiralty grades,
sourcing qualifiers and tri-state facts need no page code of their own: these tests check that
they appear, named as the ontology names them.
"""

from __future__ import annotations

import pytest


@pytest.fixture(scope="module")
def served(built, tmp_path_factory):
    from ldpub.serve.dataset import prepare

    build = built[0]
    return prepare(tmp_path_factory.mktemp("served"), build.triples, build.ontology_triples,
                   base_iri=build.project.base_iri, title="test", prefixes=build.prefixes,
                   context=build.context, vocab=build.vocab)


def row_values(view, label: str) -> set[str]:
    return {v.text for row in view.rows if row.label == label for v in row.values}


def test_a_claim_page_shows_its_credibility_and_the_sources_hedges(served):
    view = served.entity("meeting-helmand-spring-2019")
    assert row_values(view, "credibility") == {"possibly true"}
    assert row_values(view, "qualifier") == {"claimed", "reportedly"}


def test_a_source_page_and_a_party_page_show_their_reliability(served):
    assert row_values(served.entity("un-report-aq-taliban-meetings"), "reliability") == {"usually reliable"}
    assert row_values(served.entity("aqis"), "reliability") == {"not usually reliable"}


def test_an_open_question_shows_as_not_known(served):
    assert row_values(served.entity("pledge-zawahiri-to-akhundzada-2016"), "rejection") == {"not known"}
