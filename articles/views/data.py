"""The data behind the search pages, built once and rendered as HTML, JSON, CSV or Atom.

`search_page(state)` runs one search and gathers everything a results page shows: the hits with
their articles and snippets, the facets, the date histogram and the pagination. The HTML view,
the JSON API and the feed render this same object.
"""

import dataclasses
import math
from urllib.parse import urlencode

from django.urls import reverse
from django.utils.safestring import SafeString, mark_safe

from articles.facets import DateFacet, DateResults, FacetResults, value_facets
from articles.models import Article, PersonLink, TopicLink
from articles.search import backend, highlight
from articles.urlstate import PAGE_SIZE, BadParameter, SearchState


@dataclasses.dataclass
class HitRow:
    rank: int
    article: Article
    snippet: SafeString
    path: str  # the article page
    url: str  # the article page, carrying the search for highlights and previous/next links
    persons: list[tuple[str, str]]  # (name, the search for articles naming them)
    topics: list[tuple[str, str]]
    source: str  # its name, or "" when unknown


@dataclasses.dataclass
class SearchPage:
    state: SearchState
    result: object  # articles.search.types.SearchResult
    hits: list[HitRow]
    facets: list[FacetResults]
    dates: DateResults
    pages: int

    @property
    def total(self) -> int:
        return self.result.total

    @property
    def first_rank(self) -> int:
        return (self.state.page - 1) * PAGE_SIZE + 1 if self.hits else 0

    @property
    def last_rank(self) -> int:
        return self.first_rank + len(self.hits) - 1 if self.hits else 0

    def page_url(self, page: int, path: str = "/") -> str:
        return path + self.state.at_page(page).query_string()


# What a hit on a results page shows (HTML and JSON) from the database: loading only these halves
# the cost of the 20 articles, most of which went on turning timestamps nobody shows into datetimes.
# Its people, topics and source come with the hit, from the index.
HIT_FIELDS = ("title", "body", "published", "source_url", "dateline")

# An argument that every URL converter here accepts (int and str), and no path contains.
PLACEHOLDER = 987654321


def path_format(name: str) -> str:
    """The path of the URL `name` with its one argument as "{}", for str.format: one reverse() for
    all of a page's links to such paths."""
    return reverse(name, args=[PLACEHOLDER]).replace(str(PLACEHOLDER), "{}")


def articles_in_order(ids: list[int]) -> list[Article]:
    """The articles for `ids` in that order, each with `person_names` and `topic_names` (sorted),
    in three queries; ids the database no longer has are skipped."""
    found = Article.objects.select_related("source").in_bulk(ids)
    for article in found.values():
        article.person_names, article.topic_names = [], []
    for link, name, attribute in (
        (PersonLink, "person__name", "person_names"),
        (TopicLink, "topic__name", "topic_names"),
    ):
        rows = link.objects.filter(article_id__in=found).order_by(name).values_list("article_id", name)
        for article_id, value in rows:
            getattr(found[article_id], attribute).append(value)
    return [found[i] for i in ids if i in found]


def search_page(state: SearchState, path: str = "/", page_size: int = PAGE_SIZE) -> SearchPage:
    """Run the search for `state`; raises BadParameter when the page is past the last one."""
    request = state.to_request(page_size=page_size)
    result = backend().search(request)
    pages = max(math.ceil(result.total / page_size), 1)
    if state.page > pages:
        raise BadParameter(
            "page",
            f"There is no page {state.page}: this search has {pages} page{'s' if pages > 1 else ''}.",
        )
    articles = Article.objects.only(*HIT_FIELDS).in_bulk([h.id for h in result.hits])
    first = (state.page - 1) * page_size + 1
    search_params = state.at_page(1).query_string()
    search_params += "&" if search_params else "?"
    article_path = path_format("article")  # every hit's get_absolute_url()
    hits = []
    for rank, hit in enumerate((h for h in result.hits if h.id in articles), start=first):
        article = articles[hit.id]
        hit_path = article_path.format(hit.id)
        hits.append(
            HitRow(
                rank=rank,
                article=article,
                snippet=mark_safe(
                    highlight.highlight(request.q, article.body)
                ),  # escaped by the search package
                path=hit_path,
                url=f"{hit_path}{search_params}rank={rank}",  # as article_url(), without a state per hit
                persons=filter_links("person", hit.persons),
                topics=filter_links("topic", hit.topics),
                source=hit.source,
            )
        )
    more = path_format("facet_values").format
    facets = [facet.facet_results(result) for facet in value_facets(state, path, more)]
    return SearchPage(
        state=state,
        result=result,
        hits=hits,
        facets=facets,
        dates=DateFacet(state, path).facet_results(result),
        pages=pages,
    )


def filter_links(param: str, names: list[str]) -> list[tuple[str, str]]:
    """(name, URL of a new search filtered by it) for each person or topic."""
    return [(name, "/?" + urlencode({param: name})) for name in names]


def article_url(article: Article, state: SearchState, rank: int | None = None) -> str:
    """The article page, with the search that led to it (so it can highlight and page through)."""
    extra = [("rank", str(rank))] if rank else []
    return article.get_absolute_url() + state.at_page(1).query_string(extra)
