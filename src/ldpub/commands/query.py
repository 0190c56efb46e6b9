"""``ldpub query``: named competency questions, ad-hoc SPARQL, embedded or on an endpoint."""

from __future__ import annotations

import shutil
import sys
from dataclasses import replace
from pathlib import Path

import click

from ..errors import EXIT_NONCONFORMING
from ..resultformats import RESULT_FORMATS
from .common import data_option, project_from

EPILOG = """\b
Examples:
  ldpub query --list
  ldpub query members
  ldpub query members organization=example-org
  ldpub query events from=2019-01-01 to=2019-12-31 --format csv > events.csv
  ldpub query timeline --param entity=ada-lovelace --format md
  ldpub query --sparql 'SELECT ?s ?label WHERE { ?s skos:prefLabel ?label }'
  ldpub query events --limit 20 --offset 40
  ldpub query events --all --no-pager
  ldpub query members --endpoint http://127.0.0.1:7878/query
  ldpub query members --endpoint http://127.0.0.1:7878/query --graph https://example.org/data/ --graph https://example.org/ontology

\b
Exit codes: 0 answered (also when nothing was found), 1 nothing found with --fail-empty,
2 usage or input error (unknown query or parameter, bad value, SPARQL syntax error,
federated query without --allow-service, endpoint unreachable or answering with an error).

\b
Pages: table and md show the first 100 rows and say how many there are in all
("showing 1-100 of 56,210 rows"); --limit N --offset N choose a page, --all every row.
csv, tsv, json and CONSTRUCT output give every row unless --limit or --offset is given.
Rows are cut from the query's own order (its ORDER BY, else the store's, which is stable).

\b
Pager: output to a terminal goes through LDPUB_PAGER, else PAGER, else 'less -FRX'
(short answers print as usual); LDPUB_PAGER= (empty) or --no-pager turns it off.
Output to a pipe or a file is never paged.

\b
Endpoint credentials: LDPUB_QUERY_TOKEN, or LDPUB_QUERY_USER and LDPUB_QUERY_PASSWORD.
"""


def _assignments(pairs: tuple[str, ...], origin: str) -> dict[str, str]:
    values: dict[str, str] = {}
    for pair in pairs:
        key, sep, value = pair.partition("=")
        if not sep or not key:
            raise click.UsageError(f"{origin} {pair!r} is not KEY=VALUE (e.g. organization=example-org)")
        if key in values:
            raise click.UsageError(f"parameter '{key}' given twice")
        values[key] = value
    return values


@click.command(epilog=EPILOG)
@click.argument("name", required=False)
@click.argument("assignments", nargs=-1, metavar="[KEY=VALUE]...")
@click.option("--param", "-P", "params", multiple=True, metavar="KEY=VALUE", help="Bind a parameter of the query (repeatable).")
@click.option("--file", "query_file", type=click.Path(dir_okay=False, exists=True, path_type=Path),
              help="Run the SPARQL query in this file (the project's prefixes are declared for you).")
@click.option("--sparql", "sparql", metavar="TEXT", help="Run this SPARQL query text (the project's prefixes, e.g. d: skos: rdfs:, are declared for you).")
@click.option("--list", "list_queries", is_flag=True, help="List the named queries with their parameters.")
@click.option("--endpoint", "-e", metavar="URL", help="Send the query to this SPARQL 1.1 endpoint (its query URL).")
@click.option("--graph", "-g", "graphs", multiple=True, metavar="IRI",
              help="With --endpoint: query these named graphs (repeatable; e.g. where 'ldpub push' put the dataset and "
                   "the ontology). Default: the graphs [push] of ldpub.toml names, else the endpoint's default graph.")
@click.option("--default-graph", is_flag=True,
              help="With --endpoint: query its default graph, even when [push] of ldpub.toml names graphs.")
@click.option("--dataset", "datasets", multiple=True, type=click.Path(dir_okay=False, path_type=Path),
              help="Query these RDF files (e.g. dist/dataset.nt dist/ontology.ttl) instead of building data/ "
                   "(relative paths: in the --project folder).")
@data_option
@click.option("--format", "-f", "format_name", type=click.Choice(sorted(RESULT_FORMATS)), default=None,
              help="Output format. Default: table on a terminal, csv otherwise; turtle for CONSTRUCT/DESCRIBE.")
@click.option("--limit", "-n", type=click.IntRange(min=0), default=None, metavar="N",
              help="Show N rows (triples for CONSTRUCT). Default: 100 for table and md, every row for the other formats.")
@click.option("--offset", type=click.IntRange(min=0), default=0, metavar="N",
              help="Skip the first N rows of the answer (with --limit: the page starting at row N+1).")
@click.option("--all", "all_rows", is_flag=True, help="Show every row, also in table and md.")
@click.option("--no-pager", is_flag=True, help="Do not send terminal output through the pager (LDPUB_PAGER, PAGER, less -FRX).")
@click.option("--show", is_flag=True, help="Print the SPARQL that would run (parameters bound) and stop.")
@click.option("--fail-empty", is_flag=True, help="Exit 1 when nothing is found (no rows, ASK false, no triples).")
@click.option("--timeout", type=click.FloatRange(min=0.001), default=30.0, show_default=True,
              help="Seconds a query may run, here or on an endpoint; longer: exit 2.")
@click.option("--allow-service", is_flag=True,
              help="Run federated queries (SERVICE): the query then makes this machine call the servers it names. "
                   "Refused by default; give it only for a query you trust.")
@click.pass_context
def query(
    ctx: click.Context,
    name: str | None,
    assignments: tuple[str, ...],
    params: tuple[str, ...],
    query_file: Path | None,
    sparql: str | None,
    list_queries: bool,
    endpoint: str | None,
    graphs: tuple[str, ...],
    default_graph: bool,
    datasets: tuple[Path, ...],
    data_dir: str | None,
    format_name: str | None,
    limit: int | None,
    offset: int,
    all_rows: bool,
    no_pager: bool,
    show: bool,
    fail_empty: bool,
    timeout: float,
    allow_service: bool,
) -> None:
    """Ask the dataset a named question (NAME) or run your own SPARQL.

    Named queries are the queries/*.rq files of the project; parameters are given as
    KEY=VALUE after the name or with --param, and are bound as typed values (a record slug
    becomes its IRI), never pasted into the query text. By default the query runs on the
    project's records built in memory (always current); --dataset queries RDF files and
    --endpoint a SPARQL server.
    """
    from .. import query as q

    if name and "=" in name and (query_file or sparql is not None):
        name, assignments = None, (name, *assignments)  # KEY=VALUE after --file/--sparql
    chosen = [flag for flag, given in (("NAME", name), ("--file", query_file), ("--sparql", sparql), ("--list", list_queries)) if given]
    if len(chosen) > 1:
        raise click.UsageError(f"give only one of NAME, --file, --sparql, --list (got {', '.join(chosen)})")
    if not chosen:
        raise click.UsageError("give a query NAME, --file Q.rq, --sparql TEXT or --list (see ldpub query --help)")
    if endpoint and (datasets or data_dir):
        raise click.UsageError("--endpoint cannot be combined with --dataset or --data")
    if datasets and data_dir:
        raise click.UsageError("give --dataset or --data, not both")
    if (graphs or default_graph) and not endpoint:
        raise click.UsageError("--graph and --default-graph choose graphs of an --endpoint")
    if graphs and default_graph:
        raise click.UsageError("give --graph IRI or --default-graph, not both")
    if all_rows and limit is not None:
        raise click.UsageError("give --limit N or --all, not both")

    if list_queries:
        _print_list(project_from(ctx))
        return
    datasets = _in_project_folder(ctx, datasets)
    values = {**_assignments(assignments, "argument"), **_assignments(params, "--param")}
    if len(values) < len(assignments) + len(params):
        raise click.UsageError("a parameter is given twice")

    if name:
        named = q.named_query(project_from(ctx).queries_path, name)
    elif query_file:
        named = q.parse_header(q.read_query_file(query_file), query_file.stem, query_file)
    project = _optional_project(ctx) if (endpoint or datasets) else project_from(ctx)
    target = q.connect(
        project, endpoint=endpoint, data_dir=Path(data_dir) if data_dir else None,
        files=list(datasets) or None, timeout=timeout, allow_service=allow_service,
        graphs=list(graphs) if graphs else ([] if default_graph else None),
    )
    if sparql is not None:
        named = q.parse_header(sparql, "--sparql")
    if sparql is not None or query_file:  # your own query: the project's prefixes are declared for you
        text, added = _with_prefixes(named.text, target.terms.prefixes)
        named = replace(named, text=text, line_offset=added)
    text = q.prepare(named, values, target.terms, allow_service=allow_service)
    if show:
        click.echo(target.as_sent(text).rstrip("\n"))
        return
    q.check_records(named, values, target)
    from ..sparqltext import query_form

    format_name = _format_for(query_form(text), format_name)
    page = _page(format_name, limit, offset, all_rows)
    result = target.execute(text, page)
    if "subClassOf" in text and (endpoint or datasets) and not target.knows_class_hierarchy():
        click.echo(
            f"warning: {target.description} holds no class hierarchy (rdfs:subClassOf): records of "
            "subclasses are missed; load the ontology too (e.g. dist/ontology.ttl)", err=True,
        )
    if endpoint and result.empty and not getattr(target, "graphs", ()) and target.holds_nothing():
        click.echo(f"warning: {target.where()} holds no triples; {target.not_found_hint()}", err=True)
    output = _render(result, target, format_name)
    from .pager import echo_paged

    echo_paged(output, enabled=not no_pager)
    if not result.complete and result.kind != "boolean":
        click.echo(_more_hint(result, page), err=True)
    if fail_empty and result.count == 0:
        click.echo("nothing found", err=True)
        ctx.exit(EXIT_NONCONFORMING)


def _optional_project(ctx: click.Context):
    """The project if there is one: an endpoint or RDF files need none (slugs then need it).
    A project whose settings are wrong is an error, not an absent project."""
    from ..config import has_project

    root = ctx.find_root().obj.get("project_dir") if ctx.find_root().obj else None
    return project_from(ctx) if has_project(root) else None


def _in_project_folder(ctx: click.Context, files: tuple[Path, ...]) -> tuple[Path, ...]:
    """``--dataset`` files, relative ones in the ``--project`` folder (like every path option); each must exist."""
    root = ctx.find_root().obj.get("project_dir") if ctx.find_root().obj else None
    resolved = []
    for given in files:
        path = given.expanduser()
        if root and not path.is_absolute():
            path = Path(root) / path
        if not path.is_file():
            what = "is a folder" if path.is_dir() else "does not exist"
            raise click.BadParameter(f"file '{path}' {what}", param_hint="'--dataset'")
        resolved.append(path)
    return tuple(resolved)


def _with_prefixes(text: str, known: dict[str, str]) -> tuple[str, int]:
    """Query text with the project's prefixes declared, one per line before it (those the
    text declares itself win); also returns how many lines were added.

    Each declaration is written from a checked prefix name and pyoxigraph's term serializer, so
    a hostile namespace in a project's configuration cannot add text to the query."""
    import re

    import pyoxigraph as ox

    from ..errors import QueryError
    from ..rdfterms import STANDARD_PREFIXES
    from ..sparqltext import tokens

    prefixes = {**STANDARD_PREFIXES, **known}
    words = [t for t in tokens(text) if t.kind in ("word", "pname")]
    declared = {b.text[:-1].lower() for a, b in zip(words, words[1:]) if a.text.upper() == "PREFIX" and b.kind == "pname"}
    lines = []
    for prefix, namespace in sorted(prefixes.items()):
        if prefix.lower() in declared:
            continue
        if not re.fullmatch(r"[A-Za-z][\w.-]*(?<!\.)|", prefix):
            raise QueryError(f"the project's prefix {prefix!r} is not a SPARQL prefix name")
        try:
            lines.append(f"PREFIX {prefix}: {ox.NamedNode(namespace)}")
        except ValueError as exc:
            raise QueryError(f"the project's prefix '{prefix}:' is not bound to an IRI: {namespace!r} ({exc})") from None
    return "".join(line + "\n" for line in lines) + text, len(lines)


DISPLAY_FORMATS = ("table", "md")  # show a page at a time; the others export every row


def _format_for(form: str | None, format_name: str | None) -> str:
    """The output format: the one asked for, else table on a terminal and csv otherwise
    (turtle for CONSTRUCT/DESCRIBE)."""
    if format_name is not None:
        return format_name
    if form in ("construct", "describe"):
        return "turtle"
    return "table" if sys.stdout.isatty() else "csv"


def _page(format_name: str, limit: int | None, offset: int, all_rows: bool):
    """The page to show: --limit/--offset as given; display formats default to the first
    :data:`ldpub.paging.DEFAULT_PAGE` rows, exports (and --all) to every row."""
    from ..paging import DEFAULT_PAGE, Page

    if limit is None and not all_rows and format_name in DISPLAY_FORMATS:
        limit = DEFAULT_PAGE
    return Page(limit, offset)


def _more_hint(result, page) -> str:
    """Where the other rows are, on stderr after a page that is not the whole answer."""
    end = result.offset + len(result)
    if end < result.count and page.limit:
        return f"{result.page_note()}: --offset {end} for the next {min(page.limit, result.count - end):,}, --all for every row"
    if page.limit == 0 and result.offset < result.count:
        return f"{result.page_note()}: --limit N shows N of them"
    return f"{result.page_note()}: --offset 0 for the first rows, --all for every row"


def _render(result, target, format_name: str) -> str:
    from ..resultformats import formats_for

    tty = sys.stdout.isatty()
    if format_name not in formats_for(result.kind):
        what = "CONSTRUCT/DESCRIBE" if result.kind == "graph" else "SELECT/ASK"
        raise click.UsageError(f"--format {format_name} cannot write a {what} result (use {', '.join(formats_for(result.kind))})")
    labels = _labels_for_display(result, target) if format_name in ("table", "md") else {}
    width = shutil.get_terminal_size((160, 24)).columns if tty else None
    context = getattr(target, "jsonld_context", None)
    return result.serialize(format_name, dict(target.terms.prefixes), labels=labels, width=width, jsonld_context=context)


def _labels_for_display(result, target, limit: int = 5000) -> dict[str, str]:
    """Labels of the IRIs in columns that have no ``<column>Label`` beside them."""
    import pyoxigraph as ox

    if result.kind != "solutions":
        return {}
    columns = [i for i, v in enumerate(result.variables) if f"{v}Label" not in result.variables and not v.endswith("Label")]
    iris = sorted({row[i].value for row in result.rows for i in columns if isinstance(row[i], ox.NamedNode)})
    return target.labels(iris[:limit]) if iris else {}


def _print_list(project) -> None:
    from ..query import scan_named_queries

    queries, broken = scan_named_queries(project.queries_path)
    for error in broken.values():  # reported, and the others still listed
        for problem in error.problems:
            click.echo(f"warning: {problem.render()}", err=True)
    if not queries:
        click.echo(f"no named queries in {project.queries_path}", err=True)
        return
    width = max(len(n) for n in queries)
    for name, named in queries.items():
        usage = " ".join(p.usage() for p in named.params)
        click.echo(f"{name:<{width}}  {named.title}" + (f"\n{'':<{width}}    params: {usage}" if usage else ""))
