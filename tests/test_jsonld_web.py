"""JSON-LD a web developer can use, checked with pyld (the JSON-LD reference implementation in Python).

* ``dataset.jsonld``: booleans and integers are JSON values where that loses nothing, and pyld's
  ``to_rdf`` of the file gives back exactly the lines of ``dataset.nt`` (term for term, not just
  an isomorphic graph), on this dataset, on a second project, and on generated literals.
* ``dataset.framed.jsonld``: what pyld's ``frame`` makes of ``dataset.jsonld`` with the
  release's ``frame.jsonld`` (derived from the ontology), and as complete as the flat file.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings, strategies as st
from pyld import jsonld

from test_publish import RELEASE_ENV, release  # noqa: F401  (the module's release fixture)

XSD = "http://www.w3.org/2001/XMLSchema#"
FIXTURE = Path(__file__).parent / "fixtures" / "reuse-org"
EXAMPLE = Path(__file__).parent.parent / "examples" / "python-governance"


def _terms(ntriples: str) -> set:
    """The triples of N-Triples text as exact terms (pyoxigraph: "01"^^xsd:integer is not "1")."""
    import pyoxigraph as ox

    return {q.triple for q in ox.parse(ntriples.encode("utf-8"), format=ox.RdfFormat.N_QUADS)}


def nquads(document: dict) -> set:
    """The triples pyld makes of a JSON-LD document."""
    return _terms(jsonld.to_rdf(document, {"format": "application/n-quads"}))


def nt_lines(path: Path) -> set:
    return _terms(path.read_text(encoding="utf-8"))


def _values(node, key):
    """Every value of ``key`` anywhere in a JSON tree."""
    if isinstance(node, dict):
        for k, v in node.items():
            if k == key:
                yield from (v if isinstance(v, list) else [v])
            else:
                yield from _values(v, key)
    elif isinstance(node, list):
        for item in node:
            yield from _values(item, key)


def test_booleans_and_integers_are_json_values(built):
    _, out = built
    doc = json.loads((out / "dataset.jsonld").read_text())
    acknowledged = list(_values(doc["@graph"], "publiclyAcknowledged"))
    assert acknowledged and all(v is False or v is True for v in acknowledged)  # false, not "false"
    paragraphs = list(_values(doc["@graph"], "paragraph"))
    assert paragraphs and all(type(v) is int for v in paragraphs)
    confidences = list(_values(doc["@graph"], "confidence"))  # xsd:decimal stays a string: 0.7 would come back xsd:double
    assert confidences and all(isinstance(v, str) for v in confidences)


def test_pyld_reads_back_exactly_the_ntriples(built):
    _, out = built
    assert nquads(json.loads((out / "dataset.jsonld").read_text())) == nt_lines(out / "dataset.nt")


def test_pyld_reads_back_exactly_the_ntriples_of_a_second_project(tmp_path):
    from ldpub.config import load_project
    from ldpub.pipeline import build_project

    project = tmp_path / "project"
    shutil.copytree(FIXTURE, project)
    _, written = build_project(load_project(project), out_dir=tmp_path / "dist")
    assert written
    out = tmp_path / "dist"
    assert nquads(json.loads((out / "dataset.jsonld").read_text())) == nt_lines(out / "dataset.nt")


# generated literals: canonical and non-canonical lexical forms of the datatypes JSON has values for
LEXICALS = st.one_of(
    st.sampled_from(["true", "false", "1", "0", "TRUE", " true", "-0", "+5", "007", "0", "9007199254740991",
                     "9007199254740992", "-9007199254740991", "-9007199254740992", "1e3", "1.0", "12345678901234567890"]),
    st.integers(-(2**60), 2**60).map(str),
    st.from_regex(r"[+-]?[0-9]{1,20}", fullmatch=True),
    st.text(max_size=8),
)
DATATYPES = st.sampled_from([XSD + "boolean", XSD + "integer", XSD + "decimal", XSD + "double", XSD + "string",
                             XSD + "int", "http://example.org/custom"])
#: how the term of the property is defined in the context: each way a writer must stay lossless under
COERCIONS = st.sampled_from([None, "boolean", "integer", "decimal", "@id", "@language"])


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(lexical=LEXICALS, datatype=DATATYPES, coercion=COERCIONS)
def test_every_literal_round_trips_through_pyld(lexical, datatype, coercion):
    import pyoxigraph as ox

    from ldpub.serialize import write_jsonld

    context: dict = {"@version": 1.1, "ex": "http://example.org/", "xsd": XSD, "id": "@id", "type": "@type"}
    if coercion == "@language":
        context["value"] = {"@id": "ex:value", "@language": "en"}
    elif coercion == "@id":
        context["value"] = {"@id": "ex:value", "@type": "@id"}
    elif coercion:
        context["value"] = {"@id": "ex:value", "@type": f"xsd:{coercion}"}
    triple = ox.Triple(ox.NamedNode("http://example.org/s"), ox.NamedNode("http://example.org/value"),
                       ox.Literal(lexical, datatype=ox.NamedNode(datatype)))
    document = json.loads(write_jsonld([triple], context))
    if datatype == XSD + "double":
        # pyld rewrites an xsd:double *string* in its own canonical form, with 16 digits ("1" -> "1.0E0";
        # digitalbazaar/pyld#202), where JSON-LD 1.1 converts only JSON numbers: the file must keep the
        # lexical form as a string, which is what pyld cannot show
        (node,) = document["@graph"]
        value = node["value"] if "value" in node else node["ex:value"]
        assert value in (lexical, {"@value": lexical, "@type": "xsd:double"}), value
        return
    assert nquads(document) == {triple}


def test_native_values_only_where_lossless():
    from ldpub.serialize import native_value

    assert native_value("false", XSD + "boolean") is False and native_value("true", XSD + "boolean") is True
    assert native_value("1", XSD + "boolean") is None  # "1" is a boolean, but JSON true comes back as "true"
    assert native_value("-7", XSD + "integer") == -7
    for lexical in ("+7", "007", "-0", "9007199254740992", " 7"):
        assert native_value(lexical, XSD + "integer") is None, lexical
    assert native_value("2.5", XSD + "decimal") is None and native_value("7", XSD + "int") is None


# ----------------------------------------------------------------------------- the framed view
def _normal(value):
    """A framed tree with JSON values written as their RDF lexical forms and arrays sorted: pyld's
    compaction keeps "false" a string where ldpub writes false."""
    if isinstance(value, dict):
        return {k: _normal(v) for k, v in value.items() if k != "@context"}
    if isinstance(value, list):
        return sorted((_normal(v) for v in value), key=lambda v: json.dumps(v, sort_keys=True))
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    return value


def _check_framed(folder: Path) -> None:
    flat = json.loads((folder / "dataset.jsonld").read_text())
    frame = json.loads((folder / "frame.jsonld").read_text())
    ours = json.loads((folder / "dataset.framed.jsonld").read_text())
    theirs = jsonld.frame(flat, frame)
    assert _normal(ours["@graph"]) == _normal(theirs["@graph"])
    assert nquads(ours) == nt_lines(folder / "dataset.nt")  # complete: every triple of the release


def test_framed_view_is_what_pyld_frames(release):  # noqa: F811
    out, _, _ = release
    _check_framed(out)
    records = json.loads((out / "dataset.framed.jsonld").read_text())["@graph"]
    pledge = next(r for r in records if r["id"] == "d:pledge-zawahiri-to-akhundzada-2016")
    assert pledge["date"]["earliest"] == "2016-01-01"  # the date node, embedded
    excerpts = pledge["supportedBy"] if isinstance(pledge["supportedBy"], list) else [pledge["supportedBy"]]
    assert all("quote" in e for e in excerpts)  # the excerpts, embedded with their quotes
    assert pledge["pledger"]["label"] == "Ayman al-Zawahiri"  # what it names: identifier, type and label
    assert set(pledge["pledger"]) == {"id", "type", "label"}
    assert not any(r["id"].count("#") and r.get("type") in ("Excerpt", "FuzzyTime") for r in records)


def _release_of(source: Path, tmp_path: Path) -> dict[str, bytes]:
    from ldpub.config import load_project
    from ldpub.output import write_files
    from ldpub.pipeline import compile_project
    from ldpub.release import build_release
    from ldpub.release.settings import load_publish_settings

    project = tmp_path / "project"
    shutil.copytree(source, project, ignore=shutil.ignore_patterns("dist", "releases"))
    build = compile_project(load_project(project))
    assert build.report.conforms
    files = build_release(build, "1.0.0", load_publish_settings(build.project, RELEASE_ENV)).files
    write_files(tmp_path / "1.0.0", files)
    return files


def test_framed_view_of_a_second_project_is_what_pyld_frames(tmp_path):
    """The reuse-org project names its terms only with standard vocabularies: the frame comes from them."""
    files = _release_of(FIXTURE, tmp_path)
    _check_framed(tmp_path / "1.0.0")
    records = json.loads(files["dataset.framed.jsonld"])["@graph"]
    membership = next(r for r in records if r["id"] == "d:ada-lind-chair")
    assert membership["memberDuring"]["hasBeginning"]["inXSDDate"] == "2015-03-01"  # an interval and its instants
    assert membership["member"] == {"id": "d:ada-lind", "type": "Person", "foaf:name": "Ada Lind"}


def test_framed_view_of_the_example_project_is_what_pyld_frames(tmp_path):
    """A third project, in another field, whose ontology declares no domains: the frame stays small."""
    files = _release_of(EXAMPLE, tmp_path)
    _check_framed(tmp_path / "1.0.0")
    assert len(files["frame.jsonld"]) < 64_000


@pytest.mark.parametrize("name", ["dataset.jsonld", "dataset.framed.jsonld"])
def test_release_jsonld_reads_back_exactly(release, name):  # noqa: F811
    out, _, _ = release
    assert nquads(json.loads((out / name).read_text())) == nt_lines(out / "dataset.nt")
