"""The Whoosh schema of the article index, its analyzers, and the schema version stored beside it.

Raise SCHEMA_VERSION whenever a field or an analyzer changes: an index written with another
version is reported by `index.needs_rebuild()` and rebuilt from the database.
"""

import re
import unicodedata

from whoosh import fields
from whoosh.analysis import CharsetFilter, LowercaseFilter, RegexTokenizer, StemFilter, StopFilter
from whoosh.analysis.filters import STOP_WORDS
from whoosh.lang.porter2 import stem

from articles.facet_registry import NAMES as FACET_NAMES

# 2: accents folded; facet fields hold row ids, not names; the `added` column.
SCHEMA_VERSION = 2

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

TITLE_BOOST = 2.0

# The facet fields hold row ids (see articles/facet_registry.py), comma-separated.
FACET_FIELDS = {name: name for name in FACET_NAMES}


def build_schema() -> fields.Schema:
    return fields.Schema(
        id=fields.ID(unique=True, stored=True, sortable=True),
        stamp=fields.STORED(),
        title=fields.TEXT(analyzer=STEMMED, field_boost=TITLE_BOOST, stored=True, phrase=False),
        body=fields.TEXT(analyzer=STEMMED, stored=False, phrase=False),
        title_exact=fields.TEXT(analyzer=EXACT, field_boost=TITLE_BOOST, phrase=True, spelling=False),
        body_exact=fields.TEXT(analyzer=EXACT, phrase=True),
        key_terms=fields.STORED(),
        **{
            name: fields.KEYWORD(commas=True, lowercase=False, stored=True, scorable=False)
            for name in FACET_FIELDS.values()
        },
        date=fields.DATETIME(sortable=True),
        # When the article was stored, in seconds since the epoch: the "recently added" order.
        added=fields.NUMERIC(int, bits=64, signed=False, sortable=True, stored=False),
    )
