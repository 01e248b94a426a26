"""Run independent work on every core with forked workers that share the parent's memory."""

from __future__ import annotations

import functools
import gc
import multiprocessing
import os
import pickle
from typing import Callable, Sequence, TypeVar


T = TypeVar("T")
R = TypeVar("R")

# Below this many items forking and collecting the results costs more than it saves.
MIN_ITEMS = 400


def workers() -> int:
    """How many processes to use: the cores this process may run on, at most 8."""
    try:
        return max(1, min(8, len(os.sched_getaffinity(0))))
    except AttributeError:  # not Linux
        return max(1, min(8, os.cpu_count() or 1))


def guided(items: Sequence[T], processes: int) -> list[Sequence[T]]:
    """Split items into contiguous slices that shrink as the work goes on (guided scheduling).

    Each slice is a share of what is left (1/2 per process), never less than 1/64 per process of
    the whole: the first slices are large (few hand-overs), the last ones small, so the processes
    finish within a small slice of each other however unevenly the slices' work is spread. Contiguous,
    not interleaved: neighbouring items were allocated together and write into the same folders,
    so each worker touches (and copies on write) only its own part of the memory and its folders.
    """
    total = len(items)
    smallest = max(1, total // (processes * 64))
    result, start = [], 0
    while start < total:
        size = max(smallest, -(-(total - start) // (processes * 2)))
        result.append(items[start:start + size])
        start += size
    return result


def work_queue(fn: Callable[[Sequence[T]], R], items: Sequence[T], alongside: Callable[[], object] | None = None,
               processes: int | None = None, min_items: int = MIN_ITEMS, here: bool = False) -> list[R]:
    """Apply `fn` to slices of `items` (`guided`) in forked workers, each taking the next slice when
    it is done with one; return the results in slice order.

    The workers are a `multiprocessing` pool with the fork context, forked when the work starts, so
    `fn` and the data it reads are inherited, not pickled: it may be a closure over the whole site;
    only each worker's results travel back, and an exception in a worker is raised here. This
    process runs `alongside()`, work of its own (the build compiles its templates while the children
    parse), and collects. With `here` it takes slices too, as one of the `processes`: worth it when
    the results are what it keeps anyway (parsed documents cost more pickled back from a child);
    not when the work leaves it memory it would hold to the end of the build, through the search
    index's peak (rendering, the rules), which a worker's exit gives back. One process (`alongside`
    first) for fewer than `min_items` items or without fork.
    """
    processes = processes or workers()
    if processes <= 1 or len(items) < min_items or not hasattr(os, "fork"):
        if alongside is not None:
            alongside()
        return [fn(items)]
    parts = guided(items, processes)
    taken = multiprocessing.get_context("fork").Value("i", 0)  # the next slice's number, shared by every process

    def drain(pickled: bool) -> list[tuple[int, R | bytes]]:
        done = []
        while True:
            with taken.get_lock():
                index = taken.value
                taken.value = index + 1
            if index >= len(parts):
                return done
            result = fn(parts[index])
            # A worker pickles each result as it goes: pickling is shared out with the slices, and
            # what travels back at the end is bytes, copied once.
            done.append((index, pickle.dumps(result, pickle.HIGHEST_PROTOCOL) if pickled else result))
    children = processes - 1 if here else processes
    pool = _forked_pool(children, functools.partial(drain, True))
    try:
        pending = [pool.apply_async(_call_inherited) for _ in range(children)]
        if alongside is not None:
            alongside()
        done = drain(False) if here else []
        for child in pending:
            done += [(index, pickle.loads(data)) for index, data in child.get()]
        pool.close()
        pool.join()
    finally:
        pool.terminate()
    return [result for _, result in sorted(done, key=lambda pair: pair[0])]


def fork_call(work: Callable[[], R]) -> Callable[[], R]:
    """Start `work()` in a forked process now; return a function that waits for its result, or
    raises the exception it raised. Without fork, `work` runs when the result is asked for."""
    if not hasattr(os, "fork"):
        return work
    pool = _forked_pool(1, work)
    pending = pool.apply_async(_call_inherited)

    def result() -> R:
        try:
            return pending.get()
        finally:
            pool.terminate()
    return result


_INHERITED: Callable | None = None
"""The work of the pool being forked: its workers inherit it (see `_forked_pool`)."""


def quiet_worker(collect: bool = False) -> None:
    """What every pool worker does first: leave Ctrl+C to the parent (which stops the pool), end
    without a word when the pool is terminated — a worker forked after the preview turned SIGTERM
    into KeyboardInterrupt would otherwise print a traceback — and, with `collect`, run the cycle
    collector (a build pauses its own)."""
    import signal
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    if collect:
        gc.enable()


def _forked_pool(processes: int, work: Callable):
    """A fork-context pool whose workers inherit `work` (called by `_call_inherited`) and the whole
    memory of this process. The objects that exist now are frozen first, so that no collector in a
    worker walks (and so copies) the pages it inherited."""
    global _INHERITED
    _INHERITED = work
    gc.freeze()
    try:
        return multiprocessing.get_context("fork").Pool(processes, initializer=quiet_worker)
    finally:
        gc.unfreeze()
        _INHERITED = None


def _call_inherited(*args):
    return _INHERITED(*args)
