"""Experiments: parameter sweeps, Monte Carlo and one-at-a-time sensitivity over a scenario.

An experiment file (``experiments/*.yaml``, format in ``docs/experiment-format.md``)
names a scenario, the parameters to vary (a full grid), to draw at random
(Monte Carlo) or to move one at a time, and the measures to record (paths into
the JSON of ``negotiation run``). :func:`sweep` runs it and returns one row per
point; ``negotiation sweep EXPERIMENT --out DIR`` does the same from the command
line, commits finished chunks to a SQLite store in ``DIR`` (resumable after any
interruption) and writes ``results.parquet``, ``results.csv``, ``summary.json``
and figures.

Modules: :mod:`~.spec` (the file format and its validation), :mod:`~.parameters`
(what a parameter path means, its valid values), :mod:`~.measures` (measure
paths), :mod:`~.sampling` (the points), :mod:`~.evaluate` (one point, by the
package's solvers), :mod:`~.fast` (many points at once on the grid),
:mod:`~.store` (the transactional store), :mod:`~.executors` (in-process, local
processes, Dask), :mod:`~.runner` (a sweep from start to finish),
:mod:`~.summary`, :mod:`~.plots`, :mod:`~.report` (the results page) and
:mod:`~.cli` (``negotiation sweep``).

Only the core install is needed for the in-process and ``processes`` executors;
pandas and pyarrow (DataFrame and Parquet), tqdm (progress bar) and Dask are
imported only where they are used.
"""

from __future__ import annotations

import importlib
from typing import Any

_EXPORTS = {
    "sweep": "negotiation.experiments.runner",
    "run_sweep": "negotiation.experiments.runner",
    "open_sweep": "negotiation.experiments.store",
    "load_experiment": "negotiation.experiments.spec",
    "experiment_from_dict": "negotiation.experiments.spec",
    "Experiment": "negotiation.experiments.spec",
}

__all__ = sorted(_EXPORTS)


def __getattr__(name: str) -> Any:
    if name in _EXPORTS:
        value = getattr(importlib.import_module(_EXPORTS[name]), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'negotiation.experiments' has no attribute '{name}'")
