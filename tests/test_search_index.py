"""The index on disk: updates, removals, rebuild swap, schema version, the writer lock, repair."""

import multiprocessing
import os
import signal
import threading
import time
from datetime import date
from pathlib import Path

import pytest
from django.db import connection
from whoosh.index import TOC, FileIndex

from articles.search.whoosh import index, merging, parallel, schema
from articles.search.whoosh.query import SearchRequest, search
from tests.search_support import index_named, with_ids

pytestmark = pytest.mark.django_db


def doc(id, body="wheat harvest", stamp="v1", published=None, **extra):
    return index.IndexDocument(
        id=id, title=f"Article {id}", body=body, published=published, stamp=stamp, **extra
    )


def found(q) -> set[int]:
    return {hit.id for hit in search(SearchRequest(q=q, page_size=200)).hits}


def test_a_new_archive_has_an_empty_index_and_creating_it_again_changes_nothing(index_dir):
    live = index.current_dir()
    assert live.parent == index_dir and index.doc_count() == 0
    assert not index.needs_rebuild()
    assert index.create_if_absent() is False
    assert index.current_dir() == live


def test_add_or_update_replaces_by_id():
    assert index_named([doc(1, "wheat"), doc(2, "barley")]) == 2
    index_named([doc(1, "maize", stamp="v2")])
    assert index.doc_count() == 2
    assert found("wheat") == set()
    assert found("maize") == {1}
    assert index.indexed_stamps() == {1: "v2", 2: "v1"}


def test_bulk_add_with_two_processes():
    docs = [doc(i, f"grain report {i}") for i in range(1, 301)]
    assert index_named(docs, procs=2, multisegment=True) == 300
    assert index.doc_count() == 300
    assert search(SearchRequest(q="grain")).total == 300


def test_remove_counts_what_was_there():
    index_named([doc(1), doc(2), doc(3)])
    assert index.remove([2, 3, 99]) == 2
    assert index.remove([]) == 0
    assert index.indexed_stamps() == {1: "v1"}
    assert search(SearchRequest(q="wheat")).total == 1


def test_searcher_sees_updates_made_after_it_opened():
    index_named([doc(1)])
    assert search(SearchRequest(q="wheat")).total == 1
    index_named([doc(2)])
    assert search(SearchRequest(q="wheat")).total == 2
    index.remove([1])
    assert [hit.id for hit in search(SearchRequest(q="wheat")).hits] == [2]


def test_facets_follow_updates_of_metadata():
    index_named([doc(1, persons=["Ann Lee"], published=None)])
    assert search(SearchRequest()).facets["person"][0].value == "Ann Lee"
    index_named([doc(1, persons=["Bo Chen"])])
    assert [f.value for f in search(SearchRequest()).facets["person"]] == ["Bo Chen"]


def test_rebuild_swaps_in_a_new_directory(index_dir):
    index_named([doc(1, "wheat"), doc(2, "wheat")])
    before = index.current_dir()
    assert found("wheat") == {1, 2}
    assert index.rebuild([doc(3, "wheat"), doc(4, "rice")]) == 2
    after = index.current_dir()
    assert after != before and after.parent == before.parent
    assert found("wheat") == {3}
    assert index.indexed_stamps() == {3: "v1", 4: "v1"}
    index.rebuild([doc(5, "wheat")])
    # The generation just replaced stays for readers in other processes; older ones go.
    assert not before.exists()
    assert sorted(p.name for p in index_dir.iterdir() if p.is_dir()) == sorted(
        [after.name, index.current_dir().name]
    )


def test_failed_rebuild_leaves_the_live_index_alone(index_dir):
    index_named([doc(1, "wheat")])
    live = index.current_dir()

    def broken():
        yield doc(2, "wheat")
        raise RuntimeError("database went away")

    with pytest.raises(RuntimeError, match="database went away"):
        index.rebuild(broken())
    assert index.current_dir() == live
    assert found("wheat") == {1}
    assert [p for p in index_dir.iterdir() if p.is_dir()] == [live]


def test_schema_version_mismatch_asks_for_a_rebuild():
    index_named([doc(1)])
    assert not index.needs_rebuild()
    (index.current_dir() / index.VERSION_FILE).write_text(f"{schema.SCHEMA_VERSION - 1}\n")
    assert index.needs_rebuild()
    index.rebuild([doc(1)])
    assert not index.needs_rebuild()


def test_writer_lock_held_elsewhere_raises_index_busy():
    index_named([doc(1)])
    with index.writer():
        with pytest.raises(index.IndexBusy, match="try again"):
            index_named([doc(2)], timeout=0.2)
        with pytest.raises(index.IndexBusy):
            index.remove([1], timeout=0.1)
    assert index_named([doc(2)], timeout=0.2) == 1


def test_rebuild_holds_the_lock_so_concurrent_writes_wait_or_fail():
    index_named([doc(1)])
    started, release, outcome = threading.Event(), threading.Event(), {}

    def slow_docs():
        yield doc(1)
        started.set()
        release.wait(5)
        yield doc(2)

    rebuilder = threading.Thread(target=lambda: outcome.setdefault("n", index.rebuild(slow_docs())))
    rebuilder.start()
    started.wait(5)
    with pytest.raises(index.IndexBusy):
        index_named([doc(3)], timeout=0.1)
    release.set()
    rebuilder.join(10)
    assert outcome["n"] == 2
    index_named([doc(3)], timeout=1)
    assert index.indexed_stamps().keys() == {1, 2, 3}


def test_error_inside_the_writer_is_raised_as_itself_and_nothing_is_committed():
    index_named([doc(1)])
    with pytest.raises(ValueError, match="bad document"):
        with index.writer() as w:
            w.update_document(**index.document_fields(doc(2)))
            raise ValueError("bad document")
    assert index.indexed_stamps() == {1: "v1"}
    assert index_named([doc(3)], timeout=0.2) == 1  # the lock was released


def test_document_fields_hold_row_ids_not_names_and_dates():
    fields = index.document_fields(index.IndexDocument(7, "T", "B", date(2025, 8, 6), [3, 12], [5], 9, "x"))
    assert (fields["person"], fields["topic"], fields["source"]) == ("3,12", "5", "9")
    assert fields["date"].isoformat() == "2025-08-06T00:00:00"
    assert "date" not in index.document_fields(doc(8))
    assert index.document_fields(doc(8))["source"] == ""


def test_bulk_update_with_two_processes_replaces_existing_documents():
    index_named([doc(1, "wheat", stamp="old")])
    docs = [doc(1, "maize", stamp="new")] + [doc(i, "grain") for i in range(2, 200)]
    index_named(docs, procs=2, multisegment=True)
    assert index.doc_count() == 199
    assert index.indexed_stamps()[1] == "new"
    assert search(SearchRequest(q="wheat")).total == 0


def test_a_merge_landing_as_a_searcher_opens_makes_it_open_again(monkeypatch):
    index_named([doc(1, "wheat")])
    index_named([doc(2, "wheat")])
    opened, merged = FileIndex.searcher, []

    def searcher_then_merge(self, **kwargs):
        s = opened(self, **kwargs)
        if not merged:  # another process merges every segment this searcher reads, deleting their files
            merged.append(True)
            index.open_index().writer().commit(optimize=True)
        return s

    monkeypatch.setattr(FileIndex, "searcher", searcher_then_merge)
    assert search(SearchRequest(q="wheat")).total == 2
    assert merged and index.segment_count() == 1


def test_a_commit_between_listing_and_reading_the_table_of_contents_is_survived(monkeypatch):
    """A search lists the latest table of contents, then reads it: a commit in between writes the
    next one and deletes the listed one. Whichever listing it races, the search answers."""
    latest = TOC._latest_generation

    def search_with_a_commit_after_listing(race: int) -> tuple[int, int]:
        listings = []

        def listed_then_replaced(cls, storage, indexname):
            generation = latest.__func__(cls, storage, indexname)
            listings.append(generation)
            if len(listings) == race:
                monkeypatch.setattr(TOC, "_latest_generation", latest)
                w = index.open_index().writer()
                w.add_document(**index.document_fields(with_ids(doc(100 + race, "wheat"))))
                w.commit()
            return generation

        monkeypatch.setattr(TOC, "_latest_generation", classmethod(listed_then_replaced))
        try:
            return search(SearchRequest(q="wheat")).total, len(listings)
        finally:
            monkeypatch.setattr(TOC, "_latest_generation", latest)

    index_named([doc(1, "wheat")])
    for race in range(1, 20):
        before = index.doc_count()
        index_named([doc(1 + race, "wheat")])  # a new table of contents: the search opens a new searcher
        total, listings = search_with_a_commit_after_listing(race)
        assert total in (before + 1, before + 2)
        if listings < race:
            break  # every listing of this search has been raced
    assert 3 <= race < 19


@pytest.mark.django_db(transaction=True, serialized_rollback=True)  # threads: own connections
def test_threads_search_while_the_index_changes():
    index_named([doc(i, "wheat") for i in range(1, 51)])
    errors, totals = [], []

    def reader():
        try:
            for _ in range(20):
                totals.append(search(SearchRequest(q="wheat")).total)
        except Exception as exc:  # collected: an exception in a thread would not fail the test
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=reader) for _ in range(4)]
    for thread in threads:
        thread.start()
    for batch in range(51, 71, 5):
        index_named([doc(i, "wheat") for i in range(batch, batch + 5)])
    for thread in threads:
        thread.join(30)
    assert errors == []
    assert len(totals) == 80 and all(50 <= total <= 70 for total in totals)
    assert search(SearchRequest(q="wheat")).total == 70


def test_one_article_commits_are_merged_by_tier_so_segments_stay_few():
    for n in range(1, 31):
        index_named([doc(n)])
    assert index.doc_count() == 30
    assert index.segment_count() <= merging.MERGE_FACTOR
    assert search(SearchRequest(q="wheat")).total == 30


def test_a_small_commit_never_merges_more_than_its_bound(monkeypatch):
    monkeypatch.setattr(merging, "EDIT_MERGE_MAX_DOCS", 5)
    full_tier = merging.MERGE_FACTOR
    for n in range(1, full_tier + 2):
        index_named([doc(n)])
    # A full tier of one-document segments, more documents than the bound: kept.
    assert index.segment_count() == full_tier + 1


def test_an_ingest_writer_merges_each_full_tier_as_it_goes():
    articles = 2 * merging.MERGE_FACTOR + 2
    with index.bulk_writer() as bulk:
        for n in range(1, articles + 1):
            bulk.add([doc(n)])
            bulk.checkpoint()
        # The 11th and 22nd commits each found ten one-document segments and merged them into
        # theirs (a commit's own documents go into the segment its merge writes).
        assert index.segment_count() == 2
    assert index.doc_count() == articles
    assert search(SearchRequest(q="wheat")).total == articles


def test_no_ingest_commit_merges_more_than_its_bound(monkeypatch):
    monkeypatch.setattr(merging, "INGEST_MERGE_MAX_DOCS", merging.MERGE_FACTOR - 1)
    with index.bulk_writer() as bulk:
        for n in range(1, merging.MERGE_FACTOR + 2):
            bulk.add([doc(n)])
            bulk.checkpoint()
    # A full tier of one-document segments holds more documents than the bound: kept.
    assert index.segment_count() == merging.MERGE_FACTOR + 1


def test_a_parallel_bulk_writer_writes_one_segment_per_process_at_each_checkpoint():
    with index.bulk_writer(procs=2) as bulk:
        bulk.add(doc(i, f"grain report {i}") for i in range(1, 251))
        bulk.checkpoint()
        assert index.segment_count() == 2
        bulk.add(doc(i, f"barley report {i}") for i in range(251, 501))
    assert index.segment_count() == 4
    assert index.doc_count() == 500
    assert search(SearchRequest(q="grain")).total == search(SearchRequest(q="barley")).total == 250


def test_cancelling_a_parallel_writer_stops_its_processes_and_keeps_nothing():
    with pytest.raises(RuntimeError), index.bulk_writer(procs=2) as bulk:
        bulk.add(doc(i) for i in range(1, 251))
        tasks = list(bulk.writer.tasks)
        assert len(tasks) == 2 and all(task.is_alive() for task in tasks)
        raise RuntimeError("the run failed")
    assert not any(task.is_alive() for task in tasks)
    assert index.doc_count() == 0
    assert index_named([doc(1)]) == 1  # the lock was released


def test_a_commit_fails_when_a_sub_writer_failed_and_loses_nothing_committed_before():
    with index.bulk_writer(procs=2) as bulk:
        bulk.add(doc(i) for i in range(1, 251))
    with pytest.raises(parallel.SubWriterFailed, match="nothing was committed"):
        with index.bulk_writer(procs=2) as bulk:
            bulk.add(doc(i) for i in range(251, 501))
            bulk.writer.add_document(no_such_field="fails in the sub-writer that indexes it")
    assert index.doc_count() == 250
    assert index_named([doc(501)]) == 1  # the lock was released
    assert index.doc_count() == 251


def _write_then_die(pids):
    with index.bulk_writer(procs=2) as bulk:
        bulk.add(doc(i) for i in range(1, 251))
        pids.send([task.pid for task in bulk.writer.tasks])
        os.kill(os.getpid(), signal.SIGKILL)


def test_sub_writers_exit_when_their_parent_is_killed():
    context = multiprocessing.get_context("fork")
    pids, child_end = context.Pipe(duplex=False)
    writer = context.Process(target=_write_then_die, args=(child_end,))
    writer.start()
    assert pids.poll(30)
    sub_writers = pids.recv()
    writer.join(30)
    deadline = time.monotonic() + parallel.ORPHAN_CHECK * 10
    while any(map(_running, sub_writers)) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not any(map(_running, sub_writers))


def _running(pid: int) -> bool:
    """Alive and not a zombie waiting to be reaped."""
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return False
    return "\nState:\tZ" not in status
