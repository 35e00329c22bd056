"""Imported only by the forkserver (it is the first module of the preload list): the forkserver
ignores SIGTERM, SIGHUP and SIGINT, and so do its workers until they leave its process group.

``timeout(1)``, systemd and a closing terminal signal the whole process group, which holds the
forkserver. If it died first, every worker would die with it (their death signal) and report
exit code 255 before the supervisor could cancel them in order. It still ends when the
supervisor does (its "alive" pipe closes). Workers restore the default handlers.

It also imports the caller's main script once, here, when the caller names it in MAIN_ENV
(``server.prestart`` does). The stdlib means to (``"__main__"`` in the preload list)
but Python 3.11 never passes the script's path to the forkserver, so every worker ran the
script again before its task: about 20 ms a worker, compiling it anew each time.
"""

from __future__ import annotations

import contextlib
import os
import signal
import threading
from multiprocessing import process, spawn

from .server import MAIN_ENV

if threading.current_thread() is threading.main_thread():
    # SIGINT too, before the stdlib saves "the handler to restore in each child": a worker then
    # ignores the group's Ctrl-C until it has its own session (child._isolate).
    for _signum in (signal.SIGTERM, signal.SIGHUP, signal.SIGINT):
        signal.signal(_signum, signal.SIG_IGN)

_main_path = os.environ.pop(MAIN_ENV, None)
if _main_path:
    process.current_process()._inheriting = True  # type: ignore[attr-defined]
    # A script that fails here fails again, and is reported, in each worker that imports it.
    with contextlib.suppress(Exception):
        spawn.import_main_path(_main_path)
    del process.current_process()._inheriting  # type: ignore[attr-defined]
