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
