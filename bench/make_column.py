"""Make a reproducible column of N documents from the real texts in ../shared/corpus/.

Every kind appears in realistic proportions, with Word/PDF attachments on normative and policy
documents, interpretations written apart from their documents, and repeals. The same documents
are also written as minimal Hugo, MkDocs and Pelican projects (one page per document and a list
page), so the generators are compared on the same input.

    python bench/make_column.py 10000 /tmp/bench-10k
"""

from __future__ import annotations

import argparse
import datetime as dt
import gzip
import json
import os
import random
import re
import shutil
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT.parent / "shared" / "corpus" / "docs.jsonl.gz"
ORG = "11341524MB1234567X"
if str(ROOT) not in sys.path:  # gongkai's own measures, when run from a checkout without installing
    sys.path.insert(0, str(ROOT))

# Share of each kind in a county bureau's column (from the example column and seeds 000/002).
# Every normative and policy document is followed by its interpretation (应解读尽解读), so
# interpretations make up about a fifth of the column as well.
KINDS = [("article", 0.60), ("normative", 0.12), ("policy", 0.12), ("consultation", 0.03), ("plan", 0.02)]
TOPICS = ["综合政务", "劳动、人事、监察", "财政、金融、审计", "社会保障", "就业创业", "人才人事", "工资福利", "劳动关系"]
FOLDER = {"article": "news", "normative": "normative", "interpretation": "interpretation", "policy": "policy",
          "consultation": "consultation", "plan": "plan", "guide": "guide", "annual_report": "annual-report"}

SITE_YML = f"""\
name: 基准测试县人力资源和社会保障局
base_url: https://bench.example.gov.cn/
org_code: "{ORG}"
footer: {{sponsor: 基准测试县人力资源和社会保障局, site_code: "0000000000", icp: 皖ICP备00000000号, police: 皖公网安备 00000000000000号, address: 基准县人民路1号, phone: 0564-1234567}}
topics: [{", ".join(TOPICS)}]
columns:
  - {{id: guide, title: 政府信息公开指南, folder: guide, kind: guide}}
  - id: active
    title: 法定主动公开内容
    children:
      - {{id: normative, title: 行政规范性文件, folder: normative, kind: normative}}
      - {{id: policy, title: 其他政策文件, folder: policy, kind: policy}}
      - {{id: interpretation, title: 政策解读, folder: interpretation, kind: interpretation}}
      - {{id: plan, title: 规划信息, folder: plan, kind: plan}}
      - {{id: consultation, title: 意见征集, folder: consultation, kind: consultation}}
      - {{id: news, title: 工作动态, folder: news, kind: article}}
  - {{id: annual-report, title: 政府信息公开年报, folder: annual-report, kind: annual_report}}
annual_reports_since: 2016
rules: {{}}
calendar: {{holidays: [], workdays: []}}
"""


_LINK = re.compile(r"!?\[([^\]]*)\]\([^)]*\)")


def corpus_bodies() -> list[tuple[str, str]]:
    """(title, body) of the corpus documents, bodies cut to 3–8 KB like a county's documents."""
    result = []
    with gzip.open(CORPUS, "rt", encoding="utf-8") as handle:
        for line in handle:
            item = json.loads(line)
            # Links in the crawled texts point into their source sites; keep only their words.
            body = _LINK.sub(r"\1", item["body_markdown"] or "")
            if len(body) < 600:
                continue
            result.append((item["title"], body))
    return result


def _cut(body: str, rng: random.Random) -> str:
    target = rng.randint(1000, 2700)  # characters; 3 bytes each in UTF-8 → 3–8 KB
    if len(body) <= target:
        return body
    end = body.rfind("\n", 0, target)
    return body[: end if end > target // 2 else target]


def _pdf(text: str) -> bytes:
    # A small valid PDF; its size grows with the document like a real export would.
    stream = ("BT /F1 12 Tf 72 720 Td (" + "x" * min(len(text), 4000) + ") Tj ET").encode()
    return (b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
            b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]/Contents 4 0 R>>endobj\n"
            b"4 0 obj<</Length " + str(len(stream)).encode() + b">>stream\n" + stream + b"\nendstream endobj\n"
            b"trailer<</Root 1 0 R>>\n%%EOF\n")


def _docx(text: str) -> bytes:
    import io
    import zipfile
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in (("[Content_Types].xml", '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"/>'),
                           ("word/document.xml", '<?xml version="1.0"?><w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body><w:p><w:r><w:t>'
                            + text.replace("<", "").replace("&", "")[:6000] + "</w:t></w:r></w:p></w:body></w:document>")):
            info = zipfile.ZipInfo(name, date_time=(2020, 1, 1, 0, 0, 0))
            archive.writestr(info, data)
    return buffer.getvalue()


def _copies(text: str, source: str) -> bool:
    """Whether an interpretation with this body would share a third of its text with its source
    (gongkai's interpretation-copies-source measure; the rule's limit is 60 %)."""
    from gen.rules.interpretation import _may_copy, _shingles, containment, plain
    mine, theirs = plain(text), plain(source)
    return _may_copy(mine, theirs, 0.3) and containment(_shingles(mine), _shingles(theirs)) >= 0.3


def _years_later(day: dt.date, years: int) -> dt.date:
    """The same day `years` later (29 February becomes 28 February)."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)


def make(n: int, out: Path, seed: int = 1, aside: list[Path] | None = None) -> dict:
    """Write `out/gongkai`, `out/hugo`, `out/mkdocs` and `out/pelican` holding the same n documents.

    A column already at `out` is deleted first; with `aside` (bench/run) it is only renamed and
    added to that list, for the caller to delete once its timings are done (see bench/run: files
    made right after a large deletion are slow to make on this machine's file system).
    """
    rng = random.Random(seed)
    bodies = corpus_bodies()
    if out.exists():
        if aside is None:
            shutil.rmtree(out)
        else:
            old = out.with_name(f"{out.name}.old-{os.getpid()}-{len(aside)}")
            out.rename(old)
            aside.append(old)
    content = out / "gongkai" / "content"
    content.mkdir(parents=True)
    (content / "site.yml").write_text(SITE_YML, encoding="utf-8")
    start = dt.date(2016, 1, 4)
    today = dt.date(2026, 11, 23)
    span = (today - dt.timedelta(days=40) - start).days
    counters: dict[int, int] = {}  # 索引号 sequence per published year
    doc_numbers: dict[tuple[str, int], int] = {}  # 文号 sequence per agency code and year
    docs = []  # (kind, id, title, date, body) for the peers
    normatives: list[tuple[str, dt.date]] = []
    needs_interpretation: list[tuple[str, dt.date, str, str]] = []  # (id, published, drafter, body)
    weights = [w for _, w in KINDS]
    names = [k for k, _ in KINDS]
    plain = n - (today.year - 2016)  # annual reports take one document per year
    for i in range(plain):
        kind = rng.choices(names, weights)[0] if i else "guide"
        if i == plain - 1 and kind in ("normative", "policy"):
            kind = "article"  # the last one: there is no next document to interpret it
        if needs_interpretation:
            kind = "interpretation"
            target_ref, target_date, target_drafter, target_body = needs_interpretation.pop()
        title, body = bodies[rng.randrange(len(bodies))]
        body = _cut(body, rng)
        while kind == "interpretation" and _copies(body, target_body):
            # The corpus holds near-copies (a regulation and its reissue): an interpretation is written
            # in its own words, as the rules require, so it never takes the text of what it interprets.
            body = _cut(bodies[rng.randrange(len(bodies))][1], rng)
        published = start + dt.timedelta(days=rng.randrange(span))
        if kind == "interpretation":
            published = target_date
        year = published.year
        counters[year] = counters.get(year, 0) + 1
        index_no = f"{ORG}/{year}-{counters[year]:05d}"
        slug = f"d{i:06d}"
        folder = f"{FOLDER[kind]}/{year}"
        summary = body[:60].replace("\n", " ").replace('"', "")
        fields = [f'title: "{title[:60]}"', f'index_no: "{index_no}"', f"published: {published}",
                  f"topic: {rng.choice(TOPICS)}", f'summary: "{summary}"']
        bundle = kind in ("normative", "policy")
        drafter = rng.choice(["办公室", "就业促进股", "社会保险股", "劳动关系股"])
        if kind in ("normative", "policy"):
            written = published - dt.timedelta(days=rng.randint(0, 3))
            agency = "基人社规" if kind == "normative" else "基人社发"
            doc_numbers[(agency, written.year)] = doc_numbers.get((agency, written.year), 0) + 1
            fields += [f"doc_no: {agency}〔{written.year}〕{doc_numbers[(agency, written.year)]}号", f"written: {written}",
                       f"drafter: {drafter}", "contact: 0564-1234567"]
            if kind == "normative":
                fields += [f"valid_from: {published}", f"valid_until: {_years_later(published, 5) - dt.timedelta(days=1)}"]
                # A document repeals one published before it (the other way round is relation-impossible).
                earlier = [k for k, (_, day) in enumerate(normatives) if day < published]
                if earlier and rng.random() < 0.08:
                    fields.append(f"repeals: [{normatives.pop(earlier[rng.randrange(len(earlier))])[0]}]")
                normatives.append((f"{folder}/{slug}", published))
            needs_interpretation.append((f"{folder}/{slug}", published, drafter, body))
        elif kind == "interpretation":
            fields += [f"interprets: {target_ref}", f"drafter: {target_drafter}",
                       f"forms: [{rng.choice(['文字', '简明问答', '文字, 简明问答'])}]"]
            body = "本文对相关政策作如下解读。\n\n" + body
        elif kind == "guide":
            fields.append(f"revised: {today - dt.timedelta(days=30)}")
            fields.append("pinned: true")
        elif kind == "plan":
            fields += [f"period: {year}-{year + 4}", "plan_status: 编制中"]
        elif kind == "consultation":
            fields += [f"opens: {published}", f"closes: {published + dt.timedelta(days=30)}",
                       "explanation: 起草说明见正文。", "basis: 政策依据见正文。", "feedback: 征集期间未收到意见。"]
        text = "---\n" + "\n".join(fields) + "\n---\n" + body + "\n"
        if bundle:
            path = content / folder / slug / "index.md"
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8")
            (path.parent / f"{slug}.pdf").write_bytes(_pdf(body))
            (path.parent / f"{slug}.docx").write_bytes(_docx(body))
        else:
            path = content / folder / f"{slug}.md"
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8")
        docs.append((kind, f"{folder}/{slug}", title[:60], published, body))
    for year in range(2016, today.year):
        published = dt.date(year + 1, 1, 20)
        counters[year + 1] = counters.get(year + 1, 0) + 1
        title = f"基准测试县人力资源和社会保障局{year}年政府信息公开工作年度报告"
        body = _cut(bodies[rng.randrange(len(bodies))][1], rng)
        path = content / "annual-report" / f"report-{year}.md"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(f"---\ntitle: {title}\nyear: {year}\nindex_no: \"{ORG}/{year + 1}-{counters[year + 1]:05d}\"\n"
                        f"published: {published}\ntopic: 综合政务\n---\n{body}\n", encoding="utf-8")
        docs.append(("annual_report", f"annual-report/report-{year}", title, published, body))
    _peers(out, docs)
    return {"documents": len(docs)}


def _peers(out: Path, docs) -> None:
    """The same documents as minimal Hugo, MkDocs and Pelican projects."""
    hugo = out / "hugo"
    (hugo / "layouts" / "_default").mkdir(parents=True)
    (hugo / "hugo.toml").write_text('baseURL = "https://bench.example.gov.cn/"\nlanguageCode = "zh-cn"\ntitle = "基准"\n'
                                    'disableKinds = ["taxonomy", "term", "RSS", "sitemap"]\n', encoding="utf-8")
    (hugo / "layouts" / "_default" / "single.html").write_text(
        '<!DOCTYPE html><html lang="zh-CN"><head><meta charset="utf-8"><title>{{ .Title }}</title></head>'
        '<body><h1>{{ .Title }}</h1><p>{{ .Date.Format "2006-01-02" }}</p>{{ .Content }}</body></html>\n', encoding="utf-8")
    (hugo / "layouts" / "_default" / "list.html").write_text(
        '<!DOCTYPE html><html lang="zh-CN"><head><meta charset="utf-8"><title>{{ .Title }}</title></head><body><ul>'
        '{{ range .Pages }}<li><a href="{{ .RelPermalink }}">{{ .Title }}</a> {{ .Date.Format "2006-01-02" }}</li>{{ end }}'
        '</ul></body></html>\n', encoding="utf-8")
    (hugo / "layouts" / "index.html").write_text(
        '<!DOCTYPE html><html lang="zh-CN"><head><meta charset="utf-8"><title>{{ .Title }}</title></head><body><ul>'
        '{{ range .Site.RegularPages }}<li><a href="{{ .RelPermalink }}">{{ .Title }}</a></li>{{ end }}</ul></body></html>\n',
        encoding="utf-8")
    mk = out / "mkdocs"
    (mk / "docs").mkdir(parents=True)
    pel = out / "pelican"
    (pel / "content").mkdir(parents=True)
    index_lines = []
    for kind, doc_id, title, published, body in docs:
        slug = doc_id.replace("/", "-")
        safe = title.replace('"', "")
        page = hugo / "content" / "docs" / f"{slug}.md"
        page.parent.mkdir(parents=True, exist_ok=True)
        page.write_text(f'---\ntitle: "{safe}"\ndate: {published}\n---\n{body}\n', encoding="utf-8")
        (mk / "docs" / f"{slug}.md").write_text(f"# {safe}\n\n{published}\n\n{body}\n", encoding="utf-8")
        (pel / "content" / f"{slug}.md").write_text(f"Title: {safe}\nDate: {published}\nSlug: {slug}\n\n{body}\n", encoding="utf-8")
        index_lines.append(f"- [{safe}]({slug}.md) {published}")
    (mk / "docs" / "index.md").write_text("# 文件列表\n\n" + "\n".join(index_lines) + "\n", encoding="utf-8")
    # A flattened nav (only the list page): MkDocs' automatic nav puts all pages into every page.
    (mk / "mkdocs.yml").write_text("site_name: 基准\nnav:\n  - 文件列表: index.md\ntheme: {name: mkdocs}\n"
                                   "validation: {omitted_files: ignore, absolute_links: ignore, unrecognized_links: ignore}\n",
                                   encoding="utf-8")
    (pel / "pelicanconf.py").write_text(
        "SITENAME = '基准'\nSITEURL = ''\nPATH = 'content'\nTIMEZONE = 'Asia/Shanghai'\nDEFAULT_LANG = 'zh'\n"
        "FEED_ALL_ATOM = None\nCATEGORY_FEED_ATOM = None\nTRANSLATION_FEED_ATOM = None\nAUTHOR_FEED_ATOM = None\n"
        "AUTHOR_FEED_RSS = None\nDEFAULT_PAGINATION = False\nRELATIVE_URLS = True\n", encoding="utf-8")


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("documents", type=int)
    parser.add_argument("out", type=Path)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args(argv)
    info = make(args.documents, args.out, args.seed)
    print(f"{info['documents']} documents → {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
