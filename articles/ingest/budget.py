"""A time budget for reading one file: a file (or one record of an export) that takes longer is
stopped and recorded as failed, and the batch goes on.

Reading runs Python and regex code on text from strangers, where one pathological input can take
minutes; a timer signal (SIGALRM) interrupts it wherever it is, including inside a long regex
match. Signals reach only a process's main thread, so elsewhere (a web request's thread) the
budget is not enforced.
"""

import signal
import threading
from contextlib import contextmanager


class OverBudget(BaseException):
    """The work took longer than its time budget. A BaseException, like KeyboardInterrupt, so
    that no `except Exception` in the code it interrupts swallows it."""


def _expire(signum, frame):
    raise OverBudget


@contextmanager
def time_budget(seconds: float):
    """Raise OverBudget inside the block once `seconds` have passed (no limit when 0 or off the
    main thread)."""
    if seconds <= 0 or threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = signal.signal(signal.SIGALRM, _expire)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
