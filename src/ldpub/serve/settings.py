"""Server settings: the ``[serve]`` table of ``ldpub.toml``, with sane defaults.

Example::

    [serve]
    host = "127.0.0.1"
    port = 8080
    query_timeout = 10.0        # seconds a SPARQL query may run before it is cut off (HTTP 503)
    max_results = 10000         # rows (SELECT) or triples (CONSTRUCT/DESCRIBE) per answer (HTTP 422)
    max_request_bytes = 1048576 # larger request bodies are refused (HTTP 413)
    workers = 2                 # query worker processes (each can be killed on time-out)
    access_log = "-"            # JSON-lines access log: "-" for stderr, or a file path
"""

from __future__ import annotations

from dataclasses import dataclass, fields, replace
from typing import Any

from ..config import CONFIG_FILE, Project
from ..errors import ConfigError

__all__ = ["ServeSettings", "serve_settings"]


@dataclass(frozen=True)
class ServeSettings:
    """How ``ldpub serve`` runs; every field can be set in ``[serve]``."""

    host: str = "127.0.0.1"
    port: int = 8080
    query_timeout: float = 10.0
    max_results: int = 10_000
    max_request_bytes: int = 1_048_576
    workers: int = 2
    access_log: str = "-"


_CHECKS: dict[str, tuple[type | tuple[type, ...], str]] = {
    "host": (str, "a host name or address"),
    "port": (int, "a port number 0-65535 (0 picks a free one)"),
    "query_timeout": ((int, float), "seconds, more than 0"),
    "max_results": (int, "a whole number, at least 1"),
    "max_request_bytes": (int, "bytes, at least 1024"),
    "workers": (int, "a whole number 1-64"),
    "access_log": (str, '"-" or a file path'),
}

_LIMITS = {
    "port": lambda v: 0 <= v <= 65535,
    "query_timeout": lambda v: v > 0,
    "max_results": lambda v: v >= 1,
    "max_request_bytes": lambda v: v >= 1024,
    "workers": lambda v: 1 <= v <= 64,
}


def serve_settings(project: Project, **overrides: Any) -> ServeSettings:
    """The settings from the project's ``[serve]`` table, then ``overrides`` (None = keep)."""
    table = dict(project.section("serve"))
    table.update({k: v for k, v in overrides.items() if v is not None})
    known = {f.name for f in fields(ServeSettings)}
    config = project.root / CONFIG_FILE
    problems = []
    for key, value in table.items():
        if key not in known:
            from ..errors import did_you_mean

            problems.append(ConfigError.at(f"[serve] unknown setting '{key}'", config,
                                           hint=did_you_mean(key, known) or "known: " + ", ".join(sorted(known))))
            continue
        kind, meaning = _CHECKS[key]
        ok = isinstance(value, kind) and not isinstance(value, bool)
        if ok and key in _LIMITS:
            ok = _LIMITS[key](value)
        if not ok:
            problems.append(ConfigError.at(f"[serve] {key} = {value!r} is not {meaning}", config))
    if problems:
        raise ConfigError([p for e in problems for p in e.problems])
    settings = replace(ServeSettings(), **{k: v for k, v in table.items() if k in known})
    return replace(settings, query_timeout=float(settings.query_timeout))
