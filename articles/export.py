"""CSV export of a whole result set, streamed: ids from the index in order, rows in chunks."""

import csv
import itertools

from django.http import StreamingHttpResponse

from articles.api import error_response
from articles.search import query
from articles.urlstate import BadParameter, SearchState
from articles.views.data import articles_in_order

CHUNK = 500
COLUMNS = ["id", "title", "date", "source", "url", "dateline", "persons", "topics", "archive_url"]


class _Echo:
    """A file-like object whose write() returns the line, for csv.writer in a generator."""

    def write(self, value):
        return value


def csv_export(request):
    try:
        state = SearchState.from_query(request.GET)
    except BadParameter as error:
        return error_response(400, "bad_parameter", error.message, error.param)
    absolute = request.build_absolute_uri
    response = StreamingHttpResponse(csv_lines(state, absolute), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="archive-search.csv"'
    return response


def csv_lines(state: SearchState, absolute):
    """The header, then one line per matching article, in the search's order."""
    writer = csv.writer(_Echo())
    yield writer.writerow(COLUMNS)
    ids = query.iter_ids(state.to_request())
    while chunk := list(itertools.islice(ids, CHUNK)):
        for article in articles_in_order(chunk):
            yield writer.writerow(
                [
                    article.pk,
                    article.title,
                    article.published.isoformat() if article.published else "",
                    str(article.source) if article.source_id else "",
                    article.source_url,
                    article.dateline,
                    "; ".join(article.person_names),
                    "; ".join(article.topic_names),
                    absolute(article.get_absolute_url()),
                ]
            )
