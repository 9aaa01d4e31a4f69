"""Reuters-21578 replicated: a large JSON Lines export for scale benchmarks.

    .venv/bin/python -m bench.corpus10x [--copies 10] [--corpus ../shared/corpora/reuters21578]

Writes bench/out/reuters-<copies>x.jsonl (git-ignored): every Reuters article with a body, once per
copy, each copy shifted by `copy` x 10 years and made distinct (its own id, URL, date and a copy tag
in the title), so that nothing is deduplicated away; records carry the metadata a news API's
export does (URL, tags, summary). Ten copies are about 198,000 articles and 260 MB. An
existing file with the same name is reused unless --force.

    from bench.corpus10x import build
    path, count = build(corpus_dir, copies=10)
"""

import argparse
import datetime
import json
import sys
from collections.abc import Iterator
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from bench.reuters import ReutersArticle, iter_reuters  # noqa: E402

OUT = REPO / "bench" / "out"
DEFAULT_CORPUS = REPO.parent / "shared" / "corpora" / "reuters21578"
YEARS_PER_COPY = 10
# A news API's record carries metadata beside the text: a URL, tags and a summary, which the
# archive does not read (the size of the export is what a real dump weighs).
SUMMARY_CHARS = 200


def shifted(date: datetime.datetime | None, years: int) -> str | None:
    """The date `years` later (29 February becomes 28 February in a year without it)."""
    if date is None:
        return None
    try:
        return date.replace(year=date.year + years).date().isoformat()
    except ValueError:
        return date.replace(year=date.year + years, day=28).date().isoformat()


def records(articles: list[ReutersArticle], copies: int) -> Iterator[dict]:
    """Each article once per copy; copy 0 is the corpus as it is."""
    for copy in range(copies):
        for article in articles:
            tag = f" [copy {copy}]" if copy else ""
            date = shifted(article.date, copy * YEARS_PER_COPY)
            key = f"{article.newid}-{copy}"
            yield {
                "id": key,
                "url": f"https://wire.example.com/{(date or 'undated').replace('-', '/')}/{key}",
                "source": "Reuters",
                "language": "en",
                "title": f"{article.title}{tag}",
                "date": date,
                "dateline": article.dateline,
                "summary": article.body[:SUMMARY_CHARS],
                "topics": article.topics,
                "places": article.places,
                "people": article.people,
                "text": article.body,
            }


def build(corpus: Path = DEFAULT_CORPUS, copies: int = 10, force: bool = False) -> tuple[Path, int]:
    """Write (or reuse) the replicated export; returns its path and its number of articles."""
    articles = [article for article in iter_reuters(corpus) if article.body.strip()]
    path = OUT / f"reuters-{copies}x.jsonl"
    count = len(articles) * copies
    if path.is_file() and not force:
        return path, count
    OUT.mkdir(parents=True, exist_ok=True)
    partial = path.with_suffix(".partial")
    with partial.open("w", encoding="utf-8") as out:
        for record in records(articles, copies):
            out.write(json.dumps(record, ensure_ascii=False) + "\n")
    partial.rename(path)
    return path, count


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    parser.add_argument("--copies", type=int, default=10, help="Copies of the corpus (default 10).")
    parser.add_argument("--force", action="store_true", help="Write the file again even if it exists.")
    args = parser.parse_args()
    if not (args.corpus / "reut2-000.sgm").is_file():
        sys.exit(f"The Reuters-21578 corpus is not at {args.corpus}; pass --corpus.")
    path, count = build(args.corpus, args.copies, args.force)
    print(f"{count:,} articles, {path.stat().st_size / 1e6:.0f} MB: {path}")


if __name__ == "__main__":
    main()
