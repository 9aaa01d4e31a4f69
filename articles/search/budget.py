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
    # query may expand to together, and one such term alone. Each word costs a posting list per
    # field and segment: about 0.1-0.5 ms on Reuters-21578 (bench/search_hostile.py).
    max_expanded_terms = 300
    max_term_expansion = 100
    # Edits a fuzzy term may allow by the length of its word (as Elasticsearch's AUTO): none below
    # 3 letters, where "aa~2" would be every word of up to four letters, one below 6, else two.
    fuzzy_one_edit_from = 3
    fuzzy_two_edits_from = 6
    # Wall-clock seconds for one search, parsing to the last match counted.
    seconds = 1.0

    def __init__(self, **overrides):
        for name, value in {**getattr(settings, "ARCHIVE_SEARCH_BUDGET", {}), **overrides}.items():
            if not hasattr(type(self), name):
                raise ValueError(f"ARCHIVE_SEARCH_BUDGET has no limit “{name}”.")
            setattr(self, name, value)
        self.deadline = time.monotonic() + self.seconds
        self.expanded = 0
        self._cut: list[tuple[str, int]] = []  # (term, words kept)
        self._dropped: list[str] = []
        self._narrowed: list[str] = []  # fuzzy terms allowed fewer edits

    def check_time(self, part: str) -> None:
        """Raise SearchTooSlow when the search is past its deadline."""
        if time.monotonic() > self.deadline:
            raise SearchTooSlow(part)

    def fuzzy_distance(self, part: str, word: str, distance: int) -> int:
        """The edits a fuzzy term may allow: at most `distance`, fewer for a short word."""
        allowed = (
            0 if len(word) < self.fuzzy_one_edit_from else 1 if len(word) < self.fuzzy_two_edits_from else 2
        )
        if allowed < distance:
            self._narrowed.append(part)
        return min(allowed, distance)

    def take(self, part: str, words: list) -> list:
        """The expansion of one term (closest words first) within what remains of the budget."""
        allowed = max(min(self.max_term_expansion, self.max_expanded_terms - self.expanded), 0)
        kept = words[:allowed]
        self.expanded += len(kept)
        if len(words) > len(kept):
            if kept:
                self._cut.append((part, len(kept)))
            else:
                self._dropped.append(part)
        return kept

    @property
    def problems(self) -> list[str]:
        """Sentences naming each term that was cut or left out."""
        sentences = [
            f"“{part}” matches more than {kept:,} words; only the closest {kept:,} were searched. "
            "Give more letters to narrow it."
            for part, kept in self._cut
        ]
        if self._narrowed:
            sentences.append(
                f"{_named(self._narrowed)} {_were(self._narrowed)} searched with fewer spelling variations: "
                f"a fuzzy word allows one from {self.fuzzy_one_edit_from} letters and two from "
                f"{self.fuzzy_two_edits_from}."
            )
        if self._dropped:
            sentences.append(
                f"{_named(self._dropped)} {_were(self._dropped)} left out: the query's fuzzy, wildcard "
                f"and prefix terms already matched {self.max_expanded_terms:,} words. "
                "Give more letters, or fewer such terms."
            )
        return sentences


def _named(parts: list[str]) -> str:
    named = ", ".join(f"“{part}”" for part in parts[:5])
    return named + (f" and {len(parts) - 5:,} more" if len(parts) > 5 else "")


def _were(parts: list[str]) -> str:
    return "were" if len(parts) > 1 else "was"
