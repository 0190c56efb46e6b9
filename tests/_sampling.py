"""How many examples the slowest property-based comparisons draw: all of them in CI, a sample
in a developer's ``make test``.

``LDPUB_FULL_TESTS=1`` (``.ci/run`` sets it): every comparison draws its full number of examples,
derandomized (hypothesis's "ci" profile: the same examples every run, no example database).
Without it, the comparisons that cost the most CPU draw ``sample`` examples (README, "Development").
"""

from __future__ import annotations

import os

from hypothesis import settings

FULL_TESTS = os.environ.get("LDPUB_FULL_TESTS", "") not in ("", "0")
if FULL_TESTS:
    settings.load_profile("ci")


def examples(full: int, sample: int) -> int:
    """The example count of a slow property-based comparison: ``full`` in CI, ``sample`` otherwise."""
    return full if FULL_TESTS else sample
