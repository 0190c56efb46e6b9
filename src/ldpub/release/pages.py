"""The human pages of a release: the landing page ``index.html`` and ``ontology.html``.

Rendered with jinja2 templates shipped in ``ldpub/release/templates/`` (autoescaped). The
data the pages show (the timeline of dated records, ontology terms with examples of use) is
computed here from the project's profile (:mod:`ldpub.profile`), in a stable order, so pages
are byte-identical for the same input. Links follow :func:`ldpub.htmlsafety.safe_href`, and
every page carries a Content-Security-Policy that allows no script.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from ..rdfterms import RDF_TYPE

__all__ = ["TimelineEntry", "TermDoc", "timeline", "ontology_docs", "render_page", "data_labels"]


@dataclass(frozen=True)
class TimelineEntry:
    edtf: str  # the time as written (an EDTF expression, a date, or a span "start – end")
    earliest: str | None
    latest: str | None
    record: str  # IRI
    slug: str
    kind: str  # class label
    text: str
    role: str  # "date", "span" or the label of the property (publication date...)

    @property
    def primary(self) -> bool:
        """Whether this is the record's own date or span (shown without the property's name)."""
        return self.role in ("date", "span")


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


def data_labels(store, profile) -> dict[str, str]:
    """IRI -> label of every labelled resource of the store's default graph (profile precedence)."""
    import pyoxigraph as ox

    labels: dict[str, str] = {}
    for predicate in reversed(profile.labels):  # earlier label properties win
        for quad in store.quads_for_pattern(None, ox.NamedNode(predicate), None, ox.DefaultGraph()):
            if isinstance(quad.object, ox.Literal):
                labels[quad.subject.value] = quad.object.value
    return labels


def _slug(iri: str, base: str) -> str:
    return iri[len(base):] if iri.startswith(base) else iri


def timeline(build, profile, reader=None) -> list[TimelineEntry]:
    """Every dated record (see :mod:`ldpub.temporal`), earliest first."""
    import pyoxigraph as ox

    from ..temporal import TimeReader

    store = build.store()
    reader = reader or TimeReader(store, profile)
    base, vocab = build.project.base_iri, build.vocab
    labels = data_labels(store, profile)
    descriptions: dict[str, str] = {}  # record -> its first description (properties in order, values sorted)
    for p in sorted(profile.of("description"), reverse=True):
        found: dict[str, str] = {}
        for q in store.quads_for_pattern(None, ox.NamedNode(p), None, ox.DefaultGraph()):
            if isinstance(q.object, ox.Literal) and (q.subject.value not in found or q.object.value < found[q.subject.value]):
                found[q.subject.value] = q.object.value
        descriptions.update(found)
    entries = []
    for dated in reader.dated():
        record = dated.record
        node = ox.NamedNode(record)
        text = labels.get(record) or descriptions.get(record)
        if text is None:  # an unlabelled record: its slug, made readable
            text = _slug(record, base).replace("-", " ").capitalize()
        kinds = sorted(vocab.labels[q.object.value] for q in store.quads_for_pattern(node, ox.NamedNode(RDF_TYPE), None)
                       if q.object.value in vocab.labels)
        role = dated.role if dated.role in ("date", "span") else vocab.labels.get(dated.role, dated.role.rsplit("#", 1)[-1])
        entries.append(TimelineEntry(edtf=dated.when.text, earliest=dated.when.earliest, latest=dated.when.latest,
                                     record=record, slug=_slug(record, base), kind=kinds[0] if kinds else "",
                                     text=text, role=role))
    return sorted(entries, key=lambda e: (e.earliest or e.latest or "9999", e.latest or "9999", e.slug, e.role))


def ontology_docs(build, profile, max_examples: int = 3) -> tuple[list[TermDoc], list[TermDoc]]:
    """Every class and property of the ontology with its definition and examples from the data."""
    import pyoxigraph as ox

    vocab, base = build.vocab, build.project.base_iri
    labels = {**vocab.labels, **data_labels(build.store(), profile)}

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


CSP_PLACEHOLDER = "ldpub-content-security-policy"


def render_page(template: str, **context) -> bytes:
    """Render one of the package's templates (``index.html``, ``ontology.html``) to UTF-8 bytes,
    with a Content-Security-Policy ``<meta>`` that allows its own inline style and no script."""
    import jinja2

    from ..htmlsafety import content_security_policy, safe_href, style_blocks

    env = jinja2.Environment(
        loader=jinja2.PackageLoader("ldpub.release", "templates"),
        autoescape=jinja2.select_autoescape(["html"]),
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters["filesize"] = _filesize
    env.filters["safe_href"] = safe_href
    html = env.get_template(template).render(csp=CSP_PLACEHOLDER, **context)
    policy = content_security_policy(style_blocks(html), meta=True)
    return html.replace(CSP_PLACEHOLDER, policy, 1).encode("utf-8")


def _filesize(size: int) -> str:
    for unit in ("bytes", "KB", "MB", "GB"):
        if size < 1024 or unit == "GB":
            return f"{size} {unit}" if unit == "bytes" else f"{size:.1f} {unit}"
        size /= 1024
    return str(size)
