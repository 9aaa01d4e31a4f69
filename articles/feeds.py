"""An Atom feed for any search: the newest matching articles, with the same GET parameters.

Valid under RFC 4287: the feed names its author and links to itself with the search's query; each
entry's summary is plain text (type="text", so no reader decodes markup in it), and its
`<updated>` is the article's own date (the time it last changed when it has no date).
"""

import datetime
import re

from django.contrib.syndication.views import Feed
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed
from django.utils.text import Truncator

from articles.facet_registry import FACETS
from articles.search import backend
from articles.urlstate import SearchState
from articles.views.data import articles_in_order

ITEMS = 50
AUTHOR = "News archive"
# Characters XML 1.0 cannot carry at all; an article may hold them (ingest keeps every character).
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def xml_text(text: str) -> str:
    return _NOT_XML.sub(" ", text)


class PlainSummaryAtomFeed(Atom1Feed):
    """Atom with the summary as type="text": it is the article's plain text, not HTML."""

    def add_item_elements(self, handler, item):
        summary = item["description"]
        super().add_item_elements(handler, {**item, "description": None})
        if summary is not None:
            handler.addQuickElement("summary", summary, {"type": "text"})


class SearchFeed(Feed):
    """Whatever the search's sort order, a feed lists the newest articles first. A bad parameter
    raises BadParameter, which articles/errors.py answers with a JSON 400."""

    feed_type = PlainSummaryAtomFeed
    author_name = AUTHOR

    def get_object(self, request):
        return SearchState.from_query(request.GET).replace(sort="newest")

    def title(self, state):
        return xml_text(f"News archive: {describe(state)}")

    def subtitle(self, state):
        return xml_text(f"The newest articles matching {describe(state)}.")

    def link(self, state):
        return "/" + state.replace(sort="relevance").query_string()

    def feed_url(self, state):
        return reverse("feed") + state.replace(sort="relevance").query_string()

    def items(self, state):
        return articles_in_order([hit.id for hit in backend().search(state.to_request(page_size=ITEMS)).hits])

    def item_title(self, article):
        return xml_text(article.title) or "(untitled)"

    def item_description(self, article):
        return xml_text(Truncator(article.body).words(60))

    def item_author_name(self, article):
        return xml_text(str(article.source)) if article.source_id else None

    def item_pubdate(self, article):
        return _midnight(article.published) if article.published else None

    def item_updateddate(self, article):
        return _midnight(article.published) if article.published else article.changed

    def item_categories(self, article):
        return [xml_text(name) for name in article.topic_names]


def _midnight(day: datetime.date) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time(), tzinfo=datetime.UTC)


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
