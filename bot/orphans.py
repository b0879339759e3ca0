"""Worker processes that end when the process that started them dies.

A ``ProcessPoolExecutor`` worker waits on a queue whose pipe it holds both ends of, so when its
parent is killed (SIGKILL, the OOM killer) it never sees end-of-file and lives on, an orphan holding
memory and the parent's inherited file descriptors. :func:`exit_with_parent`, run as (or from) a
pool's initializer, watches the parent from a daemon thread and exits the worker when it is gone.
"""

from __future__ import annotations

import os
import threading
import time

#: Seconds between two looks at the parent.
PERIOD = 0.5


def exit_with_parent(parent: int) -> None:
    """In a worker: exit (without cleanup, as a kill would) once ``parent`` is no longer its parent."""

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(PERIOD)
        os._exit(1)

    threading.Thread(target=watch, name="exit-with-parent", daemon=True).start()
