"""The archive-wide ingest lock: a PostgreSQL advisory lock, held on a connection of its own, on
PostgreSQL (so that runs on different app servers exclude each other); a lock file in the data
directory on SQLite. A second run is refused with who holds the lock; the lock dies with its holder."""

import os
import socket
import subprocess
import sys

import pytest
from django.db import connection

from articles.ingest_lock import ADVISORY_KEY, IngestLocked, ingest_lock
from articles.ingest_run import ingest_paths
from tests.conftest import REPO

pytestmark = pytest.mark.django_db

HOLDER = f"pid {os.getpid()} on {socket.gethostname()} since"


def test_a_second_run_is_refused_and_told_who_holds_the_lock(tmp_path):
    (tmp_path / "a.txt").write_text("Wheat\n\nThe wheat harvest began.\n")
    with ingest_lock():
        with pytest.raises(IngestLocked, match=f"Another ingest is running \\({HOLDER} "):
            with ingest_lock():
                pass
        with pytest.raises(IngestLocked):
            ingest_paths([tmp_path], workers=1)
    with ingest_lock():  # let go at the end of the block: the next run gets it
        pass
    assert ingest_paths([tmp_path], workers=1).counts["new"] == 1


def test_on_postgresql_the_lock_is_an_advisory_lock_on_a_connection_of_its_own():
    if connection.vendor != "postgresql":
        pytest.skip("the advisory lock is PostgreSQL's; this test database is SQLite (a lock file)")
    with ingest_lock(), connection.cursor() as cursor:
        cursor.execute(
            "SELECT l.pid <> pg_backend_pid(), a.application_name FROM pg_locks l "
            "JOIN pg_stat_activity a ON a.pid = l.pid WHERE l.locktype = 'advisory' AND l.objid = %s "
            "AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database())",
            [ADVISORY_KEY],
        )
        ((other_connection, application_name),) = cursor.fetchall()
        # Another session (this test's connection) cannot take it either.
        cursor.execute("SELECT pg_try_advisory_lock(%s)", [ADVISORY_KEY])
        taken = cursor.fetchone()[0]
    assert other_connection and not taken
    assert application_name.startswith(f"archive ingest: {HOLDER}")


def test_on_sqlite_the_lock_is_a_file_in_the_data_directory(settings):
    if connection.vendor != "sqlite":
        pytest.skip("the lock file is SQLite's; this test database is PostgreSQL (an advisory lock)")
    with ingest_lock():
        assert (settings.ARCHIVE_DATA_DIR / "ingest.lock").read_text().startswith(HOLDER)
    assert (settings.ARCHIVE_DATA_DIR / "ingest.lock").read_text() == ""


def test_the_lock_dies_with_the_process_that_held_it(settings):
    """A run killed while holding the lock leaves nothing to clean up: the next run takes it."""
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "archive.test_settings",
        "ARCHIVE_DATA_DIR": str(settings.ARCHIVE_DATA_DIR),
        "DATABASE_URL": _database_url(),
    }
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import django; django.setup()\n"
            "from articles.ingest_lock import ingest_lock\n"
            "with ingest_lock():\n"
            "    print('held', flush=True)\n"
            "    input()\n",
        ],
        cwd=REPO,
        env=env,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout.readline().strip() == "held"
        with pytest.raises(IngestLocked, match=f"pid {holder.pid} on "):
            with ingest_lock():
                pass
    finally:
        holder.kill()
        holder.wait()
    with ingest_lock(wait=True):  # the killed holder's lock is gone
        pass


def _database_url() -> str:
    """This test database, for a child process (on SQLite, the database is not touched)."""
    params = connection.settings_dict
    if connection.vendor != "postgresql":
        return f"sqlite:///{params['NAME']}"
    user = params["USER"] + (f":{params['PASSWORD']}" if params["PASSWORD"] else "")
    return f"postgres://{user}@{params['HOST'] or '127.0.0.1'}:{params['PORT'] or 5432}/{params['NAME']}"
