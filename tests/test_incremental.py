"""Incremental builds: after edits, additions, deletions and renames, the output of a build that
reused the previous one is byte-identical to a build from scratch, and unchanged pages really
were reused (same file, not rendered again)."""

from __future__ import annotations

import os
import re
import shutil
from pathlib import Path

import pytest

from conftest import ROOT, build, edit as _edit

EDITED = "employment/2026/butie-2026q2.md"
NORMATIVE = "normative/2023/rs-2023-3"


def output_files(folder: Path) -> list[str]:
    return sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file())


def _tree(folder: Path) -> dict[str, bytes]:
    return {rel: (folder / rel).read_bytes() for rel in output_files(folder)}


def _clean_build(content: Path, tmp: Path) -> dict[str, bytes]:
    """A build from scratch of the same content: a fresh copy, no cache, no previous output."""
    fresh = tmp / "fresh"
    shutil.rmtree(fresh, ignore_errors=True)
    shutil.copytree(content, fresh / "content")
    result = build(fresh / "content", fresh / "site", search=False)
    assert result.errors == 0, result.findings
    return _tree(fresh / "site")


@pytest.fixture
def column(tmp_path: Path) -> Path:
    shutil.copytree(ROOT / "content", tmp_path / "work" / "content")
    return tmp_path / "work" / "content"


def _rebuild_and_compare(content: Path, tmp: Path):
    out = content.parent / "site"
    before = {rel: os.stat(out / rel).st_ino for rel in output_files(out)} if out.exists() else {}
    result = build(content, out, search=False)
    assert result.errors == 0, [f for f in result.findings if f.severity == "error"]
    assert not result.unchanged
    built = _tree(out)
    clean = _clean_build(content, tmp)
    assert sorted(built) == sorted(clean)
    different = [rel for rel in clean if built[rel] != clean[rel]]
    assert different == []
    kept = {rel for rel, inode in before.items() if (out / rel).exists() and os.stat(out / rel).st_ino == inode}
    return result, kept



def test_every_kind_of_change_gives_the_bytes_of_a_clean_build(column: Path, tmp_path: Path):
    result, _ = _rebuild_and_compare(column, tmp_path)
    assert result.reused == 0 and result.rendered > 50

    # A body edit: the page itself is rendered again, (nearly) everything else reused as it is.
    _edit(column / EDITED, "\n\n", "\n\n这是编辑新加的一句话。\n\n")
    result, kept = _rebuild_and_compare(column, tmp_path)
    assert result.rendered <= 3, result.rendered
    assert result.reused > 60
    assert result.rendered + result.reused == result.pages  # counts of pages, as the CLI reports them
    assert "employment/2026/butie-2026q2/index.html" not in kept
    assert "index.html" in kept and "normative/2023/rs-2023-3/index.html" in kept

    # A title edit shows in every list that names the document.
    _edit(column / EDITED, "title: ", "title: 修订后")
    result, kept = _rebuild_and_compare(column, tmp_path)
    assert 1 < result.rendered < 20
    assert "normative/2023/rs-2023-3/index.html" in kept

    # An expiry changes the validity banner and moves the document between both validity lists.
    _edit(column / NORMATIVE / "index.md", "valid_until: 2028-04-30", "valid_until: 2026-06-30")
    _edit(column / NORMATIVE / "index.md", "validity: 现行有效", "validity: 失效")
    _rebuild_and_compare(column, tmp_path)

    # An attachment replaced by a new version (other bytes, an older time): copied again, not linked.
    import zipfile
    docx = next((column / NORMATIVE).glob("*.docx"))
    with zipfile.ZipFile(docx, "a") as archive:
        archive.writestr("docProps/custom.xml", "<Properties/>")
    os.utime(docx, ns=(1_700_000_000_000_000_000, 1_700_000_000_000_000_000))
    result, kept = _rebuild_and_compare(column, tmp_path)
    assert not any(rel.endswith(docx.name) for rel in kept)

    # A new document, a deleted one, a renamed one.
    shutil.copy(column / EDITED, column / "employment/2026/added.md")
    _edit(column / "employment/2026/added.md", "title: 修订后", "title: 新增的")
    text = (column / "employment/2026/added.md").read_text(encoding="utf-8")
    (column / "employment/2026/added.md").write_text(
        re.sub(r"index_no: (\S+)-(\d+)", lambda m: f"index_no: {m[1]}-{int(m[2]) + 900:05d}", text), encoding="utf-8")
    _rebuild_and_compare(column, tmp_path)
    (column / "employment/2026/added.md").unlink()
    _rebuild_and_compare(column, tmp_path)
    (column / EDITED).rename(column / "employment/2026/renamed.md")
    _rebuild_and_compare(column, tmp_path)


def test_a_changed_template_renders_again(column: Path, tmp_path: Path):
    from gen.build import pipeline
    from conftest import TODAY
    layouts = tmp_path / "layouts"
    shutil.copytree(ROOT / "layouts", layouts)
    out = column.parent / "site"

    def run():
        return pipeline.build(pipeline.Options(content=column, out=out, today=TODAY, search=False, layouts=layouts))
    first = run()
    _edit(layouts / "base.html", "</main>", "</main><p>模板修改</p>")
    second = run()
    assert second.reused == 0 and second.rendered == first.rendered
    assert "模板修改" in (out / "index.html").read_text(encoding="utf-8")
    _edit(layouts / "_footer.html", "</footer>", "<p>页脚修改</p></footer>")  # a partial rendered once per depth
    third = run()
    assert third.reused == 0 and third.rendered == first.rendered
    assert "页脚修改" in (out / "index.html").read_text(encoding="utf-8")


def test_a_replaced_output_folder_is_not_trusted(column: Path, tmp_path: Path):
    out = column.parent / "site"
    build(column, out, search=False)
    shutil.rmtree(out)
    shutil.copytree(_clean_dir(column, tmp_path), out)  # someone else's folder with the same name
    _edit(column / EDITED, "\n\n", "\n\n新的一句。\n\n")
    result = build(column, out, search=False)
    assert result.reused == 0


def _clean_dir(content: Path, tmp: Path) -> Path:
    _clean_build(content, tmp)
    return tmp / "fresh" / "site"


def test_no_incremental_option_renders_everything(column: Path, tmp_path: Path):
    from gen.build import pipeline
    from conftest import TODAY
    out = column.parent / "site"
    build(column, out, search=False)
    _edit(column / EDITED, "\n\n", "\n\n新的一句。\n\n")
    result = pipeline.build(pipeline.Options(content=column, out=out, today=TODAY, search=False,
                                             layouts=ROOT / "layouts", incremental=False))
    assert result.reused == 0 and result.rendered > 50


def test_a_document_that_stops_being_public_leaves_no_byte_behind(column: Path, tmp_path: Path):
    """Reuse must never carry an old page of a document that is now a draft or 依申请公开."""
    _edit(column / EDITED, "\n\n", "\n\n金丝雀文本甲乙丙。\n\n")
    build(column, column.parent / "site", search=False)
    out = column.parent / "site"
    assert any(b"\xe9\x87\x91\xe4\xb8\x9d\xe9\x9b\x80" in p.read_bytes() for p in out.rglob("*") if p.is_file())
    _edit(column / EDITED, "title: ", "draft: true\ntitle: ")
    result, _ = _rebuild_and_compare(column, tmp_path)
    assert result.errors == 0
    canary = "金丝雀文本甲乙丙".encode("utf-8")
    assert [p for p in out.rglob("*") if p.is_file() and canary in p.read_bytes()] == []


def test_types_keyed_by_their_repr_hold_only_plain_values():
    """Page keys take the repr of crumbs and downloads whole: that is only a full, canonical text of them
    while every field is declared a plain value (a field holding a document or an item would hide what
    it shows from the key, or the pages it mentions from the preview)."""
    import dataclasses
    import typing
    from gen.build import incremental
    plain = {str, int, float, bool, type(None)}
    for kind in incremental._PLAIN - plain:
        for name, hint in typing.get_type_hints(kind).items():
            assert set(typing.get_args(hint) or (hint,)) <= plain, (kind.__name__, name, hint)
        assert all(f.repr for f in dataclasses.fields(kind)), kind  # every field shows in the repr
    page = lambda crumbs: incremental.page_key("frame", incremental.Page("a/index.html", "document.html", {"crumbs": crumbs}))
    from gen.render import Crumb
    assert page([Crumb("首页", "index.html")]) != page([Crumb("首页", None)]) != page([Crumb("首页 ", None)])


def test_an_incremental_build_with_search_gives_the_index_of_a_clean_build(column: Path, tmp_path: Path):
    """With the search index too: the index files (and the download texts kept between builds) are
    the bytes of a clean build after an edit of a body and of a Word file."""
    out = column.parent / "site"
    assert build(column, out).written
    _edit(column / "normative/2023/rs-2023-3/index.md", "\n\n", "\n\n编辑加入的一句话鹦鹉螺。\n\n")
    shutil.copyfile(column / "normative/2024/rs-2024-6/rs-2024-6.docx", column / "normative/2023/rs-2023-3/rs-2023-3.docx")
    assert build(column, out).written
    fresh = tmp_path / "fresh"
    shutil.copytree(column, fresh / "content")
    assert build(fresh / "content", fresh / "site").written
    built, clean = _tree(out), _tree(fresh / "site")
    assert [p for p in clean if p.startswith("pagefind/")]
    assert sorted(built) == sorted(clean)
    assert [rel for rel in clean if built[rel] != clean[rel]] == []
