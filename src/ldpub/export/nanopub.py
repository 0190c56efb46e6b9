"""``ldpub export nanopub``: every statement record as a nanopublication, in one TriG file.

A statement record is a top-level record with evidence (the profile's ``evidence`` role). Its
nanopublication ``<base>np/<slug>`` has four named graphs (nanopub guidelines):

* head: the nanopublication, typed ``np:Nanopublication``, names its three graphs;
* assertion: the record's own triples and those of its nested parts (dates, counts, provisions),
  without its evidence;
* provenance: the assertion ``prov:wasDerivedFrom`` each excerpt, the excerpts' quote, source and
  locators, and ``prov:wasAttributedTo`` the parties the source attributes the claim to;
* publication info: the nanopublication ``prov:wasDerivedFrom`` the record, ``dct:license`` when
  the project gives one.
"""

from __future__ import annotations

from .view import DatasetView

__all__ = ["nanopubs_trig", "NP", "nanopub_quads"]

NP = "http://www.nanopub.org/nschema#"
PROV = "http://www.w3.org/ns/prov#"
DCT = "http://purl.org/dc/terms/"
RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"


def statement_records(view: DatasetView) -> list[str]:
    ox = view.ox
    found = set()
    for p in view.profile.of("evidence"):
        found |= {q.subject.value for q in view.store.quads_for_pattern(None, ox.NamedNode(p), None, ox.DefaultGraph())
                  if isinstance(q.subject, ox.NamedNode) and "#" not in q.subject.value}
    return sorted(found)


def nanopub_quads(view: DatasetView, record: str) -> list:
    """The quads of one record's nanopublication."""
    ox = view.ox
    base = view.build.project.base_iri
    this = base + "np/" + record[len(base):] if record.startswith(base) else record + "/np"
    head, assertion, provenance, pubinfo = (ox.NamedNode(this + "#" + g) for g in ("Head", "assertion", "provenance", "pubinfo"))
    np = ox.NamedNode(this)
    evidence_props = view.profile.of("evidence")
    excerpts = {o.value for o in view.role(record, "evidence") if isinstance(o, ox.NamedNode)}
    quads = [ox.Quad(np, ox.NamedNode(RDF_TYPE), ox.NamedNode(NP + "Nanopublication"), head),
             ox.Quad(np, ox.NamedNode(NP + "hasAssertion"), assertion, head),
             ox.Quad(np, ox.NamedNode(NP + "hasProvenance"), provenance, head),
             ox.Quad(np, ox.NamedNode(NP + "hasPublicationInfo"), pubinfo, head)]
    for q in view.store.quads_for_pattern(None, None, None, ox.DefaultGraph()):
        s = q.subject
        if not isinstance(s, ox.NamedNode):
            continue
        own = s.value == record or s.value.startswith(record + "#")
        if own and s.value not in excerpts and q.predicate.value not in evidence_props:
            quads.append(ox.Quad(s, q.predicate, q.object, assertion))
        elif s.value in excerpts:
            quads.append(ox.Quad(s, q.predicate, q.object, provenance))
    for e in sorted(excerpts):
        quads.append(ox.Quad(assertion, ox.NamedNode(PROV + "wasDerivedFrom"), ox.NamedNode(e), provenance))
    for party in view.role(record, "attribution"):
        quads.append(ox.Quad(assertion, ox.NamedNode(PROV + "wasAttributedTo"), party, provenance))
    quads.append(ox.Quad(np, ox.NamedNode(PROV + "wasDerivedFrom"), ox.NamedNode(record), pubinfo))
    license_iri = getattr(getattr(view.build.project, "publish", None), "license", None)
    if isinstance(license_iri, str) and license_iri.startswith("http"):
        quads.append(ox.Quad(np, ox.NamedNode(DCT + "license"), ox.NamedNode(license_iri), pubinfo))
    return quads


def nanopubs_trig(build, *, only_layout: bool = False) -> bytes:
    """All statement records as nanopublications (TriG, deterministic)."""
    import pyoxigraph as ox

    view = DatasetView(build)
    quads = []
    for record in statement_records(view):
        quads.extend(nanopub_quads(view, record))
    quads = sorted(set(quads), key=lambda q: (q.graph_name.value, str(q.subject), str(q.predicate), str(q.object)))
    prefixes = {"np": NP, "prov": PROV, "dct": DCT, **build.prefixes, "this": build.project.base_iri + "np/"}
    return ox.serialize(quads, format=ox.RdfFormat.TRIG, prefixes=prefixes)
