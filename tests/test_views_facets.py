"""Facet classes on a fake search result: values, selection, exclusion, URLs, dates, charts."""

import datetime
import itertools
import re
from types import SimpleNamespace as Bucket

import pytest

from articles import charts
from articles.charts import histogram_svg
from articles.facet_registry import BY_NAME
from articles.facets import DateFacet, Facet, active_filters
from articles.search.types import DateHistogram, FacetCount, SearchResult
from articles.urlstate import SearchState

D = datetime.date


def result(**facets) -> SearchResult:
    return SearchResult(
        total=9, facets={name: [FacetCount(v, c) for v, c in pairs] for name, pairs in facets.items()}
    )


def test_values_carry_count_state_and_urls():
    facet = Facet(BY_NAME["person"], SearchState(q="oil")).facet_results(
        result(person=[("Ann", 5), ("Bob", 2)])
    )
    ann = facet.values[0]
    assert (ann.value, ann.label, ann.count, ann.selected, ann.excluded) == ("Ann", "Ann", 5, False, False)
    assert ann.toggle_url == "/?q=oil&person=Ann"
    assert ann.exclude_url == "/?q=oil&person_not=Ann"


def test_a_selected_value_without_matches_still_shows_so_it_can_be_removed():
    facet = Facet(BY_NAME["person"], SearchState(person=("Zed",))).facet_results(result(person=[("Ann", 5)]))
    assert [(v.value, v.count, v.selected) for v in facet.values] == [("Zed", 0, True), ("Ann", 5, False)]
    assert facet.values[0].toggle_url == "/"


def test_excluded_values_are_listed_apart_with_a_link_to_include_them_again():
    facet = Facet(BY_NAME["source"], SearchState(source_not=("x.com",))).facet_results(
        result(source=[("y.com", 3)])
    )
    assert [v.value for v in facet.values] == ["y.com"]
    assert [(v.value, v.excluded, v.exclude_url) for v in facet.excluded] == [("x.com", True, "/")]


@pytest.mark.parametrize("limit, shown, truncated", [(2, 2, True), (5, 3, False), (None, 3, False)])
def test_top_values_are_cut_at_the_limit_and_say_so(limit, shown, truncated):
    counts = result(person=[("A", 3), ("B", 2), ("C", 1)])
    facet = Facet(BY_NAME["person"], SearchState(), more_path="/facets/person/").facet_results(
        counts, limit=limit
    )
    assert (len(facet.values), facet.truncated) == (shown, truncated)
    assert facet.more_url == "/facets/person/"


def test_a_missing_facet_comes_back_as_a_sentence_not_an_exception():
    facet = Facet(BY_NAME["person"], SearchState()).facet_results(result())
    assert facet.values == [] and "not available" in facet.error


def test_date_buckets_link_to_their_ranges_and_mark_the_current_one():
    state = SearchState(q="oil", date_from=D(1987, 3, 1), date_to=D(1987, 3, 31))
    histogram = DateHistogram("day", [("1987-03-02", D(1987, 3, 2), D(1987, 3, 2), 4)], 0)
    dates = DateFacet(state).facet_results(SearchResult(dates=histogram))
    (bucket,) = dates.buckets
    assert bucket.label == "2 March 1987"
    assert bucket.url == "/?q=oil&date_from=1987-03-02&date_to=1987-03-02"
    assert [label for label, _ in dates.crumbs] == ["All dates", "1987"]
    assert dates.clear_url == "/?q=oil"
    assert dates.undated is None


def test_the_undated_bucket_replaces_any_date_range():
    state = SearchState(date_from=D(1987, 1, 1), date_to=D(1987, 12, 31))
    dates = DateFacet(state).facet_results(SearchResult(dates=DateHistogram("month", [], 3)))
    assert dates.undated.count == 3
    assert dates.undated.url == "/?undated=1"


def test_the_chart_has_one_labelled_link_per_bucket_and_escapes_urls():
    histogram = DateHistogram(
        "year",
        [("1986", D(1986, 1, 1), D(1986, 12, 31), 1), ("1987", D(1987, 1, 1), D(1987, 12, 31), 1204)],
        0,
    )
    dates = DateFacet(SearchState(q='"a&b"')).facet_results(SearchResult(dates=histogram))
    svg = histogram_svg(dates.buckets, dates.level, "Articles by year")
    assert svg.count("<a ") == 2
    assert 'aria-label="1987: 1,204 articles"' in svg
    assert 'aria-label="1986: 1 article"' in svg
    assert "&amp;date_from=1987-01-01" in svg
    assert '"a&b"' not in svg


def test_no_chart_when_nothing_is_dated():
    assert histogram_svg([], "year", "Articles by year") == ""


def test_active_filters_name_each_filter_and_its_removal():
    state = SearchState(q="oil", topic=("Trade",), source_not=("x.com",), undated=True)
    filters = {(f.kind, f.label): f.remove_url for f in active_filters(state)}
    assert filters == {
        ("Query", "oil"): "/?topic=Trade&source_not=x.com&undated=1",
        ("Topic", "Trade"): "/?q=oil&source_not=x.com&undated=1",
        ("Not source", "x.com"): "/?q=oil&topic=Trade&undated=1",
        ("Date", "undated"): "/?q=oil&topic=Trade&source_not=x.com",
    }


@pytest.mark.parametrize("level", ["day", "month", "year"])
@pytest.mark.parametrize("bars", [1, 2, 3, 5, 6, 7, 12, 20, 31, 60])
def test_chart_labels_never_touch_and_stay_inside_the_chart(level, bars):
    start = D(2025, 2, 18)
    starts = {
        "day": [start + datetime.timedelta(days=i) for i in range(bars)],
        "month": [D(2000 + i // 12, i % 12 + 1, 1) for i in range(bars)],
        "year": [D(1950 + i, 1, 1) for i in range(bars)],
    }[level]
    buckets = [
        Bucket(label=str(s), start=s, count=i + 1, url="/", selected=False) for i, s in enumerate(starts)
    ]
    svg = str(histogram_svg(buckets, level, "chart"))
    labels = [(float(x), text) for x, text in re.findall(r'<text x="([\d.]+)"[^>]*>([^<]+)</text>', svg)]
    assert 1 <= len(labels) <= charts.MAX_LABELS
    spans = [
        (x - len(text) * charts.CHAR_WIDTH / 2, x + len(text) * charts.CHAR_WIDTH / 2) for x, text in labels
    ]
    rounding = 0.06  # x is written with one decimal
    assert all(-rounding <= left and right <= charts.WIDTH + rounding for left, right in spans)
    assert all(b[0] - a[1] >= charts.LABEL_GAP - 2 * rounding for a, b in itertools.pairwise(spans))
    if level == "day":
        assert labels[0][1] == "18 Feb"  # the first day shown names its month
