"""The one place that hides secrets in what ldpub shows or logs.

Every URL, header and piece of a server's answer that can reach an error message, a progress
line or a log goes through one of these functions:

* :func:`redact_url` - a URL with its userinfo password (or a bare userinfo, often a token)
  and the values of secret-looking query and fragment parameters (``token``, ``access_token``,
  ``api_key``, ``password``, ``sig``...) replaced by ``***``;
* :func:`redact_headers` - ``Authorization``, ``Proxy-Authorization``, ``Cookie``, ``Set-Cookie``
  and any header whose name says token, key, secret or password;
* :func:`redact_text` - foreign free text (an exception's message, a server's answer): the URLs
  in it, ``Bearer``/``Basic``/``Digest`` credentials and ``name=value`` / ``"name": "value"``
  pairs with a secret-looking name;
* :func:`excerpt` - one short line of a server's answer for a message: control characters
  (terminal escapes) removed, whitespace collapsed, redacted, cut.

Example::

    >>> redact_url("http://alice:S3CRET@host/sparql?token=abc&query=x")
    'http://alice:***@host/sparql?token=***&query=x'
    >>> redact_text("denied: Authorization: Bearer eyJhbGciOi (see https://h/x?access_token=q)")
    'denied: Authorization: Bearer *** (see https://h/x?access_token=***)'
"""

from __future__ import annotations

import re
from typing import Iterable, Mapping

__all__ = ["MASK", "redact_url", "redact_headers", "redact_text", "redact_query_string", "excerpt", "is_secret_name"]

MASK = "***"

#: parts of a parameter or header name that mark its value as a secret
_SECRET_PARTS = frozenset((
    "token", "password", "passwd", "pwd", "pass", "secret", "key", "apikey", "sig", "signature", "auth",
    "authorization", "credential", "credentials", "session", "sessionid", "jwt", "cookie", "otp",
))
_SECRET_INFIXES = ("token", "password", "passwd", "secret", "apikey", "credential", "signature")
_SECRET_HEADERS = frozenset(("authorization", "proxy-authorization", "cookie", "set-cookie"))

_USERINFO = re.compile(r"(?P<scheme>[A-Za-z][A-Za-z0-9+.-]*://)(?P<userinfo>[^/?#@\s]*)@")
_URL_IN_TEXT = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*://[^\s\"'<>]+")
_SCHEME_CREDENTIALS = re.compile(r"(?i)\b(Bearer|Basic|Digest|Token|Negotiate)\s+[^\s\"',;]+(?:\s*=\s*[^\s\"',;]+)?")
_NAMED_VALUE = re.compile(
    r"(?P<name>[A-Za-z_][\w.-]*)(?P<sep>[\"']?\s*[=:]\s*)(?P<value>\"[^\"]*\"|'[^']*'|[^\s&\"',;<>)}\]]+)")
_ESCAPE_SEQUENCE = re.compile(r"\x1b(?:\[[0-?]*[ -/]*[@-~]|\][^\x07\x1b]*(?:\x07|\x1b\\)?|[@-Z\\-_])")
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u200b-\u200f\u2028-\u202e\u2066-\u2069]")


def is_secret_name(name: str) -> bool:
    """Whether a parameter or header called ``name`` carries a secret (``access_token``,
    ``X-Api-Key``, ``password``, ``sig``...)."""
    lowered = name.lower()
    if lowered in _SECRET_HEADERS:
        return True
    parts = re.split(r"[^a-z0-9]+", lowered)
    return any(part in _SECRET_PARTS for part in parts) or any(infix in lowered for infix in _SECRET_INFIXES)


def redact_query_string(query: str) -> str:
    """A query string (``a=1&token=x``) with the values of secret-looking parameters masked."""
    pairs = re.split(r"([&;])", query)
    for index in range(0, len(pairs), 2):
        name, sep, value = pairs[index].partition("=")
        if sep and value and is_secret_name(_unquote(name)):
            pairs[index] = f"{name}={MASK}"
    return "".join(pairs)


def redact_url(url: str) -> str:
    """``url`` with its userinfo password (or a userinfo without one: often a token) and the
    values of secret-looking query or fragment parameters replaced by ``***``."""
    url = _USERINFO.sub(_mask_userinfo, str(url), count=1)
    head, hash_, fragment = url.partition("#")
    base, question, query = head.partition("?")
    if question:
        head = base + "?" + redact_query_string(query)
    if hash_ and "=" in fragment:
        fragment = redact_query_string(fragment)
    return head + hash_ + fragment


def _mask_userinfo(match: re.Match) -> str:
    user, colon, _ = match.group("userinfo").partition(":")
    shown = f"{user}:{MASK}" if colon else MASK
    return f"{match.group('scheme')}{shown}@"


def _redact_url_match(match: re.Match) -> str:
    url = match.group()
    trailing = len(url) - len(url.rstrip(".,;:!?)]}"))
    return redact_url(url[: len(url) - trailing]) + url[len(url) - trailing:]


def redact_headers(headers: Mapping[str, str] | Iterable[tuple[str, str]]) -> dict[str, str]:
    """Headers with the values of credential headers masked (names kept as given)."""
    items = headers.items() if isinstance(headers, Mapping) else headers
    return {name: (MASK if is_secret_name(name) else value) for name, value in items}


def redact_text(text: str) -> str:
    """Foreign free text with the secrets it may carry masked: URLs (see :func:`redact_url`),
    ``Bearer``/``Basic``/``Digest`` credentials, and secret-looking ``name=value`` pairs."""
    text = _URL_IN_TEXT.sub(_redact_url_match, str(text))
    text = _SCHEME_CREDENTIALS.sub(lambda m: f"{m.group(1)} {MASK}", text)

    def pair(match: re.Match) -> str:
        if not is_secret_name(match.group("name")) or MASK in match.group("value") \
                or _SCHEME_CREDENTIALS.match(match.group("value") + " x"):
            return match.group()
        value = match.group("value")
        quote = value[0] if value[:1] in "\"'" else ""
        return f"{match.group('name')}{match.group('sep')}{quote}{MASK}{quote}"

    return _NAMED_VALUE.sub(pair, text)


def excerpt(text: str, limit: int = 200) -> str:
    """One line of a foreign text for a message: no control characters, whitespace collapsed,
    secrets masked, at most ``limit`` characters (an ellipsis says it was cut)."""
    line = " ".join(_CONTROL.sub(" ", _ESCAPE_SEQUENCE.sub("", str(text))).split())
    line = redact_text(line)
    return line if len(line) <= limit else line[: limit - 1].rstrip() + "…"


def _unquote(name: str) -> str:
    from urllib.parse import unquote_plus

    return unquote_plus(name)
