#!/usr/bin/env python3
"""The portal over many departments' columns: build time and peak memory of `gongkai portal`, and what
a reader waits for on its search, against a single column of as many documents.

    bench/portal.py --departments 40 200 --documents 500 --work /tmp/portal-bench --single [--write-results]

Each department is a column of its own made by bench/make_column.py (its own seed, name and address),
built with `gongkai build` as its CI job would; then `gongkai portal` builds the portal from their
sites (timed, peak memory by bench/peak.py's sampling), and Chromium opens the portal's search for a
few terms over 127.0.0.1 (bench/search_wait.py's measure). With `--single`, one column of
departments × documents is built and searched the same way, for the ratios.
"""

from __future__ import annotations

import argparse
import json
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


def portal_from_addresses(sites: list[Path], work: Path) -> list[str]:
    """The portal over the same departments named by their addresses (served over 127.0.0.1): the first
    run fetches everything, a run with nothing changed, and a run after one department published an edit;
    wall seconds and files downloaded of each, as table rows."""
    sys.path.insert(0, str(HERE))
    from search_wait import served
    rows = []
    with served(work) as base:
        config = work / "portal-by-address.yml"
        config.write_text("name: 示例市政府信息公开平台\ndepartments:\n" + "".join(
            f"  - name: 示例县第{n}部门\n    site: {base}{site.relative_to(work).as_posix()}/\n"
            for n, site in enumerate(sites, 1)), encoding="utf-8")
        cache = work / ".gongkai-cache"
        subprocess.run(["rm", "-rf", str(cache)], check=True)

        def run(label: str) -> None:
            start = time.perf_counter()
            done = subprocess.run(gongkai("portal", "--config", str(config), "--out", str(work / "portal-by-address"),
                                          "--today", TODAY), cwd=ROOT, capture_output=True, text=True)
            seconds = time.perf_counter() - start
            if done.returncode:
                raise RuntimeError(done.stdout + done.stderr)
            fetched = re.search(r"下载 (\d+) 个文件、沿用已下载的 (\d+) 个", done.stdout)
            rows.append(f"| portal from addresses, {len(sites)} departments: {label} | {seconds:.1f} | "
                        f"{int(fetched[1]):,} of {int(fetched[1]) + int(fetched[2]):,} |")
            print(rows[-1], flush=True)
        run("first run")
        run("nothing changed")
        edited = sites[len(sites) // 2].parent / "gongkai" / "content"
        page = sorted(edited.glob("news/*/*.md"))[0]
        page.write_text(page.read_text(encoding="utf-8") + "\n本条信息已更新。\n", encoding="utf-8")
        subprocess.run(gongkai("build", "--content", str(edited), "--out", str(edited.parent.parent / "site"),
                               "--today", TODAY, "-q"), cwd=ROOT, check=True, capture_output=True)
        run("one department published an edit")
    return rows


def write_results(text: str) -> None:
    """Replace the portal's section of RESULTS.md by `text` (the other sections as they are)."""
    path = HERE / "RESULTS.md"
    old = path.read_text(encoding="utf-8")
    start = old.find(SECTION)
    end = old.find("\n### ", start + 1) if start >= 0 else -1
    if start < 0:
        new = old.rstrip("\n") + "\n\n" + text + "\n"
    else:
        new = old[:start] + text + ("\n" + old[end:] if end >= 0 else "\n")
    path.write_text(new, encoding="utf-8")


SECTION = "### The portal over many departments"


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--departments", type=int, nargs="+", default=[200])
    parser.add_argument("--documents", type=int, default=500)
    parser.add_argument("--work", type=Path, required=True)
    parser.add_argument("--single", action="store_true", help="also a single column of as many documents")
    parser.add_argument("--write-results", action="store_true", help="replace the portal's section of bench/RESULTS.md")
    args = parser.parse_args(argv)
    lines = [f"{SECTION}, {time.strftime('%Y-%m-%d')}", "",
             f"Command: `bench/portal.py {' '.join(argv if argv is not None else sys.argv[1:])}` (each department a column "
             f"of {args.documents} documents made by `bench/make_column.py` with its own seed, built on its own with "
             "`gongkai build`; then `gongkai portal` over their site folders, its wall time and peak memory sampled every "
             "50 ms; the first results of 5 terms in Chromium over 127.0.0.1, median; `--single`: one column of as many "
             "documents built with search and searched the same way; then the portal over the same departments named by "
             "their addresses, served over 127.0.0.1: the first run, a run with nothing changed, and one after a "
             "department rebuilt and published a one-document edit).", "",
             "| run | wall (s) | peak memory (MiB) | first results (s) |", "|---|---:|---:|---:|"]
    ratios, fetches = [], []
    for departments in args.departments:
        ratio, fetch = measure_size(args, departments, lines)
        ratios.append(ratio)
        fetches += fetch
    text = "\n".join(lines + ["", *[r for r in ratios if r], "", "| run | wall (s) | files downloaded |", "|---|---:|---:|", *fetches])
    print(text)
    if args.write_results:
        write_results(text)
    return 0


def measure_size(args, departments: int, lines: list[str]) -> tuple[str, list[str]]:
    work = args.work / f"portal-{departments}"
    work.mkdir(parents=True, exist_ok=True)
    start = time.perf_counter()
    sites = [make_department(n, args.documents, work / f"dept-{n:03d}") for n in range(1, departments + 1)]
    print(f"{departments} departments made and built in {time.perf_counter() - start:.0f} s", flush=True)
    config = work / "portal.yml"
    config.write_text("name: 示例市政府信息公开平台\ndepartments:\n" + "".join(
        f"  - name: 示例县第{n}部门\n    site: {site}\n" for n, site in enumerate(sites, 1)), encoding="utf-8")
    out = work / "portal"
    seconds, peak = measured(gongkai("portal", "--config", str(config), "--out", str(out), "--today", TODAY))
    wait = first_results(out)
    shards = len(json.loads((out / "pagefind" / "gongkai-search.json").read_text(encoding="utf-8"))["shards"])
    lines.append(f"| portal over {departments} × {args.documents} ({shards} shards) | {seconds:.1f} | {peak / 2**20:,.0f} | {wait:.2f} |")
    print(lines[-1], flush=True)
    ratio = ""
    if args.single:
        single = work / "single"
        sys.path.insert(0, str(HERE))
        from make_column import make
        make(departments * args.documents, single)
        seconds_1, peak_1 = measured(gongkai("build", "--content", str(single / "gongkai" / "content"),
                                             "--out", str(single / "site"), "--today", TODAY, "-q"))
        wait_1 = first_results(single / "site")
        lines.append(f"| single column of {departments * args.documents:,} (gongkai build with search) | {seconds_1:.1f} | "
                     f"{peak_1 / 2**20:,.0f} | {wait_1:.2f} |")
        print(lines[-1], flush=True)
        ratio = (f"Portal ÷ single column at {departments * args.documents:,} documents: build {seconds / seconds_1:.2f}, "
                 f"memory {peak / peak_1:.2f}, first results {wait / wait_1:.2f}.")
        print(ratio, flush=True)
    return ratio, portal_from_addresses(sites, work)


if __name__ == "__main__":
    sys.exit(main())
