"""`manage.py check_index`: compare the search index with the database."""

from django.core.management.base import BaseCommand, CommandError

from articles import indexing
from articles.models import Article
from articles.search import backend
from articles.search.base import IndexUnavailable

SHOWN = 10


class Command(BaseCommand):
    help = (
        "Report a damaged search index, articles missing from it, stale entries and orphans; exit 1 if any."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--fix", action="store_true", help="Index the missing and stale articles and remove the orphans."
        )

    def handle(self, *args, fix, **options):
        search = backend()
        try:
            search.verify()
            self.stdout.write(search.describe())
        except IndexUnavailable as damage:
            raise CommandError(f"{damage} Run: manage.py rebuild_index") from None
        if search.needs_rebuild():
            raise CommandError(
                "The index was built with another schema version. Run: manage.py rebuild_index"
            )
        in_db = {
            pk: indexing.stamp_of(changed)
            for pk, changed in Article.objects.values_list("pk", "changed").iterator(chunk_size=5000)
        }
        in_index = search.indexed_stamps()
        missing = sorted(in_db.keys() - in_index.keys())
        orphans = sorted(in_index.keys() - in_db.keys())
        stale = sorted(pk for pk in in_db.keys() & in_index.keys() if in_db[pk] != in_index[pk])
        self.stdout.write(f"{len(in_db):,} articles in the database, {len(in_index):,} in the index.")
        for label, ids in (
            ("missing from the index", missing),
            ("stale in the index", stale),
            ("orphans", orphans),
        ):
            if ids:
                shown = ", ".join(map(str, ids[:SHOWN])) + (" ..." if len(ids) > SHOWN else "")
                self.stdout.write(f"{len(ids):,} {label}: {shown}")
        if not (missing or stale or orphans):
            self.stdout.write(self.style.SUCCESS("The index matches the database."))
            return
        if not fix:
            raise CommandError("The index does not match the database. Run: manage.py check_index --fix")
        with indexing.deferred():
            indexing.queue_reindex(missing + stale)
        indexed = indexing.flush_pending()
        removed = search.remove(orphans)
        self.stdout.write(
            self.style.SUCCESS(f"Fixed: indexed {indexed:,} articles, removed {removed:,} orphans.")
        )
