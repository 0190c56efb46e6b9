"""The human pages of a release: the landing page ``index.html`` and ``ontology.html``.

Rendered with jinja2 templates shipped in ``ldpub/release/templates/`` (autoescaped). The
data the pages show (timeline of dated statements, ontology terms with examples of use) is
computed here, in a stable order, so pages are byte-identical for the same input.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from ..rdfterms import DCT, RDF_TYPE, SKOS_PREFLABEL

__all__ = ["TimelineEntry", "TermDoc", "timeline", "ontology_docs", "render_page"]

AG = "https://w3id.org/ldpub/ontology/armed-groups#"


@dataclass(frozen=True)
class TimelineEntry:
    edtf: str
    earliest: str | None
    latest: str | None
    record: str  # IRI
    slug: str
    kind: str  # class label
    text: str
    role: str  # date, start date...


@dataclass
class TermDoc:
    key: str
    iri: str
    curie: str
    anchor: str
    kind: str
    label: str
    definition: str
    domain: str | None = None
    range: str | None = None
    superclasses: list[str] = field(default_factory=list)
    uses: int = 0
    examples: list[tuple[str, str]] = field(default_factory=list)  # (subject text, object text)


def _labels(triples) -> dict[str, str]:
    labels: dict[str, str] = {}
    for t in triples:
        if t.predicate.value == SKOS_PREFLABEL:
            labels.setdefault(t.subject.value, t.object.value)
    return labels


def _slug(iri: str, base: str) -> str:
    return iri[len(base):] if iri.startswith(base) else iri


def timeline(build) -> list[TimelineEntry]:
    """Every dated statement (a record with a fuzzy date), earliest first."""
    base = build.project.base_iri
    query = f"""
        PREFIX ag: <{AG}>
        SELECT ?record ?p ?edtf ?earliest ?latest ?type ?label ?desc ?title WHERE {{
          ?record ?p ?d . ?d ag:edtf ?edtf .
          OPTIONAL {{ ?d ag:earliest ?earliest }} OPTIONAL {{ ?d ag:latest ?latest }}
          OPTIONAL {{ ?record a ?type }}
          OPTIONAL {{ ?record <{SKOS_PREFLABEL}> ?label }}
          OPTIONAL {{ ?record <{DCT}description> ?desc }}
          OPTIONAL {{ ?record <{DCT}title> ?title }}
        }}"""
    entries = {}
    vocab = build.vocab
    for row in build.store().query(query):
        record = row["record"].value
        pred = row["p"].value
        key = (record, pred)
        text = next((row[v].value for v in ("label", "desc", "title") if row[v] is not None), None)
        if text is None:  # an unlabelled record (a tenure): its slug, made readable
            text = _slug(record, base).replace("-", " ").capitalize()
        kind = vocab.labels.get(row["type"].value, "") if row["type"] is not None else ""
        entry = TimelineEntry(
            edtf=row["edtf"].value,
            earliest=row["earliest"].value if row["earliest"] is not None else None,
            latest=row["latest"].value if row["latest"] is not None else None,
            record=record,
            slug=_slug(record, base),
            kind=kind,
            text=text,
            role=vocab.labels.get(pred, pred.rsplit("#", 1)[-1]),
        )
        old = entries.get(key)
        if old is None or (entry.kind, entry.text) < (old.kind, old.text):
            entries[key] = entry
    return _merge_spans(entries, vocab)


def _merge_spans(entries: dict, vocab) -> list[TimelineEntry]:
    """One entry per record: a start date and an end date become one span ``start – end``."""
    start_label = vocab.labels.get(AG + "startDate", "start date")
    end_label = vocab.labels.get(AG + "endDate", "end date")
    by_record: dict[str, dict[str, TimelineEntry]] = {}
    for entry in entries.values():
        by_record.setdefault(entry.record, {})[entry.role] = entry
    merged = []
    for record, roles in by_record.items():
        start, end = roles.pop(start_label, None), roles.pop(end_label, None)
        merged.extend(roles.values())
        if start or end:
            first = start or end
            merged.append(TimelineEntry(
                edtf=(f"{start.edtf} \u2013 {end.edtf}" if start and end else
                      f"from {start.edtf}" if start else f"until {end.edtf}"),
                earliest=start.earliest if start else None,
                latest=end.latest if end else None,
                record=record, slug=first.slug, kind=first.kind, text=first.text, role="span",
            ))
    return sorted(merged, key=lambda e: (e.earliest or e.latest or "9999", e.latest or "9999", e.slug, e.role))


def ontology_docs(build, max_examples: int = 3) -> tuple[list[TermDoc], list[TermDoc]]:
    """Every class and property of the ontology with its definition and examples from the data."""
    import pyoxigraph as ox

    vocab, base = build.vocab, build.project.base_iri
    labels = {**vocab.labels, **_labels(build.triples)}

    def show(term) -> str:
        value = term.value
        if isinstance(term, ox.Literal):
            return value if len(value) <= 90 else value[:87] + "..."
        if value in labels:
            return labels[value]
        return vocab.curie(value) if not value.startswith(base) else _slug(value, base)

    instances: dict[str, list[str]] = {}
    uses: dict[str, list] = {}
    for t in build.triples:
        p = t.predicate.value
        if p == RDF_TYPE:
            instances.setdefault(t.object.value, []).append(t.subject.value)
        uses.setdefault(p, []).append(t)

    def anchor(curie: str) -> str:
        return curie.replace(":", "-")

    classes = []
    for key, term in vocab.classes.items():
        curie = vocab.curie(term.iri)
        members = sorted({m for sub in vocab.subclasses.get(term.iri, {term.iri}) for m in instances.get(sub, [])})
        classes.append(TermDoc(
            key=key, iri=term.iri, curie=curie, anchor=anchor(curie), kind="class",
            label=term.label or key, definition=term.definition or "",
            superclasses=[vocab.curie(s) for s in term.superclasses],
            uses=len(members),
            examples=[(labels.get(m, _slug(m, base)), _slug(m, base)) for m in members[:max_examples]],
        ))
    properties = []
    for key, term in vocab.properties.items():
        curie = vocab.curie(term.iri)
        used = uses.get(term.iri, [])
        properties.append(TermDoc(
            key=key, iri=term.iri, curie=curie, anchor=anchor(curie), kind=term.kind,
            label=term.label or key, definition=term.definition or "",
            domain=vocab.curie(term.domain) if term.domain else None,
            range=vocab.curie(term.range) if term.range else None,
            uses=len(used),
            examples=[(show(t.subject), show(t.object)) for t in used[:max_examples]],
        ))
    return classes, properties


def render_page(template: str, **context) -> bytes:
    """Render one of the package's templates (``index.html``, ``ontology.html``) to UTF-8 bytes."""
    import jinja2

    env = jinja2.Environment(
        loader=jinja2.PackageLoader("ldpub.release", "templates"),
        autoescape=jinja2.select_autoescape(["html"]),
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters["filesize"] = _filesize
    return env.get_template(template).render(**context).encode("utf-8")


def _filesize(size: int) -> str:
    for unit in ("bytes", "KB", "MB", "GB"):
        if size < 1024 or unit == "GB":
            return f"{size} {unit}" if unit == "bytes" else f"{size:.1f} {unit}"
        size /= 1024
    return str(size)
