"""What the archive's admin pages share: per-row counts, plurals, filter ids, bulk history, and
how renaming or deleting what articles are linked to reaches the index."""

from django.contrib import admin
from django.contrib.admin.models import LogEntry
from django.db.models import Count, OuterRef, Subquery, Value
from django.db.models.functions import Coalesce
from django.forms.models import BaseInlineFormSet
from django.template.response import TemplateResponse

from articles import curation
from articles.indexing import queue_reindex


def count_of(model, field, **filters):
    """A per-row count of the `model` rows pointing at the row through `field`, as a subquery:
    unlike Count() over joins it is computed only for the rows of the page, and multiplies none."""
    rows = model.objects.filter(**{field: OuterRef("pk")}, **filters).order_by().values(field)
    return Coalesce(Subquery(rows.annotate(n=Count("pk")).values("n")), Value(0))


def plural(count, word):
    return f"{count} {word}{'' if count == 1 else 's'}"


def plural_words(count, singular, plural_form):
    """ "1 name kept as an alias", "2 names kept as aliases": for phrases a trailing "s" cannot make."""
    return singular.format(count=count) if count == 1 else plural_form.format(count=count)


class LabelledRows(BaseInlineFormSet):
    """A tabular inline's rows, each control named for screen readers ("Topic, row 2"): the table
    shows the field names only as column heads, which do not label the controls."""

    def add_fields(self, form, index):
        super().add_fields(form, index)
        row = f", row {index + 1}" if index is not None else ""
        for field in form.fields.values():
            # the control itself: the admin wraps related fields, and its wrapper's attrs may be
            # another form's (RelatedFieldWidgetWrapper.__deepcopy__)
            control = getattr(field.widget, "widget", field.widget)
            control.attrs["aria-label"] = f"{field.label}{row}"


def id_in(value):
    """The id a filter's query parameter holds, or None when it holds none."""
    return int(value) if (value or "").isdigit() else None


def log_bulk(request, objects, flag, message):
    """One admin history entry per object, written in one query."""
    LogEntry.objects.log_actions(request.user.pk, list(objects), flag, message)


def confirmation_page(modeladmin, request, template, *, title, action, **context):
    """An action's confirmation page: the admin frame, plus the selection and the action carried
    over to the confirming POST (templates include admin/articles/_confirm_fields.html)."""
    return TemplateResponse(
        request,
        template,
        {
            **modeladmin.admin_site.each_context(request),
            "title": title,
            "opts": modeladmin.model._meta,
            "action": action,
            "action_checkbox_name": admin.helpers.ACTION_CHECKBOX_NAME,
            "selected_ids": request.POST.getlist(admin.helpers.ACTION_CHECKBOX_NAME),
            "select_across": request.POST.get("select_across", "0"),
            **context,
        },
    )


class LinkedToArticles:
    """For the admins of people, topics and sources, whose names the index holds for every article
    linked to them: a rename reindexes those articles, and a delete removes the links and reindexes
    them (articles.curation)."""

    label_fields = ("name",)  # the fields the index's label is made of

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        if change and set(self.label_fields) & set(form.changed_data):
            queue_reindex(curation.article_ids(self.model.objects.filter(pk=form.instance.pk)))

    def delete_model(self, request, obj):
        self.delete_queryset(request, self.model.objects.filter(pk=obj.pk))

    def delete_queryset(self, request, queryset):
        curation.delete_and_reindex(queryset)
