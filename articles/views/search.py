"""The search results page and the facet "more" pages. A bad parameter raises BadParameter, which
articles/errors.py answers with a 400 page."""

from django.http import Http404
from django.shortcuts import render
from django.urls import reverse

from articles.charts import histogram_svg
from articles.facets import VALUE_FACETS, Facet, active_filters
from articles.search import backend
from articles.urlstate import SORTS, SearchState, choice_param, text_param
from articles.views.data import search_page
from articles.views.pagination import page_links

# The search tips under the search box, each a link that runs it (the README's table has the same
# examples; tests run both against the sample corpus).
SEARCH_EXAMPLES = [
    ("tariff india", "both words, any word form"),
    ('"trade deal"', "the exact phrase"),
    ("oil OR gas", "either word"),
    ("(oil OR gas) india", "grouping"),
    ("-india", "without the word (or NOT india)"),
    ("title:ceasefire", "the word in the title"),
    ('person:"Kenji Arakawa"', "a person (person:arakawa too)"),
    ("topic:trade", "a topic"),
    ("source:capitalwire.example", "a source"),
    ("tarif*", "words starting with “tarif”"),
    ("vasques~", "a spelling one letter away"),
    ("date:2025-08", "a month"),
    ("date:[2025-01-01 to 2025-03-31]", "a date range"),
]

FACET_SORTS = {"count": "most articles first", "name": "by name"}
# People are found by surname in an index of names, as in a book's; "name" sorts them so.
PERSON_SORTS = {"count": "most articles first", "name": "by surname"}


def search(request):
    state = SearchState.from_query(request.GET)
    page = search_page(state, request.path)
    context = {
        "state": state,
        "page": page,
        "sorts": SORTS,
        "chart": histogram_svg(
            page.dates.buckets, page.dates.level, f"Matching articles by {page.dates.level}"
        ),
        "page_links": page_links(state.page, page.pages, lambda n: page.page_url(n, request.path)),
        "feeds": feed_links(state),
        "previous_url": page.page_url(state.page - 1, request.path) if state.page > 1 else "",
        "next_url": page.page_url(state.page + 1, request.path) if state.page < page.pages else "",
        "filters": active_filters(state, request.path),
        "suggestion_url": request.path + state.replace(q=page.result.suggestion).query_string(),
        "search_hidden": state.hidden("q"),
        "examples": [
            (q, what, request.path + SearchState(q=q).query_string()) for q, what in SEARCH_EXAMPLES
        ],
        "sort_hidden": state.hidden("sort"),
        "date_hidden": state.hidden("date_from", "date_to", "undated"),
    }
    return render(request, "search/results.html", context)


def facet_values(request, name):
    """Every value of one facet for the current search, filterable by text and sortable."""
    spec = VALUE_FACETS.get(name)
    if spec is None:
        raise Http404(f"There is no facet “{name}”.")
    state = SearchState.from_query(request.GET)
    contains = text_param(request.GET, "contains")
    result = backend().search(state.to_request(page=1, page_size=1))
    facet_box = Facet(spec, state, path="/")
    facet = facet_box.facet_results(result, limit=None)
    orders = PERSON_SORTS if name == "person" else FACET_SORTS
    order = choice_param(request.GET, "order", orders, "count")
    values = facet_box.containing(facet.values, contains)
    if order == "name":
        values.sort(key=surname_key if name == "person" else lambda v: v.label.casefold())
    context = {
        "state": state,
        "facet": facet,
        "values": values,
        "contains": contains,
        "order": order,
        "orders": orders,
        "total": result.total,
        "back_url": "/" + state.query_string(),
        "filters": active_filters(state),
    }
    return render(request, "search/facet_values.html", context)


def surname_key(value) -> tuple[str, str]:
    """Sort key of a person's name: the last word ("Marsh" of "Helena K. Marsh"), then the rest."""
    words = value.label.casefold().split()
    return (words[-1] if words else "", value.label.casefold())


def feed_links(state: SearchState) -> dict[str, str]:
    """The same search as CSV, Atom and JSON."""
    qs = state.at_page(1).query_string()
    return {
        "csv": reverse("export_csv") + qs,
        "atom": reverse("feed") + qs,
        "json": reverse("api_search") + state.query_string(),
    }
