"""Whoosh's multi-process writer, made safe to cancel, to orphan and to crash, and lean.

`ix.writer(procs=N)` gives whoosh.multiproc.MpWriter: it farms documents out to N sub-writer
processes, each writing (with multisegment=True) its own segment, so that analysing the text and
sorting and writing the postings at commit run on every core. As shipped, cancelling it only
flips a flag in the parent's copy of each sub-writer; a sub-writer whose parent is killed waits on
its job queue for ever; and a sub-writer that dies (an error, the kernel's OOM killer) is silently
left out of the commit with its documents. Here cancel() stops the sub-writers, each sub-writer
exits when its parent is gone, and a commit fails if any sub-writer failed. Sub-writers are fresh
interpreters that import only Whoosh, not forks of a process holding Django and the caller's data,
which each would otherwise map again; they read the field lengths of the segment they finish a
column at a time (lengths.py).
"""

import gc
import multiprocessing
import os
import threading
import time

from whoosh.multiproc import MpWriter, SubWriterTask

from .lengths import read_lengths_whole

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
    _Popen = staticmethod(_SPAWN.Process._Popen)

    def run(self):
        _exit_when_orphaned(self.writer_pid)
        read_lengths_whole()
        # What was imported never becomes garbage: keep the collector to the postings.
        gc.freeze()
        super().run()


class SubWriterFailed(RuntimeError):
    """A sub-writer process died: the commit would have lost its documents, so it is refused."""


class ParallelWriter(MpWriter):
    """MpWriter whose sub-writers are spawned, stopped by cancel() and die with their parent, and
    whose commit fails if one of them failed."""

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

    def _commit_toc(self, segments):
        # Called once the sub-writers have been joined and their segments collected.
        failed = [task.exitcode for task in self.tasks if task.exitcode != 0]
        if failed:
            raise SubWriterFailed(
                f"{len(failed)} of {len(self.tasks)} index writer processes failed (exit codes "
                f"{', '.join(map(str, failed))}); nothing was committed."
            )
        super()._commit_toc(segments)

    def cancel(self):
        try:
            for task in self.tasks:
                task.terminate()
            for task in self.tasks:
                task.join()
        finally:
            super().cancel()
