"""The archive served for benchmarks: gunicorn as the README deploys it, and timed GETs on loopback.

    from bench.serve import get, gunicorn, worker_pids
    with gunicorn(env, port=8160, workers=4, log=path) as server:
        status, seconds = get(f"http://127.0.0.1:8160/api/search?q=oil")
        worker_pids(server.pid)

Used by bench/load.py, bench/scale.py, bench/search_raw.py and bench/ingest.py.
"""

import socket
import statistics
import subprocess
import sys
import time
import urllib.error
import urllib.request
from contextlib import contextmanager
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
CLIENT_TIMEOUT = 90  # seconds; beyond gunicorn's own timeout, so its kill is what we see


def get(url: str, timeout: float = CLIENT_TIMEOUT) -> tuple[int, float]:
    """The status of a GET (0 when the connection failed) and the seconds it took, body read."""
    started = time.monotonic()
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response:
            response.read()
            status = response.status
    except urllib.error.HTTPError as error:
        error.read()
        status = error.code
    except (urllib.error.URLError, ConnectionError, OSError):
        status = 0
    return status, time.monotonic() - started


def wait_for_port(port: int, seconds: float) -> None:
    """Return once something listens on 127.0.0.1:`port`; stop the benchmark after `seconds`."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        with socket.socket() as s:
            if s.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.2)
    raise SystemExit(f"gunicorn did not start listening on port {port} within {seconds:.0f} s")


def p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[int(0.95 * (len(ordered) - 1))] if ordered else float("nan")


def median(values: list[float]) -> float:
    return statistics.median(values) if values else float("nan")


@contextmanager
def gunicorn(env: dict, port: int, workers: int | None = None, log: Path | None = None):
    """`gunicorn -c archive/gunicorn.conf.py archive.wsgi` on 127.0.0.1:`port`, listening when
    this yields (the Popen of its master), stopped on leaving."""
    command = [sys.executable, "-m", "gunicorn", "-c", "archive/gunicorn.conf.py"]
    if workers:
        command += ["--workers", str(workers)]
    server = subprocess.Popen(
        [*command, "archive.wsgi"],
        env={**env, "GUNICORN_BIND": f"127.0.0.1:{port}"},
        cwd=REPO,
        stdout=subprocess.DEVNULL,
        stderr=log.open("w") if log else subprocess.DEVNULL,
    )
    try:
        wait_for_port(port, 60)
        yield server
    finally:
        server.terminate()
        try:
            server.wait(timeout=60)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()


def process_memory(pid: int) -> tuple[int, int]:
    """(RSS, PSS) of one process in bytes; PSS splits the pages it shares (memory-mapped tables,
    the page cache of the index) between the processes mapping them."""
    found = {}
    for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
        key, _, rest = line.partition(":")
        if key in ("Rss", "Pss"):
            found[key] = int(rest.split()[0]) * 1024
    return found["Rss"], found["Pss"]


def worker_pids(master: int) -> list[int]:
    """The pids of a gunicorn master's workers (its children)."""
    pids = []
    for task in Path(f"/proc/{master}/task").iterdir():
        pids.extend(int(child) for child in (task / "children").read_text().split())
    return sorted(pids)
