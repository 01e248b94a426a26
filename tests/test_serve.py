"""`gongkai serve` as an editor uses it: a real server process on a free port, real files edited
on disk, the change served within a second with a reload event; an error shown as an overlay in
Chromium until it is fixed; search finding the new words after an edit."""

from __future__ import annotations

import http.client
import json
import queue
import re
import shutil
import subprocess
import sys
import threading
import time
import urllib.request
from pathlib import Path

import pytest

from conftest import ROOT, TODAY, edit as _edit

EDITED = "employment/2026/butie-2026q2.md"
PAGE = "employment/2026/butie-2026q2/"
NORMATIVE = "normative/2023/rs-2023-3/index.md"


class Server:
    def __init__(self, tmp: Path, search: bool):
        self.content = tmp / "content"
        shutil.copytree(ROOT / "content", self.content)
        shutil.copytree(ROOT / "layouts", tmp / "layouts")
        command = [sys.executable, "-c", "import sys; from gen.cli import main; sys.exit(main())", "serve",
                   "--content", str(self.content), "--port", "0", "--today", TODAY.isoformat()]
        if not search:
            command.append("--no-search")
        self.process = subprocess.Popen(command, cwd=tmp, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        self.lines: queue.Queue = queue.Queue()
        threading.Thread(target=self._read, daemon=True).start()
        deadline = time.monotonic() + 120
        self.base = None
        while self.base is None:
            line = self.lines.get(timeout=max(0.1, deadline - time.monotonic()))
            found = re.search(r"(http://127\.0\.0\.1:\d+/)", line)
            if found:
                self.base = found[1]

    def _read(self):
        for line in self.process.stdout:
            self.lines.put(line)

    def get(self, path: str) -> str:
        with urllib.request.urlopen(self.base + path, timeout=5) as response:
            return response.read().decode("utf-8")

    def stop(self):
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()


class Events:
    """A server-sent events client: every (event, data) the server sends, in a queue."""

    def __init__(self, base: str):
        host, port = re.match(r"http://([^:]+):(\d+)/", base).groups()
        self.connection = http.client.HTTPConnection(host, int(port), timeout=60)
        self.connection.request("GET", "/_gongkai/events")
        self.response = self.connection.getresponse()
        assert self.response.getheader("Content-Type").startswith("text/event-stream")
        self.queue: queue.Queue = queue.Queue()
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self):
        event = None
        try:
            for raw in self.response:
                line = raw.decode("utf-8").rstrip("\n")
                if line.startswith("event: "):
                    event = line[7:]
                elif line.startswith("data: "):
                    self.queue.put((event, json.loads(line[6:])))
        except Exception:
            pass

    def wait(self, event: str, until, timeout: float = 30) -> dict:
        deadline = time.monotonic() + timeout
        while True:
            name, data = self.queue.get(timeout=max(0.01, deadline - time.monotonic()))
            if name == event and until(data):
                return data



@pytest.fixture
def server(tmp_path: Path):
    s = Server(tmp_path, search=False)
    yield s
    s.stop()


def test_an_edit_is_served_within_a_second_with_a_reload_event(server: Server):
    events = Events(server.base)
    first = events.wait("findings", lambda d: True)
    assert first["errors"] == 0
    assert "/_gongkai/live.js" in server.get(PAGE)
    for attempt in range(3):
        word = f"编辑第{attempt}次新加的句子"
        _edit(server.content / EDITED, "\n\n", f"\n\n{word}。\n\n")
        written = time.monotonic()
        while word not in server.get(PAGE):
            assert time.monotonic() - written < 1.0, "the edit was not served within a second"
            time.sleep(0.02)
        served = time.monotonic() - written
        reload = events.wait("reload", lambda d: PAGE + "index.html" in d["paths"], timeout=5)
        assert reload["all"] is False
        assert served < 1.0


def test_an_error_is_reported_until_it_is_fixed(server: Server):
    events = Events(server.base)
    events.wait("findings", lambda d: d["errors"] == 0)
    _edit(server.content / NORMATIVE, "topic: 就业创业", "topic: 不存在的主题")
    shown = events.wait("findings", lambda d: d["errors"] > 0)
    assert any(f["rule"] == "topic-unknown" and f["file"].endswith(NORMATIVE) and f["line"] > 1 for f in shown["findings"])
    assert json.loads(server.get("_gongkai/findings"))["errors"] == shown["errors"]
    _edit(server.content / NORMATIVE, "topic: 不存在的主题", "topic: 就业创业")
    events.wait("findings", lambda d: d["errors"] == 0)
    # front matter that no longer parses: the last good page stays, the error is shown
    before = server.get(PAGE)
    _edit(server.content / EDITED, "title: ", "title: [没有闭合")
    shown = events.wait("findings", lambda d: d["errors"] > 0)
    assert any(f["file"].endswith(EDITED) for f in shown["findings"])
    assert server.get(PAGE) == before
    _edit(server.content / EDITED, "title: [没有闭合", "title: ")
    events.wait("findings", lambda d: d["errors"] == 0)


def test_the_preview_never_touches_site(server: Server):
    assert not (server.content.parent / "site").exists()
    assert (server.content.parent / ".gongkai-cache" / "preview" / "index.html").is_file()
    assert "live.js" not in (server.content.parent / ".gongkai-cache" / "preview" / "index.html").read_text(encoding="utf-8")


# --- in Chromium ------------------------------------------------------------------------------------

@pytest.fixture
def browser():
    pytest.importorskip("playwright.sync_api")
    from test_search_recall import chromium
    with chromium() as b:
        yield b


def test_the_browser_reloads_shows_the_overlay_and_searches_new_words(browser, tmp_path: Path):
    server = Server(tmp_path, search=True)
    try:
        page = browser.new_page()
        page.goto(server.base + PAGE)
        page.wait_for_load_state("load")
        time.sleep(0.3)  # let the page's event stream connect
        _edit(server.content / EDITED, "\n\n", "\n\n浏览器自动刷新后看到的句子鹦鹉螺。\n\n")
        page.get_by_text("浏览器自动刷新后看到的句子鹦鹉螺").wait_for(timeout=5000)

        _edit(server.content / NORMATIVE, "topic: 就业创业", "topic: 不存在的主题")
        overlay = page.locator("#gongkai-overlay")
        overlay.wait_for(timeout=10000)
        text = overlay.inner_text()
        assert "topic-unknown" in text and NORMATIVE in text and "错误" in text
        _edit(server.content / NORMATIVE, "topic: 不存在的主题", "topic: 就业创业")
        overlay.wait_for(state="detached", timeout=10000)

        # search: the background index catches up with the edit
        deadline = time.monotonic() + 90
        found = 0
        while time.monotonic() < deadline and not found:
            page.goto(server.base + "search/index.html")
            try:  # until the first index is in place the page has no Pagefind bundle to load
                found = page.evaluate("async () => { await window.gongkaiSearch.ready;"
                                      " return (await window.gongkaiSearch.find('鹦鹉螺')).length; }")
            except Exception:
                found = 0
            if not found:
                time.sleep(1)
        assert found >= 1
    finally:
        server.stop()


def _raw(base: str, request: bytes) -> bytes:
    """Send bytes as they are (no client library normalises them) and return the whole answer."""
    import socket
    host, port = re.match(r"http://([^:]+):(\d+)/", base).groups()
    with socket.create_connection((host, int(port)), timeout=10) as sock:
        sock.sendall(request)
        chunks = []
        while chunk := sock.recv(65536):
            chunks.append(chunk)
    return b"".join(chunks)


def test_only_local_hosts_and_valid_paths_are_answered_without_a_traceback(server: Server):
    local = _raw(server.base, b"GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n")
    assert local.startswith(b"HTTP/1.1 200")
    assert _raw(server.base, b"GET / HTTP/1.1\r\nHost: localhost:1\r\nConnection: close\r\n\r\n").startswith(b"HTTP/1.1 200")
    for request in (b"GET / HTTP/1.1\r\nHost: attacker.example\r\n\r\n",  # DNS rebinding
                    b"GET /_gongkai/findings HTTP/1.1\r\nHost: 127.0.0.1\r\nOrigin: http://attacker.example\r\n\r\n",
                    b"GET /%00 HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n",
                    b"GET /%ff%fe/ HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"):
        assert _raw(server.base, request).startswith(b"HTTP/1.1 400"), request
    import socket  # a browser that goes away mid-answer
    host, port = re.match(r"http://([^:]+):(\d+)/", server.base).groups()
    for _ in range(3):
        sock = socket.create_connection((host, int(port)))
        sock.sendall(b"GET /static/ HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
        sock.close()
    time.sleep(0.5)
    assert server.get("").startswith("<!DOCTYPE html>")
    output = []
    while not server.lines.empty():
        output.append(server.lines.get())
    assert not any("Traceback" in line for line in output), output


def test_an_attachment_is_served_inert(server: Server):
    with urllib.request.urlopen(server.base + "interpretation/2023/jd-rs-2023-3/tujie.png", timeout=5) as response:
        assert response.headers["X-Content-Type-Options"] == "nosniff"
        assert "sandbox" in response.headers["Content-Security-Policy"]
    with urllib.request.urlopen(server.base, timeout=5) as response:
        assert response.headers["Content-Security-Policy"] is None  # pages carry their own policy
