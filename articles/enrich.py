"""Link articles to their people and topics: the database side of enrichment.

`Enricher.enrich(article, mentions)` replaces an article's rule-assigned person and topic links
(manual links are kept). People are one record across the archive: a name is looked up by
name and alias, then by a safe short-form rule ("Trump" -> "Donald Trump"; a later "Syed Asim
Munir" renames the existing "Asim Munir", keeping the old name as an alias). Names a curator
rejected are never linked. Topic links are made by rules with enough evidence
(articles.ingest.topics), and each keeps its score and hits. `reextract`, `apply_topics`,
`preview_topic_rule` and `topic_evidence` serve the admin, the `apply_topics` command and the
article page.
"""

import logging
import time
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.conf import settings
from django.db import transaction

from articles.indexing import queue_reindex
from articles.ingest.draft import MentionDraft
from articles.ingest.names import clean_name, is_short_key, name_key
from articles.ingest.people import load_extractor
from articles.ingest.topics import (
    DEFAULT_THRESHOLD,
    ArticleText,
    CompiledRule,
    Evidence,
    RuleError,
    compile_rule,
)
from articles.models import (
    Article,
    Assignment,
    Person,
    PersonAlias,
    PersonLink,
    RejectedName,
    Topic,
    TopicLink,
    free_slug,
)

logger = logging.getLogger(__name__)

BATCH = 500


class TopicRules:
    """The topics' compiled rules for one run. A topic whose rule does not compile, or whose
    regex runs over its time limit on an article, is logged, recorded in `failures` (for the
    curator) and left out for the rest of the run (its existing links are then left as they are)."""

    def __init__(self, topics: Iterable[Topic]):
        self.rules: dict[Topic, CompiledRule] = {}
        self.manual_only: list[Topic] = []
        self.failures: dict[Topic, str] = {}
        for topic in topics:
            if not topic.pattern.strip():
                self.manual_only.append(topic)
                continue
            try:
                self.rules[topic] = compile_rule(topic.rule, topic.pattern, topic.case_sensitive)
            except RuleError as error:
                self._fail(topic, error)

    @property
    def managed(self) -> list[Topic]:
        """The topics whose rule links this run recomputes (an empty pattern clears them)."""
        return [*self.rules, *self.manual_only]

    def matching(self, title: str, body: str) -> list[tuple[Topic, Evidence]]:
        """The topics whose rule has enough evidence in the article, with that evidence."""
        matched = []
        article = ArticleText(title, body)
        for topic, rule in list(self.rules.items()):
            try:
                evidence = rule.evidence(article)
            except RuleError as error:
                self._fail(topic, error)
                del self.rules[topic]
                continue
            if evidence is not None and evidence.score >= topic.threshold:
                matched.append((topic, evidence))
        return matched

    def _fail(self, topic: Topic, error: RuleError) -> None:
        """Leave the topic out, and say why where the curator sees it (the topic's admin)."""
        logger.warning("Topic %r is not applied: %s", topic.name, error)
        self.failures[topic] = str(error)
        if topic.pk is not None:
            Topic.objects.filter(pk=topic.pk).update(rule_error=str(error))


class PersonDirectory:
    """Every person's names and aliases by comparable key, built once and kept up to date."""

    def __init__(self):
        self.by_key: dict[tuple[str, ...], int] = {}
        self.canonical: dict[int, tuple[str, ...]] = {}
        self.by_surname: dict[str, set[tuple[str, ...]]] = defaultdict(set)
        for pk, name in Person.objects.values_list("pk", "name"):
            self.add(name_key(name), pk, canonical=True)
        for pk, name in PersonAlias.objects.values_list("person_id", "name"):
            self.add(name_key(name), pk)

    def add(self, key: tuple[str, ...], pk: int, canonical: bool = False) -> None:
        if not key:
            return
        self.by_key[key] = pk
        self.by_surname[key[-1]].add(key)
        if canonical:
            self.canonical[pk] = key

    def renumber(self, old: int, new: int) -> None:
        """The person known as `old` (a stand-in id) is row `new` from now on."""
        key = self.canonical.pop(old)
        self.add(key, new, canonical=True)

    def longer_forms(self, key: tuple[str, ...]) -> set[int]:
        """The people with a name or alias of which `key` is a short form."""
        return {self.by_key[k] for k in self.by_surname.get(key[-1], ()) if is_short_key(key, k)}

    def shorter_people(self, key: tuple[str, ...]) -> set[int]:
        """The people whose canonical name is a short form of `key`."""
        found = {self.by_key[k] for k in self.by_surname.get(key[-1], ()) if is_short_key(k, key)}
        return {pk for pk in found if is_short_key(self.canonical.get(pk, ()), key)}


class Enricher:
    """Links articles to people and topics; build one per run (it caches rules and names)."""

    def __init__(self):
        self.reload()

    def reload(self) -> None:
        """Read rules, rejected names and people afresh (after a rolled-back transaction)."""
        self.topics = TopicRules(Topic.objects.all())
        self.rejected = {name_key(name) for name in RejectedName.objects.values_list("name", flat=True)}
        self.people = PersonDirectory()
        self.persons: dict[int, Person | None] = {}
        # People created since the last save_new_people, under stand-in ids (negative), and the
        # slugs taken, theirs included.
        self.unsaved: dict[int, Person] = {}
        self.slugs = set(Person.objects.values_list("slug", flat=True))

    # --- people -------------------------------------------------------------------------------

    def resolve_person(self, name: str) -> Person | None:
        """The one Person for `name` (found, renamed to this longer form, or created);
        None when the name, or the person it would join, was rejected by a curator."""
        person = self._resolve(name)
        self.save_new_people()
        return person

    def _resolve(self, name: str) -> Person | None:
        """resolve_person, leaving a new person to save_new_people."""
        name = clean_name(name)
        key = name_key(name)
        if not key or key in self.rejected:
            return None
        if (person := self._existing(self.people.by_key.get(key))) is not None:
            return person
        longer = {pk for pk in self.people.longer_forms(key) if self._existing(pk)}
        if len(longer) == 1:
            person = self._existing(longer.pop())
            self._add_alias(person, name, key)
            return person
        if not longer:
            shorter = {pk for pk in self.people.shorter_people(key) if self._existing(pk)}
            if len(shorter) == 1:
                return self._lengthen(self._existing(shorter.pop()), name, key)
        return self._create(name, key)

    def _create(self, name: str, key: tuple[str, ...]) -> Person:
        """A new person, inserted with the others by save_new_people: one query for a batch's
        new people instead of two each. Until then it is known by a stand-in id."""
        person = Person(name=name, slug=free_slug(name, self.slugs.__contains__))
        self.slugs.add(person.slug)
        stand_in = -1 - len(self.unsaved)
        self.unsaved[stand_in] = person
        self.people.add(key, stand_in, canonical=True)
        self.persons[stand_in] = person
        return person

    def save_new_people(self) -> None:
        """Insert the people created since the last call (inside the caller's transaction, before
        the links to them), and know them by their ids from then on."""
        if not self.unsaved:
            return
        Person.objects.bulk_create(self.unsaved.values())
        for stand_in, person in self.unsaved.items():
            self.people.renumber(stand_in, person.pk)
            self.persons[person.pk] = self.persons.pop(stand_in)
        self.unsaved = {}

    def _existing(self, pk: int | None) -> Person | None:
        """The person with this id if it exists, fetched once per run. A caller whose transaction
        rolled back builds a new Enricher, so no person created in it is remembered."""
        if pk is None:
            return None
        if pk not in self.persons:
            self.persons[pk] = Person.objects.filter(pk=pk).first()
        return self.persons[pk]

    def _add_alias(self, person: Person, name: str, key: tuple[str, ...]) -> None:
        self.save_new_people()
        PersonAlias.objects.get_or_create(name=name, defaults={"person": person})
        self.people.add(key, person.pk)

    def _lengthen(self, person: Person, name: str, key: tuple[str, ...]) -> Person:
        """The longer form becomes the canonical name, the old one an alias; its articles are
        reindexed, since their index entries show the old name."""
        self.save_new_people()
        old_name = person.name
        person.name = name
        person.save(update_fields=["name"])
        PersonAlias.objects.get_or_create(name=old_name, defaults={"person": person})
        self.people.add(key, person.pk, canonical=True)
        queue_reindex(PersonLink.objects.filter(person=person).values_list("article_id", flat=True))
        return person

    # --- articles -----------------------------------------------------------------------------

    def enrich(self, article: Article, mentions: list[MentionDraft], *, new: bool = False) -> None:
        """Replace the article's rule-assigned person and topic links (run inside the caller's
        transaction; manual links are kept). `new`: the article has no links yet to replace."""
        self.link_people(article, mentions, new=new)
        self.link_topics(article, new=new)

    def new_links(
        self, article: Article, mentions: list[MentionDraft]
    ) -> tuple[list[PersonLink], list[TopicLink]]:
        """The person and topic links of an article that has none yet, for the caller to create
        with other articles' (inside its transaction, after save_new_people)."""
        return self._person_links(article, mentions), self._topic_links(article)

    def link_people(self, article: Article, mentions: list[MentionDraft], *, new: bool = False) -> None:
        links = self._person_links(article, mentions)
        self.save_new_people()
        if not new:
            PersonLink.objects.filter(article=article, assigned=Assignment.RULE).delete()
            manual = set(article.person_links.values_list("person_id", flat=True))
            links = [link for link in links if link.person_id not in manual]
        PersonLink.objects.bulk_create(links)

    def link_topics(self, article: Article, *, new: bool = False) -> None:
        links = self._topic_links(article)  # first: a rule over its time limit leaves `managed`
        if not new:
            managed = [topic.pk for topic in self.topics.managed]
            TopicLink.objects.filter(article=article, assigned=Assignment.RULE, topic_id__in=managed).delete()
            manual = set(article.topic_links.values_list("topic_id", flat=True))
            links = [link for link in links if link.topic_id not in manual]
        TopicLink.objects.bulk_create(links)

    def _person_links(self, article: Article, mentions: list[MentionDraft]) -> list[PersonLink]:
        # By the person itself: one not yet saved has no id (resolve_person returns one object
        # per person).
        by_person: dict[int, tuple[Person, list[dict]]] = {}
        for mention in mentions:
            person = self._resolve(mention.name)
            if person is not None:
                by_person.setdefault(id(person), (person, []))[1].append(
                    {"phrase": mention.phrase, "start": mention.start, "end": mention.end}
                )
        return [
            PersonLink(article=article, person=person, assigned=Assignment.RULE, mentions=found)
            for person, found in by_person.values()
        ]

    def _topic_links(self, article: Article) -> list[TopicLink]:
        return [
            rule_link(article.pk, topic.pk, evidence)
            for topic, evidence in self.topics.matching(article.title, article.body)
        ]


def rule_link(article_id: int, topic_id: int, evidence: Evidence) -> TopicLink:
    """A rule's link of a topic to an article, with the evidence it was made on."""
    return TopicLink(
        article_id=article_id,
        topic_id=topic_id,
        assigned=Assignment.RULE,
        score=evidence.score,
        evidence=evidence.as_json(),
    )


def reextract(articles) -> int:
    """Run the person extractor again on these articles' bodies and relink them (people and
    topics); returns how many articles were processed. Their index entries are queued."""
    extractor = load_extractor(settings.ARCHIVE_PERSON_EXTRACTOR)
    enricher = Enricher()
    done = []
    with transaction.atomic():
        for article in articles:
            enricher.enrich(article, extractor.extract(article.body))
            done.append(article.pk)
        queue_reindex(done)
    return len(done)


@dataclass
class ApplyReport:
    """What apply_topics did: articles read (of all there are), articles whose topics changed,
    whether every article was read before the time budget ran out, and the topics left out
    because their rule failed (topic name: a sentence for the curator)."""

    read: int = 0
    total: int = 0
    changed: int = 0
    complete: bool = True
    failures: dict[str, str] = field(default_factory=dict)


def apply_topics(topics=None, articles=None, *, seconds: float | None = None) -> ApplyReport:
    """Recompute the rule-assigned links of `topics` (all) on `articles` (all), with their
    evidence, keeping manual links; the articles whose topics changed are queued for
    reindexing. With `seconds`, stop after the batch that passes that budget (articles in id
    order): the report says how far it got."""
    rules = TopicRules(Topic.objects.all() if topics is None else topics)
    articles = Article.objects.all() if articles is None else articles
    report = ApplyReport(total=articles.count())
    deadline = None if seconds is None else time.monotonic() + seconds
    batch: list[tuple[int, str, str]] = []
    rows = articles.order_by("pk").values_list("pk", "title", "body").iterator(chunk_size=BATCH)
    for row in rows:
        batch.append(row)
        if len(batch) == BATCH:
            report.changed += _apply_batch(rules, batch)
            report.read += len(batch)
            batch = []
            if deadline is not None and time.monotonic() > deadline:
                break
    if batch:
        report.changed += _apply_batch(rules, batch)
        report.read += len(batch)
    report.complete = report.read >= report.total
    report.failures = {topic.name: message for topic, message in rules.failures.items()}
    return report


def _apply_batch(rules: TopicRules, batch: list[tuple[int, str, str]]) -> int:
    """Relink one batch of (article id, title, body) in one transaction; returns how many
    articles' topics changed (a changed score or evidence alone is saved but not counted)."""
    found = {
        (pk, topic.pk): evidence
        for pk, title, body in batch
        for topic, evidence in rules.matching(title, body)
    }
    managed = {topic.pk for topic in rules.managed}  # after matching: a timed-out topic is out
    wanted = {pair: evidence for pair, evidence in found.items() if pair[1] in managed}
    links = TopicLink.objects.filter(article_id__in=[pk for pk, _, _ in batch], topic_id__in=managed)
    existing = {(link.article_id, link.topic_id): link for link in links}
    stale = [
        pair for pair, link in existing.items() if link.assigned == Assignment.RULE and pair not in wanted
    ]
    new = [pair for pair in wanted if pair not in existing]
    refreshed = []
    for pair, link in existing.items():
        evidence = wanted.get(pair)
        if link.assigned == Assignment.RULE and evidence is not None:
            if (link.score, link.evidence) != (evidence.score, evidence.as_json()):
                link.score, link.evidence = evidence.score, evidence.as_json()
                refreshed.append(link)
    if not stale and not new and not refreshed:
        return 0
    with transaction.atomic():
        for article_id, topic_ids in group_by_article(stale).items():
            links.filter(article_id=article_id, topic_id__in=topic_ids, assigned=Assignment.RULE).delete()
        TopicLink.objects.bulk_create(rule_link(a, t, wanted[a, t]) for a, t in new)
        TopicLink.objects.bulk_update(refreshed, ["score", "evidence"])
        changed = {a for a, _ in stale} | {a for a, _ in new}
        queue_reindex(changed)
    return len(changed)


def group_by_article(pairs) -> dict[int, list[int]]:
    grouped = defaultdict(list)
    for article_id, topic_id in pairs:
        grouped[article_id].append(topic_id)
    return grouped


@dataclass(frozen=True)
class Preview:
    """What a rule would do: how many articles it matches with enough evidence, how many more
    it finds words in without enough, and some matched articles with their evidence."""

    matched: int
    too_weak: int
    samples: list[tuple[Article, Evidence]]


PREVIEW_SAMPLES = 10


def preview_topic_rule(
    rule: str, pattern: str, case_sensitive: bool, threshold: int = DEFAULT_THRESHOLD
) -> Preview:
    """What the rule would match, newest articles first in the samples (raises RuleError for a
    bad rule, or for a regex over its time limit on an article)."""
    compiled = compile_rule(rule, pattern, case_sensitive)
    matched = too_weak = 0
    samples: list[tuple[int, Evidence]] = []
    rows = Article.objects.order_by("-published", "-pk").values_list("pk", "title", "body")
    for pk, title, body in rows.iterator(chunk_size=BATCH):
        evidence = compiled.evidence(ArticleText(title, body))
        if evidence is None:
            continue
        if evidence.score < threshold:
            too_weak += 1
            continue
        matched += 1
        if len(samples) < PREVIEW_SAMPLES:
            samples.append((pk, evidence))
    articles = Article.objects.in_bulk([pk for pk, _ in samples])
    return Preview(matched, too_weak, [(articles[pk], evidence) for pk, evidence in samples])


@dataclass(frozen=True)
class TopicEvidence:
    """One topic of an article as its page shows it: how it was assigned, and why."""

    topic: Topic
    assigned: str
    score: int
    hits: list[dict]

    @property
    def by_hand(self) -> bool:
        return self.assigned == Assignment.MANUAL


def topic_evidence(article: Article) -> list[TopicEvidence]:
    """The article's topics with the evidence their rules found (no hits for topics set by hand)."""
    links = (
        TopicLink.objects.filter(article=article).select_related("topic").order_by("-score", "topic__name")
    )
    return [TopicEvidence(link.topic, link.assigned, link.score, link.evidence) for link in links]
