"""The web application: SPARQL 1.1 Protocol, dereferenceable IRIs, HTML pages (Starlette).

Routes::

    /                         home: summary, network picture, every entity
    /sparql                   SPARQL 1.1 Protocol (GET, POST form, POST application/sparql-query);
                              without a query: the SPARQL service description
    /query                    HTML query page: editor, named queries, results table, downloads
    /void                     VoID description of the dataset
    /context.jsonld           the JSON-LD context entity documents name by URL
    /data/dataset.{ttl,nt,jsonld}   dumps
    <id path><slug>           an entity IRI: 303 See Other to its document, chosen by Accept
    <doc path><slug>[.html|.ttl|.jsonld|.nt|.rdf]   the document about an entity

Entity IRIs ending in ``/slug`` name things, not documents, so they answer 303 to a document
(Cool URIs for the Semantic Web, section 4.2: "303 URIs forwarding to different documents"); the
document without an extension negotiates by ``Accept`` with ``Vary: Accept`` and
``Content-Location``; with an extension it is that one format. Every document names its other
formats in ``Link: <...>; rel="alternate"; type="..."`` headers (RFC 8288), and a 406 answer
says ``Vary: Accept`` too.
"""

from __future__ import annotations

import asyncio
import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlencode

from ..htmlsafety import safe_href
from ..iris import id_path, is_hash_base, valid_slug
from ..rdfterms import XSD
from .dataset import ServedData, Value
from .engine import QueryFailure, QueryPool
from .named import named_queries, prepare_named
from .protocol import (
    GRAPH_FORMATS,
    QUERY_MEDIA_TYPE,
    RESULT_FORMATS,
    UPDATE_MEDIA_TYPE,
    MediaFormat,
    choose_formats,
    is_update,
    negotiate,
)
from .settings import ServeSettings

__all__ = ["create_app", "AppState"]

HTML = MediaFormat("html", "text/html", ("application/xhtml+xml",), ("html",), "html")
DOCUMENT_FORMATS = {"html": HTML, **{f.extension: f for f in GRAPH_FORMATS.values()}}
_DOC_NAME = re.compile(r"(?P<slug>[^./]+)(?:\.(?P<ext>[a-z]+))?")
HOME_ENTITIES = 500  # entities listed on the home page; the rest are a query away
DEFAULT_QUERY = """SELECT ?class (COUNT(?entity) AS ?entities)
WHERE { ?entity a ?class }
GROUP BY ?class
ORDER BY DESC(?entities)
"""


class TooLarge(Exception):
    pass


@dataclass
class AppState:
    """What every handler needs."""

    data: ServedData
    settings: ServeSettings
    pool: QueryPool
    queries_dir: Path
    public_url: str = "http://127.0.0.1:8080"  # where clients reach the server: never the Host header


def create_app(state: AppState, access_log=None):
    """The ASGI application (wrapped in the JSON-lines access log when a stream is given)."""
    from contextlib import asynccontextmanager

    from jinja2 import Environment, PackageLoader, select_autoescape
    from starlette.applications import Starlette
    from starlette.concurrency import run_in_threadpool
    from starlette.requests import Request
    from starlette.responses import HTMLResponse, PlainTextResponse, RedirectResponse, Response
    from starlette.routing import Route

    data, settings, pool = state.data, state.settings, state.pool
    templates = Environment(loader=PackageLoader("ldpub.serve", "templates"), autoescape=select_autoescape(["html"]))
    cache: dict[str, Any] = {}

    def page(name: str, status_code: int = 200, /, **values) -> HTMLResponse:
        html = templates.get_template(name).render(data=data, settings=settings, **values)
        return HTMLResponse(html, status_code=status_code)

    def error(request: Request, status: int, message: str, headers: dict | None = None) -> Response:
        """An error as HTML for browsers, plain text for everyone else."""
        from http import HTTPStatus

        if status == 406:  # the answer depended on Accept
            headers = {**(headers or {}), "Vary": "Accept"}
        if negotiate(request.headers.get("accept"), [HTML, MediaFormat("text", "text/plain")]) is HTML \
                and "text/html" in request.headers.get("accept", ""):
            response = page("error.html", status, code=status, reason=HTTPStatus(status).phrase, message=message)
            response.headers.update(headers or {})
            return response
        return PlainTextResponse(message + "\n", status_code=status, headers=headers)

    async def read_body(request: Request) -> bytes:
        declared = request.headers.get("content-length")
        if declared and declared.isdigit() and int(declared) > settings.max_request_bytes:
            raise TooLarge
        body = bytearray()
        async for chunk in request.stream():
            body += chunk
            if len(body) > settings.max_request_bytes:
                raise TooLarge
        return bytes(body)

    def graph_response(triples: list, fmt: MediaFormat, headers: dict | None = None,
                       context_url: str | None = None) -> Response:
        from ..serialize import FORMATS, WriteContext

        body = FORMATS[fmt.name].writer(triples, WriteContext(data.prefixes, data.context, context_url))
        return Response(body, media_type=fmt.content_type, headers=headers)

    # ------------------------------------------------------------------ SPARQL protocol
    async def sparql(request: Request) -> Response:
        params: dict[str, list[str]] = {}
        for key, value in request.query_params.multi_items():
            params.setdefault(key, []).append(value)
        query: str | None = None
        if request.method == "POST":
            content_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
            try:
                body = await read_body(request)
            except TooLarge:
                return error(request, 413, f"request body larger than {settings.max_request_bytes} bytes (max_request_bytes)")
            if content_type == UPDATE_MEDIA_TYPE:
                return error(request, 403, "this endpoint is read-only: SPARQL Update is not accepted")
            if content_type == "application/x-www-form-urlencoded":
                try:
                    form = parse_qs(body.decode("utf-8"), keep_blank_values=True, strict_parsing=False)
                except UnicodeDecodeError:
                    return error(request, 400, "the form is not UTF-8")
                for key, values in form.items():
                    params.setdefault(key, []).extend(values)
            elif content_type == QUERY_MEDIA_TYPE:
                try:
                    query = body.decode("utf-8")
                except UnicodeDecodeError:
                    return error(request, 400, "the query is not UTF-8")
            else:
                return error(request, 415, f"POST needs Content-Type {QUERY_MEDIA_TYPE} or application/x-www-form-urlencoded")
        if "update" in params:
            return error(request, 403, "this endpoint is read-only: SPARQL Update is not accepted")
        if query is None:
            queries = params.get("query", [])
            if len(queries) > 1:
                return error(request, 400, "give exactly one 'query' parameter")
            query = queries[0] if queries else None
        if not query:
            return service(request)
        if "default-graph-uri" in params or "named-graph-uri" in params:
            return error(request, 400, "default-graph-uri and named-graph-uri are not supported: the default graph "
                         "is the dataset and its ontology, and the ontology is also the named graph given in the "
                         "service description")
        if is_update(query):
            return error(request, 403, "this endpoint is read-only: SPARQL Update (INSERT, DELETE, LOAD, CLEAR, DROP, ...) is refused")
        token = (params.get("format") or params.get("output") or [None])[0]
        if token is None and request.method == "GET" and negotiate(
                request.headers.get("accept"), [*RESULT_FORMATS.values(), HTML]) is HTML:
            # a browser following a link to a query: show it on the query page
            return RedirectResponse("/query?" + urlencode({"query": query}), status_code=303, headers={"Vary": "Accept"})
        choice = choose_formats(request.headers.get("accept"), token)
        try:
            answer = await pool.run(query, choice.results.name if choice.results else None,
                                    choice.graph.name if choice.graph else None)
        except QueryFailure as exc:
            message = exc.message
            if exc.status == 406:
                offered = RESULT_FORMATS if exc.kind in ("select", "ask") else GRAPH_FORMATS
                message = "none of the accepted media types fits; this query can answer " + ", ".join(
                    f.media_type for f in offered.values())
            headers = {"Retry-After": "5"} if exc.status == 503 else None
            return error(request, exc.status, message, headers)
        registry = GRAPH_FORMATS if answer.kind == "graph" else RESULT_FORMATS
        return Response(answer.body, media_type=registry[answer.format].content_type, headers={"Vary": "Accept"})

    def service(request: Request) -> Response:
        from .servicedesc import service_description

        accept = request.headers.get("accept")
        fmt = negotiate(accept, [*GRAPH_FORMATS.values(), HTML])
        if fmt is HTML:
            return RedirectResponse("/query", status_code=303, headers={"Vary": "Accept"})
        if fmt is None:
            return error(request, 406, "the service description is available as " + ", ".join(f.media_type for f in GRAPH_FORMATS.values()))
        from ..graphstore import sorted_triples

        endpoint = state.public_url + "/sparql"
        return graph_response(sorted_triples(service_description(data, endpoint)), fmt, {"Vary": "Accept"})

    # ------------------------------------------------------------------ pages
    def home_values() -> dict:
        from .network import network_svg

        entities = data.entities()
        return {"svg": network_svg(data), "classes": data.classes(), "statuses": data.statuses(),
                "entities": entities[:HOME_ENTITIES], "entity_count": len(entities)}

    def home_future() -> asyncio.Future:
        """The home page's values, computed once in a thread (started at start-up)."""
        if "home" not in cache:
            cache["home"] = asyncio.ensure_future(run_in_threadpool(home_values))
        return cache["home"]

    async def home(request: Request) -> Response:
        return page("home.html", **await asyncio.shield(home_future()))

    async def network(request: Request) -> Response:
        values = await asyncio.shield(home_future())
        if values["svg"] is None:
            return error(request, 404, "no network picture: the ontology is not at hand")
        return Response(values["svg"], media_type="image/svg+xml")

    async def void(request: Request) -> Response:
        from ..graphstore import sorted_triples
        from .servicedesc import void_description

        fmt = negotiate(request.headers.get("accept"), list(GRAPH_FORMATS.values())) or GRAPH_FORMATS["turtle"]
        if "void" not in cache:
            cache["void"] = await run_in_threadpool(lambda: sorted_triples(void_description(data, state.public_url)))
        triples = cache["void"]
        return graph_response(triples, fmt, {"Vary": "Accept"})

    async def dump(request: Request) -> Response:
        ext = request.path_params["ext"]
        fmt = next((f for f in GRAPH_FORMATS.values() if f.extension == ext), None)
        if fmt is None:
            return error(request, 404, "dumps: dataset.ttl, dataset.nt, dataset.jsonld, dataset.rdf")
        body = await run_in_threadpool(data.dump, fmt.name)
        return Response(body, media_type=fmt.content_type)

    async def context_document(request: Request) -> Response:
        body = json.dumps({"@context": data.context}, indent=2, ensure_ascii=False) + "\n"
        return Response(body, media_type="application/ld+json")

    async def health(request: Request) -> Response:
        return PlainTextResponse("ok\n")

    # ------------------------------------------------------------------ Linked Data
    def doc_url(slug: str, ext: str | None = None) -> str:
        return f"{data.doc_path}{slug}" + (f".{ext}" if ext else "")

    async def thing(request: Request) -> Response:
        slug = request.path_params["slug"]
        if not valid_slug(slug):
            return error(request, 400, "not an entity IRI: slugs are lower-case letters, digits and hyphens")
        if not await run_in_threadpool(data.exists, slug):
            return error(request, 404, f"no entity '{slug}' in this dataset")
        fmt = negotiate(request.headers.get("accept"), [HTML, *GRAPH_FORMATS.values()])
        if fmt is None:
            return error(request, 406, "entities are described as " + ", ".join(f.media_type for f in DOCUMENT_FORMATS.values()))
        return RedirectResponse(doc_url(slug, fmt.extension), status_code=303, headers={"Vary": "Accept"})

    async def document(request: Request) -> Response:
        match = _DOC_NAME.fullmatch(request.path_params["name"])
        if not match or not valid_slug(match["slug"]):
            return error(request, 400, "not a document name: <slug>.html, .ttl, .jsonld, .nt or .rdf")
        slug, ext = match["slug"], match["ext"]
        headers = {"Link": ", ".join(f'<{doc_url(slug, f.extension)}>; rel="alternate"; type="{f.media_type}"'
                                     for f in DOCUMENT_FORMATS.values() if f.extension != ext)}
        if ext is None:
            fmt = negotiate(request.headers.get("accept"), list(DOCUMENT_FORMATS.values()))
            if fmt is None:
                return error(request, 406, "available as " + ", ".join(f.media_type for f in DOCUMENT_FORMATS.values()))
            headers["Vary"] = "Accept"
            headers["Content-Location"] = doc_url(slug, fmt.extension)
        else:
            fmt = DOCUMENT_FORMATS.get(ext)
            if fmt is None:
                return error(request, 404, f"unknown document format '.{ext}': use .html, .ttl, .jsonld, .nt or .rdf")
        if fmt is HTML:
            from ..paging import DEFAULT_PAGE, Page

            try:
                offsets = {key: _offset_param(request.query_params, key) for key in ENTITY_PAGES}
            except ValueError as exc:
                return error(request, 400, str(exc))
            view = await run_in_threadpool(data.entity, slug, Page(DEFAULT_PAGE, offsets["_offset"]),
                                           Page(DEFAULT_PAGE, offsets["_linked"]))
            if view is None:
                return error(request, 404, f"no entity '{slug}' in this dataset")
            pages = _entity_pages(doc_url(slug, ext), offsets, view, DEFAULT_PAGE)
            response = page("entity.html", e=view, doc=doc_url(slug), pages=pages)
            response.headers.update(headers)
            return response
        if not await run_in_threadpool(data.exists, slug):
            return error(request, 404, f"no entity '{slug}' in this dataset")
        root = str(request.base_url).rstrip("/")
        triples = await run_in_threadpool(data.entity_document, slug, root + doc_url(slug))
        return graph_response(triples, fmt, headers, context_url=root + "/context.jsonld")

    async def hash_document(request: Request) -> Response:
        fmt = negotiate(request.headers.get("accept"), [HTML, *GRAPH_FORMATS.values()])
        if fmt is HTML:
            return RedirectResponse("/", status_code=303, headers={"Vary": "Accept"})
        if fmt is None:
            return error(request, 406, "available as " + ", ".join(f.media_type for f in GRAPH_FORMATS.values()))
        body = await run_in_threadpool(data.dump, fmt.name)
        return Response(body, media_type=fmt.content_type, headers={"Vary": "Accept"})

    # ------------------------------------------------------------------ query page
    def slugs() -> dict[str, str]:
        if "slugs" not in cache:
            cache["slugs"] = {data.slug_of(v.iri): v.iri for v, _ in data.entities()}
        return cache["slugs"]

    async def query_page(request: Request) -> Response:
        from ..errors import LdpubError, did_you_mean

        named, broken = await run_in_threadpool(named_queries, state.queries_dir)
        params = request.query_params
        name = params.get("name")
        chosen = next((q for q in named if q.name == name), None) if name else None
        values = {k: v for k, v in params.items() if k not in ("name", "query") and not k.startswith("_")}
        common = {"named": named, "chosen": chosen, "values": values, "prefixes": sorted(data.prefixes)}
        try:
            limit, offset = _page_params(params, settings.max_results)
        except ValueError as exc:
            return page("query.html", 400, query=params.get("query") or DEFAULT_QUERY, error=str(exc), answer=None,
                        downloads=[], **common)
        if name in broken:  # this one file cannot be read; the others still can
            query = params.get("query") or ""
            problem = "; ".join(_relative_to(p.render(), state.queries_dir) for p in broken[name].problems)
            return page("query.html", 400, query=query or DEFAULT_QUERY, error=problem, answer=None,
                        downloads=[], **common)
        if name and chosen is None:
            hint = did_you_mean(name, [q.name for q in named])
            return page("query.html", 404, query=DEFAULT_QUERY, error=f"no named query '{name}'" + (f" ({hint})" if hint else ""),
                        answer=None, downloads=[], **common)
        query, problem, status = params.get("query"), None, 200
        if chosen is not None and not query:
            try:
                query = await run_in_threadpool(prepare_named, chosen, values, data.base_iri, data.prefixes, slugs())
            except LdpubError as exc:
                query = chosen.text
                problem, status = "; ".join(_relative_to(p.render(), state.queries_dir) for p in exc.problems), 400
        answer = None
        if query and problem is None:
            if is_update(query):
                problem, status = "this endpoint is read-only: SPARQL Update is refused", 403
            else:
                try:
                    result = await pool.run(query, "json", "turtle", page=(limit, offset))
                    answer = _render_answer(data, result)
                    own = {"name": chosen.name, **values} if chosen is not None and not params.get("query") \
                        else {"query": query}
                    answer["pages"] = _page_links(own, result, limit, params.get("_limit") is not None)
                except QueryFailure as exc:
                    problem, status = exc.message, exc.status
        downloads = []
        if answer is not None:
            names = ("json", "xml", "csv", "tsv") if answer["kind"] == "select" else \
                ("json", "xml") if answer["kind"] == "ask" else ("turtle", "json-ld", "nt")
            labels = {"json": "JSON", "xml": "XML", "csv": "CSV", "tsv": "TSV", "turtle": "Turtle", "json-ld": "JSON-LD", "nt": "N-Triples"}
            downloads = [(n, labels[n]) for n in names]
        return page("query.html", status, query=query or DEFAULT_QUERY, error=problem, answer=answer,
                    downloads=downloads, **common)

    @asynccontextmanager
    async def lifespan(app):
        await run_in_threadpool(pool.start)
        home_future()  # warm the summary and picture while the first requests arrive
        try:
            yield
        finally:
            pool.close()

    routes = [
        Route("/", home),
        Route("/healthz", health),
        Route("/sparql", sparql, methods=["GET", "POST"]),
        Route("/query", query_page),
        Route("/void", void),
        Route("/.well-known/void", void),
        Route("/context.jsonld", context_document),
        Route("/network.svg", network),
        Route("/data/dataset.{ext}", dump),
        Route(data.doc_path + "{name:path}", document),
    ]
    base_path = id_path(data.base_iri)
    if is_hash_base(data.base_iri):
        routes.append(Route(base_path, hash_document))
    else:
        routes.append(Route(base_path + "{slug:path}", thing))
    from starlette.middleware import Middleware
    from starlette.middleware.cors import CORSMiddleware

    # read-only public data: any web page may query it (YASGUI and other browser clients need CORS)
    cors = Middleware(CORSMiddleware, allow_origins=["*"], allow_methods=["GET", "POST"],
                      allow_headers=["Accept", "Content-Type"], expose_headers=["Content-Location", "Vary", "Link"])
    from .headers import SecurityHeaders  # Content-Security-Policy (no script) on every response

    app = Starlette(routes=routes, lifespan=lifespan, middleware=[cors, Middleware(SecurityHeaders)])
    app.state.ldpub = state
    return _wrap(app, access_log, settings.max_header_bytes)


def _wrap(app, access_log, max_header_bytes: int):
    from .bounds import HeaderLimit

    app = HeaderLimit(app, max_header_bytes)
    if access_log is None:
        return app
    from .accesslog import AccessLog

    return AccessLog(app, access_log)


def _relative_to(message: str, folder: Path) -> str:
    """A message about a file of ``folder`` without the server's own path to it (visitors need
    the file's name, not where the operator keeps it)."""
    return message.replace(str(Path(folder).parent) + "/", "")


ENTITY_PAGES = ("_offset", "_linked")  # URL parameters: first statement shown, first link shown


def _offset_param(params, key: str) -> int:
    """A whole-number offset from the URL (0 when absent); a ValueError says what is wrong."""
    raw = params.get(key)
    if raw is None or raw == "":
        return 0
    if not raw.isascii() or not raw.isdigit() or len(raw) > 15:
        raise ValueError(f"{key}={raw[:40]!r}: expected a whole number, 0 or more")
    return int(raw)


def _entity_pages(path: str, offsets: dict[str, int], view, size: int) -> dict:
    """The page notes and links of an entity page's two long lists: the statements involving
    it (``_offset``) and the links to it (``_linked``)."""
    from ..paging import describe

    def link(key: str, offset: int) -> str | None:
        kept = {**offsets, key: offset}
        query = urlencode({k: str(v) for k, v in kept.items() if v})
        return safe_href(path + ("?" + query if query else ""))

    out = {}
    for key, unit, shown, total, offset in (
            ("_offset", "statement", len(view.statements), view.statements_total, view.statements_offset),
            ("_linked", "link", len(view.incoming), view.incoming_total, view.incoming_offset)):
        end = offset + shown
        out[key] = {
            "note": describe(offset, shown, total, unit),
            "next": link(key, end) if end < total else None,
            "previous": link(key, max(offset - size, 0)) if offset > 0 else None,
        }
    return out


def _page_params(params, max_results: int) -> tuple[int, int]:
    """``_limit`` (default :data:`ldpub.paging.DEFAULT_PAGE`, at most ``max_results``) and
    ``_offset`` (default 0) of the query page's URL; a ValueError says what is wrong."""
    from ..paging import DEFAULT_PAGE

    limit = _offset_param(params, "_limit") if params.get("_limit") else min(DEFAULT_PAGE, max_results)
    if not 1 <= limit <= max_results:
        raise ValueError(f"_limit={limit}: give 1 to {max_results} rows per page (max_results)")
    return limit, _offset_param(params, "_offset")


def _page_links(own: dict[str, str], answer, limit: int, keep_limit: bool) -> dict:
    """What the query page says about a page of the answer: ``showing 1-100 of 56,210 rows``,
    and the links (this query, another offset) to the next and previous pages."""
    from ..paging import describe

    if answer.total is None:
        return {}
    shown = answer.rows or 0
    unit = "triple" if answer.kind == "graph" else "row"
    size = {"_limit": str(limit)} if keep_limit else {}

    def link(offset: int) -> str | None:
        return safe_href("/query?" + urlencode({**own, **size, **({"_offset": str(offset)} if offset else {})}))

    end = answer.offset + shown
    return {
        "note": describe(answer.offset, shown, answer.total, unit),
        "next": link(end) if end < answer.total else None,
        "previous": link(max(answer.offset - limit, 0)) if answer.offset > 0 else None,
        "first": link(0) if answer.offset > 0 else None,
    }


def _render_answer(data: ServedData, answer) -> dict:
    """A worker answer (JSON results or Turtle) as what the query page template shows."""
    if answer.kind == "graph":
        return {"kind": "graph", "text": answer.body.decode("utf-8")}
    parsed = json.loads(answer.body)
    if answer.kind == "ask":
        return {"kind": "ask", "boolean": bool(parsed.get("boolean"))}
    variables = parsed["head"]["vars"]
    rows = []
    for binding in parsed["results"]["bindings"]:
        row = {}
        for var, term in binding.items():
            if term["type"] == "uri":
                row[var] = Value(data.label(term["value"]), term["value"], data.href(term["value"]) or term["value"])
            elif term["type"] == "literal":
                datatype = term.get("datatype", "")
                # language tags and non-XSD datatypes (e.g. EDTF) say something; xsd:boolean does not
                note = term.get("xml:lang") or (data.curie(datatype) if datatype and not datatype.startswith(XSD) else None)
                row[var] = Value(term["value"], note=note)
            else:
                row[var] = Value("_:" + term["value"])
        rows.append(row)
    return {"kind": "select", "vars": variables, "rows": rows}

