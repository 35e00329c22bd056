"""generation_report.json: the state of every table, rewritten atomically at each change."""

from __future__ import annotations

import contextlib
import datetime as dt
import errno
import os
import time
from collections import Counter
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path
from typing import Any

from datalchemy_mp.errors import Issue
from supervisor import Status, write_json_atomic

REPORT_NAME = "generation_report.json"
RESERVE_NAME = ".report.reserve"
RESERVE_BYTES = 4 << 20
"""Space set aside when a run starts and given back to write the final report on a full disk."""


class RunStatus(StrEnum):
    """The status of a whole run, as written in the report."""

    RUNNING = "running"
    SUCCEEDED = "succeeded"
    FAILED = "failed"
    INVALID = "invalid"
    CANCELLED = "cancelled"
    ABANDONED = "abandoned"  # its supervisor was killed; found and marked by a later command


def utc_now() -> str:
    return dt.datetime.now(dt.UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


@dataclass
class TableState:
    schema: str
    table: str
    rows_requested: int
    auto: bool
    status: Status = Status.PENDING
    reason: str | None = None
    detail: dict = field(default_factory=dict)
    blocked_by: list[str] = field(default_factory=list)
    rows_generated: int = 0
    retries: int = 0
    bytes: int = 0
    duration_ms: int | None = None
    peak_rss_bytes: int | None = None
    pid: int | None = None
    exit_code: int | None = None
    signal: str | None = None
    csv: str | None = None
    warnings: list[dict] = field(default_factory=list)
    stats: dict = field(default_factory=dict)
    attempts: list[dict] = field(default_factory=list)  # earlier runs of this table (resumed runs)

    def to_json(self) -> dict:
        return {
            "schema": self.schema,
            "table": self.table,
            "status": self.status,
            "reason": self.reason,
            "detail": self.detail or None,
            "blocked_by": self.blocked_by,
            "auto_generated": self.auto,
            "rows_requested": self.rows_requested,
            "rows_generated": self.rows_generated,
            "retries": self.retries,
            "bytes": self.bytes,
            "duration_ms": self.duration_ms,
            "peak_rss_bytes": self.peak_rss_bytes,
            "pid": self.pid,
            "exit_code": self.exit_code,
            "signal": self.signal,
            "csv": self.csv,
            "warnings": self.warnings,
            "counters": {k: self.stats[k] for k in _COUNTERS if k in self.stats},
            "attempts": self.attempts,
        }

    def restore(self, entry: dict) -> None:
        """Take the figures of ``entry`` (this table in an earlier report), as a resumed run does
        with a table that was OK."""
        self.status = Status(entry["status"])
        for name in _RESTORED:
            setattr(self, name, entry.get(name))
        self.detail, self.blocked_by = entry.get("detail") or {}, entry.get("blocked_by") or []
        self.warnings, self.attempts = entry.get("warnings") or [], entry.get("attempts") or []
        self.stats = {**entry.get("counters", {}), "warnings": self.warnings}

    def attempt(self) -> dict:
        """This table's outcome, as one entry of a later run's ``attempts``."""
        entry = self.to_json()
        return {k: entry[k] for k in ("status", "reason", "detail", "blocked_by", *_ATTEMPT)}


_COUNTERS = ("generator_usage", "transform_usage", "pii", "heuristic")
_RESTORED: tuple[str, ...] = ("reason", "rows_generated", "retries", "bytes", "csv", "duration_ms")
_RESTORED += ("peak_rss_bytes", "pid", "exit_code", "signal")
_ATTEMPT = ("rows_generated", "duration_ms", "peak_rss_bytes", "pid", "exit_code", "signal")


@dataclass
class Report:
    path: Path
    run_id: str
    settings: dict[str, Any]
    status: RunStatus = RunStatus.RUNNING
    started_at: str = field(default_factory=utc_now)
    finished_at: str | None = None
    tables: list[TableState] = field(default_factory=list)
    errors: list[Issue] = field(default_factory=list)
    warnings: list[Issue] = field(default_factory=list)
    interrupted_by: str | None = None
    resumed_at: list[str] = field(default_factory=list)
    _t0: float = field(default_factory=time.monotonic)

    def to_json(self) -> dict:
        gen: Counter[str] = Counter()
        trans: Counter[str] = Counter()
        pii: Counter[str] = Counter()
        by_code: Counter[str] = Counter()
        warnings: list[dict] = []
        unsupported: list[dict] = []
        for issue in self.warnings:
            by_code[issue.code] += 1
            warnings.append(_issue_entry(issue))
        for t in self.tables:
            gen.update(t.stats.get("generator_usage", {}))
            trans.update(t.stats.get("transform_usage", {}))
            pii.update(t.stats.get("pii", {}))
            for w in t.warnings:
                by_code[w["code"]] += w["count"]
                entry = {
                    "level": "warning",
                    "code": w["code"],
                    "message": w["message"],
                    "count": w["count"],
                    "schema": t.schema,
                    "table": t.table,
                    "column": w.get("column"),
                    "path": f"{t.schema}.{t.table}.{w['column']}" if w.get("column") else None,
                }
                (unsupported if w["code"] == "check_unsupported" else warnings).append(entry)
            if t.status == Status.FAILED:
                unsupported.append(
                    {
                        "level": "error",
                        "code": "generation_failed",
                        "message": failure_message(t),
                        "schema": t.schema,
                        "table": t.table,
                        "path": None,
                    }
                )
        duration_ms = int((time.monotonic() - self._t0) * 1000)
        written = sum(t.bytes for t in self.tables if t.status == Status.OK)
        return {
            "run_id": self.run_id,
            "status": self.status,
            "started_at": self.started_at,
            "finished_at": self.finished_at,
            "interrupted_by": self.interrupted_by,
            "supervisor_pid": os.getpid(),
            "resumed_at": self.resumed_at,
            **self.settings,
            "tables": [t.to_json() for t in self.tables],
            "retries_total": sum(t.retries for t in self.tables),
            "generator_usage": dict(sorted(gen.items())),
            "transform_usage": dict(sorted(trans.items())),
            "fallback_count": by_code.get("rule_fallback", 0),
            "heuristic_count": sum(t.stats.get("heuristic", 0) for t in self.tables),
            "unknown_generator_id_count": 0,
            "pii_columns_touched": dict(sorted(pii.items())),
            "warnings_by_code": dict(sorted(by_code.items())),
            "duration_ms": duration_ms,
            "bytes_written": written,
            "throughput_bytes_per_sec": round(written / max(duration_ms / 1000, 1e-6), 1),
            "errors": [i.to_json() for i in self.errors],
            "warnings": warnings,
            "unsupported": unsupported,
        }

    def start(self) -> None:
        """Set space aside for the final report, then write the first one (raises OSError)."""
        reserve = self.path.with_name(RESERVE_NAME)
        fd = os.open(reserve, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | os.O_CLOEXEC, 0o600)
        try:
            os.posix_fallocate(fd, 0, RESERVE_BYTES)
        except OSError as exc:
            if exc.errno not in (errno.EOPNOTSUPP, errno.EINVAL):  # a file system without it
                reserve.unlink(missing_ok=True)
                raise
        finally:
            os.close(fd)
        write_json_atomic(self.path, self.to_json())

    def write(self) -> None:
        """Rewrite the report while the run goes on; a failure (a full disk) waits for the next
        write, since the run itself can still end well."""
        with contextlib.suppress(OSError):
            write_json_atomic(self.path, self.to_json())

    def finish(self) -> None:
        """Write the final report, giving back the space set aside if the disk is full."""
        self.finished_at = utc_now()
        reserve = self.path.with_name(RESERVE_NAME)
        try:
            write_json_atomic(self.path, self.to_json())
        except OSError as exc:
            if exc.errno not in (errno.ENOSPC, errno.EDQUOT):
                raise
            reserve.unlink(missing_ok=True)
            write_json_atomic(self.path, self.to_json())
        reserve.unlink(missing_ok=True)


def _issue_entry(issue: Issue) -> dict:
    return {"level": issue.severity, "code": issue.code, "message": issue.message, "path": issue.path or None}


def failure_message(t: TableState) -> str:
    d = t.detail or {}
    if t.reason == "exception":
        return f"{d.get('type', 'Exception')}: {d.get('message', '')}"
    if t.reason == "signal":
        return f"worker killed by {t.signal or d.get('signal')}"
    if t.reason == "memory_limit_exceeded":
        return f"worker exceeded the memory limit ({d.get('limit_bytes')} bytes)"
    if t.reason == "timeout":
        return f"worker exceeded the time limit ({d.get('timeout_s')} s)"
    if t.reason == "stalled":
        return f"no progress for {d.get('idle_s')} s (stall limit {d.get('stall_s')} s)"
    if t.reason == "disk_full":
        return f"disk full: {d.get('message', '')}"
    return f"worker failed: {t.reason} {d}"
