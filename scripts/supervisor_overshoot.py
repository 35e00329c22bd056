"""How far past its memory limit a worker gets before the supervisor stops it, and how fast a
worker starts.

    .venv/bin/python scripts/supervisor_overshoot.py [--runs 5]

A hog allocates 16 MiB chunks as fast as it can (one write per 4 KiB page, so every page is
resident) until it is killed, under limits of 256 MiB and 512 MiB. Printed: the median over the
runs of the RSS that crossed the limit, of the peak RSS the watchdog observed (it keeps sampling
until the worker is gone) and of the overshoot of that peak.
"""

from __future__ import annotations

import argparse
import statistics
import time

import supervisor
from supervisor import Event, Limits, Task

MIB = 1 << 20
CHUNK = 16 * MIB
PAGE = 4096
LIMITS_MIB = (256, 512)
# This script, imported by name in the workers (its directory is sys.path[0], which they inherit).
PRELOAD = ("supervisor_overshoot",)


def hog(payload: None) -> None:
    """Allocate until killed."""
    chunks = []
    while True:
        chunk = bytearray(CHUNK)
        chunk[::PAGE] = b"\x01" * (CHUNK // PAGE)
        chunks.append(chunk)


def hello(payload: None) -> None:
    """Report at once: the first progress message marks the worker as started."""
    supervisor.progress(hello=True)


def start_latencies_ms(runs: int) -> list[float]:
    """From just before the worker process is started to its first progress message."""
    latencies = []
    for _ in range(runs):
        seen: list[float] = []

        def on_event(event: Event, seen: list[float] = seen) -> None:
            if event.kind == "progress" and not seen:
                seen.append((time.time() - event.outcome.started_at) * 1000)

        supervisor.run([Task("hello", f"{__name__}:hello")], _limits(None), on_event)
        latencies.extend(seen)
    return latencies


def overshoot(limit_mib: int, runs: int) -> dict[str, float]:
    crossed, peaks, durations = [], [], []
    for _ in range(runs):
        result = supervisor.run([Task("hog", f"{__name__}:hog")], _limits(limit_mib * MIB))
        outcome = result.outcomes["hog"]
        assert outcome.reason == "memory_limit_exceeded", outcome
        crossed.append(outcome.detail["rss_bytes"] / MIB)
        peaks.append(outcome.peak_rss_bytes / MIB)
        durations.append(outcome.duration_ms)
    peak = statistics.median(peaks)
    return {
        "crossed": statistics.median(crossed),
        "peak": peak,
        "over": peak - limit_mib,
        "percent": (peak - limit_mib) / limit_mib * 100,
        "worst": max(peaks) - limit_mib,
        "duration": statistics.median(durations),
    }


def _limits(memory_limit_bytes: int | None) -> Limits:
    return Limits(workers=1, memory_limit_bytes=memory_limit_bytes, preload=PRELOAD)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    runs = parser.parse_args().runs
    poll_ms = _limits(None).poll_interval_s * 1000

    latencies = start_latencies_ms(runs * 2 + 1)
    print(f"worker start, cold (first worker, forkserver starts too): {latencies[0]:.0f} ms")
    warm = latencies[1:]
    print(
        f"worker start, warm: median {statistics.median(warm):.1f} ms "
        f"(min {min(warm):.1f}, max {max(warm):.1f}, {len(warm)} runs, preload {PRELOAD})"
    )
    print(f"\nmemory hog, {CHUNK // MIB} MiB chunks, poll every {poll_ms:.0f} ms, median of {runs}:")
    print("limit MiB | RSS at kill MiB | peak seen MiB | overshoot MiB | overshoot % | worst MiB | ms")
    for limit_mib in LIMITS_MIB:
        r = overshoot(limit_mib, runs)
        print(
            f"{limit_mib:9} | {r['crossed']:15.0f} | {r['peak']:13.0f} | {r['over']:13.0f} | "
            f"{r['percent']:11.1f} | {r['worst']:9.0f} | {r['duration']:.0f}"
        )


if __name__ == "__main__":
    main()
