"""``ldpub schema``: the JSON Schema of the record format, for editors."""

from __future__ import annotations

import click

from ..errors import EXIT_NONCONFORMING
from .common import project_from, project_path, write_report


@click.command()
@click.option("--output", "-o", type=click.Path(dir_okay=False, path_type=str), default=None,
              help="Write the schema to this file (default: standard output).")
@click.option("--check", "check", type=click.Path(dir_okay=False, path_type=str), default=None,
              help="Do not write: exit 1 if this schema file is missing or out of date (for CI).")
@click.pass_context
def schema(ctx: click.Context, output: str | None, check: str | None) -> None:
    """Write a JSON Schema of the records, derived from the ontology and the shapes.

    Editors that use the YAML language server (VS Code's YAML extension, Neovim, Helix,
    JetBrains) then complete keys, offer named individuals and flag wrong values as you type.
    Point a records file at it with a first line
    '# yaml-language-server: $schema=../records.schema.json'. Write it again after
    changing the ontology or the shapes; 'ldpub validate' remains the judge.

    \b
    Examples:
      ldpub schema -o records.schema.json
      ldpub schema --check records.schema.json     # in CI: fails when it is stale
    """
    from ..recordschema import project_schema, schema_json

    project = project_from(ctx)
    text = schema_json(project_schema(project))
    if check:
        path = project_path(project, check)
        try:
            current = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError):
            current = None
        if current != text:
            state = "is missing or unreadable" if current is None else "is out of date with the ontology or the shapes"
            click.echo(f"{path}: {state}; write it again with: ldpub schema -o {check}", err=True)
            ctx.exit(EXIT_NONCONFORMING)
        click.echo(f"{path}: up to date", err=True)
        return
    if output:
        path = project_path(project, output)
        write_report(path, text)
        click.echo(f"wrote {path}", err=True)
    else:
        click.echo(text, nl=False)
