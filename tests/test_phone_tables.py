"""On a phone (360 px), the lists, catalogues and the annual report's tables read without sideways
scrolling: each row is a labelled card, and no text cell is narrower than four characters (Chromium,
the example column)."""

from __future__ import annotations

import pytest

from test_browser import ARGS, CHROMIUM, SHOTS, browser, server  # noqa: F401  (fixtures)

PAGES = ["catalogue/current/index.html", "catalogue/repealed/index.html", "catalogue/on-request/index.html",
         "org/phonebook/index.html", "org/functions/index.html", "annual-report/report-2025/index.html"]

_MEASURE = """() => Array.from(document.querySelectorAll('table.data')).map(table => {
  const wrap = table.closest('.table-wrap') || table.parentElement;
  const size = parseFloat(getComputedStyle(table).fontSize);
  // A number needs no four characters of room; a text squeezed narrower than that reads one character a line.
  const narrow = Array.from(table.querySelectorAll('td'))
    .filter(td => td.textContent.trim() && !/^[\\d.,]+$/.test(td.textContent.trim()) && td.offsetParent)
    .map(td => td.lastChild && td.getBoundingClientRect().width - (parseFloat(getComputedStyle(td, '::before').width) || 0))
    .filter(width => width < 4 * size).length;
  return {scrolls: wrap.scrollWidth > wrap.clientWidth + 1, narrow, cards: table.classList.contains('cards'),
          labelled: Array.from(table.querySelectorAll('td')).every(td => td.hasAttribute('data-label') || td.colSpan > 1)};
})"""


@pytest.mark.parametrize("path", PAGES)
def test_tables_read_on_a_phone(browser, server, path):  # noqa: F811
    page = browser.new_page(viewport={"width": 360, "height": 800})
    try:
        page.goto(server + path)
        tables = page.evaluate(_MEASURE)
        assert tables, path
        for table in tables:
            assert table["cards"] and table["labelled"], (path, table)
            assert not table["scrolls"], (path, table)
            assert table["narrow"] == 0, (path, table)
        assert page.evaluate("document.documentElement.scrollWidth <= 360")
        SHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SHOTS / f"phone-table-{path.split('/')[-2]}-360.png"), full_page=True)
    finally:
        page.close()


BODY_TABLES = ["normative/2024/rs-2024-6/index.html", "plan/2026/shiwuwu/index.html", "plan/2021/shisiwu/index.html",
               "finance/2026/jiuye-zijin-2026/index.html"]


@pytest.mark.parametrize("path", BODY_TABLES)
def test_tables_in_documents_read_on_a_phone(browser, server, path):  # noqa: F811
    """Tables editors put in a document's body: no text cell narrower than four characters, none scrolls."""
    page = browser.new_page(viewport={"width": 360, "height": 800})
    try:
        page.goto(server + path)
        tables = page.evaluate(_MEASURE.replace("table.data", ".body table"))
        assert tables, path
        for table in tables:
            assert not table["scrolls"] and table["narrow"] == 0, (path, table)
        assert page.evaluate("document.documentElement.scrollWidth <= 360")
    finally:
        page.close()


def test_a_wide_table_in_a_document_becomes_labelled_cards():
    from gen.content import markdown
    source = "| 指标 | 2020年 | 2025年 | 属性 | 单位 |\n|---|---|---:|---|---|\n| 城镇新增就业 | 1.2 | 1.5 | 预期性 | 万人 |\n"
    html = markdown.render(markdown.parse(source, "a.md", 1), lambda url: url)
    assert html.startswith('<table class="data cards">')
    assert '<td data-label="属性">预期性</td>' in html
    narrow = markdown.render(markdown.parse("| 项目 | 数量 |\n|---|---|\n| 补贴 | 3 |\n", "a.md", 1), lambda url: url)
    assert narrow.startswith("<table><thead>")  # four columns or fewer stay a table
