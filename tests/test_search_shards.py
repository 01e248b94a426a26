"""The search index in shards: a build re-indexes only the shards whose pages or downloads changed,
keeps the others as they were (the same files), and the result is byte for byte a clean build's."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from conftest import ROOT, build, edit
from gen.search import bundle as search

EDITED = "normative/2023/rs-2023-3"


@pytest.fixture
def column(tmp_path: Path, monkeypatch) -> Path:
    from gen import parallel
    monkeypatch.setattr(search, "SHARD_PAGES", 10)
    monkeypatch.setattr(parallel, "MIN_ITEMS", 0)  # shards indexed by forked processes, however few pages
    shutil.copytree(ROOT / "content", tmp_path / "work" / "content")
    return tmp_path / "work" / "content"


def _tree(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def _entries(out: Path) -> dict[str, int]:
    """Shard → the inode of its entry file (the same file when the shard was kept)."""
    return {p.parent.name: os.stat(p).st_ino for p in (out / "pagefind").glob("*/pagefind-entry.json")}


def _pages(out: Path) -> dict[str, bytes]:
    """The searchable pages (lists are not indexed)."""
    pages = {p.relative_to(out).as_posix(): p.read_bytes() for p in out.rglob("index.html")}
    return {path: data for path, data in pages.items() if b"data-pagefind-body" in data}


def _shard_of(out: Path, page: str) -> str:
    return search.shard_of(page, search.shard_count(len(_pages(out))))


def _changed_shards(out: Path, before: dict[str, bytes]) -> set[str]:
    """The shards holding a page whose bytes differ from `before` (those a build must index again)."""
    after = _pages(out)
    return {_shard_of(out, page) for page in set(before) | set(after) if before.get(page) != after.get(page)}


def _same_as_clean(column: Path, out: Path, tmp_path: Path) -> None:
    fresh = tmp_path / "fresh"
    shutil.rmtree(fresh, ignore_errors=True)
    shutil.copytree(column, fresh / "content", ignore=shutil.ignore_patterns(".gongkai-cache"))
    assert build(fresh / "content", fresh / "site").written
    built, clean = _tree(out), _tree(fresh / "site")
    assert [p for p in clean if p.startswith("pagefind/")]
    assert sorted(built) == sorted(clean)
    assert [rel for rel in clean if built[rel] != clean[rel]] == []


def test_an_edit_reindexes_its_shard_only_and_gives_a_clean_builds_index(column: Path, tmp_path: Path):
    out = column.parent / "site"
    assert build(column, out).written
    before, pages = _entries(out), _pages(out)
    assert len(before) > 3
    edit(column / EDITED / "index.md", "\n\n", "\n\n编辑加入的一句话鹦鹉螺。\n\n")
    assert build(column, out).written
    after = _entries(out)
    changed = _changed_shards(out, pages)
    assert _shard_of(out, EDITED + "/index.html") in changed and len(changed) < len(before) / 2
    assert {s for s in before if before[s] != after.get(s)} == changed
    _same_as_clean(column, out, tmp_path)


def test_a_changed_download_alone_reindexes_its_shard(column: Path, tmp_path: Path):
    out = column.parent / "site"
    assert build(column, out).written
    before, pages = _entries(out), _pages(out)
    shutil.copyfile(column / "normative/2024/rs-2024-6/rs-2024-6.docx", column / EDITED / "rs-2023-3.docx")
    assert build(column, out).written
    after = _entries(out)
    changed = _changed_shards(out, pages) | {_shard_of(out, EDITED + "/index.html")}
    assert {s for s in before if before[s] != after.get(s)} == changed
    _same_as_clean(column, out, tmp_path)


def test_documents_added_and_removed_give_a_clean_builds_index(column: Path, tmp_path: Path):
    out = column.parent / "site"
    assert build(column, out).written
    source = column / "employment"
    first, second = sorted(p for p in source.rglob("*.md") if p.name != "_index.md")[:2]
    second.unlink()
    text = first.read_text(encoding="utf-8").replace("title: ", "title: 新增一篇", 1)
    index_no = next(line for line in text.splitlines() if line.startswith("index_no:"))
    text = text.replace(index_no, 'index_no: "11341524MB1234567X/2026-09999"')
    (first.parent / "added-one.md").write_text(text, encoding="utf-8")
    result = build(column, out)
    assert result.written, [f for f in result.findings if f.severity == "error"]
    _same_as_clean(column, out, tmp_path)


def test_a_build_without_the_previous_record_indexes_everything_again(column: Path, tmp_path: Path):
    out = column.parent / "site"
    assert build(column, out).written
    before = _entries(out)
    shutil.rmtree(column.parent / ".gongkai-cache")
    assert build(column, out).written
    after = _entries(out)
    assert not [s for s in before if before[s] == after.get(s)]


def test_the_shard_count_depends_on_the_pages_only():
    assert search.shard_count(1) == search.shard_count(search.SMALL_SHARD) == 1
    assert search.shard_count(search.SMALL_SHARD + 1) == 2  # a small site is indexed on two cores already
    assert search.shard_count(search.MIN_SHARDS * search.SMALL_SHARD * 2) == search.MIN_SHARDS
    assert search.shard_count(search.SHARD_PAGES * 10) == 10
    assert search.shard_count(search.SHARD_PAGES * 10 + 1) == 11
    pages = [f"p/{i}/index.html" for i in range(5000)]
    sizes: dict[str, int] = {}
    for page in pages:
        sizes[search.shard_of(page, 8)] = sizes.get(search.shard_of(page, 8), 0) + 1
    assert len(sizes) == 8 and min(sizes.values()) > 500  # even shards
    assert all(search.shard_of(p, 8) == search.shard_of(p, 8) for p in pages[:50])


def test_the_scratch_folder_of_a_killed_build_is_removed_and_a_running_ones_kept(tmp_path: Path, monkeypatch):
    import fcntl
    scratch = tmp_path / "shm"
    scratch.mkdir()
    monkeypatch.setattr(search, "SCRATCH", scratch)
    monkeypatch.setattr(search, "SCRATCH_ROOM", 0)
    dead = scratch / "gongkai-search-dead"
    (dead / "news").mkdir(parents=True)
    (dead / "news/index.html").write_text("上次构建留下的页面", encoding="utf-8")
    (scratch / "gongkai-search-dead.lock").touch()
    running = scratch / "gongkai-search-running"
    running.mkdir()
    (scratch / "gongkai-search-running.lock").touch()
    handle = os.open(scratch / "gongkai-search-running.lock", os.O_RDWR)
    fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)  # another build, still running
    try:
        shutil.copytree(ROOT / "content", tmp_path / "content")
        assert build(tmp_path / "content", tmp_path / "site").written
    finally:
        os.close(handle)
    assert sorted(p.name for p in scratch.iterdir()) == ["gongkai-search-running", "gongkai-search-running.lock"]


def test_without_a_memory_file_system_the_scratch_is_inside_the_output(tmp_path: Path, monkeypatch):
    monkeypatch.setattr(search, "SCRATCH", tmp_path / "no-such-folder")
    shutil.copytree(ROOT / "content", tmp_path / "content")
    out = tmp_path / "site"
    assert build(tmp_path / "content", out).written
    assert (out / "pagefind/gongkai-search.json").is_file()
    assert not [p for p in out.iterdir() if p.name.startswith(".gongkai-search")]


def test_a_shard_indexed_again_reads_only_its_changed_pages(column: Path, tmp_path: Path, monkeypatch):
    """After an edit, the shard that holds the edited page is indexed again from the input its other
    pages had last time (`PreparedPages`): only pages whose bytes changed are read, in whichever
    process reads them; the index is still a clean build's."""
    out = column.parent / "site"
    assert build(column, out).written
    pages = _pages(out)
    log = tmp_path / "read.log"
    real = search.read_page

    def logged(path, site_dir):
        with open(log, "a", encoding="utf-8") as handle:  # appended by whichever forked process reads
            handle.write(Path(path).relative_to(site_dir).as_posix() + "\n")
        return real(path, site_dir)
    monkeypatch.setattr(search, "read_page", logged)
    edit(column / EDITED / "index.md", "\n\n", "\n\n编辑加入的一句话鹦鹉螺。\n\n")
    assert build(column, out).written
    after = _pages(out)
    changed = {page for page in after if pages.get(page) != after[page]}
    read = set(log.read_text(encoding="utf-8").split())
    assert EDITED + "/index.html" in read and read == changed
    assert len({_shard_of(out, page) for page in changed}) < len(_entries(out))
    monkeypatch.setattr(search, "read_page", real)
    _same_as_clean(column, out, tmp_path)
