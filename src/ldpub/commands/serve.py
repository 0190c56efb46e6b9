"""``ldpub serve``: Linked Data pages and a read-only SPARQL endpoint for the dataset."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import click

from .common import project_from, project_path, render_findings


@click.command()
@click.option("--host", default=None, help="Address to listen on (default 127.0.0.1; [serve] host).")
@click.option("--port", type=click.IntRange(0, 65535), default=None,
              help="Port (default 8080; 0 picks a free one; [serve] port).")
@click.option("--from", "source", type=click.Path(file_okay=False, path_type=str), default=None,
              help="Serve a build or release folder instead of building the project now.")
@click.option("--query-timeout", type=click.FloatRange(min=0.001), default=None,
              help="Seconds a query may run before it is stopped ([serve] query_timeout, default 10).")
@click.option("--workers", type=click.IntRange(1, 64), default=None, help="Query worker processes ([serve] workers, default 2).")
@click.option("--quiet", "-q", is_flag=True,
              help="No progress while the data loads (shown on a terminal only, on standard error).")
@click.pass_context
def serve(ctx: click.Context, host: str | None, port: int | None, source: str | None,
          query_timeout: float | None, workers: int | None, quiet: bool) -> None:
    """Serve the dataset: entity pages, a SPARQL endpoint at /sparql, a query page at /query.

    Entity IRIs resolve under the path of the project's base_iri (303 to their page, Turtle or
    JSON-LD by Accept). Limits (time, result size, request size) come from [serve] in ldpub.toml.
    After ``ldpub build``, the query store it left is served as it is (nothing is built again)
    while it matches the records, ontology, settings and shapes; otherwise the project is built
    and validated first (a note says why). Access logs are JSON lines on stderr (or [serve]
    access_log). Federated queries (SERVICE) are refused: the server never calls another
    address for a visitor (see SECURITY.md).
    SIGTERM or Ctrl-C stops it and removes its working copy of the data (exit 143 or 130).

    \b
    Example:
      ldpub serve --port 8080
      curl -H 'Accept: text/csv' --data-urlencode 'query=SELECT * { ?s ?p ?o } LIMIT 5' \\
        http://127.0.0.1:8080/sparql
    """
    from ..errors import EXIT_NONCONFORMING
    from ..serve import open_built_store, open_server, serve_settings
    from .progress import progress_shown

    with _sigterm_unwinds():  # SIGTERM unwinds like Ctrl-C: the temporary store is removed
        project = project_from(ctx)
        folder = project_path(project, source)
        settings = serve_settings(project, host=host, port=port, query_timeout=query_timeout, workers=workers)
        build = store = None
        if folder is None:
            store, why_not = open_built_store(project, notify=lambda text: click.echo(f"note: {text}", err=True))
            if store is not None:
                click.echo(f"note: serving the query store of the last build ({store.triples} data triples, "
                           "validated): nothing to build", err=True)
            elif why_not:
                click.echo(f"note: {why_not}: building and validating the project to serve it", err=True)
        with progress_shown(quiet) as progress:
            if folder is None and store is None:
                from ..pipeline import compile_project

                build = compile_project(project, progress=progress)
            if build is None or build.report.conforms:
                if progress is not None and store is None:
                    progress("loading the store", None, build.triple_count if build is not None else None)
                server = open_server(project, settings, folder, build, store)
        if build is not None and not build.report.conforms:
            render_findings(build.report.sorted())
            click.echo(f"not serving: {build.report.count('violation')} violation(s); fix them (ldpub validate)", err=True)
            ctx.exit(EXIT_NONCONFORMING)
        for folder_left in server.workdir.removed:
            click.echo(f"note: removed {folder_left}, the copy of the data of an ldpub server that was killed", err=True)
        from ..query import scan_named_queries

        for error in scan_named_queries(project.queries_path)[1].values():  # served without them
            for problem in error.problems:
                click.echo(f"warning: {problem.render()} (not offered on the query page)", err=True)
        click.echo(f"serving {server.triples} triples at {server.url} (SPARQL: {server.url}sparql; Ctrl-C stops)", err=False)
        import sys

        sys.stdout.flush()
        server.run()


@contextmanager
def _sigterm_unwinds() -> Iterator[None]:
    """While inside, SIGTERM ends the process through Python's unwinding (exit status 143), so
    that the server's ``finally`` blocks run: its temporary store copy is removed, its workers
    stopped. The previous handler is restored on the way out.

    The default action of SIGTERM ends the process at once. uvicorn handles the signal while it
    serves, then restores the handler it found and raises the signal again: with this handler
    that too becomes an orderly exit."""
    import signal
    import threading

    if threading.current_thread() is not threading.main_thread():  # only the main thread may set handlers
        yield
        return

    def terminated(signum: int, frame) -> None:
        raise SystemExit(128 + signum)

    previous = signal.signal(signal.SIGTERM, terminated)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)
