"""The JSON API: /api/search (the search page as data) and /api/articles/<id>.

Errors have one shape (articles/errors.py): {"error": {"code": "...", "message": "...", "param": ...}},
`code` "bad_parameter" (400, `param` names the parameter), "not_found" (404), "server_error" (500)
or "index_unavailable" (503).
"""

from django.http import JsonResponse

from articles import removals
from articles.errors import error_response
from articles.ingest.links import web_url
from articles.models import Article
from articles.urlstate import FILTERS, PAGE_SIZE, SearchState
from articles.views.data import search_page


def search(request):
    page = search_page(SearchState.from_query(request.GET))
    root = request.build_absolute_uri("/").removesuffix("/")  # once, not per hit: it checks the host
    return JsonResponse(search_json(page, lambda path: root + path))


def article(request, pk):
    found = Article.objects.with_links().filter(pk=pk).first()
    if found is None:
        return error_response(404, "not_found", f"There is no article {pk}; it may have been deleted.")
    return JsonResponse(article_json(found, request.build_absolute_uri))


def search_json(page, absolute) -> dict:
    """The search page's data as JSON-ready values; `absolute` turns a path into a full URL."""
    state, result = page.state, page.result
    return {
        "query": {
            "q": state.q,
            "understood": result.understood,
            "error": result.error,
            "suggestion": result.suggestion,
            **{name: list(getattr(state, name)) for name in FILTERS},
            "date_from": _iso(state.date_from),
            "date_to": _iso(state.date_to),
            "undated": state.undated,
            "sort": state.sort,
        },
        "total": result.total,
        "page": state.page,
        "pages": page.pages,
        "page_size": PAGE_SIZE,
        "previous": absolute("/api/search" + state.at_page(state.page - 1).query_string())
        if state.page > 1
        else None,
        "next": absolute("/api/search" + state.at_page(state.page + 1).query_string())
        if state.page < page.pages
        else None,
        "html": absolute("/" + state.query_string()),
        "hits": [
            {
                "id": hit.article.pk,
                "title": hit.article.title,
                "date": _iso(hit.article.published),
                "url": web_url(hit.article.source_url) or None,
                "archive_url": absolute(hit.path),
                "source": hit.source or None,
                "persons": [name for name, _ in hit.persons],
                "topics": [name for name, _ in hit.topics],
                "snippet": str(hit.snippet),
            }
            for hit in page.hits
        ],
        "facets": {
            "date": _date_facet(page.dates),
            **{
                facet.name: [
                    {
                        "value": v.value,
                        "label": v.label,
                        "count": v.count,
                        "selected": v.selected,
                        "excluded": v.excluded,
                    }
                    for v in facet.values + facet.excluded
                ]
                for facet in page.facets
            },
        },
    }


def article_json(article: Article, absolute) -> dict:
    return {
        "id": article.pk,
        "title": article.title,
        "date": _iso(article.published),
        "date_source": article.get_date_source_display() if article.published else None,
        "url": web_url(article.source_url) or None,
        "archive_url": absolute(article.get_absolute_url()),
        "source": _source(article),
        "dateline": article.dateline or None,
        "text": article.body,
        "persons": [p.name for p in article.persons.all()],
        "topics": [t.name for t in article.topics.all()],
        # Provenance: what ingest took out of the source, and by which rule.
        "removed_on_ingest": [
            {"text": removal["text"], "rule": removal["rule"], "reason": removals.label(removal["rule"])}
            for removal in article.removals
        ],
    }


def _date_facet(dates) -> list[dict]:
    """Histogram buckets, then the undated bucket (with null dates) when it has articles."""
    buckets = [*dates.buckets, dates.undated] if dates.undated else dates.buckets
    return [
        {
            "value": b.label,
            "from": _iso(b.start),
            "to": _iso(b.end),
            "count": b.count,
            "selected": b.selected,
            "level": dates.level if b.start else "undated",
        }
        for b in buckets
    ]


def _source(article: Article) -> str | None:
    return str(article.source) if article.source_id else None


def _iso(day) -> str | None:
    return day.isoformat() if day else None
