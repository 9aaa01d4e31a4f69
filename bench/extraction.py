"""Measure person extraction on Reuters-21578 against the corpus's PEOPLE tags.

    .venv/bin/python -m bench.extraction [--corpus ../shared/corpora/reuters21578] [--sample 100]

Prints:
- recall: of the (article, tagged person) pairs of articles with a body, the share whose person
  was extracted. A tag ("james-baker") matches an extracted name with the same surname whose
  words are a subset or superset of the tag's ("Baker", "James A. Baker"). Also shown on the
  pairs whose surname occurs in the body at all (a tag is sometimes given for the headline only).
- precision: a fixed pseudo-random sample (a seeded hash order) of the extracted (article,
  name) pairs, printed with context for a human to check, and scored with the judgements in
  bench/extraction_judgements.tsv (`newid<TAB>name<TAB>yes|no`); pairs not judged yet are
  listed so they can be judged and added.
- speed: articles per second of the extractor alone, on one core.
"""

import argparse
import hashlib
import re
import sys
import time
from pathlib import Path

from articles.ingest.names import name_key
from articles.ingest.people import RuleBasedExtractor
from bench.reuters import iter_reuters

REPO = Path(__file__).resolve().parent.parent
DEFAULT_CORPUS = REPO.parent / "shared" / "corpora" / "reuters21578"
JUDGEMENTS = Path(__file__).with_name("extraction_judgements.tsv")
SEED = 21578
WORD = re.compile(r"[^\W\d_]+")


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


def context(body: str, start: int, end: int, width: int = 60) -> str:
    snippet = f"{body[max(0, start - width) : start]}[{body[start:end]}]{body[end : end + width]}"
    return " ".join(snippet.split())


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS, help="the reut2-*.sgm directory")
    parser.add_argument("--sample", type=int, default=100, help="extracted names in the precision sample")
    parser.add_argument("--quiet", action="store_true", help="do not print the sample's contexts")
    args = parser.parse_args(argv)

    corpus = list(iter_reuters(args.corpus))
    articles = [a for a in corpus if a.body]
    headline_only = sum(len(a.people) for a in corpus if not a.body)
    extractor = RuleBasedExtractor()
    extractor.extract("Warm up the word lists, Mr. Smith.")
    started = time.process_time()
    extracted = {a.newid: extractor.extract(a.body) for a in articles}
    seconds = time.process_time() - started

    pairs = recalled = findable = findable_recalled = 0
    for article in articles:
        keys = [name_key(m.name) for m in extracted[article.newid]]
        body_words = set(WORD.findall(article.body.casefold()))
        for tag in article.people:
            hit = tag_matches(tag, keys)
            pairs += 1
            recalled += hit
            if name_key(tag.replace("-", " "))[-1] in body_words:
                findable += 1
                findable_recalled += hit

    by_pair = {}
    for article in articles:
        for mention in extracted[article.newid]:
            by_pair.setdefault((article.newid, mention.name), (article.body, mention))
    sample = sorted(by_pair, key=sample_rank)[: args.sample]
    judgements = read_judgements()
    judged = [judgements[pair] for pair in sample if pair in judgements]
    unjudged = [pair for pair in sample if pair not in judgements]

    if not args.quiet:
        print("Precision sample (verdict from extraction_judgements.tsv, ? when not judged):")
        for pair in sample:
            body, mention = by_pair[pair]
            verdict = {True: "yes", False: "NO"}.get(judgements.get(pair), "?")
            where = context(body, mention.start, mention.end)
            print(f"  {verdict:>3}  {pair[0]:>5}  {mention.name:<28} {where}")
        print()
    print(f"Articles with a body: {len(articles)}; extracted (article, name) pairs: {len(by_pair)}")
    print(f"Recall: {recalled}/{pairs} tagged people = {recalled / pairs:.1%}", end=" ")
    print(f"(not counted: {headline_only} tags of articles with a headline and no body)")
    print(
        f"Recall where the surname is in the body: {findable_recalled}/{findable} = "
        f"{findable_recalled / findable:.1%}"
    )
    if judged:
        false = judged.count(False)
        print(
            f"Precision on the sample: {len(judged) - false}/{len(judged)} = {1 - false / len(judged):.1%} ",
            end="",
        )
        print(f"({false} not a person, or not by that name)")
    if unjudged:
        print(f"Not judged yet ({len(unjudged)}): add to {JUDGEMENTS.name}:")
        for newid, name in unjudged:
            print(f"  {newid}\t{name}")
    print(f"Speed: {len(articles) / seconds:.0f} articles/s on one core ({seconds:.2f} s CPU)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
