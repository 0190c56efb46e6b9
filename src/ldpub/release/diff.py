"""What changed between two releases, grouped by entity.

Statements are compared as triples. Each triple belongs to an entity: its subject, or for a
nested node (``<x>#date``, ``<x>#provision-1``) the record it hangs from. Within an entity,
a property that lost some values and gained others is reported as *changed* (old -> new);
everything else is *added* or *removed*.

>>> d = diff_triples(old, new)                     # doctest: +SKIP
>>> print(render_text(d, prefixes))                # doctest: +SKIP
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import LdpubError

__all__ = ["EntityChange", "ReleaseDiff", "diff_triples", "load_release_triples", "render_text", "render_json",
           "render_markdown", "shorten", "entity_labels"]


@dataclass
class EntityChange:
    """The changes to one entity: status (added/removed/changed) and its statements."""

    entity: str
    status: str
    added: list[tuple[str, str, str]] = field(default_factory=list)  # (subject, predicate, object) N-Triples terms
    removed: list[tuple[str, str, str]] = field(default_factory=list)
    changed: list[tuple[str, str, list[str], list[str]]] = field(default_factory=list)  # (s, p, old, new)


@dataclass
class ReleaseDiff:
    entities: list[EntityChange]
    added_triples: int
    removed_triples: int

    @property
    def empty(self) -> bool:
        return not self.entities

    def count(self, status: str) -> int:
        return sum(1 for e in self.entities if e.status == status)

    def summary(self) -> str:
        if self.empty:
            return "no changes"
        return (f"{self.count('added')} added, {self.count('changed')} changed, {self.count('removed')} removed "
                f"entities (+{self.added_triples} / -{self.removed_triples} statements)")


def load_release_triples(path: Path) -> tuple[list, dict[str, str]]:
    """Triples and prefixes of a release folder (its ``dataset.nt``) or of one RDF file."""
    import pyoxigraph as ox

    path = Path(path)
    if path.is_dir():
        nt = path / "dataset.nt"
        if not nt.is_file():
            raise LdpubError.at("not a release folder: no dataset.nt in it", path, hint="give a release folder or an N-Triples file")
        path = nt
    if not path.is_file():
        raise LdpubError.at("no such release folder or file", path)
    try:
        fmt = ox.RdfFormat.from_extension(path.suffix.lstrip(".")) or ox.RdfFormat.N_TRIPLES
    except ValueError:
        fmt = ox.RdfFormat.N_TRIPLES
    try:
        triples = [q.triple for q in ox.parse(path=str(path), format=fmt)]
    except SyntaxError as exc:
        raise LdpubError.at(f"not valid RDF: {exc}", path) from exc
    prefixes: dict[str, str] = {}
    ttl = path.parent / "dataset.ttl"
    if ttl.is_file():
        parser = ox.parse(path=str(ttl), format=ox.RdfFormat.TURTLE)
        for _ in parser:
            pass
        prefixes = dict(parser.prefixes)
    return triples, prefixes


def _owner(subject: str, subjects: set[str]) -> str:
    """The entity a subject belongs to: strip ``#fragment``s while the parent is a subject too."""
    while subject.startswith("<") and "#" in subject:
        parent = subject[: subject.rindex("#")] + ">"
        if parent not in subjects:
            break
        subject = parent
    return subject


def diff_triples(old: list, new: list) -> ReleaseDiff:
    """Compare two lists of pyoxigraph triples, grouped by entity."""

    def terms(triples):
        return {(str(t.subject), str(t.predicate), str(t.object)) for t in triples}

    a, b = terms(old), terms(new)
    removed, added = a - b, b - a
    subjects = {s for s, _, _ in a | b}
    old_entities = {_owner(s, subjects) for s, _, _ in a}
    new_entities = {_owner(s, subjects) for s, _, _ in b}
    grouped: dict[str, EntityChange] = {}
    for kind, triples in (("added", added), ("removed", removed)):
        for s, p, o in triples:
            entity = _owner(s, subjects)
            change = grouped.get(entity)
            if change is None:
                status = "added" if entity not in old_entities else "removed" if entity not in new_entities else "changed"
                change = grouped[entity] = EntityChange(entity, status)
            getattr(change, kind).append((s, p, o))
    for change in grouped.values():
        if change.status == "changed":
            olds: dict[tuple[str, str], list[str]] = {}
            news: dict[tuple[str, str], list[str]] = {}
            for s, p, o in change.removed:
                olds.setdefault((s, p), []).append(o)
            for s, p, o in change.added:
                news.setdefault((s, p), []).append(o)
            both = sorted(set(olds) & set(news))
            change.changed = [(s, p, sorted(olds[(s, p)]), sorted(news[(s, p)])) for s, p in both]
            change.removed = [t for t in change.removed if (t[0], t[1]) not in news]
            change.added = [t for t in change.added if (t[0], t[1]) not in olds]
        change.added.sort()
        change.removed.sort()
    order = {"changed": 0, "added": 1, "removed": 2}
    entities = sorted(grouped.values(), key=lambda c: (order[c.status], c.entity))
    return ReleaseDiff(entities, len(added), len(removed))


def entity_labels(triples_by_precedence: list, label_properties) -> dict[str, str]:
    """N-Triples IRI term (``<iri>``) -> label, from lists of triples (earlier lists win; within a
    list, earlier label properties win), so entities are named the way pages name them."""
    import pyoxigraph as ox

    rank = {p: n for n, p in enumerate(label_properties)}
    best: dict[str, tuple[int, int, str]] = {}
    for n, triples in enumerate(triples_by_precedence):
        for t in triples:
            r = rank.get(t.predicate.value)
            if r is None or not isinstance(t.object, ox.Literal) or not isinstance(t.subject, ox.NamedNode):
                continue
            key, candidate = str(t.subject), (n, r, t.object.value)
            if key not in best or candidate < best[key]:
                best[key] = candidate
    return {key: value[2] for key, value in best.items()}


def shorten(term: str, prefixes: dict[str, str]) -> str:
    """An N-Triples term made readable: IRIs as CURIEs when a prefix fits."""
    if term.startswith("<") and term.endswith(">"):
        iri = term[1:-1]
        for prefix, ns in sorted(prefixes.items(), key=lambda kv: -len(kv[1])):
            if iri.startswith(ns) and len(iri) > len(ns):
                return f"{prefix}:{iri[len(ns):]}"
        return term
    if term.startswith('"') and term.endswith(">") and '"^^<' in term:
        value, _, datatype = term.rpartition("^^")
        short = shorten(datatype, prefixes)
        return f"{value}^^{short}" if not short.startswith("<") else term
    return term


def _lines(diff: ReleaseDiff, prefixes: dict[str, str], bullet: str, indent: str, code: bool = False,
           labels: dict[str, str] | None = None) -> list[str]:
    sign = {"added": "+", "removed": "-", "changed": "~"}
    labels = labels or {}

    def t(term: str) -> str:
        short = shorten(term, prefixes)
        return f"`{short}`" if code else short

    def name(entity: str) -> str:
        """``Label (d:slug)`` when the entity has a label, else its short IRI."""
        label = labels.get(entity)
        return f"{label} ({t(entity)})" if label else t(entity)

    def at(s: str, entity: str) -> str:
        if s == entity:
            return ""
        part = s[len(entity) - 1:-1] if s.startswith(entity[:-1]) else shorten(s, prefixes)
        return f"[`{part}`] " if code else f"[{part}] "

    lines = []
    for change in diff.entities:
        lines.append(f"{bullet}{sign[change.status]} {name(change.entity)} ({change.status})")
        for s, p, old, new in change.changed:
            lines.append(f"{indent}~ {at(s, change.entity)}{t(p)}: {', '.join(map(t, old))} -> {', '.join(map(t, new))}")
        for kind, triples in (("+", change.added), ("-", change.removed)):
            for s, p, o in triples:
                lines.append(f"{indent}{kind} {at(s, change.entity)}{t(p)} {t(o)}")
    return lines


def render_text(diff: ReleaseDiff, prefixes: dict[str, str], labels: dict[str, str] | None = None) -> str:
    """A readable report: one block per entity, ``~`` changed, ``+`` added, ``-`` removed;
    entities named ``Label (d:slug)`` when ``labels`` (see :func:`entity_labels`) has them."""
    return "\n".join([diff.summary(), *_lines(diff, prefixes, "", "    ", labels=labels)]) + "\n"


def render_markdown(diff: ReleaseDiff, prefixes: dict[str, str], labels: dict[str, str] | None = None) -> str:
    """The same report as a Markdown list (for ``CHANGELOG.md``)."""
    if diff.empty:
        return "No changes to the data.\n"
    lines = [diff.summary()[0].upper() + diff.summary()[1:] + ":", ""]
    lines += _lines(diff, prefixes, "- ", "    - ", code=True, labels=labels)
    return "\n".join(lines) + "\n"


def render_json(diff: ReleaseDiff, prefixes: dict[str, str] | None = None, labels: dict[str, str] | None = None) -> str:
    """The diff as JSON: summary counts and one object per entity (full N-Triples terms)."""
    data = {
        "summary": {"added": diff.count("added"), "changed": diff.count("changed"), "removed": diff.count("removed"),
                    "added_statements": diff.added_triples, "removed_statements": diff.removed_triples},
        "entities": [
            {
                "entity": c.entity.strip("<>"),
                **({"label": labels[c.entity]} if labels and c.entity in labels else {}),
                "status": c.status,
                "changed": [{"subject": s.strip("<>"), "predicate": p.strip("<>"), "old": old, "new": new}
                            for s, p, old, new in c.changed],
                "added": [{"subject": s.strip("<>"), "predicate": p.strip("<>"), "object": o} for s, p, o in c.added],
                "removed": [{"subject": s.strip("<>"), "predicate": p.strip("<>"), "object": o} for s, p, o in c.removed],
            }
            for c in diff.entities
        ],
    }
    return json.dumps(data, indent=2, ensure_ascii=False) + "\n"
