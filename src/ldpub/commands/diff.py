"""``ldpub diff``: what changed between two releases, grouped by entity."""

from __future__ import annotations

from pathlib import Path

import click


@click.command()
@click.argument("old", type=click.Path(exists=True, path_type=str))
@click.argument("new", type=click.Path(exists=True, path_type=str))
@click.option("--format", "-f", "fmt", type=click.Choice(["text", "json", "markdown"]), default="text", show_default=True,
              help="Output format.")
@click.option("--exit-code", is_flag=True, help="Exit 1 when there are differences (like git diff --exit-code).")
def diff(old: str, new: str, fmt: str, exit_code: bool) -> None:
    """Compare two releases (folders with dataset.nt, or N-Triples files).

    Changes are grouped by entity: nested nodes such as <x>#date belong to their record.
    A property whose value was replaced is shown as changed (old -> new).

    \b
    Example:
      ldpub diff releases/1.0.0 releases/1.1.0
      ldpub diff old.nt new.nt --format json
    """
    from ..release.diff import (diff_triples, entity_labels, load_release_triples, render_json, render_markdown,
                                render_text)
    from ..rdfterms import STANDARD_PREFIXES

    old_triples, old_prefixes = load_release_triples(Path(old))
    new_triples, new_prefixes = load_release_triples(Path(new))
    prefixes = {**STANDARD_PREFIXES, **old_prefixes, **new_prefixes}
    result = diff_triples(old_triples, new_triples)
    labels = entity_labels([new_triples, old_triples], _label_properties(Path(new)))
    renderers = {"text": render_text, "json": render_json, "markdown": render_markdown}
    click.echo(renderers[fmt](result, prefixes, labels), nl=False)
    if exit_code and not result.empty:
        raise click.exceptions.Exit(1)


def _label_properties(release: Path) -> tuple[str, ...]:
    """The label properties of a release's ontology (``ontology.ttl`` beside its data), else the standard ones."""
    from ..errors import LdpubError
    from ..ontology import STANDARD_LABELS, label_properties, parse_turtle_files

    folder = release if release.is_dir() else release.parent
    ontology = folder / "ontology.ttl"
    if not ontology.is_file():
        return STANDARD_LABELS
    try:
        store, _ = parse_turtle_files([ontology], "ontology")
    except LdpubError:
        return STANDARD_LABELS
    return tuple(label_properties(store))
