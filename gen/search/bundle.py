"""Index the written pages with Pagefind so that Chinese terms are found inside sentences.

Pagefind (its standard binary from PyPI, nothing downloaded) does the indexing and the searching
in the browser; this module decides what it indexes. For every page the templates mark with
`data-pagefind-body`, it reads the text of that region (minus `data-pagefind-ignore`), the
`data-pagefind-meta / -filter / -sort` values, and the text of the page's Word and PDF downloads
(public documents only), writes that text one word per 汉字 (`search_text`) into a throw-away
copy of the page, and runs Pagefind over those copies. The index is made of shards
(`site/pagefind/<n>/`, pages assigned by a digest of their address, `SHARD_PAGES` each): they are
indexed on every core, and a build keeps the shards whose pages did not change. Beside them it
writes `gongkai-search.json`: the shards, every page's filter values, the pages newest first and
where excerpts start (Pagefind's own filter files differ from run to run, and a build must be
byte-identical). `layouts/static/search.js` turns a query into the same words
and searches it as a phrase.
"""

from __future__ import annotations

import gzip
import hashlib
import html
import json
import os
import shutil
import sqlite3
import subprocess
import tempfile
import time
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from typing import NamedTuple

from gen import folders
from gen.model.site import Site
from gen.search.files import COMPARE_BUDGET, file_text, new_text, squeeze
from gen.search.text import SPACE, index_words

OUTPUT = "pagefind"
"""The bundle's folder inside the site."""
FACETS_FILE = "gongkai-search.json"
"""Beside Pagefind's files: every page's filter values, the date order and where excerpts start."""
FILES_FILE = "gongkai-files.json"
"""Every file of the bundle with its size and SHA-256: what a portal fetching the index from the
column's web address downloads (only the files it does not have already) and verifies."""
FACET_ORDER = ("主题分类", "类别", "发布机构", "有效性", "年份")
"""Filters shown first, in this order; any other `data-pagefind-filter` key follows."""

# Pagefind's own weights for headings; body text weighs 1.
_HEADING_WEIGHTS = {"h1": 7, "h2": 6, "h3": 5, "h4": 4, "h5": 3, "h6": 2}
_INLINE = {"a", "abbr", "b", "bdi", "bdo", "cite", "code", "data", "dfn", "em", "i", "kbd", "mark", "q", "s",
           "samp", "small", "span", "strong", "sub", "sup", "time", "u", "var", "del", "ins", "wbr"}
_VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}
_SKIP = {"script", "style", "template", "noscript", "svg"}


class SearchError(Exception):
    """Pagefind failed; the build stops and the previous site stays."""


@dataclass
class Record:
    """What the index holds for one page."""

    path: str
    """Output path of the page, `/`-separated (`normative/2023/rs-2023-3/index.html`)."""
    segments: list[tuple[int, str]] = field(default_factory=list)
    """(weight, text) in page order; text holds a newline where a block ends."""
    meta: dict[str, str] = field(default_factory=dict)
    filters: dict[str, list[str]] = field(default_factory=dict)
    sort: dict[str, str] = field(default_factory=dict)
    """`date` orders the pages newest first."""
    excerpt_from: int = 0
    """Index of the first word after the page's first heading: excerpts prefer matches from here on."""

    @property
    def text(self) -> str:
        return "".join(text for _, text in self.segments)


class Indexed(NamedTuple):
    """A page written into Pagefind's input: what the shard's facts keep of it."""

    path: str
    excerpt_from: int
    date: str
    filters: dict[str, list[str]]
    words: int
    attachments: int
    cut: list[str]


@dataclass
class Report:
    """What `index` did."""

    pages: int = 0
    words: int = 0
    attachments: int = 0
    """Downloads whose text was added."""
    cut: list[Path] = field(default_factory=list)
    """Downloads with more text than is indexed (`search_files.TEXT_LIMIT`)."""
    seconds: float = 0.0
    bytes: int = 0
    """Size of the written bundle."""
    shards: int = 0
    reindexed: int = 0
    """Shards indexed by this build; the others were the previous build's."""
    state: dict = field(default_factory=dict)
    """What the bundle holds, shard by shard: give it back as `Previous.state` to the next build."""


SHARD_PAGES = 1500
"""Pages per index shard, at most. The index is split into shards that Pagefind builds separately,
on every core, that a build re-indexes only when one of their pages changed, and that the search
page merges (`mergeIndex`). A reader's search fetches, for each character, a part of every shard
that Pagefind sizes itself, however few pages the shard has: more shards cost readers bytes and
shorten an edit, larger ones cost the build memory (the trade-off measured in bench/RESULTS.md)."""
PREVIEW_SHARD_PAGES = 250
"""Pages per shard of the preview's index: nobody downloads it over a network, and an edit
re-indexes a shard, so the preview's are small enough to catch up within a second or two."""
SMALL_SHARD = 250
"""A site of a few thousand pages still has up to `MIN_SHARDS` shards of at least this many pages,
so that its index is built on more than one core and an edit re-indexes a small one. (A portal's
search merges every department's shards, each one a wait for its readers: two would serve a portal
better, but cost a 1,000-document column time after an edit and memory; see bench/RESULTS.md.)"""
MIN_SHARDS = 4
_PAGEFIND_UI = ("pagefind-ui.js", "pagefind-ui.css", "pagefind-modular-ui.js", "pagefind-modular-ui.css",
                "pagefind-component-ui.js", "pagefind-component-ui.css", "pagefind-highlight.js")
"""Pagefind's own search interfaces: the search page is gongkai's (`layouts/static/search.js`)."""


def shard_count(pages: int, shard_pages: int | None = None) -> int:
    """How many shards an index of `pages` pages has: a function of the site alone, so that a
    build from scratch writes the bundle an incremental build writes (`shard_pages`: default `SHARD_PAGES`)."""
    return max(1, -(-pages // (shard_pages or SHARD_PAGES)), min(MIN_SHARDS, -(-pages // SMALL_SHARD)))


def shard_of(path: str, count: int) -> str:
    """The shard a page belongs to: by a digest of its address, so shards are even and a page
    stays in its shard while the site grows within the same shard count."""
    if count == 1:
        return "0"
    return str(int.from_bytes(hashlib.blake2b(path.encode("utf-8"), digest_size=8).digest(), "big") % count)


@dataclass
class Previous:
    """The bundle of the previous build, to keep the shards whose pages did not change."""

    folder: Path
    """Its folder (`site/pagefind`)."""
    state: dict
    """`Report.state` of the build that wrote it."""


def index(site_dir: Path, site: Site | None = None, executable: Path | None = None, output: Path | None = None,
          cache: Path | None = None, previous: Previous | None = None, pool=None,
          shard_pages: int | None = None) -> Report:
    """Write the Pagefind bundle into `site_dir/pagefind/` for the pages marked `data-pagefind-body`.

    With `site`, the text of each public document's Word and PDF downloads is indexed with its page.
    `executable` and `output` replace Pagefind's standard binary and the bundle folder (for measurements).
    `cache`: a folder where the text of downloads is kept by file, so that a build extracts only new ones.
    `previous`: the last bundle, whose shards are hard-linked when their pages and downloads are the same.
    `pool`: the processes to index with (`workers()`); without, they are forked here.
    `shard_pages`: pages per shard instead of `SHARD_PAGES` (the preview's `PREVIEW_SHARD_PAGES`).
    """
    output = output or site_dir / OUTPUT
    start = time.perf_counter()
    report = Report()
    known_pages = previous.state.get("stamps", {}) if previous is not None and isinstance(previous.state, dict) else {}
    stamps = _page_stamps(site_dir, output, known_pages)
    pages = {path: bytes.fromhex(stamp[3]) for path, stamp in stamps.items() if stamp[3]}  # path → digest
    downloads = _public_downloads(site) if site is not None else {}
    count = shard_count(len(pages), shard_pages)
    members: dict[str, list[str]] = {"0": []} if not pages else {}
    for path in sorted(pages):
        members.setdefault(shard_of(path, count), []).append(path)
    code = _code_key(executable, count)
    page_keys = {path: _page_key(digest, downloads.get(path, [])) for path, digest in pages.items()}
    keys = {name: _shard_key(paths, page_keys, code) for name, paths in members.items()}
    known = previous.state.get("shards", {}) if previous is not None and isinstance(previous.state, dict) else {}
    output.mkdir(parents=True, exist_ok=True)
    state: dict[str, dict] = {}
    for name, key in keys.items():
        old = known.get(name)
        if isinstance(old, dict) and old.get("key") == key and not old.get("fallback") and _reuse(previous.folder / name, output / name, old):
            state[name] = old
    todo = sorted((name for name in keys if name not in state), key=int)
    if todo:
        prepared = PreparedPages.folder(cache, shard_pages or SHARD_PAGES)
        fresh = _index_shards(site_dir, output, [(name, members[name], None) for name in todo], downloads, cache,
                              executable, pool, page_keys, prepared, code)
        if not any(done["pages"] for _, done in fresh) and not any(old.get("pages") for old in state.values()):
            # A new column with nothing published yet: Pagefind needs a page with words (see `_read_pages`).
            home = shard_of("index.html", count)
            title = site.config.name if site is not None else "首页"
            fresh = [item for item in fresh if item[0] != home]
            fresh += _index_shards(site_dir, output, [(home, [], title)], downloads, cache, executable, pool)
        for name, done in fresh:
            done["key"] = keys.get(name, "")
            state[name] = done
        DownloadTexts(cache).keep([p for files in downloads.values() for p in files])
        PreparedPages.keep(prepared, code, list(keys))
    shards = sorted((name for name in state if state[name].get("pages")), key=int)
    folders.link_or_copy(output / shards[0] / "pagefind.js", output / "pagefind.js")
    write_facets(shards, state, output)
    for name in shards:
        if "files" not in state[name]:  # kept from a build before the list existed
            state[name]["files"] = file_list(output / name)
    write_file_list(shards, state, output)
    for name in shards:
        report.pages += len(state[name]["pages"])
        report.words += state[name]["words"]
        report.attachments += state[name]["attachments"]
        report.cut += [Path(p) for p in state[name]["cut"]]
    report.shards, report.reindexed = len(shards), len(todo)
    report.state = {"shards": state, "stamps": stamps}
    report.seconds = time.perf_counter() - start
    report.bytes = sum(size for name in shards for _, size, _ in state[name]["files"]) + \
        sum(p.stat().st_size for p in output.iterdir() if p.is_file())  # from the shards' file lists: no walk of the bundle
    return report


def _page_stamps(site_dir: Path, output: Path, known: dict[str, list]) -> dict[str, list]:
    """Every page's path → [inode, size, modification time, digest of its bytes or "" when it has no
    searchable region]. A page whose inode, size and time are as `known` (the last build's) keeps its
    digest unread: the build hard-links the pages it did not render again, and writes new files for
    the others."""
    stamps: dict[str, list] = {}
    skip = str(output)

    def walk(folder: str, prefix: str) -> None:
        with os.scandir(folder) as entries:
            for entry in entries:
                if entry.is_dir(follow_symlinks=False):
                    if entry.path != skip:
                        walk(entry.path, prefix + entry.name + "/")
                elif entry.name == "index.html":  # every page the templates write (pretty URLs); no download is one
                    path = prefix + entry.name
                    stat = entry.stat(follow_symlinks=False)
                    stamp = [stat.st_ino, stat.st_size, stat.st_mtime_ns]
                    old = known.get(path)
                    if isinstance(old, list) and len(old) == 4 and old[:3] == stamp:
                        stamps[path] = old
                        continue
                    data = Path(entry.path).read_bytes()
                    # Only pages with a searchable region count: list pages change with every edit and are not indexed.
                    digest = hashlib.blake2b(data, digest_size=16).hexdigest() if b"data-pagefind-body" in data else ""
                    stamps[path] = stamp + [digest]
    walk(str(site_dir), "")
    return stamps


def _code_key(executable: Path | None, count: int) -> str:
    """What a shard's bytes depend on besides its pages: this code, Pagefind and the shard count."""
    digest = hashlib.blake2b(f"{count}\n{executable or ''}".encode("utf-8"), digest_size=16)
    for module in ("bundle.py", "text.py", "files.py"):
        digest.update((Path(__file__).parent / module).read_bytes())
    try:
        stat = (executable or pagefind_executable()).stat()
        digest.update(f"{stat.st_size}:{stat.st_mtime_ns}".encode())
    except OSError:
        pass
    return digest.hexdigest()


def _shard_key(paths: list[str], page_keys: dict[str, str], code: str) -> str:
    """A digest of what a shard indexes: its pages' keys (`_page_key`) and this code. (Not the pages'
    render keys: a page rendered again after another document changed often has the same bytes.)"""
    digest = hashlib.blake2b(code.encode("utf-8"), digest_size=16)
    for path in paths:
        digest.update(f"\n{path}\t{page_keys[path]}".encode("utf-8", "surrogateescape"))
    return digest.hexdigest()


def _page_key(digest: bytes, files: list[Path]) -> str:
    """What a page's input for Pagefind is made of: its bytes (their digest) and its downloads' stamps."""
    key = hashlib.blake2b(digest, digest_size=16)
    for file in files:
        try:
            stat = file.stat()
            key.update(f"\t{file}:{stat.st_size}:{stat.st_mtime_ns}".encode("utf-8", "surrogateescape"))
        except OSError:
            key.update(f"\t{file}:-".encode("utf-8", "surrogateescape"))
    return key.hexdigest()


class PreparedPages:
    """Pagefind's input for each page of a shard as made last time (`<cache>/search-input/`, one JSON
    file per shard — data only, as CI keeps the cache between runs): when a shard is indexed again
    after an edit, only its pages whose bytes or downloads changed are read again; the others' input
    is taken as it was (the same bytes, so the same index)."""

    NAME = "search-input"

    def __init__(self, task: "_Task"):
        self.file = self.file_of(task)
        self.kept: dict[str, tuple] = {}
        if self.file is not None:
            try:
                self.kept = json.loads(self.file.read_text(encoding="utf-8"))
            except (OSError, ValueError):
                self.kept = {}

    def get(self, path: str, key: str | None) -> tuple | None:
        entry = self.kept.get(path) if isinstance(self.kept, dict) else None
        try:
            if not key or entry[0] != key:
                return None
            fields, words, used, cut, page = entry[1]
            record = Record(path=path, meta=dict(fields["meta"]), filters=dict(fields["filters"]),
                            sort=dict(fields["sort"]), excerpt_from=int(fields["excerpt_from"]))
            return record, int(words), int(used), [Path(c) for c in cut], str(page)
        except (TypeError, KeyError, IndexError, ValueError):
            return None

    @classmethod
    def folder(cls, cache: Path | None, shard_pages: int) -> Path | None:
        """One folder per shard size: the preview's small shards and a build's keep theirs apart."""
        return cache / cls.NAME / str(shard_pages) if cache is not None else None

    @classmethod
    def file_of(cls, task: "_Task") -> Path | None:
        return task.prepared / f"{task.code[:16]}-{task.name}.json" if task.prepared is not None and task.code else None

    @classmethod
    def keep(cls, folder: Path | None, code: str, shards: list[str]) -> None:
        """Remove the inputs of shards this index no longer has (another shard count, older code)."""
        if folder is None or not folder.is_dir():
            return
        wanted = {f"{code[:16]}-{name}.json" for name in shards}
        for kept in folder.iterdir():
            if kept.name not in wanted:
                kept.unlink(missing_ok=True)


class _ShardInput:
    """A shard's input for Pagefind, one page at a time: written into the scratch folder, and kept as
    a JSON object for the next build (`PreparedPages`; not for the home page standing in for an
    empty column, and only as a whole: best effort, it is only a cache)."""

    def __init__(self, task: "_Task", keep: bool = True):
        self.task, self.folder, self.handle, self.first = task, task.source / task.name, None, True
        self.file = PreparedPages.file_of(task) if keep else None
        if self.file is not None:
            try:
                self.file.parent.mkdir(parents=True, exist_ok=True)
                self.partial = self.file.with_name(f".{self.file.name}.{os.getpid()}")
                self.handle = open(self.partial, "w", encoding="utf-8")
                self.handle.write("{")
            except OSError:
                self.handle = None

    def add(self, item: tuple) -> "Indexed":
        """Write a prepared page; return what the shard's facts need of it."""
        record, words, used, cut, page = item
        cut = [str(c) for c in cut]
        _write_source(self.folder, record.path, page)
        key = self.task.keys.get(record.path)
        if self.handle is not None and key:
            fields = {"meta": record.meta, "filters": record.filters, "sort": record.sort, "excerpt_from": record.excerpt_from}
            try:
                self.handle.write(("" if self.first else ",") + json.dumps(record.path, ensure_ascii=False) + ":" +
                                  json.dumps([key, [fields, words, used, cut, page]],
                                             ensure_ascii=False, separators=(",", ":")))
                self.first = False
            except OSError:
                self._discard()
        return Indexed(record.path, record.excerpt_from, record.sort.get("date", ""), record.filters, words, used, cut)

    def close(self) -> None:
        if self.handle is None:
            return
        try:
            self.handle.write("}")
            self.handle.close()
            os.replace(self.partial, self.file)
        except OSError:
            self._discard()
        self.handle = None

    def _discard(self) -> None:
        self.handle.close()
        Path(self.partial).unlink(missing_ok=True)
        self.handle = None


def _reuse(old: Path, new: Path, state: dict) -> bool:
    """Hard-link a previous shard into the new bundle; False when it is not there as recorded."""
    if not state.get("pages"):
        return not old.exists()  # an empty shard has no folder
    if not (old / "pagefind-entry.json").is_file() or state.get("entry") != _entry_digest(old):
        return False
    try:
        shutil.copytree(old, new, copy_function=folders.link_or_copy)
    except OSError:
        shutil.rmtree(new, ignore_errors=True)
        return False
    return True


def _entry_digest(folder: Path) -> str:
    return hashlib.blake2b((folder / "pagefind-entry.json").read_bytes(), digest_size=16).hexdigest()


def workers():
    """Processes for `index` (a `multiprocessing` pool), to start before the site is loaded: forked
    from a process that holds the whole site, each copied much of it page by page as it allocated;
    forked before, they share nothing and take their work pickled. The caller closes it (`terminate`).
    Their collector runs (a build pauses its own): reading pages makes reference cycles, which
    without it would stay until the pool ends."""
    import multiprocessing
    from gen import parallel
    return multiprocessing.get_context("fork").Pool(parallel.workers(), initializer=parallel.quiet_worker, initargs=(True,))


@dataclass
class _Task:
    """A shard's pages (or some of them) to read, with all a worker process needs to do it."""

    name: str
    paths: list[str]
    fallback: str | None
    """A title to index as the home page when there is no page to index (a new column)."""
    site_dir: Path
    source: Path
    """Pagefind's input for the shard goes into `source/<name>/`."""
    output: Path
    executable: Path | None
    downloads: dict[str, list[Path]]
    """Of these pages."""
    cache: Path | None
    """`DownloadTexts`' folder (the build's cache)."""
    keys: dict[str, str] = field(default_factory=dict)
    """Each of the shard's pages' key (`_page_key`): what its kept input (`PreparedPages`) is taken by."""
    prepared: Path | None = None
    """`PreparedPages` folder, with the code key in its files' names (`code`)."""
    code: str = ""


def _index_shards(site_dir: Path, output: Path, shards: list[tuple[str, list[str], str | None]], downloads,
                  cache: Path | None, executable: Path | None, pool=None, page_keys: dict[str, str] | None = None,
                  prepared: Path | None = None, code: str = "") -> list[tuple[str, dict]]:
    """Index each shard (read its pages, write Pagefind's input, run Pagefind) on every core: the
    pool's processes read whole shards while Pagefind indexes those already read (`_read_and_index`).
    `pool`: processes from `workers()`; without one, this process forks its own."""
    import multiprocessing
    from gen import parallel
    source = _scratch(site_dir)

    page_keys = page_keys or {}
    shard_keys = {name: {path: page_keys[path] for path in paths if path in page_keys} for name, paths, _ in shards}

    def task(name: str, paths: list[str], fallback: str | None) -> _Task:
        mine = {path: downloads[path] for path in paths if downloads.get(path)}
        return _Task(name, paths, fallback, site_dir, source, output, executable, mine, cache,
                     shard_keys[name], prepared, code)
    pages = sum(len(paths) for _, paths, _ in shards)
    processes = parallel.workers() if hasattr(os, "fork") and pages >= parallel.MIN_ITEMS else 1
    try:
        if processes <= 1:
            return [_index_shard(task(*item)) for item in shards]
        own = pool is None
        pool = pool or multiprocessing.get_context("fork").Pool(processes, initializer=parallel.quiet_worker, initargs=(True,))
        try:
            return _read_and_index(pool, [task(*item) for item in shards], processes)
        finally:
            if own:
                pool.close()
                pool.join()
    finally:
        _discard_scratch(source)


def _read_and_index(pool, tasks: list[_Task], processes: int) -> list[tuple[str, dict]]:
    """Whole shards: each read on the pool's processes, and indexed by a Pagefind run started from a
    thread here as soon as it is read, so that the next shards are read while Pagefind indexes
    (a process reading and then waiting for its own Pagefind left a core idle for most of each run).
    At most `processes` Pagefind runs at a time, and at most `processes` more shards read ahead of
    them: the scratch input and the memory stay those of a few shards."""
    import queue
    from concurrent.futures import ThreadPoolExecutor
    events: queue.Queue = queue.Queue()
    todo, active, done, filters = list(reversed(tasks)), 0, [], {}
    with ThreadPoolExecutor(processes) as indexers:
        while todo or active:
            while todo and active < 2 * processes:
                item = todo.pop()
                pool.apply_async(_read_pages, (item,), callback=lambda read, item=item: events.put(("read", item, read)),
                                 error_callback=lambda error, item=item: events.put(("error", item, error)))
                active += 1
            kind, item, value = events.get()
            if kind == "error":
                raise value
            if kind == "read":
                indexers.submit(_run_shard, (item, value)).add_done_callback(
                    lambda future, item=item: events.put(("indexed", item, future)))
            else:
                done.append(_shared(value.result(), filters))  # raises what the run raised
                active -= 1
    return sorted(done, key=lambda item: int(item[0]))


def _shared(shard: tuple[str, dict], seen: dict) -> tuple[str, dict]:
    """The shard's pages with one object for each distinct set of filter values (`seen`): the
    bundle's facts are kept to the end of the build, and a site has few such sets but many pages."""
    for page in shard[1]["pages"]:
        key = tuple((name, tuple(values)) for name, values in page[4].items())
        page[4] = seen.setdefault(key, page[4])
    return shard


SCRATCH = Path("/dev/shm")
"""Where Pagefind's input pages are written when it is a memory file system with room: creating,
reading and deleting thousands of small files there costs a fraction of what it costs on a disk.
Elsewhere they go into the output being made (never the system's temporary folder)."""
SCRATCH_ROOM = 1 << 30
"""Free bytes `SCRATCH` must have to be used."""
_SCRATCH_PREFIX = "gongkai-search-"


def _scratch(site_dir: Path) -> Path:
    """A new folder for Pagefind's input, held while this build runs: what a killed build left in
    `SCRATCH` is removed first (see `folders.held_folder`)."""
    try:
        stats = os.statvfs(SCRATCH)
        usable = SCRATCH.is_dir() and os.access(SCRATCH, os.W_OK) and stats.f_bavail * stats.f_frsize >= SCRATCH_ROOM
    except OSError:
        usable = False
    if not usable:
        return Path(tempfile.mkdtemp(prefix="." + _SCRATCH_PREFIX, dir=site_dir))
    folders.clear_unheld(SCRATCH, _SCRATCH_PREFIX + "*.lock")
    return folders.held_folder(SCRATCH, _SCRATCH_PREFIX, 0o700)


def _discard_scratch(folder: Path) -> None:
    shutil.rmtree(folder, ignore_errors=True)
    folders.release(folder)


def _index_shard(task: _Task) -> tuple[str, dict]:
    """One shard: its pages read and written for Pagefind, Pagefind run, and what the shard holds."""
    return _run_shard((task, _read_pages(task)))


def _read_pages(task: _Task) -> tuple[list["Indexed"], bool]:
    """A shard's pages read in page order, each written into Pagefind's input and the kept input as
    it is made (taken from `PreparedPages` when the page did not change); what the shard's facts
    need of each, and whether the home page stood in for a shard without pages (`_Task.fallback`)."""
    texts = DownloadTexts(task.cache)
    kept = PreparedPages(task)
    written = _ShardInput(task, keep=not task.fallback)
    indexed = []
    for path in task.paths:
        entry = kept.get(path, task.keys.get(path))
        if entry is None:
            record = read_page(task.site_dir / path, task.site_dir)
            if record is None:
                continue
            entry = _prepare(record, task.downloads.get(record.path, []), texts.get)
        indexed.append(written.add(entry))
    if not indexed and task.fallback:
        # A new column with nothing published yet: Pagefind needs a page with words; the home page has the body's name.
        home = Record(path="index.html", segments=[(1, task.fallback)], meta={"title": task.fallback})
        indexed = [written.add(_prepare(home, []))]
    written.close()
    texts.save()
    return indexed, bool(indexed and task.fallback)


def _run_shard(item: tuple[_Task, tuple[list, bool]]) -> tuple[str, dict]:
    """Pagefind over a shard's prepared pages; what the shard holds."""
    task, (prepared, fallback) = item
    result: dict = {"pages": [], "words": 0, "attachments": 0, "cut": [], "fallback": fallback}
    if not prepared:
        return task.name, result
    source, target = task.source / task.name, task.output / task.name
    # Pagefind's output follows the order it lists its input in, which on a memory file system is
    # the order the files were made: `_read_pages` writes them in page order.
    _run_pagefind(source, target, task.executable)
    shutil.rmtree(source, ignore_errors=True)
    for ui in _PAGEFIND_UI:
        (target / ui).unlink(missing_ok=True)
    ids = fragment_ids(target)
    for page in prepared:
        if "/" + page.path in ids:
            result["pages"].append([page.path, ids["/" + page.path], page.excerpt_from, page.date, page.filters])
        result["words"] += page.words
        result["attachments"] += page.attachments
        result["cut"] += page.cut
    result["entry"] = _entry_digest(target)
    result["files"] = file_list(target)
    return task.name, result


def file_list(folder: Path, deep: bool = True) -> list[list]:
    """[path inside `folder`, size, SHA-256] of every file under it (not `deep`: in it), by path."""
    listed = []
    for path in sorted(p for p in (folder.rglob("*") if deep else folder.iterdir()) if p.is_file()):
        data = path.read_bytes()
        listed.append([path.relative_to(folder).as_posix(), len(data), hashlib.sha256(data).hexdigest()])
    return listed


def write_file_list(shards: list[str], state: dict[str, dict], output: Path) -> None:
    """`FILES_FILE`: every file of the bundle (the shards', Pagefind's script and the facts file)."""
    files = [[f"{name}/{path}", size, digest] for name in shards for path, size, digest in state[name]["files"]]
    files += [[path, size, digest] for path, size, digest in file_list(output, deep=False) if path != FILES_FILE]
    data = {"files": sorted(files)}
    (output / FILES_FILE).write_text(json.dumps(data, separators=(",", ":")) + "\n", encoding="utf-8")


def _prepare(record: Record, files: list[Path], extract=None) -> tuple[Record, int, int, list[Path], str]:
    """Add a page's downloads, split its text into words and make the page Pagefind reads; return the
    record without its text, the words, the downloads used, those cut at the text limit, and the page."""
    cut: list[Path] = []
    used = add_downloads(record, files, cut, extract)
    words = record_words(record)
    page = index_page(record, words)
    record.segments = []
    return record, sum(len(w) for _, w in words), used, cut, page


def _write_source(source: Path, path: str, page: str) -> None:
    target = source / path
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(page, encoding="utf-8")


def _public_downloads(site: Site) -> dict[str, list[Path]]:
    """Page path → its Word and PDF files (.docx, .pdf), for documents published in full only."""
    from gen.render import page_path  # the one place that knows where a document's page is
    result = {}
    for doc in site.public_documents:
        if site.is_public(doc):  # its own versions and its other Word and PDF materials (起草说明, 附件…)
            result[page_path(doc.id)] = [a.source.path for a in doc.attachments
                                         if a.source.rel.lower().endswith((".docx", ".pdf"))]
    return result


class DownloadTexts:
    """The text of each download as extracted last time, by a digest of its path, size and time, in
    one SQLite file (`<cache>/download-text.sqlite`): only new or changed Word and PDF files are read
    again. One file, written once per shard, because a file per download made a cold build create
    thousands of files in the cache; the standard library's SQLite also takes care of two processes
    (or a build and the preview) writing at once."""

    NAME = "download-text.sqlite"

    def __init__(self, cache: Path | None):
        self.file = cache / self.NAME if cache is not None else None
        self.db: sqlite3.Connection | None = None
        self.new: list[tuple[str, int, str]] = []
        """Texts extracted here, stored by `save`."""

    @staticmethod
    def _key(path: Path) -> str | None:
        try:
            stat = path.stat()
        except OSError:
            return None
        stamp = f"{path}\0{stat.st_size}:{stat.st_mtime_ns}".encode("utf-8", "surrogateescape")
        return hashlib.blake2b(stamp, digest_size=16).hexdigest()

    def _open(self) -> sqlite3.Connection | None:
        """The cache's database, made when missing and made again when damaged; None without a cache."""
        if self.db is None and self.file is not None:
            for attempt in range(2):
                try:
                    self.file.parent.mkdir(parents=True, exist_ok=True)
                    self.db = sqlite3.connect(self.file, timeout=60)
                    self.db.execute("CREATE TABLE IF NOT EXISTS texts (key TEXT PRIMARY KEY, cut INTEGER, text TEXT)")
                    break
                except (OSError, sqlite3.Error):
                    self.close()
                    if attempt:
                        self.file = None  # only a cache: extract every text
                    else:
                        self.file.unlink(missing_ok=True)
        return self.db

    def get(self, path: Path) -> tuple[str, bool]:
        """The file's text, and whether it was cut at `search_files.TEXT_LIMIT`."""
        key = self._key(path)
        if key is None:
            return "", False
        db = self._open()
        if db is not None:
            try:
                row = db.execute("SELECT cut, text FROM texts WHERE key = ?", (key,)).fetchone()
                if row is not None:
                    return str(row[1]), bool(row[0])
            except sqlite3.Error:
                pass
        text, cut = file_text(path)
        if db is not None:
            self.new.append((key, int(cut), text))
        return text, cut

    def save(self) -> None:
        """Store the texts extracted since the last `save` (best effort) and close the database."""
        if self.new and self.db is not None:
            try:
                with self.db:
                    self.db.executemany("INSERT OR REPLACE INTO texts VALUES (?, ?, ?)", self.new)
            except (sqlite3.Error, ValueError):  # ValueError: text SQLite cannot hold (a lone surrogate)
                pass  # only a cache: the texts are extracted again next time
        self.new = []
        self.close()

    def close(self) -> None:
        if self.db is not None:
            self.db.close()
            self.db = None

    def keep(self, files: list[Path]) -> None:
        """Remove the texts of downloads the site no longer has (or has changed since)."""
        if self.file is not None:
            shutil.rmtree(self.file.with_name("download-text"), ignore_errors=True)  # earlier versions' file per text
        if self.file is None or not self.file.is_file() or self._open() is None:
            return
        wanted = {self._key(path) for path in files}
        try:
            stale = [(key,) for key, in self.db.execute("SELECT key FROM texts") if key not in wanted]
            if stale:
                with self.db:
                    self.db.executemany("DELETE FROM texts WHERE key = ?", stale)
        except sqlite3.Error:
            pass
        finally:
            self.close()


def add_downloads(record: Record, files: list[Path], cut: list[Path] | None = None, extract=None) -> int:
    """Append the sentences of the downloads that the page does not already show; count files used.
    Downloads whose text was cut at `search_files.TEXT_LIMIT` are added to `cut`; `extract` gives a
    file's text (default: read it, `search_files.file_text`)."""
    if not files:
        return 0
    known = squeeze(record.text)
    budget = [COMPARE_BUDGET]
    used = 0
    for path in files:
        text, was_cut = (extract or file_text)(path)
        if was_cut and cut is not None:
            cut.append(path)
        text = new_text(text, known, budget)
        if text:
            record.segments.append((1, "\n" + text + "\n"))
            known += squeeze(text)
            used += 1
    return used


def record_words(record: Record) -> list[tuple[int, list[str]]]:
    """The record's words per weighted segment; also sets `excerpt_from`."""
    result: list[tuple[int, list[str]]] = []
    count = 0
    first_heading_done = False
    for weight, text in record.segments:
        words = index_words(text)
        if not words:
            continue
        if result and result[-1][1][-1] != SPACE and words[0] != SPACE:
            words.insert(0, SPACE)
        result.append((weight, words))
        count += len(words)
        if weight > 1 and not first_heading_done:
            record.excerpt_from = count
            first_heading_done = True
    return result


def index_page(record: Record, words: list[tuple[int, list[str]]]) -> str:
    """The page Pagefind reads: the words in one paragraph, metadata beside it.

    Filters and sort keys are not given to Pagefind (its filter files come out in a different
    order on every run, which would break byte-identical builds); `write_facets` keeps them.
    Metadata is text of the page only: Pagefind 1.5 indexes metadata words too.
    """
    body = []
    for weight, part in words:
        text = html.escape(" ".join(part), quote=False)
        body.append(text if weight == 1 else f'<span data-pagefind-weight="{weight}">{text}</span>')
    # No opening text ("lead") among the metadata: Pagefind indexes metadata too, and each unsplit
    # run of 汉字 would be a word of its own that no query matches; the search page takes it from the text.
    extra = [f'<span data-pagefind-meta="{html.escape(k)}">{html.escape(v)}</span>' for k, v in sorted(record.meta.items()) if v]
    return ('<!DOCTYPE html>\n<html lang="zh-CN"><head><meta charset="utf-8"><title></title></head><body>\n'
            f'<main data-pagefind-body><p>{" ".join(body)}</p></main>\n'
            f'<div hidden>{"".join(extra)}</div>\n</body></html>\n')


def write_facets(shards: list[str], state: dict[str, dict], output: Path) -> None:
    """Write the shards, every page's filter values, the pages newest first (with their dates, which a
    portal merging departments' indexes orders by) and where excerpts start.

    `state`: shard → what it holds (`_index_shard`); a page is [path, Pagefind id, excerpt start, date, filters].
    """
    entries = [(entry, position) for position, name in enumerate(shards) for entry in state[name]["pages"]]
    keys = [k for k in FACET_ORDER if any(k in e[4] for e, _ in entries)]
    keys += sorted({k for e, _ in entries for k in e[4]} - set(keys))
    counts: dict[str, dict[str, int]] = {k: {} for k in keys}
    for entry, _ in entries:
        for key, values in entry[4].items():
            for value in values:
                counts[key][value] = counts[key].get(value, 0) + 1
    values = {k: sorted(counts[k], key=(lambda v: _descending(v)) if k == "年份" else (lambda v, k=k: (-counts[k][v], v)))
              for k in keys}
    index_of = {k: {v: i for i, v in enumerate(values[k])} for k in keys}
    newest_first = sorted(entries, key=lambda e: (not e[0][3], _descending(e[0][3]), e[0][0]))
    pages = [[e[1], e[2], [sorted(index_of[k][v] for v in e[4].get(k, [])) for k in keys], shard, e[3]]
             for e, shard in newest_first]
    data = {"shards": [name + "/" for name in shards], "facets": [[k, values[k]] for k in keys], "pages": pages}
    (output / FACETS_FILE).write_text(json.dumps(data, ensure_ascii=False, separators=(",", ":")) + "\n", encoding="utf-8")


def _descending(text: str) -> tuple[int, ...]:
    return tuple(-ord(c) for c in text)


def fragment_ids(output: Path) -> dict[str, str]:
    """Page address (`/a/b/index.html`) → Pagefind's page id (its fragment file's name)."""
    ids = {}
    for fragment in sorted((output / "fragment").glob("*.pf_fragment")):
        data = gzip.decompress(fragment.read_bytes())
        data = data[len(b"pagefind_dcd"):] if data.startswith(b"pagefind_dcd") else data
        ids[json.loads(data)["url"]] = fragment.name[: -len(".pf_fragment")]
    return ids


def _run_pagefind(source: Path, output: Path, executable: Path | None) -> None:
    command = [str(executable or pagefind_executable()), "--site", str(source), "--output-path", str(output),
               "--keep-index-url", "--silent"]
    try:
        done = subprocess.run(command, capture_output=True, text=True)
    except OSError as error:
        raise SearchError(f"无法运行 Pagefind（{error}）。请重新安装依赖：pip install -e .") from error
    if done.returncode != 0:
        raise SearchError(f"Pagefind 建立搜索索引失败：{(done.stderr or done.stdout).strip()[:2000]}")


def pagefind_executable() -> Path:
    """Pagefind's standard binary from the `pagefind-bin` wheel (not the extended one, even if installed)."""
    try:
        from pagefind_bin import get_executable
    except ImportError as error:
        raise SearchError("没有安装 Pagefind（pagefind[bin]）。请运行 pip install -e . 后重试。") from error
    return get_executable()


# --- reading a written page ---------------------------------------------------------------------

def read_page(path: Path, site_dir: Path) -> Record | None:
    """The searchable text and Pagefind attributes of a page, or None when it has no `data-pagefind-body`."""
    text = path.read_text(encoding="utf-8")
    if "data-pagefind-body" not in text:
        return None
    parser = _PageParser()
    # Nothing before the first data-pagefind-* attribute is read: it is outside the region (the page's
    # header and navigation, a quarter of its elements) and holds no value.
    _feed(parser, text[max(0, text.rfind("<", 0, text.find("data-pagefind-"))):])
    if not parser.found_body:
        return None
    record = Record(path=path.relative_to(site_dir).as_posix(), segments=_merge(parser.segments),
                    meta=parser.meta, filters=parser.filters, sort=parser.sort)
    if "title" not in record.meta and parser.first_h1:
        record.meta["title"] = parser.first_h1
    return record


def _feed(parser: "_PageParser", text: str) -> None:
    """Run a page through `parser`'s handlers with libxml2's HTML tokenizer (lxml, in C: the pages'
    own parse was most of the index stage's Python time with html.parser)."""
    from lxml import etree
    feeder = etree.HTMLParser(target=_Target(parser), no_network=True, recover=True, remove_comments=True,
                              remove_pis=True)
    feeder.feed(text)
    feeder.close()


class _Target:
    """lxml's parser-target interface, straight onto `_PageParser`'s handlers (it calls them for
    every element and every run of text of a page)."""

    def __init__(self, parser: "_PageParser"):
        self.start, self.end, self.data = parser.start, parser.handle_endtag, parser.handle_data

    def close(self):
        return None


def _merge(segments: list[tuple[int, str]]) -> list[tuple[int, str]]:
    """Runs of text of one weight joined (once each: a long body has hundreds of thousands of pieces)."""
    merged: list[tuple[int, list[str]]] = []
    for weight, text in segments:
        if merged and merged[-1][0] == weight:
            merged[-1][1].append(text)
        else:
            merged.append((weight, [text]))
    joined = [(w, "".join(parts)) for w, parts in merged]
    return [(w, t) for w, t in joined if t.strip()]


class _PageParser(HTMLParser):
    """Collects text inside `data-pagefind-body` and the data-pagefind-* values of the page."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.stack: list[tuple[str, bool, bool, list[tuple[str, str]] | None]] = []
        """Open elements: (tag, in body, ignored, attribute captures waiting for the element's text)."""
        self.segments: list[tuple[int, str]] = []
        self.meta: dict[str, str] = {}
        self.filters: dict[str, list[str]] = {}
        self.sort: dict[str, str] = {}
        self.found_body = False
        self.first_h1 = ""
        self._captures: list[list[str]] = []  # text buffers of elements whose text is a value
        self._weights: list[int] = []
        self._h1: list[str] | None = None  # text of the first h1 while it is open

    def _state(self) -> tuple[bool, bool]:
        if not self.stack:
            return False, False
        return self.stack[-1][1], self.stack[-1][2]

    def handle_starttag(self, tag, attrs):
        self.start(tag, dict(attrs))

    def start(self, tag: str, attributes: dict[str, str]) -> None:
        """An element opens (lxml's target interface; `handle_starttag` for html.parser)."""
        in_body, ignored = self._state()
        if "data-pagefind-body" in attributes:
            in_body = self.found_body = True
        if "data-pagefind-ignore" in attributes or tag in _SKIP:
            ignored = True
        all_ignored = attributes.get("data-pagefind-ignore") == "all"
        captures: list[tuple[str, str]] = []
        if not all_ignored:
            for kind in ("meta", "filter", "sort"):
                spec = attributes.get(f"data-pagefind-{kind}")
                if spec:
                    captures += self._values(kind, spec)
        if in_body and not ignored and tag not in _INLINE:
            self._text("\n")
        if tag in _VOID:
            return
        if tag in _HEADING_WEIGHTS and in_body and not ignored:
            self._weights.append(_HEADING_WEIGHTS[tag])
            if tag == "h1" and not self.first_h1 and self._h1 is None:
                self._h1 = []
        if captures:
            self._captures.append([])
        self.stack.append((tag, in_body, ignored, captures or None))

    def _values(self, kind: str, spec: str) -> list[tuple[str, str]]:
        """Pagefind's attribute forms `key` (the element's text) and `key:value`, comma-separated."""
        waiting = []
        for part in spec.split(","):
            key, sep, value = part.partition(":")
            key = key.strip()
            if not key:
                continue
            if sep:
                self._store(kind, key, value.strip())
            else:
                waiting.append((kind, key))
        return waiting

    def _store(self, kind: str, key: str, value: str) -> None:
        value = " ".join(value.split())
        if not value:
            return
        if kind == "meta":
            self.meta[key] = value
        elif kind == "filter":
            values = self.filters.setdefault(key, [])
            if value not in values:
                values.append(value)
        else:
            self.sort[key] = value

    def handle_endtag(self, tag):
        stack = self.stack
        if not stack or (stack[-1][0] != tag and not any(open_tag == tag for open_tag, *_ in stack)):
            return
        while self.stack:
            open_tag, in_body, ignored, captures = self.stack.pop()
            if captures is not None:
                text = "".join(self._captures.pop())
                for kind, key in captures:
                    self._store(kind, key, text)
            if open_tag in _HEADING_WEIGHTS and in_body and not ignored:
                self._weights.pop()
                if open_tag == "h1" and self._h1 is not None and not self.first_h1:
                    self.first_h1 = " ".join("".join(self._h1).split())
            if in_body and not ignored and open_tag not in _INLINE:
                self._text("\n")
            if open_tag == tag:
                break

    def handle_data(self, data):
        for buffer in self._captures:
            buffer.append(data)
        in_body, ignored = self._state()
        if in_body and not ignored:
            self._text(data)
            if self._h1 is not None and not self.first_h1:
                self._h1.append(data)

    def _text(self, text: str) -> None:
        self.segments.append((self._weights[-1] if self._weights else 1, text))
