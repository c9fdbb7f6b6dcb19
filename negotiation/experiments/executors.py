"""Where chunks of points are computed: in this process, in local processes, or on Dask.

Every executor runs the same function, :func:`run_chunk`, on the same chunks
(fixed by the plan, not by the executor), so the numbers are the same
whichever runs them. Each worker builds the experiment once from its payload
(the experiment as data and the scenario file's text: no file access needed
on a remote worker) and keeps it for the next chunks (:data:`_CACHE`).

``local``      in-process, one chunk after the other (the core install suffices);
``processes``  a :class:`concurrent.futures.ProcessPoolExecutor` of ``workers``
               processes (``spawn``: a fresh interpreter each);
``dask``       Dask distributed: a ``LocalCluster`` of ``workers`` single-threaded
               worker processes, or the scheduler at ``address``. The payload is
               scattered to every worker once.

:meth:`Executor.run` yields each finished chunk as soon as it is done; the
runner commits it to the store. At most a few chunks per worker are in flight,
so memory stays flat at any number of points.
"""

from __future__ import annotations

import os
import time
from collections.abc import Iterable, Iterator
from typing import Any

from ..errors import NegotiationError

#: Built experiments per worker process, by fingerprint.
_CACHE: dict[str, Any] = {}
#: Chunks in flight per worker.
IN_FLIGHT = 3
EXECUTORS = ("local", "processes", "dask")

Task = tuple[int, int, int]  # (chunk, first point, stop)
Result = tuple[int, int, list, float, str]  # (chunk, first point, rows, seconds, engine)


class ExecutorError(NegotiationError):
    """An executor cannot start (Dask not installed, no scheduler at the address...)."""


class WorkerLost(NegotiationError):
    """A worker died while computing; finished chunks are safe, resume to finish."""


def _runner(payload: dict[str, Any]) -> Any:
    key = payload["fingerprint"]
    hit = _CACHE.get(key)
    if hit is None:
        from .runner import ChunkRunner
        from .spec import experiment_from_payload

        hit = ChunkRunner(experiment_from_payload(payload))
        _CACHE.clear()
        _CACHE[key] = hit
    return hit


def run_chunk(payload: dict[str, Any], task: Task) -> Result:
    """Compute one chunk: ``(chunk, first point, rows, seconds, engine)``."""
    chunk, start, stop = task
    t0 = time.perf_counter()
    rows, engine = _runner(payload).run(start, stop)
    return chunk, start, rows, time.perf_counter() - t0, engine


def _init_worker(payload: dict[str, Any]) -> None:
    _limit_threads()
    _runner(payload)


def _limit_threads() -> None:
    """One thread per worker for the numeric libraries (workers are the parallelism)."""
    for var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
        os.environ.setdefault(var, "1")


class Executor:
    name = "local"

    def __init__(self, workers: int | None = None, address: str | None = None) -> None:
        self.workers = workers
        self.address = address

    def run(self, payload: dict[str, Any], tasks: Iterable[Task]) -> Iterator[Result]:
        for task in tasks:
            yield run_chunk(payload, task)

    def close(self) -> None:
        pass

    def describe(self) -> str:
        return "in-process"


class Processes(Executor):
    name = "processes"

    def __init__(self, workers: int | None = None, address: str | None = None) -> None:
        super().__init__(workers or os.cpu_count() or 1, address)
        self.pool: Any = None

    def describe(self) -> str:
        return f"{self.workers} local processes"

    def run(self, payload: dict[str, Any], tasks: Iterable[Task]) -> Iterator[Result]:
        import multiprocessing as mp
        from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait
        from concurrent.futures.process import BrokenProcessPool

        self.pool = ProcessPoolExecutor(
            max_workers=self.workers,
            mp_context=mp.get_context("spawn"),
            initializer=_init_worker,
            initargs=(payload,),
        )
        pending = iter(tasks)
        running: set[Any] = set()
        try:
            while True:
                while len(running) < IN_FLIGHT * (self.workers or 1):
                    task = next(pending, None)
                    if task is None:
                        break
                    running.add(self.pool.submit(run_chunk, payload, task))
                if not running:
                    return
                done, running = wait(running, return_when=FIRST_COMPLETED)
                for fut in done:
                    try:
                        yield fut.result()
                    except BrokenProcessPool:
                        raise WorkerLost("a worker process died") from None
        finally:
            for fut in running:
                fut.cancel()

    def close(self) -> None:
        if self.pool is not None:
            self.pool.shutdown(wait=False, cancel_futures=True)
            self.pool = None


class Dask(Executor):
    name = "dask"

    def __init__(self, workers: int | None = None, address: str | None = None) -> None:
        super().__init__(workers, address)
        try:
            import distributed  # noqa: F401
        except ImportError:
            raise ExecutorError(
                "the dask executor needs Dask distributed: pip install 'negotiation[dask]'"
            ) from None
        self.client: Any = None
        self.cluster: Any = None

    def describe(self) -> str:
        if self.address:
            return f"Dask scheduler at {self.address}"
        return f"Dask LocalCluster of {self.workers or os.cpu_count()} workers"

    def _start(self) -> Any:
        from distributed import Client, LocalCluster

        if self.address:
            try:
                self.client = Client(self.address, timeout="20s")
            except OSError as exc:
                raise ExecutorError(f"no Dask scheduler at {self.address}: {exc}") from None
        else:
            _limit_threads()
            self.cluster = LocalCluster(
                n_workers=self.workers or os.cpu_count() or 1,
                threads_per_worker=1,
                processes=True,
                dashboard_address=None,
                silence_logs=40,
            )
            self.client = Client(self.cluster)
        return self.client

    def run(self, payload: dict[str, Any], tasks: Iterable[Task]) -> Iterator[Result]:
        from distributed import as_completed
        from distributed.client import FutureCancelledError

        client = self._start()
        n_workers = max(len(client.scheduler_info().get("workers", {})), 1)
        shared = client.scatter(payload, broadcast=True)
        pending = iter(tasks)
        key = payload["fingerprint"][:12]

        def submit(task: Task) -> Any:
            return client.submit(run_chunk, shared, task, pure=False, key=f"sweep-{key}-{task[0]}")

        first = [submit(t) for t in _take(pending, IN_FLIGHT * n_workers)]
        if not first:
            return
        seq = as_completed(first)
        for fut in seq:
            try:
                result = fut.result()
            except FutureCancelledError:
                continue
            except Exception as exc:
                name = type(exc).__name__
                if name == "KilledWorker":
                    raise WorkerLost(f"a Dask worker died computing a chunk ({exc})") from None
                raise
            nxt = next(pending, None)
            if nxt is not None:
                seq.add(submit(nxt))
            yield result

    def close(self) -> None:
        if self.client is not None:
            try:
                self.client.close(timeout=10)
            except Exception:  # pragma: no cover - closing a broken client
                pass
            self.client = None
        if self.cluster is not None:
            try:
                self.cluster.close(timeout=20)
            except Exception:  # pragma: no cover
                pass
            self.cluster = None


def _take(it: Iterator[Task], n: int) -> list[Task]:
    out = []
    for _ in range(n):
        x = next(it, None)
        if x is None:
            break
        out.append(x)
    return out


def make_executor(name: str, workers: int | None = None, address: str | None = None) -> Executor:
    """The executor ``name`` (``local``, ``processes`` or ``dask``)."""
    if name == "local":
        return Executor(workers, address)
    if name == "processes":
        return Processes(workers, address)
    if name == "dask":
        return Dask(workers, address)
    raise ExecutorError(f"unknown executor {name!r}; choose one of {', '.join(EXECUTORS)}")


__all__ = ["EXECUTORS", "Executor", "ExecutorError", "WorkerLost", "make_executor", "run_chunk"]
