"""The article page, and the person and topic pages."""

from django.shortcuts import get_object_or_404, render
from django.utils.safestring import mark_safe

from articles.charts import histogram_svg
from articles.enrich import topic_evidence
from articles.ingest.topics import WEIGHTS
from articles.models import Article, Person, Topic
from articles.search import backend, highlight
from articles.urlstate import MAX_PAGE, PAGE_SIZE, BadParameter, SearchState, number_param, page_param
from articles.views.data import article_url, articles_in_order, search_page
from articles.views.pagination import page_links

SIMILAR = 5
MAX_RANK = MAX_PAGE * PAGE_SIZE
CO_MENTIONED = 10


def article(request, pk):
    article = get_object_or_404(Article.objects.with_links(), pk=pk)
    try:
        state = SearchState.from_query(request.GET)
        rank = number_param(request.GET, "rank", MAX_RANK)
    except BadParameter:
        state, rank = SearchState(), None  # a damaged link still shows the article, without the search
    marked = highlight.highlight_full(state.q, article.body) if state.q else None
    hits = marked.count if marked else 0
    context = {
        "article": article,
        "state": state,
        "text": mark_safe(marked) if marked else None,  # escaped by the search package
        "hit_numbers": range(1, hits + 1),
        "similar": [
            (a, article_url(a, SearchState()))
            for a in articles_in_order(backend().more_like_this(pk, SIMILAR))
        ],
        "search_url": "/" + state.query_string() if not state.is_empty else "",
        "topic_evidence": topic_evidence(article),
        **NO_NEIGHBOURS,
    }
    if rank and not state.is_empty:
        context.update(neighbours(state, rank, article.pk))
    return render(request, "articles/article.html", context)


NO_NEIGHBOURS = {
    "rank": None,
    "total": None,
    "previous": None,
    "previous_title": "",
    "next": None,
    "next_title": "",
}


def neighbours(state: SearchState, rank: int, article_id: int) -> dict:
    """Previous and next results around `rank`, and how many results the search has, if it still
    puts this article there."""
    pages = {}
    totals = []

    def id_at(position: int) -> int | None:
        if position < 1:
            return None
        number, offset = divmod(position - 1, PAGE_SIZE)
        if number + 1 not in pages:
            result = backend().search(state.to_request(page=number + 1))
            pages[number + 1] = [hit.id for hit in result.hits]
            totals.append(result.total)
        ids = pages[number + 1]
        return ids[offset] if offset < len(ids) else None

    if id_at(rank) != article_id:
        return {}
    found = {a.pk: a for a in articles_in_order([i for i in (id_at(rank - 1), id_at(rank + 1)) if i])}
    previous, following = found.get(id_at(rank - 1)), found.get(id_at(rank + 1))
    return {
        "rank": rank,
        "total": totals[0],
        "previous": previous and article_url(previous, state, rank - 1),
        "previous_title": previous and previous.title,
        "next": following and article_url(following, state, rank + 1),
        "next_title": following and following.title,
        "search_url": "/" + state.at_page((rank - 1) // PAGE_SIZE + 1).query_string(),
    }


def person(request, slug):
    person = get_object_or_404(Person.objects.prefetch_related("aliases"), slug=slug)
    return _filtered_page(request, "people/person.html", "person", person)


def topic(request, slug):
    topic = get_object_or_404(Topic, slug=slug)
    return _filtered_page(request, "topics/topic.html", "topic", topic, weights=WEIGHTS)


def _filtered_page(request, template: str, facet: str, obj, **extra):
    """A person's or topic's page: its articles newest first, mentions over time, and the people
    and topics most often found beside it."""
    state = SearchState(**{facet: (obj.name,)}, sort="newest", page=page_param(request.GET))
    page = search_page(state)
    facets = {f.name: f for f in page.facets}
    context = {
        "object": obj,
        "page": page,
        "search_url": "/" + state.at_page(1).replace(sort="relevance").query_string(),
        "chart": histogram_svg(
            page.dates.buckets, page.dates.level, f"Articles naming {obj.name} by {page.dates.level}"
        ),
        "co_people": co_mentioned(facets["person"], Person),
        "co_topics": co_mentioned(facets["topic"], Topic),
        "page_links": page_links(state.page, page.pages, lambda n: f"{request.path}?page={n}"),
        **extra,
    }
    return render(request, template, context)


def co_mentioned(facet, model) -> list[tuple]:
    """The people (or topics) most often found with the page's subject: (facet value, their page
    URL, or the search filtered by them when they have no page)."""
    values = [v for v in facet.values if not v.selected][:CO_MENTIONED]
    pages = {o.name: o.get_absolute_url() for o in model.objects.filter(name__in=[v.value for v in values])}
    return [(v, pages.get(v.value, v.toggle_url)) for v in values]
