"""JSON exports: JSON Lines (.jsonl, .ndjson: one record a line) and JSON (.json: an array of
records, one record, or {"articles": [...]}), one article per record.

A record's fields are found under the names exporters use (title/headline, date/published/
published_at/datePublished, url/link, text/body/content, dateline, id); a body written as HTML is
turned into text, and every body goes through the same cleaning and extraction as a text file.
A record that cannot be read fails alone: the other records of the file still come back.
"""

import datetime
import hashlib
import json
from collections.abc import Iterable, Iterator

import regex

from articles.ingest.decode import repair_text
from articles.ingest.draft import ArticleDraft, FileFailure, Removal
from articles.ingest.extract import ArticleFields, extract_fields, parse_date, title_case_place, to_draft
from articles.ingest.formats.html import fragment_to_text
from articles.ingest.links import web_url

TITLE_KEYS = ("title", "headline", "heading")
DATE_KEYS = (
    "date",
    "published",
    "published_at",
    "publishedat",
    "datepublished",
    "date_published",
    "publication_date",
    "publish_date",
    "pubdate",
)
URL_KEYS = ("url", "link", "source_url", "canonical_url", "href")
BODY_KEYS = ("text", "body", "content", "articlebody", "article", "full_text")
DATELINE_KEYS = ("dateline",)
ID_KEYS = ("id", "_id", "article_id", "uuid", "guid")
# Where exporters put the list of records in a JSON object.
LIST_KEYS = ("articles", "items", "records", "results", "data", "posts")

# A body is HTML when it closes an element or breaks a line as HTML does: wire copy writes company
# names in angle brackets ("<B and R International Inc>"), which an opening tag alone would match.
_MARKUP = regex.compile(
    r"</(?:p|div|h[1-6]|ul|ol|li|blockquote|span|a|em|strong|b|i)\s*>|<br\s*/?>", regex.IGNORECASE
)


def read_json_lines(text: str, origin: str, content_hash: str = "") -> Iterator[ArticleDraft | FileFailure]:
    """One article per non-blank line, read lazily (a large export is never all in memory as
    articles); a line that is not a JSON object fails alone. (Each record is hashed on its own
    canonical JSON, so the file's `content_hash` is not used.)"""
    for number, line in enumerate(text.split("\n"), start=1):
        if line.strip():
            yield read_json_line(line, origin, number)


def read_json_line(line: str, origin: str, number: int) -> ArticleDraft | FileFailure:
    """The article of line `number` of a JSON Lines file."""
    try:
        record = json.loads(line)
    except json.JSONDecodeError as error:
        return FileFailure(
            f"{origin}#{number}",
            "malformed-json",
            f"Line {number} is not valid JSON ({error.msg} at column {error.colno}): fix or "
            "remove that line and ingest the file again; the file's other lines were read.",
        )
    return read_record(record, origin, number, "line")


def read_json(text: str, origin: str, content_hash: str = "") -> Iterable[ArticleDraft | FileFailure]:
    """One article per record of a JSON array, of {"articles": [...]}, or of a single object
    (hashed on its own canonical JSON, like a JSON Lines record)."""
    try:
        data = json.loads(text)
    except json.JSONDecodeError as error:
        if error.msg == "Extra data" and text.lstrip().startswith("{"):
            return read_json_lines(text, origin)  # JSON Lines saved as .json
        return [
            FileFailure(
                origin,
                "malformed-json",
                f"The file is not valid JSON ({error.msg} at line {error.lineno}, column {error.colno}): "
                "fix it (a JSON validator shows where) and ingest it again.",
            )
        ]
    if isinstance(data, dict):
        records = next((data[key] for key in LIST_KEYS if isinstance(data.get(key), list)), [data])
    elif isinstance(data, list):
        records = data
    else:
        return [
            FileFailure(
                origin,
                "malformed-json",
                f"The file holds a single JSON {type(data).__name__}, not articles: export an array of "
                'article objects, or {"articles": [...]}.',
            )
        ]
    if not records:
        return [
            FileFailure(
                origin,
                "no-text",
                "The JSON file holds no article records: export the articles into it and ingest it again.",
            )
        ]
    return [read_record(record, origin, position, "record") for position, record in enumerate(records, 1)]


def read_record(record, origin: str, position: int, unit: str) -> ArticleDraft | FileFailure:
    """The article of one record; `position` (1-based) names it when it has no id."""
    if not isinstance(record, dict):
        return FileFailure(
            f"{origin}#{position}",
            "malformed-json",
            f"{unit.capitalize()} {position} is a JSON {type(record).__name__}, not an article object: "
            'write each article as an object such as {"title": ..., "date": ..., "text": ...}.',
        )
    fields = {str(key).casefold(): value for key, value in record.items()}
    record_id = _first(fields, ID_KEYS)
    key = str(record_id).strip() if record_id not in (None, "") else str(position)
    published = _date(_first(fields, DATE_KEYS))
    dateline = _text(_first(fields, DATELINE_KEYS))
    url = _text(_first(fields, URL_KEYS)).strip()
    known = ArticleFields(
        title=" ".join(_text(_first(fields, TITLE_KEYS)).split()),
        published=published,
        date_source="metadata" if published else "",
        source_url=web_url(url),
        dateline=title_case_place(dateline) if dateline.isupper() else dateline.strip(),
        removals=(Removal(url, "unsafe-url"),) if url and not web_url(url) else (),
    )
    body = _body(_first(fields, BODY_KEYS))
    canonical = json.dumps(record, sort_keys=True, ensure_ascii=False)
    return to_draft(
        extract_fields(body, known),
        f"{origin}#{key}",
        hashlib.sha256(canonical.encode("utf-8")).hexdigest(),
        "jsonl" if unit == "line" else "json",
    )


def _first(fields: dict, keys: tuple[str, ...]):
    return next((fields[key] for key in keys if fields.get(key) not in (None, "", [])), None)


def _text(value) -> str:
    if value is None or isinstance(value, dict | list):
        return ""
    return repair_text(str(value))


def _body(value) -> str:
    if isinstance(value, list):
        return "\n\n".join(_body(item) for item in value)
    text = _text(value)
    return fragment_to_text(text) if _MARKUP.search(text) else text


def _date(value) -> datetime.date | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float):  # a Unix timestamp, in seconds or milliseconds
        seconds = value / 1000 if value > 10**11 else value
        try:
            return datetime.datetime.fromtimestamp(seconds, datetime.UTC).date()
        except (OverflowError, OSError, ValueError):
            return None
    return parse_date(value) if isinstance(value, str) else None
