"""Topics in the admin: a new or changed rule is applied when saved, with counts; the preview
shows sample articles with the words found; a rule that ran over its time limit is shown until it
is changed."""

import pytest
from django.urls import reverse

from articles.admin import topics as topic_admin
from articles.models import Topic, TopicLink
from tests.admin_support import make_article

pytestmark = pytest.mark.django_db


def topic_data(**fields):
    return {
        "name": "Shipping",
        "description": "",
        "rule": "any",
        "pattern": "tanker",
        "threshold": "3",
        **fields,
    }


def test_a_new_topic_is_applied_when_saved_and_says_so(editor_client, django_capture_on_commit_callbacks):
    tanker = make_article("Tanker seized", "A tanker was seized in the Gulf.")
    make_article("Harvest", "Wheat is in.")
    with django_capture_on_commit_callbacks(execute=True):
        page = editor_client.post(reverse("admin:articles_topic_add"), topic_data(), follow=True)
    assert "Applied Shipping to all 2 articles: the topics of 1 article changed." in page.content.decode()
    link = TopicLink.objects.get(topic__name="Shipping")
    assert link.article_id == tanker.pk
    assert link.evidence == [
        {"text": "tanker", "where": "title", "count": 1},
        {"text": "tanker", "where": "lead", "count": 1},
    ]


def test_a_save_over_its_time_budget_says_how_far_it_got(editor_client, monkeypatch):
    monkeypatch.setattr(topic_admin, "APPLY_ON_SAVE_SECONDS", 0)
    monkeypatch.setattr("articles.enrich.BATCH", 2)
    for n in range(5):
        make_article(f"Tanker {n}", "A tanker left.")
    page = editor_client.post(reverse("admin:articles_topic_add"), topic_data(), follow=True).content.decode()
    assert "Applied Shipping to 2 of 5 articles (the oldest)" in page
    assert "apply_topics --topic shipping" in page
    assert TopicLink.objects.count() == 2


def test_the_preview_lists_matching_articles_with_the_words_found(editor_client):
    make_article("Tanker seized", "A tanker was seized. Tankers wait.")
    make_article("Harvest", "Wheat is in. A tanker passed by.")
    page = editor_client.post(
        reverse("admin:articles_topic_add"), topic_data(pattern="tanker, tankers", _preview="1")
    ).content.decode()
    assert "would match 1 article." in page
    assert "1 more mentions its words without enough evidence" in page
    assert "Tanker seized</a> — tanker (title); tanker (lead); tankers (lead) (score 7)" in page
    assert not Topic.objects.filter(name="Shipping").exists()


def test_a_rule_left_unapplied_is_shown_until_it_is_changed(editor_client):
    topic = Topic.objects.create(
        name="Runaway", rule="regex", pattern=r"\bx+y", rule_error="It took too long."
    )
    changelist = editor_client.get(reverse("admin:articles_topic_changelist")).content.decode()
    assert "Not applied: It took too long." in changelist
    change = reverse("admin:articles_topic_change", args=[topic.pk])
    editor_client.post(change, topic_data(name="Runaway", rule="regex", pattern=r"\bxy\b"))
    topic.refresh_from_db()
    assert topic.rule_error == ""
