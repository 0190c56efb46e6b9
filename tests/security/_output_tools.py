"""Shared by the tests/security/test_output_*.py files: small projects, folder snapshots, mounts."""

from __future__ import annotations

import contextlib
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

EXTRA_RECORD = ("- id: second-organization\n  type: Organization\n  label: Second Organization\n"
                "  description: A second organization, so that this build differs from the first.\n")


def snapshot(folder: Path) -> dict[str, bytes]:
    """Every entry below ``folder`` (hidden ones too): relative path -> bytes (folders: b'<dir>')."""
    out = {}
    for path in sorted(folder.rglob("*")):
        out[path.relative_to(folder).as_posix()] = b"<dir>" if path.is_dir() else path.read_bytes()
    return out


def new_project(folder: Path) -> Path:
    """A fresh ``ldpub init`` project cut down to one record and no ``[publish]`` table (tests add
    their own), so that it builds in well under a second."""
    from ldpub.scaffold import init_project

    init_project(folder, name="demo")
    for records in (folder / "data").glob("*.yaml"):
        records.unlink()
    (folder / "data" / "organizations.yaml").write_text(
        "- id: example-organization\n  type: Organization\n  label: Example Organization\n", encoding="utf-8")
    config = folder / "ldpub.toml"
    text = config.read_text(encoding="utf-8")
    config.write_text(text[: text.index("\n[publish]")] + "\n", encoding="utf-8")
    return folder


def ldpub(*args: str, **kwargs) -> subprocess.CompletedProcess:
    """The real ``ldpub`` command in a subprocess."""
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src"), **kwargs.pop("env", {})}
    return subprocess.run([sys.executable, "-m", "ldpub", *args], capture_output=True, text=True, env=env,
                          timeout=kwargs.pop("timeout", 300), **kwargs)


@contextlib.contextmanager
def mounted(mount_point: Path, *how: str):
    """``mount HOW... MOUNT_POINT`` for the block (skips the test where mounting is not allowed)."""
    mount_point.mkdir(parents=True, exist_ok=True)
    done = subprocess.run(["mount", *how, str(mount_point)], capture_output=True, text=True)
    if done.returncode != 0:
        pytest.skip(f"cannot mount here (needs root): {done.stderr.strip()}")
    try:
        yield mount_point
    finally:
        subprocess.run(["umount", "-l", str(mount_point)], capture_output=True)


def tmpfs(mount_point: Path, size: str = "16m"):
    """A tmpfs of ``size`` mounted at ``mount_point`` (another file system)."""
    return mounted(mount_point, "-t", "tmpfs", "-o", f"size={size}", "tmpfs")


def bind_mount(source: Path, mount_point: Path):
    """``source`` bind-mounted at ``mount_point`` (same file system, another mount: rename(2) refuses)."""
    return mounted(mount_point, "--bind", str(source))
