"""Run a DAG of tasks, each in its own fresh process, under memory and wall-time limits.

Generic: it knows tasks, edges, processes and limits, nothing of what the tasks do.
"""

from .atomic import write_atomic, write_json_atomic
from .child import progress
from .executor import Executor
from .outcome import Event, Outcome, RunResult, Status
from .pool import LocalPool, run, wait_ready
from .server import fork_server, forked_server, prestart
from .signals import Interrupted, catch_shutdown, exit_code
from .sizes import parse_size
from .task import Limits, Task

__all__ = [
    "Event",
    "Executor",
    "Interrupted",
    "Limits",
    "LocalPool",
    "Outcome",
    "RunResult",
    "Status",
    "Task",
    "catch_shutdown",
    "exit_code",
    "fork_server",
    "forked_server",
    "parse_size",
    "prestart",
    "progress",
    "run",
    "wait_ready",
    "write_atomic",
    "write_json_atomic",
]
