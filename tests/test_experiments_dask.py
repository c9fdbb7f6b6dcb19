"""The Dask executor: a real LocalCluster of two workers gives the same numbers as the
in-process run; so does an existing scheduler (``--address``), and a worker killed in the
middle of a sweep loses nothing."""

from __future__ import annotations

import os
import signal
import threading
import time

import pytest

pytest.importorskip("distributed")

from negotiation.experiments.runner import run_sweep  # noqa: E402
from negotiation.experiments.spec import experiment_from_dict  # noqa: E402

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BERLIN = os.path.join(ROOT, "scenarios", "berlin-2025-12.yaml")
MINI = os.path.join(ROOT, "docs", "tutorial", "berlin-mini.yaml")

GRID = {"title": "dask grid", "scenario": BERLIN, "chunk": 50,
        "sample": {"draws": 300, "seed": 8, "parameters": "assumptions"},
        "measure": ["deal_possible", "solutions.nash.outcome.territory",
                    "solutions.kalai_smorodinsky.outcome.territory",
                    "bargaining_range.territory.min", "bargaining_range.territory.max"]}
EXACT = {"title": "dask exact", "scenario": MINI, "precision": "exact", "chunk": 2,
         "sample": {"draws": 16, "seed": 3, "parameters": "assumptions"},
         "measure": ["deal_possible", "solutions.nash.outcome.donetsk",
                     "bargaining_range.donetsk.min"]}


def csv(out: str) -> bytes:
    with open(os.path.join(out, "results.csv"), "rb") as fh:
        return fh.read()


def run(data: dict, out: str, **kw) -> None:
    run_sweep(experiment_from_dict(data), out, figures=False, **kw).sweep.close()


def test_local_cluster_of_two_workers_gives_the_same_numbers(tmp_path):
    run(GRID, str(tmp_path / "local"))
    run(GRID, str(tmp_path / "dask"), executor="dask", workers=2)
    assert csv(str(tmp_path / "dask")) == csv(str(tmp_path / "local"))


def test_existing_scheduler_and_a_killed_worker(tmp_path):
    from distributed import Client, LocalCluster

    run(EXACT, str(tmp_path / "local"))
    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                      dashboard_address=None) as cluster, Client(cluster) as client:
        run(EXACT, str(tmp_path / "dask"), executor="dask", address=cluster.scheduler_address)
        assert csv(str(tmp_path / "dask")) == csv(str(tmp_path / "local"))
        # now kill one worker in the middle of a sweep: the nanny restarts it and the
        # scheduler gives its chunk to a worker again
        out = str(tmp_path / "killed")
        pids = list(client.run(os.getpid).values())
        failure: list[BaseException] = []

        def go() -> None:
            try:
                run(EXACT, out, executor="dask", address=cluster.scheduler_address)
            except BaseException as exc:  # pragma: no cover - reported below
                failure.append(exc)

        t = threading.Thread(target=go)
        t.start()
        db = os.path.join(out, "sweep.sqlite")
        t0 = time.monotonic()
        while not os.path.exists(db) and time.monotonic() - t0 < 60:
            time.sleep(0.05)
        time.sleep(0.3)
        os.kill(pids[0], signal.SIGKILL)
        t.join(timeout=300)
        assert not t.is_alive() and not failure, failure
        assert csv(out) == csv(str(tmp_path / "local"))
