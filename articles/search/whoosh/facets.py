"""Facet tables: numpy arrays keyed by document number, built once per index version.

Whoosh's `groupedby` rebuilds a per-document table from the postings on every search (10x the cost
of the search itself). Here the tables are built once per index version, by the first process to
need them (or the ingest's writer when it ends), and written to a file beside the index
(tables-<generation>.npt, tablefile.py) that every process then memory-maps: gunicorn workers share
one copy in the page cache instead of holding one each. Filtering is a boolean mask and counting
is a `bincount` over the matching document numbers.
"""

import contextlib
import fcntl
import logging
import threading
from datetime import date
from pathlib import Path

import numpy as np

from articles.search import dates
from articles.search.dates import UNDATED
from articles.search.types import DateHistogram

from . import tablefile
from .expansion import Lexicon
from .schema import FACET_FIELDS

logger = logging.getLogger(__name__)

# Column value Whoosh returns for a document without a date.
_MISSING_DATE = 2**64 - 1
_MICROSECONDS_PER_DAY = 86_400 * 10**6


class FacetField:
    """One multi-valued facet as (document, value) pairs; the values are row ids (see
    articles/facet_registry.py), named by search/names.py."""

    def __init__(self, arrays: dict[str, np.ndarray], doc_count: int):
        self.doc_count = doc_count
        self.value_ids = arrays["value_ids"]  # position -> row id
        self.entry_doc, self.entry_value = arrays["entry_doc"], arrays["entry_value"]
        # The same pairs grouped by document, for reading the values of a page of hits.
        self._doc_values, self._doc_starts = arrays["doc_values"], arrays["doc_starts"]
        self._position = {int(v): i for i, v in enumerate(self.value_ids.tolist())}

    @staticmethod
    def arrays(reader, fieldname: str, doc_count: int) -> dict[str, np.ndarray]:
        value_ids, docs, values = [], [], []
        for position, term in enumerate(reader.lexicon(fieldname)):
            try:
                value_ids.append(int(term))
            except ValueError:
                value_ids.append(-1)  # not an id: an index from before SCHEMA_VERSION 2
            postings = np.fromiter(reader.postings(fieldname, term).all_ids(), dtype=np.int32)
            docs.append(postings)
            values.append(np.full(len(postings), position, dtype=np.int32))
        entry_doc = np.concatenate(docs) if docs else np.zeros(0, np.int32)
        entry_value = np.concatenate(values) if values else np.zeros(0, np.int32)
        by_doc = np.argsort(entry_doc, kind="stable")
        return {
            "value_ids": np.array(value_ids, dtype=np.int64),
            "entry_doc": entry_doc,
            "entry_value": entry_value,
            "doc_values": entry_value[by_doc],
            "doc_starts": np.searchsorted(entry_doc[by_doc], np.arange(doc_count + 1)),
        }

    def ids_of(self, docnum: int) -> list[int]:
        """The row ids one document carries."""
        values = self._doc_values[self._doc_starts[docnum] : self._doc_starts[docnum + 1]]
        return [int(self.value_ids[v]) for v in values]

    def indexed(self, ids) -> list[int]:
        """Those of `ids` that some document carries."""
        return [i for i in ids if i in self._position]

    def mask_any(self, ids) -> np.ndarray:
        """Documents carrying at least one of the row ids."""
        wanted = [self._position[i] for i in ids if i in self._position]
        mask = np.zeros(self.doc_count, dtype=bool)
        if wanted:
            mask[self.entry_doc[np.isin(self.entry_value, wanted)]] = True
        return mask

    def counts(self, doc_mask: np.ndarray) -> list[tuple[int, int]]:
        """(row id, count) of every value over the documents in `doc_mask`, unordered."""
        if not len(self.value_ids):
            return []
        counts = np.bincount(self.entry_value[doc_mask[self.entry_doc]], minlength=len(self.value_ids))
        nonzero = np.flatnonzero(counts)
        return list(zip(self.value_ids[nonzero].tolist(), counts[nonzero].tolist(), strict=True))


class FacetTables:
    """Per-document arrays for one index version: live flag, article id, date (ordinal or
    UNDATED), when it was added (seconds since the epoch, 0 when unknown), facets, and the words of
    the lexicon. Built from a reader by `arrays()`, read from those arrays (memory-mapped from the
    tables file, or in memory when it could not be written)."""

    def __init__(self, arrays: dict[str, np.ndarray], meta: dict):
        self.doc_count = n = meta["doc_count"]
        self.live, self.ids, self.days = arrays["live"], arrays["ids"], arrays["days"]
        self.years, self.months, self.added = arrays["years"], arrays["months"], arrays["added"]
        self.fields = {name: FacetField(_prefixed(arrays, f"facet.{name}."), n) for name in FACET_FIELDS}
        lexicon = _prefixed(arrays, "lexicon.")
        self.lexicon = Lexicon(lexicon["text"], lexicon["starts"], lexicon["presence"], meta["segments"])

    @staticmethod
    def arrays(reader) -> tuple[dict[str, np.ndarray], dict]:
        """The tables of an index reader, as named arrays and JSON-ready meta."""
        n = reader.doc_count_all()
        live = np.zeros(n, dtype=bool)
        live[np.fromiter(reader.all_doc_ids(), dtype=np.int64)] = True
        ids = np.array([int(v) if v else -1 for v in _column(reader, "id", b"")], dtype=np.int64)
        raw = np.fromiter(_column(reader, "date", _MISSING_DATE), dtype=np.uint64, count=n)
        dated = raw != _MISSING_DATE
        days = np.full(n, UNDATED, dtype=np.int64)
        # Whoosh stores microseconds since 0001-01-01, the day before ordinal 1.
        days[dated] = (raw[dated] // _MICROSECONDS_PER_DAY).astype(np.int64) + 1
        years = np.zeros(n, dtype=np.int64)
        months = np.zeros(n, dtype=np.int64)  # year * 12 + month - 1
        unique_days, inverse = np.unique(days[dated], return_inverse=True)
        calendar = [date.fromordinal(int(day)) for day in unique_days]
        years[dated] = np.array([d.year for d in calendar], dtype=np.int64)[inverse]
        months[dated] = np.array([d.year * 12 + d.month - 1 for d in calendar], dtype=np.int64)[inverse]
        added = np.fromiter(_column(reader, "added", 0), dtype=np.uint64, count=n)
        arrays = {
            "live": live,
            "ids": ids,
            "days": days,
            "years": years,
            "months": months,
            "added": np.where(added >= 2**63, 0, added).astype(np.int64),  # Whoosh's "missing" is the top
        }
        for name, fieldname in FACET_FIELDS.items():
            for key, array in FacetField.arrays(reader, fieldname, n).items():
                arrays[f"facet.{name}.{key}"] = array
        lexicon, segments = Lexicon.arrays(reader)
        arrays.update({f"lexicon.{key}": array for key, array in lexicon.items()})
        return arrays, {"doc_count": n, "segments": segments}

    def date_mask(self, date_from: date | None, date_to: date | None, undated: bool) -> np.ndarray | None:
        """Documents dated within [date_from, date_to]; with `undated`, undated documents too (alone,
        when no range is given). None when there is no date filter."""
        if date_from is None and date_to is None:
            return (self.days == UNDATED) if undated else None
        mask = self.days != UNDATED
        if date_from is not None:
            mask &= self.days >= date_from.toordinal()
        if date_to is not None:
            mask &= self.days <= date_to.toordinal()
        if undated:
            mask |= self.days == UNDATED
        return mask

    def histogram(self, docnums: np.ndarray, date_from: date | None, date_to: date | None) -> DateHistogram:
        """Counts by year; by month when the range (the filter, else the matches) lies in one year;
        by day when it lies in one month."""
        days = self.days[docnums]
        dated = docnums[days != UNDATED]
        undated = int(len(docnums) - len(dated))
        if not len(dated):
            return DateHistogram("year", [], undated)
        first = date_from or date.fromordinal(int(self.days[dated].min()))
        last = date_to or date.fromordinal(int(self.days[dated].max()))
        level = dates.level_for(first, last)
        keys = {"day": self.days, "month": self.months, "year": self.years}[level][dated]
        low = int(keys.min())
        counts = np.bincount(keys - low)
        return dates.histogram(level, {low + int(i): int(counts[i]) for i in np.flatnonzero(counts)}, undated)


def _column(reader, fieldname: str, missing):
    """A column's raw values for every document number. Read segment by segment: Whoosh's
    MultiReader skips segments that lack the column, which would shift the document numbers."""
    for leaf, _ in reader.leaf_readers():
        if leaf.has_column(fieldname):
            yield from leaf.column_reader(fieldname, translate=False)
        else:
            yield from [missing] * leaf.doc_count_all()


def _prefixed(arrays: dict[str, np.ndarray], prefix: str) -> dict[str, np.ndarray]:
    return {name[len(prefix) :]: array for name, array in arrays.items() if name.startswith(prefix)}


TABLES_PATTERN = "tables-*.npt"
_TABLES_LOCK_FILE = ".tables.lock"  # Whoosh's own cleaning leaves names starting with a dot alone
# Table files of older index versions kept for readers that opened those versions just before.
_OLD_TABLES_KEPT = 2

_tables: dict = {}
_tables_lock = threading.Lock()
_TABLES_KEPT = 4


def tables_path(folder: Path, generation: int) -> Path:
    """The tables file of one version of the index in `folder` (its table of contents' generation)."""
    return folder / f"tables-{generation}.npt"


def tables_for(searcher) -> FacetTables:
    """The tables of this searcher's index version, shared by the threads of this process and,
    through the memory-mapped tables file, by every process reading that version."""
    reader = searcher.reader()
    key = (searcher._ix.storage.folder, reader.generation())
    tables = _tables.get(key)
    if tables is None:
        with _tables_lock:
            tables = _tables.get(key)
            if tables is None:
                tables = FacetTables(*_load_or_build(Path(key[0]), key[1], reader))
                if len(_tables) >= _TABLES_KEPT:
                    _tables.pop(next(iter(_tables)))
                _tables[key] = tables
    return tables


def _load_or_build(folder: Path, generation: int, reader) -> tuple[dict[str, np.ndarray], dict]:
    """The tables file's arrays, memory-mapped; the first process to need them writes it, while
    the others wait for it on a lock. Where it cannot be written (a full disk, a read-only index),
    the tables stay in this process's memory."""
    path = tables_path(folder, generation)
    with contextlib.suppress(FileNotFoundError, tablefile.TableFileDamaged):
        return tablefile.load(path)
    try:
        with _file_lock(folder / _TABLES_LOCK_FILE):
            with contextlib.suppress(FileNotFoundError, tablefile.TableFileDamaged):
                return tablefile.load(path)
            arrays, meta = FacetTables.arrays(reader)
            tablefile.write(path, arrays, meta)
            _remove_old_tables(folder, generation)
        return tablefile.load(path)
    except OSError as error:
        logger.warning("The search tables could not be written beside the index (%s); kept in memory.", error)
        return FacetTables.arrays(reader)


@contextlib.contextmanager
def _file_lock(path: Path):
    with open(path, "a") as f:
        fcntl.flock(f, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(f, fcntl.LOCK_UN)


def _remove_old_tables(folder: Path, generation: int) -> None:
    """Delete the tables files of index versions before the last few; a process still mapping one
    keeps its pages until it lets go."""
    older = sorted(
        (int(number), path)
        for path in folder.glob(TABLES_PATTERN)
        if (number := path.stem.removeprefix("tables-")).isdigit() and int(number) < generation
    )
    for _, path in older[: max(len(older) - _OLD_TABLES_KEPT, 0)]:
        path.unlink(missing_ok=True)


def publish(searcher) -> None:
    """Write the tables file of this searcher's index version now (the writer, after a large
    commit), so that the first search after it does not wait for it."""
    tables_for(searcher)
