"""A query's matches and scores computed over the whole index at once, not segment by segment.

Scoring each segment's matcher tree in numpy (scoring.py) still meant building that tree in every
segment, with a term lookup, a scorer and a matcher for every word, and combining its arrays node
by node in every segment. On the nine segments a 10x ingest leaves, the bench mix then took
1.5-1.7 times as long as on the one segment of `rebuild_index`. Here the query tree itself is
read: each word's postings are read from every segment that holds it and laid end to end in the
index's document numbers, and every union, intersection and exclusion runs once.

Scores are Whoosh's BM25F with the index-wide idf and average field length Whoosh uses
(scoring.bm25). A document's word scores are added in the order of the query, where Whoosh's
per-segment trees add them in an order that depends on each segment's word counts: so a
document's score no longer depends on how the index happens to be split into segments, and it
differs from Whoosh's in the last bits at most.

A query with a part this does not read (phrases, spans, coordination) raises scoring.Unsupported,
and query.py goes segment by segment as before.
"""

import numpy as np
from whoosh import query as wq
from whoosh.query.compound import DefaultOr
from whoosh.query.qcore import _NullQuery
from whoosh.reading import TermNotFound
from whoosh.scoring import BM25F

from articles.search.budget import SearchBudget

from . import postings, scoring
from .docmask import DocMaskQuery
from .expansion import WordsQuery

Matches = tuple[np.ndarray, np.ndarray]  # document numbers ascending, and their scores
_NOTHING: Matches = (np.zeros(0, np.int64), np.zeros(0))


def matches(searcher, q, live: np.ndarray, budget: SearchBudget) -> Matches:
    """Every live document (`live`: one flag per document number) that `q`, a normalized query,
    matches in the searcher's index, with its score, within the search's budget. Raises
    scoring.Unsupported."""
    ids, scores = _Evaluation(searcher, live, budget).of(q)
    keep = live[ids]
    return ids[keep], scores[keep]


class _Evaluation:
    def __init__(self, searcher, live: np.ndarray, budget: SearchBudget):
        self.searcher, self.live, self.budget = searcher, live, budget
        # An empty index's only reader has no segment.
        self.leaves = [(leaf, offset) for leaf, offset in searcher.reader().leaf_readers() if leaf.segment()]

    def of(self, q) -> Matches:
        kind = type(q)
        if kind is wq.Term:
            return self._term(q.fieldname, q.text, q.boost)
        if kind is WordsQuery:
            return self._words(q)
        if kind is DocMaskQuery:
            ids = np.flatnonzero(q.mask)
            return ids, np.full(len(ids), float(q.boost))
        if kind is _NullQuery:
            return _NOTHING
        if kind is wq.Every and q.fieldname is None:
            ids = np.flatnonzero(self.live)
            return ids, np.full(len(ids), float(q.boost))
        if kind is wq.Not:  # Whoosh's InverseMatcher: weight 1 whatever the boost
            excluded, _ = self.of(q.query)
            ids = np.flatnonzero(self.live)
            ids = ids[~scoring.members(ids, excluded)]
            return ids, np.ones(len(ids))
        if kind is wq.AndNot:
            (ids, scores), (excluded, _) = self.of(q.a), self.of(q.b)
            keep = ~scoring.members(ids, excluded)
            return ids[keep], scores[keep]
        if getattr(q, "boost", 1.0) != 1.0:  # Whoosh boosts a compound only when it has two parts
            raise scoring.Unsupported(f"boosted {kind.__name__}")
        if (kind is DefaultOr or kind is wq.Or) and not q.scale and not q.minmatch:
            return _any([self.of(sub) for sub in q.subqueries])
        if kind is wq.And:
            return _all([self.of(sub) for sub in q.subqueries])
        raise scoring.Unsupported(kind.__name__)

    def _term(self, fieldname: str, text, boost: float) -> Matches:
        """A word's postings in every segment, scored as Whoosh's Term scores them."""
        schema = self.searcher.schema
        if fieldname not in schema:
            return _NOTHING
        try:
            tbytes = schema[fieldname].to_bytes(text)
        except ValueError:
            return _NOTHING
        return self._postings(fieldname, tbytes, self.leaves, boost)

    def _words(self, q: WordsQuery) -> Matches:
        """Any of the words in any of the fields, each asked only of the segments holding it, in
        WordsQuery's order (each word in every field)."""
        schema = self.searcher.schema
        held: dict[tuple[str, str], set | frozenset] = {}  # (segment, field): the words it holds

        def holds(leaf, fieldname: str, word: str) -> bool:
            if q.presence is None:
                return True
            key = (leaf.segment().segment_id(), fieldname)
            if key not in held:
                held[key] = q.presence.present(*key, q.words)
            return word in held[key]

        parts = []
        for word in q.words:
            for fieldname in q.fields:
                if fieldname in schema:
                    leaves = [(leaf, at) for leaf, at in self.leaves if holds(leaf, fieldname, word)]
                    parts.append(self._postings(fieldname, schema[fieldname].to_bytes(word), leaves, q.boost))
        return _any(parts)

    def _postings(self, fieldname: str, tbytes: bytes, leaves, boost: float) -> Matches:
        """The term's postings in these segments, scored as Whoosh's Term scores them."""
        self.budget.check_time("finding the matches")
        ids, scores = [], []
        parameters = self._bm25(fieldname, tbytes)
        for leaf, offset in leaves:
            try:
                info = leaf.term_info(fieldname, tbytes)
            except TermNotFound:
                continue
            leaf_ids, weights = postings.of_term(leaf._terms._postfile, info)
            ids.append(leaf_ids + offset)
            if parameters is None:  # an unscored field: the weight is the score
                scores.append(weights)
            else:
                lengths = scoring.field_lengths_of(leaf, fieldname)[leaf_ids]
                scores.append(scoring.bm25(*parameters, weights, lengths))
        if not ids:
            return _NOTHING
        ids, scores = np.concatenate(ids), np.concatenate(scores)
        return ids, scores * boost if boost != 1.0 else scores

    def _bm25(self, fieldname: str, tbytes: bytes) -> tuple[float, float, float, float] | None:
        """The idf, average field length, B and K1 Whoosh's BM25FScorer reads for a term: the
        index-wide statistics of the top-level searcher. None for a field without lengths."""
        searcher, weighting = self.searcher, self.searcher.weighting
        if type(weighting) is not BM25F:
            raise scoring.Unsupported(type(weighting).__name__)
        if not searcher.schema[fieldname].scorable:
            return None
        B = weighting._field_B.get(fieldname, weighting.B)
        return searcher.idf(fieldname, tbytes), searcher.avg_field_length(fieldname) or 1, B, weighting.K1


def _any(parts: list[Matches]) -> Matches:
    """Documents in any part; each scored by the sum of its parts' scores, in the parts' order."""
    parts = [part for part in parts if len(part[0])]
    if len(parts) <= 1:
        return parts[0] if parts else _NOTHING
    ids = np.concatenate([part_ids for part_ids, _ in parts])
    # A stable sort of ascending runs merges them, and keeps each document's parts in order.
    order = np.argsort(ids, kind="stable")
    ids = ids[order]
    first = np.ones(len(ids), dtype=bool)
    np.not_equal(ids[1:], ids[:-1], out=first[1:])
    scores = np.concatenate([part_scores for _, part_scores in parts])[order]
    return ids[first], np.bincount(np.cumsum(first) - 1, weights=scores)


def _all(parts: list[Matches]) -> Matches:
    """Documents in every part; each scored by the sum of its parts' scores, in the parts' order."""
    ids = parts[0][0]
    for part_ids, _ in parts[1:]:
        ids = ids[scoring.members(ids, part_ids)]
    scores = np.zeros(len(ids))
    for part_ids, part_scores in parts:
        scores += part_scores[np.searchsorted(part_ids, ids)]
    return ids, scores
