"""Ingest benchmark on Reuters-21578: the whole `manage.py ingest` against raw Whoosh indexing.

    .venv/bin/python -m bench.ingest [--corpus ../shared/corpora/reuters21578] [--limit N]

Converts the corpus into article files under bench/out/reuters/ (one text file per article, in
the seeds' conventions: title line, "Published:" line, dateline; and one JSON Lines file), then,
in the same run so the shared machine's noise hits both alike:
  1. raw Whoosh: the same texts into an index with the archive's schema by one writer;
  2. `manage.py ingest` of the text files into a fresh archive (SQLite), and
  3. of the JSON Lines file into another,
printing articles per second, seconds, and the peak memory of the ingest's whole process tree
(the sum of resident sizes, and of proportional sizes, which count the pages its forked processes
share once). Target: each ingest at least as fast as the raw single-writer indexing, peak memory
< 500 MB. Beside them, the number of articles that lost words in each form (the no-loss
invariant, articles/ingest/accounting.py; target 0).

    .venv/bin/python -m bench.ingest --copies 10

instead ingests the corpus replicated ten times (bench/corpus10x.py: about 198,000 articles,
260 MB of JSON Lines) in one command, printing its speed and peak memory (target < 600 MB).
"""

import argparse
import contextlib
import gc
import json
import os
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "archive.settings")
os.environ.setdefault("SECRET_KEY", "benchmark-only")

import django  # noqa: E402

django.setup()

from whoosh import index as whoosh_index  # noqa: E402

from articles.ingest.accounting import lost_words  # noqa: E402
from articles.ingest.formats.json import read_json_lines  # noqa: E402
from articles.ingest.formats.text import read_text  # noqa: E402
from articles.search.types import IndexDocument  # noqa: E402
from articles.search.whoosh.index import document_fields  # noqa: E402
from articles.search.whoosh.schema import build_schema  # noqa: E402
from bench.corpus10x import build  # noqa: E402
from bench.reuters import iter_reuters  # noqa: E402
from bench.serve import process_memory  # noqa: E402

OUT = REPO / "bench" / "out" / "reuters"


def convert(corpus: Path, limit: int | None) -> list:
    """Write the article files; returns the articles (those with a body: briefs have none)."""
    articles = [a for a in iter_reuters(corpus) if a.body.strip()][:limit]
    txt_dir = OUT / "txt"
    txt_dir.mkdir(parents=True, exist_ok=True)
    for old in txt_dir.glob("*.txt"):
        old.unlink()
    with open(OUT / "reuters.jsonl", "w", encoding="utf-8") as jsonl:
        for a in articles:
            (txt_dir / f"{a.newid:05}.txt").write_text(a.as_text_file(), encoding="utf-8")
            jsonl.write(json.dumps(a.as_json_record(), ensure_ascii=False) + "\n")
    return articles


def articles_losing_words(articles) -> tuple[int, int]:
    """How many articles lose words as text files and as JSON Lines records, by the pipeline's own
    readers (the files' contents, without the database)."""
    text = sum(
        bool(lost_words(a.as_text_file(), read_text(a.as_text_file(), "a.txt", "")[0])) for a in articles
    )
    records = "\n".join(json.dumps(a.as_json_record()) for a in articles)
    drafts = read_json_lines(records, "reuters.jsonl")
    jsonl = sum(
        bool(lost_words(f"{a.title}\n{a.dateline}\n{a.body}", draft))
        for a, draft in zip(articles, drafts, strict=True)
    )
    return text, jsonl


def raw_whoosh(articles) -> float:
    """Seconds for one Whoosh writer to index the same texts with the archive's schema."""
    gc.freeze()  # as the ingest does: the collector then skips the articles already in memory
    with tempfile.TemporaryDirectory() as tmp:
        started = time.monotonic()
        ix = whoosh_index.create_in(tmp, build_schema())
        writer = ix.writer()
        for a in articles:
            doc = IndexDocument(a.newid, a.title, a.body, a.date.date() if a.date else None)
            writer.add_document(**document_fields(doc))
        writer.commit()
        return time.monotonic() - started


class PeakMemory(threading.Thread):
    """Samples the memory of a process and all its descendants, cheaply (the sampler must not
    steal the CPU it is measuring): the sum of their resident sizes, which counts the pages forked
    processes share once per process, and the sum of their proportional sizes (PSS), which counts
    them once."""

    def __init__(self, pid: int, every: float = 0.25):
        super().__init__(daemon=True)
        self.pid, self.every, self.peak_rss, self.peak_pss, self.running = pid, every, 0, 0, True

    def run(self):
        while self.running:
            rss, pss = tree_memory(self.pid)
            self.peak_rss, self.peak_pss = max(self.peak_rss, rss), max(self.peak_pss, pss)
            time.sleep(self.every)


def tree_memory(root: int) -> tuple[int, int]:
    """(RSS, PSS) in bytes of `root` and its descendants, found through /proc/PID/task/*/children."""
    rss = pss = 0
    frontier = [root]
    while frontier:
        pid = frontier.pop()
        try:
            process_rss, process_pss = process_memory(pid)
            rss, pss = rss + process_rss, pss + process_pss
            for task in Path(f"/proc/{pid}/task").iterdir():
                frontier.extend(int(child) for child in (task / "children").read_text().split())
        except OSError:
            continue
    return rss, pss


def timed_ingest(path: Path, keep: Path | None = None) -> tuple[float, PeakMemory, str]:
    """Seconds, peak memory and summary line of `manage.py ingest path` into a fresh archive (in
    the empty or new directory `keep`, left there, when given)."""
    if keep is not None:
        keep.mkdir(parents=True, exist_ok=True)
        if any(keep.iterdir()):
            sys.exit(f"{keep} is not empty: --keep wants a new directory.")
    with contextlib.nullcontext(str(keep)) if keep else tempfile.TemporaryDirectory() as data:
        env = {**os.environ, "ARCHIVE_DATA_DIR": data, "DATABASE_URL": f"sqlite:///{data}/archive.sqlite3"}
        manage = [sys.executable, str(REPO / "manage.py")]
        subprocess.run([*manage, "migrate", "-v0"], env=env, check=True)
        started = time.monotonic()
        process = subprocess.Popen([*manage, "ingest", str(path)], env=env, stdout=subprocess.PIPE, text=True)
        sampler = PeakMemory(process.pid)
        sampler.start()
        out, _ = process.communicate()
        seconds = time.monotonic() - started
        sampler.running = False
        sampler.join()
        return seconds, sampler, out.strip().splitlines()[-1] if out.strip() else ""


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, default=REPO.parent / "shared" / "corpora" / "reuters21578")
    parser.add_argument("--limit", type=int, default=None, help="Only the first N articles (quick runs).")
    parser.add_argument(
        "--copies",
        type=int,
        default=None,
        help="Instead, ingest the corpus replicated this many times as one JSON Lines file "
        "(bench/corpus10x.py).",
    )
    parser.add_argument(
        "--keep",
        type=Path,
        default=None,
        help="With --copies: ingest into this new directory and leave the archive there (for "
        "bench/search_raw.py --archive).",
    )
    args = parser.parse_args()
    if not (args.corpus / "reut2-000.sgm").is_file():
        sys.exit(f"The Reuters-21578 corpus is not at {args.corpus}; pass --corpus.")
    if args.copies:
        scale(args.corpus, args.copies, args.keep)
        return

    articles = convert(args.corpus, args.limit)
    n = len(articles)
    print(f"{n:,} Reuters-21578 articles with a body, written to {OUT}")
    text_lost, jsonl_lost = articles_losing_words(articles)
    raw = raw_whoosh(articles)
    print(f"{'raw Whoosh, one writer':32} {n / raw:8.1f} articles/s {raw:8.1f} s")
    forms = (
        ("ingest, text files", OUT / "txt", text_lost),
        ("ingest, JSON Lines", OUT / "reuters.jsonl", jsonl_lost),
    )
    for label, path, lost in forms:
        seconds, memory, summary = timed_ingest(path)
        print(
            f"{label:32} {n / seconds:8.1f} articles/s {seconds:8.1f} s   {seconds / raw:4.2f}x raw   "
            f"peak memory {memory.peak_rss / 2**20:4.0f} MB RSS, {memory.peak_pss / 2**20:4.0f} MB PSS   "
            f"articles that lost words: {lost}\n{'':32} {summary}"
        )


def scale(corpus: Path, copies: int, keep: Path | None = None) -> None:
    """One `manage.py ingest` of the corpus replicated `copies` times as one JSON Lines file."""
    path, n = build(corpus, copies)
    print(f"{n:,} articles, {path.stat().st_size / 1e6:.0f} MB of JSON Lines: {path}")
    seconds, memory, summary = timed_ingest(path, keep)
    print(
        f"{'ingest, one JSON Lines file':32} {n / seconds:8.1f} articles/s {seconds:8.1f} s   "
        f"peak memory {memory.peak_rss / 2**20:4.0f} MB RSS, {memory.peak_pss / 2**20:4.0f} MB PSS"
        f"\n{'':32} {summary}"
    )


if __name__ == "__main__":
    main()
