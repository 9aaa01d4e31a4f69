"""The article index on disk: open or create it, the single writer, updates, removals and rebuilds.

Layout: settings.ARCHIVE_INDEX_DIR (read at every call) holds one directory per index generation
and a CURRENT file naming the live one. A rebuild writes a fresh generation beside the live one
and replaces CURRENT with a rename, so readers see the old index or the new one, never a mix.
Each generation carries a SCHEMA_VERSION file; a different version means "rebuild me".
"""

import itertools
import logging
import os
import pickle
import shutil
import struct
import threading
import time
from collections import Counter
from collections.abc import Iterable
from contextlib import contextmanager
from datetime import date, datetime
from pathlib import Path

from django.conf import settings
from whoosh import index as whoosh_index
from whoosh.filedb.filestore import FileStorage
from whoosh.index import TOC, EmptyIndexError, LockError

from articles.search.analysis import key_terms, words
from articles.search.base import IndexBusy, IndexUnavailable
from articles.search.types import IndexDocument

from . import facets, merging, termcache
from .parallel import ParallelWriter
from .schema import SCHEMA_VERSION, build_schema

logger = logging.getLogger(__name__)

CURRENT_FILE = "CURRENT"
VERSION_FILE = "SCHEMA_VERSION"
GENERATION_PREFIX = "gen-"
OPEN_RETRIES = 3
COMPOUND_SUFFIX = ".seg"
INDEX_NAME = "MAIN"  # Whoosh's default name for the one index in a directory
# Memory each writer of a parallel writer (its sub-writers, and the parent that merges) gives its
# postings before spilling them to disk; with 128 an ingest of 198,000 articles peaked at 692 MB.
PARALLEL_LIMIT_MB = 64


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


def create_if_absent() -> bool:
    """Create an empty index when none has ever been made (no CURRENT file); True if it did. Run by
    `migrate` and by ingest, never by a web request: an index that exists but cannot be read is
    left for `rebuild_index`, so that its damage is reported rather than replaced by emptiness."""
    with _create_lock:
        if (index_root() / CURRENT_FILE).exists():
            return False
        _make_current(_new_generation())
        return True


def _live_dir() -> Path:
    """The live generation directory; IndexUnavailable when there is none."""
    gen = current_dir()
    if gen is None:
        raise IndexUnavailable(f"There is no search index in {index_root()} (no {CURRENT_FILE} file).")
    if not gen.is_dir():
        raise IndexUnavailable(f"The index directory {gen} named in {CURRENT_FILE} is missing.")
    return gen


def _storage(gen: Path) -> FileStorage:
    # Plain reads instead of mmap: a segment file truncated under an open reader then raises an
    # error that becomes a 503, where a memory map kills the whole worker with SIGBUS. Measured on
    # Reuters (200 queries, mmap and not alternating in one process): search() median 3.2 -> 4.5 ms,
    # p95 23.7 -> 26.7 ms; the size check in searcher() alone would leave a SIGBUS window open.
    return FileStorage(str(gen), supports_mmap=False)


def _segment_files(storage, segments) -> dict[str, int]:
    """The size of every file of these segments; IndexUnavailable when a segment has no file or a
    compound file is truncated."""
    sizes = {}
    for segment in segments:
        names = segment.list_files(storage)
        if not names:
            raise IndexUnavailable(f"The segment {segment.segment_id()} of the index is missing.")
        for name in names:
            sizes[name] = storage.file_length(name)
            if name.endswith(COMPOUND_SUFFIX) and not _compound_complete(storage, name, sizes[name]):
                raise IndexUnavailable(f"The segment file {name} of the index is truncated.")
    return sizes


def _compound_complete(storage, name: str, size: int) -> bool:
    """A compound segment file starts with the offset and length of its directory, which Whoosh
    writes at its very end: any truncation cuts the directory."""
    f = storage.open_file(name)
    try:
        if size < 12:
            return False
        return f.read_long() + f.read_int() == size
    finally:
        f.close()


def _damaged(gen: Path, error: BaseException) -> IndexUnavailable:
    """The IndexUnavailable saying how the index in `gen` is damaged, as `error` shows."""
    if isinstance(error, EmptyIndexError):
        damage = "the index has no table of contents"
    elif isinstance(error, FileNotFoundError):
        damage = f"a file of the index is missing ({Path(error.filename or '?').name})"
    else:
        damage = f"a file of the index cannot be read ({type(error).__name__}: {error})"
    return IndexUnavailable(f"The search index in {gen} is damaged: {damage}.")


# What opening an index raises when its files are damaged, as opposed to a bug of ours.
READ_ERRORS = (EmptyIndexError, OSError, EOFError, struct.error, pickle.UnpicklingError, ValueError, KeyError)


def open_index(gen: Path | None = None):
    """Open the live index (or generation `gen`), retrying while a concurrent commit replaces the
    table of contents; IndexUnavailable when it stays unreadable. Never creates anything."""
    gen = gen or _live_dir()
    for attempt in range(OPEN_RETRIES):
        storage = _storage(gen)
        before = _toc_generation(storage)
        try:
            ix = storage.open_index()
            _segment_files(storage, ix._segments())
            return ix
        except LockError:
            if attempt == OPEN_RETRIES - 1:
                raise
        except READ_ERRORS as error:
            if attempt == OPEN_RETRIES - 1 or _toc_generation(storage) == before:
                raise _damaged(gen, error) from error
        time.sleep(0.05 * (attempt + 1))
    raise AssertionError("unreachable")


def _toc_generation(storage) -> int:
    return TOC._latest_generation(storage, INDEX_NAME)


def verify() -> int:
    """Read every segment of the live index from scratch (no cached reader) and return its
    document count; IndexUnavailable naming the damage otherwise. For check_index."""
    gen = _live_dir()
    ix = open_index(gen)
    try:
        with ix.searcher() as s:
            count = 0
            for _ in s.reader().all_stored_fields():
                count += 1
            return count
    except READ_ERRORS as error:
        raise _damaged(gen, error) from error


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
    return " ".join(key_terms(Counter(words(f"{doc.title}\n{doc.body}")).items()))


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
        """Commit what was added so far as a new segment, merging a full tier of small segments
        within merging.INGEST_MERGE_MAX_DOCS (never the run's own large ones: see merging.py),
        and go on with a fresh writer."""
        self.writer.commit(mergetype=merging.tiered(merging.INGEST_MERGE_MAX_DOCS))
        self.writer = self._acquire()


@contextmanager
def bulk_writer(*, timeout: float | None = None, procs: int = 1):
    """A BulkWriter holding the index's single writer until the block ends, then committing
    (or cancelling, if the block raised). Every commit, the last too, merges at most
    merging.INGEST_MERGE_MAX_DOCS documents of full tiers (see merging.py). With procs > 1,
    that many processes share the indexing and each commit writes one segment per process."""
    create_if_absent()  # an ingest may be the archive's first
    bulk = BulkWriter(lambda: _acquire(timeout, procs, multisegment=procs > 1))
    try:
        yield bulk
        bulk.writer.commit(mergetype=merging.tiered(merging.INGEST_MERGE_MAX_DOCS))
    except BaseException:
        _cancel(bulk.writer)
        raise
    publish_tables()


def publish_tables() -> None:
    """Write the search tables of the live index version beside it (facets.py), so that the first
    search after a large commit maps them instead of building them. Best effort: a search builds
    them otherwise."""
    try:
        with searcher() as s:
            facets.publish(s)
    except Exception:
        logger.warning("The search tables of the new index version were not written.", exc_info=True)


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
        except IndexUnavailable as error:
            logger.warning("%s Rebuilding it without locking it.", error)
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
    publish_tables()
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
    """The live index's searcher for this thread; IndexUnavailable when the index cannot be read,
    including when a segment file changed size under a searcher opened before (damage, since a
    commit writes new files and a new table of contents instead)."""
    gen = _live_dir()
    cached = getattr(_local, "searcher", None)
    if cached is not None and cached[0] == gen and cached[1].up_to_date() and _unchanged(gen, cached[2]):
        s = cached[1]
    else:
        if cached is not None:
            cached[1].close()
            _local.searcher = None
        s, sizes = _open_searcher(gen)
        termcache.remember_lookups(s)
        _local.searcher = (gen, s, sizes)
    yield s


def _open_searcher(gen: Path):
    """A new searcher of generation `gen` and the sizes of the files of the segments it reads.
    A commit that lands meanwhile may merge those segments away and delete their files: that is a
    stale searcher, opened again, not damage."""
    for attempt in range(OPEN_RETRIES):
        ix = open_index(gen)
        try:
            s = ix.searcher()
        except READ_ERRORS as error:
            raise _damaged(gen, error) from error
        try:
            return s, _segment_files(ix.storage, s.reader().segments() or [])
        except (*READ_ERRORS, IndexUnavailable) as error:
            stale = not s.up_to_date()
            s.close()
            if not stale or attempt == OPEN_RETRIES - 1:
                if isinstance(error, IndexUnavailable):
                    raise
                raise _damaged(gen, error) from error
    raise AssertionError("unreachable")


def _unchanged(gen: Path, sizes: dict[str, int]) -> bool:
    """True when every segment file still has the size it had when the searcher opened; False
    sends the caller to open the index afresh, which reports the damage if there is some."""
    try:
        return all(os.stat(gen / name).st_size == size for name, size in sizes.items())
    except OSError:
        return False


def indexed_stamps() -> dict[int, str]:
    with searcher() as s:
        return {int(stored["id"]): stored.get("stamp", "") for stored in s.reader().all_stored_fields()}


def segment_count() -> int:
    with searcher() as s:
        return len(s.reader().leaf_readers()) if s.doc_count_all() else 0


def doc_count() -> int:
    with searcher() as s:
        return s.doc_count()
