"""The article index on disk: open or create it, the single writer, updates, removals and rebuilds.

Layout: settings.ARCHIVE_INDEX_DIR (read at every call) holds one directory per index generation
and a CURRENT file naming the live one. A rebuild writes a fresh generation beside the live one
and replaces CURRENT with a rename, so readers see the old index or the new one, never a mix.
Each generation carries a SCHEMA_VERSION file; a different version means "rebuild me".
"""

import itertools
import logging
import os
import shutil
import threading
import time
from collections import Counter
from collections.abc import Iterable
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path

from django.conf import settings
from whoosh import index as whoosh_index
from whoosh.index import EmptyIndexError, LockError

from . import merging
from .parallel import ParallelWriter
from .schema import KEY_TERMS, SCHEMA_VERSION, build_schema

logger = logging.getLogger(__name__)

CURRENT_FILE = "CURRENT"
VERSION_FILE = "SCHEMA_VERSION"
GENERATION_PREFIX = "gen-"
OPEN_RETRIES = 3
KEY_TERM_COUNT = 40
# Memory each sub-writer of a parallel writer gives its postings before spilling them to disk.
PARALLEL_LIMIT_MB = 128


@dataclass
class IndexDocument:
    """An article as the index sees it. People, topics and source are row ids, never names: a
    rename changes no index document (articles/facet_registry.py)."""

    id: int
    title: str
    body: str
    published: date | None
    persons: list[int] = field(default_factory=list)
    topics: list[int] = field(default_factory=list)
    source: int | None = None
    stamp: str = ""
    added: datetime | None = None  # when the archive stored it: the "recently added" order


class IndexBusy(Exception):
    """Another writer holds the index lock and did not release it in time."""


def index_root() -> Path:
    return Path(settings.ARCHIVE_INDEX_DIR)


def current_dir() -> Path | None:
    """The live generation directory, or None when no index has been created yet."""
    try:
        name = (index_root() / CURRENT_FILE).read_text().strip()
    except FileNotFoundError:
        return None
    return index_root() / name if name else None


def _new_generation() -> Path:
    root = index_root()
    root.mkdir(parents=True, exist_ok=True)
    gen = root / f"{GENERATION_PREFIX}{time.time_ns()}-{os.getpid()}"
    gen.mkdir()
    whoosh_index.create_in(str(gen), build_schema())
    (gen / VERSION_FILE).write_text(f"{SCHEMA_VERSION}\n")
    return gen


def _make_current(gen: Path) -> None:
    root = index_root()
    tmp = root / f"{CURRENT_FILE}.{os.getpid()}.{threading.get_ident()}"
    tmp.write_text(gen.name + "\n")
    os.replace(tmp, root / CURRENT_FILE)


_create_lock = threading.Lock()


def _live_dir() -> Path:
    """The live generation, created (empty) on first use."""
    gen = current_dir()
    if gen is not None and gen.is_dir():
        return gen
    with _create_lock:
        gen = current_dir()
        if gen is None or not gen.is_dir():
            if gen is not None:
                logger.warning(
                    "The index directory %s named in %s is missing; creating an empty index.",
                    gen,
                    CURRENT_FILE,
                )
            gen = _new_generation()
            _make_current(gen)
    return gen


def open_index(gen: Path | None = None):
    """Open the live index, retrying a transient failure (a segment file replaced by a concurrent
    commit); an index with no table of contents at all is recreated empty. Any other error is real
    and is raised as it is."""
    gen = gen or _live_dir()
    for attempt in range(OPEN_RETRIES):
        try:
            return whoosh_index.open_dir(str(gen))
        except EmptyIndexError:
            break
        except (FileNotFoundError, LockError):
            if attempt == OPEN_RETRIES - 1:
                raise
            time.sleep(0.05 * (attempt + 1))
    logger.warning("The index in %s has no table of contents; recreating it empty.", gen)
    whoosh_index.create_in(str(gen), build_schema())
    (gen / VERSION_FILE).write_text(f"{SCHEMA_VERSION}\n")
    return whoosh_index.open_dir(str(gen))


def _lock_timeout() -> float:
    return settings.ARCHIVE_INDEX_LOCK_TIMEOUT


def _open_writer(ix, timeout: float, procs: int = 1, multisegment: bool = False):
    kwargs = {"timeout": timeout, "delay": 0.05}
    try:
        if procs > 1:
            return ParallelWriter(
                ix, procs=procs, multisegment=multisegment, limitmb=PARALLEL_LIMIT_MB, **kwargs
            )
        return ix.writer(**kwargs)
    except LockError:
        raise IndexBusy(
            f"The search index is being written by another process and stayed locked for {timeout:g} s; "
            "try again in a moment."
        ) from None


def _acquire(timeout: float | None = None, procs: int = 1, multisegment: bool = False):
    """The live index's writer, after waiting up to `timeout` seconds for its lock (IndexBusy
    otherwise); taken again if a rebuild swapped generations while we waited."""
    timeout = _lock_timeout() if timeout is None else timeout
    while True:
        gen = _live_dir()
        w = _open_writer(open_index(gen), timeout, procs, multisegment)
        if current_dir() == gen:
            return w
        w.cancel()


def _cancel(w) -> None:
    try:
        w.cancel()
    except Exception:
        logger.exception("Cancelling the index writer failed after an earlier error.")


@contextmanager
def writer(timeout: float | None = None, procs: int = 1, multisegment: bool = False):
    """The index's single writer: commits when the block ends normally, cancels and re-raises
    when it raises."""
    w = _acquire(timeout, procs, multisegment)
    try:
        yield w
    except BaseException:
        _cancel(w)
        raise
    w.commit(mergetype=merging.tiered(merging.EDIT_MERGE_MAX_DOCS))


def _day(value: date) -> datetime:
    return datetime(value.year, value.month, value.day)


def _keywords(ids: Iterable[int | None]) -> str:
    return ",".join(str(int(i)) for i in ids if i is not None and i != "")


def _key_terms(doc: IndexDocument) -> str:
    counts = Counter(token.text for token in KEY_TERMS(f"{doc.title}\n{doc.body}"))
    return " ".join(term for term, _ in counts.most_common(KEY_TERM_COUNT))


def document_fields(doc: IndexDocument) -> dict:
    fields = {
        "id": str(doc.id),
        "stamp": doc.stamp,
        "title": doc.title,
        "body": doc.body,
        "title_exact": doc.title,
        "body_exact": doc.body,
        "key_terms": _key_terms(doc),
        "person": _keywords(doc.persons),
        "topic": _keywords(doc.topics),
        "source": _keywords([doc.source]),
    }
    if doc.published is not None:
        fields["date"] = _day(doc.published)
    if doc.added is not None:
        fields["added"] = max(int(doc.added.timestamp()), 0)
    return fields


def add_or_update(
    docs: Iterable[IndexDocument], *, procs: int = 1, multisegment: bool = False, timeout: float | None = None
) -> int:
    """Index the documents, replacing any indexed document with the same id. Returns the count.
    For thousands of documents at once pass procs=2, multisegment=True (one segment per process)."""
    docs = iter(docs)
    first = next(docs, None)
    if first is None:
        return 0  # nothing to do: do not wait for the lock
    count = 0
    with writer(timeout=timeout, procs=procs, multisegment=multisegment) as w:
        for doc in itertools.chain([first], docs):
            w.update_document(**document_fields(doc))
            count += 1
    return count


class BulkWriter:
    """Many batches through one writer (an ingest run), committed by `checkpoint()` and when
    `bulk_writer()` ends."""

    def __init__(self, acquire):
        self._acquire = acquire
        self.writer = acquire()

    def add(self, docs: Iterable[IndexDocument]) -> int:
        """Index documents known not to be in the index yet (cheaper than replacing)."""
        return sum(1 for doc in docs if self.writer.add_document(**document_fields(doc)) is None)

    def update(self, docs: Iterable[IndexDocument]) -> int:
        """Index documents, replacing any with the same id."""
        return sum(1 for doc in docs if self.writer.update_document(**document_fields(doc)) is None)

    def checkpoint(self) -> None:
        """Commit what was added so far as a new segment, without merging (cheap, so indexing
        keeps pace with the run), and go on with a fresh writer."""
        self.writer.commit(merge=False)
        self.writer = self._acquire()


@contextmanager
def bulk_writer(*, timeout: float | None = None, procs: int = 1):
    """A BulkWriter holding the index's single writer until the block ends, then committing
    (or cancelling, if the block raised). Checkpoints merge nothing, so that indexing keeps pace
    with the run; the last commit merges whatever tiers are full (see merging.py). With procs > 1,
    that many processes share the indexing and each commit writes one segment per process."""
    bulk = BulkWriter(lambda: _acquire(timeout, procs, multisegment=procs > 1))
    try:
        yield bulk
        bulk.writer.commit(mergetype=merging.tiered())
    except BaseException:
        _cancel(bulk.writer)
        raise


def remove(ids: Iterable[int], *, timeout: float | None = None) -> int:
    """Remove the documents with these ids; returns how many were in the index."""
    ids = list(ids)
    if not ids:
        return 0
    with writer(timeout=timeout) as w:
        return sum(w.delete_by_term("id", str(article_id)) for article_id in ids)


def rebuild(docs: Iterable[IndexDocument], *, procs: int = 1, timeout: float | None = None) -> int:
    """Build a new index from `docs` in a fresh directory and swap it in. The live index's write
    lock is held throughout, so concurrent updates wait or get IndexBusy (and stay pending in the
    database) instead of being lost in the old index."""
    old = current_dir()
    old_writer = None
    if old is not None and old.is_dir():
        try:
            old_ix = open_index(old)
        except Exception:
            logger.exception("The live index in %s cannot be opened; rebuilding without locking it.", old)
        else:
            old_writer = _open_writer(old_ix, _lock_timeout() if timeout is None else timeout)
    try:
        gen = _new_generation()
        try:
            new_writer = _open_writer(open_index(gen), 0, procs, multisegment=procs > 1)
            count = 0
            try:
                for doc in docs:
                    new_writer.add_document(**document_fields(doc))
                    count += 1
            except BaseException:
                new_writer.cancel()
                raise
            new_writer.commit()
        except BaseException:
            shutil.rmtree(gen, ignore_errors=True)
            raise
        _make_current(gen)
    finally:
        if old_writer is not None:
            old_writer.cancel()
    _remove_old_generations(keep={gen, old})
    return count


def _remove_old_generations(keep: set) -> None:
    """Delete generations older than the one just replaced; that one stays until the next rebuild
    so that searchers still reading it in other processes are not pulled from under them."""
    for path in index_root().glob(f"{GENERATION_PREFIX}*"):
        if path not in keep and path.is_dir():
            shutil.rmtree(path, ignore_errors=True)


def schema_version() -> int | None:
    gen = current_dir()
    try:
        return int((gen / VERSION_FILE).read_text().strip()) if gen else None
    except (FileNotFoundError, ValueError):
        return None


def needs_rebuild() -> bool:
    """True when there is no usable index or it was written with another schema version."""
    gen = current_dir()
    if gen is None or not gen.is_dir() or schema_version() != SCHEMA_VERSION:
        return True
    return not whoosh_index.exists_in(str(gen))


# One searcher per thread (Whoosh readers are not documented as thread-safe), reopened when the
# index changes or a rebuild swaps generations. Not Searcher.refresh(): whoosh-reloaded 2.7.5
# reuses segment readers there with their old deletions and even segments merged away since.
_local = threading.local()


@contextmanager
def searcher():
    gen = _live_dir()
    cached = getattr(_local, "searcher", None)
    if cached is not None and cached[0] == gen and cached[1].up_to_date():
        s = cached[1]
    else:
        if cached is not None:
            cached[1].close()
        s = open_index(gen).searcher()
        _local.searcher = (gen, s)
    yield s


def indexed_stamps() -> dict[int, str]:
    with searcher() as s:
        return {int(stored["id"]): stored.get("stamp", "") for stored in s.reader().all_stored_fields()}


def segment_count() -> int:
    with searcher() as s:
        return len(s.reader().leaf_readers()) if s.doc_count_all() else 0


def doc_count() -> int:
    with searcher() as s:
        return s.doc_count()
