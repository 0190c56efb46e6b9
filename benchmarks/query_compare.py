"""Compare two versions of the named queries: same answers (every row, every column) and speed.

Runs each named query of ``--old`` (a folder, or a git revision whose ``queries/`` is read with
``git show``) and of ``--new`` (default: ``queries/``) on the embedded pyoxigraph Store of one
or more projects (data + ontology, as ``ldpub query`` builds it), checks that the answers are
identical (rows as strings, in order), and prints the median time of each. The Store of a
large project is cached as N-Triples under ``--cache`` so reruns load in seconds. Not a test.

    python benchmarks/query_compare.py --old tests/query_reference .  /tmp/hQ10k /tmp/hQ100k
    python benchmarks/query_compare.py --old /tmp/old-queries --only events,meetings /tmp/hQ100k
"""

from __future__ import annotations

import argparse
import hashlib
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

# parameter values per project kind (the synthetic data's slugs differ from the article's)
SYNTHETIC_PARAMS = {"group": "group-0000001", "entity": "group-0000001", "from": "2010-01-01", "to": "2012-12-31"}
ARTICLE_PARAMS = {"entity": "taliban", "from": "2019-01-01", "to": "2019-12-31"}


def load_texts(source: str, names: list[str] | None) -> dict:
    """name -> NamedQuery from a folder or a git revision of this repository."""
    import tempfile

    from ldpub.query import load_named_queries

    folder = Path(source)
    if not folder.is_dir():  # a git revision: its queries/ written to a temporary folder
        folder = Path(tempfile.mkdtemp(prefix="queries-"))
        listing = subprocess.run(["git", "-C", str(ROOT), "ls-tree", "--name-only", f"{source}:queries"],
                                 check=True, capture_output=True, text=True).stdout.split()
        for file in listing:
            text = subprocess.run(["git", "-C", str(ROOT), "show", f"{source}:queries/{file}"],
                                  check=True, capture_output=True, text=True).stdout
            (folder / file).write_text(text, encoding="utf-8")
    queries = load_named_queries(folder)
    return {k: v for k, v in sorted(queries.items()) if not names or k in names}


def project_store(project_dir: Path, cache: Path):
    """The project's Store (data + ontology) and Terms; the N-Triples cached by content of data/."""
    import pyoxigraph as ox

    from ldpub.config import load_project
    from ldpub.query import Terms

    project = load_project(project_dir)
    digest = hashlib.sha256()
    for path in sorted(project.data_path.rglob("*.yaml")) + sorted(project.ontology_path.rglob("*.ttl")):
        digest.update(path.name.encode() + path.read_bytes())
    key = digest.hexdigest()[:16]
    nt, slugs_file = cache / f"{key}.nt", cache / f"{key}.slugs"
    if not nt.exists():
        from ldpub.pipeline import compile_project

        build = compile_project(project, validate=False)
        cache.mkdir(parents=True, exist_ok=True)
        nt.write_text("".join(f"{t} .\n" for t in [*build.triples, *build.ontology_triples]), encoding="utf-8")
        slugs_file.write_text("\n".join(build.slugs), encoding="utf-8")
    store = ox.Store()
    store.bulk_load(path=str(nt), format=ox.RdfFormat.N_TRIPLES)
    slugs = {s: project.base_iri + s for s in slugs_file.read_text(encoding="utf-8").split("\n")}
    synthetic = "group-0000001" in slugs
    return store, Terms(project.base_iri, {}, slugs), (SYNTHETIC_PARAMS if synthetic else ARTICLE_PARAMS)


def answer(store, text: str) -> list[tuple]:
    """All rows of a SELECT, every column as a string ('' when unbound), in the answer's order."""
    solutions = store.query(text)
    variables = solutions.variables
    return [tuple("" if s[v] is None else str(s[v]) for v in variables) for s in solutions], [v.value for v in variables]


def median_ms(store, text: str, runs: int, budget_s: float = 4.0) -> float:
    times = []
    while len(times) < runs and (len(times) < 3 or sum(times) < budget_s * 1000):
        t0 = time.perf_counter()
        sum(1 for _ in store.query(text))
        times.append((time.perf_counter() - t0) * 1000)
    return statistics.median(times)


def _variants(query, params: dict) -> list[dict]:
    """Parameter sets to try: all known ones; with optional parameters also each alone and none."""
    given = {p.name: params[p.name] for p in query.params if p.name in params}
    optional = [p.name for p in query.params if p.optional and p.name in given]
    if not optional:
        return [given]
    fixed = {k: v for k, v in given.items() if k not in optional}
    return [given] + [{**fixed, one: given[one]} for one in optional] + [fixed]


def _show_difference(label: str, vars_old, rows_old, vars_new, rows_new) -> None:
    diff = next((i for i, (a, b) in enumerate(zip(rows_old, rows_new)) if a != b), min(len(rows_old), len(rows_new)))
    print(f"  {label}: DIFFERENT answers: {len(rows_old)} vs {len(rows_new)} rows; first difference at row {diff}")
    if vars_old != vars_new:
        print(f"    columns {vars_old} vs {vars_new}")
    elif diff < min(len(rows_old), len(rows_new)):
        for v, a, b in zip(vars_old, rows_old[diff], rows_new[diff]):
            if a != b:
                print(f"    {v}: {a!r} vs {b!r}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("projects", nargs="+", type=Path, help="project folders (the repository: .)")
    parser.add_argument("--old", required=True, help="folder or git revision holding the reference queries/")
    parser.add_argument("--new", default=str(ROOT / "queries"), help="folder of the queries under test")
    parser.add_argument("--only", help="query names, comma-separated")
    parser.add_argument("--runs", type=int, default=9)
    parser.add_argument("--no-time", action="store_true", help="only compare answers")
    parser.add_argument("--cache", type=Path, default=Path("/tmp/ldpub-query-compare"))
    args = parser.parse_args()

    from ldpub.query import prepare

    names = args.only.split(",") if args.only else None
    old, new = load_texts(args.old, names), load_texts(args.new, names)
    failed = False
    for project_dir in args.projects:
        store, terms, params = project_store(project_dir, args.cache)
        print(f"== {project_dir} ({len(store):,} triples)")
        for name in sorted(set(old) & set(new)):
            for values in _variants(new[name], params):
                label = name + "".join(f" {k}={v}" for k, v in values.items())
                texts = [prepare(q[name], values, terms) for q in (old, new)]
                (rows_old, vars_old), (rows_new, vars_new) = answer(store, texts[0]), answer(store, texts[1])
                same = vars_old == vars_new and rows_old == rows_new
                if not same:
                    failed = True
                    _show_difference(label, vars_old, rows_old, vars_new, rows_new)
                if args.no_time:
                    print(f"  {label:<11} {len(rows_new):>7} rows  {'same' if same else 'DIFFERENT'}", flush=True)
                    continue
                ms = [median_ms(store, t, args.runs) for t in texts]
                print(f"  {label:<11} {len(rows_new):>7} rows  old {ms[0]:>9.1f} ms  new {ms[1]:>9.1f} ms  "
                      f"{'same' if same else 'DIFFERENT'}", flush=True)
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
