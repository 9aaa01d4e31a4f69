"""When the index's segments are merged: by size tier, with a bound on what one commit may merge.

Every commit writes a segment, and searches slow down as segments pile up; merging them costs
time proportional to their size. Whoosh's own policy (MERGE_SMALL) may decide, on a one-article
commit, to merge the whole index, which would hold a curator's save for minutes on a large
archive. Here segments are grouped by size tier (1-9 documents, 10-99, 100-999, ...), and
MERGE_FACTOR segments of a full tier are merged into one of the next tier, like a log-structured
merge. A commit merges no more than its `max_docs`: small for a single edit, INGEST_MERGE_MAX_DOCS
for each of an ingest's commits, so that an ingest's merging grows with the articles it adds and
its memory stays flat (merging all 198,000 articles of Reuters replicated ten times in one final
commit took 16 minutes and lifted the ingest's process tree from 556 MB to 896 MB resident).
"""

import math
from collections import defaultdict

from whoosh.reading import SegmentReader

MERGE_FACTOR = 10
# What a commit of a few articles (a save in the admin, a flush) may merge, in documents.
EDIT_MERGE_MAX_DOCS = 10_000
# What each commit of an ingest may merge: one group of ten of its checkpoints' segments (about
# 2,500 articles each: CHECKPOINT_EVERY of backend.py over two writers), and no more.
INGEST_MERGE_MAX_DOCS = 30_000


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
