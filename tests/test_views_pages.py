"""The article page, and the person and topic pages."""

import re

import pytest

from articles.models import Person, Topic
from tests.archive_data import HOSTILE_TITLE, filler, make_articles

pytestmark = pytest.mark.django_db


@pytest.fixture
def archive():
    return make_articles()


def by_title(articles, title):
    return next(a for a in articles if a.title == title)


def test_the_article_page_highlights_the_query_with_numbered_hits(client, archive):
    article = by_title(archive, "Steel tariffs rise again")
    response = client.get(article.get_absolute_url(), {"q": "steel"})
    html = response.content.decode()
    assert response.status_code == 200
    assert '<mark id="hit-1">' in html
    assert 'href="#hit-1"' in html
    assert 'hit </span>1<span class="visually-hidden"> of 1' in html


def test_the_article_page_shows_date_origin_source_link_and_dateline(client, archive):
    article = by_title(archive, "Steel tariffs rise again")
    html = client.get(article.get_absolute_url()).content.decode()
    assert "2 March 1987" in html
    assert f"(from the {article.get_date_source_display()})" in html
    assert f'<a href="{article.source_url}" rel="noopener noreferrer">' in html
    assert "KARACHI" in html


def test_people_and_topics_link_to_their_pages_without_an_about_link_each(client, archive):
    article = by_title(archive, "Dock strike ends")
    html = client.get(article.get_absolute_url()).content.decode()
    assert f'href="{Person.objects.get(name="Ishaq Dar").get_absolute_url()}"' in html
    assert f'href="{Topic.objects.get(name="Labour").get_absolute_url()}"' in html
    assert ">about<" not in html


def test_the_article_page_says_which_result_of_how_many_it_is(client):
    make_articles(filler(25))
    hit = client.get("/", {"q": "wheat", "sort": "oldest"}).context["page"].hits[19]
    page = client.get(hit.url)
    html = page.content.decode()
    assert "(result 20 of 25)" in html
    assert 'value="wheat"' in html  # the search box keeps the search


def test_the_topic_page_speaks_of_topics_and_the_person_page_of_people(client, archive):
    topic_html = client.get(Topic.objects.get(name="Trade").get_absolute_url()).content.decode()
    assert "Often named with" not in topic_html and "Nobody else" not in topic_html
    assert "People most often named" in topic_html and "Other topics of these articles" in topic_html
    person_html = client.get(Person.objects.get(name="Ishaq Dar").get_absolute_url()).content.decode()
    assert "Often named with Ishaq Dar" in person_html and "Topics of these articles" in person_html


def test_the_article_text_is_escaped(client, archive):
    article = by_title(archive, HOSTILE_TITLE)
    for params in ({}, {"q": "tariff"}):
        html = client.get(article.get_absolute_url(), params).content.decode()
        assert "<script>alert(1)</script>" not in html
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
        assert "<b>rally</b>" not in html


def test_previous_and_next_links_keep_the_search(client):
    articles = make_articles(filler(25))
    response = client.get("/", {"q": "wheat", "sort": "oldest"})
    twentieth = response.context["page"].hits[19]
    page = client.get(twentieth.url)
    assert page.context["rank"] == 20
    assert page.context["previous"] == articles[18].get_absolute_url() + "?q=wheat&sort=oldest&rank=19"
    # the next result is on the second page of the search
    assert page.context["next"] == articles[20].get_absolute_url() + "?q=wheat&sort=oldest&rank=21"
    assert page.context["search_url"] == "/?q=wheat&sort=oldest"


def test_a_stale_rank_gives_no_previous_or_next(client, archive):
    article = by_title(archive, "Dock strike ends")
    page = client.get(article.get_absolute_url(), {"q": "steel", "rank": 7})
    assert page.status_code == 200
    assert page.context["previous"] is None and page.context["next"] is None
    assert 'rel="prev"' not in page.content.decode() and 'rel="next"' not in page.content.decode()


def test_similar_articles_are_listed(client):
    articles = make_articles(filler(4))
    similar = client.get(articles[0].get_absolute_url()).context["similar"]
    assert {a.pk for a, _ in similar} <= {a.pk for a in articles[1:]}
    assert similar


def test_a_missing_article_is_a_404(client, archive):
    assert client.get("/articles/999999/").status_code == 404


def test_the_person_page_shows_articles_chart_and_co_mentioned_people(client, archive):
    person = Person.objects.get(name="Ishaq Dar")
    response = client.get(person.get_absolute_url())
    assert response.status_code == 200
    assert [h.article.title for h in response.context["page"].hits] == [
        "Dock strike ends",
        "Steel tariffs rise again",
    ]
    assert [(v.label, v.count) for v, _ in response.context["co_people"]] == [("Marco Rubio", 1)]
    assert "<svg" in str(response.context["chart"])
    # all in 1987: the chart shows months, each bar a search for the person in that month
    assert 'href="/?person=Ishaq+Dar&amp;date_from=1987-03-01&amp;date_to=1987-03-31&amp;sort=newest"' in str(
        response.context["chart"]
    )


def test_the_topic_page_lists_its_articles_and_people(client, archive):
    topic = Topic.objects.get(name="Trade")
    response = client.get(topic.get_absolute_url())
    assert response.context["page"].total == 3
    assert {v.label for v, _ in response.context["co_people"]} == {"Ishaq Dar", "Marco Rubio"}


def test_the_topic_page_says_how_much_evidence_its_rule_needs(client, archive):
    topic = Topic.objects.get(name="Trade")
    topic.rule, topic.pattern, topic.threshold = "any", "tariff, trade deal", 4
    topic.save()
    page = client.get(topic.get_absolute_url()).content.decode()
    assert "in the title counts 3, in the lead 2, further down 1, and an article needs 4." in page


def test_person_pages_are_paged(client):
    make_articles([spec for spec in filler(22)])
    specs = filler(21)
    for spec in specs:
        spec.persons = ["Wheat Trader"]
    make_articles(specs)
    person = Person.objects.get(name="Wheat Trader")
    second = client.get(person.get_absolute_url(), {"page": 2})
    assert len(second.context["page"].hits) == 1
    assert client.get(person.get_absolute_url(), {"page": 3}).status_code == 400


def test_every_page_has_one_search_box(client, archive):
    article = by_title(archive, "Dock strike ends")
    pages = [
        "/",
        "/?q=steel",
        article.get_absolute_url(),
        article.get_absolute_url() + "?q=steel&rank=1",
        Person.objects.get(name="Ishaq Dar").get_absolute_url(),
        Topic.objects.get(name="Trade").get_absolute_url(),
        "/facets/person/?q=steel",
        "/?page=99",
        "/articles/999999/",
    ]
    for path in pages:
        html = client.get(path).content.decode()
        boxes = [i for i in re.findall(r"<input[^>]*>", html) if 'type="search"' in i and 'name="q"' in i]
        assert len(boxes) == 1, path
        assert html.count('role="search"') == 1, path
