"""The per-index search tables (facets, ids, dates, the lexicon) in a file beside the index that
every process memory-maps, instead of a copy in each gunicorn worker."""

import errno
import multiprocessing

import numpy as np
import pytest

from articles.ingest_run import ingest_paths
from articles.models import Article
from articles.search.whoosh import facets, index, tablefile
from articles.search.whoosh.query import SearchRequest, search
from tests.search_support import index_named
from tests.test_search_facets import synthetic_documents

pytestmark = pytest.mark.django_db


def forget_tables_of_this_process():
    facets._tables.clear()


def live_tables_path():
    with index.searcher() as s:
        return facets.tables_path(index.current_dir(), s.reader().generation())


def test_the_first_search_writes_the_tables_file_and_others_map_it(tmp_path):
    index_named(synthetic_documents(count=40))
    forget_tables_of_this_process()
    first = search(SearchRequest(q="oil"))
    path = live_tables_path()
    assert path.is_file()
    forget_tables_of_this_process()
    written = path.stat().st_mtime_ns
    second = search(SearchRequest(q="oil"))
    assert path.stat().st_mtime_ns == written  # read, not written again
    assert [h.id for h in second.hits] == [h.id for h in first.hits]
    assert second.facets == first.facets and second.dates == first.dates
    with index.searcher() as s:
        tables = facets.tables_for(s)
    assert isinstance(tables.ids.base, np.memmap) or isinstance(tables.ids.base.base, np.memmap)


def test_an_ingest_writes_the_tables_of_its_last_version():
    with index.bulk_writer(timeout=1) as bulk:
        bulk.add([index.IndexDocument(i, f"Title {i}", "grain and oil", None) for i in range(1, 30)])
    assert live_tables_path().is_file()


def test_an_ingest_run_leaves_the_tables_of_the_version_it_ends_with(tmp_path):
    """The run's closing flush commits once more (here: every article marked again while the run
    went on); the first search after the run still finds that version's tables written."""
    for name, word in (("a.txt", "wheat"), ("b.txt", "barley")):
        (tmp_path / name).write_text(f"{word.title()} harvest\n\nThe {word} harvest began early this year.\n")

    def mark_every_article(item, outcome):
        Article.objects.update(needs_indexing=True)

    ingest_paths([tmp_path], workers=1, on_item=mark_every_article)
    assert not Article.objects.filter(needs_indexing=True).exists()
    assert live_tables_path().is_file()


def test_each_commit_gets_its_own_file_and_old_ones_go():
    docs = synthetic_documents(count=60)
    for start in range(0, 60, 10):
        index_named(docs[start : start + 10])
        search(SearchRequest(q="oil"))
    files = sorted(index.current_dir().glob(facets.TABLES_PATTERN))
    assert live_tables_path() in files
    assert len(files) == 1 + facets._OLD_TABLES_KEPT
    assert search(SearchRequest()).total == 60


def test_a_truncated_tables_file_is_written_again(caplog):
    index_named(synthetic_documents(count=30))
    expected = search(SearchRequest(q="wheat")).total
    path = live_tables_path()
    with open(path, "r+b") as f:
        f.truncate(path.stat().st_size // 2)
    forget_tables_of_this_process()
    assert search(SearchRequest(q="wheat")).total == expected
    tablefile.load(path)  # whole again


def test_tables_that_cannot_be_written_stay_in_memory(monkeypatch, caplog):
    index_named(synthetic_documents(count=30))
    expected = search(SearchRequest(q="wheat", persons=["Bo Chen"])).total
    for path in index.current_dir().glob(facets.TABLES_PATTERN):
        path.unlink()
    forget_tables_of_this_process()

    def disk_full(*args):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(tablefile, "write", disk_full)
    assert search(SearchRequest(q="wheat", persons=["Bo Chen"])).total == expected
    assert "kept in memory" in caplog.text
    assert not list(index.current_dir().glob(facets.TABLES_PATTERN))


def test_prefix_wildcard_and_fuzzy_words_are_found_in_every_segment():
    docs = [index.IndexDocument(i, f"Note {i}", f"shipment{i} of sugar", None) for i in range(1, 31)]
    for start in range(0, 30, 10):  # three segments, each with words of its own
        index.add_or_update(docs[start : start + 10])
    with index.searcher() as s:
        assert len(s.reader().leaf_readers()) == 3
    assert search(SearchRequest(q="shipment*", page_size=50)).total == 30
    assert search(SearchRequest(q="shipment2?", page_size=50)).total == 10
    assert {h.id for h in search(SearchRequest(q="shipment25~1")).hits} >= {25, 2, 5}


def _table_file_round_trip(path, queue):
    arrays, meta = tablefile.load(path)
    queue.put((arrays["numbers"].tolist(), arrays["empty"].shape, meta))


def test_a_table_file_is_read_whole_by_another_process(tmp_path):
    path = tmp_path / "t.npt"
    tablefile.write(path, {"numbers": np.arange(5, dtype=np.int64), "empty": np.zeros(0, np.uint8)}, {"a": 1})
    context = multiprocessing.get_context("fork")
    queue = context.SimpleQueue()
    child = context.Process(target=_table_file_round_trip, args=(path, queue))
    child.start()
    child.join(timeout=30)
    assert child.exitcode == 0
    assert queue.get() == ([0, 1, 2, 3, 4], (0,), {"a": 1})
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".")]  # no temporary file left


def test_an_empty_index_has_tables_too():
    result = search(SearchRequest(q="ship*"))
    assert result.total == 0
    assert live_tables_path().is_file()
