"""Bounds on what a request may be before the application reads it.

uvicorn's httptools protocol accepts a request line and headers of any size: a 6 MB ``Accept``
header was read whole and then negotiated on the event loop, stalling every other request for
5-20 s. Two walls, with one limit (``[serve] max_header_bytes``, default 64 KiB):

* :func:`bounded_protocol` - the HTTP protocol class given to uvicorn: it counts the bytes of
  each request's head (request line and headers) as they arrive and answers
  ``431 Request Header Fields Too Large`` once the limit is passed, before the parser has
  buffered the rest; what the client still sends is discarded for at most
  :data:`LINGER_SECONDS` (a "lingering close", as nginx does, so that the client reads the
  answer instead of a connection reset), then the connection is closed;
* :class:`HeaderLimit` - ASGI middleware with the same rule, for any other ASGI server (and
  for the request line and headers as the application sees them).

Long SPARQL queries belong in a POST body (bounded by ``max_request_bytes``), as the SPARQL
1.1 Protocol recommends.
"""

from __future__ import annotations

__all__ = ["bounded_protocol", "HeaderLimit", "TOO_LARGE_MESSAGE", "LINGER_SECONDS"]

LINGER_SECONDS = 2.0

TOO_LARGE_MESSAGE = ("request line and headers larger than {limit} bytes ([serve] max_header_bytes); "
                     "send long SPARQL queries with POST")


def bounded_protocol(max_head_bytes: int) -> type:
    """uvicorn's httptools protocol, refusing a request head over ``max_head_bytes`` with 431."""
    from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol

    class BoundedHttpToolsProtocol(HttpToolsProtocol):
        def connection_made(self, transport) -> None:  # type: ignore[override]
            super().connection_made(transport)
            self._head_open, self._head_bytes, self._tail, self._refused = True, 0, b"", False

        def data_received(self, data: bytes) -> None:
            if self._refused:
                return  # lingering: discard until the client stops or the time is up
            if self._head_open:
                window = self._tail + data
                ends = [i for i in (window.find(b"\r\n\r\n"), window.find(b"\n\n")) if i >= 0]
                if ends:
                    end = min(ends) + (4 if window.startswith(b"\r\n\r\n", min(ends)) else 2)
                    self._head_bytes += end - len(self._tail)
                    self._head_open, self._tail = False, b""
                else:
                    self._head_bytes += len(data)
                    self._tail = window[-3:]
                if self._head_bytes > max_head_bytes:
                    self._refuse()
                    return
            super().data_received(data)

        def on_message_complete(self) -> None:
            super().on_message_complete()
            self._head_open, self._head_bytes, self._tail = True, 0, b""

        def _refuse(self) -> None:
            message = TOO_LARGE_MESSAGE.format(limit=max_head_bytes).encode("ascii") + b"\n"
            self.transport.write(
                b"HTTP/1.1 431 Request Header Fields Too Large\r\n"
                b"content-type: text/plain; charset=utf-8\r\n"
                b"content-length: " + str(len(message)).encode("ascii") + b"\r\n"
                b"connection: close\r\n\r\n" + message)
            self._refused = True
            self.loop.call_later(LINGER_SECONDS, self.transport.close)

    return BoundedHttpToolsProtocol


class HeaderLimit:
    """ASGI middleware: 431 for a request whose line and headers exceed ``max_bytes``."""

    def __init__(self, app, max_bytes: int) -> None:
        self.app = app
        self.max_bytes = max_bytes

    async def __call__(self, scope, receive, send) -> None:
        if scope["type"] == "http":
            size = len(scope.get("raw_path") or b"") + len(scope.get("query_string") or b"")
            size += sum(len(name) + len(value) + 4 for name, value in scope.get("headers") or [])
            if size > self.max_bytes:
                body = TOO_LARGE_MESSAGE.format(limit=self.max_bytes).encode("ascii") + b"\n"
                await send({"type": "http.response.start", "status": 431,
                            "headers": [(b"content-type", b"text/plain; charset=utf-8"),
                                        (b"content-length", str(len(body)).encode("ascii"))]})
                await send({"type": "http.response.body", "body": body})
                return
        await self.app(scope, receive, send)
