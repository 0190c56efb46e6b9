"""Options and helpers shared by several commands (defined once)."""

from __future__ import annotations

from pathlib import Path

import click

from ..config import Project, load_project

__all__ = ["project_from", "data_option", "render_findings", "project_path", "write_report", "note"]

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
    project = load_project(root)
    for warning in project.warnings:
        click.echo(f"warning: {warning}", err=True)
    return project


def render_findings(findings, err: bool = True) -> None:
    """Print findings one per line, ``FILE:LINE: record SLUG: message``."""
    for finding in findings:
        click.echo(finding.render(), err=err)


def project_path(project: Project, value: str | Path | None) -> Path | None:
    """A path option resolved against the project folder (``--project DIR`` works like ``make -C``)."""
    if value is None:
        return None
    path = Path(value).expanduser()
    return path if path.is_absolute() else project.root / path


def note(message: str) -> None:
    """Tell the user something worth knowing that is not an error (on standard error)."""
    click.echo(f"note: {message}", err=True)


def write_report(path: Path, text: str) -> None:
    """Write a report file atomically (a temporary file beside it, then renamed; usual permissions)."""
    from ..output import write_file

    write_file(path, text.encode("utf-8"), notify=note)
