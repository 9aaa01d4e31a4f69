"""A fixed CPU workload timed beside a benchmark's figures: a shared machine's speed varies from
day to day (its pure-Python speed has been seen to halve), so absolute figures from different
days compare only through this reference measured in the same run."""

import time

ADDITIONS = 10_000_000


def cpu_seconds(rounds: int = 3) -> float:
    """The least CPU time, over `rounds`, of ADDITIONS integer additions in a Python loop."""
    best = float("inf")
    for _ in range(rounds):
        started = time.process_time()
        total = 0
        for number in range(ADDITIONS):
            total += number
        best = min(best, time.process_time() - started)
    return best


def describe(seconds: float) -> str:
    return f"CPU reference: {seconds:.2f} s for {ADDITIONS:,} additions in a Python loop (best of 3)"
