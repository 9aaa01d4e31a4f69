"""The Makefile's first-hour targets: `make setup` ingests the sample into a new archive only, and
`make superuser` without a terminal says how to create a login."""

import os
import shutil
import sqlite3
import subprocess
import sys

import pytest

from tests.conftest import REPO

pytestmark = pytest.mark.skipif(shutil.which("make") is None, reason="make is not installed")


def make(target: str, tmp_path, **env) -> subprocess.CompletedProcess:
    """Run `make target` in the project with this test's Python and a throwaway archive, without
    a terminal and without rebuilding the virtual environment or writing .env."""
    environment = {
        key: value for key, value in os.environ.items() if not key.startswith(("DJANGO_", "ARCHIVE_"))
    }
    environment.update(
        ENV_FILE=str(tmp_path / "no.env"),  # the developer's own .env stays out of it
        SECRET_KEY="make-target-test-only-secret-key-0123456789-abcdefghijklmnopq",
        ARCHIVE_DATA_DIR=str(tmp_path / "data"),
        STATIC_ROOT=str(tmp_path / "static"),
        DATABASE_URL=f"sqlite:///{tmp_path / 'archive.sqlite3'}",
        **env,
    )
    return subprocess.run(
        [
            "make",
            "--no-print-directory",
            "-o",
            ".env",
            "-o",
            ".venv/.installed-runtime",
            f"PY={sys.executable}",
            target,
        ],
        cwd=REPO,
        env=environment,
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=300,
    )


def test_superuser_without_a_terminal_names_the_variables_to_set(tmp_path):
    done = make("superuser", tmp_path)
    assert done.returncode != 0
    for variable in ("DJANGO_SUPERUSER_USERNAME", "DJANGO_SUPERUSER_EMAIL", "DJANGO_SUPERUSER_PASSWORD"):
        assert variable in done.stdout


def test_superuser_uses_the_variables_when_they_are_set(tmp_path):
    assert make("setup", tmp_path).returncode == 0
    done = make(
        "superuser",
        tmp_path,
        DJANGO_SUPERUSER_USERNAME="curator",
        DJANGO_SUPERUSER_EMAIL="curator@example.org",
        DJANGO_SUPERUSER_PASSWORD="a long enough passphrase for the test",
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert "Superuser created" in done.stdout


def article_count(database) -> int:
    with sqlite3.connect(database) as connection:
        return connection.execute("SELECT count(*) FROM articles_article").fetchone()[0]


def test_setup_ingests_the_sample_into_a_new_archive_only(tmp_path):
    first = make("setup", tmp_path)
    assert first.returncode == 0, first.stdout + first.stderr
    database = tmp_path / "archive.sqlite3"
    ingested = article_count(database)
    assert ingested >= 15
    # a curator deletes an article; the next start does not bring it back
    with sqlite3.connect(database) as connection:
        (first_id,) = connection.execute("SELECT min(id) FROM articles_article").fetchone()
        for table in ("articles_personlink", "articles_topiclink", "articles_sourcefile"):
            connection.execute(f"DELETE FROM {table} WHERE article_id = ?", [first_id])
        connection.execute("DELETE FROM articles_article WHERE id = ?", [first_id])
    again = make("setup", tmp_path)
    assert again.returncode == 0, again.stdout + again.stderr
    assert "not ingested again" in again.stdout
    assert article_count(database) == ingested - 1
