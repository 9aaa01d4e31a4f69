"""The bulk "set date" action: date many articles at once (an undated corpus, a wrong batch), with
a confirmation page that asks for the date. Their date source becomes "curator"."""

import datetime

from django import forms
from django.contrib import admin
from django.contrib.admin.models import CHANGE
from django.db import transaction

from articles.admin.common import confirmation_page, log_bulk, plural
from articles.indexing import queue_reindex


class SetDateForm(forms.Form):
    date = forms.DateField(
        label="Publication date",
        input_formats=["%Y-%m-%d"],
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text="YYYY-MM-DD. Leave empty to mark the articles undated.",
        required=False,
    )


def set_dates(queryset, date: datetime.date | None) -> int:
    """Give these articles `date` (None: undated), set by a curator; reindex them."""
    with transaction.atomic():
        ids = list(queryset.values_list("pk", flat=True))
        selected = queryset.model.objects.filter(pk__in=queryset.values("pk"))
        selected.update(published=date, date_source="curator" if date else "")
        queue_reindex(ids)
    return len(ids)


@admin.action(description="Set the date of the selected articles…", permissions=["change"])
def set_date(modeladmin, request, queryset):
    form = SetDateForm(request.POST if request.POST.get("confirm") == "yes" else None)
    if form.is_bound and form.is_valid():
        date = form.cleaned_data["date"]
        articles = list(queryset.select_related(None).only("pk", "title"))
        count = set_dates(queryset, date)
        when = f"{date:%Y-%m-%d}" if date else "undated"
        log_bulk(request, articles, CHANGE, f"Date set by a curator: {when}.")
        modeladmin.message_user(request, f"Set the date of {plural(count, 'article')}: {when}.")
        return None
    return confirmation_page(
        modeladmin,
        request,
        "admin/articles/article/set_date.html",
        title="Set the date of articles",
        action="set_date",
        form=form,
        count=queryset.count(),
        sample=queryset.order_by("-published", "-id").values("title", "published")[:20],
    )
