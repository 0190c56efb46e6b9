"""Query execution with a time limit that really stops the work: a pool of worker processes.

Each :class:`QueryWorker` is a ``python -m ldpub.serve.worker`` process holding the store open
read-only. :class:`QueryPool` hands a job to an idle worker and waits at most ``timeout``
seconds; past that it kills the process (SIGKILL: the query stops using CPU at once), answers
with :class:`QueryTimeout`, and starts a fresh worker in the background.

    QueryFailure            a query could not be answered
    ├── QueryTimeout        over the time limit (HTTP 503)
    ├── ServerBusy          no worker became free within the time limit (HTTP 503)
    ├── QuerySyntaxError    not valid SPARQL (HTTP 400)
    ├── QueryNotAllowed     federated (SERVICE), too large or nested too deeply (HTTP 400)
    ├── ResultTooLarge      more rows or triples than max_results (HTTP 422)
    ├── NotAcceptable       no format the client accepts for this query form (HTTP 406)
    └── WorkerCrashed       the worker process died (HTTP 500)
"""

from __future__ import annotations

import asyncio
import json
import os
import select
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

__all__ = [
    "QueryPool",
    "QueryWorker",
    "QueryAnswer",
    "QueryFailure",
    "QueryTimeout",
    "ServerBusy",
    "QuerySyntaxError",
    "QueryNotAllowed",
    "ResultTooLarge",
    "NotAcceptable",
    "WorkerCrashed",
]


class QueryFailure(Exception):
    """A query could not be answered; ``status`` is the HTTP status to send."""

    status = 500

    def __init__(self, message: str, kind: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.kind = kind


class QueryTimeout(QueryFailure):
    status = 503


class ServerBusy(QueryFailure):
    status = 503


class QuerySyntaxError(QueryFailure):
    status = 400


class QueryNotAllowed(QueryFailure):
    status = 400


class ResultTooLarge(QueryFailure):
    status = 422


class NotAcceptable(QueryFailure):
    status = 406


class WorkerCrashed(QueryFailure):
    status = 500


_ERRORS = {"syntax": QuerySyntaxError, "refused": QueryNotAllowed, "too_large": ResultTooLarge, "not_acceptable": NotAcceptable, "failed": WorkerCrashed}


@dataclass(frozen=True)
class QueryAnswer:
    """A serialized answer: query form (select, ask, graph), format name, bytes, and size."""

    kind: str
    format: str
    body: bytes
    rows: int | None = None
    total: int | None = None  # for a page: rows (or triples) in the whole answer
    offset: int = 0  # for a page: rows of the whole answer before it


class QueryWorker:
    """One worker process and its pipes."""

    def __init__(self, config_path: Path, start_timeout: float = 60.0) -> None:
        self.config_path = config_path
        self.start_timeout = start_timeout
        self.proc: subprocess.Popen | None = None
        self._buffer = b""
        self.start()

    def start(self) -> None:
        import ldpub

        env = dict(os.environ)
        package_parent = str(Path(ldpub.__file__).resolve().parent.parent)
        env["PYTHONPATH"] = os.pathsep.join(p for p in (package_parent, env.get("PYTHONPATH")) if p)
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "ldpub.serve.worker", str(self.config_path)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            env=env,
        )
        self._buffer = b""
        header = json.loads(self._read_line(time.monotonic() + self.start_timeout))
        if not header.get("ready"):
            raise WorkerCrashed("query worker did not start")
        self.network = header.get("network", "host")  # "none": the worker cannot open connections

    def kill(self) -> None:
        """Stop the process at once (SIGKILL) and reap it."""
        if self.proc and self.proc.poll() is None:
            self.proc.kill()
        if self.proc:
            self.proc.wait()
            for pipe in (self.proc.stdin, self.proc.stdout):
                if pipe:
                    pipe.close()

    def restart(self) -> None:
        self.kill()
        self.start()

    def call(self, job: dict, timeout: float) -> QueryAnswer:
        """Send a job and wait for the answer at most ``timeout`` seconds (then kill: QueryTimeout)."""
        deadline = time.monotonic() + timeout
        assert self.proc and self.proc.stdin
        try:
            self.proc.stdin.write(json.dumps(job).encode() + b"\n")
            self.proc.stdin.flush()
            header = json.loads(self._read_line(deadline))
            body = self._read_exact(int(header.get("length", 0)), deadline)
        except TimeoutError:
            self.kill()
            raise QueryTimeout(
                f"the query ran longer than the time limit of {timeout:g} s and was stopped; "
                "narrow it (LIMIT, more specific patterns) or ask the operator to raise [serve] query_timeout"
            ) from None
        except (BrokenPipeError, EOFError, ValueError) as exc:
            self.kill()
            raise WorkerCrashed(f"the query worker failed ({type(exc).__name__}); the query was not answered") from exc
        if not header.get("ok"):
            error = _ERRORS.get(header.get("error"), WorkerCrashed)
            raise error(header.get("message") or "no acceptable format", header.get("kind"))
        return QueryAnswer(header["kind"], header["format"], body, header.get("rows"), header.get("total"),
                           header.get("offset") or 0)

    # ---------------------------------------------------------------- pipe reading with a deadline
    def _fill(self, deadline: float) -> None:
        assert self.proc and self.proc.stdout
        fd = self.proc.stdout.fileno()
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            raise TimeoutError
        ready, _, _ = select.select([fd], [], [], remaining)
        if not ready:
            raise TimeoutError
        chunk = os.read(fd, 1 << 20)
        if not chunk:
            raise EOFError("worker closed its output")
        self._buffer += chunk

    def _read_line(self, deadline: float) -> bytes:
        while b"\n" not in self._buffer:
            self._fill(deadline)
        line, _, self._buffer = self._buffer.partition(b"\n")
        return line

    def _read_exact(self, n: int, deadline: float) -> bytes:
        while len(self._buffer) < n:
            self._fill(deadline)
        data, self._buffer = self._buffer[:n], self._buffer[n:]
        return data


class QueryPool:
    """A fixed number of :class:`QueryWorker` processes shared by all requests."""

    def __init__(self, config_path: Path, size: int, timeout: float, max_results: int) -> None:
        self.config_path = config_path
        self.size = size
        self.timeout = timeout
        self.max_results = max_results
        self._workers: list[QueryWorker] = []
        self._idle: asyncio.Queue[QueryWorker] | None = None
        self._tasks: set[asyncio.Task] = set()

    def start(self) -> None:
        """Start the worker processes (blocking until each has opened the store)."""
        self._workers = [QueryWorker(self.config_path) for _ in range(self.size)]
        self._idle = asyncio.Queue()
        for worker in self._workers:
            self._idle.put_nowait(worker)

    def close(self) -> None:
        """Stop every worker process."""
        for worker in self._workers:
            worker.kill()
        self._workers = []

    async def run(self, query: str, results: str | None, graph: str | None,
                  page: tuple[int | None, int] | None = None) -> QueryAnswer:
        """Answer ``query`` with the named result formats (None: the client accepts none); with
        ``page`` (limit, offset), only that page of a SELECT or CONSTRUCT answer (the limit
        capped at ``max_results``; None: ``max_results`` rows), and its total."""
        from starlette.concurrency import run_in_threadpool

        assert self._idle is not None, "QueryPool.start() was not called"
        try:
            worker = await asyncio.wait_for(self._idle.get(), timeout=self.timeout)
        except asyncio.TimeoutError:
            raise ServerBusy(f"every query worker stayed busy for {self.timeout:g} s; try again later") from None
        job = {"query": query, "results": results, "graph": graph, "max_results": self.max_results}
        if page is not None:
            job["page"] = {"limit": page[0], "offset": page[1]}
        try:
            answer = await run_in_threadpool(worker.call, job, self.timeout)
        except (QueryTimeout, WorkerCrashed):
            task = asyncio.get_running_loop().create_task(self._replace(worker))
            self._tasks.add(task)
            task.add_done_callback(self._tasks.discard)
            raise
        except BaseException:
            self._idle.put_nowait(worker)
            raise
        self._idle.put_nowait(worker)
        return answer

    async def _replace(self, worker: QueryWorker) -> None:
        from starlette.concurrency import run_in_threadpool

        try:
            await run_in_threadpool(worker.restart)
        finally:
            assert self._idle is not None
            self._idle.put_nowait(worker)
