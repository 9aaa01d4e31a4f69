"""Ingest records in the admin: runs with their counts, failed files searchable, and a retry
of fixed files."""

from django.contrib import admin, messages
from django.contrib.admin.models import CHANGE
from django.forms.models import BaseInlineFormSet
from django.urls import reverse
from django.utils.html import format_html
from django.utils.text import capfirst

from articles import curation
from articles.admin.common import log_bulk, plural
from articles.ingest_lock import IngestLocked
from articles.ingest_run import DiskFull
from articles.models import (
    IngestFailure,
    IngestRun,
)


class ReadOnlyAdmin(admin.ModelAdmin):
    """Records written by ingest: curators read them and act on them, but do not edit them."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class FirstFailures(BaseInlineFormSet):
    """A run's first failures only: a run over a broken folder can record thousands, and the
    failure list (linked from the run) searches and pages them all."""

    shown = 100

    def get_queryset(self):
        return super().get_queryset()[: self.shown]


class IngestFailureInline(admin.TabularInline):
    model = IngestFailure
    formset = FirstFailures
    fields = ["path", "code", "message", "resolved"]
    readonly_fields = fields
    extra = 0
    verbose_name_plural = f"failures (the first {FirstFailures.shown})"
    can_delete = False
    show_change_link = True

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(IngestRun)
class IngestRunAdmin(ReadOnlyAdmin):
    list_display = ["__str__", "finished", "new", "updated", "unchanged", "duplicates", "failed"]
    fields = [
        "started",
        "finished",
        "paths",
        "new",
        "updated",
        "unchanged",
        "duplicates",
        "failed",
        "failure_list",
    ]
    readonly_fields = fields
    date_hierarchy = "started"
    inlines = [IngestFailureInline]

    @admin.display(description="failures")
    def failure_list(self, run):
        url = reverse("admin:articles_ingestfailure_changelist") + f"?run__id__exact={run.pk}"
        return format_html('<a href="{}">{}</a>', url, f"Search and retry the {run.failed} failed files")


@admin.action(description="Retry these files (after fixing them)", permissions=["retry"])
def retry_files(modeladmin, request, queryset):
    failures = list(queryset)
    try:
        result = curation.retry_failures(failures)
    except (IngestLocked, DiskFull) as error:
        modeladmin.message_user(request, str(error), messages.ERROR)
        return
    log_bulk(request, failures, CHANGE, f"Retried in ingest run {result.run.pk}.")
    modeladmin.message_user(
        request,
        f"Retried {plural(len(result.paths), 'file')} in ingest run {result.run.pk}: "
        f"{result.resolved} now ingested, {result.still_failing} still failing.",
        messages.SUCCESS if not result.still_failing else messages.WARNING,
    )


@admin.register(IngestFailure)
class IngestFailureAdmin(ReadOnlyAdmin):
    list_display = ["path", "code", "message", "resolved", "run_link"]
    list_filter = ["resolved", "code"]
    search_fields = ["path", "code", "message"]
    list_select_related = ["run"]
    readonly_fields = ["run", "path", "code", "message", "resolved"]
    actions = [retry_files]
    show_full_result_count = False

    def has_retry_permission(self, request):
        """Retrying is ingesting: it may add articles."""
        return request.user.has_perm("articles.add_article")

    @admin.display(description="run", ordering="run")
    def run_link(self, failure):
        url = reverse("admin:articles_ingestrun_change", args=[failure.run_id])
        return format_html('<a href="{}">{}</a>', url, capfirst(str(failure.run)))
