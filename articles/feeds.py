"""An Atom feed for any search: the newest matching articles, with the same GET parameters."""

import datetime

from django.contrib.syndication.views import Feed
from django.utils.feedgenerator import Atom1Feed
from django.utils.text import Truncator

from articles.api import error_response
from articles.facet_registry import FACETS
from articles.search import query
from articles.urlstate import BadParameter, SearchState
from articles.views.data import articles_in_order

ITEMS = 50


class SearchFeed(Feed):
    """Whatever the search's sort order, a feed lists the newest articles first."""

    feed_type = Atom1Feed

    def __call__(self, request, *args, **kwargs):
        try:
            return super().__call__(request, *args, **kwargs)
        except BadParameter as error:
            return error_response(400, "bad_parameter", error.message, error.param)

    def get_object(self, request):
        return SearchState.from_query(request.GET).replace(sort="newest")

    def title(self, state):
        return f"News archive: {describe(state)}"

    def subtitle(self, state):
        return f"The newest articles matching {describe(state)}."

    def link(self, state):
        return "/" + state.query_string()

    def items(self, state):
        return articles_in_order([hit.id for hit in query.search(state.to_request(page_size=ITEMS)).hits])

    def item_title(self, article):
        return article.title

    def item_description(self, article):
        return Truncator(article.body).words(60)

    def item_pubdate(self, article):
        if article.published:
            return datetime.datetime.combine(article.published, datetime.time(), tzinfo=datetime.UTC)
        return article.ingested

    def item_updateddate(self, article):
        return article.changed

    def item_categories(self, article):
        return article.topic_names


def describe(state: SearchState) -> str:
    """The search in a few words: “tariff” · person: Ishaq Dar · 2025-01-01 to 2025-12-31."""
    parts = [f"“{state.q}”"] if state.q else []
    for spec in FACETS:
        parts += [f"{spec.name}: {v}" for v in getattr(state, spec.name)]
        parts += [f"not {spec.name}: {v}" for v in getattr(state, spec.exclude_param)]
    if state.date_from or state.date_to:
        parts.append(f"{state.date_from or '…'} to {state.date_to or '…'}")
    if state.undated:
        parts.append("undated")
    return " · ".join(parts) or "all articles"
