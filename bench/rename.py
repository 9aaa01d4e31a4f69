"""How long renaming a person with many articles takes through the admin, and what it reindexes.

    .venv/bin/python -m bench.rename [--articles 1000]

Builds a throwaway archive in a temporary directory (SQLite and index): one person named in
`--articles` articles, indexed. Then renames the person through the admin's change form (the
Django test client, logged in as a superuser), as a curator would, and prints the time of that
POST, how many articles it marked for reindexing, and whether a search finds the new name.
"""

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--articles", type=int, default=1000, help="articles naming the person")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as data:
        os.environ.update(
            DJANGO_SETTINGS_MODULE="archive.settings",
            SECRET_KEY="benchmark-only-not-a-secret",
            ARCHIVE_DATA_DIR=data,
            ARCHIVE_INDEX_DIR=str(Path(data) / "index"),
            ALLOWED_HOSTS="testserver",
            DEBUG="false",
            SECURE_SSL_REDIRECT="false",
            STATIC_ROOT=str(Path(data) / "static"),
        )
        import django

        django.setup()
        run(args.articles)


def run(count: int) -> None:
    from django.contrib.auth import get_user_model
    from django.core.management import call_command
    from django.test import Client
    from django.urls import reverse

    from articles import indexing
    from articles.models import Article, Person, PersonLink
    from articles.search.whoosh.query import SearchRequest, search

    call_command("migrate", verbosity=0)
    call_command("collectstatic", interactive=False, verbosity=0)  # the admin pages need the manifest
    person = Person.objects.create(name="Asim Munir")
    articles = Article.objects.bulk_create(
        Article(
            title=f"Report {i}", body=f"Asim Munir spoke, report {i}.", origin=f"r{i}", content_hash=f"h{i}"
        )
        for i in range(count)
    )
    PersonLink.objects.bulk_create(PersonLink(article=a, person=person, mentions=[]) for a in articles)
    indexing.flush_pending()
    admin = get_user_model().objects.create_superuser("bench", password="not-used")
    client = Client()
    client.force_login(admin)
    url = reverse("admin:articles_person_change", args=[person.pk])
    client.get(url)  # warm the admin's templates
    started = time.perf_counter()
    response = client.post(url, {"name": "Syed Asim Munir", "slug": person.slug, **_empty_inlines()})
    elapsed = time.perf_counter() - started
    assert response.status_code == 302, response.content[:500]
    marked = Article.objects.filter(needs_indexing=True).count()
    found = search(SearchRequest(persons=["Syed Asim Munir"])).total
    print(f"rename of a person with {count:,} articles through the admin: {elapsed * 1000:.0f} ms")
    print(f"  articles marked for reindexing: {marked}; search for the new name finds {found:,}")


def _empty_inlines() -> dict:
    """The management form of the person page's alias inline, with no rows."""
    return {
        "aliases-TOTAL_FORMS": "0",
        "aliases-INITIAL_FORMS": "0",
        "aliases-MIN_NUM_FORMS": "0",
        "aliases-MAX_NUM_FORMS": "1000",
    }


if __name__ == "__main__":
    main()
