"""Two app servers, one PostgreSQL database: two gunicorn instances, each with its own data
directory and static files (no disk shared), serve the postgres search backend. An ingest run
through one and a curator's edit in the admin of the other are found by searches on both.

The servers use this test's database (pytest-django's, with committed rows: transactional_db).
"""

import http.cookiejar
import os
import re
import subprocess
import sys
import urllib.parse
import urllib.request
from html.parser import HTMLParser
from pathlib import Path

import pytest
from django.db import connection

from articles.models import Article
from articles.search import backend
from tests.conftest import REPO
from tests.test_gunicorn import wait_for_port

pytestmark = pytest.mark.django_db(transaction=True)

PORTS = (8141, 8142)  # loopback only, clear of bench/load.py's 8130 and test_gunicorn.py's 8131
PASSWORD = "two-servers-curator-password"


def database_url() -> str:
    params = connection.settings_dict
    user = urllib.parse.quote(params["USER"] or "postgres")
    if params["PASSWORD"]:
        user += ":" + urllib.parse.quote(params["PASSWORD"])
    return f"postgres://{user}@{params['HOST'] or '127.0.0.1'}:{params['PORT'] or 5432}/{params['NAME']}"


def environment(root, port: int) -> dict:
    """One server's environment, as a deployment would set it (production settings)."""
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "archive.settings",
        "ENV_FILE": os.devnull,
        "SECRET_KEY": "two-servers-test-only-not-a-secret-0123456789",
        "DEBUG": "false",
        "DATABASE_URL": database_url(),
        "CONN_MAX_AGE": "0",  # no connection outlives a request: the test database is flushed after
        "ARCHIVE_SEARCH_BACKEND": "postgres",
        "ARCHIVE_DATA_DIR": str(root / "data"),
        "STATIC_ROOT": str(root / "static"),
        "ALLOWED_HOSTS": "127.0.0.1",
        "SECURE_SSL_REDIRECT": "false",
        "SESSION_COOKIE_SECURE": "false",
        "CSRF_COOKIE_SECURE": "false",
        "GUNICORN_BIND": f"127.0.0.1:{port}",
        "GUNICORN_WORKERS": "1",
    }


def manage(env: dict, *args: str) -> str:
    done = subprocess.run(
        [sys.executable, "manage.py", *args], cwd=REPO, env=env, capture_output=True, text=True, timeout=300
    )
    assert done.returncode == 0, done.stderr
    return done.stdout


@pytest.fixture
def servers(tmp_path, settings):
    if connection.vendor != "postgresql":
        pytest.skip("two app servers share one PostgreSQL database; this test database is SQLite")
    envs, started = [], []
    for n, port in enumerate(PORTS):
        env = environment(tmp_path / f"server{n}", port)
        manage(env, "collectstatic", "--noinput", "--verbosity", "0")
        envs.append(env)
    settings.ARCHIVE_SEARCH_BACKEND = "postgres"
    backend().create_if_absent()  # as `migrate` does with ARCHIVE_SEARCH_BACKEND=postgres
    try:
        for env in envs:
            started.append(
                subprocess.Popen(
                    [sys.executable, "-m", "gunicorn", "-c", "archive/gunicorn.conf.py", "archive.wsgi"],
                    cwd=REPO,
                    env=env,
                    stdout=subprocess.DEVNULL,
                    stderr=subprocess.DEVNULL,
                )
            )
        for port in PORTS:
            wait_for_port(port, 60)
        yield envs
    finally:
        for server in started:
            server.terminate()
        for server in started:
            server.wait(timeout=60)


class Browser:
    """Cookies and forms over HTTP, as a curator's browser sends them."""

    def __init__(self, port: int):
        self.base = f"http://127.0.0.1:{port}"
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar())
        )

    def get(self, path: str, **params) -> str:
        url = self.base + path + ("?" + urllib.parse.urlencode(params) if params else "")
        with self.opener.open(url, timeout=60) as response:
            return response.read().decode()

    def submit(self, path: str, changes: dict) -> str:
        """Fill the page's form with its own values, change some, and post it (with its CSRF token)."""
        form = FormFields()
        form.feed(self.get(path))
        data = urllib.parse.urlencode(
            [*[(k, v) for k, v in form.fields if k not in changes], *changes.items()]
        )
        request = urllib.request.Request(
            self.base + path, data=data.encode(), headers={"Referer": self.base + path}
        )
        with self.opener.open(request, timeout=60) as response:
            return response.read().decode()


class FormFields(HTMLParser):
    """The name/value pairs a browser would submit from the page's main form."""

    def __init__(self):
        super().__init__()
        self.fields: list[tuple[str, str]] = []
        self._textarea: str | None = None
        self._select: str | None = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        name = a.get("name")
        if tag == "input" and name:
            kind = a.get("type", "text")
            if kind in ("submit", "button", "file", "image") or (
                kind in ("checkbox", "radio") and "checked" not in a
            ):
                return
            self.fields.append((name, a.get("value", "on" if kind == "checkbox" else "")))
        elif tag == "textarea" and name:
            self._textarea = name
            self.fields.append((name, ""))
        elif tag == "select" and name:
            self._select = name
        elif tag == "option" and self._select and "selected" in a:
            self.fields.append((self._select, a.get("value", "")))

    def handle_data(self, data):
        if self._textarea is not None:
            name, text = self.fields[-1]
            self.fields[-1] = (name, text + data)

    def handle_endtag(self, tag):
        if tag == "textarea":
            self._textarea = None
        elif tag == "select":
            self._select = None


def total(port: int, q: str) -> int:
    return int(re.search(r'"total":\s*(\d+)', Browser(port).get("/api/search", q=q)).group(1))


def test_an_ingest_through_one_server_and_an_edit_through_the_other_are_found_on_both(servers, seeds_dir):
    first, second = servers
    dar = 'person:"Ishaq Dar"'
    assert [total(port, dar) for port in PORTS] == [0, 0]

    manage(first, "ingest", str(seeds_dir))
    stored = Article.objects.count()
    with_dar = Article.objects.filter(persons__name="Ishaq Dar").count()
    assert stored and with_dar
    assert [total(port, "") for port in PORTS] == [stored, stored]
    assert [total(port, dar) for port in PORTS] == [with_dar, with_dar]
    assert not [env for env in servers if (Path(env["ARCHIVE_DATA_DIR"]) / "index").exists()]  # nothing local

    # Made with the servers' settings: the password hashed as they check it (not as the tests hash).
    manage(
        {**second, "DJANGO_SUPERUSER_PASSWORD": PASSWORD},
        "createsuperuser",
        "--noinput",
        "--username",
        "curator",
        "--email",
        "curator@example.org",
    )
    curator = Browser(PORTS[1])
    curator.submit("/admin/login/?next=/admin/", {"username": "curator", "password": PASSWORD})
    article = Article.objects.order_by("pk").first()
    page = curator.submit(
        f"/admin/articles/article/{article.pk}/change/", {"title": "Quetzalcoatl summit", "_save": "Save"}
    )
    assert "was changed successfully" in page
    assert Article.objects.get(pk=article.pk).title == "Quetzalcoatl summit"
    assert [total(port, "quetzalcoatl") for port in PORTS] == [1, 1]
    assert [total(port, "title:quetzalcoatl") for port in PORTS] == [1, 1]
    page = Browser(PORTS[0]).get("/", q="quetzalcoatl")
    assert ">Quetzalcoatl summit</a></h3>" in page
