"""ArticleDraft -> database rows, deduplicated by content hash.

`Catalog` is what the archive already holds, loaded once per run so that deciding what a draft
is (new, updated, unchanged, or a duplicate of an article stored under another path) costs no
query. `store_draft` writes one draft in its own transaction; `DraftStore` writes a run's drafts,
new articles a batch per transaction. The run around it is in articles/ingest_run.py.
"""

import enum
import errno
from collections import Counter
from dataclasses import dataclass
from urllib.parse import urlsplit

from django.db import transaction

from articles.enrich import Enricher
from articles.ingest.draft import ArticleDraft
from articles.models import Article, PersonLink, Source, SourceFile, TopicLink

# New articles written per transaction: one commit and a few bulk inserts for the lot instead of
# a transaction and four or five inserts each, which took a third of an ingest's own time.
STORE_BATCH = 100


# How database drivers say the disk is full when they do not pass on the OSError (SQLite's
# SQLITE_FULL, PostgreSQL's DiskFull).
_DISK_FULL_WORDS = ("no space left on device", "database or disk is full", "could not extend file")


def is_disk_full(error: BaseException | None) -> bool:
    """The error, or one it was raised from, says the disk is full."""
    seen = set()
    while error is not None and id(error) not in seen:
        seen.add(id(error))
        if isinstance(error, OSError) and error.errno == errno.ENOSPC:
            return True
        if any(words in str(error).lower() for words in _DISK_FULL_WORDS):
            return True
        error = error.__cause__ or error.__context__
    return False


class Outcome(enum.StrEnum):
    NEW = "new"
    UPDATED = "updated"
    UNCHANGED = "unchanged"
    DUPLICATE = "duplicate"


def source_domain(url: str) -> str:
    """The site an article came from, as people name it: "dawn.com" for https://www.dawn.com/news/1."""
    host = (urlsplit(url).hostname or "").lower()
    return host.removeprefix("www.")


class Catalog:
    """Files by path, articles by content hash and sources by domain, kept current by store_draft.

    Only one ingest runs at a time (ingest_lock.py), so the run's own writes are the only
    ones that matter; a row deleted meanwhile in the admin makes that one store fail and be
    recorded, nothing worse.
    """

    def __init__(self):
        files = SourceFile.objects.values_list("path", "content_hash", "article_id")
        self.files: dict[str, tuple[str, int]] = {path: (sha, article_id) for path, sha, article_id in files}
        self.hashes: dict[str, int] = dict(Article.objects.values_list("content_hash", "pk"))
        self.sources: dict[str, int] = dict(Source.objects.values_list("domain", "pk"))
        self.paths_per_article = Counter(article_id for _, article_id in self.files.values())

    def classify(self, draft: ArticleDraft) -> tuple[Outcome, int | None]:
        """What storing `draft` would do, and the id of the article it concerns (None if new)."""
        known = self.files.get(draft.origin)
        if known and known[0] == draft.content_hash:
            return Outcome.UNCHANGED, known[1]
        if draft.content_hash in self.hashes:
            return Outcome.DUPLICATE, self.hashes[draft.content_hash]
        if known and self.paths_per_article[known[1]] == 1:
            return Outcome.UPDATED, known[1]
        # A new path, or a changed file whose old article other paths still hold: a new article.
        return Outcome.NEW, None

    def source_id(self, url: str) -> int | None:
        domain = source_domain(url)
        if not domain:
            return None
        if domain not in self.sources:
            self.sources[domain] = Source.objects.get_or_create(domain=domain)[0].pk
        return self.sources[domain]

    def record(self, path: str, content_hash: str, article_id: int, old_hash: str | None = None) -> None:
        """Remember what store_draft wrote, once its transaction has committed."""
        previous = self.files.get(path)
        if previous:
            self.paths_per_article[previous[1]] -= 1
        self.files[path] = (content_hash, article_id)
        self.paths_per_article[article_id] += 1
        self.hashes[content_hash] = article_id
        if old_hash and self.hashes.get(old_hash) == article_id:
            del self.hashes[old_hash]


def store_draft(
    draft: ArticleDraft, catalog: Catalog, enricher: Enricher, *, force: bool = False
) -> tuple[Outcome, int]:
    """Store one draft in its own transaction; returns what happened and the article's id.

    With `force`, an unchanged file is read into its article again (after a reader improvement).
    """
    outcome, article_id = catalog.classify(draft)
    if outcome is Outcome.UNCHANGED:
        if not force:
            return outcome, article_id
        outcome = Outcome.UPDATED
    source_id = catalog.source_id(draft.source_url)  # outside the transaction: shared, never rolled back
    old_hash = None
    with transaction.atomic():
        if outcome is not Outcome.DUPLICATE:
            article = Article.objects.get(pk=article_id) if article_id else Article(origin=draft.origin)
            old_hash = article.content_hash or None
            _fill(article, draft)
            article.source_id = source_id
            article.save()
            article_id = article.pk
            enricher.enrich(article, draft.mentions, new=outcome is Outcome.NEW)
        file_fields = {"article_id": article_id, "content_hash": draft.content_hash}
        if draft.origin in catalog.files:
            SourceFile.objects.filter(path=draft.origin).update(**file_fields)
        else:
            SourceFile.objects.create(path=draft.origin, **file_fields)
    catalog.record(draft.origin, draft.content_hash, article_id, old_hash)
    return outcome, article_id


def _fill(article: Article, draft: ArticleDraft) -> None:
    article.title = draft.title
    article.body = draft.body
    article.published = draft.published
    article.date_source = draft.date_source if draft.published else ""
    article.source_url = draft.source_url
    article.dateline = draft.dateline
    article.content_hash = draft.content_hash
    article.format = draft.format
    article.removals = [removal.as_json() for removal in draft.removals]
    article.needs_indexing = True


@dataclass
class Stored:
    """What became of one draft: its outcome and article, or the error that stopped it."""

    draft: ArticleDraft
    outcome: Outcome | None = None
    article_id: int | None = None
    error: Exception | None = None


class DraftStore:
    """Stores a run's drafts in the order given. Drafts of new articles from new paths wait in a
    batch, written in one transaction by store_new; any other draft first has the batch written,
    then is stored on its own. If a batch fails, each of its drafts is stored on its own, so that
    only a bad one fails."""

    def __init__(self, catalog: Catalog, enricher: Enricher, *, force: bool = False):
        self.catalog, self.enricher, self.force = catalog, enricher, force
        self.batch: list[ArticleDraft] = []
        self.batch_keys: set[str] = set()  # paths and content hashes in the batch

    def add(self, draft: ArticleDraft) -> list[Stored]:
        """Store `draft`, now or with its batch; returns the drafts settled now, in order."""
        batchable = (
            self.catalog.classify(draft)[0] is Outcome.NEW
            and draft.origin not in self.catalog.files
            and self.batch_keys.isdisjoint((draft.origin, draft.content_hash))
        )
        if not batchable:
            return [*self.flush(), self._store_one(draft)]
        self.batch.append(draft)
        self.batch_keys.update((draft.origin, draft.content_hash))
        return self.flush() if len(self.batch) >= STORE_BATCH else []

    def flush(self) -> list[Stored]:
        """Write the waiting batch; returns its drafts."""
        drafts, self.batch = self.batch, []
        self.batch_keys.clear()
        if not drafts:
            return []
        try:
            ids = store_new(drafts, self.catalog, self.enricher)
        except Exception as error:
            if is_disk_full(error):
                raise  # every draft would fail alike: the run stops and says why
            self.enricher.reload()  # forget any person created in the rolled-back transaction
            return [self._store_one(draft) for draft in drafts]
        return [Stored(draft, Outcome.NEW, article_id) for draft, article_id in zip(drafts, ids, strict=True)]

    def _store_one(self, draft: ArticleDraft) -> Stored:
        try:
            outcome, article_id = store_draft(draft, self.catalog, self.enricher, force=self.force)
        except Exception as error:  # one bad article must not stop the batch; the caller records it
            if is_disk_full(error):
                raise
            self.enricher.reload()
            return Stored(draft, error=error)
        return Stored(draft, outcome, article_id)


def store_new(drafts: list[ArticleDraft], catalog: Catalog, enricher: Enricher) -> list[int]:
    """Store drafts of new articles from paths the archive has no file for, in one transaction;
    returns their article ids."""
    source_ids = [catalog.source_id(draft.source_url) for draft in drafts]  # shared, never rolled back
    with transaction.atomic():
        articles = []
        for draft, source_id in zip(drafts, source_ids, strict=True):
            article = Article(origin=draft.origin, source_id=source_id)
            _fill(article, draft)
            articles.append(article)
        Article.objects.bulk_create(articles)
        person_links, topic_links = [], []
        for article, draft in zip(articles, drafts, strict=True):
            people, topics = enricher.new_links(article, draft.mentions)
            person_links += people
            topic_links += topics
        enricher.save_new_people()
        PersonLink.objects.bulk_create(person_links)
        TopicLink.objects.bulk_create(topic_links)
        SourceFile.objects.bulk_create(
            SourceFile(path=draft.origin, article_id=article.pk, content_hash=draft.content_hash)
            for article, draft in zip(articles, drafts, strict=True)
        )
    for article, draft in zip(articles, drafts, strict=True):
        catalog.record(draft.origin, draft.content_hash, article.pk)
    return [article.pk for article in articles]
