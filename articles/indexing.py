"""The bridge from the database to the search index: what an article looks like to the index, and
when the index hears of a change.

The database is the source of truth. A change marks its articles `needs_indexing` in the same
transaction, and the index is written after the commit. If the index is busy or the process
dies in between, the articles stay marked and `flush_pending()` (run by every ingest and by
`check_index --fix`) catches them up: no request ever fails on the index lock.
"""

import datetime
import logging
import threading
from collections import defaultdict
from collections.abc import Iterable
from contextlib import contextmanager

from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from articles.models import Article, PersonLink, TopicLink
from articles.search import backend
from articles.search.base import IndexBusy, IndexUnavailable
from articles.search.types import IndexDocument

logger = logging.getLogger(__name__)

BATCH = 500


# What an index document holds of an article, read as values: building the models (and their
# prefetched people and topics) took a quarter of an ingest's indexer process.
_FIELDS = ("pk", "title", "body", "published", "source_id", "changed", "ingested")


def _documents(articles: QuerySet) -> list[IndexDocument]:
    """The index's view of `articles` (at most BATCH), in their order: their people, topics and
    source by id, so that renaming them changes nothing here."""
    rows = list(articles.values_list(*_FIELDS))
    ids = [row[0] for row in rows]
    persons, topics = _linked(PersonLink, "person_id", ids), _linked(TopicLink, "topic_id", ids)
    return [
        IndexDocument(
            id=pk,
            title=title,
            body=body,
            published=published,
            persons=persons[pk],
            topics=topics[pk],
            source=source,
            stamp=stamp_of(changed),
            added=ingested,
        )
        for pk, title, body, published, source, changed, ingested in rows
    ]


def _linked(link: type[PersonLink | TopicLink], field: str, article_ids: list[int]) -> dict[int, list[int]]:
    """The row ids (of people or of topics) each article links to, in id order."""
    linked = defaultdict(list)
    links = link.objects.filter(article_id__in=article_ids).order_by(field)
    for article_id, row_id in links.values_list("article_id", field):
        linked[article_id].append(row_id)
    return linked


def stamp_of(changed: datetime.datetime) -> str:
    """The change marker stored in the index; check_index compares it with the database's."""
    return changed.isoformat()


def iter_documents() -> Iterable[IndexDocument]:
    """Stream the index documents of every article, BATCH rows at a time."""
    for chunk in chunks(list(Article.objects.order_by("pk").values_list("pk", flat=True))):
        yield from _documents(Article.objects.filter(pk__in=chunk).order_by("pk"))


_deferral = threading.local()


@contextmanager
def deferred():
    """Within this block queue_reindex only marks articles; the caller flushes them later. An
    ingest run uses it: its own writer holds the index, and waiting for it would stall the run."""
    _deferral.active = True
    try:
        yield
    finally:
        _deferral.active = False


def chunks(ids: list[int]) -> Iterable[list[int]]:
    """`ids` BATCH at a time, so that an "id IN (...)" stays under SQLite's variable limit."""
    for start in range(0, len(ids), BATCH):
        yield ids[start : start + BATCH]


def queue_reindex(article_ids: Iterable[int]) -> None:
    """Mark the articles changed, and index them once the current transaction commits."""
    ids = list(article_ids)
    if not ids:
        return
    now = timezone.now()
    for chunk in chunks(ids):
        Article.objects.filter(pk__in=chunk).update(needs_indexing=True, changed=now)
    if not getattr(_deferral, "active", False):
        transaction.on_commit(lambda: index_now(ids))


def queue_removal(article_ids: Iterable[int]) -> None:
    """Remove the articles from the index once the current transaction commits."""
    ids = list(article_ids)
    if ids:
        transaction.on_commit(lambda: remove_now(ids))


def index_now(article_ids: list[int]) -> int:
    """Index these articles now and clear their flag; if the index is busy they stay pending."""
    try:
        return sum(_index_batch(chunk) for chunk in chunks(article_ids))
    except IndexBusy:
        logger.warning("Search index busy; %d articles stay pending until the next flush.", len(article_ids))
        return 0
    except IndexUnavailable as damage:
        logger.error("%s %d articles stay pending until rebuild_index.", damage, len(article_ids))
        return 0


def remove_now(article_ids: list[int]) -> int:
    """Remove these articles from the index now; orphans left by a busy index are found by check_index."""
    try:
        return backend().remove(article_ids)
    except IndexUnavailable as damage:
        logger.error("%s Run rebuild_index, which leaves out the deleted articles.", damage)
        return 0
    except IndexBusy:
        logger.warning(
            "Search index busy; %d deleted articles stay in it until check_index --fix.", len(article_ids)
        )
        return 0


def flush_pending() -> int:
    """Index every article marked `needs_indexing` (each once); returns how many were indexed."""
    total, after = 0, 0
    pending = Article.objects.filter(needs_indexing=True).order_by("pk").values_list("pk", flat=True)
    while batch := list(pending.filter(pk__gt=after)[:BATCH]):
        total += _index_batch(batch)
        after = batch[-1]
    return total


def documents(article_ids: list[int]) -> tuple[list[IndexDocument], datetime.datetime]:
    """The index documents of these articles, and when they were read (for mark_indexed)."""
    read_at = timezone.now()
    return _documents(Article.objects.filter(pk__in=article_ids)), read_at


def mark_indexed(article_ids: list[int], read_at: datetime.datetime) -> None:
    """Clear the flag on the rows not changed again since `read_at` (a row changed meanwhile keeps
    its flag, and its own on-commit hook or the next flush indexes it)."""
    for chunk in chunks(article_ids):
        Article.objects.filter(pk__in=chunk, changed__lte=read_at).update(needs_indexing=False)


def _index_batch(ids: list[int]) -> int:
    docs, read_at = documents(ids)
    if not docs:
        return 0
    backend().add_or_update(docs)
    mark_indexed(ids, read_at)
    return len(docs)
