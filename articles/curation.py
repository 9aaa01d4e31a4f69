"""What curators do to the archive, as plain functions the admin calls: merge and reject people,
delete people, topics or sources, reindex articles, retry failed files.

Each change runs in one transaction and queues the articles it touched for the search index,
which writes them after the commit (articles.indexing).
"""

from dataclasses import dataclass
from itertools import islice
from pathlib import Path

from django.db import transaction

from articles.indexing import queue_reindex
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
)
from articles.search import backend
from articles.search.types import SearchRequest

# How each curated model reaches its articles; the index entry of an article carries their names.
ARTICLES_VIA = {Person: "persons", Topic: "topics", Source: "source"}

# The admin's text search takes at most this many of the index's best matches.
INDEX_SEARCH_LIMIT = 2000


def article_ids(queryset) -> list[int]:
    """The distinct ids of the articles linked to the people, topics or sources of `queryset`."""
    lookup = f"{ARTICLES_VIA[queryset.model]}__in"
    return list(
        Article.objects.filter(**{lookup: queryset.values("pk")}).values_list("pk", flat=True).distinct()
    )


@transaction.atomic
def delete_and_reindex(queryset) -> int:
    """Delete people, topics or sources and reindex the articles that named them."""
    affected = article_ids(queryset)
    count, _ = queryset.delete()
    queue_reindex(affected)
    return count


def index_matches(text: str) -> tuple[list[int], bool]:
    """The ids of the articles the search index finds for `text`, best first, and whether there
    were more than INDEX_SEARCH_LIMIT (then only the best are returned)."""
    ids = list(islice(backend().iter_ids(SearchRequest(q=text)), INDEX_SEARCH_LIMIT + 1))
    return ids[:INDEX_SEARCH_LIMIT], len(ids) > INDEX_SEARCH_LIMIT


@dataclass(frozen=True)
class MergePlan:
    """What merging `others` into `target` changes, for the confirmation page and the report after."""

    target: Person
    others: list[Person]
    articles: int  # articles of the others, now linked to the target
    shared_articles: int  # of those, the ones already linked to the target: their mentions are merged
    mentions: int  # mentions that move to the target
    new_aliases: list[str]  # names the target answers to from now on


def plan_merge(target: Person, others: list[Person]) -> MergePlan:
    """What merge_people(target, others) would do, without doing it."""
    others = [p for p in others if p.pk != target.pk]
    links = list(PersonLink.objects.filter(person__in=others).only("article_id", "mentions"))
    moved_articles = {link.article_id for link in links}
    shared = set(
        PersonLink.objects.filter(person=target, article_id__in=moved_articles).values_list(
            "article_id", flat=True
        )
    )
    alias_names = PersonAlias.objects.filter(person__in=others).values_list("name", flat=True)
    new_aliases = sorted({p.name for p in others} | set(alias_names) - {target.name})
    return MergePlan(
        target=target,
        others=others,
        articles=len(moved_articles),
        shared_articles=len(shared),
        mentions=sum(len(link.mentions) for link in links),
        new_aliases=new_aliases,
    )


@transaction.atomic
def merge_people(target: Person, others: list[Person]) -> MergePlan:
    """Make `others` one person with `target`: their links move to the target (mentions merged
    where both name the same article), their names and aliases become the target's aliases, and
    they are deleted. Returns the plan it carried out."""
    plan = plan_merge(target, others)
    others = plan.others
    affected = set()
    target_links = {link.article_id: link for link in PersonLink.objects.filter(person=target)}
    for link in PersonLink.objects.filter(person__in=others).order_by("pk"):
        affected.add(link.article_id)
        kept = target_links.get(link.article_id)
        if kept is None:
            link.person = target
            link.save(update_fields=["person"])
            target_links[link.article_id] = link
            continue
        kept.mentions = merge_mentions(kept.mentions, link.mentions)
        if link.assigned == Assignment.MANUAL:
            kept.assigned = Assignment.MANUAL
        kept.save(update_fields=["mentions", "assigned"])
        link.delete()
    PersonAlias.objects.filter(person__in=others).update(person=target)
    PersonAlias.objects.filter(person=target, name=target.name).delete()
    names = [p.name for p in others]
    Person.objects.filter(pk__in=[p.pk for p in others]).delete()
    for name in names:
        PersonAlias.objects.update_or_create(name=name, defaults={"person": target})
    queue_reindex(sorted(affected))
    return plan


def merge_mentions(first: list[dict], second: list[dict]) -> list[dict]:
    """Both lists of mentions, each span once, in text order."""
    by_span = {(m["start"], m["end"]): m for m in [*second, *first]}
    return [by_span[span] for span in sorted(by_span)]


@dataclass(frozen=True)
class RejectSummary:
    """What reject_names() did: the names now refused, the people deleted, the articles changed."""

    names: list[str]
    people: int
    articles: int


@transaction.atomic
def reject_names(people) -> RejectSummary:
    """Mark these people's names (and aliases) as not a person, so that ingest never links them
    again; delete the people with their links and reindex their articles."""
    people = Person.objects.filter(pk__in=[p.pk for p in people])
    person_count = people.count()
    aliases = PersonAlias.objects.filter(person__in=people).values_list("name", flat=True)
    names = sorted({*people.values_list("name", flat=True), *aliases})
    for name in names:
        RejectedName.objects.get_or_create(name=name)
    affected = article_ids(people)
    people.delete()
    queue_reindex(affected)
    return RejectSummary(names=names, people=person_count, articles=len(affected))


@dataclass(frozen=True)
class RetryResult:
    """What retry_failures() did: the run it made, the files retried, how many now pass."""

    run: IngestRun
    paths: list[str]
    resolved: int
    still_failing: int


def retry_failures(failures) -> RetryResult:
    """Ingest the files of these failures again; ingest marks a failure resolved once its file
    (or record) goes in. A record's origin ("feed.jsonl#12") is retried through its file."""
    failures = list(failures)
    paths = sorted({file_of(f.path) for f in failures})
    run = ingest_paths(paths).run
    resolved = IngestFailure.objects.filter(pk__in=[f.pk for f in failures], resolved=True).count()
    return RetryResult(run=run, paths=paths, resolved=resolved, still_failing=len(failures) - resolved)


def file_of(origin: str) -> str:
    """The file an origin was read from: the origin itself, or the part before "#<record key>"."""
    if Path(origin).exists() or "#" not in origin:
        return origin
    return origin.rpartition("#")[0]
