"""HTTP credentials: from the environment only, never from a URL or the command line.

A password in a URL given on the command line is kept by the shell's history, shown by ``ps``
to every user of the machine, and copied into error messages. So ``ldpub push`` and ``ldpub
query --endpoint`` refuse URLs with credentials and read them from environment variables named
after the command (``LDPUB_PUSH_*``, ``LDPUB_QUERY_*``)::

    PREFIX_TOKEN                  sent as "Authorization: Bearer <token>"
    PREFIX_USER, PREFIX_PASSWORD  HTTP Basic (or Digest when asked, e.g. for Virtuoso)

Example::

    auth = auth_from_env("LDPUB_QUERY")            # None when nothing is set
    check_url("http://alice:pw@host/sparql", "the endpoint", "LDPUB_QUERY", QueryError)  # raises
"""

from __future__ import annotations

import os
from typing import Mapping
from urllib.parse import urlsplit

from .errors import LdpubError

__all__ = ["auth_from_env", "check_url", "env_names"]


def env_names(prefix: str) -> tuple[str, str, str]:
    """The token, user and password variables for ``prefix`` (e.g. ``LDPUB_PUSH``)."""
    return f"{prefix}_TOKEN", f"{prefix}_USER", f"{prefix}_PASSWORD"


def auth_from_env(prefix: str, scheme: str = "basic", env: Mapping[str, str] | None = None,
                  error: type[LdpubError] = LdpubError):
    """An httpx auth object from the environment, or None when no credentials are set."""
    import httpx

    env = os.environ if env is None else env
    token_name, user_name, password_name = env_names(prefix)
    token = env.get(token_name)
    if token:
        def bearer(request):  # httpx calls it per request; the token stays out of any repr
            request.headers["Authorization"] = f"Bearer {token}"
            return request

        return bearer
    user, password = env.get(user_name), env.get(password_name)
    if user and password is not None:
        return httpx.DigestAuth(user, password) if scheme == "digest" else httpx.BasicAuth(user, password)
    if user:
        raise error(f"{user_name} is set but {password_name} is not")
    return None


def check_url(url: str, what: str, prefix: str, error: type[LdpubError] = LdpubError) -> None:
    """Raise ``error`` when ``url`` is not an http(s) URL or carries credentials (the message
    shows the URL with its secrets masked)."""
    from .redact import redact_url

    try:
        parts = urlsplit(url)
        port_ok = parts.port is None or parts.port > 0
    except ValueError:
        parts, port_ok = None, False
    if parts is None or parts.scheme not in ("http", "https") or not parts.hostname or not port_ok:
        raise error(f"{what} '{redact_url(url)}' is not an http(s) URL")
    if parts.username or parts.password:
        token_name, user_name, password_name = env_names(prefix)
        raise error(f"{what} '{redact_url(url)}' contains credentials; put them in {user_name}/{password_name} "
                    f"or {token_name} instead (a password in a command line is kept by the shell and shown by ps)")
