"""Check a catalog against the official DCAT-AP 3.0.0 SHACL shapes (vendored, CC BY 4.0).

``shapes.ttl`` and ``range.ttl`` are the profile's constraints: a result there is a violation.
``shapes_recommended.ttl`` lists recommended properties: a result there is a warning. The
shapes ship with ldpub (``ldpub/vendor/dcat-ap-3.0.0/``, see its NOTICE.md), so the check
runs offline from a fresh clone.

The check runs on ldpub's own SHACL engine (:mod:`ldpub.shacl`, 120/120 W3C tests), in a
fifth of the time pySHACL took (whose import alone was half a second of every publish);
``tests/test_publish.py`` compares the two on good and broken catalogs. One erratum of the
official 3.0.0 files is read as meant: ``shapes.ttl`` checks the dates of a dataset with
``sh:shape :DateOrDateTimeDataType_Shape``, a term SHACL does not have (pySHACL ignores it, so
the date check never ran; ldpub's engine refuses unknown terms); it is read as ``sh:node``,
the SHACL term for "the value conforms to this shape".
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from pathlib import Path

__all__ = ["DcatApResult", "check_dcat_ap", "SHAPES_DIR", "MANDATORY", "RECOMMENDED"]

SHAPES_DIR = Path(str(resources.files("ldpub") / "vendor" / "dcat-ap-3.0.0"))
MANDATORY = ("shapes.ttl", "range.ttl")
RECOMMENDED = ("shapes_recommended.ttl",)


@dataclass(frozen=True, order=True)
class DcatApResult:
    """One SHACL result: severity (violation/warning), focus node, path, message and shape file."""

    severity: str
    focus: str
    path: str
    message: str
    shapes: str

    def render(self) -> str:
        return f"DCAT-AP {self.severity}: <{self.focus}> {self.path}: {self.message} ({self.shapes})"


# what a result means when the shape gives no message of its own (by constraint component)
_MEANING = {
    "MinCount": "fewer values than DCAT-AP asks for",
    "MaxCount": "more values than DCAT-AP allows",
    "Class": "a value is not of the class DCAT-AP asks for",
    "NodeKind": "a value is not of the kind DCAT-AP asks for (IRI, blank node or literal)",
    "Datatype": "a value has another datatype than DCAT-AP asks for",
    "Node": "a value does not conform to the shape DCAT-AP asks for",
    "Or": "a value is none of the alternatives DCAT-AP allows",
}


@lru_cache(maxsize=None)
def _shapes(name: str) -> str:
    """The text of a vendored shapes file, with the 3.0.0 erratum read as meant (module docstring)."""
    text = (SHAPES_DIR / name).read_text(encoding="utf-8")
    return re.sub(r"\bsh:shape\b", "sh:node", text) if name == "shapes.ttl" else text


def _curie(iri: str) -> str:
    from .rdf import NS

    for prefix, namespace in sorted(NS.items(), key=lambda kv: -len(kv[1])):
        if iri.startswith(namespace) and len(iri) > len(namespace):
            return f"{prefix}:{iri[len(namespace):]}"
    return f"<{iri}>"


def _results(catalog: str, name: str, severity: str) -> list[DcatApResult]:
    from ..shacl import validate_text
    from ..shacl.terms import display

    out = []
    for result in validate_text(catalog, _shapes(name)).results:
        component = result.component[1:-1].rsplit("#", 1)[-1].removesuffix("ConstraintComponent")
        message = result.message() or _MEANING.get(component, f"fails sh:{component[:1].lower()}{component[1:]}")
        if result.value is not None:
            message += f" (value: {display(result.value)})"
        path = _curie(result.path_iri) if result.path_iri else (result.path.sparql() if result.path else "")
        out.append(DcatApResult(severity, display(result.focus), path, message, name))
    return out


def check_dcat_ap(catalog_turtle: bytes) -> list[DcatApResult]:
    """Every DCAT-AP 3.0.0 result for a catalog (Turtle bytes), sorted: violations, then warnings."""
    catalog = catalog_turtle.decode("utf-8")
    results = []
    for name in MANDATORY:
        results += _results(catalog, name, "violation")
    for name in RECOMMENDED:
        results += _results(catalog, name, "warning")
    return sorted(set(results), key=lambda r: (r.severity != "violation", r.focus, r.path, r.message))
