"""Search recall and precision, measured in a real browser (Playwright driving Debian's Chromium).

For each query term, the pages whose text contains it — read from the output HTML (the part a
page marks `data-pagefind-body`, without `data-pagefind-ignore`) and from the Word and PDF files
beside it — are compared with the pages the search returns, through Pagefind's JS API in the
built site, with the search page's own query transformation (`gongkaiSearch.find`).

The acceptance test runs on the example column. Run this file as a script for the figures in the
README: gongkai's search against Pagefind's standard and extended builds indexing the same HTML,
on the example column or on a column generated from ../shared/corpus/docs.jsonl.gz:

    python tests/test_search_recall.py                      # the example column
    python tests/test_search_recall.py --corpus 3000        # 3,000 real laws and policy documents
"""

from __future__ import annotations

import argparse
import contextlib
import functools
import gzip
import http.server
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from html.parser import HTMLParser
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))
from conftest import ROOT, TODAY, build  # noqa: E402

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--no-first-run"]
CORPUS = ROOT.parent / "shared" / "corpus" / "docs.jsonl.gz"

# Common policy words, names of programmes, a hotline number and 文号 of the example column.
EXAMPLE_TERMS = [
    "预算", "决算", "年报", "复议", "行政复议", "台账", "热线", "督查", "解读", "公开", "信息化", "规范性",
    "社会保险", "养老保险", "失业保险", "工伤保险", "创业担保", "担保贷款", "就业见习", "技能培训", "培训补贴",
    "稳岗返还", "零工市场", "灵活就业", "劳动关系", "最低工资", "社保卡", "依申请", "十四五", "就业困难",
    "农民工", "欠薪", "城乡居民", "起草说明", "保密审查", "监督电话", "12333",
    "示人社发〔2023〕3号", "示人社〔2026〕9号", "示人社发〔2019〕2号",
]

# For the corpus column: the words, words whose characters also stand apart, and 文号.
CORPUS_TERMS = [
    "预算", "年报", "复议", "台账", "热线", "督查", "解读", "公开", "信息化", "规范性", "社会保险", "行政许可",
    "行政处罚", "行政复议", "听证", "备案", "审计", "监督检查", "法律责任", "个人信息", "知识产权", "食品安全",
    "安全生产", "生态环境", "税收", "养老", "医疗保障", "义务教育", "营商环境", "双随机", "放管服", "不动产",
    "国发〔2019〕5号", "国办发〔2018〕128号", "国函〔2018〕159号",
]


# --- ground truth from the output --------------------------------------------------------------

_BLOCKS_INLINE = {"a", "abbr", "b", "cite", "code", "em", "i", "mark", "q", "s", "small", "span", "strong", "sub",
                  "sup", "time", "u", "del", "ins", "wbr"}
_VOID = {"br", "img", "hr", "input", "meta", "link", "source", "wbr", "col", "area", "embed", "track", "base"}


class _BodyText(HTMLParser):
    """The text of the `data-pagefind-body` region, without `data-pagefind-ignore` parts."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.stack: list[tuple[str, bool, bool]] = []
        self.parts: list[str] = []
        self.has_body = False

    def handle_starttag(self, tag, attrs):
        names = dict(attrs)
        body, ignored = self.stack[-1][1:] if self.stack else (False, False)
        body = body or "data-pagefind-body" in names
        self.has_body = self.has_body or body
        ignored = ignored or "data-pagefind-ignore" in names or tag in ("script", "style")
        if tag not in _BLOCKS_INLINE:
            self.parts.append("\n")
        if tag not in _VOID:
            self.stack.append((tag, body, ignored))

    def handle_endtag(self, tag):
        while self.stack and any(t == tag for t, _, _ in self.stack):
            if self.stack.pop()[0] == tag:
                break
        if tag not in _BLOCKS_INLINE:
            self.parts.append("\n")

    def handle_data(self, data):
        if self.stack and self.stack[-1][1] and not self.stack[-1][2]:
            self.parts.append(data)


def page_texts(site: Path) -> dict[str, str]:
    """Indexed page address (`/path/index.html`) → its searchable text, whitespace collapsed."""
    from gen.search.files import file_text
    texts = {}
    for page in sorted(site.rglob("*.html")):
        if "pagefind" in page.relative_to(site).parts[:1]:
            continue
        parser = _BodyText()
        parser.feed(page.read_text(encoding="utf-8"))
        if not parser.has_body:
            continue
        text = "".join(parser.parts)
        for download in sorted(page.parent.iterdir()):
            if download.suffix.lower() in (".pdf", ".docx"):
                text += "\n" + file_text(download)[0]
        texts["/" + page.relative_to(site).as_posix()] = " ".join(text.split())
    return texts


def pages_containing(texts: dict[str, str], term: str) -> set[str]:
    return {url for url, text in texts.items() if term in text}


def score(texts: dict[str, str], found: dict[str, list[str]]) -> list[dict]:
    """Per term: true pages, returned pages, recall and precision (0 when nothing is returned)."""
    rows = []
    for term in found:
        urls = found[term]
        truth = pages_containing(texts, term)
        returned = set(urls)
        hits = len(truth & returned)
        rows.append({"term": term, "true": len(truth), "returned": len(returned),
                     "recall": hits / len(truth) if truth else (1.0 if not returned else 0.0),
                     "precision": hits / len(returned) if returned else (1.0 if not truth else 0.0)})
    return rows


def summary(rows: list[dict]) -> tuple[float, float]:
    counted = [r for r in rows if r["true"]]
    return statistics.mean(r["recall"] for r in counted), statistics.mean(r["precision"] for r in counted)


# --- the browser -------------------------------------------------------------------------------

class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


@contextlib.contextmanager
def serve(directory: Path):
    """Serve a folder on 127.0.0.1 (a free port) and yield its base URL."""
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_QuietHandler, directory=str(directory)))
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}/"
    finally:
        httpd.shutdown()


@contextlib.contextmanager
def chromium():
    from playwright.sync_api import sync_playwright
    if not os.path.exists(CHROMIUM):
        raise RuntimeError("Debian chromium is not installed: run `make install-browser` (CI installs it).")
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        try:
            yield browser
        finally:
            browser.close()


_FIND_GONGKAI = """async (terms) => {
  await window.gongkaiSearch.ready;
  const out = {};
  for (const term of terms) out[term] = await window.gongkaiSearch.find(term);
  return out;
}"""

# Pagefind as it comes: the term goes to pagefind.search() unchanged (what Pagefind's own UI does).
_FIND_PLAIN = """async ([bundle, terms]) => {
  const pagefind = await import(bundle + "pagefind.js");
  await pagefind.options({basePath: bundle});
  await pagefind.init();
  const out = {};
  for (const term of terms) {
    const response = await pagefind.search(term);
    out[term] = await Promise.all(response.results.map(async r => (await r.data()).raw_url));
  }
  return out;
}"""


def find_in_browser(browser, base: str, terms: list[str], bundle: str = "pagefind") -> dict[str, list[str]]:
    """Run every term through the built site's search page; `bundle` other than pagefind: plain Pagefind."""
    page = browser.new_page()
    try:
        page.goto(base + "search/index.html")
        if bundle == "pagefind":
            return page.evaluate(_FIND_GONGKAI, terms)
        return page.evaluate(_FIND_PLAIN, ["/" + bundle + "/", terms])
    finally:
        page.close()


# --- the acceptance test -----------------------------------------------------------------------

def test_recall_and_precision_on_the_example_column(example_site):
    pytest.importorskip("playwright.sync_api")
    texts = page_texts(example_site)
    assert len(texts) > 40
    with serve(example_site) as base, chromium() as browser:
        found = find_in_browser(browser, base, EXAMPLE_TERMS + ["劳动仲裁"])
    rows = score(texts, found)
    assert len([r for r in rows if r["true"]]) >= 30
    recall, precision = summary(rows)
    worst = sorted(rows, key=lambda r: (r["recall"], r["precision"]))[:5]
    assert recall >= 0.95 and precision >= 0.9, (recall, precision, worst)
    # In this column every term is found exactly where it stands, and a term that is nowhere finds nothing.
    assert all(r["recall"] == 1.0 and r["precision"] == 1.0 for r in rows), worst


# --- measurements for the README ---------------------------------------------------------------

def corpus_content(dest: Path, count: int) -> Path:
    """A content folder with `count` documents of the shared corpus, one column per kind of document."""
    import yaml
    from conftest import ORG
    docs = [json.loads(line) for line in gzip.open(CORPUS, "rt", encoding="utf-8")][:count]
    kinds = sorted({d["kind"] for d in docs})
    folders = {kind: f"k{i}" for i, kind in enumerate(kinds)}
    topics = ["综合政务", "社会保障", "就业创业", "财政、金融、审计", "劳动、人事、监察"]
    site = {
        "name": "语料测试局", "base_url": "https://corpus.example.gov.cn/", "org_code": ORG,
        "footer": {"sponsor": "语料测试局", "site_code": "0000000000", "icp": "京ICP备00000000号",
                   "police": "京公网安备 00000000000000号", "address": "测试路1号", "phone": "010-12345678"},
        "topics": topics,
        "columns": [{"id": folders[k], "title": k, "folder": folders[k], "kind": "article"} for k in kinds],
        "annual_reports_since": 2030,
        "rules": {rule: "off" for rule in ("unsafe-content", "link-broken", "column-stale", "column-empty",
                                           "publish-late", "topic-unknown")},
        "calendar": {"holidays": [], "workdays": []},
    }
    content = dest / "content"
    if content.exists():
        shutil.rmtree(content)
    content.mkdir(parents=True)
    (content / "site.yml").write_text(yaml.safe_dump(site, allow_unicode=True, sort_keys=False), encoding="utf-8")
    for i, d in enumerate(docs):
        day = next((d[k] for k in ("published", "written", "effective") if d.get(k) and re.match(r"\d{4}-\d\d-\d\d$", d[k])),
                   "2020-01-01")
        day = min(day, TODAY.isoformat())
        front = {"title": " ".join(d["title"].split()), "index_no": f"{ORG}/{day[:4]}-{i + 1:05d}", "published": day,
                 "issuer": d["issuer"] or "语料测试局", "topic": topics[i % len(topics)]}
        text = "---\n" + yaml.safe_dump(front, allow_unicode=True, sort_keys=False) + "---\n" + d["body_markdown"] + "\n"
        (content / folders[d["kind"]] / f"d{i:05d}.md").parent.mkdir(parents=True, exist_ok=True)
        (content / folders[d["kind"]] / f"d{i:05d}.md").write_text(text, encoding="utf-8")
    return content


def measure(content: Path, site: Path, terms: list[str], variants: list[str], extended: Path | None) -> dict:
    """Recall, precision and indexing cost of each variant on a built site."""
    from gen.build import pipeline
    from gen.search import bundle as search
    model, _ = pipeline.load_site(content, TODAY)
    texts = page_texts(site)
    binaries = {"gongkai": search.pagefind_executable(), "standard": search.pagefind_executable(),
                "extended": extended, "gongkai-extended": extended}
    results = {}
    for variant in variants:
        bundle = "pagefind" if variant == "gongkai" else "pagefind-" + variant
        peak_log = site.parent / f"{bundle}.peak"
        executable = _peak_memory_wrapper(binaries[variant], peak_log)
        start = time.perf_counter()
        if variant.startswith("gongkai"):
            search.index(site, model, executable, site / bundle)
        else:
            done = subprocess.run([str(executable), "--site", str(site), "--output-subdir", bundle, "--keep-index-url",
                                   "--silent"], capture_output=True, text=True)
            assert done.returncode == 0, done.stderr
        cost = {"seconds": time.perf_counter() - start, "peak_kb": int(peak_log.read_text().split()[-1]),
                "bytes": sum(p.stat().st_size for p in (site / bundle).rglob("*") if p.is_file())}
        with serve(site) as base, chromium() as browser, _main_bundle(site, bundle if variant == "gongkai-extended" else None):
            start = time.perf_counter()
            found = find_in_browser(browser, base, terms, "pagefind" if variant.startswith("gongkai") else bundle)
            query_seconds = time.perf_counter() - start
            if variant == "gongkai":
                cost.update(first_results(browser, base, terms))
        rows = score(texts, found)
        recall, precision = summary(rows)
        results[variant] = {"recall": recall, "precision": precision, "rows": rows, "query_seconds": query_seconds, **cost}
    return {"pages": len(texts), "terms": len([t for t in terms if pages_containing(texts, t)]), "variants": results}


def first_results(browser, base: str, terms: list[str]) -> dict:
    """What a reader waits for: open the search page with a query (empty cache) until the count is shown.

    Returns the median time in seconds and the median bytes fetched from pagefind/ per query.
    """
    times, sizes = [], []
    for term in terms:
        context = browser.new_context()
        page = context.new_page()
        fetched = []
        page.on("response", lambda r: fetched.append(int(r.headers.get("content-length", 0))) if "/pagefind/" in r.url else None)
        start = time.perf_counter()
        page.goto(base + "search/index.html?q=" + term)
        status = page.locator("#search-status", has_text="找到")
        status.wait_for(timeout=60000)
        if status.inner_text().startswith("找到"):
            page.locator(".search-result").first.wait_for(timeout=60000)
        times.append(time.perf_counter() - start)
        sizes.append(sum(fetched))
        context.close()
    return {"first_results_seconds": statistics.median(times), "first_results_bytes": statistics.median(sizes)}


def _peak_memory_wrapper(executable: Path, log: Path) -> Path:
    """A script that runs `executable` under /usr/bin/time, writing its peak memory (KB) to `log`."""
    wrapper = log.with_suffix(".sh")
    wrapper.write_text(f'#!/bin/sh\nexec /usr/bin/time -o "{log}" -f %M "{executable}" "$@"\n', encoding="utf-8")
    wrapper.chmod(0o755)
    return wrapper


@contextlib.contextmanager
def _main_bundle(site: Path, bundle: str | None):
    """Let the search page (which loads pagefind/) use another bundle for a while."""
    if bundle is None:
        yield
        return
    os.rename(site / "pagefind", site / "pagefind-kept")
    os.rename(site / bundle, site / "pagefind")
    try:
        yield
    finally:
        os.rename(site / "pagefind", site / bundle)
        os.rename(site / "pagefind-kept", site / "pagefind")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--corpus", type=int, default=0, help="build a column of this many corpus documents")
    parser.add_argument("--variants", default="gongkai,standard,extended,gongkai-extended")
    parser.add_argument("--extended", type=Path, help="the pagefind_extended binary (default: from pagefind-bin-extended)")
    parser.add_argument("--work", type=Path, help="folder for the generated column (default: a temporary one)")
    parser.add_argument("--json", type=Path, help="write every figure to this file")
    args = parser.parse_args(argv)
    variants = args.variants.split(",")
    extended = args.extended
    if extended is None and any("extended" in v for v in variants):
        try:
            from pagefind_bin_extended import get_executable
            extended = get_executable()
        except ImportError:
            print("pagefind-bin-extended is not installed (pip install 'pagefind[extended]'); skipping extended variants")
            variants = [v for v in variants if "extended" not in v]
    work = args.work or Path(tempfile.mkdtemp(prefix="gongkai-recall-"))
    if args.corpus:
        content, terms = corpus_content(work, args.corpus), CORPUS_TERMS
    else:
        content, terms = ROOT / "content", EXAMPLE_TERMS
    site = work / "site"
    start = time.perf_counter()
    result = build(content, site)
    assert result.written, [f"{f.file}:{f.line} [{f.rule}] {f.message}" for f in result.findings if f.severity == "error"][:10]
    print(f"built {result.pages} pages in {time.perf_counter() - start:.1f}s ({result.timings})")
    figures = measure(content, site, terms, variants, extended)
    print(f"{figures['pages']} searchable pages, {figures['terms']} terms found in them")
    print(f"{'variant':<18}{'recall':>8}{'precision':>11}{'index s':>9}{'peak MB':>9}{'bundle MB':>11}")
    for name, v in figures["variants"].items():
        print(f"{name:<18}{v['recall']:>8.3f}{v['precision']:>11.3f}{v['seconds']:>9.1f}{v['peak_kb'] / 1024:>9.0f}"
              f"{v['bytes'] / 1e6:>11.1f}")
    if "first_results_seconds" in figures["variants"].get("gongkai", {}):
        g = figures["variants"]["gongkai"]
        print(f"search page, empty cache, until the first results (median over {len(terms)} terms): "
              f"{g['first_results_seconds']:.2f}s, {g['first_results_bytes'] / 1024:.0f} KB from pagefind/")
    print("per term: true, then returned by " + ", ".join(figures["variants"]))
    rows = {name: {r["term"]: r for r in v["rows"]} for name, v in figures["variants"].items()}
    for term in terms:
        cells = [f"{rows[name][term]['returned']:>8}" for name in rows]
        print(f"  {term:<16}{next(iter(rows.values()))[term]['true']:>6}" + "".join(cells))
    if args.json:
        args.json.write_text(json.dumps(figures, ensure_ascii=False, indent=1), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
