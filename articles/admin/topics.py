"""Topics and sources in the admin: rules validated and previewed before saving, applied to all
articles on demand; renames reindex the articles concerned."""

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.models import CHANGE
from django.urls import reverse
from django.utils.html import format_html

from articles.admin.common import LinkedToArticles, count_of, log_bulk, plural
from articles.enrich import apply_topics, preview_topic_rule
from articles.ingest.topics import RuleError, validate_rule
from articles.models import (
    Article,
    Assignment,
    Source,
    Topic,
    TopicLink,
)


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
class TopicAdmin(LinkedToArticles, admin.ModelAdmin):
    form = TopicForm
    list_display = ["name", "rule_kind", "by_rule", "by_hand", "article_list"]
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

    # The rule's kind in a word or two, so that the list fits beside the admin's menu and filters.
    RULE_IN_SHORT = {"any": "any word", "all": "all words", "phrase": "phrase", "regex": "regex"}

    @admin.display(description="rule", ordering="rule")
    def rule_kind(self, topic):
        kind = self.RULE_IN_SHORT.get(topic.rule, topic.get_rule_display())
        return f"{kind}, case-sensitive" if topic.case_sensitive else kind

    @admin.display(description="by rule", ordering="rule_links")
    def by_rule(self, topic):
        return topic.rule_links

    @admin.display(description="by hand", ordering="manual_links")
    def by_hand(self, topic):
        return topic.manual_links

    @admin.display(description="articles")
    def article_list(self, topic):
        url = reverse("admin:articles_article_changelist") + f"?topic={topic.pk}"
        return format_html('<a href="{}">{}</a>', url, "list")

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        if {"rule", "pattern", "case_sensitive"} & set(form.changed_data):
            self.message_user(
                request,
                f"The rule of {form.instance} changed: to relink the articles already stored, use "
                "“Apply the selected topics' rules to all articles” in the topic list.",
                messages.INFO,
            )


@admin.register(Source)
class SourceAdmin(LinkedToArticles, admin.ModelAdmin):
    label_fields = ("name", "domain")  # a source without a name is known by its domain
    list_display = ["domain", "name", "article_count"]
    search_fields = ["domain", "name"]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(n_articles=count_of(Article, "source"))

    @admin.display(description="articles", ordering="n_articles")
    def article_count(self, source):
        return source.n_articles
