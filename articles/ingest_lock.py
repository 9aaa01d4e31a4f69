"""The archive-wide ingest lock: two ingest runs never overlap, whichever server starts them.

On PostgreSQL it is a session advisory lock, held on a connection of its own (the run closes
Django's connections before it forks), so that runs on different app servers exclude each other;
on SQLite, whose archive lives on one machine, a lock file in the data directory. Either lock
dies with the process that holds it.
"""

import fcntl
import os
import socket
from contextlib import contextmanager

from django.conf import settings
from django.db import connection
from django.utils import timezone

# The advisory lock's key: any constant the archive's database uses for nothing else.
ADVISORY_KEY = 0x4152_4348  # "ARCH"
APPLICATION_NAME = "archive ingest"


class IngestLocked(Exception):
    """Another ingest run holds the archive's ingest lock."""


def _busy(holder: str) -> IngestLocked:
    return IngestLocked(
        f"Another ingest is running ({holder}). Wait for it to finish, or run again with --wait."
    )


def _holder_text() -> str:
    return f"pid {os.getpid()} on {socket.gethostname()} since {timezone.now():%Y-%m-%d %H:%M:%S %Z}"


# What a forked worker must let go of: the lock file's descriptor, or the lock connection's socket.
_inherited_fd: int | None = None


def let_go_of_inherited_lock() -> None:
    """In a forked worker: close its copy of the lock's descriptor (the file, or the socket of the
    lock's connection, without a word to the server), so that the lock dies with the run even if
    the worker outlives a killed run for a moment."""
    if _inherited_fd is not None:
        os.close(_inherited_fd)


@contextmanager
def ingest_lock(wait: bool = False):
    """Hold the archive-wide ingest lock; raise IngestLocked at once unless `wait`."""
    lock = _advisory_lock if connection.vendor == "postgresql" else _file_lock
    with lock(wait):
        yield


@contextmanager
def _file_lock(wait: bool):
    global _inherited_fd
    settings.ARCHIVE_DATA_DIR.mkdir(parents=True, exist_ok=True)
    path = settings.ARCHIVE_DATA_DIR / "ingest.lock"
    with open(path, "a+") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | (0 if wait else fcntl.LOCK_NB))
        except BlockingIOError:
            handle.seek(0)
            raise _busy(handle.read().strip() or "another process") from None
        handle.seek(0)
        handle.truncate()
        handle.write(_holder_text())
        handle.flush()
        _inherited_fd = handle.fileno()
        try:
            yield
        finally:
            _inherited_fd = None
            handle.truncate(0)
            fcntl.flock(handle, fcntl.LOCK_UN)


@contextmanager
def _advisory_lock(wait: bool):
    global _inherited_fd
    params = connection.get_connection_params()
    lock_connection = connection.get_new_connection(params)
    try:
        lock_connection.autocommit = True
        with lock_connection.cursor() as cursor:
            # The holder's description, for the run that finds the lock taken (pg_stat_activity).
            cursor.execute(
                "SELECT set_config('application_name', %s, false)", [f"{APPLICATION_NAME}: {_holder_text()}"]
            )
            if wait:
                cursor.execute("SELECT pg_advisory_lock(%s)", [ADVISORY_KEY])
            else:
                cursor.execute("SELECT pg_try_advisory_lock(%s)", [ADVISORY_KEY])
                if not cursor.fetchone()[0]:
                    raise _busy(_advisory_holder(cursor))
        _inherited_fd = lock_connection.pgconn.socket
        try:
            yield
        finally:
            _inherited_fd = None
    finally:
        lock_connection.close()  # ends the session, and with it the lock


def _advisory_holder(cursor) -> str:
    cursor.execute(
        "SELECT a.application_name FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid "
        "WHERE l.locktype = 'advisory' AND l.granted AND l.objid = %s "
        "AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database())",
        [ADVISORY_KEY],
    )
    row = cursor.fetchone()
    return row[0].removeprefix(f"{APPLICATION_NAME}: ") if row and row[0] else "another server"
