"""``ldpub shacl``: validate any RDF files against any SHACL shapes (no project needed)."""

from __future__ import annotations

from pathlib import Path

import click

from .common import write_report

REPORT_FORMATS = ("text", "json", "turtle")


@click.command()
@click.argument("data_files", nargs=-1, required=True, type=click.Path(dir_okay=False, path_type=Path))
@click.option("--shapes", "-s", "shape_files", multiple=True, type=click.Path(dir_okay=False, path_type=Path),
              help="Shapes graph file (repeatable). Default: the data files are the shapes graph too.")
@click.option("--format", "-f", "format_name", type=click.Choice(REPORT_FORMATS), default="text", show_default=True,
              help="Report format: text (one line per result), json, or turtle (the W3C sh:ValidationReport graph).")
@click.option("--output", "-o", "output", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Write the report to this file instead of standard output.")
@click.pass_context
def shacl(ctx: click.Context, data_files: tuple[Path, ...], shape_files: tuple[Path, ...], format_name: str,
          output: Path | None) -> None:
    """Validate RDF data against SHACL shapes: all of SHACL Core and SHACL-SPARQL.

    Files are read by extension: .ttl, .nt, .nq, .trig (default graph), .rdf/.owl/.xml,
    .jsonld/.json, .n3. Shapes the engine cannot honour (SHACL-JS, SHACL-AF rules, SPARQL
    that SHACL forbids, an unknown sh: term) are an error naming the shape, never skipped.

    \b
    Exit codes: 0 conforms, 1 does not conform (a result of any severity),
    2 a file cannot be read or the shapes are refused.

    \b
    Examples:
      ldpub shacl data.ttl --shapes shapes.ttl
      ldpub shacl data.nt more.ttl -s shapes.ttl --format turtle -o report.ttl
    """
    from ..shacl import validate
    from ..shacl.report import REPORT_FORMATS as RENDERERS

    report = validate(list(data_files), shapes=list(shape_files) or None)
    text = RENDERERS[format_name](report)
    if output is not None:
        write_report(output, text)
        click.echo(f"{'conforms' if report.conforms else 'does not conform'}: {len(report.results)} result(s), "
                   f"report in {output}", err=True)
    else:
        click.echo(text, nl=False)
    ctx.exit(0 if report.conforms else 1)
