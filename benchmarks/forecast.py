#!/usr/bin/env python3
"""Benchmark of the forecasting models: 1,000 issues of 30 actors each, CPU time.

The issue's target (``docs/forecasting.md``): the expected-utility model over
1,000 issues of 30 actors in under 2 s, vectorised over actor pairs and issues.
Actors are drawn with a fixed seed (positions on 0-100, capabilities 1-100,
saliences 10-100, the shapes of the published actor tables); every model runs
on the same table at its defaults, the expected-utility model also with the
``all-pairs`` probability (longer runs) and a per-issue loop for comparison
(the same code called one issue at a time: what vectorising over issues buys).

    python benchmarks/forecast.py                 # 1,000 x 30, three repeats
    python benchmarks/forecast.py --issues 200 --actors 10

Times are medians of ``--repeats`` runs of CPU time (``time.process_time``)
after one warm-up run. Results: ``benchmarks/results/forecast.json``.
"""

from __future__ import annotations

import argparse
import json
import platform
import statistics
import sys
import time
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

from negotiation.forecast import forecast  # noqa: E402
from negotiation.forecast.actors import ActorTable, IssueActors  # noqa: E402
from negotiation.forecast.expected_utility import EUOptions, expected_utility  # noqa: E402


def random_table(issues: int, actors: int, seed: int = 2026) -> ActorTable:
    rng = np.random.default_rng(seed)
    names = tuple(f"a{k:02d}" for k in range(actors))
    out = []
    for i in range(issues):
        out.append(
            IssueActors(
                f"i{i:04d}",
                names,
                rng.integers(1, 101, actors).astype(float),
                rng.integers(0, 101, actors).astype(float),
                rng.integers(10, 101, actors).astype(float),
            )
        )
    return ActorTable(tuple(out), None, f"random {issues}x{actors}")


def timed(fn, repeats: int) -> tuple[float, object]:
    result = fn()  # warm-up
    times = []
    for _ in range(repeats):
        t = time.process_time()
        result = fn()
        times.append(time.process_time() - t)
    return statistics.median(times), result


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--issues", type=int, default=1000)
    ap.add_argument("--actors", type=int, default=30)
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--out", default=str(HERE / "results" / "forecast.json"))
    args = ap.parse_args(argv)
    table = random_table(args.issues, args.actors)
    rows = []

    def record(name, seconds, result=None):
        row = {"case": name, "seconds": round(seconds, 4)}
        if result is not None:
            rounds = [f.rounds for f in result.values()]
            row["rounds_mean"] = round(float(np.mean(rounds)), 2)
            row["rounds_max"] = int(np.max(rounds))
            row["converged"] = int(sum(bool(f.converged) for f in result.values()))
        rows.append(row)
        print(
            f"{name:44s} {seconds:8.3f} s"
            + (
                f"   rounds mean {row['rounds_mean']}, max {row['rounds_max']}, "
                f"converged {row['converged']}/{len(result)}"
                if result is not None
                else ""
            )
        )

    for model in ("compromise", "median"):
        t, _ = timed(lambda m=model: forecast(table, [m]), args.repeats)
        record(model, t)
    t, res = timed(lambda: expected_utility(table, EUOptions()), args.repeats)
    record("expected_utility (defaults)", t, res)
    t, res = timed(
        lambda: expected_utility(table, EUOptions(probability="all-pairs")), args.repeats
    )
    record("expected_utility (probability=all-pairs)", t, res)
    sub = ActorTable(table.issues[: min(100, args.issues)])
    t, _ = timed(lambda: [expected_utility(ActorTable((i,)), EUOptions()) for i in sub.issues], 1)
    record(
        f"expected_utility, one issue at a time (x{args.issues // len(sub.issues)} of "
        f"{len(sub.issues)})",
        t * args.issues / len(sub.issues),
    )
    small = ActorTable(table.issues[:50])
    t, _ = timed(lambda: forecast(small, ["exchange"]), 1)
    record("exchange (first 50 issues only)", t)
    out = {
        "issues": args.issues,
        "actors": args.actors,
        "repeats": args.repeats,
        "python": platform.python_version(),
        "numpy": np.__version__,
        "machine": platform.machine(),
        "cases": rows,
    }
    Path(args.out).parent.mkdir(parents=True, exist_ok=True)
    Path(args.out).write_text(json.dumps(out, indent=2) + "\n")
    print(f"wrote {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
