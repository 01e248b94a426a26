"""The example column in a real browser (Playwright driving Debian's Chromium): click every column."""

from __future__ import annotations

import functools
import http.server
import os
import threading

import pytest

from conftest import ROOT

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--no-first-run"]
SHOTS = ROOT / "tests" / "screenshots"

playwright_api = pytest.importorskip("playwright.sync_api")


@pytest.fixture(scope="module")
def browser():
    if not os.path.exists(CHROMIUM):
        pytest.fail("Debian chromium is not installed: run `make install-browser` (CI installs it).")
    with playwright_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield browser
        browser.close()


def serving(folder):
    """Serve a folder over HTTP on 127.0.0.1 (a generator for fixtures: yields the address, then stops)."""
    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(folder))
    handler.log_message = lambda *a: None
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}/"
    httpd.shutdown()


@pytest.fixture(scope="module")
def server(example_site):
    yield from serving(example_site)


def _follow(page, link) -> None:
    """Click a link and wait for the page it opens (asserting right after the click races the navigation)."""
    with page.expect_navigation():
        link.click()


def _visit_every_column(page, start: str, external: list[str]) -> list[str]:
    page.goto(start)
    column_links = page.locator("nav.site-nav a, .column-tree a").evaluate_all("els => els.map(e => [e.textContent.trim(), e.href])")
    seen = []
    for title, href in column_links:
        if href in seen:
            continue
        seen.append(href)
        page.goto(href)
        assert page.locator("h1").first.inner_text().strip().startswith(title if title != "首页" else ""), (title, href)
        assert page.locator("nav.breadcrumbs").count() == 1
        assert page.locator("footer").inner_text().count("网站标识码") == 1
    return seen


def test_click_through_every_column_over_http(browser, server):
    page = browser.new_page()
    external: list[str] = []
    page.on("request", lambda r: external.append(r.url) if not r.url.startswith(server) else None)
    seen = _visit_every_column(page, server, external)
    assert len(seen) >= 12
    # Open a normative document from its column and follow its interpretation both ways.
    page.goto(server + "normative/index.html")
    _follow(page, page.locator(".item-list a").first)
    assert page.locator("table.meta th", has_text="索引号").count() == 1
    assert page.locator("table.meta th", has_text="有效性").count() == 1
    _follow(page, page.locator(".related a").first)
    assert "解读对象" in page.locator("article").inner_text()
    _follow(page, page.locator(".relation a"))
    assert page.locator("table.meta").count() == 1
    assert external == [], external
    page.close()


def test_works_from_disk(browser, example_site):
    page = browser.new_page()
    start = (example_site / "index.html").as_uri()
    seen = _visit_every_column(page, start, [])
    assert all(href.startswith("file://") and href.endswith(".html") for href in seen)
    page.goto((example_site / "catalogue/current/index.html").as_uri())
    _follow(page, page.locator("table.data a").first)
    assert page.locator("table.meta").count() == 1
    page.close()


def test_search_finds_a_document(browser, server):
    page = browser.new_page()
    page.goto(server + "search/index.html?q=" + "就业")
    page.wait_for_selector(".pagefind-ui__result", timeout=10000)
    assert page.locator(".pagefind-ui__result").count() > 0
    page.close()


@pytest.mark.parametrize("mode", ["normal", "large", "contrast"])
@pytest.mark.parametrize("width", [1280, 360])
def test_screenshots_of_each_page_type(browser, server, width, mode):
    """Every page type at 1280 and 360 px, in normal, 大字 and 高对比度 modes, into tests/screenshots/
    for review; none scrolls sideways."""
    SHOTS.mkdir(parents=True, exist_ok=True)
    context = browser.new_context(viewport={"width": width, "height": 900})
    page = context.new_page()
    pages = {"home": "index.html", "column": "normative/index.html", "current": "catalogue/current/index.html",
             "on-request": "catalogue/on-request/index.html", "sitemap": "sitemap/index.html", "404": "404.html",
             "catalogue": "org/functions/index.html", "annual-reports": "annual-report/index.html",
             "annual-report": "annual-report/report-2025/index.html", "search": "search/index.html?q=就业",
             "subscribe": "subscribe/index.html", "interpretation": "interpretation/2023/jd-rs-2023-3/index.html"}
    page.goto(server + "normative/index.html")
    if mode != "normal":  # the page's own button, remembered for every page after it
        page.locator(f"button[data-a11y={mode}]").click()
    pages["document"] = page.locator(".item-list a").first.get_attribute("href")
    for name, path in pages.items():
        target = path if name != "document" else "normative/" + path
        page.goto(server + target)
        scroll_width = page.evaluate("document.documentElement.scrollWidth")
        assert scroll_width <= width + 1, f"{name} scrolls horizontally at {width}px ({scroll_width})"
        suffix = "" if mode == "normal" else f"-{mode}"
        page.screenshot(path=str(SHOTS / f"{name}-{width}{suffix}.png"), full_page=True)
    context.close()


def test_document_prints_without_navigation(browser, server):
    page = browser.new_page()
    page.goto(server + "normative/index.html")
    _follow(page, page.locator(".item-list a").first)
    page.emulate_media(media="print")
    for selector in ("nav.site-nav", "nav.breadcrumbs", "footer", "form.search-box", ".downloads"):
        if page.locator(selector).count():
            assert not page.locator(selector).first.is_visible(), selector
    assert page.locator("table.meta").is_visible()
    source = page.locator(".print-source")  # where the printed page comes from: the body and the address
    assert source.is_visible() and "示例县人力资源和社会保障局" in source.inner_text()
    assert page.url.split("/", 3)[-1].removesuffix("index.html") in source.inner_text()  # its canonical address
    page.emulate_media(media="screen")
    assert not source.is_visible()
    page.emulate_media(media="print")
    pdf = page.pdf(format="A4")
    assert pdf.startswith(b"%PDF-")
    page.close()
