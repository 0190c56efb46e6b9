"""Where a term is declared or mentioned in Turtle files (ontology, shapes), by line.

RDF parsers drop positions, but a finding about an ontology term or a shape should point at
its line. This index reads the Turtle text: a term written at the start of a line is in
subject position (its declaration); any other occurrence is a mention.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from .errors import Location

__all__ = ["TurtleIndex", "index_turtle"]

_PREFIX = re.compile(r"^\s*(?:@prefix|PREFIX)\s+([A-Za-z][\w.-]*)?:\s*<([^>]*)>", re.IGNORECASE)
_STRING = re.compile(r'"""[\s\S]*?"""|"(?:[^"\\\n]|\\.)*"|\'(?:[^\'\\\n]|\\.)*\'')
_TERM = re.compile(r"<([^>\s]*)>|(?<![\w:/#<@.-])([A-Za-z][\w.-]*)?:((?:[\w-]|\.(?=[\w-]))*)")


@dataclass
class TurtleIndex:
    """``declared``: IRI -> where it starts a line; ``mentioned``: IRI -> first mention."""

    declared: dict[str, Location] = field(default_factory=dict)
    mentioned: dict[str, Location] = field(default_factory=dict)

    def locate(self, iri: str) -> Location | None:
        """The declaration of ``iri``, else its first mention, else None."""
        return self.declared.get(iri) or self.mentioned.get(iri)


def index_turtle(paths: list[Path], root: Path | None = None) -> TurtleIndex:
    """Index the terms of Turtle files (paths shown relative to ``root`` when inside it)."""
    index = TurtleIndex()
    for path in paths:
        display = str(path.relative_to(root)) if root and path.is_relative_to(root) else str(path)
        text = path.read_text(encoding="utf-8")
        # blank out strings (keeping newlines) so words inside them are not terms
        text = _STRING.sub(lambda m: re.sub(r"[^\n]", " ", m.group(0)), text)
        prefixes: dict[str, str] = {}
        for number, line in enumerate(text.splitlines(), start=1):
            m = _PREFIX.match(line)
            if m:
                prefixes[m.group(1) or ""] = m.group(2)
                continue
            code = line.split("#", 1)[0] if "<" not in line else _strip_comment(line)
            for t in _TERM.finditer(code):
                if t.group(1) is not None:
                    iri = t.group(1)
                else:
                    ns = prefixes.get(t.group(2) or "")
                    if ns is None:
                        continue
                    iri = ns + t.group(3)
                loc = Location(display, number, t.start() + 1)
                index.mentioned.setdefault(iri, loc)
                if t.start() == 0:
                    index.declared.setdefault(iri, loc)
    return index


def _strip_comment(line: str) -> str:
    """Cut a ``#`` comment, ignoring ``#`` inside ``<...>`` IRIs."""
    depth = 0
    for i, ch in enumerate(line):
        if ch == "<":
            depth += 1
        elif ch == ">":
            depth = max(0, depth - 1)
        elif ch == "#" and depth == 0:
            return line[:i]
    return line
