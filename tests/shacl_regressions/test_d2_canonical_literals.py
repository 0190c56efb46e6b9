"""D2 (shacl-disagreements.md): SPARQL runs on pyoxigraph's Store, which keeps numeric and
boolean literals in canonical form (``"01"^^xsd:integer`` is stored as ``"1"``).

The results name the data's own literal (fixed); a triple pattern with the constant ``1`` still
matches ``"01"^^xsd:integer`` there (a known limit, in the README), marked xfail.
"""

import pytest

from ldpub.shacl import validate_text

PREFIXES = """@prefix ex: <http://example.org/> . @prefix sh: <http://www.w3.org/ns/shacl#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
"""
DATA = PREFIXES + 'ex:n0 ex:p "01"^^xsd:integer , "1.0"^^xsd:decimal , "1.0E0"^^xsd:double , "0"^^xsd:boolean .'
XSD = "http://www.w3.org/2001/XMLSchema#"


def test_sparql_results_name_the_literal_as_the_data_wrote_it():
    shapes = PREFIXES + """ex:S a sh:NodeShape ; sh:targetNode ex:n0 ;
    sh:sparql [ sh:select "SELECT $this ?value WHERE { $this <http://example.org/p> ?value }" ] ."""
    values = sorted(r.value for r in validate_text(DATA, shapes).results)
    assert values == [f'"0"^^<{XSD}boolean>', f'"01"^^<{XSD}integer>', f'"1.0"^^<{XSD}decimal>', f'"1.0E0"^^<{XSD}double>']


@pytest.mark.xfail(strict=True, reason="pyoxigraph's Store compares numeric literals by value in triple patterns "
                                       "(README: known limits)")
def test_a_pattern_constant_matches_only_the_same_term():
    shapes = PREFIXES + """ex:T a sh:NodeShape ; sh:nodeKind sh:Literal ;
    sh:target [ a sh:SPARQLTarget ; sh:select "SELECT ?this WHERE { ?this ?p 1 }" ] ."""
    assert validate_text(DATA, shapes).conforms
