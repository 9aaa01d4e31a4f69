"""Measure the person extractor named in settings (ARCHIVE_PERSON_EXTRACTOR) on news it was not
written for, and on Reuters-21578.

    .venv/bin/python -m bench.extraction [--extractor DOTTED.PATH] [--show 5] [--sample 100]

Prints, in this order:
- the evaluation set (bench/eval/): precision and recall per register against the hand
  annotations, on the full text of each article (title and body), with the first misses and
  false positives of each register (see bench/eval/scoring.py for what counts as right);
- the seeds: whether each comes out exactly right (its extracted names are its canonical names);
- Reuters recall against the corpus's PEOPLE tags, on the full text of every article: a tag
  ("james-baker") matches an extracted name with the same surname whose words are a subset or
  superset of the tag's ("Baker", "James A. Baker"); also on the articles with a body only (the
  measure before issue 14: headline-only briefs, in capitals, were not counted) and on the tags
  whose surname is in the text;
- Reuters precision on a fixed pseudo-random sample of extracted (article, name) pairs, scored with
  the judgements in bench/extraction_judgements.tsv (`newid<TAB>name<TAB>yes|no`); pairs not
  judged yet are listed so they can be judged and added (`--show-sample` prints every pair with
  its context);
- speed: articles per second of the extractor alone on Reuters, on one core (CPU time);
- linearity: the CPU time of a synthetic text with N mentions and with 10N, and their ratio
  (about 10 when the cost is linear in the number of mentions).

Targets (issue 14): precision >= 95% and recall >= 90% on every register, the seeds exactly
right, >= 2,000 articles/s, a ratio of about 10. Registers whose texts are absent (../shared) are
skipped with a sentence.
"""

import argparse
import hashlib
import os
import re
import sys
import time
from pathlib import Path

from articles.ingest.names import name_key
from articles.ingest.people import load_extractor
from bench.eval.dataset import REUTERS_DIR, available, load_articles, registers
from bench.eval.scoring import Score, score_article
from bench.reuters import iter_reuters

JUDGEMENTS = Path(__file__).with_name("extraction_judgements.tsv")
SEED = 21578
WORD = re.compile(r"[^\W\d_]+")
TARGET_PRECISION, TARGET_RECALL, TARGET_SPEED = 0.95, 0.90, 2000


def default_extractor() -> str:
    """The dotted path the archive's settings name."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "archive.settings")
    os.environ.setdefault("SECRET_KEY", "benchmark-only")
    from django.conf import settings  # settings only: no app registry is needed

    return settings.ARCHIVE_PERSON_EXTRACTOR


def names_of(extractor, text: str) -> set[str]:
    return {mention.name for mention in extractor.extract(text)}


def mark(ok: bool) -> str:
    return "ok" if ok else "BELOW TARGET"


# -- the evaluation set --------------------------------------------------------------------------


def evaluate(extractor, show: int) -> None:
    print("Evaluation set (bench/eval/), full text of each article:")
    totals = Score()
    for register in registers():
        missing = available(register)
        if missing:
            print(f"  {register:<10} skipped: {missing}")
            continue
        score = Score()
        articles = load_articles(register)
        for article in articles:
            a = article.annotation
            score += score_article(a.id, a.people, a.traps, names_of(extractor, article.text))
        totals += score
        ok = score.precision >= TARGET_PRECISION and score.recall >= TARGET_RECALL
        print(
            f"  {register:<10} {len(articles):>3} articles  precision {score.right}/{score.extracted} = "
            f"{score.precision:.1%}  recall {score.found}/{score.annotated} = {score.recall:.1%}  "
            f"under the canonical name {score.canonical}/{score.found}  {mark(ok)}"
        )
        for article_id, name in score.misses[:show]:
            print(f"      missed      {article_id:<26} {name}")
        for article_id, name, why in score.false_positives[:show]:
            print(f"      false pos.  {article_id:<26} {name}  ({why})")
        for article_id, found_as, canonical in score.renamed[:show]:
            print(f"      short name  {article_id:<26} {found_as}  (the article names {canonical})")
    print(
        f"  {'all':<10}     precision {totals.precision:.1%}  recall {totals.recall:.1%}  "
        f"(targets: precision >= {TARGET_PRECISION:.0%}, recall >= {TARGET_RECALL:.0%} on every register)"
    )


def seeds_exactly(extractor) -> None:
    missing = available("seeds")
    if missing:
        print(f"Seeds skipped: {missing}")
        return
    articles = load_articles("seeds")
    wrong = []
    for article in articles:
        expected = {" ".join(name.split()) for name in article.annotation.people}
        got = names_of(extractor, article.text)
        if got != expected:
            wrong.append(
                f"{article.annotation.id}: extra {sorted(got - expected)}, missing {sorted(expected - got)}"
            )
    print(f"Seeds exactly right: {len(articles) - len(wrong)}/{len(articles)}  {mark(not wrong)}")
    for line in wrong:
        print(f"  {line}")


# -- Reuters --------------------------------------------------------------------------------------


def tag_matches(tag: str, names: list[tuple[str, ...]]) -> bool:
    """Whether tag code "james-baker" names one of the extracted name keys."""
    tag_key = name_key(tag.replace("-", " "))
    return any(
        key[-1] == tag_key[-1] and (set(key) <= set(tag_key) or set(tag_key) <= set(key)) for key in names
    )


def sample_rank(pair: tuple[int, str]) -> str:
    """A fixed pseudo-random order of (article, name) pairs: a pair's place depends on itself
    only, so a change to the extractor changes only the pairs it adds or removes."""
    return hashlib.sha256(f"{SEED}:{pair[0]}:{pair[1]}".encode()).hexdigest()


def read_judgements() -> dict[tuple[int, str], bool]:
    judgements = {}
    if JUDGEMENTS.is_file():
        for line in JUDGEMENTS.read_text(encoding="utf-8").splitlines():
            if line.strip() and not line.startswith("#"):
                newid, name, verdict = line.split("\t")
                judgements[int(newid), name] = verdict.strip() == "yes"
    return judgements


def context(text: str, start: int, end: int, width: int = 60) -> str:
    snippet = f"{text[max(0, start - width) : start]}[{text[start:end]}]{text[end : end + width]}"
    return " ".join(snippet.split())


def full_text(article) -> str:
    return f"{article.title}\n\n{article.body}" if article.title else article.body


def reuters(extractor, corpus: Path, sample_size: int, show_sample: bool) -> None:
    if not (corpus / "reut2-000.sgm").is_file():
        print(f"Reuters skipped: the corpus is not at {corpus}")
        return
    articles = [a for a in iter_reuters(corpus) if a.title or a.body]
    texts = {a.newid: full_text(a) for a in articles}
    extractor.extract("Warm up the word lists, Mr. Smith.")
    started = time.process_time()
    extracted = {newid: extractor.extract(text) for newid, text in texts.items()}
    seconds = time.process_time() - started

    pairs = recalled = findable = findable_recalled = with_body = with_body_recalled = 0
    for article in articles:
        keys = [name_key(m.name) for m in extracted[article.newid]]
        words = set(WORD.findall(texts[article.newid].casefold()))
        for tag in article.people:
            hit = tag_matches(tag, keys)
            pairs += 1
            recalled += hit
            if article.body:
                with_body += 1
                with_body_recalled += hit
            if name_key(tag.replace("-", " "))[-1] in words:
                findable += 1
                findable_recalled += hit

    by_pair = {}
    for article in articles:
        for mention in extracted[article.newid]:
            by_pair.setdefault((article.newid, mention.name), mention)
    sample = sorted(by_pair, key=sample_rank)[:sample_size]
    judgements = read_judgements()
    judged = [judgements[pair] for pair in sample if pair in judgements]
    unjudged = [pair for pair in sample if pair not in judgements]

    if show_sample:
        print("Reuters precision sample (verdict from extraction_judgements.tsv, ? when not judged):")
        for pair in sample:
            mention = by_pair[pair]
            verdict = {True: "yes", False: "NO"}.get(judgements.get(pair), "?")
            where = context(texts[pair[0]], mention.start, mention.end)
            print(f"  {verdict:>3}  {pair[0]:>5}  {mention.name:<28} {where}")
    print(
        f"Reuters, full text (title and body) of {len(articles)} articles: "
        f"{len(by_pair)} (article, name) pairs"
    )
    print(f"  PEOPLE-tag recall: {recalled}/{pairs} = {recalled / pairs:.1%}")
    print(
        f"  PEOPLE-tag recall on the articles with a body (the measure before issue 14): "
        f"{with_body_recalled}/{with_body} = {with_body_recalled / with_body:.1%}"
    )
    print(
        f"  PEOPLE-tag recall where the surname is in the text: {findable_recalled}/{findable} = "
        f"{findable_recalled / findable:.1%}"
    )
    if judged:
        false = judged.count(False)
        print(
            f"  precision on the judged sample: {len(judged) - false}/{len(judged)} = "
            f"{1 - false / len(judged):.1%} ({false} not a person, or not by that name)"
        )
    if unjudged:
        print(f"  not judged yet ({len(unjudged)} of the sample of {len(sample)}): add to {JUDGEMENTS.name}:")
        for newid, name in unjudged:
            print(f"    {newid}\t{name}")
    speed = len(articles) / seconds
    print(
        f"Speed: {speed:,.0f} articles/s on one core ({seconds:.2f} s CPU for {len(articles)} articles)  "
        f"{mark(speed >= TARGET_SPEED)} (target >= {TARGET_SPEED:,})"
    )


# -- linearity ------------------------------------------------------------------------------------

GIVEN = (
    "Alice Brian Carol David Emma Frank Grace Henry Irene James Karen Louis Maria Nigel Olive Peter".split()
)
SURNAME_STARTS = "Ash Brad Cald Dun Ell Fair Gold Hart Kings Lang Mar Nor Pem Rad Stan Thorn Wal Whit".split()
SURNAME_ENDS = "ford ley well ton by wood field combe more ham".split()
OFFICES = ("Finance Minister", "Chief executive", "Professor", "Judge", "Ambassador", "Senator")


def synthetic_text(mentions: int) -> str:
    """News-like paragraphs naming `mentions // 3` different people three times each: a full
    name with an office, then "Mr Surname", then the surname's possessive."""
    surnames = [start + end for start in SURNAME_STARTS for end in SURNAME_ENDS]
    paragraphs = []
    for i in range(mentions // 3):
        given, surname = GIVEN[i % len(GIVEN)], surnames[(i // len(GIVEN)) % len(surnames)]
        office = OFFICES[i % len(OFFICES)]
        paragraphs.append(
            f"{office} {given} {surname} said on Tuesday that the plan for the new harbour would go "
            f"ahead next spring. Mr {surname} added that costs had risen by 12 per cent since March, "
            f"and {surname}'s office declined to comment further on the tender."
        )
    return "\n\n".join(paragraphs)


def cpu_time(extractor, text: str, repeat: int = 3) -> tuple[float, int]:
    """The best CPU time of `repeat` extractions of `text`, and the mentions found."""
    best, found = float("inf"), 0
    for _ in range(repeat):
        started = time.process_time()
        found = len(extractor.extract(text))
        best = min(best, time.process_time() - started)
    return best, found


def linearity(extractor, mentions: int) -> None:
    small, large = synthetic_text(mentions), synthetic_text(10 * mentions)
    small_time, small_found = cpu_time(extractor, small)
    large_time, large_found = cpu_time(extractor, large)
    ratio = large_time / small_time if small_time else float("inf")
    print(
        f"Linearity: {mentions:,} mentions {small_time * 1000:.1f} ms ({small_found} found), "
        f"{10 * mentions:,} mentions {large_time * 1000:.1f} ms ({large_found} found): "
        f"10x the mentions cost {ratio:.1f}x the time  {mark(ratio <= 13)} (linear: about 10)"
    )


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--extractor", help="dotted path of the extractor class (default: the settings')")
    parser.add_argument("--corpus", type=Path, default=REUTERS_DIR, help="the reut2-*.sgm directory")
    parser.add_argument("--show", type=int, default=5, help="misses and false positives shown per register")
    parser.add_argument("--sample", type=int, default=100, help="Reuters names in the precision sample")
    parser.add_argument("--show-sample", action="store_true", help="print the sample's pairs in context")
    parser.add_argument("--mentions", type=int, default=300, help="N of the linearity line")
    args = parser.parse_args(argv)

    path = args.extractor or default_extractor()
    extractor = load_extractor(path)
    print(f"Extractor: {path}")
    evaluate(extractor, args.show)
    seeds_exactly(extractor)
    reuters(extractor, args.corpus, args.sample, args.show_sample)
    linearity(extractor, args.mentions)
    return 0


if __name__ == "__main__":
    sys.exit(main())
