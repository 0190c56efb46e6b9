"""``ldpub init DIR``: start a new dataset project."""

from __future__ import annotations

from pathlib import Path

import click


@click.command()
@click.argument("folder", type=click.Path(file_okay=False, path_type=str))
@click.option("--name", default=None, help="Project name (default: the folder's name, as a slug).")
@click.option("--title", default=None, help="Human title of the dataset.")
@click.option("--base-iri", default=None, help="Base IRI of the records (default: https://example.org/NAME/id/).")
def init(folder: str, name: str | None, title: str | None, base_iri: str | None) -> None:
    """Start a new dataset project in FOLDER (new or empty; nothing is overwritten).

    Creates ldpub.toml, a minimal ontology and shapes, one record, a named query, a GitHub
    Actions workflow running `ldpub validate --format github` and a pre-commit hook running
    `ldpub validate`. The project validates and builds as it is.

    \b
    Example:
      ldpub init my-dataset && cd my-dataset && ldpub validate && ldpub build
    """
    from ..scaffold import init_project
    from .common import note

    written = init_project(Path(folder), name=name, title=title, base_iri=base_iri, notify=note)
    click.echo(f"created {folder} ({len(written)} files):")
    for path in written:
        click.echo(f"  {Path(path).relative_to(Path(folder)).as_posix()}")
    click.echo(f"next: cd {folder} && ldpub validate && ldpub build")
