"""Topic rules with evidence: a threshold per topic, and the score and hits of every rule link;
more places a date can come from. The starter topics (0002) are tuned to need real evidence;
a starter topic a curator has already edited is left as it is."""

from django.db import migrations, models

# slug: (pattern in 0002, new pattern or None to keep it, threshold)
TUNED = {
    "diplomacy": (
        "diplomacy, diplomat, diplomats, diplomatic, ambassador, ambassadors, envoy, envoys, "
        "foreign minister, foreign ministers, foreign ministry, secretary of state, state department, "
        "bilateral, summit, summits, embassy, embassies, consulate, talks with, peace talks",
        # "Secretary of State for the Family" is a British cabinet post, not diplomacy.
        "diplomacy, diplomat, diplomats, diplomatic, ambassador, ambassadors, envoy, envoys, "
        "foreign minister, foreign ministers, foreign ministry, foreign secretary, foreign office, "
        "state department, bilateral, summit, summits, embassy, embassies, consulate, peace talks",
        3,
    ),
    "united-states": (
        "United States, U.S., US, USA, Washington, White House, Congress, Pentagon, Americans",
        None,
        # Passing mentions of "US" and "Washington" are everywhere in foreign news.
        5,
    ),
    "debt-imf-and-aid": (
        "IMF, International Monetary Fund, World Bank, debt, debts, bailout, loan, loans, creditor, creditors, "
        "Paris Club, rescheduling, foreign aid, aid package, Eurobond, sovereign bond",
        # A company's or a household's debt is not sovereign debt.
        "IMF, International Monetary Fund, World Bank, sovereign debt, foreign debt, external debt, "
        "public debt, debt crisis, debt relief, debt rescheduling, debt restructuring, bailout, "
        "creditor nations, Paris Club, rescheduling, foreign aid, aid package, Eurobond, sovereign bond",
        3,
    ),
}


def tune_starter_topics(apps, schema_editor):
    Topic = apps.get_model("articles", "Topic")
    for slug, (old, new, threshold) in TUNED.items():
        topic = Topic.objects.filter(slug=slug, pattern=old).first()
        if topic is not None:
            topic.pattern = new or old
            topic.threshold = threshold
            topic.save(update_fields=["pattern", "threshold"])


def untune_starter_topics(apps, schema_editor):
    Topic = apps.get_model("articles", "Topic")
    for slug, (old, new, _) in TUNED.items():
        Topic.objects.filter(slug=slug, pattern=new or old).update(pattern=old)


class Migration(migrations.Migration):

    dependencies = [
        ('articles', '0004_curator_date_source'),
    ]

    operations = [
        migrations.AddField(
            model_name='topic',
            name='threshold',
            field=models.PositiveSmallIntegerField(default=3, help_text='Evidence the rule needs to assign the topic: each hit in the title counts 3, in the lead (first paragraph) 2, further down 1. 3: a title hit, or a lead hit and one more mention, or three passing mentions. 1: any single hit.'),
        ),
        migrations.AddField(
            model_name='topiclink',
            name='evidence',
            field=models.JSONField(blank=True, default=list),
        ),
        migrations.AddField(
            model_name='topiclink',
            name='score',
            field=models.PositiveIntegerField(default=0),
        ),
        migrations.AlterField(
            model_name='article',
            name='date_source',
            field=models.CharField(blank=True, choices=[('', 'unknown'), ('header', 'date header line'), ('published-line', '“Published:” line'), ('metadata', 'record or page metadata'), ('url', 'date in the source URL'), ('path', "date in the file's name or folder"), ('batch', 'date given for the ingest batch'), ('curator', 'set by a curator')], max_length=20),
        ),
        migrations.RunPython(tune_starter_topics, untune_starter_topics),
    ]
