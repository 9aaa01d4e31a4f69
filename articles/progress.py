"""A one-line progress bar for commands run on a terminal (no dependency needed)."""

import time
from collections import Counter


class ProgressBar:
    """Redraws one line: items done, rate, and counts by outcome; `done()` ends the line."""

    def __init__(self, stream, every: float = 0.2):
        self.stream = stream
        self.every = every
        self.counts = Counter()
        self.started = self.drawn = time.monotonic()

    def step(self, outcome: str) -> None:
        self.counts[outcome] += 1
        now = time.monotonic()
        if now - self.drawn >= self.every:
            self.drawn = now
            self._draw(now)

    def clear(self) -> None:
        """Blank the bar's line, so that a message printed next starts on a clean line."""
        self.stream.write("\r\033[K", ending="")
        self.stream.flush()

    def done(self) -> None:
        self._draw(time.monotonic())
        self.stream.write("")

    def _draw(self, now: float) -> None:
        total = sum(self.counts.values())
        rate = total / max(now - self.started, 1e-6)
        counts = "  ".join(f"{name} {n}" for name, n in sorted(self.counts.items()))
        self.stream.write(f"\r{total:>8,} articles  {rate:7.1f}/s  {counts}\033[K", ending="")
        self.stream.flush()
