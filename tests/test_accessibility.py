"""Accessibility of every page type (GB/T 37668-2019, WCAG 2.1 AA): axe-core in Debian's Chromium,
keyboard access, 200 % text, the built-in large-text / high-contrast mode, and no other host.

axe-core comes from the npm registry (`make install-axe`, into tests/axe/node_modules/)."""

from __future__ import annotations

import pytest

from conftest import ROOT
from test_browser import SHOTS, browser, server  # noqa: F401  (fixtures)

pytest.importorskip("playwright.sync_api")

AXE = ROOT / "tests" / "axe" / "node_modules" / "axe-core" / "axe.min.js"
WCAG_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]

# Every page type of the column, by a representative page of the example column.
PAGES = {
    "home": "index.html",
    "column": "normative/index.html",
    "document": "normative/2022/rs-2022-4/index.html",          # downloads + validity banner
    "interpretation": "interpretation/2026/jd-rs-2026-2/index.html",  # 图解 image + video link
    "catalogue": "org/functions/index.html",
    "annual-report": "annual-report/report-2025/index.html",   # the statistics tables
    "current": "catalogue/current/index.html",                 # 现行有效目录
    "repealed": "catalogue/repealed/index.html",
    "on-request": "catalogue/on-request/index.html",
    "search": "search/index.html",
    "404": "404.html",
    "sitemap": "sitemap/index.html",
}
WIDTHS = [1280, 360]


def _axe_violations(page) -> list[dict]:
    if not AXE.exists():
        pytest.fail(f"axe-core is not installed ({AXE}): run `make install-axe` (CI does).")
    page.add_script_tag(path=str(AXE))
    return page.evaluate(
        """async (tags) => {
            const result = await axe.run(document, {runOnly: {type: 'tag', values: tags}});
            return result.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,
                nodes: v.nodes.map(n => n.target.join(' ') + '  ' + (n.failureSummary || '').replace(/\\s+/g, ' '))}));
        }""", WCAG_AA)


def _readable(violations: list[dict]) -> str:
    lines = []
    for v in violations:
        lines.append(f"[{v['impact']}] {v['id']}: {v['help']}")
        lines.extend(f"    {node}" for node in v["nodes"][:8])
    return "\n".join(lines)


@pytest.fixture(params=WIDTHS, ids=lambda w: f"{w}px")
def page(request, browser):  # noqa: F811
    # bypass_csp: axe is injected as an inline script, which the pages' CSP (rightly) forbids.
    page = browser.new_page(viewport={"width": request.param, "height": 900}, bypass_csp=True)
    page.width = request.param
    yield page
    page.close()


@pytest.mark.parametrize("name", list(PAGES))
def test_axe_has_no_violations(page, server, name):  # noqa: F811
    external: list[str] = []
    page.on("request", lambda r: external.append(r.url) if not r.url.startswith(server) else None)
    page.goto(server + PAGES[name])
    if name == "search":  # type a query, so that axe also sees the results search.js renders
        page.evaluate("window.gongkaiSearch.ready")
        page.fill("#search-query", "就业")
        page.press("#search-query", "Enter")
        page.wait_for_selector("#search-results li", timeout=20000)
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"a11y-{name}-{page.width}.png"), full_page=True)
    violations = _axe_violations(page)
    assert not violations, f"axe-core, {name} at {page.width}px:\n" + _readable(violations)
    assert external == [], external


@pytest.mark.parametrize("name", list(PAGES))
def test_text_at_200_percent_does_not_scroll_sideways(browser, server, name):  # noqa: F811
    # 200 % zoom of a 1280-px window is a 640-px layout with text twice as large.
    page = browser.new_page(viewport={"width": 640, "height": 900})
    page.goto(server + PAGES[name])
    page.evaluate("document.documentElement.style.fontSize = '200%'")
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0, f"{name} scrolls sideways by {overflow}px at 200 % text"
    page.close()


def test_skip_link_is_first_and_focus_is_visible(browser, server):  # noqa: F811
    page = browser.new_page()
    page.goto(server + PAGES["document"])
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.className") == "skip-link"
    assert page.evaluate("getComputedStyle(document.activeElement).outlineStyle") != "none"
    assert page.locator(".skip-link").is_visible()
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main"
    # Every later Tab stop, to the end of the page, shows a focus outline.
    stops = 0
    for _ in range(80):
        page.keyboard.press("Tab")
        style = page.evaluate("(() => { const e = document.activeElement, s = getComputedStyle(e);"
                              " return [e.tagName, e.textContent.trim().slice(0, 20), s.outlineStyle, s.outlineWidth]; })()")
        if style[0] == "BODY":
            break
        stops += 1
        assert style[2] != "none" and style[3] != "0px", style
    assert stops >= 8, stops
    page.close()


def test_every_page_shows_the_inspection_items(browser, server):  # noqa: F811
    page = browser.new_page()
    for name, path in PAGES.items():
        page.goto(server + path)
        footer = page.locator("footer").inner_text()
        for item in ("网站标识码", "ICP备", "公网安备", "主办单位", "联系电话"):
            assert item in footer, (name, item)
        links = page.locator("a").evaluate_all("els => els.map(e => e.textContent.trim())")
        assert not [t for t in links if t in ("点击这里", "点击此处", "这里", "更多")], name
        assert page.evaluate("[...document.images].every(i => i.hasAttribute('alt'))"), name
    page.goto(server + PAGES["document"])
    assert page.locator("table.meta th[scope=row]", has_text="发布日期").count() == 1
    page.goto(server + PAGES["sitemap"])
    sitemap = page.locator("main").inner_text()
    page.goto(server + "index.html")
    columns = page.locator("nav.site-nav a, .column-tree a").all_inner_texts()
    assert len(columns) >= 12
    for title in columns:
        assert title.strip() in sitemap, title
    # Printed, a document keeps its metadata table and loses the reading-aid buttons with the navigation.
    page.goto(server + PAGES["document"])
    page.emulate_media(media="print")
    assert not page.locator(".a11y-tools").is_visible()
    assert page.locator("table.meta").is_visible()
    page.close()


def test_large_text_and_high_contrast_are_remembered(browser, server):  # noqa: F811
    page = browser.new_page()
    page.goto(server + PAGES["document"])
    large, contrast = page.locator("button[data-a11y=large]"), page.locator("button[data-a11y=contrast]")
    assert large.is_visible() and contrast.is_visible()
    assert large.get_attribute("aria-pressed") == contrast.get_attribute("aria-pressed") == "false"
    root_size = "parseFloat(getComputedStyle(document.documentElement).fontSize)"
    normal = page.evaluate(root_size)
    large.click()
    contrast.focus()
    page.keyboard.press("Enter")  # usable from the keyboard too
    assert large.get_attribute("aria-pressed") == contrast.get_attribute("aria-pressed") == "true"
    assert page.evaluate(root_size) == normal * 1.25
    # Another page, then a reload: the choice is remembered.
    page.goto(server + PAGES["home"])
    page.reload()
    assert page.evaluate("document.documentElement.className") == "a11y-large a11y-contrast"
    assert page.locator("button[data-a11y=large]").get_attribute("aria-pressed") == "true"
    assert page.evaluate(root_size) == normal * 1.25
    colours = page.evaluate("[getComputedStyle(document.body).color,"
                            " getComputedStyle(document.querySelector('.site-header')).backgroundColor]")
    assert colours == ["rgb(0, 0, 0)", "rgb(0, 0, 0)"], colours
    page.locator("button[data-a11y=large]").click()
    page.reload()
    assert page.evaluate("document.documentElement.className") == "a11y-contrast"
    assert page.evaluate(root_size) == normal
    page.close()


@pytest.mark.parametrize("name", ["home", "column", "document", "interpretation", "annual-report", "search", "sitemap"])
def test_axe_in_large_text_high_contrast_mode(page, server, name):  # noqa: F811
    page.add_init_script("localStorage.setItem('gongkai-large', 'on'); localStorage.setItem('gongkai-contrast', 'on');")
    page.goto(server + PAGES[name])
    assert page.evaluate("document.documentElement.className") == "a11y-large a11y-contrast"
    page.screenshot(path=str(SHOTS / f"a11y-modes-{name}-{page.width}.png"), full_page=True)
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0, f"{name} scrolls sideways by {overflow}px in large-text mode"
    violations = _axe_violations(page)
    assert not violations, f"axe-core, {name} at {page.width}px, large text + high contrast:\n" + _readable(violations)


def test_system_contrast_and_motion_preferences_are_respected(browser, server):  # noqa: F811
    page = browser.new_page()
    page.emulate_media(contrast="more", reduced_motion="reduce")
    page.goto(server + PAGES["document"])
    colours = page.evaluate("[getComputedStyle(document.body).color,"
                            " getComputedStyle(document.querySelector('.site-header')).backgroundColor]")
    assert colours == ["rgb(0, 0, 0)", "rgb(0, 0, 0)"], colours
    assert page.evaluate("getComputedStyle(document.documentElement).scrollBehavior") == "auto"
    page.close()


def test_every_document_shows_its_publication_date(example_site):
    documents = [p for p in example_site.rglob("*.html") if 'class="document"' in p.read_text(encoding="utf-8")]
    assert len(documents) >= 40
    undated = [str(p.relative_to(example_site)) for p in documents
               if '<th scope="row">发布日期</th>' not in p.read_text(encoding="utf-8")]
    assert undated == []
