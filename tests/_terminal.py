"""Run ``ldpub`` with standard error on a pseudo-terminal, as a user at a terminal sees it."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def ldpub_env(tmp_path: Path, **extra: str) -> dict:
    """The environment of an ``ldpub`` subprocess: this checkout's sources, a record cache in ``tmp_path``."""
    return {**os.environ, "PYTHONPATH": str(ROOT / "src"), "LDPUB_CACHE_DIR": str(tmp_path / "cache"), **extra}


class Terminal:
    """``ldpub ARGS`` started with standard error on a pseudo-terminal (read by a thread) and
    standard output on a pipe."""

    def __init__(self, args: list[str], env: dict) -> None:
        import pty

        master, slave = pty.openpty()
        self.master = master
        self.process = subprocess.Popen([sys.executable, "-m", "ldpub", *args], stdin=subprocess.DEVNULL,
                                        stdout=subprocess.PIPE, stderr=slave, env=env)
        os.close(slave)
        self.chunks: list[bytes] = []
        self.reader = threading.Thread(target=self._read, daemon=True)
        self.reader.start()

    def _read(self) -> None:
        while True:
            try:
                data = os.read(self.master, 65536)
            except OSError:  # the other end closed
                break
            if not data:
                break
            self.chunks.append(data)

    def finish(self, timeout: float = 300) -> tuple[int, str, str]:
        """Wait for the end; (exit code, what the terminal got, standard output)."""
        out = self.process.stdout.read().decode()
        self.process.wait(timeout=timeout)
        self.reader.join(timeout=30)
        os.close(self.master)
        return self.process.returncode, b"".join(self.chunks).decode(), out


def on_a_terminal(args: list[str], env: dict) -> tuple[int, str, str]:
    """Run ``ldpub ARGS`` to the end with standard error on a pseudo-terminal; (exit code, terminal, stdout)."""
    return Terminal(args, env).finish()


def phases(terminal: str) -> list[str]:
    """The successive states of the progress line."""
    return [part for part in terminal.split("\r\x1b[K") if part]
