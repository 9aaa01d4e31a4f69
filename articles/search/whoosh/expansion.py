"""The words a fuzzy, wildcard or prefix term stands for, read from the index's lexicon once.

Whoosh expands such terms against the lexicon of every segment for every search (60 short fuzzy
terms took 9-18 s on a few thousand articles). Here the words of every segment are merged once
per index version into one sorted list, stored with the facet tables in a file beside the index
that every process maps (facets.py, tablefile.py); a prefix is a slice of it, a wildcard a regex
over the words sharing its literal start, a fuzzy term a C-speed edit distance (rapidfuzz) over
the words of its first letter. Every expansion is cut to the search's budget (budget.py) and
checks its clock. `WordsQuery` then matches the words, asking each segment only for the words
the lexicon says it has.
"""

import bisect
import re
import threading

import numpy as np
from rapidfuzz import process
from rapidfuzz.distance import Levenshtein
from whoosh import query as wq
from whoosh.matching import NullMatcher
from whoosh.query.compound import DefaultOr

EXACT_FIELDS = ("title_exact", "body_exact")
_CHECK_EVERY = 4096  # candidates between two looks at the clock
_MEMO_KEPT = 512
_PRESENCE_BITS = 64  # segments x exact fields tracked per word; beyond, every segment is asked


class WordsQuery(wq.Query):
    """Any of `words` in any of `fields`, each word scored as a Term; no words: nothing (unlike
    Whoosh's NullQuery, which an AND drops as if absent). Per segment only the words that segment
    holds (of an exact field) become matchers, in a tree of unions that scoring.py reads in numpy
    (Whoosh's own long OR looks every word up in every segment, then preloads one score() call
    per document)."""

    def __init__(self, fields, words, boost: float = 1.0, presence: "Presence | None" = None):
        self.fields, self.words, self.boost = tuple(fields), tuple(words), boost
        self.presence = presence

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
        reader = searcher.reader()
        leaf = reader.segment() if reader.is_atomic() and self.presence else None
        segment = leaf.segment_id() if leaf is not None else None
        held = {f: self.presence.present(segment, f, self.words) for f in self.fields} if segment else None
        terms = [
            wq.Term(f, w, boost=self.boost)
            for w in self.words
            for f in self.fields
            if held is None or w in held[f]
        ]
        if not terms:
            return NullMatcher()
        return (terms[0] if len(terms) == 1 else DefaultOr(terms)).matcher(searcher, context)


class Presence:
    """Which segments of one index version hold each of a list of words, by exact field: a word
    absent from a segment is not looked up there."""

    def __init__(self, masks: np.ndarray, segment_bits: dict[str, int]):
        self.masks, self.segment_bits = masks, segment_bits

    def present(self, segment_id: str, field: str, words: tuple) -> set | frozenset:
        """Those of `words` (the words these masks describe, in order) in that segment's field."""
        bit = self.segment_bits.get(segment_id)
        if bit is None or field not in EXACT_FIELDS:
            return frozenset(words)
        shift = np.uint64(bit * len(EXACT_FIELDS) + EXACT_FIELDS.index(field))
        held = (self.masks >> shift) & np.uint64(1)
        return {w for w, h in zip(words, held.tolist(), strict=True) if h}


class _Words:
    """The lexicon's words as a sequence for bisect, each decoded when looked at."""

    def __init__(self, lexicon):
        self._lexicon = lexicon

    def __len__(self):
        return len(self._lexicon)

    def __getitem__(self, i):
        return self._lexicon.word(i)


class Lexicon:
    """The words of the exact (unstemmed) fields of one index version, sorted, in a byte array
    shared by every process (tablefile.py): the words joined by newlines (`text`), where each
    starts (`starts`, one more at the end), and in which segments each is (`presence`: one bit per
    segment and exact field; empty when the index has too many segments for 64 bits)."""

    def __init__(self, text: np.ndarray, starts: np.ndarray, presence: np.ndarray, segments: list[str]):
        self.text, self.starts, self.presence = text, starts, presence
        self._segment_bits = {segment: bit for bit, segment in enumerate(segments)} if len(presence) else {}
        self._memo: dict = {}
        self._lock = threading.Lock()

    @staticmethod
    def arrays(reader) -> tuple[dict[str, np.ndarray], list[str]]:
        """The lexicon's arrays for an index reader, and its segments in bit order."""
        # An empty index's only reader has no segment (and no words).
        leaves = [leaf for leaf, _ in reader.leaf_readers() if leaf.segment() is not None]
        tracked = len(leaves) * len(EXACT_FIELDS) <= _PRESENCE_BITS
        bits: dict[str, int] = {}
        for i, leaf in enumerate(leaves):
            for j, field in enumerate(EXACT_FIELDS):
                bit = 1 << (i * len(EXACT_FIELDS) + j) if tracked else 0
                for term in leaf.lexicon(field) if field in leaf.indexed_field_names() else ():
                    word = term.decode("utf-8")
                    bits[word] = bits.get(word, 0) | bit
        words = sorted(w for w in bits if "\n" not in w)  # a newline separates the words
        encoded = [w.encode("utf-8") for w in words]
        starts = np.zeros(len(words) + 1, dtype=np.int64)
        np.cumsum([len(e) + 1 for e in encoded], out=starts[1:])
        arrays = {
            "text": np.frombuffer(b"".join(e + b"\n" for e in encoded), dtype=np.uint8),
            "starts": starts,
            "presence": np.array([bits[w] for w in words] if tracked else [], dtype=np.uint64),
        }
        segments = [leaf.segment().segment_id() for leaf in leaves] if tracked else []
        return arrays, segments

    def __len__(self):
        return len(self.starts) - 1

    def word(self, i: int) -> str:
        return self.text[self.starts[i] : self.starts[i + 1] - 1].tobytes().decode("utf-8")

    def _words(self, lo: int, hi: int) -> list[str]:
        if hi <= lo:
            return []
        return self.text[self.starts[lo] : self.starts[hi] - 1].tobytes().decode("utf-8").split("\n")

    def _range(self, prefix: str) -> tuple[int, int]:
        if not prefix:
            return 0, len(self)
        words = _Words(self)
        return bisect.bisect_left(words, prefix), bisect.bisect_left(words, prefix + "\U0010ffff")

    def presence_of(self, positions: np.ndarray) -> Presence | None:
        """The segments holding the words at these positions; None when the lexicon does not know."""
        if not self._segment_bits:
            return None
        return Presence(self.presence[positions], self._segment_bits)

    def _memoised(self, key, compute):
        found = self._memo.get(key)
        if found is None:
            found = compute()
            with self._lock:
                if len(self._memo) >= _MEMO_KEPT:
                    self._memo.pop(next(iter(self._memo)))
                self._memo[key] = found
        return found

    @staticmethod
    def _shortest_first(words: list[str], positions: list[int]) -> tuple[list[str], np.ndarray]:
        order = sorted(range(len(words)), key=lambda k: len(words[k]))
        return [words[k] for k in order], np.array([positions[k] for k in order], dtype=np.int64)

    def prefixed(self, prefix: str) -> tuple[list[str], np.ndarray]:
        """Words starting with `prefix`, shortest first, and their positions."""

        def compute():
            lo, hi = self._range(prefix)
            return self._shortest_first(self._words(lo, hi), list(range(lo, hi)))

        return self._memoised(("prefix", prefix), compute)

    def wildcard(self, pattern: str, budget) -> tuple[list[str], np.ndarray]:
        """Words matching `pattern` (* any run of letters, ? one letter), shortest first, and their
        positions."""

        def compute():
            literal = re.split(r"[*?]", pattern, maxsplit=1)[0]
            regex = re.compile(re.escape(pattern).replace(r"\*", ".*").replace(r"\?", "."), re.S)
            lo, hi = self._range(literal)
            words, positions = [], []
            for n, word in enumerate(self._words(lo, hi)):
                if n % _CHECK_EVERY == 0:
                    budget.check_time(pattern)
                if regex.fullmatch(word):
                    words.append(word)
                    positions.append(lo + n)
            return self._shortest_first(words, positions)

        return self._memoised(("wildcard", pattern), compute)

    def fuzzy(self, word: str, distance: int) -> tuple[list[str], np.ndarray]:
        """Words within `distance` edits of `word` that share its first letter, closest first, and
        their positions."""

        def compute():
            lo, hi = self._range(word[:1])
            found = process.extract(
                word, self._words(lo, hi), scorer=Levenshtein.distance, score_cutoff=distance, limit=None
            )
            found.sort(key=lambda f: (f[1], len(f[0]), f[0]))
            return [choice for choice, _, _ in found], np.array([lo + k for _, _, k in found], dtype=np.int64)

        return self._memoised(("fuzzy", word, distance), compute)
