"""People in the admin: aliases, article counts, merging several into one, and rejecting names
that are not people (ingest never creates them again)."""

from django.contrib import admin, messages
from django.contrib.admin.models import ADDITION, DELETION
from django.db import transaction
from django.urls import reverse
from django.utils.html import format_html

from articles import curation
from articles.admin.common import (
    LabelledRows,
    LinkedToArticles,
    confirmation_page,
    count_of,
    log_bulk,
    plural,
    plural_words,
)
from articles.models import (
    Person,
    PersonAlias,
    PersonLink,
    RejectedName,
)


class PersonAliasInline(admin.TabularInline):
    model = PersonAlias
    formset = LabelledRows
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
        aliases = plural_words(
            len(plan.new_aliases), "{count} name kept as an alias", "{count} names kept as aliases"
        )
        modeladmin.message_user(
            request,
            f"Merged {', '.join(p.name for p in others)} into {target.name}: "
            f"{plural(plan.articles, 'article')} relinked, "
            f"{plural(plan.mentions, 'mention')} moved, {aliases}.",
        )
        return None
    return confirmation_page(
        modeladmin,
        request,
        "admin/articles/person/merge_confirmation.html",
        title="Merge people",
        action="merge_people",
        people=people,
        plans=[curation.plan_merge(p, people) for p in people],
    )


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
    return confirmation_page(
        modeladmin,
        request,
        "admin/articles/person/reject_confirmation.html",
        title="Reject names",
        action="reject_people",
        people=people,
    )


@admin.register(Person)
class PersonAdmin(LinkedToArticles, admin.ModelAdmin):
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
