"""``ldpub export acled``: events in ACLED's column layout.

A record is a row when it has an ACLED disorder, event or sub-event type (its own ``code``,
else the exactMatch or broadMatch of its class); a sub-event type gives its event type and that
its disorder type (``skos:broader``). Dates follow ACLED's time precision codes 1 (the day) and
3 (the month, with ``event_date`` left empty: ldpub does not pick ACLED's mid-month day); actor
types, interaction codes, coordinates and ACLED's identifiers are left empty. docs/exports.md
says column by column what is written.
"""

from __future__ import annotations

from .ucdp import _is_agent, _number, fatality_columns
from .view import PROVENANCE_COLUMNS, DatasetView, csv_bytes

__all__ = ["COLUMNS", "acled_csv"]

CODEBOOK = "https://w3id.org/ldpub/codebooks/acled#"
DISORDER, EVENT, SUB_EVENT = (CODEBOOK + n for n in ("DisorderType", "EventType", "SubEventType"))

COLUMNS = ("event_id_cnty event_date year time_precision disorder_type event_type sub_event_type actor1 assoc_actor_1 "
           "inter1 actor2 assoc_actor_2 inter2 interaction civilian_targeting iso region country admin1 admin2 admin3 "
           "location latitude longitude geo_precision source source_scale notes fatalities tags timestamp").split()


def acled_row(view: DatasetView, record: str) -> dict[str, str]:
    when = view.when(record)
    precision = "1" if when.day else "3" if when.month else None
    return {
        "event_date": when.day,
        "year": when.year,
        "time_precision": precision,
        "disorder_type": view.notations(record, DISORDER),
        "event_type": view.notations(record, EVENT),
        "sub_event_type": view.notations(record, SUB_EVENT),
        "actor1": view.labels(view.role(record, "actor")),
        "actor2": view.labels(t for t in view.role(record, "target") if _is_agent(view, t)),
        "location": view.labels(view.role(record, "place")),
        "source": view.labels(view.sources(record)),
        "notes": view.first_text(record, "description"),
        "fatalities": fatality_columns(view, record).get("best"),
    }


def acled_csv(build, *, only_layout: bool = False) -> bytes:
    """The ACLED layout of the build's events (bytes of a CSV file)."""
    view = DatasetView(build)
    rows = []
    for record in view.instances_of(sorted(t.iri for t in build.vocab.classes.values())):
        if not any(view.concepts(record, c) for c in (DISORDER, EVENT, SUB_EVENT)):
            continue
        values = acled_row(view, record)
        row = [values.get(c) for c in COLUMNS]
        rows.append(row if only_layout else row + view.provenance_columns(record))
    header = list(COLUMNS) if only_layout else list(COLUMNS) + PROVENANCE_COLUMNS
    return csv_bytes(header, rows)



