"""Production settings: secrets from the environment, DEBUG off by default, `check --deploy` clean."""

import os
import secrets
import subprocess
import sys

from tests.conftest import REPO


def manage(*args, **env):
    base = {k: v for k, v in os.environ.items() if k not in ("DEBUG", "SECRET_KEY", "DJANGO_SETTINGS_MODULE")}
    return subprocess.run(
        [sys.executable, str(REPO / "manage.py"), *args],
        env={**base, "DJANGO_SETTINGS_MODULE": "archive.settings", "ENV_FILE": os.devnull, **env},
        capture_output=True,
        text=True,
    )


def production_env(tmp_path):
    return {
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "archive.example.org",
        "ARCHIVE_DATA_DIR": str(tmp_path),
    }


def test_check_deploy_is_clean_with_production_settings(tmp_path):
    result = manage("check", "--deploy", "--fail-level", "WARNING", **production_env(tmp_path))
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_debug_is_off_unless_asked_for(tmp_path):
    code = "from django.conf import settings; print(settings.DEBUG)"
    assert manage("shell", "-c", code, **production_env(tmp_path)).stdout.strip().endswith("False")
    assert (
        manage("shell", "-c", code, DEBUG="true", ARCHIVE_DATA_DIR=str(tmp_path))
        .stdout.strip()
        .endswith("True")
    )


def test_a_missing_secret_key_stops_start_up_with_a_clear_message(tmp_path):
    result = manage("check", ARCHIVE_DATA_DIR=str(tmp_path))
    assert result.returncode != 0
    assert "SECRET_KEY is not set" in result.stderr
    assert "Traceback" not in result.stderr


def test_a_missing_page_is_explained_in_the_archive_s_own_page(client, db):
    response = client.get("/people/nobody-at-all/")
    assert response.status_code == 404
    assert b"Search the archive" in response.content and b"merged or" in response.content
