"""Read `content/site.yml`: site identity, the column tree, vocabularies and rule settings."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from typing import Any

from gen.content.frontmatter import parse_yaml
from gen.content.sources import SourceFile
from gen.findings import ERROR, Finding
from gen.vocab import KINDS, UPDATE_EVERY

# Output paths the generator writes itself; a column folder may not take them.
RESERVED_PATHS = {"catalogue", "search", "sitemap", "subscribe", "static", "pagefind", "page"}


_SEGMENT = re.compile(r"[^\x00-\x1f\x7f\\:*?\"<>|#%]+")


_BASE_URL = re.compile(r"https?://[A-Za-z0-9.\-\[\]:]+(?:/[^\s<>\"'`\\]*)?", re.I)


def valid_base_url(value: str) -> bool:
    """Whether a base URL is an http(s) address with a host (or "/", none given), nothing else."""
    return value == "/" or (_BASE_URL.fullmatch(value) is not None and not any(ord(c) < 32 for c in value))


def content_date(content) -> dt.date | None:
    """`as_of` of a content folder's site.yml, read without loading anything else (None when absent or unreadable)."""
    import yaml
    try:
        data = yaml.safe_load((content / "site.yml").read_text(encoding="utf-8"))
        value = data.get("as_of") if isinstance(data, dict) else None
        return value if isinstance(value, dt.date) else dt.date.fromisoformat(str(value)) if value else None
    except (OSError, ValueError, yaml.YAMLError):
        return None


def safe_path(value: str) -> bool:
    """Whether a column's id or folder is a relative path that stays inside the output folder:
    `/`-separated names, none empty, `.`-led or `..`, no backslash, drive colon or control character."""
    if not value or value.startswith("/") or len(value) > 200:
        return False
    return all(part and not part.startswith(".") and part == part.strip() and _SEGMENT.fullmatch(part)
               for part in value.split("/"))


@dataclass
class Column:
    """One column (栏目) of the tree in site.yml."""

    id: str
    title: str
    folder: str | None
    """Folder under content/ whose documents belong to this column; None for a grouping column."""
    kind: str | None
    """Default kind of its documents."""
    update_every: str | None = None
    children: list["Column"] = field(default_factory=list)
    parent: "Column | None" = None
    line: int = 0
    order: int = 0
    """Position in a depth-first walk of the tree (display order)."""

    @property
    def path(self) -> str:
        """Output folder of the column page."""
        return self.folder or self.id

    def ancestors(self) -> list["Column"]:
        chain = []
        node = self.parent
        while node is not None:
            chain.append(node)
            node = node.parent
        return list(reversed(chain))


@dataclass
class Footer:
    """Footer identity required by the national website checklist (网站标识码, 备案号…)."""

    sponsor: str = ""
    site_code: str = ""
    icp: str = ""
    police: str = ""
    address: str = ""
    phone: str = ""


@dataclass
class SiteConfig:
    """Everything in site.yml, typed (站点配置)."""

    name: str
    base_url: str
    org_code: str
    footer: Footer
    topics: list[str]
    columns: list[Column]
    """The top level of the column tree."""
    all_columns: list[Column]
    """Every column, depth-first, in display order."""
    annual_reports_since: int | None
    rules: dict[str, Any]
    holidays: set[dt.date]
    workdays: set[dt.date]
    display: str
    lines: dict[str, int]
    digest: str = ""
    """Digest of site.yml's bytes (part of every incremental page key)."""
    index_no_year: str = "published"
    """Which date's year an 索引号 carries: `published` (default) or `written` (gov.cn practice varies)."""
    as_of: dt.date | None = None
    """The content is a snapshot of this day (the example column): commands compute with it instead of
    today unless told `--today`, and `gongkai new` stamps it."""
    history_before: dt.date | None = None
    """Documents written before this day were imported from an older system: listed and searched,
    not held to the timeliness and interpretation rules."""

    def column_by_id(self, column_id: str) -> Column | None:
        return next((c for c in self.all_columns if c.id == column_id), None)

    def line(self, key: str) -> int:
        return self.lines.get(key, 1)


def load_config(source: SourceFile | None) -> tuple[SiteConfig | None, list[Finding]]:
    """Parse and validate site.yml; return None with findings when the site cannot be built."""
    if source is None:
        return None, [Finding("content/site.yml", 0, "field-missing", ERROR,
                              "缺少站点配置文件 content/site.yml。请从示例栏目复制一份并修改单位名称和栏目。")]
    if source.text is None:
        return None, []  # the decode finding is already reported
    parsed = parse_yaml(source.text, source.display)
    findings = list(parsed.findings)
    if parsed.data is None:
        return None, findings
    data = parsed.data
    lines = parsed.lines
    display = source.display

    def problem(key: str, message: str, rule: str = "front-matter-invalid") -> None:
        findings.append(Finding(display, lines.get(key, 1), rule, ERROR, message))

    def text(key: str, required: bool = True) -> str:
        value = parsed.text(key, data.get(key))
        if value is None:
            if required:
                problem(key, f"site.yml 缺少 {key}。", "field-missing")
            return ""
        if not isinstance(value, (str, int, float)):
            problem(key, f"site.yml 的 {key} 应为文字。")
            return ""
        return str(value)

    known = {"name", "base_url", "org_code", "footer", "topics", "columns", "annual_reports_since", "rules", "calendar",
             "index_no_year", "history_before", "as_of"}
    for key in data:
        if key not in known:
            problem(str(key), f"site.yml 中有未知的键“{key}”。可用的键：{'、'.join(sorted(known))}。")

    name = text("name")
    base_url = text("base_url", required=False) or "/"
    if not base_url.endswith("/"):
        base_url += "/"
    if not valid_base_url(base_url):
        problem("base_url", f"base_url“{base_url}”不是网站地址：应以 https:// 或 http:// 开头，后接域名，"
                            "例如 https://rsj.example.gov.cn/。", "unsafe-content")
        base_url = "/"
    org_code = text("org_code")

    footer_data = data.get("footer") or {}
    if not isinstance(footer_data, dict):
        problem("footer", "footer 应为映射（sponsor、site_code、icp、police、address、phone）。")
        footer_data = {}
    footer_keys = set(Footer.__dataclass_fields__)
    for key in footer_data:
        if key not in footer_keys:
            problem(f"footer.{key}", f"footer 中有未知的键“{key}”。可用的键：{'、'.join(sorted(footer_keys))}。")
    footer = Footer(**{k: str(parsed.text(f"footer.{k}", v)) for k, v in footer_data.items()
                       if k in footer_keys and v is not None})

    topics = data.get("topics") or []
    if not isinstance(topics, list) or not all(isinstance(t, str) for t in topics):
        problem("topics", "topics 应为主题分类名称的列表。")
        topics = []

    columns: list[Column] = []
    all_columns: list[Column] = []
    raw_columns = data.get("columns")
    if not isinstance(raw_columns, list) or not raw_columns:
        problem("columns", "site.yml 缺少栏目树 columns（至少一个栏目）。", "field-missing")
    else:
        columns = _columns(raw_columns, "columns", None, lines, display, findings, all_columns)
    for i, column in enumerate(all_columns):
        column.order = i
    seen_ids: dict[str, Column] = {}
    seen_folders: dict[str, Column] = {}
    for column in all_columns:
        if column.id in seen_ids:
            findings.append(Finding(display, column.line, "duplicate", ERROR, f"栏目 id“{column.id}”重复。每个栏目的 id 必须唯一。"))
        seen_ids[column.id] = column
        if column.folder:
            if column.folder in seen_folders:
                findings.append(Finding(display, column.line, "duplicate", ERROR,
                                        f"栏目目录“{column.folder}”已被栏目“{seen_folders[column.folder].title}”使用。"))
            seen_folders[column.folder] = column
        if column.path.split("/")[0] in RESERVED_PATHS:
            findings.append(Finding(display, column.line, "front-matter-invalid", ERROR,
                                    f"栏目目录“{column.path}”与系统生成的页面冲突（保留名：{'、'.join(sorted(RESERVED_PATHS))}）。请换一个目录名。"))

    since = data.get("annual_reports_since")
    if since is not None and not (isinstance(since, int) and 1990 < since < 2100):
        problem("annual_reports_since", "annual_reports_since 应为年份，例如 2019。")
        since = None

    rules = data.get("rules") or {}
    if not isinstance(rules, dict):
        problem("rules", "rules 应为“规则编号: 设置”的映射。")
        rules = {}

    holidays: set[dt.date] = set()
    workdays: set[dt.date] = set()
    calendar = data.get("calendar") or {}
    if not isinstance(calendar, dict):
        problem("calendar", "calendar 应为映射，含 holidays 和 workdays 两个日期列表。")
        calendar = {}
    for key, target in (("holidays", holidays), ("workdays", workdays)):
        days = calendar.get(key) or []
        if not isinstance(days, list):
            problem(f"calendar.{key}", f"calendar.{key} 应为日期列表，例如 [2027-01-01, 2027-01-02]。")
            days = []
        for i, value in enumerate(days):
            try:
                target.add(dt.date.fromisoformat(str(value)))
            except ValueError:
                problem(f"calendar.{key}.{i}", f"calendar.{key} 中的“{value}”不是有效日期，应写成 YYYY-MM-DD。", "date-invalid")

    index_no_year = data.get("index_no_year") or "published"
    if index_no_year not in ("published", "written"):
        problem("index_no_year", f"index_no_year“{index_no_year}”无效：写 published（索引号年份为发布年份，默认）"
                                 "或 written（成文年份）。")
        index_no_year = "published"
    def date_setting(key: str) -> dt.date | None:
        value = data.get(key)
        if value is None:
            return None
        try:
            return dt.date.fromisoformat(str(value))
        except ValueError:
            problem(key, f"{key}“{value}”不是有效日期，应写成 YYYY-MM-DD。", "date-invalid")
            return None
    history_before = date_setting("history_before")
    as_of = date_setting("as_of")

    config = SiteConfig(name=name, base_url=base_url, org_code=org_code, footer=footer, topics=list(topics),
                        columns=columns, all_columns=all_columns, annual_reports_since=since, rules=rules,
                        holidays=holidays, workdays=workdays, display=display, lines=lines,
                        digest=source.digest, index_no_year=index_no_year, history_before=history_before,
                        as_of=as_of)
    if any(f.severity == ERROR for f in findings):
        return (config if columns else None), findings
    return config, findings


def _columns(raw: list, key: str, parent: Column | None, lines: dict[str, int], display: str,
             findings: list[Finding], flat: list[Column]) -> list[Column]:
    result = []
    for i, item in enumerate(raw):
        here = f"{key}.{i}"
        line = lines.get(here, 1)
        if not isinstance(item, dict) or "id" not in item or "title" not in item:
            findings.append(Finding(display, line, "field-missing", ERROR, "每个栏目至少要有 id 和 title，例如 {id: normative, title: 行政规范性文件, folder: normative}。"))
            continue
        kind = item.get("kind")
        if kind is not None and (not isinstance(kind, str) or kind not in KINDS):
            findings.append(Finding(display, lines.get(f"{here}.kind", line), "front-matter-invalid", ERROR,
                                    f"栏目类别“{kind}”无效。可用的类别：{'、'.join(KINDS)}。"))
            kind = None
        update_every = item.get("update_every")
        if update_every is not None and (not isinstance(update_every, str) or update_every not in UPDATE_EVERY):
            findings.append(Finding(display, lines.get(f"{here}.update_every", line), "front-matter-invalid", ERROR,
                                    f"update_every“{update_every}”无效。可用的值：{'、'.join(UPDATE_EVERY)}。"))
            update_every = None
        folder = item.get("folder")
        folder = str(folder).strip("/") if folder else None
        unsafe = [(name, str(value)) for name, value in (("id", item["id"]), ("folder", folder))
                  if value is not None and not safe_path(str(value))]
        if unsafe:
            name, value = unsafe[0]
            findings.append(Finding(display, lines.get(f"{here}.{name}", line), "unsafe-content", ERROR,
                                    f"栏目的 {name}“{value}”不能用作网址路径：只能用字母、数字、汉字、“-”“_”和“/”分隔的"
                                    "目录名，不能以“/”开头，不能含“..”、“.”开头的名称、反斜杠或控制字符。该栏目已忽略。"))
            continue
        column = Column(id=str(item["id"]), title=str(item["title"]), folder=folder, kind=kind,
                        update_every=update_every, parent=parent, line=line)
        flat.append(column)
        children = item.get("children")
        if children and not isinstance(children, list):
            findings.append(Finding(display, lines.get(f"{here}.children", line), "front-matter-invalid", ERROR,
                                    "children 应为子栏目的列表。"))
        elif children:
            column.children = _columns(children, f"{here}.children", column, lines, display, findings, flat)
        result.append(column)
    return result
