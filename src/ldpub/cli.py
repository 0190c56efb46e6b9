"""The ``ldpub`` command line: a thin click group whose commands load lazily.

Commands live in :mod:`ldpub.commands`, one module each, registered in :data:`COMMANDS`.
A command parses options, calls one library function and renders the result; library
errors (:class:`ldpub.errors.LdpubError`) become one line per problem and exit code 2.

Exit codes: 0 success (data conforms), 1 data does not conform, 2 usage or input error.
"""

from __future__ import annotations

import importlib
import os
import sys

import click

from . import __version__

__all__ = ["main", "cli", "COMMANDS"]

# name -> (module, attribute, one-line help shown by `ldpub --help` without importing it)
COMMANDS: dict[str, tuple[str, str, str]] = {
    "build": ("ldpub.commands.build", "build", "Build the dataset: records -> validated Turtle, N-Triples, JSON-LD."),
    "validate": ("ldpub.commands.validate", "validate", "Run every check; report as text, json, junit, github or sarif."),
    "init": ("ldpub.commands.init", "init", "Start a new dataset project that validates in CI out of the box."),
    "publish": ("ldpub.commands.publish", "publish", "Publish a versioned release: data, DCAT-AP catalog, VoID, PROV, pages."),
    "diff": ("ldpub.commands.diff", "diff", "Show what changed between two releases, grouped by entity."),
    "excerpts": ("ldpub.commands.excerpts", "excerpts", "Check every quote verbatim against the source texts."),
    "query": ("ldpub.commands.query", "query", "Ask a named question or run SPARQL, embedded or on an endpoint."),
    "serve": ("ldpub.commands.serve", "serve", "Serve the dataset as Linked Data with a read-only SPARQL endpoint."),
    "push": ("ldpub.commands.push", "push", "Load a build or release into a SPARQL server (Graph Store Protocol)."),
    "schema": ("ldpub.commands.schema", "schema", "Write a JSON Schema of the records for editors (completion, checks)."),
    "shacl": ("ldpub.commands.shacl", "shacl", "Validate any RDF files against SHACL shapes (Core and SPARQL)."),
    "export": ("ldpub.commands.export", "export", "Export as event/relation CSV layouts, nanopublications, RDF 1.2."),
}

CONTEXT_SETTINGS = {"help_option_names": ["-h", "--help"], "max_content_width": 100}


class LazyGroup(click.Group):
    """A click group that imports a command's module only when that command runs."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(COMMANDS)

    def get_command(self, ctx: click.Context, name: str) -> click.Command | None:
        if name not in COMMANDS:
            return None
        module, attr, _ = COMMANDS[name]
        return getattr(importlib.import_module(module), attr)

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        rows = [(name, COMMANDS[name][2]) for name in sorted(COMMANDS)]
        with formatter.section("Commands"):
            formatter.write_dl(rows)

    def resolve_command(self, ctx, args):
        try:
            return super().resolve_command(ctx, args)
        except click.UsageError:
            from .errors import did_you_mean

            hint = did_you_mean(args[0], list(COMMANDS)) if args else None
            raise click.UsageError(f"no such command '{args[0]}'" + (f" ({hint})" if hint else ""), ctx) from None


@click.group(cls=LazyGroup, context_settings=CONTEXT_SETTINGS)
@click.version_option(__version__, "--version", "-V", prog_name="ldpub")
@click.option(
    "--project",
    "-p",
    "project_dir",
    type=click.Path(file_okay=False, path_type=str),
    default=None,
    envvar="LDPUB_PROJECT",
    help="Project folder (with ldpub.toml). Default: the current directory.",
)
@click.pass_context
def cli(ctx: click.Context, project_dir: str | None) -> None:
    """ldpub: curated, source-cited records -> validated linked data.

    \b
    Exit codes: 0 success, 1 data does not conform, 2 usage or input error.

    \b
    Example:
      ldpub build            # data/*.yaml -> dist/dataset.{ttl,nt,jsonld}
    """
    ctx.ensure_object(dict)
    ctx.obj["project_dir"] = project_dir


def main(argv: list[str] | None = None) -> None:
    """Entry point of the ``ldpub`` console script."""
    from .errors import LdpubError

    try:
        code = cli.main(args=argv, prog_name="ldpub", standalone_mode=False)
    except LdpubError as exc:
        for problem in exc.problems:
            click.echo(f"error: {problem.render()}" if not problem.location.file else problem.render(), err=True)
        sys.exit(2)
    except click.exceptions.Exit as exc:
        sys.exit(exc.exit_code)
    except click.Abort:
        click.echo("Aborted.", err=True)
        sys.exit(2)
    except click.ClickException as exc:
        exc.show()
        sys.exit(2)
    except KeyboardInterrupt:
        sys.exit(130)
    except MemoryError:  # commands that know what they were doing say so (ldpub.limits); this is the rest
        click.echo("error: ldpub ran out of memory (free memory, or raise the process's memory limit)", err=True)
        sys.exit(2)
    # with standalone_mode=False click returns the code given to ctx.exit()
    code = code if isinstance(code, int) else 0
    if argv is None and _SKIP_TEARDOWN:
        # a finished command that holds a large build: freeing it object by object takes
        # seconds at 100k records, and the process ends anyway (never done in-process)
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(code)
    sys.exit(code)


_SKIP_TEARDOWN = False


def skip_teardown() -> None:
    """Let :func:`main` end the process without freeing memory (call when all output is written)."""
    global _SKIP_TEARDOWN
    _SKIP_TEARDOWN = True
