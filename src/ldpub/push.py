"""Load a build or release into a SPARQL 1.1 server with the Graph Store HTTP Protocol.

A push sends what the named queries need: the dataset (``dataset.nt``, else ``dataset.ttl``)
and the ontology (``ontology.ttl``: class hierarchy, labels of concepts), each into a graph:

* by default, each into a named graph of its own (:attr:`PushTarget.graph`, usually the
  dataset IRI; :attr:`PushTarget.ontology_graph`, by default the ontology's own IRI). Query them
  together with ``ldpub query --endpoint URL --graph DATA --graph ONTOLOGY`` (FROM clauses);
* the same IRI for both: one named graph holding both;
* ``default_graph=True``: both into the server's default graph (``?default``), where queries
  without FROM see them. Virtuoso has no such graph (its default graph is the union of all).

``PUT <gsp>?graph=<g>`` replaces a graph, so pushing twice leaves one copy. Each file travels in
requests of at most ``chunk_triples`` triples of N-Triples (sent as ``text/turtle``, which
every Graph Store accepts: N-Triples is a subset of Turtle); a file with blank nodes travels in
one request (a blank node means one node only within one request), and triples of two files
never share one:

* with an update endpoint (``update_url``) and more than one request, every graph is uploaded
  to a fresh staging graph first, then one SPARQL Update request ``MOVE``\\ s each onto its
  target. A failure before the move drops the staging graphs and leaves the server's graphs
  untouched;
* without one: the first request of each graph is a PUT, the rest POSTs; a failure midway
  raises :class:`PushError` saying exactly which graphs were replaced and what the graph being
  written now holds.

Credentials come from the environment only (never the command line, never logged):
``LDPUB_PUSH_TOKEN`` (sent as ``Authorization: Bearer``) or ``LDPUB_PUSH_USER`` and
``LDPUB_PUSH_PASSWORD`` (HTTP Basic, or Digest for Virtuoso); a URL with credentials is refused.
Every URL and server answer in a message goes through :mod:`ldpub.redact` (``?token=`` values
masked, at most 200 characters of a server's answer, no terminal escapes). Graph IRIs reach the
SPARQL Update text only through pyoxigraph's term serializer (:func:`graph_term`).

Example::

    result = push(Path("dist"), PushTarget("http://127.0.0.1:7878/store", "https://example.org/g"))
    [(g.graph, g.expected) for g in result.graphs]   # the data's graph, the ontology's graph
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Callable, Iterator

from .errors import LdpubError

__all__ = ["PushSettings", "push_settings", "PushTarget", "PushResult", "PushedGraph", "PushError", "push", "plan_push", "find_dataset", "find_ontology",
           "ontology_iri", "graph_term", "graph_name", "auth_from_env", "ENV_TOKEN", "ENV_USER", "ENV_PASSWORD",
           "ONTOLOGY_FILE"]

ENV_TOKEN, ENV_USER, ENV_PASSWORD = "LDPUB_PUSH_TOKEN", "LDPUB_PUSH_USER", "LDPUB_PUSH_PASSWORD"
CONTENT_TYPE = "text/turtle; charset=utf-8"
ONTOLOGY_FILE = "ontology.ttl"
_OWL_ONTOLOGY = "http://www.w3.org/2002/07/owl#Ontology"
_RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"


class PushError(LdpubError):
    """The push failed; the message says what the server holds now."""


@dataclass(frozen=True)
class PushTarget:
    """Where to push: the Graph Store URL and the graphs, optionally the SPARQL Update URL.

    ``graph`` receives the dataset; ``ontology_graph`` the ontology (None: the IRI the ontology
    declares for itself, ``<iri> a owl:Ontology``). With ``default_graph`` both go to the
    server's default graph instead; without ``with_ontology`` only the dataset is sent.
    """

    gsp_url: str
    graph: str | None = None
    update_url: str | None = None
    query_url: str | None = None  # when given, each graph's size is checked there afterwards
    auth_scheme: str = "basic"  # basic or digest, when user and password are given
    timeout: float = 300.0
    ontology_graph: str | None = None
    default_graph: bool = False
    with_ontology: bool = True


@dataclass(frozen=True)
class PushedGraph:
    """One graph of a push: where (None: the default graph), from which files, how much."""

    graph: str | None
    sources: tuple[Path, ...]
    triples: int  # triples sent
    expected: int  # distinct triples the graph holds afterwards (a triple in two files counts once)
    chunks: int  # requests

    @property
    def name(self) -> str:
        return graph_name(self.graph)


@dataclass(frozen=True)
class PushResult:
    graph: str | None  # the dataset's graph (None: the default graph)
    triples: int  # triples sent, every graph together
    chunks: int  # requests, every graph together
    staged: bool  # True: uploaded to staging graphs and moved (atomic for the targets)
    source: Path  # the dataset file
    verified: bool = False  # True: the server was asked and holds exactly what was sent in each graph
    graphs: tuple[PushedGraph, ...] = ()
    shared: int = 0  # triples both in the dataset and in the ontology (see :func:`plan_push`)


@dataclass(frozen=True)
class PushSettings:
    """The ``[push]`` table of ``ldpub.toml``: where ``ldpub push`` puts the dataset and the
    ontology, and so which graphs ``ldpub query --endpoint`` asks by default.

    ``graph`` (default: the dataset IRI), ``ontology_graph`` (default: the ontology's IRI),
    ``default_graph = true`` (both into the server's default graph). ``configured`` is True
    when the table names any of them.
    """

    graph: str | None = None
    ontology_graph: str | None = None
    default_graph: bool = False
    configured: bool = False

    def query_graphs(self, dataset_iri: str, ontology_iri: str | None) -> list[str] | None:
        """The graphs a query should read (None: the endpoint's default graph)."""
        if not self.configured or self.default_graph:
            return None
        return [g for g in (self.graph or dataset_iri, self.ontology_graph or ontology_iri) if g]


def push_settings(project) -> PushSettings:
    """The ``[push]`` settings of ``project`` (a :class:`ldpub.config.Project`), checked."""
    from .config import CONFIG_FILE
    from .errors import ConfigError

    table = project.section("push")
    values: dict = {}
    for key, kind in (("graph", str), ("ontology_graph", str), ("default_graph", bool)):
        value = table.get(key)
        if value is None:
            continue
        if not isinstance(value, kind):
            example = "true" if kind is bool else '"https://example.org/graph"'
            raise ConfigError.at(f"[push] {key} must be {'true or false' if kind is bool else 'an IRI in quotes'}",
                                 project.root / CONFIG_FILE, hint=f"{key} = {example}")
        if kind is str:
            try:
                graph_term(value)
            except PushError as exc:
                raise ConfigError.at(exc.problems[0].message, project.root / CONFIG_FILE, hint=f"fix [push] {key}") from None
        values[key] = value
    return PushSettings(**values, configured=bool(values))


def graph_name(graph: str | None) -> str:
    """``<iri>`` for a named graph, ``the default graph`` for None (for messages)."""
    return "the default graph" if graph is None else f"<{graph}>"


def find_dataset(folder: Path) -> Path:
    """The dataset file of a build or release folder (N-Triples preferred, else Turtle)."""
    folder = Path(folder)
    for name in ("dataset.nt", "dataset.ttl"):
        if (folder / name).is_file():
            return folder / name
    raise PushError.at("no dataset.nt or dataset.ttl here", folder,
                       hint="run 'ldpub build' (or 'ldpub publish') first, or pass --from with a build or release folder")


def find_ontology(folder: Path) -> Path:
    """The ontology file (``ontology.ttl``) of a build or release folder."""
    path = Path(folder) / ONTOLOGY_FILE
    if not path.is_file():
        raise PushError.at(f"no {ONTOLOGY_FILE} here: named queries that follow the class hierarchy or read the "
                           "labels of the ontology's concepts would answer differently on the server", folder,
                           hint="rebuild with 'ldpub build' (it writes the ontology), or pass --no-ontology "
                                "when the server has it already")
    return path


def ontology_iri(path: Path) -> str:
    """The IRI the ontology file declares for itself (``<iri> a owl:Ontology``)."""
    import pyoxigraph as ox

    for quad in _parse(path):
        if (quad.predicate.value == _RDF_TYPE and quad.object.value == _OWL_ONTOLOGY
                and isinstance(quad.subject, ox.NamedNode)):
            return quad.subject.value
    raise PushError.at("the ontology declares no IRI of its own (no '<iri> a owl:Ontology')", path,
                       hint="name the graph to push it to: --ontology-graph IRI (or [push] ontology_graph)")


def auth_from_env(scheme: str = "basic", env: dict | None = None):
    """An httpx auth object from ``LDPUB_PUSH_*`` (see :mod:`ldpub.credentials`), or None."""
    from .credentials import auth_from_env as from_env

    return from_env("LDPUB_PUSH", scheme, env, PushError)


def graph_term(graph: str) -> str:
    """``<graph>`` as pyoxigraph's term serializer writes it, for SPARQL Update text.

    Raises :class:`PushError` when ``graph`` is not an absolute IRI: a graph such as
    ``urn:g> ; DROP GRAPH <urn:victim`` must never reach the server as text.
    """
    import pyoxigraph as ox

    try:
        return str(ox.NamedNode(graph))
    except ValueError as exc:
        raise PushError(f"the graph to push to is not an IRI: {graph!r} ({exc})") from None


def _target_term(graph: str | None) -> str:
    """The target of a MOVE: ``GRAPH <g>`` or ``DEFAULT``."""
    return "DEFAULT" if graph is None else f"GRAPH {graph_term(graph)}"


def _check_url(url: str, what: str) -> None:
    from .credentials import check_url

    check_url(url, what, "LDPUB_PUSH", PushError)


# ------------------------------------------------------------------------------ files
@dataclass(frozen=True)
class _File:
    path: Path
    triples: int
    blank: bool  # blank nodes cannot be split across requests

    def chunk_size(self, size: int) -> int:
        return max(self.triples, 1) if self.blank else size

    def requests(self, size: int) -> int:
        return max(1, -(-self.triples // self.chunk_size(size)))


def _scan(path: Path) -> _File:
    """Number of triples and whether any blank node occurs."""
    import pyoxigraph as ox

    count, blank = 0, False
    for quad in _parse(path):
        count += 1
        if not blank and (isinstance(quad.subject, ox.BlankNode) or isinstance(quad.object, ox.BlankNode)):
            blank = True
    return _File(path, count, blank)


def _parse(path: Path):
    import pyoxigraph as ox

    fmt = ox.RdfFormat.N_TRIPLES if path.suffix == ".nt" else ox.RdfFormat.TURTLE
    try:
        yield from ox.parse(path=str(path), format=fmt)
    except SyntaxError as exc:
        raise PushError.at(f"not valid RDF: {exc}", path) from exc


def _ground(quad) -> bool:
    import pyoxigraph as ox

    return not isinstance(quad.subject, ox.BlankNode) and not isinstance(quad.object, ox.BlankNode)


def _shared(small: Path, large: Path) -> int:
    """Triples (without blank nodes: those are never equal across files) in both files."""
    kept = {quad.triple for quad in _parse(small) if _ground(quad)}
    return sum(1 for quad in _parse(large) if quad.triple in kept) if kept else 0


def _chunks(path: Path, size: int) -> Iterator[tuple[bytes, int]]:
    """N-Triples chunks of at most ``size`` triples: (bytes, number of triples)."""
    import pyoxigraph as ox

    batch: list = []
    for quad in _parse(path):
        batch.append(quad.triple)
        if len(batch) >= size:
            yield ox.serialize(batch, format=ox.RdfFormat.N_TRIPLES), len(batch)
            batch = []
    if batch:
        yield ox.serialize(batch, format=ox.RdfFormat.N_TRIPLES), len(batch)


def _graph_chunks(files: tuple[_File, ...], size: int) -> Iterator[tuple[bytes, int]]:
    """Every request of one graph: each file in its own chunks (an empty file: one empty body)."""
    for file in files:
        sent = False
        for chunk in _chunks(file.path, file.chunk_size(size)):
            sent = True
            yield chunk
        if not sent:
            yield b"", 0


# ------------------------------------------------------------------------------ the plan
@dataclass(frozen=True)
class _GraphPlan:
    graph: str | None
    files: tuple[_File, ...]
    expected: int

    def requests(self, size: int) -> int:
        return sum(f.requests(size) for f in self.files)

    def result(self, size: int) -> PushedGraph:
        return PushedGraph(self.graph, tuple(f.path for f in self.files), sum(f.triples for f in self.files),
                           self.expected, self.requests(size))


@dataclass(frozen=True)
class _Plan:
    graphs: tuple[_GraphPlan, ...]
    dataset: Path
    shared: int = 0  # triples both in the dataset and the ontology

    @property
    def triples(self) -> int:
        return sum(f.triples for g in self.graphs for f in g.files)


def plan_push(folder: Path, target: PushTarget) -> list[PushedGraph]:
    """What :func:`push` would send where (nothing is sent): one entry per graph."""
    plan = _plan(Path(folder), target)
    return [g.result(1 << 62) for g in plan.graphs]


def _plan(folder: Path, target: PushTarget) -> _Plan:
    dataset = find_dataset(folder)
    if not target.with_ontology:
        if target.default_graph:
            return _Plan((_GraphPlan(None, (data := _scan(dataset),), data.triples),), dataset)
        graph_term(_require(target.graph))
        data = _scan(dataset)
        return _Plan((_GraphPlan(target.graph, (data,), data.triples),), dataset)
    ontology = find_ontology(folder)
    if target.default_graph:
        data_graph = onto_graph = None
    else:
        data_graph = _require(target.graph)
        graph_term(data_graph)
        onto_graph = target.ontology_graph or ontology_iri(ontology)
        graph_term(onto_graph)
    onto, data = _scan(ontology), _scan(dataset)
    shared = _shared(ontology, dataset)
    if data_graph == onto_graph:  # one graph holds both: the ontology first, a triple of both counts once
        return _Plan((_GraphPlan(data_graph, (onto, data), onto.triples + data.triples - shared),), dataset, shared)
    return _Plan((_GraphPlan(data_graph, (data,), data.triples), _GraphPlan(onto_graph, (onto,), onto.triples)),
                 dataset, shared)


def _require(graph: str | None) -> str:
    if not graph:
        raise PushError("no graph to push to: give one (--graph IRI) or push to the default graph (--default-graph)")
    return graph


# ------------------------------------------------------------------------------ HTTP
class _Client:
    """The HTTP calls of a push, with errors that never show credentials."""

    def __init__(self, target: PushTarget, auth) -> None:
        import httpx

        self.target = target
        self.http = httpx.Client(auth=auth, timeout=target.timeout, follow_redirects=False)

    def close(self) -> None:
        self.http.close()

    def _send(self, method: str, url: str, what: str, **kwargs) -> None:
        import httpx

        from .redact import answer_excerpt, excerpt, redact_text, redact_url

        try:
            response = self.http.request(method, url, **kwargs)
        except httpx.HTTPError as exc:
            raise PushError(f"{what}: cannot reach {redact_url(url)}: {type(exc).__name__}: {redact_text(exc)}") from None
        if response.status_code >= 300:
            detail = answer_excerpt(response)
            raise PushError(f"{what}: {redact_url(url)} answered {response.status_code} {excerpt(response.reason_phrase, 80)}"
                            + (f": {detail}" if detail else ""))

    def graph_store(self, method: str, graph: str | None, body: bytes, what: str) -> None:
        """PUT or POST ``body`` to ``graph`` (None: the default graph, ``?default``)."""
        url, params = self.target.gsp_url, {"graph": graph}
        if graph is None:  # '?default' takes no value: some servers refuse 'default='
            url, params = url + ("&" if "?" in url else "?") + "default", None
        self._send(method, url, what, params=params, content=body, headers={"Content-Type": CONTENT_TYPE})

    def count(self, graph: str | None) -> int:
        """Triples in ``graph`` (None: the default graph) according to the query endpoint."""
        import httpx

        assert self.target.query_url
        pattern = "?s ?p ?o" if graph is None else f"GRAPH {graph_term(graph)} {{ ?s ?p ?o }}"
        query = f"SELECT (COUNT(*) AS ?n) WHERE {{ {pattern} }}"
        try:
            response = self.http.post(self.target.query_url, data={"query": query},
                                      headers={"Accept": "application/sparql-results+json"})
            response.raise_for_status()
            return int(response.json()["results"]["bindings"][0]["n"]["value"])
        except (httpx.HTTPError, ValueError, KeyError, IndexError) as exc:
            from .redact import redact_text, redact_url

            raise PushError(f"the push finished but checking it failed: {redact_url(self.target.query_url)}: "
                            f"{type(exc).__name__}: {redact_text(exc)}") from None

    def update(self, text: str, what: str) -> None:
        assert self.target.update_url
        self._send("POST", self.target.update_url, what, data={"update": text})


def push(folder: Path, target: PushTarget, *, chunk_triples: int = 50_000, auth=None,
         on_progress: Callable[[int], None] | None = None, on_start: Callable[[int, int], None] | None = None) -> PushResult:
    """Replace the target's graphs on the server with the dataset and ontology of ``folder``.

    ``on_start(total_triples, requests)`` is called once before sending, ``on_progress(n)``
    after each request with the number of triples it held.
    """
    _check_url(target.gsp_url, "the Graph Store URL")
    if target.update_url:
        _check_url(target.update_url, "the update URL")
    if target.query_url:
        _check_url(target.query_url, "the query URL")
    if chunk_triples < 1:
        raise PushError("the chunk size must be at least 1 triple")
    plan = _plan(Path(folder), target)
    requests = sum(g.requests(chunk_triples) for g in plan.graphs)
    if on_start:
        on_start(plan.triples, requests)
    client = _Client(target, auth)
    try:
        if target.update_url and requests > 1:
            _push_staged(client, plan, chunk_triples, on_progress)
            staged = True
        else:
            _push_direct(client, plan, chunk_triples, on_progress)
            staged = False
        graphs = tuple(g.result(chunk_triples) for g in plan.graphs)
        data_graph = None if target.default_graph else target.graph
        result = PushResult(data_graph, plan.triples, requests, staged, plan.dataset, False, graphs, plan.shared)
        if target.query_url:
            for pushed in graphs:
                held = client.count(pushed.graph)
                if held != pushed.expected:
                    raise PushError(f"the server holds {held} triples in {pushed.name}, but {pushed.expected} were sent")
            result = replace(result, verified=True)
        return result
    finally:
        client.close()


def _push_staged(client: _Client, plan: _Plan, size: int, on_progress) -> None:
    staging = {index: f"urn:ldpub:push:{uuid.uuid4()}" for index in range(len(plan.graphs))}
    total = sum(g.requests(size) for g in plan.graphs)
    sent = 0
    try:
        for index, graph in enumerate(plan.graphs):
            for number, (body, count) in enumerate(_graph_chunks(graph.files, size), start=1):
                sent += 1
                client.graph_store("PUT" if number == 1 else "POST", staging[index], body,
                                   f"uploading request {sent} of {total} to the staging graph <{staging[index]}>")
                if on_progress:
                    on_progress(count)
        moves = " ;\n".join(f"MOVE SILENT GRAPH {graph_term(staging[i])} TO {_target_term(g.graph)}"
                            for i, g in enumerate(plan.graphs))
        client.update(moves, "moving the staging graph" + ("s" if len(staging) > 1 else "") + " into place")
    except PushError as exc:
        dropped = "were dropped" if len(staging) > 1 else "was dropped"
        drops = " ;\n".join(f"DROP SILENT GRAPH {graph_term(s)}" for s in staging.values())
        try:
            client.update(drops, "dropping the staging graphs")
        except PushError:
            dropped = "could not be dropped: remove " + ", ".join(f"'DROP GRAPH <{s}>'" for s in staging.values())
        targets = ", ".join(g.result(size).name for g in plan.graphs)
        where = ", ".join(f"<{s}>" for s in staging.values())
        raise PushError(f"{exc.problems[0].message}. Nothing changed in {targets}: the previous graphs are intact; "
                        f"the partial upload in {where} {dropped}") from None


def _push_direct(client: _Client, plan: _Plan, size: int, on_progress) -> None:
    done: list[str] = []
    for graph in plan.graphs:
        name = graph.result(size).name
        chunks = graph.requests(size)
        sent = 0
        for index, (body, count) in enumerate(_graph_chunks(graph.files, size), start=1):
            try:
                client.graph_store("PUT" if index == 1 else "POST", graph.graph, body,
                                   f"sending request {index} of {chunks} to {name}")
            except PushError as exc:
                if index == 1:
                    state = f"nothing was written to {name}; its previous content is intact"
                else:
                    state = (f"{name} now holds requests 1-{index - 1} of {chunks} ({sent} of {graph.expected} "
                             "triples): its previous content was replaced")
                if done:
                    state = f"{', '.join(done)} {'was' if len(done) == 1 else 'were'} replaced; {state}"
                raise PushError(f"{exc.problems[0].message}. {state}. Push again to complete it; give an update "
                                "endpoint (--update-endpoint) so an interrupted push leaves the previous graphs in "
                                "place") from None
            sent += count
            if on_progress:
                on_progress(count)
        done.append(name)
