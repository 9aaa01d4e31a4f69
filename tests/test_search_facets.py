"""Facet counts, filters and the date histogram, checked against counts made in plain Python over
the same documents."""

import random
from collections import Counter
from datetime import date, timedelta

import pytest

from articles.search.whoosh import index
from articles.search.whoosh.query import SearchRequest, iter_ids, search
from tests.search_support import index_named
from tests.test_search_query import seed_documents

pytestmark = pytest.mark.django_db

PEOPLE = ["Ann Lee", "Bo Chen", "Cy Dorr", "Di Eve", "Ed Fry"]
TOPICS = ["Trade", "Energy", "Security", "Health"]
SOURCES = ["dawn.com", "arab.news", "reuters.com"]
WORDS = ["wheat", "oil", "tariff", "ship", "bank", "strike", "vote", "drought"]


def synthetic_documents(count=120, seed=7) -> list[index.IndexDocument]:
    rng = random.Random(seed)
    docs = []
    for number in range(1, count + 1):
        published = None if number % 9 == 0 else date(2023, 1, 1) + timedelta(days=rng.randrange(900))
        docs.append(
            index.IndexDocument(
                id=number,
                title=f"Report {number} on {rng.choice(WORDS)}",
                body=" ".join(rng.choice(WORDS) for _ in range(12)),
                published=published,
                persons=rng.sample(PEOPLE, rng.randrange(0, 3)),
                topics=rng.sample(TOPICS, rng.randrange(0, 3)),
                source=rng.choice(SOURCES),
                stamp="s",
            )
        )
    return docs


@pytest.fixture
def docs():
    docs = synthetic_documents()
    index_named(docs)
    return docs


def words_of(d) -> set[str]:
    return set(f"{d.title} {d.body}".lower().split())


def brute_force(docs, req: SearchRequest) -> list:
    """The documents `req` should return, decided in Python (queries here: one word or none)."""
    out = []
    for d in docs:
        if req.q and req.q not in words_of(d):
            continue
        if req.persons and not set(req.persons) & set(d.persons):
            continue
        if set(req.persons_not) & set(d.persons):
            continue
        if req.topics and not set(req.topics) & set(d.topics):
            continue
        if set(req.topics_not) & set(d.topics):
            continue
        if req.sources and d.source not in req.sources:
            continue
        if d.source in req.sources_not:
            continue
        if req.date_from or req.date_to:
            in_range = d.published is not None and (req.date_from or date.min) <= d.published <= (
                req.date_to or date.max
            )
            if not (in_range or (req.undated and d.published is None)):
                continue
        elif req.undated and d.published is not None:
            continue
        out.append(d)
    return out


REQUESTS = [
    SearchRequest(),
    SearchRequest(q="wheat"),
    SearchRequest(q="oil", persons=["Ann Lee"]),
    SearchRequest(persons=["Ann Lee", "Bo Chen"]),  # OR within a facet
    SearchRequest(persons=["Ann Lee"], topics=["Trade"]),  # AND across facets
    SearchRequest(q="tariff", topics=["Trade", "Energy"], sources=["dawn.com"]),
    SearchRequest(persons_not=["Cy Dorr"]),
    SearchRequest(q="ship", topics_not=["Health", "Security"], sources_not=["arab.news"]),
    SearchRequest(persons=["Di Eve"], persons_not=["Ed Fry"]),
    SearchRequest(date_from=date(2024, 1, 1), date_to=date(2024, 12, 31)),
    SearchRequest(q="bank", date_from=date(2024, 3, 1)),
    SearchRequest(date_to=date(2023, 6, 30), undated=True),
    SearchRequest(undated=True),
    SearchRequest(q="vote", date_from=date(2024, 5, 1), date_to=date(2024, 5, 31), topics=["Energy"]),
    SearchRequest(persons=["Nobody Known"]),
]


@pytest.mark.parametrize("req", REQUESTS, ids=lambda r: repr(r)[14:70])
def test_hits_and_facet_counts_equal_brute_force(docs, req):
    expected = brute_force(docs, req)
    result = search(req)
    assert result.total == len(expected)
    assert set(iter_ids(req)) == {d.id for d in expected}
    persons = Counter(p for d in expected for p in d.persons)
    topics = Counter(t for d in expected for t in d.topics)
    sources = Counter(d.source for d in expected)
    assert {f.value: f.count for f in result.facets["person"]} == persons
    assert {f.value: f.count for f in result.facets["topic"]} == topics
    assert {f.value: f.count for f in result.facets["source"]} == sources
    counts = [f.count for f in result.facets["person"]]
    assert counts == sorted(counts, reverse=True)
    assert sum(b[3] for b in result.dates.buckets) + result.dates.undated == len(expected)
    assert result.dates.undated == sum(1 for d in expected if d.published is None)


def test_seed_facets_equal_brute_force(seeds_dir):
    seeds = seed_documents(seeds_dir)
    index_named(seeds)
    result = search(SearchRequest(q="pakistan"))
    matching = [d for d in seeds if d.id in set(iter_ids(SearchRequest(q="pakistan")))]
    assert {f.value: f.count for f in result.facets["person"]} == Counter(
        p for d in matching for p in d.persons
    )
    assert {f.value: f.count for f in result.facets["source"]} == Counter(d.source for d in matching)


def test_histogram_by_year_by_default(docs):
    dates = search(SearchRequest()).dates
    assert dates.level == "year"
    assert [b[0] for b in dates.buckets] == ["2023", "2024", "2025"]
    by_year = Counter(d.published.year for d in docs if d.published)
    assert [b[3] for b in dates.buckets] == [by_year[2023], by_year[2024], by_year[2025]]
    assert dates.buckets[0][1:3] == (date(2023, 1, 1), date(2023, 12, 31))
    assert dates.undated == sum(1 for d in docs if d.published is None)


def test_histogram_by_month_within_one_year(docs):
    dates = search(SearchRequest(date_from=date(2024, 1, 1), date_to=date(2024, 12, 31))).dates
    assert dates.level == "month"
    by_month = Counter(d.published.month for d in docs if d.published and d.published.year == 2024)
    nonempty = {b[1].month: b[3] for b in dates.buckets if b[3]}
    assert nonempty == dict(by_month)
    february = next(b for b in dates.buckets if b[0] == "2024-02")
    assert february[1:3] == (date(2024, 2, 1), date(2024, 2, 29))
    assert dates.undated == 0


def test_histogram_by_day_within_one_month(docs):
    req = SearchRequest(date_from=date(2024, 5, 1), date_to=date(2024, 5, 31))
    dates = search(req).dates
    in_may = [d for d in docs if d.published and (d.published.year, d.published.month) == (2024, 5)]
    assert in_may
    assert dates.level == "day"
    assert {b[1]: b[3] for b in dates.buckets if b[3]} == Counter(d.published for d in in_may)
    days = [b[1] for b in dates.buckets]
    assert days == [days[0] + timedelta(n) for n in range(len(days))]  # no gaps


def test_histogram_follows_the_query(docs):
    expected = Counter(d.published.year for d in docs if d.published and "drought" in words_of(d))
    dates = search(SearchRequest(q="drought")).dates
    assert {int(b[0]): b[3] for b in dates.buckets if b[3]} == expected


def test_undated_only_and_no_dates_at_all():
    index_named([index.IndexDocument(1, "A", "wheat", None, [], [], "", "s")])
    result = search(SearchRequest(q="wheat"))
    assert result.dates.buckets == [] and result.dates.undated == 1
    assert search(SearchRequest(q="wheat", date_from=date(2020, 1, 1))).total == 0
    assert search(SearchRequest(q="wheat", date_from=date(2020, 1, 1), undated=True)).total == 1


def test_tables_line_up_across_segments_and_deletions():
    docs = synthetic_documents(count=150, seed=11)
    index_named(docs[:60])
    index_named(docs[60:], procs=2, multisegment=True)  # more segments
    index.remove([d.id for d in docs[::10]])
    with index.searcher() as searcher:
        assert len(searcher.reader().leaf_readers()) > 1
    live = [d for d in docs if d.id not in {x.id for x in docs[::10]}]
    for req in (SearchRequest(), SearchRequest(q="oil", persons=["Bo Chen"]), SearchRequest(sort="oldest")):
        expected = brute_force(live, req)
        result = search(SearchRequest(**{**vars(req), "page_size": 200}))
        assert {h.id for h in result.hits} == {d.id for d in expected}
        assert {f.value: f.count for f in result.facets["topic"]} == Counter(
            t for d in expected for t in d.topics
        )
    published = {d.id: d.published for d in live}
    order = [published[h.id] for h in search(SearchRequest(sort="oldest", page_size=200)).hits]
    dated = sum(1 for p in order if p is not None)
    assert order[:dated] == sorted(p for p in published.values() if p is not None)
    assert order[dated:] == [None] * (len(order) - dated)
