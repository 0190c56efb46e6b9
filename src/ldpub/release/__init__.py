"""Versioned releases for open-data portals: ``ldpub publish``.

:func:`build_release` is pure (a :class:`~ldpub.pipeline.Build` in, file name -> bytes out);
:func:`publish` checks the settings, builds the release and writes it atomically. A release
folder holds the dataset (Turtle, sorted N-Triples, JSON-LD + context, framed JSON-LD + its
frame), each data file headed by its licence, the ontology (Turtle, RDF/XML), the shapes,
``void.ttl``, ``prov.ttl``, ``CHANGELOG.md``, ``ontology.html``, ``network.svg``, the DCAT-AP
catalog (``catalog.ttl``, ``catalog.jsonld``), ``index.html`` (with schema.org ``Dataset``
markup for search engines) and ``SHA256SUMS``. The catalog describes every file except itself,
the landing page and SHA256SUMS (a file cannot carry its own checksum); SHA256SUMS covers every
other file.

Module map::

    settings.py   [publish] table -> PublishSettings (clear error before anything is written)
    dates.py      the release's date: [publish] modified, SOURCE_DATE_EPOCH or the last git commit
    versions.py   the releases beside this one (DCAT 3 versioning, the first issue date)
    header.py     the licence header of the data files
    stats.py      counts for VoID and the landing page
    dcat.py       DCAT-AP catalog triples (file kinds registry)
    schemaorg.py  schema.org Dataset JSON-LD for the landing page (from the catalog's facts)
    void.py       VoID triples          prov.py   PROV-O triples (input hashes)
    network.py    the profile's network (nodes, links) -> layout -> SVG
    pages.py      timeline, ontology docs, jinja2 rendering (templates/)

What the pages, the network, the timeline and the catalog's temporal and spatial coverage know
about the domain comes from the project's profile (:mod:`ldpub.profile`), never from code.
    diff.py       ldpub diff: changes grouped by entity
    dcatap.py     conformance check against the vendored DCAT-AP 3.0.0 shapes
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from .versions import VERSION_NAME as _VERSION
from .versions import version_key

__all__ = ["Release", "build_release", "publish", "find_previous_release", "version_key"]


@dataclass
class Release:
    """A release in memory: its files and what the CLI reports about it."""

    version: str
    files: dict[str, bytes]
    settings: object
    stats: object
    changes: str
    previous: Path | None = None
    dcat_ap: list = field(default_factory=list)  # DcatApResult, when checked


def find_previous_release(out_dir: Path, version: str) -> Path | None:
    """The release folder beside ``out_dir`` with the highest version below ``version``."""
    from .versions import older_releases

    older = older_releases(out_dir, version)
    return older[-1].folder if older else None


def _standards(build, release_url: str) -> list:
    """What the data conforms to: the ontology, the shapes, the JSON-LD context (and frame)."""
    from ..rdfterms import OWL, RDF_TYPE, RDFS
    from .dcat import Standard

    out = []
    vocab = build.vocab
    if vocab.ontology_iri:
        title = next((t.object.value for t in build.ontology_triples
                      if t.subject.value == vocab.ontology_iri and t.predicate.value.endswith("/title")), "ontology")
        out.append(Standard(vocab.ontology_iri, title, ("ontology.ttl", "ontology.rdf"), "ontology.html"))
    else:
        out.append(Standard(release_url + "ontology.ttl", "Ontology", ("ontology.ttl", "ontology.rdf"), "ontology.html"))
    shape_ontologies = sorted({t.subject.value for t in build.shape_triples
                               if t.predicate.value == RDF_TYPE and t.object.value == OWL + "Ontology"})
    for iri in shape_ontologies:
        title = next((t.object.value for t in build.shape_triples
                      if t.subject.value == iri and t.predicate.value == RDFS + "label"), "SHACL shapes")
        out.append(Standard(iri, title, ("shapes.ttl",)))
    if not shape_ontologies:
        out.append(Standard(release_url + "shapes.ttl", "SHACL shapes", ("shapes.ttl",)))
    out.append(Standard(release_url + "context.jsonld", "JSON-LD context", ("context.jsonld",),
                        applies_to=("dataset.jsonld", "dataset.framed.jsonld")))
    out.append(Standard(release_url + "frame.jsonld", "JSON-LD frame", ("frame.jsonld",), applies_to=("dataset.framed.jsonld",)))
    return out


def _changelog(version: str, settings, diff, prefixes, previous: Path | None, stats, labels=None) -> tuple[bytes, str]:
    from .diff import render_markdown

    head = f"## {version} ({settings.modified.isoformat()})\n\n"
    if previous is None:
        summary = f"first release: {stats.records} records, {stats.entities} entities, {stats.triples} statements"
        entry = head + summary[0].upper() + summary[1:] + ".\n"
        older = ""
    else:
        summary = f"changes since {previous.name}: {diff.summary()}"
        entry = head + f"Compared with release {previous.name}.\n\n" + render_markdown(diff, prefixes, labels)
        old_log = previous / "CHANGELOG.md"
        older = old_log.read_text(encoding="utf-8") if old_log.is_file() else ""
        if older.startswith("# "):  # drop the old title: the entries follow ours
            older = older.split("\n", 1)[1] if "\n" in older else ""
        older = older.strip("\n") + "\n" if older.strip() else ""
    text = f"# Changelog of {settings.title}\n\n" + entry + ("\n" + older if older else "")
    return text.encode("utf-8"), summary


def _places(build, profile, settings) -> list:
    """The places the release covers: ``[publish] spatial``, then the values of the profile's
    spatial properties in the data (``dct:spatial``...), with their labels (sorted, unique)."""
    import pyoxigraph as ox

    from .pages import data_labels
    from .settings import Concept

    places = list(settings.spatial)
    known = {c.iri for c in places}
    store = build.store()
    labels = None
    found = set()
    for prop in sorted(profile.of("spatial")):
        for quad in store.quads_for_pattern(None, ox.NamedNode(prop), None, ox.DefaultGraph()):
            if isinstance(quad.object, ox.NamedNode) and quad.object.value not in known:
                found.add(quad.object.value)
    if found:
        labels = data_labels(store, profile)
    for iri in sorted(found):
        places.append(Concept(iri, labels.get(iri) or build.vocab.labels.get(iri) or iri))
    return places


def _check_release_date(settings, version: str, history: list, project) -> None:
    """Refuse to date a release after the first by ``[publish] issued`` (see :mod:`ldpub.release.dates`)."""
    from ..config import CONFIG_FILE
    from ..errors import ConfigError
    from .dates import FIRST_ISSUE

    if settings.date_source == FIRST_ISSUE and history:
        raise ConfigError.at(
            f"no date for release {version}: only [publish] issued gives one, and that is the date of the first "
            f"release ({history[0].version} is published already)", project.root / CONFIG_FILE,
            hint="commit the inputs to git (the release is dated by their last commit), set SOURCE_DATE_EPOCH, "
                 "or add under [publish]: modified = YYYY-MM-DD")


def build_release(build, version: str, settings, previous: Path | None = None, data_dir: Path | None = None,
                  history: list | None = None) -> Release:
    """Every file of release ``version`` of ``build`` (deterministic: no clock, sorted output).

    ``history``: the releases before this one (:func:`ldpub.release.versions.older_releases`);
    by default ``previous`` alone."""
    import json

    from .. import __version__ as ldpub_version
    from ..framing import derive_frame, frame_document, frame_json
    from ..ntriples import lines_bytes
    from ..pipeline import build_files
    from ..profile import read_profile
    from ..serialize import FORMATS, WriteContext
    from ..temporal import TimeReader
    from .dcat import DATA, FILE_KINDS, PAGE, Distribution, Versions, catalog_triples, licence_info
    from .diff import diff_triples, entity_labels, load_release_triples
    from .header import licence_header, release_data
    from .network import extract_network, render_svg
    from .pages import ontology_docs, render_page, timeline
    from .prov import input_files, prov_triples, sha256
    from .rdf import jsonld_bytes, turtle_bytes
    from .schemaorg import dataset_jsonld
    from .stats import dataset_stats
    from .versions import read_release
    from .void import void_triples

    project, vocab = build.project, build.vocab
    release_url = settings.release_url(version)
    dataset_iri = settings.dataset_iri(version)
    if history is None:
        history = [read_release(previous)] if previous is not None else []
    _check_release_date(settings, version, history, project)
    files = dict(build_files(build))
    # the data files, headed by their licence
    header = licence_header(settings, dataset_iri)
    lines, data_triples = release_data(build, header)
    ctx = WriteContext(prefixes=build.prefixes, jsonld_context=build.context)
    files["dataset.nt"] = lines_bytes(lines)
    files["dataset.ttl"] = FORMATS["turtle"].writer(data_triples, ctx)
    files["dataset.jsonld"] = FORMATS["jsonld"].writer(data_triples, ctx)
    profile = read_profile(vocab)
    frame = derive_frame(vocab, profile)
    files["frame.jsonld"] = (json.dumps(frame_json(frame, build.context), indent=2, ensure_ascii=False) + "\n").encode()
    files["dataset.framed.jsonld"] = frame_document(data_triples, build.context, frame)
    files["ontology.rdf"] = FORMATS["rdfxml"].writer(build.ontology_triples, WriteContext(prefixes=vocab.prefixes))
    times = TimeReader(build.store(), profile)
    stats = dataset_stats(data_triples, project.base_iri, records=build.record_count)
    stats.earliest, stats.latest = times.coverage()
    dated = timeline(build, profile, times)
    stats.dated = len(dated)

    diff, labels = None, None
    if previous is not None:
        old_triples, old_prefixes = load_release_triples(previous)
        diff = diff_triples(old_triples, build.triples)
        labels = entity_labels([build.triples, old_triples], profile.labels)
    files["CHANGELOG.md"], changes = _changelog(version, settings, diff, build.prefixes, previous, stats, labels)

    data_names = [name for name, kind in FILE_KINDS.items() if kind.role == DATA]
    files["void.ttl"] = turtle_bytes(void_triples(stats, settings, version, dataset_iri, project.base_iri,
                                                  data_names, vocab.curie))
    inputs = input_files(project, data_dir)
    outputs = [*data_names, "context.jsonld", "frame.jsonld"]
    files["prov.ttl"] = turtle_bytes(prov_triples(settings, version, dataset_iri, inputs, outputs, ldpub_version))

    network = extract_network(build.store(), profile)
    network_svg = render_svg(network, title=f"{settings.title}: network")
    files["network.svg"] = network_svg.encode("utf-8")
    classes, properties = ontology_docs(build, profile)
    ontology_meta = {t.predicate.value.rsplit("/", 1)[-1]: t.object.value for t in build.ontology_triples
                     if vocab.ontology_iri and t.subject.value == vocab.ontology_iri}
    standards = _standards(build, release_url)
    files["ontology.html"] = render_page(
        "ontology.html", settings=settings, version=version, classes=classes, properties=properties,
        ontology_iri=vocab.ontology_iri or "", ontology_title=ontology_meta.get("title", "Ontology"),
        ontology_description=ontology_meta.get("description", ""),
        ontology_version=ontology_meta.get("owl#versionInfo", ""), ldpub_version=ldpub_version)

    listed = [Distribution(name, kind, len(files[name]), sha256(files[name]))
              for name, kind in FILE_KINDS.items() if name in files]
    distributions = [d for d in listed if d.kind.role == DATA]
    older = [r for r in history if r.dataset_iri]
    first_issued = settings.issued or min((r.first_issued for r in older if r.first_issued), default=settings.modified)
    followed = Path(previous).resolve() if previous is not None else None
    previous_iri = next((r.dataset_iri for r in history if r.folder == followed), None)
    versions = Versions(first_issued, tuple((r.version, r.dataset_iri) for r in older), previous_iri,
                        tuple(d.name for d in listed if d.kind.role == PAGE))
    places = _places(build, profile, settings)
    catalog = catalog_triples(settings, version, distributions, standards, (stats.earliest, stats.latest), changes,
                              places, versions)
    files["catalog.ttl"] = turtle_bytes(catalog)
    files["catalog.jsonld"] = jsonld_bytes(catalog)

    class_rows = sorted(((vocab.labels.get(c, vocab.curie(c)), vocab.curie(c), vocab.curie(c).replace(":", "-"), n)
                         for c, n in stats.class_entities.items() if vocab.class_by_iri(c)), key=lambda r: (-r[3], r[0]))
    licence_title = settings.license_title or licence_info(settings.license)[0]
    search_markup = dataset_jsonld(settings, version, catalog)
    files["index.html"] = render_page(
        "index.html", settings=settings, version=version, stats=stats, network=network, network_svg=network_svg,
        timeline=dated, edtf_dates=bool(profile.expander_slots), places=places,
        files=listed, class_rows=class_rows, standards=standards, versions=versions,
        licence_title=licence_title, release_url=release_url, search_markup=search_markup,
        inputs=inputs, changes=changes, ldpub_version=ldpub_version)

    files["SHA256SUMS"] = "".join(f"{sha256(files[name])}  {name}\n" for name in sorted(files)).encode()
    return Release(version, dict(sorted(files.items())), settings, stats, changes, previous)


def publish(project, version: str, out_dir: Path | None = None, *, previous: Path | None = None,
            data_dir: Path | None = None, check: bool = True, env=None, force: bool = False, notify=None,
            progress=None):
    """Check settings, build and validate the data, build the release, check DCAT-AP, write it.

    Returns ``(build, release, written)``; ``written`` is empty when the data does not conform
    or the catalog violates DCAT-AP (then nothing is written). Raises :class:`ConfigError` for
    a bad version or missing settings, before any work. A version is published once: over an
    existing release with other files, :class:`OutputError` says what differs unless ``force``
    (then the folder is replaced as a whole, ``notify`` told what changes); the same files
    again are not written again (``notify`` says so). ``progress(phase, done, total)`` hears how
    far it is (the phases of :func:`ldpub.pipeline.compile_project`, then making, checking and
    writing the release).
    """
    from ..errors import ConfigError, OutputError
    from ..output import OutputSet
    from ..pipeline import compile_project
    from .existing import compare_release
    from .settings import load_publish_settings

    if not _VERSION.match(version or ""):
        raise ConfigError.at(f"version {version!r} cannot name a release folder",
                             hint="use letters, digits, '.', '-', '_' or '+', e.g. 1.0.0")
    from .versions import older_releases

    settings = load_publish_settings(project, env, data_dir)
    out = Path(out_dir) if out_dir else project.root / "releases" / version
    history = older_releases(out, version, previous)
    _check_release_date(settings, version, history, project)
    if previous is None and history:
        previous = history[-1].folder
    tell = progress or (lambda phase, done=None, total=None: None)
    build = compile_project(project, Path(data_dir) if data_dir else None, progress=progress)
    if not build.report.conforms:
        return build, None, []
    tell("making the release", None, build.triple_count)
    release = build_release(build, version, settings, previous, data_dir, history)
    if check:
        from .dcatap import check_dcat_ap

        tell("checking DCAT-AP")
        release.dcat_ap = check_dcat_ap(release.files["catalog.ttl"])
        if any(r.severity == "violation" for r in release.dcat_ap):
            return build, release, []
    with OutputSet(out, replace=True, notify=notify) as staged:  # compared under the lock: one publisher
        existing = compare_release(out, release.files, build.triples)
        if existing is not None and existing.empty:
            if notify:
                notify(f"release {version} is already published with exactly these files: nothing written")
            return build, release, [out / name for name in release.files]
        if existing is not None and not force:
            raise OutputError.at(f"release {version} is already published, with other files ({existing.describe()})",
                                 out, hint="publish the changes as a new version, or pass --force to replace it")
        tell("writing the release", None, len(release.files))
        staged.stage(release.files)
        written = staged.commit(release.files)
    if existing is not None and notify:
        notify(f"replaced release {version}: {existing.describe()}")
    return build, release, written
