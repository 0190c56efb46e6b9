"""``ldpub export relations``: relations between groups in the layout of Mapping Militants' links.

Mapping Militants' map database stores each link as ``id, group1, group2, type, date,
description`` with ``type`` one of its codes (aff, all, mer, riv, spl). A record is a row when
its class (or its own ``code``) maps by exactMatch or broadMatch to a concept of that scheme.
``group1``/``group2`` are the record's two ends (the source end first; for a relation without a
direction, its parties in the order of their IRIs); MMP's own numeric ids are not known here, so
``id``, ``group1`` and ``group2`` hold this dataset's identifiers. docs/exports.md has the details.
"""

from __future__ import annotations

from .view import PROVENANCE_COLUMNS, DatasetView, csv_bytes

__all__ = ["COLUMNS", "relations_csv"]

RELATION_TYPE = "https://w3id.org/ldpub/codebooks/mapping-militants#RelationType"
COLUMNS = ["id", "group1", "group2", "type", "date", "description"]
EXTRA = ["ldpub_group1_label", "ldpub_group2_label", "ldpub_type_label", "ldpub_end"]


def _ends(view: DatasetView, record: str) -> list[tuple[str, str]]:
    """(group1, group2) pairs of a link record, by the profile's edge kinds."""
    pairs = []
    types = view.types(record)
    for kind in view.profile.edge_kinds:
        if not (types & kind.classes):
            continue
        sources = [o.value for o in view.objects(record, kind.source) if hasattr(o, "value")]
        targets = [o.value for o in view.objects(record, kind.target) if hasattr(o, "value")]
        undirected = kind.source == kind.target
        pairs += [(s, t) for s in sources for t in targets if (s < t if undirected else True)]
    return sorted(set(pairs))


def _slug(view: DatasetView, iri: str) -> str:
    base = view.build.project.base_iri
    return iri[len(base):] if iri.startswith(base) else iri


def relations_csv(build, *, only_layout: bool = False) -> bytes:
    """The Mapping Militants link layout of the build's relations (bytes of a CSV file)."""
    view = DatasetView(build)
    rows = []
    edge_classes = sorted(set().union(*(k.classes for k in view.profile.edge_kinds)))
    for record in view.instances_of(edge_classes):
        concepts = view.concepts(record, RELATION_TYPE)
        if not concepts:
            continue
        when = view.when(record)
        start = view.role(record, "start")
        date = view.when(record).expression if view.role(record, "date") else (
            view.objects(start[0].value, view.profile.expander_slots.get("expression", ()))[0].value if start else None)
        end = view.role(record, "end")
        end_text = view.objects(end[0].value, view.profile.expander_slots.get("expression", ()))[0].value if end else None
        for group1, group2 in _ends(view, record):
            row = [_slug(view, record), _slug(view, group1), _slug(view, group2),
                   "; ".join(n for n in (view.notation(c) for c in concepts) if n), date,
                   view.first_text(record, "description")]
            if not only_layout:
                row += [view.label(group1), view.label(group2), "; ".join(view.label(c) for c in concepts), end_text]
                row += view.provenance_columns(record)
            rows.append(row)
        del when
    header = COLUMNS if only_layout else COLUMNS + EXTRA + PROVENANCE_COLUMNS
    return csv_bytes(header, rows)
