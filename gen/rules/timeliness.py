"""Timeliness and whole-column rules (rules.md: 时效与栏目整体; 条例 §26, 国办秘函〔2019〕19号); the wording rule is in wording.py."""

from __future__ import annotations

import datetime as dt

from gen.content.config import Column
from gen.findings import ERROR, WARNING
from gen.model.document import column_for
from gen.vocab import PUBLIC, UPDATE_EVERY
from . import Context, documents, historical, rule
from .common import calendar_missing, workday_deadline

_EVERY_ZH = {"2w": "每两周", "month": "每月", "quarter": "每季度", "6m": "每半年"}


@rule("publish-late", WARNING, "主动公开的文件在成文后超过 [20] 个工作日才发布（条例第二十六条）",
      days=20, normative_days=None, policy_days=None)
def publish_late(ctx: Context):
    for doc in documents(ctx, "normative", "policy"):
        if doc.draft or doc.disclosure != PUBLIC or doc.written is None or doc.published is None \
                or doc.published <= doc.written or historical(ctx, doc):
            continue
        # A per-kind limit (normative_days: 7, as seed 002) overrides the general one.
        days = ctx.setting("publish-late", f"{doc.kind}_days")
        days = int(days if days is not None else ctx.setting("publish-late", "days"))
        deadline = workday_deadline(ctx.calendar, doc.written, days)
        if deadline.unknown_year is not None:
            yield ctx.finding("publish-late", doc, "published",
                              calendar_missing(deadline.unknown_year, f"成文后 {days} 个工作日的发布期限"))
        elif doc.published > deadline.due:
            late = ctx.calendar.workdays_between(deadline.due, doc.published)
            yield ctx.finding("publish-late", doc, "published",
                              f"成文日期 {doc.written}，发布日期 {doc.published}，超过成文后 {days} 个工作日的期限"
                              f"（应在 {deadline.due} 前公开），晚了 {late} 个工作日（条例第二十六条）。"
                              "如日期填错，请更正 written 或 published；今后请在期限内公开。")


@rule("column-empty", WARNING, "栏目没有已公开的内容（空白栏目）；[5] 个及以上时为错误", error_at=5)
def column_empty(ctx: Context):
    # A grouping column (no folder) is empty only when everything under it is: column_count
    # adds the children, so one empty child does not make its parent blank.
    holding_failed = {c.id for f in ctx.site.failed if (column := column_for(f.source.rel, ctx.config)) is not None
                      for c in [column, *column.ancestors()]}
    empty = [c for c in ctx.config.all_columns if ctx.site.column_count(c) == 0 and c.id not in holding_failed]
    error_at = int(ctx.setting("column-empty", "error_at"))
    # A column that has published nothing yet is being started: its empty columns are the list of
    # what to publish first (the guide first), not a failed inspection.
    starting = not ctx.site.public_documents and not ctx.site.failed
    severe = len(empty) >= error_at and not starting
    for column in empty:
        where = f"目录 content/{column.folder}/ 中" if column.folder else "其下各子栏目中"
        how = f"（新建：gongkai new {column.kind} --column {column.id}）" if column.folder and column.kind else ""
        if starting:
            first = "新专栏请首先发布政府信息公开指南。" if column.kind == "guide" else ""
            message = f"{first}栏目“{column.title}”还没有内容，请在{where}发布{how}；正式上线前，每个栏目都应有内容。"
        else:
            message = (f"栏目“{column.title}”没有任何已公开的内容，是空白栏目。请在{where}发布内容{how}"
                       "（草稿、未到发布日期和非主动公开的文件不算），或从 site.yml 中删去该栏目。")
        if severe:
            message += f"全站已有 {len(empty)} 个空白栏目（达到 {error_at} 个），在政府网站检查中属于单项否决。"
        yield ctx.finding("column-empty", ctx.config, column.line, message, severity=ERROR if severe else None)


def _newest(ctx: Context, column: Column) -> dt.date | None:
    """The newest publication or revision date in a column and the columns below it."""
    dates = [d.published for d in ctx.site.column_documents(column) if d.published]
    dates += [c.revised for c in ctx.site.column_catalogues(column) if c.revised]
    dates += [d for child in column.children if (d := _newest(ctx, child)) is not None]
    return max(dates, default=None)


@rule("column-stale", WARNING, "声明了 update_every 的栏目，最新内容早于更新周期（结果类信息按季度/按月更新）")
def column_stale(ctx: Context):
    for column in ctx.config.all_columns:
        if not column.update_every:
            continue
        newest = _newest(ctx, column)
        if newest is None:
            continue  # column-empty says it
        due = newest + dt.timedelta(days=UPDATE_EVERY[column.update_every])
        if due < ctx.today:
            yield ctx.finding("column-stale", ctx.config, column.line,
                              f"栏目“{column.title}”要求{_EVERY_ZH.get(column.update_every, column.update_every)}更新"
                              f"（update_every: {column.update_every}），最新内容是 {newest} 发布的，应在 {due} 前更新，"
                              f"已过期 {(ctx.today - due).days} 天。请发布最新一期内容。")
