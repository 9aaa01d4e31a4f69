"""The words a fuzzy, wildcard or prefix term stands for, read from the index's lexicon once.

Whoosh expands such terms against the lexicon of every segment for every search (60 short fuzzy
terms took 9-18 s on a few thousand articles). Here the exact fields' words are read once per
index version into a sorted list; a prefix is a slice of it, a wildcard a regex over the words
sharing its literal start, a fuzzy term a C-speed edit distance (rapidfuzz) over the words of its
first letter. Every expansion is cut to the search's budget (budget.py) and checks its clock.
"""

import bisect
import re
import threading
from collections import defaultdict
from functools import cached_property

from rapidfuzz import process
from rapidfuzz.distance import Levenshtein

EXACT_FIELDS = ("title_exact", "body_exact")
_CHECK_EVERY = 4096  # candidates between two looks at the clock
_MEMO_KEPT = 512


class Lexicon:
    """The words of the exact (unstemmed) fields of one index version."""

    def __init__(self, reader):
        self._reader = reader
        self._memo: dict = {}
        self._lock = threading.Lock()

    @cached_property
    def words(self) -> list[str]:
        found = set()
        for fieldname in EXACT_FIELDS:
            found.update(term.decode("utf-8") for term in self._reader.lexicon(fieldname))
        return sorted(found)

    @cached_property
    def by_initial(self) -> dict[str, list[str]]:
        groups = defaultdict(list)
        for word in self.words:
            groups[word[:1]].append(word)
        return dict(groups)

    def _memoised(self, key, compute):
        found = self._memo.get(key)
        if found is None:
            found = compute()
            with self._lock:
                if len(self._memo) >= _MEMO_KEPT:
                    self._memo.pop(next(iter(self._memo)))
                self._memo[key] = found
        return found

    def _starting(self, prefix: str) -> list[str]:
        words = self.words
        start = bisect.bisect_left(words, prefix)
        end = bisect.bisect_left(words, prefix + "\U0010ffff")
        return words[start:end]

    def prefixed(self, prefix: str) -> list[str]:
        """Words starting with `prefix`, shortest first."""
        return self._memoised(("prefix", prefix), lambda: sorted(self._starting(prefix), key=len))

    def wildcard(self, pattern: str, budget) -> list[str]:
        """Words matching `pattern` (* any run of letters, ? one letter), shortest first."""

        def compute():
            literal = re.split(r"[*?]", pattern, maxsplit=1)[0]
            regex = re.compile(re.escape(pattern).replace(r"\*", ".*").replace(r"\?", "."), re.S)
            found = []
            for n, word in enumerate(self._starting(literal)):
                if n % _CHECK_EVERY == 0:
                    budget.check_time(pattern)
                if regex.fullmatch(word):
                    found.append(word)
            return sorted(found, key=len)

        return self._memoised(("wildcard", pattern), compute)

    def fuzzy(self, word: str, distance: int) -> list[str]:
        """Words within `distance` edits of `word` that share its first letter, closest first."""

        def compute():
            choices = self.by_initial.get(word[:1], [])
            found = process.extract(
                word, choices, scorer=Levenshtein.distance, score_cutoff=distance, limit=None
            )
            return [choice for choice, _, _ in sorted(found, key=lambda f: (f[1], len(f[0]), f[0]))]

        return self._memoised(("fuzzy", word, distance), compute)
