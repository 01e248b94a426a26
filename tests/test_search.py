"""Search: Chinese words, filters, downloads, disclosure and the search page in a real browser."""

from __future__ import annotations

import re
import unicodedata
from pathlib import Path

import pytest
from hypothesis import given, settings, strategies as st
from playwright.sync_api import expect

from conftest import MINIMAL_SITE_YML, PDF_BYTES, ROOT, TODAY, build, doc, docx_bytes, write_site
from outputs import output_texts
from test_search_recall import chromium, serve

from gen.search import bundle as search
from gen.search.files import file_text, new_text, squeeze
from gen.search.text import _Words, _classify, display, index_words, query_groups

TRICKY = ["社会保险", "法释〔2023〕2号", "法释[2023]2号", "示人社发（2023）3号", "ＡＰＰ　２０２３年", "12333热线",
          "社会保险、就业 创业", "“十四五”规划", "0564-7654321", "二〇二三年", "Social Security", "a_b",
          "zero\u200bwidth", "  预算  ", "《就业促进法》第十条", "e\u0301te", "2.5%", "𠀀𠀁"]


def small_site(root: Path, files: dict) -> Path:
    """An inline site with a few documents in the news column."""
    return write_site(root, files, MINIMAL_SITE_YML)


# --- the words of the index ----------------------------------------------------------------------

@pytest.mark.parametrize("text", ["第一条　为做好社会保险工作，制定本办法。", "示人社发〔2023〕3号", "电话：0564-7654321",
                                  "（一）零就业家庭成员；", "Social Security APP 2.5%", "“十四五”规划"])
def test_index_words_read_as_the_text_again(text):
    words = index_words(text)
    assert display(words) == " ".join(unicodedata.normalize("NFKC", text).split()) or \
        display(words) == " ".join(text.replace("\u3000", " ").split())
    assert all(" " not in w for w in words)


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.sampled_from("社会保险〇々𠀀aZ09 \u3000\n\t，。、；：！？“”《》（）〔〕[]-/.·…—～％%,:;_ＡＢ２\u0301\u200b\ue000"), max_size=40))
def test_index_words_takes_runs_as_their_characters_one_by_one(text):
    """The tokenizer's fast paths (runs of 汉字, letters and digits, spaces) give the words that
    taking each character on its own gives."""
    out = _Words()
    for char in text:
        for shown, kind in _classify(char)[1]:
            out.char(shown, kind)
    assert index_words(text) == out.finish()


@pytest.mark.parametrize("sentence, term", [
    ("根据《中华人民共和国社会保险法》制定。", "社会保险"),
    ("依据法释〔2023〕2号规定", "法释〔2023〕2号"),
    ("依据法释〔2023〕2号规定", "法释[2023]2号"),
    ("咨询电话0564-7654321。", "0564-7654321"),
    ("二〇二三年度预算调整方案", "预算"),
    ("12333热线", "12333"),
])
def test_a_query_is_a_run_of_consecutive_index_words(sentence, term):
    keys = [_key(w) for w in index_words(sentence)]
    (group,) = query_groups(term)
    assert any(keys[i:i + len(group)] == group for i in range(len(keys))), (keys, group)


def test_punctuation_and_spaces_break_phrases():
    keys = [_key(w) for w in index_words("社会。保险 社会 保险")]
    assert ["社", "会", "保", "险"] not in [keys[i:i + 4] for i in range(len(keys))]
    assert query_groups("社会保险、就业 创业") == [["社", "会", "保", "险"], ["就", "业"], ["创", "业"]]
    assert query_groups("ＡＰＰ　２０２３年") == [["app"], ["2023", "年"]]


def _key(word: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFKC", word) if c.isalnum()).lower()


# --- what a page gives the index -----------------------------------------------------------------

def test_a_document_page_gives_text_metadata_filters_and_sort(example_site):
    record = search.read_page(example_site / "normative/2023/rs-2023-3/index.html", example_site)
    assert record.meta == {"title": "示例县就业困难人员认定和就业援助办法", "date": "2023-03-22",
                           "doc_no": "示人社发〔2023〕3号", "validity": "现行有效"}
    assert record.filters == {"类别": ["行政规范性文件"], "年份": ["2023"], "主题分类": ["就业创业"],
                              "发布机构": ["示例县人力资源和社会保障局"], "有效性": ["现行有效"]}
    assert record.sort == {"date": "2023-03-22"}
    assert "公益性岗位安置" in record.text
    assert "附件下载" not in record.text  # data-pagefind-ignore
    assert "当前位置" not in record.text  # outside data-pagefind-body


def test_word_and_pdf_text_is_extracted_and_not_indexed_twice():
    pdf = ROOT / "content/normative/2019/rs-2019-2/rs-2019-2.pdf"
    text, cut = file_text(pdf)
    assert "示人社发〔2019〕2号" in text and "\x00" not in text and not cut
    assert "就业见习" in text
    word, _ = file_text(ROOT / "content/normative/2019/rs-2019-2/rs-2019-2.docx")
    assert "第八条\u3000见习期间" in word
    assert new_text(text, squeeze(word)) == ""  # the PDF repeats the Word version: nothing twice
    assert new_text("第一句已有。第二句是新的。第二句是新的。", squeeze("第一句已有。")) == "第二句是新的。"
    # Past the comparison budget a sentence is only compared with the download's own sentences.
    assert new_text("第一句已有。第二句是新的。第二句是新的。", squeeze("第一句已有。"), [0]) == "第一句已有。\n第二句是新的。"
    assert file_text(Path(__file__)) == ("", False)  # not a download format


def test_pdf_and_word_text_of_public_documents_only(tmp_path):
    files = {
        "news/public/index.md": doc("""
            title: 公开的通知
            index_no: "11341524MB1234567X/2026-00001"
            published: 2026-03-02
            """, "本通知全文见附件。\n"),
        "news/public/notice.docx": docx_bytes("仅在附件中出现的公开短语"),
        "news/public/notice.pdf": (ROOT / "content/normative/2019/rs-2019-2/rs-2019-2.pdf").read_bytes(),
        "news/private/index.md": doc("""
            title: 依申请公开的通知
            index_no: "11341524MB1234567X/2026-00002"
            published: 2026-03-03
            disclosure: 依申请公开
            disclosure_reason: 仅涉及特定对象
            """, "正文。\n"),
        "news/private/letter.docx": docx_bytes("金丝雀依申请附件庚"),
        "news/later/index.md": doc("""
            title: 禁发期的通知
            index_no: "11341524MB1234567X/2026-00003"
            published: 2026-12-30
            """, "正文。\n"),
        "news/later/plan.docx": docx_bytes("金丝雀禁发附件辛"),
        "news/broken/index.md": doc("""
            title: 附件损坏的通知
            index_no: "11341524MB1234567X/2026-00004"
            published: 2026-03-04
            """, "附件损坏也照常生成。\n"),
        "news/broken/broken.pdf": PDF_BYTES + b"garbage",
    }
    content = small_site(tmp_path, files)
    out = tmp_path / "site"
    result = build(content, out)
    assert result.written, [f"{f.file}:{f.line} [{f.rule}] {f.message}" for f in result.findings if f.severity == "error"]
    index = b"".join(data for path, data in output_texts(out).items() if path.startswith("pagefind/"))
    spaced = lambda text: " ".join(text).encode()  # noqa: E731 — the index holds one word per 汉字
    assert spaced("仅在附件中出现的公开短语") in index
    assert spaced("就业见习") in index
    for canary in ("金丝雀依申请附件庚", "金丝雀禁发附件辛"):
        assert spaced(canary) not in index and canary.encode() not in index


def test_every_page_has_a_content_security_policy_without_other_hosts(example_site):
    for page in sorted(example_site.rglob("*.html")):
        if "pagefind" in page.relative_to(example_site).parts[:1]:
            continue
        head = page.read_text(encoding="utf-8").split("</head>", 1)[0]
        policy = re.search(r'<meta http-equiv="Content-Security-Policy" content="([^"]+)">', head)
        assert policy, page
        directives = dict((part.split(" ", 1) + [""])[:2] for part in policy[1].split("; "))
        assert "'wasm-unsafe-eval'" in directives["script-src"]
        assert directives["worker-src"] == "'self' blob:"
        assert directives["default-src"] == "'self'" and directives["object-src"] == "'none'"
        assert not re.search(r"https?:|\*", policy[1]), page


def test_without_search_the_search_page_says_so(tmp_path):
    content = small_site(tmp_path, {"news/a.md": doc("""
        title: 工作动态
        index_no: "11341524MB1234567X/2026-00001"
        published: 2026-03-02
        """)})
    out = tmp_path / "site"
    assert build(content, out, search=False).written
    page = (out / "search/index.html").read_text(encoding="utf-8")
    assert "站内搜索暂不可用" in page and "search.js" not in page
    assert not (out / "pagefind").exists()


def test_the_search_bundle_is_pagefinds_standard_build(example_site):
    entry = (example_site / "pagefind/0/pagefind-entry.json").read_text(encoding="utf-8")
    assert '"zh-cn"' in entry
    assert search.pagefind_executable().name == "pagefind"


# --- the search page in a real browser -----------------------------------------------------------

@pytest.fixture(scope="module")
def browser():
    pytest.importorskip("playwright.sync_api")
    with chromium() as b:
        yield b


@pytest.fixture(scope="module")
def server(example_site):
    with serve(example_site) as base:
        yield base


@pytest.fixture
def page(browser, server):
    page = browser.new_page()
    page.problems = []
    page.on("console", lambda m: page.problems.append(m.text) if m.type == "error" and "favicon" not in m.text
            and "404" not in m.text else None)
    page.on("pageerror", lambda e: page.problems.append(str(e)))
    page.on("request", lambda r: page.problems.append("other host: " + r.url) if not r.url.startswith(server) else None)
    yield page
    page.close()


def _open_search(page, server, query=""):
    page.goto(server + "search/index.html" + (f"?q={query}" if query else ""))
    page.evaluate("window.gongkaiSearch.ready")


def test_browser_and_python_split_queries_alike(page, server):
    _open_search(page, server)
    assert page.evaluate("qs => qs.map(q => window.gongkaiSearch.queryGroups(q))", TRICKY) == \
        [query_groups(q) for q in TRICKY]


def test_type_a_query_filter_sort_and_open_a_result_with_the_keyboard(page, server):
    _open_search(page, server)
    query_box = page.get_by_label("搜索词")
    assert query_box.get_attribute("id") == "search-query"
    status = page.locator("#search-status")
    assert status.get_attribute("aria-live") == "polite" and status.get_attribute("role") == "status"
    query_box.focus()
    page.keyboard.type("社会保险")
    page.keyboard.press("Enter")
    page.locator("#search-status", has_text="找到").wait_for()
    total = int(re.search(r"找到 (\d+) 条", status.inner_text())[1])
    assert total >= 20 and "q=%E7%A4%BE" in page.url
    first = page.locator(".search-result").first
    assert first.locator("h3 a").inner_text()
    marks = page.locator(".search-result mark").all_inner_texts()
    assert marks and set(marks) == {"社会保险"}  # the page's own text, highlighted where it stands
    # Narrow down to normative documents that are in force: 有效性 is a filter and shown on each result.
    page.locator("#search-facets fieldset", has_text="有效性").get_by_label(re.compile("^现行有效")).focus()
    page.keyboard.press("Space")
    page.locator("#search-status", has_text="已筛选").wait_for()
    filtered = int(re.search(r"找到 (\d+) 条", status.inner_text())[1])
    assert 0 < filtered < total and "已筛选" in status.inner_text()
    results = page.locator(".search-result")
    expect(results).to_have_count(filtered)  # the count is announced first, the results' fragments load after
    for i in range(filtered):
        facts = results.nth(i).locator(".result-meta").inner_text()
        assert "有效性" in facts and "现行有效" in facts and "文号" in facts and "发布日期" in facts
    # Oldest first.
    page.locator("#search-sort").select_option("date-asc")
    page.wait_for_timeout(200)
    dates = [re.search(r"\d{4}-\d\d-\d\d", t)[0] for t in page.locator(".search-result .result-meta").all_inner_texts()]
    assert dates == sorted(dates) and len(dates) == filtered
    # Open a result from the keyboard; its page holds the term.
    page.locator(".search-result h3 a").first.focus()
    with page.expect_navigation():  # the result's page, not the search page being left
        page.keyboard.press("Enter")
    page.wait_for_load_state()
    assert "社会保险" in page.locator("article").inner_text()
    assert page.locator("table.meta").count() == 1
    assert page.problems == []


def test_more_results_move_the_focus_to_the_first_new_one(page, server):
    _open_search(page, server, "就业")
    page.wait_for_selector(".search-result")
    assert page.locator(".search-result").count() == 10
    page.locator("#search-more").click()
    page.locator(".search-result").nth(10).wait_for()
    focused = page.evaluate("document.activeElement.closest('.search-result') === document.querySelectorAll('.search-result')[10]")
    assert focused
    assert page.problems == []


def test_browse_by_filters_alone(page, server, example_site):
    _open_search(page, server)
    assert page.locator(".search-result").count() == 0 and page.locator("#search-status").inner_text() == ""
    normative = page.locator("#search-facets fieldset", has_text="类别").get_by_label(re.compile("^行政规范性文件"))
    normative.check()
    page.locator("#search-status", has_text="符合筛选条件").wait_for()
    expected = len(list((example_site / "normative").glob("20*/*/index.html")))
    assert f"找到 {expected} 条" in page.locator("#search-status").inner_text()
    page.locator(".search-result").first.wait_for()
    first = page.locator(".search-result").first
    assert "行政规范性文件" in first.locator(".result-meta").inner_text()
    shown = first.locator(".result-excerpt").inner_text()
    assert shown.endswith("…")
    # The opening of the page's text from its first word after the title, as gen/search/text.py splits it.
    href = first.locator("a").first.get_attribute("href")
    path = example_site / re.sub(r"^https?://[^/]+/", "", href).split("#")[0]
    record = search.read_page(path, example_site)
    words = [w for _, part in search.record_words(record) for w in part]
    opening = display(words[record.excerpt_from:record.excerpt_from + 160])[:160].strip()
    assert len(opening) > 20 and shown == opening + "…", (shown, opening)
    dates = [re.search(r"\d{4}-\d\d-\d\d", t)[0] for t in page.locator(".search-result .result-meta").all_inner_texts()]
    assert dates == sorted(dates, reverse=True)  # newest first
    page.get_by_role("button", name="清除全部筛选").click()
    page.locator(".search-result").first.wait_for(state="detached")
    assert page.problems == []


def test_several_words_must_all_occur(page, server, example_site):
    from test_search_recall import page_texts
    texts = page_texts(example_site)
    _open_search(page, server)
    found = set(page.evaluate("q => window.gongkaiSearch.find(q)", "社会保险 农民工"))
    assert found == {url for url, text in texts.items() if "社会保险" in text and "农民工" in text}
    assert found


def test_a_number_finds_only_the_pages_that_have_it_in_every_shard(page, server, example_site):
    """Pagefind answers a word an index lacks with its longest prefix that the index has (12333 →
    1234567): a shard without the number must not add such pages, and a number nowhere finds nothing."""
    from test_search_recall import page_texts
    texts = page_texts(example_site)
    _open_search(page, server)
    for number in ("12333", "7654321"):
        found = set(page.evaluate("q => window.gongkaiSearch.find(q)", number))
        assert found == {url for url, text in texts.items() if number in text} and found, number
    assert page.evaluate("q => window.gongkaiSearch.find(q)", "1239999") == []
    assert len(set(page.evaluate("() => Object.values(window.gongkaiSearch.shards())"))) > 3


def test_a_phrase_only_in_a_pdf_finds_its_page(browser, tmp_path):
    files = {
        "news/attached/index.md": doc("""
            title: 见附件的通知
            index_no: "11341524MB1234567X/2026-00001"
            published: 2026-03-02
            """, "本通知全文见附件。\n"),
        "news/attached/notice.pdf": (ROOT / "content/normative/2019/rs-2019-2/rs-2019-2.pdf").read_bytes(),
    }
    out = tmp_path / "site"
    assert build(small_site(tmp_path, files), out).written
    assert "就业见习" not in (out / "news/attached/index.html").read_text(encoding="utf-8")
    with serve(out) as base:
        page = browser.new_page()
        page.goto(base + "search/index.html?q=就业见习单位")
        page.evaluate("window.gongkaiSearch.ready")
        assert page.evaluate("q => window.gongkaiSearch.find(q)", "就业见习单位") == ["/news/attached/index.html"]
        page.wait_for_selector(".search-result mark")
        assert "就业见习单位" in page.locator(".search-result mark").all_inner_texts()
        page.close()


def test_the_search_page_from_disk_explains_and_keeps_its_style(browser, example_site):
    page = browser.new_page()
    problems = []
    page.on("console", lambda m: problems.append(m.text) if "Content Security Policy" in m.text else None)
    page.goto((example_site / "search/index.html").as_uri() + "?q=就业")
    message = page.locator("#search-unavailable")
    message.wait_for()
    assert "本地磁盘" in message.inner_text() and message.locator("a").count() == 1
    # The stylesheet still applies under the policy when pages are opened from file://.
    assert page.evaluate("getComputedStyle(document.querySelector('.site-header')).backgroundColor") == "rgb(179, 23, 28)"
    page.goto((example_site / "index.html").as_uri())
    with page.expect_navigation():  # the next page, not the one being left
        page.locator("nav.site-nav a").nth(1).click()
    assert page.url.startswith("file://") and page.locator("h1").count() >= 1
    assert problems == []
    page.close()


@pytest.mark.parametrize("width", [1280, 360])
def test_search_page_fits_the_screen(browser, server, width):
    page = browser.new_page(viewport={"width": width, "height": 900})
    page.goto(server + "search/index.html?q=社会保险")
    page.locator(".search-result").first.wait_for()
    assert page.evaluate("document.documentElement.scrollWidth") <= width + 1
    assert page.locator("#search-filters").evaluate("d => d.open") == (width > 768)
    shots = ROOT / "tests" / "screenshots"
    shots.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(shots / f"search-{width}.png"), full_page=True)
    page.close()


def test_pages_read_with_libxml2_give_the_records_html_parser_gives(example_site):
    """The index reads pages with lxml's tokenizer (C) through the same handlers: every page of the
    example column gives the record that Python's html.parser gives."""
    from gen.search.bundle import Record, _merge, _PageParser
    for path in sorted(example_site.rglob("index.html")):
        if path.relative_to(example_site).parts[0] == "pagefind":
            continue
        fast = search.read_page(path, example_site)
        parser = _PageParser()
        parser.feed(path.read_text(encoding="utf-8"))
        parser.close()
        if not parser.found_body:
            assert fast is None, path
            continue
        slow = Record(path=fast.path, segments=_merge(parser.segments), meta=parser.meta, filters=parser.filters,
                      sort=parser.sort)
        if "title" not in slow.meta and parser.first_h1:
            slow.meta["title"] = parser.first_h1
        assert (fast.segments, fast.meta, fast.filters, fast.sort) == (slow.segments, slow.meta, slow.filters, slow.sort), path


def test_download_text_is_extracted_once_and_again_when_the_file_changes(tmp_path, monkeypatch):
    import datetime as dt

    calls: list[str] = []
    real = search.file_text
    monkeypatch.setattr(search, "file_text", lambda path, *a: (calls.append(path.name), real(path, *a))[1])
    front = ('title: 测试办法\ndoc_no: 测人社发〔2026〕1号\nindex_no: "11341524MB1234567X/2026-00001"\n'
             "written: 2026-03-01\npublished: 2026-03-02\ntopic: 就业创业\nvalid_until: 2031-03-01\ndrafter: 就业股")
    files = {"normative/a/index.md": f"---\n{front}\n---\n正文。\n", "normative/a/a.docx": docx_bytes("第一版独有的句子鹦鹉螺"),
             "normative/a/a.pdf": PDF_BYTES}
    yml = MINIMAL_SITE_YML.replace("rules: {}", "rules: {interpretation-missing: off}")
    content = write_site(tmp_path, files, yml)
    out = tmp_path / "site"
    assert build(content, out).written
    assert sorted(calls) == ["a.docx", "a.pdf"]
    calls.clear()
    assert build(content, out, today=TODAY + dt.timedelta(days=1)).written  # a real build, not the no-change skip
    assert calls == []  # nothing extracted again
    (content / "normative/a/a.docx").write_bytes(docx_bytes("第二版独有的句子鹦鹉螺"))
    assert build(content, out, today=TODAY + dt.timedelta(days=2)).written
    assert calls == ["a.docx"]
    # A damaged cache file is made again: nothing is taken from it, and the build goes on.
    from gen.build.unchanged import folder_for
    kept = folder_for(content) / search.DownloadTexts.NAME
    assert kept.is_file()
    kept.write_bytes(b"not a database " * 100)
    (content / "normative/a/a.docx").write_bytes(docx_bytes("第三版独有的句子鹦鹉螺"))
    calls.clear()
    assert build(content, out, today=TODAY + dt.timedelta(days=3)).written
    assert sorted(calls) == ["a.docx", "a.pdf"]
    (content / "normative/a/a.docx").write_bytes(docx_bytes("第四版独有的句子鹦鹉螺"))
    calls.clear()
    assert build(content, out, today=TODAY + dt.timedelta(days=4)).written
    assert calls == ["a.docx"]
