"""Index documents written with names, as tests read best, indexed with the row ids the index
really holds: each person, topic and source is created in the database on first use."""

import dataclasses

from articles.models import Person, Source, Topic
from articles.search.whoosh import index


def person_ids(names) -> list[int]:
    return [Person.objects.get_or_create(name=name)[0].pk for name in names]


def topic_ids(names) -> list[int]:
    return [Topic.objects.get_or_create(name=name)[0].pk for name in names]


def source_id(name: str) -> int | None:
    """A source known by this display name: its domain when it looks like one, else its name."""
    if not name:
        return None
    if "." in name and " " not in name:
        return Source.objects.get_or_create(domain=name)[0].pk
    return Source.objects.get_or_create(name=name, defaults={"domain": f"{name.lower()}.example"})[0].pk


def with_ids(doc: index.IndexDocument) -> index.IndexDocument:
    """The document with its names replaced by the ids of rows carrying them."""
    return dataclasses.replace(
        doc, persons=person_ids(doc.persons), topics=topic_ids(doc.topics), source=source_id(doc.source)
    )


def index_named(docs, **options) -> int:
    """index.add_or_update for documents whose people, topics and source are names."""
    return index.add_or_update([with_ids(d) for d in docs], **options)
