"""The Whoosh backend: the index in a directory on this machine's disk (settings.ARCHIVE_INDEX_DIR),
searched in this process. The embedded default; for several app servers see the postgres backend."""

from collections.abc import Iterable, Iterator
from contextlib import contextmanager

from articles.search.base import BulkSession, SearchBackend
from articles.search.types import IndexDocument, SearchRequest, SearchResult

from . import index, query

# Processes writing the index in a bulk session: with the ingest's own process, they keep two
# cores busy. Each checkpoint writes one segment per writer.
BULK_WRITERS = 2
# Articles written between two checkpoints of a bulk session: each writes one segment per writer,
# which no later commit of an ingest merges (merging.py), so segments are made large from the
# start: Reuters-21578 (19,000 articles) ends in 2 segments, ten copies of it in 8. A killed run
# indexes again what it wrote since its last checkpoint (those articles stay `needs_indexing`);
# the writers' memory stays flat, since each spills its postings to disk (index.PARALLEL_LIMIT_MB).
CHECKPOINT_EVERY = 50_000


class _Session(BulkSession):
    def __init__(self, bulk: index.BulkWriter):
        self._bulk = bulk
        self._written = 0

    def add(self, docs: Iterable[IndexDocument]) -> int:
        count = self._bulk.add(docs)
        self._written += count
        return count

    def update(self, docs: Iterable[IndexDocument]) -> int:
        count = self._bulk.update(docs)
        self._written += count
        return count

    def checkpoint_due(self) -> bool:
        return self._written >= CHECKPOINT_EVERY

    def checkpoint(self) -> None:
        self._bulk.checkpoint()
        self._written = 0


class WhooshBackend(SearchBackend):
    name = "whoosh"
    index_in_background = True

    def search(self, req: SearchRequest) -> SearchResult:
        return query.search(req)

    def iter_ids(self, req: SearchRequest) -> Iterator[int]:
        return query.iter_ids(req)

    def more_like_this(self, article_id: int, limit: int = 5) -> list[int]:
        return query.more_like_this(article_id, limit)

    def add_or_update(self, docs: Iterable[IndexDocument], *, timeout: float | None = None) -> int:
        return index.add_or_update(docs, timeout=timeout)

    def remove(self, ids: Iterable[int], *, timeout: float | None = None) -> int:
        return index.remove(ids, timeout=timeout)

    @contextmanager
    def bulk(self, *, timeout: float | None = None):
        with index.bulk_writer(timeout=timeout, procs=BULK_WRITERS) as bulk:
            yield _Session(bulk)

    def rebuild(self, docs: Iterable[IndexDocument]) -> int:
        return index.rebuild(docs)

    def create_if_absent(self) -> bool:
        return index.create_if_absent()

    def needs_rebuild(self) -> bool:
        return index.needs_rebuild()

    def verify(self) -> int:
        return index.verify()

    def ensure_readable(self) -> None:
        index.open_index()

    def doc_count(self) -> int:
        return index.doc_count()

    def indexed_stamps(self) -> dict[int, str]:
        return index.indexed_stamps()

    def prepare_for_searching(self) -> None:
        index.publish_tables()  # the shared tables of the index version the run left

    def describe(self) -> str:
        gen = index.current_dir()
        if gen is None:
            return f"Whoosh index in {index.index_root()}: none built yet."
        return (
            f"Whoosh index in {gen}: {index.doc_count():,} articles in {index.segment_count()} segment(s), "
            f"schema version {index.schema_version()}."
        )
