"""Folders and files that every stage shares: scratch folders held by a lock while a process uses
them (and cleared when the process that held one was killed), and files linked from one output into
the next."""

from __future__ import annotations

import fcntl
import os
import shutil
import tempfile
from pathlib import Path


def held_folder(parent: Path, prefix: str, mode: int) -> Path:
    """A new folder in `parent` whose lock file (`<folder>.lock`) this process holds until `release`.

    The lock exists before its folder, so a folder without a held lock is always a leftover
    (`clear_unheld`)."""
    handle, lock = tempfile.mkstemp(prefix=prefix, suffix=".lock", dir=parent)
    fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
    folder = Path(lock[: -len(".lock")])
    os.mkdir(folder, mode)
    _LOCKS[str(folder)] = handle
    return folder


def clear_unheld(parent: Path, pattern: str) -> None:
    """Remove the folders of the lock files in `parent` matching `pattern` that nobody holds (their
    builds were killed); folders of running builds stay."""
    for lock in parent.glob(pattern):
        folder = Path(str(lock)[: -len(".lock")])
        try:
            handle = os.open(lock, os.O_RDWR | os.O_CLOEXEC)
        except OSError:
            continue
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:  # a build in progress
            os.close(handle)
            continue
        try:
            shutil.rmtree(folder, ignore_errors=True)
            lock.unlink(missing_ok=True)
        finally:
            os.close(handle)


_LOCKS: dict[str, int] = {}
"""Held folder → the descriptor of its held lock file."""


def release(folder: Path) -> None:
    """Drop a `held_folder`'s lock (the folder is gone, or has become the site)."""
    handle = _LOCKS.pop(str(folder), None)
    if handle is not None:
        Path(f"{folder}.lock").unlink(missing_ok=True)
        os.close(handle)


def link_or_copy(source: Path | str, target: Path | str) -> None:
    """A file of a previous output (or a department's site) in a new one: a hard link, a copy where
    links cannot be made (another file system)."""
    try:
        os.link(source, target)
    except OSError:
        shutil.copy2(source, target)
