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

Phrases are matched the same way: the documents holding every word, then each word's positions
in those few documents. A query with a part this does not read (spans of another slop,
coordination) raises scoring.Unsupported, and query.py goes segment by segment as before.
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
_CHECK_EVERY = 1024  # postings lists read, or phrase candidates, between two looks at the clock


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
        if kind is wq.Phrase:
            return self._phrase(q)
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
        return self._scored(*self._read([(fieldname, tbytes, self.leaves)]), boost)

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

        terms = [
            (
                fieldname,
                schema[fieldname].to_bytes(word),
                [(leaf, at) for leaf, at in self.leaves if holds(leaf, fieldname, word)],
            )
            for word in q.words
            for fieldname in q.fields
            if fieldname in schema
        ]
        return _merged(*self._scored(*self._read(terms), q.boost))

    def _read(self, terms: list[tuple[str, bytes, list]]) -> tuple[list, list]:
        """The posting blocks of the terms (field, word, the segments to ask), each term's in each
        segment holding it, in that order, and a run for each: (offset of the segment, postings,
        BM25 parameters, field). A prefix or a fuzzy word stands for hundreds of words, each in
        every segment, so their blocks are decoded and scored together (`_scored`)."""
        self.budget.check_time("finding the matches")
        blocks, runs = [], []
        for fieldname, tbytes, leaves in terms:
            parameters = self._bm25(fieldname, tbytes)
            for leaf, offset in leaves:
                try:
                    info = leaf.term_info(fieldname, tbytes)
                except TermNotFound:
                    continue
                if len(runs) % _CHECK_EVERY == _CHECK_EVERY - 1:
                    self.budget.check_time("finding the matches")
                term_blocks = postings.blocks_of_term(leaf._terms._postfile, info)
                blocks += term_blocks
                runs.append((offset, sum(count for _, count in term_blocks), parameters, fieldname))
        return blocks, runs

    def _scored(self, blocks: list, runs: list, boost: float) -> Matches:
        """The postings `_read` gave, each scored as Whoosh's Term scores it, laid end to end: each
        term's in the index's document numbers, ascending."""
        if not runs:
            return _NOTHING
        ids, weights = postings.decoded(blocks)
        counts = [count for _, count, _, _ in runs]
        ids += np.repeat([offset for offset, _, _, _ in runs], counts)
        scored = np.repeat([parameters is not None for _, _, parameters, _ in runs], counts)
        idf, avgfl, B, K1 = (
            np.repeat([parameters[k] if parameters else 1.0 for _, _, parameters, _ in runs], counts)
            for k in range(4)
        )
        lengths = np.ones(len(ids))
        scored_fields = sorted({fieldname for _, _, parameters, fieldname in runs if parameters})
        fields = np.repeat(
            [scored_fields.index(fieldname) if parameters else -1 for _, _, parameters, fieldname in runs],
            counts,
        )
        for n, fieldname in enumerate(scored_fields):
            here = fields == n
            lengths[here] = scoring.index_field_lengths(self.leaves, fieldname)[ids[here]]
        scores = np.where(scored, scoring.bm25(idf, avgfl, B, K1, weights, lengths), weights)
        return ids, scores * boost if boost != 1.0 else scores

    def _positions(self, fieldname: str, tbytes: bytes) -> tuple[np.ndarray, np.ndarray, list]:
        """A term's postings in every segment, scored as Whoosh's Term scores them, and the
        encoded positions of each."""
        blocks, runs = self._read([(fieldname, tbytes, self.leaves)])
        ids, scores = self._scored(blocks, runs, 1.0)
        return ids, scores, [value for (_, _, encoded), _ in blocks for value in encoded]

    def _phrase(self, q: wq.Phrase) -> Matches:
        """Documents holding the words at consecutive positions (Whoosh's Phrase of slop 1: its
        SpanNear2), each scored by the sum of the words' scores, as Whoosh's phrase matcher is."""
        field = self.searcher.schema[q.fieldname] if q.fieldname in self.searcher.schema else None
        if field is None or q.slop != 1 or not field.format.supports("positions"):
            raise scoring.Unsupported(f"phrase in {q.fieldname}")
        try:
            words = [field.to_bytes(word) for word in q.words]
        except ValueError:
            return _NOTHING
        parts = [self._positions(q.fieldname, word) for word in words]
        ids = parts[0][0]
        for part_ids, _, _ in parts[1:]:
            ids = ids[scoring.members(ids, part_ids)]
        rows = [np.searchsorted(part_ids, ids) for part_ids, _, _ in parts]
        decode = field.format.decode_positions
        adjacent = np.zeros(len(ids), dtype=bool)
        for n in range(len(ids)):  # only documents holding every word: few, even for common words
            if n % _CHECK_EVERY == 0:
                self.budget.check_time("finding the matches")
            starts = set(decode(parts[0][2][rows[0][n]]))
            for k, (_, _, encoded) in enumerate(parts[1:], 1):
                starts &= {position - k for position in decode(encoded[rows[k][n]])}
                if not starts:
                    break
            adjacent[n] = bool(starts)
        scores = sum(
            part_scores[part_rows[adjacent]]
            for (_, part_scores, _), part_rows in zip(parts, rows, strict=True)
        )
        return ids[adjacent], scores * q.boost if q.boost != 1.0 else scores

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
    return _merged(np.concatenate([ids for ids, _ in parts]), np.concatenate([scores for _, scores in parts]))


def _merged(ids: np.ndarray, scores: np.ndarray) -> Matches:
    """Runs of ascending document numbers laid end to end, merged: each document once, scored by
    the sum of its scores in the order of the runs."""
    # A stable sort of ascending runs merges them, and keeps each document's scores in order.
    order = np.argsort(ids, kind="stable")
    ids = ids[order]
    first = np.ones(len(ids), dtype=bool)
    np.not_equal(ids[1:], ids[:-1], out=first[1:])
    return ids[first], np.bincount(np.cumsum(first) - 1, weights=scores[order])


def _all(parts: list[Matches]) -> Matches:
    """Documents in every part; each scored by the sum of its parts' scores, in the parts' order."""
    ids = parts[0][0]
    for part_ids, _ in parts[1:]:
        ids = ids[scoring.members(ids, part_ids)]
    scores = np.zeros(len(ids))
    for part_ids, part_scores in parts:
        scores += part_scores[np.searchsorted(part_ids, ids)]
    return ids, scores
