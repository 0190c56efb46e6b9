"""``ldpub excerpts``: check every quote against the (unpublished) source texts."""

from __future__ import annotations

from pathlib import Path

import click

from ..errors import EXIT_NONCONFORMING
from .common import data_option, project_from, project_path, render_findings


@click.command()
@data_option
@click.option("--sources", "sources_dir", type=click.Path(file_okay=False, path_type=str), default=None,
              help="Folder of the full source texts (default: [paths] sources of the project).")
@click.option("--paragraphs", "paragraphs_of", type=click.Path(dir_okay=False, exists=True, path_type=str),
              default=None, help="Print the numbered paragraphs of this text file (for 'paragraph: N') and stop.")
@click.pass_context
def excerpts(ctx: click.Context, data_dir: str | None, sources_dir: str | None, paragraphs_of: str | None) -> None:
    """Check that every excerpt's quote occurs verbatim in its source text.

    Reads each source record's text file from the sources folder, checks its SHA-256 against the
    record, then checks every quote (character for character) and its paragraph number. Sources
    whose text is not there are skipped with a warning: the texts are not republished. Which
    properties are the quote, the source, the paragraph, the text file and the SHA-256 is said by
    the ontology (ldpub:role; see docs/bring-your-own-ontology.md); a project without them has
    nothing to check (exit 0). Relative --data and --sources paths resolve against the project folder.

    \b
    Examples:
      ldpub excerpts
      ldpub excerpts --sources ../texts
      ldpub excerpts --paragraphs ../texts/annual-report-2019.txt
    """
    from ..excerpts import check_excerpts, paragraphs

    if paragraphs_of:
        try:
            text = Path(paragraphs_of).read_text(encoding="utf-8")
        except UnicodeDecodeError as exc:
            from ..errors import ConfigError

            raise ConfigError.at(f"not UTF-8 text (byte {exc.start})", paragraphs_of,
                                 hint="save the source text as UTF-8") from exc
        for n, para in enumerate(paragraphs(text), start=1):
            line = " ".join(para.split())  # one line per paragraph, also for hard-wrapped texts
            click.echo(f"{n:3}  {line[:100]}{'…' if len(line) > 100 else ''}")
        return
    from ..pipeline import compile_project

    project = project_from(ctx)
    build = compile_project(project, project_path(project, data_dir), validate=False)
    folder = project_path(project, sources_dir) or project.sources_path
    result = check_excerpts(build, folder)
    if result.unsupported:
        click.echo(f"no excerpts to check: {result.unsupported}")
        return
    for source, path in sorted(result.missing.items()):
        name = build.mapped.source_map.locate(source).record if build.mapped.source_map.locate(source) else source
        click.echo(f"warning: no text for source '{name}' at {path}: its excerpts were not checked", err=True)
    render_findings(result.findings)
    if result.findings:
        click.echo(f"{len(result.findings)} excerpt problem(s)", err=True)
        ctx.exit(EXIT_NONCONFORMING)
    if not result.checked:
        click.echo("no source text found: nothing checked (pass --sources DIR)")
        return
    click.echo(f"ok: {result.excerpts} excerpts found verbatim in {len(result.checked)} source text(s)")
