"""The backend's tables, created by `create_if_absent()` (run by `migrate`) and by `rebuild`.

search_pg_document  one row per indexed article: its words as a tsvector, its facets' row ids
search_pg_word      every exact word indexed (the lexicon of fuzzy, wildcard and prefix terms)
search_pg_count     how many articles carry each facet value and each date: the counts of a search
                    without conditions (the first page), kept by triggers on search_pg_document
search_pg_meta      the schema version; another version means "rebuild me"

Text is analysed in Python (articles/search/analysis.py), never by PostgreSQL's parser or its
dictionaries: the tsvector holds, at each word's position, its stem (plain) and the exact word
(prefixed with EXACT_MARK); title positions carry weight A. So no stop word, tag-like text
("<DIS>") or configuration can make a typed word unfindable.

pg_trgm indexes the lexicon for wildcards. The extension is trusted, so a role that may create
objects in the database may create it; where the role may not, a superuser runs
`CREATE EXTENSION pg_trgm;` in the archive's database once before `migrate`.

No foreign key ties a row to articles_article (Django's flush truncates that table alone, which a
foreign key forbids); triggers on articles_article delete an article's row in the deleting
transaction itself, and empty the table when articles_article is truncated.
"""

from django.apps import apps
from django.core.exceptions import ImproperlyConfigured
from django.db import connection

from articles.facet_registry import NAMES as FACET_NAMES

# 1: the first version. 2: search_pg_count. 3: facets always in the row.
SCHEMA_VERSION = 3

DOCUMENT = "search_pg_document"
WORD = "search_pg_word"
META = "search_pg_meta"
COUNT = "search_pg_count"
# search_pg_count's key of a day (negative, clear of the facet values) and of "undated".
UNDATED_KEY = -1
DAY_KEY = f"COALESCE(-10 - (published - DATE '0001-01-01' + 1), {UNDATED_KEY})"


def day_of_key(key: int) -> int:
    """The day ordinal of a search_pg_count day key (see DAY_KEY)."""
    return -10 - key


EXACT_MARK = "="  # an exact word's lexeme: "=tariffs"; a stem is plain: "tariff"


def facet_values(facet: str, row_ids) -> list[int]:
    """The `facets` column's values of these rows of one facet: every facet's values share the
    column (one GIN index, one pass to count them all), each row id tagged with its facet's place
    in articles/facet_registry.py."""
    kind = FACET_NAMES.index(facet)
    return [int(i) * len(FACET_NAMES) + kind for i in row_ids]


def facet_of(value: int) -> tuple[str, int]:
    """The facet and row id of a `facets` value."""
    row_id, kind = divmod(int(value), len(FACET_NAMES))
    return FACET_NAMES[kind], row_id


def article_table() -> str:
    return apps.get_model("articles", "Article")._meta.db_table


def require_postgresql() -> None:
    if connection.vendor != "postgresql":
        raise ImproperlyConfigured(
            "ARCHIVE_SEARCH_BACKEND is “postgres” but the database is not PostgreSQL; "
            "set DATABASE_URL to a PostgreSQL database or use the “whoosh” backend."
        )


# A search reads the row of every match, and the terms only of the ranked ones. A row over about
# 2 kB has its long columns moved out of line until it is under this target: at 128 bytes only its
# short columns stay, rather than its terms compressed into what 2 kB leaves. Reuters x10: the table
# 179 MB -> 131 MB, and a word in 77,000 articles reads 16,400 of its pages instead of 22,300.
ROW_TARGET = 128


def tables_ddl(suffix: str = "") -> list[str]:
    """The document and word tables, without their indexes (`indexes_ddl`: a rebuild fills first)."""
    return [
        f"""CREATE TABLE {DOCUMENT}{suffix} (
            article_id bigint PRIMARY KEY,
            stamp text NOT NULL,
            published date,
            sort_day integer,
            added timestamptz,
            facets bigint[] NOT NULL DEFAULT '{{}}',
            terms tsvector NOT NULL,
            key_terms text[] NOT NULL DEFAULT '{{}}'
        ) WITH (toast_tuple_target = {ROW_TARGET})""",
        # A search reads the facets of every match: they stay in the row, whereas terms too long for
        # it are stored out of line (they are read only for the matches ranked).
        f"ALTER TABLE {DOCUMENT}{suffix} ALTER COLUMN facets SET STORAGE MAIN",
        f'CREATE TABLE {WORD}{suffix} (word text COLLATE "C" PRIMARY KEY)',
        f"CREATE TABLE {COUNT}{suffix} (key bigint PRIMARY KEY, n bigint NOT NULL)",
    ]


# Each secondary index: its table, the end of its name, and what it indexes.
_INDEXES = (
    (DOCUMENT, "terms", "USING gin (terms)"),
    (DOCUMENT, "facets", "USING gin (facets)"),
    # "newest" and "oldest" (sort_day: the date, else the day added; NULL last both ways) and "added"
    (DOCUMENT, "newest", "(sort_day DESC NULLS LAST, article_id DESC)"),
    (DOCUMENT, "oldest", "(sort_day ASC NULLS LAST, article_id)"),
    (DOCUMENT, "added", "(added DESC NULLS LAST, article_id DESC)"),
    (DOCUMENT, "published", "(published)"),
    (WORD, "trigrams", "USING gin (word gin_trgm_ops)"),
)


def indexes_ddl(suffix: str = "") -> list[str]:
    return [
        f"CREATE INDEX {table}{suffix}_{name} ON {table}{suffix} {what}" for table, name, what in _INDEXES
    ]


def index_names(suffix: str = "") -> list[str]:
    """Every index of the tables named with `suffix`, their primary keys' too."""
    keys = [f"{table}{suffix}_pkey" for table in (DOCUMENT, WORD, COUNT)]
    return keys + [f"{table}{suffix}_{name}" for table, name, _ in _INDEXES]


def _counted(rows: str, sign: str) -> str:
    return (
        f"SELECT key, {sign}1 AS delta FROM (SELECT unnest(facets) AS key FROM {rows} "
        f"UNION ALL SELECT {DAY_KEY} FROM {rows}) k"
    )


def _count_upsert(changes: str) -> str:
    # In key order, so that two writers take the rows' locks in the same order; a key whose count
    # does not change (an edited title) is not touched, so edits do not wait for an ingest's batch.
    return (
        f"INSERT INTO {COUNT} (key, n) SELECT key, sum(delta) FROM ({changes}) c GROUP BY key "
        f"HAVING sum(delta) <> 0 ORDER BY key ON CONFLICT (key) DO UPDATE SET n = {COUNT}.n + EXCLUDED.n"
    )


def fill_counts(suffix: str = "") -> str:
    counted = _counted(DOCUMENT + suffix, "")
    return f"INSERT INTO {COUNT}{suffix} (key, n) SELECT key, count(*) FROM ({counted}) k GROUP BY key"


def count_triggers_ddl() -> list[str]:
    bodies = {
        "insert": _count_upsert(_counted("added_rows", "")),
        "delete": _count_upsert(_counted("removed_rows", "-")),
        "update": _count_upsert(f"{_counted('added_rows', '')} UNION ALL {_counted('removed_rows', '-')}"),
    }
    tables = {
        "insert": "NEW TABLE AS added_rows",
        "delete": "OLD TABLE AS removed_rows",
        "update": "NEW TABLE AS added_rows OLD TABLE AS removed_rows",
    }
    statements = []
    for event, body in bodies.items():
        statements += [
            f"""CREATE OR REPLACE FUNCTION {COUNT}_{event}() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
                {body};
                RETURN NULL;
            END $$""",
            f"""CREATE TRIGGER {COUNT}_{event} AFTER {event.upper()} ON {DOCUMENT}
                REFERENCING {tables[event]} FOR EACH STATEMENT EXECUTE FUNCTION {COUNT}_{event}()""",
        ]
    return statements


def triggers_ddl() -> list[str]:
    articles = article_table()
    return [
        f"""CREATE OR REPLACE FUNCTION {DOCUMENT}_forget() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            DELETE FROM {DOCUMENT} WHERE article_id IN (SELECT id FROM gone);
            RETURN NULL;
        END $$""",
        f"""CREATE OR REPLACE FUNCTION {DOCUMENT}_forget_all() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            TRUNCATE {DOCUMENT}, {COUNT};
            RETURN NULL;
        END $$""",
        f"DROP TRIGGER IF EXISTS {DOCUMENT}_forget ON {articles}",
        f"""CREATE TRIGGER {DOCUMENT}_forget AFTER DELETE ON {articles}
            REFERENCING OLD TABLE AS gone FOR EACH STATEMENT EXECUTE FUNCTION {DOCUMENT}_forget()""",
        f"DROP TRIGGER IF EXISTS {DOCUMENT}_forget_all ON {articles}",
        f"""CREATE TRIGGER {DOCUMENT}_forget_all AFTER TRUNCATE ON {articles}
            FOR EACH STATEMENT EXECUTE FUNCTION {DOCUMENT}_forget_all()""",
    ]


def meta_ddl() -> list[str]:
    return [
        f"CREATE TABLE IF NOT EXISTS {META} (schema_version integer NOT NULL)",
        f"DELETE FROM {META}",
        f"INSERT INTO {META} VALUES ({SCHEMA_VERSION})",
    ]


def exists(cursor) -> bool:
    cursor.execute("SELECT to_regclass(%s) IS NOT NULL AND to_regclass(%s) IS NOT NULL", [META, DOCUMENT])
    return cursor.fetchone()[0]


def stored_version(cursor) -> int | None:
    if not exists(cursor):
        return None
    cursor.execute(f"SELECT max(schema_version) FROM {META}")
    return cursor.fetchone()[0]


def create(cursor) -> None:
    """Every table, index and trigger (in the caller's transaction)."""
    cursor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    for statement in [*tables_ddl(), *indexes_ddl(), *triggers_ddl(), *count_triggers_ddl(), *meta_ddl()]:
        cursor.execute(statement)


def swap_in(cursor, suffix: str) -> None:
    """Replace the live tables by the ones named with `suffix` (in the caller's transaction: other
    sessions see the old tables until it commits, then the new)."""
    cursor.execute(f"DROP TABLE IF EXISTS {DOCUMENT}, {WORD}, {COUNT}")
    for table in (DOCUMENT, WORD, COUNT):
        cursor.execute(f"ALTER TABLE {table}{suffix} RENAME TO {table}")
    for new, old in zip(index_names(suffix), index_names(), strict=True):
        cursor.execute(f"ALTER INDEX {new} RENAME TO {old}")
    for statement in [*triggers_ddl(), *count_triggers_ddl(), *meta_ddl()]:
        cursor.execute(statement)
