"""One ingest run: find the files, read them in worker processes, store each in its own
transaction, index what changed, and record the run with its counts and failures.

Two runs never overlap (ingest_lock.py). Where the search backend asks for it
(`index_in_background`), the index is written by a second process while this one reads files and
writes the database: it reads the stored articles back and hands them to the backend's bulk
session, so that every core is busy; reading and person extraction move to a process pool only
where there are more cores, and a large export (read a record at a time) is read by a process of
its own. Anything stored but not yet indexed when a run dies stays marked `needs_indexing`,
and the next run indexes it first. A file that takes longer than its time budget fails alone; a
full disk stops the run with one sentence (DiskFull). A run marks resolved the earlier failures
of the files it read fine.
"""

import datetime
import errno
import gc
import multiprocessing
import os
import time
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from queue import Empty, Full

from django.conf import settings
from django.db import connection, connections
from django.utils import timezone

from articles import indexing
from articles.enrich import Enricher
from articles.ingest.budget import OverBudget, time_budget
from articles.ingest.draft import ArticleDraft, FileFailure
from articles.ingest.path_dates import with_batch_date
from articles.ingest.people import load_extractor
from articles.ingest.read import find_files, is_streamed, iter_file
from articles.ingest_lock import ingest_lock, let_go_of_inherited_lock
from articles.models import IngestFailure, IngestRun
from articles.search import backend
from articles.store import Catalog, DraftStore, Outcome, Stored, is_disk_full

INDEX_BATCH = 200
# Files a summary names where it lists some (refused source URLs), before "...".
SHOWN_ORIGINS = 5
# The indexer process's exit status when the disk is full.
INDEXER_DISK_FULL = errno.ENOSPC
# Seconds the indexer process waits for the index (a curator's save may hold it briefly).
INDEX_LOCK_WAIT = 60


# --- reading, in worker processes -----------------------------------------------------------

_extractor = None


def _init_worker(extractor_path: str, forked: bool = True) -> None:
    global _extractor
    if forked:
        let_go_of_inherited_lock()
    _extractor = load_extractor(extractor_path)


def _drafts(path: str, max_bytes: int, budget: float) -> Iterator[ArticleDraft | FileFailure]:
    """One file's drafts (with their people) and failures, as they are read. Reading one article
    (a file, or a record of an export) and finding its people has `budget` seconds: an article
    over it fails, and so does the rest of the file if the reader itself was stopped."""
    items = iter(iter_file(Path(path), max_bytes))
    while True:
        reading, item = True, None
        try:
            with time_budget(budget):
                item = next(items, None)
                if item is None:
                    return
                reading = False
                if isinstance(item, ArticleDraft):
                    item.mentions = _extractor.extract(item.body)
        except OverBudget:
            yield _too_slow(item.origin if item else path, path, budget, whole_file=reading)
            if reading:
                return
            continue
        except Exception as error:  # an extractor's bug fails this article, not the run
            if reading:
                raise
            yield _extractor_failed(item.origin, path, error)
            continue
        yield item


def _too_slow(origin: str, path: str, budget: float, whole_file: bool) -> FileFailure:
    what = "Reading the file" if whole_file else "Reading this article and finding its people"
    rest = " (the articles before it were read)" if whole_file and origin == path else ""
    return FileFailure(
        origin,
        "too-slow",
        f"{what} took longer than the {budget:g} s budget (ARCHIVE_INGEST_SECONDS_PER_FILE){rest}: "
        "check that it is an article and not generated or repeated text, split it, or raise the budget.",
        path,
    )


def _extractor_failed(origin: str, path: str, error: Exception) -> FileFailure:
    return FileFailure(
        origin,
        "extractor-error",
        f"Finding the people of this article failed ({type(error).__name__}: {error}), so it was not "
        "stored; the rest of the batch went on. Report it with the article; after the fix, ingest the "
        "file again.",
        path,
    )


def _read(task: tuple[str, int, float]) -> list[ArticleDraft | FileFailure]:
    return list(_drafts(*task))


def read_all(paths: Iterable[str | os.PathLike], workers: int) -> Iterator[ArticleDraft | FileFailure]:
    """Every draft and failure under `paths`, read by `workers` processes (in this one when 1).
    Exports over the size limit are always read in this process, a record at a time, so that
    their articles stream through instead of piling up in a worker."""
    files, streamed = [], []
    max_bytes = settings.ARCHIVE_MAX_FILE_BYTES
    budget = settings.ARCHIVE_INGEST_SECONDS_PER_FILE
    for found in find_files(paths):
        if isinstance(found, FileFailure):
            yield found
        else:
            (streamed if is_streamed(found, max_bytes) else files).append(str(found))
    if workers > 1 and len(files) >= 8:
        context = multiprocessing.get_context("fork")
        with context.Pool(workers, _init_worker, (settings.ARCHIVE_PERSON_EXTRACTOR,)) as pool:
            for items in pool.imap(_read, [(path, max_bytes, budget) for path in files], chunksize=8):
                yield from items
        files = []
    _init_worker(settings.ARCHIVE_PERSON_EXTRACTOR, forked=False)
    for path in files:
        yield from _drafts(path, max_bytes, budget)
    if streamed:
        yield from _read_ahead(streamed, max_bytes, budget)


# Drafts the reader process sends at a time, and the most sends waiting (memory stays flat).
READ_AHEAD_CHUNK = 50
READ_AHEAD_CHUNKS = 8


class ReaderDied(Exception):
    """The process reading a large export stopped before its end."""


def _read_ahead(paths: list[str], max_bytes: int, budget: float) -> Iterator[ArticleDraft | FileFailure]:
    """The drafts of large exports, read (and their people found) by a process of their own while
    this one stores what it has sent: reading is a third of the run's own work, and there is no
    other reader where the pool does not pay. Each article keeps its time budget there."""
    context = multiprocessing.get_context("fork")
    queue = context.Queue(READ_AHEAD_CHUNKS)
    # A daemon, so it never outlives the run; it uses no database connection.
    process = context.Process(
        target=_read_into,
        args=(queue, paths, max_bytes, budget, settings.ARCHIVE_PERSON_EXTRACTOR, os.getpid()),
        daemon=True,
    )
    process.start()
    try:
        while (chunk := _next_chunk(queue, process)) is not None:
            yield from chunk
    finally:
        if process.is_alive():
            process.terminate()
        process.join()


def _read_into(queue, paths: list[str], max_bytes: int, budget: float, extractor_path: str, parent: int):
    """The reader process: sends the drafts of `paths` in chunks, then None."""
    _init_worker(extractor_path)
    chunk = []
    for path in paths:
        for item in _drafts(path, max_bytes, budget):
            chunk.append(item)
            if len(chunk) == READ_AHEAD_CHUNK:
                _send(queue, chunk, parent)
                chunk = []
    _send(queue, chunk, parent)
    _send(queue, None, parent)


def _send(queue, chunk: list | None, parent: int) -> None:
    while True:
        try:
            return queue.put(chunk, timeout=1)
        except Full:
            if os.getppid() != parent:
                raise RunDied from None


def _next_chunk(queue, process) -> list | None:
    while True:
        try:
            return queue.get(timeout=1)
        except Empty:
            if not process.is_alive():
                raise ReaderDied(
                    f"The process reading the export stopped (exit code {process.exitcode}) before its end: "
                    "run the same ingest again, and report it if it stays."
                ) from None


# --- indexing, in a background process ------------------------------------------------------


class RunDied(Exception):
    """The ingest process this indexer or reader serves is gone (killed): it stops."""


def _next_batch(queue, parent: int):
    """The next batch from the run, or None at its end; RunDied if the run was killed, so that an
    orphaned indexer never holds the index's lock for ever."""
    while True:
        try:
            return queue.get(timeout=1)
        except Empty:
            if os.getppid() != parent:
                raise RunDied from None


def _index_loop(queue, parent: int) -> None:
    """The indexer process: one bulk session of the search backend for the whole run; flags are
    cleared only after a checkpoint. If it dies (or its run does), the articles written since the
    last checkpoint stay pending for the next run."""
    connections.close_all()  # never share the parent's database connection after fork
    let_go_of_inherited_lock()
    try:
        _index_batches(queue, parent)
    except Exception as error:
        if is_disk_full(error):  # the run says so in one sentence; what is not indexed stays pending
            raise SystemExit(INDEXER_DISK_FULL) from None
        raise
    finally:
        connections.close_all()


def _index_batches(queue, parent: int) -> None:
    uncommitted = []

    def mark_committed():
        for ids, read_at in uncommitted:
            indexing.mark_indexed(ids, read_at)
        uncommitted.clear()

    with backend().bulk(timeout=INDEX_LOCK_WAIT) as bulk:
        while (batch := _next_batch(queue, parent)) is not None:
            new_ids, changed_ids = batch
            docs, read_at = indexing.documents(new_ids + changed_ids)
            new = set(new_ids)
            bulk.add(doc for doc in docs if doc.id in new)
            bulk.update(doc for doc in docs if doc.id not in new)
            uncommitted.append((new_ids + changed_ids, read_at))
            if bulk.checkpoint_due():
                bulk.checkpoint()
                mark_committed()
    mark_committed()


class BackgroundIndexer:
    """Indexes the stored articles in a second process while the run goes on."""

    def __init__(self):
        context = multiprocessing.get_context("fork")
        # Unbounded: batches are lists of ids, and this process must never wait while the
        # indexer commits.
        self.queue = context.Queue()
        connections.close_all()
        # The child's garbage collector then skips the inherited heap: the whole ingest ran about
        # 10% faster with it on 5,000 Reuters articles (python -m bench.ingest --limit 5000).
        gc.freeze()
        # Not a daemon, since it starts the index writers' processes; close() always joins it,
        # and it exits by itself if this process is killed (RunDied).
        self.process = context.Process(target=_index_loop, args=(self.queue, os.getpid()))
        self.process.start()
        self.new: list[int] = []
        self.changed: list[int] = []

    def add(self, article_id: int, new: bool) -> None:
        (self.new if new else self.changed).append(article_id)
        if len(self.new) + len(self.changed) >= INDEX_BATCH:
            self._send()

    def _send(self) -> None:
        # A dead indexer takes nothing more: its articles stay pending for the closing flush.
        if self.process.is_alive():
            self.queue.put((self.new, self.changed))
        self.new, self.changed = [], []

    def close(self) -> None:
        self._send()
        if self.process.is_alive():
            self.queue.put(None)
        self.process.join()
        if self.process.exitcode == INDEXER_DISK_FULL:
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), "the search index")


class InlineIndexer:
    """Indexes in this process: for callers inside a transaction, whose rows no other process sees."""

    def __init__(self):
        self.pending = []

    def add(self, article_id: int, new: bool) -> None:
        self.pending.append(article_id)
        if len(self.pending) >= INDEX_BATCH:
            self.close()

    def close(self) -> None:
        indexing.index_now(self.pending)
        self.pending = []


# --- the run --------------------------------------------------------------------------------


@dataclass
class RunReport:
    """What a run did: counts by outcome, the failures, and the run record (None on a dry run)."""

    counts: Counter = field(default_factory=Counter)
    failures: list[FileFailure] = field(default_factory=list)
    run: IngestRun | None = None
    seconds: float = 0.0
    refused_urls: list[str] = field(default_factory=list)  # origins stored this run with a URL refused
    # Topics whose rule was left unapplied in this run, with why (a regex over its time limit).
    topics_not_applied: dict[str, str] = field(default_factory=dict)

    def summary(self) -> str:
        parts = [f"{self.counts[o]} {o}" for o in (*Outcome, "failed")]
        refused = (
            f"; {len(self.refused_urls)} source URL(s) refused as not http or https (kept with the "
            f"article as removed text): {', '.join(self.refused_urls[:SHOWN_ORIGINS])}"
            + (", ..." if len(self.refused_urls) > SHOWN_ORIGINS else "")
            if self.refused_urls
            else ""
        )
        not_applied = "".join(
            f"; topic {name!r} not applied: {why} (fix its rule in the admin)"
            for name, why in self.topics_not_applied.items()
        )
        return f"{', '.join(parts)} in {self.seconds:.1f} s{refused}{not_applied}"


def ingest_paths(
    paths: Iterable[str | os.PathLike],
    *,
    dry_run: bool = False,
    force: bool = False,
    wait: bool = False,
    workers: int | None = None,
    on_item: Callable[[ArticleDraft | FileFailure, str], None] | None = None,
    date: datetime.date | None = None,
) -> RunReport:
    """Ingest files and directories into the archive; see `manage.py ingest --help`.

    `on_item(item, outcome)` is called for every draft and failure (progress, dry-run listing).
    `date` dates every article that has no date of its own (ingest_paths --date).
    """
    paths = [str(p) for p in paths]
    # The main process stores and the indexer process indexes: reader processes only pay when
    # there are cores beyond those two.
    workers = workers or max(1, (os.cpu_count() or 1) - 2)
    report = RunReport()
    started = time.monotonic()
    if dry_run:
        catalog = Catalog()
        for item in with_batch_date(read_all(paths, workers), date):
            outcome = "failed" if isinstance(item, FileFailure) else catalog.classify(item)[0]
            report.counts[outcome] += 1
            if on_item:
                on_item(item, outcome)
        report.seconds = time.monotonic() - started
        return report

    try:
        with ingest_lock(wait):
            _run(paths, report, force, workers, on_item, date)
    except Exception as error:
        if is_disk_full(error):
            raise DiskFull(_disk_full_sentence(error, report)) from error
        raise
    report.seconds = time.monotonic() - started
    return report


def _run(
    paths: list[str], report: RunReport, force: bool, workers: int, on_item, date: datetime.date | None
) -> None:
    """The run itself, under the ingest lock."""
    indexing.flush_pending()  # articles a killed run stored but did not index
    run = IngestRun.objects.create(paths="\n".join(paths))
    report.run = run
    store = DraftStore(Catalog(), Enricher(), force=force)
    files_read, failed = set(), set()
    background = backend().index_in_background and not connection.in_atomic_block
    indexer = BackgroundIndexer() if background else InlineIndexer()
    try:
        with indexing.deferred():
            for result in _stored(with_batch_date(read_all(paths, workers), date), store):
                outcome = _record(result, run, indexer)
                report.counts[outcome] += 1
                item = result if isinstance(result, FileFailure) else result.draft
                files_read.add(item.file or item.origin)
                if outcome == "failed":
                    failed.add(item.origin)
                    report.failures.append(_as_failure(result))
                elif outcome in (Outcome.NEW, Outcome.UPDATED) and any(
                    removal.rule == "unsafe-url" for removal in item.removals
                ):
                    report.refused_urls.append(item.origin)
                if on_item:
                    on_item(item, outcome)
    finally:
        report.topics_not_applied = {topic.name: why for topic, why in store.enricher.topics.failures.items()}
        try:
            indexer.close()
        finally:
            # On a full disk these may fail too; the error that stopped the run is the one to tell.
            with _unless_disk_full():
                _resolve_failures(run, files_read, failed)
                _finish(run, report.counts)
    # Whatever the index could not take while the run went on, and articles renamed people
    # touched (deferred above).
    indexing.flush_pending()
    backend().prepare_for_searching()


class DiskFull(Exception):
    """The disk filled up during a run: the run stopped; its message is one sentence for the user."""


@contextmanager
def _unless_disk_full():
    try:
        yield
    except Exception as error:
        if not is_disk_full(error):
            raise


def _disk_full_sentence(error: BaseException, report: RunReport) -> str:
    stored = report.counts[Outcome.NEW] + report.counts[Outcome.UPDATED]
    return (
        f"The disk is full ({_disk_full_reason(error)}): ingest stopped after storing {stored} articles. "
        "Free some space and run the same ingest again: it skips what is stored and makes every stored "
        "article searchable (so does `manage.py check_index --fix`)."
    )


def _disk_full_reason(error: BaseException) -> str:
    while error.__cause__ or error.__context__:
        if isinstance(error, OSError) and error.strerror:
            break
        error = error.__cause__ or error.__context__
    return error.strerror if isinstance(error, OSError) and error.strerror else str(error).strip()


def _stored(items: Iterable[ArticleDraft | FileFailure], store: DraftStore) -> Iterator[Stored | FileFailure]:
    """Each item once settled, in the order read: a failure as it is, a draft as Stored."""
    for item in items:
        if isinstance(item, FileFailure):
            yield from store.flush()
            yield item
        else:
            yield from store.add(item)
    yield from store.flush()


def _record(result: Stored | FileFailure, run, indexer) -> str:
    """Record one settled item (failures with their reason) and hand what changed to the indexer;
    returns its outcome."""
    if isinstance(result, FileFailure):
        IngestFailure.objects.create(run=run, path=result.origin, code=result.code, message=result.message)
        return "failed"
    origin = result.draft.origin
    if result.error is not None:
        failure = _as_failure(result)
        IngestFailure.objects.create(run=run, path=origin, code=failure.code, message=failure.message)
        return "failed"
    if result.outcome in (Outcome.NEW, Outcome.UPDATED):
        indexer.add(result.article_id, new=result.outcome is Outcome.NEW)
    return result.outcome


def _as_failure(result: Stored | FileFailure) -> FileFailure:
    if isinstance(result, FileFailure):
        return result
    return FileFailure(
        result.draft.origin,
        "store-error",
        f"Could not store the article ({result.error}); ingest the file again, "
        "and report the error if it stays.",
        result.draft.file,
    )


def _resolve_failures(run: IngestRun, files_read: set[str], failed: set[str]) -> None:
    """Mark resolved the earlier runs' failures of the files this run read, where the failing
    file or record ("feed.jsonl#12") did not fail again."""

    def read_now(path: str) -> bool:
        if path in files_read:
            return True
        return any(path[:index] in files_read for index, char in enumerate(path) if char == "#")

    open_failures = IngestFailure.objects.filter(resolved=False).exclude(run=run).values_list("pk", "path")
    resolved = [pk for pk, path in open_failures if path not in failed and read_now(path)]
    for chunk in indexing.chunks(resolved):
        IngestFailure.objects.filter(pk__in=chunk).update(resolved=True)


def _finish(run: IngestRun, counts: Counter) -> None:
    run.new, run.updated = counts[Outcome.NEW], counts[Outcome.UPDATED]
    run.unchanged, run.duplicates = counts[Outcome.UNCHANGED], counts[Outcome.DUPLICATE]
    run.failed = counts["failed"]
    run.finished = timezone.now()
    run.save()
