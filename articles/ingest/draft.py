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


# The rules by which ingest takes text out of an article's source, each with how curators read
# it in the plural ("removed on ingest: 3 lines, share prompts"). The removed text is kept with
# the article (Article.removals), so that every word of a source is in the article or here.
REMOVAL_RULES = {
    "share-prompt": "share prompts",
    "follow-prompt": "follow prompts",
    "subscribe-prompt": "subscription and app prompts",
    "comment-form": "comment forms",
    "related-link": "related links",
    "notice": "rights and cookie notices",
    "page-label": "page labels",
    "link-line": "lines that are only a link",
    "byline": "bylines",
    "date-header": "date headers (kept as the date)",
    "published-line": "“Published:” lines (kept as the date)",
    "source-url": "source URLs (kept as the source link)",
    "unsafe-url": "source URLs refused (not http or https)",
    "dateline": "datelines (the place kept as the dateline)",
    "title-repeated": "titles repeated at the top of the text",
    "headline": "page headlines (the page's title differs)",
    "page-furniture": "page furniture (asides, captions, widgets, forms)",
    "too-long": "text beyond a column's length",
}
# Characters of the following kept line a removal remembers (where a curator puts it back).
BEFORE_CHARS = 80


@dataclass(frozen=True)
class Removal:
    """Text that ingest took out of an article's source: the text, the rule (a key of
    REMOVAL_RULES), and the start of the kept line that followed it ("" at the end)."""

    text: str
    rule: str
    before: str = ""

    def as_json(self) -> dict:
        return {"text": self.text, "rule": self.rule, "before": self.before}


@dataclass
class ArticleDraft:
    """One article read from a file (a JSON Lines file gives one draft per record).

    `origin` names the article's place uniquely: the file path, plus `#<key>` for a record
    inside a multi-article file. `content_hash` is the SHA-256 of the file's bytes (of the
    record's canonical JSON for a record), so identical content under two paths is one article.
    `date_source` says where `published` came from, a key of DATE_SOURCES, or "" when no date
    was found. `removals` is everything the pipeline took out of the source text; `file` is the
    file it was read from.
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
    removals: list[Removal] = field(default_factory=list)
    file: str = ""


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
    """A file (or one record of it) that could not be read, with a machine code and a sentence;
    `file` is the file it concerns (`origin` names a record as "<file>#<key>")."""

    origin: str
    code: str
    message: str
    file: str = ""


def megabytes(size: int) -> str:
    """A size limit as failure messages state it: "20.0 MB", "4,096 bytes"."""
    return f"{size / 1_000_000:.1f} MB" if size >= 1_000_000 else f"{size:,} bytes"
