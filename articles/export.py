"""CSV export of a whole result set, streamed: ids from the index in order, rows in chunks.

Options beside the search's own parameters: `columns=text` and/or `columns=snippet` (repeatable or
comma-separated) add the article's whole text or the passage around the matches; `bom=1` starts
the file with a UTF-8 byte-order mark, which spreadsheet programs need to read accents right.
Text cells that a spreadsheet would take for a formula are neutralised as OWASP recommends.
"""

import csv
import html
import itertools

from django.http import StreamingHttpResponse
from django.utils.html import strip_tags

from articles.ingest.links import web_url
from articles.search import backend, highlight
from articles.urlstate import BadParameter, SearchState, clean_text, flag_param
from articles.views.data import articles_in_order

CHUNK = 500
COLUMNS = ["id", "title", "date", "source", "url", "dateline", "persons", "topics", "archive_url"]
OPTIONAL_COLUMNS = ("text", "snippet")
BOM = "\ufeff"
# A cell starting with one of these is read as a formula by spreadsheet programs (OWASP, "CSV
# Injection"): such cells get a leading apostrophe, which the spreadsheet shows as text.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


class _Echo:
    """A file-like object whose write() returns the line, for csv.writer in a generator."""

    def write(self, value):
        return value


def csv_export(request):
    """The search's matches as CSV. Parameters are read and the search is run before the first
    byte goes out, so a failure is an error answer instead of a 200 that breaks off."""
    state = SearchState.from_query(request.GET)
    extra = optional_columns(request.GET)
    bom = flag_param(request.GET, "bom")
    search = state.to_request()
    ids = list(backend().iter_ids(search))
    lines = csv_lines(ids, extra, search, request.build_absolute_uri)
    response = StreamingHttpResponse(
        itertools.chain([BOM], lines) if bom else lines, content_type="text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = 'attachment; filename="archive-search.csv"'
    return response


def optional_columns(query_dict) -> list[str]:
    """The optional columns asked for with `columns`, in the order of OPTIONAL_COLUMNS."""
    asked = {
        clean_text(name).lower()
        for value in query_dict.getlist("columns")
        for name in value.split(",")
        if clean_text(name)
    }
    unknown = sorted(asked - set(OPTIONAL_COLUMNS))
    if unknown:
        raise BadParameter(
            "columns",
            f"Unknown column “{unknown[0][:40]}”; the optional columns are: {', '.join(OPTIONAL_COLUMNS)}.",
        )
    return [name for name in OPTIONAL_COLUMNS if name in asked]


def neutralised(cell: str) -> str:
    """The cell as a spreadsheet shows it as text, never as a formula."""
    return "'" + cell if cell.startswith(FORMULA_STARTS) else cell


def csv_lines(ids: list[int], extra: list[str], search, absolute):
    """The header, then one line per article of `ids`, in that order."""
    writer = csv.writer(_Echo())
    yield writer.writerow(COLUMNS + extra)
    for start in range(0, len(ids), CHUNK):
        for article in articles_in_order(ids[start : start + CHUNK]):
            cells = [
                article.title,
                article.published.isoformat() if article.published else "",
                str(article.source) if article.source_id else "",
                web_url(article.source_url),
                article.dateline,
                "; ".join(article.person_names),
                "; ".join(article.topic_names),
                absolute(article.get_absolute_url()),
            ]
            if "text" in extra:
                cells.append(article.body)
            if "snippet" in extra:
                cells.append(html.unescape(strip_tags(highlight.highlight(search.q, article.body))))
            yield writer.writerow([article.pk, *map(neutralised, cells)])
