"""gunicorn settings: `gunicorn -c archive/gunicorn.conf.py archive.wsgi`. Each can be overridden by
the GUNICORN_* environment variable named beside it.

Sync workers, one request at a time each, so that `timeout` bounds every request: a sync worker
tells the master it is alive only between requests, so one stuck longer than `timeout` seconds
is killed (and replaced) with its worker. Threaded workers (gthread) keep heartbeating from their
main thread while a request thread spins, so their timeout never fires on a runaway search. Sync
workers want a buffering proxy in front for slow clients, which the deployment has anyway (TLS).
"""

import multiprocessing
import os

bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
worker_class = "sync"
# Two per core: while one waits on the database or the disk, the other searches.
workers = int(os.environ.get("GUNICORN_WORKERS", str(2 * multiprocessing.cpu_count())))
# The longest any request may take, the CSV export of a whole archive included; searches are
# bounded far below this by the search's own budget. Past it the worker is killed and replaced.
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "30"))
graceful_timeout = int(os.environ.get("GUNICORN_GRACEFUL_TIMEOUT", "30"))
accesslog = "-"
errorlog = "-"
forwarded_allow_ips = os.environ.get("GUNICORN_FORWARDED_ALLOW_IPS", "127.0.0.1")
