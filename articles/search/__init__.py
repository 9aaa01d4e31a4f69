"""The article search index: the only package that knows Whoosh.

index.py     the index on disk: IndexDocument, add_or_update, remove, rebuild, indexed_stamps
query.py     SearchRequest -> SearchResult (hits, exact total, facets, date histogram), highlights
syntax.py    the user's query syntax; facets.py per-index numpy tables; highlight.py snippets
schema.py    fields, analyzers (accents folded) and SCHEMA_VERSION; scoring.py BM25F in numpy
names.py     facet values' names and other spellings, from the database (the index holds ids)
budget.py    what one search may cost; expansion.py fuzzy, wildcard and prefix terms -> words
"""
