"""Every public page and the main admin pages in a real browser, at 1280 px and at 390 px.

On the sample corpus, through Debian's Chromium and pytest-django's live server. Each page is
photographed at both widths into tests/artifacts/pages/ (kept by CI, ignored by git), and the
tests fail on: a horizontal scrollbar or a squeezed main column at 390 px, facets that a phone
cannot reach from the top of a results page, chart labels that overlap as drawn, any serious or
critical finding of axe-core (installed from npm into tests/browser/node_modules by `make test`
and .ci/run), a console error or a response of 500+.
"""

import json
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.test import Client

from articles.ingest_run import ingest_paths
from articles.models import Article, IngestRun, Person, Source, Topic
from articles.search.whoosh import query
from articles.urlstate import SearchState
from tests.browser_support import BROWSER_TEST
from tests.conftest import SAMPLE_DIR

HERE = Path(__file__).resolve().parent
SHOTS = HERE / "artifacts" / "pages"
AXE = HERE / "browser" / "node_modules" / "axe-core" / "axe.min.js"
WIDTHS = {"desktop": (1280, 900), "phone": (390, 844)}
SERIOUS = {"serious", "critical"}

pytestmark = BROWSER_TEST


@pytest.fixture
def archive():
    """The sample, ingested, a staff login, and the paths of one of each page (the ORM is done
    before the browser starts: Playwright's event loop forbids it)."""
    ingest_paths([str(SAMPLE_DIR)], workers=1)
    second = query.search(SearchState(q="pakistan").to_request()).hits[1].id  # opened as result 2
    article = Article.objects.get(pk=second)
    person = Person.objects.order_by("name").filter(slug__isnull=False).first()
    topic = Topic.objects.filter(articles__isnull=False).order_by("name").first()
    user = get_user_model().objects.create_superuser("editor", "editor@example.org", "a long test passphrase")
    client = Client()
    client.force_login(user)
    public = {
        "home": "/",
        "results": "/?q=india",
        "results-filtered": "/?q=imf&topic=Pakistan&person_not=Elena+Vasquez&sort=newest",
        "results-days": "/?date_from=2025-08-01&date_to=2025-08-31",
        "no-results": "/?q=zeppelin",
        "article": f"/articles/{article.pk}/?q=pakistan&rank=2",
        "article-plain": f"/articles/{article.pk}/",
        "person": person.get_absolute_url(),
        "topic": topic.get_absolute_url(),
        "more-people": "/facets/person/?q=pakistan",
        "more-topics": "/facets/topic/?order=name",
        "bad-parameter": "/?page=99",
        "not-found": "/articles/999999/",
        "admin-login": "/admin/login/",
    }
    admin = {
        "admin-index": "/admin/",
        "admin-articles": "/admin/articles/article/",
        "admin-article": f"/admin/articles/article/{article.pk}/change/",
        "admin-people": "/admin/articles/person/",
        "admin-person": f"/admin/articles/person/{person.pk}/change/",
        "admin-topics": "/admin/articles/topic/",
        "admin-topic": f"/admin/articles/topic/{topic.pk}/change/",
        "admin-sources": "/admin/articles/source/",
        "admin-source": f"/admin/articles/source/{Source.objects.first().pk}/change/",
        "admin-runs": "/admin/articles/ingestrun/",
        "admin-run": f"/admin/articles/ingestrun/{IngestRun.objects.first().pk}/change/",
    }
    return {"public": public, "admin": admin, "session": client.cookies["sessionid"].value}


def open_page(browser, width: str, problems: list, session: str | None = None, base: str = ""):
    w, h = WIDTHS[width]
    # axe-core adds <style> elements while it runs (on the admin's change pages), which the
    # archive's Content-Security-Policy refuses; the policy is tested by test_browser_hostile.py.
    context = browser.new_context(viewport={"width": w, "height": h}, bypass_csp=True)
    if session:
        context.add_cookies([{"name": "sessionid", "value": session, "url": base}])
    page = context.new_page()
    page.on("console", lambda msg: msg.type == "error" and problems.append(f"console: {msg.text}"))
    page.on("pageerror", lambda error: problems.append(f"page error: {error}"))
    page.on("response", lambda r: r.status >= 500 and problems.append(f"{r.status} from {r.url}"))
    return page


def serious_findings(page) -> list[str]:
    """axe-core's serious and critical findings on the page, one line each."""
    page.evaluate(AXE.read_text(encoding="utf-8"))  # evaluated, not a <script>
    result = page.evaluate(
        "async () => JSON.stringify(await axe.run(document, {resultTypes: ['violations']}))"
    )
    return [
        f"{v['id']} ({v['impact']}): {v['help']} at {', '.join(n['target'][0] for n in v['nodes'][:3])}"
        for v in json.loads(result)["violations"]
        if v["impact"] in SERIOUS
    ]


# The main column of a page: on a phone it takes the screen's width, never a squeezed strip.
MAIN_COLUMNS = ".article-text, .results, .facet-values-all, .entity-chart"


def squeezed_columns(page, at_least: int) -> list[str]:
    """The main columns narrower than `at_least` pixels, with their widths."""
    widths = page.evaluate(
        f"[...document.querySelectorAll('{MAIN_COLUMNS}')]"
        ".map(e => [e.className, e.getBoundingClientRect().width])"
    )
    return [f"{name} is {width:.0f} px wide" for name, width in widths if width < at_least]


def horizontal_overflow(page) -> int:
    """How many pixels the page is wider than the screen (0: no horizontal scrollbar)."""
    return page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")


# Pages that answer with an error status on purpose; the browser logs that status as a console error.
EXPECTED_STATUS = {"not-found": "status of 404", "bad-parameter": "status of 400"}


# static/js/admin.js names the admin's autocomplete boxes once the page has loaded; Playwright's
# goto() may return before that listener has run, and axe would then find them unnamed.
SCRIPTS_DONE = """() => [...document.querySelectorAll('select.admin-autocomplete')].every(select => {
    const box = select.nextElementSibling && select.nextElementSibling.querySelector('[role="combobox"]');
    return !box || box.dataset.named;
})"""


def visit_all(browser, live_server, pages: dict, session: str | None = None) -> list[str]:
    failures = []
    SHOTS.mkdir(parents=True, exist_ok=True)
    for width in WIDTHS:
        problems = []
        page = open_page(browser, width, problems, session, live_server.url)
        for name, path in pages.items():
            problems.clear()
            page.goto(live_server.url + path)
            page.wait_for_function(SCRIPTS_DONE)
            page.screenshot(path=str(SHOTS / f"{name}-{width}.png"), full_page=True)
            if width == "phone" and (extra := horizontal_overflow(page)):
                failures.append(f"{name} at 390 px: {extra} px wider than the screen (horizontal scrollbar)")
            if width == "phone":
                failures += [f"{name} at 390 px: {s}" for s in squeezed_columns(page, at_least=300)]
            if AXE.exists():
                failures += [f"{name} at {width}: {finding}" for finding in serious_findings(page)]
            expected = EXPECTED_STATUS.get(name, "no error expected")
            failures += [f"{name} at {width}: {problem}" for problem in problems if expected not in problem]
        page.context.close()
    return failures


def test_public_pages_fit_a_phone_and_pass_the_accessibility_check(archive, live_server, browser):
    failures = visit_all(browser, live_server, archive["public"])
    assert not failures, "\n".join(failures)
    if not AXE.exists():
        pytest.skip(
            f"axe-core is not installed at {AXE} (npm ci in tests/browser): pages were not checked by it"
        )


def test_admin_pages_fit_and_pass_the_accessibility_check(archive, live_server, browser):
    failures = visit_all(browser, live_server, archive["admin"], session=archive["session"])
    assert not failures, "\n".join(failures)
    if not AXE.exists():
        pytest.skip(
            f"axe-core is not installed at {AXE} (npm ci in tests/browser): pages were not checked by it"
        )


@pytest.mark.parametrize("path", ["/", "/?q=pakistan"])
def test_a_phone_reaches_the_facets_from_the_top_of_the_results(archive, live_server, browser, path):
    problems = []
    page = open_page(browser, "phone", problems)
    page.goto(live_server.url + path)
    viewport_height = WIDTHS["phone"][1]

    def on_screen(locator) -> bool:
        box = locator.bounding_box()
        return box is not None and box["y"] < viewport_height and box["y"] + box["height"] > 0

    facets = page.locator("#facets")
    jump = page.locator('a[href="#facets"]:visible')
    assert on_screen(facets) or (jump.count() and on_screen(jump.first)), (
        "no way to the facets on the first screen"
    )
    if not on_screen(facets):
        jump.first.click()
        page.wait_for_timeout(200)
        assert on_screen(page.locator("#facet-person")), "the jump link does not bring the facets into view"
    # a facet value chosen on the phone narrows the results
    page.locator("#facet-person + ul .facet-value").first.click()
    page.wait_for_url(lambda url: "person=" in url)
    assert problems == []


def test_chart_labels_never_overlap_as_drawn(archive, live_server, browser):
    """The axis labels' real boxes, as the browser draws them, at every chart level and both widths."""
    problems = []
    for width in WIDTHS:
        page = open_page(browser, width, problems)
        for path in (
            "/",
            "/?date_from=2025-01-01&date_to=2025-12-31",
            "/?date_from=2025-02-01&date_to=2025-02-28",
        ):
            page.goto(live_server.url + path)
            boxes = page.evaluate(
                "[...document.querySelectorAll('svg.histogram text')].map(t => {"
                " const r = t.getBoundingClientRect(); return [r.left, r.right]; })"
            )
            assert boxes, f"no chart labels on {path}"
            overlaps = [(a, b) for a, b in zip(boxes, boxes[1:], strict=False) if b[0] < a[1] + 2]
            assert not overlaps, f"labels run together on {path} at {width}: {overlaps}"
        page.context.close()
    assert problems == []
