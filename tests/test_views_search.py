"""The search results page: query features, facets, filters, sorting, paging and escaping."""

import re

import pytest

from tests.archive_data import HOSTILE_TITLE, filler, make_articles

pytestmark = pytest.mark.django_db


@pytest.fixture
def archive():
    return make_articles()


def titles(response) -> list[str]:
    return [hit.article.title for hit in response.context["page"].hits]


def facet(response, name):
    return next(f for f in response.context["page"].facets if f.name == name)


def test_words_find_their_stemmed_forms(client, archive):
    response = client.get("/", {"q": "tariff"})
    assert response.status_code == 200
    assert set(titles(response)) == {"Steel tariffs rise again", HOSTILE_TITLE, "Year-end grain report"}


def test_ship_finds_shipping_and_ships(client, archive):
    assert set(titles(client.get("/", {"q": "ship"}))) == {"Steel tariffs rise again", "Dock strike ends"}


def test_an_exact_phrase_stays_exact(client, archive):
    assert titles(client.get("/", {"q": '"trade deal"'})) == ["Year-end grain report"]
    assert titles(client.get("/", {"q": '"deal trade"'})) == []


def test_the_total_is_announced_in_words(client, archive):
    response = client.get("/", {"q": "steel"})
    assert response.context["page"].total == 2
    assert re.search(r"<h1[^>]*>\s*2 articles\s*</h1>", response.content.decode())


def test_a_malformed_query_gives_a_message_and_never_a_server_error(client, archive):
    for q in ['"unclosed', "(oil OR", "title:", "AND", "date:[1987-13-40 to x]", "*", "~"]:
        response = client.get("/", {"q": q})
        assert response.status_code == 200, q


def test_the_page_says_how_it_understood_the_query(client, archive):
    response = client.get("/", {"q": "oil -steel"})
    assert response.context["page"].result.understood
    assert response.context["page"].result.understood in response.content.decode()


def test_a_misspelling_gets_a_did_you_mean_link(client):
    make_articles(filler(5))
    response = client.get("/", {"q": "wheet", "sort": "oldest"})
    suggestion = response.context["page"].result.suggestion
    assert suggestion == "wheat"
    assert 'Did you mean <a href="/?q=wheat&amp;sort=oldest">wheat</a>?' in response.content.decode()


def test_snippets_highlight_terms_and_escape_the_text(client, archive):
    html = client.get("/", {"q": "tariff"}).content.decode()
    assert "<mark>" in html
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "<b>rally</b>" not in html
    assert "Markets &lt;b&gt;rally&lt;/b&gt;" in html


def test_a_person_filter_narrows_the_results(client, archive):
    response = client.get("/", {"person": "Ishaq Dar"})
    assert set(titles(response)) == {"Steel tariffs rise again", "Dock strike ends"}


def test_values_of_one_facet_combine_with_or(client, archive):
    response = client.get("/", {"person": ["Ishaq Dar", "Asim Munir"]})
    assert set(titles(response)) == {"Steel tariffs rise again", "Dock strike ends", "Year-end grain report"}


def test_different_facets_combine_with_and(client, archive):
    response = client.get("/", {"person": "Ishaq Dar", "source": "dawn.com"})
    assert titles(response) == ["Dock strike ends"]


def test_an_excluded_value_removes_its_articles(client, archive):
    response = client.get("/", {"q": "steel", "person_not": "Marco Rubio"})
    assert titles(response) == ["Steel tariffs rise again"]


def test_facet_counts_follow_the_current_query(client, archive):
    counts = {v.value: v.count for v in facet(client.get("/", {"q": "steel"}), "person").values}
    assert counts == {"Ishaq Dar": 2, "Marco Rubio": 1}


def test_a_selected_value_links_to_its_removal_and_is_marked_beyond_colour(client, archive):
    response = client.get("/", {"q": "steel", "person": "Ishaq Dar"})
    value = next(v for v in facet(response, "person").values if v.value == "Ishaq Dar")
    assert value.selected
    assert value.toggle_url == "/?q=steel"
    html = response.content.decode()
    assert 'aria-current="true"' in html
    assert "✓" in html
    assert "selected: remove this filter" in html


def test_an_unselected_value_links_to_the_search_with_it_added(client, archive):
    response = client.get("/", {"q": "steel"})
    value = next(v for v in facet(response, "person").values if v.value == "Marco Rubio")
    assert value.toggle_url == "/?q=steel&person=Marco+Rubio"
    assert value.exclude_url == "/?q=steel&person_not=Marco+Rubio"


def test_the_active_filters_bar_removes_each_filter_and_starts_over(client, archive):
    response = client.get("/", {"q": "steel", "person": "Ishaq Dar", "topic_not": "Energy"})
    removals = {f.kind: f.remove_url for f in response.context["filters"]}
    assert removals["Person"] == "/?q=steel&topic_not=Energy"
    assert removals["Not topic"] == "/?q=steel&person=Ishaq+Dar"
    assert removals["Query"] == "/?person=Ishaq+Dar&topic_not=Energy"
    assert ">Start over</a>" in response.content.decode()


def test_the_date_histogram_has_a_link_for_every_bar(client, archive):
    response = client.get("/")
    dates = response.context["page"].dates
    assert dates.level == "year"
    by_label = {b.label: b for b in dates.buckets}
    assert by_label["1987"].count == 3 and by_label["1986"].count == 1
    assert by_label["1987"].url == "/?date_from=1987-01-01&date_to=1987-12-31"
    svg = str(response.context["chart"])
    assert svg.count("<a ") == len(dates.buckets)
    assert 'href="/?date_from=1987-01-01&amp;date_to=1987-12-31"' in svg
    assert 'aria-label="1987: 3 articles"' in svg


def test_a_year_drills_into_months_and_a_month_into_days(client, archive):
    months = client.get("/", {"date_from": "1987-01-01", "date_to": "1987-12-31"}).context["page"].dates
    assert months.level == "month"
    march = next(b for b in months.buckets if b.label == "March 1987")
    assert march.count == 2
    days = client.get(march.url).context["page"].dates
    assert days.level == "day"
    assert {b.label for b in days.buckets if b.count} == {"2 March 1987", "15 March 1987"}
    assert [label for label, _ in days.crumbs] == ["All dates", "1987"]


def test_the_undated_bucket_counts_and_filters_undated_articles(client, archive):
    dates = client.get("/").context["page"].dates
    assert dates.undated.count == 1
    assert titles(client.get(dates.undated.url)) == [HOSTILE_TITLE]


def test_date_inputs_filter_by_range(client, archive):
    response = client.get("/", {"date_from": "1987-03-10", "date_to": "1987-12-31"})
    assert set(titles(response)) == {"Oil prices fall on supply news", "Dock strike ends"}


def test_sorting_by_newest_and_oldest(client, archive):
    newest = titles(client.get("/", {"q": "steel OR oil OR grain", "sort": "newest"}))
    assert newest == [
        "Dock strike ends",
        "Oil prices fall on supply news",
        "Steel tariffs rise again",
        "Year-end grain report",
    ]
    oldest = titles(client.get("/", {"q": "steel OR oil OR grain", "sort": "oldest"}))
    assert oldest == list(reversed(newest))


def test_the_title_weighs_more_than_the_body(client, archive):
    # "strike" is in the title of one article and only in the body of none other; "steel" is in
    # one title and one body: the title match ranks first.
    assert titles(client.get("/", {"q": "steel"}))[0] == "Steel tariffs rise again"


def test_results_come_in_pages_of_twenty_with_links(client):
    make_articles(filler(45))
    first = client.get("/", {"q": "wheat"})
    assert first.context["page"].total == 45
    assert len(first.context["page"].hits) == 20
    assert [link.number for link in first.context["page_links"]] == [1, 2, 3]
    third = client.get("/", {"q": "wheat", "page": 3})
    assert len(third.context["page"].hits) == 5
    assert third.context["page"].first_rank == 41
    assert 'rel="prev"' in third.content.decode()


def test_a_page_past_the_end_is_a_400_with_a_sentence(client, archive):
    response = client.get("/", {"q": "steel", "page": 9})
    assert response.status_code == 400
    assert "There is no page 9" in response.content.decode()


@pytest.mark.parametrize("params", [{"date_from": "1987-02-30"}, {"sort": "best"}, {"page": "x"}])
def test_bad_parameters_give_400_not_500(client, archive, params):
    response = client.get("/", params)
    assert response.status_code == 400
    assert 'role="alert"' in response.content.decode()


def test_the_results_page_links_csv_atom_and_json_for_the_same_search(client, archive):
    html = client.get("/", {"q": "steel", "person": "Ishaq Dar"}).content.decode()
    assert 'href="/export.csv?q=steel&amp;person=Ishaq+Dar"' in html
    assert 'href="/feed.atom?q=steel&amp;person=Ishaq+Dar"' in html
    assert 'href="/api/search?q=steel&amp;person=Ishaq+Dar"' in html


def test_the_forms_are_labelled_and_keep_the_other_filters(client, archive):
    html = client.get("/", {"q": "steel", "person": "Ishaq Dar", "sort": "newest"}).content.decode()
    for control in ("q", "sort", "date_from", "date_to"):
        assert f'<label for="{control}"' in html or f'for="{control}">' in html
    assert '<input type="hidden" name="person" value="Ishaq Dar">' in html
    assert 'class="skip-link" href="#main"' in html


def test_no_inline_event_handlers_or_scripts(client, archive):
    html = client.get("/", {"q": "tariff"}).content.decode()
    assert not re.search(r"\son[a-z]+=", html)
    assert not re.search(r"<script>(?!alert)", html)


def test_the_facet_more_page_lists_filters_and_sorts_all_values(client, archive):
    response = client.get("/facets/person/", {"q": "steel OR grain OR oil", "order": "name"})
    assert response.status_code == 200
    # people by surname, as in an index
    assert [v.label for v in response.context["values"]] == ["Ishaq Dar", "Asim Munir", "Marco Rubio"]
    assert '<option value="name" selected>by surname</option>' in response.content.decode()
    filtered = client.get("/facets/person/", {"q": "steel OR grain OR oil", "contains": "dar"})
    assert [v.label for v in filtered.context["values"]] == ["Ishaq Dar"]
    assert filtered.context["values"][0].toggle_url == "/?q=steel+OR+grain+OR+oil&person=Ishaq+Dar"


def test_the_facet_more_page_names_its_search(client, archive):
    html = client.get(
        "/facets/topic/", {"q": "steel", "person": "Ishaq Dar", "order": "name"}
    ).content.decode()
    assert "For the search" in html
    assert '<span class="chip-kind">Query:</span> steel' in html
    assert '<span class="chip-kind">Person:</span> Ishaq Dar' in html
    assert '<option value="name" selected>by name</option>' in html
    assert "For every article in the archive." in client.get("/facets/topic/").content.decode()


def test_an_unknown_facet_page_is_a_404(client, archive):
    assert client.get("/facets/colour/").status_code == 404


def test_the_home_page_says_what_the_archive_holds_and_offers_example_searches(client, archive):
    html = client.get("/").content.decode()
    assert "An archive of 5 news articles." in html
    assert '<details class="search-help" open>' in html
    assert 'href="/?q=tariff+india"><code>tariff india</code></a>' in html
    assert '<details class="search-help">' in client.get("/", {"q": "steel"}).content.decode()


def test_an_empty_archive_says_how_to_fill_it(client):
    assert "The archive is empty." in client.get("/").content.decode()


def test_an_empty_archive_answers_with_zero_articles(client):
    for path in ("/", "/?q=anything", "/api/search", "/export.csv", "/feed.atom", "/facets/person/"):
        assert client.get(path).status_code == 200, path
    assert client.get("/api/search").json()["total"] == 0
