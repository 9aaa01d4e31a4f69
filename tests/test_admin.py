"""The curation admin, driven through the test client as a logged-in editor (not a superuser):
every change is checked in the database and in the search results."""

import datetime

import lxml.html
import pytest
from django.contrib.admin.models import LogEntry
from django.contrib.auth.models import Group, Permission
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from articles.ingest_run import ingest_paths
from articles.models import (
    Article,
    Assignment,
    IngestFailure,
    IngestRun,
    Person,
    PersonAlias,
    PersonLink,
    RejectedName,
    Source,
    Topic,
    TopicLink,
)
from articles.search.whoosh import index
from tests.admin_support import facet, index_all, make_article, search_ids

pytestmark = pytest.mark.django_db


@pytest.fixture
def committed(django_capture_on_commit_callbacks):
    """Run the on-commit hooks (the index writes) of whatever runs inside it, as a real commit would."""
    return lambda: django_capture_on_commit_callbacks(execute=True)


def changelist(model):
    return reverse(f"admin:articles_{model}_changelist")


def change(model, pk):
    return reverse(f"admin:articles_{model}_change", args=[pk])


def form_values(response, form_id):
    """The values the browser would submit for the page's form, as a dict to edit and post back."""
    form = lxml.html.fromstring(response.content).get_element_by_id(form_id)
    return dict(form.form_values())


def run_action(client, model, action, objects, **extra):
    data = {"action": action, "_selected_action": [o.pk for o in objects], **extra}
    return client.post(changelist(model), data)


# --- access ---------------------------------------------------------------------------------


def test_anonymous_is_sent_to_the_login_page(client):
    response = client.get(changelist("article"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("admin:login"))


def test_editor_can_curate_but_not_manage_users(editor_client):
    assert editor_client.get(changelist("article")).status_code == 200
    assert editor_client.get(changelist("person")).status_code == 200
    assert editor_client.get(reverse("admin:auth_user_changelist")).status_code == 403
    assert editor_client.get(reverse("admin:auth_group_changelist")).status_code == 403
    index = editor_client.get(reverse("admin:index"))
    assert b"Archive curation" in index.content
    assert b"/admin/auth/user/" not in index.content


def test_editor_group_has_every_archive_permission_and_no_account_one():
    granted = Group.objects.get(name="editor").permissions.all()
    assert {p.content_type.app_label for p in granted} == {"articles"}
    assert {"add_article", "change_person", "delete_topic", "view_ingestfailure"} <= {
        p.codename for p in granted
    }
    archive = Permission.objects.filter(content_type__app_label="articles")
    assert granted.count() == archive.count()


# --- articles -------------------------------------------------------------------------------


def test_article_list_costs_the_same_queries_for_5_or_60_rows(editor_client):
    topic = Topic.objects.get(slug="china")

    def queries_for_list():
        with CaptureQueriesContext(connection) as queries:
            response = editor_client.get(changelist("article"))
        assert response.status_code == 200
        return len(queries)

    for n in range(5):
        make_article(f"Story {n}", people=[f"Person {n}", "Ishaq Dar"], topics=[topic])
    few = queries_for_list()
    for n in range(55):
        make_article(f"Story {n + 5}", published=datetime.date(2025, 8, 1 + n % 28), people=[f"Person {n}"])
    assert queries_for_list() == few


def test_article_list_shows_counts_and_filters_by_person_topic_and_missing_date(editor_client):
    dar = Person.objects.create(name="Ishaq Dar")
    china = Topic.objects.get(slug="china")
    with_dar = make_article(
        "Dar in Beijing", published=datetime.date(2025, 8, 6), people=[dar, "Wang Yi"], topics=[china]
    )
    undated = make_article("Undated note", people=["Marco Rubio"])

    listing = editor_client.get(changelist("article"))
    row = lxml.html.fromstring(listing.content).xpath(f'//tr[.//a[contains(@href, "/{with_dar.pk}/")]]')[0]
    assert [td.text_content() for td in row.xpath("./td")][-2:] == ["2", "1"]

    def titles(query):
        return {a.title for a in editor_client.get(changelist("article") + query).context["cl"].result_list}

    assert titles(f"?person={dar.pk}") == {with_dar.title}
    assert titles(f"?topic={china.pk}") == {with_dar.title}
    assert titles("?dated=no") == {undated.title}
    assert titles("?published__year=2025") == {with_dar.title}


def test_article_search_finds_title_words_and_text_words_through_the_index(editor_client):
    by_title = make_article("Rupee slides", "The currency fell.")
    by_body = make_article("Markets", "The rupee fell against the dollar.")
    make_article("Weather", "Rain in Lahore.")
    index_all()
    found = editor_client.get(changelist("article") + "?q=rupee").context["cl"].result_list
    assert {a.pk for a in found} == {by_title.pk, by_body.pk}


def test_editing_title_and_people_reaches_the_database_and_search(editor_client, committed):
    dar = Person.objects.create(name="Ishaq Dar")
    rubio = Person.objects.create(name="Marco Rubio")
    article = make_article("Phone call", "Ishaq Dar spoke with Marco Rubio.", people=[dar])
    index_all()

    data = form_values(editor_client.get(change("article", article.pk)), "article_form")
    data["title"] = "Second phone call with Washington"
    data["person_links-TOTAL_FORMS"] = "2"
    data["person_links-1-person"] = str(rubio.pk)
    data["person_links-1-article"] = str(article.pk)
    with committed():
        response = editor_client.post(change("article", article.pk), data)
    assert response.status_code == 302, response.context["adminform"].errors if response.context else ""

    article.refresh_from_db()
    assert article.title == "Second phone call with Washington"
    links = {link.person.name: link.assigned for link in article.person_links.select_related("person")}
    assert links == {"Ishaq Dar": Assignment.RULE, "Marco Rubio": Assignment.MANUAL}
    assert search_ids(q="Washington") == {article.pk}
    assert search_ids(persons=["Marco Rubio"]) == {article.pk}
    assert LogEntry.objects.filter(object_id=str(article.pk), user__username="editor").exists()


def test_a_date_set_by_a_curator_says_so_and_reaches_the_date_facet(editor_client, committed):
    article = make_article("Undated report", "A report with no date in its text.")
    index_all()
    data = form_values(editor_client.get(change("article", article.pk)), "article_form")
    data["published"] = "2025-03-14"
    with committed():
        response = editor_client.post(change("article", article.pk), data)
    assert response.status_code == 302
    article.refresh_from_db()
    assert article.published == datetime.date(2025, 3, 14)
    assert article.get_date_source_display() == "set by a curator"
    assert search_ids(date_from=datetime.date(2025, 3, 1), date_to=datetime.date(2025, 3, 31)) == {article.pk}


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_saved_edit_reaches_search_on_the_real_commit(client, django_user_model):
    """No captured hooks here: the request commits, and the index hears of it right after."""
    user = django_user_model.objects.create_user("curator", password="not-used", is_staff=True)
    user.groups.add(Group.objects.get(name="editor"))
    client.force_login(user)
    article = make_article("Monsoon rains")
    index_all()
    data = form_values(client.get(change("article", article.pk)), "article_form")
    data["title"] = "Monsoon floods"
    assert client.post(change("article", article.pk), data).status_code == 302
    assert search_ids(q="floods") == {article.pk}
    assert not Article.objects.get(pk=article.pk).needs_indexing


def test_bulk_delete_removes_the_articles_from_search(editor_client, committed):
    doomed = [make_article(f"Tanker seized {n}") for n in range(3)]
    kept = make_article("Tanker released")
    index_all()
    assert search_ids(q="tanker") == {a.pk for a in [*doomed, kept]}

    confirm = run_action(editor_client, "article", "delete_articles", doomed)
    assert confirm.status_code == 200 and b"delete 3 articles" in confirm.content
    assert search_ids(q="tanker") == {a.pk for a in [*doomed, kept]}
    with committed():
        run_action(editor_client, "article", "delete_articles", doomed, confirm="yes")

    assert list(Article.objects.all()) == [kept]
    assert search_ids(q="tanker") == {kept.pk}
    assert LogEntry.objects.filter(action_flag=3, object_repr__startswith="Tanker seized").count() == 3


def test_deleting_one_article_removes_it_from_search(editor_client, committed):
    article = make_article("Tanker seized")
    index_all()
    with committed():
        response = editor_client.post(
            reverse("admin:articles_article_delete", args=[article.pk]), {"post": "yes"}
        )
    assert response.status_code == 302
    assert not Article.objects.exists()
    assert search_ids(q="tanker") == set()


def test_a_malformed_search_still_lists_title_matches(editor_client):
    article = make_article("Rupee (and dollar")
    index_all()
    response = editor_client.get(changelist("article") + "?q=" + "(and")
    assert response.status_code == 200
    assert [a.pk for a in response.context["cl"].result_list] == [article.pk]


def test_bulk_delete_of_every_matching_article_keeps_the_others(editor_client, committed):
    undated = [make_article(f"Undated {n}") for n in range(3)]
    dated = make_article("Dated", published=datetime.date(2025, 1, 1))
    index_all()
    url = changelist("article") + "?dated=no"
    data = {"action": "delete_articles", "select_across": "1", "_selected_action": [undated[0].pk]}
    confirm = editor_client.post(url, data)
    assert b"delete 3 articles" in confirm.content
    with committed():
        editor_client.post(url, {**data, "confirm": "yes"})
    assert list(Article.objects.all()) == [dated]
    assert search_ids() == {dated.pk}


def test_reindex_action_brings_search_up_to_date(editor_client, committed):
    article = make_article("Wheat harvest")
    index_all()
    Article.objects.filter(pk=article.pk).update(title="Barley harvest")  # behind the admin's back
    assert search_ids(q="barley") == set()
    with committed():
        response = run_action(editor_client, "article", "reindex_articles", [article])
    assert response.status_code == 302
    assert search_ids(q="barley") == {article.pk}


# --- people ---------------------------------------------------------------------------------


def test_person_list_links_to_articles_and_public_page(editor_client):
    dar = Person.objects.create(name="Ishaq Dar")
    make_article("One", people=[dar])
    make_article("Two", people=[dar])
    page = editor_client.get(changelist("person")).content.decode()
    assert f'?person={dar.pk}">2</a>' in page
    assert dar.get_absolute_url() in page


def test_merge_shows_what_changes_then_merges_into_the_chosen_person(editor_client, committed):
    dar = Person.objects.create(name="Ishaq Dar")
    daar = Person.objects.create(name="Ishaq Daar")
    PersonAlias.objects.create(person=daar, name="I. Daar")
    both = make_article("Talks", "Ishaq Dar and Ishaq Daar", people=[dar, daar])
    only_daar = make_article("Visit", people=[daar])
    index_all()

    confirm = run_action(editor_client, "person", "merge_people", [dar, daar])
    assert confirm.status_code == 200
    page = confirm.content.decode()
    assert "Ishaq Daar" in page and "I. Daar" in page and "mentions merged" in page
    assert Person.objects.count() == 2

    with committed():
        done = run_action(editor_client, "person", "merge_people", [dar, daar], confirm="yes", target=dar.pk)
    assert done.status_code == 302

    assert list(Person.objects.all()) == [dar]
    assert set(dar.aliases.values_list("name", flat=True)) == {"Ishaq Daar", "I. Daar"}
    assert len(PersonLink.objects.get(article=both).mentions) == 2
    assert facet("person") == {"Ishaq Dar": 2}
    assert search_ids(persons=["Ishaq Dar"]) == {both.pk, only_daar.pk}
    assert LogEntry.objects.filter(object_id=str(dar.pk), change_message__contains="Merged").exists()
    assert LogEntry.objects.filter(object_id=str(daar.pk), action_flag=3).exists()


def test_reject_removes_the_name_everywhere(editor_client, committed):
    wrong = Person.objects.create(name="Foreign Office")
    rubio = Person.objects.create(name="Marco Rubio")
    article = make_article("Statement", people=[wrong, rubio])
    index_all()

    confirm = run_action(editor_client, "person", "reject_people", [wrong])
    assert b"Foreign Office" in confirm.content and b"never link" in confirm.content
    with committed():
        run_action(editor_client, "person", "reject_people", [wrong], confirm="yes")

    assert not Person.objects.filter(name="Foreign Office").exists()
    assert RejectedName.objects.filter(name="Foreign Office").exists()
    assert list(article.persons.all()) == [rubio]
    assert "Foreign Office" not in facet("person")
    assert LogEntry.objects.filter(object_repr="Foreign Office").count() == 2  # person deleted, name added


def test_renaming_a_person_renames_them_in_search_and_keeps_the_old_name(editor_client, committed):
    person = Person.objects.create(name="Asim Munir")
    article = make_article("Army chief", people=[person])
    index_all()
    stamps = index.indexed_stamps()
    data = form_values(editor_client.get(change("person", person.pk)), "person_form")
    data["name"] = "Syed Asim Munir"
    with committed():
        assert editor_client.post(change("person", person.pk), data).status_code == 302
    assert index.indexed_stamps() == stamps  # the index holds ids: nothing was reindexed
    assert not Article.objects.filter(needs_indexing=True).exists()
    assert facet("person") == {"Syed Asim Munir": 1}
    assert search_ids(persons=["Syed Asim Munir"]) == {article.pk}
    assert list(person.aliases.values_list("name", flat=True)) == ["Asim Munir"]


# --- topics ---------------------------------------------------------------------------------


def test_renaming_a_topic_renames_it_in_search_and_points_to_apply(editor_client, committed):
    topic = Topic.objects.create(name="Shipping", rule=Topic.Rule.ANY, pattern="tanker")
    article = make_article("Port news", topics=[topic])
    index_all()
    data = form_values(editor_client.get(change("topic", topic.pk)), "topic_form")
    data.update(name="Shipping and ports", pattern="tanker, port")
    with committed():
        response = editor_client.post(change("topic", topic.pk), data, follow=True)
    assert "Applied Shipping and ports to all 1 article" in response.content.decode()
    assert facet("topic") == {"Shipping and ports": 1}
    assert search_ids(topics=["Shipping and ports"]) == {article.pk}


def test_topic_preview_counts_matches_and_saves_nothing(editor_client):
    topic = Topic.objects.create(name="Shipping", rule=Topic.Rule.ANY, pattern="freight")
    for n in range(3):
        make_article(f"Tanker {n}", "A tanker left port.")
    make_article("Harvest", "Wheat is in.")

    data = form_values(editor_client.get(change("topic", topic.pk)), "topic_form")
    data.update(pattern="tanker, tankers", _preview="Preview the rule")
    response = editor_client.post(change("topic", topic.pk), data)

    assert response.status_code == 200
    assert b"would match 3 articles" in response.content
    assert b'value="Preview the rule"' in response.content
    topic.refresh_from_db()
    assert topic.pattern == "freight"


def test_topic_preview_on_the_add_page_creates_nothing(editor_client):
    make_article("Tanker news", "A tanker left port.")
    data = {"name": "Shipping", "description": "", "rule": "any", "pattern": "tanker", "_preview": "1"}
    response = editor_client.post(reverse("admin:articles_topic_add"), data)
    assert b"would match 1 article." in response.content
    assert not Topic.objects.filter(name="Shipping").exists()


def test_topic_with_a_bad_regular_expression_is_refused(editor_client):
    topic = Topic.objects.create(name="Money", rule=Topic.Rule.ANY, pattern="money")
    data = form_values(editor_client.get(change("topic", topic.pk)), "topic_form")
    data.update(rule="regex", pattern=r"\b(rupee")
    response = editor_client.post(change("topic", topic.pk), data)
    assert response.status_code == 200
    assert response.context["adminform"].form.errors["pattern"]
    topic.refresh_from_db()
    assert topic.rule == "any"


def test_apply_topic_links_matches_and_keeps_links_set_by_hand(editor_client, committed):
    topic = Topic.objects.create(name="Shipping", rule=Topic.Rule.ANY, pattern="tanker")
    matching = make_article("Port news", "A tanker left port. The tanker was full.")
    by_hand = make_article("Harvest", "Wheat is in.")
    TopicLink.objects.create(article=by_hand, topic=topic, assigned=Assignment.MANUAL)
    index_all()

    with committed():
        response = run_action(editor_client, "topic", "apply_to_all_articles", [topic])
    assert response.status_code == 302

    links = dict(TopicLink.objects.filter(topic=topic).values_list("article_id", "assigned"))
    assert links == {matching.pk: Assignment.RULE, by_hand.pk: Assignment.MANUAL}
    assert search_ids(topics=["Shipping"]) == {matching.pk, by_hand.pk}
    assert LogEntry.objects.filter(object_id=str(topic.pk), change_message__contains="Applied").exists()


def test_reextract_action_relinks_people_and_keeps_links_set_by_hand(editor_client, committed):
    topic = Topic.objects.create(name="Kept by hand")
    article = make_article("Phone call", "Deputy Prime Minister Ishaq Dar spoke with Marco Rubio on Monday.")
    TopicLink.objects.create(article=article, topic=topic, assigned=Assignment.MANUAL)
    index_all()
    assert article.persons.count() == 0

    with committed():
        response = run_action(editor_client, "article", "reextract_articles", [article])
    assert response.status_code == 302

    assert {"Ishaq Dar", "Marco Rubio"} <= set(article.persons.values_list("name", flat=True))
    assert TopicLink.objects.get(article=article, topic=topic).assigned == Assignment.MANUAL
    assert search_ids(persons=["Ishaq Dar"]) == {article.pk}
    assert LogEntry.objects.filter(object_id=str(article.pk), change_message__contains="extraction").exists()


# --- rejecting, then ingesting again --------------------------------------------------------


def test_a_rejected_name_is_not_created_again_by_ingest(editor_client, committed, seeds_dir, tmp_path):
    ingest_paths([seeds_dir])
    trump = Person.objects.get(name="Donald Trump")
    with committed():
        run_action(editor_client, "person", "reject_people", [trump], confirm="yes")
    assert "Donald Trump" not in facet("person")

    # The same files read again, and a new file naming him.
    story = next(p for p in seeds_dir.glob("*.txt") if "Trump" in p.read_text())
    (tmp_path / "new.txt").write_text(story.read_text() + "\n\nDonald Trump spoke again on Tuesday.\n")
    ingest_paths([seeds_dir], force=True)
    ingest_paths([tmp_path])

    assert Article.objects.count() == 6
    assert not Person.objects.filter(name="Donald Trump").exists()
    assert not PersonAlias.objects.filter(name="Donald Trump").exists()
    assert "Donald Trump" not in facet("person")
    assert facet("person")["Marco Rubio"] == 6


# --- ingest records -------------------------------------------------------------------------


def test_failures_are_listed_searchable_and_retried(editor_client, committed, seeds_dir, tmp_path):
    broken, other = tmp_path / "broken.txt", tmp_path / "other.html"
    broken.write_bytes(b"")
    other.write_bytes(b"   \n")
    run = ingest_paths([tmp_path]).run

    run_page = editor_client.get(change("ingestrun", run.pk)).content.decode()
    assert str(broken) in run_page and str(other) in run_page
    found = editor_client.get(changelist("ingestfailure") + "?q=broken").context["cl"].result_list
    assert [f.path for f in found] == [str(broken)]

    broken.write_bytes(next(seeds_dir.glob("*.txt")).read_bytes())
    with committed():
        response = run_action(editor_client, "ingestfailure", "retry_files", list(run.failures.all()))
    assert response.status_code == 302
    messages = [str(m) for m in response.wsgi_request._messages]
    assert "1 now ingested, 1 still failing" in messages[0]

    assert dict(run.failures.values_list("path", "resolved")) == {str(broken): True, str(other): False}
    article = Article.objects.get(files__path=str(broken))
    assert search_ids() == {article.pk}
    open_failures = editor_client.get(changelist("ingestfailure") + "?resolved__exact=0").context["cl"]
    assert {f.path for f in open_failures.result_list} == {str(other)}  # from both runs


def test_a_run_page_shows_its_first_failures_and_links_to_all(editor_client):
    run = IngestRun.objects.create(paths="/data", failed=120)
    IngestFailure.objects.bulk_create(
        IngestFailure(run=run, path=f"/data/{n:03}.txt", code="empty", message="The file is empty.")
        for n in range(120)
    )
    page = editor_client.get(change("ingestrun", run.pk)).content.decode()
    assert "/data/099.txt" in page and "/data/100.txt" not in page
    assert f"?run__id__exact={run.pk}" in page
    listed = editor_client.get(changelist("ingestfailure") + f"?run__id__exact={run.pk}&q=empty")
    assert listed.context["cl"].paginator.count == 120


def test_renaming_a_source_renames_it_in_search(editor_client, committed):
    source = Source.objects.create(domain="dawn.com")
    article = make_article("Budget", source=source)
    index_all()
    data = form_values(editor_client.get(change("source", source.pk)), "source_form")
    data["name"] = "Dawn"
    with committed():
        assert editor_client.post(change("source", source.pk), data).status_code == 302
    assert facet("source") == {"Dawn": 1}
    assert search_ids(sources=["Dawn"]) == {article.pk}


@pytest.mark.parametrize("model", ["person", "topic", "source"])
def test_deleting_a_person_topic_or_source_drops_it_from_search(editor_client, committed, model):
    thing = {
        "person": lambda: Person.objects.create(name="Ishaq Dar"),
        "topic": lambda: Topic.objects.create(name="Oil"),
        "source": lambda: Source.objects.create(domain="dawn.com"),
    }[model]()
    links = {"person": {"people": [thing]}, "topic": {"topics": [thing]}, "source": {"source": thing}}[model]
    article = make_article("Crude prices", **links)
    index_all()
    assert facet(model, q="crude") == {str(thing): 1}
    delete = reverse(f"admin:articles_{model}_delete", args=[thing.pk])
    with committed():
        assert editor_client.post(delete, {"post": "yes"}).status_code == 302
    assert facet(model, q="crude") == {}
    assert search_ids(q="crude") == {article.pk}


def test_changing_the_domain_of_a_nameless_source_renames_it_in_search(editor_client, committed):
    source = Source.objects.create(domain="dawn.com")
    article = make_article("Budget", source=source)
    index_all()
    data = form_values(editor_client.get(change("source", source.pk)), "source_form")
    data["domain"] = "dawn.com.pk"
    with committed():
        assert editor_client.post(change("source", source.pk), data).status_code == 302
    assert facet("source") == {"dawn.com.pk": 1}
    assert search_ids(sources=["dawn.com.pk"]) == {article.pk}


def test_ingest_records_are_read_only_for_editors(editor_client):
    run = IngestRun.objects.create(paths="/data")
    IngestFailure.objects.create(run=run, path="/data/a.txt", code="empty", message="The file is empty.")
    assert editor_client.get(change("ingestrun", run.pk)).status_code == 200
    assert editor_client.get(reverse("admin:articles_ingestrun_add")).status_code == 403
    page = editor_client.get(change("ingestrun", run.pk)).content.decode()
    assert 'name="_save"' not in page
