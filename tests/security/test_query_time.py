"""A named query of a cloned project cannot keep ``ldpub query`` busy for ever.

Before the fix an embedded query had no time limit (``--timeout`` was for endpoints only): a
four-way cross join in ``queries/`` ran for hours. The CLI runs in a subprocess here: the
query keeps computing in a background thread after the limit, and the process must end anyway.
"""

from __future__ import annotations

import subprocess
import sys

from _servers import _env

CROSS_JOIN = "# title: Everything with everything\nSELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l }\n"


def test_a_runaway_named_query_is_stopped_at_the_time_limit(project_copy):
    (project_copy / "queries" / "everything.rq").write_text(CROSS_JOIN, encoding="utf-8")
    done = subprocess.run([sys.executable, "-m", "ldpub", "--project", str(project_copy), "query", "everything",
                           "--timeout", "1"], capture_output=True, text=True, env=_env(), timeout=120)
    assert done.returncode == 2
    assert "the query did not finish within the time limit of 1 s" in done.stderr
    assert "--timeout" in done.stderr


def test_the_python_api_bounds_embedded_queries_too(project_copy):
    import pytest

    from ldpub import query
    from ldpub.errors import QueryError

    target = query.connect(project_copy, timeout=0.2)
    with pytest.raises(QueryError, match="did not finish within the time limit of 0.2 s"):
        # about 3 s of work (7 million rows): the thread it goes on in ends soon after the test
        target.execute("SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f }")
