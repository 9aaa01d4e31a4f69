"""Search benchmark on Reuters-21578: raw Whoosh `search(limit=20)` against the archive's search().

    .venv/bin/python bench/search_raw.py [--corpus ../shared/corpora/reuters21578]
        [--index /tmp/archive-bench-index] [--rebuild [--procs 2]] [--queries 200]

Builds (once; reused until --rebuild) an index of the corpus with the archive's schema through
articles.search.index.rebuild, then times about 200 mixed queries (single words, two words,
phrases, prefixes, person:/topic: fields; broad and selective) on the same Whoosh query objects:
raw `searcher.search(query, limit=20)` (top 20 only, no total, no facets) against
`articles.search.whoosh.query.search()` (page, exact total, person/topic/source facets, date histogram);
then both filtered by a topic (Whoosh filter query against the numpy mask), and search() sorted
newest first. Prints median and p95 of each. The index lives outside the repository: the corpus
is research-only.

    .venv/bin/python bench/search_raw.py --archive DATA_DIR [--gunicorn 4]

times the index of an existing archive instead (an ARCHIVE_DATA_DIR with its SQLite database, e.g.
after `manage.py ingest`); with --gunicorn N, through /api/search of gunicorn with N workers,
printing the memory (RSS and PSS) of each worker and of all of them.

bench/search.py (the whole page) imports build_index, sample_queries, time_raw, time_search.
"""

import argparse
import os
import random
import re
import statistics
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from bench.serve import gunicorn, process_memory, worker_pids  # noqa: E402

DEFAULT_CORPUS = REPO.parent / "shared" / "corpora" / "reuters21578"
DEFAULT_INDEX = Path("/tmp/archive-bench-index")
FILTER_TOPIC = "earn"  # the corpus's most frequent topic


def setup_django(index_dir: Path, data_dir: Path | None = None) -> None:
    """Django with the index in `index_dir` and the database beside it (the index names people,
    topics and sources by their database ids), or in `data_dir` when given."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "archive.settings")
    os.environ.setdefault("SECRET_KEY", "benchmark-only")
    os.environ["ARCHIVE_INDEX_DIR"] = str(index_dir)
    os.environ["ARCHIVE_DATA_DIR"] = str(data_dir or index_dir.parent / f"{index_dir.name}-data")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def _display(code: str) -> str:
    return " ".join(part.capitalize() for part in code.split("-"))


def documents(corpus_dir: Path):
    """IndexDocuments for the corpus: people codes as names ("james-baker" -> "James Baker"),
    topic codes as topics, the first place code standing in for the source."""
    from articles.search.types import IndexDocument
    from bench.reuters import iter_reuters

    for article in iter_reuters(corpus_dir):
        yield IndexDocument(
            id=article.newid,
            title=article.title,
            body=article.body,
            published=article.date.date() if article.date else None,
            persons=[_display(code) for code in article.people],
            topics=list(article.topics),
            source=article.places[0] if article.places else "",
            stamp="bench",
        )


def _with_ids(docs):
    """The documents with their names replaced by the ids of database rows carrying them."""
    import dataclasses

    from articles.models import Person, Source, Topic

    ids = {model: {} for model in (Person, Topic, Source)}

    def row(model, **fields):
        key = tuple(fields.values())
        if key not in ids[model]:
            ids[model][key] = model.objects.get_or_create(**fields)[0].pk
        return ids[model][key]

    for doc in docs:
        yield dataclasses.replace(
            doc,
            persons=[row(Person, name=name) for name in doc.persons],
            topics=[row(Topic, name=name) for name in doc.topics],
            source=row(Source, domain=doc.source) if doc.source else None,
        )


def build_index(corpus_dir: Path, rebuild: bool = False, procs: int = 1) -> float:
    """Index the corpus unless an index of the current schema is there; returns seconds spent."""
    from articles.search.whoosh import index

    if not rebuild and not index.needs_rebuild() and index.doc_count() > 0:
        return 0.0
    started = time.perf_counter()
    index.rebuild(_with_ids(documents(corpus_dir)), procs=procs)
    return time.perf_counter() - started


def sample_queries(corpus_dir: Path, count: int = 200, seed: int = 21578) -> list[str]:
    """A reproducible mix of query strings drawn from the corpus itself."""
    rng = random.Random(seed)
    words, bigrams, people, topics = Counter(), Counter(), Counter(), Counter()
    for doc in documents(corpus_dir):
        title_words = re.findall(r"[a-z]{3,}", doc.title.lower())
        words.update(set(re.findall(r"[a-z]{4,}", doc.body.lower())))
        bigrams.update(zip(title_words, title_words[1:], strict=False))
        people.update(doc.persons)
        topics.update(doc.topics)
    from articles.search.analysis import STEMMED

    # Sorted by count, then alphabetically, so that the sample does not depend on hash order.
    ranked = [w for w, _ in sorted(words.items(), key=lambda item: (-item[1], item[0])) if list(STEMMED(w))]
    broad, middle, rare = ranked[:300], ranked[300:3000], ranked[3000:20000]
    phrases = sorted(f'"{a} {b}"' for (a, b), n in bigrams.items() if n >= 3)
    person_names = sorted(p for p, n in people.items() if n >= 3)
    topic_names = sorted(t for t, n in topics.items() if n >= 3)
    makers = [
        lambda: rng.choice(broad),
        lambda: rng.choice(middle),
        lambda: rng.choice(rare),
        lambda: f"{rng.choice(middle)} {rng.choice(broad)}",
        lambda: f"{rng.choice(middle)} {rng.choice(middle)}",
        lambda: rng.choice(phrases),
        lambda: f"{rng.choice(middle)[:4]}*",
        lambda: f'person:"{rng.choice(person_names)}"',
        lambda: f"topic:{rng.choice(topic_names)}",
        lambda: f"topic:{rng.choice(topic_names)} {rng.choice(middle)}",
    ]
    return [makers[i % len(makers)]() for i in range(count)]


def _ms(seconds: list[float]) -> tuple[float, float]:
    ordered = sorted(seconds)
    return statistics.median(ordered) * 1000, ordered[int(0.95 * (len(ordered) - 1))] * 1000


def time_raw(queries: list[str], topic: str = "") -> list[float]:
    """Seconds per query for Whoosh alone: searcher.search(query, limit=20) on the compiled query;
    with `topic`, filtered by Whoosh (filter=Term("topic", topic))."""
    from whoosh import query as wq

    from articles.search import names, syntax
    from articles.search.budget import SearchBudget
    from articles.search.whoosh import index
    from articles.search.whoosh.facets import tables_for
    from articles.search.whoosh.query import _Compiler

    timings = []
    with index.searcher() as searcher:
        book = names.current()
        compiler = _Compiler(tables_for(searcher), book, SearchBudget(seconds=float("inf")))
        topic_ids = [str(i) for i in book["topic"].ids_named(topic)] if topic else []
        topic_filter = wq.Or([wq.Term("topic", i) for i in topic_ids]) if topic else None
        for text in queries:
            q, _ = compiler.compile(syntax.parse(text).tree)
            q = q.normalize() if q is not None else wq.Every()
            started = time.perf_counter()
            searcher.search(q, limit=20, filter=topic_filter)
            timings.append(time.perf_counter() - started)
    return timings


def time_search(queries: list[str], **filters) -> list[float]:
    """Seconds per query for articles.search.whoosh.query.search(): page, total, facets, histogram."""
    from articles.search.whoosh.query import SearchRequest, search

    timings = []
    for text in queries:
        started = time.perf_counter()
        search(SearchRequest(q=text, **filters))
        timings.append(time.perf_counter() - started)
    return timings


GUNICORN_PORT = 8150  # this benchmark's port


def gunicorn_run(archive: Path, workers: int, queries: list[str]) -> None:
    """Serve `archive` with gunicorn and `workers` sync workers; every worker answers queries (all
    at once, `workers` at a time), then the queries are timed one after another through
    /api/search; prints the latencies and the memory of each worker and of all together."""
    env = {
        **os.environ,
        "ARCHIVE_DATA_DIR": str(archive),
        "ARCHIVE_INDEX_DIR": str(archive / "index"),
        "DATABASE_URL": f"sqlite:///{archive / 'archive.sqlite3'}",
        "SECRET_KEY": os.environ.get("SECRET_KEY", "benchmark-only"),
        "SECURE_SSL_REDIRECT": "false",
    }
    with gunicorn(env, GUNICORN_PORT, workers) as server:
        failed = []

        def get(q: str) -> float:
            url = f"http://127.0.0.1:{GUNICORN_PORT}/api/search?" + urllib.parse.urlencode({"q": q})
            started = time.perf_counter()
            try:
                with urllib.request.urlopen(url, timeout=60) as response:
                    response.read()
            except urllib.error.HTTPError as error:
                failed.append(f"{q!r}: {error.code}")
            return time.perf_counter() - started

        with ThreadPoolExecutor(workers) as pool:
            list(pool.map(get, queries))  # every worker opens the index and its tables
        timings = sorted(get(q) for q in queries)
        median, p95 = _ms(timings)
        print(
            f"/api/search, {workers} worker(s): median {median:.1f} ms   p95 {p95:.1f} ms   "
            f"slowest {timings[-1] * 1000:.1f} ms   ({len(timings)} queries)"
            + (f"; failed: {', '.join(failed)}" if failed else "")
        )
        children = worker_pids(server.pid)
        sizes = [process_memory(pid) for pid in children]
        for pid, (rss, pss) in zip(children, sizes, strict=True):
            print(f"  worker {pid}: {rss / 2**20:6.0f} MB RSS {pss / 2**20:6.0f} MB PSS")
        master = process_memory(server.pid)
        print(
            f"  {len(sizes)} workers together: {sum(r for r, _ in sizes) / 2**20:.0f} MB RSS, "
            f"{sum(p for _, p in sizes) / 2**20:.0f} MB PSS (and the master: {master[1] / 2**20:.0f} MB PSS)"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS, help="the reut2-*.sgm directory")
    parser.add_argument("--index", type=Path, default=DEFAULT_INDEX, help="where to keep the bench index")
    parser.add_argument("--rebuild", action="store_true", help="rebuild the index even if it is current")
    parser.add_argument("--procs", type=int, default=1, help="indexing processes for --rebuild")
    parser.add_argument("--queries", type=int, default=200, help="how many queries to time")
    parser.add_argument(
        "--archive",
        type=Path,
        default=None,
        help="time the index of this existing archive (an ARCHIVE_DATA_DIR, e.g. after an ingest) "
        "instead of building one",
    )
    parser.add_argument(
        "--gunicorn",
        type=int,
        default=0,
        metavar="WORKERS",
        help="with --archive: serve it with gunicorn and this many workers, time the queries "
        f"through /api/search (port {GUNICORN_PORT}) and print each worker's memory",
    )
    args = parser.parse_args()
    if args.gunicorn:
        if not args.archive:
            parser.error("--gunicorn needs --archive")
        gunicorn_run(args.archive, args.gunicorn, sample_queries(args.corpus, args.queries))
        return
    if args.archive:
        setup_django(args.archive / "index", args.archive)
    else:
        setup_django(args.index)

    from articles.search.whoosh import index
    from articles.search.whoosh.facets import tables_for

    built = 0.0 if args.archive else build_index(args.corpus, args.rebuild, args.procs)
    print(
        f"index: {index.doc_count()} documents in {index.segment_count()} segment(s) in {index.index_root()}"
        + (f", built in {built:.1f} s" if built else "")
    )
    queries = sample_queries(args.corpus, args.queries)
    started = time.perf_counter()
    with index.searcher() as searcher:
        tables_for(searcher)
    print(f"facet tables (once per index version): {(time.perf_counter() - started) * 1000:.1f} ms")
    time_search(queries[:20])  # warm the caches of both paths alike
    time_raw(queries[:20])
    runs = [
        ("raw search(limit=20)", time_raw(queries)),
        ("search() + facets + histogram", time_search(queries)),
        (f"raw, Whoosh filter topic {FILTER_TOPIC}", time_raw(queries, topic=FILTER_TOPIC)),
        (f"search(), topics=[{FILTER_TOPIC}]", time_search(queries, topics=[FILTER_TOPIC])),
        ("search(), sort=newest", time_search(queries, sort="newest")),
    ]
    for label, timings in runs:
        median, p95 = _ms(timings)
        print(f"{label:34} median {median:6.2f} ms   p95 {p95:6.2f} ms   ({len(timings)} queries)")


if __name__ == "__main__":
    main()
