"""Errors the package raises on bad input.

Every problem with a scenario file is reported as one :class:`ScenarioError`
whose message reads ``FILE:LINE: path.to.field: what is wrong``; the CLI prints
it and exits with status 2.
"""

from __future__ import annotations


class NegotiationError(Exception):
    """Base class of the errors this package raises on purpose.

    Catch it to handle every expected failure of the package (bad input)
    while letting real bugs through.
    """


class ScenarioError(NegotiationError, ValueError):
    """A scenario (file or in-code mapping) is malformed or inconsistent.

    It is a ``ValueError``, so code that catches bad values catches it too.
    ``str(error)`` reads ``FILE:LINE: path: message`` (``<scenario>`` for a
    mapping without a file), as the command line prints it.

    Parameters
    ----------
    message : str
        What is wrong, in one sentence.
    path : str
        Dotted path of the offending field (``parties.ukraine.weights.nato``);
        empty for the document as a whole.
    file : str or None
        The scenario file, or ``None`` for a scenario built in code.
    line : int or None
        1-based line in ``file`` where the field stands, when known.

    Attributes
    ----------
    message, path, file, line
        As given.
    """

    def __init__(self, message: str, path: str = "", file: str | None = None,
                 line: int | None = None) -> None:
        self.message = message
        self.path = path
        self.file = file
        self.line = line
        super().__init__(str(self))

    def __str__(self) -> str:
        where = self.file if self.file is not None else "<scenario>"
        if self.line is not None:
            where = f"{where}:{self.line}"
        field = f" {self.path}:" if self.path else ""
        return f"{where}:{field} {self.message}"
