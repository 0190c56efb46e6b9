"""Wall time of `ldpub validate` on a project, start-up included (the CI use case).

Runs the real command in a fresh process N times and prints the median, min and max, so the
target "under 3 seconds on the article data, without the reasoner" is measured, not assumed.

    python benchmarks/validate_wall_time.py                 # this repository, 5 runs
    python benchmarks/validate_wall_time.py --project DIR --runs 9 --reason
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def measure(project: Path, runs: int, extra: list[str]) -> list[float]:
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src") + os.pathsep + os.environ.get("PYTHONPATH", "")}
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        done = subprocess.run([sys.executable, "-m", "ldpub", "--project", str(project), "validate", *extra],
                              capture_output=True, text=True, env=env)
        times.append(time.perf_counter() - start)
        if done.returncode not in (0, 1):
            sys.exit(f"ldpub validate failed ({done.returncode}):\n{done.stderr}")
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--project", type=Path, default=ROOT)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--reason", action="store_true", help="include the OWL reasoner")
    parser.add_argument("--target", type=float, default=3.0, help="seconds the median must stay under")
    args = parser.parse_args()
    times = measure(args.project, args.runs, ["--reason"] if args.reason else [])
    median = statistics.median(times)
    print(f"ldpub validate{' --reason' if args.reason else ''} on {args.project}: median {median:.2f} s, "
          f"min {min(times):.2f} s, max {max(times):.2f} s over {args.runs} runs (target < {args.target} s)")
    sys.exit(0 if median < args.target else 1)


if __name__ == "__main__":
    main()
