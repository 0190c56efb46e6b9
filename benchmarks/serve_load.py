"""Load benchmark for ``ldpub serve``: requests per second and latency under concurrent load.

Starts ``ldpub serve`` on 127.0.0.1 (a free port) for the project, then sends a named query
(default ``pledges``) to ``/sparql`` from ``--concurrency`` concurrent clients until
``--requests`` answers arrived or ``--seconds`` passed, and reports throughput and latency
percentiles. Optionally the same for an entity page (``--entity SLUG``). Not a test.

    python benchmarks/serve_load.py                       # pledges, 8 clients, 1000 requests, <= 30 s
    python benchmarks/serve_load.py --query leaders --param group=al-qaeda --concurrency 16 --json
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import platform
import socket
import statistics
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_server(project: Path, source: Path | None, workers: int) -> tuple[subprocess.Popen, str]:
    port = free_port()
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(filter(None, [str(ROOT / "src"), os.environ.get("PYTHONPATH")])))
    cmd = [sys.executable, "-m", "ldpub", "--project", str(project), "serve", "--port", str(port), "--workers", str(workers)]
    if source:
        cmd += ["--from", str(source)]
    log = open(os.devnull, "w")
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=log, env=env)
    url = f"http://127.0.0.1:{port}/"
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise SystemExit(f"ldpub serve exited with {proc.returncode}")
        try:
            urllib.request.urlopen(url + "healthz", timeout=2).read()
            return proc, url
        except OSError:
            time.sleep(0.2)
    proc.kill()
    raise SystemExit("ldpub serve did not start within 120 s")


def percentile(sorted_values: list[float], q: float) -> float:
    if not sorted_values:
        return float("nan")
    index = min(len(sorted_values) - 1, max(0, round(q / 100 * (len(sorted_values) - 1))))
    return sorted_values[index]


async def load(url: str, method: str, payload: dict, headers: dict, concurrency: int, total: int, seconds: float) -> dict:
    import httpx

    latencies: list[float] = []
    errors = 0
    sent = 0
    deadline = time.monotonic() + seconds
    limits = httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency)
    async with httpx.AsyncClient(timeout=60, limits=limits) as client:
        await client.request(method, url, **payload, headers=headers)  # warm-up

        async def one_client() -> None:
            nonlocal sent, errors
            while sent < total and time.monotonic() < deadline:
                sent += 1
                started = time.perf_counter()
                response = await client.request(method, url, **payload, headers=headers)
                elapsed = time.perf_counter() - started
                if response.status_code == 200:
                    latencies.append(elapsed)
                else:
                    errors += 1

        started = time.perf_counter()
        await asyncio.gather(*(one_client() for _ in range(concurrency)))
        wall = time.perf_counter() - started
    ordered = sorted(latencies)
    ms = lambda v: round(v * 1000, 2)  # noqa: E731
    return {
        "requests": len(latencies) + errors,
        "errors": errors,
        "wall_s": round(wall, 3),
        "requests_per_s": round(len(latencies) / wall, 1) if wall else 0.0,
        "latency_ms": {
            "p50": ms(percentile(ordered, 50)), "p90": ms(percentile(ordered, 90)),
            "p99": ms(percentile(ordered, 99)), "max": ms(ordered[-1]) if ordered else None,
            "mean": ms(statistics.fmean(ordered)) if ordered else None,
        },
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--project", type=Path, default=ROOT)
    parser.add_argument("--from", dest="source", type=Path, default=None, help="serve this build folder (default: build now)")
    parser.add_argument("--query", default="pledges", help="named query (queries/NAME.rq)")
    parser.add_argument("--param", action="append", default=[], help="KEY=VALUE for the named query")
    parser.add_argument("--entity", default=None, help="also load an entity page (slug)")
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--requests", type=int, default=1000)
    parser.add_argument("--seconds", type=float, default=30.0)
    parser.add_argument("--workers", type=int, default=2, help="query worker processes of the server")
    parser.add_argument("--json", action="store_true", help="print JSON only")
    args = parser.parse_args()

    from ldpub.config import load_project
    from ldpub.query import Terms, named_query, prepare

    project = load_project(args.project)
    values = dict(p.split("=", 1) for p in args.param)
    text = prepare(named_query(project.queries_path, args.query), values, Terms(project.base_iri, {}))
    proc, url = start_server(args.project, args.source, args.workers)
    try:
        report = {
            "machine": {"python": platform.python_version(), "cpus": os.cpu_count(), "platform": platform.platform()},
            "settings": {"concurrency": args.concurrency, "max_requests": args.requests, "max_seconds": args.seconds,
                         "workers": args.workers},
            "sparql": {"query": args.query, "params": values, **asyncio.run(load(
                url + "sparql", "POST", {"data": {"query": text}}, {"Accept": "application/sparql-results+json"},
                args.concurrency, args.requests, args.seconds))},
        }
        if args.entity:
            from ldpub.iris import doc_path

            page = url.rstrip("/") + doc_path(project.base_iri) + f"{args.entity}.html"
            report["entity_page"] = {"slug": args.entity, **asyncio.run(load(
                page, "GET", {}, {"Accept": "text/html"}, args.concurrency, args.requests, args.seconds))}
    finally:
        proc.terminate()
        proc.wait(10)
    if args.json:
        print(json.dumps(report, indent=2))
        return
    print(f"ldpub serve load test: {args.concurrency} concurrent clients, <= {args.requests} requests, <= {args.seconds:g} s, "
          f"{args.workers} query workers, Python {report['machine']['python']}, {report['machine']['cpus']} CPUs")
    print(f"{'target':<28} {'req/s':>8} {'p50 ms':>8} {'p90 ms':>8} {'p99 ms':>8} {'max ms':>8} {'errors':>7}")
    for key, label in (("sparql", f"/sparql {args.query}"), ("entity_page", f"entity page {args.entity}")):
        if key in report:
            r = report[key]
            lat = r["latency_ms"]
            print(f"{label:<28} {r['requests_per_s']:>8} {lat['p50']:>8} {lat['p90']:>8} {lat['p99']:>8} {lat['max']:>8} {r['errors']:>7}")


if __name__ == "__main__":
    main()
