"""When the index's segments are merged: by size tier, with a bound on what one commit may merge.

Every commit writes a segment, and searches slow down as segments pile up; merging them costs
time proportional to their size. Whoosh's own policy (MERGE_SMALL) may decide, on a one-article
commit, to merge the whole index, which would hold a curator's save for minutes on a large
archive. Here segments are grouped by size tier (1-9 documents, 10-99, 100-999, ...), and
MERGE_FACTOR segments of a full tier are merged into one of the next tier, like a log-structured
merge. A commit merges no more than its `max_docs`: small for a single edit, smaller still for an
ingest's commits (INGEST_MERGE_MAX_DOCS).

Whoosh merges slowly: it re-reads every stored field and posting of the merged segments in Python
and sorts the postings again, at 60-200 documents a second here (11 segments of Reuters-21578,
21,578 articles: 342 s on this shared 2-core machine) against 330 for indexing the same articles
from their text. Merging tiers of 25,000 articles as an ingest went (the bound here was 30,000)
rewrote every article of Reuters replicated ten times once more, and made that ingest take 21-25
times as long as one copy. An ingest therefore writes large segments to begin with (a checkpoint
every 50,000 articles: backend.py) and merges only the small segments edits leave behind.
"""

import math
from collections import defaultdict

from whoosh.reading import SegmentReader

MERGE_FACTOR = 10
# What a commit of a few articles (a save in the admin, a flush) may merge, in documents.
EDIT_MERGE_MAX_DOCS = 10_000
# What each commit of an ingest may merge: the small segments of edits and flushes, never its own
# (25,000 articles each: CHECKPOINT_EVERY of backend.py over two writers).
INGEST_MERGE_MAX_DOCS = 2_000


def tier_of(doc_count: int) -> int:
    return int(math.log10(doc_count)) if doc_count > 0 else 0


def tiered(max_docs: int | None = None):
    """A Whoosh merge policy (`writer.commit(mergetype=...)`) merging full tiers, smallest tier
    first, MERGE_FACTOR of its smallest segments at a time, while the documents merged stay within
    `max_docs` (None: no bound)."""

    def policy(writer, segments):
        tiers = defaultdict(list)
        for segment in segments:
            tiers[tier_of(segment.doc_count_all())].append(segment)
        kept, merged_docs = [], 0
        for tier in sorted(tiers):
            waiting = sorted(tiers[tier], key=lambda segment: segment.doc_count_all())
            while len(waiting) >= MERGE_FACTOR:
                group, rest = waiting[:MERGE_FACTOR], waiting[MERGE_FACTOR:]
                docs = sum(segment.doc_count_all() for segment in group)
                if max_docs is not None and merged_docs + docs > max_docs:
                    break
                for segment in group:
                    reader = SegmentReader(writer.storage, writer.schema, segment)
                    writer.add_reader(reader)
                    reader.close()
                merged_docs += docs
                waiting = rest
            kept.extend(waiting)
        return kept

    return policy
