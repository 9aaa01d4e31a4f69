"""Facet tables: numpy arrays keyed by document number, built once per index version.

Whoosh's `groupedby` rebuilds a per-document table from the postings on every search (10x the cost
of the search itself). Here the tables are built once when a searcher sees a new index version and
shared by every thread; filtering is a boolean mask and counting is a `bincount` over the matching
document numbers.
"""

import threading
from datetime import date

import numpy as np

from articles.search import dates
from articles.search.dates import UNDATED
from articles.search.types import DateHistogram

from .expansion import Lexicon
from .schema import FACET_FIELDS

# Column value Whoosh returns for a document without a date.
_MISSING_DATE = 2**64 - 1
_MICROSECONDS_PER_DAY = 86_400 * 10**6


class FacetField:
    """One multi-valued facet as (document, value) pairs; the values are row ids (see
    articles/facet_registry.py), named by search/names.py."""

    def __init__(self, reader, fieldname: str, doc_count: int):
        self.doc_count = doc_count
        value_ids, docs, values = [], [], []
        for position, term in enumerate(reader.lexicon(fieldname)):
            try:
                value_ids.append(int(term))
            except ValueError:
                value_ids.append(-1)  # not an id: an index from before SCHEMA_VERSION 2
            postings = np.fromiter(reader.postings(fieldname, term).all_ids(), dtype=np.int32)
            docs.append(postings)
            values.append(np.full(len(postings), position, dtype=np.int32))
        self.value_ids = np.array(value_ids, dtype=np.int64)  # position -> row id
        self.entry_doc = np.concatenate(docs) if docs else np.zeros(0, np.int32)
        self.entry_value = np.concatenate(values) if values else np.zeros(0, np.int32)
        self._position = {int(v): i for i, v in enumerate(value_ids)}
        # The same pairs grouped by document, for reading the values of a page of hits.
        by_doc = np.argsort(self.entry_doc, kind="stable")
        self._doc_values = self.entry_value[by_doc]
        self._doc_starts = np.searchsorted(self.entry_doc[by_doc], np.arange(doc_count + 1))

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
    """Per-document arrays for one reader: live flag, article id, date (ordinal or UNDATED), when it
    was added (seconds since the epoch, 0 when unknown), facets, and the words of the lexicon."""

    def __init__(self, reader):
        n = reader.doc_count_all()
        self.doc_count = n
        self.live = np.zeros(n, dtype=bool)
        self.live[np.fromiter(reader.all_doc_ids(), dtype=np.int64)] = True
        self.ids = np.array([int(v) if v else -1 for v in _column(reader, "id", b"")], dtype=np.int64)
        raw = np.fromiter(_column(reader, "date", _MISSING_DATE), dtype=np.uint64, count=n)
        dated = raw != _MISSING_DATE
        self.days = np.full(n, UNDATED, dtype=np.int64)
        # Whoosh stores microseconds since 0001-01-01, the day before ordinal 1.
        self.days[dated] = (raw[dated] // _MICROSECONDS_PER_DAY).astype(np.int64) + 1
        self.years = np.zeros(n, dtype=np.int64)
        self.months = np.zeros(n, dtype=np.int64)  # year * 12 + month - 1
        unique_days, inverse = np.unique(self.days[dated], return_inverse=True)
        calendar = [date.fromordinal(int(day)) for day in unique_days]
        self.years[dated] = np.array([d.year for d in calendar], dtype=np.int64)[inverse]
        self.months[dated] = np.array([d.year * 12 + d.month - 1 for d in calendar], dtype=np.int64)[inverse]
        added = np.fromiter(_column(reader, "added", 0), dtype=np.uint64, count=n)
        self.added = np.where(added >= 2**63, 0, added).astype(np.int64)  # Whoosh's "missing" is the top
        self.fields = {name: FacetField(reader, fieldname, n) for name, fieldname in FACET_FIELDS.items()}
        self.lexicon = Lexicon(reader)

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


_tables: dict = {}
_tables_lock = threading.Lock()
_TABLES_KEPT = 4


def tables_for(searcher) -> FacetTables:
    """The tables of this searcher's index version, built on first use and shared by threads."""
    reader = searcher.reader()
    key = (searcher._ix.storage.folder, reader.generation())
    tables = _tables.get(key)
    if tables is None:
        with _tables_lock:
            tables = _tables.get(key)
            if tables is None:
                tables = FacetTables(reader)
                if len(_tables) >= _TABLES_KEPT:
                    _tables.pop(next(iter(_tables)))
                _tables[key] = tables
    return tables
