"""Hostile input is normal input: every public URL and parameter, driven with the cases the
security review found (nested parentheses, control characters, Unicode digits, huge values,
`date:[* to *]`, fuzzy and wildcard bombs) and with values hypothesis generates. Every answer
must come in under two seconds on the test archive and never be a 5xx.

The cases are bounded: a fixed list, and a fixed number of generated examples.
"""

import string
import time

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.archive_data import SPECS, Spec, filler, make_articles

pytestmark = pytest.mark.django_db

BUDGET_SECONDS = 2.0
SEARCH_PATHS = ["/", "/api/search", "/export.csv", "/feed.atom", "/facets/person/", "/facets/topic/"]
SEARCH_PARAMS = [
    "q",
    "person",
    "person_not",
    "topic",
    "topic_not",
    "source",
    "source_not",
    "date_from",
    "date_to",
    "undated",
    "sort",
    "page",
]
# Parameters only some pages read; every page gets them anyway.
OTHER_PARAMS = ["rank", "contains", "order", "columns", "bom"]

FUZZY_BOMB = " ".join(f"{a}{b}~2" for a in "abc" for b in string.ascii_lowercase)[:299]
NESTED_PARENTHESES = "(" * 240 + "steel" + ")" * 240  # RecursionError in the parser: a 500
WILDCARD_BOMB = " OR ".join(f"a*{b}*?" for b in string.ascii_lowercase)
# Each case the review reported, and its relatives. (param, value)
ADVERSARIAL = [
    ("q", NESTED_PARENTHESES),
    ("q", "(" * 5000),
    ("q", ")" * 300 + "oil"),
    ("q", "NOT " * 300 + "oil"),
    ("q", '"' * 301),
    ("q", FUZZY_BOMB),
    ("q", WILDCARD_BOMB),
    ("q", "*"),
    ("q", "?*?*?*?*?*"),
    ("q", "date:[* to *]"),
    ("q", "date:[* TO *]"),
    ("q", "date:[9999-12-31 to 0001-01-01]"),
    ("q", "date:0000"),
    ("q", "date:99999999"),
    ("q", "person:"),
    ("q", "title:(" * 100),
    ("q", "steel\x00oil\x1b\x7f\x85"),
    ("q", "\ud7ff\ufffe\uffff"),
    ("q", "a" * 999),
    ("q", "a" * 100_000),
    ("q", "ﬁnance ＳＴＥＥＬ İstanbul ß"),
    ("q", "<script>alert(1)</script>"),
    ("q", "steel~99"),
    ("q", "steel^999999999"),
    ("page", "²"),
    ("page", "٣"),
    ("page", "0"),
    ("page", "-1"),
    ("page", "9" * 5000),
    ("page", "1e9"),
    ("rank", "²"),
    ("rank", "9" * 5000),
    ("rank", "-3"),
    ("date_from", "0001-01-01"),
    ("date_to", "9999-12-31"),
    ("date_from", "2025-02-30"),
    ("date_from", "²⁰²⁵-01-01"),
    ("date_to", "\x00"),
    ("person", "\x00"),
    ("person", "Ishaq Dar\x0b"),
    ("person", "x" * 10_000),
    ("topic", "(" * 240),
    ("source", "javascript:alert(1)"),
    ("sort", "\x00"),
    ("sort", "newest" * 1000),
    ("undated", "²"),
    ("contains", "\x00" * 50),
    ("contains", "(" * 240),
    ("order", "name\x00"),
    ("columns", "text,snippet,\x00"),
    ("columns", "," * 1000),
    ("bom", "²"),
]


@pytest.fixture
def archive():
    articles = make_articles([*SPECS, *filler(30), Spec("Undated note", "A note without a date.")])
    return {
        "article": articles[0].get_absolute_url(),
        "person": articles[0].persons.first().get_absolute_url(),
        "topic": articles[0].topics.first().get_absolute_url(),
        "api_article": f"/api/articles/{articles[0].pk}",
    }


def fetch(client, path: str, params) -> None:
    started = time.monotonic()
    response = client.get(path, params)
    if response.streaming:
        b"".join(response.streaming_content)
    elapsed = time.monotonic() - started
    assert response.status_code < 500, (path, params, response.status_code)
    assert elapsed < BUDGET_SECONDS, f"{path} {params!r} took {elapsed:.2f} s"


def every_path(archive) -> list[str]:
    return SEARCH_PATHS + [archive["article"], archive["person"], archive["topic"], archive["api_article"]]


def case_id(case) -> str:
    param, value = case
    return f"{param}={value[:20]!r}" + (f"…({len(value)})" if len(value) > 20 else "")


@pytest.mark.parametrize("case", ADVERSARIAL, ids=case_id)
def test_each_reported_case_on_every_page(client, archive, case):
    param, value = case
    for path in every_path(archive):
        fetch(client, path, {param: value})
        fetch(client, path, {param: value, "q": "steel", "person": "Ishaq Dar"})


@pytest.mark.parametrize(
    "path",
    [
        "/api/",
        "/api/articles/abc",
        "/api/articles/99999999999999999999999",
        "/api/articles/-1",
        "/articles/abc/",
        "/facets/%00/",
        "/people/%C2%B2/",
        "/topics/" + "x" * 3000 + "/",
        "/export.csv/",
        "/feed.atom/x",
    ],
)
def test_odd_paths_are_answered_without_a_server_error(client, archive, path):
    fetch(client, path, {})


# Text as hostile as hypothesis makes it: any code point (control characters and the astral planes
# included), biased towards the query syntax's own characters.
SYNTAX = st.sampled_from(list('()"*?~^:[]-+ ') + ["AND", "OR", "NOT", " to ", "date:", "person:", "title:"])
TEXT = st.one_of(
    st.text(max_size=60),
    st.lists(st.one_of(SYNTAX, st.text(string.ascii_lowercase, min_size=1, max_size=6)), max_size=30).map(
        "".join
    ),
    st.sampled_from([value for param, value in ADVERSARIAL]),
)
NUMBER = st.one_of(st.integers(-5, 10**30).map(str), st.text("0123456789²³¹٣１.-e", max_size=8), TEXT)
VALUES = {name: NUMBER if name in ("page", "rank") else TEXT for name in SEARCH_PARAMS + OTHER_PARAMS}
PARAMS = st.dictionaries(
    st.sampled_from(sorted(VALUES)), st.lists(TEXT, min_size=1, max_size=3), max_size=5
).flatmap(
    lambda d: st.fixed_dictionaries(
        {name: st.lists(VALUES[name], min_size=1, max_size=len(values)) for name, values in d.items()}
    )
)


@settings(
    max_examples=150,
    deadline=None,  # the two-second budget is asserted per request instead
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(path_index=st.integers(0, 9), params=PARAMS)
def test_generated_parameters_on_every_page(client, archive, path_index, params):
    fetch(client, every_path(archive)[path_index], params)
