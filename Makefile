# The archive's everyday commands. `make run` and `make test` work on a fresh machine.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PIP := $(VENV)/bin/pip

.PHONY: run setup sample superuser axe test test-postgres lint bench-ingest bench-search bench-extraction bench-topics

$(VENV)/.installed-runtime: requirements.txt
	$(PYTHON) -m venv $(VENV)
	$(PIP) install --quiet --upgrade pip
	$(PIP) install --quiet -r requirements.txt
	touch $@

$(VENV)/.installed-dev: requirements.txt requirements-dev.txt $(VENV)/.installed-runtime
	$(PIP) install --quiet -r requirements-dev.txt
	touch $@

# A local .env for serving over plain HTTP on this machine: a fresh secret, DEBUG off.
.env:
	printf '%s\n' \
	  "SECRET_KEY=$$($(PYTHON) -c 'import secrets; print(secrets.token_urlsafe(50))')" \
	  "DEBUG=false" \
	  "ALLOWED_HOSTS=127.0.0.1,localhost" \
	  "SECURE_SSL_REDIRECT=false" \
	  "SESSION_COOKIE_SECURE=false" \
	  "CSRF_COOKIE_SECURE=false" \
	  "SECURE_HSTS_SECONDS=0" > $@
	@echo "Wrote .env for local use (see .env.example for every setting)."

# The sample goes into a new archive only: articles a curator deleted must not come back on the
# next start. `make sample` ingests it again on purpose.
setup: $(VENV)/.installed-runtime .env
	$(PY) manage.py migrate --noinput
	$(PY) manage.py collectstatic --noinput --verbosity 0
	@if $(PY) manage.py shell --verbosity 0 -c "import sys; from articles.models import IngestRun; sys.exit(IngestRun.objects.exists())"; then \
	  echo "A new archive: ingesting the sample corpus (sample/)."; \
	  $(PY) manage.py ingest sample/; \
	else \
	  echo "The archive has been ingested into before: the sample is not ingested again (make sample does that)."; \
	fi

sample: $(VENV)/.installed-runtime .env
	$(PY) manage.py ingest sample/

run: setup
	@echo "The archive is at http://127.0.0.1:8000/ (admin: make superuser, then /admin/)."
	$(VENV)/bin/gunicorn -c archive/gunicorn.conf.py archive.wsgi

# From the variables `createsuperuser --noinput` reads when they are set; else interactive on a
# terminal; else (a script, CI, a container) a sentence naming those variables.
superuser: $(VENV)/.installed-runtime .env
	@if [ -n "$$DJANGO_SUPERUSER_USERNAME" ] && [ -n "$$DJANGO_SUPERUSER_PASSWORD" ]; then \
	  $(PY) manage.py createsuperuser --noinput; \
	elif [ -t 0 ]; then \
	  $(PY) manage.py createsuperuser; \
	else \
	  echo "make superuser asks for a name and password on a terminal, and this is not one."; \
	  echo "Without a terminal, set the variables Django's createsuperuser --noinput reads:"; \
	  echo "  DJANGO_SUPERUSER_USERNAME=editor DJANGO_SUPERUSER_EMAIL=editor@example.org \\"; \
	  echo "  DJANGO_SUPERUSER_PASSWORD='a long passphrase' make superuser"; \
	  exit 2; \
	fi

# axe-core for the browser test's accessibility check, from npm at the version pinned in
# tests/browser/package-lock.json; without npm the test runs without that check and says so.
AXE := tests/browser/node_modules/axe-core/axe.min.js

$(AXE): tests/browser/package.json tests/browser/package-lock.json
	cd tests/browser && npm ci --no-audit --no-fund --loglevel=error
	touch $@

axe:
	@if command -v npm >/dev/null 2>&1; then $(MAKE) --no-print-directory $(AXE); \
	else echo "npm is not installed: the browser test runs without its accessibility check (axe-core)."; fi

test: $(VENV)/.installed-dev axe
	$(VENV)/bin/pytest -n 2 --dist loadfile

test-postgres: $(VENV)/.installed-dev axe
	DATABASE_URL=$${DATABASE_URL:-postgres://postgres@127.0.0.1:5432/test} $(VENV)/bin/pytest -n 2 --dist loadfile

lint: $(VENV)/.installed-dev
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	DJANGO_SETTINGS_MODULE=archive.test_settings $(PY) manage.py makemigrations --check --dry-run

bench-ingest: $(VENV)/.installed-runtime
	$(PY) -m bench.ingest

bench-extraction: $(VENV)/.installed-runtime
	$(PY) -m bench.extraction

bench-topics: $(VENV)/.installed-runtime
	$(PY) -m bench.topics

bench-search: $(VENV)/.installed-dev
	$(PY) -m bench.search
