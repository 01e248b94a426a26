"""The preview behind `gongkai serve`: each update takes the shortest safe way (body / fields /
full) and leaves exactly the bytes a clean build of the same content would write."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from conftest import ROOT, TODAY, build, edit as _edit
from gen.preview.updates import BODY, FIELDS, FULL, Preview

EDITED = "employment/2026/butie-2026q2.md"
NORMATIVE = "normative/2023/rs-2023-3/index.md"


def _files(folder: Path) -> dict[str, bytes]:
    # The preview has its own search index, and no manifest (no portal reads a preview).
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*"))
            if p.is_file() and not p.relative_to(folder).as_posix().startswith("pagefind/")
            and p.name != "gongkai-manifest.json"}


def _same_as_clean_build(content: Path, preview: Path, tmp: Path) -> None:
    fresh = tmp / "fresh"
    shutil.rmtree(fresh, ignore_errors=True)
    shutil.copytree(content, fresh / "content")
    result = build(fresh / "content", fresh / "site", search=False)
    assert result.errors == 0
    clean, shown = _files(fresh / "site"), _files(preview)
    assert sorted(shown) == sorted(clean)
    assert [rel for rel in clean if clean[rel] != shown[rel]] == []



@pytest.fixture
def preview(tmp_path: Path) -> Preview:
    content = tmp_path / "work" / "content"
    shutil.copytree(ROOT / "content", content)
    p = Preview(content, tmp_path / "work" / "preview", ROOT / "layouts", TODAY, search=False)
    first = p.full()
    assert first.ok and first.tier == FULL
    return p


def test_each_update_leaves_the_bytes_of_a_clean_build(preview: Preview, tmp_path: Path):
    content, out = preview.content, preview.out
    _same_as_clean_build(content, out, tmp_path)

    _edit(content / EDITED, "\n\n", "\n\n编辑新加的一句话。\n\n")
    update = preview.update({content / EDITED})
    assert update.tier == BODY and update.changed == ["employment/2026/butie-2026q2/index.html"]
    _same_as_clean_build(content, out, tmp_path)

    _edit(content / EDITED, "title: ", "title: 改过的")
    update = preview.update({content / EDITED})
    assert update.tier == FIELDS
    assert "employment/2026/butie-2026q2/index.html" in update.changed and "employment/index.html" in update.changed
    _same_as_clean_build(content, out, tmp_path)

    # Pinned: the column's order and the previews above it change.
    _edit(content / EDITED, "title: ", "pinned: true\ntitle: ")
    assert preview.update({content / EDITED}).tier == FIELDS
    _same_as_clean_build(content, out, tmp_path)

    # An interpretation re-pointed to another document: both documents' pages change.
    interpretation = content / "interpretation/2019/jd-rs-2019-2/index.md"
    _edit(interpretation, "interprets: normative/2019/rs-2019-2", "interprets: normative/2023/rs-2023-3")
    update = preview.update({interpretation})
    assert update.tier == FIELDS
    assert {"normative/2019/rs-2019-2/index.html", "normative/2023/rs-2023-3/index.html"} <= set(update.changed)
    _same_as_clean_build(content, out, tmp_path)

    # A normative document's title: shown in the validity lists too (`render.changed_with`).
    _edit(content / NORMATIVE, "title: ", "title: 修订的")
    update = preview.update({content / NORMATIVE})
    assert update.tier == FIELDS and "catalogue/current/index.html" in update.changed
    _same_as_clean_build(content, out, tmp_path)

    # An expiry moves a normative document between the validity lists and changes its banner and
    # the items of its interpretations' pages.
    _edit(content / NORMATIVE, "valid_until: 2028-04-30", "valid_until: 2026-06-30")
    _edit(content / NORMATIVE, "validity: 现行有效", "validity: 失效")
    update = preview.update({content / NORMATIVE})
    assert update.tier in (FIELDS, FULL)
    _same_as_clean_build(content, out, tmp_path)

    # A new document changes every page's column counts: a full update.
    added = content / "employment/2026/added.md"
    text = (content / EDITED).read_text(encoding="utf-8").replace("title: 改过的", "title: 新增的")
    added.write_text(re.sub(r"index_no: (\S+)-(\d+)", lambda m: f"index_no: {m[1]}-{int(m[2]) + 900:05d}", text),
                     encoding="utf-8")
    assert preview.update({added}).tier == FULL
    _same_as_clean_build(content, out, tmp_path)

    added.unlink()
    assert preview.update({added}).tier == FULL
    _same_as_clean_build(content, out, tmp_path)


def test_a_document_that_stops_parsing_keeps_its_last_good_version(preview: Preview):
    content = preview.content
    page = preview.out / "employment/2026/butie-2026q2/index.html"
    before = page.read_bytes()
    _edit(content / EDITED, "title: ", "title: [未闭合")
    update = preview.update({content / EDITED})
    assert update.changed == [] and page.read_bytes() == before
    findings = preview.check()
    assert any(f.severity == "error" and f.file.endswith(EDITED) for f in findings)
    _edit(content / EDITED, "title: [未闭合", "title: ")
    preview.update({content / EDITED})
    assert not any(f.severity == "error" for f in preview.check())


def test_a_rule_finding_appears_and_goes(preview: Preview):
    content = preview.content
    assert not any(f.severity == "error" for f in preview.check())
    _edit(content / NORMATIVE, "topic: 就业创业", "topic: 不存在的主题")
    preview.update({content / NORMATIVE})
    assert any(f.rule == "topic-unknown" and f.file.endswith(NORMATIVE) for f in preview.check())
    _edit(content / NORMATIVE, "topic: 不存在的主题", "topic: 就业创业")
    preview.update({content / NORMATIVE})
    assert not any(f.rule == "topic-unknown" for f in preview.check())


def test_editors_temporary_files_are_not_content(preview: Preview):
    content = preview.content
    swap = content / "employment/2026/.butie-2026q2.md.swp"
    swap.write_text("x", encoding="utf-8")
    gone = content / "employment/2026/4913"  # vim checks that it may write here, then deletes the file
    assert preview.update({swap, gone, content / "employment/2026/butie-2026q2.md~"}).changed == []
    assert preview.update({swap}).tier == BODY


def test_a_document_made_a_draft_disappears_from_the_preview(preview: Preview, tmp_path: Path):
    content, out = preview.content, preview.out
    _edit(content / EDITED, "\n\n", "\n\n金丝雀文本甲乙丙。\n\n")
    preview.update({content / EDITED})
    _edit(content / EDITED, "title: ", "draft: true\ntitle: ")
    assert preview.update({content / EDITED}).tier == FULL
    canary = "金丝雀文本甲乙丙".encode("utf-8")
    assert [p for p in out.rglob("*") if p.is_file() and canary in p.read_bytes()] == []
    _same_as_clean_build(content, out, tmp_path)


def test_linking_a_bundle_file_publishes_it_and_unlinking_withdraws_it(preview: Preview, tmp_path: Path):
    """Which files are published follows the links (the publication boundary), in the preview too."""
    content, out = preview.content, preview.out
    bundle = content / "normative/2023/rs-2023-3"
    (bundle / "liucheng.png").write_bytes((content / "interpretation/2023/jd-rs-2023-3/tujie.png").read_bytes())
    preview.update({bundle / "liucheng.png"})
    assert not (out / "normative/2023/rs-2023-3/liucheng.png").exists()
    _edit(bundle / "index.md", "\n\n", "\n\n![办理流程图](liucheng.png)\n\n")
    assert preview.update({bundle / "index.md"}).tier == FULL
    assert (out / "normative/2023/rs-2023-3/liucheng.png").is_file()
    _same_as_clean_build(content, out, tmp_path)
    _edit(bundle / "index.md", "![办理流程图](liucheng.png)\n\n", "")
    preview.update({bundle / "index.md"})
    assert not (out / "normative/2023/rs-2023-3/liucheng.png").exists()
    _same_as_clean_build(content, out, tmp_path)
