"""What goes into a search backend and what comes out, the same for every backend: the article as
the index sees it, the request, and the result with its hits, exact total, facets and dates."""

from dataclasses import dataclass, field
from datetime import date, datetime

# "newest"/"oldest": by date; an undated article by the day it was added, its latest possible
# date. "added": the articles stored most recently first.
SORTS = ("relevance", "newest", "oldest", "added")
MAX_PAGE_SIZE = 200
MAX_PAGE = 100_000
SUGGEST_BELOW = 5  # offer "did you mean" when fewer hits than this


@dataclass
class IndexDocument:
    """An article as the index sees it. People, topics and source are row ids, never names: a
    rename changes no index document (articles/facet_registry.py)."""

    id: int
    title: str
    body: str
    published: date | None
    persons: list[int] = field(default_factory=list)
    topics: list[int] = field(default_factory=list)
    source: int | None = None
    stamp: str = ""
    added: datetime | None = None  # when the archive stored it: the "recently added" order


@dataclass
class SearchRequest:
    q: str = ""
    persons: list = field(default_factory=list)
    persons_not: list = field(default_factory=list)
    topics: list = field(default_factory=list)
    topics_not: list = field(default_factory=list)
    sources: list = field(default_factory=list)
    sources_not: list = field(default_factory=list)
    date_from: date | None = None
    date_to: date | None = None
    undated: bool = False
    sort: str = "relevance"
    page: int = 1
    page_size: int = 20

    def bounded_page(self) -> tuple[int, int]:
        """(page, page_size) as URLs may give them, each brought within its bounds."""
        return _bounded(self.page, 1, MAX_PAGE), _bounded(self.page_size, 20, MAX_PAGE_SIZE)


def _bounded(value, default: int, high: int) -> int:
    """A page number or size from a URL: an integer from 1 to `high`, else the default."""
    try:
        return max(1, min(int(value), high))
    except (TypeError, ValueError):
        return default


@dataclass
class FacetCount:
    value: str  # display name
    count: int


@dataclass
class DateHistogram:
    level: str  # "year" | "month" | "day"
    buckets: list  # [(label, start_date, end_date, count)]
    undated: int


@dataclass
class Hit:
    id: int
    score: float
    persons: list[str] = field(default_factory=list)  # display names, sorted (names.py)
    topics: list[str] = field(default_factory=list)
    source: str = ""


@dataclass
class SearchResult:
    total: int = 0
    hits: list = field(default_factory=list)
    facets: dict = field(default_factory=dict)
    dates: DateHistogram = field(default_factory=lambda: DateHistogram("year", [], 0))
    understood: str = ""
    error: str = ""
    suggestion: str = ""
    sort: str = "relevance"  # the order applied: "newest" when relevance means nothing (no query)
    page: int = 1
    pages: int = 0
