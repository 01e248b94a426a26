"""Guide, annual report, consultation and catalogue rules (rules.md: 指南、年报、意见征集)."""

from __future__ import annotations

import datetime as dt
import re

from gen.findings import ERROR, WARNING
from gen.model.annual import ACTIVE_ROWS, APPLICANTS, REVIEW_COLUMNS, REVIEW_ROWS, read_applications
from gen.model.document import Document
from gen.model.site import ATTACHMENT_FORMATS
from . import Context, documents, rule
from .common import add_months, heading_texts


@rule("guide-revision", ERROR, "公开指南没有标注修订时间（revised）")
def guide_revision(ctx: Context):
    for doc in documents(ctx, "guide"):
        if not doc.draft and doc.revised is None and "revised" not in doc.lines:
            yield ctx.finding("guide-revision", doc, 1,
                              "指南没有标注修订时间。请在头部写 revised: YYYY-MM-DD（最近一次修订的日期），"
                              "页面会显示“修订时间”，便于公众判断内容是否最新。")


@rule("guide-stale", WARNING, "公开指南超过 [12] 个月没有修订（静态指南每年保持更新）", months=12)
def guide_stale(ctx: Context):
    months = int(ctx.setting("guide-stale", "months"))
    for doc in documents(ctx, "guide"):
        if doc.draft or doc.revised is None:
            continue
        due = add_months(doc.revised, months)
        if due < ctx.today:
            yield ctx.finding("guide-stale", doc, "revised",
                              f"指南最近一次修订是 {doc.revised}，已超过 {months} 个月（应在 {due} 前复核）。"
                              "请核对办公地址、电话、网址、申请渠道等是否仍然准确，修改后更新 revised。")


def report_deadline(year: int) -> dt.date:
    """Last day to publish the annual report of a year (条例 §49: 1月31日; before the 2019 条例: 3月31日)."""
    return dt.date(year + 1, 1, 31) if year >= 2019 else dt.date(year + 1, 3, 31)


def _reports(ctx: Context) -> list[Document]:
    return [d for d in documents(ctx, "annual_report") if not d.draft and d.year is not None]


@rule("annual-report-gap", ERROR, "从 annual_reports_since 到去年，某一年没有政府信息公开工作年度报告")
def annual_report_gap(ctx: Context):
    since = ctx.config.annual_reports_since
    if since is None:
        return
    present = {d.year for d in _reports(ctx) if ctx.site.is_public(d)}
    # A report that failed to load is there: its own error says what is wrong, site.yml is not to blame.
    present |= {int(f.fields["year"]) for f in ctx.site.failed if f.fields.get("year", "").isdigit()}
    for year in range(since, ctx.today.year):
        if year in present:
            continue
        due = report_deadline(year)
        if ctx.today > due:
            yield ctx.finding("annual-report-gap", ctx.config, "annual_reports_since",
                              f"缺少 {year} 年政府信息公开工作年度报告（应于 {due} 前发布）。请在年报栏目中新建 "
                              f"year: {year} 的年报；如该年确实无需发布，请把 annual_reports_since 改为首个应发布的年份。")
        else:
            yield ctx.finding("annual-report-gap", ctx.config, "annual_reports_since",
                              f"{year} 年政府信息公开工作年度报告尚未发布，请于 {due} 前发布（条例第四十九条）。",
                              severity=WARNING)


@rule("annual-report-duplicate", ERROR, "同一年度有两份年度报告")
def annual_report_duplicate(ctx: Context):
    by_year: dict[int, list[Document]] = {}
    for doc in _reports(ctx):
        by_year.setdefault(doc.year, []).append(doc)
    for year, docs in by_year.items():
        docs.sort(key=lambda d: d.id)
        for doc in docs[1:]:
            yield ctx.finding("annual-report-duplicate", doc, "year",
                              f"{year} 年已有年度报告 {docs[0].source.display}。每年只发布一份年报；"
                              "请核对 year，或把更正内容合并到原报告中并注明更正情况。")


@rule("annual-report-late", WARNING, "年度报告晚于次年 1 月 31 日发布（条例第四十九条）")
def annual_report_late(ctx: Context):
    for doc in _reports(ctx):
        if doc.published is None:
            continue
        due = report_deadline(doc.year)
        if doc.published > due:
            yield ctx.finding("annual-report-late", doc, "published",
                              f"{doc.year} 年年报发布于 {doc.published}，晚于法定期限 {due}"
                              f"（{'条例第四十九条：每年 1 月 31 日前' if doc.year >= 2019 else '2008 年条例第三十一条：每年 3 月 31 日前'}）。"
                              "如发布日期填错，请更正 published。")


_MATERIALS = (
    ("explanation", "起草说明", ("起草说明", "编制说明", "制定说明")),
    ("basis", "政策依据", ("政策依据", "法律依据", "制定依据", "法规依据")),
)


def _headings(doc: Document) -> list[str]:
    """Texts of Markdown headings and of bold-only paragraphs used as headings."""
    texts = [text for _, text in heading_texts(doc.body)]
    if doc.body is not None:
        texts += [b.text for b in doc.body.blocks if b.bold_only]
    return texts


def _looks_like_file(value: str) -> bool:
    return "." in value and not re.search(r"\s", value) and ("." + value.rsplit(".", 1)[-1].lower()) in ATTACHMENT_FORMATS


@rule("consultation-material", ERROR, "意见征集没有起草说明或政策依据")
def consultation_material(ctx: Context):
    for doc in documents(ctx, "consultation"):
        if doc.draft:
            continue
        headings = _headings(doc)
        links = doc.body.links if doc.body else []
        for field, name, words in _MATERIALS:
            value = getattr(doc, field)
            if value and _looks_like_file(value):
                if ctx.site.resolve_link(doc.source, value).kind != "file":
                    yield ctx.finding("consultation-material", doc, field,
                                      f"{name}文件“{value}”不在文档目录中。请把它放进 {doc.source.rel.rsplit('/', 1)[0]}/，"
                                      "或在这里直接写出说明文字。")
                continue
            if value:
                continue
            if any(any(w in a.name for w in words) for a in doc.attachments):
                continue
            if any(any(w in h for w in words) for h in headings):
                continue
            if any(any(w in link.text for w in words) and ctx.site.resolve_link(doc.source, link.url).kind != "broken"
                   for link in links):
                continue
            yield ctx.finding("consultation-material", doc, 1,
                              f"意见征集缺少{name}。请在头部写 {field}:（{name}的文字或附件文件名），"
                              f"或在正文中加一节“## {name}”，或把文件名含“{name}”的附件放进文档目录。")


@rule("consultation-feedback", WARNING, "意见征集截止 [30] 天后仍没有意见反馈", days=30)
def consultation_feedback(ctx: Context):
    days = int(ctx.setting("consultation-feedback", "days"))
    for doc in documents(ctx, "consultation"):
        if doc.draft or doc.closes is None or not ctx.site.is_public(doc):
            continue
        due = doc.closes + dt.timedelta(days=days)
        if ctx.today <= due:
            continue
        if doc.feedback:
            target = ctx.site.resolve(doc.feedback)
            if target is None:
                continue  # text feedback, or a broken reference (ref-unknown reports that)
            if ctx.site.is_public(target):
                continue
            yield ctx.finding("consultation-feedback", doc, "feedback",
                              f"意见反馈指向的《{target.title}》尚未公开（草稿、未到发布日期或不是主动公开）。"
                              f"征集已于 {doc.closes} 截止，反馈应在 {due} 前公开，请尽快发布该文件。")
            continue
        if any(w in h for h in _headings(doc) for w in ("意见反馈", "采纳情况", "反馈情况")):
            continue
        yield ctx.finding("consultation-feedback", doc, "closes",
                          f"意见征集已于 {doc.closes} 截止，超过 {days} 天（{due}）仍未公开意见反馈。请写 feedback: "
                          "（收到意见的数量、采纳情况及不采纳的理由，或发布反馈情况的文件的 id/文号），"
                          "或在正文中加一节“## 意见反馈情况”。")


@rule("catalogue-row", ERROR, "目录（.yml）的某一行缺少已定义的列，或有未定义的列")
def catalogue_row(ctx: Context):
    for catalogue in ctx.site.catalogues:
        declared = [c.key for c in catalogue.columns]
        if not declared:
            continue  # the missing column list is already reported
        titles = {c.key: c.title for c in catalogue.columns}
        original = {line: key.split(".")[1] for key, line in catalogue.lines.items() if re.fullmatch(r"rows\.\d+", key)}
        for row, line in zip(catalogue.rows, catalogue.row_lines):
            index = original.get(line)
            for key in row:
                if key not in titles:
                    key_line = catalogue.lines.get(f"rows.{index}.{key}", line)
                    yield ctx.finding("catalogue-row", catalogue, key_line,
                                      f"这一行有未定义的列“{key}”。已定义的列：{'、'.join(f'{k}（{t}）' for k, t in titles.items())}。"
                                      "请改正键名，或在 columns 中增加这一列。")
            missing = [k for k in declared if k not in row]
            if missing:
                yield ctx.finding("catalogue-row", catalogue, line,
                                  f"这一行缺少列 {'、'.join(f'{k}（{titles[k]}）' for k in missing)}。"
                                  f"请补上（没有内容可写 {missing[0]}: \"\"）。")


def _key_line(doc: Document, key: str) -> int:
    """Line of a dotted key, else of its nearest ancestor that has one."""
    while key:
        if key in doc.lines:
            return doc.lines[key]
        key = key.rsplit(".", 1)[0] if "." in key else ""
    return 1


def _is_count(value) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and value >= 0


@rule("annual-report-figures", ERROR,
      "年报的行政规范性文件数据与本栏目文件不符，或申请情况表不平衡（新收 + 上年结转 = 办理结果总计 + 结转下年度）")
def annual_report_figures(ctx: Context):
    for doc in _reports(ctx):
        if isinstance(doc.active, dict):
            yield from _active(ctx, doc)
        if isinstance(doc.applications, dict):
            yield from _applications(ctx, doc)
        if isinstance(doc.review, dict):
            yield from _review(ctx, doc)


def _active(ctx: Context, doc: Document):
    columns = dict(ACTIVE_ROWS)
    for name, row in doc.active.items():
        key = f"active.{name}"
        if name not in columns:
            yield ctx.finding("annual-report-figures", doc, _key_line(doc, key),
                              f"主动公开情况中没有“{name}”这一行。可用的行：{'、'.join(columns)}。")
            continue
        if not isinstance(row, dict):
            yield ctx.finding("annual-report-figures", doc, _key_line(doc, key),
                              f"“{name}”应写成映射，例如 {name}: {{{columns[name][0]}: 0}}。")
            continue
        for column, value in row.items():
            ok = _is_count(value) or (name == "行政事业性收费" and isinstance(value, float) and value >= 0)
            if column not in columns[name]:
                yield ctx.finding("annual-report-figures", doc, _key_line(doc, f"{key}.{column}"),
                                  f"“{name}”没有“{column}”这一栏。可用的栏：{'、'.join(columns[name])}。")
            elif not ok:
                yield ctx.finding("annual-report-figures", doc, _key_line(doc, f"{key}.{column}"),
                                  f"“{name} / {column}”应为非负数，现在是“{value}”。")
    typed = doc.active.get("行政规范性文件")
    if isinstance(typed, dict):
        figures = ctx.site.normative_figures(doc.year)
        for column, value in typed.items():
            if column in figures and _is_count(value) and value != figures[column]:
                yield ctx.finding("annual-report-figures", doc, _key_line(doc, f"active.行政规范性文件.{column}"),
                                  f"年报填写的行政规范性文件“{column}”为 {value}，但行政规范性文件栏目的文件按 {doc.year} 年底"
                                  f"计算为 {figures[column]}（数据同源）。请改为 {figures[column]}，或删除这一行由系统根据栏目自动填写；"
                                  "如是栏目缺少文件，请补录。")


def _applications(ctx: Context, doc: Document):
    table = read_applications(doc.applications)
    for problem in table.problems:
        yield ctx.finding("annual-report-figures", doc, _key_line(doc, problem.key), problem.message)
    if table.problems:
        return  # unreadable rows count as zero: a balance check now would only repeat the problem
    total = table.outcome_total()
    wrong = []
    for i, who in enumerate(APPLICANTS):
        left = table.received[i] + table.carried_in[i]
        right = total[i] + table.carried_out[i]
        if left != right:
            wrong.append(f"{who}：本年新收 {table.received[i]} + 上年结转 {table.carried_in[i]} = {left}，"
                         f"办理结果总计 {total[i]} + 结转下年度 {table.carried_out[i]} = {right}")
    if wrong:
        yield ctx.finding("annual-report-figures", doc, _key_line(doc, "applications"),
                          "申请情况表不平衡（本年新收 + 上年结转 应等于 办理结果总计 + 结转下年度）：" + "；".join(wrong)
                          + "。请核对各行数字。")


def _review(ctx: Context, doc: Document):
    for name, row in doc.review.items():
        key = f"review.{name}"
        if name not in REVIEW_ROWS:
            yield ctx.finding("annual-report-figures", doc, _key_line(doc, key),
                              f"复议诉讼情况中没有“{name}”这一行。可用的行：{'、'.join(REVIEW_ROWS)}。")
        elif not (isinstance(row, list) and len(row) == len(REVIEW_COLUMNS) and all(_is_count(v) for v in row)):
            yield ctx.finding("annual-report-figures", doc, _key_line(doc, key),
                              f"“{name}”应为 {len(REVIEW_COLUMNS)} 个非负整数的列表（{'、'.join(REVIEW_COLUMNS)}），"
                              f"例如 {name}: [1, 0, 0, 0]。")


# --- reports held against each other (seed 000 (四)3) -------------------------------------------

# The national format's sections, by the words their headings hold (numbering and wording vary).
_SECTIONS = (("总体情况", ("总体情况", "基本情况", "概述")),
             ("主动公开政府信息情况", ("主动公开",)),
             ("收到和处理政府信息公开申请情况", ("依申请", "收到和处理", "申请情况")),
             ("政府信息公开行政复议、行政诉讼情况", ("复议", "诉讼")),
             ("存在的主要问题及改进情况", ("问题", "改进")),
             ("其他需要报告的事项", ("其他",)))
_COMPARED = ("总体情况", "主动公开政府信息情况", "收到和处理政府信息公开申请情况", "存在的主要问题及改进情况")
"""Sections whose wording must not repeat; the review section is tables, the last one often 无."""
_TOP = re.compile(r"^\s*(?:[一二三四五六七八九十]{1,3}\s*[、.．]|第[一二三四五六七八九十]{1,3}部分)")


def report_sections(doc: Document) -> dict[str, tuple[int, str]]:
    """Section name → (line of its heading, its text), found by the national format's headings:
    a top-level heading of the body, or a line numbered 一、二、… however it is marked up."""
    if doc.body is None:
        return {}
    blocks = doc.body.blocks
    levels = [b.level for b in blocks if b.kind == "heading"]
    top = min(levels) if levels else 0
    sections: dict[str, tuple[int, list[str]]] = {}
    current: list[str] | None = None
    for block in blocks:
        text = block.text.strip()
        starts = (block.kind == "heading" and block.level == top) or \
            (block.kind != "cell" and _TOP.match(text) is not None and len(text) <= 40)
        if starts:
            name = next((name for name, words in _SECTIONS if any(w in text for w in words)), None)
            current = None
            if name is not None and name not in sections:
                current = []
                sections[name] = (block.line, current)
            continue
        if current is not None and text:
            current.append(text)
    return {name: (line, "\n".join(parts)) for name, (line, parts) in sections.items()}


@rule("annual-report-repeats", WARNING,
      "年报某一部分（总体情况、主动公开、依申请公开，尤其是存在的主要问题及改进情况）与前 [3] 年年报的同一部分大部分相同（≥ [0.5]）",
      years=3, similarity=0.5, min_chars=100)
def annual_report_repeats(ctx: Context):
    from .interpretation import shingles
    years = int(ctx.setting("annual-report-repeats", "years"))
    limit = float(ctx.setting("annual-report-repeats", "similarity"))
    min_chars = int(ctx.setting("annual-report-repeats", "min_chars"))
    reports = _reports_by_year(ctx)
    parts: dict[int, dict[str, tuple[int, set[str]]]] = {}
    for year, doc in reports.items():
        parts[year] = {name: (line, shingles(text)) for name, (line, text) in report_sections(doc).items()
                       if name in _COMPARED and len(text) >= min_chars}
    for year, doc in sorted(reports.items()):
        for name, (line, mine) in parts[year].items():
            for earlier in range(year - 1, year - years - 1, -1):
                theirs = parts.get(earlier, {}).get(name)
                if theirs is None or not mine:
                    continue
                share = len(mine & theirs[1]) / len(mine)
                if share >= limit:
                    yield ctx.finding("annual-report-repeats", doc, line,
                                      f"“{name}”部分有 {share:.0%} 的文字与 {earlier} 年年报的同一部分相同"
                                      f"（{reports[earlier].source.display}）。请按本年实际情况重写，"
                                      "不要逐年沿用相同的表述（梳理近三年年报，杜绝工作内容长期表述一致、存在问题多年雷同）。")
                    break


@rule("annual-report-carry", ERROR, "年报申请情况表的“上年结转”与上一年度年报的“结转下年度”不一致")
def annual_report_carry(ctx: Context):
    reports = _reports_by_year(ctx)
    tables = {}
    for year, doc in reports.items():
        if isinstance(doc.applications, dict):
            tables[year] = read_applications(doc.applications)
    for year, table in sorted(tables.items()):
        before = tables.get(year - 1)
        if before is None or table.carried_in is None or before.carried_out is None:
            continue
        wrong = [f"{who}：本年“上年结转”{mine}，{year - 1} 年“结转下年度”{theirs}"
                 for who, mine, theirs in zip(APPLICANTS, table.carried_in, before.carried_out) if mine != theirs]
        if wrong:
            doc = reports[year]
            yield ctx.finding("annual-report-carry", doc, "applications.上年结转",
                              f"上年结转与 {year - 1} 年年报（{reports[year - 1].source.display}）的结转下年度不一致："
                              + "；".join(wrong) + "。上一年结转的申请就是本年的上年结转，请核对两份年报。")


def _reports_by_year(ctx: Context) -> dict[int, Document]:
    """Each year's annual report (not drafts; of two for one year, the first by id: the other is a duplicate)."""
    result: dict[int, Document] = {}
    for doc in sorted(documents(ctx, "annual_report"), key=lambda d: d.id):
        if doc.draft or not isinstance(doc.year, int):
            continue
        result.setdefault(doc.year, doc)
    return result
