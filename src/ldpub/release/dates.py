"""When a release happened: never the clock, so the same inputs and history give the same files.

The date of a release (its ``dct:modified``, its changelog heading, the end of its PROV
activity) is, first found wins:

1. ``[publish] modified`` in ``ldpub.toml`` (a date);
2. the ``SOURCE_DATE_EPOCH`` environment variable (seconds since 1970, UTC: the reproducible-builds
   convention);
3. the date of the last git commit that touched the release's inputs (configuration, ontology,
   shapes, records): ``git log -1 --format=%ct -- INPUTS``, read as ``SOURCE_DATE_EPOCH`` would be;
4. for the first release only, ``[publish] issued`` (the day the dataset is first released): a
   project not yet in git can publish its first release; a later one refuses this source
   (:func:`ldpub.release.build_release` says so) rather than repeat the first release's date.

The dataset's first issue (``dct:issued`` of the version-independent dataset and of the catalog)
is ``[publish] issued`` when given, else the first release's date as the previous release's
catalog records it (see :func:`ldpub.release.versions.release_history`), else this release's date.
"""

from __future__ import annotations

import datetime as dt
import os
import subprocess
from dataclasses import dataclass
from pathlib import Path

__all__ = ["ReleaseTime", "git_commit_time", "from_epoch", "FIRST_ISSUE"]

FIRST_ISSUE = "[publish] issued (the first release)"


@dataclass(frozen=True)
class ReleaseTime:
    """The date of a release, the instant its build is said to have ended, and where both came from."""

    date: dt.date
    timestamp: dt.datetime  # UTC
    source: str  # "[publish] modified", "SOURCE_DATE_EPOCH", "the last commit of the inputs (abc1234)"


def from_epoch(seconds: int, source: str) -> ReleaseTime:
    """The release time of a number of seconds since 1970 (UTC)."""
    moment = dt.datetime.fromtimestamp(seconds, dt.timezone.utc)
    return ReleaseTime(moment.date(), moment, source)


def git_commit_time(root: Path, paths: list[Path], timeout: float = 10.0) -> ReleaseTime | None:
    """The time of the last commit that touched any of ``paths`` (those inside the repository
    that holds ``root``); None when ``root`` is in no repository, git is missing, or none of
    the paths was ever committed."""
    env = {**os.environ, "GIT_OPTIONAL_LOCKS": "0", "GIT_TERMINAL_PROMPT": "0", "LC_ALL": "C"}

    def git(*args: str) -> str | None:
        try:
            # no signature checks (log.showSignature would run gpg.program), no pager, no prompt
            done = subprocess.run(["git", "-c", "log.showSignature=false", "-C", str(root), *args], capture_output=True, text=True,
                                  timeout=timeout, env=env, stdin=subprocess.DEVNULL)
        except (OSError, subprocess.SubprocessError):
            return None
        return done.stdout.strip() if done.returncode == 0 else None

    top = git("rev-parse", "--show-toplevel")
    if not top:
        return None
    top_path = Path(top).resolve()
    inside = []
    for path in paths:
        try:
            inside.append(Path(path).resolve().relative_to(top_path).as_posix())
        except ValueError:
            continue  # outside the repository (e.g. --data elsewhere)
    if not inside:
        return None
    if len(inside) > 500:  # thousands of record files: name their folders (a command line is bounded)
        inside = sorted({path.rsplit("/", 1)[0] if "/" in path else path for path in inside})
    found = git("-C", str(top_path), "log", "-1", "--format=%ct %h", "--", *inside)
    if not found:
        return None
    seconds, _, commit = found.partition(" ")
    try:
        return from_epoch(int(seconds), f"the last commit of the inputs ({commit})")
    except (ValueError, OverflowError, OSError):
        return None
