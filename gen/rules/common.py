"""Helpers shared by rule modules: working-day deadlines, months, headings of a body."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from gen.content.markdown import Body


@dataclass(frozen=True)
class Deadline:
    """A working-day deadline, and the first year on its way the calendar knows nothing of."""

    due: dt.date
    unknown_year: int | None = None
    """Set when the national calendar lacks that year: `due` is then only a weekday estimate."""


def workday_deadline(calendar, start: dt.date, days: int) -> Deadline:
    """The day `days` working days after `start`, noting a year the calendar lacks."""
    due = calendar.add_workdays(start, days)
    for year in range(start.year, due.year + 1):
        # The deadline runs from the day after `start`; a year is only needed if a day of it is counted.
        probe = max(start + dt.timedelta(days=1), dt.date(year, 1, 1))
        if probe <= due and not calendar.has_data(probe):
            return Deadline(due, year)
    return Deadline(due)


def calendar_missing(year: int, what: str) -> str:
    """Chinese message: the working-day calendar lacks a year, and how to add it in site.yml."""
    return (f"工作日历没有 {year} 年的法定节假日和调休安排，无法准确计算{what}（不按周一至周五猜测）。"
            f"请在 site.yml 的 calendar 中补充 {year} 年国务院办公厅公布的放假日和调休上班日，例如："
            f"calendar: {{holidays: [{year}-01-01], workdays: [{year}-01-04]}}；或升级 chinese-calendar 库。")


def add_months(day: dt.date, months: int) -> dt.date:
    """The same day `months` months later (the last day of a shorter month)."""
    month = day.month - 1 + months
    year = day.year + month // 12
    month = month % 12 + 1
    for d in (day.day, 30, 29, 28):
        try:
            return dt.date(year, month, d)
        except ValueError:
            continue
    raise AssertionError("unreachable")


def heading_texts(body: Body | None) -> list[tuple[int, str]]:
    """(line, text) of every Markdown heading of a body."""
    if body is None:
        return []
    return [(b.line, b.text) for b in body.blocks if b.kind == "heading"]


_DOC_NO_LIKE = re.compile(r"^[^\s，。,；;：:、]{1,30}?[〔\[［【(（﹝]\s*\d{4}\s*[〕\]］】)）﹞]\s*第?\s*\d+\s*号$")
_ID_LIKE = re.compile(r"^[A-Za-z0-9_.\-]+(/[A-Za-z0-9_.\-]+)+/?$")


def looks_like_reference(value: str) -> bool:
    """Whether a feedback value is meant as a reference (an id path or a 文号) rather than text."""
    value = value.strip()
    return bool(_ID_LIKE.match(value) or _DOC_NO_LIKE.match(value))
