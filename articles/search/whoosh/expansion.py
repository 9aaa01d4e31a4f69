"""The words a fuzzy, wildcard or prefix term stands for, read from the index's lexicon once.

Whoosh expands such terms against the lexicon of every segment for every search (60 short fuzzy
terms took 9-18 s on a few thousand articles). Here each segment's words are read once (a segment
never changes) and merged into a sorted list per index version; a prefix is a slice of it, a
wildcard a regex over the words sharing its literal start, a fuzzy term a C-speed edit distance
(rapidfuzz) over the words of its first letter. Every expansion is cut to the search's budget
(budget.py) and checks its clock. `WordsQuery` then matches the words, asking each segment only
for the words it has.
"""

import bisect
import re
import threading
from collections import defaultdict
from functools import cached_property

from rapidfuzz import process
from rapidfuzz.distance import Levenshtein
from whoosh import query as wq
from whoosh.matching import NullMatcher
from whoosh.query.compound import DefaultOr

EXACT_FIELDS = ("title_exact", "body_exact")
_CHECK_EVERY = 4096  # candidates between two looks at the clock
_MEMO_KEPT = 512
_SEGMENTS_KEPT = 256

_segment_words: dict = {}
_segment_lock = threading.Lock()


def segment_words(reader) -> dict[str, frozenset]:
    """The words of each exact field in one segment, read once per segment (segments never
    change); {} for a reader that is not a single segment."""
    if not reader.is_atomic():
        return {}
    key = reader.segment().segment_id()
    words = _segment_words.get(key)
    if words is None:
        words = {f: frozenset(t.decode("utf-8") for t in reader.lexicon(f)) for f in EXACT_FIELDS}
        with _segment_lock:
            if len(_segment_words) >= _SEGMENTS_KEPT:
                _segment_words.pop(next(iter(_segment_words)))
            _segment_words[key] = words
    return words


class WordsQuery(wq.Query):
    """Any of `words` in any of `fields`, each word scored as a Term; no words: nothing (unlike
    Whoosh's NullQuery, which an AND drops as if absent). Per segment only the words that segment
    holds (of an exact field) become matchers, in a tree of unions that scoring.py reads in numpy
    (Whoosh's own long OR looks every word up in every segment, then preloads one score() call
    per document)."""

    def __init__(self, fields, words, boost: float = 1.0):
        self.fields, self.words, self.boost = tuple(fields), tuple(words), boost

    def __eq__(self, other):
        return type(other) is type(self) and (self.fields, self.words, self.boost) == (
            other.fields,
            other.words,
            other.boost,
        )

    def __hash__(self):
        return hash((self.fields, self.words, self.boost))

    def __repr__(self):
        return f"WordsQuery({self.fields!r}, {len(self.words)} words)"

    def field(self):
        return self.fields[0] if len(self.fields) == 1 else None

    def terms(self, phrases=False):
        return ((f, w) for w in self.words for f in self.fields)

    def estimate_size(self, ixreader):
        return ixreader.doc_count_all()  # an overestimate is allowed; looking every word up is not

    def normalize(self):
        return self

    def matcher(self, searcher, context=None):
        present = segment_words(searcher.reader())
        terms = [
            wq.Term(f, w, boost=self.boost)
            for w in self.words
            for f in self.fields
            if f not in present or w in present[f]
        ]
        if not terms:
            return NullMatcher()
        return (terms[0] if len(terms) == 1 else DefaultOr(terms)).matcher(searcher, context)


class Lexicon:
    """The words of the exact (unstemmed) fields of one index version."""

    def __init__(self, reader):
        self._reader = reader
        self._memo: dict = {}
        self._lock = threading.Lock()

    @cached_property
    def words(self) -> list[str]:
        found = set()
        for leaf, _ in self._reader.leaf_readers():
            for words in segment_words(leaf).values():
                found.update(words)
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
