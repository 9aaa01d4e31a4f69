"""Curation in the Django admin: articles, people, topics, sources and the ingest records.

Every change reaches the search index right after the commit: saves queue their article once the
related objects (people, topics) are saved, and deletes, merges, rejects and bulk actions queue
every article they touched. Merges, rejects and bulk actions are written to the admin history.
The heavy lifting is in articles.curation; this module is forms, lists and messages.
"""

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.models import ADDITION, CHANGE, DELETION, LogEntry
from django.db import models, transaction
from django.db.models import Count, OuterRef, Q, Subquery, Value
from django.db.models.functions import Coalesce
from django.forms.models import BaseInlineFormSet
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.html import format_html, format_html_join
from django.utils.text import capfirst

from articles import curation
from articles.enrich import apply_topics, preview_topic_rule, reextract
from articles.indexing import queue_removal
from articles.ingest.topics import RuleError, validate_rule
from articles.ingest_run import IngestLocked
from articles.models import (
    Article,
    Assignment,
    IngestFailure,
    IngestRun,
    Person,
    PersonAlias,
    PersonLink,
    RejectedName,
    Source,
    SourceFile,
    Topic,
    TopicLink,
)

admin.site.site_header = "Archive curation"
admin.site.site_title = "Archive curation"
admin.site.index_title = "Curate the archive"


def count_of(model, field, **filters):
    """A per-row count of the `model` rows pointing at the row through `field`, as a subquery:
    unlike Count() over joins it is computed only for the rows of the page, and multiplies none."""
    rows = model.objects.filter(**{field: OuterRef("pk")}, **filters).order_by().values(field)
    return Coalesce(Subquery(rows.annotate(n=Count("pk")).values("n")), Value(0))


def plural(count, word):
    return f"{count} {word}{'' if count == 1 else 's'}"


def id_in(value):
    """The id a filter's query parameter holds, or None when it holds none."""
    return int(value) if (value or "").isdigit() else None


def log_bulk(request, objects, flag, message):
    """One admin history entry per object, written in one query."""
    LogEntry.objects.log_actions(request.user.pk, list(objects), flag, message)


# --- articles -------------------------------------------------------------------------------


class PersonFilter(admin.SimpleListFilter):
    """Articles naming one person, chosen by id (?person=12): the people list links here.

    The filter never lists every person: an archive has tens of thousands.
    """

    title = "person"
    parameter_name = "person"
    template = "admin/articles/article/person_filter.html"

    def lookups(self, request, model_admin):
        return [
            (str(pk), name)
            for pk, name in Person.objects.filter(pk=id_in(self.value())).values_list("pk", "name")
        ]

    def has_output(self):
        return True  # even with no person chosen: the template then says where to choose one

    def queryset(self, request, queryset):
        if (person_id := id_in(self.value())) is not None:
            return queryset.filter(person_links__person_id=person_id)
        return queryset


class TopicFilter(admin.SimpleListFilter):
    """Articles with one topic (topics are few, so all are listed)."""

    title = "topic"
    parameter_name = "topic"

    def lookups(self, request, model_admin):
        return [(str(pk), name) for pk, name in Topic.objects.values_list("pk", "name")]

    def queryset(self, request, queryset):
        if (topic_id := id_in(self.value())) is not None:
            return queryset.filter(topic_links__topic_id=topic_id)
        return queryset


class DatedFilter(admin.SimpleListFilter):
    title = "publication date"
    parameter_name = "dated"

    def lookups(self, request, model_admin):
        return [("no", "Has no date"), ("yes", "Has a date")]

    def queryset(self, request, queryset):
        if self.value() in ("yes", "no"):
            return queryset.filter(published__isnull=self.value() == "no")
        return queryset


class PersonLinkInline(admin.TabularInline):
    model = PersonLink
    fields = ["person", "assigned", "mention_list"]
    readonly_fields = ["assigned", "mention_list"]
    autocomplete_fields = ["person"]
    extra = 0
    verbose_name = "person named"
    verbose_name_plural = "people named (links added here are kept apart as set by hand)"

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("person")

    @admin.display(description="mentions")
    def mention_list(self, link):
        phrases = sorted({m["phrase"] for m in link.mentions})
        return f"{len(link.mentions)}: {', '.join(phrases)}" if link.mentions else "—"


class TopicLinkInline(admin.TabularInline):
    model = TopicLink
    fields = ["topic", "assigned"]
    readonly_fields = ["assigned"]
    extra = 0
    verbose_name = "topic"
    verbose_name_plural = "topics (links added here are kept apart as set by hand and survive re-application)"

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("topic")


@admin.action(
    description="Re-run extraction (people and topics) on the selected articles", permissions=["change"]
)
def reextract_articles(modeladmin, request, queryset):
    count = reextract(queryset)
    log_bulk(request, queryset, CHANGE, "Re-ran extraction of people and topics.")
    modeladmin.message_user(request, f"Re-ran extraction on {plural(count, 'article')}.")


@admin.action(description="Reindex the selected articles in search", permissions=["change"])
def reindex_articles(modeladmin, request, queryset):
    ids = list(queryset.values_list("pk", flat=True))
    curation.reindex(ids)
    modeladmin.message_user(request, f"Queued {plural(len(ids), 'article')} for the search index.")


@admin.action(
    description="Delete the selected articles (and remove them from search)…", permissions=["delete"]
)
def delete_articles(modeladmin, request, queryset):
    """Like the admin's own "delete selected", with a confirmation page that counts what goes
    instead of listing every related row (which takes minutes for thousands of articles)."""
    if request.POST.get("confirm") == "yes":
        count = queryset.count()
        with transaction.atomic():
            modeladmin.log_deletions(request, queryset)
            modeladmin.delete_queryset(request, queryset)
        modeladmin.message_user(request, f"Deleted {plural(count, 'article')}; search no longer finds them.")
        return None
    selected = queryset.values("pk")
    context = {
        **modeladmin.admin_site.each_context(request),
        "title": "Delete articles",
        "opts": modeladmin.model._meta,
        "count": queryset.count(),
        "sample": queryset.order_by("-published", "-id").values("title", "published")[:20],
        "person_links": PersonLink.objects.filter(article__in=selected).count(),
        "topic_links": TopicLink.objects.filter(article__in=selected).count(),
        "files": SourceFile.objects.filter(article__in=selected).count(),
        "selected_ids": request.POST.getlist(admin.helpers.ACTION_CHECKBOX_NAME),
        "select_across": request.POST.get("select_across", "0"),
        "action": "delete_articles",
        "action_checkbox_name": admin.helpers.ACTION_CHECKBOX_NAME,
    }
    return TemplateResponse(request, "admin/articles/article/bulk_delete_confirmation.html", context)


@admin.register(Article)
class ArticleAdmin(admin.ModelAdmin):
    list_display = ["title", "published", "source", "people", "topic_count"]
    list_select_related = ["source"]
    list_filter = [DatedFilter, TopicFilter, PersonFilter, "source"]
    date_hierarchy = "published"
    search_fields = ["title"]
    search_help_text = "Words in the title or text (text through the search index)."
    ordering = ["-published", "-id"]
    list_per_page = 50
    show_full_result_count = False
    actions = [reextract_articles, reindex_articles, delete_articles]
    autocomplete_fields = ["source"]
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
    fieldsets = [
        (None, {"fields": ["title", ("published", "date_source"), "body"]}),
        ("Where it came from", {"fields": ["source_url", "source", "dateline", "origin", "file_paths"]}),
        ("Record", {"fields": ["content_hash", "format", "ingested", "changed"], "classes": ["collapse"]}),
    ]
    readonly_fields = ["origin", "file_paths", "content_hash", "format", "ingested", "changed"]
    inlines = [PersonLinkInline, TopicLinkInline]

    def get_actions(self, request):
        actions = super().get_actions(request)
        actions.pop("delete_selected", None)  # replaced by delete_articles
        return actions

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(
                person_count=count_of(PersonLink, "article"), topic_count=count_of(TopicLink, "article")
            )
        )

    def get_search_results(self, request, queryset, search_term):
        """Title words from the database, text words from the search index (a scan of every
        article's text would take seconds on a large archive)."""
        if not search_term.strip():
            return queryset, False
        by_title, _ = super().get_search_results(request, queryset, search_term)
        ids, capped = curation.index_matches(search_term)
        if capped:
            self.message_user(
                request,
                f"Showing the title matches and the best {len(ids)} text matches; "
                "narrow the search to see the rest.",
                messages.WARNING,
            )
        return queryset.filter(Q(pk__in=by_title.values("pk")) | Q(pk__in=ids)), False

    @admin.display(description="people", ordering="person_count")
    def people(self, article):
        return article.person_count

    @admin.display(description="topics", ordering="topic_count")
    def topic_count(self, article):
        return article.topic_count

    @admin.display(description="files")
    def file_paths(self, article):
        return format_html_join(
            "", "<div>{}</div>", ((path,) for path in article.files.values_list("path", flat=True))
        )

    def save_model(self, request, obj, form, change):
        """A date a curator sets or corrects says so, unless they chose its source themselves."""
        if "published" in form.changed_data and "date_source" not in form.changed_data:
            obj.date_source = "curator" if obj.published else ""
        super().save_model(request, obj, form, change)

    def save_formset(self, request, form, formset, change):
        """Links added or changed by hand are marked so: re-extraction and rules leave them alone."""
        for link in formset.save(commit=False):
            link.assigned = Assignment.MANUAL
            link.save()
        for link in formset.deleted_objects:
            link.delete()

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        curation.reindex([form.instance.pk])

    def delete_model(self, request, obj):
        pk = obj.pk
        super().delete_model(request, obj)
        queue_removal([pk])

    def delete_queryset(self, request, queryset):
        ids = list(queryset.values_list("pk", flat=True))
        super().delete_queryset(request, queryset)
        queue_removal(ids)


# --- people ---------------------------------------------------------------------------------


class PersonAliasInline(admin.TabularInline):
    model = PersonAlias
    extra = 1


@admin.action(description="Merge the selected people into one…", permissions=["delete"])
def merge_people(modeladmin, request, queryset):
    people = list(
        queryset.annotate(article_count=count_of(PersonLink, "person"))
        .prefetch_related("aliases")
        .order_by("-article_count", "name")
    )
    if len(people) < 2:
        modeladmin.message_user(request, "Choose at least two people to merge.", messages.WARNING)
        return None
    if request.POST.get("confirm") == "yes":
        chosen = [p for p in people if str(p.pk) == request.POST.get("target")]
        if not chosen:
            modeladmin.message_user(request, "Choose the person the others become.", messages.ERROR)
            return None
        target = chosen[0]
        others = [p for p in people if p.pk != target.pk]
        with transaction.atomic():  # the history says what happened, or nothing happened
            log_bulk(request, others, DELETION, f"Merged into {target.name}.")
            plan = curation.merge_people(target, others)
            modeladmin.log_change(
                request, target, f"Merged {', '.join(p.name for p in others)} into this person."
            )
        modeladmin.message_user(
            request,
            f"Merged {', '.join(p.name for p in others)} into {target.name}: "
            f"{plural(plan.articles, 'article')} relinked, {plural(plan.mentions, 'mention')} moved, "
            f"{plural(len(plan.new_aliases), 'name')} kept as aliases.",
        )
        return None
    context = {
        **modeladmin.admin_site.each_context(request),
        "title": "Merge people",
        "opts": modeladmin.model._meta,
        "people": people,
        "plans": [curation.plan_merge(p, people) for p in people],
        "action": "merge_people",
        "action_checkbox_name": admin.helpers.ACTION_CHECKBOX_NAME,
    }
    return TemplateResponse(request, "admin/articles/person/merge_confirmation.html", context)


@admin.action(description="Reject: these names are not people…", permissions=["delete"])
def reject_people(modeladmin, request, queryset):
    people = list(queryset.annotate(article_count=count_of(PersonLink, "person")).prefetch_related("aliases"))
    if request.POST.get("confirm") == "yes":
        with transaction.atomic():
            log_bulk(request, people, DELETION, "Rejected: not a person.")
            summary = curation.reject_names(people)
            rejected = RejectedName.objects.filter(name__in=summary.names)
            log_bulk(request, rejected, ADDITION, "Rejected: not a person.")
        modeladmin.message_user(
            request,
            f"Rejected {plural(len(summary.names), 'name')} ({', '.join(summary.names)}): "
            f"{plural(summary.people, 'person')} deleted, {plural(summary.articles, 'article')} reindexed. "
            "Ingest will not link these names again.",
        )
        return None
    context = {
        **modeladmin.admin_site.each_context(request),
        "title": "Reject names",
        "opts": modeladmin.model._meta,
        "people": people,
        "action": "reject_people",
        "action_checkbox_name": admin.helpers.ACTION_CHECKBOX_NAME,
    }
    return TemplateResponse(request, "admin/articles/person/reject_confirmation.html", context)


@admin.register(Person)
class PersonAdmin(admin.ModelAdmin):
    list_display = ["name", "article_count", "alias_names", "public_page"]
    search_fields = ["name", "aliases__name"]
    fields = ["name", "slug", "public_page"]
    readonly_fields = ["slug", "public_page"]
    inlines = [PersonAliasInline]
    actions = [merge_people, reject_people]
    list_per_page = 100
    show_full_result_count = False

    def get_queryset(self, request):
        queryset = super().get_queryset(request).annotate(article_count=count_of(PersonLink, "person"))
        return queryset.prefetch_related("aliases")

    @admin.display(description="articles", ordering="article_count")
    def article_count(self, person):
        url = reverse("admin:articles_article_changelist") + f"?person={person.pk}"
        return format_html('<a href="{}">{}</a>', url, person.article_count)

    @admin.display(description="aliases")
    def alias_names(self, person):
        return ", ".join(alias.name for alias in person.aliases.all())

    @admin.display(description="public page")
    def public_page(self, person):
        return format_html('<a href="{}">{}</a>', person.get_absolute_url(), "view") if person.pk else "—"

    def save_related(self, request, form, formsets, change):
        """A renamed person keeps the old name as an alias, so that ingest still finds them by it."""
        super().save_related(request, form, formsets, change)
        if change and "name" in form.changed_data:
            PersonAlias.objects.get_or_create(name=form.initial["name"], defaults={"person": form.instance})
            curation.reindex(curation.article_ids(Person.objects.filter(pk=form.instance.pk)))

    def delete_model(self, request, obj):
        self.delete_queryset(request, Person.objects.filter(pk=obj.pk))

    def delete_queryset(self, request, queryset):
        curation.delete_and_reindex(queryset)


@admin.register(PersonAlias)
class PersonAliasAdmin(admin.ModelAdmin):
    list_display = ["name", "person"]
    search_fields = ["name", "person__name"]
    autocomplete_fields = ["person"]
    list_select_related = ["person"]


@admin.register(RejectedName)
class RejectedNameAdmin(admin.ModelAdmin):
    list_display = ["name", "created"]
    search_fields = ["name"]


# --- topics and sources ---------------------------------------------------------------------


class TopicForm(forms.ModelForm):
    """Checks the rule before it is saved; with the "Preview" button, counts the articles it
    would match and saves nothing."""

    class Meta:
        model = Topic
        fields = ["name", "description", "rule", "pattern", "case_sensitive"]

    preview_count = None

    def clean(self):
        cleaned = super().clean()
        if "rule" in cleaned and "pattern" in cleaned:
            error = validate_rule(cleaned["rule"], cleaned["pattern"])
            if error:
                self.add_error("pattern", error)
        return cleaned

    def is_valid(self):
        valid = super().is_valid()
        if valid and "_preview" in self.data:
            data = self.cleaned_data
            try:
                self.preview_count = preview_topic_rule(data["rule"], data["pattern"], data["case_sensitive"])
            except RuleError as error:  # valid on the test text, yet too slow on a real article
                self.add_error("pattern", str(error))
            # The admin's change view saves a valid form and re-renders an invalid one with what was
            # posted; a preview is reported as "not valid" (with no errors) so nothing is saved.
            return False
        return valid


@admin.action(description="Apply the selected topics' rules to all articles", permissions=["change"])
def apply_to_all_articles(modeladmin, request, queryset):
    topics = list(queryset)
    changed = apply_topics(topics=topics)
    log_bulk(request, topics, CHANGE, "Applied the rule to all articles.")
    modeladmin.message_user(
        request,
        f"Applied {plural(len(topics), 'topic')} to all articles: the topics of {plural(changed, 'article')} "
        "changed. Links set by hand were kept.",
    )


@admin.register(Topic)
class TopicAdmin(admin.ModelAdmin):
    form = TopicForm
    list_display = ["name", "rule", "case_sensitive", "by_rule", "by_hand", "article_list"]
    list_filter = ["rule"]
    search_fields = ["name", "description", "pattern"]
    readonly_fields = ["slug"]
    actions = [apply_to_all_articles]
    change_form_template = "admin/articles/topic/change_form.html"

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(
                rule_links=count_of(TopicLink, "topic", assigned=Assignment.RULE),
                manual_links=count_of(TopicLink, "topic", assigned=Assignment.MANUAL),
            )
        )

    @admin.display(description="articles by rule", ordering="rule_links")
    def by_rule(self, topic):
        return topic.rule_links

    @admin.display(description="articles by hand", ordering="manual_links")
    def by_hand(self, topic):
        return topic.manual_links

    @admin.display(description="articles")
    def article_list(self, topic):
        url = reverse("admin:articles_article_changelist") + f"?topic={topic.pk}"
        return format_html('<a href="{}">{}</a>', url, "list")

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        if change and "name" in form.changed_data:
            curation.reindex(curation.article_ids(Topic.objects.filter(pk=form.instance.pk)))
        if {"rule", "pattern", "case_sensitive"} & set(form.changed_data):
            self.message_user(
                request,
                f"The rule of {form.instance} changed: to relink the articles already stored, use "
                "“Apply the selected topics' rules to all articles” in the topic list.",
                messages.INFO,
            )

    def delete_model(self, request, obj):
        self.delete_queryset(request, Topic.objects.filter(pk=obj.pk))

    def delete_queryset(self, request, queryset):
        curation.delete_and_reindex(queryset)


@admin.register(Source)
class SourceAdmin(admin.ModelAdmin):
    list_display = ["domain", "name", "article_count"]
    search_fields = ["domain", "name"]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(n_articles=count_of(Article, "source"))

    @admin.display(description="articles", ordering="n_articles")
    def article_count(self, source):
        return source.n_articles

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        if change and "name" in form.changed_data:
            curation.reindex(Article.objects.filter(source=form.instance).values_list("pk", flat=True))

    def delete_model(self, request, obj):
        self.delete_queryset(request, Source.objects.filter(pk=obj.pk))

    def delete_queryset(self, request, queryset):
        curation.delete_and_reindex(queryset)


# --- ingest records -------------------------------------------------------------------------


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
    except IngestLocked as error:
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
