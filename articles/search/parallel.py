"""Whoosh's multi-process writer, made safe to cancel and to orphan, and lean.

`ix.writer(procs=N)` gives whoosh.multiproc.MpWriter: it farms documents out to N sub-writer
processes, each writing (with multisegment=True) its own segment, so that analysing the text and
sorting and writing the postings at commit run on every core. As shipped, cancelling it only
flips a flag in the parent's copy of each sub-writer, and a sub-writer whose parent is killed
waits on its job queue for ever. Here cancel() stops the sub-writers, and each sub-writer exits
when its parent is gone. Sub-writers are fresh interpreters that import only Whoosh, not forks
of a process holding Django and the caller's data, which each would otherwise map again.
"""

import gc
import multiprocessing
import os
import threading
import time

from whoosh.multiproc import MpWriter, SubWriterTask

_SPAWN = multiprocessing.get_context("spawn")

# Seconds between a sub-writer's checks that its parent is still alive.
ORPHAN_CHECK = 1.0


def _exit_when_orphaned(parent: int) -> None:
    def watch():
        while os.getppid() == parent:
            time.sleep(ORPHAN_CHECK)
        os._exit(1)

    threading.Thread(target=watch, daemon=True).start()


class _SubWriter(SubWriterTask):
    _start_method = "spawn"
    _Popen = staticmethod(_SPAWN.Process._Popen)

    def run(self):
        _exit_when_orphaned(self.writer_pid)
        # What was imported never becomes garbage: keep the collector to the postings.
        gc.freeze()
        super().run()


class ParallelWriter(MpWriter):
    """MpWriter whose sub-writers are stopped by cancel() and die with their parent."""

    def __init__(self, ix, **kwargs):
        super().__init__(ix, **kwargs)
        # Queues shared with spawned processes must come from the spawn context.
        self.jobqueue = _SPAWN.Queue(self.procs * 4)
        self.resultqueue = _SPAWN.Queue()

    def _new_task(self):
        task = _SubWriter(
            self.storage, self.indexname, self.jobqueue, self.resultqueue, self.subargs, self.multisegment
        )
        task.daemon = True  # also stopped when this process exits normally
        task.writer_pid = os.getpid()  # its parent, which may die before it starts running
        self.tasks.append(task)
        task.start()
        return task

    def cancel(self):
        try:
            for task in self.tasks:
                task.terminate()
            for task in self.tasks:
                task.join()
        finally:
            super().cancel()
