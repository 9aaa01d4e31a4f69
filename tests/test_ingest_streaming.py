"""Exports over the size limit stream from disk a record at a time (the limit applies to each
record), and a file that takes too long to read fails alone while the batch goes on."""

import json
import os
import time
import tracemalloc

import pytest

from articles import ingest_run
from articles.ingest.draft import ArticleDraft, FileFailure
from articles.ingest.read import iter_file, read_file
from articles.ingest_run import ingest_paths
from articles.models import Article, IngestFailure

LIMIT = 4_000


def record(n: int, words: int = 40) -> dict:
    text = " ".join(f"Officials met for round {n} of talks on trade." for _ in range(words // 8))
    return {"id": n, "title": f"Talks, round {n}", "date": "2025-08-06", "text": text}


def write_jsonl(path, count, **kwargs):
    path.write_text("\n".join(json.dumps(record(n, **kwargs)) for n in range(1, count + 1)) + "\n")
    return path


def test_a_json_lines_export_over_the_limit_is_read_record_by_record(tmp_path):
    path = write_jsonl(tmp_path / "big.jsonl", 60)
    assert path.stat().st_size > 4 * LIMIT
    items = read_file(path, LIMIT)
    assert [item.origin for item in items] == [f"{path}#{n}" for n in range(1, 61)]
    assert all(isinstance(item, ArticleDraft) and item.file == str(path) for item in items)


def test_a_record_over_the_limit_fails_alone(tmp_path):
    path = tmp_path / "big.jsonl"
    lines = [json.dumps(record(n)) for n in range(1, 30)]
    lines[4] = json.dumps(record(5, words=2_000))  # one record far over the limit
    path.write_text("\n".join(lines))
    items = read_file(path, LIMIT)
    failures = [item for item in items if isinstance(item, FileFailure)]
    assert [(f.origin, f.code) for f in failures] == [(f"{path}#5", "too-large")]
    assert "limit for one record" in failures[0].message
    assert sum(isinstance(item, ArticleDraft) for item in items) == 28


@pytest.mark.parametrize(
    "shape",
    [
        lambda records: json.dumps(records),
        lambda records: json.dumps({"source": "wire", "articles": records}),
        lambda records: "\n".join(json.dumps(r) for r in records),  # JSON Lines saved as .json
    ],
    ids=["array", "object-with-articles", "json-lines"],
)
def test_a_json_export_over_the_limit_streams_too(tmp_path, shape):
    path = tmp_path / "big.json"
    path.write_text(shape([record(n) for n in range(1, 40)]))
    assert path.stat().st_size > LIMIT
    items = read_file(path, LIMIT)
    assert len(items) == 39 and all(isinstance(item, ArticleDraft) for item in items)
    assert items[0].title == "Talks, round 1" and items[0].published.isoformat() == "2025-08-06"


def test_a_large_json_file_that_is_not_an_export_says_what_to_do(tmp_path):
    path = tmp_path / "big.json"
    path.write_text(json.dumps({"title": "One", "text": "x " * LIMIT}))
    (failure,) = read_file(path, LIMIT)
    assert failure.code == "too-large" and "JSON Lines" in failure.message


def test_a_large_json_array_cut_short_keeps_the_records_before_the_break(tmp_path):
    path = tmp_path / "big.json"
    path.write_text(json.dumps([record(n) for n in range(1, 40)])[:-300])
    items = read_file(path, LIMIT)
    assert isinstance(items[-1], FileFailure) and items[-1].code == "malformed-json"
    assert len(items) > 30 and all(isinstance(item, ArticleDraft) for item in items[:-1])


def test_streaming_memory_stays_flat_whatever_the_file_size(tmp_path):
    path = write_jsonl(tmp_path / "big.jsonl", 2_000, words=160)
    size = path.stat().st_size
    tracemalloc.start()
    try:
        count = sum(1 for _ in iter_file(path, LIMIT))
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert count == 2_000
    assert peak < size / 10, f"peak {peak:,} bytes for a {size:,}-byte file"


@pytest.mark.django_db
def test_an_export_over_the_limit_ingests_in_one_run(tmp_path, settings):
    settings.ARCHIVE_MAX_FILE_BYTES = LIMIT
    path = write_jsonl(tmp_path / "big.jsonl", 30)
    report = ingest_paths([path], workers=1)
    assert (report.counts["new"], report.counts["failed"]) == (30, 0)
    assert Article.objects.count() == 30


@pytest.mark.django_db
def test_a_file_over_the_time_budget_fails_and_the_batch_goes_on(tmp_path, settings):
    # Person extraction is linear now, so no text of ours is slow enough on every machine: an
    # extractor that never returns on this file stands for the pathological input.
    settings.ARCHIVE_PERSON_EXTRACTOR = "tests.stalling_extractor.StallingExtractor"
    settings.ARCHIVE_INGEST_SECONDS_PER_FILE = 0.5
    slow = tmp_path / "a-slow.txt"
    slow.write_text("Blair speaks\n\nThe minister Tony Blair said the talks would STALL.\n")
    (tmp_path / "b-normal.txt").write_text(
        "Talks resume in Doha\n\nDOHA: Officials from both sides met on Tuesday to resume the talks.\n"
    )
    started = time.monotonic()
    report = ingest_paths([tmp_path], workers=1)
    assert time.monotonic() - started < 30
    assert (report.counts["new"], report.counts["failed"]) == (1, 1)
    failure = IngestFailure.objects.get()
    assert (failure.path, failure.code) == (str(slow), "too-slow")
    assert "0.5 s budget" in failure.message
    assert Article.objects.get().title == "Talks resume in Doha"


@pytest.mark.django_db
def test_a_record_over_the_time_budget_in_a_large_export_fails_alone(tmp_path, settings):
    # A large export is read by a process of its own: the budget holds there too.
    settings.ARCHIVE_MAX_FILE_BYTES = LIMIT
    settings.ARCHIVE_PERSON_EXTRACTOR = "tests.stalling_extractor.StallingExtractor"
    settings.ARCHIVE_INGEST_SECONDS_PER_FILE = 0.5
    records = [record(n) for n in range(1, 31)]
    records[9]["text"] += " The minister said the talks would STALL."
    path = tmp_path / "big.jsonl"
    path.write_text("\n".join(json.dumps(r) for r in records) + "\n")
    started = time.monotonic()
    report = ingest_paths([path], workers=1)
    assert time.monotonic() - started < 30
    assert (report.counts["new"], report.counts["failed"]) == (29, 1)
    failure = IngestFailure.objects.get()
    assert (failure.path, failure.code) == (f"{path}#10", "too-slow")


@pytest.mark.django_db
@pytest.mark.parametrize(
    "limit", [LIMIT, 10_000_000], ids=["export read by its own process", "file read here"]
)
def test_an_article_the_person_extractor_fails_on_fails_alone(tmp_path, settings, limit):
    settings.ARCHIVE_MAX_FILE_BYTES = limit
    settings.ARCHIVE_PERSON_EXTRACTOR = "tests.stalling_extractor.StallingExtractor"
    records = [record(n) for n in range(1, 31)]
    records[4]["text"] += " The minister said the talks would BREAK."
    path = tmp_path / "big.jsonl"
    path.write_text("\n".join(json.dumps(r) for r in records) + "\n")
    report = ingest_paths([path], workers=1)
    assert (report.counts["new"], report.counts["failed"]) == (29, 1)
    failure = IngestFailure.objects.get()
    assert (failure.path, failure.code) == (f"{path}#5", "extractor-error")
    assert "IndexError" in failure.message and "ingest the file again" in failure.message


@pytest.mark.django_db
def test_a_reader_process_that_dies_stops_the_run_with_a_sentence(tmp_path, settings, monkeypatch):
    settings.ARCHIVE_MAX_FILE_BYTES = LIMIT
    path = write_jsonl(tmp_path / "big.jsonl", 30)
    monkeypatch.setattr(ingest_run, "_drafts", lambda *args: os._exit(3))  # runs in the reader
    with pytest.raises(ingest_run.ReaderDied, match=r"stopped \(exit code 3\).*run the same ingest again"):
        ingest_paths([path], workers=1)
    assert Article.objects.count() == 0
