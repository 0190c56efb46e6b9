"""The dataset committed in dist/ is what the current records, ontology and shapes build."""

from __future__ import annotations

from pathlib import Path

from ldpub.pipeline import DATASET_FILES

ROOT = Path(__file__).resolve().parent.parent


def test_committed_dist_is_up_to_date(built):
    _, out = built
    stale = [name for name in DATASET_FILES
             if not (ROOT / "dist" / name).is_file() or (ROOT / "dist" / name).read_bytes() != (out / name).read_bytes()]
    assert not stale, f"dist/ is out of date ({', '.join(stale)}): run `make dataset` and commit dist/"
