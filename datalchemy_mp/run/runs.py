"""Habits of an output directory that cron fills: one run at a time, a ``latest`` link to the last
successful run, and pruning of old runs.

A run directory is a directory of OUT holding ``generation_report.json``; nothing else in OUT is
ever removed.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import fcntl
import os
import shutil
from collections.abc import Iterable, Iterator
from pathlib import Path

import orjson

from datalchemy_mp.errors import InputError, LatestLinkError, RunInProgress, RunNotComplete
from datalchemy_mp.run.report import REPORT_NAME, RunStatus, utc_now
from supervisor import Status, write_json_atomic

LOCK_NAME = ".datalchemy-mp.lock"
LATEST = "latest"


@contextlib.contextmanager
def exclusive(out_dir: str | Path) -> Iterator[None]:
    """Hold ``OUT/.datalchemy-mp.lock`` (flock, holder's pid inside) or raise RunInProgress at once.

    The kernel releases a flock when its holder dies, however it dies: no stale lock to clean up.
    """
    out = Path(out_dir)
    try:
        out.mkdir(parents=True, exist_ok=True)
        # No O_TRUNC: the holder's pid must survive our attempt. os.open fds are not inherited.
        fd = os.open(out / LOCK_NAME, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o644)
    except OSError as exc:
        raise InputError(f"cannot use {out} as the output directory: {exc.strerror or exc}") from None
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = os.pread(fd, 32, 0).decode(errors="replace").strip() or "unknown"
            raise RunInProgress(f"another run is in progress in {out} (pid {holder})") from None
        os.ftruncate(fd, 0)
        os.pwrite(fd, f"{os.getpid()}\n".encode(), 0)
        mark_abandoned(out)
        yield
    finally:
        os.close(fd)  # releases the lock


def mark_abandoned(out_dir: str | Path) -> list[Path]:
    """Mark ``abandoned`` every run of OUT whose report still says ``running``: its supervisor
    was killed (SIGKILL, power loss), since the caller holds OUT's lock. Returns those runs."""
    found = []
    for run_dir in run_dirs(out_dir):
        path = run_dir / REPORT_NAME
        try:
            report = orjson.loads(path.read_bytes())
        except (OSError, orjson.JSONDecodeError):
            continue
        if not isinstance(report, dict) or report.get("status") != RunStatus.RUNNING:
            continue
        report["status"] = RunStatus.ABANDONED
        report["abandoned_found_at"] = utc_now()
        for table in report.get("tables") or []:
            if isinstance(table, dict) and table.get("status") in (Status.PENDING, Status.RUNNING):
                table["status"], table["reason"] = Status.CANCELLED, "abandoned"
        write_json_atomic(path, report)
        found.append(run_dir)
    return found


def check_loadable(run_dir: str | Path, allow_partial: bool = False) -> dict | None:
    """The report of ``run_dir`` if its run succeeded (None for a directory without a report).

    A run still marked ``running`` whose OUT is not locked is marked ``abandoned`` first.
    Raises RunNotComplete naming the tables that are missing, unless ``allow_partial``.
    """
    path = Path(run_dir) / REPORT_NAME
    if not path.is_file():
        return None
    try:
        report = orjson.loads(path.read_bytes())
    except orjson.JSONDecodeError as exc:
        raise RunNotComplete(f"{path}: not a readable report ({exc})") from None
    if isinstance(report, dict) and report.get("status") == RunStatus.RUNNING:
        with contextlib.suppress(RunInProgress, OSError), exclusive(Path(run_dir).resolve().parent):
            report = orjson.loads(path.read_bytes())
    status = report.get("status") if isinstance(report, dict) else None
    if status is None or status == RunStatus.SUCCEEDED or allow_partial:
        return report  # a directory of CSVs made by other means has no run status to check
    missing = []
    for t in report.get("tables") or []:
        if t.get("status") != Status.OK:
            why = " ".join(str(w) for w in (t.get("status"), t.get("reason")) if w)
            missing.append(f"{t.get('schema')}.{t.get('table')} ({why})")
    raise RunNotComplete(
        f"{run_dir}: the run's status is {status!r}, not 'succeeded'; "
        + (f"missing: {', '.join(missing)}" if missing else "no table was generated")
        + " (--allow-partial loads what is there)"
    )


def point_latest(out_dir: str | Path, run_dir: str | Path) -> Path:
    """Make ``OUT/latest`` a relative symlink to ``run_dir``, switched atomically (os.replace)."""
    out, link = Path(out_dir), Path(out_dir) / LATEST
    if link.exists() and not link.is_symlink():
        raise LatestLinkError(f"{link} exists and is not a symlink; it was left alone")
    tmp = out / f".{LATEST}.{os.getpid()}.tmp"
    with contextlib.suppress(FileNotFoundError):
        tmp.unlink()
    os.symlink(os.path.relpath(run_dir, out), tmp)
    os.replace(tmp, link)
    return link


def latest_run(out_dir: str | Path) -> Path | None:
    """The run directory ``OUT/latest`` points to, if any."""
    link = Path(out_dir) / LATEST
    if not link.is_symlink():
        return None
    return (link.parent / os.readlink(link)).resolve()


def run_dirs(out_dir: str | Path) -> list[Path]:
    """The run directories of OUT, newest first (by the report's started_at, else by mtime)."""
    found = [
        p
        for p in Path(out_dir).iterdir()
        if p.is_dir() and not p.is_symlink() and (p / REPORT_NAME).is_file()
    ]
    return sorted(found, key=_started_at, reverse=True)


def prune(out_dir: str | Path, keep: int, *, protect: Iterable[str | Path] = ()) -> list[Path]:
    """Delete all but the ``keep`` newest run directories of OUT; the one ``latest`` points to
    and those in ``protect`` stay whatever their age. Returns what was deleted, oldest first."""
    if keep < 1:
        raise ValueError(f"keep must be at least 1, got {keep}")
    kept = {Path(p).resolve() for p in protect}
    latest = latest_run(out_dir)
    if latest is not None:
        kept.add(latest)
    removed = []
    for run_dir in reversed(run_dirs(out_dir)[keep:]):
        if run_dir.resolve() not in kept:
            shutil.rmtree(run_dir)
            removed.append(run_dir)
    return removed


def _started_at(run_dir: Path) -> float:
    try:
        started = orjson.loads((run_dir / REPORT_NAME).read_bytes())["started_at"]
        return dt.datetime.fromisoformat(started).timestamp()
    except (OSError, orjson.JSONDecodeError, KeyError, TypeError, ValueError):
        return run_dir.stat().st_mtime
