"""`manage.py rebuild_index`: rebuild the search index from the database."""

import time

from django.core.management.base import BaseCommand
from django.utils import timezone

from articles import indexing
from articles.models import Article
from articles.search import backend


class Command(BaseCommand):
    help = "Rebuild the search index from the database into a new directory, then swap it in."

    def handle(self, *args, **options):
        started, began = timezone.now(), time.monotonic()
        count = backend().rebuild(indexing.iter_documents())
        # Rows changed while the rebuild ran keep their flag and are caught up by the next flush.
        Article.objects.filter(needs_indexing=True, changed__lte=started).update(needs_indexing=False)
        caught_up = indexing.flush_pending()
        backend().prepare_for_searching()
        self.stdout.write(
            self.style.SUCCESS(
                f"Rebuilt the index with {count:,} articles in {time.monotonic() - began:.1f} s"
                + (f" ({caught_up} changed meanwhile and were indexed after)." if caught_up else ".")
            )
        )
