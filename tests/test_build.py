"""Whole-site builds of the example column and of inline sites: pages, links, determinism, atomicity."""

from __future__ import annotations

import filecmp
import shutil
import re
from pathlib import Path

import pytest

from gen.build import pipeline
from gen.build import write
from gen.cli import main
from conftest import MINIMAL_SITE_YML, PDF_BYTES, ROOT, TODAY, build, doc, docx_bytes
from conftest import write_site as _write_site


def write_site(root, files):
    return _write_site(root, files, MINIMAL_SITE_YML)
from outputs import broken_links, output_texts, parse_html


def test_example_column_builds_with_zero_errors(example_site):
    assert (example_site / "index.html").is_file()


def test_every_page_type_is_written(example_site):
    for path in ["index.html", "404.html", "sitemap.xml", "feed.xml", "sitemap/index.html", "search/index.html",
                 "catalogue/current/index.html", "catalogue/repealed/index.html", "catalogue/on-request/index.html",
                 "normative/index.html", "interpretation/index.html", "annual-report/index.html", "guide/index.html",
                 "active/index.html", "org/functions/index.html", "org/phonebook/index.html", "static/style.css",
                 "pagefind/pagefind.js"]:
        assert (example_site / path).is_file(), path


def test_pages_are_chinese_and_load_nothing_from_another_host(example_site):
    for page in sorted(example_site.rglob("*.html")):
        if "pagefind" in page.parts:
            continue
        text = page.read_text(encoding="utf-8")
        assert '<html lang="zh-CN">' in text, page
        parsed = parse_html(text)
        for tag, attribute, url in parsed.links:
            if tag in ("script", "img", "iframe", "video", "audio", "source", "embed", "object"):
                assert not re.match(r"^(https?:)?//", url), f"{page}: {tag} loads {url}"
        for tag, attrs in parsed.tags:
            if tag == "link" and attrs.get("rel") in ("stylesheet", "icon", "preload", "modulepreload"):
                assert not re.match(r"^(https?:)?//", attrs.get("href", "")), f"{page}: {attrs}"
            if tag == "script" and attrs.get("src"):
                assert not re.match(r"^(https?:)?//", attrs["src"]), page


def test_every_internal_link_resolves_and_is_relative(example_site):
    assert broken_links(example_site) == []
    for page in sorted(example_site.rglob("*.html")):
        if "pagefind" in page.parts:
            continue
        for tag, attribute, url in parse_html(page.read_text(encoding="utf-8")).links:
            assert not url.startswith("/") or (page.name == "404.html" and tag == "base"), f"{page}: absolute link {url}"


def test_the_404_page_links_from_the_sites_root_wherever_it_is_shown(example_site):
    """The server shows 404.html at any missing address (/xxgk/a/b/c): a <base> at the site's root
    path (from base_url) makes its root-relative links resolve there too."""
    from urllib.parse import urljoin
    page = (example_site / "404.html").read_text(encoding="utf-8")
    base = re.search(r'<base href="([^"]+)">', page)[1]
    assert base == "/xxgk/"  # the path of the example column's base_url
    assert page.index("<base ") < page.index("<link ")  # before any address it governs
    for tag, attribute, url in parse_html(page).links:
        if tag not in ("base", "a") or not url.startswith("http"):
            resolved = urljoin("https://example.gov.cn/xxgk/no/such/page/", urljoin(base, url))
            if resolved.startswith("https://example.gov.cn/xxgk/") and "canonical" not in url:
                assert (example_site / resolved.removeprefix("https://example.gov.cn/xxgk/").split("#")[0] or "index.html").exists() \
                    or resolved.endswith("/"), url


def test_footer_identity_on_every_page(example_site):
    for page in ["index.html", "normative/index.html", "404.html", "sitemap/index.html"]:
        text = (example_site / page).read_text(encoding="utf-8")
        for needle in ("网站标识码", "ICP备", "公网安备", "主办单位", "联系电话"):
            assert needle in text, (page, needle)
        assert "当前位置" in text


def test_home_counts_are_derived_from_the_documents(example_site):
    current = (example_site / "catalogue/current/index.html").read_text(encoding="utf-8")
    rows = len(re.findall(r'<tr><td[ >]', current))
    home = (example_site / "index.html").read_text(encoding="utf-8")
    match = re.search(r'现行有效规范性文件</span> <span class="stat-number">(\d+)</span>', home)
    assert match and int(match[1]) == rows > 0


def test_two_builds_are_byte_identical(tmp_path):
    first, second = tmp_path / "a", tmp_path / "b"
    assert build(ROOT / "content", first).written
    assert build(ROOT / "content", second).written
    comparison = filecmp.dircmp(first, second)
    mismatched = []

    def walk(c):
        mismatched.extend(c.left_only + c.right_only + c.diff_files)
        match, mismatch, errors = filecmp.cmpfiles(c.left, c.right, c.common_files, shallow=False)
        mismatched.extend(mismatch + errors)
        for sub in c.subdirs.values():
            walk(sub)
    walk(comparison)
    assert mismatched == []


SMALL = {
    "normative/2026/a/index.md": doc("""
        title: 测试县就业补贴办法
        index_no: "11341524MB1234567X/2026-00001"
        published: 2026-03-02
        written: 2026-03-01
        doc_no: 测人社发〔2026〕1号
        topic: 就业创业
        valid_from: 2026-03-02
        valid_until: 2031-03-01
        drafter: 就业股
        """, "第一条 为做好就业补贴工作，制定本办法。\n"),
    "normative/2026/a/a.pdf": PDF_BYTES,
    "normative/2026/a/a.docx": docx_bytes(),
    "interpretation/2026/a.md": doc("""
        title: 一图读懂测试县就业补贴办法
        index_no: "11341524MB1234567X/2026-00002"
        published: 2026-03-02
        interprets: normative/2026/a
        drafter: 就业股
        forms: [文字]
        """, "补贴面向登记失业的人员，申请人带身份证到窗口办理，十个工作日内到账。\n"),
}


def test_failed_build_leaves_previous_site_untouched(tmp_path):
    content = write_site(tmp_path, dict(SMALL))
    out = tmp_path / "site"
    assert build(content, out, search=False).written
    before = output_texts(out)
    (content / "normative/2026/a/index.md").write_text("---\ntitle: [broken\n---\n", encoding="utf-8")
    result = build(content, out, search=False)
    assert not result.written and result.errors
    assert output_texts(out) == before
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".site")] == []


def test_crash_while_writing_leaves_previous_site_and_no_staging(tmp_path, monkeypatch):
    content = write_site(tmp_path, dict(SMALL))
    out = tmp_path / "site"
    assert build(content, out, search=False).written
    before = output_texts(out)

    def exploding_swap(staging, target):
        raise OSError("disk full")
    (content / "normative/2026/a/index.md").write_text(SMALL["normative/2026/a/index.md"] + "第二条 补充。\n", encoding="utf-8")
    monkeypatch.setattr(write, "swap", exploding_swap)
    with pytest.raises(OSError):
        build(content, out, search=False)
    assert output_texts(out) == before
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".site")] == []


def test_refuses_to_replace_a_folder_it_did_not_make(tmp_path):
    content = write_site(tmp_path, dict(SMALL))
    out = tmp_path / "precious"
    out.mkdir()
    (out / "thesis.txt").write_text("do not delete", encoding="utf-8")
    with pytest.raises(write.OutputError):
        build(content, out, search=False)
    assert (out / "thesis.txt").read_text(encoding="utf-8") == "do not delete"


def test_cli_exit_codes_and_messages(tmp_path, capsys, monkeypatch):
    content = write_site(tmp_path, dict(SMALL))
    monkeypatch.chdir(tmp_path)
    assert main(["build", "--today", "2026-11-23", "--no-search"]) == 0
    assert (tmp_path / "site/index.html").is_file()
    (content / "normative/2026/a/index.md").write_text("---\ntitle: [broken\n---\n", encoding="utf-8")
    assert main(["build", "--today", "2026-11-23", "--no-search"]) == 1
    out = capsys.readouterr().out
    assert "content/normative/2026/a/index.md:2: 错误[front-matter-invalid]" in out
    assert "原有网站保持不变" in out
    with pytest.raises(SystemExit) as exit_info:
        main(["build", "--today", "2026-13-01"])
    assert exit_info.value.code == 2


@pytest.mark.parametrize("name, data, rule, line", [
    ("policy/bad-yaml.md", "---\ntitle: 标题\ntopic: [综合政务\n---\n正文\n", "front-matter-invalid", 3),
    ("policy/gbk.md", "---\ntitle: 关于做好就业工作的通知\n---\n正文\n".encode("gbk"), "encoding", 2),
    ("policy/empty.md", "", "front-matter-invalid", 1),
    ("policy/no-close.md", "---\ntitle: 标题\n正文\n", "front-matter-invalid", 1),
    ("policy/missing-link.md", doc("""
        title: 关于印发测试办法的通知
        index_no: "11341524MB1234567X/2026-00009"
        published: 2026-03-02
        topic: 综合政务
        needs_interpretation: false
        no_interpretation_reason: 属于内部工作安排
        """, "正文。\n\n详见[附件](attachment.pdf)。\n"), "link-broken", 11),
    ("policy/binary.md", b"\x00\x01\x02PK\x03\x04", "encoding", 1),
    ("policy/scalar.md", "---\njust a sentence\n---\n", "front-matter-invalid", 2),
    ("policy/bad-date.md", "---\ntitle: 标题\nindex_no: \"11341524MB1234567X/2026-00010\"\npublished: 2026-02-30\n---\n", "date-invalid", 4),
])
def test_bad_input_becomes_a_finding_with_file_and_line(tmp_path, capsys, monkeypatch, name, data, rule, line):
    write_site(tmp_path, {name: data})
    monkeypatch.chdir(tmp_path)
    code = main(["check", "--today", "2026-11-23"])
    out = capsys.readouterr().out
    assert code == 1
    assert f"content/{name}:{line}: 错误[{rule}]" in out, out
    assert "Traceback" not in out


def test_hostile_markdown_never_reaches_a_page(tmp_path):
    hostile = ("<script>alert('x')</script>\n\n<img src=x onerror=\"alert(1)\">\n\n[点我](javascript:alert(1))\n\n"
               "<a href=\"JaVaScRiPt:alert(2)\">x</a>\n\n<iframe src=\"https://evil.example\"></iframe>\n\n"
               "<div onclick=\"steal()\">文字</div>\n\n<svg><script>alert(3)</script></svg>\n\n"
               "[x](vbscript:msgbox) <style>body{display:none}</style>\n\n<b>加粗保留</b>\n")
    content = write_site(tmp_path, {"news/evil.md": doc("""
        title: 恶意正文测试
        index_no: "11341524MB1234567X/2026-00003"
        published: 2026-03-02
        """, hostile)})
    assert "unsafe-content" in {f.rule for f in pipeline.check(content, TODAY).findings}
    # Even with the rule switched off, the sanitizer keeps every page safe.
    site_yml = (content / "site.yml").read_text(encoding="utf-8").replace("rules: {}", "rules: {unsafe-content: off, link-broken: off}")
    (content / "site.yml").write_text(site_yml, encoding="utf-8")
    out = tmp_path / "site"
    assert build(content, out, search=False).written
    page = (out / "news/evil/index.html").read_text(encoding="utf-8")
    body = page.split('<div class="body">', 1)[1].split("</article>", 1)[0]
    lowered = body.lower()
    for needle in ("<script", "onerror", "onclick", "javascript:", "vbscript:", "<iframe", "<style"):
        assert needle not in lowered, needle
    assert "<b>加粗保留</b>" in body


def test_links_between_documents_are_rewritten_and_work_from_disk(tmp_path):
    files = dict(SMALL)
    files["news/note.md"] = doc("""
        title: 工作动态
        index_no: "11341524MB1234567X/2026-00004"
        published: 2026-03-03
        """, "见[办法](../normative/2026/a/index.md)和[PDF](../normative/2026/a/a.pdf)。\n")
    content = write_site(tmp_path, files)
    out = tmp_path / "site"
    assert build(content, out, search=False).written
    page = (out / "news/note/index.html").read_text(encoding="utf-8")
    assert 'href="../../normative/2026/a/index.html"' in page
    assert 'href="../../normative/2026/a/a.pdf"' in page
    assert broken_links(out) == []


def test_sub_path_base_url_only_changes_canonical_urls(tmp_path):
    content = write_site(tmp_path, dict(SMALL))
    a, b = tmp_path / "a", tmp_path / "b"
    assert pipeline.build(pipeline.Options(content=content, out=a, today=TODAY, search=False, layouts=ROOT / "layouts")).written
    assert pipeline.build(pipeline.Options(content=content, out=b, today=TODAY, search=False, layouts=ROOT / "layouts",
                                           base_url="https://www.example.gov.cn/xxgk/rsj")).written
    sitemap = (b / "sitemap.xml").read_text(encoding="utf-8")
    assert "<loc>https://www.example.gov.cn/xxgk/rsj/normative/2026/a/</loc>" in sitemap
    page_a = (a / "normative/2026/a/index.html").read_text(encoding="utf-8")
    page_b = (b / "normative/2026/a/index.html").read_text(encoding="utf-8")
    strip = lambda t: re.sub(r'<link rel="canonical"[^>]*>|<meta name="SiteDomain"[^>]*>|<p class="print-source">[^<]*</p>', "", t)
    assert strip(page_a) == strip(page_b)


def test_installed_command_and_module_entry_points(tmp_path):
    import shutil
    import subprocess
    import sys
    content = write_site(tmp_path, dict(SMALL))
    for command in ([sys.executable, "-m", "gen"], [shutil.which("gongkai") or "gongkai"]):
        done = subprocess.run(command + ["check", "--content", str(content), "--today", "2026-11-23", "--format", "json"],
                              capture_output=True, text=True, cwd=tmp_path)
        assert done.returncode == 0, done.stderr
        import json
        report = json.loads(done.stdout)
        assert report["summary"]["errors"] == 0 and report["summary"]["documents"] == 2
    # The command leaves without tearing the interpreter down (cli.run): its exit status and all of a
    # long report still arrive, the short summary printed last (what a buffer would keep) included.
    files = dict(SMALL)
    files["news/broken.md"] = "---\ntitle: [未闭合\n---\n正文\n"
    for i in range(300):
        files[f"news/w{i:03d}.md"] = doc(f'title: 动态{i}\nindex_no: "11341524MB1234567X/2026-{1000 + i:05d}"\npublished: 2026-03-03',
                                         "请核对帐户信息。\n")
    content = write_site(tmp_path / "many", files)
    import os
    buffered = {k: v for k, v in os.environ.items() if k != "PYTHONUNBUFFERED"}  # as a CI runner has it
    done = subprocess.run([sys.executable, "-m", "gen", "check", "--content", str(content), "--today", "2026-11-23"],
                          capture_output=True, text=True, cwd=tmp_path, env=buffered)
    assert done.returncode == 1, done.stderr
    lines = done.stdout.splitlines()
    assert len(lines) > 300
    assert lines[-1].startswith("检查完成：302 个文档，1 个错误")  # the last, short line too


def test_columns_paginate_pinned_first_then_newest(tmp_path):
    files = dict(SMALL)
    for i in range(45):
        files[f"news/n{i:02d}.md"] = doc(f"""
            title: 工作动态第{i}号
            index_no: "11341524MB1234567X/2026-{100 + i:05d}"
            published: 2026-{1 + i // 28:02d}-{1 + i % 28:02d}
            pinned: {'true' if i == 3 else 'false'}
            """)
    content = write_site(tmp_path, files)
    out = tmp_path / "site"
    assert build(content, out, search=False).written
    first = (out / "news/index.html").read_text(encoding="utf-8")
    titles = re.findall(r"工作动态第(\d+)号", first)
    assert titles[:3] == ["3", "44", "43"]
    assert len(titles) == 20
    assert (out / "news/page/2/index.html").is_file() and (out / "news/page/3/index.html").is_file()
    assert not (out / "news/page/4").exists()
    third = (out / "news/page/3/index.html").read_text(encoding="utf-8")
    assert len(re.findall(r"工作动态第(\d+)号", third)) == 5
    assert 'rel="prev"' in third and 'rel="next"' not in third
    assert broken_links(out) == []


def test_pager_of_a_long_column_links_first_last_and_neighbours_only(tmp_path):
    files = dict(SMALL)
    for i in range(200):  # ten pages
        files[f"news/n{i:03d}.md"] = doc(f"""
            title: 工作动态第{i}号
            index_no: "11341524MB1234567X/2026-{100 + i:05d}"
            published: 2026-{1 + i // 28 % 12:02d}-{1 + i % 28:02d}
            """)
    content = write_site(tmp_path, files)
    out = tmp_path / "site"
    assert build(content, out, search=False).written

    def pager(path):
        html = (out / path).read_text(encoding="utf-8")
        nav = re.search(r'<nav class="pager".*?</nav>', html, re.S).group(0)
        return re.findall(r'>(\d+|…)</', nav), re.search(r'aria-current="page">(\d+)<', nav).group(1)
    assert pager("news/index.html") == (["1", "2", "3", "…", "10"], "1")
    assert pager("news/page/5/index.html") == (["1", "…", "3", "4", "5", "6", "7", "…", "10"], "5")
    assert pager("news/page/10/index.html") == (["1", "…", "8", "9", "10"], "10")
    assert pager("news/page/4/index.html")[0] == ["1", "2", "3", "4", "5", "6", "…", "10"]  # no gap hides one number
    assert broken_links(out) == []


def test_header_and_footer_link_from_every_depth_and_mark_the_current_column(tmp_path):
    """The chrome is rendered once per depth and reused: on every page its links must resolve from that
    page, and exactly the navigation entry that leads to the page itself is marked aria-current."""
    import posixpath
    content = write_site(tmp_path, dict(SMALL))
    out = tmp_path / "site"
    assert build(content, out, search=False).written
    marked = 0
    for page in sorted(out.rglob("*.html")):
        rel = page.relative_to(out).as_posix()
        html = page.read_text(encoding="utf-8")
        nav = re.search(r'<nav class="site-nav".*?</nav>', html, re.S).group(0)
        for href, current in re.findall(r'<a href="([^"]+)"( aria-current="page")?', nav):
            target = posixpath.normpath(posixpath.join(posixpath.dirname(rel), href))
            assert (out / target).is_file(), (rel, href)
            assert bool(current) == (target == rel), (rel, href)
            marked += bool(current)
        footer = re.search(r'<footer class="site-footer">.*?</footer>', html, re.S).group(0)
        for href in re.findall(r'href="([^"]+)"', footer):
            assert (out / posixpath.normpath(posixpath.join(posixpath.dirname(rel), href))).is_file(), (rel, href)
    assert marked >= 3  # the home page and the columns' own pages
    assert broken_links(out) == []


def _many_news(count: int, body: str) -> dict:
    """SMALL plus `count` news items (enough to make a build fork); `body` may use {i}."""
    files = dict(SMALL)
    for i in range(count):
        files[f"news/{i // 100}/n{i:04d}.md"] = doc(f"""
            title: 工作动态第{i}号
            index_no: "11341524MB1234567X/2026-{100 + i:05d}"
            published: 2026-{1 + i % 12:02d}-{1 + i % 28:02d}
            """, body.format(i=i))
    return files


def _two_processes(monkeypatch) -> list[int]:
    """Make every work queue use two processes, however many cores there are; return the list of
    the queues' lengths, filled as they run."""
    from gen import parallel
    lengths: list[int] = []
    real_work_queue = parallel.work_queue

    def counting(fn, items, alongside=None, processes=None, min_items=parallel.MIN_ITEMS, here=False):
        lengths.append(len(items))
        return real_work_queue(fn, items, alongside, 2, min_items, here)
    monkeypatch.setattr(parallel, "work_queue", counting)
    return lengths


def _one_process(monkeypatch) -> None:
    """Make every work queue run in this process alone."""
    from gen import parallel
    def alone(fn, items, alongside=None, processes=None, min_items=0, here=False):
        if alongside is not None:
            alongside()
        return [fn(items)]
    monkeypatch.setattr(parallel, "work_queue", alone)


def test_parallel_render_matches_a_single_process(tmp_path, monkeypatch):
    from gen import parallel
    files = _many_news(parallel.MIN_ITEMS + 50, "第{i}号动态的正文，见[办法](../../normative/2026/a/index.md)。\n")
    content = write_site(tmp_path, files)
    queues = _two_processes(monkeypatch)
    assert build(content, tmp_path / "two", search=False).written
    assert queues and queues[0] >= parallel.MIN_ITEMS
    _one_process(monkeypatch)
    assert build(content, tmp_path / "one", search=False).written
    assert output_texts(tmp_path / "two") == output_texts(tmp_path / "one")


def test_a_large_column_with_an_error_is_checked_on_every_core_and_leaves_nothing(tmp_path, monkeypatch):
    from gen import parallel
    files = _many_news(parallel.MIN_ITEMS + 50, "第{i}号动态的正文。\n")
    files["news/0/n0003.md"] = files["news/0/n0003.md"].replace("published: 2026-04-04", "published: 2026-02-30")
    content = write_site(tmp_path, files)
    out = tmp_path / "site"
    monkeypatch.setattr(parallel, "workers", lambda: 2)
    result = build(content, out, search=False)
    assert not result.written and result.errors == 1
    assert not out.exists() and not list(tmp_path.glob(".site.tmp-*"))


def test_parallel_parse_matches_a_single_process(tmp_path, monkeypatch):
    """Files read and split in a forked child give the same documents and findings, broken ones included."""
    from gen import parallel
    from gen.build import pipeline
    files = _many_news(parallel.MIN_ITEMS + 50, "第{i}号动态的正文。\n")
    files["news/4/broken.md"] = "---\ntitle: [未闭合\n---\n正文\n"
    files["news/4/gbk.md"] = "---\ntitle: 国标编码\n---\n正文\n".encode("gb18030")
    content = write_site(tmp_path, files)
    calls = _two_processes(monkeypatch)
    two = pipeline.check(content, TODAY)
    assert calls and calls[0] >= parallel.MIN_ITEMS
    _one_process(monkeypatch)
    one = pipeline.check(content, TODAY)
    assert two.findings == one.findings
    assert {f.rule for f in one.findings if f.file.endswith(("broken.md", "gbk.md"))} == {"front-matter-invalid", "encoding"}
    def describe(site):
        """Every field of every document (the modelled ones travel back from the children without
        their source file and column, and are put together again here)."""
        return [(type(d), d.column.id, d.source.rel, d.source.digest, d.body.source,
                 {k: v for k, v in vars(d).items() if k not in ("source", "column", "body")}) for d in site.documents]
    assert describe(two.site) == describe(one.site)
    assert all(d.source.digest for d in two.site.documents)
    assert all(d.column is next(c for c in two.site.config.all_columns if c.id == d.column.id) for d in two.site.documents)
    # The preview's loader models every file in this process, with the constructor: the same documents.
    modelled, _ = pipeline.load_site(content, TODAY, known={})
    assert describe(modelled) == describe(two.site)


def test_the_loader_reads_the_fingerprint_walk_as_its_own(tmp_path):
    """A build lists content/ once (hidden files too, for the fingerprint); the loader's view of that
    list leaves out hidden files and folders exactly as its own walk does."""
    from gen.content import sources
    files = dict(SMALL)
    files[".git/config"] = "[core]\n"
    files[".git/objects/ab/cd.md"] = "---\ntitle: 不是文档\n---\n"
    files["news/.draft.md"] = "---\ntitle: 编辑器临时文件\n---\n"
    files["news/.cache/x.md"] = "---\ntitle: 隐藏目录\n---\n"
    files["news/visible.md"] = doc('title: 可见\nindex_no: "11341524MB1234567X/2026-00032"\npublished: 2026-03-03')
    content = write_site(tmp_path, files).resolve()
    folders = list(sources.walk(content, hidden=True))
    assert any(here.startswith(".git") for here, _ in folders)
    describe = lambda tree: [(s.rel, s.size, s.mtime_ns, s.text) for s in
                             tree.documents + tree.files + tree.catalogues + tree.column_intros]
    alone, shared = sources.load(content), sources.load(content, folders=folders)
    assert describe(shared) == describe(alone)
    assert "news/visible.md" in [s.rel for s in shared.documents]
    assert not [s.rel for s in shared.documents + shared.files if "/." in "/" + s.rel]


def test_unchanged_content_is_not_built_again(tmp_path, monkeypatch, capsys):
    content = write_site(tmp_path, dict(SMALL))
    monkeypatch.chdir(tmp_path)
    assert main(["build", "--today", "2026-11-23", "--no-search"]) == 0
    first = output_texts(tmp_path / "site")
    capsys.readouterr()
    assert main(["build", "--today", "2026-11-23", "--no-search"]) == 0
    out = capsys.readouterr().out
    assert "没有变化" in out and "2 个文档" in out
    assert output_texts(tmp_path / "site") == first
    # Any change of content, date or output builds again.
    note = content / "news/note.md"
    note.parent.mkdir()
    note.write_text(doc('title: 新动态\nindex_no: "11341524MB1234567X/2026-00031"\npublished: 2026-03-03'), encoding="utf-8")
    assert main(["build", "--today", "2026-11-23", "--no-search"]) == 0
    assert "没有变化" not in capsys.readouterr().out
    assert (tmp_path / "site/news/note/index.html").is_file()
    assert main(["build", "--today", "2026-11-24", "--no-search"]) == 0
    assert "没有变化" not in capsys.readouterr().out
    import shutil
    shutil.rmtree(tmp_path / "site")
    assert main(["build", "--today", "2026-11-24", "--no-search"]) == 0
    assert "没有变化" not in capsys.readouterr().out and (tmp_path / "site/index.html").is_file()
    # A failed build is never remembered: fixing nothing still reports the error.
    note.write_text("---\ntitle: [broken\n---\n", encoding="utf-8")
    assert main(["build", "--today", "2026-11-24", "--no-search"]) == 1
    assert main(["build", "--today", "2026-11-24", "--no-search"]) == 1


def test_stage_lines_on_request_and_quiet_in_ci(tmp_path, capsys, monkeypatch):
    from gen import cli
    content = ROOT / "content"
    monkeypatch.setenv("CI", "true")
    assert cli.main(["check", "--content", str(content), "--today", "2026-11-23"]) == 0
    err = capsys.readouterr().err
    assert "读取内容" not in err
    out = tmp_path / "site"
    assert cli.main(["build", "--content", str(content), "--out", str(out), "--today", "2026-11-23", "--no-search",
                     "--verbose"]) == 0
    captured = capsys.readouterr()
    stages = [line for line in captured.err.splitlines() if line.strip().startswith("·")]
    assert [s.split()[1] for s in stages] == ["核对变化", "读取内容", "解析文档", "建立站点模型", "检查规则", "生成页面", "写入输出目录"]
    assert all(s.rstrip().endswith("秒") for s in stages)
    assert cli.main(["build", "--content", str(content), "--out", str(out), "--today", "2026-11-23", "--no-search",
                     "--verbose", "--quiet"]) == 0
    assert capsys.readouterr().err == ""


def test_a_rule_error_in_a_large_column_keeps_the_previous_site(tmp_path):
    """Large columns check while the pages render (in a child process); an error found there must still
    leave the previous site/ untouched and no staging folder behind."""
    from conftest import ORG
    files = {f"news/2026/a{n}.md": doc(f'title: 动态{n}\nindex_no: "{ORG}/2026-{n:05d}"\npublished: 2026-03-10\ntopic: 就业创业')
             for n in range(1, 451)}
    content = write_site(tmp_path, files)
    out = tmp_path / "site"
    first = build(content, out, search=False)
    assert first.errors == 0 and first.pages > 450
    before = {p: p.read_bytes() for p in out.rglob("*") if p.is_file()}
    broken = content / "news/2026/a7.md"
    broken.write_text(broken.read_text(encoding="utf-8").replace("topic: 就业创业", "topic: 没有这个主题"), encoding="utf-8")
    second = build(content, out, search=False)
    assert [f.rule for f in second.findings if f.severity == "error"] == ["topic-unknown"]
    assert not second.written
    assert {p: p.read_bytes() for p in out.rglob("*") if p.is_file()} == before
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".site")] == []


def test_an_error_in_a_forked_worker_is_raised_with_its_own_message():
    from gen import parallel

    def work(part):
        if 7 in part:
            raise ValueError("模板第 7 项出错")
        return sum(part)
    items = list(range(parallel.MIN_ITEMS * 2))
    assert sum(parallel.work_queue(lambda part: sum(part), items, None, 2)) == sum(items)
    for order in (items, items[::-1]):  # the failing slice first or last: taken by this process or a child
        for here in (False, True):
            with pytest.raises(ValueError, match="模板第 7 项出错"):
                parallel.work_queue(work, order, None, 2, here=here)
    assert parallel.fork_call(lambda: "结果")() == "结果"
    called = []
    assert parallel.work_queue(lambda part: sum(part), items, lambda: called.append(1), 2) == [sum(p) for p in parallel.guided(items, 2)]
    assert called == [1]  # this process's own work, done while the children take the slices
    import os
    descriptors = len(os.listdir("/proc/self/fd")) if os.path.isdir("/proc/self/fd") else None
    for processes in (3, 8):  # every slice once, in order, however many processes take them
        many = list(range(parallel.MIN_ITEMS * 20))
        for here in (False, True):
            assert parallel.work_queue(lambda part: list(part), many, None, processes, here=here) == \
                [list(p) for p in parallel.guided(many, processes)]
    assert descriptors is None or len(os.listdir("/proc/self/fd")) == descriptors  # the queue and channels are closed
    with pytest.raises(ValueError, match="模板第 7 项出错"):
        parallel.work_queue(work, items[::-1], lambda: True, 2)


def test_attachments_are_copied_byte_for_byte(tmp_path):
    source = tmp_path / "a.pdf"
    source.write_bytes(PDF_BYTES * 3000)  # larger than one read
    writer = write.Writer(tmp_path / "out")
    writer.write(write.Output("normative/2026/a/a.pdf", source=source))
    writer.write(write.Output("normative/2026/a/index.html", data=b"<p>page</p>"))
    assert (tmp_path / "out/normative/2026/a/a.pdf").read_bytes() == source.read_bytes()
    assert (tmp_path / "out/normative/2026/a/index.html").read_bytes() == b"<p>page</p>"


def test_pages_leave_no_cyclic_garbage_and_the_collector_is_restored(tmp_path):
    """A build runs without the cycle collector: rendering must not make reference cycles (a macro
    imported with the page's context makes one per page, and a large column would grow by them)."""
    import gc
    from gen.build import pipeline
    from gen import render
    content = write_site(tmp_path, dict(SMALL))
    site, _ = pipeline.load_site(content, TODAY)
    renderer = render.Renderer(site, pipeline.default_layouts(content), False)
    pages = [part for job in render.jobs(site) for part in render.plan_job(renderer, job) if isinstance(part, render.Page)]
    gc.collect()
    gc.set_debug(gc.DEBUG_SAVEALL)
    try:
        for _ in range(5):
            for page in pages:
                renderer.emit(page)
        gc.collect()
        garbage = len(gc.garbage)
    finally:
        gc.set_debug(0)
        gc.garbage.clear()
    assert garbage < 50, garbage  # not per page: 5 × every page type would be hundreds
    assert gc.isenabled()
    assert build(content, tmp_path / "site", search=False).written
    assert gc.isenabled()
    gc.disable()
    try:
        build(content, tmp_path / "site", search=False)
        assert not gc.isenabled()
    finally:
        gc.enable()


def test_rules_shared_out_to_every_core_find_what_one_process_finds(monkeypatch):
    """`check` spreads the rules of a large site over the cores; the findings, in order, are those of one process."""
    from gen import parallel
    from gen.build import pipeline
    from gen import rules
    content = Path(__file__).parent / "sites" / "defects" / "content"  # one planted defect per rule
    site, _ = pipeline.load_site(content, TODAY)
    alone = rules.run(site, TODAY)
    assert len({f.rule for f in alone}) > 5
    monkeypatch.setattr(parallel, "MIN_ITEMS", 10)
    spreads = _two_processes(monkeypatch)
    site, _ = pipeline.load_site(content, TODAY)
    assert rules.run(site, TODAY, spread=True) == alone
    assert spreads and spreads[-1] > 20  # the rules went through the queue, in several slices


def test_the_previous_site_is_deleted_in_the_background_and_leftovers_are_cleared(tmp_path):
    """A build renames the site it replaces aside and leaves its deletion to a detached process; a
    leftover of a deletion cut short is cleared by the next build. Nothing else is ever touched."""
    import time
    content = write_site(tmp_path, dict(SMALL))
    out = tmp_path / "site"
    assert build(content, out, search=False).written
    stray = tmp_path / ".site.old-abandoned"
    (stray / "normative").mkdir(parents=True)
    (stray / "normative/index.html").write_text("旧页面", encoding="utf-8")
    mine = tmp_path / "site-notes.txt"
    mine.write_text("编辑的笔记", encoding="utf-8")
    started = time.monotonic()
    assert build(content, out, today=TODAY.replace(day=TODAY.day + 1), search=False).written  # a real build, not the no-change skip
    assert (out / "index.html").is_file()
    while [p for p in tmp_path.iterdir() if p.name.startswith(".site")] and time.monotonic() - started < 10:
        time.sleep(0.05)
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".site")] == []
    assert mine.read_text(encoding="utf-8") == "编辑的笔记"


def test_a_columns_own_layouts_missing_a_newer_template_still_build(tmp_path):
    """A bureau that copied layouts/ from an older gongkai lacks templates added since (subscribe.html):
    those come from the packaged layouts, its own templates still win."""
    content = write_site(tmp_path, dict(SMALL))
    own = tmp_path / "layouts"
    shutil.copytree(ROOT / "layouts", own)
    (own / "subscribe.html").unlink()
    base = (own / "base.html").read_text(encoding="utf-8")
    (own / "base.html").write_text(base.replace("跳到正文", "跳到本局正文"), encoding="utf-8")
    out = tmp_path / "site"
    assert pipeline.build(pipeline.Options(content=content, out=out, today=TODAY, search=False,
                                           layouts=pipeline.default_layouts(content))).written
    page = (out / "subscribe" / "index.html").read_text(encoding="utf-8")
    assert "订阅地址" in page and "跳到本局正文" in page


def test_pool_workers_end_quietly_under_the_previews_signal_handlers():
    """The preview turns SIGTERM into KeyboardInterrupt; pools forked after that (its checks) are
    terminated when their work is done, and their workers must end without a traceback."""
    import subprocess
    import sys
    code = ("import signal, sys\n"
            "def stop(*_): raise KeyboardInterrupt()\n"
            "signal.signal(signal.SIGTERM, stop)\n"
            "from gen import parallel\n"
            "for _ in range(30):\n"
            "    assert parallel.fork_call(lambda: 1)() == 1\n"
            "    assert sum(parallel.work_queue(lambda part: sum(part), list(range(500)), None, 2)) == sum(range(500))\n")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, timeout=120)
    assert done.returncode == 0 and "Traceback" not in done.stderr, done.stderr
