"""Imported only by the forkserver, last of its preload list: what it loaded is moved out of
the garbage collector's reach (``gc.freeze``) before any worker forks.

A worker's collections would otherwise walk every object the forkserver preloaded, and write
to each one's header, copying page after page of the shared memory: ~40 ms at each start and
again during the task, for a preload of a few tens of MiB.
"""

import gc

gc.freeze()
