"""Measure the archive's topic rules against gold topics judged for every article of the
evaluation set (bench/eval/).

    .venv/bin/python -m bench.topics [--show 10]

Every article of the set carries its gold topics: the starter topics (migration 0002) it is truly
about, judged by hand (bench/eval/README.md says how). The bench loads the articles into a
throwaway archive (SQLite in a temporary directory, every migration applied, so the topics and
their rules are whatever the code defines today), applies the topics the way the archive does
(`articles.enrich.apply_topics`), and compares the links made with the gold:

- precision: of the (article, topic) pairs the rules assigned, the share judged right (target:
  at least 90%, issue 14);
- recall: of the gold pairs, the share the rules assigned;
- both per register and per topic, with the first wrong assignments and misses.

Every article is judged against every starter topic, so the judged pairs are articles x topics; a
topic that is not a starter topic is reported as not judged. Registers whose texts are absent
(../shared) are left out with a sentence.
"""

import argparse
import atexit
import hashlib
import os
import shutil
import sys
import tempfile
from collections import Counter, defaultdict
from importlib import import_module
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
WORKDIR = tempfile.mkdtemp(prefix="bench-topics-")
atexit.register(shutil.rmtree, WORKDIR, ignore_errors=True)
os.environ["DJANGO_SETTINGS_MODULE"] = "archive.settings"
os.environ.setdefault("SECRET_KEY", "benchmark-only")
os.environ["ARCHIVE_DATA_DIR"] = WORKDIR
os.environ["DATABASE_URL"] = f"sqlite:///{WORKDIR}/bench.sqlite3"

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402

from articles.enrich import apply_topics  # noqa: E402
from articles.models import Article, TopicLink  # noqa: E402
from bench.eval.dataset import available, load_articles, registers  # noqa: E402

STARTER = import_module("articles.migrations.0002_starter_topics").STARTER_TOPICS
JUDGED = {slug for _, slug, *_ in STARTER}
TARGET_PRECISION = 0.90


def load_archive() -> dict[int, tuple[str, str, str, frozenset[str]]]:
    """Store every readable article of the set; returns {article pk: (register, id, title, gold)}."""
    stored = {}
    for register in registers():
        missing = available(register)
        if missing:
            print(f"  {register} left out: {missing}")
            continue
        for item in load_articles(register):
            key = f"{register}/{item.annotation.id}"
            article = Article.objects.create(
                title=item.title[:500] or item.body[:80],
                body=item.body,
                origin=f"bench/eval/{key}",
                content_hash=hashlib.sha256(key.encode()).hexdigest(),
            )
            stored[article.pk] = (register, item.annotation.id, item.title, frozenset(item.annotation.topics))
    return stored


def percent(part: int, whole: int) -> str:
    return f"{part}/{whole} = {part / whole:.1%}" if whole else "0/0"


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--show", type=int, default=10, help="wrong assignments and misses shown")
    args = parser.parse_args(argv)

    call_command("migrate", verbosity=0)
    stored = load_archive()
    apply_topics()
    assigned = defaultdict(set)
    for article_id, slug in TopicLink.objects.values_list("article_id", "topic__slug"):
        assigned[article_id].add(slug)

    unjudged = Counter(slug for slugs in assigned.values() for slug in slugs - JUDGED)
    by_register = defaultdict(Counter)
    by_topic = defaultdict(Counter)
    wrong, missed = [], []
    for pk, (register, article_id, title, gold) in stored.items():
        got = assigned[pk] & JUDGED
        for slug in got | gold:
            counts = Counter(assigned=slug in got, gold=slug in gold, right=slug in got and slug in gold)
            by_register[register].update(counts)
            by_topic[slug].update(counts)
        wrong += [(register, article_id, title, slug) for slug in sorted(got - gold)]
        missed += [(register, article_id, title, slug) for slug in sorted(gold - got)]

    articles = len(stored)
    total = sum(by_register.values(), Counter())
    print(
        f"Topic rules against gold topics: {articles} articles x {len(JUDGED)} starter topics = "
        f"{articles * len(JUDGED)} judged (article, topic) pairs, {total['gold']} of them gold"
    )
    for register, counts in sorted(by_register.items()):
        print(
            f"  {register:<10} precision {percent(counts['right'], counts['assigned']):<20} "
            f"recall {percent(counts['right'], counts['gold'])}"
        )
    ok = total["assigned"] and total["right"] / total["assigned"] >= TARGET_PRECISION
    print(
        f"  {'all':<10} precision {percent(total['right'], total['assigned']):<20} "
        f"recall {percent(total['right'], total['gold'])}  "
        f"{'ok' if ok else 'BELOW TARGET'} (target: >= {TARGET_PRECISION:.0%} of assignments right)"
    )
    print("Per topic (assigned, right, gold):")
    for slug, counts in sorted(by_topic.items()):
        print(f"  {slug:<34} {counts['assigned']:>4} {counts['right']:>4} {counts['gold']:>4}")
    if unjudged:
        print(f"Assigned topics that are not starter topics (not judged): {dict(unjudged)}")
    for label, pairs in (("Wrong assignments", wrong), ("Missed gold topics", missed)):
        print(f"{label} ({len(pairs)}), first {min(args.show, len(pairs))}:")
        for register, article_id, title, slug in pairs[: args.show]:
            print(f"  {slug:<34} {register}/{article_id}  {' '.join(title.split())[:60]}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
