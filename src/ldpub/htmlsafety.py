"""What ldpub's HTML pages may link to, and the Content-Security-Policy they are served with.

Every page of ``ldpub serve`` and of a release (entity pages, query results, home page,
release index, ontology page, network picture) renders IRIs from data it does not trust. The
one link policy: a link is made only to ``http``, ``https`` and ``mailto`` IRIs and to the
dataset's own pages (absolute paths on the same site, or file names beside a release page);
anything else (``javascript:``, ``data:``, ``vbscript:``, ``file:``...) is shown as text.

The pages run no script at all: the policy allows no script source (``default-src 'none'``),
and the one inline ``<style>`` of a page is allowed by its SHA-256 hash.

>>> safe_href("https://example.org/a"), safe_href("javascript:alert(1)"), safe_href("/doc/x.html")
('https://example.org/a', None, '/doc/x.html')
"""

from __future__ import annotations

import base64
import hashlib
import re

__all__ = ["LINK_SCHEMES", "safe_href", "style_hash", "content_security_policy", "style_blocks"]

LINK_SCHEMES = ("http", "https", "mailto")
_SCHEME = re.compile(r"^([A-Za-z][A-Za-z0-9+.-]*):")
_UNSAFE_CHARS = re.compile(r"[\x00-\x20\x7f-\x9f\\]")  # browsers drop or reinterpret these in URLs
_LOCAL = re.compile(r"^(?:/(?![/\\])|[A-Za-z0-9_.-]+(?:[#?]|$))")  # /path on this site, or a file beside this page


def safe_href(target: str | None) -> str | None:
    """``target`` when a page may link to it, else None (then show it as text).

    Allowed: ``http:``, ``https:`` and ``mailto:`` IRIs, absolute paths of this site
    (``/doc/x.html``, not ``//host``) and plain file names (``catalog.ttl``, ``ontology.html#x``)."""
    if not target or _UNSAFE_CHARS.search(target):
        return None
    match = _SCHEME.match(target)
    if match:
        return target if match.group(1).lower() in LINK_SCHEMES else None
    return target if _LOCAL.match(target) and ":" not in target.split("#", 1)[0].split("?", 1)[0] else None


def style_hash(css: str) -> str:
    """The CSP source that allows one inline ``<style>`` element with exactly this text."""
    digest = hashlib.sha256(css.encode("utf-8")).digest()
    return "'sha256-" + base64.b64encode(digest).decode("ascii") + "'"


def style_blocks(html: str) -> list[str]:
    """The text of every ``<style>`` element of a page we rendered (our templates only)."""
    return re.findall(r"<style>(.*?)</style>", html, re.S)


def content_security_policy(styles: list[str] | tuple[str, ...] = (), *, meta: bool = False) -> str:
    """The policy for a page whose inline styles are ``styles``: no script, no plugin, no frame,
    images and forms only from the page's own site. ``meta``: for a ``<meta http-equiv>`` (which
    cannot carry ``frame-ancestors``)."""
    style_src = " ".join(sorted({style_hash(s) for s in styles})) or "'none'"
    parts = ["default-src 'none'", f"style-src {style_src}", "img-src 'self'", "base-uri 'none'",
             "form-action 'self'"]
    if not meta:
        parts.append("frame-ancestors 'none'")
    return "; ".join(parts)
