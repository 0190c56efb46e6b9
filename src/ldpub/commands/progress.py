"""How far a long command is, on one line of standard error that rewrites itself.

The library reports phases through a callback, ``progress(phase, done=None, total=None)``
(:func:`ldpub.pipeline.build_project`); :class:`ProgressLine` shows them, only when standard
error is a terminal (a pipe or a log file gets nothing) and not with ``--quiet``:

    reading records: 250/400 files
    mapping records: 100,000
    validating: 1,141,129 triples
    writing: 1,141,129 triples

The line is cleared when the command ends, before its own output. Commands use
:func:`progress_shown` around their long work (build, validate, publish, export, push, serve's
startup).
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TextIO

__all__ = ["ProgressLine", "progress_for", "progress_shown", "before_line"]

UNITS = {"reading records": "files", "validating": "triples", "writing": "triples", "mapping records": "records",
         "making the release": "triples", "writing the release": "files", "exporting": "triples",
         "loading the store": "triples", "uploading": "triples",
         "loading the query store": "triples", "keeping the named queries' answers": "queries"}


class ProgressLine:
    """A progress callback that draws on a terminal (at most ten times a second, and at every new phase)."""

    def __init__(self, stream: TextIO, interval: float = 0.1) -> None:
        self.stream = stream
        self.interval = interval
        self.phase: str | None = None
        self.shown = 0.0
        self.drawn = False

    def __call__(self, phase: str, done: int | None = None, total: int | None = None) -> None:
        now = time.monotonic()
        if phase == self.phase and now - self.shown < self.interval and done != total:
            return
        self.phase, self.shown = phase, now
        unit = UNITS.get(phase, "")
        if done is not None and total:
            text = f"{phase}: {done:,}/{total:,} {unit}"
        elif total is not None:
            text = f"{phase}: {total:,} {unit}"
        else:
            text = f"{phase} ..."
        self.stream.write("\r\x1b[K" + text.rstrip())
        self.stream.flush()
        self.drawn = True

    def close(self) -> None:
        """Clear the line (the command's own output follows)."""
        if self.drawn:
            self.stream.write("\r\x1b[K")
            self.stream.flush()
            self.drawn = False


def progress_for(quiet: bool, stream: TextIO | None = None) -> ProgressLine | None:
    """A :class:`ProgressLine` on standard error if it is a terminal and ``quiet`` is off, else None."""
    stream = stream or sys.stderr
    try:
        tty = stream.isatty()
    except (AttributeError, ValueError):
        tty = False
    return ProgressLine(stream) if tty and not quiet else None


@contextmanager
def progress_shown(quiet: bool, stream: TextIO | None = None) -> Iterator[ProgressLine | None]:
    """The progress callback of :func:`progress_for` (or None), its line cleared on the way out
    (also when the work fails: an error message then starts on a clean line)."""
    line = progress_for(quiet, stream)
    try:
        yield line
    finally:
        if line is not None:
            line.close()


def before_line(progress: ProgressLine | None, notify: Callable[[str], None]) -> Callable[[str], None]:
    """``notify`` that first clears the progress line, if any (a note is a line of its own)."""
    if progress is None:
        return notify

    def clear_then_notify(message: str) -> None:
        progress.close()
        notify(message)

    return clear_then_notify
