"""``ldpub serve``: the dataset as Linked Data with a read-only SPARQL 1.1 endpoint.

Modules, one job each::

    settings     the [serve] table of ldpub.toml
    dataset      the on-disk store and what pages show (labels, entities, statements)
    protocol     SPARQL 1.1 Protocol formats, content negotiation, the read-only guard
    worker       a query worker process (killed when a query passes the time limit)
    engine       the pool of workers
    named        the named queries offered on the query page
    network      the SVG network picture
    servicedesc  SPARQL service description and VoID
    accesslog    JSON-lines access log middleware
    bounds       request size limits before the application (431 for huge headers)
    app          the Starlette application (routes)

:func:`open_server` prepares everything; :meth:`Server.run` serves until interrupted.

Serving the project's current records (no ``--from``), the server first tries the persistent
query store ``ldpub build`` left (:func:`open_built_store`): when it was made from the current
records, ontology, settings and ldpub *and* its data was validated against the current shapes,
it is served as it is (opened read-only by the server and every worker, its shared lock held
until the server stops, so a build meanwhile leaves it in place); nothing is compiled, validated
or copied. Otherwise the server builds and validates the project and copies the data into its
work folder, as it always did, and says why.
"""

from __future__ import annotations

import json
import socket
from dataclasses import dataclass
from pathlib import Path

from ..config import Project
from ..errors import LdpubError
from .settings import ServeSettings, serve_settings
from .workdir import WorkFolder

__all__ = ["Server", "open_server", "ServeSettings", "serve_settings", "open_dataset", "open_built_store"]


def open_built_store(project: Project, notify=None):
    """The project's persistent query store, opened read-only, when it can be served as it is
    (:func:`ldpub.querystore.open_validated`; ``notify`` hears if it waits for the store a
    build's detached maker is making); else None and why not, in words."""
    from .. import querystore
    from ..config import cache_dir

    cache = cache_dir(project)
    if cache is None or not querystore.enabled():
        return None, None  # no stores are kept: nothing to say
    return querystore.open_validated(project, project.data_path, cache, notify=notify)


def _title(project: Project) -> str:
    return str(project.settings.get("project", {}).get("title") or project.name)


def open_dataset(project: Project, workdir: Path, source: Path | None = None, build=None, store=None):
    """Put the project's dataset into a store: from a build or release folder (``source``),
    from an already compiled :class:`ldpub.pipeline.Build`, or built now; or serve the query
    store ``store`` (an :class:`ldpub.querystore.OpenStore` from :func:`open_built_store`) as it is."""
    from .dataset import folder_files, from_query_store, prepare, prepare_from_files, publish_meta

    title = _title(project)
    if store is not None:
        return from_query_store(store, base_iri=project.base_iri, title=title, vocab=_vocabulary(project, None),
                                meta=publish_meta(project))
    if source is not None:
        dataset, ontology, context = folder_files(source)
        prefixes = _turtle_prefixes(Path(source) / "dataset.ttl")
        prefixes.setdefault(project.data_prefix, project.base_iri)
        return prepare_from_files(workdir, dataset, ontology, base_iri=project.base_iri, title=title,
                                  prefixes=prefixes, context=context, vocab=_vocabulary(project, ontology),
                                  meta=publish_meta(project))
    from ..pipeline import compile_project

    if build is None:
        build = compile_project(project)
    if not build.report.conforms:
        raise LdpubError(f"the data does not conform ({build.report.count('violation')} violation(s)); "
                         "run 'ldpub validate' and fix them before serving")
    return prepare(workdir, build.triples, build.ontology_triples, base_iri=project.base_iri, title=title,
                   prefixes=build.prefixes, context=build.context, ontology_iri=build.vocab.ontology_iri,
                   vocab=build.vocab, meta=publish_meta(project))


def _vocabulary(project: Project, ontology_file: Path | None):
    """The ontology's vocabulary: the folder's ontology.ttl, else the project's; None if neither reads."""
    from ..ontology import load_vocabulary, parse_turtle_files, vocabulary_from_store

    try:
        if ontology_file is not None:
            store, prefixes = parse_turtle_files([ontology_file], "ontology")
            return vocabulary_from_store(store, prefixes, [ontology_file])
        return load_vocabulary(project.ontology_path)
    except LdpubError:
        return None


def _turtle_prefixes(path: Path) -> dict[str, str]:
    """The prefixes declared at the top of a Turtle file (read up to the first triple)."""
    import pyoxigraph as ox

    if not path.is_file():
        return {}
    head = []
    with path.open(encoding="utf-8") as handle:
        for line in handle:
            if not line.lstrip().startswith(("@prefix", "PREFIX", "@base", "BASE", "#")) and line.strip():
                break
            head.append(line)
    parser = ox.parse("".join(head), format=ox.RdfFormat.TURTLE)
    for _ in parser:
        pass
    return dict(parser.prefixes)


@dataclass
class Server:
    """A prepared server: the bound socket, the app, and the work folder it cleans up."""

    url: str
    app: object
    sock: socket.socket
    workdir: WorkFolder
    settings: ServeSettings
    triples: int
    store: object = None  # the query store served (ldpub.querystore.OpenStore), held until the server stops

    def run(self) -> None:
        """Serve until interrupted (Ctrl-C / SIGTERM), then stop the workers and clean up."""
        import uvicorn

        from .bounds import bounded_protocol

        limit = self.settings.max_header_bytes
        config = uvicorn.Config(self.app, log_level="warning", access_log=False, lifespan="on",
                                timeout_graceful_shutdown=5, http=bounded_protocol(limit),
                                h11_max_incomplete_event_size=limit)
        try:
            uvicorn.Server(config).run(sockets=[self.sock])
        finally:
            self.sock.close()
            self.workdir.cleanup()
            if self.store is not None:
                self.store.close()


def _listening_url(host: str, port: int) -> str:
    """The URL of a listening address; a wildcard address (all interfaces) shows the host name."""
    if host in ("0.0.0.0", "::", ""):
        host = socket.gethostname()
    return f"http://[{host}]:{port}" if ":" in host else f"http://{host}:{port}"


def open_server(project: Project, settings: ServeSettings, source: Path | None = None, build=None,
                store=None) -> Server:
    """Load the data, bind the socket (port 0 picks a free one) and build the app.

    The data comes from ``source`` (a build or release folder), ``build`` (a compiled build),
    ``store`` (the query store, from :func:`open_built_store`: the server closes it when it
    stops, or here if it cannot start) or, when none is given, the project built now."""
    from .accesslog import open_log
    from .app import AppState, create_app
    from .engine import QueryPool

    workdir = WorkFolder()  # also removes the folders of servers that were killed
    try:
        data = open_dataset(project, Path(workdir.name), source, build, store)
        config = Path(workdir.name) / "worker.json"
        config.write_text(json.dumps({"store": str(data.store_path), "prefixes": data.prefixes,
                                      "context": data.context, "merged": data.merged}), encoding="utf-8")
        pool = QueryPool(config, settings.workers, settings.query_timeout, settings.max_results)
        try:
            sock = socket.create_server((settings.host, settings.port), reuse_port=False)
        except OSError as exc:
            raise LdpubError(f"cannot listen on {settings.host}:{settings.port}: {exc.strerror}") from exc
        host, port = sock.getsockname()[:2]
        shown = f"[{host}]" if ":" in host else host
        public_url = (settings.public_url or _listening_url(host, port)).rstrip("/")
        try:
            log = open_log(settings.access_log)
        except OSError as exc:
            sock.close()
            raise LdpubError(f"cannot open the access log {settings.access_log}: {exc.strerror}") from exc
        app = create_app(AppState(data, settings, pool, project.queries_path, public_url), access_log=log)
        return Server(f"http://{shown}:{port}/", app, sock, workdir, settings, data.triple_count, store)
    except BaseException:
        workdir.cleanup()
        if store is not None:
            store.close()
        raise
