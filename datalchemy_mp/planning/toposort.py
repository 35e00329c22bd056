"""The one topological sort of the package (``supervisor/`` keeps its own: it is generic)."""

from __future__ import annotations

import heapq
from collections.abc import Iterable, Mapping
from typing import Any, TypeVar

N = TypeVar("N", bound=Any)


def toposort(nodes: Iterable[N], parents: Mapping[N, Iterable[N]]) -> tuple[list[N], list[N]]:
    """Parents before children (Kahn's algorithm, the smallest ready node first, so the order
    is stable). Self-references and parents outside ``nodes`` are ignored.

    Returns (order, rest): ``rest`` holds the nodes on or below a cycle, sorted."""
    nodes = list(dict.fromkeys(nodes))
    known = set(nodes)
    waiting: dict[N, int] = {}
    children: dict[N, list[N]] = {n: [] for n in nodes}
    for n in nodes:
        ps = {p for p in parents.get(n, ()) if p != n and p in known}
        waiting[n] = len(ps)
        for p in ps:
            children[p].append(n)
    ready = [n for n in nodes if waiting[n] == 0]
    heapq.heapify(ready)
    order: list[N] = []
    while ready:
        n = heapq.heappop(ready)
        order.append(n)
        for child in children[n]:
            waiting[child] -= 1
            if waiting[child] == 0:
                heapq.heappush(ready, child)
    done = set(order)
    return order, sorted(n for n in nodes if n not in done)
