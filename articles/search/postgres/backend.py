"""The PostgreSQL backend: the index is tables of the archive's database (schema.py), so several
app servers share it and see each change once its transaction commits; nothing is kept on disk."""

from collections.abc import Iterable, Iterator
from contextlib import contextmanager

from django.db import DatabaseError, connection, transaction

from articles.search.base import IndexUnavailable, SearchBackend
from articles.search.types import IndexDocument, SearchRequest, SearchResult

from . import query, schema, writing
from .schema import COUNT, DOCUMENT, SCHEMA_VERSION, WORD

# The advisory lock that keeps two processes from creating the tables at once.
CREATE_LOCK_KEY = 0x5345_4143  # "SEAC"


@contextmanager
def _reading():
    """A cursor in a savepoint (a caller's transaction survives missing tables); IndexUnavailable
    when the tables are missing."""
    schema.require_postgresql()
    try:
        with transaction.atomic(), connection.cursor() as cursor:
            yield cursor
    except DatabaseError as error:
        if query._missing_tables(error):
            raise query.unavailable() from error
        raise


class PostgresBackend(SearchBackend):
    name = "postgres"
    # Indexed by a second process while the run stores: the index rows (tsvectors, facet arrays) are
    # built in Python, and with a reader process for large exports the run's own process was the
    # bottleneck. Reuters-21578 as JSON Lines on this 2-core machine, alternating: 432-462 articles/s
    # inline, 614-640 in the background (python -m bench.ingest_cpu --backend postgres --trees ...).
    index_in_background = True

    def search(self, req: SearchRequest) -> SearchResult:
        schema.require_postgresql()
        return query.search(req)

    def iter_ids(self, req: SearchRequest) -> Iterator[int]:
        schema.require_postgresql()
        return query.iter_ids(req)

    def more_like_this(self, article_id: int, limit: int = 5) -> list[int]:
        with _reading():
            return query.more_like_this(article_id, limit)

    def add_or_update(self, docs: Iterable[IndexDocument], *, timeout: float | None = None) -> int:
        with _reading():
            return writing.add_or_update(docs, timeout)

    def remove(self, ids: Iterable[int], *, timeout: float | None = None) -> int:
        with _reading():
            return writing.remove(ids, timeout)

    @contextmanager
    def bulk(self, *, timeout: float | None = None):
        schema.require_postgresql()
        with writing.bulk(timeout) as session:
            yield session

    def rebuild(self, docs: Iterable[IndexDocument]) -> int:
        schema.require_postgresql()
        return writing.rebuild(docs)

    def create_if_absent(self) -> bool:
        schema.require_postgresql()
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [CREATE_LOCK_KEY])
            if schema.exists(cursor):
                return False
            schema.create(cursor)
            return True

    def needs_rebuild(self) -> bool:
        with _reading() as cursor:
            return schema.stored_version(cursor) != SCHEMA_VERSION

    def verify(self) -> int:
        """The document count, after checking it against the counts the triggers keep."""
        with _reading() as cursor:
            query.ensure_readable(cursor)
            kept = f"SELECT coalesce(sum(n), 0) FROM {COUNT} WHERE key < 0"  # the day keys: every article
            cursor.execute(f"SELECT (SELECT count(*) FROM {DOCUMENT}), ({kept})")
            count, counted = cursor.fetchone()
            if count != counted:
                raise IndexUnavailable(
                    f"The search tables hold {count:,} articles but their kept counts say {counted:,}."
                )
            return count

    def ensure_readable(self) -> None:
        with _reading() as cursor:
            query.ensure_readable(cursor)

    def doc_count(self) -> int:
        with _reading() as cursor:
            cursor.execute(f"SELECT count(*) FROM {DOCUMENT}")
            return cursor.fetchone()[0]

    def indexed_stamps(self) -> dict[int, str]:
        with _reading() as cursor:
            cursor.execute(f"SELECT article_id, stamp FROM {DOCUMENT}")
            return dict(cursor.fetchall())

    def describe(self) -> str:
        with _reading() as cursor:
            version = schema.stored_version(cursor)
            where = f"database {connection.settings_dict['NAME']}"
            if version is None:
                return f"PostgreSQL search tables in {where}: none built yet."
            cursor.execute(f"SELECT count(*) FROM {DOCUMENT}")
            count = cursor.fetchone()[0]
            cursor.execute(f"SELECT count(*) FROM {WORD}")
            words = cursor.fetchone()[0]
            # Their size with indexes and TOAST: what the server's shared_buffers should hold.
            cursor.execute(
                "SELECT sum(pg_total_relation_size(to_regclass(t))) FROM unnest(%s::text[]) t",
                [[DOCUMENT, WORD, COUNT]],
            )
            size = cursor.fetchone()[0]
            return (
                f"PostgreSQL search tables in {where}: {count:,} articles, {words:,} words in the lexicon, "
                f"schema version {version}, {size / 2**20:,.0f} MB with their indexes."
            )
