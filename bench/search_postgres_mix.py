"""bench/scale.py's query mix timed in-process against an existing PostgreSQL archive.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/DB ARCHIVE_DATA_DIR=DIR \
        .venv/bin/python -m bench.search_postgres_mix [--repeat 3] [--explain 3] [--corpus DIR]
        [--only backend,api,html] [--baseline CHECKOUT [--baseline-database URL]]

For a quick before/after of the postgres backend without serving or re-ingesting: the same 230
queries as bench/scale.py (bench/scale_queries.py, names from this archive), each timed through
`articles.search.backend().search()` as /api/search builds its request, then through /api/search
and the HTML page with Django's test client (no gunicorn, no network). After a warm-up pass, each
query runs `--repeat` times and its fastest run counts, as timeit's (the machine is shared and noisy:
a slower run measures the neighbours). Prints the
median, p95 and slowest of each, and the slowest queries; `--explain N` prints EXPLAIN (ANALYZE,
BUFFERS) of the search statement of the N slowest.

With `--baseline CHECKOUT` (another checkout of the archive, holding a copy of this script), the
same queries also run through that checkout's code in a second process, alternating query by query
with this one (which goes first alternates too), so that both meet the same load; then the ratios.
`--baseline-database` gives the baseline its own database (a copy built with the other schema).
"""

import argparse
import json
import os
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "archive.settings")
for name, value in {
    "ENV_FILE": os.devnull,
    "DEBUG": "false",
    "SECRET_KEY": "bench-only-not-a-secret",
    "ALLOWED_HOSTS": "127.0.0.1",
    "SECURE_SSL_REDIRECT": "false",
    "ARCHIVE_SEARCH_BACKEND": "postgres",
}.items():
    os.environ.setdefault(name, value)

import django  # noqa: E402

django.setup()

from django.db import connection  # noqa: E402
from django.http import QueryDict  # noqa: E402
from django.test import Client  # noqa: E402

from articles.search import backend  # noqa: E402
from articles.urlstate import SearchState  # noqa: E402
from bench.corpus10x import DEFAULT_CORPUS  # noqa: E402
from bench.reuters import iter_reuters  # noqa: E402
from bench.scale_queries import archive_names, query_mix  # noqa: E402
from bench.serve import median, p95  # noqa: E402

SLOWEST = 6


def request_of(query: dict):
    params = QueryDict(mutable=True)
    params.update(query)
    return SearchState.from_query(params).to_request()


def timed(run, queries: list[dict], repeat: int) -> list[float]:
    """Each query's fastest seconds of `repeat` runs."""
    seconds = []
    for query in queries:
        runs = []
        for _ in range(repeat):
            started = time.perf_counter()
            run(query)
            runs.append(time.perf_counter() - started)
        seconds.append(min(runs))
    return seconds


def report(label: str, seconds: list[float], queries: list[dict]) -> None:
    print(
        f"{label:14} median {median(seconds) * 1000:6.1f} ms   p95 {p95(seconds) * 1000:6.1f} ms   "
        f"slowest {max(seconds) * 1000:6.1f} ms",
        flush=True,
    )
    slowest = sorted(zip(seconds, queries, strict=True), key=lambda pair: -pair[0])[:SLOWEST]
    print("   slowest: " + "; ".join(f"{s * 1000:.0f} ms {q}" for s, q in slowest), flush=True)


def explain(query: dict) -> None:
    """EXPLAIN (ANALYZE, BUFFERS) of every statement the search runs that reads the documents."""
    statements = []
    with connection.execute_wrapper(
        lambda execute, sql, params, many, context: _kept(statements, execute, sql, params, many, context)
    ):
        backend().search(request_of(query))
    print(f"\n--- {query}")
    with connection.cursor() as cursor:
        for sql, params in statements:
            if "search_pg_document d" not in sql:
                continue
            cursor.execute("SET jit = off; SET enable_seqscan = off")
            cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql, params)
            print("\n".join(row for (row,) in cursor.fetchall()))


def _kept(statements, execute, sql, params, many, context):
    statements.append((sql, params))
    return execute(sql, params, many, context)


class Baseline:
    """This script in `--serve` mode in another checkout: one query in, its seconds out."""

    def __init__(self, checkout: Path, database: str | None):
        self.process = subprocess.Popen(
            [sys.executable, "-m", "bench.search_postgres_mix", "--serve"],
            cwd=checkout,
            env={**os.environ, **({"DATABASE_URL": database} if database else {})},
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )

    def time(self, label: str, query: dict, repeat: int) -> float:
        self.process.stdin.write(json.dumps({"label": label, "query": query, "repeat": repeat}) + "\n")
        self.process.stdin.flush()
        return float(self.process.stdout.readline())

    def close(self) -> None:
        self.process.stdin.close()
        self.process.wait()


def serve(runs: dict) -> None:
    for line in sys.stdin:
        asked = json.loads(line)
        print(timed(runs[asked["label"]], [asked["query"]], asked["repeat"])[0], flush=True)


def compare(label: str, run, baseline: Baseline, queries: list[dict], repeat: int) -> None:
    """Each query through both, the order alternating; then both reports and the ratios."""
    ours, theirs = [], []
    for n, query in enumerate(queries):
        if n % 2:
            theirs.append(baseline.time(label, query, repeat))
            ours.append(timed(run, [query], repeat)[0])
        else:
            ours.append(timed(run, [query], repeat)[0])
            theirs.append(baseline.time(label, query, repeat))
    report(f"{label} baseline", theirs, queries)
    report(f"{label} this", ours, queries)
    faster = sum(o < t for o, t in zip(ours, theirs, strict=True))
    print(
        f"   this / baseline: median {median(ours) / median(theirs):.2f}, p95 {p95(ours) / p95(theirs):.2f}, "
        f"slowest {max(ours) / max(theirs):.2f}; faster on {faster} of {len(queries)} queries",
        flush=True,
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeat", type=int, default=3, help="runs of each query (its fastest counts)")
    parser.add_argument("--explain", type=int, default=0, help="EXPLAIN the N slowest backend searches")
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS, help="the Reuters-21578 directory")
    parser.add_argument("--only", default="backend,api,html", help="which timings: backend,api,html")
    parser.add_argument("--baseline", type=Path, help="another checkout to time alternately with this one")
    parser.add_argument("--baseline-database", help="the baseline's DATABASE_URL (default: the same)")
    parser.add_argument("--serve", action="store_true", help="time queries read from stdin (for --baseline)")
    args = parser.parse_args()
    client = Client(SERVER_NAME="127.0.0.1")
    runs = {
        "backend": lambda q: backend().search(request_of(q)),
        "api": lambda q: client.get("/api/search", q),
        "html": lambda q: client.get("/", q),
    }
    if args.serve:
        serve(runs)
        return
    articles = [a for a in iter_reuters(args.corpus) if a.body.strip()]
    queries = query_mix(articles, archive_names())
    chosen = [label for label in args.only.split(",") if label in runs]
    baseline = Baseline(args.baseline, args.baseline_database) if args.baseline else None
    for label in chosen:  # warm-up: the database's caches, names, templates
        timed(runs[label], queries, 1)
        for query in queries if baseline else []:
            baseline.time(label, query, 1)
    if baseline:
        print(
            f"{len(queries)} queries, the fastest of {args.repeat} runs each, "
            f"alternately with {args.baseline}"
        )
        for label in chosen:
            compare(label, runs[label], baseline, queries, args.repeat)
        baseline.close()
        return
    print(
        f"{len(queries)} queries, the fastest of {args.repeat} runs each, "
        f"database {connection.settings_dict['NAME']}"
    )
    figures = {}
    for label in chosen:
        figures[label] = timed(runs[label], queries, args.repeat)
        report(label, figures[label], queries)
    if args.explain and "backend" in figures:
        slowest = sorted(zip(figures["backend"], queries, strict=True), key=lambda pair: -pair[0])
        for _, query in slowest[: args.explain]:
            explain(query)


if __name__ == "__main__":
    main()
