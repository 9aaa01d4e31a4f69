"""`manage.py ingest PATH...`: read article files into the archive and its search index."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from articles.ingest.draft import DATE_SOURCES, FileFailure
from articles.ingest.path_dates import batch_date
from articles.ingest_lock import IngestLocked
from articles.ingest_run import DiskFull, ingest_paths
from articles.progress import ProgressBar
from articles.removals import summary
from articles.search.base import IndexUnavailable


class Command(BaseCommand):
    help = "Ingest article files (text, HTML, JSON Lines, JSON) from files and directories into the archive."

    def add_arguments(self, parser):
        parser.add_argument(
            "paths", nargs="+", metavar="PATH", help="Files or directories (read recursively)."
        )
        parser.add_argument(
            "--dry-run", action="store_true", help="Show what would be stored for each file; write nothing."
        )
        parser.add_argument(
            "--force", action="store_true", help="Read unchanged files again (after a reader improvement)."
        )
        parser.add_argument(
            "--wait",
            action="store_true",
            help="If another ingest is running, wait for it instead of stopping.",
        )
        parser.add_argument(
            "--date",
            type=batch_date,
            default=None,
            metavar="YYYY-MM-DD",
            help="Date every article of this batch that has no date of its own (in its text, metadata, "
            "URL or file path).",
        )
        parser.add_argument(
            "--workers",
            type=int,
            default=None,
            help="Reader processes (default: the cores beyond the two that store and index; at least 1).",
        )

    def handle(self, *args, paths, dry_run, force, wait, workers, date, **options):
        missing = [p for p in paths if not Path(p).exists()]
        if len(missing) == len(paths):
            raise CommandError(
                f"Nothing to ingest: {', '.join(missing)} not found. Give existing files or folders."
            )
        if workers is not None and workers < 1:
            raise CommandError("--workers must be at least 1.")

        show = self._show_dry if dry_run else self._show_failure
        progress = ProgressBar(self.stdout, paths) if not dry_run and self.stdout.isatty() else None

        def on_item(item, outcome):
            if progress and outcome == "failed":
                progress.clear()
            show(item, outcome)
            if progress:
                progress.step(outcome, item.origin)

        try:
            report = ingest_paths(
                paths, dry_run=dry_run, force=force, wait=wait, workers=workers, on_item=on_item, date=date
            )
        except (IngestLocked, DiskFull) as error:
            raise CommandError(str(error)) from None
        except IndexUnavailable as error:
            raise CommandError(
                f"{error} The articles read so far are stored; run: manage.py rebuild_index, which "
                "indexes them with the rest of the archive."
            ) from None
        if progress:
            progress.done()
        verb = "Would ingest" if dry_run else "Ingested"
        self.stdout.write(self.style.SUCCESS(f"{verb}: {report.summary()}."))
        if report.counts["failed"]:
            where = "" if dry_run else " They are listed under Ingest failures in the admin."
            raise CommandError(
                f"{report.counts['failed']} file(s) could not be ingested (reasons above).{where}"
            )

    def _show_failure(self, item, outcome):
        if isinstance(item, FileFailure):
            self.stderr.write(f"FAILED {item.origin}: {item.message}")

    def _show_dry(self, item, outcome):
        if isinstance(item, FileFailure):
            self._show_failure(item, outcome)
            return
        date = f"{item.published} ({DATE_SOURCES[item.date_source]})" if item.published else "no date"
        lines = [
            f"{outcome.upper():9} {item.origin}",
            f"          title:    {item.title}",
            f"          date:     {date}",
            f"          url:      {item.source_url or '-'}",
            f"          dateline: {item.dateline or '-'}",
            f"          length:   {len(item.body):,} characters, {len(item.mentions)} person mentions",
            f"          removed:  {summary([removal.as_json() for removal in item.removals]) or '-'}",
        ]
        self.stdout.write("\n".join(lines))
