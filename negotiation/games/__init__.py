"""Strategic-form games from scenarios, with complete and verified equilibria.

One algorithm per module:

=================  ==========================================================
``game``           :class:`NormalFormGame`, the frozen game (players, strategies, payoffs)
``verify``         best-response conditions and regret (every reported equilibrium passes)
``vertex``         all equilibria of two-player games: vertex enumeration (default)
``degenerate``     degenerate games: every vertex by its bases, components, convex sets
``support``        support enumeration (the independent second method)
``lemke``          Lemke-Howson, exact integer pivoting with the lexicographic rule
``pure``           pure equilibria of n-player games (vectorised)
``npl``            mixed equilibria of small n-player games (supports + polynomial homotopy)
``dominance``      iterated elimination of strictly dominated strategies (pure and mixed)
``dynamics``       fictitious play and best-response dynamics, with trajectories
``derived``        the proposal game and the Nash demand game of a scenario
``nfg``            Gambit ``.nfg`` files: reading and writing
``spec``           the ``games`` block of a scenario file (validation, located errors)
``results``        frozen results, ``<method>_solve`` functions, :func:`solve`, JSON
``text``, ``cli``  the ``negotiation equilibria`` command and its table output
=================  ==========================================================

The names below are imported lazily (on first use), so that importing
``negotiation.games.cli`` to register the command costs nothing: numpy and scipy
load only when the ``equilibria`` command runs.
"""

from __future__ import annotations

import importlib
from typing import Any

#: Public name -> module that defines it.
_EXPORTS = {
    "NormalFormGame": "game",
    "Equilibrium": "results",
    "EquilibriumSet": "results",
    "METHODS": "results",
    "solve": "results",
    "equilibria_json": "results",
    "enummixed_solve": "results",
    "enumsupport_solve": "results",
    "lcp_solve": "results",
    "enumpure_solve": "results",
    "enumpoly_solve": "results",
    "REGRET_TOL": "verify",
    "regret": "verify",
    "iterated_elimination": "dominance",
    "DominanceResult": "dominance",
    "fictitious_play": "dynamics",
    "best_response_dynamics": "dynamics",
    "Trajectory": "dynamics",
    "parse_nfg": "nfg",
    "read_nfg": "nfg",
    "to_nfg": "nfg",
    "proposal_game": "derived",
    "demand_game": "derived",
    "parse_games": "spec",
    "build_games": "spec",
    "evidence_gaps": "spec",
}

__all__ = sorted(_EXPORTS)


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'negotiation.games' has no attribute {name!r}")
    value = getattr(importlib.import_module(f".{module}", __name__), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_EXPORTS))
