"""The publication boundary under hostile and careless input (issue: publication boundary).

Every stray-file form — files beside non-public documents, editor and merge leftovers, bundle
files their document does not name, symlinks, an upper-case `index.MD` — is scanned for in every
byte of `site/`, the archive zip and its WARC; each rule involved fires on the bad form and stays
silent on the good one.
"""

from __future__ import annotations

import datetime as dt
import io
import os
import stat
import time
import zipfile

import pytest

from conftest import MINIMAL_SITE_YML, PDF_BYTES, ROOT, TODAY, build, check, doc, docx_bytes, located, write_site
from gen import archive as gk_archive
from gen.build import pipeline
from outputs import output_texts
from test_archive_disclosure import _entries

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32


def _canary(name: str) -> str:
    return f"金丝雀{name}泄露"


def _front(lines: list[str], extra: dict[str, str], body: str) -> str:
    return "---\n" + "\n".join(lines + [f"{k}: {v}" for k, v in extra.items()]) + "\n---\n" + body


def _normative(n: int, body: str = "公开正文。\n", **extra: str) -> str:
    return _front([f"title: 测试县公开的规范性文件{n}", f'index_no: "11341524MB1234567X/2026-{n:05d}"',
                   "published: 2026-03-02", "written: 2026-03-01", f"doc_no: 测人社发〔2026〕{n}号", "topic: 就业创业",
                   "valid_from: 2026-03-02", "valid_until: 2031-03-01", "drafter: 就业股"], extra, body)


def _news(n: int, body: str = "公开的动态正文。\n", **extra: str) -> str:
    return _front([f"title: 工作动态{n}", f'index_no: "11341524MB1234567X/2026-{n:05d}"', "published: 2026-05-06"],
                  extra, body)


def _stray_files() -> dict:
    """A public column with every form of stray file, each carrying its own canary."""
    c = _canary
    return {
        "normative/2026/public/index.md": _normative(1, "公开正文，见[附图](chart.png)。\n"),
        "normative/2026/public/public.pdf": PDF_BYTES,
        "normative/2026/public/public.docx": docx_bytes("公开的Word正文"),
        "normative/2026/public/chart.png": PNG,
        # Bundle files the document does not name, and leftovers beside it.
        "normative/2026/public/notes.xlsx": b"PK\x03\x04" + c("未链接表格").encode(),
        "normative/2026/public/index.md.orig": c("合并冲突副本"),
        "normative/2026/public/index.md.bak": c("备份"),
        "normative/2026/public/#index.md#": c("自动保存"),
        "normative/2026/public/.index.md.swp": c("交换文件"),
        "normative/2026/public/index.md.swp": c("交换文件二"),
        "normative/2026/public/index.md~": c("波浪号备份"),
        "normative/2026/public/~$public.docx": c("Word临时文件"),
        "normative/2026/public/draft.markdown": c("第二种扩展名"),
        "normative/2026/public/memo.txt": c("备忘录"),
        "normative/2026/public/data.yml": f"note: {c('数据文件')}\n",
        # Files beside documents that are not bundles: a draft, a withheld, an on-request and an
        # embargoed document, each with a PDF (and an image) of the same name beside it.
        "news/public.md": _news(2),
        "news/draft.md": _news(3, c("草稿正文"), draft="true"),
        "news/draft.pdf": PDF_BYTES + c("草稿附件").encode(),
        "news/withheld.md": _news(4, c("不予公开正文"), disclosure="不予公开", disclosure_reason="内部事务信息"),
        "news/withheld.pdf": PDF_BYTES + c("不予公开附件").encode(),
        "news/on-request.md": _news(5, c("依申请正文"), disclosure="依申请公开", disclosure_reason="仅涉及特定对象"),
        "news/on-request.pdf": PDF_BYTES + c("依申请附件").encode(),
        "news/on-request.png": PNG + c("依申请图片").encode(),
        "news/embargoed.md": doc(f"""
            title: 禁发期内的动态
            index_no: "11341524MB1234567X/2026-00006"
            published: 2026-12-20
            """, c("禁发正文")),
        "news/embargoed.docx": docx_bytes(c("禁发附件")),
        # A draft bundle named index.MD: its files are its own, not loose public assets.
        "news/upper/index.MD": _news(7, c("大写草稿正文") + "\n\n![图](photo.png)\n", draft="true"),
        "news/upper/upper.pdf": PDF_BYTES + c("大写草稿附件").encode(),
        "news/upper/photo.png": PNG + c("大写草稿图片").encode(),
        # A draft bundle whose files a public bundle reaches through symbolic links.
        "news/secret/index.md": _news(8, c("链接草稿正文"), draft="true"),
        "news/secret/secret.pdf": PDF_BYTES + c("链接草稿附件").encode(),
    }


def _with_symlinks(content) -> None:
    public = content / "normative/2026/public"
    os.symlink("../../../news/secret/index.md", public / "appendix.pdf")
    os.symlink("../../../news/secret/secret.pdf", public / "secret.pdf")
    os.symlink("../../../news/secret/index.md", public / "mirror.png")


def _lenient(content) -> None:
    yml = content / "site.yml"
    yml.write_text(yml.read_text(encoding="utf-8").replace(
        "rules: {}", "rules: {interpretation-missing: off}"), encoding="utf-8")


_ELSEWHERE = {"column-empty", "interpretation-missing"}
"""Rules about the column as a whole, which these small columns fire by being small."""


def _found(content) -> set[str]:
    return {f for f in located(check(content)) if f.rsplit("[", 1)[1].rstrip("]") not in _ELSEWHERE}


def _leaks(texts: dict[str, bytes]) -> list[tuple[str, str]]:
    needle = "金丝雀".encode("utf-8")
    found = []
    for path, data in texts.items():
        start = data.find(needle)
        while start >= 0:
            found.append((path, data[start: start + 40].decode("utf-8", "replace")))
            start = data.find(needle, start + 1)
    return found


def test_no_stray_file_reaches_site_archive_or_warc(tmp_path):
    content = write_site(tmp_path, _stray_files(), MINIMAL_SITE_YML)
    _with_symlinks(content)
    _lenient(content)
    out = tmp_path / "site"
    result = build(content, out)
    assert result.written, [f"{f.file}:{f.line} [{f.rule}] {f.message}" for f in result.findings if f.severity == "error"]
    texts = output_texts(out)
    assert any(p.startswith("pagefind/") for p in texts)
    assert _leaks(texts) == []
    assert "金丝雀" not in " ".join(texts)
    # What belongs to the public document is there, and nothing else of its folder.
    bundle = sorted(p for p in texts if p.startswith("normative/2026/public/"))
    assert bundle == ["normative/2026/public/chart.png", "normative/2026/public/index.html",
                      "normative/2026/public/public.docx", "normative/2026/public/public.pdf"]
    assert not any(p.startswith("news/") and not p.endswith(".html") for p in texts)
    package = tmp_path / "package.zip"
    archived = pipeline.archive(gk_archive.ArchiveOptions(content=content, out=package, today=TODAY, warc=True,
                                                          layouts=ROOT / "layouts"))
    assert archived.written
    entries = _entries(package.read_bytes())
    assert any(p.endswith(".warc.gz") for p in entries)
    assert _leaks(entries) == []
    assert "金丝雀" not in " ".join(entries)


def test_every_stray_file_is_reported_and_the_good_ones_are_not(tmp_path):
    content = write_site(tmp_path, _stray_files(), MINIMAL_SITE_YML)
    _with_symlinks(content)
    found = located(check(content), "file-unpublished")
    stray = {"normative/2026/public/" + name for name in (
        "notes.xlsx", "index.md.orig", "index.md.bak", "#index.md#", "index.md.swp", "index.md~", "~$public.docx",
        "draft.markdown", "memo.txt", "data.yml", "appendix.pdf", "secret.pdf", "mirror.png")}
    stray |= {"news/draft.pdf", "news/withheld.pdf", "news/on-request.pdf", "news/on-request.png", "news/embargoed.docx"}
    assert found == {f"{path}:1 [file-unpublished]" for path in stray}
    messages = {f.file.split("content/", 1)[1]: f.message for f in check(content) if f.rule == "file-unpublished"}
    assert "备份" in messages["normative/2026/public/index.md.bak"]  # temporary and backup files are named as such
    assert "临时" in messages["normative/2026/public/~$public.docx"]
    assert "符号链接" in messages["normative/2026/public/secret.pdf"]
    # The files that belong to documents — own versions, linked images, the draft's own files — are silent.
    assert not any(p.startswith(("normative/2026/public/public.", "normative/2026/public/chart", "news/upper/",
                                 "news/secret/")) for p in messages)


def test_a_loose_file_linked_from_a_public_page_is_published(tmp_path):
    files = {"news/public.md": _news(2, "见[统计表](shared/table.xlsx)和![图](shared/chart.png)。\n"),
             "news/shared/table.xlsx": b"PK\x03\x04table",
             "news/shared/chart.png": PNG,
             "news/shared/unused.png": PNG}
    content = write_site(tmp_path, files, MINIMAL_SITE_YML)
    assert located(check(content), "file-unpublished") == {"news/shared/unused.png:1 [file-unpublished]"}
    out = tmp_path / "site"
    assert build(content, out, search=False).written
    assert (out / "news/shared/table.xlsx").is_file() and (out / "news/shared/chart.png").is_file()
    assert not (out / "news/shared/unused.png").exists()


def test_a_public_page_linking_a_file_that_is_never_published_is_told(tmp_path):
    files = {"news/public/index.md": _news(2, "见[说明](memo.txt)。\n"),
             "news/public/memo.txt": "说明"}
    content = write_site(tmp_path, files, MINIMAL_SITE_YML)
    found = _found(content)
    assert "news/public/index.md:6 [link-broken]" in found
    assert "news/public/memo.txt:1 [file-unpublished]" in found


def test_upper_case_index_md_is_a_bundle(tmp_path):
    files = {"news/upper/INDEX.MD": _news(2, "见![图](photo.png)。\n"),
             "news/upper/photo.png": PNG,
             "news/Other.MD": _news(3)}
    content = write_site(tmp_path, files, MINIMAL_SITE_YML)
    assert _found(content) == set()
    out = tmp_path / "site"
    assert build(content, out, search=False).written
    assert (out / "news/upper/index.html").is_file() and (out / "news/upper/photo.png").is_file()
    assert (out / "news/Other/index.html").is_file()


@pytest.mark.parametrize("key,value", [("draft", "true"), ("disclosure", "不予公开"), ("published", "2026-12-01")])
def test_column_introduction_refuses_flags_it_cannot_honour(tmp_path, key, value):
    files = {"news/_index.md": f"---\ntitle: 工作动态\n{key}: {value}\n---\n栏目说明。\n", "news/a.md": _news(2)}
    content = write_site(tmp_path, files, MINIMAL_SITE_YML)
    assert _found(content) == {"news/_index.md:3 [front-matter-invalid]"}
    result = build(content, tmp_path / "site", search=False)
    assert not result.written and not (tmp_path / "site").exists()


def test_column_introduction_with_a_title_only_is_silent(tmp_path):
    files = {"news/_index.md": "---\ntitle: 工作动态\n---\n栏目说明。\n", "news/a.md": _news(2)}
    assert _found(write_site(tmp_path, files, MINIMAL_SITE_YML)) == set()


# --- active content ------------------------------------------------------------------------------

SVG_CLEAN = b'<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><rect width="10" height="10"/></svg>'
SVG_SCRIPT = b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'
SVG_ONLOAD = b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"><rect/></svg>'
HTML = b"<html><body data-pagefind-body><script>alert(1)</script>\xc4\xe3\xba\xc3</body></html>"  # GBK text


@pytest.mark.parametrize("name,data", [("page.html", HTML), ("page.htm", HTML), ("run.js", b"alert(1)"),
                                       ("script.svg", SVG_SCRIPT), ("onload.svg", SVG_ONLOAD),
                                       ("feed.xml", b'<?xml version="1.0"?><html xmlns="http://www.w3.org/1999/xhtml"/>')])
def test_active_attachment_linked_from_a_public_page_is_refused(tmp_path, name, data):
    image = name.endswith(".svg")
    body = f"{'!' if image else ''}[附件](%s)\n" % name
    files = {"news/a/index.md": _news(2, body), f"news/a/{name}": data}
    content = write_site(tmp_path, files, MINIMAL_SITE_YML)
    assert _found(content) == {f"news/a/{name}:1 [unsafe-content]"}
    assert not build(content, tmp_path / "site", search=False).written


@pytest.mark.parametrize("name,data", [("page.html", HTML), ("script.svg", SVG_SCRIPT)])
def test_active_file_nobody_links_is_only_unpublished(tmp_path, name, data):
    files = {"news/a/index.md": _news(2), f"news/a/{name}": data}
    content = write_site(tmp_path, files, MINIMAL_SITE_YML)
    assert _found(content) == {f"news/a/{name}:1 [file-unpublished]"}
    out = tmp_path / "site"
    assert build(content, out).written
    assert not (out / f"news/a/{name}").exists()


def test_clean_svg_is_published(tmp_path):
    files = {"news/a/index.md": _news(2, "![示意图](plan.svg)\n"), "news/a/plan.svg": SVG_CLEAN}
    content = write_site(tmp_path, files, MINIMAL_SITE_YML)
    assert _found(content) == set()
    out = tmp_path / "site"
    assert build(content, out, search=False).written
    assert (out / "news/a/plan.svg").read_bytes() == SVG_CLEAN


def test_external_image_is_reported_and_a_local_one_is_not(tmp_path):
    files = {"news/a/index.md": _news(2, "![外部](https://example.com/a.png)\n\n![协议相对](//example.com/b.png)\n\n"
                                         "![本地](c.png)\n\n[外部链接](https://www.gov.cn/)\n"),
             "news/a/c.png": PNG}
    found = _found(write_site(tmp_path, files, MINIMAL_SITE_YML))
    assert found == {"news/a/index.md:6 [link-broken]", "news/a/index.md:8 [link-broken]"}


# --- paths from site.yml -------------------------------------------------------------------------

@pytest.mark.parametrize("key,value", [("id", "/tmp/gongkai-escape-abs"), ("folder", "news/../../../escape"),
                                       ("id", "..\\\\escape"), ("folder", ".git")])
def test_column_paths_that_leave_the_output_are_refused(tmp_path, key, value):
    other = "folder: news" if key == "id" else "id: news"
    yml = MINIMAL_SITE_YML.replace("  - {id: news, title: 工作动态, folder: news, kind: article}",
                                   f'  - {{{other}, {key}: "{value}", title: 工作动态, kind: article}}')
    assert yml != MINIMAL_SITE_YML
    content = write_site(tmp_path / "work", {"news/a.md": _news(2)}, yml)
    found = check(content)
    assert [f.rule for f in found if f.file.endswith("site.yml") and f.rule not in _ELSEWHERE] == ["unsafe-content"]
    before = set(tmp_path.rglob("*"))
    assert not build(content, tmp_path / "work/site", search=False).written
    assert set(tmp_path.rglob("*")) - before == set()
    assert not os.path.exists("/tmp/gongkai-escape-abs")


def test_base_url_must_be_http(tmp_path):
    yml = MINIMAL_SITE_YML.replace("base_url: https://rsj.example.gov.cn/", "base_url: \"javascript:alert(1)//\"")
    found = _found(write_site(tmp_path, {"news/a.md": _news(2)}, yml))
    assert found == {"site.yml:2 [unsafe-content]"}
    assert _found(write_site(tmp_path / "ok", {"news/a.md": _news(2)}, MINIMAL_SITE_YML)) == set()


def test_feed_and_sitemap_stay_well_formed_xml(tmp_path):
    from xml.etree import ElementTree
    files = {"news/a.md": _news(2).replace("title: 工作动态2", 'title: "工作\\x0b动态\\x1b标题"'),
             "news/空 格/index.md": _news(3)}
    content = write_site(tmp_path, files, MINIMAL_SITE_YML)
    out = tmp_path / "site"
    assert build(content, out, search=False).written
    feed = ElementTree.parse(out / "feed.xml")
    titles = [e.text for e in feed.iter("{http://www.w3.org/2005/Atom}title")]
    assert "工作动态标题" in titles
    locations = [e.text for e in ElementTree.parse(out / "sitemap.xml").iter("{http://www.sitemaps.org/schemas/sitemap/0.9}loc")]
    assert "https://rsj.example.gov.cn/news/%E7%A9%BA%20%E6%A0%BC/" in locations
    assert all(" " not in loc for loc in locations)


# --- bounded work --------------------------------------------------------------------------------

def _docx_bomb(xml_bytes: int) -> bytes:
    paragraph = "<w:p><w:r><w:t>" + "重复的段落文字。" * 20 + "</w:t></w:r></w:p>"
    count = xml_bytes // len(paragraph.encode())
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"/>')
        archive.writestr("word/document.xml", '<?xml version="1.0"?><w:document xmlns:w="http://schemas.openxmlformats.org/'
                         'wordprocessingml/2006/main"><w:body>' + paragraph * count + "</w:body></w:document>")
    return buffer.getvalue()


def test_a_word_file_that_expands_to_100_mb_is_cut_in_seconds(tmp_path):
    from gen.search.files import TEXT_LIMIT, file_text
    path = tmp_path / "bomb.docx"
    path.write_bytes(_docx_bomb(100 * 1024 * 1024))
    assert path.stat().st_size < 2 * 1024 * 1024
    started = time.perf_counter()
    text, cut = file_text(path)
    assert cut and len(text) == TEXT_LIMIT
    assert time.perf_counter() - started < 20


def test_distinct_sentences_of_a_large_download_are_compared_in_linear_time():
    from gen.search.files import new_text, squeeze
    text = "".join(f"第{i}条规定的内容各不相同。" for i in range(60_000))
    page = squeeze("".join(f"页面第{i}句。" for i in range(30_000)))
    started = time.perf_counter()
    kept = new_text(text, page)
    assert kept.count("\n") == 59_999
    assert time.perf_counter() - started < 20


def test_a_five_megabyte_body_of_short_paragraphs_builds_with_search_in_bounded_time(tmp_path):
    body = "".join(f"第{i}段。\n\n" for i in range(300_000))
    assert len(body.encode()) > 4.5 * 1024 * 1024
    files = {"news/big.md": _news(2, body)}
    yml = MINIMAL_SITE_YML.replace("rules: {}", "rules: {file-too-large: {max_bytes: 8000000}}")
    content = write_site(tmp_path, files, yml)
    started = time.perf_counter()
    result = build(content, tmp_path / "site")
    assert result.written
    assert time.perf_counter() - started < 240


def test_a_cut_download_is_reported(tmp_path):
    files = {"normative/2026/big/index.md": _normative(1), "normative/2026/big/big.pdf": PDF_BYTES,
             "normative/2026/big/big.docx": _docx_bomb(8 * 1024 * 1024)}
    content = write_site(tmp_path, files, MINIMAL_SITE_YML)
    _lenient(content)
    result = build(content, tmp_path / "site")
    assert result.written
    assert located(result.findings, "file-too-large") == {"normative/2026/big/big.docx:1 [file-too-large]"}


# --- the output folder ---------------------------------------------------------------------------

def test_site_is_readable_by_a_web_server_running_as_another_user(tmp_path):
    content = write_site(tmp_path, {"news/a/index.md": _news(2, "![图](c.png)\n"), "news/a/c.png": PNG}, MINIMAL_SITE_YML)
    out = tmp_path / "site"
    old = os.umask(0o022)
    try:
        assert build(content, out, search=False).written
    finally:
        os.umask(old)
    for path in [out, *out.rglob("*")]:
        mode = stat.S_IMODE(path.stat().st_mode)
        assert mode & 0o005 == 0o005 if path.is_dir() else mode & 0o004, (path, oct(mode))


def test_leftovers_of_killed_builds_are_cleared_and_a_build_in_progress_is_not(tmp_path):
    import fcntl
    content = write_site(tmp_path, {"news/a.md": _news(2)}, MINIMAL_SITE_YML)
    out = tmp_path / "site"
    assert build(content, out, search=False).written
    killed = tmp_path / ".site.tmp-killed"
    (killed / "news").mkdir(parents=True)
    (tmp_path / ".site.tmp-killed.lock").write_bytes(b"")
    old_style = tmp_path / ".site.tmp-oldstyle"
    old_style.mkdir()
    running = tmp_path / ".site.tmp-running"
    running.mkdir()
    lock = os.open(tmp_path / ".site.tmp-running.lock", os.O_RDWR | os.O_CREAT)
    fcntl.flock(lock, fcntl.LOCK_EX)
    try:
        assert build(content, out, today=TODAY + dt.timedelta(days=1), search=False).written
        assert not killed.exists() and not (tmp_path / ".site.tmp-killed.lock").exists() and not old_style.exists()
        assert running.is_dir()
    finally:
        os.close(lock)
    assert (out / "index.html").is_file()


def test_a_swap_cut_short_between_its_renames_is_undone_not_deleted(tmp_path):
    content = write_site(tmp_path, {"news/a.md": _news(2)}, MINIMAL_SITE_YML)
    out = tmp_path / "site"
    assert build(content, out, search=False).written
    os.rename(out, tmp_path / ".site.old-cut")  # the first rename of a swap, then the process died
    (content / "news/b.md").write_text(_news(3).replace("published: 2026-05-06", "published: 2026-02-30"),
                                       encoding="utf-8")
    result = build(content, out, today=TODAY + dt.timedelta(days=1), search=False)
    assert not result.written  # a failed build after the crash…
    assert (out / "news/a/index.html").is_file()  # …finds the previous site put back, not deleted


def test_no_search_temporary_folder_is_left_in_the_system_temporary_folder(tmp_path, monkeypatch):
    import tempfile
    system_tmp = tmp_path / "tmp"
    system_tmp.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(system_tmp))
    content = write_site(tmp_path, {"news/a.md": _news(2)}, MINIMAL_SITE_YML)
    out = tmp_path / "site"
    assert build(content, out).written
    assert not [p for p in system_tmp.iterdir() if p.name.startswith("gongkai-search")]
    assert not [p for p in out.iterdir() if "search" in p.name and p.name.startswith(".")]


# --- files that are not files ----------------------------------------------------------------------

def test_a_fifo_is_reported_and_skipped_not_read(tmp_path):
    content = write_site(tmp_path, {"news/a.md": _news(2)}, MINIMAL_SITE_YML)
    os.mkfifo(content / "news/pipe.md")
    os.mkfifo(content / "news/pipe.pdf")
    started = time.perf_counter()
    assert _found(content) == {"news/pipe.md:1 [file-unpublished]", "news/pipe.pdf:1 [file-unpublished]"}
    assert build(content, tmp_path / "site", search=False).written
    assert time.perf_counter() - started < 30


def test_a_file_name_that_is_not_utf8_is_reported_without_a_traceback(tmp_path):
    content = write_site(tmp_path, {"news/a.md": _news(2)}, MINIMAL_SITE_YML)
    with open(os.path.join(os.fsencode(content / "news"), "公告".encode("gbk") + b".pdf"), "wb") as handle:
        handle.write(PDF_BYTES)
    found = [f for f in check(content) if f.rule not in _ELSEWHERE]
    assert [(f.rule, f.severity) for f in found] == [("encoding", "error")]
    assert "UTF-8" in found[0].message and "\\x" in found[0].file
    assert not build(content, tmp_path / "site", search=False).written


def test_leftovers_of_a_killed_archive_run_are_cleared(tmp_path):
    content = write_site(tmp_path, {"news/a.md": _news(2)}, MINIMAL_SITE_YML)
    dead = _dead_pid()
    package = tmp_path / "package.zip"
    (tmp_path / f".package.zip.bag-{dead}-abc").mkdir()
    (tmp_path / f".package.zip.tmp-{dead}").write_bytes(b"PK")
    (tmp_path / f".package.zip.bag-{os.getpid()}-running").mkdir()  # a run in progress is left alone
    assert pipeline.archive(gk_archive.ArchiveOptions(content=content, out=package, today=TODAY,
                                                      layouts=ROOT / "layouts")).written
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith(".package")) == \
        [f".package.zip.bag-{os.getpid()}-running"]


def _dead_pid() -> int:
    import subprocess
    child = subprocess.Popen(["true"])
    child.wait()
    return child.pid


def test_dangling_and_looping_symlinks_are_reported_not_fatal(tmp_path):
    content = write_site(tmp_path, {"news/a/index.md": _news(2)}, MINIMAL_SITE_YML)
    os.symlink("missing.pdf", content / "news/a/gone.pdf")
    os.symlink("loop-b.pdf", content / "news/a/loop-a.pdf")
    os.symlink("loop-a.pdf", content / "news/a/loop-b.pdf")
    assert _found(content) == {"news/a/gone.pdf:1 [file-unpublished]", "news/a/loop-a.pdf:1 [file-unpublished]",
                               "news/a/loop-b.pdf:1 [file-unpublished]"}
    assert build(content, tmp_path / "site").written


def test_a_symlink_to_the_documents_own_file_is_published_as_that_file(tmp_path):
    content = write_site(tmp_path, {"news/a/index.md": _news(2, "![流程图](flow.png)\n"),
                                    "news/a/images/flow-2026.png": PNG}, MINIMAL_SITE_YML)
    os.symlink("images/flow-2026.png", content / "news/a/flow.png")
    assert _found(content) == {"news/a/images/flow-2026.png:1 [file-unpublished]"}
    out = tmp_path / "site"
    assert build(content, out, search=False).written
    assert (out / "news/a/flow.png").read_bytes() == PNG


def test_a_hard_link_into_a_drafts_folder_is_not_published(tmp_path):
    files = {"news/public/index.md": _news(2, "[附件](notice.pdf)\n"),
             "news/secret/index.md": _news(3, _canary("硬链接草稿"), draft="true"),
             "news/secret/secret.pdf": PDF_BYTES + _canary("硬链接附件").encode()}
    content = write_site(tmp_path, files, MINIMAL_SITE_YML)
    os.link(content / "news/secret/secret.pdf", content / "news/public/notice.pdf")
    found = _found(content)
    assert "news/public/notice.pdf:1 [file-unpublished]" in found
    result = build(content, tmp_path / "site")
    assert not result.written or _leaks(output_texts(tmp_path / "site")) == []


def test_a_hard_link_to_a_document_is_not_published(tmp_path):
    files = {"news/public/index.md": _news(2, "[附件](notice.pdf)\n"),
             "news/draft.md": _news(3, _canary("硬链接草稿正文"), draft="true")}
    content = write_site(tmp_path, files, MINIMAL_SITE_YML)
    os.link(content / "news/draft.md", content / "news/public/notice.pdf")
    assert "news/public/notice.pdf:1 [file-unpublished]" in _found(content)
    result = build(content, tmp_path / "site")
    assert not result.written or _leaks(output_texts(tmp_path / "site")) == []


def test_a_loose_file_never_takes_the_place_of_a_generated_file(tmp_path):
    files = {"news/a.md": _news(2, "![图](../static/a11y.png)\n\n![图二](../pagefind/x.png)\n"),
             "static/a11y.png": PNG, "pagefind/x.png": PNG}
    content = write_site(tmp_path, files, MINIMAL_SITE_YML)
    found = _found(content)
    assert {"static/a11y.png:1 [file-unpublished]", "pagefind/x.png:1 [file-unpublished]"} <= found
