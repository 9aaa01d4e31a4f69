"""What the pipeline hands to the store: one article as read from a file, before the database."""

import datetime
from dataclasses import dataclass, field


@dataclass(frozen=True)
class MentionDraft:
    """One place in the body where a person is named: the canonical name, the phrase and its span."""

    name: str
    phrase: str
    start: int
    end: int


@dataclass
class ArticleDraft:
    """One article read from a file (a JSON Lines file gives one draft per record).

    `origin` names the article's place uniquely: the file path, plus `#<key>` for a record
    inside a multi-article file. `content_hash` is the SHA-256 of the file's bytes (of the
    record's canonical JSON for a record), so identical content under two paths is one article.
    `date_source` says where `published` came from, a key of DATE_SOURCES, or "" when no date
    was found.
    """

    origin: str
    content_hash: str
    title: str
    body: str
    published: datetime.date | None = None
    date_source: str = ""
    source_url: str = ""
    dateline: str = ""
    format: str = "text"
    mentions: list[MentionDraft] = field(default_factory=list)


# Where a publication date was read from, most trusted first.
DATE_SOURCES = {
    "header": "date header line",
    "published-line": "“Published:” line",
    "metadata": "record or page metadata",
    "url": "date in the source URL",
    "path": "date in the file's name or folder",
    "batch": "date given for the ingest batch",
    "curator": "set by a curator",
}


@dataclass(frozen=True)
class FileFailure:
    """A file (or one record of it) that could not be read, with a machine code and a sentence."""

    origin: str
    code: str
    message: str
