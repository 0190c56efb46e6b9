"""A check of ``ldpub validate``: nested IRIs that the last build had and this data drops.

Nested records get IRIs from their parent (:mod:`ldpub.mapping`): from their own ``id``, or,
when several share a key, from a content key. Editing such a record, adding a second one under
a key that held one, or rebuilding data made when IRIs came from positions (``#supportedBy-2``, as
earlier versions of ldpub did) changes IRIs that others may link to. This check compares the data with the
last build in the output folder (``dist/dataset.nt``) and warns, per record, which nested IRIs
would disappear, with the ``id`` that keeps each one.
"""

from __future__ import annotations

import re
from pathlib import Path

from .errors import Location
from .report import Finding

__all__ = ["changed_nested_iris", "RULE"]

RULE = "nested-iri-changed"
_LISTED = 5  # IRIs named per record
_KEEPABLE = re.compile(r"(?P<key>[A-Za-z_][\w-]*?)-(?P<id>[a-z0-9](?:[a-z0-9-]*[a-z0-9])?)")


def _nested_subjects(lines, base: str) -> dict[str, set[str]]:
    """slug -> the nested subject IRIs below it, from N-Triples lines (``<s> <p> <o>``)."""
    out: dict[str, set[str]] = {}
    head = "<" + base
    for line in lines:
        if not line.startswith(head):
            continue
        subject = line[1:line.index(">")]
        rest = subject[len(base):]
        cut = re.search(r"[#.]", rest)
        if cut:
            out.setdefault(rest[:cut.start()], set()).add(subject)
    return out


def _fragments(iris: list[str], parent: str) -> str:
    """``#supportedBy-1, #supportedBy-2`` (relative to the record's IRI, the first few)."""
    shown = ", ".join(iri[len(parent):] for iri in iris[:_LISTED])
    return shown + (f" and {len(iris) - _LISTED} more" if len(iris) > _LISTED else "")


def changed_nested_iris(build, previous: Path | None = None) -> list[Finding]:
    """A warning for each record whose nested IRIs in ``previous`` (default: the last build's
    ``dataset.nt`` in the project's output folder) are no longer minted; none if there is no
    previous build."""
    previous = previous or build.project.out_path / "dataset.nt"
    try:
        with open(previous, encoding="utf-8") as stream:
            before = _nested_subjects(stream, build.project.base_iri)
    except (OSError, UnicodeDecodeError, ValueError):
        return []
    now = _nested_subjects(build.lines, build.project.base_iri)
    findings = []
    for slug in sorted(before):
        if slug not in build.slugs:
            continue  # the record itself is gone: a change of another kind
        gone = sorted(before[slug] - now.get(slug, set()))
        if not gone:
            continue
        parent = build.project.base_iri + slug
        added = sorted(now.get(slug, set()) - before[slug])
        message = f"nested IRIs of the last build would be gone: {_fragments(gone, parent)}"
        if added:
            message += f" (this data mints {_fragments(added, parent)})"
        keep = next((m for m in (_KEEPABLE.fullmatch(iri[len(parent) + 1:]) for iri in gone) if m), None)
        hint = "links to them break; a nested record keeps its IRI when it has an id of its own"
        if keep:
            hint += f": 'id: \"{keep.group('id')}\"' under '{keep.group('key')}' keeps #{keep.group(0)}"
        location = build.mapped.source_map.locate(parent)
        findings.append(Finding("warning", message, location or Location(record=slug), focus=parent,
                                rule=RULE, check="records", hint=hint))
    return findings
