#!/usr/bin/env python3
"""Benchmark of ``negotiation sweep``: draws per second, Dask scaling, peak memory.

The case of the experiments issue: a Monte Carlo of the Berlin scenario over every
assumption it marks with a range, measuring ``deal_possible``, the Nash and
Kalai-Smorodinsky territorial outcomes and both ends of the territorial bargaining
range. Steps (each skippable):

``grid``     10,000 draws at ``precision: grid``, in-process (``--executor local``);
``exact``    ``--exact-draws`` draws at ``precision: exact``, in-process: draws per second
             per core;
``dask``     the same exact run on a Dask ``LocalCluster`` of 1 and then 2 single-threaded
             workers, ``--repeat`` times each, alternating; each cluster started and
             warmed up (workers started, the package imported) before the clock starts:
             the speed-up from 1 to 2 workers (ratio of the median times);
``memory``   peak resident memory of the whole command (``ru_maxrss`` of a subprocess) for
             ``--memory-draws`` grid draws against 10,000: it must not grow with the draws
             (rows are streamed to the store, never held).

Wall time and CPU time (``time.process_time`` of the process that computes) are both
reported: on a shared machine the CPU rate is the steadier number. Every timed run
records the machine's load average before it and, over the run, how many cores the
machine was busy with and how many of them were the benchmark's own processes
(``other_cores``: the load of other work, which a 2-core machine cannot hide). Results go to ``benchmarks/results/sweep.json``
(``--out``). Run from the repository root::

    python benchmarks/sweep.py                      # every step, about 8 minutes
    python benchmarks/sweep.py --steps grid,exact
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(ROOT))

MEASURES = [
    "deal_possible",
    "solutions.nash.outcome.territory",
    "solutions.kalai_smorodinsky.outcome.territory",
    "bargaining_range.territory.min",
    "bargaining_range.territory.max",
]
SCENARIO = str(ROOT / "scenarios" / "berlin-2025-12.yaml")


def experiment(draws: int, precision: str, seed: int = 1, chunk: int | None = None) -> dict:
    data = {
        "title": f"benchmark: {draws} draws, {precision}",
        "scenario": SCENARIO,
        "sample": {"draws": draws, "seed": seed, "parameters": "assumptions"},
        "measure": MEASURES,
        "precision": precision,
    }
    if chunk:
        data["chunk"] = chunk
    return data


def timed_run(data: dict, **kw) -> dict:
    from negotiation.experiments.runner import run_sweep
    from negotiation.experiments.spec import experiment_from_dict

    exp = experiment_from_dict(data)
    out = tempfile.mkdtemp(prefix="sweep-bench-")
    try:
        cpu0, t0 = time.process_time(), time.perf_counter()
        outcome = run_sweep(
            exp, os.path.join(out, "s"), outputs=False, figures=False, progress=False, **kw
        )
        wall, cpu = time.perf_counter() - t0, time.process_time() - cpu0
        n = outcome.computed
        with outcome.sweep as s:
            chunk_seconds = sum(r[0] or 0.0 for r in s.store.query("SELECT seconds FROM chunks"))
            failed = s.store.failed()
        return {
            "points": n,
            "wall_s": round(wall, 3),
            "cpu_s": round(cpu, 3),
            "compute_s": round(outcome.seconds, 3),
            "chunk_s": round(chunk_seconds, 3),
            "failed": failed,
            "points_per_s_wall": round(n / outcome.seconds, 1),
            "points_per_s_cpu": round(n / cpu, 1) if cpu > 0 else None,
        }
    finally:
        shutil.rmtree(out, ignore_errors=True)


def measured_run(data: dict) -> dict:
    m = Machine()
    res = timed_run(data)
    res["machine"] = m.report(res["wall_s"])
    return res


def step_grid(args) -> dict:
    timed_run(experiment(500, "grid", seed=99))  # warm-up (imports, caches)
    return measured_run(experiment(args.grid_draws, "grid"))


def step_exact(args) -> dict:
    timed_run(experiment(4, "exact", seed=99, chunk=2))
    return measured_run(experiment(args.exact_draws, "exact", chunk=args.exact_chunk))


class Machine:
    """CPU use of the whole machine and of this benchmark's own processes over an interval
    (``/proc/stat`` and ``psutil``): the other engineers' load is the difference."""

    def __init__(self) -> None:
        import psutil

        self.me = psutil.Process()
        self.t0, self.busy0 = self._stat()
        self.own0 = self._own()
        self.load = os.getloadavg()[0]

    @staticmethod
    def _stat() -> tuple[float, float]:
        with open("/proc/stat") as fh:
            f = [float(x) for x in fh.readline().split()[1:]]
        total, idle = sum(f), f[3] + f[4]
        return total, total - idle

    def _own(self) -> float:
        procs = [self.me, *self.me.children(recursive=True)]
        out = 0.0
        for p in procs:
            try:
                t = p.cpu_times()
                out += t.user + t.system
            except Exception:  # a process that ended in between
                pass
        return out

    def report(self, wall: float) -> dict:
        t1, busy1 = self._stat()
        cores = os.cpu_count() or 1
        busy = (busy1 - self.busy0) / max(t1 - self.t0, 1e-9) * cores
        own = (self._own() - self.own0) / max(wall, 1e-9)
        return {
            "load_1min_before": round(self.load, 2),
            "busy_cores": round(busy, 2),
            "own_cores": round(own, 2),
            "other_cores": round(max(busy - own, 0.0), 2),
        }


def step_dask(args) -> dict:
    """1 and then 2 single-threaded workers, ``--repeat`` times each, alternating (1, 2,
    1, 2, ...) so that a change of the machine's load hits both alike; the speed-up is
    the ratio of the median compute times. Each cluster is started and warmed up
    (workers started, the package imported) before its clock starts; loading the
    scenario and compiling the experiment on each worker is timed, as in a real run. Every run records the cores the machine was busy with and how many of them
    were this benchmark's (its processes' CPU time / wall time), so contention by other
    work is visible next to the numbers."""
    from statistics import median

    from distributed import Client, LocalCluster

    data = experiment(args.exact_draws, "exact", chunk=args.exact_chunk)
    runs: dict[int, list] = {1: [], 2: []}
    for _ in range(args.repeat):
        for n in (1, 2):
            with (
                LocalCluster(
                    n_workers=n,
                    threads_per_worker=1,
                    processes=True,
                    dashboard_address=None,
                    silence_logs=40,
                ) as cluster,
                Client(cluster),
            ):
                # warm-up: a short run of the same case (other draws), so that every
                # worker has started and imported the package; the timed run still
                # includes each worker loading the scenario and compiling the experiment
                # (once per worker, as in any real run)
                warm = dict(data, sample=dict(data["sample"], draws=2 * n * args.exact_chunk))
                timed_run(warm, executor="dask", address=cluster.scheduler_address)
                m = Machine()
                res = timed_run(data, executor="dask", address=cluster.scheduler_address)
                res["machine"] = m.report(res["wall_s"])
            runs[n].append(res)
            print(f"  dask {n} worker(s): {json.dumps(res)}", flush=True)
    out: dict = {}
    for n in (1, 2):
        t = median(r["compute_s"] for r in runs[n])
        out[f"workers_{n}"] = {
            "runs": runs[n],
            "median_compute_s": round(t, 3),
            "median_points_per_s": round(args.exact_draws / t, 1),
        }
    t1, t2 = out["workers_1"]["median_compute_s"], out["workers_2"]["median_compute_s"]
    out["speedup_1_to_2"] = round(t1 / t2, 3) if t2 else None
    # the same ratio from the runs least disturbed by other work
    calm = {n: min(runs[n], key=lambda r: r["machine"]["other_cores"]) for n in (1, 2)}
    out["speedup_least_contended"] = round(calm[1]["compute_s"] / calm[2]["compute_s"], 3)
    out["least_contended_other_cores"] = {n: calm[n]["machine"]["other_cores"] for n in (1, 2)}
    return out


def step_memory(args) -> dict:
    res = {}
    for draws in (10_000, args.memory_draws):
        d = tempfile.mkdtemp(prefix="sweep-mem-")
        try:
            path = os.path.join(d, "exp.yaml")
            import yaml

            with open(path, "w") as fh:
                yaml.safe_dump(experiment(draws, "grid"), fh)
            code = (
                "import resource, sys; from negotiation.experiments.cli import main; "
                "c = main(sys.argv[1:]); "
                "print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss, file=sys.stderr); "
                "sys.exit(c)"
            )
            t0 = time.perf_counter()
            p = subprocess.run(
                [
                    sys.executable,
                    "-c",
                    code,
                    path,
                    "--out",
                    os.path.join(d, "out"),
                    "--no-progress",
                    "--format",
                    "json",
                ],
                cwd=ROOT,
                capture_output=True,
                text=True,
            )
            if p.returncode != 0:
                raise RuntimeError(p.stderr)
            rss_kb = int(p.stderr.strip().splitlines()[-1])
            res[f"draws_{draws}"] = {
                "peak_rss_mb": round(rss_kb / 1024, 1),
                "wall_s": round(time.perf_counter() - t0, 1),
            }
        finally:
            shutil.rmtree(d, ignore_errors=True)
    return res


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--steps", default="grid,exact,dask,memory")
    ap.add_argument("--grid-draws", type=int, default=10_000)
    ap.add_argument("--exact-draws", type=int, default=400)
    ap.add_argument("--exact-chunk", type=int, default=8)
    ap.add_argument("--memory-draws", type=int, default=100_000)
    ap.add_argument("--repeat", type=int, default=3, help="runs of each Dask cluster size")
    ap.add_argument("--out", default=str(HERE / "results" / "sweep.json"))
    args = ap.parse_args()
    steps = [s.strip() for s in args.steps.split(",") if s.strip()]
    result: dict = {
        "machine": {
            "python": platform.python_version(),
            "platform": platform.platform(),
            "cpus": os.cpu_count(),
            "load_average_start": os.getloadavg(),
        },
        "case": {
            "scenario": "scenarios/berlin-2025-12.yaml",
            "parameters": "every assumption with a range",
            "measures": MEASURES,
        },
    }
    for step in steps:
        t0 = time.perf_counter()
        result[step] = {
            "grid": step_grid,
            "exact": step_exact,
            "dask": step_dask,
            "memory": step_memory,
        }[step](args)
        print(f"{step}: {json.dumps(result[step])}  ({time.perf_counter() - t0:.0f} s)", flush=True)
    result["machine"]["load_average_end"] = os.getloadavg()
    result["machine"]["main_peak_rss_mb"] = round(
        resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1
    )
    out = Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    if out.exists():  # a run of some steps keeps the other steps' last results
        kept = json.loads(out.read_text())
        kept.update({k: v for k, v in result.items() if k not in ("machine", "case")})
        kept[f"machine_{'_'.join(steps)}"] = result["machine"]
        result = kept
    out.write_text(json.dumps(result, indent=2) + "\n")
    print(f"wrote {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
