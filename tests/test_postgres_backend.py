"""What the PostgreSQL backend does beyond the contract every backend keeps
(tests/test_backend_contract.py): its analysis is analysis.py's, so PostgreSQL's parser and
stop words never apply; its entries follow the articles table in the same transaction; its
write lock, its missing or outdated tables, and its settings left as they were."""

import dataclasses
import hashlib
import json
import re
from collections import Counter
from datetime import date

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.core.management import call_command
from django.core.management.base import CommandError
from django.core.management.color import no_style
from django.db import connection
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from articles import indexing
from articles.models import Article, Person, PersonLink
from articles.search import analysis, backend, syntax
from articles.search.analysis import EXACT, KEY_TERMS, STEMMED
from articles.search.base import IndexBusy, IndexUnavailable
from articles.search.budget import SearchBudget, SearchTooSlow
from articles.search.postgres import documents, query, schema, writing
from articles.search.postgres.backend import PostgresBackend
from articles.search.postgres.schema import COUNT, DOCUMENT, META
from articles.search.types import SearchRequest
from bench.reuters import iter_reuters

pytestmark = pytest.mark.django_db

on_postgresql = pytest.mark.skipif(
    "connection.vendor != 'postgresql'",
    reason="the postgres backend needs a PostgreSQL test database: set DATABASE_URL=postgres://...",
)


@pytest.fixture
def postgres(settings):
    if connection.vendor != "postgresql":
        pytest.skip("the postgres backend needs a PostgreSQL test database: set DATABASE_URL=postgres://...")
    settings.ARCHIVE_SEARCH_BACKEND = "postgres"
    found = backend()
    found.create_if_absent()
    return found


def store(title, body, published=None) -> Article:
    article = Article.objects.create(
        title=title,
        body=body,
        published=published,
        origin=f"test/{title}",
        content_hash=hashlib.sha256(f"{title}|{body}".encode()).hexdigest(),
    )
    indexing.index_now([article.pk])
    return article


def ids(q: str) -> set[int]:
    return set(backend().iter_ids(SearchRequest(q=q)))


# --- analysis: the same words and stems as the Whoosh index and the highlighter ----------------


def texts(seeds_dir, reuters_dir):
    yield from (path.read_text() for path in sorted(seeds_dir.iterdir()))
    for n, article in enumerate(iter_reuters(reuters_dir)):
        if n == 300:
            return
        yield f"{article.title}\n{article.body}"


def test_the_words_stems_and_key_terms_are_analysis_pys(seeds_dir, reuters_dir):
    # The plain functions both indexes write with (the Whoosh index's stored key terms from
    # counted words, this backend's from positions), against the analyzers that define them.
    for text in texts(seeds_dir, reuters_dir):
        words = analysis.words(text)
        assert words == [t.text for t in EXACT(text)]
        assert [s for w in words if (s := analysis.stem_of(w))] == [t.text for t in STEMMED(text)]
        counted = {}
        for token in KEY_TERMS(text):
            counted[token.text] = counted.get(token.text, 0) + 1
        expected = [t for t, _ in sorted(counted.items(), key=lambda i: -i[1])][:40]
        assert documents.key_terms(documents.positions([], words)) == expected
        assert analysis.key_terms(Counter(words).items()) == expected


def test_the_tsvector_holds_each_word_and_its_stem_at_its_position_title_words_weighted():
    # The body starts after a gap: no phrase spans the title and the body.
    found = documents.positions(["oil", "prices"], ["oil", "the"])
    assert documents.tsvector(found, 2, 2) == ("'=oil':1A,4 'oil':1A,4 '=prices':2A 'price':2A '=the':5")


# Any text, weighted towards what a tsvector literal must escape and what folds or lowers oddly.
any_text = st.text(st.one_of(st.sampled_from("'\\ \t\n.:,-_AaİıſKéß0"), st.characters()), max_size=60)


def literal_of(title: str, body: str) -> tuple[str, list[str]]:
    """The article's tsvector literal, and its words."""
    title_words, body_words = analysis.words(title), analysis.words(body)
    found = documents.positions(title_words, body_words)
    return documents.tsvector(found, len(title_words), len(body_words)), title_words + body_words


@given(any_text, any_text)
@settings(max_examples=300)
def test_the_tsvector_literal_needs_no_quoting_for_any_text(title, body):
    # tsvector() writes lexemes unquoted: no word or stem may hold a quote, a backslash or a space.
    literal, words = literal_of(title, body)
    for word in words:
        assert not re.search(r"['\\\s]", word + (analysis.stem_of(word) or "")), word
    assert literal == "" or literal.startswith("'")


@given(any_text, any_text)
@settings(max_examples=100, suppress_health_check=[HealthCheck.function_scoped_fixture])
def test_postgresql_reads_the_tsvector_literal_as_exactly_the_words_and_their_stems(postgres, title, body):
    literal, words = literal_of(title, body)
    with connection.cursor() as cursor:
        cursor.execute("SELECT array(SELECT lexeme FROM unnest(%s::tsvector))", [literal])
        lexemes = cursor.fetchone()[0]
    expected = {schema.EXACT_MARK + w for w in words} | {s for w in words if (s := analysis.stem_of(w))}
    assert sorted(lexemes) == sorted(expected)


@on_postgresql
def test_words_postgresql_would_drop_or_read_as_tags_are_found(postgres):
    """The `english` configuration drops "over", "under" and "now"; the default parser reads
    "<DIS>" and "<Acme Holdings Ltd>" as tags. Neither applies here."""
    disney = store("WALT DISNEY <DIS> SETS DIVIDEND", "Over and under, now: <Acme Holdings Ltd> said.")
    for q in ("over", "under", "now", "dis", "title:dis", '"acme holdings ltd"', "acme", "ltd"):
        assert ids(q) == {disney.pk}, q
    assert ids('"said over"') == set()


@on_postgresql
def test_positions_past_postgresqls_last_are_found_as_words(postgres):
    long = store("Long", " ".join(["filler"] * 20_000) + " zebra crossing")
    assert ids("zebra") == ids("crossing") == {long.pk}


@on_postgresql
def test_quotes_and_backslashes_in_queries_and_text_are_only_words(postgres):
    article = store("O'Brien's \\ path", "It's a back\\slash: ' OR 1=1 --")
    for q in ("o'brien", "back\\slash", "' OR 1=1 --", "\\' :* & | ! <-> slash:A", "it's"):
        result = backend().search(SearchRequest(q=q))
        assert result.total == 1 and "could not be run" not in result.error, q
    assert ids("o'brien") == {article.pk}
    assert ids("slash") == {article.pk}


# --- entries follow the articles table ---------------------------------------------------------


@on_postgresql
def test_deleting_an_article_deletes_its_entry_in_the_same_transaction(postgres):
    kept, gone = store("Kept", "Barley."), store("Gone", "Barley.")
    gone.delete()  # no on-commit hook runs in this test's transaction: the trigger does it
    assert ids("barley") == {kept.pk}
    Article.objects.all().delete()
    assert postgres.doc_count() == 0


@on_postgresql
def test_djangos_flush_empties_the_entries_with_the_articles(postgres):
    store("Kept", "Barley.")
    tables = connection.introspection.django_table_names(only_existing=True, include_views=False)
    with connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # as outside this test's transaction
        for statement in connection.ops.sql_flush(no_style(), tables):
            cursor.execute(statement)
    assert postgres.doc_count() == 0


@on_postgresql
def test_an_entry_for_an_article_deleted_before_it_was_written_is_not_kept(postgres):
    article = store("Gone", "Barley.")
    docs, _ = indexing.documents([article.pk])
    article.delete()
    postgres.add_or_update(docs)
    assert postgres.doc_count() == 0


# --- the write lock, missing and outdated tables ------------------------------------------------


@on_postgresql
def test_a_change_made_while_a_rebuild_holds_the_tables_waits_and_stays_pending(postgres, settings):
    settings.ARCHIVE_INDEX_LOCK_TIMEOUT = 0
    article = Article.objects.create(title="Rye", body="Rye.", origin="test/rye", content_hash="rye")
    rebuilding = connection.get_new_connection(connection.get_connection_params())
    try:
        rebuilding.autocommit = True
        rebuilding.execute("SELECT pg_advisory_lock(%s)", [writing.WRITE_LOCK_KEY])
        with pytest.raises(IndexBusy, match="rebuild"):
            postgres.add_or_update(indexing.documents([article.pk])[0], timeout=0)
        assert indexing.index_now([article.pk]) == 0
    finally:
        rebuilding.close()
    assert ids("rye") == set()
    assert Article.objects.get(pk=article.pk).needs_indexing
    assert indexing.flush_pending() == 1
    assert ids("rye") == {article.pk}


def _planner_rows() -> float:
    with connection.cursor() as cursor:
        cursor.execute("SELECT reltuples FROM pg_class WHERE oid = to_regclass(%s)", [DOCUMENT])
        return cursor.fetchone()[0]


@on_postgresql
def test_a_bulk_session_that_grew_the_tables_by_a_tenth_leaves_them_analysed(postgres):
    def ingest(count: int, start: int) -> None:
        made = [
            Article.objects.create(
                title=f"Grain {n}", body=f"Grain report {n}.", origin=f"test/{n}", content_hash=f"{n:064x}"
            )
            for n in range(start, start + count)
        ]
        with postgres.bulk() as session:
            session.add(indexing.documents([a.pk for a in made])[0])

    ingest(20, 0)
    assert _planner_rows() == 20  # never analysed before: analysed now
    ingest(1, 20)
    assert _planner_rows() == 20  # 1 row of 20: the statistics are left as they are
    ingest(3, 21)
    assert _planner_rows() == 24


def _lexicon() -> set[str]:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT word FROM {schema.WORD}")
        return {word for (word,) in cursor.fetchall()}


@on_postgresql
@pytest.mark.django_db(transaction=True, serialized_rollback=True)  # words are kept once committed
def test_a_bulk_session_writes_every_new_word_to_the_lexicon_even_after_a_rebuild_replaced_it(postgres):
    def article(title: str) -> Article:
        made = Article.objects.create(
            title=title, body="", origin=f"test/{title}", content_hash=f"{len(title):064x}"
        )
        return made

    first = article("Zebra crossing")
    with postgres.bulk() as session:
        session.add(indexing.documents([first.pk])[0])
        session.checkpoint()
        assert {"zebra", "crossing"} <= _lexicon()
        session.add(indexing.documents([article("Zebra herd").pk])[0])
        session.checkpoint()
        assert "herd" in _lexicon()
        first.delete()
        postgres.rebuild(indexing.iter_documents())  # the one article left: no "crossing"
        assert "crossing" not in _lexicon()
        later = article("A crossing guard")
        session.add(indexing.documents([later.pk])[0])
    assert {"zebra", "herd", "crossing", "guard"} <= _lexicon()
    assert ids("crosing~1") == {later.pk}


@on_postgresql
def test_missing_tables_are_reported_never_replaced_by_a_search(postgres):
    store("Rye", "Rye.")
    with connection.cursor() as cursor:
        cursor.execute(f"DROP TABLE {DOCUMENT}")
    with pytest.raises(IndexUnavailable, match="rebuild_index"):
        backend().search(SearchRequest(q="rye"))
    with pytest.raises(IndexUnavailable):
        backend().ensure_readable()
    with pytest.raises(IndexUnavailable):
        backend().more_like_this(1)
    assert postgres.needs_rebuild()
    assert "none built yet" in postgres.describe()
    with pytest.raises(CommandError, match="rebuild_index"):
        call_command("check_index")
    call_command("rebuild_index")
    assert ids("rye") != set()
    assert re.search(r"schema version \d+, [\d,]+ MB with their indexes", postgres.describe())


@on_postgresql
def test_tables_of_another_schema_version_ask_for_a_rebuild(postgres):
    with connection.cursor() as cursor:
        cursor.execute(f"UPDATE {META} SET schema_version = schema_version - 1")
    assert postgres.needs_rebuild()
    with pytest.raises(CommandError, match="another schema version"):
        call_command("check_index")
    call_command("rebuild_index")
    assert not postgres.needs_rebuild()


@on_postgresql
def test_a_search_leaves_the_sessions_settings_as_they_were(postgres):
    store("Rye", "Rye.")
    with connection.cursor() as cursor:
        shown = "SELECT current_setting(s) FROM unnest(%s::text[]) s"
        names = ["statement_timeout", "enable_seqscan", "jit", "work_mem"]
        cursor.execute(shown, [names])
        before = cursor.fetchall()
        backend().search(SearchRequest(q="rye~1 OR r*"))
        cursor.execute(shown, [names])
        assert cursor.fetchall() == before


@on_postgresql
def test_a_broad_term_is_counted_through_the_index_not_by_reading_every_row(postgres):
    for n in range(50):
        store(f"Report {n}", "oil " * (n % 2) + f"grain number {n}")
    with connection.cursor() as cursor:
        cursor.execute("SELECT set_config('enable_seqscan', 'off', true)")
        cursor.execute(f"EXPLAIN (FORMAT JSON) SELECT count(*) FROM {DOCUMENT} d WHERE d.terms @@ 'oil'")
        plan = json.dumps(cursor.fetchone()[0])
    assert f"{DOCUMENT}_terms" in plan


def test_on_sqlite_the_backend_says_it_needs_postgresql():
    if connection.vendor == "postgresql":
        pytest.skip("this test database is PostgreSQL")
    with pytest.raises(ImproperlyConfigured, match="not PostgreSQL"):
        PostgresBackend().search(SearchRequest(q="rye"))
    with pytest.raises(ImproperlyConfigured, match="DATABASE_URL"):
        PostgresBackend().create_if_absent()


@on_postgresql
def test_many_articles_written_in_one_statement_keep_their_counts_and_the_last_of_a_repeat(postgres):
    """A batch is one INSERT (the count triggers run once for it); an article given twice in one
    call is written once, as the later document says."""
    articles = [store(f"Wheat {n}", "Wheat harvest.", date(2025, 8, 1 + n)) for n in range(3)]
    docs, _ = indexing.documents([a.pk for a in articles])
    renamed = dataclasses.replace(next(d for d in docs if d.id == articles[0].pk), title="Barley field")
    assert postgres.add_or_update([*docs, renamed]) == 3
    assert ids("barley") == {articles[0].pk}
    assert ids("wheat") == {a.pk for a in articles[1:]} | {articles[0].pk}  # its body still says wheat
    assert backend().search(SearchRequest(q="")).total == 3
    assert backend().search(SearchRequest(q="")).dates == backend().search(SearchRequest(q="-zzzzqq")).dates


@on_postgresql
def test_an_entry_another_writer_made_first_is_updated_not_duplicated(postgres, monkeypatch):
    # New articles are copied straight in; where another writer made an entry between the check
    # and the copy, the copy fails alone and the rows are upserted as for any change.
    article = store("Barley report", "Barley.", date(2025, 8, 1))
    article.title = "Oats report"
    article.save()
    monkeypatch.setattr(writing, "_has_entries", lambda cursor, ids: False)
    indexing.index_now([article.pk])
    assert ids("title:oats") == {article.pk} and ids("title:barley") == set()
    assert postgres.doc_count() == 1
    everything = postgres.search(SearchRequest(q=""))  # from the counts the triggers keep
    assert everything.total == 1 and [b[3] for b in everything.dates.buckets] == [1]


@on_postgresql
def test_the_counts_kept_for_the_whole_archive_follow_every_change(postgres):
    """A search without conditions reads counts the triggers keep; they must equal the counts of
    the same articles found by a query (here, everything but a word no article holds)."""

    def answer(q):
        result = backend().search(SearchRequest(q=q))
        facets = {name: [(c.value, c.count) for c in counts] for name, counts in result.facets.items()}
        return result.total, facets, result.dates

    def same():
        assert answer("") == answer("-zzzzqq")

    first = store("Barley", "Barley.", date(2025, 8, 1))
    second = store("Rye", "Rye.", None)
    PersonLink.objects.create(article=first, person=Person.objects.create(name="Ishaq Dar"))
    indexing.index_now([first.pk])
    same()
    first.published = date(2024, 1, 2)
    first.save()
    indexing.index_now([first.pk, second.pk])
    same()
    postgres.remove([second.pk])
    same()
    first.delete()
    same()
    postgres.rebuild(indexing.iter_documents())
    store("Oats", "Oats.", date(2025, 8, 3))
    same()
    assert answer("")[0] == 2  # rye (rebuilt from the database) and oats


@on_postgresql
def test_a_statement_past_the_time_budget_is_cancelled_and_the_plain_words_searched(postgres, monkeypatch):
    store("Rye", "Rye harvest.")
    with pytest.raises(SearchTooSlow):
        query._attempt(
            SearchRequest(),
            syntax.parse("rye"),
            SearchBudget(seconds=0.2),
            lambda c, p: c.execute("SELECT pg_sleep(5)"),
        )
    run, calls = query._run, []

    def slow_first(cursor, plan, limit, offset):  # the first statement outlives the budget
        calls.append(plan)
        if len(calls) == 1:
            cursor.execute("SELECT pg_sleep(5)")
        return run(cursor, plan, limit, offset)

    monkeypatch.setattr(query, "_run", slow_first)
    monkeypatch.setattr(SearchBudget, "seconds", 0.5)
    result = backend().search(SearchRequest(q="rye*"))
    assert "took longer than 0.5 s (finding the matches), so only its plain words" in result.error
    assert result.total == 1 and len(calls) == 2


@on_postgresql
def test_counts_that_disagree_with_the_documents_are_reported_as_damage(postgres):
    store("Rye", "Rye.")
    assert postgres.verify() == 1
    with connection.cursor() as cursor:
        cursor.execute(f"UPDATE {COUNT} SET n = n + 1 WHERE key < 0")
    with pytest.raises(IndexUnavailable, match="kept counts"):
        postgres.verify()
    with pytest.raises(CommandError, match="rebuild_index"):
        call_command("check_index")


@on_postgresql
def test_relevance_ranks_the_newest_matches_first_and_lists_the_rest_newest_first(postgres, monkeypatch):
    monkeypatch.setattr(query, "RANKED", 3)
    articles = [
        store(f"Bulletin {n}", "barley " * (1 + n % 3) + "report", date(2025, 8, 1 + n)) for n in range(7)
    ]
    result = backend().search(SearchRequest(q="barley", page_size=4))
    every = list(backend().iter_ids(SearchRequest(q="barley")))
    newest = [a.pk for a in reversed(articles)]
    assert sorted(every[:3]) == sorted(newest[:3]) and every[3:] == newest[3:]
    scores = [hit.score for hit in result.hits]
    assert scores[:3] == sorted(scores[:3], reverse=True) and min(scores[:3]) > 0 and scores[3] == 0
    second = backend().search(SearchRequest(q="barley", page=2, page_size=4))
    assert [h.id for h in result.hits + second.hits] == every


@on_postgresql
def test_pages_on_both_sides_of_the_ranked_window_follow_the_export_order(postgres, monkeypatch):
    """The matches past the ranked window are sorted only as far as the page asked for reaches;
    every page, whatever its size, is still the export's order cut at its place."""
    monkeypatch.setattr(query, "RANKED", 3)
    for n in range(9):
        store(f"Bulletin {n}", "barley " * (1 + n % 4) + "report", date(2025, 8, 1 + n) if n % 3 else None)
    every = list(backend().iter_ids(SearchRequest(q="barley")))
    assert len(every) == 9
    for size in (1, 2, 4):
        pages = [backend().search(SearchRequest(q="barley", page=p, page_size=size)) for p in range(1, 10)]
        assert [h.id for r in pages for h in r.hits] == every
        assert {r.total for r in pages} == {9}


@on_postgresql
def test_the_documents_rows_keep_their_long_columns_out_of_line_after_a_rebuild_too(postgres):
    """Rows over PostgreSQL's threshold keep only their short columns (schema.ROW_TARGET): every
    match's row is read, its terms only when it is ranked."""

    def options():
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT reloptions FROM pg_class WHERE oid = '{DOCUMENT}'::regclass")
            return cursor.fetchone()[0]

    assert options() == [f"toast_tuple_target={schema.ROW_TARGET}"]
    article = store("Long", " ".join(f"harvest{n}" for n in range(400)))
    postgres.rebuild(indexing.iter_documents())
    assert options() == [f"toast_tuple_target={schema.ROW_TARGET}"]
    assert ids("harvest399") == {article.pk}
