"""Writing the index tables: add or update, remove, bulk sessions and rebuilds.

Every write runs in its own transaction (a savepoint inside the caller's) holding the write lock
shared; a rebuild holds it exclusively, so a change made while a rebuild runs waits for it, and
gives up with IndexBusy after its timeout (the article stays pending in the database) rather than
being written to the tables the rebuild is about to replace.
"""

import time
from collections.abc import Iterable, Iterator
from contextlib import contextmanager

from django.conf import settings
from django.db import connection, transaction
from psycopg.errors import UniqueViolation

from articles.search.base import BulkSession, IndexBusy
from articles.search.types import IndexDocument

from . import schema
from .documents import COLUMNS, row
from .schema import DOCUMENT, WORD

# The write lock's advisory key (the ingest lock, articles/ingest_lock.py, uses "ARCH").
WRITE_LOCK_KEY = 0x5345_4152  # "SEAR"
LOCK_POLL_SECONDS = 0.05
# Documents a bulk session holds before a checkpoint writes them in one transaction.
CHECKPOINT_EVERY = 2_000
REBUILD_MEMORY = "256MB"  # maintenance_work_mem of a rebuild's transaction
# A bulk session that wrote this share of the tables' rows (or into tables never analysed) ends
# with ANALYZE, as autovacuum's default threshold would; where autovacuum is off, or has not come
# round yet, the planner otherwise guesses. Reuters 1x with no statistics: a rare word within a
# date range that holds every article read all 19,779 rows for its 61 matches (120 ms, not 2).
ANALYZE_SHARE = 0.1
LEXICON_KEPT = 500_000  # words a bulk session remembers writing (Lexicon)

# A write's rows are copied (COPY spares building, quoting and parsing a statement of every value)
# straight into the table when none of them is there yet, as in an ingest; else into this temporary
# table (one a connection), then upserted from it by one statement. Either way the count triggers
# (schema.py) run once for the lot, not once a row (executemany), which rewrote the shared count
# rows for every article.
STAGED = "search_pg_staged"
_UPSERT = (
    f"INSERT INTO {DOCUMENT} ({', '.join(COLUMNS)}) SELECT {', '.join(COLUMNS)} FROM {STAGED} "
    "ON CONFLICT (article_id) DO UPDATE SET " + ", ".join(f"{c} = EXCLUDED.{c}" for c in COLUMNS[1:])
)


def _wait(cursor, statement: str, timeout: float | None) -> None:
    """Take an advisory transaction lock by `statement` (a pg_try_ call), polling until `timeout`."""
    timeout = settings.ARCHIVE_INDEX_LOCK_TIMEOUT if timeout is None else timeout
    deadline = time.monotonic() + timeout
    while True:
        cursor.execute(statement, [WRITE_LOCK_KEY])
        if cursor.fetchone()[0]:
            return
        if time.monotonic() >= deadline:
            raise IndexBusy(f"A rebuild of the search tables held them for more than {timeout:g} s.")
        time.sleep(LOCK_POLL_SECONDS)


@contextmanager
def _writing(timeout: float | None) -> Iterator:
    """A transaction holding the write lock shared (many writers at once, no rebuild)."""
    with transaction.atomic(), connection.cursor() as cursor:
        _wait(cursor, "SELECT pg_try_advisory_xact_lock_shared(%s)", timeout)
        yield cursor


def _rows(docs: Iterable[IndexDocument]) -> tuple[list[tuple], set[str]]:
    """The documents' rows, one an article (a statement may not upsert a row twice: the last
    document given wins), and the exact words they add to the lexicon."""
    by_id, lexicon = {}, set()
    for doc in docs:
        values, found = row(doc)
        by_id[values[0]] = values
        lexicon |= found
    return list(by_id.values()), lexicon


def _copy(cursor, table: str, rows: list[tuple]) -> None:
    with cursor.cursor.copy(f"COPY {table} ({', '.join(COLUMNS)}) FROM STDIN") as copy:
        for values in rows:
            copy.write_row(values)


class Lexicon:
    """The words a bulk session has written to the lexicon table, so that each checkpoint sends
    only words new to it: 2,000 Reuters articles hold some 17,000 distinct words, nearly all in the
    table already, and looking each up cost more than writing the articles' rows. Forgotten when a
    rebuild has replaced the table since (its oid changed) and beyond LEXICON_KEPT words."""

    def __init__(self):
        self.table: int | None = None
        self.words: set[str] = set()
        self.unsaved: set[str] = set()

    def new(self, cursor, found: set[str]) -> set[str]:
        """The words of `found` this session has not written (the table's oid read under the write
        lock, which a rebuild holds to replace it)."""
        cursor.execute("SELECT to_regclass(%s)::oid", [WORD])
        table = cursor.fetchone()[0]
        if table != self.table or len(self.words) > LEXICON_KEPT:
            self.table, self.words = table, set()
        self.unsaved = found - self.words
        return self.unsaved

    def committed(self) -> None:
        self.words |= self.unsaved
        self.unsaved = set()


def _has_entries(cursor, article_ids: list[int]) -> bool:
    cursor.execute(f"SELECT EXISTS (SELECT 1 FROM {DOCUMENT} WHERE article_id = ANY(%s))", [article_ids])
    return cursor.fetchone()[0]


def _inserted(cursor, rows: list[tuple]) -> bool:
    """Copy the rows straight into the table if none of their articles has an entry yet (the
    upsert's staging costs the server as much again); False when some has, or gets one from
    another writer meanwhile, and nothing was written."""
    if _has_entries(cursor, [r[0] for r in rows]):
        return False
    try:
        with transaction.atomic():
            _copy(cursor, DOCUMENT, rows)
    except UniqueViolation:
        return False
    return True


def _write(cursor, docs: list[IndexDocument], lexicon: Lexicon | None = None) -> int:
    rows, found = _rows(docs)
    words = lexicon.new(cursor, found) if lexicon is not None else found
    # Sorted: two writers adding the same new words take their row locks in the same order.
    cursor.execute(
        f"INSERT INTO {WORD} (word) SELECT unnest(%s::text[]) ON CONFLICT DO NOTHING", [sorted(words)]
    )
    if not _inserted(cursor, rows):
        cursor.execute(f"CREATE TEMPORARY TABLE IF NOT EXISTS {STAGED} (LIKE {DOCUMENT})")
        _copy(cursor, STAGED, rows)
        cursor.execute(_UPSERT)
        # Emptied here, not at commit: a caller's transaction may hold several writes.
        cursor.execute(f"TRUNCATE {STAGED}")
    # An article deleted before its entry was written: the deleting trigger found nothing to drop.
    cursor.execute(
        f"DELETE FROM {DOCUMENT} d WHERE d.article_id = ANY(%s) AND NOT EXISTS "
        f"(SELECT 1 FROM {schema.article_table()} a WHERE a.id = d.article_id)",
        [[r[0] for r in rows]],
    )
    return len(rows)


def add_or_update(
    docs: Iterable[IndexDocument], timeout: float | None, lexicon: Lexicon | None = None
) -> int:
    docs = list(docs)
    if not docs:
        return 0
    with _writing(timeout) as cursor:
        return _write(cursor, docs, lexicon)


def remove(ids: Iterable[int], timeout: float | None) -> int:
    ids = [int(i) for i in ids]
    if not ids:
        return 0
    with _writing(timeout) as cursor:
        cursor.execute(f"DELETE FROM {DOCUMENT} WHERE article_id = ANY(%s)", [ids])
        return cursor.rowcount


class Session(BulkSession):
    """Documents held until a checkpoint writes them in one transaction: what a failed run had
    not checkpointed is never written (and stays pending in the database)."""

    def __init__(self, timeout: float | None):
        self.timeout = timeout
        self.held: dict[int, IndexDocument] = {}
        self.written = 0
        self.lexicon = Lexicon()

    def add(self, docs: Iterable[IndexDocument]) -> int:
        return self.update(docs)

    def update(self, docs: Iterable[IndexDocument]) -> int:
        count = 0
        for doc in docs:
            self.held[doc.id] = doc
            count += 1
        return count

    def checkpoint_due(self) -> bool:
        return len(self.held) >= CHECKPOINT_EVERY

    def checkpoint(self) -> None:
        self.written += add_or_update(self.held.values(), self.timeout, self.lexicon)
        # Only words a committed transaction wrote are known to be in the table.
        if not connection.in_atomic_block:
            self.lexicon.committed()
        self.held = {}


@contextmanager
def bulk(timeout: float | None):
    session = Session(timeout)
    yield session
    session.checkpoint()
    refresh_statistics(session.written)


def refresh_statistics(written: int) -> None:
    """ANALYZE the document and word tables when `written` rows are ANALYZE_SHARE of the documents
    the planner last knew of (none: never analysed)."""
    if not written:
        return
    with connection.cursor() as cursor:
        cursor.execute("SELECT reltuples FROM pg_class WHERE oid = to_regclass(%s)", [DOCUMENT])
        known = cursor.fetchone()[0]
        if written >= ANALYZE_SHARE * max(known, 0):
            cursor.execute(f"ANALYZE {DOCUMENT}")
            cursor.execute(f"ANALYZE {WORD}")


NEXT = "_next"


def _batches(items: Iterable, size: int) -> Iterator[list]:
    batch = []
    for item in items:
        batch.append(item)
        if len(batch) == size:
            yield batch
            batch = []
    if batch:
        yield batch


def rebuild(docs: Iterable[IndexDocument]) -> int:
    """Fill fresh tables, index them, and swap them in, all in one transaction: searches read the
    old tables until it commits; writers wait for it (the write lock, held exclusively)."""
    count = 0
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(%s)", [WRITE_LOCK_KEY])
        # The GIN indexes are built once the rows are in: with room enough, in one pass.
        cursor.execute("SELECT set_config('maintenance_work_mem', %s, true)", [REBUILD_MEMORY])
        cursor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
        cursor.execute(f"DROP TABLE IF EXISTS {DOCUMENT}{NEXT}, {WORD}{NEXT}, {schema.COUNT}{NEXT}")
        for statement in schema.tables_ddl(NEXT):
            cursor.execute(statement)
        lexicon: set[str] = set()
        # A batch at a time: `docs` may read the database on this connection, which a COPY holds.
        for batch in _batches(docs, CHECKPOINT_EVERY):
            rows, found = _rows(batch)
            lexicon |= found
            _copy(cursor, DOCUMENT + NEXT, rows)
            count += len(rows)
        cursor.execute(f"INSERT INTO {WORD}{NEXT} (word) SELECT unnest(%s::text[])", [sorted(lexicon)])
        cursor.execute(schema.fill_counts(NEXT))
        for statement in schema.indexes_ddl(NEXT):
            cursor.execute(statement)
        schema.swap_in(cursor, NEXT)
    refresh_statistics(count)
    return count
