"""Write outputs atomically: everything goes to a staging folder beside `site/`, then one swap."""

from __future__ import annotations

import os
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path

MARKER = ".gongkai-output"
"""Present in every folder gongkai wrote, so a swap never replaces a folder it did not make."""


@dataclass(frozen=True)
class Output:
    """One output file: bytes to write, or a source file to copy as it is."""

    path: str
    """Path under the output folder, `/`-separated."""
    data: bytes | None = None
    source: str | Path | None = None
    """A file to copy (its path as text or Path)."""
    stamp: str | None = None
    """`size:mtime_ns` of `source` when it was listed, before any copy (what incremental builds compare);
    None: asked of the file system when needed."""


class OutputError(Exception):
    """The output folder cannot be replaced safely."""


def begin(out: Path) -> Path:
    """Make a new, empty staging folder next to `out` (refusing to replace a folder not ours)."""
    out = out.resolve()
    if out.exists() and any(out.iterdir()) and not (out / MARKER).exists():
        raise OutputError(f"输出目录 {out} 已存在且不是 gongkai 生成的，为避免误删，已停止。请换一个输出目录或先手动清空它。")
    out.parent.mkdir(parents=True, exist_ok=True)
    for leftover in out.parent.glob(f".{out.name}.old-*"):  # a previous site whose deletion was cut short
        remove_later(leftover)
    staging = Path(tempfile.mkdtemp(prefix=f".{out.name}.tmp-", dir=out.parent))
    (staging / MARKER).write_bytes(b"gongkai\n")
    return staging


class Writer:
    """Writes outputs into one folder, making each parent folder once."""

    def __init__(self, folder: Path):
        self.folder = folder
        self.made: set[str] = set()

    def _target(self, path: str) -> str:
        target = os.path.join(self.folder, path)
        parent = os.path.dirname(path)
        if parent not in self.made:
            folder = os.path.dirname(target)
            try:
                os.mkdir(folder)  # one system call when the parent folder exists (nearly always)
            except FileNotFoundError:
                os.makedirs(folder, exist_ok=True)
            except FileExistsError:
                pass
            self.made.add(parent)
        return target

    def write(self, output: Output) -> None:
        target = self._target(output.path)
        if output.source is not None:
            _copy(output.source, target)
            return
        # os.open, not open(): no buffer, no isatty probe, no seek — three system calls fewer per page.
        descriptor = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | os.O_CLOEXEC, 0o666)
        try:
            write_all(descriptor, output.data or b"")
        finally:
            os.close(descriptor)

    def link(self, previous: Path, path: str) -> bool:
        """Reuse a file of the previous output as it is (a hard link); False if that cannot be done."""
        try:
            os.link(previous, self._target(path))
            return True
        except OSError:
            return False


def write_all(descriptor: int, data: bytes) -> None:
    """Write all of `data` to a file descriptor (os.write may take only part of it)."""
    view = memoryview(data)
    while view:
        view = view[os.write(descriptor, view):]


def _copy(source: str | Path, target: str) -> None:
    """Copy a file's bytes (an attachment) in the kernel, without shutil's checks and buffers."""
    reading = os.open(source, os.O_RDONLY | os.O_CLOEXEC)
    try:
        descriptor = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | os.O_CLOEXEC, 0o666)
        try:
            size = os.fstat(reading).st_size
            offset = 0
            try:
                while offset < size:
                    sent = os.sendfile(descriptor, reading, offset, size - offset)
                    if sent == 0:
                        break
                    offset += sent
            except OSError:  # no sendfile for these files here: copy through memory
                os.lseek(descriptor, 0, os.SEEK_SET)
                os.ftruncate(descriptor, 0)
                os.lseek(reading, 0, os.SEEK_SET)
                while chunk := os.read(reading, 1 << 20):
                    write_all(descriptor, chunk)
        finally:
            os.close(descriptor)
    finally:
        os.close(reading)


def write_outputs(outputs: list[Output], staging: Path) -> None:
    """Write outputs into the staging folder (several processes may write disjoint outputs)."""
    writer = Writer(staging)
    for output in outputs:
        writer.write(output)


def stage(outputs: list[Output], out: Path) -> Path:
    """Write every output into a new staging folder next to `out` and return it."""
    staging = begin(out)
    try:
        write_outputs(outputs, staging)
    except BaseException:
        discard(staging)
        raise
    return staging


def swap(staging: Path, out: Path) -> None:
    """Replace `out` by `staging` with renames, so readers never see a half-written site.

    The previous site is renamed aside and deleted by a detached process (see `remove_later`):
    deleting tens of thousands of files takes seconds the build need not wait for.
    """
    out = out.resolve()
    if out.exists():
        old = Path(tempfile.mkdtemp(prefix=f".{out.name}.old-", dir=out.parent))
        os.rmdir(old)  # a name no other build uses, free for the rename
        os.rename(out, old)
        os.rename(staging, out)
        remove_later(old)
    else:
        os.rename(staging, out)


def remove_later(folder: Path) -> None:
    """Delete a folder in a detached process (reparented to init: never a zombie, never waited for,
    holding none of this process's files, so whoever reads our output does not wait for it either);
    without fork, delete it now. A deletion cut short leaves a `.NAME.old-*` folder, which the
    next `begin` clears."""
    if not hasattr(os, "fork"):
        shutil.rmtree(folder, ignore_errors=True)
        return
    pid = os.fork()
    if pid:
        os.waitpid(pid, 0)  # the middle process leaves at once
        return
    try:  # the middle process: start the deleter and leave
        if os.fork() == 0:
            try:
                os.setsid()
                null = os.open(os.devnull, os.O_RDWR)
                for descriptor in (0, 1, 2):
                    os.dup2(null, descriptor)
                os.closerange(3, 1 << 16)
                try:  # rm in place of this copy of the build, whose memory goes back at once
                    os.execv("/bin/rm", ["rm", "-rf", "--", str(folder)])
                except OSError:
                    shutil.rmtree(folder, ignore_errors=True)
            finally:
                os._exit(0)
    finally:
        os._exit(0)


def discard(staging: Path) -> None:
    shutil.rmtree(staging, ignore_errors=True)
