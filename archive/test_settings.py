"""Settings for the test suite: the real settings without the local .env, with a throwaway data
directory and fast hashing.

DATABASE_URL still chooses the database, so the same suite runs on SQLite and on PostgreSQL.
"""

import os
import tempfile

import jinja2

# Never the local .env: `make run` writes one for serving (no HTTPS redirect, no HSTS), and the
# tests, and the production-settings processes they start, must not inherit it.
os.environ.setdefault("ENV_FILE", os.devnull)
os.environ.setdefault("SECRET_KEY", "test-only-secret-key-not-used-anywhere-else-0123456789")
os.environ.setdefault("ARCHIVE_DATA_DIR", tempfile.mkdtemp(prefix="archive-test-"))

from archive.settings import *  # noqa: E402,F403

SECURE_SSL_REDIRECT = False  # the test client speaks plain HTTP
STATIC_ROOT = tempfile.mkdtemp(prefix="archive-test-static-")
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
STORAGES["staticfiles"]["BACKEND"] = "django.contrib.staticfiles.storage.StaticFilesStorage"  # noqa: F405
# A name the view does not pass fails the test instead of rendering as nothing.
TEMPLATES[0]["OPTIONS"]["undefined"] = jinja2.StrictUndefined  # noqa: F405
# django-axes needs the request at every authenticate(), which the test client's login() does not
# pass; the throttling tests turn it on for themselves (tests/test_security.py).
AXES_ENABLED = False
