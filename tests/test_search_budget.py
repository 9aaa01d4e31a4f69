"""Every search within its budget: fuzzy, wildcard and prefix expansion is bounded across the whole
query and named when cut, a search out of time answers with its plain words, nesting is bounded,
and every failure goes through the forgiving path (a sentence and the best results)."""

import itertools
import logging
import string
from datetime import date

import pytest

from articles.search import names, syntax
from articles.search.budget import SearchBudget
from articles.search.highlight import highlight
from articles.search.whoosh import index
from articles.search.whoosh.facets import tables_for
from articles.search.whoosh.query import SearchRequest, _Compiler, search
from tests.search_support import index_named
from tests.test_search_query import doc

pytestmark = pytest.mark.django_db

TWO_LETTERS = ["".join(p) for p in itertools.product("abc", string.ascii_lowercase)][:60]
FUZZY_60 = " ".join(f"{w}~2" for w in TWO_LETTERS)
WILDCARDS_60 = " OR ".join(f"a*{c}*?" for c in (string.ascii_lowercase * 3)[:60])
NESTED = "(" * 240 + "wheat" + ")" * 240


@pytest.fixture
def lexicon_archive():
    """Articles using many short and long words, so that broad terms expand to many words."""
    words = ["".join(p) for p in itertools.product("abcdefgh", repeat=3)]  # 512 three-letter words
    docs = [doc(i, title=f"Report {i}", body=" ".join(words[i::7]) + " wheat harvest") for i in range(7)]
    docs.append(doc(8, body="wheat", published=date(1987, 3, 1)))
    index_named(docs)
    return docs


def test_expansion_is_bounded_across_the_whole_query_and_the_cut_term_is_named(lexicon_archive, settings):
    settings.ARCHIVE_SEARCH_BUDGET = {"max_expanded_terms": 12, "max_term_expansion": 5}
    result = search(SearchRequest(q="aa* OR ab* OR ac* OR ad*"))  # 8 words each
    assert "“aa*” matches more than 5 words; only the closest 5 were searched" in result.error
    assert "“ac*” matches more than 2 words" in result.error
    assert "“ad*” was left out" in result.error
    assert result.total > 0


def test_sixty_two_letter_fuzzy_terms_are_searched_exactly_and_said_so(lexicon_archive):
    result = search(SearchRequest(q=FUZZY_60))
    assert "“aa~2”, “ab~2”, “ac~2”, “ad~2”, “ae~2” and 55 more were searched with fewer" in result.error
    assert "exactly “aa”" in result.understood
    assert highlight("aa~2 ab~2", "aa and ab, not abc") == "<mark>aa</mark> and <mark>ab</mark>, not abc"


def test_fuzzy_terms_allow_edits_by_the_length_of_their_word(lexicon_archive):
    budget = SearchBudget()
    assert [budget.fuzzy_distance(w, w, 2) for w in ("ab", "abc", "abcde", "abcdef")] == [0, 1, 1, 2]
    assert budget.fuzzy_distance("abc~1", "abc", 1) == 1


def test_sixty_fuzzy_terms_expand_within_the_budget(lexicon_archive):
    budget = SearchBudget(seconds=float("inf"))  # the count alone, whatever the machine's load
    with index.searcher() as searcher:
        compiler = _Compiler(tables_for(searcher), names.current(), budget)
        compiler.compile(syntax.parse(" ".join(f"{w}a~1" for w in TWO_LETTERS)).tree)
    assert 0 < budget.expanded <= budget.max_expanded_terms


@pytest.mark.parametrize("q", [FUZZY_60, WILDCARDS_60, NESTED, "a*a*? OR a*b*?"])
def test_a_search_out_of_time_answers_with_its_plain_words_and_says_so(lexicon_archive, settings, q):
    settings.ARCHIVE_SEARCH_BUDGET = {"seconds": 0}
    result = search(SearchRequest(q=q))
    assert "took longer than 0 s" in result.error
    assert "plain words" in result.error


def test_the_time_budget_names_the_part_that_was_running(lexicon_archive, settings):
    settings.ARCHIVE_SEARCH_BUDGET = {"seconds": 0}
    assert "(abc~2)" in search(SearchRequest(q="abc~2")).error


def test_deep_nesting_is_read_to_a_bounded_depth_without_recursion_error(lexicon_archive):
    parsed = syntax.parse(NESTED)
    assert parsed.tree == syntax.Word("wheat", 240, 245)
    assert any("nested deeper" in p for p in parsed.problems)
    result = search(SearchRequest(q=NESTED))
    assert result.total == 8
    assert "nested deeper than 10" in result.error


def test_nesting_within_the_limit_keeps_its_grouping():
    parsed = syntax.parse("(" * 10 + "a OR b" + ")" * 10 + " c")
    assert parsed.problems == []
    assert isinstance(parsed.tree, syntax.And) and isinstance(parsed.tree.children[0], syntax.Or)


def test_long_runs_of_not_are_read_without_recursion():
    assert syntax.parse("NOT " * 200 + "wheat").tree == syntax.Word("wheat", 800, 805)
    assert syntax.parse("NOT " * 199 + "wheat").tree == syntax.Not(syntax.Word("wheat", 796, 801))


def test_any_date_range_means_dated_articles_and_logs_nothing(lexicon_archive, caplog):
    with caplog.at_level(logging.WARNING):
        result = search(SearchRequest(q="date:[* to *]"))
    assert [hit.id for hit in result.hits] == [8]
    assert "dated (any date)" in result.understood
    assert result.error == ""
    assert caplog.records == []


def test_every_endpoint_answers_hostile_queries(client, lexicon_archive):
    # "NOT " * 240 stays under the 1,000 characters a query may have (urlstate.MAX_QUERY_CHARS).
    for q in (NESTED, FUZZY_60, WILDCARDS_60, "date:[* to *]", "NOT " * 240 + "x"):
        for path in ("/", "/api/search", "/feed.atom", "/export.csv", "/facets/person/"):
            response = client.get(path, {"q": q})
            assert response.status_code == 200, (path, q[:20])


def test_spelling_suggestions_stop_at_the_time_budget(lexicon_archive, settings, caplog):
    settings.ARCHIVE_SEARCH_BUDGET = {"seconds": 0}
    with caplog.at_level(logging.WARNING):
        result = search(SearchRequest(q="wheet"))
    assert (result.total, result.suggestion) == (0, "")
    assert not [r for r in caplog.records if "suggestion failed" in r.getMessage()]
    settings.ARCHIVE_SEARCH_BUDGET = {}
    assert search(SearchRequest(q="wheet")).suggestion == "wheat"
