"""``ldpub export``: the dataset in other projects' layouts (UCDP GED, ACLED, Mapping Militants),
as nanopublications, or as RDF 1.2 with reifiers."""

from __future__ import annotations

import click

from ..export import EXPORTS
from .common import data_option, project_from, project_path, write_report


@click.command()
@click.argument("fmt", metavar="FORMAT", type=click.Choice(sorted(EXPORTS)))
@data_option
@click.option("--output", "-o", type=click.Path(dir_okay=False, path_type=str), default=None,
              help="Write to this file (atomically) instead of standard output.")
@click.option("--only-layout", is_flag=True,
              help="Only the layout's own columns: leave out the trailing ldpub_* columns (CSV formats).")
@click.option("--quiet", "-q", is_flag=True,
              help="No progress (on a terminal, export shows its phases on standard error) and no note of the file written.")
@click.pass_context
def export(ctx: click.Context, fmt: str, data_dir: str | None, output: str | None, only_layout: bool,
           quiet: bool) -> None:
    """Export the dataset as FORMAT: ucdp, acled, relations (CSV), nanopub (TriG) or rdf12 (Turtle 1.2).

    The CSV layouts are those of UCDP GED, ACLED and Mapping Militants' links; what the data cannot
    fill is left empty, never guessed (docs/exports.md, column by column). The data must conform:
    nothing is exported from a build that fails validation.

    \b
    Example:
      ldpub export ucdp -o ged.csv
      ldpub export nanopub -o claims.trig
    """
    from ..errors import EXIT_NONCONFORMING
    from ..pipeline import compile_project
    from .common import render_findings
    from .progress import progress_shown

    project = project_from(ctx)
    with progress_shown(quiet) as progress:
        build = compile_project(project, project_path(project, data_dir), progress=progress)
        if build.report.conforms:
            if progress is not None:
                progress("exporting", None, build.triple_count)
            data = EXPORTS[fmt].make(build, only_layout=only_layout)
    if not build.report.conforms:
        render_findings(build.report.sorted())
        click.echo(f"export failed: {build.report.count('violation')} violation(s); nothing written", err=True)
        ctx.exit(EXIT_NONCONFORMING)
    rows = EXPORTS[fmt].rows(data)
    if output:
        write_report(project_path(project, output), data.decode("utf-8"))
        if not quiet:
            counted = "" if rows is None else f"{rows} row(s): "
            click.echo(f"wrote {counted}{EXPORTS[fmt].description} -> {output}", err=True)
    else:
        click.echo(data.decode("utf-8"), nl=False)
    if rows == 0:
        click.echo(f"warning: the {fmt} export has no rows, only its header: a record is a row when it has a code "
                   f"of the layout's scheme, from its own 'code' or its class's skos:exactMatch/broadMatch "
                   f"(docs/exports.md, 'Where the codes come from')", err=True)
