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

__all__ = ["write_files"]


def write_files(out_dir: Path, files: dict[str, bytes]) -> list[Path]:
    """Write ``files`` (relative name -> content) into ``out_dir`` all or nothing.

    A content may also be a function taking the staging path and writing the file itself
    (streaming writers: a large file is never held in memory as a whole).
    """
    out_dir = Path(out_dir)
    try:
        out_dir.parent.mkdir(parents=True, exist_ok=True)
        staging = Path(tempfile.mkdtemp(prefix=f".{out_dir.name}.tmp-", dir=out_dir.parent))
    except OSError as exc:
        raise OutputError.at(f"cannot create the output folder: {exc.strerror}", out_dir) from exc
    try:
        for name, content in files.items():
            target = staging / name
            target.parent.mkdir(parents=True, exist_ok=True)
            if callable(content):
                content(target)
            else:
                target.write_bytes(content)
        out_dir.mkdir(parents=True, exist_ok=True)
        written = []
        for name in files:
            final = out_dir / name
            final.parent.mkdir(parents=True, exist_ok=True)
            os.replace(staging / name, final)
            written.append(final)
        return written
    except OSError as exc:
        raise OutputError.at(f"cannot write output: {exc.strerror}", exc.filename or out_dir) from exc
    finally:
        shutil.rmtree(staging, ignore_errors=True)
