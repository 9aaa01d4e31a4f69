"""The Whoosh schema of the article index and the schema version stored beside it.

Raise SCHEMA_VERSION whenever a field or an analyzer changes: an index written with another
version is reported by `index.needs_rebuild()` and rebuilt from the database.
"""

from whoosh import fields

from articles.facet_registry import NAMES as FACET_NAMES
from articles.search.analysis import EXACT, STEMMED

# 2: accents folded; facet fields hold row ids, not names; the `added` column.
SCHEMA_VERSION = 2

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
