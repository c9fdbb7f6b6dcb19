"""The input limits, in one place (documented in ``docs/reliability.md``).

Each limit is checked before the work or the memory it bounds is spent, and a
file beyond one is refused with exit status 2 and a one-line message naming
the limit. The numbers leave a wide margin over real scenarios (the shipped
files are about 30 KB, with 4 parties, 5 issues, about 100,000 grid
outcomes, 7 breakpoints and 45 combinations of levels) while keeping the
worst accepted file to a few seconds of reading and well under a gigabyte of
memory.
"""

from __future__ import annotations

#: Largest scenario file read, in bytes (a larger file is refused unread).
MAX_FILE_BYTES = 1 << 20
#: Values a file may expand to, counting each use of an alias (``*name``) in full.
MAX_VALUES = 100_000
#: Deepest nesting of mappings and lists.
MAX_DEPTH = 200
#: Largest outcome grid (the full product of the issues' grids).
MAX_OUTCOMES = 5_000_000
#: Largest outcome grid times the number of parties (the utility matrix, 8 bytes each; the
#: analysis peaks at several copies of it).
MAX_UTILITIES = 10_000_000
#: Largest number of breakpoints (value-function kinks inside an issue's range) on one issue.
MAX_BREAKPOINTS = 1_000
#: Largest outcome grid times the breakpoints of all issues (grid building and search work).
MAX_GRID_WORK = 20_000_000
#: Most combinations of the discrete issues' levels (the search visits each).
MAX_COMBINATIONS = 100_000
#: Most parties (the search and the Pareto frontier grow fast with them: 50 parties on a
#: 40,000-outcome grid took 90 s and 2 GB) and most issues.
MAX_PARTIES = 20
MAX_ISSUES = 50
#: Largest magnitude of any number in a scenario (issue values, batna, costs, weights...).
MAX_MAGNITUDE = 1e12
#: Smallest weight other than 0 (a weight of 1e-300 made the solvers divide by a
#: subnormal number; every other number may be as small as it likes).
MIN_WEIGHT = 1e-12

__all__ = [
    "MAX_BREAKPOINTS",
    "MAX_COMBINATIONS",
    "MAX_DEPTH",
    "MAX_FILE_BYTES",
    "MAX_GRID_WORK",
    "MAX_ISSUES",
    "MAX_MAGNITUDE",
    "MAX_OUTCOMES",
    "MAX_PARTIES",
    "MAX_UTILITIES",
    "MAX_VALUES",
    "MIN_WEIGHT",
]
