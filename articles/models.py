"""The archive's records. The database is the source of truth; the search index is derived from it."""

from django.db import models
from django.urls import reverse
from django.utils.text import slugify

from articles.ingest.draft import DATE_SOURCES
from articles.ingest.topics import DEFAULT_THRESHOLD


class Source(models.Model):
    """Where articles come from, by domain ("arabnews.com"); its name can be curated."""

    domain = models.CharField(max_length=255, unique=True)
    name = models.CharField(max_length=255, blank=True, help_text="Display name; the domain when empty.")
    changed = models.DateTimeField(auto_now=True, db_index=True)  # the search's names cache reads it

    class Meta:
        ordering = ["domain"]

    def __str__(self):
        return self.name or self.domain


class SlugFromName:
    """Gives a new row a unique slug made from its name on first save."""

    def save(self, *args, **kwargs):
        if not self.slug:
            self.slug = unique_slug(type(self), self.name)
        super().save(*args, **kwargs)


class Person(SlugFromName, models.Model):
    """One real person across the archive, whatever spellings the articles use (see PersonAlias)."""

    name = models.CharField(max_length=200, unique=True, help_text="Canonical full name, without titles.")
    slug = models.SlugField(max_length=200, unique=True)
    created = models.DateTimeField(auto_now_add=True)
    changed = models.DateTimeField(auto_now=True, db_index=True)  # the search's names cache reads it

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "people"

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("person", args=[self.slug])


class PersonAlias(models.Model):
    """Another spelling of a person's name ("Asim Munir" for "Syed Asim Munir")."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="aliases")
    name = models.CharField(max_length=200, unique=True)
    changed = models.DateTimeField(auto_now=True, db_index=True)  # the search's names cache reads it

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "person aliases"

    def __str__(self):
        return self.name


class RejectedName(models.Model):
    """A name a curator marked as not a person: ingest never links or creates it again."""

    name = models.CharField(max_length=200, unique=True)
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name


class Topic(SlugFromName, models.Model):
    """A subject with a rule a curator can edit; ingest links the articles whose text matches it."""

    class Rule(models.TextChoices):
        ANY = "any", "any of these words"
        ALL = "all", "all of these words"
        PHRASE = "phrase", "exact phrase"
        REGEX = "regex", "regular expression"

    name = models.CharField(max_length=100, unique=True)
    slug = models.SlugField(max_length=100, unique=True)
    description = models.TextField(blank=True)
    rule = models.CharField(max_length=10, choices=Rule.choices, default=Rule.ANY)
    pattern = models.TextField(
        blank=True,
        help_text="Words separated by commas or new lines, a phrase, or a regular expression. "
        "Empty: the topic is only assigned by hand.",
    )
    case_sensitive = models.BooleanField(default=False)
    changed = models.DateTimeField(auto_now=True, db_index=True)  # the search's names cache reads it
    threshold = models.PositiveSmallIntegerField(
        default=DEFAULT_THRESHOLD,
        help_text="Evidence the rule needs to assign the topic: each hit in the title counts 3, in the "
        "lead (first paragraph) 2, further down 1. 3: a title hit, or a lead hit and one more mention, "
        "or three passing mentions. 1: any single hit.",
    )
    rule_error = models.TextField(
        blank=True,
        editable=False,
        help_text="Why the rule was last left unapplied (a regular expression over its time limit); "
        "cleared when the rule is changed.",
    )

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("topic", args=[self.slug])


class ArticleQuerySet(models.QuerySet):
    def with_links(self):
        """With the source, people and topics loaded (names and slugs), in two extra queries."""
        return self.select_related("source").prefetch_related(
            models.Prefetch("persons", queryset=Person.objects.only("id", "name", "slug")),
            models.Prefetch("topics", queryset=Topic.objects.only("id", "name", "slug")),
        )


class Article(models.Model):
    """One news article: its text, its metadata and where it came from."""

    DATE_SOURCE_CHOICES = [("", "unknown"), *DATE_SOURCES.items()]

    title = models.CharField(max_length=500)
    body = models.TextField()
    published = models.DateField(null=True, blank=True, db_index=True)
    date_source = models.CharField(max_length=20, choices=DATE_SOURCE_CHOICES, blank=True)
    source_url = models.URLField(max_length=2000, blank=True)
    source = models.ForeignKey(
        Source, null=True, blank=True, on_delete=models.SET_NULL, related_name="articles"
    )
    dateline = models.CharField(max_length=100, blank=True)
    origin = models.CharField(max_length=1000, help_text="The file (and record) it was first read from.")
    content_hash = models.CharField(max_length=64, unique=True)
    format = models.CharField(max_length=10, default="text")
    removals = models.JSONField(
        default=list,
        blank=True,
        help_text="Text ingest took out of the source: [{text, rule, before}], rules in REMOVAL_RULES.",
    )
    ingested = models.DateTimeField(auto_now_add=True)
    changed = models.DateTimeField(auto_now=True, db_index=True)
    # Outbox flag: set in the same transaction as any change, cleared once the index has it.
    # An ingest killed between the two leaves it set, and the next run indexes the article.
    needs_indexing = models.BooleanField(default=True, db_index=True)

    persons = models.ManyToManyField(Person, through="PersonLink", related_name="articles", blank=True)
    topics = models.ManyToManyField(Topic, through="TopicLink", related_name="articles", blank=True)

    objects = ArticleQuerySet.as_manager()

    class Meta:
        ordering = ["-published", "-id"]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("article", args=[self.pk])


class Assignment(models.TextChoices):
    """Who linked a person or topic to an article: a rule at ingest, or a curator by hand."""

    RULE = "rule", "by rule"
    MANUAL = "manual", "by hand"


class PersonLink(models.Model):
    """A person named in an article, with every mention: [{"phrase", "start", "end"}, ...]."""

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="person_links")
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="links")
    assigned = models.CharField(max_length=10, choices=Assignment.choices, default=Assignment.RULE)
    mentions = models.JSONField(default=list, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["article", "person"], name="unique_person_link")]

    def __str__(self):
        return f"{self.person} in {self.article_id}"


class TopicLink(models.Model):
    """A topic of an article; rule-assigned links are recomputed, manual ones are kept."""

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="topic_links")
    topic = models.ForeignKey(Topic, on_delete=models.CASCADE, related_name="links")
    assigned = models.CharField(max_length=10, choices=Assignment.choices, default=Assignment.RULE)
    # Why a rule assigned it: the score and the hits [{"text", "where", "count"}, ...].
    score = models.PositiveIntegerField(default=0)
    evidence = models.JSONField(default=list, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["article", "topic"], name="unique_topic_link")]

    def __str__(self):
        return f"{self.topic} on {self.article_id}"


class SourceFile(models.Model):
    """A file path (or record) seen by ingest and the article it holds; many paths may share one."""

    path = models.CharField(max_length=1000, unique=True)
    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="files")
    content_hash = models.CharField(max_length=64)
    seen = models.DateTimeField(auto_now=True)

    def __str__(self):
        return self.path


class IngestRun(models.Model):
    """One run of `manage.py ingest` with its counts."""

    started = models.DateTimeField(auto_now_add=True)
    finished = models.DateTimeField(null=True, blank=True)
    paths = models.TextField(help_text="The paths given, one per line.")
    new = models.PositiveIntegerField(default=0)
    updated = models.PositiveIntegerField(default=0)
    unchanged = models.PositiveIntegerField(default=0)
    duplicates = models.PositiveIntegerField(default=0)
    failed = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["-started"]

    def __str__(self):
        return f"Ingest run {self.pk} at {self.started:%Y-%m-%d %H:%M}"


class IngestFailure(models.Model):
    """A file (or record) that could not be ingested, with a machine code and a sentence."""

    run = models.ForeignKey(IngestRun, on_delete=models.CASCADE, related_name="failures")
    path = models.CharField(max_length=1000, db_index=True)
    code = models.CharField(max_length=40)
    message = models.TextField()
    resolved = models.BooleanField(default=False, help_text="Set once a later run ingested the file.")

    class Meta:
        ordering = ["-run_id", "path"]

    def __str__(self):
        return f"{self.path}: {self.message}"


def unique_slug(model, name):
    """A slug for `name` not yet used by `model`: "asim-munir", then "asim-munir-2", ..."""
    return free_slug(name, lambda slug: model.objects.filter(slug=slug).exists())


def free_slug(name, taken) -> str:
    """The first slug for `name` that is not `taken(slug)`: "asim-munir", then "asim-munir-2", ..."""
    base = slugify(name)[:90] or "item"
    slug, n = base, 1
    while taken(slug):
        n += 1
        slug = f"{base}-{n}"
    return slug
