"""articles.curation: merging and rejecting people, deleting and reindexing, retrying failed files."""

import pytest

from articles import curation, indexing
from articles.ingest_run import ingest_paths
from articles.models import (
    Article,
    Assignment,
    IngestFailure,
    Person,
    PersonAlias,
    PersonLink,
    RejectedName,
    Source,
    Topic,
)
from tests.admin_support import facet, index_all, make_article, search_ids

pytestmark = pytest.mark.django_db


@pytest.fixture
def committed(django_capture_on_commit_callbacks):
    """Run the on-commit hooks (the index writes) of whatever runs inside it, as a real commit would."""
    return lambda: django_capture_on_commit_callbacks(execute=True)


def test_merge_mentions_keeps_each_span_once_in_text_order():
    first = [{"phrase": "Dar", "start": 50, "end": 53}, {"phrase": "Ishaq Dar", "start": 10, "end": 19}]
    second = [{"phrase": "Ishaq Dar", "start": 10, "end": 19}, {"phrase": "Mr Dar", "start": 30, "end": 36}]
    merged = curation.merge_mentions(first, second)
    assert [m["start"] for m in merged] == [10, 30, 50]


def test_plan_merge_counts_without_changing_anything():
    target = Person.objects.create(name="Ishaq Dar")
    other = Person.objects.create(name="Ishaq Daar")
    PersonAlias.objects.create(person=other, name="I. Daar")
    shared = make_article("Talks", people=[target, other])
    make_article("Visit", people=[other])

    plan = curation.plan_merge(target, [target, other])

    assert (plan.articles, plan.shared_articles, plan.mentions) == (2, 1, 2)
    assert plan.new_aliases == ["I. Daar", "Ishaq Daar"]
    assert plan.others == [other]
    assert PersonLink.objects.filter(person=other).count() == 2
    assert shared.persons.count() == 2


def test_merge_people_moves_links_aliases_and_index(committed):
    target = Person.objects.create(name="Ishaq Dar")
    other = Person.objects.create(name="Ishaq Daar")
    PersonAlias.objects.create(person=other, name="I. Daar")
    shared = make_article("Talks in Washington", "Ishaq Dar met Rubio. Ishaq Daar said", people=[target])
    PersonLink.objects.create(
        article=shared,
        person=other,
        assigned=Assignment.MANUAL,
        mentions=[{"phrase": "Ishaq Daar", "start": 26, "end": 36}],
    )
    alone = make_article("Visit to Beijing", people=[other])
    index_all()
    assert facet("person")["Ishaq Daar"] == 2

    with committed():
        curation.merge_people(target, [other])

    assert not Person.objects.filter(pk=other.pk).exists()
    assert set(target.aliases.values_list("name", flat=True)) == {"Ishaq Daar", "I. Daar"}
    link = PersonLink.objects.get(article=shared)
    assert link.person == target and link.assigned == Assignment.MANUAL
    assert [m["start"] for m in link.mentions] == [0, 26]
    assert PersonLink.objects.get(article=alone).person == target
    assert facet("person") == {"Ishaq Dar": 2}
    assert search_ids(persons=["Ishaq Dar"]) == {shared.pk, alone.pk}


def test_reject_names_refuses_names_and_aliases_and_unlinks(committed):
    wrong = Person.objects.create(name="Foreign Office")
    PersonAlias.objects.create(person=wrong, name="The Foreign Office")
    kept = Person.objects.create(name="Marco Rubio")
    article = make_article("Call", people=[wrong, kept])
    index_all()

    with committed():
        summary = curation.reject_names([wrong])

    assert summary.names == ["Foreign Office", "The Foreign Office"]
    assert (summary.people, summary.articles) == (1, 1)
    assert set(RejectedName.objects.values_list("name", flat=True)) == set(summary.names)
    assert list(article.persons.all()) == [kept]
    assert facet("person") == {"Marco Rubio": 1}


@pytest.mark.parametrize(
    "model, make",
    [
        (Topic, lambda: Topic.objects.create(name="Oil")),
        (Source, lambda: Source.objects.create(domain="dawn.com")),
    ],
)
def test_delete_and_reindex_drops_the_name_from_the_index(committed, model, make):
    thing = make()
    fields = {"topics": [thing]} if model is Topic else {"source": thing}
    article = make_article("Crude prices", **fields)
    index_all()
    assert search_ids(q="crude") == {article.pk}

    with committed():
        curation.delete_and_reindex(model.objects.filter(pk=thing.pk))

    assert facet("topic", q="crude") == {} and facet("source", q="crude") == {}


def test_reindex_handles_more_ids_than_one_batch(committed):
    articles = [make_article(f"Article {n}") for n in range(indexing.BATCH + 3)]
    index_all()
    type(articles[0]).objects.update(title="Renamed")
    with committed():
        indexing.queue_reindex([a.pk for a in articles])
    assert len(list(curation.index_matches("renamed")[0])) == len(articles)


def test_file_of_strips_a_record_key_but_keeps_a_hash_in_a_real_file_name(tmp_path):
    real = tmp_path / "notes#1.txt"
    real.write_text("x")
    assert curation.file_of(str(real)) == str(real)
    assert curation.file_of(f"{tmp_path}/feed.jsonl#12") == f"{tmp_path}/feed.jsonl"
    assert curation.file_of(f"{tmp_path}/gone.txt") == f"{tmp_path}/gone.txt"


def test_retry_failures_ingests_the_fixed_files_and_resolves_them(tmp_path, seeds_dir):
    fixed, still_empty = tmp_path / "fixed.txt", tmp_path / "still-empty.txt"
    fixed.write_bytes(b"")
    still_empty.write_bytes(b"")
    first = ingest_paths([tmp_path]).run
    assert set(first.failures.values_list("code", flat=True)) == {"empty"}
    fixed.write_bytes(next(seeds_dir.glob("*.txt")).read_bytes())

    result = curation.retry_failures(IngestFailure.objects.filter(run=first))

    assert (result.resolved, result.still_failing) == (1, 1)
    assert result.paths == sorted([str(fixed), str(still_empty)])
    assert IngestFailure.objects.get(path=str(fixed)).resolved
    assert not IngestFailure.objects.get(path=str(still_empty), run=first).resolved
    assert Article.objects.filter(files__path=str(fixed)).exists()
    assert (result.run.new, result.run.failed) == (1, 1)
