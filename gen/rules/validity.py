"""Validity rules (rules.md: 有效性; seed 000 §5, seed 004 (六)1)."""

from __future__ import annotations

import datetime as dt
import re

from . import Context, documents, rule
from .common import add_months
from ..findings import WARNING, ERROR
from ..vocab import EXPIRED, REPEALED, VALID


@rule("validity-conflict", ERROR, "填写的有效性与根据废止、修改、有效期推算出的有效性不一致")
def validity_conflict(ctx: Context):
    for doc in documents(ctx, "normative"):
        if not doc.validity:
            continue
        derived = ctx.site.validity(doc)
        if derived.status != doc.validity:
            because = ""
            if derived.by is not None:
                because = f"（{derived.by.title}{'，' + derived.by.doc_no if getattr(derived.by, 'doc_no', None) else ''}自 {derived.since} 起{'废止' if derived.status == REPEALED else '修改'}了它）"
            elif derived.status == EXPIRED:
                because = f"（有效期至 {doc.valid_until}）"
            yield ctx.finding("validity-conflict", doc, "validity",
                              f"填写的有效性“{doc.validity}”与推算结果“{derived.status}”不一致{because}。"
                              "有效性由系统推算，建议删除 validity 字段。")


@rule("validity-period", WARNING, "规范性文件没有有效期（valid_until），或有效期超过 [5] 年", years=5)
def validity_period(ctx: Context):
    years = int(ctx.setting("validity-period", "years"))
    for doc in documents(ctx, "normative"):
        if not ctx.site.is_public(doc):
            continue
        if doc.valid_until is None:
            yield ctx.finding("validity-period", doc, 1,
                              f"规范性文件未标注有效期。请填写 valid_until（有效期一般不超过 {years} 年）。")
            continue
        start = doc.valid_from or doc.published
        if start and doc.valid_until > _add_years(start, years):
            yield ctx.finding("validity-period", doc, "valid_until",
                              f"有效期从 {start} 到 {doc.valid_until}，超过 {years} 年。请缩短有效期，到期前评估后再延续。")


@rule("validity-review-due", WARNING, "现行有效文件 [6] 个月内到期，需在到期前评估", months=6)
def validity_review_due(ctx: Context):
    months = int(ctx.setting("validity-review-due", "months"))
    horizon = add_months(ctx.today, months)
    for doc in ctx.site.currently_valid:
        if doc.valid_until and doc.valid_until <= horizon:
            yield ctx.finding("validity-review-due", doc, "valid_until",
                              f"文件将于 {doc.valid_until} 到期（{months} 个月内）。请在到期前评估：继续施行的重新发布，"
                              "不再施行的按期失效。")


@rule("cites-invalid", WARNING, "现行有效文件、规划或年报链接了已废止或失效的文件（引用失效文件）")
def cites_invalid(ctx: Context):
    site = ctx.site
    for doc in documents(ctx, "normative", "plan", "annual_report"):
        if not site.is_public(doc) or doc.body is None:
            continue
        if doc.kind == "normative" and site.validity(doc).status != VALID:
            continue
        for link in doc.body.links:
            target = site.resolve_link(doc.source, link.url)
            cited = target.document or target.owner
            if cited is None:
                continue
            status = site.validity(cited, _as_of(ctx, doc))
            # The repealing document itself names what it repeals: that is no stale citation.
            if status and status.status in (REPEALED, EXPIRED) and status.by is not doc:
                replacement = f"，请改为引用“{status.by.title}”" if status.by is not None else ""
                yield ctx.finding("cites-invalid", doc, link.line,
                                  f"引用的“{cited.title}”已{status.status.lstrip('已')}（{status.since}）{replacement}。")


def _as_of(ctx, doc) -> dt.date:
    """The day a citation must be valid on: a report or an ended plan is a record of its time."""
    if doc.kind == "annual_report":
        return doc.published
    if doc.kind == "plan":
        years = re.findall(r"\d{4}", doc.period or "")
        if years and int(years[-1]) < ctx.today.year:
            return doc.published
    return ctx.today


def _add_years(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)
