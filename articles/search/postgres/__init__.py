"""The PostgreSQL backend: the index is a table of the archive's own database, so every app server
sees a change as soon as its transaction commits and none keeps index state on its disk.

schema.py     the tables, their indexes and the triggers that drop a deleted article's entry
documents.py  an IndexDocument as a row: the tsvector written from analysis.py's words and stems
compiler.py   the query's syntax tree as SQL and tsquery values, within the budget
query.py      search (one statement: page, total, facets and dates), iter_ids, suggestions, more-like-this
writing.py    add, update, remove, bulk sessions and rebuild, under the write lock
backend.py    the SearchBackend that ties them together
"""
