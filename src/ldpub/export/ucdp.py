"""``ldpub export ucdp``: events in the 49-column layout of the UCDP Georeferenced Event Dataset.

A record is a row when it has a UCDP type of violence (its own ``code``, else the exactMatch or
broadMatch of its class). Columns the data cannot fill are left empty: UCDP's own identifiers,
coordinates, precision codes, and any number the source does not give. docs/exports.md says
column by column what is written.
"""

from __future__ import annotations

from .view import PROVENANCE_COLUMNS, DatasetView, csv_bytes

__all__ = ["COLUMNS", "ucdp_csv", "VIOLENCE_TYPE", "FATALITY_VARIABLE"]

CODEBOOK = "https://w3id.org/ldpub/codebooks/ucdp-ged#"
VIOLENCE_TYPE = CODEBOOK + "ViolenceType"
FATALITY_VARIABLE = CODEBOOK + "FatalityVariable"

COLUMNS = ("id relid year active_year code_status type_of_violence conflict_dset_id conflict_new_id conflict_name "
           "dyad_dset_id dyad_new_id dyad_name side_a_dset_id side_a_new_id side_a side_b_dset_id side_b_new_id side_b "
           "number_of_sources source_article source_office source_date source_headline source_original where_prec "
           "where_coordinates where_description adm_1 adm_2 latitude longitude geom_wkt priogrid_gid country country_id "
           "region event_clarity date_prec date_start date_end deaths_a deaths_b deaths_civilians deaths_unknown best high "
           "low gwnoa gwnob").split()


def _number(literal) -> str:
    text = literal.value
    return text[:-2] if text.endswith(".0") else text


def fatality_columns(view: DatasetView, record: str) -> dict[str, str]:
    """best/low/high from a count of everyone killed; deaths_civilians/deaths_unknown from counts of
    those categories (their best estimate only). The category's exactMatch names the variable."""
    out: dict[str, str] = {}
    for count in view.role(record, "fatalities"):
        if not hasattr(count, "value") or not count.value.startswith(("http", "_")):
            continue
        variables = set()
        for category in view.role(count.value, "category"):
            for c in view.objects(category.value, ["http://www.w3.org/2004/02/skos/core#exactMatch"]):
                if FATALITY_VARIABLE in view.types(c.value):
                    variables.add(view.notation(c.value))
        ends = {end: view.role(count.value, end) for end in ("low", "best", "high")}
        if "best" in variables:
            for end, values in ends.items():
                if values:
                    out[end] = _number(values[0])
        for column in ("deaths_civilians", "deaths_unknown"):
            if column in variables and ends["best"]:
                out[column] = _number(ends["best"][0])
    return out


def ucdp_row(view: DatasetView, record: str) -> dict[str, str]:
    when = view.when(record)
    sources = view.sources(record)
    places = view.role(record, "place")
    row = {
        "year": when.year,
        "type_of_violence": view.notations(record, VIOLENCE_TYPE),
        "side_a": view.labels(view.role(record, "actor")),
        "side_b": view.labels(t for t in view.role(record, "target") if _is_agent(view, t)),
        "number_of_sources": str(len(sources)) if sources else None,
        "source_article": view.labels(sources),
        "source_office": view.labels(p for s in sources for p in view.objects(s, ["http://purl.org/dc/terms/publisher"])),
        "source_date": "; ".join(sorted({w.expression for w in (view.source_date(s) for s in sources) if w.expression})),
        "source_headline": "; ".join(sorted({t for t in (view.title(s) for s in sources) if t})),
        "source_original": view.labels(view.role(record, "attribution")),
        "where_coordinates": view.labels(places),
        "date_start": when.earliest,
        "date_end": when.latest,
    }
    row.update(fatality_columns(view, record))
    return row


def _is_agent(view: DatasetView, term) -> bool:
    """Whether a value is an agent: an instance of a class the network picture draws as a node."""
    if not hasattr(term, "value"):
        return False
    classes = set().union(*(k.classes for k in view.profile.node_kinds)) if view.profile.node_kinds else set()
    return bool(view.types(term.value) & classes)


def ucdp_csv(build, *, only_layout: bool = False) -> bytes:
    """The UCDP GED layout of the build's events (bytes of a CSV file)."""
    view = DatasetView(build)
    candidates = view.instances_of(_all_classes(view))
    rows = []
    for record in candidates:
        if not view.concepts(record, VIOLENCE_TYPE):
            continue
        values = ucdp_row(view, record)
        row = [values.get(c) for c in COLUMNS]
        rows.append(row if only_layout else row + view.provenance_columns(record))
    header = list(COLUMNS) if only_layout else list(COLUMNS) + PROVENANCE_COLUMNS
    return csv_bytes(header, rows)


def _all_classes(view: DatasetView) -> list[str]:
    return sorted(t.iri for t in view.build.vocab.classes.values())
