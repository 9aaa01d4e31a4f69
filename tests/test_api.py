"""The JSON API: /api/search mirrors the search page, /api/articles/<id> one article; one error shape."""

import pytest
from django.core.management import call_command

from articles.models import Article
from tests.archive_data import HOSTILE_TITLE, filler, make_articles

pytestmark = pytest.mark.django_db


@pytest.fixture
def archive():
    return make_articles()


def test_search_returns_total_hits_facets_and_the_parsed_query(client, archive):
    data = client.get("/api/search", {"q": "steel", "person": "Ishaq Dar"}).json()
    assert data["total"] == 2
    assert data["query"]["q"] == "steel"
    assert data["query"]["person"] == ["Ishaq Dar"]
    assert data["query"]["understood"]
    hit = data["hits"][0]
    assert set(hit) >= {"id", "title", "date", "url", "source", "persons", "topics", "snippet"}
    assert hit["title"] == "Steel tariffs rise again"
    assert hit["date"] == "1987-03-02"
    assert hit["url"] == "https://reuters.com/news/0"
    assert hit["source"] == "reuters.com"
    assert hit["persons"] == ["Ishaq Dar"]
    assert hit["topics"] == ["Trade"]
    assert "<mark>" in hit["snippet"]
    assert set(data["facets"]) == {"date", "person", "topic", "source"}
    persons = {v["value"]: v for v in data["facets"]["person"]}
    assert persons["Ishaq Dar"]["count"] == 2 and persons["Ishaq Dar"]["selected"]
    assert persons["Marco Rubio"]["count"] == 1


def test_the_date_facet_lists_buckets_with_ranges_and_the_undated_count(client, archive):
    dates = client.get("/api/search").json()["facets"]["date"]
    by_value = {d["value"]: d for d in dates}
    assert by_value["1987"] == {
        "value": "1987",
        "from": "1987-01-01",
        "to": "1987-12-31",
        "count": 3,
        "selected": False,
        "level": "year",
    }
    assert by_value["undated"]["count"] == 1
    assert by_value["undated"]["from"] is None


def test_search_snippets_are_escaped(client, archive):
    data = client.get("/api/search", {"q": "tariff"}).json()
    hostile = next(h for h in data["hits"] if h["title"] == HOSTILE_TITLE)
    assert "<script>" not in hostile["snippet"]
    assert "&lt;script&gt;" in hostile["snippet"]


def test_search_pages_link_to_each_other(client):
    make_articles(filler(25))
    first = client.get("/api/search", {"q": "wheat"}).json()
    assert (first["page"], first["pages"], len(first["hits"])) == (1, 2, 20)
    assert first["previous"] is None
    assert first["next"] == "http://testserver/api/search?q=wheat&page=2"
    second = client.get(first["next"]).json()
    assert len(second["hits"]) == 5
    assert {h["id"] for h in first["hits"]}.isdisjoint(h["id"] for h in second["hits"])


@pytest.mark.parametrize(
    "params, param",
    [
        ({"date_from": "03/02/1987"}, "date_from"),
        ({"date_from": "1987-05-01", "date_to": "1987-01-01"}, "date_to"),
        ({"page": "99"}, "page"),
        ({"page": "zero"}, "page"),
        ({"sort": "popular"}, "sort"),
    ],
)
def test_bad_parameters_give_the_documented_400_error(client, archive, params, param):
    response = client.get("/api/search", params)
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == "bad_parameter"
    assert error["param"] == param
    assert error["message"]


def test_a_malformed_query_is_answered_with_a_message_not_an_error(client, archive):
    response = client.get("/api/search", {"q": '(steel OR "oil'})
    assert response.status_code == 200
    assert "total" in response.json()


def test_article_returns_every_documented_field(client, archive):
    article = archive[0]
    data = client.get(f"/api/articles/{article.pk}").json()
    assert data["id"] == article.pk
    assert data["title"] == "Steel tariffs rise again"
    assert data["date"] == "1987-03-02"
    assert data["date_source"] == article.get_date_source_display()
    assert data["url"] == article.source_url
    assert data["source"] == "reuters.com"
    assert data["dateline"] == "KARACHI"
    assert data["text"] == article.body
    assert data["persons"] == ["Ishaq Dar"]
    assert data["topics"] == ["Trade"]
    assert data["removed_on_ingest"] == []


def test_an_article_says_what_ingest_removed_and_has_null_for_a_missing_dateline(client, tmp_path):
    (tmp_path / "a.txt").write_text(
        "Ports reopen\n\nShare this article\n\nThe ports reopened on Monday after the strike.\n"
    )
    call_command("ingest", str(tmp_path))
    data = client.get(f"/api/articles/{Article.objects.get().pk}").json()
    assert data["dateline"] is None
    assert {"text": "Share this article", "rule": "share-prompt"}.items() <= data["removed_on_ingest"][
        0
    ].items()
    assert data["removed_on_ingest"][0]["reason"]


def test_an_undated_article_has_null_date_and_date_source(client, archive):
    hostile = next(a for a in archive if a.title == HOSTILE_TITLE)
    data = client.get(f"/api/articles/{hostile.pk}").json()
    assert data["date"] is None and data["date_source"] is None
    assert data["text"] == hostile.body  # JSON carries the raw text; escaping is the reader's job


def test_a_missing_article_is_a_404_in_the_error_shape(client, archive):
    response = client.get("/api/articles/999999")
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_found"
