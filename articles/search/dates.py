"""The date histogram's buckets, chosen the same way by every backend: by year; by month when the
range (the filter, else the matches) lies in one year; by day when it lies in one month."""

from datetime import date, timedelta

from .types import DateHistogram

UNDATED = -1  # the day ordinal of an article without a date
LONG_SPAN_YEARS = 60  # beyond this many years the histogram lists only the years with articles


def level_for(first: date, last: date) -> str:
    if (first.year, first.month) == (last.year, last.month):
        return "day"
    return "month" if first.year == last.year else "year"


def key_of(level: str, day: date) -> int:
    """A day's bucket key: its ordinal, year * 12 + month - 1, or its year."""
    if level == "day":
        return day.toordinal()
    return day.year * 12 + day.month - 1 if level == "month" else day.year


def histogram(level: str, counts: dict[int, int], undated: int) -> DateHistogram:
    """The histogram from bucket keys (see key_of) and their counts; the buckets between the first
    and the last key are all listed, empty or not, except over long spans of years."""
    if not counts:
        return DateHistogram("year", [], undated)
    low, high = min(counts), max(counts)
    buckets = [_bucket(level, key, counts.get(key, 0)) for key in range(low, high + 1)]
    if level == "year" and len(buckets) > LONG_SPAN_YEARS:
        buckets = [b for b in buckets if b[3]]
    return DateHistogram(level, buckets, undated)


def _bucket(level: str, key: int, count: int) -> tuple:
    if level == "day":
        d = date.fromordinal(key)
        return (d.isoformat(), d, d, count)
    if level == "month":
        year, month = divmod(key, 12)
        start = date(year, month + 1, 1)
        end = date(year + (month == 11), (month + 1) % 12 + 1, 1) - timedelta(days=1)
        return (start.strftime("%Y-%m"), start, end, count)
    return (str(key), date(key, 1, 1), date(key, 12, 31), count)
