"""docs/curation.md, followed as a new curator would: its route (``ldpub init my-dataset``, then
the commands of "Adding a source, end to end" in the project folder) ends without a traceback,
and what the guide shows a command printing is what the command prints, for the good data and
for the broken records of "Typical errors and their fixes"."""

from __future__ import annotations

import re
import shlex
import subprocess
import sys
from pathlib import Path

import pytest

from _terminal import ldpub_env

ROOT = Path(__file__).resolve().parent.parent
GUIDE = (ROOT / "docs" / "curation.md").read_text(encoding="utf-8")


def _blocks() -> list[str]:
    """The guide's fenced code blocks, in order (without the fences)."""
    return re.findall(r"^```[a-z]*\n(.*?)^```", GUIDE, flags=re.S | re.M)


def _block_starting(first_line: str) -> str:
    return next(b for b in _blocks() if b.startswith(first_line))


def _section(title: str) -> str:
    start = GUIDE.index(f"\n## {title}\n")
    end = GUIDE.find("\n## ", start + 1)
    return GUIDE[start:end if end != -1 else None]


def _run(project: Path, command: str) -> subprocess.CompletedProcess:
    """A command of the guide, run in the project folder (``ldpub`` is this checkout's)."""
    words = shlex.split(command, comments=True)
    if words[0] == "ldpub":
        words = [sys.executable, "-m", "ldpub", *words[1:]]
    return subprocess.run(words, cwd=project, capture_output=True, text=True, timeout=300,
                          env=ldpub_env(project.parent))


def _matches(shown: str, printed: str) -> bool:
    """A line the guide shows against one the command printed ('...' in the guide: anything)."""
    return re.fullmatch(".*".join(re.escape(part) for part in shown.split("...")), printed) is not None


@pytest.fixture(scope="module")
def my_dataset(tmp_path_factory) -> Path:
    """The project of the guide's first paragraph: ``ldpub init my-dataset``."""
    assert "make one with `ldpub init my-dataset` and follow along" in GUIDE.replace("\n", " ")
    where = tmp_path_factory.mktemp("curator")
    done = subprocess.run([sys.executable, "-m", "ldpub", "init", "my-dataset"], cwd=where, capture_output=True,
                          text=True, timeout=300, env=ldpub_env(where))
    assert done.returncode == 0, done.stderr
    return where / "my-dataset"


def test_the_end_to_end_route_runs_and_prints_what_the_guide_shows(my_dataset):
    route = _section("Adding a source, end to end")
    commands = 0
    for block in re.findall(r"^```sh\n(.*?)^```", route, flags=re.S | re.M):
        lines = block.rstrip("\n").split("\n")
        if lines[0].startswith("$ "):  # a command and what it prints
            done = _run(my_dataset, lines[0][2:])
            assert done.returncode == 0, (lines[0], done.stderr)
            assert done.stdout.rstrip("\n").split("\n") == lines[1:], lines[0]
            commands += 1
            continue
        for line in lines:  # commands, each with a comment
            done = _run(my_dataset, line)
            assert done.returncode == 0, (line, done.stdout, done.stderr)
            assert "Traceback" not in done.stderr + done.stdout, line
            commands += 1
    assert commands == 6, "sha256sum, excerpts --paragraphs, validate, excerpts, build, query"
    assert (my_dataset / "dist" / "dataset.ttl").is_file()


def _broken(project: Path, target: Path, edits: dict[str, tuple[str, str]]) -> Path:
    """A copy of ``project`` with ``edits`` (file -> (old, new), each found exactly once)."""
    import shutil

    shutil.copytree(project, target, ignore=shutil.ignore_patterns("dist"))
    for name, (old, new) in edits.items():
        path = target / name
        text = path.read_text(encoding="utf-8")
        assert text.count(old) == 1, (name, old)
        path.write_text(text.replace(old, new), encoding="utf-8")
    return target


def _printed(project: Path, command: str) -> tuple[int, list[str]]:
    done = _run(project, command)
    assert "Traceback" not in done.stderr
    return done.returncode, [line for line in (done.stdout + done.stderr).split("\n") if line]


def _shown(block: str) -> list[str]:
    return [line for line in block.split("\n")[1:] if line]


def test_the_typical_record_errors_are_printed_as_the_guide_shows(my_dataset, tmp_path):
    # "a membership with a date in words, a misspelt key and a misspelt reference"
    project = _broken(my_dataset, tmp_path / "broken", {"data/memberships.yaml": (
        'date: "2019-21/2021-12"     # from spring 2019 (the founding) to December 2021',
        "date: spring 2019 to 2021")})
    for old, new in (("  member: ben-okafor\n", "  membr: ben-okafor\n"),
                     ("organization: riverside-garden-club\n  role: treasurer",
                      "organization: riverside-gardn-club\n  role: treasurer")):
        path = project / "data" / "memberships.yaml"
        path.write_text(path.read_text(encoding="utf-8").replace(old, new, 1), encoding="utf-8")
    code, printed = _printed(project, "ldpub validate")
    assert code == 2, "input errors"
    assert printed == _shown(_block_starting("$ ldpub validate\n"))


def test_a_denial_without_denies_is_printed_as_the_guide_shows(my_dataset, tmp_path):
    project = _broken(my_dataset, tmp_path / "broken", {"data/claims.yaml": ("  denies: town-council-grant-2020\n", "")})
    code, printed = _printed(project, "ldpub validate")
    assert code == 1, "the data does not conform"
    shown = _shown("\n" + _block_starting("data/claims.yaml\n"))
    assert len(printed) >= len(shown) + 1
    for line in shown:
        assert any(_matches(line, p) for p in printed), (line, printed)


def test_the_typical_excerpt_errors_are_printed_as_the_guide_shows(my_dataset, tmp_path):
    project = _broken(my_dataset, tmp_path / "broken", {
        "data/claims.yaml": ('"The club has never received', '"The club never received'),
        "data/memberships.yaml": ("Chen Wu has kept the club's accounts", "Chen Wu has kept the club’s accounts"),
    })
    claims = project / "data" / "claims.yaml"
    text = claims.read_text(encoding="utf-8")
    claims.write_text(text.replace("    - wasQuotedFrom: riverside-notes\n      paragraph: 4\n      value: \"A neighbourhood",
                                   "    - wasQuotedFrom: riverside-notes\n      paragraph: 3\n      value: \"A neighbourhood"),
                      encoding="utf-8")
    code, printed = _printed(project, "ldpub excerpts")
    assert code == 1
    assert printed == _shown(_block_starting("$ ldpub excerpts\n"))
