"""Run independent work on every core with forked workers that share the parent's memory."""

from __future__ import annotations

import gc
import multiprocessing
import os
import pickle
from typing import Callable, Sequence, TypeVar

T = TypeVar("T")
R = TypeVar("R")

# Below this many items forking costs more than it saves (forking and collecting ~50 ms).
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
    finish within a small slice of each other however long the work of `first` took. Contiguous,
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


def work_queue(fn: Callable[[Sequence[T]], R], items: Sequence[T], first: Callable[[], bool] | None = None,
               processes: int | None = None) -> tuple[list[R], bool]:
    """Apply `fn` to slices of `items` in this process and in forked children, each taking the next
    slice when it is done with one; return the results in slice order, and what `first` returned.

    `fn` and the data it reads are inherited through fork, not pickled, so it may be a closure
    over the whole site; only each slice's result travels back (pickled), and an exception in a
    child is raised here. `first()` is work of this process's own (the rules of a build) done
    before it takes slices:
    the children start on the slices meanwhile, and join in its result through the shared memory
    they were forked from, so nothing is copied for them. When `first` returns False no slice is
    started any more and the results are partial (the caller throws them away). Children only
    touch — and so copy — the slices they take. One process for small inputs or without fork.
    """
    processes = processes or workers()
    if processes <= 1 or len(items) < MIN_ITEMS or "fork" not in multiprocessing.get_all_start_methods():
        go_on = first() if first is not None else True
        return ([fn(items)] if go_on else []), go_on
    parts = guided(items, processes)
    context = multiprocessing.get_context("fork")
    taken = context.Value("i", 0)  # the next slice to take (its lock is shared through fork)

    def take() -> int:
        with taken.get_lock():
            index = taken.value
            taken.value = index + 1
            return index

    def drain() -> list[tuple[int, R]]:
        done = []
        while (index := take()) < len(parts):
            done.append((index, fn(parts[index])))
        return done

    def drain_pickled() -> list[tuple[int, bytes]]:
        # A child pickles each result as it goes: that work is shared out with the slices,
        # instead of one large pickle after the last slice that every process would wait for.
        done = []
        while (index := take()) < len(parts):
            done.append((index, pickle.dumps(fn(parts[index]), pickle.HIGHEST_PROTOCOL)))
        return done
    children = [fork_call(drain_pickled) for _ in range(processes - 1)]
    # The objects that exist now live until the end of the work: the collector need not walk them
    # again and again while this process makes its share of new ones.
    gc.freeze()
    try:
        go_on = first() if first is not None else True
        if not go_on:
            with taken.get_lock():
                taken.value = len(parts)  # no new slice for anyone
        done = drain()
    except BaseException:
        with taken.get_lock():
            taken.value = len(parts)
        _results(children)  # no process outlives the work
        raise
    finally:
        gc.unfreeze()
    for part in _results(children, strict=True):
        done += [(index, pickle.loads(data)) for index, data in part]
    return [result for _, result in sorted(done, key=lambda pair: pair[0])], go_on


def _results(children: list[Callable[[], R]], strict: bool = False) -> list[R]:
    """Wait for every child, even after one failed; with `strict`, then raise the first failure."""
    results, failure = [], None
    for child in children:
        try:
            results.append(child())
        except BaseException as exc:
            failure = failure or exc
    if strict and failure is not None:
        raise failure
    return results


def fork_call(work: Callable[[], R]) -> Callable[[], R]:
    """Start `work()` in a forked child now, on a core of its own; return a function that waits for
    its (pickled) result, or raises the exception it raised. Without fork, `work` runs when the
    result is asked for."""
    if "fork" not in multiprocessing.get_all_start_methods():
        return work
    read_end, write_end = os.pipe()
    gc.freeze()  # the child's collector leaves the inherited objects (and their pages) alone
    try:
        pid = os.fork()
    finally:
        gc.unfreeze()
    if pid == 0:  # the child: compute, send, leave without running any of the parent's cleanup
        status = 1
        try:
            os.close(read_end)
            try:
                outcome = (True, work())
            except BaseException as exc:  # handed to the parent, which raises it
                outcome = (False, exc)
            with os.fdopen(write_end, "wb") as pipe:
                try:
                    data = pickle.dumps(outcome, pickle.HIGHEST_PROTOCOL)
                except Exception:  # an exception that does not pickle: its text still travels
                    import traceback
                    data = pickle.dumps((False, RuntimeError("".join(traceback.format_exception(outcome[1])))))
                pipe.write(data)
            status = 0
        finally:
            os._exit(status)
    os.close(write_end)

    def result() -> R:
        with os.fdopen(read_end, "rb") as pipe:
            data = pipe.read()
        _, status = os.waitpid(pid, 0)
        if status != 0 or not data:
            raise RuntimeError("a forked worker failed")
        ok, value = pickle.loads(data)
        if not ok:
            raise value
        return value
    return result
