"""`gongkai new KIND`: write a new document with every field its kind needs, ready to fill in.

The 索引号 is the next free one of this year (`机构代码/年份-序号`), dates are today, a normative
document gets the next 文号 after the column's latest one, and an interpretation names the document
it interprets and takes over its 起草科室 (谁起草、谁解读). Existing files are never overwritten.
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import yaml

from gen.content.config import load_config
from gen.content.sources import read
from gen.model.document import KINDS

_INDEX_NO = re.compile(r"^index_no:\s*[\"']?([^\"'\s/]+)/(\d{4})-(\d+)", re.MULTILINE)
_DOC_NO = re.compile(r"^doc_no:\s*[\"']?(\S+?)〔(\d{4})〕(\d+)号", re.MULTILINE)
_FIELD = re.compile(r"^(\w+):\s*(.*?)\s*$", re.MULTILINE)

BUNDLED = {"normative", "policy", "consultation"}
"""Kinds that come with files (Word/PDF, 起草说明): a folder with index.md."""

_BODIES = {
    "normative": "各乡镇人民政府，县直有关单位：\n\n（正文）\n",
    "policy": "（正文）\n",
    "interpretation": "## 一、出台背景\n\n（为什么出台，用群众看得懂的话说明。）\n\n## 二、主要内容\n\n（逐条说明关键条款，不要照搬原文。）\n\n"
                      "## 三、适用对象和办理方式\n\n（谁可以享受、怎么办、到哪里办。）\n",
    "guide": "## 一、公开的主体和范围\n\n## 二、主动公开\n\n## 三、依申请公开\n\n## 四、监督和救济\n",
    "annual_report": "## 一、总体情况\n\n## 二、主动公开政府信息情况\n\n## 三、收到和处理政府信息公开申请情况\n\n"
                     "## 四、政府信息公开行政复议、行政诉讼情况\n\n## 五、存在的主要问题及改进情况\n\n## 六、其他需要报告的事项\n",
    "consultation": "为广泛听取社会公众意见，现将草案全文公开征求意见。\n\n（意见提交方式：电子邮箱、信函地址、截止日期。）\n",
    "plan": "（规划正文或编制进展。）\n",
    "article": "（正文）\n",
}


DRAFTER_PLACEHOLDER = "（起草科室）"
BASIS_PLACEHOLDER = "（政策依据，如《中华人民共和国就业促进法》）"


def title_placeholder(kind: str) -> str:
    return f"（请填写{KINDS[kind]}标题）"


PLACEHOLDERS: tuple[str, ...] = tuple(sorted(
    {part for body in _BODIES.values() for part in re.findall(r"（[^（）\n]+）", body)}
    | {DRAFTER_PLACEHOLDER, BASIS_PLACEHOLDER} | {title_placeholder(kind) for kind in KINDS}))
"""Every text `gongkai new` writes for the editor to replace (rule `placeholder`)."""


class _Dumper(yaml.SafeDumper):
    """No anchors and aliases (the same date written twice must stay two plain dates)."""

    def ignore_aliases(self, data) -> bool:
        return True


class ScaffoldError(Exception):
    """The document cannot be made as asked (message in Chinese)."""


def scaffold(content: Path, kind: str, today: dt.date, title: str | None = None, column: str | None = None,
             interprets: str | None = None, name: str | None = None) -> tuple[Path, list[str]]:
    """Write the new document; return its path and what the editor still has to do."""
    findings: list = []
    source = read(content, "site.yml", content / "site.yml", 5 * 1024 * 1024, lambda _: False, findings)
    config, _ = load_config(source)
    if config is None:
        raise ScaffoldError("content/site.yml 无法读取或有错误，请先运行 gongkai check 修正。")
    target_column = _column(config, kind, column)
    texts = {path: path.read_text(encoding="utf-8", errors="replace") for path in sorted(content.rglob("*.md"))}
    notes: list[str] = []
    year = today.year
    fields: dict[str, object] = {"title": title or title_placeholder(kind)}
    fields["index_no"] = f"{config.org_code}/{year}-{_next_serial(texts.values(), config.org_code, year):05d}"
    fields["published"] = today
    if kind in ("normative", "policy", "plan", "article", "guide"):
        fields["topic"] = config.topics[0] if config.topics else "综合政务"
        notes.append(f"主题分类已填“{fields['topic']}”，请从 site.yml 的 topics 中选择合适的一项。")
    if kind == "normative":
        fields["doc_no"] = _next_doc_no(texts.values(), year)
        fields["written"] = today
        fields["valid_from"] = today
        fields["valid_until"] = today.replace(year=today.year + 5) - dt.timedelta(days=1) \
            if not (today.month == 2 and today.day == 29) else dt.date(today.year + 5, 2, 28)
        fields["drafter"] = DRAFTER_PLACEHOLDER
        fields["contact"] = ""
        notes.append(f"文号已按本年最后一个文号顺延为“{fields['doc_no']}”，请核对。")
        notes.append("请把 Word 和 PDF 正式文本放进同一目录（规范性文件必须提供下载）。")
    elif kind == "policy":
        fields["written"] = today
    elif kind == "interpretation":
        if not interprets:
            raise ScaffoldError("新建解读须用 --interprets 指明所解读文件的 id（如 normative/2026/rs-2026-2）或文号。")
        target = _find(content, texts, interprets)
        if target is None:
            raise ScaffoldError(f"找不到要解读的文件“{interprets}”。请写文件的 id（content/ 下去掉 .md 或 /index.md 的路径）或文号。")
        target_id, target_fields = target
        fields["interprets"] = target_id
        fields["forms"] = ["文字"]
        if target_fields.get("drafter"):
            fields["drafter"] = target_fields["drafter"]
        if not title and target_fields.get("title"):
            fields["title"] = f"《{target_fields['title']}》政策解读"
        notes.append("“谁起草、谁解读”：起草科室已与原文件一致；图解、视频等其他解读形式请同时填写到 forms。")
    elif kind == "guide":
        fields["revised"] = today
    elif kind == "annual_report":
        fields["year"] = year - 1
        if not title:
            fields["title"] = f"{config.name}{year - 1}年政府信息公开工作年度报告"
        notes.append("请按国家统一格式填写 active、applications、review 三张表（格式见示例专栏 content/annual-report/ 中的年报）。")
    elif kind == "consultation":
        fields["opens"] = today
        fields["closes"] = today + dt.timedelta(days=30)
        fields["explanation"] = "起草说明.docx"
        fields["basis"] = BASIS_PLACEHOLDER
        notes.append("征集期不少于 30 日；请把起草说明（起草说明.docx）放进同一目录。")
    elif kind == "plan":
        fields["period"] = f"{year}—{year + 4}年"
        fields["plan_status"] = "编制中"
    fields["keywords"] = []
    fields["summary"] = ""
    if kind != target_column.kind:
        fields["kind"] = kind
    stem = name or f"{kind.replace('_', '-')}-{today.strftime('%Y%m%d')}"
    if not re.fullmatch(r"[A-Za-z0-9_\-]+", stem):
        raise ScaffoldError(f"文件名“{stem}”只能包含英文字母、数字、- 和 _（它会成为网址的一部分）。")
    folder = content / target_column.folder
    if kind not in ("guide", "annual_report"):  # few of them: no folder per year
        folder = folder / str(year)
    path = _free(folder, stem, kind in BUNDLED)
    path.parent.mkdir(parents=True, exist_ok=True)
    front = yaml.dump(fields, Dumper=_Dumper, allow_unicode=True, sort_keys=False, default_flow_style=None, width=1000)
    path.write_text(f"---\n{front}---\n{_BODIES[kind]}", encoding="utf-8")
    notes.append("写完后运行 gongkai check（或 make serve 实时预览）检查。")
    return path, notes


def _column(config, kind: str, wanted: str | None):
    if wanted:
        column = config.column_by_id(wanted)
        if column is None or not column.folder:
            ids = "、".join(c.id for c in config.all_columns if c.folder)
            raise ScaffoldError(f"没有 id 为“{wanted}”的栏目。可用的栏目：{ids}。")
        return column
    for column in config.all_columns:
        if column.kind == kind and column.folder:
            return column
    raise ScaffoldError(f"site.yml 中没有类别为 {kind} 的栏目，请用 --column 指定放在哪个栏目。")


def _next_serial(texts, org_code: str, year: int) -> int:
    serials = [int(m[3]) for text in texts for m in _INDEX_NO.finditer(text[:4000])
               if m[1] == org_code and int(m[2]) == year]
    return max(serials, default=0) + 1


def _next_doc_no(texts, year: int) -> str:
    found = [(int(m[2]), int(m[3]), m[1]) for text in texts for m in _DOC_NO.finditer(text[:4000])]
    this_year = [f for f in found if f[0] == year]
    if this_year:
        _, number, prefix = max(this_year)
        return f"{prefix}〔{year}〕{number + 1}号"
    prefix = max(found)[2] if found else "（机关代字）"
    return f"{prefix}〔{year}〕1号"


def _find(content: Path, texts: dict[Path, str], ref: str) -> tuple[str, dict] | None:
    ref = ref.strip().strip("/")
    for suffix in ("/index.md", ".md"):
        if ref.endswith(suffix):
            ref = ref[: -len(suffix)]
    wanted_no = re.sub(r"[\s\[\]［］【】()（）﹝﹞〔〕]", "", ref)
    for path, text in texts.items():
        rel = path.relative_to(content).as_posix()
        doc_id = rel[: -len("/index.md")] if rel.endswith("/index.md") else rel[: -len(".md")]
        front = text.split("\n---", 1)[0][:4000]
        values = {m[1]: m[2].strip("\"'") for m in _FIELD.finditer(front)}
        doc_no = re.sub(r"[\s\[\]［］【】()（）﹝﹞〔〕]", "", values.get("doc_no", ""))
        if doc_id == ref or (doc_no and doc_no == wanted_no):
            return doc_id, values
    return None


def _free(folder: Path, stem: str, bundle: bool) -> Path:
    for n in range(1, 1000):
        candidate = stem if n == 1 else f"{stem}-{n}"
        path = folder / candidate / "index.md" if bundle else folder / f"{candidate}.md"
        if not path.exists() and not (folder / candidate).exists() and not (folder / f"{candidate}.md").exists():
            return path
    raise ScaffoldError(f"{folder} 下同名文件太多，请用 --name 指定文件名。")
