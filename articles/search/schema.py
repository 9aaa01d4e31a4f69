"""The Whoosh schema of the article index, its analyzers, and the schema version stored beside it.

Raise SCHEMA_VERSION whenever a field or an analyzer changes: an index written with another
version is reported by `index.needs_rebuild()` and rebuilt from the database.
"""

import re

from whoosh import fields
from whoosh.analysis import StandardAnalyzer, StemmingAnalyzer
from whoosh.lang.porter2 import stem

SCHEMA_VERSION = 1

# The analyzers' word pattern, shared with the highlighter so that a marked word is a searched word.
WORD_PATTERN = r"\w+(?:\.?\w+)*"
WORD_RE = re.compile(WORD_PATTERN)

# whoosh.lang.porter2, not the default Porter stemmer, which leaves "shipping" as "shipp".
STEMMED = StemmingAnalyzer(expression=WORD_PATTERN, stemfn=stem)
# Unstemmed, without stop words: exact phrases, prefixes, fuzzy terms and spelling suggestions.
EXACT = StandardAnalyzer(expression=WORD_PATTERN, stoplist=None, minsize=1)
# Document key terms for "more like this": common words are not evidence of similarity.
KEY_TERMS = StemmingAnalyzer(expression=WORD_PATTERN, stemfn=stem, minsize=3)

TITLE_BOOST = 2.0

# Facet fields hold display names exactly as given, comma-separated; the query syntax matches them
# case-insensitively against the lexicon (see facets.FacetTables.labels_matching).
FACET_FIELDS = {"person": "person", "topic": "topic", "source": "source"}


def build_schema() -> fields.Schema:
    return fields.Schema(
        id=fields.ID(unique=True, stored=True, sortable=True),
        stamp=fields.STORED(),
        title=fields.TEXT(analyzer=STEMMED, field_boost=TITLE_BOOST, stored=True, phrase=False),
        body=fields.TEXT(analyzer=STEMMED, stored=False, phrase=False),
        title_exact=fields.TEXT(analyzer=EXACT, field_boost=TITLE_BOOST, phrase=True, spelling=False),
        body_exact=fields.TEXT(analyzer=EXACT, phrase=True),
        key_terms=fields.STORED(),
        person=fields.KEYWORD(commas=True, lowercase=False, stored=True, scorable=False),
        topic=fields.KEYWORD(commas=True, lowercase=False, stored=True, scorable=False),
        source=fields.KEYWORD(commas=True, lowercase=False, stored=True, scorable=False),
        date=fields.DATETIME(sortable=True),
    )
