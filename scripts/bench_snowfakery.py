"""datalchemy-mp against Snowfakery on the 3-table chain (issue #14): whole commands, timed
from outside, alternating run by run.

    .venv/bin/python scripts/bench_snowfakery.py [--runs 5] [--rows 100000] [--json FILE]

The two commands, run from the repository root (``--rows`` other than 100000 runs them on
temporary copies of the plan and the recipe with every table's row count replaced):

    .venv/bin/python -m datalchemy_mp generate -s plans/bench/schema.json
        -p plans/bench/chain.plan.json -o TMP --base-date 2025-01-15 -q
    .bench/snowfakery-venv/bin/snowfakery plans/bench/chain.snowfakery.yml
        --output-format csv --output-folder TMP2

Snowfakery lives in its own venv, ``.bench/snowfakery-venv`` (git-ignored), created on the
first run and reused; its version is pinned below. If it cannot be installed (no network,
...), the comparison is skipped with one line saying why, and the script exits 0.

Each run is timed with ``time.perf_counter`` around ``subprocess.run``; its CSVs are then
counted (data rows, headers excluded) and must hold ``3 * rows`` rows. The two sides take
turns going first, round by round. PYTHONDONTWRITEBYTECODE is removed from both commands'
environment: users do not set it, and without bytecode caches every run would compile every
module it imports. See plans/bench/chain.snowfakery.yml for what differs between the recipes.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SCHEMA = Path("plans/bench/schema.json")
PLAN = Path("plans/bench/chain.plan.json")
RECIPE = Path("plans/bench/chain.snowfakery.yml")
PYTHON = Path(".venv/bin/python")  # this repository's venv
VENV = Path(".bench/snowfakery-venv")
SNOWFAKERY_VERSION = "4.2.1"
# Snowfakery 4.2.1's CLI imports pkg_resources, which setuptools 81 and later no longer ship.
SETUPTOOLS = "setuptools<81"
DEFAULT_ROWS = 100_000  # per table, as in the plan and the recipe
TABLES = 3


def command_env() -> dict[str, str]:
    """The environment of both commands: ours without PYTHONDONTWRITEBYTECODE."""
    return {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}


# -- the Snowfakery venv -------------------------------------------------------------------


def installed_version(python: Path) -> str | None:
    """The Snowfakery version the venv's interpreter can import and run, or None."""
    probe = "import pkg_resources, snowfakery.cli; from importlib.metadata import version; "
    probe += "print(version('snowfakery'))"
    if not (ROOT / python).exists():
        return None
    done = subprocess.run([str(ROOT / python), "-c", probe], cwd=ROOT, capture_output=True, text=True)
    return done.stdout.strip() if done.returncode == 0 else None


def ensure_snowfakery() -> tuple[Path, str] | str:
    """(the snowfakery executable, its version), installing the pinned version if needed;
    or the reason it could not be installed."""
    python = VENV / "bin" / "python"
    version = installed_version(python)
    if version != SNOWFAKERY_VERSION:
        print(f"installing snowfakery=={SNOWFAKERY_VERSION} into {VENV} ...", flush=True)
        pins = [f"snowfakery=={SNOWFAKERY_VERSION}", SETUPTOOLS]
        steps = {
            f"python -m venv {VENV}": [sys.executable, "-m", "venv", str(VENV)],
            f"pip install {' '.join(pins)}": [str(python), "-m", "pip", "install", "-q", *pins],
        }
        for label, step in steps.items():
            done = subprocess.run(step, cwd=ROOT, capture_output=True, text=True)
            if done.returncode != 0:
                lines = [ln for ln in done.stderr.splitlines() if ln.strip()]
                return f"`{label}` failed: {lines[-1] if lines else f'exit {done.returncode}'}"
        version = installed_version(python)
        if version != SNOWFAKERY_VERSION:
            return f"snowfakery=={SNOWFAKERY_VERSION} installed but does not import in {VENV}"
    return VENV / "bin" / "snowfakery", version


# -- inputs at --rows ----------------------------------------------------------------------


def plan_with_rows(dest: Path, rows: int) -> Path:
    """A copy of the chain plan with every target's rows set to ``rows``."""
    doc = json.loads((ROOT / PLAN).read_text())
    for target in doc["targets"]:
        target["rows"] = rows
    dest.write_text(json.dumps(doc, indent=2))
    return dest


def recipe_with_rows(dest: Path, rows: int) -> Path:
    """A copy of the recipe with every object's ``count`` set to ``rows``."""
    text, found = re.subn(r"(?m)^(\s+count:\s*)\d+\s*$", rf"\g<1>{rows}", (ROOT / RECIPE).read_text())
    if found != TABLES:
        raise SystemExit(f"{RECIPE}: expected {TABLES} `count:` lines, found {found}")
    dest.write_text(text)
    return dest


# -- one run -------------------------------------------------------------------------------


def data_rows(folder: Path) -> dict[str, int]:
    """Data rows (header excluded) of every CSV under ``folder``, by file name (symlinked
    directories, like datalchemy-mp's ``latest``, are not followed)."""
    counts = {}
    for parent, _, files in os.walk(folder):
        for name in sorted(f for f in files if f.endswith(".csv")):
            with (Path(parent) / name).open(newline="", encoding="utf-8") as f:
                counts[name] = sum(1 for _ in csv.reader(f)) - 1
    return counts


def timed_run(argv: list[str], out: Path, expected: int) -> tuple[float, dict[str, int]]:
    """Wall seconds of the whole command, and the data rows it wrote under ``out``."""
    start = time.perf_counter()
    done = subprocess.run(argv, cwd=ROOT, env=command_env(), capture_output=True, text=True)
    wall = time.perf_counter() - start
    if done.returncode != 0:
        raise SystemExit(f"`{' '.join(argv)}` exited {done.returncode}:\n{done.stderr[-2000:]}")
    counts = data_rows(out)
    if sum(counts.values()) != expected:
        raise SystemExit(f"`{' '.join(argv)}` wrote {counts}, expected {expected} data rows in total")
    return wall, counts


# -- main ----------------------------------------------------------------------------------


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=5, help="runs of each command (default 5)")
    parser.add_argument("--rows", type=int, default=DEFAULT_ROWS, help="rows per table (default 100000)")
    parser.add_argument("--json", type=Path, help="write the raw figures to this file")
    args = parser.parse_args()

    if not (ROOT / PYTHON).exists():
        raise SystemExit(f"{PYTHON} not found: create the repository's venv first")
    found = ensure_snowfakery()
    if isinstance(found, str):
        print(f"Snowfakery comparison skipped: {found}")
        return
    snowfakery, version = found
    print(f"snowfakery {version} ({VENV}), datalchemy-mp from {PYTHON}")

    expected = TABLES * args.rows
    walls: dict[str, list[float]] = {"datalchemy-mp": [], "snowfakery": []}
    with tempfile.TemporaryDirectory(prefix="bench_snowfakery_") as tmp_name:
        tmp = Path(tmp_name)
        plan, recipe = PLAN, RECIPE
        if args.rows != DEFAULT_ROWS:
            plan = plan_with_rows(tmp / "chain.plan.json", args.rows)
            recipe = recipe_with_rows(tmp / "chain.snowfakery.yml", args.rows)
        out = tmp / "out"
        commands = {
            "datalchemy-mp": [str(PYTHON), "-m", "datalchemy_mp", "generate", "-s", str(SCHEMA)]
            + ["-p", str(plan), "-o", str(out), "--base-date", "2025-01-15", "-q"],
            "snowfakery": [str(snowfakery), str(recipe)]
            + ["--output-format", "csv", "--output-folder", str(out)],
        }
        for name, argv in commands.items():
            print(f"{name}: {' '.join(argv).replace(str(tmp), 'TMP')}")
        load_before = os.getloadavg()
        print(f"load average before: {load_before[0]:.2f} {load_before[1]:.2f} {load_before[2]:.2f}")
        print(f"{'run':>4}  {'tool':<14}{'wall s':>9}  rows")
        for run in range(args.runs):
            order = list(commands) if run % 2 == 0 else list(commands)[::-1]
            for name in order:
                shutil.rmtree(out, ignore_errors=True)
                wall, counts = timed_run(commands[name], out, expected)
                walls[name].append(wall)
                rows = " ".join(f"{k}={v}" for k, v in counts.items())
                print(f"{run + 1:>4}  {name:<14}{wall:>9.3f}  {rows}", flush=True)
        shutil.rmtree(out, ignore_errors=True)
        load_after = os.getloadavg()

    medians = {name: statistics.median(w) for name, w in walls.items()}
    ratio = medians["snowfakery"] / medians["datalchemy-mp"]
    print(f"load average after:  {load_after[0]:.2f} {load_after[1]:.2f} {load_after[2]:.2f}")
    print(f"\n{'tool':<14}{'median s':>10}{'rows/s':>12}   ({args.runs} runs, {expected} rows each)")
    for name, median in medians.items():
        print(f"{name:<14}{median:>10.3f}{expected / median:>12,.0f}")
    print(f"ratio of medians (snowfakery / datalchemy-mp): {ratio:.1f}x")

    if args.json:
        commit = subprocess.run(["git", "rev-parse", "HEAD"], cwd=ROOT, capture_output=True, text=True)
        figures = {
            "date": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
            "commit": commit.stdout.strip(),
            "snowfakery_version": version,
            "rows_per_table": args.rows,
            "rows_total": expected,
            "runs": args.runs,
            "commands": {k: [a.replace(str(tmp), "TMP") for a in v] for k, v in commands.items()},
            "wall_s": walls,
            "median_s": medians,
            "rows_per_s": {k: expected / v for k, v in medians.items()},
            "ratio_snowfakery_over_datalchemy_mp": ratio,
            "loadavg_before": load_before,
            "loadavg_after": load_after,
            "cpus": os.cpu_count(),
        }
        args.json.write_text(json.dumps(figures, indent=2) + "\n")
        print(f"raw figures: {args.json}")


if __name__ == "__main__":
    main()
