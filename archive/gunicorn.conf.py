"""gunicorn settings: `gunicorn -c archive/gunicorn.conf.py archive.wsgi`. Each can be overridden by
the GUNICORN_* environment variable named beside it."""

import os

bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
workers = int(os.environ.get("GUNICORN_WORKERS", "2"))
# Threads share one open Whoosh searcher (and its facet tables) per worker process.
threads = int(os.environ.get("GUNICORN_THREADS", "4"))
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "60"))
accesslog = "-"
errorlog = "-"
forwarded_allow_ips = os.environ.get("GUNICORN_FORWARDED_ALLOW_IPS", "127.0.0.1")
