"""Topics and sources in the admin: rules validated and previewed (with sample articles and the
words that matched) before saving, applied to the archive when saved; renames reindex the
articles concerned."""

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.models import CHANGE
from django.urls import reverse
from django.utils.html import format_html, format_html_join

from articles.admin.common import LinkedToArticles, count_of, log_bulk, plural
from articles.enrich import ApplyReport, apply_topics, preview_topic_rule
from articles.ingest.topics import DEFAULT_THRESHOLD, RuleError, describe_hits, validate_rule
from articles.models import (
    Article,
    Assignment,
    Source,
    Topic,
    TopicLink,
)

# Seconds a save may spend applying a topic's rule to the archive. A larger archive is applied in
# part (oldest articles first) and the message says how far it got and how to finish: the
# `apply_topics` command, or the list action, which has no time limit.
APPLY_ON_SAVE_SECONDS = 20
RULE_FIELDS = {"rule", "pattern", "case_sensitive", "threshold"}
LATEST_EVIDENCE = 20


class TopicForm(forms.ModelForm):
    """Checks the rule before it is saved; with the "Preview" button, shows how many articles it
    would match and some of them with the words found, and saves nothing."""

    class Meta:
        model = Topic
        fields = ["name", "description", "rule", "pattern", "case_sensitive", "threshold"]

    preview = None  # a Preview after the "Preview" button
    preview_rows = ()  # its samples: (admin URL, title, the words found and where, score)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["threshold"].required = False  # empty: the default

    def clean_threshold(self):
        threshold = self.cleaned_data.get("threshold")
        return DEFAULT_THRESHOLD if threshold is None else threshold

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
                self.preview = preview_topic_rule(
                    data["rule"], data["pattern"], data["case_sensitive"], data["threshold"]
                )
                self.preview_rows = [
                    (
                        reverse("admin:articles_article_change", args=[article.pk]),
                        article.title,
                        evidence_text(evidence.as_json()),
                        evidence.score,
                    )
                    for article, evidence in self.preview.samples
                ]
            except RuleError as error:  # valid on the test text, yet too slow on a real article
                self.add_error("pattern", f"Not applied: {error}")
            # The admin's change view saves a valid form and re-renders an invalid one with what was
            # posted; a preview is reported as "not valid" (with no errors) so nothing is saved.
            return False
        return valid


def report_application(modeladmin, request, topics: list[Topic], report: ApplyReport) -> None:
    """Tell the curator what applying `topics` did: counts, how far it got, rules that failed."""
    names = ", ".join(topic.name for topic in topics)
    if report.complete:
        done = f"Applied {names} to all {plural(report.total, 'article')}"
    else:
        slugs = " ".join(f"--topic {topic.slug}" for topic in topics)
        done = (
            f"Applied {names} to {report.read:,} of {report.total:,} articles (the oldest) within "
            f"{APPLY_ON_SAVE_SECONDS} s; to apply it to the rest, run `manage.py apply_topics {slugs}` "
            "or use the action “Apply the selected topics' rules to all articles” in the topic list"
        )
    modeladmin.message_user(
        request,
        f"{done}: the topics of {plural(report.changed, 'article')} changed. Links set by hand were kept.",
    )
    for name, problem in report.failures.items():
        modeladmin.message_user(request, f"The rule of {name} was not applied: {problem}", messages.ERROR)


@admin.action(description="Apply the selected topics' rules to all articles", permissions=["change"])
def apply_to_all_articles(modeladmin, request, queryset):
    topics = list(queryset)
    report = apply_topics(topics=topics)
    log_bulk(request, topics, CHANGE, "Applied the rule to all articles.")
    report_application(modeladmin, request, topics, report)


def evidence_text(hits: list[dict]) -> str:
    """A link's stored hits for the admin: "tariffs (title); trade deal (body ×2)"."""
    return describe_hits(hits) or "—"


@admin.register(Topic)
class TopicAdmin(LinkedToArticles, admin.ModelAdmin):
    form = TopicForm
    list_display = ["name", "rule_kind", "threshold", "by_rule", "by_hand", "article_list", "problem"]
    list_filter = ["rule"]
    search_fields = ["name", "description", "pattern"]
    readonly_fields = ["slug", "rule_error", "latest_evidence"]
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

    @admin.display(description="latest links by rule, with their evidence")
    def latest_evidence(self, topic):
        if topic.pk is None:
            return "—"
        links = TopicLink.objects.filter(topic=topic, assigned=Assignment.RULE).select_related("article")
        rows = [
            (
                reverse("admin:articles_article_change", args=[link.article_id]),
                link.article.title,
                evidence_text(link.evidence),
                link.score,
            )
            for link in links.order_by("-article_id")[:LATEST_EVIDENCE]
        ]
        if not rows:
            return "—"
        items = format_html_join("", '<li><a href="{}">{}</a> — {} (score {})</li>', rows)
        return format_html("<ul>{}</ul>", items)

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

    @admin.display(description="problem")
    def problem(self, topic):
        return f"Not applied: {topic.rule_error}" if topic.rule_error else ""

    def save_model(self, request, obj, form, change):
        if RULE_FIELDS & set(form.changed_data):
            obj.rule_error = ""  # the changed rule is tried afresh
        super().save_model(request, obj, form, change)

    def save_related(self, request, form, formsets, change):
        """A new topic, or a changed rule, is applied to the archive at once (within
        APPLY_ON_SAVE_SECONDS; the message says how far it got)."""
        super().save_related(request, form, formsets, change)
        if not change or RULE_FIELDS & set(form.changed_data):
            topic = form.instance
            report = apply_topics(topics=[topic], seconds=APPLY_ON_SAVE_SECONDS)
            self.log_change(request, topic, "Applied the rule to the archive.")
            report_application(self, request, [topic], report)


@admin.register(Source)
class SourceAdmin(LinkedToArticles, admin.ModelAdmin):
    list_display = ["domain", "name", "article_count"]
    search_fields = ["domain", "name"]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(n_articles=count_of(Article, "source"))

    @admin.display(description="articles", ordering="n_articles")
    def article_count(self, source):
        return source.n_articles
