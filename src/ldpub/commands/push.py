"""``ldpub push``: load a build or release into a SPARQL 1.1 server (Graph Store Protocol)."""

from __future__ import annotations

import click

from .common import project_from, project_path


@click.command()
@click.option("--endpoint", required=True, metavar="URL",
              help="The server's Graph Store Protocol URL (e.g. Oxigraph http://host:7878/store, Fuseki http://host:3030/ds/data).")
@click.option("--graph", metavar="IRI", default=None,
              help="Named graph for the dataset (default: [push] graph, else the dataset IRI derived from base_iri).")
@click.option("--ontology-graph", metavar="IRI", default=None,
              help="Named graph for the ontology (default: [push] ontology_graph, else the ontology's own IRI). "
                   "The same IRI as --graph puts both in one graph.")
@click.option("--default-graph", is_flag=True, default=None,
              help="Put the dataset and the ontology into the server's default graph instead ([push] default_graph).")
@click.option("--no-ontology", is_flag=True, help="Send the dataset only (the server has the ontology already).")
@click.option("--update-endpoint", metavar="URL", default=None,
              help="SPARQL Update URL: uploads go to staging graphs, then one request MOVEs them into place.")
@click.option("--query-endpoint", metavar="URL", default=None,
              help="SPARQL query URL: afterwards, check the server holds exactly the triples sent, graph by graph.")
@click.option("--from", "source", type=click.Path(file_okay=False, path_type=str), default=None,
              help="Build or release folder to push (default: the project's out folder, usually dist/).")
@click.option("--chunk-size", type=click.IntRange(min=1), default=50_000, show_default=True,
              help="Triples per request.")
@click.option("--auth", "auth_scheme", type=click.Choice(["basic", "digest"]), default="basic", show_default=True,
              help="HTTP auth scheme for LDPUB_PUSH_USER / LDPUB_PUSH_PASSWORD (Virtuoso needs digest).")
@click.option("--timeout", type=click.FloatRange(min=1), default=300.0, show_default=True, help="Seconds per request.")
@click.option("--quiet", "-q", is_flag=True, help="No progress (shown on a terminal only); print only errors.")
@click.pass_context
def push(ctx: click.Context, endpoint: str, graph: str | None, ontology_graph: str | None, default_graph: bool | None,
         no_ontology: bool, update_endpoint: str | None, query_endpoint: str | None, source: str | None,
         chunk_size: int, auth_scheme: str, timeout: float, quiet: bool) -> None:
    """Replace the dataset's and the ontology's graphs on a SPARQL server (idempotent: PUT replaces).

    The named queries need both: the ontology holds the class hierarchy and the labels of its
    concepts. Query the pushed graphs with 'ldpub query --endpoint URL --graph IRI --graph IRI',
    or set [push] graph in ldpub.toml and both commands use the same graphs.

    Credentials come only from the environment: LDPUB_PUSH_TOKEN (Bearer), or LDPUB_PUSH_USER
    and LDPUB_PUSH_PASSWORD. They are never printed.

    \b
    Example:
      ldpub build
      LDPUB_PUSH_USER=admin LDPUB_PUSH_PASSWORD=... \\
        ldpub push --endpoint http://localhost:3030/ds/data --update-endpoint http://localhost:3030/ds/update
      ldpub query NAME --endpoint http://localhost:3030/ds/query \\
        --graph https://example.org/dataset/ --graph https://example.org/ontology
    """
    from ..iris import dataset_iri
    from ..push import PushTarget, auth_from_env, graph_term, push_settings
    from ..push import push as run_push
    from ..redact import redact_url

    project = project_from(ctx)
    folder = project_path(project, source) or project.out_path
    settings = push_settings(project)
    if default_graph is None:
        default_graph = settings.default_graph
    if default_graph and (graph or ontology_graph):
        raise click.UsageError("--default-graph puts everything in the default graph: leave out --graph and --ontology-graph")
    target_graph = None if default_graph else str(graph or settings.graph or dataset_iri(project.base_iri))
    if target_graph:
        graph_term(target_graph)
    target_ontology = None if default_graph else (ontology_graph or settings.ontology_graph)
    if target_ontology:
        graph_term(target_ontology)
    target = PushTarget(endpoint, target_graph, update_endpoint, query_endpoint, auth_scheme, timeout,
                        ontology_graph=target_ontology, default_graph=default_graph, with_ontology=not no_ontology)
    auth = auth_from_env(auth_scheme)
    from .progress import progress_shown

    with progress_shown(quiet) as line:  # on a terminal only: triples sent so far, on standard error
        sent = {"triples": 0, "total": None}

        def start(total: int, chunks: int) -> None:
            sent["total"] = total
            if not quiet:
                click.echo(f"pushing {total} triples in {chunks} request(s) to {redact_url(endpoint)}", err=True)

        def progress(n: int) -> None:
            sent["triples"] += n
            if line is not None:
                line("uploading", sent["triples"], sent["total"])

        result = run_push(folder, target, chunk_triples=chunk_size, auth=auth, on_progress=progress, on_start=start)
    if len(result.graphs) > 1 and result.shared:
        click.echo(f"warning: {result.shared} triples are both in the dataset and in the ontology: a query over both "
                   "graphs may count them twice on servers that do not merge them (Oxigraph, Virtuoso)", err=True)
    if not quiet:
        how = "staged, then moved into place" if result.staged else "replaced"
        if result.verified:
            how += "; the server holds exactly what was sent"
        click.echo(f"pushed {result.triples} triples in {result.chunks} request(s) ({how}):")
        for pushed in result.graphs:
            files = " + ".join(p.name for p in pushed.sources)
            click.echo(f"  {pushed.name}: {pushed.expected} triples from {files}")
        named = [p.graph for p in result.graphs if p.graph]
        if named:
            flags = " ".join(f"--graph {g}" for g in named)
            click.echo(f"query them with: ldpub query NAME --endpoint QUERY_URL {flags}")
