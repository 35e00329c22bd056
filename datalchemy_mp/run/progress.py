"""Progress of a run on stderr: a live table view on a terminal, key=value lines otherwise.

A view takes the ``on_event(kind, TableState)`` calls of ``api.generate``. ``kind`` is about one
task, and a big table runs as several tasks (chunks), so views go by the table's status instead:
a table starts when it turns RUNNING and finishes when it turns OK, FAILED, SKIPPED or CANCELLED.

``for_stream`` picks the view: ``LiveView`` (redrawn at most 5 times a second, erased by
``close``) on a terminal, ``LineProgress`` (no escape codes; for cron and CI) elsewhere, and
``Quiet`` for ``--quiet``.
"""

from __future__ import annotations

import datetime as dt
import os
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Protocol, TextIO

import orjson

from datalchemy_mp.run.report import TableState
from supervisor import Status

Clock = Callable[[], float]
_DONE = (Status.OK, Status.FAILED, Status.SKIPPED, Status.CANCELLED)


class Progress(Protocol):
    def on_event(self, kind: str, state: TableState) -> None: ...

    def write_line(self, text: str) -> None:
        """Print ``text`` on the stream without breaking the view."""

    def close(self) -> None: ...


def for_stream(stream: TextIO, *, quiet: bool = False, interval: float = 5.0) -> Progress:
    """The view that suits ``stream``: live on a terminal, lines every ``interval`` s otherwise."""
    if quiet:
        return Quiet()
    if stream.isatty():
        return LiveView(stream)
    return LineProgress(stream, interval=interval)


@dataclass
class _Table:
    """A table as a view sees it: the report's state plus when this process saw it start/end."""

    state: TableState
    started: float | None = None
    ended: float | None = None
    seen_status: Status = Status.PENDING

    @property
    def name(self) -> str:
        return f"{self.state.schema}.{self.state.table}"

    def elapsed(self, now: float) -> float | None:
        if self.state.duration_ms is not None and self.state.status in _DONE:
            return self.state.duration_ms / 1000
        if self.started is None:
            return None
        return (self.ended or now) - self.started

    def rate(self, now: float) -> float | None:
        """Rows per second so far."""
        elapsed = self.elapsed(now)
        if not elapsed or not self.state.rows_generated:
            return None
        return self.state.rows_generated / elapsed

    def eta(self, now: float) -> float | None:
        """Seconds left at the rate so far (running tables only)."""
        rate = self.rate(now)
        if self.state.status != Status.RUNNING or not rate:
            return None
        return max(self.state.rows_requested - self.state.rows_generated, 0) / rate


class _Tables:
    """The tables seen so far, in the order of their first event."""

    def __init__(self, clock: Clock) -> None:
        self.clock = clock
        self.by_name: dict[str, _Table] = {}

    def update(self, state: TableState) -> tuple[_Table, Status | None]:
        """The table of ``state``, and its new status if it changed since the last event."""
        now = self.clock()
        name = f"{state.schema}.{state.table}"
        table = self.by_name.get(name)
        if table is None:
            table = self.by_name[name] = _Table(state)
        table.state = state
        if state.status == table.seen_status:
            return table, None
        table.seen_status = state.status
        if state.status == Status.RUNNING:
            table.started = now
        elif state.status in _DONE:
            table.ended = now
        return table, state.status


class Quiet:
    """``--quiet``: nothing but the errors the CLI prints itself."""

    def on_event(self, kind: str, state: TableState) -> None:
        pass

    def write_line(self, text: str) -> None:
        pass

    def close(self) -> None:
        pass


class LineProgress:
    """One ``key=value`` line per running table at most every ``interval`` seconds, and one when
    a table finishes, whatever its status. No escape codes: for cron mail and CI logs."""

    def __init__(self, stream: TextIO, *, interval: float = 5.0, clock: Clock = time.monotonic) -> None:
        self.stream = stream
        self.interval = interval
        self.tables = _Tables(clock)
        self._last_line: dict[str, float] = {}

    def on_event(self, kind: str, state: TableState) -> None:
        table, changed = self.tables.update(state)
        now = self.tables.clock()
        if changed == Status.RUNNING:
            self._last_line[table.name] = now
        elif changed in _DONE:
            self.write_line(_logfmt("table_finished", _figures(table, now)))
        elif state.status == Status.RUNNING:
            if now - self._last_line.setdefault(table.name, now) >= self.interval:
                self._last_line[table.name] = now
                self.write_line(_logfmt("table_progress", _figures(table, now)))

    def write_line(self, text: str) -> None:
        self.stream.write(text + "\n")
        self.stream.flush()

    def close(self) -> None:
        pass


def _figures(table: _Table, now: float) -> dict:
    s = table.state
    figures: dict = {
        "table": table.name,
        "status": s.status,
        "rows": s.rows_generated,
        "total": s.rows_requested,
    }
    if s.rows_requested:
        figures["pct"] = round(100 * s.rows_generated / s.rows_requested, 1)
    rate, eta, elapsed = table.rate(now), table.eta(now), table.elapsed(now)
    if rate is not None:
        figures["rows_per_s"] = round(rate)
    if eta is not None:
        figures["eta_s"] = round(eta, 1)
    if elapsed is not None and s.status in _DONE:
        figures["duration_s"] = round(elapsed, 2)
    if s.peak_rss_bytes:
        figures["peak_rss_mib"] = round(s.peak_rss_bytes / (1 << 20), 1)
    if s.reason:
        figures["reason"] = s.reason
    if s.blocked_by:
        figures["blocked_by"] = ",".join(s.blocked_by)
    return figures


def _logfmt(event: str, fields: dict) -> str:
    stamp = dt.datetime.now(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    parts = [f"ts={stamp}", f"event={event}"]
    for key, value in fields.items():
        text = str(value)
        if not text or any(c in text for c in ' ="\\'):
            text = orjson.dumps(text).decode()
        parts.append(f"{key}={text}")
    return " ".join(parts)


# --- the live view on a terminal ----------------------------------------------------------------

_UP = "\x1b[{}A\r"  # cursor up n lines, to column 0
_CLEAR_LINE = "\x1b[2K"
_CLEAR_DOWN = "\x1b[J"
_HIDE_CURSOR, _SHOW_CURSOR = "\x1b[?25l", "\x1b[?25h"
_STATUS_ORDER = {
    Status.RUNNING: 0,
    Status.FAILED: 1,
    Status.PENDING: 2,
    Status.CANCELLED: 3,
    Status.SKIPPED: 4,
    Status.OK: 5,
}


class LiveView:
    """A block of lines at the bottom of the terminal, one per table seen, redrawn in place at most
    once per ``min_interval`` seconds; log lines are printed above it. ``close`` erases it."""

    def __init__(self, stream: TextIO, *, min_interval: float = 0.2, clock: Clock = time.monotonic) -> None:
        self.stream = stream
        self.min_interval = min_interval
        self.tables = _Tables(clock)
        self.t0 = clock()
        self._drawn = 0  # lines of the block now on screen
        self._last_draw = float("-inf")

    def on_event(self, kind: str, state: TableState) -> None:
        self.tables.update(state)
        if self.tables.clock() - self._last_draw >= self.min_interval:
            self._draw()

    def write_line(self, text: str) -> None:
        self.stream.write(self._erase() + text.rstrip("\n") + "\n")
        self._draw()

    def close(self) -> None:
        """Erase the block and give the cursor back."""
        self.stream.write(self._erase() + _SHOW_CURSOR)
        self.stream.flush()

    def _erase(self) -> str:
        if not self._drawn:
            return ""
        erase, self._drawn = _UP.format(self._drawn) + _CLEAR_DOWN, 0
        return erase

    def _draw(self) -> None:
        width, height = _terminal_size(self.stream)
        lines = [line[: width - 1] for line in self.render(max_lines=max(height - 2, 3))]
        self.stream.write(self._erase() + _HIDE_CURSOR + "".join(_CLEAR_LINE + line + "\n" for line in lines))
        self.stream.flush()
        self._drawn = len(lines)
        self._last_draw = self.tables.clock()

    def render(self, max_lines: int = 1000) -> list[str]:
        """The block as plain lines: a summary, then the tables (running and failed first)."""
        now = self.tables.clock()
        tables = list(self.tables.by_name.values())
        counts: dict[str, int] = {}
        for t in tables:
            counts[t.state.status] = counts.get(t.state.status, 0) + 1
        summary = ", ".join(f"{n} {status.lower()}" for status, n in counts.items())
        lines = [f"datalchemy-mp {_duration(now - self.t0)}  {summary or 'starting'}"]
        shown = sorted(tables, key=lambda t: _STATUS_ORDER.get(t.state.status, 9))
        if len(shown) > max_lines - 1:
            hidden = len(shown) - (max_lines - 2)
            shown = shown[: max_lines - 2]
        else:
            hidden = 0
        order = {t.name: i for i, t in enumerate(tables)}
        shown.sort(key=lambda t: order[t.name])  # in the order they were first seen, as many as fit
        width = min(max((len(t.name) for t in shown), default=0), 40)
        lines += [_table_line(t, now, width) for t in shown]
        if hidden:
            lines.append(f"  … {hidden} more")
        return lines


def _table_line(table: _Table, now: float, width: int) -> str:
    s = table.state
    rows = f"{s.rows_generated:,}/{s.rows_requested:,}"
    pct = f"{100 * s.rows_generated / s.rows_requested:3.0f}%" if s.rows_requested else ""
    rate, eta = table.rate(now), table.eta(now)
    parts = [
        f"  {table.name:<{width}}",
        f"{s.status:<9}",
        f"{rows:>17}",
        f"{pct:>4}",
        f"{rate:>9,.0f} rows/s" if rate is not None else " " * 16,
        f"ETA {_duration(eta):>6}" if eta is not None else " " * 10,
        f"peak {_mib(s.peak_rss_bytes)}" if s.peak_rss_bytes else "",
    ]
    if s.status in (Status.FAILED, Status.SKIPPED, Status.CANCELLED) and s.reason:
        parts.append(s.reason)
    return " ".join(parts).rstrip()


def _duration(seconds: float) -> str:
    seconds = round(seconds)
    if seconds < 60:
        return f"{seconds}s"
    minutes, seconds = divmod(seconds, 60)
    if minutes < 60:
        return f"{minutes}m{seconds:02d}s"
    return f"{minutes // 60}h{minutes % 60:02d}m"


def _mib(n: int) -> str:
    return f"{n / (1 << 20):,.0f} MiB"


def _terminal_size(stream: TextIO) -> tuple[int, int]:
    try:
        size = os.get_terminal_size(stream.fileno())
    except (OSError, ValueError, AttributeError):  # not a real terminal (tests, odd streams)
        return 100, 40
    return size.columns or 100, size.lines or 40  # 0: a pseudo-terminal whose size was never set
