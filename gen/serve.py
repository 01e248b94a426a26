"""Serve the built site on the local machine for preview."""

from __future__ import annotations

import functools
import http.server
import sys
from pathlib import Path


class _Handler(http.server.SimpleHTTPRequestHandler):
    extensions_map = {**http.server.SimpleHTTPRequestHandler.extensions_map,
                      ".wasm": "application/wasm", ".pf_meta": "application/octet-stream",
                      ".pf_index": "application/octet-stream", ".pf_fragment": "application/octet-stream",
                      ".js": "text/javascript", ".css": "text/css", ".html": "text/html; charset=utf-8",
                      ".xml": "application/xml; charset=utf-8"}

    def log_message(self, format, *args):  # keep the terminal for findings
        pass

    def send_error(self, code, message=None, explain=None):
        page = Path(self.directory) / "404.html"
        if code == 404 and page.is_file():
            body = page.read_bytes()
            self.send_response(404)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            if self.command != "HEAD":
                self.wfile.write(body)
            return
        super().send_error(code, message, explain)


def serve(directory: Path, host: str, port: int) -> int:
    """Serve `directory` until interrupted."""
    handler = functools.partial(_Handler, directory=str(directory.resolve()))
    with http.server.ThreadingHTTPServer((host, port), handler) as server:
        print(f"预览地址：http://{host}:{port}/　（按 Ctrl+C 停止）", flush=True)
        try:
            server.serve_forever()
        except KeyboardInterrupt:
            print("已停止。", file=sys.stderr)
    return 0
