"""The ingest run end to end: files -> database -> index, idempotence, failures, locking, commands."""

import json
import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import time

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from articles.enrich import Enricher
from articles.ingest_lock import IngestLocked, ingest_lock
from articles.ingest_run import ingest_paths
from articles.models import Article, IngestFailure, IngestRun, SourceFile
from articles.search.whoosh import index
from articles.search.whoosh.query import SearchRequest, search
from tests.conftest import REPO, SAMPLE_DIR

pytestmark = pytest.mark.django_db


def ingest(*paths, **options):
    return ingest_paths([str(p) for p in paths], workers=1, **options)


def write(path, text, encoding="utf-8"):
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(text.encode(encoding))
    return path


ARTICLE = (
    "Ministers agree on grain corridor\n\n"
    "Published: March 3, 2025\n\n"
    "ANKARA: Ministers from four countries agreed on Tuesday to reopen a grain corridor, "
    "officials said, easing pressure on wheat prices across the region.\n\n"
    "The agreement follows weeks of talks hosted by Turkey."
)


def test_seeds_are_stored_with_their_metadata_and_indexed(seeds_dir):
    report = ingest(seeds_dir)
    assert report.counts["new"] == 5 and report.counts["failed"] == 0
    dated = {a.published.isoformat() for a in Article.objects.exclude(published=None)}
    assert dated == {"2025-08-06", "2025-04-08"}
    assert Article.objects.filter(published=None).count() == 3
    with_url = Article.objects.exclude(source_url="").get()
    assert with_url.source.domain == "arab.news"
    assert with_url.dateline.lower() == "islamabad"
    assert index.doc_count() == 5
    assert not Article.objects.filter(needs_indexing=True).exists()
    assert search(SearchRequest(q="Rubio")).total == 5


def test_ingesting_the_same_files_again_creates_nothing(seeds_dir):
    ingest(seeds_dir)
    again = ingest(seeds_dir)
    assert again.counts["unchanged"] == 5 and again.counts["new"] == 0
    assert Article.objects.count() == 5 and index.doc_count() == 5


def test_a_changed_file_updates_its_article_in_database_and_index(tmp_path):
    path = write(tmp_path / "a.txt", ARTICLE)
    ingest(tmp_path)
    write(path, ARTICLE.replace("grain corridor", "shipping lane"))
    report = ingest(tmp_path)
    assert report.counts["updated"] == 1
    article = Article.objects.get()
    assert "shipping lane" in article.title
    assert search(SearchRequest(q='"shipping lane"')).total == 1
    assert search(SearchRequest(q='"grain corridor"')).total == 0


def test_identical_content_under_two_paths_is_one_article(tmp_path):
    write(tmp_path / "a.txt", ARTICLE)
    write(tmp_path / "copy" / "b.txt", ARTICLE)
    report = ingest(tmp_path)
    assert (report.counts["new"], report.counts["duplicate"]) == (1, 1)
    assert Article.objects.count() == 1
    assert SourceFile.objects.count() == 2


def test_changing_one_of_two_identical_files_splits_them(tmp_path):
    write(tmp_path / "a.txt", ARTICLE)
    b = write(tmp_path / "b.txt", ARTICLE)
    ingest(tmp_path)
    write(b, ARTICLE + "\n\nA later paragraph about barley.")
    report = ingest(tmp_path)
    assert report.counts["new"] == 1 and report.counts["unchanged"] == 1
    assert Article.objects.count() == 2
    assert search(SearchRequest(q="barley")).total == 1


def test_bad_files_are_recorded_and_the_batch_goes_on(tmp_path):
    write(tmp_path / "good.txt", ARTICLE)
    write(tmp_path / "empty.txt", "")
    (tmp_path / "binary.txt").write_bytes(bytes(range(256)) * 8)
    write(
        tmp_path / "feed.jsonl",
        json.dumps({"title": "Fine", "text": "A fine record about oil."}) + "\n{broken\n",
    )
    report = ingest(tmp_path, tmp_path / "missing-folder")
    assert report.counts["new"] == 2
    failures = {f.path.rsplit("/", 1)[-1]: f for f in IngestFailure.objects.all()}
    assert {"empty.txt", "binary.txt", "missing-folder"} <= failures.keys()
    assert any(name.startswith("feed.jsonl") for name in failures)
    assert all(f.message for f in failures.values())
    run = IngestRun.objects.get()
    assert (run.new, run.failed) == (2, report.counts["failed"]) and run.finished


def test_an_article_that_cannot_be_stored_fails_alone(tmp_path, monkeypatch):
    """New articles are stored a batch per transaction: one that fails takes none of the others
    with it, and the people created for the failed batch are not left dangling."""
    for n in range(5):
        write(tmp_path / f"{n}.txt", ARTICLE.replace("grain corridor", f"grain corridor number {n}"))
    write(tmp_path / "bad.txt", ARTICLE.replace("grain corridor", "poisoned corridor"))
    link_topics = Enricher._topic_links

    def failing_for_one(self, article):
        if "poisoned" in article.title:
            raise ValueError("the topic links could not be made")
        return link_topics(self, article)

    monkeypatch.setattr(Enricher, "_topic_links", failing_for_one)
    report = ingest(tmp_path)
    assert (report.counts["new"], report.counts["failed"]) == (5, 1)
    failure = IngestFailure.objects.get()
    assert failure.path.endswith("bad.txt") and failure.code == "store-error"
    assert "the topic links could not be made" in failure.message
    assert sorted(Article.objects.values_list("origin", flat=True)) == [
        str(tmp_path / f"{n}.txt") for n in range(5)
    ]
    assert search(SearchRequest(q="corridor")).total == 5


def test_a_failure_is_resolved_when_the_file_is_fixed(tmp_path):
    path = write(tmp_path / "later.txt", "")
    ingest(tmp_path)
    assert IngestFailure.objects.get().resolved is False
    write(path, ARTICLE)
    ingest(tmp_path)
    assert IngestFailure.objects.get().resolved is True


def test_dry_run_writes_nothing_and_describes_each_file(tmp_path, capsys):
    write(tmp_path / "a.txt", ARTICLE)
    call_command("ingest", str(tmp_path), "--dry-run", "--workers", "1")
    out = capsys.readouterr().out
    assert "Ministers agree on grain corridor" in out
    assert "2025-03-03" in out and "Published" in out
    assert "Ankara" in out
    assert "removed:  2 lines" in out  # the Published line and the dateline's wording
    assert Article.objects.count() == 0 and IngestRun.objects.count() == 0
    assert index.doc_count() == 0


def test_command_prints_a_summary_and_fails_when_a_file_failed(tmp_path, capsys):
    write(tmp_path / "a.txt", ARTICLE)
    write(tmp_path / "b.txt", "")
    with pytest.raises(CommandError, match="1 file"):
        call_command("ingest", str(tmp_path), "--workers", "1")
    out = capsys.readouterr()
    assert "1 new" in out.out and "1 failed" in out.out
    assert "b.txt" in out.err


def test_command_refuses_paths_that_do_not_exist(tmp_path):
    with pytest.raises(CommandError, match="not found"):
        call_command("ingest", str(tmp_path / "nope"))


def test_a_second_ingest_stops_with_a_clear_message_while_one_runs(tmp_path):
    write(tmp_path / "a.txt", ARTICLE)
    with ingest_lock():
        with pytest.raises(IngestLocked, match="Another ingest is running"):
            ingest(tmp_path)
    assert ingest(tmp_path).counts["new"] == 1


def test_the_sample_corpus_ingests_without_failure():
    report = ingest(SAMPLE_DIR)
    assert report.counts["failed"] == 0, report.failures
    assert report.counts["new"] >= 10
    assert Article.objects.exclude(published=None).count() >= 8


def test_check_index_reports_and_fixes_missing_stale_and_orphans(seeds_dir, capsys):
    ingest(seeds_dir)
    call_command("check_index")
    assert "matches the database" in capsys.readouterr().out
    first, second = Article.objects.order_by("pk")[:2]
    index.remove([first.pk])
    Article.objects.filter(pk=second.pk).update(
        title="Edited behind the index's back", changed=timezone.now()
    )
    index.add_or_update([index.IndexDocument(10**6, "Orphan", "orphan text", None, [], [], "", "x")])
    with pytest.raises(CommandError, match="does not match"):
        call_command("check_index")
    out = capsys.readouterr().out
    assert "1 missing" in out and "1 stale" in out and "1 orphans" in out
    call_command("check_index", "--fix")
    call_command("check_index")
    assert search(SearchRequest(q="behind the index")).total == 1


def test_rebuild_index_restores_an_index_from_the_database(seeds_dir):
    ingest(seeds_dir)
    shutil.rmtree(index.current_dir())
    call_command("rebuild_index")
    assert index.doc_count() == 5
    call_command("check_index")


def test_an_ingest_killed_midway_is_made_consistent_by_the_next_run(tmp_path, settings):
    """kill -9 a real ingest process midway (the process alone, as a user would: its indexer
    process must notice and let go of the index); the next run leaves check_index clean and no
    duplicates."""
    corpus = tmp_path / "corpus"
    for n in range(400):
        write(corpus / f"{n:04}.txt", ARTICLE.replace("grain corridor", f"grain corridor number {n}"))
    data = tmp_path / "data"
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "archive.settings",
        "SECRET_KEY": "kill-test",
        "ARCHIVE_DATA_DIR": str(data),
        "DATABASE_URL": f"sqlite:///{data / 'db.sqlite3'}",
    }
    manage = [sys.executable, str(REPO / "manage.py")]
    subprocess.run([*manage, "migrate", "-v0"], env=env, check=True)
    process = subprocess.Popen([*manage, "ingest", str(corpus)], env=env, start_new_session=True)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and not _stored_some(data):
        time.sleep(0.05)
    os.kill(process.pid, signal.SIGKILL)
    process.wait()
    second = subprocess.run(
        [*manage, "ingest", str(corpus)], env=env, capture_output=True, text=True, timeout=120
    )
    assert second.returncode == 0, second.stdout + second.stderr
    check = subprocess.run([*manage, "check_index"], env=env, capture_output=True, text=True)
    assert check.returncode == 0, check.stdout + check.stderr
    count = subprocess.run(
        [
            *manage,
            "shell",
            "--no-imports",
            "-c",
            "from articles.models import Article; print(Article.objects.count())",
        ],
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    assert count.stdout.strip() == "400"


def _stored_some(data_dir) -> bool:
    try:
        with sqlite3.connect(data_dir / "db.sqlite3", timeout=1) as db:
            return db.execute("select count(*) from articles_article").fetchone()[0] >= 50
    except sqlite3.Error:
        return False
