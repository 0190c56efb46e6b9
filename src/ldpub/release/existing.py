"""A release that exists already: what a new publish of the same version would change.

Releases are versions: once published, a version's files do not change unless the publisher
says so (``ldpub publish --force``). :func:`compare_release` tells what differs between the
folder on disk and the files of the new release, file by file and, for the data, entity by
entity (:mod:`ldpub.release.diff`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

__all__ = ["ReleaseChanges", "compare_release"]


@dataclass
class ReleaseChanges:
    """Files of an existing release that a new one changes, adds or removes, and the data's changes."""

    changed: list[str] = field(default_factory=list)
    added: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    data: str | None = None  # summary of the data's changes, when dataset.nt differs

    @property
    def empty(self) -> bool:
        return not (self.changed or self.added or self.removed)

    def describe(self) -> str:
        """One line: ``data: 1 added ... ; changed files: a, b; new files: c; files gone: d``."""
        parts = [f"data: {self.data}"] if self.data else []
        for label, names in (("changed files", self.changed), ("new files", self.added),
                             ("files gone", self.removed)):
            if names:
                parts.append(f"{label}: {', '.join(names)}")
        return "; ".join(parts)


def compare_release(folder: Path, files: dict[str, bytes], triples=None) -> ReleaseChanges | None:
    """What writing ``files`` into ``folder`` would change; None when there is no release there yet.

    ``triples``: the new release's data (pyoxigraph Triples), compared with the folder's
    ``dataset.nt`` when that file differs.
    """
    from ..output import is_internal

    folder = Path(folder)
    if not folder.is_dir():
        return None
    present = {p.relative_to(folder).as_posix(): p for p in sorted(folder.rglob("*"))
               if p.is_file() and not any(is_internal(part) for part in p.relative_to(folder).parts)}
    if not present:
        return None
    changes = ReleaseChanges(
        changed=[name for name in files if name in present and present[name].read_bytes() != files[name]],
        added=[name for name in files if name not in present],
        removed=[name for name in present if name not in files],
    )
    if "dataset.nt" in changes.changed and triples is not None:
        from .diff import diff_triples, load_release_triples

        old, _ = load_release_triples(folder)
        changes.data = diff_triples(old, triples).summary()
    return changes
