"""Real newswire through the whole ingest: Reuters-21578 articles (read from ../shared, never
copied into the project), written out as text files and a JSON Lines file, ingested, and checked
against the corpus's own DATE, TITLE and PEOPLE tags."""

import json

import pytest

from articles.ingest_run import ingest_paths
from articles.models import Article, PersonLink
from articles.search.whoosh.query import SearchRequest, search
from bench.extraction import tag_matches
from bench.reuters import iter_reuters

pytestmark = [pytest.mark.django_db, pytest.mark.corpus]

COUNT = 300


@pytest.fixture
def reuters_articles(reuters_dir):
    articles = []
    for article in iter_reuters(reuters_dir):
        if article.body.strip() and article.title.strip() and article.date:
            articles.append(article)
        if len(articles) == COUNT:
            return articles
    return articles


def test_reuters_text_files_keep_their_dates_titles_and_tagged_people(reuters_articles, tmp_path):
    corpus = tmp_path / "reuters"
    corpus.mkdir()
    for a in reuters_articles:
        dateline = f"{a.dateline} - " if a.dateline else ""
        text = f"{a.title}\n\nPublished: {a.date:%B %-d, %Y}\n\n{dateline}{a.body}\n"
        (corpus / f"{a.newid:05}.txt").write_text(text, encoding="utf-8")

    report = ingest_paths([corpus], workers=1)
    assert report.counts["failed"] == 0, report.failures

    by_origin = {a.origin.rsplit("/", 1)[-1]: a for a in Article.objects.all()}
    for a in reuters_articles:
        stored = by_origin.get(f"{a.newid:05}.txt")
        if stored is None:  # the corpus repeats some articles word for word: stored once
            continue
        assert stored.published == a.date.date(), a.newid
        assert stored.date_source == "published-line"
        assert " ".join(stored.title.split()) == " ".join(a.title.split()), a.newid
        assert "Published:" not in stored.body

    tagged = [(a, tag) for a in reuters_articles for tag in a.people]
    names = {}
    for link in PersonLink.objects.select_related("article", "person"):
        names.setdefault(link.article.origin.rsplit("/", 1)[-1], []).append(
            tuple(link.person.name.lower().split())
        )
    found = sum(tag_matches(tag, names.get(f"{a.newid:05}.txt", [])) for a, tag in tagged)
    assert tagged and found / len(tagged) >= 0.9, f"{found} of {len(tagged)} tagged people found"


def test_reuters_json_lines_are_searchable_with_dates_and_stemming(reuters_articles, tmp_path):
    path = tmp_path / "reuters.jsonl"
    with path.open("w", encoding="utf-8") as out:
        for a in reuters_articles:
            record = {"id": a.newid, "title": a.title, "date": a.date.isoformat(), "text": a.body}
            out.write(json.dumps(record) + "\n")

    report = ingest_paths([path], workers=1)
    assert report.counts["new"] == len(reuters_articles)
    assert Article.objects.filter(published=None).count() == 0

    shipping = [a for a in reuters_articles if "shipping" in a.body.lower()]
    if shipping:
        assert search(SearchRequest(q="ship")).total >= len(shipping)
    first = min(a.date.date() for a in reuters_articles)
    in_first_day = sum(a.date.date() == first for a in reuters_articles)
    assert search(SearchRequest(date_from=first, date_to=first)).total == in_first_day
