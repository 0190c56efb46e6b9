"""SHACL features the W3C suite does not test, each on a small graph (shapes and data inline)."""

from __future__ import annotations

import pytest

from ldpub.shacl import ShapesError, validate_text

PREFIXES = """@prefix ex: <http://example.org/> .
@prefix sh: <http://www.w3.org/ns/shacl#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
ex: sh:declare [ sh:prefix "ex" ; sh:namespace "http://example.org/"^^xsd:anyURI ] .
"""
SH = "http://www.w3.org/ns/shacl#"


def check(data: str, shapes: str):
    return validate_text(PREFIXES + data, PREFIXES + shapes)


def found(report) -> set[tuple]:
    return {(r.focus.removeprefix("<http://example.org/").rstrip(">"), r.component[len(SH) + 1:-1], r.value)
            for r in report.results}


def test_sparql_target_selects_the_focus_nodes():
    report = check("ex:a ex:age 15 . ex:b ex:age 40 . ex:c ex:name \"c\" .", """
ex:AdultShape a sh:NodeShape ;
    sh:target [ a sh:SPARQLTarget ; sh:prefixes ex: ;
                sh:select "SELECT ?this WHERE { ?this ex:age ?age FILTER(?age >= 18) }" ] ;
    sh:property [ sh:path ex:name ; sh:minCount 1 ] .""")
    assert found(report) == {("b", "MinCountConstraintComponent", None)}


def test_sparql_target_type_with_a_parameter():
    report = check("ex:a ex:age 15 . ex:b ex:age 40 .", """
ex:OlderThan a sh:SPARQLTargetType ; rdfs:subClassOf sh:Target ;
    sh:parameter [ sh:path ex:limit ] ; sh:prefixes ex: ;
    sh:select "SELECT ?this WHERE { ?this ex:age ?age FILTER(?age > $limit) }" .
ex:S a sh:NodeShape ; sh:target [ a ex:OlderThan ; ex:limit 20 ] ; sh:property [ sh:path ex:name ; sh:minCount 1 ] .""")
    assert found(report) == {("b", "MinCountConstraintComponent", None)}


def test_literal_focus_nodes_of_target_objects_of():
    report = check('ex:a ex:code "AB-1", "x" .', """
ex:CodeShape a sh:NodeShape ; sh:targetObjectsOf ex:code ; sh:pattern "^[A-Z]+-[0-9]+$" .""")
    assert [r.focus for r in report.results] == ['"x"']


def test_sparql_value_is_the_datas_own_literal_not_the_stores_canonical_form():
    report = check('ex:a ex:age "4.0"^^xsd:decimal, "01"^^xsd:integer .', """
ex:S a sh:NodeShape ; sh:targetNode ex:a ;
    sh:sparql [ sh:prefixes ex: ; sh:select "SELECT $this ?value WHERE { $this ex:age ?value FILTER(?value > 0) }" ] .""")
    assert sorted(r.value for r in report.results) == [
        '"01"^^<http://www.w3.org/2001/XMLSchema#integer>', '"4.0"^^<http://www.w3.org/2001/XMLSchema#decimal>']


def test_messages_keep_their_language_and_fill_in_this_and_value():
    report = check('ex:a ex:age "old" .', """
ex:S a sh:NodeShape ; sh:targetNode ex:a ;
    sh:property [ sh:path ex:age ; sh:datatype xsd:integer ;
                  sh:message "{$this}: age {?value} is not a number"@en, "{$this}: Alter {?value} ist keine Zahl"@de ] .""")
    [result] = report.results
    assert sorted(result.messages) == ['"http://example.org/a: Alter old ist keine Zahl"@de',
                                       '"http://example.org/a: age old is not a number"@en']
    assert result.message("de") == "http://example.org/a: Alter old ist keine Zahl"


def test_sparql_message_variables_and_severity_of_the_shape():
    report = check("ex:a ex:low 5 ; ex:high 3 .", """
ex:S a sh:NodeShape ; sh:targetNode ex:a ; sh:severity sh:Warning ;
    sh:sparql [ sh:prefixes ex: ; sh:message "high {?value} is below low {?low}" ;
                sh:select "SELECT $this ?value ?low WHERE { $this ex:low ?low ; ex:high ?value FILTER(?value < ?low) }" ] .""")
    [result] = report.results
    assert result.message() == "high 3 is below low 5" and result.severity_name == "warning"
    assert not report.conforms  # a warning is a result: SHACL's conforms is false


def test_a_shape_reached_again_for_the_same_node_is_recursion_an_error():
    with pytest.raises(ShapesError, match="recursive shape"):
        check("ex:a ex:knows ex:b . ex:b ex:knows ex:a .", """
ex:S a sh:NodeShape ; sh:targetNode ex:a ; sh:property [ sh:path ex:knows ; sh:node ex:S ] .""")


def test_a_shape_used_again_along_a_chain_of_nodes_is_fine():
    report = check("ex:a ex:knows ex:b . ex:b ex:knows ex:c . ex:c ex:name 1 .", """
ex:S a sh:NodeShape ; sh:targetNode ex:a ;
    sh:or ( [ sh:path ex:name ; sh:minCount 1 ] [ sh:path ex:knows ; sh:minCount 1 ; sh:node ex:S ] ) .""")
    assert report.conforms


def test_nested_results_reached_twice_are_reported_twice():
    """Two focus nodes share a value: the nested property shape's result comes once for each."""
    report = check("ex:a ex:p ex:v . ex:b ex:p ex:v .", """
ex:S a sh:NodeShape ; sh:targetNode ex:a, ex:b ;
    sh:property [ sh:path ex:p ; sh:property [ sh:path ex:q ; sh:minCount 1 ] ] .""")
    assert [(r.focus, r.component) for r in report.results] == [
        ("<http://example.org/v>", f"<{SH}MinCountConstraintComponent>")] * 2


def test_deactivated_shapes_and_sparql_constraints_are_skipped():
    report = check("ex:a ex:p 1 .", """
ex:S a sh:NodeShape ; sh:targetNode ex:a ; sh:deactivated true ; sh:class ex:Nothing .
ex:T a sh:NodeShape ; sh:targetNode ex:a ;
    sh:sparql [ sh:deactivated true ; sh:select "SELECT $this WHERE { }" ] .""")
    assert report.conforms


def test_blank_node_focus_nodes_in_sparql_constraints_are_the_datas_nodes():
    report = check("[] a ex:Thing ; ex:count 13 . ex:b a ex:Thing ; ex:count 2 .", """
ex:S a sh:NodeShape ; sh:targetClass ex:Thing ;
    sh:sparql [ sh:prefixes ex: ; sh:select "SELECT $this ?value WHERE { $this ex:count ?value FILTER(?value = 13) }" ] .""")
    [result] = report.results
    assert result.focus.startswith("_:") and result.value == '"13"^^<http://www.w3.org/2001/XMLSchema#integer>'


def test_select_validator_with_path_and_parameters_on_a_property_shape():
    report = check('ex:a ex:label "Hallo"@de, "Hello"@en .', """
ex:LangComponent a sh:ConstraintComponent ;
    sh:parameter [ sh:path ex:lang ] ;
    sh:propertyValidator [ a sh:SPARQLSelectValidator ; sh:message "not in {$lang}" ;
        sh:select "SELECT $this ?value WHERE { $this $PATH ?value FILTER(!langMatches(lang(?value), $lang)) }" ] .
ex:S a sh:NodeShape ; sh:targetNode ex:a ; sh:property [ sh:path ex:label ; ex:lang "de" ] .""")
    [result] = report.results
    assert result.value == '"Hello"@en' and result.message() == "not in de"
    assert result.component == "<http://example.org/LangComponent>" and result.path_iri == "http://example.org/label"


def test_a_component_without_a_validator_for_the_shape_kind_is_an_error():
    with pytest.raises(ShapesError, match="has no validator for node shapes"):
        check("ex:a ex:p 1 .", """
ex:C a sh:ConstraintComponent ; sh:parameter [ sh:path ex:flag ] ;
    sh:propertyValidator [ sh:select "SELECT $this WHERE { }" ] .
ex:S a sh:NodeShape ; sh:targetNode ex:a ; ex:flag true .""")


def test_a_sparql_failure_binding_is_an_error():
    with pytest.raises(ShapesError, match="failure"):
        check("ex:a ex:p 1 .", """
ex:S a sh:NodeShape ; sh:targetNode ex:a ;
    sh:sparql [ sh:select "SELECT $this ?failure WHERE { BIND(true AS ?failure) }" ] .""")


def test_complex_result_paths_are_written_as_shacl_paths():
    report = check("ex:b ex:p ex:a .", """
ex:S a sh:NodeShape ; sh:targetNode ex:a ; sh:property [ sh:path [ sh:inversePath ex:p ] ; sh:maxCount 0 ] .""")
    [result] = report.results
    assert result.path.sparql() == "^(<http://example.org/p>)"
    assert "sh:resultPath [" in report.to_turtle() or "sh:inversePath" in report.to_turtle()


@pytest.mark.parametrize("value,active", [('"true"^^xsd:boolean', True), ("true", True), ('"1"^^xsd:boolean', False),
                                          ('"true"', False)])
def test_only_the_literal_true_activates_unique_lang(value, active):
    report = check('ex:a ex:label "x"@en, "y"@en .', f"""
ex:S a sh:NodeShape ; sh:targetNode ex:a ; sh:property [ sh:path ex:label ; sh:uniqueLang {value} ] .""")
    assert report.conforms is not active


def test_ill_formed_literals_fail_their_datatype():
    report = check('ex:a ex:v "c"^^xsd:byte, "300"^^xsd:byte, "12"^^xsd:byte, "2020-02-30"^^xsd:date, "none"^^xsd:boolean .', """
ex:S a sh:NodeShape ; sh:targetNode ex:a ;
    sh:property [ sh:path ex:v ; sh:or ( [ sh:datatype xsd:byte ] [ sh:datatype xsd:date ] [ sh:datatype xsd:boolean ] ) ] .""")
    assert {r.value.split("^^")[0] for r in report.results} == {'"c"', '"300"', '"2020-02-30"', '"none"'}


def test_a_mistyped_path_term_is_named_with_the_right_one():
    """frictions.md F8: ``sh:inverseOf`` for ``sh:inversePath`` ended in a pySHACL traceback."""
    with pytest.raises(ShapesError, match=r"sh:inverseOf is not a SHACL path term \(did you mean 'inversePath'\?\)"):
        check("ex:a ex:p ex:b .", """
ex:S a sh:NodeShape ; sh:targetNode ex:b ; sh:property [ sh:path [ sh:inverseOf ex:p ] ; sh:minCount 1 ] .""")


def test_year_month_and_date_time_stamp_literals_are_checked_by_their_lexical_space():
    """frictions.md F5: ``"2018-07-01"^^xsd:gYearMonth`` and a dateTimeStamp without a zone are ill-formed."""
    report = check('ex:a ex:month "2018-07-01"^^xsd:gYearMonth, "2018-07"^^xsd:gYearMonth ; '
                   'ex:at "2019-01-21T12:00:00"^^xsd:dateTimeStamp, "2019-01-21T12:00:00Z"^^xsd:dateTimeStamp .', """
ex:S a sh:NodeShape ; sh:targetNode ex:a ;
    sh:property [ sh:path ex:month ; sh:datatype xsd:gYearMonth ] ;
    sh:property [ sh:path ex:at ; sh:datatype xsd:dateTimeStamp ] .""")
    assert sorted(r.value.split("^^")[0] for r in report.results) == ['"2018-07-01"', '"2019-01-21T12:00:00"']


def test_shapes_nesting_too_deeply_through_the_data_is_an_error_not_a_traceback():
    chain = " ".join(f"ex:n{i} ex:next ex:n{i + 1} ." for i in range(3000))
    with pytest.raises(ShapesError, match="nest too deeply"):
        check(chain, """
ex:S a sh:NodeShape ; sh:targetNode ex:n0 ; sh:property [ sh:path ex:next ; sh:node ex:S ] .""")
