"""Structured access logs: one JSON object per request, one per line (JSON Lines).

Fields: ``time`` (UTC, ISO 8601), ``client``, ``method``, ``path``, ``query`` (the raw query
string with the values of secret-looking parameters such as ``token`` or ``access_token``
masked by :func:`ldpub.redact.redact_query_string`, cut to 300 characters), ``status``,
``bytes``, ``ms`` (wall time), ``user_agent`` (cut to 200 characters). Request bodies and
headers other than the user agent (``Authorization``, ``Cookie``...) are never logged.
"""

from __future__ import annotations

import json
import sys
import threading
import time
from datetime import datetime, timezone
from typing import IO

from ..redact import redact_query_string, redact_text

__all__ = ["AccessLog", "open_log"]


def open_log(target: str) -> IO[str]:
    """``-`` is stderr; anything else a file opened for appending (line buffered)."""
    if target == "-":
        return sys.stderr
    return open(target, "a", encoding="utf-8", buffering=1)


class AccessLog:
    """ASGI middleware writing one JSON line per HTTP request to ``stream``."""

    def __init__(self, app, stream: IO[str]) -> None:
        self.app = app
        self.stream = stream
        self._lock = threading.Lock()

    async def __call__(self, scope, receive, send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        seen = {"status": 500, "bytes": 0}

        async def logged_send(message) -> None:
            if message["type"] == "http.response.start":
                seen["status"] = message["status"]
            elif message["type"] == "http.response.body":
                seen["bytes"] += len(message.get("body", b""))
            await send(message)

        try:
            await self.app(scope, receive, logged_send)
        finally:
            headers = dict(scope.get("headers") or [])
            client = scope.get("client") or ("", 0)
            entry = {
                "time": datetime.now(timezone.utc).isoformat(timespec="milliseconds").replace("+00:00", "Z"),
                "client": client[0],
                "method": scope.get("method"),
                "path": redact_text(str(scope.get("path", "")))[:2000],
                "query": redact_query_string(scope.get("query_string", b"").decode("latin-1"))[:300],
                "status": seen["status"],
                "bytes": seen["bytes"],
                "ms": round((time.perf_counter() - started) * 1000, 2),
                "user_agent": headers.get(b"user-agent", b"").decode("latin-1")[:200],
            }
            with self._lock:
                self.stream.write(json.dumps(entry, ensure_ascii=False) + "\n")
                self.stream.flush()
