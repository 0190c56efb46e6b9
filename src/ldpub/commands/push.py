"""``ldpub push``: load a build or release into a SPARQL 1.1 server (Graph Store Protocol)."""

from __future__ import annotations

import click

from .common import project_from, project_path


@click.command()
@click.option("--endpoint", required=True, metavar="URL",
              help="The server's Graph Store Protocol URL (e.g. Oxigraph http://host:7878/store, Fuseki http://host:3030/ds/data).")
@click.option("--graph", metavar="IRI", default=None,
              help="Named graph to replace (default: [push] graph, else the dataset IRI derived from base_iri).")
@click.option("--update-endpoint", metavar="URL", default=None,
              help="SPARQL Update URL: chunks go to a staging graph, then MOVE replaces the target in one step.")
@click.option("--query-endpoint", metavar="URL", default=None,
              help="SPARQL query URL: afterwards, check the server holds exactly the triples sent.")
@click.option("--from", "source", type=click.Path(file_okay=False, path_type=str), default=None,
              help="Build or release folder to push (default: the project's out folder, usually dist/).")
@click.option("--chunk-size", type=click.IntRange(min=1), default=50_000, show_default=True,
              help="Triples per request.")
@click.option("--auth", "auth_scheme", type=click.Choice(["basic", "digest"]), default="basic", show_default=True,
              help="HTTP auth scheme for LDPUB_PUSH_USER / LDPUB_PUSH_PASSWORD (Virtuoso needs digest).")
@click.option("--timeout", type=click.FloatRange(min=1), default=300.0, show_default=True, help="Seconds per request.")
@click.option("--quiet", "-q", is_flag=True, help="No progress bar; print only errors.")
@click.pass_context
def push(ctx: click.Context, endpoint: str, graph: str | None, update_endpoint: str | None, query_endpoint: str | None,
         source: str | None,
         chunk_size: int, auth_scheme: str, timeout: float, quiet: bool) -> None:
    """Replace a named graph on a SPARQL server with the dataset (idempotent: PUT replaces).

    Credentials come only from the environment: LDPUB_PUSH_TOKEN (Bearer), or LDPUB_PUSH_USER
    and LDPUB_PUSH_PASSWORD. They are never printed.

    \b
    Example:
      ldpub build
      LDPUB_PUSH_USER=admin LDPUB_PUSH_PASSWORD=... \\
        ldpub push --endpoint http://localhost:3030/ds/data --update-endpoint http://localhost:3030/ds/update
    """
    from ..iris import dataset_iri
    from ..push import PushError, PushTarget, auth_from_env, graph_term
    from ..redact import redact_url
    from ..push import push as run_push

    project = project_from(ctx)
    folder = project_path(project, source) or project.out_path
    configured = project.section("push").get("graph")
    target_graph = str(graph or configured or dataset_iri(project.base_iri))
    try:
        graph_term(target_graph)
    except PushError as exc:
        if graph or not configured:
            raise
        from ..config import CONFIG_FILE

        raise PushError.at(exc.problems[0].message, project.root / CONFIG_FILE, hint="fix [push] graph") from None
    target = PushTarget(endpoint, target_graph, update_endpoint, query_endpoint, auth_scheme, timeout)
    auth = auth_from_env(auth_scheme)
    bar = {}

    def start(total: int, chunks: int) -> None:
        if not quiet:
            click.echo(f"pushing {total} triples in {chunks} chunk(s) to <{target.graph}> at {redact_url(endpoint)}",
                       err=True)
            bar["bar"] = click.progressbar(length=total, label="uploading", file=click.get_text_stream("stderr"),
                                           show_pos=True)
            bar["bar"].__enter__()

    def progress(n: int) -> None:
        if "bar" in bar:
            bar["bar"].update(n)

    try:
        result = run_push(folder, target, chunk_triples=chunk_size, auth=auth, on_progress=progress, on_start=start)
    finally:
        if "bar" in bar:
            bar["bar"].__exit__(None, None, None)
    if not quiet:
        how = "staged, then moved into place" if result.staged else "replaced"
        if result.verified:
            how += f"; the server holds exactly {result.triples} triples there"
        click.echo(f"pushed {result.triples} triples from {result.source} to <{result.graph}> "
                   f"in {result.chunks} request(s) ({how})")
