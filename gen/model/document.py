"""Typed documents: RawDocument data → Document (one dataclass per kind, one coercion table)."""

from __future__ import annotations

import datetime as dt
import difflib
import re
from dataclasses import dataclass, field, fields
from typing import Any, Callable

from gen.content.config import Column, SiteConfig
from gen.content.frontmatter import Parsed
from gen.content.markdown import Body
from gen.content.sources import SourceFile
from gen.findings import ERROR, Finding
from gen.vocab import DISCLOSURES, INTERPRETATION_FORMS, KINDS, PLAN_STATUSES, PUBLIC, VALIDITIES


@dataclass
class Attachment:
    """A file in a document's bundle (附件): a download, an image or a media file."""

    name: str
    source: SourceFile
    size: int
    format: str
    """What readers are told: Word, PDF, OFD, 图片, 视频, 音频 or the extension in capitals."""
    is_download: bool
    """Word, PDF and OFD files are download formats of the document itself."""


@dataclass
class Filing:
    """备案: the filing number and date of a normative document."""

    no: str | None = None
    date: dt.date | None = None


@dataclass
class Document:
    """Fields every document has (文档的公共字段)."""

    id: str
    """Path under content/ without `.md` or `/index.md`, e.g. `normative/2023/rs-2023-3`."""
    source: SourceFile
    column: Column
    kind: str
    title: str = ""
    index_no: str | None = None
    issuer: str = ""
    published: dt.date | None = None
    topic: str | None = None
    keywords: list[str] = field(default_factory=list)
    disclosure: str = PUBLIC
    disclosure_reason: str | None = None
    pinned: bool = False
    draft: bool = False
    summary: str | None = None
    body: Body | None = None
    body_line: int = 1
    lines: dict[str, int] = field(default_factory=dict)
    """Front matter key → line, for findings."""
    attachments: list[Attachment] = field(default_factory=list)
    is_bundle: bool = False
    rules: dict = field(default_factory=dict)
    """The document's own rule settings (same form as site.yml's `rules`), e.g. {wording: off} for verbatim text."""

    def line(self, key: str) -> int:
        """Line of a front matter key, else the first line of the file."""
        return self.lines.get(key, 1)

    @property
    def kind_zh(self) -> str:
        return KINDS.get(self.kind, self.kind)

    @property
    def downloads(self) -> list[Attachment]:
        return [a for a in self.attachments if a.is_download]

    @property
    def text(self) -> str:
        return self.body.text if self.body else ""


@dataclass
class Normative(Document):
    """行政规范性文件."""

    doc_no: str | None = None
    written: dt.date | None = None
    valid_from: dt.date | None = None
    valid_until: dt.date | None = None
    no_expiry: bool = False
    """`valid_until: 长期`: no expiry, stated deliberately (national laws and many documents have none)."""
    validity: str | None = None
    """Typed validity; only checked against the derived one, never trusted."""
    amends: list[str] = field(default_factory=list)
    repeals: list[str] = field(default_factory=list)
    drafter: str | None = None
    contact: str | None = None
    filing: Filing | None = None


@dataclass
class Policy(Document):
    """其他政策文件."""

    doc_no: str | None = None
    written: dt.date | None = None
    drafter: str | None = None
    contact: str | None = None
    needs_interpretation: bool = True
    no_interpretation_reason: str | None = None


@dataclass
class Interpretation(Document):
    """政策解读."""

    interprets: str | None = None
    forms: list[str] = field(default_factory=list)
    drafter: str | None = None


@dataclass
class Plan(Document):
    """规划."""

    period: str | None = None
    plan_status: str | None = None
    doc_no: str | None = None
    drafter: str | None = None


@dataclass
class Guide(Document):
    """公开指南 / 办事指南."""

    revised: dt.date | None = None


@dataclass
class AnnualReport(Document):
    """政府信息公开工作年度报告."""

    year: int | None = None
    active: dict | None = None
    applications: dict | None = None
    review: dict | None = None


@dataclass
class Consultation(Document):
    """意见征集."""

    opens: dt.date | None = None
    closes: dt.date | None = None
    explanation: str | None = None
    basis: str | None = None
    feedback: str | None = None


@dataclass
class Article(Document):
    """其他公开信息."""


KIND_CLASSES: dict[str, type[Document]] = {
    "normative": Normative, "policy": Policy, "interpretation": Interpretation, "plan": Plan,
    "guide": Guide, "annual_report": AnnualReport, "consultation": Consultation, "article": Article,
}

# Fields that are the generator's own, never typed by editors.
_INTERNAL = {"id", "source", "column", "body", "body_line", "lines", "attachments", "is_bundle", "no_expiry"}


@dataclass(frozen=True)
class FieldSpec:
    """How one front matter key is read: its Chinese name and its type."""

    zh: str
    type: str
    """text · date · bool · int · texts · ref · refs · choice · choices · mapping · filing"""
    choices: tuple[str, ...] = ()


# The one coercion table: every key an editor may type (content-model.md). Which kinds accept a
# key follows from which dataclass above has the field.
FIELDS: dict[str, FieldSpec] = {
    "title": FieldSpec("标题", "text"),
    "kind": FieldSpec("类别", "choice", tuple(KINDS)),
    "index_no": FieldSpec("索引号", "text"),
    "issuer": FieldSpec("发布机构", "text"),
    "published": FieldSpec("发布日期", "date"),
    "topic": FieldSpec("主题分类", "text"),
    "keywords": FieldSpec("关键词", "texts"),
    "disclosure": FieldSpec("公开属性", "choice", DISCLOSURES),
    "disclosure_reason": FieldSpec("不公开理由", "text"),
    "pinned": FieldSpec("置顶", "bool"),
    "draft": FieldSpec("草稿", "bool"),
    "summary": FieldSpec("摘要", "text"),
    "doc_no": FieldSpec("文号", "text"),
    "written": FieldSpec("成文日期", "date"),
    "valid_from": FieldSpec("施行日期", "date"),
    "valid_until": FieldSpec("有效期至", "date"),
    "validity": FieldSpec("有效性", "choice", VALIDITIES),
    "amends": FieldSpec("修改的文件", "refs"),
    "repeals": FieldSpec("废止的文件", "refs"),
    "drafter": FieldSpec("起草科室", "text"),
    "contact": FieldSpec("咨询电话", "text"),
    "filing": FieldSpec("备案", "filing"),
    "needs_interpretation": FieldSpec("是否需要解读", "bool"),
    "no_interpretation_reason": FieldSpec("不解读理由", "text"),
    "interprets": FieldSpec("解读对象", "ref"),
    "forms": FieldSpec("解读形式", "choices", INTERPRETATION_FORMS),
    "period": FieldSpec("规划期", "text"),
    "plan_status": FieldSpec("编制状态", "choice", PLAN_STATUSES),
    "revised": FieldSpec("修订日期", "date"),
    "year": FieldSpec("年度", "int"),
    "active": FieldSpec("主动公开情况", "mapping"),
    "applications": FieldSpec("申请情况", "mapping"),
    "review": FieldSpec("复议诉讼情况", "mapping"),
    "opens": FieldSpec("征集开始日期", "date"),
    "closes": FieldSpec("征集截止日期", "date"),
    "explanation": FieldSpec("起草说明", "text"),
    "basis": FieldSpec("政策依据", "text"),
    "feedback": FieldSpec("意见反馈", "text"),
    "rules": FieldSpec("规则设置", "mapping"),
}

KIND_FIELDS: dict[str, set[str]] = {
    kind: {f.name for f in fields(cls) if f.name not in _INTERNAL} for kind, cls in KIND_CLASSES.items()
}

# Fields a kind cannot do without (field-missing). `revised` of a guide has its own rule
# (guide-revision), so it is not repeated here.
REQUIRED: dict[str, tuple[str, ...]] = {
    "normative": ("topic", "doc_no", "written"),
    "policy": ("topic",),
    "interpretation": ("interprets",),
    "annual_report": ("year",),
    "consultation": ("opens", "closes"),
}
COMMON_REQUIRED = ("title", "index_no", "published")

_DATE = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$")


def document_id(rel: str) -> str:
    """Return a document's id from its path under content/."""
    if rel.endswith("/index.md"):
        return rel[: -len("/index.md")]
    return rel[: -len(".md")]


def column_for(rel: str, config: SiteConfig) -> Column | None:
    """Return the deepest column whose folder contains the file."""
    best: Column | None = None
    for column in config.all_columns:
        if column.folder and rel.startswith(column.folder + "/"):
            if best is None or len(column.folder) > len(best.folder or ""):
                best = column
    return best


def parse_date(value: Any) -> dt.date | None:
    """Read `YYYY-MM-DD` (YAML dates arrive as text); None if it is not a real date."""
    if isinstance(value, dt.date):
        return value
    match = _DATE.match(str(value).strip())
    if not match:
        return None
    try:
        return dt.date(int(match[1]), int(match[2]), int(match[3]))
    except ValueError:
        return None


def build_document(source: SourceFile, parsed: Parsed, body: Body | None, config: SiteConfig,
                   is_bundle: bool) -> tuple[Document | None, list[Finding]]:
    """Turn parsed front matter into a typed Document; every problem becomes a finding."""
    findings: list[Finding] = []
    display = source.display
    data = parsed.data if parsed.data is not None else {}
    lines = parsed.lines

    def problem(key: str, rule: str, message: str) -> None:
        findings.append(Finding(display, lines.get(key, 1), rule, ERROR, message))

    column = column_for(source.rel, config)
    if column is None:
        folders = "、".join(c.folder for c in config.all_columns if c.folder)
        findings.append(Finding(display, 1, "content-layout", ERROR,
                                f"文件不在任何栏目目录下。请把它移到 site.yml 中某个栏目的目录里（{folders}）。"))
        return None, findings

    kind = data.get("kind") or column.kind
    if not isinstance(kind, str) or kind not in KIND_CLASSES:  # a list or mapping typed as kind is no kind
        if data.get("kind") is not None:
            problem("kind", "front-matter-invalid", f"类别（kind）“{kind}”无效。可用的类别：{_choices(KINDS)}。")
        else:
            problem("kind", "field-missing", f"栏目“{column.title}”没有默认类别，请在头部写明 kind（{_choices(KINDS)}）。")
        kind = "article"
    allowed = KIND_FIELDS[kind]
    values: dict[str, Any] = {}
    for key, raw in data.items():
        key = str(key)
        spec = FIELDS.get(key)
        if spec is None:
            close = difflib.get_close_matches(key, list(FIELDS), n=1, cutoff=0.6)
            hint = f"是否应为“{close[0]}”（{FIELDS[close[0]].zh}）？" if close else "请对照内容规范删除或更正。"
            problem(key, "front-matter-invalid", f"未知字段“{key}”。{hint}")
            continue
        if key not in allowed:
            problem(key, "front-matter-invalid",
                    f"字段“{key}”（{spec.zh}）不适用于{KINDS[kind]}。请删除它，或检查 kind 是否写对。")
            continue
        if raw is None:
            continue
        if spec.type in _TEXTUAL:
            raw = parsed.text(key, raw)
        if key == "valid_until" and isinstance(raw, str) and raw.strip() in NO_EXPIRY:
            values["no_expiry"] = True
            continue
        value = _coerce(key, spec, raw, lines, problem)
        if value is not None:
            values[key] = value

    for key in COMMON_REQUIRED + REQUIRED.get(kind, ()):
        if key not in values and not any(f.line == lines.get(key) and f.file == display for f in findings):
            if key == "index_no" and (values.get("draft") or data.get("disclosure") == "不予公开"):
                continue  # only published documents need an 索引号
            example = _EXAMPLES.get(key, "")
            findings.append(Finding(display, 1, "field-missing", ERROR,
                                    f"{KINDS[kind]}缺少必填字段“{key}”（{FIELDS[key].zh}）。请在头部补上{example}。"))

    values.setdefault("title", document_id(source.rel).rsplit("/", 1)[-1])
    values.setdefault("issuer", config.name)
    values.pop("kind", None)
    doc = KIND_CLASSES[kind](id=document_id(source.rel), source=source, column=column, kind=kind, body=body,
                             body_line=parsed.body_line, lines=lines, is_bundle=is_bundle, **values)
    return doc, findings


_EXAMPLES = {
    "title": "，例如 title: 关于做好2023年就业工作的通知",
    "index_no": "，例如 index_no: \"<机构代码>/2023-00012\"",
    "published": "，例如 published: 2023-05-08",
    "topic": "，取值见 site.yml 的 topics",
    "doc_no": "，例如 doc_no: 示人社发〔2023〕3号",
    "written": "，例如 written: 2023-05-06",
    "interprets": "，写被解读文件的 id 或文号，例如 interprets: 示人社发〔2023〕3号",
    "year": "，例如 year: 2023",
    "opens": "，例如 opens: 2023-06-01",
    "closes": "，例如 closes: 2023-06-30",
}


NO_EXPIRY = ("长期", "长期有效")
"""What `valid_until` may say instead of a date when a document has no expiry."""

_TEXTUAL = {"text", "texts", "ref", "refs"}
"""Field types whose value is the characters typed (a 电话 or 文号 is never a number)."""


def _choices(values) -> str:
    return "、".join(values)


def _coerce(key: str, spec: FieldSpec, raw: Any, lines: dict[str, int],
            problem: Callable[[str, str, str], None]) -> Any:
    """Convert one raw YAML value to its type, or report it and return None."""
    kind = spec.type
    if kind == "text":
        if isinstance(raw, (str, int, float)) and not isinstance(raw, bool):
            value = str(raw).strip()
            return value or None
        problem(key, "front-matter-invalid", f"“{key}”（{spec.zh}）应为一段文字，现在是{_type_zh(raw)}。")
        return None
    if kind == "date":
        value = parse_date(raw)
        if value is None:
            problem(key, "date-invalid", f"“{key}”（{spec.zh}）的值“{raw}”不是有效日期。请写成 YYYY-MM-DD，例如 2023-05-08。")
        return value
    if kind == "bool":
        if isinstance(raw, bool):
            return raw
        problem(key, "front-matter-invalid", f"“{key}”（{spec.zh}）只能写 true 或 false，现在是“{raw}”。")
        return None
    if kind == "int":
        if isinstance(raw, int) and not isinstance(raw, bool):
            return raw
        if isinstance(raw, str) and raw.strip().isdigit():
            return int(raw.strip())
        problem(key, "front-matter-invalid", f"“{key}”（{spec.zh}）应为整数，例如 2023，现在是“{raw}”。")
        return None
    if kind in ("texts", "refs", "choices"):
        items = raw if isinstance(raw, list) else [raw]
        result = []
        for i, item in enumerate(items):
            if not isinstance(item, (str, int, float)) or isinstance(item, bool):
                problem(f"{key}.{i}" if f"{key}.{i}" in lines else key, "front-matter-invalid",
                        f"“{key}”（{spec.zh}）的每一项都应为文字。")
                continue
            text = str(item).strip()
            if kind == "choices" and text not in spec.choices:
                problem(f"{key}.{i}" if f"{key}.{i}" in lines else key, "front-matter-invalid",
                        f"“{text}”不是有效的{spec.zh}。可用的值：{_choices(spec.choices)}。")
                continue
            if text:
                result.append(text)
        return result
    if kind == "ref":
        if isinstance(raw, (str, int)) and not isinstance(raw, bool):
            return str(raw).strip() or None
        problem(key, "front-matter-invalid", f"“{key}”（{spec.zh}）应为一个文件的 id 或文号。")
        return None
    if kind == "choice":
        text = str(raw).strip()
        if text in spec.choices:
            return text
        close = difflib.get_close_matches(text, list(spec.choices), n=1, cutoff=0.3)
        hint = f"是否应为“{close[0]}”？" if close else ""
        problem(key, "front-matter-invalid", f"“{text}”不是有效的{spec.zh}。{hint}可用的值：{_choices(spec.choices)}。")
        return None
    if kind == "mapping":
        if isinstance(raw, dict):
            return raw
        problem(key, "front-matter-invalid", f"“{key}”（{spec.zh}）应为映射（“键: 值”的表格数据）。")
        return None
    if kind == "filing":
        if not isinstance(raw, dict):
            problem(key, "front-matter-invalid", "“filing”（备案）应写成 {no: 备案号, date: YYYY-MM-DD}。")
            return None
        unknown = [k for k in raw if k not in ("no", "date")]
        for k in unknown:
            problem(f"filing.{k}", "front-matter-invalid", f"备案（filing）中有未知的键“{k}”，只能有 no 和 date。")
        date = None
        if raw.get("date") is not None:
            date = parse_date(raw["date"])
            if date is None:
                problem("filing.date", "date-invalid", f"备案日期“{raw['date']}”不是有效日期，应写成 YYYY-MM-DD。")
        no = str(raw["no"]).strip() if raw.get("no") is not None else None
        return Filing(no=no, date=date)
    raise AssertionError(f"unknown field type {kind}")  # a programming error, not an editor's


def _type_zh(value: Any) -> str:
    if isinstance(value, bool):
        return "真假值"
    if isinstance(value, list):
        return "列表"
    if isinstance(value, dict):
        return "映射"
    return "其他类型"


@dataclass
class CatalogueColumn:
    key: str
    title: str


@dataclass
class Catalogue:
    """A catalogue page (目录 / 清单 / 电话簿) given as data in `NAME.yml`."""

    id: str
    source: SourceFile
    column: Column
    title: str
    columns: list[CatalogueColumn]
    rows: list[dict[str, Any]]
    revised: dt.date | None
    lines: dict[str, int]
    row_lines: list[int] = field(default_factory=list)
    """Line of each row in `rows`."""

    def line(self, key: str) -> int:
        return self.lines.get(key, 1)


def build_catalogue(source: SourceFile, parsed: Parsed, config: SiteConfig) -> tuple[Catalogue | None, list[Finding]]:
    """Turn a parsed `NAME.yml` into a Catalogue."""
    findings: list[Finding] = []
    display = source.display
    data = parsed.data or {}
    lines = parsed.lines
    column = column_for(source.rel, config)
    if column is None:
        findings.append(Finding(display, 1, "content-layout", ERROR, "目录文件不在任何栏目目录下。请把它移到 site.yml 中某个栏目的目录里。"))
        return None, findings
    for key in data:
        if key not in ("title", "columns", "rows", "revised"):
            close = difflib.get_close_matches(str(key), ["title", "columns", "rows", "revised"], n=1)
            hint = f"是否应为“{close[0]}”？" if close else "目录文件只能有 title、columns、rows、revised。"
            findings.append(Finding(display, lines.get(str(key), 1), "front-matter-invalid", ERROR, f"未知的键“{key}”。{hint}"))
    title = data.get("title")
    if not isinstance(title, str) or not title.strip():
        findings.append(Finding(display, 1, "field-missing", ERROR, "目录缺少标题 title。"))
        title = source.rel
    columns: list[CatalogueColumn] = []
    raw_columns = data.get("columns")
    if not isinstance(raw_columns, list) or not raw_columns:
        findings.append(Finding(display, lines.get("columns", 1), "field-missing", ERROR,
                                "目录缺少列定义 columns，例如 columns: [{key: name, title: 股室}, {key: phone, title: 电话}]。"))
    else:
        for i, item in enumerate(raw_columns):
            if isinstance(item, dict) and "key" in item and "title" in item:
                columns.append(CatalogueColumn(str(item["key"]), str(item["title"])))
            else:
                findings.append(Finding(display, lines.get(f"columns.{i}", 1), "front-matter-invalid", ERROR,
                                        "每一列应写成 {key: 英文键, title: 中文列名}。"))
    rows = data.get("rows")
    if not isinstance(rows, list):
        findings.append(Finding(display, lines.get("rows", 1), "field-missing", ERROR, "目录缺少数据行 rows（列表）。"))
        rows = []
    good_rows = []
    row_lines = []
    for i, row in enumerate(rows):
        if not isinstance(row, dict):
            findings.append(Finding(display, lines.get(f"rows.{i}", 1), "catalogue-row", ERROR, f"第 {i + 1} 行应为“键: 值”的映射。"))
            continue
        good_rows.append({str(k): parsed.text(f"rows.{i}.{k}", v) for k, v in row.items()})
        row_lines.append(lines.get(f"rows.{i}", 1))
    revised = None
    if data.get("revised") is not None:
        revised = parse_date(data["revised"])
        if revised is None:
            findings.append(Finding(display, lines.get("revised", 1), "date-invalid", ERROR,
                                    f"修订日期“{data['revised']}”不是有效日期，应写成 YYYY-MM-DD。"))
    rel = source.rel
    catalogue_id = rel.rsplit(".", 1)[0]
    return Catalogue(id=catalogue_id, source=source, column=column, title=str(title).strip(), columns=columns,
                     rows=good_rows, revised=revised, lines=lines, row_lines=row_lines), findings
