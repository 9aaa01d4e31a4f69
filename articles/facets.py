"""Facets of a search, one class per facet type behind one interface (after Datasette's facets.py):
Facet for the value facets listed in articles/facet_registry.py, DateFacet for the date chart.

`Facet.facet_results(result)` turns the search package's counts into FacetValues: each carries
its value, label, count, whether it is selected or excluded, and the URLs that toggle and
exclude it, built by adding or removing one GET parameter of the current SearchState. A facet
whose counts are missing comes back with an `error` sentence, never an exception.
"""

import dataclasses
import datetime
import functools

from articles.facet_registry import FACETS, FacetSpec
from articles.search import names
from articles.urlstate import SearchState

TOP_VALUES = 10


@dataclasses.dataclass
class FacetValue:
    """One value of a facet; its URLs are built when first read (the JSON API never reads them)."""

    facet: "Facet" = dataclasses.field(repr=False, compare=False)
    value: str
    label: str
    count: int
    selected: bool = False
    excluded: bool = False

    @functools.cached_property
    def toggle_url(self) -> str:
        """The search with this value selected, or without it when it is selected."""
        change = self.facet.state.removing if self.selected else self.facet.state.adding
        return self.facet.url(change(self.facet.name, self.value))

    @functools.cached_property
    def exclude_url(self) -> str:
        """The search with this value excluded, or no longer excluded."""
        change = self.facet.state.removing if self.excluded else self.facet.state.adding
        return self.facet.url(change(self.facet.exclude_param, self.value))


@dataclasses.dataclass
class FacetResults:
    name: str
    title: str
    values: list[FacetValue]
    excluded: list[FacetValue] = dataclasses.field(default_factory=list)
    more_url: str = ""
    truncated: bool = False
    error: str = ""


class Facet:
    """A facet over one repeatable filter parameter (`person`, and `person_not` to exclude),
    described by its FacetSpec in articles/facet_registry.py."""

    def __init__(self, spec: FacetSpec, state: SearchState, path: str = "/", more_path: str = ""):
        self.spec = spec
        self.name, self.title, self.singular = spec.name, spec.label, spec.singular
        self.exclude_param = spec.exclude_param
        self.state = state
        self.path = path
        self.more_path = more_path

    def url(self, state: SearchState) -> str:
        return self.path + state.query_string()

    def facet_results(self, result, limit: int | None = TOP_VALUES) -> FacetResults:
        counts = result.facets.get(self.name)
        if counts is None:
            return FacetResults(self.name, self.title, [], error=f"{self.title} counts are not available.")
        selected = set(getattr(self.state, self.name))
        counted = {fc.value: fc.count for fc in counts}
        # Selected values come first, even when the other filters leave them no articles.
        ordered = list(getattr(self.state, self.name)) + [
            fc.value for fc in counts if fc.value not in selected
        ]
        shown = ordered if limit is None else ordered[: max(limit, len(selected))]
        excluded = list(getattr(self.state, self.exclude_param))
        return FacetResults(
            name=self.name,
            title=self.title,
            values=[self.value(v, counted.get(v, 0)) for v in shown],
            excluded=[self.value(v, 0) for v in excluded],
            more_url=self.more_path + self.state.replace().query_string() if self.more_path else "",
            truncated=len(shown) < len(ordered),
        )

    def value(self, value: str, count: int) -> FacetValue:
        return FacetValue(
            facet=self,
            value=value,
            label=value,
            count=count,
            selected=value in getattr(self.state, self.name),
            excluded=value in getattr(self.state, self.exclude_param),
        )

    def containing(self, values: list[FacetValue], text: str) -> list[FacetValue]:
        """The values whose name, or another spelling of it (an alias, a name merged into it, a
        source's domain), contains `text`, ignoring case and accents."""
        if not text.strip():
            return values
        book = names.current()[self.name]
        found = {book.name(i) for i in book.ids_containing(text)}
        wanted = names.normalise(text)
        return [v for v in values if v.value in found or wanted in names.normalise(v.label)]


VALUE_FACETS = {spec.name: spec for spec in FACETS}  # the facets with a "more" page, by URL name


@dataclasses.dataclass
class DateBucket:
    label: str
    start: datetime.date | None
    end: datetime.date | None
    count: int
    url: str
    selected: bool = False


@dataclasses.dataclass
class DateResults:
    level: str
    buckets: list[DateBucket]
    undated: DateBucket | None
    crumbs: list[tuple[str, str]]  # (label, url) from "all dates" down to the current range
    clear_url: str = ""
    error: str = ""


class DateFacet:
    """The date histogram: buckets by year, month or day, each linking to its own date range."""

    name = "date"
    title = "Date"

    def __init__(self, state: SearchState, path: str = "/"):
        self.state = state
        self.path = path

    def url(self, state: SearchState) -> str:
        return self.path + state.query_string()

    def facet_results(self, result) -> DateResults:
        histogram = result.dates
        if histogram is None:
            return DateResults("year", [], None, [], error="Date counts are not available.")
        buckets = [
            DateBucket(
                label=_date_label(histogram.level, start) if start else label,
                start=start,
                end=end,
                count=count,
                url=self.url(self.state.with_dates(start, end)),
                selected=(start, end) == (self.state.date_from, self.state.date_to),
            )
            for label, start, end, count in histogram.buckets
        ]
        undated = None
        if histogram.undated or self.state.undated:
            undated = DateBucket(
                label="undated",
                start=None,
                end=None,
                count=histogram.undated,
                url=self.url(self.state.with_dates(undated=True)),
                selected=self.state.undated,
            )
        dated = self.state.date_from or self.state.date_to or self.state.undated
        return DateResults(
            level=histogram.level,
            buckets=buckets,
            undated=undated,
            crumbs=self.crumbs(),
            clear_url=self.url(self.state.with_dates()) if dated else "",
        )

    def crumbs(self) -> list[tuple[str, str]]:
        """Zoom-out links: all dates, then the year, then the month that hold the current range."""
        start, end = self.state.date_from, self.state.date_to
        if not (start and end) or self.state.undated:
            return []
        crumbs = [("All dates", self.url(self.state.with_dates()))]
        if start.year == end.year:
            year = (datetime.date(start.year, 1, 1), datetime.date(start.year, 12, 31))
            if (start, end) != year:
                crumbs.append((str(start.year), self.url(self.state.with_dates(*year))))
                if start.month == end.month:
                    month_end = _month_end(start)
                    month = (start.replace(day=1), month_end)
                    if (start, end) != month:
                        crumbs.append((f"{start:%B %Y}", self.url(self.state.with_dates(*month))))
        return crumbs


def describe_dates(start: datetime.date | None, end: datetime.date | None) -> str:
    """A date range as people say it: "6 August 2025", "March 1987", "1987", "from 1987-03-02"."""
    if start and end:
        if start == end:
            return _date_label("day", start)
        if start.day == 1 and end == _month_end(start):
            return _date_label("month", start)
        if (start.month, start.day, end.month, end.day) == (1, 1, 12, 31) and start.year == end.year:
            return _date_label("year", start)
        return f"{start.isoformat()} to {end.isoformat()}"
    return f"from {start.isoformat()}" if start else f"up to {end.isoformat()}"


def _date_label(level: str, start: datetime.date) -> str:
    """How a bucket reads: "1987", "March 1987", "5 March 1987"."""
    if level == "day":
        return f"{start.day} {start:%B %Y}"
    if level == "month":
        return f"{start:%B %Y}"
    return str(start.year)


def _month_end(day: datetime.date) -> datetime.date:
    next_month = (day.replace(day=28) + datetime.timedelta(days=4)).replace(day=1)
    return next_month - datetime.timedelta(days=1)


def value_facets(state: SearchState, path: str, more_path_for) -> list[Facet]:
    """The person, topic and source facets for a page; `more_path_for(name)` gives each "more" page."""
    return [Facet(spec, state, path, more_path_for(spec.name)) for spec in FACETS]


@dataclasses.dataclass
class ActiveFilter:
    kind: str  # "Person", "Not topic", "Date", ...
    label: str
    remove_url: str


def active_filters(state: SearchState, path: str = "/") -> list[ActiveFilter]:
    """Every filter in force, each with the URL of the same search without it."""
    filters = []
    if state.q:
        filters.append(ActiveFilter("Query", state.q, path + state.replace(q="").query_string()))
    for spec in FACETS:
        name, kind, exclude = spec.name, spec.singular, spec.exclude_param
        for value in getattr(state, name):
            filters.append(ActiveFilter(kind, value, path + state.removing(name, value).query_string()))
        for value in getattr(state, exclude):
            filters.append(
                ActiveFilter(
                    f"Not {kind.lower()}", value, path + state.removing(exclude, value).query_string()
                )
            )
    if state.date_from or state.date_to:
        label = describe_dates(state.date_from, state.date_to)
        filters.append(ActiveFilter("Date", label, path + state.with_dates().query_string()))
    if state.undated:
        filters.append(ActiveFilter("Date", "undated", path + state.with_dates().query_string()))
    return filters
