"""A real browser over the real seeds: search, apply and remove facets, open an article.

Drives Debian's Chromium through Playwright against pytest-django's live server, and fails on
any console error, uncaught page error or response of 500 or more. Screenshots go to
tests/artifacts/ (kept by CI as artifacts, ignored by git).
"""

import re
from pathlib import Path

import pytest

from articles.ingest_run import ingest_paths
from tests.browser_support import BROWSER_TEST

ARTIFACTS = Path(__file__).resolve().parent / "artifacts"

pytestmark = BROWSER_TEST


@pytest.fixture
def seeded(seeds_dir):
    """The seeds, ingested before the browser starts (Playwright's event loop forbids the ORM)."""
    ingest_paths([seeds_dir])


@pytest.fixture
def browser_page(browser):
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    problems = []
    page.on("console", lambda msg: msg.type == "error" and problems.append(f"console: {msg.text}"))
    page.on("pageerror", lambda error: problems.append(f"page error: {error}"))
    page.on("response", lambda r: r.status >= 500 and problems.append(f"{r.status} from {r.url}"))
    return page, problems


def shot(page, name: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)


def result_count(page) -> int:
    return int(re.sub(r"\D", "", page.locator("#results-heading").inner_text()))


def test_search_facets_and_article_in_a_real_browser(seeded, live_server, browser_page):
    page, problems = browser_page

    page.goto(live_server.url + "/")
    everything = result_count(page)
    assert everything >= 4
    shot(page, "01-home")

    page.fill("#q", "tariffs")
    page.press("#q", "Enter")
    page.wait_for_url(re.compile(r"q=tariffs"))
    matching = result_count(page)
    assert 0 < matching < everything
    assert page.locator(".snippet mark").count() > 0
    shot(page, "02-results")

    # apply the first person value, then remove it from the active-filter bar
    people = page.locator("#facet-person + ul .facet-value")
    name = people.first.locator(".label").inner_text()
    people.first.click()
    page.wait_for_url(re.compile(r"person="))
    assert page.locator(".chip", has_text=name).count() == 1
    assert page.locator('.facet-value[aria-current="true"]', has_text=name).count() == 1
    shot(page, "03-person-filter")
    page.locator(".chip", has_text=name).click()
    page.wait_for_url(lambda url: "person=" not in url)
    assert result_count(page) == matching

    # exclude a value, then include it again
    page.locator("#facet-person + ul .facet-exclude").first.click()
    page.wait_for_url(re.compile(r"person_not="))
    assert result_count(page) < matching
    page.locator(".chip").filter(has_text="Not person").click()
    page.wait_for_url(lambda url: "person_not=" not in url)

    # sort (the select submits itself with JavaScript) and back again
    page.select_option("#sort", "oldest")
    page.wait_for_url(re.compile(r"sort=oldest"))
    page.go_back()
    page.wait_for_url(lambda url: "sort=" not in url)

    # a bar of the date histogram narrows the dates
    page.locator("svg.histogram a").first.click()
    page.wait_for_url(re.compile(r"date_from="))
    shot(page, "04-date-bar")
    page.locator(".start-over").click()
    page.wait_for_url(lambda url: "?" not in url)

    # the "more" page of a facet: every value, filtered by text and sorted by surname
    page.goto(live_server.url + "/facets/person/")
    every = page.locator(".facet-values-all .facet-value").count()
    page.select_option("#order", "name")
    page.fill("#contains", "a")
    page.locator(".facet-filter button").click()
    page.wait_for_url(re.compile(r"contains=a"))
    labels = page.locator(".facet-values-all .facet-value .label").all_inner_texts()
    assert 0 < len(labels) <= every
    assert labels == sorted(labels, key=lambda name: (name.casefold().split()[-1], name.casefold()))
    shot(page, "08-facet-values")

    # open an article from a search: highlighted text, hit links, back to the results
    page.goto(live_server.url + "/?q=Rubio")
    page.locator(".hit-title a").first.click()
    page.wait_for_url(re.compile(r"/articles/\d+/"))
    assert page.locator(".article-text mark").count() > 0
    page.locator(".hit-nav a").first.click()
    shot(page, "05-article")
    page.locator(".result-nav .back").click()
    page.wait_for_url(re.compile(r"q=Rubio"))

    # a person's page
    page.goto(live_server.url + "/")
    page.locator("#facet-person + ul .facet-value").first.click()
    page.locator(".hit-title a").first.click()
    page.locator(".article-side .tag").first.click()
    page.wait_for_url(re.compile(r"/people/|/topics/"))
    assert page.locator("h1").inner_text()
    shot(page, "06-person")

    # a phone-sized screen
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(live_server.url + "/?q=Pakistan")
    shot(page, "07-phone")

    assert problems == []
