"""``ldpub init DIR``: start a new dataset project."""

from __future__ import annotations

from pathlib import Path

import click


@click.command()
@click.argument("folder", type=click.Path(file_okay=False, path_type=str))
@click.option("--name", default=None, help="Project name (default: the folder's name, as a slug).")
@click.option("--title", default=None, help="Human title of the dataset.")
@click.option("--base-iri", default=None, help="Base IRI of the records (default: https://example.org/NAME/id/).")
@click.option("--ontology", "ontology", multiple=True, type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="Start from this ontology (Turtle, RDF/XML, N-Triples, N3, JSON-LD; repeatable) instead of the sample.")
def init(folder: str, name: str | None, title: str | None, base_iri: str | None, ontology: tuple[Path, ...]) -> None:
    """Start a new dataset project in FOLDER (new or empty; nothing is overwritten).

    Creates ldpub.toml (with [paths] sources and [publish]), an ontology on W3C ORG, FOAF,
    PROV-O and SKOS with fuzzy EDTF dates and claims with a status and their denials, shapes,
    a sample (a fictional club: people, memberships, a denied claim) quoting a sample text in
    sources/, two named queries, records.schema.json for editors, a GitHub Actions workflow and
    a pre-commit hook. Every command works on it as it is: validate, excerpts, build, query,
    serve, publish.

    With --ontology FILE (repeatable), the project starts from an existing ontology instead:
    the files are copied into ontology/ (other syntaxes converted to Turtle; a file that states
    no licence is reported), with a shapes skeleton (one named node shape per class), one sample
    record per class that validates, and a query listing the records per class.

    \b
    Examples:
      ldpub init my-dataset && cd my-dataset && ldpub validate && ldpub build
      ldpub init my-dataset --ontology org.ttl --ontology foaf.rdf
    """
    from ..scaffold import init_project
    from .common import note

    written, notes = init_project(Path(folder), name=name, title=title, base_iri=base_iri, ontology=list(ontology),
                                  notify=note)
    click.echo(f"created {folder} ({len(written)} files):")
    for path in written:
        click.echo(f"  {Path(path).relative_to(Path(folder)).as_posix()}")
    for note in notes:
        click.echo(f"note: {note}", err=True)
    click.echo(f"next: cd {folder} && ldpub validate && ldpub build")
