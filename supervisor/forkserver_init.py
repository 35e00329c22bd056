"""Imported only by the forkserver (it is the first module of the preload list): the forkserver
ignores SIGTERM and SIGHUP, as it already ignores SIGINT.

``timeout(1)``, systemd and a closing terminal signal the whole process group, which holds the
forkserver. If it died first, every worker would die with it (their death signal) and report
exit code 255 before the supervisor could cancel them in order. It still ends when the
supervisor does (its "alive" pipe closes). Workers restore the default handlers.
"""

from __future__ import annotations

import signal
import threading

if threading.current_thread() is threading.main_thread():
    for _signum in (signal.SIGTERM, signal.SIGHUP):
        signal.signal(_signum, signal.SIG_IGN)
