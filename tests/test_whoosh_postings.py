"""Posting lists read whole (postings.py) are what Whoosh's own matcher reads a posting at a time:
the same ids and weights, from a fresh matcher and from one already moved into its list."""

import random

import numpy as np
import pytest
from hypothesis import HealthCheck, given
from hypothesis import settings as examples
from hypothesis import strategies as st
from whoosh.matching import FilterMatcher

from articles.search.whoosh import index, postings

pytestmark = pytest.mark.django_db

WORDS = ("oil", "wheat", "barley", "crude", "tanker")
FIELDS = ("body", "body_exact", "title_exact")
WHOOSH_BLOCK = 128  # postings per block (W3Codec's blocklimit)


def walked(matcher) -> tuple[list[int], list[float]]:
    ids, weights = [], []
    while matcher.is_active():
        ids.append(matcher.id())
        weights.append(matcher.weight())
        matcher.next()
    return ids, weights


def documents(seed: int, count: int) -> list[index.IndexDocument]:
    """Bodies of varied word counts: blocks of weight 1 only, of one repeated weight, and mixed."""
    rng = random.Random(seed)
    docs = []
    for n in range(1, count + 1):
        body = " ".join(w for w in WORDS for _ in range(rng.choice((0, 1, 1, 2, 5))))
        docs.append(index.IndexDocument(n, f"Report {n} {rng.choice(WORDS)}", body or "nothing", None))
    return docs


def raw(leaf, field: str, word: str):
    """The term's own matcher: without the filter Whoosh puts around it for deleted documents."""
    matcher = leaf.postings(field, word)
    return matcher.child if isinstance(matcher, FilterMatcher) else matcher


def assert_read_as_whoosh_reads() -> tuple[int, int]:
    """Compare every posting list of the index; returns the postings compared and the longest list."""
    compared = longest = 0
    with index.searcher() as searcher:
        for leaf, _ in searcher.reader().leaf_readers():
            for field in FIELDS:
                for word in leaf.lexicon(field):
                    word = word.decode() if isinstance(word, bytes) else word
                    expected = walked(raw(leaf, field, word))
                    ids, weights = postings.remaining(raw(leaf, field, word))
                    assert (ids.tolist(), weights.tolist()) == expected, (field, word)
                    # From the middle of the list, as an intersection leaves a matcher.
                    if len(expected[0]) > 2:
                        middle = expected[0][len(expected[0]) * 2 // 3]
                        moved = raw(leaf, field, word)
                        moved.skip_to(middle)
                        rest = walked(raw(leaf, field, word))
                        start = rest[0].index(middle)
                        ids, weights = postings.remaining(moved)
                        assert (ids.tolist(), weights.tolist()) == (rest[0][start:], rest[1][start:])
                        assert not moved.is_active()  # consumed
                    compared += len(expected[0])
                    longest = max(longest, len(expected[0]))
    return compared, longest


def test_long_lists_of_many_blocks_read_as_whoosh_reads_them():
    index.add_or_update(documents(seed=1, count=700))  # "oil" and others: several blocks of 128
    index.add_or_update(documents(seed=2, count=300)[::3])  # a second segment
    assert index.segment_count() == 2
    compared, longest = assert_read_as_whoosh_reads()
    assert compared > 2000 and longest > 3 * WHOOSH_BLOCK


@examples(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(seed=st.integers(0, 10**6), count=st.integers(1, 400))
def test_any_index_reads_as_whoosh_reads_it(seed, count, tmp_path_factory, settings):
    settings.ARCHIVE_INDEX_DIR = tmp_path_factory.mktemp("postings")
    index.create_if_absent()
    index.add_or_update(documents(seed, count))
    assert assert_read_as_whoosh_reads()[0] > 0


def test_an_exhausted_matcher_reads_nothing():
    index.add_or_update(documents(seed=3, count=5))
    with index.searcher() as searcher:
        leaf = searcher.reader().leaf_readers()[0][0]
        word = next(iter(leaf.lexicon("body_exact"))).decode()
        matcher = raw(leaf, "body_exact", word)
        walked(matcher)
        ids, weights = postings.remaining(matcher)
        assert len(ids) == len(weights) == 0 and ids.dtype == np.int64
