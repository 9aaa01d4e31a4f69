"""A fixed workload timed beside a benchmark's figures: this shared machine's speed varies from
day to day, and figures from different days compare only through a reference measured in the
same run.

Two parts, because they can slow down differently: an interpreter loop that stays in the CPU's
caches, and lookups in random order in a dictionary too large for them, memory-bound like the
archive's own work (ingest and indexing). On 2026-11-29 the same ingest code took 2.5-3 times as
long as on an earlier day, when no reference was printed.
"""

import random
import time

ADDITIONS = 10_000_000
ENTRIES = 1_000_000


def _loop() -> None:
    total = 0
    for number in range(ADDITIONS):
        total += number


def _lookups() -> None:
    table = {str(number): [number] for number in range(ENTRIES)}
    keys = list(table)
    random.Random(1).shuffle(keys)
    total = 0
    for key in keys:
        total += table[key][0]


def _best(work, rounds: int = 3) -> float:
    best = float("inf")
    for _ in range(rounds):
        started = time.process_time()
        work()
        best = min(best, time.process_time() - started)
    return best


def measure() -> tuple[float, float]:
    """CPU seconds (best of 3) of the loop and of the lookups."""
    return _best(_loop), _best(_lookups)


def describe(figures: tuple[float, float]) -> str:
    loop, lookups = figures
    return (
        f"CPU reference (best of 3): {loop:.2f} s for {ADDITIONS:,} additions in a Python loop, "
        f"{lookups:.2f} s to build and read in random order a dict of {ENTRIES:,} entries"
    )
