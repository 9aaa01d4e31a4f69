"""Dates for articles whose files carry none: from the file's name or folders, or for a batch.

A corpus saved without dates in its files is often dated by its paths. `date_from_path` reads,
nearest first (the file name, then each folder up from it):

- `YYYY-MM-DD` (or `_` or `.` between), anywhere in a name: `2005-01-15-budget.txt`;
- `YYYY/MM/DD` as three folders, the day folder or file name starting with the day:
  `2005/02/03/budget.txt`, `2005/02/03-budget.txt`;
- `YYYYMMDD` as a run of exactly eight digits: `20050304.txt`, `budget-20050304.html`.

A date must exist in the calendar, lie between MIN_YEAR and next year, and stand apart from
other digits, so ids (`123456789`, `20051399`, `2005-01-150`) are not taken for dates. A year
or a month alone (`2005/02/`) is no date: nothing more precise than the path is invented.

`with_batch_date` gives the date of `ingest --date` (read by `batch_date`) to every draft that
found no date at all.
"""

import argparse
import datetime
import re
from collections.abc import Iterable, Iterator
from pathlib import PurePath

from articles.ingest.draft import ArticleDraft, FileFailure

MIN_YEAR = 1900
YEAR = r"(?P<year>(?:19|20)\d\d)"
MONTH = r"(?P<month>0[1-9]|1[0-2])"
DAY = r"(?P<day>0[1-9]|[12]\d|3[01])"
# One name holding a whole date, not inside a longer number.
IN_NAME = [
    re.compile(rf"(?<!\d){YEAR}(?P<sep>[-_.]){MONTH}(?P=sep){DAY}(?!\d)"),
    re.compile(rf"(?<!\d){YEAR}{MONTH}{DAY}(?!\d)"),
]
# Folders year / month and a name starting with the day.
YEAR_PART = re.compile(rf"{YEAR}")
MONTH_PART = re.compile(rf"{MONTH}")
DAY_START = re.compile(rf"{DAY}(?!\d)")


def date_from_path(origin: str) -> datetime.date | None:
    """The date a file's path gives (see the module docstring), or None."""
    parts = PurePath(file_of(origin)).parts
    for index in range(len(parts) - 1, -1, -1):
        name = parts[index]
        for pattern in IN_NAME:
            for match in pattern.finditer(name):
                if found := valid_date(match["year"], match["month"], match["day"]):
                    return found
        if index >= 2 and (day := DAY_START.match(name)):
            year, month = YEAR_PART.fullmatch(parts[index - 2]), MONTH_PART.fullmatch(parts[index - 1])
            if year and month and (found := valid_date(year["year"], month["month"], day["day"])):
                return found
    return None


def file_of(origin: str) -> str:
    """The file path of an origin: a record's origin ends in "#<record key>"."""
    path, hash_sign, key = origin.rpartition("#")
    return path if hash_sign and "/" not in key and "\\" not in key else origin


def valid_date(year: str, month: str, day: str) -> datetime.date | None:
    try:
        found = datetime.date(int(year), int(month), int(day))
    except ValueError:  # 2005-02-30
        return None
    latest = datetime.date.today().year + 1
    return found if MIN_YEAR <= found.year <= latest else None


def with_batch_date(
    items: Iterable[ArticleDraft | FileFailure], date: datetime.date | None
) -> Iterator[ArticleDraft | FileFailure]:
    """The items, each undated draft dated `date` (source "batch"); all as they are without one."""
    for item in items:
        if date is not None and isinstance(item, ArticleDraft) and item.published is None:
            item.published, item.date_source = date, "batch"
        yield item


def batch_date(value: str) -> datetime.date:
    """The value of `ingest --date`: a real calendar date written YYYY-MM-DD."""
    if len(value) == 10:  # fromisoformat also takes "20050115" and week dates
        try:
            return datetime.date.fromisoformat(value)
        except ValueError:
            pass
    raise argparse.ArgumentTypeError(f"{value!r} is not a date: give it as YYYY-MM-DD, e.g. 2005-01-15.")
