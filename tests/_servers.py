"""Real servers for the tests: ``ldpub serve`` and ``oxigraph serve``, on 127.0.0.1, free ports."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

#: Limits of the test server: small, so the hostile-input tests are quick.
SERVE_TABLE = """
[serve]
query_timeout = 1.5
max_results = 100
max_request_bytes = 8192
workers = 2
"""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _env() -> dict:
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(p for p in (str(ROOT / "src"), env.get("PYTHONPATH")) if p)
    return env


def wait_http(url: str, timeout: float = 60.0, proc: subprocess.Popen | None = None) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc is not None and proc.poll() is not None:
            raise RuntimeError(f"server exited with {proc.returncode}")
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                if response.status < 500:
                    return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError(f"{url} did not answer within {timeout} s")


def copy_project(target: Path, serve_table: str = SERVE_TABLE) -> Path:
    """A copy of the repository's project with a [serve] table appended."""
    for name in ("ontology", "shapes", "data", "queries"):
        if (ROOT / name).exists():
            shutil.copytree(ROOT / name, target / name)
    text = (ROOT / "ldpub.toml").read_text(encoding="utf-8")
    if "[serve]" not in text:
        text += serve_table
    (target / "ldpub.toml").write_text(text, encoding="utf-8")
    return target


@dataclass
class LdpubServer:
    url: str  # ends with "/"
    proc: subprocess.Popen
    log: Path

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()

    def worker_pids(self) -> list[int]:
        """Live query worker processes of this server (children in /proc)."""
        pids = []
        for entry in Path("/proc").iterdir():
            if not entry.name.isdigit():
                continue
            try:
                stat = (entry / "stat").read_text()
                cmdline = (entry / "cmdline").read_bytes()
            except OSError:
                continue
            ppid = int(stat.rsplit(")", 1)[1].split()[1])
            if ppid == self.proc.pid and b"ldpub.serve.worker" in cmdline:
                pids.append(int(entry.name))
        return sorted(pids)


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of a process (0 when it is gone)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def start_ldpub(project: Path, log: Path, *extra: str) -> LdpubServer:
    """``ldpub serve`` in a subprocess on a free port; returns once it answers."""
    port = free_port()
    proc = subprocess.Popen(
        [sys.executable, "-m", "ldpub", "--project", str(project), "serve", "--port", str(port), *extra],
        stdout=subprocess.PIPE, stderr=log.open("w"), env=_env(), text=True,
    )
    url = f"http://127.0.0.1:{port}/"
    try:
        wait_http(url + "healthz", proc=proc)
    except RuntimeError:
        proc.kill()
        raise RuntimeError(f"ldpub serve did not start: {log.read_text()[-2000:]}")
    return LdpubServer(url, proc, log)


@dataclass
class OxigraphServer:
    url: str  # ends with "/"
    proc: subprocess.Popen

    @property
    def store(self) -> str:
        return self.url + "store"

    @property
    def query(self) -> str:
        return self.url + "query"

    @property
    def update(self) -> str:
        return self.url + "update"

    def stop(self) -> None:
        self.proc.terminate()
        self.proc.wait(10)


def oxigraph_binary() -> str | None:
    found = shutil.which("oxigraph")
    if found:
        return found
    candidate = Path(sys.executable).parent / "oxigraph"
    return str(candidate) if candidate.exists() else None


def start_oxigraph(location: Path) -> OxigraphServer:
    """``oxigraph serve`` (PyPI package ``oxigraph``) on a free port."""
    binary = oxigraph_binary()
    assert binary, "the oxigraph server is not installed: pip install oxigraph"
    port = free_port()
    proc = subprocess.Popen([binary, "serve", "--location", str(location), "--bind", f"127.0.0.1:{port}"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}/"
    wait_http(url, proc=proc)
    return OxigraphServer(url, proc)
