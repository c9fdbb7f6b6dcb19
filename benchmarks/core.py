#!/usr/bin/env python3
"""Benchmark of the solver core: ``negotiation.analyse`` end to end, CPU time.

Runs with any version of the package on ``sys.path`` (so the same script
measures the code before and after a change)::

    python benchmarks/core.py                        # this checkout
    PYTHONPATH=/path/to/old/checkout python benchmarks/core.py --label before

Cases:

* ``shipped``: the three evidenced scenarios of ``scenarios/``;
* ``2x300k``: the NegMAS benchmark scenario (``space.py``), 2 parties, 301,467 outcomes;
* ``6x6k``: six parties on territory x NATO x guarantees, 45 x 3 x 45 = 6,075 outcomes;
* ``scaling``: parties 2, 4, 6, 8 against outcomes 10^3 .. 10^6 (``--scaling``),
  with the time split into the grid part (utilities, agreement set, Pareto
  frontier) and the certified search.

Times are medians of ``--repeats`` runs of CPU time (``time.process_time``,
which a busy machine disturbs less than wall time), after one warm-up run.
Results go to ``benchmarks/results/core-<label>.json``.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))

import space  # noqa: E402

EXTRA = {  # parties beyond the four of space.py: (weights, territory, nato, guarantees, batna)
    "uk": ((0.3, 0.3, 0.4), 0.1, (0.9, 0.7, 0.1), 0.9, 0.35),
    "turkey": ((0.4, 0.4, 0.2), 0.6, (0.3, 0.7, 0.9), 0.4, 0.4),
    "china": ((0.5, 0.4, 0.1), 0.8, (0.0, 0.4, 1.0), 0.2, 0.35),
    "poland": ((0.45, 0.2, 0.35), 0.0, (1.0, 0.4, 0.0), 1.0, 0.3),
}


def many_parties(n_parties: int, grid: int) -> dict:
    """The ``space.py`` scenario with up to eight parties (every party has a veto)."""
    base = space.scenario_dict(4, grid)
    names = list(base["parties"])
    for name, (w, t, nato, g, batna) in EXTRA.items():
        base["parties"][name] = {
            "weights": dict(zip(space.ISSUES, w)),
            "values": {"territory": {"ideal": t}, "nato": dict(zip(space.NATO_LEVELS, nato)),
                       "guarantees": {"ideal": g}},
            "batna": batna}
        names.append(name)
    base["parties"] = {n: base["parties"][n] for n in names[:n_parties]}
    base["title"] = f"{n_parties} parties, grid {grid}x3x{grid}"
    return base


def cpu(fn, repeats: int) -> tuple[float, object]:
    fn()
    times, out = [], None
    for _ in range(repeats):
        t = time.process_time()
        out = fn()
        times.append(time.process_time() - t)
    return statistics.median(times), out


def split(scenario, repeats: int) -> dict:
    """Median CPU seconds: the whole analysis, and its grid part."""
    import negotiation as ng

    def grid_part():
        problem = ng.Problem(scenario)
        idx = np.flatnonzero(problem.agreement)
        return ng.pareto_mask(problem.U[idx])

    total, report = cpu(lambda: ng.analyse(scenario), repeats)
    grid, _ = cpu(grid_part, repeats)
    sols = getattr(report, "solutions", {})
    certified = all(getattr(s, "certified", False) for s in sols.values() if s is not None)
    return {"analyse_s": total, "grid_s": grid, "search_s": max(0.0, total - grid),
            "outcomes": int(scenario.space.size), "certified": bool(certified)}


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--label", default="after")
    ap.add_argument("--repeats", type=int, default=5)
    ap.add_argument("--scaling", action="store_true", help="also run the scaling grid")
    args = ap.parse_args()
    import negotiation as ng

    out: dict = {"label": args.label, "python": sys.version.split()[0], "cases": {}}
    for path in sorted((ROOT / "scenarios").glob("*.yaml")):
        s = ng.load_scenario(str(path))
        out["cases"][f"shipped/{path.stem}"] = split(s, args.repeats)
    out["cases"]["2x300k"] = split(ng.scenario_from_dict(space.scenario_dict(2, 317)),
                                   args.repeats)
    out["cases"]["6x6k"] = split(ng.scenario_from_dict(many_parties(6, 45)), args.repeats)
    if args.scaling:
        for P in (2, 4, 6, 8):
            for n in (1_000, 10_000, 100_000, 1_000_000):
                g = max(2, int(round((n / 3) ** 0.5)))
                s = ng.scenario_from_dict(many_parties(P, g))
                out["cases"][f"scaling/{P}x{n}"] = split(s, 1 if n >= 100_000 else 3)
                print(f"scaling {P} parties {s.space.size} outcomes:",
                      out["cases"][f"scaling/{P}x{n}"], flush=True)
    for k, v in out["cases"].items():
        print(f"{k:32s} analyse {v['analyse_s']*1e3:9.1f} ms  grid {v['grid_s']*1e3:8.1f} ms"
              f"  outcomes {v['outcomes']:>9,}  certified {v['certified']}")
    dest = HERE / "results" / f"core-{args.label}.json"
    dest.write_text(json.dumps(out, indent=2) + "\n")
    print(f"wrote {dest.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
