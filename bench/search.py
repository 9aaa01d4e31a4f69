"""Search benchmark on Reuters-21578: the whole results page and /api/search, against raw Whoosh
and against Datasette over the same articles in SQLite FTS5.

    .venv/bin/python bench/search.py [--corpus ../shared/corpora/reuters21578] [--queries 200]
        [--rebuild] [--persistent-connections] [--no-datasette]

1. Builds (once, reused until --rebuild) an archive of the corpus in bench/out/data: the articles,
   people, topics and sources loaded straight into SQLite (the ingest pipeline is benchmarked by
   bench/ingest.py), then the Whoosh index built from the database through articles.indexing.
2. Times the same mixed queries (bench/search_raw.sample_queries: single words, two words,
   phrases, prefixes, person:/topic: fields, broad and selective) in one process: raw Whoosh
   `searcher.search(query, limit=20)`, and the real HTML results page (all facets, the date
   histogram, snippets) through Django's test Client; then three parts of that page on their own
   (the archive's search() with totals and facets, loading the 20 articles, their snippets), whose
   sum is what any page costs before it renders anything.
3. Serves the archive with gunicorn and Datasette (bench/out/venv, bench/requirements.txt) over
   the same articles in SQLite FTS5, both on loopback, and times /api/search against Datasette's
   table JSON with the same facets (person, topic, source, year) and full-text search.

The corpus is research-only: everything built from it stays in bench/out/ (ignored by git).
"""

import argparse
import contextlib
import json
import os
import socket
import sqlite3
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
OUT = REPO / "bench" / "out"
DATA = OUT / "data"
DATASETTE_DB = OUT / "reuters_fts.db"
DATASETTE = OUT / "venv" / "bin" / "datasette"
DEFAULT_CORPUS = REPO.parent / "shared" / "corpora" / "reuters21578"
ENV = {
    "DJANGO_SETTINGS_MODULE": "archive.settings",
    "SECRET_KEY": "benchmark-only-not-a-secret",
    "ARCHIVE_DATA_DIR": str(DATA),
    "ARCHIVE_INDEX_DIR": str(DATA / "index"),
    "SECURE_SSL_REDIRECT": "false",
    "ALLOWED_HOSTS": "127.0.0.1,localhost,testserver",
    "DEBUG": "false",
    "STATIC_ROOT": str(OUT / "static"),
}
os.environ.update(ENV)

import django  # noqa: E402

django.setup()

from bench.search_raw import _display, _ms, sample_queries, time_raw, time_search  # noqa: E402


def load_archive(corpus: Path, rebuild: bool) -> tuple[int, float]:
    """The corpus as archive rows and index; returns (articles, seconds spent building)."""
    from django.core.management import call_command
    from django.utils.text import slugify

    from articles import indexing
    from articles.models import Article, Person, PersonLink, Source, Topic, TopicLink
    from articles.search.whoosh import index
    from bench.reuters import iter_reuters

    call_command("migrate", verbosity=0)
    call_command("collectstatic", interactive=False, verbosity=0)  # pages need the static manifest
    if not rebuild and Article.objects.exists() and not index.needs_rebuild() and index.doc_count():
        return Article.objects.count(), 0.0
    started = time.perf_counter()
    for model in (PersonLink, TopicLink, Article, Person, Source):
        model.objects.all().delete()
    records = list(iter_reuters(corpus))
    sources = {p: Source(domain=p) for r in records for p in r.places[:1]}
    Source.objects.bulk_create(sources.values())
    sources = {s.domain: s for s in Source.objects.all()}
    names = {_display(code) for r in records for code in r.people}
    Person.objects.bulk_create(Person(name=n, slug=slugify(n)[:190] or "person") for n in sorted(names))
    people = {p.name: p.pk for p in Person.objects.all()}
    codes = {code for r in records for code in r.topics} - set(Topic.objects.values_list("name", flat=True))
    Topic.objects.bulk_create(Topic(name=c, slug=f"reuters-{slugify(c)}", pattern="") for c in sorted(codes))
    topics = {t.name: t.pk for t in Topic.objects.all()}
    Article.objects.bulk_create(
        (
            Article(
                pk=r.newid,
                title=r.title or "(untitled)",
                body=r.body,
                published=r.date.date() if r.date else None,
                date_source="metadata" if r.date else "",
                source=sources.get(r.places[0]) if r.places else None,
                dateline=r.dateline[:100],
                origin=f"reuters21578#{r.newid}",
                content_hash=f"reuters-{r.newid}",
                format="sgml",
                needs_indexing=False,
            )
            for r in records
        ),
        batch_size=2000,
    )
    PersonLink.objects.bulk_create(
        (
            PersonLink(article_id=r.newid, person_id=people[_display(c)])
            for r in records
            for c in set(r.people)
        ),
        batch_size=5000,
    )
    TopicLink.objects.bulk_create(
        (TopicLink(article_id=r.newid, topic_id=topics[c]) for r in records for c in set(r.topics)),
        batch_size=5000,
    )
    index.rebuild(indexing.iter_documents())
    return len(records), time.perf_counter() - started


def build_datasette_db(rebuild: bool) -> None:
    """The same articles for Datasette: one table with JSON arrays for people and topics, FTS5."""
    from articles import indexing
    from articles.search import names

    if DATASETTE_DB.exists() and not rebuild:
        return
    DATASETTE_DB.unlink(missing_ok=True)
    db = sqlite3.connect(DATASETTE_DB)
    db.execute(
        "CREATE TABLE articles (id INTEGER PRIMARY KEY, title TEXT, body TEXT, published TEXT, "
        "year INTEGER, source TEXT, persons TEXT, topics TEXT)"
    )
    book = names.current()
    db.executemany(
        "INSERT INTO articles VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        (
            (
                d.id,
                d.title,
                d.body,
                d.published.isoformat() if d.published else None,
                d.published.year if d.published else None,
                book["source"].name(d.source) if d.source else "",
                json.dumps([book["person"].name(i) for i in d.persons]),
                json.dumps([book["topic"].name(i) for i in d.topics]),
            )
            for d in indexing.iter_documents()
        ),
    )
    db.execute(
        "CREATE VIRTUAL TABLE articles_fts USING fts5(title, body, content=[articles], content_rowid=[id])"
    )
    db.execute("INSERT INTO articles_fts (articles_fts) VALUES ('rebuild')")
    for column in ("year", "source"):
        db.execute(f"CREATE INDEX articles_{column} ON articles ({column})")
    db.commit()
    db.close()


def time_page(queries: list[str]) -> list[float]:
    """Seconds per query for the whole HTML results page, rendered by the real view."""
    from django.test import Client

    client = Client()
    timings = []
    for text in queries:
        started = time.perf_counter()
        response = client.get("/", {"q": text})
        timings.append(time.perf_counter() - started)
        assert response.status_code == 200, (text, response.status_code)
    return timings


def time_hit_data(queries: list[str]) -> tuple[list[float], list[float]]:
    """Seconds per query for two things every results page needs besides the search: loading its
    20 articles from the database, and their 20 snippets."""
    from articles.models import Article
    from articles.search.highlight import highlight
    from articles.search.whoosh import query
    from articles.views.data import HIT_FIELDS

    loading, snippets = [], []
    for text in queries:
        ids = [hit.id for hit in query.search(query.SearchRequest(q=text)).hits]
        started = time.perf_counter()
        articles = Article.objects.only(*HIT_FIELDS).in_bulk(ids)
        loading.append(time.perf_counter() - started)
        started = time.perf_counter()
        for article in articles.values():
            highlight(text, article.body)
        snippets.append(time.perf_counter() - started)
    return loading, snippets


def datasette_params(text: str) -> list[tuple[str, str]]:
    """The query for Datasette: field queries as array filters, the rest as raw FTS5 syntax."""
    params = [
        ("_facet", "source"),
        ("_facet_array", "persons"),
        ("_facet_array", "topics"),
        ("_facet", "year"),
    ]
    params += [("_size", "20"), ("_shape", "objects")]
    words = []
    for part in _split_fields(text):
        if part.startswith("person:"):
            params.append(("persons__arraycontains", part.removeprefix("person:").strip('"')))
        elif part.startswith("topic:"):
            params.append(("topics__arraycontains", part.removeprefix("topic:").strip('"')))
        else:
            words.append(part)
    if words:
        params += [("_search", " ".join(words)), ("_search_mode", "raw")]
    return params


def _split_fields(text: str) -> list[str]:
    """Words, "phrases" and field:"values" as units."""
    parts, current, quoted = [], "", False
    for char in text:
        if char == '"':
            quoted = not quoted
        if char == " " and not quoted:
            parts.append(current)
            current = ""
        else:
            current += char
    return [p for p in [*parts, current] if p]


def time_http(base: str, path: str, query_params, queries: list[str]) -> list[float]:
    timings = []
    for text in queries:
        url = f"{base}{path}?{urllib.parse.urlencode(query_params(text))}"
        started = time.perf_counter()
        with urllib.request.urlopen(url) as response:
            body = response.read()
        timings.append(time.perf_counter() - started)
        json.loads(body)
    return timings


def check_datasette_searches(url: str) -> None:
    """Datasette silently ignores _search on a table whose FTS index it did not detect."""
    everything = json.load(urllib.request.urlopen(f"{url}?_size=0"))["filtered_table_rows_count"]
    found = json.load(urllib.request.urlopen(f"{url}?_size=0&_search=zinc"))["filtered_table_rows_count"]
    if not 0 < found < everything:
        sys.exit(f"Datasette did not apply full-text search ({found} of {everything} rows for 'zinc').")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for(url: str, seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while True:
        try:
            urllib.request.urlopen(url).read()
            return
        except OSError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.2)


@contextlib.contextmanager
def serving(command: list[str], ready_url: str, env: dict | None = None):
    process = subprocess.Popen(
        command,
        cwd=REPO,
        env={**os.environ, **(env or {})},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    try:
        wait_for(ready_url)
        yield
    finally:
        process.terminate()
        process.wait(timeout=10)


def report(label: str, timings: list[float]) -> tuple[float, float]:
    median, p95 = _ms(timings)
    print(f"{label:44} median {median:7.2f} ms   p95 {p95:7.2f} ms   ({len(timings)} queries)")
    return median, p95


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS, help="the reut2-*.sgm directory")
    parser.add_argument("--queries", type=int, default=200, help="how many queries to time")
    parser.add_argument("--rebuild", action="store_true", help="rebuild the archive and the FTS5 copy")
    parser.add_argument(
        "--persistent-connections",
        action="store_true",
        help="serve with CONN_MAX_AGE=600 (DATABASE_URL ?conn_max_age=) instead of a connection per request",
    )
    parser.add_argument("--no-datasette", action="store_true", help="skip the HTTP comparison")
    args = parser.parse_args()

    count, built = load_archive(args.corpus, args.rebuild)
    print(f"archive: {count} articles in {DATA}" + (f", built in {built:.1f} s" if built else " (reused)"))
    queries = sample_queries(args.corpus, args.queries)
    warm = queries[:20]
    time_raw(warm), time_page(warm)  # open the index, build the facet tables, warm both paths alike
    raw, page, searched = time_raw(queries), time_page(queries), time_search(queries)
    loading, snippets = time_hit_data(queries)
    raw_median, _ = report("raw Whoosh search(limit=20)", raw)
    page_median, page_p95 = report("results page (HTML, facets, histogram, snippets)", page)
    print(
        f"  page median / raw median = {page_median / raw_median:.2f} (target <= 2); "
        f"page p95 {page_p95:.0f} ms (target < 150)"
    )
    # What any results page costs before it writes a byte of HTML: how close to raw a page can be.
    search_median, _ = report("  the page's search() alone (totals, facets)", searched)
    loading_median, _ = report("  the page's 20 articles from the database", loading)
    snippets_median, _ = report("  the page's 20 snippets", snippets)
    floor = search_median + loading_median + snippets_median
    print(f"  these three together: {floor:.2f} ms, {floor / raw_median:.2f}x raw, before any HTML")
    if args.no_datasette:
        return
    if not DATASETTE.exists():
        sys.exit(
            f"Datasette is not installed: python3 -m venv {OUT / 'venv'} && "
            f"{OUT / 'venv/bin/pip'} install -r bench/requirements.txt"
        )
    build_datasette_db(args.rebuild)
    api_port, datasette_port = free_port(), free_port()
    api = f"http://127.0.0.1:{api_port}"
    datasette = f"http://127.0.0.1:{datasette_port}"
    # The project's own gunicorn settings, with one worker process like Datasette's one process.
    gunicorn = [sys.executable, "-m", "gunicorn", "-c", "archive/gunicorn.conf.py", "archive.wsgi"]
    gunicorn_env = {"GUNICORN_BIND": f"127.0.0.1:{api_port}", "GUNICORN_WORKERS": "1"}
    if args.persistent_connections:
        gunicorn_env["DATABASE_URL"] = f"sqlite:///{DATA / 'archive.sqlite3'}?conn_max_age=600"
    datasette_cmd = [
        str(DATASETTE), "serve", str(DATASETTE_DB), "-h", "127.0.0.1", "-p", str(datasette_port),
        "--setting", "facet_time_limit_ms", "10000", "--setting", "sql_time_limit_ms", "10000",
        "--setting", "suggest_facets", "off", "--setting", "default_facet_size", "10",
    ]  # fmt: skip
    with (
        serving(gunicorn, f"{api}/api/search?q=oil", gunicorn_env),
        serving(datasette_cmd, f"{datasette}/-/versions.json"),
    ):
        table = f"/{DATASETTE_DB.stem}/articles.json"
        check_datasette_searches(datasette + table)
        api_params = lambda text: {"q": text}  # noqa: E731
        time_http(api, "/api/search", api_params, warm), time_http(datasette, table, datasette_params, warm)
        ours = time_http(api, "/api/search", api_params, queries)
        theirs = time_http(datasette, table, datasette_params, queries)
    ours_median, ours_p95 = report("/api/search (gunicorn, 1 worker, 4 threads)", ours)
    theirs_median, theirs_p95 = report("Datasette FTS5 + the same facets", theirs)
    ratio_median, ratio_p95 = ours_median / theirs_median, ours_p95 / theirs_p95
    print(
        f"  /api/search / Datasette: median {ratio_median:.2f}x, p95 {ratio_p95:.2f}x (target < 1 for both)"
    )


if __name__ == "__main__":
    main()
