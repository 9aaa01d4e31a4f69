"""Stored XSS, tried for real: payloads in every field an article has (title, text, source URL,
dateline, person and topic names) go in through ingest and the admin's models, and a real browser
visits every page that shows them. No dialog may open, no payload may run, no inline script may
even be attempted (the CSP would log it as a console error), and every page carries the CSP.
"""

import json
import re

import pytest
from django.contrib.auth.models import User

from articles import indexing
from articles.ingest_run import ingest_paths
from articles.models import Article, Person, PersonLink, Topic, TopicLink
from tests.browser_support import BROWSER_TEST

pytestmark = BROWSER_TEST

RUN = "window.__pwned=1;alert(1)"  # short: every payload fits a topic name (100 characters)
PAYLOADS = [
    f"<script>{RUN}</script>",
    f'<img src=x onerror="{RUN}">',
    f'"><svg onload="{RUN}">',
    f'\'><iframe srcdoc="<script>parent.{RUN}</script>">',
    f"</title></textarea><script>{RUN}</script>",
]
HOSTILE_URLS = [f"javascript:{RUN}", f"JaVaScRiPt:{RUN}", f"java\tscript:{RUN}", f" javascript:{RUN}"]


@pytest.fixture
def hostile_archive(tmp_path):
    """Articles with a payload in every field, through the real ingest; people and topics with
    payload names as a curator could type them; everything indexed."""
    records = [
        {
            "title": f"Hostile title {i} {payload}",
            "date": "2025-03-0" + str(i + 1),
            "url": HOSTILE_URLS[i % len(HOSTILE_URLS)],
            "dateline": f"KARACHI {payload}",
            "text": f"The payload number {i} follows here: {payload} and the text goes on about harbours.",
        }
        for i, payload in enumerate(PAYLOADS)
    ]
    path = tmp_path / "hostile.jsonl"
    path.write_text("\n".join(json.dumps(r) for r in records) + "\n")
    ingest_paths([path], workers=1)
    articles = list(Article.objects.order_by("pk"))
    assert len(articles) == len(PAYLOADS)
    for article, payload in zip(articles, PAYLOADS, strict=True):
        person = Person.objects.create(name=f"Person {payload}")
        topic = Topic.objects.create(name=f"Topic {payload}")
        PersonLink.objects.create(article=article, person=person, mentions=[])
        TopicLink.objects.create(article=article, topic=topic)
    Article.objects.update(needs_indexing=True)
    indexing.flush_pending()
    User.objects.create_superuser("curator", "c@example.org", "a-long-test-password-1")
    return {
        "articles": [a.get_absolute_url() for a in articles],
        "people": [p.get_absolute_url() for p in Person.objects.filter(name__startswith="Person ")],
        "topics": [t.get_absolute_url() for t in Topic.objects.filter(name__startswith="Topic ")],
        "admin": [f"/admin/articles/article/{a.pk}/change/" for a in articles[:2]]
        + ["/admin/articles/article/", "/admin/articles/person/", "/admin/articles/topic/"],
    }


def test_no_payload_runs_on_any_page(hostile_archive, live_server, browser):
    dialogs, problems, missing_csp = [], [], []
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    # A CSP violation is a console error; a missing resource is reported by its response
    # instead (the admin asks for a /favicon.ico the archive does not have).
    page.on(
        "console",
        lambda msg: (
            msg.type == "error"
            and not msg.text.startswith("Failed to load resource")
            and problems.append(f"console: {msg.text}")
        ),
    )
    page.on(
        "response",
        lambda r: (
            r.status >= 400
            and not r.url.endswith("/favicon.ico")
            and problems.append(f"{r.status} from {r.url}")
        ),
    )
    page.on("pageerror", lambda error: problems.append(f"page error: {error}"))

    def visit(path: str):
        response = page.goto(live_server.url + path)
        assert response.status < 500, (path, response.status)
        if "content-security-policy" not in response.headers:
            missing_csp.append(path)
        assert page.evaluate("window.__pwned || 0") == 0, f"a payload ran on {path}"

    searches = ["/?q=payload", "/?q=hostile", "/?q=harbours&sort=newest", "/facets/person/?q=payload"]
    searches += ["/facets/topic/", "/facets/source/", "/?" + "person=Person+%3Cscript%3E"]
    for path in searches + hostile_archive["articles"] + hostile_archive["people"]:
        visit(path)
    for path in hostile_archive["topics"]:
        visit(path)
    # Each article page offers no "original article" link for a javascript: URL.
    for path in hostile_archive["articles"]:
        page.goto(live_server.url + path + "?q=payload")
        assert page.locator("a", has_text="original article").count() == 0
        hrefs = page.eval_on_selector_all("a[href]", "links => links.map(a => a.href)")
        assert not [h for h in hrefs if re.match(r"\s*javascript:", h, re.IGNORECASE)]
    # The admin, logged in, shows the same values.
    page.goto(live_server.url + "/admin/login/")
    page.fill("#id_username", "curator")
    page.fill("#id_password", "a-long-test-password-1")
    page.locator("input[type=submit]").click()
    page.wait_for_url(re.compile(r"/admin/$"))
    for path in hostile_archive["admin"]:
        visit(path)
    assert dialogs == []
    assert missing_csp == []
    assert problems == []
