"""A Whoosh query matching the documents of a numpy mask over one index version's document numbers.

A date range in the query (`date:[1990-01-01 to 1990-12-31]`) compiled to Whoosh's DateRange
walks every date term of the range in every segment, then hands the matches over in a list that
scoring.py could not read in numpy, so the whole query was walked a document at a time: 180-250 ms
on Reuters replicated ten times, the slowest queries of the mix. The per-index tables
(facets.py) already hold every document's day, so the range is a mask computed in one numpy
operation, and each segment matches its slice of it. Each match weighs what DateRange's constant
score gave it (1.0); the matches are exactly the articles dated within the range (walked beside a
word, Whoosh's DateRange let others through: tests/test_search_scoring.py).
"""

import numpy as np
from whoosh import query as wq
from whoosh.matching import ListMatcher, NullMatcher

# The weight of every match: Whoosh's ConstantScoreQuery, which DateRange compiles to, gives 1.0.
CONSTANT_WEIGHT = 1.0


class MaskMatcher(ListMatcher):
    """The ids of one segment's matches, ascending, as a numpy array (scoring.py reads it whole)."""

    def __init__(self, ids: np.ndarray, weight: float, position: int = 0):
        super().__init__(ids, all_weights=weight, position=position)

    def skip_to(self, id):
        if self.is_active() and id > self.id():
            self._i = int(np.searchsorted(self._ids, id, side="left"))

    def copy(self):
        return MaskMatcher(self._ids, self._all_weights, self._i)

    def remaining(self) -> tuple[np.ndarray, np.ndarray]:
        """(ids, weights) of the matches not yet passed."""
        ids = self._ids[self._i :].astype(np.int64)
        return ids, np.full(len(ids), self._all_weights, dtype=np.float64)


class DocMaskQuery(wq.Query):
    """The documents where `mask` (one bool per document number of the searcher's index version)
    is True: a condition on `fieldname`, described by `key` so that equal queries compare equal."""

    def __init__(self, fieldname: str, mask: np.ndarray, key, boost: float = CONSTANT_WEIGHT):
        self.fieldname, self.mask, self.key, self.boost = fieldname, mask, key, boost

    def __eq__(self, other):
        return type(other) is type(self) and (self.fieldname, self.key, self.boost) == (
            other.fieldname,
            other.key,
            other.boost,
        )

    def __hash__(self):
        return hash((self.fieldname, self.key, self.boost))

    def __repr__(self):
        return f"DocMaskQuery({self.fieldname!r}, {self.key!r})"

    def estimate_size(self, ixreader):
        return ixreader.doc_count_all()  # an overestimate is allowed

    def normalize(self):
        return self

    def matcher(self, searcher, context=None):
        offset = 0
        if searcher.has_parent():  # a segment's searcher: its slice of the whole index's numbers
            offset = searcher.get_parent()._offset_for_subsearcher(searcher)
        count = searcher.reader().doc_count_all()
        ids = np.flatnonzero(self.mask[offset : offset + count])
        return MaskMatcher(ids, self.boost) if len(ids) else NullMatcher()
