"""RDF files in, N-Triples lines out: the input formats, as a registry chosen by file extension.

Every format is parsed by pyoxigraph, which keeps each literal's lexical form (``"4.0"`` stays
``"4.0"``); a syntax error names the file, line and column. Relative IRIs resolve against the
file's own ``file:`` URI. Of a dataset format (TriG, N-Quads) the default graph is read.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Iterable

from ..errors import LdpubError, Location, Problem

__all__ = ["RdfFileFormat", "FORMATS", "format_of", "read_lines", "parse_text", "RdfInputError"]


class RdfInputError(LdpubError):
    """An RDF input file cannot be read (missing, unknown format, syntax error)."""


@dataclass(frozen=True)
class RdfFileFormat:
    name: str
    extensions: tuple[str, ...]
    media_type: str
    oxigraph: str  # the pyoxigraph RdfFormat attribute

    def rdf_format(self):
        import pyoxigraph as ox

        return getattr(ox.RdfFormat, self.oxigraph)


FORMATS: dict[str, RdfFileFormat] = {f.name: f for f in (
    RdfFileFormat("turtle", (".ttl", ".turtle"), "text/turtle", "TURTLE"),
    RdfFileFormat("ntriples", (".nt",), "application/n-triples", "N_TRIPLES"),
    RdfFileFormat("nquads", (".nq",), "application/n-quads", "N_QUADS"),
    RdfFileFormat("trig", (".trig",), "application/trig", "TRIG"),
    RdfFileFormat("rdfxml", (".rdf", ".owl", ".xml"), "application/rdf+xml", "RDF_XML"),
    RdfFileFormat("jsonld", (".jsonld", ".json"), "application/ld+json", "JSON_LD"),
    RdfFileFormat("n3", (".n3",), "text/n3", "N3"),
)}


def format_of(path: Path) -> RdfFileFormat:
    """The format of a file, from its extension."""
    suffix = path.suffix.lower()
    for fmt in FORMATS.values():
        if suffix in fmt.extensions:
            return fmt
    known = ", ".join(e for f in FORMATS.values() for e in f.extensions)
    raise RdfInputError(Problem(f"unknown RDF format '{suffix or path.name}'", Location(str(path)),
                                hint=f"use one of {known}"))


def _lines(quads, prefix: str = "b") -> list[str]:
    """The default-graph triples as lines, blank nodes relabelled ``{prefix}1``, ``{prefix}2`` ... in
    the order they appear (the parser's labels are random: the same file gives the same lines)."""
    import pyoxigraph as ox

    labels: dict = {}

    def fix(term):
        if isinstance(term, ox.BlankNode):
            found = labels.get(term)
            if found is None:
                found = labels[term] = ox.BlankNode(f"{prefix}{len(labels) + 1}")
            return found
        return term

    out = []
    for q in quads:
        if isinstance(q.graph_name, ox.DefaultGraph):
            t = q.triple
            if isinstance(t.subject, ox.BlankNode) or isinstance(t.object, ox.BlankNode):
                t = ox.Triple(fix(t.subject), t.predicate, fix(t.object))
            out.append(str(t))
    return out


def read_lines(paths: Iterable[Path], role: str = "d") -> list[str]:
    """The default-graph triples of the files, as unique N-Triples lines (first seen first).

    Blank nodes are labelled ``{role}{file number}b{n}``: give the data and the shapes graph
    different roles, so that no label names a node of both."""
    import pyoxigraph as ox

    out: dict[str, None] = {}
    for number, path in enumerate(paths, 1):
        path = Path(path)
        fmt = format_of(path)
        try:
            quads = ox.parse(path=str(path), format=fmt.rdf_format(), base_iri=path.resolve().as_uri())
            out.update(dict.fromkeys(_lines(quads, f"{role}{number}b")))
        except SyntaxError as exc:
            raise RdfInputError(Problem(f"not valid {fmt.name}: {' '.join(str(exc.msg if hasattr(exc, 'msg') else exc).split())}",
                                        Location(str(path), exc.lineno, exc.offset))) from None
        except OSError as exc:
            raise RdfInputError(Problem(f"cannot read the file: {exc.strerror or exc}", Location(str(path)))) from None
    return list(out)


def parse_text(text: str, format_name: str = "turtle", base_iri: str | None = None, role: str = "d") -> list[str]:
    """The default-graph triples of an RDF text, as unique N-Triples lines (blank nodes
    labelled ``{role}b{n}``)."""
    import pyoxigraph as ox

    fmt = FORMATS[format_name]
    try:
        return list(dict.fromkeys(_lines(ox.parse(text.encode("utf-8"), format=fmt.rdf_format(), base_iri=base_iri),
                                         f"{role}b")))
    except SyntaxError as exc:
        raise RdfInputError(Problem(f"not valid {fmt.name}: {' '.join(str(exc).split())}",
                                    Location(None, exc.lineno, exc.offset))) from None
