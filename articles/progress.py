"""The ingest command's progress bar on a terminal: files done of the files found, the rate, the
time left, and the counts by outcome (drawn by tqdm)."""

from collections import Counter
from collections.abc import Iterable
from pathlib import Path

from tqdm import tqdm

from articles.ingest.read import find_files

# "42%|████▏     | 8/19 files [00:03, 00:04 left, 2.41 files/s] 7 new, 1 unchanged"
BAR_FORMAT = "{l_bar}{bar}| {n_fmt}/{total_fmt} files [{elapsed}, {remaining} left, {rate_fmt}]{postfix}"


class ProgressBar:
    """One redrawn line for an ingest of `paths`; `step()` per article or failure, `clear()`
    before printing a message of its own, `done()` at the end.

    The total is the number of files under `paths` (counted before the run starts); a file counts
    as done at its first article, so a JSON Lines file of many records moves the bar once.
    """

    def __init__(self, stream, paths: Iterable[str | Path]):
        self.files = {str(found if isinstance(found, Path) else found.origin) for found in find_files(paths)}
        self.seen: set[str] = set()
        self.counts = Counter()
        self.bar = tqdm(
            total=len(self.files),
            unit=" files",
            file=getattr(stream, "_out", stream),  # Django's OutputWrapper adds a newline per write
            dynamic_ncols=True,
            mininterval=0.2,
            bar_format=BAR_FORMAT,
        )

    def step(self, outcome: str, origin: str) -> None:
        self.counts[outcome] += 1
        self.bar.set_postfix_str(
            ", ".join(f"{n:,} {name}" for name, n in sorted(self.counts.items())), refresh=False
        )
        path = origin if origin in self.files else origin.rsplit("#", 1)[0]
        if path not in self.seen:
            self.seen.add(path)
            self.bar.update(1)

    def clear(self) -> None:
        """Blank the bar's line, so that a message printed next starts on a clean line."""
        self.bar.clear()

    def done(self) -> None:
        """Every file has been read (some may have given no article): fill the bar and end the line."""
        self.bar.update(self.bar.total - self.bar.n)
        self.bar.close()
