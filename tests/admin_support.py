"""Helpers for the admin and curation tests: articles built in the database and indexed, and
search answers read back. No tests here."""

import hashlib
import itertools

from articles.indexing import flush_pending
from articles.models import Article, Person, PersonLink, Topic, TopicLink
from articles.search.whoosh.query import SearchRequest, search

_serial = itertools.count()


def make_article(title, body="", *, published=None, people=(), topics=(), source=None, **fields):
    """An article linked by rule to `people` (Person or name; one mention each) and `topics`."""
    body = body or f"{title}. " + " ".join(str(p) for p in people)
    digest = hashlib.sha256(f"{title}{next(_serial)}".encode()).hexdigest()
    article = Article.objects.create(
        title=title,
        body=body,
        published=published,
        source=source,
        origin=f"/test/{digest}.txt",
        content_hash=digest,
        **fields,
    )
    for person in people:
        person = person if isinstance(person, Person) else Person.objects.get_or_create(name=person)[0]
        start = max(body.find(person.name), 0)
        mention = {"phrase": person.name, "start": start, "end": start + len(person.name)}
        PersonLink.objects.create(article=article, person=person, mentions=[mention])
    for topic in topics:
        topic = topic if isinstance(topic, Topic) else Topic.objects.get_or_create(name=topic)[0]
        TopicLink.objects.create(article=article, topic=topic)
    return article


def index_all():
    """Index every article the tests created (they are all marked `needs_indexing`)."""
    return flush_pending()


def search_ids(**request):
    return {hit.id for hit in search(SearchRequest(**request)).hits}


def facet(name, **request):
    """{value: count} of one facet ("person", "topic", "source") for a search."""
    return {f.value: f.count for f in search(SearchRequest(**request)).facets[name]}
