"""``ldpub validate``: every check, one report, in the format the reader (or CI) wants."""

from __future__ import annotations

import click

from .common import data_option, project_from, project_path, write_report

FORMATS = ("text", "json", "junit", "github", "sarif")


@click.command()
@data_option
@click.option("--format", "-f", "format_name", type=click.Choice(FORMATS), default="text", show_default=True,
              help="Report format: text (people), json, junit (CI test reports), github (Actions annotations), "
                   "sarif (code scanning).")
@click.option("--fail-on", type=click.Choice(["violation", "warning"]), default="violation", show_default=True,
              help="Lowest severity that makes the run fail (exit 1).")
@click.option("--reason", is_flag=True, help="Also run the OWL reasoner (HermiT; needs Java): consistency and "
                                              "unsatisfiable classes, mapped to records.")
@click.option("--no-ontology-checks", is_flag=True, help="Skip the ontology quality checks (labels, definitions, "
                                                          "undeclared terms, classes without shapes).")
@click.option("--output", "-o", "output", type=click.Path(dir_okay=False, allow_dash=True, path_type=str), default=None,
              help="Write the report to this file ('-': standard output, also for the text report).")
@click.option("--quiet", "-q", is_flag=True,
              help="No progress (on a terminal, validate shows its phases on standard error).")
@click.pass_context
def validate(ctx: click.Context, data_dir: str | None, format_name: str, fail_on: str, reason: bool,
             no_ontology_checks: bool, output: str | None, quiet: bool) -> None:
    """Run every check on the records and report problems; write nothing else.

    Checks: records (YAML, ids, duplicates, unknown keys and types, dangling references,
    values, dates, EDTF), SHACL shapes, ontology quality and, with --reason, OWL reasoning.
    Every finding names the YAML file, line and record it comes from.

    \b
    The text report goes to standard error, like every diagnostic (-o - puts it on standard
    output, e.g. for a pager or grep); the other formats go to standard output (or to -o FILE).

    \b
    Exit codes: 0 conforms, 1 does not conform (at --fail-on), 2 usage or input error
    (a record that cannot be read or mapped is reported in the chosen format, then exit 2).

    \b
    Examples:
      ldpub validate
      ldpub validate --format github            # annotations in a GitHub Actions run
      ldpub validate --format sarif -o ldpub.sarif
      ldpub validate -o - | less               # the text report on standard output
      ldpub validate --reason --fail-on warning
    """
    from ..checks import check_project
    from ..reporters import REPORTERS, ReportContext
    from .progress import progress_shown

    project = project_from(ctx)
    with progress_shown(quiet) as progress:
        result = check_project(project, project_path(project, data_dir), reason=reason,
                               ontology_checks=not no_ontology_checks, progress=progress)
    build = result.build
    context = ReportContext(
        root=project.root,
        fail_on=fail_on,
        prefixes={**(build.prefixes if build else {}), **_SHAPE_PREFIXES},
        records=build.record_count if build else None,
        triples=len(build.lines) if build else None,
    )
    text = REPORTERS[format_name].render(result.report, context)
    if output == "-":
        click.echo(text, nl=False)
    elif output:
        write_report(project_path(project, output), text)
    else:
        # text is for people: on stderr like every diagnostic of ldpub; machine formats on stdout
        click.echo(text, nl=False, err=format_name == "text")
    if format_name != "text":
        click.echo(f"{'input error' if result.report.input_error else 'done'}: {result.report.summary()}", err=True)
    ctx.exit(result.report.exit_code(fail_on))


_SHAPE_PREFIXES = {"sh": "http://www.w3.org/ns/shacl#"}
