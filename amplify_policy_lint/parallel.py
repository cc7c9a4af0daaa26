"""``--jobs N``: lint groups of files in N worker processes.

Files are linted in groups (a group's files may share principals, see ``linter.group_files``),
and groups never depend on each other, so they are handed to workers in chunks of
consecutive groups: a chunk is one task, which keeps the cost of handing work over small
next to the work itself. Results come back in the order of the chunks, and each worker
merges its groups in order, so the report is the one a single process makes.

Workers are started with the platform's default method; everything they receive (the
settings, lists of paths) and return (reports) is plain data, so the spawn method (macOS,
Windows, Python 3.14's default on Linux) works too. Each worker builds its own plan and
reads the catalog services it needs itself, once.
"""
from __future__ import annotations

import concurrent.futures
import multiprocessing

from .config import Settings

TYPE_CHECKING = False  # typing is not imported at run time: start-up (tests/test_startup_imports.py)
if TYPE_CHECKING:  # pragma: no cover - typing only
    from typing import Any, Callable, Iterator, Sequence
    from .report import Report

# Start method for the workers; None: the platform's default. (A test sets "spawn".)
START_METHOD: str | None = None
# Tasks per worker: a few each, so that a worker that drew slow files does not hold up the
# end of the run while the others wait.
CHUNKS_PER_WORKER = 4
MAX_CHUNK = 64  # groups per task: keeps the progress line moving on very large runs

Task = tuple[tuple[str, ...], tuple[str, ...]]  # a group of files, and its context files



def lint_in_processes(tasks: Sequence[Task], settings: Settings, jobs: int,
                      start: Callable[[Settings], Any], work: Callable[[list[Task]], "Report"]
                      ) -> Iterator[tuple["Report", int]]:
    """(report, number of files) for each chunk of ``tasks``, in order. Each worker runs
    ``start(settings)`` once, then ``work(chunk)`` per chunk: module-level functions of the
    pipeline (linter.py), which the workers import by name."""
    chunks = _chunks(tasks, jobs)
    context = multiprocessing.get_context(START_METHOD)
    with concurrent.futures.ProcessPoolExecutor(max_workers=min(jobs, len(chunks)), mp_context=context,
                                                initializer=start, initargs=(settings,)) as pool:
        for chunk, report in zip(chunks, pool.map(work, chunks)):
            yield report, sum(len(group) for group, _ in chunk)


def _chunks(tasks: Sequence[Task], jobs: int) -> list[list[Task]]:
    size = max(1, min(MAX_CHUNK, -(-len(tasks) // (jobs * CHUNKS_PER_WORKER))))
    return [list(tasks[start:start + size]) for start in range(0, len(tasks), size)]
