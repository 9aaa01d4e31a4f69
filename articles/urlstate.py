"""The search state as it lives in the URL: GET parameters parsed into a SearchState, and back.

Every page of the search (results, facet pages, article pages reached from a search, CSV, Atom,
JSON) reads its state here, so a URL is a complete permalink. Changing a filter builds a new
state with one value added or removed, and the page number reset.
"""

import dataclasses
import datetime
import functools
from urllib.parse import quote_plus

from articles.facet_registry import FACETS
from articles.search.types import SearchRequest

PAGE_SIZE = 20
SORTS = {
    "relevance": "relevance",
    "newest": "newest first",
    "oldest": "oldest first",
    "added": "recently added",
}

# Repeatable filter parameters (articles/facet_registry.py): the URL name, and the SearchRequest
# field it feeds. Their values are display names, so that a permalink reads as it searches.
FILTERS = {
    param: field
    for spec in FACETS
    for param, field in ((spec.name, spec.request_field), (spec.exclude_param, spec.exclude_field))
}
# The longest page number a URL may ask for; anything beyond is certainly out of range.
MAX_PAGE = 100_000
# Bounds on what one URL may carry: characters of the query and of each value, values per filter.
MAX_QUERY_CHARS = 1000
MAX_VALUE_CHARS = 300
MAX_VALUES = 50
# Control characters (C0, DEL, C1) and the two XML non-characters: never meaningful in a query, and
# unprintable in a feed. Each becomes a space.
_CONTROL = dict.fromkeys([*range(0x20), *range(0x7F, 0xA0), 0xFFFE, 0xFFFF], " ")


class BadParameter(ValueError):
    """A GET parameter that cannot be understood; `param` names it, the message says what to do."""

    def __init__(self, param: str, message: str):
        super().__init__(message)
        self.param = param
        self.message = message


@dataclasses.dataclass(frozen=True)
class SearchState:
    """Everything a search page shows, as read from (and written back to) its URL."""

    q: str = ""
    person: tuple[str, ...] = ()
    person_not: tuple[str, ...] = ()
    topic: tuple[str, ...] = ()
    topic_not: tuple[str, ...] = ()
    source: tuple[str, ...] = ()
    source_not: tuple[str, ...] = ()
    date_from: datetime.date | None = None
    date_to: datetime.date | None = None
    undated: bool = False
    sort: str = "relevance"
    page: int = 1

    @classmethod
    def from_query(cls, query) -> "SearchState":
        """Parse a QueryDict (request.GET); raises BadParameter on a value that makes no sense."""
        values = {name: _distinct(name, query.getlist(name)) for name in FILTERS}
        date_from = _parse_date(query, "date_from")
        date_to = _parse_date(query, "date_to")
        if date_from and date_to and date_from > date_to:
            raise BadParameter(
                "date_to",
                f"The end date {date_to:%Y-%m-%d} is before the start date {date_from:%Y-%m-%d}; "
                "swap them or clear one.",
            )
        return cls(
            q=text_param(query, "q", MAX_QUERY_CHARS),
            date_from=date_from,
            date_to=date_to,
            undated=flag_param(query, "undated"),
            sort=choice_param(query, "sort", SORTS, "relevance"),
            page=page_param(query),
            **values,
        )

    def to_request(self, page_size: int = PAGE_SIZE, **changes) -> SearchRequest:
        """The search package's request for this state."""
        fields = {field: list(getattr(self, name)) for name, field in FILTERS.items()}
        fields.update(
            q=self.q,
            date_from=self.date_from,
            date_to=self.date_to,
            undated=self.undated,
            sort=self.sort,
            page=self.page,
            page_size=page_size,
        )
        fields.update(changes)
        return SearchRequest(**fields)

    def params(self) -> list[tuple[str, str]]:
        """The state as GET parameters, defaults left out, in a stable order."""
        pairs = [("q", self.q)] if self.q else []
        for name in FILTERS:
            pairs += [(name, value) for value in getattr(self, name)]
        if self.date_from:
            pairs.append(("date_from", self.date_from.isoformat()))
        if self.date_to:
            pairs.append(("date_to", self.date_to.isoformat()))
        if self.undated:
            pairs.append(("undated", "1"))
        if self.sort != "relevance":
            pairs.append(("sort", self.sort))
        if self.page != 1:
            pairs.append(("page", str(self.page)))
        return pairs

    def query_string(self, extra: list[tuple[str, str]] = ()) -> str:
        """`?q=...&person=...` (empty when the state is the default one), encoded as urlencode()
        does."""
        pairs = self.params() + list(extra)
        return "?" + "&".join(f"{name}={_quoted(value)}" for name, value in pairs) if pairs else ""

    def hidden(self, *names: str) -> list[tuple[str, str]]:
        """The parameters a form must carry in hidden inputs: all but `names` and the page."""
        return [(n, v) for n, v in self.params() if n not in names and n != "page"]

    # Building neighbouring states: each resets the page, since the result set changes.

    def replace(self, **changes) -> "SearchState":
        changes.setdefault("page", 1)
        return dataclasses.replace(self, **changes)

    def adding(self, name: str, value: str) -> "SearchState":
        """This state with `value` added to the filter `name`, and removed from its opposite."""
        opposite = _opposite(name)
        return self.replace(
            **{name: (*getattr(self, name), value), opposite: _without(getattr(self, opposite), value)}
        )

    def removing(self, name: str, value: str) -> "SearchState":
        """This state without `value` in the filter `name`."""
        return self.replace(**{name: _without(getattr(self, name), value)})

    def with_dates(self, date_from=None, date_to=None, undated=False) -> "SearchState":
        return self.replace(date_from=date_from, date_to=date_to, undated=undated)

    def at_page(self, page: int) -> "SearchState":
        return dataclasses.replace(self, page=page)

    @property
    def has_filters(self) -> bool:
        return any(getattr(self, name) for name in FILTERS) or bool(
            self.date_from or self.date_to or self.undated
        )

    @property
    def is_empty(self) -> bool:
        return not self.q and not self.has_filters


# A results page links to some sixty neighbouring searches, all repeating the same query and
# filter values: each distinct value is percent-encoded once.
_quoted = functools.lru_cache(maxsize=4096)(quote_plus)


def clean_text(value: str) -> str:
    """User text as the archive reads it: control characters turned into spaces, ends trimmed."""
    return value.translate(_CONTROL).strip()


def _checked_length(name: str, value: str, limit: int) -> str:
    if len(value) > limit:
        raise BadParameter(
            name, f"The {name} value is {len(value):,} characters long; the archive reads at most {limit:,}."
        )
    return value


def text_param(query, name: str, limit: int = MAX_VALUE_CHARS) -> str:
    """The GET parameter `name` as clean text ("" when absent); BadParameter when over `limit`
    characters. Every text parameter a page reads comes through here."""
    return _checked_length(name, clean_text(query.get(name) or ""), limit)


def number_param(query, name: str, high: int) -> int | None:
    """The GET parameter `name` as a whole number from 1 to `high`, None when absent; BadParameter
    otherwise. Only ASCII digits count: "²" and "٣" pass str.isdigit() but are not numbers here."""
    raw = clean_text(query.get(name) or "")
    if not raw:
        return None
    if not (raw.isascii() and raw.isdecimal() and len(raw) <= len(str(high)) and 1 <= int(raw) <= high):
        shown = raw if len(raw) <= 20 else raw[:20] + "…"
        raise BadParameter(name, f"“{shown}” is not a valid {name}: write a whole number from 1 to {high:,}.")
    return int(raw)


# How a yes/no parameter may be written (`undated=1`, `bom=true`, a checkbox's "on").
YES = ("1", "true", "yes", "on")
NO = ("", "0", "false", "no", "off")


def flag_param(query, name: str) -> bool:
    """The yes/no GET parameter `name` (False when absent); BadParameter for anything else."""
    raw = text_param(query, name).lower()
    if raw not in YES + NO:
        raise BadParameter(name, f"“{raw[:20]}” is not a valid {name}: write {name}=1 or leave it out.")
    return raw in YES


def choice_param(query, name: str, choices, default: str) -> str:
    """The GET parameter `name`, one of `choices` (`default` when absent); BadParameter otherwise."""
    raw = text_param(query, name) or default
    if raw not in choices:
        raise BadParameter(name, f"Unknown {name} “{raw[:40]}”; use one of: {', '.join(choices)}.")
    return raw


def page_param(query) -> int:
    """The page number asked for, 1 when absent."""
    return number_param(query, "page", MAX_PAGE) or 1


def _distinct(name: str, values: list[str]) -> tuple[str, ...]:
    """Non-empty clean values, first occurrence kept; BadParameter when there are too many or one
    is too long."""
    cleaned = [_checked_length(name, clean_text(v), MAX_VALUE_CHARS) for v in values]
    distinct = tuple(dict.fromkeys(v for v in cleaned if v))
    if len(distinct) > MAX_VALUES:
        raise BadParameter(name, f"{len(distinct):,} {name} values; a search takes at most {MAX_VALUES}.")
    return distinct


def _without(values: tuple[str, ...], value: str) -> tuple[str, ...]:
    return tuple(v for v in values if v != value)


def _opposite(name: str) -> str:
    return name.removesuffix("_not") if name.endswith("_not") else f"{name}_not"


def _parse_date(query, name: str) -> datetime.date | None:
    raw = text_param(query, name)
    if not raw:
        return None
    try:
        if not raw.isascii():
            raise ValueError(raw)
        return datetime.date.fromisoformat(raw)
    except ValueError:
        raise BadParameter(name, f"“{raw}” is not a date; write it as YYYY-MM-DD, e.g. 1987-03-15.") from None
