#!/usr/bin/env python3
"""What a reader waits for: the sharded search index against a single index of the same site.

    bench/search_wait.py SITE [--runs 5] [--work DIR] [--shard-pages N [N ...]]

SITE is a site built by `gongkai build` (with or without search). Its pages are indexed twice (or
more), into copies of the site (hard links, so the copies cost no space): as `gongkai build` does,
in shards, and as one index (`search.SHARD_PAGES` above the number of pages, `MIN_SHARDS` 1); with
`--shard-pages`, once in shards of each of those sizes (at most that many pages a shard). All are served over
127.0.0.1 by the standard library's HTTP server, and Chromium (Debian's, through Playwright) opens
`search/index.html?q=TERM` for each term with an empty cache, taking turns between the copies, until
the number of results is shown and the first result is on the page. Printed: the median time and
the median bytes fetched (whole responses, by their Content-Length), per variant, and the ratio.
"""

from __future__ import annotations

import argparse
import contextlib
import functools
import http.server
import os
import shutil
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

TERMS = ["社会保险", "养老", "劳动合同", "就业创业", "工伤保险", "培训补贴", "12333", "失业保险金"]
"""Common and rarer terms of the bench columns (made from ../shared/corpus)."""
CHROMIUM = "/usr/bin/chromium"
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
         "--disable-component-update", "--no-first-run"]


def index_copy(site: Path, target: Path, single: bool, shard_pages: int | None = None) -> dict:
    """A hard-linked copy of `site` with its own search index: sharded (`shard_pages` a shard, default
    the build's), or in one piece."""
    from gen.search import bundle as search
    shutil.rmtree(target, ignore_errors=True)
    subprocess.run(["cp", "-al", str(site), str(target)], check=True)
    shutil.rmtree(target / "pagefind", ignore_errors=True)
    kept = search.SHARD_PAGES, search.MIN_SHARDS
    if single:
        search.SHARD_PAGES, search.MIN_SHARDS = 10**9, 1
    elif shard_pages:
        search.SHARD_PAGES = shard_pages
    try:
        start = time.perf_counter()
        report = search.index(target)
    finally:
        search.SHARD_PAGES, search.MIN_SHARDS = kept
    return {"seconds": time.perf_counter() - start, "shards": report.shards, "bytes": report.bytes, "pages": report.pages}


@contextlib.contextmanager
def served(folder: Path):
    class Quiet(http.server.SimpleHTTPRequestHandler):
        def log_message(self, *args):
            pass
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(Quiet, directory=str(folder)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()


def wait_for_results(browser, base: str, term: str) -> tuple[float, int, int]:
    """Seconds from opening the search URL until the count and the first result show; bytes fetched; results."""
    context = browser.new_context()
    page = context.new_page()
    fetched: list[int] = []
    page.on("response", lambda r: fetched.append(int(r.headers.get("content-length", 0) or 0)))
    start = time.perf_counter()
    page.goto(base + "search/index.html?q=" + term)
    status = page.locator("#search-status", has_text="找到")
    status.wait_for(timeout=120000)
    text = status.inner_text()
    if text.startswith("找到"):
        page.locator(".search-result").first.wait_for(timeout=120000)
    seconds = time.perf_counter() - start
    count = int(text.split()[1]) if text.startswith("找到") else 0
    context.close()
    return seconds, sum(fetched), count


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("site", type=Path)
    parser.add_argument("--runs", type=int, default=3, help="openings per term and variant")
    parser.add_argument("--work", type=Path, default=None, help="where the two copies go (default: beside SITE)")
    parser.add_argument("--terms", nargs="+", default=TERMS)
    parser.add_argument("--shard-pages", type=int, nargs="+", default=[],
                        help="index the site in shards of these sizes too, to compare them (pages a shard)")
    args = parser.parse_args()
    work = args.work or args.site.parent
    copies = {"shards": work / "wait-shards"}
    sizes = {"shards": None}
    for pages in args.shard_pages:
        copies[f"shards of ≤ {pages} pages"] = work / f"wait-shards-{pages}"
        sizes[f"shards of ≤ {pages} pages"] = pages
    copies["single index"] = work / "wait-single"
    built = {}
    for name, folder in copies.items():
        built[name] = index_copy(args.site, folder, single=name == "single index", shard_pages=sizes.get(name))
        print(f"{name}: {built[name]['shards']} shard(s), {built[name]['pages']} pages, "
              f"{built[name]['bytes'] / 2**20:.1f} MiB, indexed in {built[name]['seconds']:.1f} s", flush=True)
    from playwright.sync_api import sync_playwright
    samples: dict[str, list[tuple[float, int]]] = {name: [] for name in copies}
    counts: dict[str, dict[str, int]] = {name: {} for name in copies}
    with contextlib.ExitStack() as stack:
        bases = {name: stack.enter_context(served(folder)) for name, folder in copies.items()}
        playwright = stack.enter_context(sync_playwright())
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        stack.callback(browser.close)
        for name in copies:  # once each first: the file system's cache, not the index, would be measured
            wait_for_results(browser, bases[name], args.terms[0])
        for _ in range(args.runs):
            for term in args.terms:
                for name in copies:
                    seconds, size, count = wait_for_results(browser, bases[name], term)
                    samples[name].append((seconds, size))
                    counts[name][term] = count
    if any(counts[name] != counts["single index"] for name in copies):
        print("different result counts:", counts)
    print(f"\n{len(args.terms)} terms × {args.runs} openings, Chromium over 127.0.0.1, empty cache each time; medians:\n")
    print("| index | shards | first results (s) | bytes fetched (KiB) | ÷ single index (time) | ÷ single index (bytes) |")
    print("|---|---:|---:|---:|---:|---:|")
    single_time = statistics.median(s for s, _ in samples["single index"])
    single_bytes = statistics.median(b for _, b in samples["single index"])
    for name in copies:
        wait = statistics.median(s for s, _ in samples[name])
        size = statistics.median(b for _, b in samples[name])
        print(f"| {name} | {built[name]['shards']} | {wait:.3f} | {size / 1024:.0f} | {wait / single_time:.2f} | "
              f"{size / single_bytes:.2f} |")
    for folder in copies.values():
        shutil.rmtree(folder, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
