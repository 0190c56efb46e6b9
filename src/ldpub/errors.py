"""The one error tree of ldpub.

Library code raises these; the CLI renders them as ``FILE:LINE: record SLUG: message (hint)``
and exits with code 2. Nothing else is shown for a user mistake: no traceback.

    LdpubError                  any user-facing problem (carries one or more Problems)
    ├── ConfigError             ldpub.toml / pyproject settings missing or wrong
    ├── OntologyError           the ontology or shapes cannot be read
    │   └── ShapesError         (ldpub.shacl) shapes SHACL cannot use: ill-formed, forbidden SPARQL, sh:js ...
    ├── RecordError             a YAML record is malformed, dangling, duplicated or mistyped
    ├── QueryError              a SPARQL query or its parameters are wrong, or the endpoint fails
    ├── OutputError             the output folder cannot be written
    ├── LimitError              the input is over a bound of [limits], or the build ran out of memory
    ├── RdfInputError           (ldpub.shacl.rdffiles) an RDF file given to ``ldpub shacl`` cannot be read
    └── PushError               (ldpub.push) a SPARQL server refused or dropped an upload

Internal, never shown raw: ``expanders.ExpansionError`` (a ValueError the mapping turns into a
RecordError with file and line) and the HTTP-status errors of ``ldpub.serve.engine``.

Exit codes (documented in the README): 0 success / conforms, 1 data does not conform,
2 usage or input error.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

__all__ = [
    "Location",
    "Problem",
    "LdpubError",
    "ConfigError",
    "OntologyError",
    "RecordError",
    "QueryError",
    "OutputError",
    "LimitError",
    "EXIT_OK",
    "EXIT_NONCONFORMING",
    "EXIT_USAGE",
]

EXIT_OK = 0
EXIT_NONCONFORMING = 1
EXIT_USAGE = 2


@dataclass(frozen=True)
class Location:
    """Where something is in the curated input: file, 1-based line and column, record slug, field."""

    file: str | None = None
    line: int | None = None
    column: int | None = None
    record: str | None = None
    field: str | None = None

    def prefix(self) -> str:
        """``file:line: record 'slug': `` style prefix (only the parts that are known)."""
        parts = []
        if self.file:
            where = self.file
            if self.line:
                where += f":{self.line}"
            parts.append(where + ":")
        if self.record:
            from .iris import SLUG_MAX_LENGTH, shown

            parts.append(f"record {shown(self.record, SLUG_MAX_LENGTH)}:")
        return " ".join(parts)


@dataclass(frozen=True)
class Problem:
    """One thing that is wrong, where it is, and how to fix it."""

    message: str
    location: Location = field(default_factory=Location)
    hint: str | None = None
    rule: str | None = None  # a stable id of the check that failed (e.g. "dangling-reference")

    def render(self) -> str:
        text = self.message
        if self.hint:
            text += f" ({self.hint})"
        prefix = self.location.prefix()
        return f"{prefix} {text}" if prefix else text


class LdpubError(Exception):
    """A problem the user can fix; holds one or more :class:`Problem`."""

    def __init__(self, problems: Problem | list[Problem] | str) -> None:
        if isinstance(problems, str):
            problems = [Problem(problems)]
        elif isinstance(problems, Problem):
            problems = [problems]
        self.problems: list[Problem] = list(problems)
        super().__init__("\n".join(p.render() for p in self.problems))

    @classmethod
    def at(
        cls,
        message: str,
        file: str | Path | None = None,
        line: int | None = None,
        *,
        column: int | None = None,
        record: str | None = None,
        field: str | None = None,
        hint: str | None = None,
        rule: str | None = None,
    ) -> "LdpubError":
        """Build an error for a single located problem."""
        loc = Location(str(file) if file else None, line, column, record, field)
        return cls(Problem(message, loc, hint, rule))


class ConfigError(LdpubError):
    """Project configuration is missing or wrong."""


class OntologyError(LdpubError):
    """The ontology or shapes cannot be read or are not usable."""


class RecordError(LdpubError):
    """A curated record is wrong: syntax, reference, duplicate, unknown key, type or date."""


class QueryError(LdpubError):
    """A query, its name or its parameters are wrong, or the endpoint cannot be reached."""


class OutputError(LdpubError):
    """The output cannot be written."""


class LimitError(LdpubError):
    """The input is larger than a bound allows (``[limits]`` in ldpub.toml), or memory ran out."""


def did_you_mean(word: str, candidates: "list[str] | set[str] | dict", n: int = 1) -> str | None:
    """A ``did you mean 'x'?`` hint for the nearest candidates, or None."""
    import difflib

    pool = [c for c in candidates if c != word]  # never suggest what was written
    matches = difflib.get_close_matches(word, pool, n=n, cutoff=0.6)
    if not matches:
        lowered = {c.lower(): c for c in pool}
        matches = [lowered[m] for m in difflib.get_close_matches(word.lower(), list(lowered), n=n, cutoff=0.6)]
    if not matches:
        return None
    return "did you mean " + " or ".join(f"'{m}'" for m in matches) + "?"
