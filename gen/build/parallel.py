"""Run independent work on every core with forked workers that share the parent's memory."""

from __future__ import annotations

import functools
import gc
import mmap
import os
import pickle
import select
import struct
from typing import Callable, Sequence, TypeVar

from gen.build.write import write_all

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
               processes: int | None = None, min_items: int = MIN_ITEMS) -> tuple[list[R], bool]:
    """Apply `fn` to slices of `items` in this process and in forked children, each taking the next
    slice when it is done with one; return the results in slice order, and what `first` returned.

    `fn` and the data it reads are inherited through fork, not pickled, so it may be a closure
    over the whole site; only each slice's result travels back (pickled), and an exception in a
    child is raised here. `first()` is work of this process's own (the rules of a build) done
    before it takes slices:
    the children start on the slices meanwhile, and join in its result through the shared memory
    they were forked from, so nothing is copied for them. When `first` returns False no slice is
    started any more and the results are partial (the caller throws them away). Children only
    touch — and so copy — the slices they take. One process for fewer than `min_items` items or without fork.
    """
    processes = processes or workers()
    if processes <= 1 or len(items) < min_items or not hasattr(os, "fork"):
        go_on = first() if first is not None else True
        return ([fn(items)] if go_on else []), go_on
    parts = guided(items, processes)
    queue = _queue(len(parts))

    def take() -> int:
        return _take(queue)

    def drain() -> list[tuple[int, R]]:
        done = []
        while (index := take()) >= 0:
            done.append((index, fn(parts[index])))
        return done

    def drain_into(channel: int) -> list[tuple[int, int, int]]:
        # A child pickles each result as it goes, into a file in memory that this process maps
        # when the work is done: pickling is shared out with the slices, and nothing is copied
        # twice. What travels back itself is only (slice, offset, length) of each result.
        placed, offset = [], 0
        while (index := take()) >= 0:
            data = pickle.dumps(fn(parts[index]), pickle.HIGHEST_PROTOCOL)
            placed.append((index, offset, len(data)))
            offset += len(data)
            write_all(channel, data)
        return placed
    channels = [_channel() for _ in range(processes - 1)]
    try:
        children = [fork_call(functools.partial(drain_into, channel)) for channel in channels]
        # The objects that exist now live until the end of the work: the collector need not walk
        # them again and again while this process makes its share of new ones.
        gc.freeze()
        try:
            go_on = first() if first is not None else True
            if not go_on:
                _empty(queue)  # no new slice for anyone
            done = drain()
        except BaseException:
            _empty(queue)
            _results(children)  # no process outlives the work
            raise
        finally:
            gc.unfreeze()
        for channel, placed in zip(channels, _results(children, strict=True)):
            if placed:
                with mmap.mmap(channel, 0, access=mmap.ACCESS_READ) as mapped:
                    with memoryview(mapped) as view:
                        done += [(index, pickle.loads(view[offset:offset + length])) for index, offset, length in placed]
    finally:
        os.close(queue)
        for channel in channels:
            os.close(channel)
    return [result for _, result in sorted(done, key=lambda pair: pair[0])], go_on


_INDEX = struct.Struct("=H")


def _queue(count: int) -> int:
    """The numbers 0 … count-1 of the slices, in a pipe: each process reads the next one when it is
    free. All are written before any process reads and the writing end is closed at once, so a read
    never waits: it gets a whole number (a pipe is read under a lock, two bytes at a time here), or
    nothing when every slice is taken. No shared counter or lock."""
    data = b"".join(_INDEX.pack(i) for i in range(count))
    if len(data) > getattr(select, "PIPE_BUF", 512):  # guided() makes about 9 slices per process: far fewer
        raise ValueError(f"too many slices for one pipe: {count}")
    reading, writing = os.pipe()
    try:
        os.set_blocking(writing, False)  # an empty pipe takes PIPE_BUF bytes at once; never wait for a reader
        if data:
            os.write(writing, data)
    except BaseException:
        os.close(reading)
        raise
    finally:
        os.close(writing)
    return reading


def _take(queue: int) -> int:
    """The next slice's number, or -1 when none is left."""
    data = os.read(queue, _INDEX.size)
    return _INDEX.unpack(data)[0] if len(data) == _INDEX.size else -1


def _empty(queue: int) -> None:
    """Take every slice that is left, so no process starts another."""
    os.set_blocking(queue, False)
    try:
        while os.read(queue, 65536):
            pass
    except BlockingIOError:  # nothing left (the writing end is closed, so this is only a safeguard)
        pass


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
    result is asked for.

    The result travels through an anonymous in-memory file, not a pipe: the child writes it all
    at once and leaves, whatever this process is busy with (a pipe holds 64 KB, so a large result
    would keep the child waiting until this process came to read it), and it is read in one call.
    """
    if not hasattr(os, "fork"):
        return work
    channel = _channel()
    gc.freeze()  # the child's collector leaves the inherited objects (and their pages) alone
    try:
        pid = os.fork()
    finally:
        gc.unfreeze()
    if pid == 0:  # the child: compute, send, leave without running any of the parent's cleanup
        status = 1
        try:
            try:
                outcome = (True, work())
            except BaseException as exc:  # handed to the parent, which raises it
                outcome = (False, exc)
            try:
                data = pickle.dumps(outcome, pickle.HIGHEST_PROTOCOL)
            except Exception:  # an exception that does not pickle: its text still travels
                import traceback
                data = pickle.dumps((False, RuntimeError("".join(traceback.format_exception(outcome[1])))))
            write_all(channel, data)
            status = 0
        finally:
            os._exit(status)

    def result() -> R:
        try:
            _, status = os.waitpid(pid, 0)
            size = os.lseek(channel, 0, os.SEEK_CUR)  # the child's writes moved the shared offset
            data = os.pread(channel, size, 0) if status == 0 else b""
        finally:
            os.close(channel)
        if status != 0 or not data or len(data) != size:
            raise RuntimeError("a forked worker failed")
        ok, value = pickle.loads(data)
        if not ok:
            raise value
        return value
    return result


def _channel() -> int:
    """A file descriptor for a child's result: an anonymous file in memory (Linux), else an unlinked temporary file."""
    try:
        return os.memfd_create("gongkai-result", os.MFD_CLOEXEC)
    except (AttributeError, OSError):
        import tempfile
        handle, name = tempfile.mkstemp(prefix="gongkai-result-")
        os.unlink(name)
        return handle
