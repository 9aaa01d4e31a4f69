"""Plain-text articles (.txt, .md, no extension): one article per file, in the seeds' conventions.

The conventions (a ` date YYYY-MM-DD` header, a headline line, a source URL on top, a dateline,
summary bullets, saved-page boilerplate) are read by `extract`; this reader only wraps the result.
"""

from articles.ingest.draft import ArticleDraft, FileFailure
from articles.ingest.extract import extract_fields, to_draft


def read_text(text: str, origin: str, content_hash: str) -> list[ArticleDraft | FileFailure]:
    """The one article of a text file (or why there is none)."""
    return [to_draft(extract_fields(text), origin, content_hash, "text")]
