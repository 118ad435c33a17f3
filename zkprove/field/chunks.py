"""How every parallel kernel splits its rows: CHUNKS tasks of contiguous rows.

A parallel kernel here is a ``prange`` over :data:`CHUNKS` tasks; task c
hands rows ``[chunk_start(c, n), chunk_start(c + 1, n))`` to a serial
``@njit`` function that takes only arrays and ints. The body does not go
straight into a ``prange`` over the rows because numba's parallel regions
cannot capture tuple-valued locals (a field spec, a point as limb tuples):
the code that handles those has to be a separately compiled serial
function, called once per task. 64 tasks are enough for numba's scheduler
to balance rows of uneven cost (sparse rows, scalars with many zero digits)
over any thread count here, while the per-task overhead stays negligible.
"""

from numba import njit

CHUNKS = 64


@njit(cache=True, inline="always")
def chunk_start(task, n, tasks=CHUNKS):
    """First row of ``task`` when n rows are cut into ``tasks`` contiguous chunks (the last ends at n)."""
    return task * n // tasks
