"""The progress bar of a sweep: points done, rate and time left, on a terminal only.

tqdm draws it when it is installed (the ``dask`` extra brings it); otherwise a
plain one-line bar of the same information. Nothing is drawn when the stream
is not a terminal (a log file, a pipe, a test), unless asked for.
"""

from __future__ import annotations

import sys
import time
from typing import Any, TextIO


class Progress:
    """``update(n)`` points done; ``close()`` at the end."""

    def __init__(
        self,
        total: int,
        initial: int = 0,
        label: str = "sweep",
        stream: TextIO | None = None,
        enabled: bool | None = None,
    ) -> None:
        self.stream = stream or sys.stderr
        self.total, self.done, self.label = total, initial, label
        if enabled is None:
            enabled = bool(getattr(self.stream, "isatty", lambda: False)())
        self.enabled = enabled
        self.bar: Any = None
        self.start = time.monotonic()
        self.initial = initial
        self.last = 0.0
        if not enabled:
            return
        try:
            from tqdm import tqdm
        except ImportError:
            self._draw()
            return
        self.bar = tqdm(
            total=total,
            initial=initial,
            desc=label,
            unit="pt",
            file=self.stream,
            dynamic_ncols=True,
            smoothing=0.1,
            unit_scale=False,
        )

    def update(self, n: int) -> None:
        self.done += n
        if not self.enabled:
            return
        if self.bar is not None:
            self.bar.update(n)
        elif time.monotonic() - self.last > 0.2 or self.done >= self.total:
            self._draw()

    def _draw(self) -> None:
        self.last = time.monotonic()
        elapsed = max(self.last - self.start, 1e-9)
        rate = (self.done - self.initial) / elapsed
        left = (self.total - self.done) / rate if rate > 0 else float("nan")
        share = self.done / self.total if self.total else 1.0
        width = 28
        fill = int(round(share * width))
        eta = "?" if left != left else _clock(left)
        self.stream.write(
            f"\r{self.label} [{'#' * fill}{'.' * (width - fill)}] "
            f"{self.done:,}/{self.total:,} {share:4.0%} "
            f"{rate:,.0f} pt/s, {eta} left "
        )
        self.stream.flush()

    def close(self) -> None:
        if not self.enabled:
            return
        if self.bar is not None:
            self.bar.close()
        else:
            self._draw()
            self.stream.write("\n")
            self.stream.flush()


def _clock(seconds: float) -> str:
    s = int(round(seconds))
    h, rest = divmod(s, 3600)
    m, s = divmod(rest, 60)
    return f"{h}:{m:02d}:{s:02d}" if h else f"{m:02d}:{s:02d}"


__all__ = ["Progress"]
