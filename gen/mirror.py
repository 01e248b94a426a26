"""A local copy of a department's published build, fetched from its web address for the portal.

A portal's `portal.yml` may name a department by the address its column is published at instead of
a folder. The portal needs only the department's manifest and its search bundle: the manifest says
where the bundle's file list is (`gongkai-files.json`: each file's path, size and SHA-256), and only
the files that the copy does not already hold with that digest are downloaded, each verified before
it takes its place. So after a department publishes again, the portal fetches what its new build
changed and nothing else; what another department published is not touched.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from gen import __version__
from gen import manifest as column_manifest

TIMEOUT = 60
"""Seconds to wait for a server before a request fails."""
PARALLEL = 8
"""Downloads at the same time from one department's server."""
MAX_MANIFEST = 256 << 20
"""Bytes a manifest or a file list may have (a column of 100,000 documents has some 50 MB)."""
STATE = ".gongkai-mirror.json"
"""In the copy's folder: each file's path → [size, modification time, SHA-256] when it was verified."""
_SAFE_PATH = re.compile(r"^(?!/)(?!.*(?:^|/)\.\.?(?:/|$))[A-Za-z0-9._\-/]+$")


class MirrorError(Exception):
    """The department's build could not be fetched completely; the message says what and why, in Chinese."""


def is_address(site: str) -> bool:
    return bool(re.match(r"https?://", site))


def folder_for(cache: Path, address: str) -> Path:
    """Where the copy of the build published at `address` is kept."""
    return cache / hashlib.sha256(address.encode("utf-8")).hexdigest()[:16]


def fetch(address: str, folder: Path) -> tuple[int, int]:
    """Bring the copy in `folder` up to date with the build published at `address` (ending in /);
    return (files downloaded, files kept). The new copy is made beside the old one (the files it
    still has linked over, the others downloaded and verified) and takes its place in one step: a
    fetch that fails half-way leaves the last complete copy as it was."""
    address = address if address.endswith("/") else address + "/"
    manifest_bytes = _get(address + column_manifest.NAME, MAX_MANIFEST)
    try:
        manifest = json.loads(manifest_bytes)
    except ValueError as error:
        raise MirrorError(f"{address}{column_manifest.NAME} 不是有效的 JSON（{error}）。") from error
    search = manifest.get("search") if isinstance(manifest, dict) else None
    listed: list[tuple[str, int, str]] = []
    list_bytes = b""
    if isinstance(search, dict) and isinstance(search.get("files"), str) and isinstance(search.get("bundle"), str):
        if not (_SAFE_PATH.match(search["files"]) and _SAFE_PATH.match(search["bundle"].rstrip("/"))):
            raise MirrorError(f"{address}{column_manifest.NAME} 中搜索索引的位置不是网站内的相对路径。")
        list_bytes = _get(address + search["files"], MAX_MANIFEST)
        bundle = search["bundle"].rstrip("/") + "/"
        try:
            entries = json.loads(list_bytes)["files"]
            listed = [(bundle + path, int(size), str(digest)) for path, size, digest in entries]
        except (ValueError, KeyError, TypeError) as error:
            raise MirrorError(f"{address}{search['files']} 不是 gongkai 的文件清单（{error}）。") from error
        for path, _, digest in listed:
            if not _SAFE_PATH.match(path) or not re.fullmatch(r"[0-9a-f]{64}", digest):
                raise MirrorError(f"{address}{search['files']} 中的“{path[:200]}”不是网站内的相对路径或 SHA-256 值。")
    from gen import folders
    from gen.build import write
    state = _state(folder) if folder.is_dir() else {}
    if _unchanged(folder, manifest_bytes, search, list_bytes) and all(_held(folder, state, *item) for item in listed):
        return 0, len(listed)  # the department has not published since: the copy stays as it is
    new_state: dict[str, list] = {}
    todo = []
    staging = write.begin(folder)
    try:
        for path, size, digest in listed:
            if _held(folder, state, path, size, digest):
                (staging / path).parent.mkdir(parents=True, exist_ok=True)
                folders.link_or_copy(folder / path, staging / path)
                new_state[path] = state[path]
            else:
                todo.append((path, size, digest))
        with ThreadPoolExecutor(PARALLEL) as pool:
            for path, stamp in zip([p for p, _, _ in todo], pool.map(lambda item: _download(address, staging, *item), todo)):
                new_state[path] = stamp
        if list_bytes:
            _write(staging / search["files"], list_bytes)
        _write(staging / STATE, json.dumps({"generator": __version__, "files": new_state}, sort_keys=True).encode("utf-8"))
        _write(staging / column_manifest.NAME, manifest_bytes)
        write.swap(staging, folder)  # the whole new copy at once, or the old one as it was
    except BaseException:
        write.discard(staging)
        raise
    return len(todo), len(listed) - len(todo)


def _unchanged(folder: Path, manifest_bytes: bytes, search: dict | None, list_bytes: bytes) -> bool:
    """Whether the copy holds this very manifest and file list."""
    try:
        if (folder / column_manifest.NAME).read_bytes() != manifest_bytes:
            return False
        return not list_bytes or (folder / search["files"]).read_bytes() == list_bytes
    except OSError:
        return False


def _state(folder: Path) -> dict[str, list]:
    try:
        data = json.loads((folder / STATE).read_text(encoding="utf-8"))
        return {str(k): list(v) for k, v in data["files"].items()}
    except (OSError, ValueError, KeyError, AttributeError, TypeError):
        return {}


def _held(folder: Path, state: dict[str, list], path: str, size: int, digest: str) -> bool:
    """Whether the copy holds this file with this digest (verified when it was fetched, and not changed since)."""
    try:
        stat = (folder / path).stat()
    except OSError:
        return False
    return state.get(path) == [size, stat.st_mtime_ns, digest] and stat.st_size == size


def _download(address: str, folder: Path, path: str, size: int, digest: str) -> list:
    data = _get(address + path, size)
    if len(data) != size or hashlib.sha256(data).hexdigest() != digest:
        raise MirrorError(f"{address}{path} 的内容与该部门文件清单中的校验值不符（可能正在发布中，或被改动过）。请稍后重试；"
                          "如果一直如此，请该部门整体重新发布网站。")
    target = folder / path
    _write(target, data)
    return [size, target.stat().st_mtime_ns, digest]


def _write(target: Path, data: bytes) -> None:
    """Write a file whole or not at all (a reader never sees half of it)."""
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_name(target.name + ".part")
    partial.write_bytes(data)
    os.replace(partial, target)


def _get(url: str, limit: int) -> bytes:
    request = urllib.request.Request(url, headers={"User-Agent": f"gongkai/{__version__} (portal)"})
    try:
        with urllib.request.urlopen(request, timeout=TIMEOUT) as response:
            data = response.read(limit + 1)
    except urllib.error.HTTPError as error:
        raise MirrorError(f"下载 {url} 失败：服务器回答 {error.code}。请确认该部门网站已用当前版本的 gongkai 生成并整体发布。") from error
    except (urllib.error.URLError, OSError, ValueError) as error:
        reason = getattr(error, "reason", error)
        raise MirrorError(f"无法下载 {url}（{reason}）。请检查网址和网络。") from error
    if len(data) > limit:
        raise MirrorError(f"{url} 比预期大（超过 {limit} 字节），没有使用。")
    return data
