"""Options and helpers shared by several commands (defined once)."""

from __future__ import annotations

import click

from ..config import Project, load_project

__all__ = ["project_from", "data_option", "render_findings"]

data_option = click.option(
    "--data",
    "data_dir",
    type=click.Path(file_okay=False, path_type=str),
    default=None,
    help="Records folder (default: [paths] data of the project, usually data/).",
)


def project_from(ctx: click.Context) -> Project:
    """The project of the current invocation (``--project`` or the current directory)."""
    root = ctx.find_root().obj.get("project_dir") if ctx.find_root().obj else None
    return load_project(root)


def render_findings(findings, err: bool = True) -> None:
    """Print findings one per line, ``FILE:LINE: record SLUG: message``."""
    for finding in findings:
        click.echo(finding.render(), err=err)
