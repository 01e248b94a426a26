"""Validity rules (rules.md: 有效性; seed 000 §5, seed 004 (六)1)."""

from __future__ import annotations

import datetime as dt
import re

from gen.findings import ERROR, WARNING
from gen.vocab import EXPIRED, REPEALED, VALID
from . import Context, documents, rule
from .common import add_months


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
        # For the body's own normative documents: another body's (a law, a State Council order) sets its own terms.
        if not ctx.site.is_public(doc) or doc.no_expiry or doc.issuer != ctx.config.name:
            continue
        if doc.valid_until is None:
            yield ctx.finding("validity-period", doc, 1,
                              f"规范性文件未标注有效期。请填写 valid_until（有效期一般不超过 {years} 年）；"
                              "确实长期有效的，写 valid_until: 长期。")
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


@rule("relation-impossible", ERROR, "废止、修改关系不可能成立：互相废止或修改（循环）、废止或修改比自己晚发布的文件、引用自己")
def relation_impossible(ctx: Context):
    site = ctx.site
    edges: dict[str, list[str]] = {}
    for doc in sorted(ctx.site.documents, key=lambda d: d.id):
        interprets = getattr(doc, "interprets", None)
        if interprets and site.resolve(interprets) is doc:
            yield ctx.finding("relation-impossible", doc, "interprets",
                              f"解读对象“{interprets}”就是本文件自己。请填写被解读的政策文件的 id 或文号。")
        for action, verb in (("repeals", "废止"), ("amends", "修改")):
            for i, ref in enumerate(getattr(doc, action, None) or []):
                key = f"{action}.{i}" if f"{action}.{i}" in doc.lines else action
                target = site.resolve(ref)
                if target is None:
                    continue  # ref-unknown says so
                if target is doc:
                    yield ctx.finding("relation-impossible", doc, key,
                                      f"{action} 中的“{ref}”就是本文件自己：一个文件不能{verb}自己。请删除这一项，或改为被{verb}的文件。")
                    continue
                edges.setdefault(doc.id, []).append(target.id)
                if doc.published and target.published and target.published > doc.published:
                    yield ctx.finding("relation-impossible", doc, key,
                                      f"被{verb}的文件“{target.title}”（{target.source.display}）发布于 {target.published}，"
                                      f"晚于本文件的发布日期 {doc.published}：一个文件只能{verb}在它之前发布的文件。"
                                      f"请核对 {action} 中的“{ref}”和两个文件的发布日期。")
    for cycle in _cycles(edges):
        first = site.by_id[cycle[0]]
        others = "、".join(f"“{site.by_id[i].title}”（{site.by_id[i].source.display}）" for i in cycle[1:])
        key = "repeals" if getattr(first, "repeals", None) else "amends"
        yield ctx.finding("relation-impossible", first, key,
                          f"本文件与 {others} 互相废止或修改，形成循环，有效性无法推算。"
                          "请核对这些文件的 repeals 和 amends，只保留后发布的文件对先发布文件的那一项。")


def _cycles(edges: dict[str, list[str]]) -> list[list[str]]:
    """The repeal/amend cycles, one per group of documents that reach each other, each from its
    first id (strongly connected components with more than one member, Tarjan's algorithm
    without recursion so that a long chain cannot exhaust the stack)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []
    for root in sorted(edges):
        if root in index:
            continue
        work = [(root, 0)]
        while work:
            node, position = work.pop()
            if position == 0:
                index[node] = low[node] = len(index)
                stack.append(node)
                on_stack.add(node)
            successors = edges.get(node, [])
            if position < len(successors):
                work.append((node, position + 1))
                child = successors[position]
                if child not in index:
                    work.append((child, 0))
                elif child in on_stack:
                    low[node] = min(low[node], index[child])
                continue
            if low[node] == index[node]:
                group = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    group.append(member)
                    if member == node:
                        break
                if len(group) > 1:
                    found.append(sorted(group))
            if work:
                parent = work[-1][0]
                low[parent] = min(low[parent], low[node])
    return sorted(found)
