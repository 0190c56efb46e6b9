"""IRIs of the W3C and ldpub vocabularies that ldpub's own code needs (no rdflib import)."""

from __future__ import annotations

RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
RDFS = "http://www.w3.org/2000/01/rdf-schema#"
OWL = "http://www.w3.org/2002/07/owl#"
XSD = "http://www.w3.org/2001/XMLSchema#"
SKOS = "http://www.w3.org/2004/02/skos/core#"
SH = "http://www.w3.org/ns/shacl#"
DCT = "http://purl.org/dc/terms/"
LDPUB = "https://w3id.org/ldpub/meta#"
# standard vocabularies whose terms pages recognise without annotation (see ldpub.profile)
FOAF = "http://xmlns.com/foaf/0.1/"
ORG = "http://www.w3.org/ns/org#"
PROV = "http://www.w3.org/ns/prov#"
TIME = "http://www.w3.org/2006/time#"
DCAT = "http://www.w3.org/ns/dcat#"
DC11 = "http://purl.org/dc/elements/1.1/"
OA = "http://www.w3.org/ns/oa#"
CITO = "http://purl.org/spar/cito/"
SCHEMA = ("https://schema.org/", "http://schema.org/")  # both are in use
EDTF_DATATYPE = "http://id.loc.gov/datatypes/edtf/EDTF"

RDF_TYPE = RDF + "type"
RDF_LANGSTRING = RDF + "langString"
RDFS_LABEL = RDFS + "label"
SKOS_PREFLABEL = SKOS + "prefLabel"

STANDARD_PREFIXES: dict[str, str] = {
    "rdf": RDF,
    "rdfs": RDFS,
    "owl": OWL,
    "xsd": XSD,
    "skos": SKOS,
    "dct": DCT,
    "sh": SH,
}
