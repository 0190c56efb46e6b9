"""Safe writing of output files: everything is staged first, then moved into place.

A failed run never leaves half-written output nor clobbers the last good one: files are
written to a temporary folder beside the output folder and only moved (``os.replace``,
atomic per file on one file system) once all of them were written.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

from .errors import OutputError

__all__ = ["write_files", "Staging"]


class Staging:
    """A temporary folder beside ``out_dir``: write files into :attr:`path`, then :meth:`commit`.

    Leaving the ``with`` block without committing removes the folder and everything in it.
    """

    def __init__(self, out_dir: Path) -> None:
        self.out_dir = Path(out_dir)
        try:
            self.out_dir.parent.mkdir(parents=True, exist_ok=True)
            self.path = Path(tempfile.mkdtemp(prefix=f".{self.out_dir.name}.tmp-", dir=self.out_dir.parent))
        except OSError as exc:
            raise OutputError.at(f"cannot create the output folder: {exc.strerror}", self.out_dir) from exc

    def __enter__(self) -> "Staging":
        return self

    def __exit__(self, *exc) -> None:
        self.discard()

    def commit(self, names: list[str]) -> list[Path]:
        """Move the staged files into ``out_dir`` (each move is atomic); their final paths."""
        try:
            self.out_dir.mkdir(parents=True, exist_ok=True)
            written = []
            for name in names:
                final = self.out_dir / name
                final.parent.mkdir(parents=True, exist_ok=True)
                os.replace(self.path / name, final)
                written.append(final)
            return written
        except OSError as exc:
            raise OutputError.at(f"cannot write output: {exc.strerror}", exc.filename or self.out_dir) from exc

    def discard(self) -> None:
        shutil.rmtree(self.path, ignore_errors=True)


def write_files(out_dir: Path, files: dict[str, bytes]) -> list[Path]:
    """Write ``files`` (relative name -> content) into ``out_dir`` all or nothing.

    A content may also be a function taking the staging path and writing the file itself
    (streaming writers: a large file is never held in memory as a whole).
    """
    with Staging(out_dir) as staging:
        try:
            for name, content in files.items():
                target = staging.path / name
                target.parent.mkdir(parents=True, exist_ok=True)
                if callable(content):
                    content(target)
                else:
                    target.write_bytes(content)
        except OSError as exc:
            raise OutputError.at(f"cannot write output: {exc.strerror}", exc.filename or out_dir) from exc
        return staging.commit(list(files))
