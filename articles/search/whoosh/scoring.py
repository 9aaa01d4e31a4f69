"""Every match of a Whoosh matcher tree and its score, computed with numpy instead of one Python
call per document.

Whoosh scores a document by walking its matcher tree once per match (`matcher.score()`), which is
most of the cost of a broad query. For the trees that plain words, their word forms, date ranges,
AND, OR, NOT and exclusions build (unions, intersections, and-nots, inverses, boosts, term
postings scored by BM25F or by weight, and the masks of docmask.py), this reads each term's
postings whole (postings.py) and does the same arithmetic on arrays, in the same order, so the
scores are the very numbers Whoosh would give. Any other matcher (phrases, spans, ...) raises
Unsupported and the caller walks the tree as before.
"""

import threading

import numpy as np
from whoosh.codec.whoosh3 import W3LeafMatcher
from whoosh.matching import (
    AndNotMatcher,
    FilterMatcher,
    IntersectionMatcher,
    InverseMatcher,
    ListMatcher,
    NullMatcherClass,
    UnionMatcher,
    WrappingMatcher,
)
from whoosh.scoring import BM25FScorer, WeightScorer

from . import postings
from .docmask import MaskMatcher
from .lengths import field_lengths


class Unsupported(Exception):
    """The tree holds a matcher this module does not reproduce exactly."""


_lengths: dict = {}
_lengths_lock = threading.Lock()
_LENGTHS_KEPT = 64  # (segment, field) pairs: enough for every segment of a busy index


def matches(matcher, searcher) -> tuple[np.ndarray, np.ndarray]:
    """(document numbers ascending, scores) of every match of `matcher` in this leaf searcher;
    consumes the matcher. Raises Unsupported for a tree it cannot score exactly."""
    kind = type(matcher)
    if kind is NullMatcherClass:
        return np.zeros(0, np.int64), np.zeros(0)
    if kind is W3LeafMatcher or kind is ListMatcher:
        return _leaf(matcher, searcher)
    if kind is MaskMatcher:
        return matcher.remaining()
    if kind is UnionMatcher:
        (ids_a, scores_a), (ids_b, scores_b) = matches(matcher.a, searcher), matches(matcher.b, searcher)
        ids = union(ids_a, ids_b)
        scores = np.zeros(len(ids))
        scores[np.searchsorted(ids, ids_a)] = scores_a
        scores[np.searchsorted(ids, ids_b)] += scores_b  # a.score() + b.score(), in that order
        return ids, scores
    if kind is IntersectionMatcher:
        (ids_a, scores_a), (ids_b, scores_b) = matches(matcher.a, searcher), matches(matcher.b, searcher)
        in_a = members(ids_a, ids_b)
        ids = ids_a[in_a]
        return ids, scores_a[in_a] + scores_b[np.searchsorted(ids_b, ids)]
    if kind is AndNotMatcher:
        (ids, scores), (excluded, _) = matches(matcher.a, searcher), matches(matcher.b, searcher)
        keep = ~members(ids, excluded)
        return ids[keep], scores[keep]
    if kind is InverseMatcher:  # NOT: every live document from where it stands but the child's
        excluded, _ = matches(matcher.child, searcher)
        ids = np.arange(matcher._id, matcher.limit, dtype=np.int64)
        ids = ids[~members(ids, excluded)]
        reader = searcher.reader()
        if reader.has_deletions():
            ids = ids[members(ids, np.fromiter(reader.all_doc_ids(), np.int64))]
        return ids, np.full(len(ids), float(matcher._weight))
    if kind is WrappingMatcher or kind is FilterMatcher:
        ids, scores = matches(matcher.child, searcher)
        if kind is FilterMatcher:  # deleted documents, or a filter set
            listed = np.isin(ids, np.fromiter(matcher._ids, np.int64, len(matcher._ids)))
            keep = ~listed if matcher._exclude else listed
            ids, scores = ids[keep], scores[keep]
        return ids, scores * matcher.boost
    raise Unsupported(kind.__name__)


# Document numbers come ascending and unique from every matcher. numpy's own set functions sort
# or hash them again, which was most of a broad word's search (union1d of its title and body
# matches); these keep to the order they have.


def union(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """The ascending document numbers in either."""
    merged = np.concatenate((a, b))
    merged.sort(kind="stable")  # two ascending runs: a merge, in linear time
    keep = np.ones(len(merged), dtype=bool)
    np.not_equal(merged[1:], merged[:-1], out=keep[1:])
    return merged[keep]


def members(ids: np.ndarray, among: np.ndarray) -> np.ndarray:
    """Which of `ids` are in `among` (ascending)."""
    if not len(among):
        return np.zeros(len(ids), dtype=bool)
    positions = np.minimum(np.searchsorted(among, ids), len(among) - 1)
    return among[positions] == ids


def _leaf(matcher, searcher) -> tuple[np.ndarray, np.ndarray]:
    scorer = matcher.scorer if type(matcher) is W3LeafMatcher else matcher._scorer
    if type(matcher) is W3LeafMatcher:
        ids, weights = postings.remaining(matcher)
    else:
        ids, weights = [], []
        while matcher.is_active():
            ids.append(matcher.id())
            weights.append(matcher.weight())
            matcher.next()
        ids = np.asarray(ids, dtype=np.int64)
        weights = np.asarray(weights, dtype=np.float64)
    if type(scorer) is WeightScorer:
        return ids, weights
    if type(scorer) is not BM25FScorer:
        raise Unsupported(type(scorer).__name__)
    fieldname, _ = matcher.term()
    lengths = field_lengths_of(searcher.reader(), fieldname)[ids]
    return ids, bm25(scorer.idf, scorer.avgfl, scorer.B, scorer.K1, weights, lengths)


def bm25(
    idf: float, avgfl: float, B: float, K1: float, weights: np.ndarray, lengths: np.ndarray
) -> np.ndarray:
    """whoosh.scoring.bm25, operation for operation, over arrays of weights and field lengths."""
    return idf * ((weights * (K1 + 1)) / (weights + K1 * ((1 - B) + B * lengths / avgfl)))


def field_lengths_of(reader, fieldname: str) -> np.ndarray:
    """The length Whoosh's scorer reads for every document of this segment's reader (its `dfl`),
    built once per segment and field."""
    key = (reader.segment().segment_id(), fieldname)  # a segment's lengths never change
    found = _lengths.get(key)
    if found is None:
        with _lengths_lock:
            found = _lengths.get(key)
            if found is None:
                found = field_lengths(reader._perdoc, fieldname, default=1)
                if len(_lengths) >= _LENGTHS_KEPT:
                    _lengths.pop(next(iter(_lengths)))
                _lengths[key] = found
    return found


_index_lengths: dict = {}
_INDEX_LENGTHS_KEPT = 8  # (index version, field) pairs


def index_field_lengths(leaves, fieldname: str) -> np.ndarray:
    """`field_lengths_of` every segment (`leaves`: (reader, offset), in order), laid end to end in
    the index's document numbers."""
    key = (tuple(leaf.segment().segment_id() for leaf, _ in leaves), fieldname)
    found = _index_lengths.get(key)
    if found is None:
        found = np.concatenate([field_lengths_of(leaf, fieldname) for leaf, _ in leaves])
        with _lengths_lock:
            if len(_index_lengths) >= _INDEX_LENGTHS_KEPT:
                _index_lengths.pop(next(iter(_index_lengths)))
            _index_lengths[key] = found
    return found
