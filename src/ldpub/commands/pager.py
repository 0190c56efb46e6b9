"""Long output to a terminal through a pager, as git does.

The pager is ``LDPUB_PAGER``, else ``PAGER``, else ``less -FRX`` (``-F``: quit at once when the
text fits on one screen, so short answers print as usual; ``-R``: keep colours; ``-X``: leave the
text on the screen afterwards). An empty ``LDPUB_PAGER`` (or ``cat``) turns paging off, as does
``--no-pager``; output that is not a terminal (a pipe, a file) is never paged.

(click's ``echo_via_pager`` reads only ``PAGER``, runs plain ``less`` when it is unset, and
needs stdin to be a terminal too, so this module picks the command itself.)
"""

from __future__ import annotations

import os
import shlex
import shutil
import subprocess
import sys
from typing import Mapping

import click

__all__ = ["DEFAULT_PAGER", "pager_command", "echo_paged"]

DEFAULT_PAGER = "less -FRX"


def pager_command(environ: Mapping[str, str] | None = None) -> list[str] | None:
    """The pager's argv from ``LDPUB_PAGER``, ``PAGER`` or :data:`DEFAULT_PAGER`; None when
    paging is turned off (an empty value, or ``cat``)."""
    environ = os.environ if environ is None else environ
    for name in ("LDPUB_PAGER", "PAGER"):
        if name in environ:
            value = environ[name]
            break
    else:
        value = DEFAULT_PAGER
    try:
        argv = shlex.split(value)
    except ValueError:
        argv = value.split()
    if not argv or argv == ["cat"]:
        return None
    return argv


def echo_paged(text: str, *, enabled: bool = True) -> None:
    """Write ``text`` to stdout, through the pager when stdout is a terminal and paging is on."""
    argv = pager_command() if enabled and sys.stdout.isatty() and os.environ.get("TERM") != "dumb" else None
    program = shutil.which(argv[0]) if argv else None
    if argv and program is None:
        click.echo(f"warning: pager '{argv[0]}' not found (LDPUB_PAGER / PAGER); printing directly", err=True)
    if program is None:
        click.echo(text, nl=not text.endswith("\n"))
        return
    sys.stdout.flush()
    env = dict(os.environ)
    env.setdefault("LESS", "FRX")  # for a bare 'less' in PAGER, as git does
    env.setdefault("LV", "-c")
    process = subprocess.Popen([program, *argv[1:]], stdin=subprocess.PIPE, env=env)
    assert process.stdin is not None
    try:
        process.stdin.write(text.encode("utf-8", "replace"))
        process.stdin.close()
    except BrokenPipeError:  # the reader quit before the end (q in less)
        pass
    while True:
        try:
            process.wait()
            break
        except KeyboardInterrupt:  # less handles ^C itself; wait for it to end
            continue
