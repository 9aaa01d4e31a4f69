"""What ingest removed is kept with the article, shown to curators, and can be put back."""

import pytest
from django.test import Client
from django.urls import reverse

from articles import removals
from articles.ingest_run import ingest_paths
from articles.models import Article
from articles.search.whoosh.query import SearchRequest, search

pytestmark = pytest.mark.django_db

PAGE = (
    "Grain corridor reopens\n\n"
    "Share this story\n"
    "Follow us on X\n\n"
    "ANKARA: Ministers from four countries agreed on Tuesday to reopen a grain corridor.\n\n"
    "Read more: Wheat prices fall\n\n"
    "Officials said the first ships would sail within a week.\n"
)


@pytest.fixture
def article(tmp_path):
    (tmp_path / "a.txt").write_text(PAGE)
    ingest_paths([tmp_path], workers=1)
    return Article.objects.get()


def test_ingest_keeps_each_removal_with_its_rule(article):
    assert [(r["text"], r["rule"]) for r in article.removals] == [
        ("Share this story", "share-prompt"),
        ("Follow us on X", "follow-prompt"),
        ("Read more: Wheat prices fall", "related-link"),
        ("ANKARA:", "dateline"),
    ]
    assert removals.summary(article.removals) == (
        "4 lines: share prompts (1), follow prompts (1), related links (1), "
        "datelines (the place kept as the dateline) (1)"
    )


def test_the_change_page_shows_what_ingest_removed(editor_client, article):
    page = editor_client.get(reverse("admin:articles_article_change", args=[article.pk])).content.decode()
    assert "removed on ingest" in page.lower() and "4 lines: share prompts (1)" in page
    assert "Read more: Wheat prices fall" in page and page.count("Put back in the text") == 4


def test_a_curator_puts_a_line_back_where_it_was_and_search_finds_it(
    editor_client, article, django_capture_on_commit_callbacks
):
    url = reverse("admin:articles_article_restore_removal", args=[article.pk])
    with django_capture_on_commit_callbacks(execute=True):
        response = editor_client.post(url, {"removal": "2"})
    assert response.status_code == 302
    article.refresh_from_db()
    assert article.body.split("\n\n") == [
        "Ministers from four countries agreed on Tuesday to reopen a grain corridor.",
        "Read more: Wheat prices fall",
        "Officials said the first ships would sail within a week.",
    ]
    assert [r["rule"] for r in article.removals] == ["share-prompt", "follow-prompt", "dateline"]
    assert [hit.id for hit in search(SearchRequest(q="wheat")).hits] == [article.pk]


@pytest.mark.parametrize("value", ["9", "-1", "x", "²", ""])
def test_a_bad_removal_changes_nothing(editor_client, article, value):
    url = reverse("admin:articles_article_restore_removal", args=[article.pk])
    response = editor_client.post(url, {"removal": value}, follow=True)
    assert "no longer there" in response.content.decode()
    assert Article.objects.get().body == article.body


def test_restoring_needs_a_post_and_a_curator(editor_client, article):
    url = reverse("admin:articles_article_restore_removal", args=[article.pk])
    assert editor_client.get(url).status_code == 405
    assert Client().post(url, {"removal": "0"}).status_code == 302  # to the login page
    assert Article.objects.get().removals == article.removals


@pytest.mark.parametrize(
    ("index", "expected"),
    [
        (0, ["Share", "Body one here and more.", "Body two here and more."]),  # before its next line
        (1, ["Body one here and more.", "Body two here and more.", "Tail"]),  # at the end
        (2, ["Body one here and more.", "Link", "Body two here and more."]),  # next line removed too
    ],
)
def test_put_back_places_a_line_before_the_text_that_followed_it(index, expected):
    body = "Body one here and more.\n\nBody two here and more."
    kept = [
        {"text": "Share", "rule": "share-prompt", "before": "Body one here and more."},
        {"text": "Tail", "rule": "share-prompt", "before": ""},
        {"text": "Link", "rule": "link-line", "before": "Related: x"},
        {"text": "Related: x", "rule": "related-link", "before": "BERLIN: Body two here and more."},
    ]
    new_body, left = removals.put_back(body, kept, index)
    assert new_body.split("\n\n") == expected
    assert len(left) == 3 and kept[index] not in left
