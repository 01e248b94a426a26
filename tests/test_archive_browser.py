"""The archive's site copy in a real browser from file:// (Playwright driving Debian's Chromium):
what a reading-room computer without network or server sees."""

from __future__ import annotations

import os
import zipfile
from pathlib import Path
from urllib.parse import quote

import pytest

from conftest import ROOT, TODAY
from gen.build import pipeline
from gen import archive as gk_archive

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--no-first-run"]

playwright_api = pytest.importorskip("playwright.sync_api")


@pytest.fixture(scope="module")
def browser():
    if not os.path.exists(CHROMIUM):
        pytest.fail("Debian chromium is not installed: run `make install-browser` (CI installs it).")
    with playwright_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield browser
        browser.close()


@pytest.fixture(scope="module")
def site_copy(tmp_path_factory) -> Path:
    """The example column's package, unzipped as an archivist would: its data/site/ folder."""
    folder = tmp_path_factory.mktemp("archive-browser")
    result = pipeline.archive(gk_archive.ArchiveOptions(content=ROOT / "content", out=folder / "package.zip",
                                                          today=TODAY, layouts=ROOT / "layouts"))
    assert result.written
    with zipfile.ZipFile(result.path) as archive:
        archive.extractall(folder / "unzipped")
    (bag,) = list((folder / "unzipped").iterdir())
    return bag / "data" / "site"


@pytest.fixture
def page(browser):
    """A page that records every request leaving file:// and every script error."""
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    page.outside = []
    page.errors = []
    page.on("request", lambda r: page.outside.append(r.url) if not r.url.startswith("file://") else None)
    page.on("pageerror", lambda e: page.errors.append(str(e)))
    yield page
    assert page.outside == [], "the archive must not reach the network"
    assert page.errors == []
    page.close()


def _search(page, site_copy: Path, query: str) -> list[str]:
    page.goto((site_copy / "search" / "index.html").as_uri() + "?q=" + quote(query))
    page.wait_for_function("document.getElementById('search-status').textContent.length > 0")
    return page.locator(".search-result h2").all_inner_texts()


def test_navigation_works_from_disk(page, site_copy):
    page.goto((site_copy / "index.html").as_uri())
    links = page.locator("nav.site-nav a, .column-tree a").evaluate_all("els => els.map(e => [e.textContent.trim(), e.href])")
    assert len(links) >= 12
    for title, href in links:
        assert href.startswith("file://") and href.endswith(".html"), href
        page.goto(href)
        assert page.locator("h1").first.inner_text().strip().startswith(title if title != "首页" else ""), (title, href)
        assert page.locator("footer").inner_text().count("网站标识码") == 1
    page.goto((site_copy / "catalogue/current/index.html").as_uri())
    with page.expect_navigation():  # counting right after the click would race the page being left
        page.locator("table.data a").first.click()
    assert page.locator("table.meta th", has_text="索引号").count() == 1
    # Downloads open from the copy too.
    href = page.locator(".downloads a").first.get_attribute("href")
    assert (Path(page.url[len("file://"):]).parent / href).is_file()


def test_search_box_on_every_page_searches_offline(page, site_copy):
    page.goto((site_copy / "normative/index.html").as_uri())
    page.fill("#site-search", "就业困难人员")
    page.locator(".search-box button").click()
    page.wait_for_selector(".search-result")
    assert page.url.startswith((site_copy / "search" / "index.html").as_uri())
    assert page.input_value("#offline-q") == "就业困难人员"
    first = page.locator(".search-result").first
    assert "示例县就业困难人员认定和就业援助办法" in first.inner_text()
    assert "找到" in page.locator("#search-status").inner_text()
    first.locator("a").click()
    assert page.locator("h1.doc-title").inner_text() == "示例县就业困难人员认定和就业援助办法"


@pytest.mark.parametrize("query", ["示人社发〔2023〕3号", "示人社发[2023]3号", "示人社发(2023)3号", "示人社发（2023）3号",
                                   "示人社发 [2023] 3号"])
def test_search_finds_a_document_by_its_doc_number(page, site_copy, query):
    titles = _search(page, site_copy, query)
    assert titles[0] == "示例县就业困难人员认定和就业援助办法", titles
    meta = page.locator(".search-result .result-meta").first.inner_text()
    for part in ("文号：示人社发〔2023〕3号", "发布日期：2023-03-22", "有效性：现行有效"):
        assert part in meta


def test_search_finds_chinese_words_in_the_body_with_an_excerpt(page, site_copy):
    # 稳岗返还 is in no title: only the body text can find it.
    titles = _search(page, site_copy, "稳岗返还")
    assert titles, "a word of the body text must be found"
    excerpt = page.locator(".result-excerpt").first
    assert "稳岗返还" in excerpt.locator("mark").first.inner_text()


def test_search_matches_by_bigrams_and_shows_validity(page, site_copy):
    # Not a phrase of any page, but its words are: matched by character bigrams.
    titles = _search(page, site_copy, "农民工支付工资")
    assert "示例县保障农民工工资支付工作实施办法" in titles
    titles = _search(page, site_copy, "创业担保贷款")
    assert titles
    metas = page.locator(".search-result .result-meta").all_inner_texts()
    assert any("有效性：已修改" in m for m in metas), metas


def test_search_says_when_nothing_is_found(page, site_copy):
    assert _search(page, site_copy, "完全不存在的词语组合") == []
    assert "没有找到" in page.locator("#search-status").inner_text()


def test_search_page_screenshot(page, site_copy, tmp_path):
    for width in (1280, 360):
        page.set_viewport_size({"width": width, "height": 900})
        _search(page, site_copy, "养老金")
        assert page.evaluate("document.documentElement.scrollWidth") <= width + 1
        page.screenshot(path=str(tmp_path / f"archive-search-{width}.png"), full_page=True)
