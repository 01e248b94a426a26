"""A column with hostile attachments, opened file by file in a real browser: nothing runs script.

Every file of the built site is opened on its own in Debian's Chromium, served both by gongkai's
own server and by a plain static server (as a bureau's web server without extra headers would);
the hostile payloads call alert() and fetch a beacon, so any script that runs is seen.
"""

from __future__ import annotations

import functools
import http.server
import threading

import pytest

from conftest import MINIMAL_SITE_YML, PDF_BYTES, build, docx_bytes, write_site
from gen.preview.server import make_server
from test_boundary import SVG_CLEAN, _news
from test_browser import browser  # noqa: F401  (the module's Chromium fixture)

PAYLOAD = "<script>alert(1);fetch('/beacon-script')</script>"
HOSTILE = {
    "news/a/evil.html": f"<html><body>{PAYLOAD}</body></html>".encode(),
    "news/a/evil.htm": f"<html><body>{PAYLOAD}</body></html>".encode(),
    "news/a/evil.svg": f'<svg xmlns="http://www.w3.org/2000/svg" onload="fetch(\'/beacon-svg\')">{PAYLOAD}</svg>'.encode(),
    "news/a/evil.js": b"alert(1);fetch('/beacon-js')",
    "news/a/evil.xml": f'<html xmlns="http://www.w3.org/1999/xhtml">{PAYLOAD}</html>'.encode(),
    "news/a/index.md.bak": PAYLOAD.encode(),
    "news/a/notes.txt": f"<html>{PAYLOAD}</html>".encode(),
    # Published: a picture whose bytes are a web page, and a clean SVG. Neither may run as a page.
    "news/a/chart.png": f"<html><body>{PAYLOAD}<img src=x onerror=\"fetch('/beacon-png')\"></body></html>".encode(),
    "news/a/plan.svg": SVG_CLEAN,
    "news/a/a.pdf": PDF_BYTES,
    "news/a/a.docx": docx_bytes(),
    "news/loose.html": f"<html><body>{PAYLOAD}</body></html>".encode(),
}


@pytest.fixture(scope="module")
def hostile_site(tmp_path_factory):
    root = tmp_path_factory.mktemp("hostile")
    files = dict(HOSTILE)
    files["news/a/index.md"] = _news(2, "![图表](chart.png)\n\n![规划图](plan.svg)\n\n[下载](a.pdf)\n")
    content = write_site(root, files, MINIMAL_SITE_YML)
    out = root / "site"
    result = build(content, out)
    assert result.written, [(f.file, f.rule, f.message) for f in result.findings if f.severity == "error"]
    return out


def _plain_server(directory):
    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(directory))
    handler.log_message = lambda *a: None
    return http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)


@pytest.mark.parametrize("which", ["gongkai", "plain"])
def test_no_published_file_runs_script(browser, hostile_site, which):  # noqa: F811
    server = make_server(hostile_site, "127.0.0.1", 0) if which == "gongkai" else _plain_server(hostile_site)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    base = f"http://127.0.0.1:{server.server_address[1]}/"
    try:
        published = sorted(p.relative_to(hostile_site).as_posix() for p in hostile_site.rglob("*") if p.is_file())
        assert "news/a/chart.png" in published and "news/a/plan.svg" in published
        active = (".html", ".htm", ".js", ".xml", ".bak", ".txt")
        assert [p for p in published if p.startswith("news/") and p.endswith(active)] == ["news/a/index.html",
                                                                                        "news/index.html"]
        ran: list[str] = []
        page = browser.new_page()
        page.on("dialog", lambda dialog: (ran.append("dialog " + dialog.message), dialog.dismiss()))
        page.on("request", lambda request: ran.append(request.url) if "beacon" in request.url else None)
        targets = [p for p in published if p.startswith("news/")] + [rel for rel in HOSTILE]
        for rel in targets:
            try:
                page.goto(base + rel, wait_until="load", timeout=10_000)
            except playwright_error():  # a download (Word, PDF in headless) is not a page
                pass
            page.wait_for_timeout(50)
        page.close()
        assert ran == []
        control = browser.new_page()  # the detection itself works: the same payload in a plain page runs
        control.on("dialog", lambda dialog: (ran.append("dialog " + dialog.message), dialog.dismiss()))
        control.set_content(f"<html><body>{PAYLOAD}</body></html>")
        control.wait_for_timeout(200)
        control.close()
        assert ran and ran[0] == "dialog 1"
    finally:
        server.shutdown()
        server.server_close()


def playwright_error():
    from playwright.sync_api import Error
    return Error
