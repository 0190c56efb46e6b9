"""Every named query of both projects, compared between the embedded store and a SPARQL server.

Used by tests/test_query_endpoint.py (a pushed `oxigraph serve`, `ldpub serve`) and
tests/test_virtuoso.py (a pushed Virtuoso). Answers are compared exactly, row by row in the
order the server sent them, after normalising only what SPARQL lets two correct servers
answer differently:

1. **the order of the items of a GROUP_CONCAT** (SPARQL 1.1 section 18.5.1.7 leaves it open):
   the items of such a column are sorted before comparing;
2. **derived datatypes**: a literal of a type derived from xsd:integer (xsd:nonNegativeInteger,
   xsd:int, ...) is compared as the xsd:integer of the same value, an xsd:dateTimeStamp as the
   xsd:dateTime of the same value. Oxigraph (and so the embedded store) returns such values
   with the primitive type, Virtuoso keeps the declared one (friction F15);
3. **lexical forms of one value**: xsd:boolean ``1`` / ``0`` are ``true`` / ``false``
   (Virtuoso writes booleans as 1 and 0);
4. **a GROUP_CONCAT over no value**: unbound (Oxigraph) or the empty string (Virtuoso; Jena
   too). SPARQL 1.1 leaves open whether an unbound value inside an aggregate is an error (so
   the aggregate is unbound) or is left out (so the concatenation is empty); a named query
   cannot avoid it portably, as Virtuoso 7.2 fails to compile ``COALESCE(GROUP_CONCAT(...), "")``
   ("Bad dfe in sqlo_place_exp"). Such a cell is compared as "no value";
5. **blank node labels** (a server names its blank nodes as it likes): compared as "a blank node".

Rows are never re-sorted: every named query has an ORDER BY that orders its rows totally on
this data, so two correct servers send the same sequence.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "examples" / "python-governance"
XSD = "http://www.w3.org/2001/XMLSchema#"

#: Every named query of each project with the parameter values it is compared with: its
#: defaults (``{}``), and two or three values for each query that takes a parameter.
CASES: dict[str, tuple[Path, dict[str, list[dict[str, str]]]]] = {
    "article": (ROOT, {
        "agreements": [{}],
        "contested": [{}],
        "estimates": [{}],
        "events": [{}, {"from": "2019-01-01", "to": "2019-12-31"}, {"from": "2020-01-01"}, {"to": "2000-12-31"}],
        "leaders": [{}, {"group": "al-qaeda"}, {"group": "haqqani-network"}],
        "meetings": [{}],
        "pledges": [{}],
        "relations": [{}],
        "sources": [{"entity": "haibatullah-akhundzada"}, {"entity": "al-qaeda"}, {"entity": "doha-agreement"}],
        "timeline": [{"entity": "al-qaeda"}, {"entity": "asim-umar"}, {"entity": "mullah-omar"}],
    }),
    "governance": (EXAMPLE, {
        "candidates": [{}, {"election": "election-january-2019"}, {"election": "election-2020-term"}],
        "council": [{}, {"term": "first-council-term"}, {"term": "council-term-2026"}],
        "elections": [{}],
        "person": [{"person": "barry-warsaw"}, {"person": "guido-van-rossum"}, {"person": "ee-durbin"}],
        "proposals": [{}],
        "superseded": [{}],
    }),
}

_INTEGER_TYPES = {XSD + t for t in (
    "integer", "nonNegativeInteger", "positiveInteger", "nonPositiveInteger", "negativeInteger", "long", "int",
    "short", "byte", "unsignedLong", "unsignedInt", "unsignedShort", "unsignedByte")}
_BOOLEAN_FORMS = {"1": "true", "0": "false", "true": "true", "false": "false"}


@dataclass(frozen=True)
class Case:
    project: str
    root: Path
    query: str
    params: dict[str, str]

    @property
    def id(self) -> str:
        return f"{self.project}-{self.query}-" + ("-".join(self.params.values()) or "defaults")


def cases(project: str | None = None) -> list[Case]:
    """Every (project, named query, parameters) to compare."""
    return [Case(name, root, query, params) for name, (root, queries) in CASES.items() if project in (None, name)
            for query, values in queries.items() for params in values]


def group_concat_separators(text: str) -> dict[str, str]:
    """``{variable: separator}`` for each ``(... GROUP_CONCAT(... separator="S") ... AS ?variable)``."""
    pattern = r'GROUP_CONCAT\s*\(.*?separator\s*=\s*"([^"]*)".*?\bAS\s+\?(\w+)'
    return {match.group(2): match.group(1) for match in re.finditer(pattern, text, re.I | re.S)}


def cell(term, separator: str | None = None) -> Any:
    """A comparable value of one term (see the module docstring for what is normalised)."""
    import pyoxigraph as ox

    if term is None or (separator is not None and isinstance(term, ox.Literal) and term.value == ""):
        return None  # no value; for a GROUP_CONCAT: over no value (see the module docstring)
    if isinstance(term, ox.BlankNode):
        return ("blank node",)
    if isinstance(term, ox.NamedNode):
        return ("iri", term.value)
    value, datatype = term.value, term.datatype.value
    if separator is not None and value:
        value = separator.join(sorted(value.split(separator)))
    if datatype in _INTEGER_TYPES:
        value, datatype = str(int(value)), XSD + "integer"
    elif datatype == XSD + "dateTimeStamp":
        datatype = XSD + "dateTime"
    elif datatype == XSD + "boolean":
        value = _BOOLEAN_FORMS.get(value, value)
    return ("literal", value, datatype, term.language)


def answers(result, text: str) -> list[tuple]:
    """The rows of a SELECT result as comparable values, in the order sent."""
    separators = group_concat_separators(text)
    return [tuple(cell(term, separators.get(var)) for var, term in zip(result.variables, row)) for row in result.rows]


def compare(case: Case, embedded, remote) -> None:
    """Assert that ``remote`` answers ``case`` exactly as ``embedded`` does (normalised as above)."""
    from ldpub import query

    named = query.named_query(case.root / "queries", case.query)
    here = query.run(named, case.params, target=embedded)
    there = query.run(named, case.params, target=remote)
    assert there.variables == here.variables
    assert here.rows, f"{case.id} found nothing embedded: the comparison would prove nothing"
    expected, got = answers(here, named.text), answers(there, named.text)
    if got != expected:
        raise AssertionError(f"{case.id}: {remote.description} answers differently:\n" + _diff(here.variables, expected, got))


def _diff(variables: list[str], expected: list[tuple], got: list[tuple]) -> str:
    lines = [f"rows: {len(expected)} embedded, {len(got)} on the server"]
    for number, (a, b) in enumerate(zip(expected, got), start=1):
        for var, x, y in zip(variables, a, b):
            if x != y:
                lines.append(f"row {number} ?{var}: embedded {x!r}, server {y!r}")
        if len(lines) > 12:
            break
    return "\n".join(lines)


def embedded_target(root: Path):
    """The project's records built in memory, as ``ldpub query`` queries them by default."""
    from ldpub.config import load_project
    from ldpub.query import EmbeddedTarget

    return EmbeddedTarget.from_project(load_project(root))


def build(root: Path, out: Path) -> Path:
    """The project built into ``out`` (dataset.nt, ontology.ttl, ...)."""
    from ldpub.config import load_project
    from ldpub.pipeline import compile_project, write_build

    write_build(compile_project(load_project(root), validate=False), out)
    return out


def pushed_graphs(root: Path) -> list[str]:
    """Where ``ldpub push`` puts the project's dataset and ontology by default."""
    from ldpub.config import load_project
    from ldpub.iris import dataset_iri
    from ldpub.ontology import load_vocabulary

    project = load_project(root)
    return [dataset_iri(project.base_iri), load_vocabulary(project.ontology_path).ontology_iri]
