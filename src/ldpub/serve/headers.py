"""Security headers on every response of ``ldpub serve``: a Content-Security-Policy that runs
no script (the pages have none) and allows the pages' one inline style by its hash, and
``X-Content-Type-Options: nosniff`` so no download is sniffed into HTML.

The style is ``templates/style.css``, included by ``base.html`` as ``<style>{% include %}</style>``;
jinja drops the file's trailing newline, so the hash is taken of the text without it.
"""

from __future__ import annotations

from functools import lru_cache

from ..htmlsafety import content_security_policy

__all__ = ["SecurityHeaders", "page_style", "serve_policy"]


@lru_cache(maxsize=1)
def page_style() -> str:
    """The text of the pages' ``<style>`` element, as the templates render it."""
    from importlib.resources import files

    text = (files("ldpub.serve") / "templates" / "style.css").read_text(encoding="utf-8")
    return text[:-1] if text.endswith("\n") else text


@lru_cache(maxsize=1)
def serve_policy() -> str:
    """The Content-Security-Policy header of every response."""
    return content_security_policy([page_style()])


class SecurityHeaders:
    """ASGI middleware: adds the headers to every HTTP response (pages, errors, data, SVG)."""

    def __init__(self, app) -> None:
        self.app = app
        self.headers = [(b"content-security-policy", serve_policy().encode("ascii")),
                        (b"x-content-type-options", b"nosniff")]

    async def __call__(self, scope, receive, send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message) -> None:
            if message["type"] == "http.response.start":
                names = {name.lower() for name, _ in message.get("headers", [])}
                message = {**message, "headers": [*message.get("headers", []),
                                                  *(h for h in self.headers if h[0] not in names)]}
            await send(message)

        await self.app(scope, receive, send_with_headers)
