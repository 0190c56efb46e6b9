"""Benchmark of the named queries, embedded (pyoxigraph), on the dataset scaled up N times.

The article's records are copied N times under new slugs (``taliban`` -> ``taliban-c3``), links
kept within each copy, so every query has N times the work; the ontology is added once. Each
named query runs ``--repeat`` times with its default parameters (``entity`` = ``taliban`` of the
first copy); the median wall time is reported. Not a test.

    python benchmarks/query_named.py                      # copies 1, 10, 100
    python benchmarks/query_named.py --copies 1000 --json
"""

from __future__ import annotations

import argparse
import json
import platform
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

PARAMS = {
    "leaders": {"group": "taliban"},
    "events": {"from": "2019-01-01", "to": "2019-12-31"},
    "sources": {"entity": "taliban"},
    "timeline": {"entity": "taliban"},
}


def scaled_store(copies: int):
    """A Store with ``copies`` renamed copies of the dataset plus the ontology, and its Terms."""
    import pyoxigraph as ox

    from ldpub.config import load_project
    from ldpub.pipeline import compile_project
    from ldpub.query import Terms

    project = load_project(ROOT)
    build = compile_project(project, validate=False)
    base = project.base_iri

    def rename(term, suffix):
        if isinstance(term, ox.NamedNode) and term.value.startswith(base):
            slug, sep, frag = term.value[len(base):].partition("#")
            return ox.NamedNode(base + slug + suffix + sep + frag)
        return term

    store = ox.Store()
    store.bulk_extend(ox.Quad(t.subject, t.predicate, t.object) for t in build.ontology_triples)
    for k in range(copies):
        suffix = "" if k == 0 else f"-c{k}"
        store.bulk_extend(
            ox.Quad(rename(t.subject, suffix), t.predicate, rename(t.object, suffix)) for t in build.triples
        )
    return store, Terms(base, build.prefixes, build.mapped.slugs), len(build.triples) * copies


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--copies", type=int, nargs="+", default=[1, 10, 100])
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--json", action="store_true", help="print JSON instead of a table")
    args = parser.parse_args()

    from ldpub.query import EmbeddedTarget, load_named_queries, prepare

    queries = load_named_queries(ROOT / "queries")
    results = []
    for copies in args.copies:
        started = time.perf_counter()
        store, terms, triples = scaled_store(copies)
        load_s = time.perf_counter() - started
        target = EmbeddedTarget(store, terms)
        row = {"copies": copies, "triples": triples, "load_s": round(load_s, 2), "ms": {}, "rows": {}}
        for name, named in queries.items():
            text = prepare(named, PARAMS.get(name, {}), terms)
            times = []
            for _ in range(args.repeat):
                t0 = time.perf_counter()
                result = target.execute(text)
                times.append((time.perf_counter() - t0) * 1000)
            row["ms"][name] = round(statistics.median(times), 1)
            row["rows"][name] = len(result.rows)
        results.append(row)
    if args.json:
        print(json.dumps({"python": platform.python_version(), "machine": platform.machine(), "results": results}, indent=2))
        return
    names = list(queries)
    print(f"{'named query':<12}" + "".join(f"{r['triples']:>12,d}" for r in results) + "   (median ms at N triples)")
    for name in names:
        print(f"{name:<12}" + "".join(f"{r['ms'][name]:>12.1f}" for r in results))
    print(f"{'load (s)':<12}" + "".join(f"{r['load_s']:>12.2f}" for r in results))


if __name__ == "__main__":
    main()
