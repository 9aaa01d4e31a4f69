"""Searching the archive, through the backend that settings.ARCHIVE_SEARCH_BACKEND names.

Backend-neutral modules (every backend uses them; none knows an engine):
types.py     IndexDocument, SearchRequest, SearchResult and its parts
base.py      the SearchBackend interface, BulkSession, IndexUnavailable, IndexBusy, Unsupported
syntax.py    the user's query language -> a syntax tree; reading.py its plain-words reading
analysis.py  words, accent folding and stems; highlight.py marks the matches of a page's hits
names.py     facet values' names and other spellings, from the database (indexes hold row ids)
budget.py    what one search may cost; dates.py the date histogram's buckets

Backends: whoosh/ (embedded, the default) and postgres/ (several app servers, one database).
"""

import threading

from django.conf import settings
from django.core.signals import setting_changed
from django.utils.module_loading import import_string

from .base import SearchBackend

# Short names for settings and the environment; any other value is a dotted path to a class.
BACKENDS = {
    "whoosh": "articles.search.whoosh.backend.WhooshBackend",
    "postgres": "articles.search.postgres.backend.PostgresBackend",
}

_lock = threading.Lock()
_instance: SearchBackend | None = None


def backend() -> SearchBackend:
    """The configured backend, one instance per process."""
    global _instance
    if _instance is None:
        with _lock:
            if _instance is None:
                name = settings.ARCHIVE_SEARCH_BACKEND
                _instance = import_string(BACKENDS.get(name, name))()
    return _instance


def _forget(setting, **kwargs):
    global _instance
    if setting == "ARCHIVE_SEARCH_BACKEND":
        _instance = None


setting_changed.connect(_forget)
