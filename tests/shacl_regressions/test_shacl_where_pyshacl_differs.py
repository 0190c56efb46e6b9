"""The spec's answer on the cases the differential test cannot ask pySHACL about.

Each case here is one of ``PYSHACL_DEVIATIONS`` in tests/test_shacl_differential.py: pySHACL 0.40
answers it against the SHACL spec, so the differential test keeps it out; ldpub's answer is pinned
here, with the section of the spec that decides it.
"""

from __future__ import annotations

V, W = "sh:Violation", "sh:Warning"


def test_a_blank_node_fails_min_length_zero(check):
    # §4.4.1: a result for each value node shorter than $minLength "or where v is a blank node"
    assert check("_:b1 ex:p 1 .", "ex:S a sh:NodeShape ; sh:targetSubjectsOf ex:p ; sh:minLength 0 .") == [
        ("_:blank", None, "_:blank", "sh:MinLengthConstraintComponent", V)
    ]


def test_a_node_with_only_warnings_does_not_conform_to_a_nested_shape(check):
    # §2.3 conformance: no validation results, of any severity
    shapes = """ex:S a sh:NodeShape ; sh:targetNode ex:n0 ;
        sh:and ( [ sh:path ex:p ; sh:minCount 1 ; sh:severity sh:Warning ] ) ."""
    assert check("ex:n0 ex:q 1 .", shapes) == [("ex:n0", None, "ex:n0", "sh:AndConstraintComponent", V)]


def test_incomparable_values_violate_range_constraints(check):
    # §4.3: a result where `$value < $maxExclusive` does not return true; SPARQL has no < between
    # a date or a boolean and a number, nor between a language-tagged string and a plain one
    data = 'ex:n0 ex:p "2020-01-01"^^xsd:date , true , 0 , "a"@en , "a" .'
    shapes = """ex:S a sh:NodeShape ; sh:targetNode ex:n0 ;
        sh:property [ sh:path ex:p ; sh:maxExclusive 1 ] .
        ex:T a sh:NodeShape ; sh:targetNode ex:n0 ; sh:property [ sh:path ex:p ; sh:maxInclusive "b" ] ."""
    got = check(data, shapes)
    assert [r[2] for r in got if r[3] == "sh:MaxExclusiveConstraintComponent"] == sorted(
        ['"2020-01-01"^^<http://www.w3.org/2001/XMLSchema#date>', '"true"^^<http://www.w3.org/2001/XMLSchema#boolean>',
         '"a"@en', '"a"']
    )
    assert [r[2] for r in got if r[3] == "sh:MaxInclusiveConstraintComponent"] == sorted(
        ['"2020-01-01"^^<http://www.w3.org/2001/XMLSchema#date>', '"true"^^<http://www.w3.org/2001/XMLSchema#boolean>',
         '"0"^^<http://www.w3.org/2001/XMLSchema#integer>', '"a"@en']
    )


def test_less_than_with_blank_nodes_and_iris_is_a_violation(check):
    # §4.5.3: SPARQL's <; a blank node or IRI cannot be compared: one result per failing pair
    data = "ex:n0 ex:p _:b1 , ex:a , 1 ; ex:q 2 , ex:z ."
    shapes = "ex:S a sh:NodeShape ; sh:targetNode ex:n0 ; sh:property [ sh:path ex:p ; sh:lessThan ex:q ] ."
    got = [(r[2], r[3]) for r in check(data, shapes)]
    component = "sh:LessThanConstraintComponent"
    assert got == sorted([("_:blank", component)] * 2 + [("ex:a", component)] * 2 + [('"1"^^<http://www.w3.org/2001/XMLSchema#integer>', component)])


def test_empty_logical_lists(check):
    # §4.6: sh:and () holds for every node, sh:or () and sh:xone () for none
    shapes = """ex:S a sh:NodeShape ; sh:targetNode ex:n0 ; sh:and () .
        ex:T a sh:NodeShape ; sh:targetNode ex:n0 ; sh:or () ; sh:xone () ."""
    assert [r[3] for r in check("ex:n0 ex:p 1 .", shapes)] == ["sh:OrConstraintComponent", "sh:XoneConstraintComponent"]


def test_sparql_path_of_nested_inverse_and_modifiers(check):
    # SHACL-SPARQL §5.3.1: $PATH is the path in SPARQL syntax; ^(^p) is p and (p*)+ is p*
    data = "ex:n0 ex:p ex:n1 ."
    query = 'sh:sparql [ sh:select "SELECT $this ?value WHERE { $this $PATH ?value }" ]'
    shapes = f"""ex:S a sh:PropertyShape ; sh:targetNode ex:n0 ; sh:path [ sh:inversePath [ sh:inversePath ex:p ] ] ; {query} .
        ex:T a sh:PropertyShape ; sh:targetNode ex:n0 ; sh:path [ sh:oneOrMorePath [ sh:zeroOrMorePath ex:p ] ] ; {query} ."""
    got = [(r[0], r[2]) for r in check(data, shapes)]
    assert got == [("ex:n0", "ex:n0"), ("ex:n0", "ex:n1"), ("ex:n0", "ex:n1")]


def test_an_ask_validator_reports_the_value_node(check):
    # SHACL-SPARQL §6.3: an ASK validator's solution binds $value to the value node v (sh:value)
    shapes = """ex:NotEqual a sh:ConstraintComponent ; sh:parameter [ sh:path ex:notEqual ] ;
            sh:validator [ a sh:SPARQLAskValidator ; sh:ask "ASK { FILTER (!sameTerm($value, $notEqual)) }" ] .
        ex:S a sh:NodeShape ; sh:targetNode ex:n0 ; sh:property [ sh:path ex:p ; ex:notEqual "a" ] ."""
    assert check('ex:n0 ex:p "a" , "b" .', shapes) == [("ex:n0", "ex:p", '"a"', "ex:NotEqual", V)]


_MAX_LEN = """ex:MaxLen a sh:ConstraintComponent ; sh:parameter [ sh:path ex:maxLen ] ;
    sh:nodeValidator [ a sh:SPARQLSelectValidator ;
        sh:select "SELECT $this WHERE { FILTER (isLiteral($this) && STRLEN(STR($this)) > $maxLen) }" ] ;
    sh:propertyValidator [ a sh:SPARQLSelectValidator ;
        sh:select "SELECT $this ?value WHERE { $this $PATH ?value . FILTER (STRLEN(STR(?value)) > $maxLen) }" ] .
"""


def test_a_literal_read_as_false_is_still_a_focus_node(check):
    # SHACL-SPARQL §6.3: every solution is a result, whatever the term bound to $this
    shapes = _MAX_LEN + 'ex:S a sh:NodeShape ; sh:targetNode "0"^^xsd:boolean ; ex:maxLen 0 .'
    boolean = '"0"^^<http://www.w3.org/2001/XMLSchema#boolean>'
    assert check('ex:n0 ex:p "0"^^xsd:boolean .', shapes) == [(boolean, None, boolean, "ex:MaxLen", V)]


def test_each_value_of_a_component_parameter_is_a_constraint(check):
    # SHACL-SPARQL §6.3, SHACL §3.6: two constraints, two results for a value failing both
    shapes = _MAX_LEN + "ex:S a sh:PropertyShape ; sh:targetNode ex:n0 ; sh:path ex:p ; ex:maxLen 0 , 1 ."
    assert check("ex:n0 ex:p ex:n1 .", shapes) == [("ex:n0", "ex:p", "ex:n1", "ex:MaxLen", V)] * 2


def test_pre_binding_joins_so_an_absent_focus_node_has_no_zero_length_path(check):
    # SHACL-SPARQL Appendix A: $this is pre-bound by joining the pattern with {this: focus}, and
    # `?this ex:p? ?value` ranges over the data graph's nodes: ex:n1 is not one of them. (SHACL
    # Core's value nodes of the same path do include ex:n1 itself, hence the sh:minCount result.)
    shapes = """ex:S a sh:PropertyShape ; sh:targetNode ex:n1 ; sh:path [ sh:zeroOrOnePath ex:p ] ; sh:maxCount 0 ;
        sh:sparql [ sh:select "SELECT $this ?value WHERE { $this $PATH ?value }" ] ."""
    assert check("ex:n0 ex:p ex:n0 .", shapes) == [("ex:n1", "(<http://example.org/p>)?", None, "sh:MaxCountConstraintComponent", V)]


def test_pattern_flag_s_lets_the_dot_match_a_newline(check):
    # §4.4.3: sh:flags are the flags of SPARQL REGEX (XPath fn:matches): "s" is dot-all mode
    shapes = 'ex:S a sh:PropertyShape ; sh:targetNode ex:n0 ; sh:path ex:p ; sh:pattern "^x.y$" ; sh:flags "s" .'
    assert check('ex:n0 ex:p "x\\ny" .', shapes) == []
    no_flag = 'ex:S a sh:PropertyShape ; sh:targetNode ex:n0 ; sh:path ex:p ; sh:pattern "^x.y$" .'
    assert [r[3] for r in check('ex:n0 ex:p "x\\ny" .', no_flag)] == ["sh:PatternConstraintComponent"]


def test_the_inverse_of_a_sequence_walks_it_backwards(check):
    # §2.3.1.4: ^(p/q) reaches x where x p/q focus: from n2, n0; and ex:r/^(q/r) from n2 reaches n1
    data = "ex:n0 ex:p ex:n1 . ex:n1 ex:q ex:n2 . ex:n2 ex:r ex:n0 ."
    shapes = """ex:S a sh:NodeShape ; sh:targetNode ex:n2 ;
        sh:property [ sh:path [ sh:inversePath ( ex:p ex:q ) ] ; sh:in ( ex:n0 ) ; sh:minCount 1 ] ;
        sh:property [ sh:path ( ex:r [ sh:inversePath ( ex:q ex:r ) ] ) ; sh:in ( ex:n1 ) ; sh:minCount 1 ] ."""
    assert check(data, shapes) == []


def test_a_sequence_path_in_a_query_yields_one_solution_per_route(check):
    # SPARQL 1.1 §18.2.2.4: ex:p/ex:p* is a join over a fresh variable, so n1 (reached via n0 and
    # via n1) is two solutions; SHACL-SPARQL §5.3: one result per solution
    shapes = """ex:S a sh:PropertyShape ; sh:targetNode ex:n0 ; sh:path ( ex:p [ sh:zeroOrMorePath ex:p ] ) ;
        sh:sparql [ sh:select "SELECT $this ?value WHERE { $this $PATH ?value }" ] ."""
    got = [r[2] for r in check("ex:n0 ex:p ex:n0 , ex:n1 .", shapes)]
    assert got == ["ex:n0", "ex:n1", "ex:n1"]


def test_a_subquery_returns_this_and_the_parameters_only(check):
    # SHACL-SPARQL Appendix A: subqueries return all potentially pre-bound variables "except
    # shapesGraph and currentShape"; $value is pre-bound in ASK queries only
    shapes = """ex:Other a sh:ConstraintComponent ; sh:parameter [ sh:path ex:other ] ;
            sh:nodeValidator [ a sh:SPARQLSelectValidator ; sh:select
                "SELECT $this WHERE { { SELECT $this $other WHERE { $this ?p ?o . FILTER (?p = $other) } } }" ] .
        ex:S a sh:NodeShape ; sh:targetSubjectsOf ex:p ; ex:other ex:q ."""
    assert check("ex:n0 ex:p 1 ; ex:q 2 . ex:n1 ex:p 3 .", shapes) == [("ex:n0", None, "ex:n0", "ex:Other", V)]
