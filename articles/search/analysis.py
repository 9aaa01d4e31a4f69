"""Text analysis shared by every backend and the highlighter: the word pattern, accent folding,
and the analyzers that cut text into the words (and stems) a search matches.

Built from Whoosh's analysis toolkit, used here as a text-processing library: a backend that is
not Whoosh still reads queries and marks hits with these, so that a marked word is a searched word.
"""

import re
import unicodedata
from collections.abc import Iterable

from whoosh.analysis import CharsetFilter, LowercaseFilter, RegexTokenizer, StemFilter, StopFilter
from whoosh.analysis.filters import STOP_WORDS
from whoosh.lang.porter2 import stem

# The analyzers' word pattern, shared with the highlighter so that a marked word is a searched word.
WORD_PATTERN = r"\w+(?:\.?\w+)*"
WORD_RE = re.compile(WORD_PATTERN)


def _accent_table() -> dict[int, str]:
    """Each accented Latin letter to its base letter, one character for one ("é" -> "e"), so that
    folded text keeps its offsets. Other scripts are left alone (in Cyrillic "й" is not "и")."""
    table = {}
    for code in [*range(0xC0, 0x250), *range(0x1E00, 0x1F00)]:
        base = "".join(c for c in unicodedata.normalize("NFD", chr(code)) if not unicodedata.combining(c))
        if len(base) == 1 and base != chr(code) and base.isascii():
            table[code] = base
    table.update({ord(a): b for a, b in zip("øØłŁđĐħĦıŧŦ", "oOlLdDhHitT", strict=True)})
    return table


ACCENTS = _accent_table()
# For words: also without combining marks, which lowercasing may leave ("İ" -> "i" + U+0307).
WORD_ACCENTS = {**ACCENTS, **dict.fromkeys(range(0x300, 0x370))}


def fold(text: str) -> str:
    """`text` without accents on Latin letters, with the same length: "São" -> "Sao"."""
    return text.translate(ACCENTS)


def fold_word(word: str) -> str:
    """A lowercase word as the index holds it: without accents or combining marks."""
    return word.translate(WORD_ACCENTS)


def _analyzer(stoplist=None, minsize=1, stemmed=False):
    chain = RegexTokenizer(WORD_PATTERN) | LowercaseFilter() | CharsetFilter(WORD_ACCENTS)
    if stoplist is not None:
        chain = chain | StopFilter(stoplist=stoplist, minsize=minsize)
    elif minsize > 1:
        chain = chain | StopFilter(stoplist=(), minsize=minsize)
    # whoosh.lang.porter2, not the default Porter stemmer, which leaves "shipping" as "shipp".
    return chain | StemFilter(stemfn=stem, cachesize=50000) if stemmed else chain


# Every analyzer folds accents after lowercasing, so "amelie" finds "Amélie" and a phrase stays
# exact about word forms but not about accents.
STEMMED = _analyzer(STOP_WORDS, minsize=2, stemmed=True)
# Unstemmed, without stop words: exact phrases, prefixes, fuzzy terms and spelling suggestions.
EXACT = _analyzer()
# Document key terms for "more like this": common words are not evidence of similarity.
KEY_TERMS = _analyzer(STOP_WORDS, minsize=3, stemmed=True)


# --- the same words, stems and key terms as plain functions ---------------------------------
# What the analyzers above make, without a Token and a generator per word per filter, for an
# index writer's own analysis (the PostgreSQL document, Whoosh's stored key terms) at a fraction
# of their cost. tests/test_postgres_backend.py checks them against the analyzers.


def words(text: str) -> list[str]:
    """The exact words of `text`, as EXACT makes them (lowercased, accents folded). They are
    lowercased and folded in one pass, joined by spaces: no word holds one, and a space ends a
    word for lowercasing (a final sigma) just as the end of the text does."""
    folded = " ".join(WORD_RE.findall(text)).lower().translate(WORD_ACCENTS)
    return list(filter(None, folded.split(" ")))


STEMS_KEPT = 200_000  # the memo of stems is emptied beyond this many words


class _Stems(dict):
    """Each word's stem as STEMMED makes it; None for a stop word or a single letter. A memo: a
    word stemmed before costs one dictionary lookup, and no Python call."""

    def __missing__(self, word: str) -> str | None:
        if len(self) >= STEMS_KEPT:
            self.clear()
        found = self[word] = stem(word) if len(word) >= 2 and word not in STOP_WORDS else None
        return found


stem_of = _Stems().__getitem__

KEY_TERM_COUNT = 40  # the words "more like this" chooses from


def key_terms(counted: Iterable[tuple[str, int]]) -> list[str]:
    """The most frequent stems of at least three letters, as KEY_TERMS makes them, from words
    and how often each is found, in the order first found (the first of equals first, as
    Counter.most_common orders them)."""
    counts = {}
    for word, count in counted:
        if len(word) >= 3 and (term := stem_of(word)) is not None:
            counts[term] = counts.get(term, 0) + count
    return sorted(counts, key=counts.__getitem__, reverse=True)[:KEY_TERM_COUNT]
