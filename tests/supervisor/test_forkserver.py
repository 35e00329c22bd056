"""What each worker inherits from the forkserver: the caller's main script already imported
once, and the preloaded objects frozen out of the garbage collector's reach."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

SCRIPT = """
import json, os, sys
with open(os.environ["IMPORTS_LOG"], "a") as log:
    log.write(f"{os.getpid()} {__name__}\\n")

if __name__ == "__main__":
    import supervisor
    from supervisor import Limits, Task

    tasks = [Task(f"t{k}", "tests.supervisor.targets:frozen_objects") for k in range(3)]
    result = supervisor.run(tasks, Limits(workers=1, memory_limit_bytes=None))
    print(json.dumps({t: (o.status, o.result) for t, o in result.outcomes.items()}))
"""


def test_a_worker_neither_runs_the_main_script_again_nor_walks_the_preloaded_heap(tmp_path) -> None:
    script, imports = tmp_path / "caller.py", tmp_path / "imports.log"
    script.write_text(SCRIPT)
    env = {**os.environ, "IMPORTS_LOG": str(imports), "PYTHONPATH": str(ROOT)}
    done = subprocess.run(
        [sys.executable, str(script)], cwd=tmp_path, env=env, capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 0, done.stderr
    outcomes = json.loads(done.stdout)
    assert {s for s, _ in outcomes.values()} == {"OK"}, outcomes
    assert all(frozen > 0 for _, frozen in outcomes.values()), outcomes
    names = [line.split()[1] for line in imports.read_text().splitlines()]
    # The caller itself, then the forkserver once; before, every worker ran it again.
    assert names == ["__main__", "__mp_main__"], names


def test_a_worker_takes_ctrl_c_back_once_in_its_own_session() -> None:
    import supervisor
    from supervisor import Limits, Task

    result = supervisor.run(
        [Task("t", "tests.supervisor.targets:sigint_is_default")], Limits(workers=1, memory_limit_bytes=None)
    )
    assert result.outcomes["t"].result is True
