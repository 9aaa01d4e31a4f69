"""What one search may cost, in one place: how many words its fuzzy, wildcard and prefix terms
may expand to, and how long it may run. Any backend enforces the same limits.

The limits are class attributes; settings.ARCHIVE_SEARCH_BUDGET (a dict with the same names)
overrides them. A search over its budget is never an error page: the broad part is narrowed or
dropped and named in a sentence, and a search out of time is answered by its plain words.
"""

import time

from django.conf import settings


class SearchTooSlow(Exception):
    """The search ran past its time budget; `part` names what it was doing."""

    def __init__(self, part: str):
        super().__init__(part)
        self.part = part


class SearchBudget:
    # Words all the fuzzy, wildcard and prefix terms (and facet names matched by part) of one
    # query may expand to together, and one such term alone.
    max_expanded_terms = 2000
    max_term_expansion = 500
    # Wall-clock seconds for one search, parsing to the last match counted.
    seconds = 1.0

    def __init__(self, **overrides):
        for name, value in {**getattr(settings, "ARCHIVE_SEARCH_BUDGET", {}), **overrides}.items():
            if not hasattr(type(self), name):
                raise ValueError(f"ARCHIVE_SEARCH_BUDGET has no limit “{name}”.")
            setattr(self, name, value)
        self.deadline = time.monotonic() + self.seconds
        self.expanded = 0
        self.problems: list[str] = []

    def check_time(self, part: str) -> None:
        """Raise SearchTooSlow when the search is past its deadline."""
        if time.monotonic() > self.deadline:
            raise SearchTooSlow(part)

    def take(self, part: str, words: list, total: int | None = None) -> list:
        """The expansion of one term within what remains of the budget; says so when cut.
        `total` is how many words the term matched (when `words` is already a cut)."""
        total = len(words) if total is None else total
        allowed = min(self.max_term_expansion, self.max_expanded_terms - self.expanded)
        kept = words[: max(allowed, 0)]
        self.expanded += len(kept)
        if total > len(kept):
            if kept:
                self.problems.append(
                    f"“{part}” matches more than {len(kept):,} words; only the closest {len(kept):,} "
                    "were searched. Give more letters to narrow it."
                )
            else:
                self.problems.append(
                    f"“{part}” was left out: the query's fuzzy, wildcard and prefix terms already "
                    f"matched {self.max_expanded_terms:,} words. Give more letters, or fewer such terms."
                )
        return kept
