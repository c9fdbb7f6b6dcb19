"""The built-in analyses, registered in output order.

Each module defines its :class:`~negotiation.registry.Analysis` entries (with
their renderers); it computes nothing itself, but refers to the solver
functions in :mod:`negotiation.solve`. They are registered below, in the
order the outputs show them; :mod:`negotiation.registry` imports this package
on first use. To add an analysis, add a module here and one line to
``BUILTIN`` (or call :func:`negotiation.registry.register` from your own
code); see ``docs/architecture.md``.
"""

from ..registry import register
from .agreement import RANGE
from .alternating_offers import ALTERNATING_OFFERS
from .conflict import CONFLICT
from .equilibria import EQUILIBRIA
from .forecast import FORECAST
from .pareto import PARETO
from .proposals import PROPOSALS
from .ratification import RATIFICATION
from .solutions import SOLUTIONS

#: The built-in analyses, in output order.
BUILTIN = (
    RANGE,
    PARETO,
    *SOLUTIONS,
    EQUILIBRIA,
    CONFLICT,
    ALTERNATING_OFFERS,
    RATIFICATION,
    FORECAST,
    PROPOSALS,
)

for _analysis in BUILTIN:
    register(_analysis)
