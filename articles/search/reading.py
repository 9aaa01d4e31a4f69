"""The plain-words reading of a query ("articles containing tariff (and word forms); dated in
1987"), built the same way by every backend from the readings of the query's parts."""

from datetime import date

from articles.facet_registry import FACETS

from . import syntax

NAMES_SHOWN = 3  # names in the reading of a field that matched several ("person is A, B, C or 4 more")


def grouped(text: str) -> str:
    return f"({text})" if text.startswith(("all of", "any of")) else text


def any_of(texts: list[str]) -> str:
    return "any of: " + " / ".join(grouped(t) for t in texts)


def names_matched(field: str, shown: list[str]) -> str:
    """The reading of `field:text` that matched the rows named `shown` (sorted)."""
    reading = " or ".join(shown[:NAMES_SHOWN])
    if len(shown) > NAMES_SHOWN:
        reading = f"{', '.join(shown[:NAMES_SHOWN])} or {len(shown) - NAMES_SHOWN:,} more"
    return f"{field} is {reading}"


def no_such_name(field: str, text: str) -> str:
    return f"{field} is “{text}” (no such {field} in the archive)"


def dates(start: date | None, end: date | None) -> str:
    if not start and not end:
        return "dated (any date)"
    if start and end and start == end:
        return f"dated {start.isoformat()}"
    if start and end and start.day == 1 and (end.month, end.day) == (start.month, _last_day(start)):
        if start.year == end.year:
            return f"dated in {start.strftime('%B %Y')}"
    if (
        start
        and end
        and (start.month, start.day, end.month, end.day) == (1, 1, 12, 31)
        and start.year == end.year
    ):
        return f"dated in {start.year}"
    if start and end:
        return f"dated {start.isoformat()} to {end.isoformat()}"
    return f"dated from {start.isoformat()}" if start else f"dated up to {end.isoformat()}"


def _last_day(d: date) -> int:
    following = date(d.year + (d.month == 12), d.month % 12 + 1, 1)
    return (following - date(d.year, d.month, 1)).days


def all_of(parts) -> str:
    """The reading of an And node from its (child node, reading) pairs."""
    content = [t for c, t in parts if not isinstance(c, syntax.Not | syntax.FieldValue | syntax.DateSpan)]
    exclusions = [t.removeprefix("not: ") for c, t in parts if isinstance(c, syntax.Not)]
    conditions = [t for c, t in parts if isinstance(c, syntax.FieldValue | syntax.DateSpan)]
    pieces = []
    if len(content) > 1:
        pieces.append("all of: " + ", ".join(grouped(t) for t in content))
    elif content:
        pieces.append(content[0])
    if exclusions:
        pieces.append("not: " + ", ".join(exclusions))
    text = ", ".join(pieces)
    if conditions:
        text = "; ".join(([text] if text else []) + conditions)
    return text


def describe(tree_text: str | None) -> str:
    """The whole query's reading, from its tree's reading (None: no query)."""
    if not tree_text:
        return "all articles"
    if tree_text.startswith("not: "):
        return f"articles not containing {tree_text.removeprefix('not: ')}"
    if tree_text.startswith((*(f"{spec.name} is" for spec in FACETS), "dated")):
        return f"articles whose {tree_text}" if not tree_text.startswith("dated") else f"articles {tree_text}"
    return f"articles containing {tree_text}"


def has_text_terms(parsed: syntax.Query) -> bool:
    """True when the query has words to rank by (not only filters, fields or exclusions)."""
    text_nodes = syntax.Word | syntax.Phrase | syntax.Pattern | syntax.Fuzzy
    return any(isinstance(node, text_nodes) and not negated for node, negated in syntax.walk(parsed.tree))


NO_WORDS = "Your query has no words that can be searched for, so every article is listed."
