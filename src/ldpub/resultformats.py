"""Query result formats as a registry: table, csv, tsv, json, md for solutions; turtle,
ntriples, jsonld for CONSTRUCT/DESCRIBE graphs.

* ``json``: SPARQL 1.1 Query Results JSON (https://www.w3.org/TR/sparql11-results-json/).
* ``csv``: SPARQL 1.1 Query Results CSV: plain values (IRIs as text, literals' lexical form), CRLF.
* ``tsv``: SPARQL 1.1 Query Results TSV: ``?var`` header, terms in N-Triples syntax, so nothing
  is lost (types, languages) and any SPARQL tool can read it back.
* ``md``: a Markdown table; ``table``: an aligned table for a terminal, or one block per row when
  the table would be wider than the terminal.
  Both show IRIs compacted with the project's prefixes (``d:riverside-rowing-club``) and, when a label is
  known, the label next to the IRI.
"""

from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass
from typing import Callable, Mapping

from .errors import QueryError, did_you_mean

__all__ = ["ResultFormat", "RESULT_FORMATS", "render", "formats_for", "DisplayContext"]


@dataclass(frozen=True)
class DisplayContext:
    """What writers may use besides the result: prefixes, labels of IRIs, width, JSON-LD context."""

    prefixes: Mapping[str, str]
    labels: Mapping[str, str]
    width: int | None = None
    jsonld_context: Mapping | None = None

    def compact(self, iri: str) -> str:
        best = None
        for prefix, ns in self.prefixes.items():
            if iri.startswith(ns) and len(iri) > len(ns) and (best is None or len(ns) > len(best[1])):
                best = (prefix, ns)
        return f"{best[0]}:{iri[len(best[1]):]}" if best else f"<{iri}>"

    def show(self, term) -> str:
        """A term as a person reads it: literal text, compact IRI (with its label), _:blank."""
        import pyoxigraph as ox

        if term is None:
            return ""
        if isinstance(term, ox.NamedNode):
            text = self.compact(term.value)
            label = self.labels.get(term.value)
            return f"{label} ({text})" if label else text
        if isinstance(term, ox.BlankNode):
            return f"_:{term.value}"
        return term.value


@dataclass(frozen=True)
class ResultFormat:
    """A named output format for one kind of result."""

    name: str
    kinds: tuple[str, ...]  # "solutions", "boolean", "graph"
    media_type: str
    description: str
    writer: Callable[..., str]


# ------------------------------------------------------------------------------ solutions
def _json_term(term) -> dict:
    import pyoxigraph as ox

    if isinstance(term, ox.NamedNode):
        return {"type": "uri", "value": term.value}
    if isinstance(term, ox.BlankNode):
        return {"type": "bnode", "value": term.value}
    if isinstance(term, ox.Literal):
        out = {"type": "literal", "value": term.value}
        if term.language:
            out["xml:lang"] = term.language
        elif term.datatype.value != "http://www.w3.org/2001/XMLSchema#string":
            out["datatype"] = term.datatype.value
        return out
    return {"type": "triple", "value": str(term)}


def _json(result, ctx: DisplayContext) -> str:
    if result.kind == "boolean":
        doc = {"head": {}, "boolean": bool(result.boolean)}
    else:
        bindings = [
            {v: _json_term(t) for v, t in zip(result.variables, row) if t is not None} for row in result.rows
        ]
        doc = {"head": {"vars": list(result.variables)}, "results": {"bindings": bindings}}
    return json.dumps(doc, indent=2, ensure_ascii=False) + "\n"


def _plain(term) -> str:
    import pyoxigraph as ox

    if term is None:
        return ""
    if isinstance(term, ox.BlankNode):
        return f"_:{term.value}"
    return term.value


def _rows_or_boolean(result) -> tuple[list[str], list[tuple]]:
    if result.kind == "boolean":
        import pyoxigraph as ox

        return ["boolean"], [(ox.Literal("true" if result.boolean else "false"),)]
    return list(result.variables), result.rows


def _csv(result, ctx: DisplayContext) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    variables, rows = _rows_or_boolean(result)
    writer.writerow(variables)
    for row in rows:
        writer.writerow([_plain(t) for t in row])
    return out.getvalue()


def _tsv(result, ctx: DisplayContext) -> str:
    variables, rows = _rows_or_boolean(result)
    lines = ["\t".join(f"?{v}" for v in variables)]
    lines += ["\t".join("" if t is None else str(t) for t in row) for row in rows]
    return "\n".join(lines) + "\n"


def _md_cell(text: str) -> str:
    return text.replace("\\", "\\\\").replace("|", "\\|").replace("\r", "").replace("\n", "<br>")


def _md(result, ctx: DisplayContext) -> str:
    variables, rows = _rows_or_boolean(result)
    lines = ["| " + " | ".join(_md_cell(v) for v in variables) + " |", "|" + "---|" * len(variables)]
    lines += ["| " + " | ".join(_md_cell(ctx.show(t)) for t in row) + " |" for row in rows]
    if result.kind == "solutions" and not result.complete:
        lines += ["", f"_{result.page_note().capitalize()}._"]
    return "\n".join(lines) + "\n"


def _merged_columns(variables: list[str]) -> list[tuple[str, int, int | None]]:
    """(header, column, label column) for a terminal: ``x`` and ``xLabel`` become one column."""
    out = []
    for i, v in enumerate(variables):
        if v.endswith("Label") and v[: -len("Label")] in variables:
            continue
        label = f"{v}Label"
        out.append((v, i, variables.index(label) if label in variables else None))
    return out


def _table(result, ctx: DisplayContext) -> str:
    """An aligned grid when it fits the width; otherwise one aligned block per row (like psql's
    expanded display). IRI and label columns are merged: ``Riverside Rowing Club (d:riverside-rowing-club)``."""
    import pyoxigraph as ox

    variables, rows = _rows_or_boolean(result)
    columns = _merged_columns(variables)
    headers = [header for header, _, _ in columns]
    cells: list[list[str]] = []
    for row in rows:
        line = []
        for _, i, label_index in columns:
            term, label = row[i], row[label_index] if label_index is not None else None
            if label is not None and isinstance(term, ox.NamedNode):
                text = f"{label.value} ({ctx.compact(term.value)})"
            else:
                text = ctx.show(label if term is None and label is not None else term)
            line.append(" ".join(text.split()))
        cells.append(line)
    width = ctx.width or 160
    widths = [max([len(h), *(len(line[k]) for line in cells)]) for k, h in enumerate(headers)]
    footer = f"({result.page_note() if result.kind == 'solutions' else '1 row'})"
    fitted = _fit(widths, headers, width)
    if fitted is None:
        return _expanded(headers, cells, width, first=getattr(result, "offset", 0) + 1) + footer + "\n"
    out = ["  ".join(h.ljust(w) for h, w in zip(headers, fitted)).rstrip(), "  ".join("-" * w for w in fitted)]
    for line in cells:
        out += _grid_row(line, fitted)
    return "\n".join(out + [footer]) + "\n"


def _fit(widths: list[int], headers: list[str], width: int, most_columns: int = 6) -> list[int] | None:
    """Column widths for a grid within ``width``: the natural ones, or (for a few columns) the
    widest narrowed so their cells wrap; None when only the one-block-per-row layout reads well."""
    available = width - 2 * (len(widths) - 1)
    if sum(widths) <= available:
        return widths
    if len(widths) > most_columns:
        return None
    fitted = list(widths)
    floor = [min(w, max(len(h), 16)) for w, h in zip(widths, headers)]
    while sum(fitted) > available:
        widest = max(range(len(fitted)), key=lambda k: fitted[k] - floor[k])
        if fitted[widest] <= floor[widest]:
            return None
        fitted[widest] -= 1
    return fitted


def _grid_row(line: list[str], widths: list[int]) -> list[str]:
    """One row of the grid; cells longer than their column wrap onto more lines."""
    import textwrap

    wrapped = [textwrap.wrap(cell, w, break_long_words=True, break_on_hyphens=False) or [""] for cell, w in zip(line, widths)]
    height = max(len(c) for c in wrapped)
    return [
        "  ".join((c[i] if i < len(c) else "").ljust(w) for c, w in zip(wrapped, widths)).rstrip()
        for i in range(height)
    ]


def _expanded(headers: list[str], cells: list[list[str]], width: int, first: int = 1) -> str:
    """One block per row (numbered from ``first``): ``header  value`` lines, values wrapped,
    empty values left out."""
    import textwrap

    key_width = max(len(h) for h in headers)
    value_width = max(width - key_width - 2, 20)
    out = []
    for number, line in enumerate(cells, first):
        out.append(f"-[ row {number} ]" + "-" * max(width - len(f"-[ row {number} ]"), 0))
        for header, value in zip(headers, line):
            if not value:
                continue
            wrapped = textwrap.wrap(value, value_width, break_long_words=True, break_on_hyphens=False) or [""]
            out.append(f"{header.ljust(key_width)}  {wrapped[0]}")
            out += [" " * (key_width + 2) + more for more in wrapped[1:]]
    return "\n".join(out) + "\n"


# ------------------------------------------------------------------------------ graphs
def _graph_writer(rdf_format: str):
    def write(result, ctx: DisplayContext) -> str:
        from .graphstore import sorted_triples
        from .serialize import FORMATS, WriteContext

        context = dict(ctx.jsonld_context) if ctx.jsonld_context else dict(ctx.prefixes)
        write_ctx = WriteContext(prefixes=dict(ctx.prefixes), jsonld_context=context)
        return FORMATS[rdf_format].writer(sorted_triples(result.triples), write_ctx).decode("utf-8")

    return write


RESULT_FORMATS: dict[str, ResultFormat] = {
    f.name: f
    for f in (
        ResultFormat("table", ("solutions", "boolean"), "text/plain", "aligned table (default on a terminal)", _table),
        ResultFormat("csv", ("solutions", "boolean"), "text/csv", "SPARQL 1.1 CSV results (default when piped)", _csv),
        ResultFormat("tsv", ("solutions", "boolean"), "text/tab-separated-values", "SPARQL 1.1 TSV results", _tsv),
        ResultFormat("json", ("solutions", "boolean"), "application/sparql-results+json", "SPARQL 1.1 results JSON", _json),
        ResultFormat("md", ("solutions", "boolean"), "text/markdown", "Markdown table", _md),
        ResultFormat("turtle", ("graph",), "text/turtle", "Turtle (CONSTRUCT/DESCRIBE; default)", _graph_writer("turtle")),
        ResultFormat("ntriples", ("graph",), "application/n-triples", "N-Triples (CONSTRUCT/DESCRIBE)", _graph_writer("ntriples")),
        ResultFormat("jsonld", ("graph",), "application/ld+json", "JSON-LD (CONSTRUCT/DESCRIBE)", _graph_writer("jsonld")),
    )
}


def formats_for(kind: str) -> list[str]:
    """Names of the formats that can write a result of ``kind``."""
    return [f.name for f in RESULT_FORMATS.values() if kind in f.kinds]


def render(
    result,
    format_name: str,
    prefixes: Mapping[str, str] | None = None,
    *,
    labels: Mapping[str, str] | None = None,
    width: int | None = None,
    jsonld_context: Mapping | None = None,
) -> str:
    """Write ``result`` (a :class:`ldpub.query.QueryResult`) in the format ``format_name``."""
    fmt = RESULT_FORMATS.get(format_name)
    if fmt is None:
        hint = did_you_mean(format_name, RESULT_FORMATS) or f"formats: {', '.join(RESULT_FORMATS)}"
        raise QueryError(f"unknown result format '{format_name}' ({hint})")
    if result.kind not in fmt.kinds:
        what = "a graph (CONSTRUCT/DESCRIBE)" if result.kind == "graph" else "solutions (SELECT/ASK)"
        raise QueryError(f"format '{format_name}' cannot write {what} (use {', '.join(formats_for(result.kind))})")
    ctx = DisplayContext(prefixes or {}, labels or {}, width, jsonld_context)
    return fmt.writer(result, ctx)
