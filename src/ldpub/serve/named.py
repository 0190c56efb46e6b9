"""The named queries the query page offers as examples (``queries/*.rq`` of the project).

A named query file starts with comment lines; ``# title: ...`` and ``# description: ...``
headers are shown when present. (:mod:`ldpub.query`, when available, is the richer loader.)
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

__all__ = ["NamedQuery", "named_queries"]

_HEADER = re.compile(r"#\s*([A-Za-z][\w-]*)\s*:\s*(.*)")


@dataclass(frozen=True)
class NamedQuery:
    name: str
    title: str
    description: str
    text: str
    params: dict[str, str] = field(default_factory=dict)  # name -> default


def named_queries(folder: Path) -> list[NamedQuery]:
    """Every ``*.rq`` in ``folder``, sorted by name (empty when the folder is absent)."""
    folder = Path(folder)
    if not folder.is_dir():
        return []
    found = []
    for path in sorted(folder.glob("*.rq")):
        text = path.read_text(encoding="utf-8")
        headers: dict[str, str] = {}
        for line in text.splitlines():
            if not line.startswith("#"):
                break
            match = _HEADER.match(line)
            if match:
                headers.setdefault(match.group(1).lower(), match.group(2).strip())
        found.append(NamedQuery(path.stem, headers.get("title", path.stem), headers.get("description", ""), text))
    return found
