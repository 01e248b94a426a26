"""Timeliness and whole-column rules (rules.md: 时效与栏目整体; 条例 §26, 国办秘函〔2019〕19号)."""

from __future__ import annotations

import datetime as dt
import re
from functools import lru_cache
from pathlib import Path

from . import Context, documents, historical, rule
from ..model import column_for
from .common import calendar_missing, workday_deadline
from ..config import Column
from ..findings import ERROR, WARNING, Finding
from ..frontmatter import parse_yaml
from ..patterns import trie_pattern
from ..vocab import PUBLIC, UPDATE_EVERY

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


# --- wording (错敏字) ------------------------------------------------------------------------

DEFAULT_WORDLIST = Path(__file__).resolve().parent.parent / "data" / "wordlist.yml"


def read_wordlist(text: str, display: str) -> tuple[dict[str, str], list[str], list[Finding]]:
    """Read a word list file: `words: {wrong: right}` and `ignore: [wrong]`, with findings for mistakes."""
    parsed = parse_yaml(text, display)
    findings = list(parsed.findings)
    words: dict[str, str] = {}
    ignore: list[str] = []
    data = parsed.data or {}

    def problem(key: str, message: str) -> None:
        findings.append(Finding(display, parsed.lines.get(key, 1), "front-matter-invalid", ERROR, message))

    for key in data:
        if key not in ("words", "ignore"):
            problem(str(key), f"词表中有未知的键“{key}”。词表只有两项：words（错误写法: 建议写法）和 ignore（不检查的默认词条列表）。")
    raw_words = data.get("words") or {}
    if not isinstance(raw_words, dict):
        problem("words", "words 应为“错误写法: 建议写法”的映射，例如 words: {做为: 作为}。")
        raw_words = {}
    for wrong, right in raw_words.items():
        wrong = str(wrong).strip()
        if not wrong:
            continue
        if right is not None and not isinstance(right, (str, int, float)):
            problem(f"words.{wrong}", f"“{wrong}”的建议写法应为一段文字（或留空）。")
            continue
        words[wrong] = "" if right is None else str(right).strip()
    raw_ignore = data.get("ignore") or []
    if not isinstance(raw_ignore, list) or not all(isinstance(w, (str, int)) for w in raw_ignore):
        problem("ignore", "ignore 应为词语列表，例如 ignore: [其它]。")
        raw_ignore = []
    ignore = [str(w).strip() for w in raw_ignore]
    return words, ignore, findings


@lru_cache(maxsize=1)
def default_words() -> dict[str, str]:
    """The shipped list of common wrong or sensitive expressions (gen/data/wordlist.yml)."""
    try:
        text = DEFAULT_WORDLIST.read_text(encoding="utf-8")
    except OSError:
        return {}
    return read_wordlist(text, str(DEFAULT_WORDLIST))[0]


@lru_cache(maxsize=8)
def _compiled(extra: tuple[tuple[str, str], ...], ignore: tuple[str, ...]) -> tuple[dict[str, str], re.Pattern | None]:
    words = {w: r for w, r in default_words().items() if w not in ignore}
    words.update(extra)
    return words, trie_pattern(words)


def scan(text: str, pattern: re.Pattern, first_line: int = 1):
    """(line, word) for every hit of the word list in a text."""
    line = first_line
    position = 0
    for match in pattern.finditer(text):
        line += text.count("\n", position, match.start())
        position = match.start()
        yield line, match.group(0)


@rule("wording", WARNING, "使用了常见错别字或不规范、敏感的表述（错敏字），附建议写法；词表可在 content/wordlist.yml 中扩充")
def wording(ctx: Context):
    extra: dict[str, str] = {}
    ignore: list[str] = []
    wordlist = ctx.site.wordlist
    if wordlist is not None and wordlist.text is not None:
        extra, ignore, problems = read_wordlist(wordlist.text, wordlist.display)
        yield from problems
    words, pattern = _compiled(tuple(sorted(extra.items())), tuple(sorted(ignore)))
    if pattern is None:
        return
    for doc in ctx.site.documents:
        # Title, summary and body are what readers see; keywords are search terms typed without quotes.
        for key in ("title", "summary"):
            value = getattr(doc, key, None)
            if value and key in doc.lines:
                for _, word in scan(value, pattern):
                    yield _hit(doc.source.display, doc.lines[key], word, words)
        if doc.body is not None:
            for line, word in scan(doc.body.source, pattern, doc.body_line):
                yield _hit(doc.source.display, line, word, words)
    for intro in ctx.site.intros.values():
        yield from _scan_body(intro.source, 1, pattern, words)
    for catalogue in ctx.site.catalogues:
        yield from _scan_body(catalogue.source, 1, pattern, words)


def _scan_body(source, first_line: int, pattern: re.Pattern, words: dict[str, str]):
    if not source.text or first_line < 1:
        return
    text = source.text
    start = 0
    for _ in range(first_line - 1):
        start = text.find("\n", start) + 1
        if start == 0:
            return
    for line, word in scan(text[start:], pattern, first_line):
        yield _hit(source.display, line, word, words)


def _hit(display: str, line: int, word: str, words: dict[str, str]) -> Finding:
    right = words.get(word, "")
    advice = f"建议改为“{right}”。" if right else "请删除或改写。"
    return Finding(display, line, "wording", WARNING, f"“{word}”是常见的错误或不规范表述，{advice}")
