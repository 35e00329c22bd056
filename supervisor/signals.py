"""Shutdown signals (SIGINT, SIGTERM, SIGHUP): handlers that record them, and raise once if asked.

As in gunicorn, a handler does not act: it records the signal. While ``raising`` is set it also
raises ``Interrupted`` once, so that long work of the caller's own (say, validating its input)
stops at once; the pool's loop clears it and cancels its workers in order.
"""

from __future__ import annotations

import contextlib
import signal
import threading
from collections.abc import Iterator

SHUTDOWN_SIGNALS = (signal.SIGINT, signal.SIGTERM, signal.SIGHUP)


class Interrupted(BaseException):  # noqa: N818 (like KeyboardInterrupt, it is not an error)
    """A shutdown signal arrived; ``signal_name`` says which."""

    def __init__(self, signal_name: str) -> None:
        super().__init__(signal_name)
        self.signal_name = signal_name


class Shutdown:
    """The shutdown signals received, in order."""

    def __init__(self, raising: bool) -> None:
        self.received: list[str] = []
        self.raising = raising

    @property
    def first(self) -> str | None:
        return self.received[0] if self.received else None

    def arm(self) -> None:
        """Raise from now on; at once if a signal already arrived while recording only."""
        if self.received:
            raise Interrupted(self.received[0])
        self.raising = True

    def handle(self, signum: int, _frame: object) -> None:
        self.received.append(signal.Signals(signum).name)
        if self.raising:
            self.raising = False  # once: the caller's cleanup is not interrupted again
            raise Interrupted(self.received[-1])


def exit_code(signal_name: str) -> int:
    """The shell's convention: 128 + the signal's number (SIGINT 130, SIGTERM 143, SIGHUP 129)."""
    return 128 + signal.Signals[signal_name].value


@contextlib.contextmanager
def catch_shutdown(*, raising: bool) -> Iterator[Shutdown]:
    """Handle the shutdown signals with a fresh ``Shutdown`` until the block ends, then put the
    previous handlers back. Handlers can be installed only from the main thread; elsewhere
    nothing is installed and nothing is recorded."""
    shutdown = Shutdown(raising)
    if threading.current_thread() is not threading.main_thread():
        yield shutdown
        return
    previous = {sig: signal.signal(sig, shutdown.handle) for sig in SHUTDOWN_SIGNALS}
    try:
        yield shutdown
    finally:
        for sig, handler in previous.items():
            # None: a handler not installed from Python, which cannot be put back; use the default.
            signal.signal(sig, handler if handler is not None else signal.SIG_DFL)
