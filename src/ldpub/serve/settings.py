"""Server settings: the ``[serve]`` table of ``ldpub.toml``, with sane defaults.

Example::

    [serve]
    host = "127.0.0.1"
    port = 8080
    query_timeout = 10.0        # seconds a SPARQL query may run before it is cut off (HTTP 503)
    max_results = 10000         # rows (SELECT) or triples (CONSTRUCT/DESCRIBE) per answer (HTTP 422)
    max_request_bytes = 1048576 # larger request bodies are refused (HTTP 413)
    max_header_bytes = 65536    # larger request lines + headers are refused (HTTP 431)
    workers = 2                 # query worker processes (each can be killed on time-out)
    access_log = "-"            # JSON-lines access log: "-" for stderr, or a file path
    public_url = "https://data.example.org"  # where clients reach the server (VoID, service
                                # description); default: the address it listens on. The Host
                                # header of a request is never used for it.
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
    max_header_bytes: int = 65_536
    workers: int = 2
    access_log: str = "-"
    public_url: str = ""


_CHECKS: dict[str, tuple[type | tuple[type, ...], str]] = {
    "host": (str, "a host name or address"),
    "port": (int, "a port number 0-65535 (0 picks a free one)"),
    "query_timeout": ((int, float), "seconds, more than 0"),
    "max_results": (int, "a whole number, at least 1"),
    "max_request_bytes": (int, "bytes, at least 1024"),
    "max_header_bytes": (int, "bytes, at least 4096"),
    "workers": (int, "a whole number 1-64"),
    "access_log": (str, '"-" or a file path'),
    "public_url": (str, "an http(s) URL without credentials, query or fragment (e.g. https://data.example.org)"),
}

_LIMITS = {
    "port": lambda v: 0 <= v <= 65535,
    "query_timeout": lambda v: v > 0,
    "max_results": lambda v: v >= 1,
    "max_request_bytes": lambda v: v >= 1024,
    "max_header_bytes": lambda v: v >= 4096,
    "workers": lambda v: 1 <= v <= 64,
    "public_url": lambda v: v == "" or _is_public_url(v),
}


def _is_public_url(value: str) -> bool:
    from urllib.parse import urlsplit

    try:
        parts = urlsplit(value)
        parts.port  # noqa: B018 - raises on a bad port
    except ValueError:
        return False
    return (parts.scheme in ("http", "https") and bool(parts.hostname) and not parts.username
            and not parts.password and not parts.query and not parts.fragment and value.isprintable()
            and " " not in value)


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
            from ..redact import redact_url

            shown = repr(redact_url(value)) if isinstance(value, str) else repr(value)
            problems.append(ConfigError.at(f"[serve] {key} = {shown} is not {meaning}", config))
    if problems:
        raise ConfigError([p for e in problems for p in e.problems])
    settings = replace(ServeSettings(), **{k: v for k, v in table.items() if k in known})
    return replace(settings, query_timeout=float(settings.query_timeout))
