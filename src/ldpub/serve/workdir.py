"""The server's work folder: a copy of the store in the temporary folder, locked while it lives.

A server removes its folder when it stops (Ctrl-C, SIGTERM, an error). One that was killed
(SIGKILL, a crash, the machine's OOM killer) cannot: the next server removes such folders.
A folder is abandoned when nobody holds the lock on its ``.lock`` file (``flock``: released by
the kernel when its process dies, and seen across PID namespaces sharing the folder).
"""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

__all__ = ["WorkFolder", "PREFIX"]

PREFIX = "ldpub-serve-"
LOCK_NAME = ".lock"


class WorkFolder:
    """A fresh locked folder ``ldpub-serve-<random suffix>`` in the temporary folder (``path``); :meth:`cleanup` removes it."""

    def __init__(self) -> None:
        self.removed = remove_abandoned()
        self.path = Path(tempfile.mkdtemp(prefix=PREFIX))
        self._lock = _hold(self.path / LOCK_NAME)

    @property
    def name(self) -> str:
        return str(self.path)

    def cleanup(self) -> None:
        """Remove the folder (at most once)."""
        if self._lock is not None:
            shutil.rmtree(self.path, ignore_errors=True)
            os.close(self._lock)
            self._lock = None


def _hold(path: Path) -> int:
    """Create ``path`` already locked (locked under another name, then renamed: another server
    never sees it unlocked) and hold the lock for as long as the descriptor is open."""
    staging = path.with_name(path.name + ".new")
    fd = os.open(staging, os.O_RDWR | os.O_CREAT | os.O_EXCL | os.O_CLOEXEC, 0o600)
    try:
        import fcntl

        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except ImportError:  # no flock on this system: the folder is still removed on a normal stop
        pass
    os.rename(staging, path)
    return fd


def remove_abandoned(folder: Path | None = None) -> list[Path]:
    """Remove the work folders of servers that were killed (this user's, with a free lock); those removed."""
    try:
        import fcntl
    except ImportError:
        return []
    base = Path(folder or tempfile.gettempdir())
    removed = []
    try:
        entries = [e for e in os.scandir(base) if e.name.startswith(PREFIX)]
    except OSError:
        return []
    for entry in entries:
        try:
            if not entry.is_dir(follow_symlinks=False) or entry.stat(follow_symlinks=False).st_uid != os.getuid():
                continue
            fd = os.open(os.path.join(entry.path, LOCK_NAME), os.O_RDWR | os.O_CLOEXEC | os.O_NOFOLLOW)
        except OSError:  # no lock file: not a folder this version of ldpub made, or not ours
            continue
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:  # held: its server is running
            os.close(fd)
            continue
        shutil.rmtree(entry.path, ignore_errors=True)
        os.close(fd)
        removed.append(Path(entry.path))
    return removed
