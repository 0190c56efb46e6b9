"""pySHACL as the reference engine of the differential test, its known deviations corrected.

The same pyoxigraph terms become an rdflib graph (blank node labels and literal lexical forms
kept), pySHACL validates it, and its report graph is read by :func:`shacl_reports.report_verdict`.
Where pySHACL departs from the spec in a way the strategies cannot avoid, a referee replaces
the part (see below); every deviation is listed in tests/test_shacl_differential.py.
"""

from __future__ import annotations

import logging
import warnings

import pyoxigraph as ox

from shacl_reports import Verdict, report_verdict

XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"


def _to_rdflib(term):
    import rdflib

    if isinstance(term, ox.NamedNode):
        return rdflib.URIRef(term.value)
    if isinstance(term, ox.BlankNode):
        return rdflib.BNode(term.value)
    if term.language:
        return rdflib.Literal(term.value, lang=term.language, normalize=False)
    if term.datatype.value == XSD_STRING:
        return rdflib.Literal(term.value, normalize=False)
    return rdflib.Literal(term.value, datatype=rdflib.URIRef(term.datatype.value), normalize=False)


def _from_rdflib(term):
    import rdflib

    if isinstance(term, rdflib.URIRef):
        return ox.NamedNode(str(term))
    if isinstance(term, rdflib.BNode):
        return ox.BlankNode(str(term))
    if term.language:
        return ox.Literal(str(term), language=term.language)
    return ox.Literal(str(term), datatype=ox.NamedNode(str(term.datatype)) if term.datatype else None)


def rdflib_graph(triples: list):
    """The same triples as an rdflib Graph, blank node labels and literal lexical forms kept."""
    import rdflib

    graph = rdflib.Graph()
    for s, p, o in triples:
        graph.add((_to_rdflib(s), _to_rdflib(p), _to_rdflib(o)))
    return graph


# pySHACL orders literals with rdflib's total order (an integer is "less" than a date, a
# language-tagged string compares with a plain one) and raises on blank nodes in sh:lessThan,
# where SHACL defines these components by SPARQL's operators (§4.3 value range, §4.5.3-4
# sh:lessThan, sh:lessThanOrEquals), for which terms SPARQL cannot compare are a type error and
# so a violation. The referee below gives pySHACL SPARQL 1.1's answer (§17.3, the operator
# table): numbers, strings (simple literals and xsd:string), booleans and xsd:dateTime compare
# among themselves; xsd:date and xsd:time too (an extension §17.3.1 allows, which every SHACL
# engine makes); anything else is a type error: IRIs, blank nodes, language-tagged strings,
# unknown datatypes and ill-typed literals, even compared with themselves (pyoxigraph's own
# operators extend to some of those and read "0"^^xsd:boolean wrongly, so they only order two
# terms of one category here). Listed in tests/test_shacl_differential.py (PYSHACL_DEVIATIONS).
_XSD = "http://www.w3.org/2001/XMLSchema#"
_CATEGORIES = {
    **{_XSD + t: "numeric" for t in (
        "integer", "decimal", "float", "double", "long", "int", "short", "byte", "nonNegativeInteger",
        "positiveInteger", "negativeInteger", "nonPositiveInteger", "unsignedLong", "unsignedInt",
        "unsignedShort", "unsignedByte")},
    _XSD + "string": "string", _XSD + "boolean": "boolean", _XSD + "dateTime": "dateTime",
    _XSD + "date": "date", _XSD + "time": "time",
}
_ORDER_STORE = None


def _category(term) -> str | None:
    """Which of SPARQL's ordered value spaces an rdflib term is in (None: none)."""
    import rdflib

    if not isinstance(term, rdflib.Literal) or term.language or term.ill_typed:
        return None
    return _CATEGORIES.get(str(term.datatype or rdflib.XSD.string))


def sparql_holds(left, operator: str, right) -> bool:
    """Whether ``left <operator> right`` is true in SPARQL 1.1 (an error is not true); rdflib terms."""
    import operator as op

    global _ORDER_STORE
    category = _category(left)
    if category is None or category != _category(right):
        return False
    if category == "boolean":
        compare = {"<": op.lt, "<=": op.le, ">": op.gt, ">=": op.ge, "=": op.eq}[operator]
        return compare(bool(left.value), bool(right.value))
    if _ORDER_STORE is None:
        _ORDER_STORE = ox.Store()
    return bool(_ORDER_STORE.query(f"ASK {{ FILTER ({_from_rdflib(left)} {operator} {_from_rdflib(right)}) }}"))


def _referee_compare_literal(left, right) -> int:
    """pySHACL's ``compare_literal`` with SPARQL's answer; TypeError where SPARQL has none."""
    if sparql_holds(left, "=", right):
        return 0
    if sparql_holds(left, ">", right):
        return 1
    if sparql_holds(left, "<", right):
        return -1
    raise TypeError("incomparable in SPARQL")


def _referee_pairs(operator: str):
    """pySHACL's sh:lessThan/sh:lessThanOrEquals pair check with SPARQL's operator: one result
    per failing (value, other value) pair (§4.5.3)."""

    def compare(self, value_node_set, compare_values, datagraph, focus):
        reports = []
        for value in value_node_set:
            for other in compare_values:
                if not sparql_holds(value, operator, other):
                    reports.append(self.make_v_result(datagraph, focus, value_node=value))
        return bool(reports), reports

    return compare


def _install_referee() -> None:
    from pyshacl.constraints.core import property_pair_constraints as pairs
    from pyshacl.constraints.core import value_range_constraints as ranges

    ranges.compare_literal = _referee_compare_literal
    pairs.LessThanConstraintComponent._compare_lt = _referee_pairs("<")
    pairs.LessThanOrEqualsConstraintComponent._compare_ltoe = _referee_pairs("<=")


def pyshacl_verdict(data: list, shapes: list) -> Verdict:
    """pySHACL with no inference and advanced features (SPARQL targets), with SPARQL's order
    comparisons. Not ``allow_warnings=True``: it makes a node that only has warnings conform to
    a shape inside ``sh:and``, ``sh:node``... (and ``sh:conforms`` true), where SHACL's
    conformance means no results of any severity (§2.3, §3.6.1)."""
    import pyshacl

    _install_referee()
    logging.getLogger("rdflib.term").setLevel(logging.CRITICAL)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            _, report, _ = pyshacl.validate(
                rdflib_graph(data), shacl_graph=rdflib_graph(shapes), inference="none", advanced=True,
                allow_warnings=False,
            )
        except Exception as exc:  # pySHACL refuses the shapes: compared with ldpub refusing them
            return Verdict(conforms=None, error=f"{type(exc).__name__}: {exc}")
    if isinstance(report, Exception):  # a failure reported rather than raised (e.g. forbidden SPARQL)
        return Verdict(conforms=None, error=f"{type(report).__name__}: {report}")
    return report_verdict([ox.Triple(*(_from_rdflib(t) for t in triple)) for triple in report])
