"""The search state in the URL: parsing GET parameters, writing them back, one-argument changes."""

import datetime

import pytest
from django.http import QueryDict

from articles.facets import describe_dates
from articles.urlstate import BadParameter, SearchState


def state(qs: str) -> SearchState:
    return SearchState.from_query(QueryDict(qs))


def test_defaults_give_an_empty_state_and_an_empty_query_string():
    assert state("") == SearchState()
    assert SearchState().query_string() == ""
    assert SearchState().is_empty


@pytest.mark.parametrize(
    "qs",
    [
        "q=tariff",
        "q=oil&person=Ishaq+Dar&person=Marco+Rubio",
        "topic=Trade&topic_not=Energy&source_not=dawn.com",
        "date_from=1987-03-01&date_to=1987-03-31",
        "undated=1&sort=newest&page=3",
        "q=%22trade+deal%22&source=reuters.com&sort=oldest",
    ],
)
def test_parsing_and_writing_back_round_trips(qs):
    parsed = state(qs)
    assert state(parsed.query_string().lstrip("?")) == parsed
    assert parsed.query_string() == "?" + qs


@pytest.mark.parametrize(
    "qs, param",
    [
        ("date_from=1987-13-01", "date_from"),
        ("date_to=yesterday", "date_to"),
        ("date_from=1987-05-01&date_to=1987-04-01", "date_to"),
        ("page=0", "page"),
        ("page=-2", "page"),
        ("page=two", "page"),
        ("sort=random", "sort"),
    ],
)
def test_bad_parameters_raise_with_the_parameter_named(qs, param):
    with pytest.raises(BadParameter) as caught:
        state(qs)
    assert caught.value.param == param
    assert caught.value.message


def test_blank_and_repeated_filter_values_are_dropped():
    assert state("person=&person=Ishaq+Dar&person=Ishaq+Dar").person == ("Ishaq Dar",)


def test_adding_a_value_resets_the_page_and_removes_its_exclusion():
    start = state("person_not=Ishaq+Dar&page=4")
    added = start.adding("person", "Ishaq Dar")
    assert added.person == ("Ishaq Dar",)
    assert added.person_not == ()
    assert added.page == 1


def test_excluding_a_selected_value_deselects_it():
    assert state("topic=Trade").adding("topic_not", "Trade").topic == ()


@pytest.mark.parametrize(
    "qs, name, value, expected",
    [
        ("person=A&person=B", "person", "A", "?person=B"),
        ("q=oil&source=x.com", "source", "x.com", "?q=oil"),
        ("topic_not=T&page=2", "topic_not", "T", ""),
    ],
)
def test_removing_a_value_drops_exactly_one_argument(qs, name, value, expected):
    assert state(qs).removing(name, value).query_string() == expected


def test_to_request_carries_every_filter():
    request = state(
        "q=oil&person=A&person_not=B&topic=T&topic_not=U&source=S&source_not=R"
        "&date_from=1987-01-01&date_to=1987-12-31&sort=oldest&page=2"
    ).to_request()
    assert (request.q, request.persons, request.persons_not) == ("oil", ["A"], ["B"])
    assert (request.topics, request.topics_not, request.sources, request.sources_not) == (
        ["T"],
        ["U"],
        ["S"],
        ["R"],
    )
    assert (request.date_from, request.date_to) == (datetime.date(1987, 1, 1), datetime.date(1987, 12, 31))
    assert (request.sort, request.page, request.page_size) == ("oldest", 2, 20)


def test_hidden_fields_leave_out_the_named_parameters_and_the_page():
    assert state("q=oil&person=A&sort=newest&page=3").hidden("sort") == [("q", "oil"), ("person", "A")]


@pytest.mark.parametrize(
    "start, end, words",
    [
        ("2025-08-06", "2025-08-06", "6 August 2025"),
        ("1987-02-01", "1987-02-28", "February 1987"),
        ("1987-01-01", "1987-12-31", "1987"),
        ("1987-01-01", "1988-12-31", "1987-01-01 to 1988-12-31"),
        ("1987-03-02", None, "from 1987-03-02"),
        (None, "1987-03-02", "up to 1987-03-02"),
    ],
)
def test_date_ranges_are_described_in_words(start, end, words):
    as_date = lambda text: datetime.date.fromisoformat(text) if text else None  # noqa: E731
    assert describe_dates(as_date(start), as_date(end)) == words
