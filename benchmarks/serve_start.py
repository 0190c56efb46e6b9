"""Start-up benchmark for ``ldpub serve``: how long until it answers, and how fast it answers then.

Starts ``ldpub serve`` on 127.0.0.1 (a free port) for the project (after ``ldpub build``, the
server opens the build's query store; see docs/performance.md), and reports the wall time until
its first answer (``/healthz``), the CPU time the server and its workers spent to get there, its
note on standard error, and the median latency of an entity page, a SPARQL SELECT, a SPARQL
CONSTRUCT and each named query page (``--runs`` requests each, one at a time). Not a test.

    python benchmarks/serve_start.py PROJECT --entity SLUG [--json]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "benchmarks"))

sys.path.insert(0, str(ROOT / "src"))

from serve_load import free_port  # noqa: E402

from ldpub.iris import doc_path  # noqa: E402

SELECT = "SELECT ?s ?p ?o WHERE { ?s ?p ?o } LIMIT 100"
CONSTRUCT = "CONSTRUCT { ?s ?p ?o } WHERE { ?s a ?class ; ?p ?o } LIMIT 100"


def _cpu_seconds(pid: int) -> float:
    """User + system CPU time of a process and its children, living or reaped."""
    total = 0.0
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    total += sum(int(f) for f in fields[11:15]) / os.sysconf("SC_CLK_TCK")
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                child = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(child[1]) == pid:
                total += sum(int(f) for f in child[11:13]) / os.sysconf("SC_CLK_TCK")
    return total


def _get(url: str, accept: str = "*/*") -> float:
    started = time.perf_counter()
    request = urllib.request.Request(url, headers={"Accept": accept})
    with urllib.request.urlopen(request, timeout=120) as response:
        response.read()
    return (time.perf_counter() - started) * 1000


def _median(url: str, runs: int, accept: str = "*/*") -> float:
    _get(url, accept)  # warm
    return statistics.median(_get(url, accept) for _ in range(runs))


def _base_iri(project: Path) -> str:
    import tomllib

    return tomllib.loads((project / "ldpub.toml").read_text(encoding="utf-8"))["project"]["base_iri"]


def measure(project: Path, entity: str, runs: int) -> dict:
    port = free_port()
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(filter(None, [str(ROOT / "src"), os.environ.get("PYTHONPATH")])))
    log = project.parent / "serve-start.log"
    started = time.perf_counter()
    proc = subprocess.Popen([sys.executable, "-m", "ldpub", "--project", str(project), "serve", "--port", str(port)],
                            stdout=subprocess.DEVNULL, stderr=log.open("w"), env=env)
    url = f"http://127.0.0.1:{port}/"
    try:
        while True:
            if proc.poll() is not None:
                raise SystemExit(f"ldpub serve exited with {proc.returncode}: {log.read_text()[-2000:]}")
            try:
                urllib.request.urlopen(url + "healthz", timeout=2).read()
                break
            except OSError:
                time.sleep(0.05)
        result = {"start_s": round(time.perf_counter() - started, 2), "start_cpu_s": round(_cpu_seconds(proc.pid), 2),
                  "note": [line for line in log.read_text().splitlines() if line.startswith("note")]}
        page = url.rstrip("/") + doc_path(_base_iri(project)) + entity + ".html"
        result["entity_page_ms"] = round(_median(page, runs), 1)
        sparql = url + "sparql?query="
        result["sparql_select_ms"] = round(_median(sparql + urllib.parse.quote(SELECT), runs, "text/csv"), 1)
        result["sparql_construct_ms"] = round(_median(sparql + urllib.parse.quote(CONSTRUCT), runs, "application/n-triples"), 1)
        named = {}
        for path in sorted((project / "queries").glob("*.rq")):
            try:
                named[path.stem] = round(_median(f"{url}query?name={path.stem}", runs), 1)
            except OSError as exc:
                named[path.stem] = str(exc)
        result["named_query_pages_ms"] = named
        return result
    finally:
        proc.terminate()
        proc.wait(30)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("project", type=Path)
    parser.add_argument("--entity", required=True, help="slug of an entity (its page is timed)")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args(argv)
    result = measure(args.project.resolve(), args.entity, args.runs)
    print(json.dumps(result, indent=None if args.json else 2))


if __name__ == "__main__":
    main()
