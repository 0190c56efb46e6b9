"""``ldpub build`` and ``ldpub validate``."""

from __future__ import annotations

from pathlib import Path

import click

from ..errors import EXIT_NONCONFORMING
from .common import data_option, project_from, render_findings


@click.command()
@data_option
@click.option("--out", "out_dir", type=click.Path(file_okay=False, path_type=str), default=None,
              help="Output folder (default: [paths] out of the project, usually dist/).")
@click.option("--quiet", "-q", is_flag=True, help="Print nothing on success.")
@click.pass_context
def build(ctx: click.Context, data_dir: str | None, out_dir: str | None, quiet: bool) -> None:
    """Build the dataset: records -> validated dataset.ttl, dataset.nt, dataset.jsonld.

    Writes into OUT: dataset.ttl, dataset.nt, dataset.jsonld, context.jsonld, ontology.ttl and
    shapes.ttl. Nothing is written unless every check passes; the previous output stays intact.

    \b
    Example:
      ldpub build --out dist/
    """
    from ..pipeline import compile_project, write_build

    project = project_from(ctx)
    result = compile_project(project, Path(data_dir) if data_dir else None)
    if not result.report.conforms:
        render_findings(result.report.sorted())
        click.echo(f"build failed: {result.report.count('violation')} violation(s); nothing written", err=True)
        ctx.exit(EXIT_NONCONFORMING)
    out = Path(out_dir) if out_dir else project.out_path
    written = write_build(result, out)
    if not quiet:
        render_findings([f for f in result.report.sorted() if f.severity != "violation"])
        click.echo(f"built {len(result.triples)} triples from {len(result.records)} records -> {out}")
        for path in written:
            click.echo(f"  {path}")


@click.command()
@data_option
@click.pass_context
def validate(ctx: click.Context, data_dir: str | None) -> None:
    """Run every check on the records and report problems; write nothing.

    \b
    Example:
      ldpub validate
    """
    from ..pipeline import compile_project

    project = project_from(ctx)
    result = compile_project(project, Path(data_dir) if data_dir else None)
    render_findings(result.report.sorted())
    if not result.report.conforms:
        click.echo(f"{result.report.count('violation')} violation(s)", err=True)
        ctx.exit(EXIT_NONCONFORMING)
    click.echo(f"ok: {len(result.records)} records, {len(result.triples)} triples conform")
