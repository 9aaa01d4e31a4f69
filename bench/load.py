"""Load benchmark: the archive under gunicorn as the README deploys it, with an ingest running, 8
concurrent clients on loopback, ordinary searches mixed with the expensive queries of the
security review (issue 11).

    .venv/bin/python -m bench.load [--corpus ../shared/corpora/reuters21578] [--articles 3000]
        [--seconds 60] [--reference-seconds 30] [--budget 2] [--rebuild]

1. Builds (once, reused until --rebuild) an archive in bench/out/load/ by ingesting the first
   `--articles` Reuters articles as JSON Lines with `manage.py ingest`, the way a user fills one.
2. Serves it with `gunicorn -c archive/gunicorn.conf.py archive.wsgi` on 127.0.0.1:8130.
3. Reference phase (`--reference-seconds`): 6 clients send ordinary searches (words, phrases,
   prefixes, fields; HTML page and /api/search) while an ingest of 300 new articles runs.
4. Mixed phase (`--seconds`): the same 6 ordinary clients, plus 2 clients sending the expensive
   queries (60 fuzzy terms, a wildcard chain, 240 nested parentheses, `date:[* to *]`) to the
   page, the API, the CSV export and the feed, while another ingest of 300 articles runs.
5. Prints per phase: requests, 5xx, failed connections, requests over `--budget` seconds, and the
   ordinary queries' median/p95/max beside the reference phase's, with the expensive queries' own.

Every request loop is bounded in time and count, all traffic stays on loopback, and the server
and the ingests are stopped at the end. The corpus is research-only: everything built from it
stays in bench/out/ (ignored by git).
"""

import argparse
import itertools
import json
import os
import random
import statistics
import string
import subprocess
import sys
import threading
import time
import urllib.parse
from dataclasses import dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from bench.serve import get, gunicorn, p95  # noqa: E402

OUT = REPO / "bench" / "out" / "load"
DATA = OUT / "data"
DEFAULT_CORPUS = REPO.parent / "shared" / "corpora" / "reuters21578"
PORT = 8130  # loopback only; a port of its own, beside the README's 8000
BASE = f"http://127.0.0.1:{PORT}"
ORDINARY_CLIENTS = 6
EXPENSIVE_CLIENTS = 2
INGEST_BATCH = 300
MAX_REQUESTS_PER_CLIENT = 5000  # a bound beside the time bound
ENV = {
    **os.environ,
    "DJANGO_SETTINGS_MODULE": "archive.settings",
    "ENV_FILE": os.devnull,
    "SECRET_KEY": "load-benchmark-only-not-a-secret",
    "DEBUG": "false",
    "ARCHIVE_DATA_DIR": str(DATA),
    "ALLOWED_HOSTS": "127.0.0.1,localhost",
    "SECURE_SSL_REDIRECT": "false",
    "STATIC_ROOT": str(OUT / "static"),
}

FUZZY_BOMB = " ".join(f"{a}{b}~2" for a in "abc" for b in string.ascii_lowercase)[:299]
WILDCARD_BOMB = " OR ".join(f"a*{b}*?" for b in string.ascii_lowercase)
EXPENSIVE_QUERIES = [FUZZY_BOMB, WILDCARD_BOMB, "(" * 240 + "oil" + ")" * 240, "date:[* to *]"]
EXPENSIVE_PATHS = ["/", "/api/search", "/export.csv", "/feed.atom"]


@dataclass
class Sample:
    kind: str  # "ordinary" or "expensive"
    url: str
    status: int  # 0 when the connection failed
    seconds: float


@dataclass
class Phase:
    name: str
    samples: list[Sample] = field(default_factory=list)
    ingest_seconds: float = 0.0
    ingest_status: int | None = None
    ingest_summary: str = ""
    lock: threading.Lock = field(default_factory=threading.Lock)

    def add(self, sample: Sample) -> None:
        with self.lock:
            self.samples.append(sample)


def manage(*args: str, check: bool = True) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, str(REPO / "manage.py"), *args], env=ENV, cwd=REPO, check=check, capture_output=True
    )


def write_jsonl(records, path: Path) -> None:
    with path.open("w") as f:
        for r in records:
            f.write(
                json.dumps(
                    {
                        "id": f"reuters-{r.newid}",
                        "title": r.title or "(untitled)",
                        "date": r.date.date().isoformat() if r.date else None,
                        "dateline": r.dateline,
                        "text": r.body or r.title,
                    }
                )
                + "\n"
            )


def prepare(corpus: Path, articles: int, rebuild: bool) -> list[Path]:
    """The archive of the first `articles` articles, and two files of 300 more for the phases."""
    from bench.reuters import iter_reuters

    OUT.mkdir(parents=True, exist_ok=True)
    records = list(itertools.islice(iter_reuters(corpus), articles + 2 * INGEST_BATCH))
    base = OUT / "base.jsonl"
    extras = [OUT / f"extra-{n}.jsonl" for n in range(2)]
    built = (DATA / "archive.sqlite3").exists() and (OUT / "built").exists()
    if rebuild or not built:
        if DATA.exists():
            subprocess.run(["rm", "-rf", str(DATA)], check=True)
        (OUT / "built").unlink(missing_ok=True)
        write_jsonl(records[:articles], base)
        print(f"Building the archive: ingesting {articles:,} Reuters articles ...", flush=True)
        started = time.monotonic()
        manage("migrate", "--noinput")
        manage("collectstatic", "--noinput")
        manage("ingest", str(base), check=False)
        (OUT / "built").write_text("ok\n")
        print(f"  built in {time.monotonic() - started:.0f} s", flush=True)
    # The phases' ingests add new articles every run: each file gets ids not yet used.
    stamp = time.time_ns()
    for n, path in enumerate(extras):
        batch = records[articles + n * INGEST_BATCH : articles + (n + 1) * INGEST_BATCH]
        for r in batch:
            r.title = f"{r.title} ({stamp})"
        write_jsonl(batch, path)
    return extras


def ordinary_urls(queries: list[str], seed: int):
    rng = random.Random(seed)
    while True:
        q = rng.choice(queries)
        path = rng.choice(["/", "/api/search"])
        params = {"q": q}
        if rng.random() < 0.2:
            params["page"] = "2"
        yield BASE + path + "?" + urllib.parse.urlencode(params)


def expensive_urls(seed: int):
    rng = random.Random(seed)
    while True:
        yield (
            BASE
            + rng.choice(EXPENSIVE_PATHS)
            + "?"
            + urllib.parse.urlencode({"q": rng.choice(EXPENSIVE_QUERIES)})
        )


def client(phase: Phase, kind: str, urls, until: float) -> None:
    for _ in range(MAX_REQUESTS_PER_CLIENT):
        if time.monotonic() >= until:
            return
        url = next(urls)
        status, seconds = get(url)
        phase.add(Sample(kind, url, status, seconds))


def run_phase(name: str, seconds: float, queries: list[str], expensive: bool, ingest_file: Path) -> Phase:
    phase = Phase(name)
    print(f"{name}: {seconds:.0f} s ...", flush=True)
    ingest_started = time.monotonic()
    log = OUT / f"{ingest_file.stem}.log"
    ingest = subprocess.Popen(
        [sys.executable, str(REPO / "manage.py"), "ingest", "--wait", str(ingest_file)],
        env=ENV,
        cwd=REPO,
        stdout=log.open("w"),
        stderr=subprocess.STDOUT,
    )
    until = time.monotonic() + seconds
    threads = [
        threading.Thread(target=client, args=(phase, "ordinary", ordinary_urls(queries, seed), until))
        for seed in range(ORDINARY_CLIENTS)
    ]
    if expensive:
        threads += [
            threading.Thread(target=client, args=(phase, "expensive", expensive_urls(seed), until))
            for seed in range(EXPENSIVE_CLIENTS)
        ]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    try:
        phase.ingest_status = ingest.wait(timeout=600)
    except subprocess.TimeoutExpired:
        ingest.kill()
        phase.ingest_status = ingest.wait()
    phase.ingest_seconds = time.monotonic() - ingest_started
    phase.ingest_summary = " ".join(log.read_text().split())[-300:]
    return phase


def describe(samples: list[Sample]) -> str:
    times = [s.seconds for s in samples]
    if not times:
        return "none"
    return (
        f"{len(times):5,} requests, median {statistics.median(times) * 1000:7.0f} ms, "
        f"p95 {p95(times) * 1000:7.0f} ms, max {max(times) * 1000:7.0f} ms"
    )


def report(phases: list[Phase], budget: float) -> None:
    print()
    for phase in phases:
        samples = phase.samples
        fivexx = [s for s in samples if s.status >= 500]
        failed = [s for s in samples if s.status == 0]
        over = [s for s in samples if s.seconds > budget]
        print(f"== {phase.name}")
        print(
            f"   {len(samples):,} requests: {len(fivexx)} 5xx, {len(failed)} failed connections, "
            f"{len(over)} over the {budget:g} s budget; ingest of {INGEST_BATCH} articles "
            f"took {phase.ingest_seconds:.0f} s (exit {phase.ingest_status})"
        )
        print(f"   ingest said: …{phase.ingest_summary}")
        for kind in ("ordinary", "expensive"):
            chosen = [s for s in samples if s.kind == kind]
            if chosen:
                print(f"   {kind:9}  {describe(chosen)}")
        statuses = sorted({s.status for s in samples})
        print(f"   statuses: {', '.join(str(s) for s in statuses)}")
        for s in (fivexx + failed)[:5]:
            print(f"   e.g. {s.status} after {s.seconds:.1f} s: {s.url[:120]}")
    reference, mixed = phases
    ref = [s.seconds for s in reference.samples if s.kind == "ordinary"]
    mix = [s.seconds for s in mixed.samples if s.kind == "ordinary"]
    print()
    print(
        f"Ordinary queries' p95: {p95(mix) * 1000:.0f} ms under expensive load, "
        f"{p95(ref) * 1000:.0f} ms without ({p95(mix) / p95(ref):.1f}x), same run."
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS, help="the Reuters-21578 directory")
    parser.add_argument("--articles", type=int, default=3000, help="articles in the served archive")
    parser.add_argument("--seconds", type=float, default=60, help="length of the mixed phase (at most 300)")
    parser.add_argument(
        "--reference-seconds", type=float, default=30, help="length of the ordinary-only phase"
    )
    parser.add_argument("--budget", type=float, default=2.0, help="seconds a request may take")
    parser.add_argument("--rebuild", action="store_true", help="build the archive again")
    args = parser.parse_args()
    if not (args.corpus / "reut2-000.sgm").is_file():
        raise SystemExit(f"The Reuters-21578 corpus is not at {args.corpus}.")
    seconds, reference_seconds = min(args.seconds, 300), min(args.reference_seconds, 300)

    from bench.search_raw import sample_queries

    extras = prepare(args.corpus, args.articles, args.rebuild)
    queries = sample_queries(args.corpus, count=200)
    with gunicorn(ENV, PORT, log=OUT / "gunicorn.log"):
        for q in queries[:20]:  # warm every worker's searcher
            get(BASE + "/api/search?" + urllib.parse.urlencode({"q": q}))
        phases = [
            run_phase(
                "reference: 6 ordinary clients, ingest running", reference_seconds, queries, False, extras[0]
            ),
            run_phase(
                "mixed: 6 ordinary + 2 expensive clients, ingest running", seconds, queries, True, extras[1]
            ),
        ]
    report(phases, args.budget)
    timeouts = (OUT / "gunicorn.log").read_text().count("WORKER TIMEOUT")
    print(f"gunicorn killed {timeouts} worker(s) for running past its timeout (log: {OUT / 'gunicorn.log'}).")


if __name__ == "__main__":
    main()
