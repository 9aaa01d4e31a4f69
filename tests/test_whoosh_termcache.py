"""Term lookups remembered per segment (termcache.py) answer as Whoosh's own terms reader does,
are made once per searcher however often a search asks, and stay bounded."""

import pytest
from whoosh.reading import TermNotFound

from articles.search.types import SearchRequest
from articles.search.whoosh import index, query, termcache

pytestmark = pytest.mark.django_db

FIELDS = ("title", "body", "title_exact", "body_exact")
ABSENT = (b"zzyzx", b"", b"oil\x00")


def doc(n: int, body: str) -> index.IndexDocument:
    return index.IndexDocument(n, f"Report {n}", body, None)


@pytest.fixture
def two_segments():
    index.add_or_update([doc(n, "crude oil prices rose " * (n % 3 + 1)) for n in range(1, 200)])
    index.add_or_update([doc(n, "wheat and barley exports") for n in range(200, 230)])
    assert index.segment_count() == 2


def leaves(searcher):
    return [leaf for leaf, _ in searcher.reader().leaf_readers()]


def answers(terms, field: str, word: bytes) -> tuple:
    """Everything a query asks a terms reader about one term, exceptions included."""
    try:
        info = terms.term_info(field, word)
        described = (
            info.doc_frequency(),
            info.weight(),
            info.max_weight(),
            info.min_length(),
            info.max_length(),
        )
    except TermNotFound:
        described = "TermNotFound"
    outcomes = []
    for ask in (terms.doc_frequency, terms.frequency):
        try:
            outcomes.append(ask(field, word))
        except KeyError:
            outcomes.append("KeyError")
    return (field, word) in terms, described, *outcomes


def test_every_term_and_absent_ones_are_answered_as_whoosh_answers(two_segments):
    compared = 0
    with index.searcher() as searcher:
        for leaf in leaves(searcher):
            remembering = leaf._terms
            assert isinstance(remembering, termcache.RememberingTerms)
            own = remembering._terms
            for field in FIELDS:
                for word in [*leaf.lexicon(field), *ABSENT]:
                    expected = answers(own, field, word)
                    assert answers(remembering, field, word) == expected  # looked up
                    assert answers(remembering, field, word) == expected  # remembered
                    compared += 1
    assert compared > 40


def test_postings_through_remembered_lookups_are_the_terms_own(two_segments):
    with index.searcher() as searcher:
        for leaf in leaves(searcher):
            for word in leaf.lexicon("body"):
                remembered = leaf._terms.matcher("body", word, leaf.schema["body"].format)
                own = leaf._terms._terms.matcher("body", word, leaf.schema["body"].format)
                assert list(remembered.all_ids()) == list(own.all_ids())


def test_a_search_asked_again_looks_nothing_up(two_segments, monkeypatch):
    looked_up = []
    with index.searcher() as searcher:
        for leaf in leaves(searcher):
            own = leaf._terms._terms
            original = own.term_info
            segment = leaf.segment().segment_id()

            def spy(field, word, _original=original, _segment=segment):
                looked_up.append((_segment, field, word))
                return _original(field, word)

            monkeypatch.setattr(own, "term_info", spy)
    request = SearchRequest(q="crude OR barley OR missingword")
    first = query.search(request)
    made = len(looked_up)
    # Each word (stemmed in two fields) at most once in each of the two segments.
    assert 0 < made <= 3 * 2 * 2
    assert len(set(looked_up)) == made
    again = query.search(request)
    assert len(looked_up) == made
    assert (again.total, [h.id for h in again.hits]) == (first.total, [h.id for h in first.hits])
    assert first.total == 229


def test_what_is_remembered_is_bounded(two_segments, monkeypatch):
    monkeypatch.setattr(termcache, "LOOKUPS_KEPT", 5)
    with index.searcher() as searcher:
        terms = leaves(searcher)[0]._terms
        for n in range(50):
            assert (("body", f"absent{n}".encode()) in terms) is False
        assert len(terms._found) == 5
        assert ("body", b"crude") in terms
        assert len(terms._found) == 5
