"""A full disk stops ingest with one sentence, and whatever it stored becomes searchable with the
next run or `check_index --fix`. The full disk is simulated by a write raising ENOSPC."""

import errno

import pytest
from django.core.management import CommandError, call_command

from articles import store
from articles.models import Article
from articles.search.whoosh import index
from articles.search.whoosh.query import SearchRequest, search

pytestmark = pytest.mark.django_db


def no_space(*args, **kwargs):
    raise OSError(errno.ENOSPC, "No space left on device")


@pytest.fixture
def corpus(tmp_path):
    folder = tmp_path / "corpus"
    folder.mkdir()
    for n in range(1, 6):
        (folder / f"{n}.txt").write_text(
            f"Grain talks round {n}\n\nANKARA: Ministers met for round {n} of the grain corridor talks.\n"
        )
    return folder


def test_a_full_disk_while_indexing_stops_with_one_sentence_and_check_index_repairs(corpus, monkeypatch):
    monkeypatch.setattr(index, "add_or_update", no_space)
    with pytest.raises(CommandError) as stopped:
        call_command("ingest", str(corpus), "--workers", "1")
    message = str(stopped.value)
    assert message.startswith("The disk is full (No space left on device): ingest stopped after storing 5")
    assert "check_index --fix" in message and "\n" not in message
    assert Article.objects.filter(needs_indexing=True).count() == 5
    assert search(SearchRequest(q="grain")).total == 0

    monkeypatch.undo()
    call_command("check_index", "--fix")
    assert search(SearchRequest(q="grain")).total == 5
    assert not Article.objects.filter(needs_indexing=True).exists()


def test_a_full_disk_while_storing_stops_and_the_next_run_finishes_the_job(corpus, monkeypatch):
    monkeypatch.setattr(store, "STORE_BATCH", 2)
    real_store_new, calls = store.store_new, []

    def store_new_then_no_space(*args, **kwargs):
        calls.append(1)
        return real_store_new(*args, **kwargs) if len(calls) == 1 else no_space()

    monkeypatch.setattr(store, "store_new", store_new_then_no_space)
    with pytest.raises(CommandError, match=r"^The disk is full .* after storing 2 articles"):
        call_command("ingest", str(corpus), "--workers", "1")
    assert Article.objects.count() == 2

    monkeypatch.undo()
    call_command("ingest", str(corpus), "--workers", "1")
    assert Article.objects.count() == 5
    assert search(SearchRequest(q="grain")).total == 5
