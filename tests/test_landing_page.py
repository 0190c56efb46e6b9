"""The landing page of a release, opened in a real headless Chromium (Debian's `chromium`)."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest

ARTIFACTS = Path(__file__).resolve().parent / "artifacts"
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser") or shutil.which("google-chrome")


def _chromium(profile: Path, *args: str) -> subprocess.CompletedProcess:
    flags = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
             "--disable-background-networking", "--disable-component-update", "--disable-sync",
             "--hide-scrollbars", f"--user-data-dir={profile}"]
    return subprocess.run([CHROMIUM, *flags, *args], capture_output=True, text=True, timeout=90)


@pytest.mark.skipif(CHROMIUM is None, reason="chromium not installed (CI installs Debian's chromium: see .ci/run)")
def test_landing_page_renders_network_and_links_in_chromium(tmp_path, repo_root, run_cli):
    out = tmp_path / "releases" / "1.0.0"
    code, _, err = run_cli("--project", str(repo_root), "publish", "--version", "1.0.0", "--out", str(out), "-q", "--no-check")
    assert code == 0, err
    page = (out / "index.html").as_uri()

    dom = _chromium(tmp_path / "profile-dom", "--dump-dom", page)
    assert dom.returncode == 0, dom.stderr[-2000:]
    html = dom.stdout
    assert "<h1>" in html and "The Taliban and al-Qaeda" in html
    svg = re.search(r'<svg[^>]*class="network".*?</svg>', html, re.S)
    assert svg, "the network picture is not in the rendered page"
    nodes = re.findall(r'<g class="node node-', svg.group(0))
    edges = re.findall(r'<path class="edge edge-', svg.group(0))
    assert len(nodes) >= 5 and len(edges) >= 5
    links = set(re.findall(r'href="([^"#:]+)"', html))
    every_file = {p.name for p in out.iterdir()} - {"index.html"}
    assert every_file <= links, every_file - links
    assert 'class="timeline"' in html

    ARTIFACTS.mkdir(exist_ok=True)
    shot = ARTIFACTS / "landing-page.png"
    shot.unlink(missing_ok=True)
    run = _chromium(tmp_path / "profile-shot", f"--screenshot={shot}", "--window-size=1280,2200", page)
    assert run.returncode == 0, run.stderr[-2000:]
    data = shot.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n" and len(data) > 50_000  # a real, non-blank picture
