"""Enrichment in the database: one person across spellings, rejected names, manual links kept,
topic rules applied, the starter topics and the apply_topics command."""

import io
import itertools
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from articles.enrich import Enricher, apply_topics, preview_topic_rule, reextract
from articles.ingest.draft import ArticleDraft, MentionDraft
from articles.ingest.topics import RuleError, validate_rule
from articles.ingest_run import ingest_paths
from articles.models import (
    Article,
    Assignment,
    Person,
    PersonAlias,
    PersonLink,
    RejectedName,
    Topic,
    TopicLink,
)
from articles.store import Catalog, store_new

pytestmark = pytest.mark.django_db
NUMBERS = itertools.count()


def make_article(body, title="A title"):
    n = next(NUMBERS)
    return Article.objects.create(title=title, body=body, origin=f"test/{n}", content_hash=f"hash-{n}")


def mention(name, phrase=None, start=0):
    phrase = phrase or name
    return MentionDraft(name, phrase, start, start + len(phrase))


def people_of(article):
    return {link.person.name for link in PersonLink.objects.filter(article=article)}


@pytest.mark.parametrize(
    ("first", "second", "canonical", "alias"),
    [
        ("Asim Munir", "Syed Asim Munir", "Syed Asim Munir", "Asim Munir"),
        ("Syed Asim Munir", "Asim Munir", "Syed Asim Munir", "Asim Munir"),
        ("Trump", "Donald Trump", "Donald Trump", "Trump"),
        ("Donald Trump", "Trump", "Donald Trump", "Trump"),
    ],
)
def test_spellings_across_articles_are_one_person_in_either_order(first, second, canonical, alias):
    one, two = make_article("one"), make_article("two")
    Enricher().enrich(one, [mention(first)])
    Enricher().enrich(two, [mention(second)])
    (person,) = Person.objects.all()
    assert person.name == canonical
    assert list(person.aliases.values_list("name", flat=True)) == [alias]
    assert people_of(one) == people_of(two) == {canonical}


def test_the_longer_form_reindexes_the_articles_that_showed_the_short_one(django_capture_on_commit_callbacks):
    old = make_article("old")
    Enricher().enrich(old, [mention("Asim Munir")])
    Article.objects.filter(pk=old.pk).update(needs_indexing=False)
    with django_capture_on_commit_callbacks(execute=False):
        Enricher().enrich(make_article("new"), [mention("Syed Asim Munir")])
    assert Article.objects.get(pk=old.pk).needs_indexing


def test_an_ambiguous_short_form_joins_nobody():
    enricher = Enricher()
    enricher.resolve_person("James Baker")
    enricher.resolve_person("Howard Baker")
    assert enricher.resolve_person("Baker").name == "Baker"
    assert Person.objects.count() == 3


def test_a_surname_alias_does_not_swallow_another_person_of_that_surname():
    enricher = Enricher()
    donald = enricher.resolve_person("Donald Trump")
    assert enricher.resolve_person("Trump") == donald
    assert enricher.resolve_person("Melania Trump") != donald
    assert set(Person.objects.values_list("name", flat=True)) == {"Donald Trump", "Melania Trump"}


def test_rejected_names_are_never_created_or_linked():
    RejectedName.objects.create(name="Abraham Accords")
    article = make_article("body")
    Enricher().enrich(article, [mention("Abraham Accords"), mention("Marco Rubio")])
    assert people_of(article) == {"Marco Rubio"}
    assert not Person.objects.filter(name="Abraham Accords").exists()


def test_enrich_replaces_rule_links_keeps_manual_ones_and_stores_mentions():
    article = make_article("Marco Rubio met Ishaq Dar.")
    curated = Person.objects.create(name="Curated Person")
    PersonLink.objects.create(article=article, person=curated, assigned=Assignment.MANUAL)
    enricher = Enricher()
    enricher.enrich(article, [mention("Marco Rubio"), mention("Ishaq Dar", start=15)])
    enricher.enrich(article, [mention("Marco Rubio"), mention("Marco Rubio", "Rubio", start=30)])
    assert people_of(article) == {"Marco Rubio", "Curated Person"}
    link = PersonLink.objects.get(article=article, person__name="Marco Rubio")
    assert link.mentions == [
        {"phrase": "Marco Rubio", "start": 0, "end": 11},
        {"phrase": "Rubio", "start": 30, "end": 35},
    ]


def test_seeds_ingested_give_one_person_per_real_person(seeds_dir):
    report = ingest_paths([seeds_dir], workers=1)
    assert report.counts["new"] == 5
    names = set(Person.objects.values_list("name", flat=True))
    assert names == {
        "Ishaq Dar",
        "Marco Rubio",
        "Donald Trump",
        "Syed Asim Munir",
        "Muhammad Aurangzeb",
        "Ali Hasnain",
    }
    assert PersonAlias.objects.filter(name="Asim Munir", person__name="Syed Asim Munir").exists()
    assert Person.objects.get(name="Ishaq Dar").articles.count() == 5
    assert not Person.objects.filter(name__icontains="Bushra").exists()


def test_seeds_get_topics_from_the_starter_rules(seeds_dir):
    ingest_paths([seeds_dir], workers=1)
    for article in Article.objects.all():
        topics = set(article.topics.values_list("slug", flat=True))
        assert {"diplomacy", "pakistan", "united-states"} <= topics, article.title
    tariffs = Topic.objects.get(slug="trade-and-tariffs").articles.count()
    assert tariffs >= 3


def test_starter_topics_are_installed_with_valid_rules():
    starter = Topic.objects.filter(slug__in=["diplomacy", "trade-and-tariffs", "afghanistan", "china"])
    assert starter.count() == 4
    for topic in Topic.objects.all():
        assert topic.description
        assert validate_rule(topic.rule, topic.pattern) == "", topic.name


def test_apply_topics_keeps_manual_links_and_drops_stale_rule_links():
    Topic.objects.all().delete()
    oil = Topic.objects.create(name="Oil", slug="oil", rule="any", pattern="oil, crude", threshold=1)
    gold = Topic.objects.create(name="Gold", slug="gold", rule="any", pattern="gold", threshold=1)
    about_oil, about_gold = make_article("Crude oil rose."), make_article("Gold fell.")
    TopicLink.objects.create(article=about_gold, topic=oil, assigned=Assignment.MANUAL)
    TopicLink.objects.create(article=about_oil, topic=gold, assigned=Assignment.RULE)  # stale

    assert apply_topics().changed == 2
    links = set(TopicLink.objects.values_list("article__body", "topic__slug", "assigned"))
    assert links == {
        ("Crude oil rose.", "oil", "rule"),
        ("Gold fell.", "gold", "rule"),
        ("Gold fell.", "oil", "manual"),
    }
    assert apply_topics().changed == 0

    oil.pattern = ""
    oil.save()
    assert apply_topics(topics=[oil]).changed == 1
    assert set(TopicLink.objects.filter(topic=oil).values_list("assigned", flat=True)) == {"manual"}


def test_apply_topics_command_reports_counts_and_refuses_unknown_slugs():
    make_article("Tariffs and a trade deal.", title="Tariffs")
    output = io.StringIO()
    call_command("apply_topics", "--topic", "trade-and-tariffs", stdout=output)
    assert "Applied 1 topic(s) to 1 article(s): 1 article(s) changed." in output.getvalue()
    with pytest.raises(CommandError, match="No topic with the slug nonsense"):
        call_command("apply_topics", "--topic", "nonsense")


def test_preview_counts_the_articles_a_rule_would_match_and_shows_why():
    (
        make_article("Crude oil rose."),
        make_article("Oil fell. Oil fell again.", title="Oil"),
        make_article("Turmoil."),
    )
    preview = preview_topic_rule("any", "oil", False, threshold=1)
    assert (preview.matched, preview.too_weak) == (2, 0)
    newest = preview.samples[0]  # undated, so by id: the last made first
    assert newest[0].title == "Oil"
    assert str(newest[1]) == "oil (title); oil (lead ×2)"
    assert newest[1].score == 3 + 2 + 2
    preview = preview_topic_rule("any", "oil", False, threshold=3)
    assert (preview.matched, preview.too_weak) == (1, 1)
    assert preview_topic_rule("phrase", "crude oil", False, threshold=1).matched == 1


def test_reextract_relinks_people_from_the_body():
    article = make_article("Treasury Secretary James Baker spoke. Baker agreed.")
    assert reextract(Article.objects.filter(pk=article.pk)) == 1
    link = PersonLink.objects.get(article=article)
    assert link.person.name == "James Baker"
    assert [m["phrase"] for m in link.mentions] == ["James Baker", "Baker"]


def test_a_regex_over_its_time_limit_is_dropped_for_the_run_and_its_links_kept():
    Topic.objects.all().delete()
    slow = Topic.objects.create(name="Slow", slug="slow", rule="regex", pattern=r"(a+)+$")
    Topic.objects.create(name="Oil", slug="oil", rule="any", pattern="oil")
    article = make_article("a" * 5000 + "! oil", title="Oil")
    TopicLink.objects.create(article=article, topic=slow, assigned=Assignment.RULE)
    report = apply_topics()
    assert report.changed == 1
    assert "longer than" in report.failures["Slow"]
    assert set(article.topics.values_list("slug", flat=True)) == {"slow", "oil"}
    Enricher().enrich(article, [])
    assert set(article.topics.values_list("slug", flat=True)) == {"slow", "oil"}


# --- topics with evidence ---------------------------------------------------------------------


def topics_of(article):
    return set(article.topics.values_list("slug", flat=True))


def test_a_rule_link_records_its_score_and_the_words_found_where():
    Topic.objects.all().delete()
    topic = Topic.objects.create(name="Oil", slug="oil", rule="any", pattern="oil, crude")
    article = make_article("Crude prices rose.\n\nOil traders were calm.", title="Oil at a high")
    Enricher().enrich(article, [])
    link = TopicLink.objects.get(article=article, topic=topic)
    assert link.score == 3 + 2 + 1
    assert link.evidence == [
        {"text": "oil", "where": "title", "count": 1},
        {"text": "crude", "where": "lead", "count": 1},
        {"text": "oil", "where": "body", "count": 1},
    ]


def test_a_passing_mention_is_not_enough_and_the_threshold_is_per_topic():
    Topic.objects.all().delete()
    strict = Topic.objects.create(name="Gold", slug="gold", rule="any", pattern="gold")
    lenient = Topic.objects.create(
        name="Gold (any)", slug="gold-any", rule="any", pattern="gold", threshold=1
    )
    body = "Markets were quiet.\n\nElsewhere, gold was flat."
    article = make_article(body, title="Shares steady")
    Enricher().enrich(article, [])
    assert topics_of(article) == {lenient.slug}
    assert apply_topics([strict, lenient]).changed == 0


@pytest.mark.parametrize(
    ("title", "body", "not_expected"),
    [
        (
            "Tories name a Shadow Secretary of State for the Family",
            "The Conservatives named a Shadow Secretary of State for the Family on Monday, promising "
            "help with childcare.\n\nThe new post covers nurseries and tax credits.",
            "diplomacy",
        ),
        (
            "Rail fares to rise by 4%",
            "Commuters face higher fares from January, the train operators said.\n\nFares in the US "
            "and France rose less, campaigners said, and Washington subsidises Amtrak.\n\n"
            "Ministers said the rise was needed to pay for new trains.",
            "united-states",
        ),
        (
            "Weak dollar hits exporters",
            "The dollar fell to a record low against the euro yesterday, hurting European "
            "exporters.\n\nTraders blamed America's twin deficits; household debt and company loans "
            "were not the worry, one analyst said.",
            "debt-imf-and-aid",
        ),
    ],
)
def test_the_starter_topics_need_more_than_a_single_keyword(title, body, not_expected):
    article = make_article(body, title=title)
    Enricher().enrich(article, [])
    assert not_expected not in topics_of(article)


def test_the_starter_topics_still_apply_with_real_evidence():
    article = make_article(
        "The Foreign Secretary met the US ambassador in London.\n\nDiplomats said the summit would "
        "follow in Washington.",
        title="Foreign Secretary and US ambassador agree summit",
    )
    Enricher().enrich(article, [])
    assert {"diplomacy", "united-states"} <= topics_of(article)


def test_apply_topics_stops_within_its_time_budget_and_says_how_far_it_got(monkeypatch):
    monkeypatch.setattr("articles.enrich.BATCH", 2)
    Topic.objects.all().delete()
    oil = Topic.objects.create(name="Oil", slug="oil", rule="any", pattern="oil", threshold=1)
    for _ in range(5):
        make_article("Oil rose.")
    report = apply_topics([oil], seconds=0)
    assert (report.read, report.total, report.complete) == (2, 5, False)
    assert oil.articles.count() == 2
    report = apply_topics([oil])
    assert (report.read, report.complete, report.changed) == (5, True, 3)


def test_a_catastrophic_regex_is_reported_in_preview_apply_and_ingest_and_not_applied(caplog):
    Topic.objects.all().delete()
    runaway = Topic.objects.create(name="Runaway", slug="runaway", rule="regex", pattern=r"(x+x+)+y")
    article = make_article(("Text " + "x" * 1000 + " more\n") * 3, title="Runs of x")
    with pytest.raises(RuleError, match="longer than"):
        preview_topic_rule(runaway.rule, runaway.pattern, False)
    report = apply_topics([runaway])
    assert "longer than" in report.failures["Runaway"] and report.changed == 0
    enricher = Enricher()
    enricher.enrich(article, [])
    assert runaway in enricher.topics.failures
    assert "Runaway" in caplog.text
    assert not TopicLink.objects.filter(topic=runaway).exists()


def test_the_article_page_says_why_it_has_its_topics(client):
    Topic.objects.all().delete()
    Topic.objects.create(name="Oil", slug="oil", rule="any", pattern="oil, crude")
    manual = Topic.objects.create(name="Curated", slug="curated", rule="any", pattern="")
    article = make_article("Crude prices rose.\n\nOil <b>traders</b> were calm.", title="Oil at a high")
    Enricher().enrich(article, [])
    TopicLink.objects.create(article=article, topic=manual, assigned=Assignment.MANUAL)
    page = client.get(article.get_absolute_url()).content.decode()
    assert "Why these topics" in page
    assert "“oil” in the title, “crude” in the lead, “oil” in the body" in page
    assert "Curated</strong>:\n      set by a curator" in page


def test_an_ingest_names_the_topic_rules_it_left_unapplied(tmp_path):
    Topic.objects.all().delete()
    Topic.objects.create(name="Runaway", slug="runaway", rule="regex", pattern=r"(x+x+)+y")
    (tmp_path / "runs.txt").write_text("Runs of x\n\n" + ("Text " + "x" * 1000 + " more\n") * 3)
    report = ingest_paths([tmp_path])
    assert report.counts["new"] == 1
    assert "longer than" in report.topics_not_applied["Runaway"]
    assert "topic 'Runaway' not applied" in report.summary()


def test_a_rule_over_its_time_limit_is_marked_for_the_curator_until_it_is_changed(client):
    Topic.objects.all().delete()
    runaway = Topic.objects.create(name="Runaway", slug="runaway", rule="regex", pattern=r"(x+x+)+y")
    make_article(("Text " + "x" * 1000 + " more\n") * 3, title="Runs of x")
    apply_topics([runaway])
    runaway.refresh_from_db()
    assert "longer than" in runaway.rule_error
    runaway.pattern = r"\bx+y\b"
    runaway.save()
    assert runaway.rule_error  # only the admin's save of a changed rule clears it


def test_the_sample_corpus_gives_its_five_people():
    sample = Path(__file__).resolve().parent.parent / "sample"
    ingest_paths([sample], workers=1)
    names = set(Person.objects.values_list("name", flat=True))
    aliases = set(PersonAlias.objects.values_list("name", flat=True))
    for person in [
        "Tariq Mahmood Qureshi",
        "Elena M. Vasquez",
        "Helena K. Marsh",
        "Kenji Arakawa",
        "Amélie Durand",
    ]:
        assert person in names, (person, names)
    assert {"Elena Vasquez", "Tariq Qureshi"} <= aliases
    assert not names & {"Vasquez", "Durand", "Qureshi", "Amelie Durand"}


def test_a_batchs_new_people_are_inserted_in_one_query_with_the_names_and_slugs_one_at_a_time_gives():
    Person.objects.create(name="Obrien Smith")  # slug "obrien-smith" is taken
    names = [["O'Brien Smith", "Ann Lee"], ["O.Brien Smith", "Ann Lee", "Trump"], ["Donald Trump"]]
    drafts = [
        ArticleDraft(origin=f"batch/{n}", content_hash=f"batch-{n}", title="Talks", body="Talks went on.")
        for n in range(len(names))
    ]
    for draft, found in zip(drafts, names, strict=True):
        draft.mentions = [mention(name) for name in found]
    with CaptureQueriesContext(connection) as queries:
        store_new(drafts, Catalog(), Enricher())
    inserts = [q for q in queries.captured_queries if q["sql"].startswith('INSERT INTO "articles_person"')]
    assert len(inserts) == 1  # all four, saved when "Donald Trump" renames "Trump"
    assert dict(Person.objects.values_list("name", "slug")) == {
        "Obrien Smith": "obrien-smith",
        "O'Brien Smith": "obrien-smith-2",
        "O.Brien Smith": "obrien-smith-3",
        "Ann Lee": "ann-lee",
        "Donald Trump": "trump",
    }
    assert set(PersonAlias.objects.values_list("name", flat=True)) == {"Trump"}
    assert people_of(Article.objects.get(origin="batch/1")) == {"O.Brien Smith", "Ann Lee", "Donald Trump"}
