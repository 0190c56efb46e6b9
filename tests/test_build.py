"""`ldpub build`: the dataset in three syntaxes, the same graph, deterministic, validated."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
import rdflib
import rdflib.compare

AG = rdflib.Namespace("https://w3id.org/ldpub/ontology/armed-groups#")
D = rdflib.Namespace("https://w3id.org/ldpub/dataset/taliban-al-qaeda/id/")
OUTPUTS = ("dataset.ttl", "dataset.nt", "dataset.jsonld", "context.jsonld", "ontology.ttl", "shapes.ttl")


def test_build_writes_every_output_file(built):
    _, out = built
    for name in OUTPUTS:
        assert (out / name).stat().st_size > 0, name


def test_turtle_ntriples_and_jsonld_are_the_same_graph(built):
    _, out = built
    ttl = rdflib.Graph().parse(out / "dataset.ttl", format="turtle")
    nt = rdflib.Graph().parse(out / "dataset.nt", format="nt")
    jsonld = rdflib.Graph().parse(out / "dataset.jsonld", format="json-ld")
    assert len(ttl) > 100
    assert rdflib.compare.isomorphic(ttl, nt)
    assert rdflib.compare.isomorphic(ttl, jsonld)


def test_jsonld_reads_the_same_with_the_separate_context_file(built):
    import json

    _, out = built
    doc = json.loads((out / "dataset.jsonld").read_text())
    ctx = json.loads((out / "context.jsonld").read_text())
    assert doc["@context"] == ctx["@context"]
    assert any(node.get("type") == "Pledge" for node in doc["@graph"])


@pytest.mark.skipif(shutil.which("rapper") is None, reason="rapper (raptor2-utils) not installed")
def test_an_independent_parser_accepts_the_turtle(built):
    _, out = built
    result = subprocess.run(["rapper", "-i", "turtle", "-c", str(out / "dataset.ttl")], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert "returned" in result.stderr


def test_rebuild_is_byte_identical(project_copy, run_cli):
    first, second = project_copy / "a", project_copy / "b"
    assert run_cli("--project", str(project_copy), "build", "--out", str(first), "-q")[0] == 0
    assert run_cli("--project", str(project_copy), "build", "--out", str(second), "-q")[0] == 0
    for name in OUTPUTS:
        assert (first / name).read_bytes() == (second / name).read_bytes(), name


def test_graph_holds_zawahiri_pledge_to_akhundzada_2016_unacknowledged_with_excerpt(built):
    _, out = built
    g = rdflib.Graph().parse(out / "dataset.ttl")
    rows = list(
        g.query(
            """
            PREFIX ag: <https://w3id.org/ldpub/ontology/armed-groups#>
            SELECT ?pledge ?edtf ?earliest ?latest ?ack ?quote WHERE {
              ?pledge a ag:Pledge ; ag:pledger ?who ; ag:pledgee ?to ;
                      ag:publiclyAcknowledged ?ack ;
                      ag:date [ ag:edtf ?edtf ; ag:earliest ?earliest ; ag:latest ?latest ] ;
                      ag:supportedBy [ ag:quote ?quote ; ag:inSource ?src ] .
            }""",
            initBindings={"who": D["ayman-al-zawahiri"], "to": D["haibatullah-akhundzada"]},
        )
    )
    assert rows, "the 2016 pledge is missing"
    pledge, edtf, earliest, latest, ack, _ = rows[0]
    assert str(edtf) == "2016"
    assert (str(earliest), str(latest)) == ("2016-01-01", "2016-12-31")
    assert ack.toPython() is False
    quotes = {str(r[5]) for r in rows}
    assert any("did not publicly acknowledge the pledge" in q for q in quotes)
