"""How the admin reads: its own frame and stylesheet, labelled inline rows, plural-correct messages."""

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse

from articles.models import Person, Topic
from tests.admin_support import index_all, make_article

pytestmark = pytest.mark.django_db


def test_every_admin_page_has_the_archive_icon_and_stylesheet(editor_client):
    for path in (reverse("admin:index"), reverse("admin:articles_topic_changelist")):
        html = editor_client.get(path).content.decode()
        assert 'rel="icon"' in html and "css/admin.css" in html


def test_inline_rows_name_each_control_and_drop_the_repeated_row_title(editor_client):
    topic = Topic.objects.get(slug="diplomacy")
    article = make_article(
        "Talks", "Envoys met.", topics=[topic], people=[Person.objects.create(name="Ann Lee")]
    )
    html = editor_client.get(reverse("admin:articles_article_change", args=[article.pk])).content.decode()
    assert 'aria-label="Topic, row 1"' in html
    assert html.count('aria-label="Topic, row 1"') == 1  # the empty row for "add another" is not row 1
    assert 'aria-label="Delete, row 1"' in html
    assert 'aria-label="Person, row 1"' in html


def test_the_change_list_search_box_has_a_visible_label(editor_client):
    html = editor_client.get(reverse("admin:articles_topic_changelist")).content.decode()
    assert '<label for="searchbar" class="searchbar-label">Search topics</label>' in html


def test_the_topic_list_shows_the_rule_in_one_column(editor_client):
    html = editor_client.get(reverse("admin:articles_topic_changelist")).content.decode()
    assert '<td class="field-rule_kind">any word</td>' in html
    assert "field-case_sensitive" not in html


@pytest.mark.parametrize(
    ("others", "expected"),
    [
        (["Ishaq Daar"], "1 name kept as an alias."),
        (["Ishaq Daar", "I. Dar"], "2 names kept as aliases."),
    ],
)
def test_merge_messages_agree_in_number(editor_client, others, expected):
    target = Person.objects.create(name="Ishaq Dar")
    people = [target] + [Person.objects.create(name=name) for name in others]
    make_article("Talks", "Ishaq Dar spoke.", people=people)
    index_all()
    response = editor_client.post(
        reverse("admin:articles_person_changelist"),
        {
            "action": "merge_people",
            "_selected_action": [p.pk for p in people],
            "confirm": "yes",
            "target": target.pk,
        },
    )
    assert response.status_code == 302
    assert any(str(m).endswith(expected) for m in get_messages(response.wsgi_request))
