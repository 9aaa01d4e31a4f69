"""One contract for every search backend: the same real articles in the database, the same
requests, the same answers. Each test runs once per backend ("whoosh" always; "postgres" when the
test database is PostgreSQL), switched with the ARCHIVE_SEARCH_BACKEND setting.

What a search must find is worked out here from the articles' own text with analysis.py (the
words and stems every backend indexes): a backend's answer is compared with that, never with
another backend's.
"""

import hashlib
import json
import re
from collections import Counter
from datetime import date

import pytest
from django.db import connection
from django.db.models import Max, Min
from rapidfuzz.distance import Levenshtein

from articles import indexing
from articles.ingest_run import ingest_paths
from articles.models import Article, Person, PersonLink, Source, Topic, TopicLink
from articles.search import backend
from articles.search.analysis import EXACT, STEMMED
from articles.search.types import SUGGEST_BELOW, SearchRequest
from bench.reuters import iter_reuters
from tests.search_support import person_ids, source_id, topic_ids

pytestmark = pytest.mark.django_db

BACKENDS = ("whoosh", "postgres")
REUTERS_COUNT = 400
UNDATED_EVERY = 40  # every 40th Reuters article is stored without its date


@pytest.fixture(params=BACKENDS)
def search_backend(request, settings):
    """The backend under test, with its empty index (tables) made as `migrate` makes them."""
    if request.param == "postgres" and connection.vendor != "postgresql":
        pytest.skip("the postgres backend needs a PostgreSQL test database: set DATABASE_URL=postgres://...")
    settings.ARCHIVE_SEARCH_BACKEND = request.param
    found = backend()
    found.create_if_absent()
    return found


# --- the archives -------------------------------------------------------------------------------


def store(title, body, published=None, persons=(), topics=(), source="", index=True) -> Article:
    """An article in the database (people, topics and source by name), indexed unless told not."""
    article = Article.objects.create(
        title=title,
        body=body,
        published=published,
        origin=f"test/{title}",
        content_hash=hashlib.sha256(f"{title}|{body}|{published}".encode()).hexdigest(),
        source_id=source_id(source),
    )
    PersonLink.objects.bulk_create(PersonLink(article=article, person_id=i) for i in person_ids(persons))
    TopicLink.objects.bulk_create(TopicLink(article=article, topic_id=i) for i in topic_ids(topics))
    if index:
        indexing.index_now([article.pk])
    return article


@pytest.fixture
def reuters(search_backend, reuters_dir):
    """The first REUTERS_COUNT Reuters-21578 articles with a body, with their PEOPLE and TOPICS tags
    as people and topics, every UNDATED_EVERY-th without its date, indexed batch by batch."""
    sources = {"reuters": Source.objects.create(domain="reuters.com", name="Reuters").pk}
    articles, links = [], []
    for n, item in enumerate(a for a in iter_reuters(reuters_dir) if a.body.strip()):
        if n == REUTERS_COUNT:
            break
        articles.append(
            Article(
                title=item.title or "(untitled)",
                body=item.body,
                published=None if n % UNDATED_EVERY == 7 else item.date.date(),
                origin=f"reuters-{item.newid}",
                content_hash=f"reuters-{item.newid}",
                source_id=sources["reuters"] if n % 3 else None,
            )
        )
        links.append((item.people, item.topics))
    Article.objects.bulk_create(articles)
    for article, (people, topics) in zip(articles, links, strict=True):
        PersonLink.objects.bulk_create(PersonLink(article=article, person_id=i) for i in person_ids(people))
        TopicLink.objects.bulk_create(TopicLink(article=article, topic_id=i) for i in topic_ids(topics))
    assert indexing.flush_pending() == len(articles)
    return Corpus()


class Corpus:
    """The stored articles as analysis.py reads them: what each query must find."""

    def __init__(self):
        self.articles = {a.pk: a for a in Article.objects.with_links()}
        self.title = {pk: [t.text for t in EXACT(a.title)] for pk, a in self.articles.items()}
        self.body = {pk: [t.text for t in EXACT(a.body)] for pk, a in self.articles.items()}
        self.stems = {
            pk: {t.text for t in STEMMED(a.title)} | {t.text for t in STEMMED(a.body)}
            for pk, a in self.articles.items()
        }
        self.lexicon = sorted({w for words in (*self.title.values(), *self.body.values()) for w in words})

    def word(self, text: str, title_only: bool = False) -> set[int]:
        (stem,) = [t.text for t in STEMMED(text)]
        if title_only:
            return {pk for pk, a in self.articles.items() if stem in {t.text for t in STEMMED(a.title)}}
        return {pk for pk, stems in self.stems.items() if stem in stems}

    def phrase(self, text: str) -> set[int]:
        words = [t.text for t in EXACT(text)]

        def holds(seq):
            return any(seq[i : i + len(words)] == words for i in range(len(seq)))

        return {pk for pk in self.articles if holds(self.title[pk]) or holds(self.body[pk])}

    def any_word(self, words) -> set[int]:
        words = set(words)
        return {pk for pk in self.articles if words & set(self.title[pk] + self.body[pk])}

    def every(self) -> set[int]:
        return set(self.articles)

    def facet_counts(self, ids: set[int]) -> dict[str, list[tuple[str, int]]]:
        counted = {"person": Counter(), "topic": Counter(), "source": Counter()}
        for pk in ids:
            a = self.articles[pk]
            counted["person"].update({p.name for p in a.persons.all()})
            counted["topic"].update({t.name for t in a.topics.all()})
            if a.source is not None:
                counted["source"][str(a.source)] += 1
        return {
            facet: sorted(counts.items(), key=lambda item: (-item[1], item[0].casefold()))
            for facet, counts in counted.items()
        }


def ids_of(q: str, **filters) -> set[int]:
    found = list(backend().iter_ids(SearchRequest(q=q, **filters)))
    assert len(found) == len(set(found)), q
    return set(found)


def facets_of(result) -> dict[str, list[tuple[str, int]]]:
    return {facet: [(c.value, c.count) for c in counts] for facet, counts in result.facets.items()}


# --- what queries find --------------------------------------------------------------------------


@pytest.mark.corpus
def test_words_find_every_article_holding_a_form_of_them_with_exact_totals(reuters):
    for word in ("oil", "prices", "shipping", "company", "said", "over", "under", "now", "dlrs"):
        expected = reuters.word(word)
        assert expected, word
        result = backend().search(SearchRequest(q=word))
        assert (result.total, ids_of(word)) == (len(expected), expected), word
        assert result.understood == f"articles containing {word} (and word forms)"
    assert backend().search(SearchRequest(q="the")).total == len(reuters.every())  # only a stop word


@pytest.mark.corpus
def test_phrases_booleans_and_the_title_field(reuters):
    oil, gas, prices = reuters.word("oil"), reuters.word("gas"), reuters.word("prices")
    cases = {
        '"oil prices"': reuters.phrase("oil prices"),
        '"the company said"': reuters.phrase("the company said"),
        "oil gas": oil & gas,
        "oil AND gas": oil & gas,
        "oil OR gas": oil | gas,
        "oil -gas": oil - gas,
        "oil NOT gas": oil - gas,
        "-oil": reuters.every() - oil,
        "(oil OR gas) prices": (oil | gas) & prices,
        "oil OR (gas -prices)": oil | (gas - prices),
        "title:oil": reuters.word("oil", title_only=True),
        "title:oil -title:prices": reuters.word("oil", True) - reuters.word("prices", True),
    }
    for q, expected in cases.items():
        assert expected, q
        assert ids_of(q) == expected, q
        assert backend().search(SearchRequest(q=q)).total == len(expected), q
    assert backend().search(SearchRequest(q='"oil prices"')).understood == (
        "articles containing the exact phrase “oil prices”"
    )


@pytest.mark.corpus
def test_wildcards_prefixes_and_fuzzy_terms_expand_to_the_words_of_the_archive(reuters):
    def matching(pattern):
        regex = re.compile(pattern.replace("*", ".*").replace("?", "."))
        return [w for w in reuters.lexicon if regex.fullmatch(w)]

    def within(word, distance):
        return [w for w in reuters.lexicon if w[:1] == word[:1] and Levenshtein.distance(w, word) <= distance]

    for q, words in {
        "pric*": matching("pric*"),
        "ship*": matching("ship*"),
        "wh?at": matching("wh?at"),
        "c?mp*y": matching("c?mp*y"),
        "opec~1": within("opec", 1),
        "intrest~1": within("intrest", 1),
        "shiping~2": within("shiping", 2),
    }.items():
        assert words, q
        assert ids_of(q) == reuters.any_word(words), q
    result = backend().search(SearchRequest(q="intrest~1"))
    assert result.understood == "articles containing intrest or a spelling within 1 letter"
    assert ids_of("zzzzq*") == set()


@pytest.mark.corpus
def test_facet_counts_are_exact_over_every_match_and_named(reuters):
    for q in ("", "oil", "said", "trade OR tariff"):
        result = backend().search(SearchRequest(q=q, page_size=5))
        expected = reuters.facet_counts(ids_of(q))
        assert facets_of(result) == expected, q
        assert result.total == len(ids_of(q))
    page = backend().search(SearchRequest(q="oil")).hits
    for hit in page:
        article = reuters.articles[hit.id]
        assert hit.persons == sorted({p.name for p in article.persons.all()})
        assert hit.topics == sorted({t.name for t in article.topics.all()})
        assert hit.source == (str(article.source) if article.source else "")


@pytest.mark.corpus
def test_filters_and_field_queries_by_person_topic_source_and_date(reuters):
    topic = Topic.objects.filter(articles__isnull=False).annotate().order_by("name").first()
    with_topic = {pk for pk, a in reuters.articles.items() if topic in a.topics.all()}
    crude = {pk for pk, a in reuters.articles.items() if "crude" in {t.name for t in a.topics.all()}}
    sourced = {pk for pk, a in reuters.articles.items() if a.source_id}
    oil = reuters.word("oil")
    assert ids_of("", topics=[topic.name]) == with_topic
    assert ids_of(f"topic:{topic.name}") == with_topic
    assert ids_of("oil", topics=["crude"]) == oil & crude
    assert ids_of("oil", topics_not=["crude"]) == oil - crude
    assert ids_of("oil", sources=["Reuters"]) == oil & sourced
    assert ids_of("oil", sources=["reuters.com"]) == oil & sourced  # a source by its domain
    assert ids_of("oil", sources_not=["Reuters"]) == oil - sourced
    assert ids_of("", topics=["no such topic"]) == set()
    assert ids_of("topic:nosuchtopic") == set()
    assert "no such topic in the archive" in backend().search(SearchRequest(q="topic:nosuchtopic")).understood

    dated = {pk: a.published for pk, a in reuters.articles.items() if a.published}
    undated = reuters.every() - set(dated)
    days = sorted(set(dated.values()))
    low, high = days[1], days[-1]  # all but the first day
    in_range = {pk for pk, d in dated.items() if low <= d <= high}
    assert undated and in_range
    assert ids_of("", date_from=low, date_to=high) == in_range
    assert ids_of("", date_from=low, date_to=high, undated=True) == in_range | undated
    assert ids_of("", undated=True) == undated
    assert ids_of(f"date:[{low} to {high}]") == in_range
    assert ids_of("date:[* to *]") == set(dated)
    month = f"{low:%Y-%m}"
    assert ids_of(f"date:{month}") == {pk for pk, d in dated.items() if f"{d:%Y-%m}" == month}
    assert ids_of(f"oil date:{low}") == oil & {pk for pk, d in dated.items() if d == low}


@pytest.mark.corpus
def test_the_date_histogram_counts_every_dated_match_by_year_month_or_day(reuters):
    result = backend().search(SearchRequest(q="oil"))
    oil = reuters.word("oil")
    days = Counter(reuters.articles[pk].published for pk in oil if reuters.articles[pk].published)
    span = Article.objects.filter(pk__in=oil).aggregate(first=Min("published"), last=Max("published"))
    expected_level = (
        "day"
        if (span["first"].year, span["first"].month) == (span["last"].year, span["last"].month)
        else "month"
    )
    assert result.dates.level == expected_level
    assert sum(b[3] for b in result.dates.buckets) == sum(days.values())
    assert result.dates.undated == len(oil) - sum(days.values())
    for label, start, end, count in result.dates.buckets:
        assert count == sum(n for d, n in days.items() if start <= d <= end), label
    first = min(days)
    one_month = backend().search(
        SearchRequest(q="oil", date_from=first.replace(day=1), date_to=first.replace(day=28))
    )
    assert one_month.dates.level == "day"


@pytest.mark.corpus
@pytest.mark.parametrize("sort", ["relevance", "newest", "oldest", "added"])
def test_sorts_page_through_every_match_without_overlap(reuters, sort):
    q = "oil OR gas OR trade"
    every = list(backend().iter_ids(SearchRequest(q=q, sort=sort)))
    first = backend().search(SearchRequest(q=q, sort=sort, page_size=7))
    paged = []
    for page in range(1, first.pages + 1):
        paged += [
            hit.id for hit in backend().search(SearchRequest(q=q, sort=sort, page=page, page_size=7)).hits
        ]
    assert paged == every
    assert len(set(paged)) == len(paged) == first.total
    assert first.sort == sort
    articles = reuters.articles

    def day(pk):  # an undated article counts as dated the day it was added
        a = articles[pk]
        return a.published or a.ingested.date()

    if sort == "newest":
        assert [day(pk) for pk in every] == sorted((day(pk) for pk in every), reverse=True)
    elif sort == "oldest":
        assert [day(pk) for pk in every] == sorted(day(pk) for pk in every)
    elif sort == "added":
        # To the second (the Whoosh index keeps seconds); ties in either order.
        added = [int(articles[pk].ingested.timestamp()) for pk in every]
        assert added == sorted(added, reverse=True)
    else:
        scores = [hit.score for hit in first.hits]
        assert scores == sorted(scores, reverse=True) and scores[0] > 0
        # An article with the words in its title and often in its body ranks above one naming them once.
        top, last = every[0], every[-1]
        assert sum(w in ("oil", "gas", "trade") for w in reuters.body[top]) >= sum(
            w in ("oil", "gas", "trade") for w in reuters.body[last]
        )


@pytest.mark.corpus
def test_relevance_means_newest_when_there_is_nothing_to_rank_by(reuters):
    for q in ("", "-oil", "topic:crude", "date:[* to *]"):
        result = backend().search(SearchRequest(q=q, sort="relevance"))
        assert result.sort == "newest", q
        assert [h.id for h in result.hits] == list(backend().iter_ids(SearchRequest(q=q, sort="newest")))[:20]


# --- names, accents, suggestions, similar articles ---------------------------------------------


def test_names_with_commas_quotes_and_accents_are_found_and_counted(search_backend):
    store(
        "Talks resume",
        "Amélie Durand and Smith met in São Paulo.",
        date(2025, 8, 1),
        persons=["Amélie Durand", "Smith, John", 'Dwayne "The Rock" Johnson'],
        topics=["Trade, tariffs"],
    )
    store("Quiet day", "Nothing to report.", date(2025, 8, 2), persons=["Smith, John"], source="Le Monde")
    assert ids_of("amelie") == ids_of("Amélie") == ids_of("AMELIE") != set()
    assert ids_of("sao paulo") == ids_of('"São Paulo"') != set()
    assert len(ids_of("", persons=["Smith, John"])) == 2
    assert len(ids_of("", persons=['Dwayne "The Rock" Johnson'])) == 1
    assert len(ids_of("", topics=["Trade, tariffs"])) == 1
    assert len(ids_of('person:"Smith, John"')) == 2
    assert len(ids_of("person:amelie")) == 1
    assert len(ids_of("", sources=["Le Monde"])) == 1
    result = backend().search(SearchRequest(q=""))
    assert facets_of(result)["person"] == [
        ("Smith, John", 2),
        ("Amélie Durand", 1),
        ('Dwayne "The Rock" Johnson', 1),
    ]
    assert facets_of(result)["topic"] == [("Trade, tariffs", 1)]
    # A rename shows at once: the index holds row ids.
    smith = Person.objects.get(name="Smith, John")
    smith.name = "John Smith"
    smith.save()
    assert facets_of(backend().search(SearchRequest(q="")))["person"][0] == ("John Smith", 2)


def test_did_you_mean_respells_rare_words_to_ones_that_find_more(search_backend):
    for n in range(6):
        store(f"Wheat report {n}", "The wheat harvest and a tariff on grain.", date(2025, 8, 1 + n))
    store("Odd", "A tariq once wrote.", date(2025, 8, 9))
    for typed, suggested in (("wheet", "wheat"), ("harvset", "harvest"), ("tarrif", "tariff")):
        result = backend().search(SearchRequest(q=typed))
        assert result.total < SUGGEST_BELOW
        assert result.suggestion == suggested, typed
    assert backend().search(SearchRequest(q="wheat grain")).suggestion == ""
    assert backend().search(SearchRequest(q="harvset grain")).suggestion == "harvest grain"


@pytest.mark.corpus
def test_more_like_this_finds_articles_sharing_distinctive_words(reuters):
    # An article about cocoa: its likes talk about cocoa too.
    about_cocoa = reuters.word("cocoa")
    assert len(about_cocoa) >= 2
    cocoa = min(about_cocoa)
    similar = backend().more_like_this(cocoa, limit=5)
    assert 0 < len(similar) <= 5 and cocoa not in similar
    assert similar[0] in reuters.word("cocoa")
    assert backend().more_like_this(10**9) == []


# --- writing ------------------------------------------------------------------------------------


def test_add_update_and_remove_are_searchable_at_once(search_backend, django_capture_on_commit_callbacks):
    article = store("Harvest outlook", "Wheat and barley.", date(2025, 8, 1), persons=["Ishaq Dar"])
    assert ids_of("barley") == {article.pk}
    assert search_backend.doc_count() == 1
    assert search_backend.indexed_stamps() == {article.pk: indexing.stamp_of(article.changed)}
    with django_capture_on_commit_callbacks(execute=True):
        article.title = "Rye outlook"
        article.save()
        indexing.queue_reindex([article.pk])
    article.refresh_from_db()
    assert ids_of("title:rye") == {article.pk} and ids_of("title:harvest") == set()
    assert search_backend.indexed_stamps() == {article.pk: indexing.stamp_of(article.changed)}
    with django_capture_on_commit_callbacks(execute=True):
        pk = article.pk
        indexing.queue_removal([pk])
        article.delete()
    assert ids_of("barley") == set()
    assert search_backend.doc_count() == 0
    assert search_backend.remove([pk]) == 0


def test_an_article_without_a_single_word_is_indexed_and_found_by_its_filters(search_backend):
    """Symbols and dashes only: nothing to search for, yet the article is in the index, counted
    and listed by its date and people like any other (and a bulk session takes it too)."""
    wordless = store("★", "★ ☆ — ★", date(2025, 8, 1), persons=["Ishaq Dar"])
    other = store("Harvest outlook", "Wheat and barley.", date(2025, 8, 2), index=False)
    with search_backend.bulk() as session:
        session.add(indexing.documents([other.pk])[0])
    assert search_backend.doc_count() == 2
    assert search_backend.indexed_stamps()[wordless.pk] == indexing.stamp_of(wordless.changed)
    assert ids_of("", persons=["Ishaq Dar"]) == {wordless.pk}
    assert ids_of("", date_to=date(2025, 8, 1)) == {wordless.pk}
    assert ids_of("barley") == {other.pk}


def test_a_bulk_session_makes_checkpointed_documents_searchable_and_drops_the_rest(search_backend):
    articles = [
        store(f"Report {n}", f"Wheat bulletin number {n}", date(2025, 8, 1), index=False) for n in range(4)
    ]
    docs = sorted(indexing.documents([a.pk for a in articles])[0], key=lambda doc: doc.id)
    with pytest.raises(RuntimeError), search_backend.bulk() as session:
        session.add(docs[:2])
        session.checkpoint()
        session.update(docs[2:])
        raise RuntimeError("the run died")
    assert ids_of("bulletin") == {articles[0].pk, articles[1].pk}
    with search_backend.bulk() as session:
        assert session.add(docs[2:]) == 2
        session.update(docs[:1])
    assert ids_of("bulletin") == {a.pk for a in articles}
    assert search_backend.doc_count() == 4


def test_rebuild_replaces_the_whole_index_and_state_is_reported(search_backend):
    kept = store("Kept", "Barley prices.", date(2025, 8, 1))
    gone = store("Gone", "Barley yields.", date(2025, 8, 2))
    assert not search_backend.needs_rebuild()
    assert search_backend.rebuild(indexing.documents([kept.pk])[0]) == 1
    assert ids_of("barley") == {kept.pk}
    assert search_backend.verify() == search_backend.doc_count() == 1
    assert set(search_backend.indexed_stamps()) == {kept.pk}
    assert not search_backend.needs_rebuild()
    search_backend.ensure_readable()
    assert search_backend.create_if_absent() is False
    assert str(search_backend.doc_count()) in search_backend.describe().replace(",", "")
    assert search_backend.rebuild(indexing.iter_documents()) == 2
    assert ids_of("barley") == {kept.pk, gone.pk}


def test_seeds_ingested_through_the_pipeline_are_found(search_backend, seeds_dir):
    report = ingest_paths([seeds_dir], workers=1)
    assert report.counts["failed"] == 0
    stored = Article.objects.count()
    assert search_backend.doc_count() == stored
    assert backend().search(SearchRequest(q="")).total == stored
    dar = backend().search(SearchRequest(q="person:dar"))
    assert dar.total == Article.objects.filter(persons__name="Ishaq Dar").count() > 0
    assert dar.understood == "articles whose person is Ishaq Dar"


def test_an_ingested_json_export_is_searchable_on_every_backend(search_backend, tmp_path):
    path = tmp_path / "export.jsonl"
    path.write_text(
        "\n".join(
            json.dumps(
                {
                    "id": n,
                    "title": f"Cocoa bulletin {n}",
                    "date": f"2025-08-{n + 1:02}",
                    "text": f"Cocoa note {n}.",
                }
            )
            for n in range(5)
        )
    )
    ingest_paths([path], workers=1)
    assert backend().search(SearchRequest(q="cocoa")).total == 5
    assert [h.id for h in backend().search(SearchRequest(q="cocoa", sort="oldest")).hits] == list(
        Article.objects.order_by("published").values_list("pk", flat=True)
    )


# --- hostile input -----------------------------------------------------------------------------

FUZZY_60 = " ".join(f"{a}{b}~2" for a in "abc" for b in "abcdefghijklmnopqrstuvwxyz")[: 60 * 5]
HOSTILE = [
    FUZZY_60,
    " OR ".join(f"a*{c}*?" for c in "abcdefghijklmnopqrstuvwxyz" * 2),
    "(" * 240 + "wheat" + ")" * 240,
    "NOT " * 240 + "wheat",
    "date:[* to *]",
    '"unclosed phrase wheat',
    "person:",
    "title:(",
    "\x00\ufffd wheat",
    "' OR 1=1; DROP TABLE articles_article; --",
    "\\' :* & | ! <-> wheat:A",
]


@pytest.fixture
def lexicon_archive(search_backend):
    words = [a + b + c for a in "abcdefgh" for b in "abcdefgh" for c in "abcdefgh"]
    for n in range(7):
        store(f"Report {n}", " ".join(words[n::7]) + " wheat harvest", date(2025, 8, 1 + n))
    store("Wheat", "wheat", date(1987, 3, 1))


@pytest.mark.parametrize("q", HOSTILE)
def test_hostile_queries_answer_within_the_budget(lexicon_archive, q):
    result = backend().search(SearchRequest(q=q))
    assert result.total >= 0 and result.understood
    assert "could not be run" not in result.error, result.error
    list(backend().iter_ids(SearchRequest(q=q)))


def test_expansion_is_bounded_and_the_cut_term_is_named(lexicon_archive, settings):
    settings.ARCHIVE_SEARCH_BUDGET = {"max_expanded_terms": 12, "max_term_expansion": 5}
    result = backend().search(SearchRequest(q="aa* OR ab* OR ac* OR ad*"))
    assert "“aa*” matches more than 5 words; only the closest 5 were searched" in result.error
    assert "“ad*” was left out" in result.error
    assert result.total > 0


@pytest.mark.parametrize("q", [FUZZY_60, "(" * 240 + "wheat" + ")" * 240, "abc~2 wheat"])
def test_a_search_out_of_time_answers_with_its_plain_words_and_says_so(lexicon_archive, settings, q):
    settings.ARCHIVE_SEARCH_BUDGET = {"seconds": 0}
    result = backend().search(SearchRequest(q=q))
    assert "took longer than 0 s" in result.error and "plain words" in result.error
    assert list(backend().iter_ids(SearchRequest(q=q))) == list(
        backend().iter_ids(SearchRequest(q=" ".join(t.text for t in EXACT(q))))
    )


def test_every_endpoint_answers_hostile_queries(client, lexicon_archive):
    for q in HOSTILE:
        for path in ("/", "/api/search", "/feed.atom", "/export.csv", "/facets/person/"):
            response = client.get(path, {"q": q})
            assert response.status_code == 200, (path, q[:20])


def test_the_search_page_and_api_answer_through_the_backend(client, lexicon_archive):
    response = client.get("/api/search", {"q": "wheat", "sort": "oldest"})
    assert response.status_code == 200
    body = response.json()
    assert body["total"] == 8
    page = client.get("/", {"q": "wheat"})
    assert page.status_code == 200 and "<mark>" in page.content.decode()
    first = Article.objects.get(title="Wheat")
    assert client.get(first.get_absolute_url()).status_code == 200
