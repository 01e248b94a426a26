"""Write outputs atomically: everything goes to a staging folder beside `site/`, then one swap."""

from __future__ import annotations

import os
import shutil
import sys
import tempfile
from pathlib import Path

from gen.folders import clear_unheld, held_folder, release
from gen.output import Output

MARKER = ".gongkai-output"
"""Present in every folder gongkai wrote, so a swap never replaces a folder it did not make."""


class OutputError(Exception):
    """The output folder cannot be replaced safely."""


def begin(out: Path) -> Path:
    """Make a new, empty staging folder next to `out` (refusing to replace a folder not ours).

    The folder is readable by a web server running as another user (as the umask allows), and a
    lock held for the life of this process tells other builds it is in use: what earlier builds
    left behind when they were killed is cleared here first (see `clear_leftovers`).
    """
    out = out.resolve()
    if out.exists() and any(out.iterdir()) and not (out / MARKER).exists():
        raise OutputError(f"输出目录 {out} 已存在且不是 gongkai 生成的，为避免误删，已停止。请换一个输出目录或先手动清空它。")
    out.parent.mkdir(parents=True, exist_ok=True)
    clear_leftovers(out)
    staging = held_folder(out.parent, f".{out.name}.tmp-", 0o777)  # less the umask, as any folder a user makes
    (staging / MARKER).write_bytes(b"gongkai\n")
    return staging


def clear_leftovers(out: Path) -> None:
    """Remove what interrupted builds left beside `out`: staging folders whose lock nobody holds,
    and previous sites being deleted. A previous site renamed aside by a swap that was cut short
    (no `out` now) is put back, so that a later failure never deletes the only copy."""
    parent = out.parent
    for leftover in parent.glob(f".{out.name}.del-*"):
        remove_later(leftover)
    recover(out)
    for leftover in parent.glob(f".{out.name}.old-*"):
        _delete(leftover, out)
    clear_unheld(parent, f".{out.name}.tmp-*.lock")
    for folder in parent.glob(f".{out.name}.tmp-*"):
        if folder.is_dir() and not Path(f"{folder}.lock").exists():  # from a version that made no lock
            shutil.rmtree(folder, ignore_errors=True)


def recover(out: Path) -> None:
    """Put back the previous site that a swap cut short between its two renames left aside, when
    there is no `out`: the first thing a build does, so that no later failure can lose it."""
    out = out.resolve()
    if out.exists() or not out.parent.is_dir():
        return
    aside = sorted(out.parent.glob(f".{out.name}.old-*"), key=lambda p: p.stat().st_mtime_ns)
    if aside:
        os.rename(aside[-1], out)


class Writer:
    """Writes outputs into one folder, making each parent folder once."""

    def __init__(self, folder: Path):
        self.folder = folder
        self.made: set[str] = set()

    def _target(self, path: str) -> str:
        if path.startswith("/") or "/../" in f"/{path}/" or "\x00" in path:
            raise OutputError(f"输出路径“{path}”离开了输出目录，已停止。")
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
            shutil.copyfile(output.source, target)  # in the kernel where it can (sendfile)
            return
        with open(target, "wb") as file:
            file.write(output.data or b"")

    def link(self, previous: Path, path: str) -> bool:
        """Reuse a file of the previous output as it is (a hard link); False if that cannot be done."""
        try:
            os.link(previous, self._target(path))
            return True
        except OSError:
            return False


def swap(staging: Path, out: Path) -> None:
    """Replace `out` by `staging` so that readers never see a half-written site and there is never
    a moment without a complete one: one atomic exchange of the two names where the system has it
    (Linux renameat2), else two renames that the next build undoes if cut short between them.

    The previous site is deleted by a detached process (see `remove_later`): deleting tens of
    thousands of files takes seconds the build need not wait for.
    """
    out = out.resolve()
    staging.chmod(0o777 & ~_umask())
    if out.exists() and _exchange(staging, out):
        release(staging)
        _delete(staging, out)  # now the previous site
    elif out.exists():
        old = Path(tempfile.mkdtemp(prefix=f".{out.name}.old-", dir=out.parent))
        os.rmdir(old)  # a name no other build uses, free for the rename
        os.rename(out, old)
        os.rename(staging, out)
        release(staging)
        _delete(old, out)
    else:
        os.rename(staging, out)
        release(staging)


def _delete(folder: Path, out: Path) -> None:
    """Rename a previous site of `out` to a name that says it is being deleted, then delete it in the background."""
    doomed = Path(tempfile.mkdtemp(prefix=f".{out.name}.del-", dir=folder.parent))
    os.rmdir(doomed)
    os.rename(folder, doomed)
    remove_later(doomed)


def _exchange(first: Path, second: Path) -> bool:
    """Swap two paths' names in one step (Linux renameat2 RENAME_EXCHANGE); False where unavailable."""
    if not sys.platform.startswith("linux"):
        return False
    import ctypes  # only here: the one system call Python does not expose
    libc = ctypes.CDLL(None, use_errno=True)
    call = getattr(libc, "renameat2", None)
    if call is None:
        return False
    at_cwd, rename_exchange = -100, 2
    return call(at_cwd, os.fsencode(first), at_cwd, os.fsencode(second), rename_exchange) == 0


def _umask() -> int:
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def remove_later(folder: Path) -> None:
    """Delete a folder with `rm -rf` in a process of its own session that nobody waits for (holding
    none of this process's files, so whoever reads our output does not wait for it either); where
    there is no `rm`, delete it now. A deletion cut short leaves a `.NAME.old-*` folder, which the
    next `begin` clears."""
    import subprocess
    try:
        subprocess.Popen(["rm", "-rf", "--", str(folder)], stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                         stderr=subprocess.DEVNULL, start_new_session=True)
    except OSError:
        shutil.rmtree(folder, ignore_errors=True)


def discard(staging: Path) -> None:
    shutil.rmtree(staging, ignore_errors=True)
    release(staging)
