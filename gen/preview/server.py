"""`gongkai serve`: build a preview, serve it, watch content/ and layouts/, and keep the browser current.

Every HTML page served gets one script, `/_gongkai/live.js`, which listens to `/_gongkai/events`
(server-sent events): `reload` after pages changed (the tab reloads when its own page is among
them) and `findings` after the checks ran (an overlay lists the errors with file:line until they
are fixed). The preview folder itself never contains the script. The search index is rebuilt in
the background after each change; the previous index answers until the new one is in place.
"""

from __future__ import annotations

import functools
import http.server
import json
import queue
import shutil
import sys
import threading
import time
import urllib.parse
from dataclasses import asdict
from pathlib import Path

from gen import PACKAGE
from gen.findings import ERROR, WARNING, Finding
from gen.preview.updates import Preview

LIVE_SCRIPT = PACKAGE / "data" / "live.js"
EVENTS = "/_gongkai/events"


class Hub:
    """Fans events out to every connected browser tab."""

    def __init__(self):
        self.clients: set[queue.Queue] = set()
        self.lock = threading.Lock()
        self.findings: list[Finding] = []

    def connect(self) -> queue.Queue:
        q: queue.Queue = queue.Queue()
        with self.lock:
            self.clients.add(q)
        q.put(("findings", findings_event(self.findings)))
        return q

    def disconnect(self, q: queue.Queue) -> None:
        with self.lock:
            self.clients.discard(q)

    def send(self, event: str, data: dict) -> None:
        if event == "findings":
            self.findings = data["_findings"]
            data = findings_event(self.findings)
        with self.lock:
            for q in self.clients:
                q.put((event, data))


def findings_event(findings: list[Finding]) -> dict:
    shown = [f for f in findings if f.severity in (ERROR, WARNING)]
    return {"errors": sum(1 for f in shown if f.severity == ERROR),
            "warnings": sum(1 for f in shown if f.severity == WARNING),
            "findings": [asdict(f) for f in shown[:200]]}


class _Handler(http.server.SimpleHTTPRequestHandler):
    extensions_map = {**http.server.SimpleHTTPRequestHandler.extensions_map,
                      ".wasm": "application/wasm", ".pf_meta": "application/octet-stream",
                      ".pf_index": "application/octet-stream", ".pf_fragment": "application/octet-stream",
                      ".js": "text/javascript", ".css": "text/css", ".html": "text/html; charset=utf-8",
                      ".xml": "application/xml; charset=utf-8"}
    hub: Hub | None = None
    protocol_version = "HTTP/1.1"

    def log_message(self, format, *args):  # keep the terminal for findings
        pass

    allowed_hosts: frozenset[str] = frozenset()

    def end_headers(self):
        self.send_header("Cache-Control", "no-store")  # a preview must never show yesterday's page
        self.send_header("X-Content-Type-Options", "nosniff")
        if not self._html and not self.path.startswith(("/pagefind/", "/static/", "/_gongkai/")):
            # An attachment opened on its own never runs script on the preview's origin (the site's
            # own scripts and the search's worker, which takes this header as its policy, excepted).
            self.send_header("Content-Security-Policy", "default-src 'none'; img-src 'self'; media-src 'self'; sandbox")
        super().end_headers()

    _html = False

    def send_response(self, code, message=None):
        self._html = False
        super().send_response(code, message)

    def send_header(self, keyword, value):
        if keyword.lower() == "content-type":
            self._html = value.startswith("text/html") or value.startswith("application/pdf")
        super().send_header(keyword, value)

    def handle_one_request(self):
        try:
            super().handle_one_request()
        except (BrokenPipeError, ConnectionResetError, ConnectionAbortedError, TimeoutError):
            self.close_connection = True  # the browser went away: nothing to tell anyone

    def do_HEAD(self):
        if self._refused():
            return
        super().do_HEAD()

    def _refused(self) -> bool:
        """Answer 400 to a request whose Host is not this machine (DNS rebinding) or whose path is
        not a path (NUL, a broken % escape); True when answered."""
        host = (self.headers.get("Host") or "").strip().lower()
        name = host.rsplit(":", 1)[0] if not host.endswith("]") else host
        path = self.path.split("?", 1)[0].split("#", 1)[0]
        try:
            decoded = urllib.parse.unquote(path, errors="strict")
        except UnicodeDecodeError:
            decoded = None
        origin = self.headers.get("Origin")
        foreign = origin is not None and urllib.parse.urlsplit(origin).hostname not in \
            {h.strip("[]") for h in self.allowed_hosts}
        if name not in self.allowed_hosts or decoded is None or "\x00" in decoded or not path.startswith("/") or foreign:
            body = "请求无效：只接受本机地址（localhost、127.0.0.1）和有效的网址路径。".encode("utf-8")
            self._html = False
            self.send_response(400)
            self.send_header("Content-Type", "text/plain; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.send_header("Connection", "close")
            self.end_headers()
            if self.command != "HEAD":
                self.wfile.write(body)
            self.close_connection = True
            return True
        return False

    def do_GET(self):
        if self._refused():
            return
        path = self.path.split("?", 1)[0]
        if self.hub is not None and path == EVENTS:
            return self._events()
        if self.hub is not None and path == "/_gongkai/live.js":
            return self._send(200, "text/javascript; charset=utf-8", LIVE_SCRIPT.read_bytes())
        if self.hub is not None and path == "/_gongkai/findings":
            return self._send(200, "application/json; charset=utf-8",
                              json.dumps(findings_event(self.hub.findings), ensure_ascii=False).encode("utf-8"))
        if self.hub is not None:
            local = Path(self.translate_path(self.path))
            if local.is_dir():
                local = local / "index.html"
            if local.suffix == ".html" and local.is_file() and (path.endswith("/") or path.endswith(".html")):
                return self._send(200, "text/html; charset=utf-8", _with_live_script(local.read_bytes()))
        return super().do_GET()

    def _send(self, code: int, content_type: str, body: bytes) -> None:
        self.send_response(code)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def _events(self) -> None:
        self.send_response(200)
        self.send_header("Content-Type", "text/event-stream; charset=utf-8")
        self.send_header("Connection", "keep-alive")
        self.end_headers()
        q = self.hub.connect()
        try:
            while True:
                try:
                    event, data = q.get(timeout=15)
                except queue.Empty:
                    self.wfile.write(b": keep-alive\n\n")
                    self.wfile.flush()
                    continue
                if event == "stop":
                    break
                self.wfile.write(f"event: {event}\ndata: {json.dumps(data, ensure_ascii=False)}\n\n".encode("utf-8"))
                self.wfile.flush()
        except (BrokenPipeError, ConnectionResetError, OSError):
            pass
        finally:
            self.hub.disconnect(q)
            self.close_connection = True

    def send_error(self, code, message=None, explain=None):
        page = Path(self.directory) / "404.html"
        if code == 404 and page.is_file():
            body = page.read_bytes()
            return self._send(404, "text/html; charset=utf-8", _with_live_script(body) if self.hub else body)
        super().send_error(code, message, explain)


def _with_live_script(html: bytes) -> bytes:
    tag = b'<script src="/_gongkai/live.js" defer></script>'
    index = html.rfind(b"</body>")
    return html[:index] + tag + html[index:] if index >= 0 else html + tag


LOCAL_HOSTS = frozenset({"localhost", "127.0.0.1", "[::1]"})


class _Server(http.server.ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request, client_address):
        """A connection the browser dropped is not an error worth a traceback on the editor's terminal."""
        error = sys.exc_info()[1]
        if isinstance(error, (ConnectionError, TimeoutError)):
            return
        super().handle_error(request, client_address)


def make_server(directory: Path, host: str, port: int, hub: Hub | None = None) -> http.server.ThreadingHTTPServer:
    hosts = LOCAL_HOSTS | ({host.lower()} if host not in ("0.0.0.0", "::", "") else set())
    handler = functools.partial(type("Handler", (_Handler,), {"hub": hub, "allowed_hosts": hosts}),
                                directory=str(directory.resolve()))
    return _Server((host, port), handler)


def serve(directory: Path, host: str, port: int) -> int:
    """Serve a folder as it is until interrupted (no watching)."""
    with make_server(directory, host, port) as server:
        print(f"预览地址：http://{host}:{server.server_address[1]}/　（按 Ctrl+C 停止）", flush=True)
        try:
            server.serve_forever()
        except KeyboardInterrupt:
            print("已停止。", file=sys.stderr)
    return 0


class Live:
    """The preview, its server, the watcher and the background search indexer, together."""

    def __init__(self, preview: Preview, host: str, port: int, watch: list[Path], say=print, pool=None):
        """`pool`: processes for the search index (`search.workers()`, the caller's to end), started
        before the preview loaded the site and before any thread: this process never forks for the
        index while its threads run."""
        self.preview = preview
        self.pool = pool
        self.hub = Hub()
        self.say = say
        self.watch = [p for p in watch if p.exists()]
        self.stop_event = threading.Event()
        self.server = make_server(preview.out, host, port, self.hub)
        self.address = f"http://{host}:{self.server.server_address[1]}/"
        self._index_wanted = threading.Event()
        self._search_state: dict = {}  # what the preview's search index holds, shard by shard (search.Report.state)
        self._check_wanted = threading.Event()
        self.watching = threading.Event()
        self.checks = 0
        """Checks finished (tests wait on it)."""
        self.index_done = threading.Event()
        self.threads: list[threading.Thread] = []

    def start(self) -> None:
        for target in (self.server.serve_forever, self._watch, self._indexer, self._checker):
            thread = threading.Thread(target=target, daemon=True)
            thread.start()
            self.threads.append(thread)
        self.watching.wait(timeout=30)  # an edit made once the address is shown is never missed
        self._after_change()

    def stop(self) -> None:
        self.stop_event.set()
        self._index_wanted.set()
        self._check_wanted.set()
        self.hub.send("stop", {})
        self.server.shutdown()
        self.server.server_close()
        self.preview.close()

    def changed(self, paths: set[Path]) -> None:
        """Apply a change of files (called by the watcher; also usable directly)."""
        try:
            update = self.preview.update(paths)
        except Exception as exc:  # a bug must not end the editor's session: show it and go on
            self.say(f"预览更新失败：{exc!r}")
            return
        if update.changed:
            self.hub.send("reload", {"paths": update.changed[:2000], "all": update.tier == "full"})
        self.say(f"已更新 {len(update.changed)} 个页面（{update.tier}，{update.seconds:.3f} 秒）")
        self._after_change()

    def _after_change(self) -> None:
        """Pages are served: now the checks and the search index catch up, in the background."""
        self._check_wanted.set()
        if self.preview.search:
            self.index_done.clear()
            self._index_wanted.set()

    def _checker(self) -> None:
        """Run the checks after every change (coalesced) and send the findings to the browsers."""
        shown: list[Finding] | None = None
        while not self.stop_event.is_set():
            self._check_wanted.wait()
            if self.stop_event.is_set():
                return
            self._check_wanted.clear()
            try:
                findings = self.preview.check(fork=True)
            except Exception as exc:  # raced with an update: the next check settles it
                self.say(f"检查未完成（{exc!r}），稍后重试。")
                self._check_wanted.set()
                time.sleep(0.2)
                continue
            self.checks += 1
            self.hub.send("findings", {"_findings": findings})
            if findings != shown:
                shown = findings
                errors = [f for f in findings if f.severity == ERROR]
                if errors:
                    self.say(f"有 {len(errors)} 个错误（浏览器中会显示）：")
                    for f in errors[:10]:
                        self.say(f"  {f.file}:{f.line} [{f.rule}] {f.message}")
                else:
                    warnings = sum(1 for f in findings if f.severity == WARNING)
                    self.say("检查通过" + (f"，{warnings} 个警告。" if warnings else "，没有发现问题。"))

    def _watch(self) -> None:
        import watchfiles
        # An empty set comes every 200 ms without changes: the first one says the watches are in place.
        for changes in watchfiles.watch(*self.watch, stop_event=self.stop_event, debounce=400, step=20,
                                        rust_timeout=200, yield_on_timeout=True, raise_interrupt=False):
            self.watching.set()
            if self.stop_event.is_set():
                break
            if changes:
                self.changed({Path(path) for _, path in changes})

    def _indexer(self) -> None:
        """Rebuild the search index in the background whenever pages changed, newest content last."""
        from gen.search import bundle as search
        while not self.stop_event.is_set():
            self._index_wanted.wait()
            if self.stop_event.is_set():
                return
            self._index_wanted.clear()
            preview = self.preview
            fresh = preview.out.parent / f".{preview.out.name}.pagefind-{time.time_ns()}"
            try:
                with preview.lock:
                    site = preview.site
                if site is None:
                    continue
                before = search.Previous(preview.out / search.OUTPUT, self._search_state) if self._search_state else None
                report = search.index(preview.out, site, output=fresh, previous=before, pool=self.pool, cache=preview.cache,
                                      shard_pages=search.PREVIEW_SHARD_PAGES)
                self._search_state = report.state
                target = preview.out / "pagefind"
                old = preview.out.parent / f".{preview.out.name}.pagefind-old"
                shutil.rmtree(old, ignore_errors=True)
                with preview.lock:
                    if target.exists():
                        target.rename(old)
                    fresh.rename(target)
                shutil.rmtree(old, ignore_errors=True)
            except Exception as exc:
                self.say(f"搜索索引更新失败：{exc}")
                shutil.rmtree(fresh, ignore_errors=True)
            finally:
                if not self._index_wanted.is_set():
                    self.index_done.set()
