"""What ``generate --resume`` needs from the run it resumes: unchanged inputs, and which tables
were OK (kept as they are) or not (run again, their earlier outcome kept as an attempt)."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import orjson

import supervisor
from datalchemy_mp.errors import InputError, ResumeRefused
from datalchemy_mp.planning.jobs import TableRun
from datalchemy_mp.run.frozen import sha256
from datalchemy_mp.run.report import REPORT_NAME
from supervisor import Status

TableKey = tuple[str, str]


def check_unchanged(settings: dict) -> None:
    """Raise ResumeRefused unless the user's schema and plan files still have the run's sha256."""
    for kind in ("schema", "plan"):
        path, expected = settings[f"{kind}_file"], settings[f"{kind}_sha256"]
        try:
            actual = sha256(Path(path).read_bytes())
        except OSError as exc:
            raise ResumeRefused(
                f"cannot check that the {kind} is unchanged since the run: {exc.strerror}", file=path
            ) from None
        if actual != expected:
            raise ResumeRefused(
                f"the {kind} changed since the run (sha256 {actual[:16]}..., the run used "
                f"{expected[:16]}...): resuming would mix two versions; start a new run",
                file=path,
            )


def previous_report(run_dir: Path) -> dict:
    path = run_dir / REPORT_NAME
    try:
        return orjson.loads(path.read_bytes())
    except (OSError, orjson.JSONDecodeError) as exc:
        raise InputError(f"cannot read the report of the run to resume: {exc}", file=str(path)) from None


def tables_of(report: dict) -> dict[TableKey, dict]:
    return {(t["schema"], t["table"]): t for t in report.get("tables", [])}


def carry_over(
    tasks: list[supervisor.Task], runs: dict[str, TableRun], previous: dict[TableKey, dict], run_dir: Path
) -> list[supervisor.Task]:
    """Keep the tables that were OK (with their CSV in place); the tasks left to run."""
    kept: set[str] = set()
    for run in {id(r): r for r in runs.values()}.values():
        state = run.state
        entry = previous.get((state.schema, state.table))
        if entry is None:
            continue
        if entry["status"] == Status.OK and entry.get("csv") and (run_dir / entry["csv"]).is_file():
            state.restore(entry)
            kept.update([*run.task_ids, run.join_id] if run.join_id else run.task_ids)
        else:
            earlier = dataclasses.replace(state)
            earlier.restore(entry)
            state.attempts = [*earlier.attempts, earlier.attempt()]
    left = [t for t in tasks if t.id not in kept]
    return [
        dataclasses.replace(
            t,
            deps=tuple(d for d in t.deps if d not in kept),
            requires=tuple(r for r in t.requires if r not in kept),
        )
        for t in left
    ]
