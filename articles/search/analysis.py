"""Text analysis shared by every backend and the highlighter: the word pattern, accent folding,
and the analyzers that cut text into the words (and stems) a search matches.

Built from Whoosh's analysis toolkit, used here as a text-processing library: a backend that is
not Whoosh still reads queries and marks hits with these, so that a marked word is a searched word.
"""

import re
import unicodedata

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
