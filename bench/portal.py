#!/usr/bin/env python3
"""The portal over many departments' columns: build time and peak memory of `gongkai portal`, and what
a reader waits for on its search, against a single column of as many documents.

    bench/portal.py --departments 40 --documents 500 --work /tmp/portal-bench

Each department is a column of its own made by bench/make_column.py (its own seed, name and address),
built with `gongkai build` as its CI job would; then `gongkai portal` builds the portal from their
sites (timed, peak memory by bench/peak.py's sampling), and Chromium opens the portal's search for a
few terms over 127.0.0.1 (bench/search_wait.py's measure). With `--single`, one column of
departments × documents is built and searched the same way, for the ratios.
"""

from __future__ import annotations

import argparse
import re
import statistics
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
TODAY = "2026-11-23"
TERMS = ["就业", "社会保险", "补贴", "养老", "培训"]


def gongkai(*args: str) -> list[str]:
    return [sys.executable, "-m", "gen", *args]


def make_department(number: int, documents: int, folder: Path) -> Path:
    """A department's column, built; its site folder."""
    sys.path.insert(0, str(HERE))
    from make_column import make
    make(documents, folder, seed=number)
    site_yml = folder / "gongkai" / "content" / "site.yml"
    text = site_yml.read_text(encoding="utf-8")
    text = re.sub(r"^name: .*$", f"name: 示例县第{number}部门", text, count=1, flags=re.M)
    text = re.sub(r"^base_url: .*$", f"base_url: https://d{number}.example.gov.cn/", text, count=1, flags=re.M)
    site_yml.write_text(text, encoding="utf-8")
    site = folder / "site"
    subprocess.run(gongkai("build", "--content", str(folder / "gongkai" / "content"), "--out", str(site),
                           "--today", TODAY, "-q"), cwd=ROOT, check=True, capture_output=True)
    return site


def measured(command: list[str]) -> tuple[float, int]:
    """Wall seconds and peak memory (bytes, PSS of the process tree, sampled) of a command."""
    sys.path.insert(0, str(HERE))
    from peak import _pss, _tree
    start = time.perf_counter()
    process = subprocess.Popen(command, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    peak = 0
    while process.poll() is None:
        peak = max(peak, sum(_pss(pid) for pid in _tree(process.pid)))
        time.sleep(0.05)
    if process.returncode:
        raise RuntimeError(f"{command} failed ({process.returncode})")
    return time.perf_counter() - start, peak


def first_results(folder: Path) -> float:
    """Median seconds until the first results of the search terms show, each in a fresh context."""
    sys.path.insert(0, str(HERE))
    from search_wait import served, wait_for_results
    from playwright.sync_api import sync_playwright
    args = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
            "--disable-component-update", "--no-first-run"]
    with served(folder) as base, sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path="/usr/bin/chromium", args=args)
        try:
            return statistics.median(wait_for_results(browser, base, term)[0] for term in TERMS)
        finally:
            browser.close()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--departments", type=int, default=200)
    parser.add_argument("--documents", type=int, default=500)
    parser.add_argument("--work", type=Path, required=True)
    parser.add_argument("--single", action="store_true", help="also a single column of as many documents")
    args = parser.parse_args()
    args.work.mkdir(parents=True, exist_ok=True)
    start = time.perf_counter()
    sites = [make_department(n, args.documents, args.work / f"dept-{n:03d}") for n in range(1, args.departments + 1)]
    print(f"{args.departments} departments made and built in {time.perf_counter() - start:.0f} s", flush=True)
    config = args.work / "portal.yml"
    config.write_text("name: 示例市政府信息公开平台\ndepartments:\n" + "".join(
        f"  - name: 示例县第{n}部门\n    site: {site}\n" for n, site in enumerate(sites, 1)), encoding="utf-8")
    out = args.work / "portal"
    seconds, peak = measured(gongkai("portal", "--config", str(config), "--out", str(out), "--today", TODAY))
    wait = first_results(out)
    print(f"| portal over {args.departments} × {args.documents} | {seconds:.1f} | {peak / 2**20:.0f} | {wait:.2f} |", flush=True)
    if args.single:
        single = args.work / "single"
        sys.path.insert(0, str(HERE))
        from make_column import make
        make(args.departments * args.documents, single)
        seconds_1, peak_1 = measured(gongkai("build", "--content", str(single / "gongkai" / "content"),
                                             "--out", str(single / "site"), "--today", TODAY, "-q"))
        wait_1 = first_results(single / "site")
        print(f"| single column of {args.departments * args.documents} (gongkai build with search) | {seconds_1:.1f} | "
              f"{peak_1 / 2**20:.0f} | {wait_1:.2f} |", flush=True)
        print(f"ratios portal ÷ single column: build {seconds / seconds_1:.2f}, memory {peak / peak_1:.2f}, "
              f"first results {wait / wait_1:.2f}", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
