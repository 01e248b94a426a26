"""Walk `content/` and decode its files: Path → SourceFile."""

from __future__ import annotations

import hashlib
import os
import stat as stat_module
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterator

from gen.findings import ERROR, WARNING, Finding

# Markdown and YAML files larger than this are never read into memory, whatever site.yml says;
# the editors' limit (rules: file-too-large: {max_bytes: N}, default 5 MB) is applied below it by
# enforce_limit(). Attachments have no limit.
MAX_TEXT_BYTES = 64 * 1024 * 1024

TEXT_SUFFIXES = {".md", ".yml", ".yaml"}


@dataclass
class SourceFile:
    """One file under the content directory (源文件)."""

    rel: str
    """Path relative to the content root, with `/` separators."""
    location: str
    """Absolute path on disk, as text (what the system calls take; see `path`)."""
    display: str
    """Path shown to editors in findings (relative to the working directory when possible)."""
    size: int
    text: str | None = None
    """Decoded text for .md/.yml files that decoded cleanly; None otherwise."""
    mtime_ns: int = 0
    digest: str = ""
    """Digest of the bytes of a text file (empty for attachments): what incremental builds compare."""
    link: str | None = None
    """For a symbolic link: the path under the content root of the file it resolves to."""
    inode: tuple[int, int] | None = None
    """(device, inode) of a file with more than one name (a hard link), so that its names can be compared."""

    @property
    def stamp(self) -> str:
        """`size:mtime_ns` as listed: what incremental builds compare for a copied file (`output.Output.stamp`)."""
        return f"{self.size}:{self.mtime_ns}"

    @property
    def path(self) -> Path:
        """Absolute path on disk. Made when asked: a Path per listed file cost more than the rest of the listing."""
        return Path(self.location)


@dataclass
class ContentTree:
    """Every file under `content/`, classified by what it is for the generator."""

    root: Path
    site_config: SourceFile | None = None
    wordlist: SourceFile | None = None
    documents: list[SourceFile] = field(default_factory=list)
    """`NAME.md` and bundle `NAME/index.md` files."""
    column_intros: list[SourceFile] = field(default_factory=list)
    """`_index.md` files."""
    catalogues: list[SourceFile] = field(default_factory=list)
    """`NAME.yml` catalogue pages."""
    files: list[SourceFile] = field(default_factory=list)
    """Every other file: attachments of bundles and loose assets."""
    findings: list[Finding] = field(default_factory=list)


def display_path(path: Path) -> str:
    """Return how a path is shown in findings: relative to the working directory if inside it."""
    try:
        return Path(os.path.relpath(path)).as_posix() if not os.path.relpath(path).startswith("..") else path.as_posix()
    except ValueError:  # another drive on Windows
        return path.as_posix()


def decode(raw: bytes, display: str) -> tuple[str | None, Finding | None]:
    """Decode UTF-8 text (BOM allowed); name GBK/GB18030 files and binary files with the fix."""
    if raw.startswith(b"\xef\xbb\xbf"):
        raw = raw[3:]
    if b"\x00" in raw:
        line = raw[: raw.index(b"\x00")].count(b"\n") + 1
        return None, Finding(display, line, "encoding", ERROR,
                             "文件含有空字节（\\x00），不是文本文件。请确认没有把 Word/PDF 等二进制文件误存为 .md 或 .yml。")
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        try:
            raw.decode("gb18030")
            is_gbk = True
        except UnicodeDecodeError:
            is_gbk = False
        if is_gbk:
            message = ("文件是 GBK（GB18030）编码，不是 UTF-8。请在编辑器中选择“另存为 → 编码 UTF-8”后重新提交"
                       "（命令行可用：iconv -f GB18030 -t UTF-8 原文件 > 新文件）。")
        else:
            message = f"文件不是有效的 UTF-8 编码（第 {line} 行附近有无法识别的字节）。请用 UTF-8 编码重新保存。"
        return None, Finding(display, line, "encoding", ERROR, message)
    # Normalise line endings once so every later line number agrees with what editors see.
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    return text, None


Folders = list[tuple[str, "list[os.DirEntry] | OSError"]]
"""What `walk` yields, kept: `list(walk(root, hidden=True))` is read by the build's fingerprint and then by `load`."""


def load(root: Path, max_text_bytes: int = MAX_TEXT_BYTES, defer_documents: bool = False,
         folders: Folders | None = None) -> ContentTree:
    """Walk `root` in a stable order and classify and decode every file.

    With `defer_documents`, document files (`.md` other than `_index.md`) are only stat'ed: their
    `text` stays None until `read_text` (the parse stage reads them, on several cores). `folders`
    is the walk of `root` with hidden files, when it was made already (their stats are cached).
    """
    root = root.resolve()
    tree = ContentTree(root=root)
    shown = display_path(root)
    prefix = "" if shown == "." else shown.rstrip("/") + "/"
    bundle_dirs: set[str] = set()

    def in_bundle(rel: str) -> bool:
        return _in_bundle(rel, bundle_dirs)

    for here, files in walk(root) if folders is None else _visible(folders):
        if isinstance(files, OSError):
            tree.findings.append(Finding(prefix + here if here else shown, 1, "encoding", ERROR,
                                         f"无法读取目录：{files.strerror}"))
            continue
        if any(e.name.lower() == "index.md" for e in files):
            bundle_dirs.add(here)
        for entry in files:
            name = entry.name
            rel = f"{here}/{name}" if here else name
            if not _encodable(rel):
                tree.findings.append(Finding(_shown(prefix + rel), 1, "encoding", ERROR,
                                             "文件名（或所在目录名）不是 UTF-8 编码，可能是在 Windows 上解压或复制时产生的乱码。"
                                             "请把文件改为正确的中文或英文名称。"))
                continue
            link = None
            if entry.is_symlink():
                try:
                    target = Path(entry.path).resolve(strict=True)
                except (OSError, RuntimeError):  # dangling, or a loop of links
                    tree.findings.append(Finding(prefix + rel, 1, "file-unpublished", WARNING,
                                                 "这是一个失效的符号链接（指向的文件不存在，或链接互相指向），不会发布。请删除它。"))
                    continue
                if not target.is_relative_to(root):
                    tree.findings.append(Finding(prefix + rel, 1, "unsafe-content", ERROR,
                                                 f"符号链接指向 content/ 目录之外（{target}），已拒绝。请把文件本身放入 content/。"))
                    continue
                link = target.relative_to(root).as_posix()
            suffix = os.path.splitext(name)[1].lower()
            if suffix == ".md":  # what the generator reads is named in lower case, however it was typed
                rel = rel[: -len(name)] + _document_name(name)
            defer = defer_documents and suffix == ".md" and not rel.endswith("/_index.md") and rel != "_index.md"
            source = read(root, rel, entry.path, max_text_bytes, in_bundle, tree.findings, prefix + _real(here, name),
                          defer, entry, suffix)
            if source is not None:
                source.link = link
                _classify(tree, source, suffix)
    return tree


def _document_name(name: str) -> str:
    """`index.MD`, `Index.md` → `index.md`; `_INDEX.md` → `_index.md`; `a.MD` → `a.md`."""
    stem = name[: -len(".md")]
    if stem.lower() in ("index", "_index"):
        stem = stem.lower()
    return stem + ".md"


def _real(here: str, name: str) -> str:
    return f"{here}/{name}" if here else name


def _encodable(text: str) -> bool:
    """Whether a name read from the file system is real text (not bytes of another encoding)."""
    try:
        text.encode("utf-8")
        return True
    except UnicodeEncodeError:
        return False


def _shown(text: str) -> str:
    """A path with undecodable bytes shown as \\xNN escapes (findings are printed as UTF-8)."""
    return text.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")


def walk(root: Path, hidden: bool = False) -> Iterator[tuple[str, list[os.DirEntry] | OSError]]:
    """Every folder under `root`: its path relative to `root` ("" for the root itself) and its files
    in name order, or the error that kept it from being read.

    Depth-first, a folder's files before its sub-folders', sub-folders in name order; links to
    folders are not followed; names starting with "." (.git, editor state) are left out unless
    `hidden`. An explicit stack, so a hostile, deeply nested tree cannot exhaust recursion.
    """
    pending: list[tuple[str, str]] = [(str(root), "")]
    while pending:
        folder, here = pending.pop()
        try:
            with os.scandir(folder) as scan:
                entries = sorted(scan, key=lambda e: e.name)
        except OSError as exc:
            yield here, exc
            continue
        files, folders = [], []
        for entry in entries:
            if not hidden and entry.name.startswith("."):
                continue
            try:
                is_folder = entry.is_dir()
            except OSError:  # a loop of links: listed, so that the loader reports it
                is_folder = False
            if not is_folder:
                files.append(entry)
            elif not entry.is_symlink():
                folders.append((entry.path, f"{here}/{entry.name}" if here else entry.name))
        yield here, files
        pending.extend(reversed(folders))


def _visible(folders: Folders) -> Iterator[tuple[str, list[os.DirEntry] | OSError]]:
    """`walk(root)` out of `list(walk(root, hidden=True))`: without hidden files and hidden folders' contents."""
    for here, files in folders:
        if here.startswith(".") or "/." in here:
            continue
        yield here, files if isinstance(files, OSError) else [e for e in files if not e.name.startswith(".")]


def read(root: Path, rel: str, path: str | Path, max_text_bytes: int, in_bundle, findings: list[Finding],
         display: str | None = None, defer: bool = False, entry: os.DirEntry | None = None,
         suffix: str | None = None) -> SourceFile | None:
    """Stat one file and decode it if it is text the generator reads (unless `defer`); problems go to `findings`."""
    if display is None:
        display = display_path(Path(path))
    try:
        stat = os.stat(path) if entry is None else entry.stat()  # the same: an entry's stat follows links
    except OSError as exc:
        findings.append(Finding(display, 1, "encoding", ERROR, f"无法读取文件：{exc.strerror}"))
        return None
    if not stat_module.S_ISREG(stat.st_mode):
        findings.append(Finding(display, 1, "file-unpublished", WARNING,
                                "这不是普通文件（命名管道、设备或套接字），已跳过，不会读取或发布。请把它移出 content/。"))
        return None
    source = SourceFile(rel=rel, location=os.fspath(path), display=display, size=stat.st_size, mtime_ns=stat.st_mtime_ns)
    if stat.st_nlink > 1:
        source.inode = (stat.st_dev, stat.st_ino)
    if suffix is None:
        suffix = os.path.splitext(rel)[1].lower()
    if suffix in TEXT_SUFFIXES and (rel in ("site.yml", "wordlist.yml") or suffix == ".md" or not in_bundle(rel)):
        if source.size > max_text_bytes:
            findings.append(Finding(source.display, 1, "file-too-large", ERROR,
                                    f"文件有 {source.size // 1024} KB，超过上限 {max_text_bytes // 1024} KB。"
                                    "请拆分正文，或把全文作为 Word/PDF 附件放入文档目录。"))
            return None
        if not defer and not read_text(source, findings):
            return None
    return source


def read_text(source: SourceFile, findings: list[Finding]) -> bool:
    """Read and decode a text file into `source.text` and `source.digest`; False (and a finding) if it cannot be."""
    try:
        raw = read_bytes(source.location)
    except OSError as exc:
        findings.append(Finding(source.display, 1, "encoding", ERROR, f"无法读取文件：{exc.strerror}"))
        return False
    source.digest = digest(raw)
    text, problem = decode(raw, source.display)
    if problem:
        findings.append(problem)
        return False
    source.text = text
    return True


def digest(data: bytes) -> str:
    """The digest incremental builds compare (of a file's bytes, of a page's key text): SHA-256, cut to
    128 bits: current x86 and ARM processors compute it in hardware, and a build digests every document."""
    return hashlib.sha256(data).hexdigest()[:32]


def read_bytes(path: str | Path) -> bytes:
    """A file's bytes."""
    with open(path, "rb") as file:
        return file.read()


def _in_bundle(rel: str, bundle_dirs: set[str]) -> bool:
    """Whether a file lives in a bundle folder (it or an ancestor folder holds an index.md)."""
    parts = rel.split("/")[:-1]
    return any("/".join(parts[:i]) in bundle_dirs for i in range(len(parts), 0, -1))


def _classify(tree: ContentTree, source: SourceFile, suffix: str) -> None:
    rel = source.rel
    name = rel.rsplit("/", 1)[-1]
    if rel == "site.yml":
        tree.site_config = source
    elif rel == "wordlist.yml":
        tree.wordlist = source
    elif name == "_index.md":
        tree.column_intros.append(source)
    elif suffix == ".md":
        tree.documents.append(source)
    elif suffix in (".yml", ".yaml") and source.text is not None:
        tree.catalogues.append(source)
    else:
        tree.files.append(source)


def enforce_limit(tree: ContentTree, limit: int) -> None:
    """Refuse text files larger than the site's limit, as `file-too-large` findings."""
    for group in (tree.documents, tree.column_intros, tree.catalogues):
        kept = []
        for source in group:
            if source.size > limit:
                tree.findings.append(Finding(source.display, 1, "file-too-large", ERROR,
                                             f"文件有 {source.size // 1024} KB，超过上限 {limit // 1024} KB。"
                                             "请拆分正文，或把全文作为 Word/PDF 附件放入文档目录。"))
            else:
                kept.append(source)
        group[:] = kept
