"""Options and helpers shared by several commands (defined once)."""

from __future__ import annotations

from pathlib import Path

import click

from ..config import Project, load_project

__all__ = ["project_from", "data_option", "render_findings", "project_path", "write_report"]

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


def project_path(project: Project, value: str | Path | None) -> Path | None:
    """A path option resolved against the project folder (``--project DIR`` works like ``make -C``)."""
    if value is None:
        return None
    path = Path(value).expanduser()
    return path if path.is_absolute() else project.root / path


def write_report(path: Path, text: str) -> None:
    """Write a report file atomically (a temporary file beside it, then renamed)."""
    import os
    import tempfile

    from ..errors import OutputError

    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(text)
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(tmp, 0o666 & ~umask)  # as open() would make it (mkstemp makes 0600)
        os.replace(tmp, path)
    except OSError as exc:
        raise OutputError.at(f"cannot write the report: {exc.strerror}", path) from exc
