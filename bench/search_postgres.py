"""Benchmark of the postgres search backend on Reuters-21578, once or replicated (bench/corpus10x.py).

    .venv/bin/python -m bench.search_postgres --copies 1 [--ingest] [--queries 200]
        [--server postgres://postgres@127.0.0.1:5432]

1. With --ingest: a fresh database `archive_bench_pg_<copies>x` (dropped and created), `migrate`,
   then `manage.py ingest` of bench/out/reuters-<copies>x.jsonl (built if absent) with
   ARCHIVE_SEARCH_BACKEND=postgres: articles per second, seconds and peak memory of the run.
2. The size of the search tables (with their indexes) and of the whole database.
3. gunicorn with one worker on 127.0.0.1:8143 over that database; after a warm-up, `--queries`
   mixed queries (bench/search_raw.sample_queries, and the empty query: the first page) through
   /api/search (facets, date histogram, snippets) and through the HTML results page: median, p95
   and slowest of each, and the slowest queries by name.

Everything it writes stays in bench/out/ (ignored by git) and in the benchmark's own database.
"""

import argparse
import os
import resource
import socket
import statistics
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from pathlib import Path

import psycopg

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from bench.corpus10x import DEFAULT_CORPUS, OUT, build  # noqa: E402

PORT = 8143  # loopback; helper pg's range, clear of bench/load.py's 8130
WARM_UP = 20


def environment(url: str, database: str) -> dict:
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "archive.settings",
        "ENV_FILE": os.devnull,
        "SECRET_KEY": "benchmark-only-not-a-secret",
        "DEBUG": "false",
        "DATABASE_URL": f"{url}/{database}",
        "ARCHIVE_SEARCH_BACKEND": "postgres",
        "ARCHIVE_DATA_DIR": str(OUT / f"data-{database}"),
        "STATIC_ROOT": str(OUT / "static"),
        "ALLOWED_HOSTS": "127.0.0.1",
        "SECURE_SSL_REDIRECT": "false",
        "GUNICORN_BIND": f"127.0.0.1:{PORT}",
        "GUNICORN_WORKERS": "1",
    }


def manage(env: dict, *args: str) -> subprocess.CompletedProcess:
    command = [sys.executable, "manage.py", *args]
    return subprocess.run(command, cwd=REPO, env=env, check=True, capture_output=True)


def ingest(url: str, database: str, copies: int, env: dict) -> None:
    path, count = build(DEFAULT_CORPUS, copies=copies)
    with psycopg.connect(f"{url}/postgres", autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{database}"')
        admin.execute(f'CREATE DATABASE "{database}"')
    manage(env, "migrate", "--verbosity", "0")
    started = time.monotonic()
    manage(env, "ingest", str(path))
    seconds = time.monotonic() - started
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    rate = count / seconds
    print(f"ingest: {count:,} articles in {seconds:.0f} s, {rate:.0f} articles/s, peak {peak:.0f} MB")


def sizes(url: str, database: str) -> None:
    with psycopg.connect(f"{url}/{database}") as db:
        tables, whole = db.execute(
            "SELECT sum(pg_total_relation_size(c.oid)), pg_database_size(current_database()) FROM pg_class c "
            "WHERE c.relname IN ('search_pg_document', 'search_pg_word', 'search_pg_count')"
        ).fetchone()
        (articles,) = db.execute("SELECT count(*) FROM search_pg_document").fetchone()
    tables, whole = tables / 2**20, whole / 2**20
    print(f"{articles:,} articles indexed; search tables {tables:.0f} MB, database {whole:.0f} MB")


def wait_for_port(seconds: float) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        with socket.socket() as s:
            if s.connect_ex(("127.0.0.1", PORT)) == 0:
                return
        time.sleep(0.2)
    raise SystemExit(f"gunicorn did not listen on {PORT}")


def timed(path: str, q: str) -> float:
    url = f"http://127.0.0.1:{PORT}{path}?" + urllib.parse.urlencode({"q": q})
    started = time.perf_counter()
    with urllib.request.urlopen(url, timeout=120) as response:
        response.read()
        assert response.status == 200, (path, q)
    return time.perf_counter() - started


def describe(name: str, samples: list[tuple[float, str]]) -> None:
    values = sorted(s for s, _ in samples)
    p95 = values[min(len(values) - 1, int(len(values) * 0.95))]
    print(
        f"{name}: {len(values)} queries, median {statistics.median(values) * 1000:.1f} ms, "
        f"p95 {p95 * 1000:.1f} ms, slowest {values[-1] * 1000:.0f} ms"
    )
    for seconds, q in sorted(samples, reverse=True)[:5]:
        print(f"    {seconds * 1000:6.0f} ms  {q!r}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--copies", type=int, default=1)
    parser.add_argument("--ingest", action="store_true", help="ingest into a fresh database first")
    parser.add_argument("--queries", type=int, default=200)
    parser.add_argument("--server", default="postgres://postgres@127.0.0.1:5432")
    parser.add_argument("--database", help="default: archive_bench_pg_<copies>x")
    args = parser.parse_args()
    database = args.database or f"archive_bench_pg_{args.copies}x"
    env = environment(args.server, database)
    if args.ingest:
        ingest(args.server, database, args.copies, env)
    sizes(args.server, database)
    manage(env, "collectstatic", "--noinput", "--verbosity", "0")

    from bench.search_raw import sample_queries

    queries = ["", *sample_queries(DEFAULT_CORPUS, count=args.queries - 1)]
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "-c", "archive/gunicorn.conf.py", "archive.wsgi"],
        cwd=REPO,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        wait_for_port(60)
        for q in queries[:WARM_UP]:
            timed("/api/search", q)
        describe("/api/search", [(timed("/api/search", q), q) for q in queries])
        describe("HTML results page", [(timed("/", q), q) for q in queries])
    finally:
        server.terminate()
        server.wait(timeout=60)


if __name__ == "__main__":
    main()
