"""Shared fixtures: paths to the shared material, and a fresh Whoosh index directory per test."""

from importlib import import_module
from pathlib import Path

import pytest
from django.apps import apps
from django.contrib.auth.models import Group
from django.contrib.contenttypes.models import ContentType
from django.template.backends import jinja2 as jinja2_backend
from django.test.signals import template_rendered

from articles.models import Topic
from articles.search.whoosh import index
from tests.browser_support import launched_chromium

REPO = Path(__file__).resolve().parent.parent
SHARED = REPO.parent / "shared"
SEEDS_DIR = SHARED / "seeds"
REUTERS_DIR = SHARED / "corpora" / "reuters21578"
SAMPLE_DIR = REPO / "sample"


@pytest.fixture(autouse=True, scope="session")
def jinja2_context_in_responses():
    """The test client reads `response.context` from the template_rendered signal, which Django
    sends only for its own template language (test/utils.py instruments it); send it for Jinja2
    pages too, with the context the view passed."""
    render = jinja2_backend.Template.render

    def instrumented(self, context=None, request=None):
        template_rendered.send(sender=self, template=self, context=dict(context or {}))
        return render(self, context, request)

    jinja2_backend.Template.render = instrumented
    yield
    jinja2_backend.Template.render = render


@pytest.fixture
def seeds_dir():
    if not SEEDS_DIR.is_dir():
        pytest.skip(f"the seed articles are not at {SEEDS_DIR}")
    return SEEDS_DIR


@pytest.fixture
def reuters_dir():
    if not (REUTERS_DIR / "reut2-000.sgm").is_file():
        pytest.skip(f"the Reuters-21578 corpus is not at {REUTERS_DIR}")
    return REUTERS_DIR


@pytest.fixture(autouse=True)
def index_dir(tmp_path_factory, settings):
    """Every test gets its own data directory (the ingest lock) and empty Whoosh index,
    outside tmp_path, which tests ingest; parallel test workers never share them."""
    settings.ARCHIVE_DATA_DIR = tmp_path_factory.mktemp("data")
    settings.ARCHIVE_INDEX_DIR = tmp_path_factory.mktemp("index")
    index.create_if_absent()  # as `migrate` does for a new archive
    return settings.ARCHIVE_INDEX_DIR


@pytest.fixture(autouse=True)
def migration_data(request):
    """Transactional tests (the browser test, a real-commit admin test) end by emptying every
    table, rows of data migrations included; with tests spread over workers, a test may run after
    one in the same database. Put the starter topics and the editor group back, from the data
    migrations themselves, inside the test's own transaction. The flush also recreates the content
    types under new ids, so the ids cached for the admin's history are forgotten."""
    marker = request.node.get_closest_marker("django_db")
    if marker is None or marker.kwargs.get("transaction"):
        return
    request.getfixturevalue("db")
    ContentType.objects.clear_cache()
    if not Topic.objects.exists():
        import_module("articles.migrations.0002_starter_topics").add_topics(apps, None)
        import_module("articles.migrations.0006_topic_evidence").tune_starter_topics(apps, None)
    if not Group.objects.filter(name="editor").exists():
        import_module("articles.migrations.0003_editor_group").create_editor_group(apps, None)


@pytest.fixture
def editor(db, django_user_model):
    """A staff user in the "editor" group made by the data migration; not a superuser."""
    user = django_user_model.objects.create_user("editor", password="not-used", is_staff=True)
    user.groups.add(Group.objects.get(name="editor"))
    return user


@pytest.fixture
def editor_client(client, editor):
    """The test client, logged in as a curator (`editor`)."""
    client.force_login(editor)
    return client


@pytest.fixture
def browser():
    """A headless Chromium (tests/browser_support.py), closed after the test."""
    with launched_chromium() as chromium:
        yield chromium
