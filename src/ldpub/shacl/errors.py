"""Errors of the SHACL engine, in ldpub's one error tree (:mod:`ldpub.errors`).

    OntologyError
    └── ShapesError     the shapes graph cannot be used: ill-formed, a feature no engine here
                        interprets (sh:js, SHACL-AF rules), SPARQL the specification forbids,
                        a SPARQL error, recursion; it names the shape (exit code 2)
"""

from __future__ import annotations

from ..errors import Location, OntologyError, Problem

__all__ = ["ShapesError"]


def _show(node: str) -> str:
    """A node as a message names it: the IRI, or the blank node label."""
    if not node:
        return "the shapes graph"
    return node[1:-1] if node.startswith("<") else node


class ShapesError(OntologyError):
    """The shapes graph is ill-formed or asks for something this engine refuses (a SHACL failure)."""

    def __init__(self, problems, shape: str | None = None) -> None:
        super().__init__(problems)
        self.shape = shape

    @classmethod
    def about(cls, node: str | None, message: str, hint: str | None = None, file: str | None = None) -> "ShapesError":
        """An error naming the shape (or other node of the shapes graph) it is about."""
        text = f"shape {_show(node or '')}: {message}" if node else message
        return cls(Problem(text, Location(file), hint, rule="shacl-failure"), shape=node)
