"""Shapes and constraints as the engine runs them (read from the shapes graph by :mod:`.shapes`)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Callable, Protocol

from ..ntriples import literal
from .paths import Path
from .report import ValidationResult
from .terms import display

if TYPE_CHECKING:
    from .graph import DataGraph
    from .shapesgraph import ShapesGraph
    from .valuenodes import ValueNodes

__all__ = ["Shape", "Constraint", "Context", "Found", "DEFAULT_PATH"]

Found = list[tuple[str, ValidationResult]]  # (the focus node of the batch it belongs to, the result)
DEFAULT_PATH: Any = object()  # "the shape's own path"
_TEMPLATE = re.compile(r"\{[?$]([A-Za-z_][A-Za-z0-9_]*)\}")


class Context(Protocol):
    """What a constraint evaluator may ask of the engine."""

    graph: "DataGraph"
    shapes: "ShapesGraph"

    def shape(self, node: str) -> "Shape": ...

    def evaluate(self, shape: "Shape", focus) -> Found: ...

    def failing(self, shape_node: str, nodes) -> set[str]: ...


@dataclass(eq=False)
class Constraint:
    """One constraint of a shape: a component with its parameter values."""

    component: str  # the component IRI (N-Triples text)
    params: dict[str, str]  # parameter IRI text -> value term
    evaluate: Callable[["Context", "Shape", "Constraint", "ValueNodes"], Found]
    message: str = ""  # the default message, in ldpub's words (shapes' own sh:message win)
    data: Any = None  # what the component compiled from the parameters (a regex, a list ...)
    node: str | None = None  # sh:sourceConstraint (the sh:sparql value)
    messages: tuple[str, ...] = ()  # messages of the constraint itself (SPARQL constraints, validators)
    sparql: bool = False  # runs SPARQL queries (may run on the Store's thread)


@dataclass(eq=False)
class Shape:
    """A node shape (``path`` None) or a property shape."""

    node: str
    path: Path | None
    severity: str
    messages: tuple[str, ...]
    deactivated: bool
    constraints: list[Constraint] = field(default_factory=list)

    def result(self, constraint: Constraint, focus: str, value: str | None = None, path: Any = DEFAULT_PATH,
               messages: tuple[str, ...] | None = None, bindings: dict[str, str] | None = None) -> ValidationResult:
        """A result of ``constraint`` on ``focus``: messages from the given ones, the shape's or the
        constraint's own, with ``{$this}``, ``{?value}`` and other ``{?var}`` filled in."""
        if messages is None:
            messages = self.messages or constraint.messages or ((literal(constraint.message),) if constraint.message else ())
        if messages and any("{" in m for m in messages):
            names = {"this": focus, **({"value": value} if value is not None else {}),
                     **{_local(p): v for p, v in constraint.params.items()}, **(bindings or {})}
            messages = tuple(_fill(m, names) for m in messages)
        return ValidationResult(
            focus=focus, component=constraint.component, shape=self.node, severity=self.severity,
            path=self.path if path is DEFAULT_PATH else path, value=value, messages=messages,
            constraint=constraint.node)


def _local(iri_text: str) -> str:
    iri = iri_text[1:-1] if iri_text.startswith("<") else iri_text
    return re.split(r"[#/:]", iri)[-1]


def _fill(message: str, names: dict[str, str]) -> str:
    """A message literal (N-Triples text) with its ``{?var}`` / ``{$var}`` blocks filled in."""
    end = message.rfind('"')
    head, tail = message[1:end], message[end:]

    def sub(m: re.Match) -> str:
        value = names.get(m.group(1))
        if value is None:
            return m.group(0)
        return literal(display(value))[1:-1]  # escaped as the literal's text needs

    return '"' + _TEMPLATE.sub(sub, head) + tail
