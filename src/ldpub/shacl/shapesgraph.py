"""The shapes graph: its triples indexed by subject, RDF lists, SHACL types, prefix declarations.

Terms are N-Triples text, as in the data graph (:mod:`ldpub.shacl.terms`), so a shape's
constants (``sh:hasValue``, ``sh:in`` members ...) compare with data terms as strings.
"""

from __future__ import annotations

from typing import Iterable

from ..rdfterms import OWL, RDF, RDFS, SH
from .errors import ShapesError
from .graph import ntriples_lines
from .terms import is_literal, literal_parts

__all__ = ["ShapesGraph", "sh", "RDF_TYPE", "RDF_FIRST", "RDF_REST", "RDF_NIL"]


def sh(name: str) -> str:
    """The N-Triples text of a term of the SHACL vocabulary."""
    return f"<{SH}{name}>"


RDF_TYPE = f"<{RDF}type>"
RDF_FIRST = f"<{RDF}first>"
RDF_REST = f"<{RDF}rest>"
RDF_NIL = f"<{RDF}nil>"
SUBCLASS_OF = f"<{RDFS}subClassOf>"
OWL_IMPORTS = f"<{OWL}imports>"


class ShapesGraph:
    """The shapes graph's triples, by subject and predicate (and by object for the few reverse look-ups)."""

    def __init__(self, lines: Iterable) -> None:
        self.lines: list[str] = list(dict.fromkeys(ntriples_lines(lines)))
        self.index: dict[str, dict[str, list[str]]] = {}
        self.reverse: dict[tuple[str, str], list[str]] = {}
        for line in self.lines:
            s, p, o = line.split(" ", 2)
            self.index.setdefault(s, {}).setdefault(p, []).append(o)
            self.reverse.setdefault((p, o), []).append(s)
        self._superclasses: dict[str, frozenset] = {}

    def objects(self, node: str, predicate: str) -> list[str]:
        return self.index.get(node, {}).get(predicate, [])

    def one(self, node: str, predicate: str) -> str | None:
        values = self.objects(node, predicate)
        return values[0] if values else None

    def subjects(self, predicate: str, obj: str) -> list[str]:
        return self.reverse.get((predicate, obj), [])

    def predicates(self, node: str) -> dict[str, list[str]]:
        return self.index.get(node, {})

    def items(self, head: str, owner: str = "", what: str = "a list") -> list[str]:
        """The members of the RDF list starting at ``head`` (a ShapesError if it is not one)."""
        out, seen = [], set()
        while head != RDF_NIL:
            first = self.objects(head, RDF_FIRST)
            rest = self.objects(head, RDF_REST)
            if len(first) != 1 or len(rest) != 1 or head in seen:
                raise ShapesError.about(owner, f"{what} is not a well-formed RDF list")
            seen.add(head)
            out.append(first[0])
            head = rest[0]
        return out

    def superclasses(self, cls: str) -> frozenset:
        """``cls`` and its superclasses by ``rdfs:subClassOf`` in the shapes graph."""
        hit = self._superclasses.get(cls)
        if hit is None:
            seen, stack = {cls}, [cls]
            while stack:
                for parent in self.objects(stack.pop(), SUBCLASS_OF):
                    if parent not in seen:
                        seen.add(parent)
                        stack.append(parent)
            hit = self._superclasses[cls] = frozenset(seen)
        return hit

    def is_a(self, node: str, cls: str) -> bool:
        """Whether ``node`` is a SHACL instance of ``cls`` in the shapes graph (``rdf:type/rdfs:subClassOf*``)."""
        return any(cls in self.superclasses(t) for t in self.objects(node, RDF_TYPE))

    def instances(self, cls: str) -> list[str]:
        """Every SHACL instance of ``cls`` in the shapes graph, in a stable order."""
        classes = {cls}
        stack = [cls]
        while stack:
            for child in self.subjects(SUBCLASS_OF, stack.pop()):
                if child not in classes:
                    classes.add(child)
                    stack.append(child)
        found = {s for c in classes for s in self.subjects(RDF_TYPE, c)}
        return sorted(found)

    def boolean(self, node: str, predicate: str) -> bool:
        """Whether ``node`` has the literal ``true`` (xsd:boolean) for ``predicate``."""
        return any(v == f'"true"^^<{_XSD}boolean>' for v in self.objects(node, predicate))

    def prefixes(self, node: str) -> dict[str, str]:
        """The prefix mappings of a SPARQL constraint, validator or target: the declarations
        reached by ``sh:prefixes/owl:imports*/sh:declare`` (two namespaces for one prefix: an error)."""
        mapping: dict[str, str] = {}
        seen: set[str] = set()
        stack = list(self.objects(node, sh("prefixes")))
        while stack:
            owner = stack.pop()
            if owner in seen:
                continue
            seen.add(owner)
            stack.extend(self.objects(owner, OWL_IMPORTS))
            for declaration in self.objects(owner, sh("declare")):
                prefix, namespace = self.one(declaration, sh("prefix")), self.one(declaration, sh("namespace"))
                if prefix is None or namespace is None or not is_literal(prefix) or not is_literal(namespace):
                    raise ShapesError.about(node, "a prefix declaration (sh:declare) needs one sh:prefix and one "
                                                  "sh:namespace, both literals")
                name, uri = literal_parts(prefix)[0], literal_parts(namespace)[0]
                if mapping.get(name, uri) != uri:
                    raise ShapesError.about(node, f"prefix '{name}:' is declared with two namespaces "
                                                  f"({mapping[name]} and {uri})")
                mapping[name] = uri
        return mapping


_XSD = "http://www.w3.org/2001/XMLSchema#"
