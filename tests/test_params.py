"""Every parameter is read and cleaned in one place (articles/urlstate.py): control characters
become spaces, numbers are ASCII digits only, lengths are bounded; a value that cannot be read is
a 400 with a message on every page, never a 500."""

import pytest
from django.http import QueryDict

from articles.urlstate import MAX_QUERY_CHARS, MAX_VALUES, BadParameter, SearchState, clean_text
from tests.archive_data import make_articles

pytestmark = pytest.mark.django_db


def state(qs: str) -> SearchState:
    return SearchState.from_query(QueryDict(qs))


@pytest.mark.parametrize(
    "raw, clean",
    [
        ("steel\x00oil", "steel oil"),
        ("\x1b[31msteel", "[31msteel"),
        ("steel\x85\x9f", "steel"),
        ("\tsteel\r\n", "steel"),
        ("oil\ufffe", "oil"),
        ("Amélie Łódź 北京", "Amélie Łódź 北京"),
    ],
)
def test_control_characters_become_spaces(raw, clean):
    assert clean_text(raw) == clean


def test_every_text_parameter_is_cleaned():
    query = QueryDict(mutable=True)
    query.setlist("q", ["steel\x00"])
    query.setlist("person", ["Ishaq\x07 Dar", "\x00"])
    query.setlist("sort", ["newest\x0b"])
    parsed = SearchState.from_query(query)
    assert parsed.q == "steel"
    assert parsed.person == ("Ishaq  Dar",)
    assert parsed.sort == "newest"


@pytest.mark.parametrize("page", ["²", "٣", "１", "1.5", "-1", "0", "1e3", "0x10", "9" * 40, "100001"])
def test_a_page_is_ascii_digits_in_range_or_a_bad_parameter(page):
    with pytest.raises(BadParameter) as error:
        state(f"page={page}")
    assert error.value.param == "page"
    assert "whole number" in error.value.message


@pytest.mark.parametrize(
    "qs, param",
    [
        ("q=" + "a" * (MAX_QUERY_CHARS + 1), "q"),
        ("person=" + "a" * 301, "person"),
        ("&".join(f"topic=t{i}" for i in range(MAX_VALUES + 1)), "topic"),
        ("sort=" + "x" * 10_000, "sort"),
        ("date_from=２０２５-01-01", "date_from"),
        ("undated=maybe", "undated"),
        ("sort=bogus", "sort"),
    ],
)
def test_absurd_values_are_refused_with_a_message(qs, param):
    with pytest.raises(BadParameter) as error:
        state(qs)
    assert error.value.param == param and error.value.message


@pytest.fixture
def archive():
    return make_articles()


@pytest.mark.parametrize("path", ["/", "/api/search", "/export.csv", "/feed.atom", "/facets/person/"])
@pytest.mark.parametrize("params", [{"page": "²"}, {"q": "x" * 5000}, {"date_to": "٢٠٢٥-01-01"}])
def test_bad_values_are_a_400_on_every_search_path(client, archive, path, params):
    response = client.get(path, params)
    assert response.status_code == 400
    if path == "/" or path.startswith("/facets/"):
        assert b"This search cannot be run" in response.content
    else:
        assert response.json()["error"]["param"] == next(iter(params))


def test_control_characters_in_the_feed_query_give_a_feed(client, archive):
    response = client.get("/feed.atom", {"q": "steel\x0b\x00", "person": "Ishaq Dar\x1f"})
    assert response.status_code == 200
    assert b"\x0b" not in response.content and b"\x00" not in response.content


def test_an_article_page_ignores_a_damaged_rank_and_search(client, archive):
    path = archive[0].get_absolute_url()
    for params in ({"rank": "²"}, {"rank": "99999999999999999999"}, {"q": "steel", "page": "²", "rank": "1"}):
        response = client.get(path, params)
        assert response.status_code == 200
        assert response.context["rank"] is None


def test_person_and_topic_pages_answer_a_bad_page_number_with_a_400(client, archive):
    person = archive[0].persons.first()
    assert client.get(person.get_absolute_url(), {"page": "²"}).status_code == 400
    assert client.get(person.get_absolute_url(), {"page": "1"}).status_code == 200


def test_the_facet_page_filter_text_is_cleaned_and_bounded(client, archive):
    response = client.get("/facets/person/", {"contains": "dar\x00"})
    assert response.status_code == 200
    assert [v.label for v in response.context["values"]] == ["Ishaq Dar"]
    assert client.get("/facets/person/", {"contains": "d" * 5000}).status_code == 400


@pytest.mark.parametrize(
    ("path", "params", "param"),
    [
        ("/facets/person/", {"order": "bogus"}, "order"),
        ("/export.csv", {"bom": "2"}, "bom"),
        ("/api/search", {"undated": "maybe"}, "undated"),
    ],
)
def test_a_value_outside_its_choices_is_a_400_that_names_it(client, archive, path, params, param):
    response = client.get(path, params)
    assert response.status_code == 400
    if path != "/facets/person/":
        assert response.json()["error"]["param"] == param
    else:
        assert param in response.content.decode()


@pytest.mark.parametrize("value", ["1", "true", "on", "0", ""])
def test_yes_or_no_values_are_read(client, archive, value):
    assert client.get("/api/search", {"undated": value}).status_code == 200
