"""A stand-in for an internal service: a real HTTP listener on 127.0.0.1 that records every
connection and answers any request with a SPARQL result holding a secret.

A test that must not reach it asserts ``canary.connections == []`` (and that the secret is not
in what the attacker got back); a test of an opt-in asserts that it was reached.
"""

from __future__ import annotations

import socket
import threading
import time

SECRET = "internal-secret-7f3a"
ANSWER = ('{"head":{"vars":["s","p","o"]},"results":{"bindings":[{"s":{"type":"literal","value":"%s"},'
          '"p":{"type":"literal","value":"p"},"o":{"type":"literal","value":"o"}}]}}' % SECRET).encode()


class Canary:
    def __init__(self) -> None:
        self._server = socket.create_server(("127.0.0.1", 0))
        self.port = self._server.getsockname()[1]
        self.requests: list[bytes] = []
        self._lock = threading.Lock()
        threading.Thread(target=self._serve, daemon=True).start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/internal/sparql"

    @property
    def root(self) -> str:
        return f"http://127.0.0.1:{self.port}/"

    def _serve(self) -> None:
        while True:
            try:
                conn, _ = self._server.accept()
            except OSError:
                return
            with conn:
                conn.settimeout(2)
                try:
                    head = conn.recv(65536)
                except OSError:
                    head = b""
                with self._lock:
                    self.requests.append(head)
                try:
                    conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: application/sparql-results+json\r\n"
                                 b"Content-Length: %d\r\nConnection: close\r\n\r\n" % len(ANSWER) + ANSWER)
                except OSError:
                    pass

    def connections(self, settle: float = 0.3) -> list[bytes]:
        """The requests received so far (after letting in-flight connections arrive)."""
        time.sleep(settle)
        with self._lock:
            return list(self.requests)

    def reset(self) -> None:
        with self._lock:
            self.requests.clear()

    def close(self) -> None:
        self._server.close()
