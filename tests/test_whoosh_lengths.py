"""Field lengths read a column at a time (lengths.py) are the lengths Whoosh reads a document at a
time, in the scorer and in the writer processes that finish segments."""

import numpy as np
import pytest

from articles.search.whoosh import index, lengths
from articles.search.whoosh.query import SearchRequest, search

pytestmark = pytest.mark.django_db

FIELDS = ("title", "body", "title_exact", "body_exact", "key_terms")


def docs(first: int, count: int) -> list[index.IndexDocument]:
    return [
        index.IndexDocument(n, f"Wheat report {n}", " ".join(["wheat"] * (n % 7) + ["oil"] * n), None)
        for n in range(first, first + count)
    ]


def test_whole_columns_give_what_whoosh_gives_document_by_document():
    index.add_or_update(docs(1, 40))
    index.add_or_update([index.IndexDocument(41, "Title only", "", None)])  # no body: no length
    with index.searcher() as s:
        for leaf, offset in s.reader().leaf_readers():
            for field in FIELDS:
                whole = lengths.field_lengths(leaf._perdoc, field, default=1)
                one_by_one = [s.doc_field_length(offset + d, field, 1) for d in range(leaf.doc_count_all())]
                assert np.array_equal(whole, np.array(one_by_one, dtype=float), equal_nan=True), field


def test_segments_finished_by_writer_processes_score_as_one_writer_does(settings, tmp_path_factory):
    index.add_or_update(docs(1, 120))
    one_writer = [(h.id, h.score) for h in search(SearchRequest(q="wheat oil", page_size=50)).hits]
    settings.ARCHIVE_INDEX_DIR = tmp_path_factory.mktemp("parallel")
    index.create_if_absent()
    index.add_or_update(docs(1, 120), procs=2, multisegment=True)
    assert index.segment_count() == 2
    two_writers = [(h.id, h.score) for h in search(SearchRequest(q="wheat oil", page_size=50)).hits]
    assert two_writers == one_writer
