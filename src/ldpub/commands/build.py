"""``ldpub build`` (``ldpub validate`` lives in :mod:`ldpub.commands.validate`)."""

from __future__ import annotations

import click

from ..errors import EXIT_NONCONFORMING
from ..querystore import MODES
from .common import data_option, note, project_from, project_path, render_findings


@click.command()
@data_option
@click.option("--out", "out_dir", type=click.Path(file_okay=False, path_type=str), default=None,
              help="Output folder (default: [paths] out of the project, usually dist/).")
@click.option("--reason", is_flag=True,
              help="Run the OWL reasoner (HermiT; needs Java) and add inferred types and inverse links "
                   "(owl:inverseOf) to the output. Refuses to build inconsistent data.")
@click.option("--quiet", "-q", is_flag=True,
              help="Print nothing on success (and no progress: on a terminal, a build shows its phases on standard error).")
@click.option("--query-store", "query_store", type=click.Choice(MODES), default=None,
              help="How the query store that `ldpub query` opens is made once the files are written: by a "
                   "detached process after the build returns (background; queries started meanwhile wait for "
                   "it), before the build returns (foreground: for scripts that need or cache it), or not at "
                   "all (off). Default: LDPUB_QUERY_STORE, else background.")
@click.pass_context
def build(ctx: click.Context, data_dir: str | None, out_dir: str | None, reason: bool, quiet: bool,
          query_store: str | None) -> None:
    """Build the dataset: records -> validated dataset.ttl, dataset.nt, dataset.jsonld.

    Writes into OUT: dataset.ttl, dataset.nt, dataset.jsonld, context.jsonld, ontology.ttl and
    shapes.ttl. Nothing is written unless every check passes; the files then replace the
    previous ones in one step (a failed or interrupted build leaves them as they were). A
    second build into the same OUT is refused while one runs. Relative paths resolve against
    the project folder. The query store that `ldpub query` opens is made after the build
    returns, by a detached process (see --query-store).

    \b
    Example:
      ldpub build --out dist/
      ldpub build --reason       # plus inferred types and inverse links
    """
    from ..pipeline import build_project, compile_project, write_build

    project = project_from(ctx)
    out = project_path(project, out_dir) if out_dir else project.out_path
    inferred = 0
    if reason:  # the reasoner adds triples after validation: compile, reason, then write
        result = compile_project(project, project_path(project, data_dir))
        if result.report.conforms:
            from ..reasoning import add_inferences

            inferred = add_inferences(result)
        written = write_build(result, out, notify=note) if result.report.conforms else []
    else:
        from .progress import before_line, progress_shown

        with progress_shown(quiet) as progress:  # on a terminal only: phases with counts on standard error
            result, written = build_project(project, project_path(project, data_dir), out,
                                            notify=before_line(progress, note), progress=progress,
                                            query_store=query_store)
    if not result.report.conforms:
        render_findings(result.report.sorted())
        click.echo(f"build failed: {result.report.count('violation')} violation(s); nothing written", err=True)
        ctx.exit(EXIT_NONCONFORMING)
    from ..cli import skip_teardown

    skip_teardown()  # everything is written: exit without freeing the build (seconds at 100k records)
    if not quiet:
        render_findings([f for f in result.report.sorted() if f.severity != "violation"])
        extra = f" (+{inferred} inferred)" if reason else ""
        click.echo(f"built {result.triple_count} triples{extra} from {result.record_count} records -> {out}")
        for path in written:
            click.echo(f"  {path}")
