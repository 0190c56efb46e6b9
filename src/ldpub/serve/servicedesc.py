"""Self-descriptions: the SPARQL 1.1 Service Description (at ``/sparql``) and VoID (at ``/void``).

Both are built as triples and written with the format registry, so they negotiate like data.
"""

from __future__ import annotations

from ..iris import dataset_iri
from .dataset import ServedData
from .protocol import GRAPH_FORMATS, RESULT_FORMATS

__all__ = ["service_description", "void_description"]

SD = "http://www.w3.org/ns/sparql-service-description#"
VOID = "http://rdfs.org/ns/void#"
DCT = "http://purl.org/dc/terms/"
FORMATS_NS = "http://www.w3.org/ns/formats/"
_FORMAT_IRIS = {
    "json": "SPARQL_Results_JSON", "xml": "SPARQL_Results_XML", "csv": "SPARQL_Results_CSV",
    "tsv": "SPARQL_Results_TSV", "turtle": "Turtle", "jsonld": "JSON-LD", "ntriples": "N-Triples", "rdfxml": "RDF_XML",
}


def _triples(rows):
    import pyoxigraph as ox

    out = []
    for s, p, o in rows:
        subject = ox.NamedNode(s) if not s.startswith("_:") else ox.BlankNode(s[2:])
        out.append(ox.Triple(subject, ox.NamedNode(p), o))
    return out


def service_description(data: ServedData, endpoint: str) -> list:
    """The SPARQL service description of ``endpoint`` (its absolute URL).

    The default graph is the dataset plus its ontology (as ``ldpub query`` sees them embedded:
    ``dct:source`` names both), with the number of distinct triples; the ontology is also a
    named graph (``sd:NamedGraph``, named by its IRI).
    """
    import pyoxigraph as ox

    from .dataset import ONTOLOGY_BEYOND_DATA

    iri = ox.NamedNode
    integer = iri("http://www.w3.org/2001/XMLSchema#integer")
    rdf_type = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
    rdfs_comment = "http://www.w3.org/2000/01/rdf-schema#comment"
    beyond = _graph_size(data.store, ONTOLOGY_BEYOND_DATA)
    rows = [
        (endpoint, rdf_type, iri(SD + "Service")),
        (endpoint, SD + "endpoint", iri(endpoint)),
        (endpoint, SD + "supportedLanguage", iri(SD + "SPARQL11Query")),
        (endpoint, SD + "defaultDataset", ox.BlankNode("dataset")),
        ("_:dataset", rdf_type, iri(SD + "Dataset")),
        ("_:dataset", SD + "defaultGraph", ox.BlankNode("default")),
        ("_:default", rdf_type, iri(SD + "Graph")),
        ("_:default", VOID + "triples", ox.Literal(str(data.triple_count + beyond), datatype=integer)),
        ("_:default", DCT + "source", iri(dataset_iri(data.base_iri))),
    ]
    if data.ontology_iri:
        rows += [
            ("_:default", DCT + "source", iri(data.ontology_iri)),
            ("_:default", rdfs_comment, ox.Literal("The dataset and its ontology, as ldpub query sees them; "
                                                   "the ontology is also the named graph of its IRI.", language="en")),
            ("_:dataset", SD + "namedGraph", ox.BlankNode("ontology")),
            ("_:ontology", rdf_type, iri(SD + "NamedGraph")),
            ("_:ontology", SD + "name", iri(data.ontology_iri)),
            ("_:ontology", SD + "graph", ox.BlankNode("ontologyGraph")),
            ("_:ontologyGraph", rdf_type, iri(SD + "Graph")),
            ("_:ontologyGraph", VOID + "triples",
             ox.Literal(str(_graph_size(data.store, data.ontology_iri)), datatype=integer)),
        ]
    for name in [*RESULT_FORMATS, *GRAPH_FORMATS]:
        rows.append((endpoint, SD + "resultFormat", iri(FORMATS_NS + _FORMAT_IRIS[name])))
    return _triples(r for r in rows if r)


def _graph_size(store, graph: str) -> int:
    import pyoxigraph as ox

    return sum(1 for _ in store.quads_for_pattern(None, None, None, ox.NamedNode(graph)))


def void_description(data: ServedData, root: str) -> list:
    """VoID for the served dataset; ``root`` is the server's absolute base URL (no trailing slash)."""
    import pyoxigraph as ox

    iri = ox.NamedNode
    integer = iri("http://www.w3.org/2001/XMLSchema#integer")
    dataset = dataset_iri(data.base_iri)
    rdf_type = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
    rows = [
        (dataset, rdf_type, iri(VOID + "Dataset")),
        (dataset, DCT + "title", ox.Literal(data.title)),
        (dataset, VOID + "sparqlEndpoint", iri(root + "/sparql")),
        (dataset, VOID + "uriSpace", ox.Literal(data.base_iri)),
        (dataset, VOID + "triples", ox.Literal(str(data.triple_count), datatype=integer)),
        (dataset, VOID + "entities", ox.Literal(str(len(data.entities())), datatype=integer)),
        (dataset, VOID + "rootResource", iri(root + "/")),
    ]
    for name in ("turtle", "ntriples", "jsonld"):
        rows.append((dataset, VOID + "dataDump", iri(f"{root}/data/dataset.{GRAPH_FORMATS[name].extension}")))
    if data.ontology_iri:
        rows.append((dataset, VOID + "vocabulary", iri(data.ontology_iri)))
    for n, (cls, count) in enumerate(data.classes(), start=1):
        part = f"{dataset}#class-{n}"
        rows += [
            (dataset, VOID + "classPartition", iri(part)),
            (part, VOID + "class", iri(cls.iri)),
            (part, VOID + "entities", ox.Literal(str(count), datatype=integer)),
        ]
    return _triples(rows)
