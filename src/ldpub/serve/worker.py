"""A query worker process: runs SPARQL queries on a read-only store for :mod:`ldpub.serve.engine`.

pyoxigraph cannot interrupt a running query, so each query runs in one of these processes and
the server kills the process when the time limit passes: the work really stops.

Protocol (binary pipes): the server writes one JSON line per job
``{"query", "results", "graph", "max_results"}`` (and ``"page": {"limit", "offset"}`` for a page
of the answer: the HTML query page); the worker answers with one JSON line
``{"ok": true, "kind": "select"|"ask"|"graph", "format", "length"}`` (with ``"rows"``, and for a
page ``"total"`` and ``"offset"``) followed by ``length`` bytes,
or ``{"ok": false, "error": "syntax"|"refused"|"too_large"|"not_acceptable"|"failed", "message",
"kind"}``. The first line it writes is ``{"ready": true, "network": "none"|"host"}`` once the
store is open.

The default graph of a query is the dataset plus its ontology, as ``ldpub query`` sees them
embedded: the store's default graph merged with :data:`ldpub.serve.dataset.ONTOLOGY_BEYOND_DATA`
(the ontology's triples the dataset lacks, so none is counted twice); the ontology is the one
named graph (its IRI). A query that names its own dataset (FROM, FROM NAMED) gets exactly that.
Served from the persistent query store (``"merged": true`` in the config), the store's default
graph is the dataset plus its ontology already (:mod:`ldpub.querystore`): queries read it alone,
with the same named graph.

Every query passes :func:`ldpub.sparqlguard.check_query` first (no SERVICE, bounded size and
nesting: ``refused``). As a second wall, on Linux the worker leaves the host's network before it
reads any query (:func:`isolate_network`: a network namespace of its own, where no address
outside the process can be reached), so even a SERVICE the guard missed could call nothing.

Run as ``python -m ldpub.serve.worker CONFIG.json`` (the config names the store folder, the
prefixes and the JSON-LD context).
"""

from __future__ import annotations

import json
import sys

__all__ = ["main", "run_job", "QueryDataset", "query_dataset"]


def _reply(out, header: dict, body: bytes = b"") -> None:
    header = dict(header, length=len(body))
    out.write(json.dumps(header).encode() + b"\n")
    if body:
        out.write(body)
    out.flush()


def isolate_network() -> bool:
    """Move this process into a network namespace of its own (Linux): afterwards no connection
    to any other process or machine can be opened. True when it worked; False where the kernel
    or the platform does not allow it (the guard still refuses SERVICE)."""
    import ctypes
    import os

    if not sys.platform.startswith("linux"):
        return False
    try:
        libc = ctypes.CDLL(None, use_errno=True)
    except OSError:
        return False
    clone_newnet, clone_newuser = 0x40000000, 0x10000000
    for flags in (clone_newnet, clone_newnet | clone_newuser):  # root may; others need a user namespace
        if libc.unshare(flags) == 0:
            return True
    return False


class QueryDataset:
    """The dataset a query without FROM reads: default graph and named graphs (pyoxigraph terms)."""

    def __init__(self, default_graph: list, named_graphs: list | None) -> None:
        self.default_graph = default_graph
        self.named_graphs = named_graphs

    def query(self, store, text: str, prefixes: dict):
        """``store.query`` over this dataset, unless ``text`` names its own (FROM, FROM NAMED)."""
        from ..errors import QueryError
        from ..sparqltext import dataset_offset

        try:
            own = dataset_offset(text) is None
        except QueryError:
            own = False  # not a query the lexer recognises: the engine reports it
        if own or not self.default_graph:
            return store.query(text, prefixes=prefixes)
        return store.query(text, prefixes=prefixes, default_graph=self.default_graph, named_graphs=self.named_graphs)


def query_dataset(store, merged: bool = False) -> QueryDataset:
    """The dataset of the served store: its default graph plus the ontology's other triples
    (:data:`ldpub.serve.dataset.ONTOLOGY_BEYOND_DATA`; with ``merged``, the default graph
    alone: it holds them already), and every other named graph."""
    import pyoxigraph as ox

    from ..querystore import ONTOLOGY_BEYOND_DATA, project_graphs

    others, layout = project_graphs(store)
    if not layout:
        return QueryDataset([], None)
    default = [ox.DefaultGraph()] if merged else [ox.DefaultGraph(), ox.NamedNode(ONTOLOGY_BEYOND_DATA)]
    return QueryDataset(default, others)


def run_job(store, job: dict, prefixes: dict, context: dict, dataset: QueryDataset | None = None) -> tuple[dict, bytes]:
    """Run one query job on ``store`` (over ``dataset``: see :func:`query_dataset`); return
    the reply header and body."""
    import pyoxigraph as ox

    from ..graphstore import sorted_triples
    from ..serialize import FORMATS, WriteContext
    from ..sparqlguard import QueryRefused, check_query
    from ..sparqltext import syntax_problem

    query, limit = job["query"], int(job["max_results"])
    try:
        check_query(query, origin="query")
    except QueryRefused as exc:
        return {"ok": False, "error": "refused", "message": exc.problems[0].render()}, b""
    dataset = dataset or QueryDataset([], None)
    try:
        result = dataset.query(store, query, prefixes)
    except SyntaxError as exc:
        return {"ok": False, "error": "syntax", "message": syntax_problem(exc, query, "query", known_prefixes=prefixes).render()}, b""
    if isinstance(result, ox.QueryBoolean):
        if not job.get("results"):
            return {"ok": False, "error": "not_acceptable", "kind": "ask"}, b""
        fmt = getattr(ox.QueryResultsFormat, job["results"].upper())
        return {"ok": True, "kind": "ask", "format": job["results"]}, result.serialize(format=fmt)
    if job.get("page") is not None:
        return _page_of(result, job, prefixes, context)
    if isinstance(result, ox.QuerySolutions):
        if not job.get("results"):
            return {"ok": False, "error": "not_acceptable", "kind": "select"}, b""
        count = 0
        for _ in result:
            count += 1
            if count > limit:
                return {"ok": False, "error": "too_large", "kind": "select",
                        "message": f"the answer has more than {limit} rows (max_results); add LIMIT and OFFSET to page through it"}, b""
        fmt = getattr(ox.QueryResultsFormat, job["results"].upper())
        body = dataset.query(store, query, prefixes).serialize(format=fmt)
        return {"ok": True, "kind": "select", "format": job["results"], "rows": count}, body
    # CONSTRUCT / DESCRIBE
    if not job.get("graph"):
        return {"ok": False, "error": "not_acceptable", "kind": "graph"}, b""
    triples = []
    for triple in result:
        triples.append(triple)
        if len(triples) > limit:
            return {"ok": False, "error": "too_large", "kind": "graph",
                    "message": f"the answer has more than {limit} triples (max_results); add LIMIT to the query"}, b""
    writer = FORMATS[job["graph"]].writer
    body = writer(sorted_triples(triples), WriteContext(prefixes=prefixes, jsonld_context=context))
    return {"ok": True, "kind": "graph", "format": job["graph"], "rows": len(triples)}, body


def _page_of(result, job: dict, prefixes: dict, context: dict) -> tuple[dict, bytes]:
    """One page of a SELECT or CONSTRUCT answer (cut in one pass: the rows around it are only
    counted, so a page of a long answer stays within ``max_results``), with the total."""
    import pyoxigraph as ox

    from ..graphstore import sorted_triples
    from ..paging import Page, cut
    from ..query import QueryResult
    from ..resultformats import render
    from ..serialize import FORMATS, WriteContext

    asked = job["page"]
    limit = asked.get("limit")
    page = Page(min(int(limit), int(job["max_results"])) if limit is not None else int(job["max_results"]),
                int(asked.get("offset") or 0))
    if isinstance(result, ox.QuerySolutions):
        if job.get("results") != "json":
            return {"ok": False, "error": "not_acceptable", "kind": "select"}, b""
        variables = [v.value for v in result.variables]
        solutions, total = cut(result, page)
        rows = [tuple(solution[v] for v in variables) for solution in solutions]
        body = render(QueryResult("solutions", variables, rows), "json").encode("utf-8")
        return {"ok": True, "kind": "select", "format": "json", "rows": len(rows), "total": total,
                "offset": page.offset}, body
    if not job.get("graph"):
        return {"ok": False, "error": "not_acceptable", "kind": "graph"}, b""
    triples, total = cut(result, page)
    body = FORMATS[job["graph"]].writer(sorted_triples(triples), WriteContext(prefixes=prefixes, jsonld_context=context))
    return {"ok": True, "kind": "graph", "format": job["graph"], "rows": len(triples), "total": total,
            "offset": page.offset}, body


def main(argv: list[str] | None = None) -> None:
    """Serve jobs from stdin until it closes."""
    isolated = isolate_network()  # first: a user namespace needs a process with one thread
    import pyoxigraph as ox

    argv = sys.argv[1:] if argv is None else argv
    with open(argv[0], encoding="utf-8") as handle:
        config = json.load(handle)
    store = ox.Store.read_only(config["store"])
    prefixes, context = config.get("prefixes", {}), config.get("context", {})
    dataset = query_dataset(store, bool(config.get("merged")))
    stdin, stdout = sys.stdin.buffer, sys.stdout.buffer
    _reply(stdout, {"ready": True, "network": "none" if isolated else "host"})
    for line in stdin:
        try:
            job = json.loads(line)
            header, body = run_job(store, job, prefixes, context, dataset)
        except Exception as exc:  # a worker must answer every job, whatever happens
            header, body = {"ok": False, "error": "failed", "message": f"{type(exc).__name__}: {exc}"}, b""
        _reply(stdout, header, body)


if __name__ == "__main__":
    main()
