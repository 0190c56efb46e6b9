"""Load a build or release into a SPARQL 1.1 server with the Graph Store HTTP Protocol.

``PUT <gsp>?graph=<g>`` replaces the named graph, so pushing the same data twice leaves one
copy. Large data goes in chunks of N-Triples (sent as ``text/turtle``, which every Graph Store
accepts: N-Triples is a subset of Turtle):

* with an update endpoint (``update_url``): the first chunk is PUT to a fresh staging graph, the
  rest POSTed there, then one SPARQL Update ``MOVE`` swaps it onto the target graph. A failure
  before the move drops the staging graph and leaves the server's previous graph untouched.
* without one: the first chunk is PUT to the target graph and the rest POSTed; a failure midway
  raises :class:`PushError` saying exactly which chunks and how many triples the graph now holds.

Credentials come from the environment only (never the command line, never logged):
``LDPUB_PUSH_TOKEN`` (sent as ``Authorization: Bearer``) or ``LDPUB_PUSH_USER`` and
``LDPUB_PUSH_PASSWORD`` (HTTP Basic, or Digest for Virtuoso); a URL with credentials is refused.
Every URL and server answer in a message goes through :mod:`ldpub.redact` (``?token=`` values
masked, at most 200 characters of a server's answer, no terminal escapes).

Example::

    result = push(Path("dist"), PushTarget("http://127.0.0.1:7878/store", "https://example.org/g"))
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Iterator
from urllib.parse import urlsplit

from .errors import LdpubError

__all__ = ["PushTarget", "PushResult", "PushError", "push", "find_dataset", "graph_term", "auth_from_env", "ENV_TOKEN",
           "ENV_USER", "ENV_PASSWORD"]

ENV_TOKEN, ENV_USER, ENV_PASSWORD = "LDPUB_PUSH_TOKEN", "LDPUB_PUSH_USER", "LDPUB_PUSH_PASSWORD"
CONTENT_TYPE = "text/turtle; charset=utf-8"


class PushError(LdpubError):
    """The push failed; the message says what the server holds now."""


@dataclass(frozen=True)
class PushTarget:
    """Where to push: the Graph Store URL, the graph IRI, optionally the SPARQL Update URL."""

    gsp_url: str
    graph: str
    update_url: str | None = None
    query_url: str | None = None  # when given, the pushed graph's size is checked there afterwards
    auth_scheme: str = "basic"  # basic or digest, when user and password are given
    timeout: float = 300.0


@dataclass(frozen=True)
class PushResult:
    graph: str
    triples: int
    chunks: int
    staged: bool  # True: uploaded to a staging graph and moved (atomic for the target)
    source: Path
    verified: bool = False  # True: the server was asked and holds exactly ``triples`` in the graph


def find_dataset(folder: Path) -> Path:
    """The dataset file of a build or release folder (N-Triples preferred, else Turtle)."""
    folder = Path(folder)
    for name in ("dataset.nt", "dataset.ttl"):
        if (folder / name).is_file():
            return folder / name
    raise PushError.at("no dataset.nt or dataset.ttl here", folder,
                       hint="run 'ldpub build' (or 'ldpub publish') first, or pass --from with a build or release folder")


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


def _check_url(url: str, what: str) -> None:
    from .credentials import check_url

    check_url(url, what, "LDPUB_PUSH", PushError)


def _scan(path: Path) -> tuple[int, bool]:
    """Number of triples and whether any blank node occurs (blank nodes cannot be split)."""
    import pyoxigraph as ox

    count, blank = 0, False
    for quad in _parse(path):
        count += 1
        if not blank and (isinstance(quad.subject, ox.BlankNode) or isinstance(quad.object, ox.BlankNode)):
            blank = True
    return count, blank


def _parse(path: Path):
    import pyoxigraph as ox

    fmt = ox.RdfFormat.N_TRIPLES if path.suffix == ".nt" else ox.RdfFormat.TURTLE
    try:
        yield from ox.parse(path=str(path), format=fmt)
    except SyntaxError as exc:
        raise PushError.at(f"not valid RDF: {exc}", path) from exc


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

        from .redact import excerpt, redact_text, redact_url

        try:
            response = self.http.request(method, url, **kwargs)
        except httpx.HTTPError as exc:
            raise PushError(f"{what}: cannot reach {redact_url(url)}: {type(exc).__name__}: {redact_text(exc)}") from None
        if response.status_code >= 300:
            detail = excerpt(response.text)
            raise PushError(f"{what}: {redact_url(url)} answered {response.status_code} {excerpt(response.reason_phrase, 80)}"
                            + (f": {detail}" if detail else ""))

    def graph_store(self, method: str, graph: str, body: bytes, what: str) -> None:
        self._send(method, self.target.gsp_url, what, params={"graph": graph}, content=body,
                   headers={"Content-Type": CONTENT_TYPE})

    def count(self, graph: str) -> int:
        """Triples in ``graph`` according to the query endpoint."""
        import httpx

        assert self.target.query_url
        query = f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH {graph_term(graph)} {{ ?s ?p ?o }} }}"
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
    """Replace ``target.graph`` on the server with the dataset of ``folder``.

    ``on_start(total_triples, chunks)`` is called once before sending, ``on_progress(n)`` after
    each chunk with the number of triples it held.
    """
    graph_term(target.graph)
    _check_url(target.gsp_url, "the Graph Store URL")
    if target.update_url:
        _check_url(target.update_url, "the update URL")
    if chunk_triples < 1:
        raise PushError("the chunk size must be at least 1 triple")
    path = find_dataset(folder)
    total, blank = _scan(path)
    size = max(total, 1) if blank else chunk_triples  # blank nodes must travel in one request
    n_chunks = max(1, -(-total // size))
    if on_start:
        on_start(total, n_chunks)
    if target.query_url:
        _check_url(target.query_url, "the query URL")
    client = _Client(target, auth)
    try:
        if n_chunks == 1:
            body = b"".join(c for c, _ in _chunks(path, size))
            client.graph_store("PUT", target.graph, body, "replacing the graph")
            if on_progress:
                on_progress(total)
            result = PushResult(target.graph, total, 1, False, path)
        elif target.update_url:
            result = _push_staged(client, path, target, size, total, n_chunks, on_progress)
        else:
            result = _push_direct(client, path, target, size, total, n_chunks, on_progress)
        if target.query_url:
            held = client.count(target.graph)
            if held != total:
                raise PushError(f"the server holds {held} triples in <{target.graph}>, but {total} were sent")
            result = PushResult(result.graph, result.triples, result.chunks, result.staged, result.source, True)
        return result
    finally:
        client.close()


def _push_staged(client: _Client, path: Path, target: PushTarget, size: int, total: int, n_chunks: int,
                 on_progress) -> PushResult:
    staging = f"urn:ldpub:push:{uuid.uuid4()}"
    try:
        for index, (body, count) in enumerate(_chunks(path, size), start=1):
            client.graph_store("PUT" if index == 1 else "POST", staging, body,
                               f"uploading chunk {index} of {n_chunks} to the staging graph <{staging}>")
            if on_progress:
                on_progress(count)
        client.update(f"MOVE SILENT GRAPH {graph_term(staging)} TO GRAPH {graph_term(target.graph)}",
                      f"moving the staging graph <{staging}> onto <{target.graph}>")
    except PushError as exc:
        dropped = "was dropped"
        try:
            client.update(f"DROP SILENT GRAPH {graph_term(staging)}", "dropping the staging graph")
        except PushError:
            dropped = f"could not be dropped: remove it with 'DROP GRAPH <{staging}>'"
        raise PushError(f"{exc.problems[0].message}. Nothing changed in <{target.graph}>: "
                        f"the previous graph is intact; the partial upload in <{staging}> {dropped}") from None
    return PushResult(target.graph, total, n_chunks, True, path)


def _push_direct(client: _Client, path: Path, target: PushTarget, size: int, total: int, n_chunks: int,
                 on_progress) -> PushResult:
    sent = 0
    for index, (body, count) in enumerate(_chunks(path, size), start=1):
        try:
            client.graph_store("PUT" if index == 1 else "POST", target.graph, body,
                               f"sending chunk {index} of {n_chunks}")
        except PushError as exc:
            if index == 1:
                state = "nothing was written; the previous graph is intact"
            else:
                state = (f"the graph <{target.graph}> now holds chunks 1-{index - 1} of {n_chunks} "
                         f"({sent} of {total} triples): its previous content was replaced")
            raise PushError(f"{exc.problems[0].message}. {state}. Push again to complete it; give an update "
                            "endpoint (--update-endpoint) so an interrupted push leaves the previous graph in place") from None
        sent += count
        if on_progress:
            on_progress(count)
    return PushResult(target.graph, total, n_chunks, False, path)
