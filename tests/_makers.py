"""The detached query-store makers (ldpub.storemaker) that tests started: found by their command line."""

from __future__ import annotations

import os
import signal
import time
from pathlib import Path


def makers(under: Path) -> list[int]:
    """The process ids of the store makers working on a job folder inside ``under`` (Linux /proc)."""
    found = []
    prefix = str(under)
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/cmdline", "rb") as f:
                argv = f.read().split(b"\0")
        except OSError:
            continue
        words = [a.decode(errors="replace") for a in argv]
        if "ldpub.storemaker" in words and any(w.startswith(prefix) for w in words):
            found.append(int(entry))
    return found


def stop_makers(under: Path, wait: float = 30.0) -> list[int]:
    """Let the makers inside ``under`` finish (at most ``wait`` seconds), then kill those left; their ids."""
    deadline = time.monotonic() + wait
    while (left := makers(under)) and time.monotonic() < deadline:
        time.sleep(0.05)
    for pid in left:
        try:
            os.kill(pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
    return left
