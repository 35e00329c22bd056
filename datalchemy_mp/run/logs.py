"""Structured logs of a run: JSON lines in ``<run_dir>/logs.ndjson`` from the supervisor and from
every worker, and readable lines on a terminal.

Code logs through ``get_logger()``; where the lines go is set per process: ``log_to_file`` (the
supervisor and each worker append to the same file) and ``log_to_console`` (the CLI, on a terminal
only). structlog's global configuration is left alone, so calling ``api.generate`` from a program
does not change that program's logging. Secrets that look like a DSN password are scrubbed from
every line before it is written anywhere.
"""

from __future__ import annotations

import contextlib
import logging
import os
from collections.abc import Callable, MutableMapping
from pathlib import Path
from typing import Any

import orjson
import structlog

from datalchemy_mp.scrub import SECRET_KEYS, scrub_text

LOG_NAME = "logs.ndjson"

_SECRET_KEYS = frozenset(SECRET_KEYS)
_LEVELS = logging.getLevelNamesMapping()
_APPEND = os.O_WRONLY | os.O_APPEND | os.O_CREAT | os.O_CLOEXEC


def _scrub_value(value: Any) -> Any:
    if isinstance(value, str):
        return scrub_text(value)
    if isinstance(value, dict):
        return {k: "***" if _is_secret_key(k, v) else _scrub_value(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_scrub_value(v) for v in value]
    return value


def _is_secret_key(key: Any, value: Any) -> bool:
    return isinstance(key, str) and key.lower() in _SECRET_KEYS and bool(value)


def scrub_secrets(_logger: Any, _method: str, event_dict: MutableMapping[str, Any]) -> Any:
    """structlog processor: no password reaches a log line, whichever key or text holds it."""
    return _scrub_value(dict(event_dict))


def _add_pid(_logger: Any, _method: str, event_dict: MutableMapping[str, Any]) -> Any:
    """The pid of the process that logs (read at each line: workers are forked)."""
    event_dict.setdefault("pid", os.getpid())
    return event_dict


class _Sinks:
    """The end of the chain: a JSON line appended to the run's file, a text line to the console.

    The file is opened for each line (O_APPEND, one write): the supervisor and the workers append
    to it at once without tearing lines, and no descriptor is left open or inherited.
    """

    def __init__(self) -> None:
        self.file: Path | None = None
        self.console: Callable[[str], None] | None = None
        self.console_level = logging.INFO

    def msg(self, line: bytes, text: str | None) -> None:
        if self.file is not None:
            with contextlib.suppress(OSError):  # a lost log line must not fail a table or a run
                fd = os.open(self.file, _APPEND, 0o644)
                try:
                    os.write(fd, line)
                finally:
                    os.close(fd)
        if self.console is not None and text is not None:
            self.console(text)

    debug = info = warning = error = critical = exception = msg


_sinks = _Sinks()
_console = structlog.dev.ConsoleRenderer(colors=True, pad_event_to=24)
_CONSOLE_HIDDEN = ("pid", "process", "timestamp")
_HEAD = ("timestamp", "level", "event", "process", "pid", "table")


def _render(_logger: Any, method: str, event_dict: MutableMapping[str, Any]) -> dict:
    """One JSON line for the file (time, level, event, who first) and, if wanted, a console line."""
    head = {k: event_dict.pop(k) for k in _HEAD if k in event_dict}
    ordered = {**head, **event_dict}
    text = None
    level = _LEVELS.get(str(ordered.get("level", "info")).upper(), logging.INFO)
    if _sinks.console is not None and level >= _sinks.console_level:
        shown = {k: v for k, v in ordered.items() if k not in _CONSOLE_HIDDEN}
        text = str(_console(_logger, method, shown))
    line = orjson.dumps(ordered, default=str, option=orjson.OPT_NON_STR_KEYS) + b"\n"
    return {"line": line, "text": text}


_PROCESSORS: list[structlog.typing.Processor] = [
    structlog.processors.add_log_level,
    structlog.processors.TimeStamper(fmt="iso", utc=True),
    _add_pid,
    structlog.processors.format_exc_info,
    scrub_secrets,
    _render,
]
_WRAPPER = structlog.make_filtering_bound_logger(logging.INFO)


def get_logger(**initial_values: Any) -> Any:
    """A structlog logger bound to ``initial_values`` whose lines go where this process says."""
    return structlog.wrap_logger(_sinks, processors=_PROCESSORS, wrapper_class=_WRAPPER, **initial_values)


def log_to_file(path: str | Path | None) -> None:
    """Append every line of this process to ``path`` from now on (None: to no file)."""
    _sinks.file = Path(path) if path is not None else None


def log_to_console(write: Callable[[str], None] | None, level: str = "info") -> None:
    """Hand readable lines of ``level`` and above to ``write`` (None: no console output)."""
    _sinks.console = write
    _sinks.console_level = _LEVELS[level.upper()]


def _forget_sinks() -> None:
    log_to_file(None)
    log_to_console(None)


# A forked process (a worker, its forkserver) says itself where its lines go.
os.register_at_fork(after_in_child=_forget_sinks)
