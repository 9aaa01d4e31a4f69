"""`manage.py apply_topics`: apply the topic rules to the archive again."""

from django.core.management.base import BaseCommand, CommandError

from articles.enrich import apply_topics
from articles.models import Topic


class Command(BaseCommand):
    help = "Recompute the rule-assigned topics of every article; topics assigned by hand are kept."

    def add_arguments(self, parser):
        parser.add_argument(
            "--topic",
            action="append",
            dest="topics",
            metavar="SLUG",
            help="Apply only this topic (its slug); repeat for several. Default: every topic.",
        )

    def handle(self, *args, topics=None, **options):
        selected = Topic.objects.all()
        if topics:
            selected = selected.filter(slug__in=topics)
            unknown = sorted(set(topics) - set(selected.values_list("slug", flat=True)))
            if unknown:
                known = ", ".join(Topic.objects.values_list("slug", flat=True)) or "none yet"
                raise CommandError(f"No topic with the slug {', '.join(unknown)}. Topics: {known}.")
        selected = list(selected)
        report = apply_topics(selected)
        for name, problem in report.failures.items():
            self.stderr.write(f"Topic {name!r} was not applied, its links kept: {problem}")
        self.stdout.write(
            f"Applied {len(selected)} topic(s) to {report.total} article(s): "
            f"{report.changed} article(s) changed."
        )
