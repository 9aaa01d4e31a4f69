"""The gunicorn configuration bounds every request: a request that spins longer than the timeout
is cut off and its worker replaced, which threaded workers never did (their main thread keeps
heartbeating while a request thread spins)."""

import http.client
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request

from tests.conftest import REPO

PORT = 8131  # loopback only, clear of the README's 8000 and bench/load.py's 8130
SPINNING_APP = """
import time

def app(environ, start_response):
    if environ["PATH_INFO"] == "/spin":
        end = time.monotonic() + 60
        while time.monotonic() < end:  # busy, as a runaway search is, not sleeping
            pass
    start_response("200 OK", [("Content-Type", "text/plain")])
    return [b"ok"]
"""


def wait_for_port(port: int, seconds: float) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        with socket.socket() as s:
            if s.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.1)
    raise TimeoutError(f"gunicorn did not listen on {port}")


def test_a_spinning_request_is_cut_off_at_the_timeout(tmp_path):
    (tmp_path / "spinning.py").write_text(SPINNING_APP)
    env = {
        **os.environ,
        "GUNICORN_BIND": f"127.0.0.1:{PORT}",
        "GUNICORN_WORKERS": "1",
        "GUNICORN_TIMEOUT": "2",
    }
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "-c",
            str(REPO / "archive/gunicorn.conf.py"),
            "--chdir",
            str(tmp_path),
            "spinning:app",
        ],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        wait_for_port(PORT, 20)
        started = time.monotonic()
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{PORT}/spin", timeout=30).read()
            cut_off = False
        except (urllib.error.URLError, ConnectionError, http.client.HTTPException):
            cut_off = True
        elapsed = time.monotonic() - started
        assert cut_off, "the spinning request ran to its end"
        assert elapsed < 15, f"cut off only after {elapsed:.1f} s"
        wait_for_port(PORT, 20)
        assert urllib.request.urlopen(f"http://127.0.0.1:{PORT}/", timeout=10).read() == b"ok"  # a new worker
    finally:
        server.terminate()
        _, errors = server.communicate(timeout=30)
    assert "WORKER TIMEOUT" in errors
