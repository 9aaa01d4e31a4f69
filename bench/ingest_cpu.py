"""Where an ingest's CPU goes: wall time, articles per second and CPU seconds per article of
`manage.py ingest FILE` into a fresh archive, split into the main process, its children (the
background indexer and its writers, a reader process) and, on PostgreSQL, the server backends
serving the run's database.

    .venv/bin/python -m bench.ingest_cpu bench/out/reuters-1x.jsonl
    .venv/bin/python -m bench.ingest_cpu --backend postgres --database speed_bench \\
        --trees ../base . --rounds 2 bench/out/reuters-1x.jsonl

With several --trees (checkouts of the archive, such as the code before and after a change), the
rounds run each tree in turn, so that a shared machine's noise hits them alike. At 1,000 articles a
second, two cores give 2 ms of CPU per article to the whole ingest.
"""

import argparse
import os
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

from bench import reference

REPO = Path(__file__).resolve().parent.parent
# Runs the ingest command and prints the CPU of its own process and of its (waited-for) children.
RUNNER = """
import os, resource, sys
sys.path.insert(0, os.getcwd())
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "archive.settings")
from django.core.management import execute_from_command_line
execute_from_command_line(["manage.py", "ingest", *sys.argv[1:]])
own, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
print("CPU", own.ru_utime + own.ru_stime, children.ru_utime + children.ru_stime)
"""
CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


class BackendCPU(threading.Thread):
    """Polls the CPU seconds of the PostgreSQL backends serving `database` (from /proc), keeping
    each backend's last reading: a backend's time is lost only for its last quarter second."""

    def __init__(self, database: str, every: float = 0.25):
        super().__init__(daemon=True)
        self.database, self.every = database, every
        self.seconds: dict[int, float] = {}
        self.done = threading.Event()

    def run(self):
        while not self.done.wait(self.every):
            for pid in filter(str.isdigit, os.listdir("/proc")):
                try:
                    title = Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode()
                    if f" {self.database} " not in title or not title.startswith("postgres:"):
                        continue
                    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
                except OSError:
                    continue
                self.seconds[int(pid)] = (int(fields[11]) + int(fields[12])) / CLOCK_TICKS

    def total(self) -> float:
        self.done.set()
        self.join()
        return sum(self.seconds.values())


def psql(sql: str) -> None:
    subprocess.run(["psql", "-h", "127.0.0.1", "-U", "postgres", "-qc", sql], check=True, capture_output=True)


def run_once(tree: Path, path: Path, backend: str, database: str) -> dict:
    """One ingest of `path` by the code in `tree` into a fresh archive."""
    python = sys.executable  # this checkout's environment runs every tree's code
    with tempfile.TemporaryDirectory(prefix="ingest-cpu-") as data:
        env = {**os.environ, "ENV_FILE": "/dev/null", "DEBUG": "true", "ARCHIVE_DATA_DIR": data}
        if backend == "postgres":
            psql(f"DROP DATABASE IF EXISTS {database}")
            psql(f"CREATE DATABASE {database}")
            env |= {
                "ARCHIVE_SEARCH_BACKEND": "postgres",
                "DATABASE_URL": f"postgres://postgres@127.0.0.1:5432/{database}",
            }
        else:
            env |= {"ARCHIVE_SEARCH_BACKEND": "whoosh", "DATABASE_URL": f"sqlite:///{data}/archive.sqlite3"}
        subprocess.run([python, "manage.py", "migrate", "-v0"], cwd=tree, env=env, check=True)
        server = BackendCPU(database) if backend == "postgres" else None
        if server:
            server.start()
        started = time.monotonic()
        done = subprocess.run(
            [python, "-c", RUNNER, str(path)], cwd=tree, env=env, check=True, capture_output=True, text=True
        )
        wall = time.monotonic() - started
        backend_cpu = server.total() if server else 0.0
        if backend == "postgres":
            psql(f"DROP DATABASE IF EXISTS {database}")
    summary = next(line for line in done.stdout.splitlines() if line.startswith("Ingested:"))
    articles = int(summary.split()[1])
    main_cpu, children_cpu = map(float, done.stdout.strip().splitlines()[-1].split()[1:])
    return {
        "articles": articles,
        "wall": wall,
        "main": main_cpu,
        "children": children_cpu,
        "server": backend_cpu,
    }


def report(tree: Path, figures: dict) -> str:
    n = figures["articles"]
    per_article = {part: 1000 * figures[part] / n for part in ("main", "children", "server")}
    return (
        f"{str(tree):30} {n} articles  {figures['wall']:7.1f} s  {n / figures['wall']:6.0f} articles/s  "
        "CPU ms/article: "
        + "  ".join(f"{part} {ms:.2f}" for part, ms in per_article.items())
        + f"  total {sum(per_article.values()):.2f}"
    )


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("file", type=Path, help="The file to ingest (e.g. bench/out/reuters-1x.jsonl).")
    parser.add_argument("--backend", choices=("whoosh", "postgres"), default="whoosh", help="Search backend.")
    parser.add_argument(
        "--database", default="ingest_cpu_bench", help="PostgreSQL database to create and drop."
    )
    parser.add_argument(
        "--trees", type=Path, nargs="+", default=[REPO], help="Checkouts to compare, in turn."
    )
    parser.add_argument("--rounds", type=int, default=1, help="Runs of each tree.")
    args = parser.parse_args()
    print(reference.describe(reference.measure()), flush=True)
    for round_number in range(1, args.rounds + 1):
        for tree in args.trees:
            figures = run_once(tree.resolve(), args.file.resolve(), args.backend, args.database)
            print(f"round {round_number} {args.backend}: {report(tree, figures)}", flush=True)


if __name__ == "__main__":
    main()
