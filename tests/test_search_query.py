"""The query syntax, ranking, sorting and paging of articles.search, on the seed articles and on
small synthetic sets."""

import re
from datetime import UTC, date, datetime

import pytest

from articles.search.highlight import highlight
from articles.search.whoosh import index
from articles.search.whoosh.query import SearchRequest, iter_ids, more_like_this, search
from tests.search_support import index_named

pytestmark = pytest.mark.django_db

KNOWN_PEOPLE = ("Ishaq Dar", "Marco Rubio", "Donald Trump", "Asim Munir", "Muhammad Aurangzeb")
HEADER_DATE = re.compile(r"^\s*date (\d{4})-(\d\d)-(\d\d)\s")


def seed_documents(seeds_dir) -> list[index.IndexDocument]:
    """The seeds as the ingest would roughly hand them over: first line as title, a header date when
    the file has one, the known people it names, topics and a source derived from the text."""
    docs = []
    for number, path in enumerate(sorted(seeds_dir.glob("*.txt")), start=1):
        text = path.read_text(encoding="utf-8")
        header = HEADER_DATE.match(text)
        lines = [line.strip() for line in text.splitlines() if line.strip()]
        topics = [name for name, word in (("Trade", "trade"), ("Security", "terror")) if word in text.lower()]
        url = re.search(r"https?://([\w.]+)", text)
        docs.append(
            index.IndexDocument(
                id=number,
                title=lines[0][:200],
                body="\n".join(lines[1:]),
                published=date(*map(int, header.groups())) if header else None,
                persons=[name for name in KNOWN_PEOPLE if name in text],
                topics=topics,
                source=url.group(1) if url else "unknown",
                stamp=f"stamp-{number}",
            )
        )
    return docs


def doc(id, title="", body="", published=None, persons=(), topics=(), source="", added=None):
    return index.IndexDocument(
        id, title, body, published, list(persons), list(topics), source, f"s{id}", added
    )


def ids_for(q="", **kwargs) -> list[int]:
    return [hit.id for hit in search(SearchRequest(q=q, page_size=200, **kwargs)).hits]


def texts_containing(docs, *words) -> set[int]:
    return {d.id for d in docs if all(w in f"{d.title} {d.body}".lower() for w in words)}


@pytest.fixture
def seeds(seeds_dir):
    docs = seed_documents(seeds_dir)
    index_named(docs)
    return docs


@pytest.fixture
def ships():
    docs = [
        doc(1, body="The ship sailed at dawn."),
        doc(2, body="Shipping rates rose sharply."),
        doc(3, body="The cargo was shipped on Monday."),
        doc(4, body="A shipper complained about delays."),
        doc(5, body="Two ships collided."),
        doc(6, body="Nothing about boats here."),
    ]
    index_named(docs)
    return docs


def test_plain_word_finds_every_word_form(ships):
    assert set(ids_for("ship")) == {1, 2, 3, 5}
    assert set(ids_for("shipping")) == {1, 2, 3, 5}


def test_quoted_word_matches_only_that_form(ships):
    assert ids_for('"shipping"') == [2]
    assert ids_for('"ships"') == [5]


def test_singular_finds_plural_on_the_seeds(seeds):
    with_plural = texts_containing(seeds, "tariffs")
    assert with_plural
    assert set(ids_for("tariff")) == texts_containing(seeds, "tariff")
    assert set(ids_for("tariff")) >= with_plural


def test_phrase_is_exact_and_adjacent():
    index_named(
        [
            doc(1, body="They signed a trade deal in July."),
            doc(2, body="The deal covers trade in minerals."),
            doc(3, body="Trade deals were discussed."),
        ]
    )
    assert ids_for('"trade deal"') == [1]
    assert set(ids_for("trade deal")) == {1, 2, 3}


def test_words_are_all_required_and_or_widens(seeds):
    both = texts_containing(seeds, "mineral", "counterterrorism")
    assert set(ids_for("minerals counterterrorism")) == both
    either = texts_containing(seeds, "mineral") | texts_containing(seeds, "counterterrorism")
    assert set(ids_for("minerals OR counterterrorism")) == either
    assert len(either) > len(both)


@pytest.mark.parametrize("q", ["-india", "NOT india", "pakistan -india", "pakistan NOT india"])
def test_exclusion(seeds, q):
    assert set(ids_for(q)) == {d.id for d in seeds} - texts_containing(seeds, "india")


def test_parentheses_group(seeds):
    expected = (texts_containing(seeds, "mineral") | texts_containing(seeds, "oil")) & texts_containing(
        seeds, "trump"
    )
    assert set(ids_for("(minerals OR oil) trump")) == expected


def test_title_field_and_title_weight():
    index_named(
        [
            doc(1, title="Markets", body="Grain prices and the tariff on steel were discussed today."),
            doc(
                2,
                title="Tariff talks resume",
                body="Grain prices and the levy on steel were discussed today.",
            ),
        ]
    )
    assert ids_for("title:tariff") == [2]
    assert ids_for("tariff") == [2, 1]


def test_person_field_ignores_case_and_accepts_part_of_a_name(seeds):
    with_dar = {d.id for d in seeds if "Ishaq Dar" in d.persons}
    assert set(ids_for('person:"Ishaq Dar"')) == with_dar
    assert set(ids_for('person:"ishaq dar"')) == with_dar
    assert set(ids_for("person:dar")) == with_dar
    result = search(SearchRequest(q="person:nobody"))
    assert result.total == 0
    assert "no such person" in result.understood


def test_a_term_that_matches_nothing_makes_its_and_match_nothing(seeds):
    assert ids_for("pakistan")
    for q in ("pakistan person:nobody", "pakistan xqzvwk~1", "pakistan xqzv*", "pakistan xq?zv"):
        assert ids_for(q) == [], q


def test_topic_and_source_fields(seeds):
    assert set(ids_for("topic:trade")) == {d.id for d in seeds if "Trade" in d.topics}
    source = seeds[-1].source
    assert set(ids_for(f"source:{source}")) == {d.id for d in seeds if d.source == source}


def test_prefix_and_fuzzy_terms(seeds):
    assert set(ids_for("tarif*")) == texts_containing(seeds, "tarif")
    assert set(ids_for("rubbio~")) == texts_containing(seeds, "rubio")
    assert ids_for("rubbio") == []


def test_date_in_the_query(seeds):
    dated = {d.id: d.published for d in seeds if d.published}
    assert dated, "some seeds carry a header date"
    month = next(iter(dated.values()))
    expected = {i for i, p in dated.items() if (p.year, p.month) == (month.year, month.month)}
    assert set(ids_for(f"date:{month:%Y-%m}")) == expected
    assert set(ids_for(f"date:[{month.isoformat()} to {month.isoformat()}]")) == {
        i for i, p in dated.items() if p == month
    }
    assert set(ids_for("date:[1900-01-01 to 1900-12-31]")) == set()


def test_understood_reads_the_query_in_plain_words(seeds):
    result = search(SearchRequest(q='tariff "trade deal" -india person:"Ishaq Dar"'))
    assert result.understood == (
        "articles containing all of: tariff (and word forms), the exact phrase “trade deal”, "
        "not: india (and word forms); person is Ishaq Dar"
    )
    assert result.error == ""


def test_empty_query_with_filters_lists_newest_first():
    index_named(
        [
            doc(1, body="a", published=date(2024, 1, 5), persons=["Ann Lee"]),
            doc(2, body="b", published=date(2025, 3, 1), persons=["Ann Lee"]),
            doc(3, body="c", persons=["Ann Lee"]),
            doc(4, body="d", published=date(2025, 6, 1), persons=["Bo Chen"]),
        ]
    )
    result = search(SearchRequest(persons=["Ann Lee"]))
    assert [h.id for h in result.hits] == [2, 1, 3]
    assert result.sort == "newest"
    assert result.total == 3


ADDED = [datetime(2026, 1, d, tzinfo=UTC) for d in (5, 1, 3, 9, 2)]


@pytest.mark.parametrize(
    "sort, expected",
    [
        # Undated articles by the day they were added (5: added 2026-01-02, after every date).
        ("newest", [5, 3, 1, 2, 4]),
        ("oldest", [2, 1, 3, 5, 4]),
        ("added", [1, 3, 5, 2, 4]),
    ],
)
def test_date_sorts_place_undated_articles_by_the_day_they_were_added(sort, expected):
    dates = {1: date(2024, 5, 1), 2: date(2023, 1, 1), 3: date(2025, 2, 2)}
    added = {1: ADDED[0], 2: ADDED[1], 3: ADDED[2], 5: ADDED[4]}  # 4: never added (an older index)
    index_named([doc(i, body="wheat", published=dates.get(i), added=added.get(i)) for i in range(1, 6)])
    assert ids_for("wheat", sort=sort) == expected


def test_paging_gives_exact_totals_and_disjoint_pages():
    index_named([doc(i, body=f"grain report number {i} " + "grain " * (i % 7)) for i in range(1, 48)])
    everything = list(iter_ids(SearchRequest(q="grain")))
    pages = [search(SearchRequest(q="grain", page=p, page_size=20)) for p in (1, 2, 3, 4)]
    assert all(page.total == 47 for page in pages)
    assert pages[0].pages == 3
    assert [h.id for page in pages for h in page.hits] == everything
    assert pages[3].hits == []
    assert len(set(everything)) == 47


def test_tied_scores_page_in_one_stable_order():
    # Twenty identical articles score alike, so only the tie-break decides which page each lands
    # on; five better ones, indexed last, come first.
    tied = [doc(i, body="wheat harvest") for i in range(1, 21)]
    better = [doc(i, body="wheat wheat harvest") for i in range(21, 26)]
    index_named([*tied, *better, doc(99, body="barley")])
    everything = list(iter_ids(SearchRequest(q="wheat")))
    pages = [search(SearchRequest(q="wheat", page=p, page_size=10)) for p in (1, 2, 3)]
    assert [h.id for page in pages for h in page.hits] == everything
    assert set(everything[:5]) == {21, 22, 23, 24, 25}
    assert sorted(everything) == list(range(1, 26))


def test_iter_ids_follows_the_sort_and_filters(seeds):
    request = SearchRequest(q="pakistan", sort="newest", persons=["Ishaq Dar"])
    assert list(iter_ids(request)) == ids_for("pakistan", sort="newest", persons=["Ishaq Dar"])


def test_suggestion_for_a_misspelling(seeds):
    result = search(SearchRequest(q="tarrifs"))
    assert result.total == 0
    assert result.suggestion == "tariffs"
    assert search(SearchRequest(q=result.suggestion)).total > 0
    assert search(SearchRequest(q="pakistan")).suggestion == ""


@pytest.fixture
def airline_news():
    docs = [
        doc(1, body="Ryanair ordered jets from Boeing."),
        doc(2, body="The tariff on steel rose."),
        doc(3, body="Tariq spoke about the weather."),
        *[doc(i, body=f"Being here, the minister said, is part {i} of the story.") for i in range(4, 12)],
        doc(12, body="Ryanair is being sold, being told."),
        *[doc(i, body=f"Tariq and Tarik went to Lahore, part {i}.") for i in range(13, 20)],
        *[doc(i, body=f"Ryanair flights were cancelled, part {i}.") for i in range(20, 24)],
    ]
    index_named(docs)


def test_did_you_mean_never_offers_a_spelling_that_finds_less(airline_news):
    # "tariff india" finds nothing; "tariq india" would find nothing either: no suggestion.
    assert search(SearchRequest(q="tariff india")).suggestion == ""
    # A query with a hit keeps the words the index knows, though "being" is far more common.
    result = search(SearchRequest(q="ryanair boeing"))
    assert result.total == 1
    assert result.suggestion == ""


def test_did_you_mean_offers_a_spelling_that_finds_more(airline_news):
    result = search(SearchRequest(q="ryanaer"))
    assert result.total == 0
    assert result.suggestion == "ryanair"
    assert search(SearchRequest(q=result.suggestion)).total > result.total


def test_accents_are_forgiven_but_phrases_stay_exact_about_word_forms():
    index_named(
        [
            doc(1, body="Amélie Durand flew to São Paulo on Monday."),
            doc(2, body="Sao Paulo traffic was heavy."),
            doc(3, body="The São Paulos of this world."),
            doc(4, body="Nothing here."),
        ]
    )
    assert set(ids_for("amelie")) == {1}
    assert set(ids_for("AMÉLIE")) == {1}
    assert set(ids_for('"sao paulo"')) == {1, 2}  # not 3: "paulos" is another word form
    assert set(ids_for('"são paulo"')) == {1, 2}
    assert set(ids_for("amel*")) == {1}
    assert set(ids_for("amelia~")) == {1}
    for q in ("amelie", '"sao paulo"'):
        marked = highlight(q, "Amélie Durand flew to São Paulo.")
        assert "<mark>" in marked
    assert highlight("amelie", "Amélie Durand") == "<mark>Amélie</mark> Durand"
    assert highlight('"sao paulo"', "to São Paulo.") == "to <mark>São Paulo</mark>."


MALFORMED = [
    '"trade deal',
    "(tariff OR duty",
    "tariff)",
    "NOT",
    "tariff OR",
    "person:",
    'person: "Ishaq Dar"',
    "date:2025-13",
    "date:[2025-01-01 to soon]",
    "nosuchfield:value",
    "tariff " * 400,
    "\x00\x01\x02\xff binary \ufffd junk",
    b"\x89PNG\r\n\x1a\n\x00\x00",
    "*",
    "*ariffs",
    "t*",
    "~",
    "((((",
    '"""',
    "-",
    "title:",
    "a" * 2000,
]


@pytest.mark.parametrize("q", MALFORMED, ids=lambda q: repr(q)[:30])
def test_malformed_query_gives_a_message_and_results_not_an_exception(seeds, q):
    result = search(SearchRequest(q=q))
    assert result.error
    assert result.error.endswith(".")
    assert result.total >= 0


@pytest.mark.parametrize("q", ["@#$%^&", "a AND AND b", "tariff:", "::", "”curly quotes“"])
def test_odd_queries_never_raise(seeds, q):
    search(SearchRequest(q=q))
    list(iter_ids(SearchRequest(q=q)))


def test_a_query_whoosh_rejects_is_searched_as_words(seeds, monkeypatch):
    from articles.search.whoosh import query

    real_collect = query._collect
    calls = []

    def failing_once(*args, **kwargs):
        calls.append(1)
        if len(calls) == 1:
            raise ValueError("too many terms")
        return real_collect(*args, **kwargs)

    monkeypatch.setattr(query, "_collect", failing_once)
    result = search(SearchRequest(q="tarif* pakistan"))
    assert "searched instead" in result.error
    assert (
        result.understood == "articles containing all of: tarif (and word forms), pakistan (and word forms)"
    )


def test_more_like_this_finds_related_articles(seeds):
    index_named([doc(99, title="Cricket", body="The cricket match ended in a draw at Lord's ground.")])
    similar = more_like_this(1, limit=3)
    assert 1 not in similar
    assert 99 not in similar
    assert len(similar) == 3
    assert more_like_this(12345) == []


@pytest.mark.parametrize("q", ["", "-barley", "date:[2020-01-01 to *]", "person:lee"])
def test_queries_without_words_to_rank_list_newest_first(q):
    index_named(
        [
            doc(1, body="wheat", published=date(2024, 1, 5), persons=["Ann Lee"]),
            doc(2, body="wheat", published=date(2025, 3, 1), persons=["Ann Lee"]),
            doc(3, body="wheat", published=date(2021, 3, 1), persons=["Ann Lee"]),
        ]
    )
    result = search(SearchRequest(q=q))
    assert [h.id for h in result.hits] == [2, 1, 3]
    assert result.sort == "newest"


@pytest.mark.parametrize(
    "page, page_size, expected_page, expected_hits",
    [("x", None, 1, 5), (-3, 0, 1, 1), (10**9, 10**9, 100_000, 0), ("2", "1", 2, 1)],
)
def test_odd_paging_values_are_bounded(seeds, page, page_size, expected_page, expected_hits):
    result = search(SearchRequest(q="pakistan", page=page, page_size=page_size))
    assert result.total == len(seeds)
    assert (result.page, len(result.hits)) == (expected_page, expected_hits)


def test_each_hit_carries_its_own_people_topics_and_source():
    index_named(
        [
            doc(1, "Wheat talks", "wheat", None, ["Zia Khan", "Ann Lee"], ["Trade", "Grain"], "reuters.com"),
            doc(2, "Wheat prices", "wheat wheat", persons=["Bo Chan"]),
            doc(3, "Oil", "oil", persons=["Cy Doe"], topics=["Energy"], source="dawn.com"),
        ]
    )
    hits = {hit.id: hit for hit in search(SearchRequest(q="wheat")).hits}
    assert (hits[1].persons, hits[1].topics, hits[1].source) == (
        ["Ann Lee", "Zia Khan"],
        ["Grain", "Trade"],
        "reuters.com",
    )
    assert (hits[2].persons, hits[2].topics, hits[2].source) == (["Bo Chan"], [], "")
    assert set(hits) == {1, 2}
