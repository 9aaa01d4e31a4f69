"""Articles in the admin: lists with counts and filters, editing with people and topics,
bulk re-extraction, reindexing and deletion (each reaching the search index)."""

from django.contrib import admin, messages
from django.contrib.admin.models import CHANGE
from django.core.exceptions import PermissionDenied
from django.db import models, transaction
from django.db.models import Q
from django.http import HttpResponseNotAllowed, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.urls import path, reverse
from django.utils.html import format_html, format_html_join

from articles import curation, removals
from articles.admin.common import LabelledRows, confirmation_page, count_of, id_in, log_bulk, plural
from articles.admin.dating import set_date
from articles.admin.topics import evidence_text
from articles.enrich import reextract
from articles.indexing import queue_reindex, queue_removal
from articles.models import (
    Article,
    Assignment,
    Person,
    PersonLink,
    SourceFile,
    Topic,
    TopicLink,
)


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
    formset = LabelledRows
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
    formset = LabelledRows
    fields = ["topic", "assigned", "score", "why"]
    readonly_fields = ["assigned", "score", "why"]
    extra = 0
    verbose_name = "topic"
    verbose_name_plural = "topics (links added here are kept apart as set by hand and survive re-application)"

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("topic")

    @admin.display(description="evidence (words found, where)")
    def why(self, link):
        return evidence_text(link.evidence)


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
    queue_reindex(ids)
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
        finds = "it" if count == 1 else "them"
        modeladmin.message_user(
            request, f"Deleted {plural(count, 'article')}; search no longer finds {finds}."
        )
        return None
    selected = queryset.values("pk")
    return confirmation_page(
        modeladmin,
        request,
        "admin/articles/article/bulk_delete_confirmation.html",
        title="Delete articles",
        action="delete_articles",
        count=queryset.count(),
        sample=queryset.order_by("-published", "-id").values("title", "published")[:20],
        person_links=PersonLink.objects.filter(article__in=selected).count(),
        topic_links=TopicLink.objects.filter(article__in=selected).count(),
        files=SourceFile.objects.filter(article__in=selected).count(),
    )


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
    actions = [reextract_articles, reindex_articles, set_date, delete_articles]
    autocomplete_fields = ["source"]
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
    fieldsets = [
        (None, {"fields": ["title", ("published", "date_source"), "body"]}),
        ("Where it came from", {"fields": ["source_url", "source", "dateline", "origin", "file_paths"]}),
        ("Removed on ingest", {"fields": ["removed_on_ingest"]}),
        ("Record", {"fields": ["content_hash", "format", "ingested", "changed"], "classes": ["collapse"]}),
    ]
    readonly_fields = [
        "origin",
        "file_paths",
        "removed_on_ingest",
        "content_hash",
        "format",
        "ingested",
        "changed",
    ]
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

    @admin.display(description="lines taken out")
    def removed_on_ingest(self, article):
        """What ingest took out of the source, each line with a button that puts it back (the
        button posts the change form to restore_removal_view)."""
        if not article.removals:
            return "nothing"
        url = reverse("admin:articles_article_restore_removal", args=[article.pk])
        rows = format_html_join(
            "",
            '<li><q>{}</q> <small>({})</small> <button type="submit" formaction="{}" formnovalidate '
            'name="removal" value="{}">Put back in the text</button></li>',
            (
                (removal["text"], removals.label(removal["rule"]), url, index)
                for index, removal in enumerate(article.removals)
            ),
        )
        return format_html('{}<ul class="removals">{}</ul>', removals.summary(article.removals), rows)

    def get_urls(self):
        restore = path(
            "<path:object_id>/restore-removal/",
            self.admin_site.admin_view(self.restore_removal_view),
            name="articles_article_restore_removal",
        )
        return [restore, *super().get_urls()]

    def restore_removal_view(self, request, object_id):
        """Put one removed line back into the article's text (POST, from the change page); the
        article's people, topics and index entry follow."""
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        article = get_object_or_404(Article, pk=object_id)
        if not self.has_change_permission(request, article):
            raise PermissionDenied
        change_url = reverse("admin:articles_article_change", args=[article.pk])
        try:
            index = int(request.POST.get("removal", ""))
            if index < 0:
                raise IndexError(index)
            text = article.removals[index]["text"]
            article.body, article.removals = removals.put_back(article.body, article.removals, index)
        except (ValueError, IndexError, KeyError, TypeError):
            gone = "That removed line is no longer there: nothing was changed."
            self.message_user(request, gone, messages.ERROR)
            return HttpResponseRedirect(change_url)
        with transaction.atomic():
            article.save(update_fields=["body", "removals", "changed"])
            reextract(Article.objects.filter(pk=article.pk))
            self.log_change(request, article, f"Put back a line removed on ingest: {text}")
        self.message_user(request, f"Put back in the text: “{text}”.")
        return HttpResponseRedirect(change_url)

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
        queue_reindex([form.instance.pk])

    def delete_model(self, request, obj):
        pk = obj.pk
        super().delete_model(request, obj)
        queue_removal([pk])

    def delete_queryset(self, request, queryset):
        ids = list(queryset.values_list("pk", flat=True))
        super().delete_queryset(request, queryset)
        queue_removal(ids)
