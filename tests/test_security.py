"""Link safety, the Content-Security-Policy header and admin login throttling."""

import pytest
from django.contrib.auth.models import User

from articles.ingest.links import web_url
from tests.archive_data import make_articles

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "url, shown",
    [
        ("https://reuters.com/a", "https://reuters.com/a"),
        ("HTTP://Example.org/x?y=1", "HTTP://Example.org/x?y=1"),
        ("  https://a.org/b ", "https://a.org/b"),
        ("javascript:alert(1)", ""),
        ("JaVaScRiPt:alert(1)", ""),
        ("java\tscript:alert(1)", ""),
        ("java\nscript:alert(1)", ""),
        (" javascript:alert(1)", ""),
        ("\x01\x02javascript:alert(1)", ""),
        ("data:text/html,<script>alert(1)</script>", ""),
        ("vbscript:msgbox(1)", ""),
        ("//evil.example/x", ""),
        ("/articles/1/", ""),
        ("ftp://files.example/x", ""),
        ("", ""),
        (None, ""),
    ],
)
def test_only_http_and_https_urls_are_links(url, shown):
    assert web_url(url) == shown


HOSTILE_URLS = ["javascript:alert(1)", "JaVaScRiPt:alert(1)", "java\tscript:alert(1)", " data:text/html,x"]


@pytest.mark.parametrize("url", HOSTILE_URLS)
def test_an_article_with_a_hostile_source_url_shows_no_link_and_no_url_in_data(client, url):
    article = make_articles()[0]
    article.source_url = url
    article.save()
    page = client.get(article.get_absolute_url()).content.decode()
    assert "original article" not in page
    assert "script:" not in page.lower() and "data:text" not in page
    assert client.get(f"/api/articles/{article.pk}").json()["url"] is None
    hits = client.get("/api/search", {"q": "steel"}).json()["hits"]
    assert [h["url"] for h in hits if h["id"] == article.pk] == [None]
    csv_text = b"".join(client.get("/export.csv", {"q": "steel"}).streaming_content).decode()
    assert "script:" not in csv_text.lower()


def test_a_web_source_url_is_still_a_link(client):
    article = make_articles()[0]
    page = client.get(article.get_absolute_url()).content.decode()
    assert f'href="{article.source_url}"' in page


@pytest.mark.parametrize("path", ["/", "/api/search", "/feed.atom", "/admin/login/", "/no/such/page/"])
def test_every_answer_carries_a_strict_content_security_policy(client, path):
    policy = client.get(path)["Content-Security-Policy"]
    directives = dict(d.strip().split(" ", 1) for d in policy.split(";") if d.strip())
    assert directives["default-src"] == "'none'"
    assert directives["script-src"] == "'self'"
    assert directives["style-src"] == "'self'"
    assert directives["frame-ancestors"] == "'none'"
    assert "unsafe-inline" not in policy and "unsafe-eval" not in policy


@pytest.fixture
def throttled(settings):
    settings.AXES_ENABLED = True
    settings.AXES_FAILURE_LIMIT = 3
    User.objects.create_superuser("curator", "c@example.org", "right-password-123")


def login(client, password: str):
    return client.post("/admin/login/?next=/admin/", {"username": "curator", "password": password})


def test_wrong_admin_passwords_lock_the_login_even_for_the_right_one(client, throttled):
    for _ in range(2):
        assert login(client, "wrong").status_code == 200  # the form again, with its error
    assert login(client, "wrong").status_code == 429  # the third failure locks
    locked = login(client, "right-password-123")
    assert locked.status_code == 429
    assert b"Too many failed logins" in locked.content
    assert "_auth_user_id" not in client.session


def test_a_right_password_before_the_limit_logs_in_and_resets_the_count(client, throttled):
    for _ in range(2):
        login(client, "wrong")
    assert login(client, "right-password-123").status_code == 302
    client.logout()
    for _ in range(2):
        login(client, "wrong")
    assert login(client, "right-password-123").status_code == 302
