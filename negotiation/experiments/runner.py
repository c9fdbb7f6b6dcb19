"""A sweep from start to finish: plan the chunks, compute them, commit them, write outputs.

:func:`run_sweep` is what ``negotiation sweep`` does:

1. open the store in ``DIR`` (a new one; with ``resume``, the existing one,
   which must hold the same experiment: same file content, same scenario);
2. split the points into chunks of a fixed size (stored with the sweep) and
   hand the chunks not yet committed to the executor;
3. commit each finished chunk to the store at once (:mod:`.store`), updating
   the progress bar;
4. when every chunk is in: ``results.parquet``, ``results.csv``,
   ``summary.json`` and the figures, each written whole (temporary file, then
   rename).

Interrupted anywhere, the store holds whole chunks only; run again with
``resume`` to compute the rest. :func:`sweep` is the Python entry point: it
returns the results as a pandas DataFrame.

:class:`ChunkRunner` is the worker's side: the parameter values of a range of
points (:class:`~.sampling.Plan`), the vectorised grid path where it applies
(:mod:`.fast`), otherwise (and for the points it hands back) one point at a
time (:class:`~.evaluate.PointEvaluator`). A point that fails gets its error
text and empty measures; the sweep goes on.
"""

from __future__ import annotations

import os
import shutil
import sys
import tempfile
import time
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, TextIO

from ..errors import NegotiationError, ScenarioError
from .store import Column, Store, StoreError, Sweep

if TYPE_CHECKING:  # pragma: no cover
    from .spec import Experiment

#: Default points per chunk: vectorised grid path, other grid sweeps, exact sweeps.
CHUNK_FAST, CHUNK_GRID, CHUNK_EXACT = 500, 20, 4


def _plain(x: Any) -> Any:
    if hasattr(x, "item") and not isinstance(x, (str, bytes)):
        x = x.item()
    if isinstance(x, float) and x != x:
        return None
    return x


def describe_error(exc: BaseException) -> str:
    """One line for the ``error`` column."""
    from ..errors import one_line
    from .parameters import ProbabilityError

    if isinstance(exc, ScenarioError):
        return str(exc)
    if isinstance(exc, (NegotiationError, ProbabilityError)):
        return one_line(str(exc))
    return one_line(f"internal error: {type(exc).__name__}: {exc}")


class ChunkRunner:
    """Computes any range of points of one experiment (built once per worker)."""

    def __init__(self, experiment: Experiment) -> None:
        from .evaluate import PointEvaluator
        from .fast import fast_grid
        from .sampling import Plan

        self.experiment = experiment
        self.plan = Plan(experiment)
        self.fast = fast_grid(experiment)
        #: at ``precision: exact``: the grid path that seeds the certified searches
        self.seeder = (
            fast_grid(experiment, seeds=True)
            if self.fast is None and experiment.precision == "exact"
            else None
        )
        self.evaluator = PointEvaluator(experiment)

    def run(self, start: int, stop: int) -> tuple[list[list[Any]], str]:
        """Rows ``[point, *parameters, *measures, error]`` of points ``start..stop-1``."""
        n = stop - start
        cols = self.plan.columns(start, stop)
        n_measures = len(self.experiment.measures)
        values: list[Any] = [None] * n
        errors = [""] * n
        todo: list[int] = list(range(n))
        engine = "point"
        if self.fast is not None:
            try:
                vals, back = self.fast.evaluate(cols)
                values = list(vals)
                todo = [r for r in range(n) if back[r]]
                engine = "grid"
            except (KeyboardInterrupt, MemoryError):
                raise
            except Exception as exc:  # a bug in the grid path: the point path still works
                if os.environ.get("NEGOTIATION_DEBUG"):
                    raise
                engine = f"point (grid path failed: {type(exc).__name__}: {exc})"[:200]
        seeds: list[Any] = [None] * n
        if self.seeder is not None and todo:
            try:
                seeds = self.seeder.seeds(cols)
                engine = "point (seeded by the grid path)"
            except (KeyboardInterrupt, MemoryError):
                raise
            except Exception:  # only first incumbents: the searches do without them
                if os.environ.get("NEGOTIATION_DEBUG"):
                    raise
        for r in todo:
            try:
                values[r] = self.evaluator.measures(self.plan.changes(cols, r, start + r), seeds[r])
            except (KeyboardInterrupt, MemoryError):
                raise
            except Exception as exc:
                if os.environ.get("NEGOTIATION_DEBUG") and not isinstance(
                    exc, (ScenarioError, ValueError)
                ):
                    raise
                values[r] = [None] * n_measures
                errors[r] = describe_error(exc)
        plain = [[_plain(x) for x in c.tolist()] if c.dtype == object else c.tolist() for c in cols]
        rows = [[start + r, *[c[r] for c in plain], *values[r], errors[r]] for r in range(n)]
        return rows, engine


def columns_of(experiment: Experiment) -> list[Column]:
    kinds = {"number": "number", "integer": "integer", "level": "text", "bool": "bool"}
    out = [
        Column(p.name, "parameter", kinds[p.domain.kind], p.label) for p in experiment.parameters
    ]
    out += [Column(m.path, "measure", m.kind, m.path) for m in experiment.measures]
    return out


def default_chunk(experiment: Experiment) -> int:
    if experiment.chunk:
        return experiment.chunk
    if experiment.precision == "exact":
        return CHUNK_EXACT
    from .fast import fast_grid

    return CHUNK_FAST if fast_grid(experiment) is not None else CHUNK_GRID


@dataclass
class Outcome:
    """What :func:`run_sweep` did: the sweep, points computed now and before, seconds."""

    sweep: Sweep
    computed: int
    resumed: int
    seconds: float
    files: list[str]


def run_sweep(
    experiment: Experiment,
    out: str,
    *,
    executor: str = "local",
    workers: int | None = None,
    address: str | None = None,
    resume: bool = False,
    progress: bool | None = None,
    stream: TextIO | None = None,
    outputs: bool = True,
    figures: bool = True,
) -> Outcome:
    """Run (or, with ``resume``, finish) ``experiment`` into the directory ``out``.

    Raises
    ------
    StoreError
        ``out`` exists and holds other files (without ``resume``), or holds a sweep of
        another experiment (with ``resume``).
    ExecutorError, WorkerLost
        The executor cannot start, or a worker died (finished chunks are kept).
    KeyboardInterrupt
        Ctrl-C: finished chunks are kept; run again with ``resume``.
    """
    from .executors import make_executor
    from .progress import Progress

    log = stream or sys.stderr
    columns = columns_of(experiment)
    store = _open_store(experiment, out, resume, columns, log)
    try:
        chunk = store.chunk
        n = store.n_points
        done = store.done_chunks()
        tasks = [
            (c, c * chunk, min(n, (c + 1) * chunk)) for c in range(-(-n // chunk)) if c not in done
        ]
        resumed = store.count()
        computed = 0
        t0 = time.perf_counter()
        if tasks:
            ex = make_executor(executor, workers, address)
            bar = Progress(n, resumed, label=experiment.stem, stream=log, enabled=progress)
            payload = dict(experiment.payload, fingerprint=experiment.fingerprint)
            try:
                for c, first, rows, seconds, engine in ex.run(payload, tasks):
                    store.commit(c, first, rows, seconds, engine)
                    computed += len(rows)
                    bar.update(len(rows))
            finally:
                bar.close()
                ex.close()
        seconds = time.perf_counter() - t0
        if store.count() == n and not store.meta.get("complete"):
            store.set_meta("complete", True)
        sweep = Sweep(out, store)
        files = write_outputs(sweep, experiment, figures=figures) if outputs else []
        return Outcome(sweep, computed, resumed, seconds, files)
    except BaseException:
        store.close()
        raise


def _open_store(
    experiment: Experiment, out: str, resume: bool, columns: list[Column], log: TextIO
) -> Store:
    from .store import db_path

    if resume and os.path.isfile(db_path(out)):
        store = Store.open(out)
        if store.meta.get("fingerprint") != experiment.fingerprint:
            store.close()
            raise StoreError(
                f"{out}: holds a sweep of another experiment (or the experiment "
                "file or its scenario changed since it started); choose another "
                "--out"
            )
        return store
    if resume:
        print(f"note: {out} holds no sweep yet; starting one", file=log)
    store = Store.create(
        out,
        fingerprint=experiment.fingerprint,
        experiment=experiment.to_dict(),
        columns=columns,
        points=experiment.points,
        chunk=default_chunk(experiment),
    )
    # which scenario, for `negotiation brief FILE --sweep DIR` (its file, and the SHA-256
    # of its text: a brief of a changed file must not use the sweep)
    sf = experiment.scenario_file
    store.set_meta(
        "scenario",
        {
            "path": os.path.realpath(sf) if sf else None,
            "sha256": experiment.payload.get("scenario_hash"),
            "title": experiment.scenario.title,
        },
    )
    return store


def write_outputs(
    sweep: Sweep, experiment: Experiment | None = None, *, figures: bool = True
) -> list[str]:
    """``results.csv``, ``results.parquet`` (when pyarrow is installed), ``summary.json`` and
    the figures, in the sweep's directory; each file replaced whole."""
    import json

    from ..outputs import write_atomic
    from .summary import summarise
    from .tables import write_csv, write_parquet

    d = sweep.directory
    files = [write_csv(sweep, os.path.join(d, "results.csv"))]
    pq = write_parquet(sweep, os.path.join(d, "results.parquet"))
    if pq:
        files.append(pq)
    summary = summarise(sweep)
    path = os.path.join(d, "summary.json")
    write_atomic(path, json.dumps(summary, indent=2, allow_nan=False, default=str) + "\n")
    files.append(path)
    if figures:
        from .plots import save_figures

        files += save_figures(sweep, d, summary=summary)
    return files


def load(experiment: Any, base_dir: str | None = None) -> Experiment:
    """An :class:`Experiment` from an experiment, a file path or a mapping."""
    from .spec import Experiment, experiment_from_dict, load_experiment

    if isinstance(experiment, Experiment):
        return experiment
    if isinstance(experiment, (str, os.PathLike)):
        return load_experiment(experiment)
    if isinstance(experiment, dict):
        return experiment_from_dict(experiment, base_dir=base_dir)
    raise TypeError(
        f"sweep() takes an experiment, a file path or a mapping, got {type(experiment).__name__}"
    )


def sweep(
    experiment: Any,
    executor: str = "local",
    out: str | os.PathLike | None = None,
    *,
    workers: int | None = None,
    address: str | None = None,
    resume: bool = False,
    progress: bool | None = False,
    base_dir: str | None = None,
) -> Any:
    """Run an experiment and return its results as a pandas DataFrame.

    Parameters
    ----------
    experiment : Experiment, str, os.PathLike or dict
        An experiment file, a mapping in the same format (``scenario`` relative to
        ``base_dir``, default the current directory, or a ``Scenario``) or a
        loaded :class:`~.spec.Experiment`.
    executor : {"local", "processes", "dask"}
        Where the points are computed (see :mod:`.executors`).
    out : path, optional
        Directory for the store and output files, as ``negotiation sweep --out``;
        by default a temporary directory, removed afterwards.
    workers, address, resume, progress
        As the command's ``--workers``, ``--address``, ``--resume`` (and a progress
        bar on standard error when true).

    Returns
    -------
    pandas.DataFrame
        One row per point, in order: ``point``, one column per parameter path and
        per measure path, ``error``. ``df.attrs["summary"]`` is ``summary.json``.
    """
    exp = load(experiment, base_dir)
    tmp = None
    if out is None:
        tmp = tempfile.mkdtemp(prefix="negotiation-sweep-")
        target = os.path.join(tmp, "sweep")
    else:
        target = os.fspath(out)
    try:
        outcome = run_sweep(
            exp,
            target,
            executor=executor,
            workers=workers,
            address=address,
            resume=resume,
            progress=progress,
            outputs=out is not None,
            figures=out is not None,
        )
        with outcome.sweep as s:
            frame = s.frame()
            frame.attrs["summary"] = s.summary()
        return frame
    finally:
        if tmp is not None:
            shutil.rmtree(tmp, ignore_errors=True)


__all__ = ["ChunkRunner", "Outcome", "run_sweep", "sweep", "write_outputs"]
