"""When the index's segments are merged: by size tier, with a bound on what one commit may merge.

Every commit writes a segment, and searches slow down as segments pile up; merging them costs
time proportional to their size. Whoosh's own policy (MERGE_SMALL) may decide, on a one-article
commit, to merge the whole index, which would hold a curator's save for minutes on a large
archive. Here segments are grouped by size tier (1-9 documents, 10-99, 100-999, ...), and a tier
holding MERGE_FACTOR segments or more is merged into one, like a log-structured merge. A commit
merges no more than its `max_docs`: small for a single edit, unbounded for an ingest or a rebuild.
"""

import math
from collections import defaultdict

from whoosh.reading import SegmentReader

MERGE_FACTOR = 10
# What a commit of a few articles (a save in the admin, a flush) may merge, in documents.
EDIT_MERGE_MAX_DOCS = 10_000


def tier_of(doc_count: int) -> int:
    return int(math.log10(doc_count)) if doc_count > 0 else 0


def tiered(max_docs: int | None = None):
    """A Whoosh merge policy (`writer.commit(mergetype=...)`) merging full tiers, smallest first,
    while the documents merged stay within `max_docs` (None: no bound)."""

    def policy(writer, segments):
        tiers = defaultdict(list)
        for segment in segments:
            tiers[tier_of(segment.doc_count_all())].append(segment)
        kept, merged_docs = [], 0
        for tier in sorted(tiers):
            group = tiers[tier]
            docs = sum(segment.doc_count_all() for segment in group)
            if len(group) < MERGE_FACTOR or (max_docs is not None and merged_docs + docs > max_docs):
                kept.extend(group)
                continue
            for segment in group:
                reader = SegmentReader(writer.storage, writer.schema, segment)
                writer.add_reader(reader)
                reader.close()
            merged_docs += docs
        return kept

    return policy
