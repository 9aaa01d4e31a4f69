"""The archive's HTML pages: search with its facet pages, and the article, person and topic pages."""

from articles.views.pages import article, person, topic
from articles.views.search import facet_values, search

__all__ = ["article", "facet_values", "person", "search", "topic"]
