"""``ldpub publish``: a versioned, self-describing release folder for open-data portals."""

from __future__ import annotations

from pathlib import Path

import click

from ..errors import EXIT_NONCONFORMING
from .common import data_option, note, project_from, project_path, render_findings


@click.command()
@click.option("--version", "-v", "version", required=True, help="Release version, e.g. 1.0.0 (names the folder).")
@click.option("--out", "out_dir", type=click.Path(file_okay=False, path_type=str), default=None,
              help="Release folder (default: releases/VERSION in the project).")
@click.option("--previous", "previous", type=click.Path(exists=True, file_okay=False, path_type=str), default=None,
              help="Release to compare with for the changelog (default: the highest older version beside OUT).")
@click.option("--check/--no-check", default=True, show_default=True,
              help="Check the catalog against the DCAT-AP 3.0.0 shapes (violations stop the release).")
@click.option("--force", is_flag=True,
              help="Replace VERSION if it is already published with other files (says what changes).")
@data_option
@click.option("--quiet", "-q", is_flag=True,
              help="Print nothing on success (and no progress: on a terminal, publish shows its phases on standard error).")
@click.pass_context
def publish(ctx: click.Context, version: str, out_dir: str | None, previous: str | None, check: bool,
            force: bool, data_dir: str | None, quiet: bool) -> None:
    """Publish release VERSION: dataset, ontology, shapes, DCAT-AP catalog, VoID, PROV, pages.

    Settings come from the [publish] table of ldpub.toml (base_url, description, publisher,
    contact_email, license...). A release is dated by [publish] modified, else SOURCE_DATE_EPOCH,
    else the last git commit of its inputs, never the clock: the same inputs and history give
    byte-identical files.
    Nothing is written unless the data conforms and the catalog meets DCAT-AP. A version is
    published once: over an existing release with other files publish stops (exit 2) and says
    what differs; --force replaces the folder as a whole, saying what changes.

    \b
    Example:
      ldpub publish --version 1.0.0            # -> releases/1.0.0/
      ldpub publish --version 1.0.0 --force    # replace it, saying what changes
      ldpub diff releases/0.9.0 releases/1.0.0
    """
    from ..release import publish as run_publish
    from .progress import before_line, progress_shown

    project = project_from(ctx)
    with progress_shown(quiet) as progress:
        build, release, written = run_publish(project, version, project_path(project, out_dir),
                                              previous=Path(previous) if previous else None,
                                              data_dir=project_path(project, data_dir), check=check,
                                              force=force, notify=before_line(progress, note), progress=progress)
    if not build.report.conforms:
        render_findings(build.report.sorted())
        click.echo(f"publish failed: {build.report.count('violation')} violation(s) in the data; nothing written", err=True)
        ctx.exit(EXIT_NONCONFORMING)
    violations = [r for r in release.dcat_ap if r.severity == "violation"]
    for result in release.dcat_ap:
        if result.severity == "violation" or not quiet:
            click.echo(result.render(), err=True)
    if violations:
        click.echo(f"publish failed: the catalog has {len(violations)} DCAT-AP violation(s); nothing written", err=True)
        ctx.exit(EXIT_NONCONFORMING)
    if not quiet:
        out = written[0].parent if written else out_dir
        click.echo(f"published {version}: {release.stats.triples} triples, {len(release.files)} files -> {out}")
        click.echo(f"  {release.changes}")
        click.echo(f"  dated {release.settings.modified.isoformat()} by {release.settings.date_source}")
        if check:
            warnings = len(release.dcat_ap)
            click.echo(f"  DCAT-AP 3.0.0: conforms ({warnings} recommendation warning(s))")

