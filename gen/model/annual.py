"""Annual report tables in the national format (国办公开办函〔2021〕30号): vocabulary, reading, totals."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from gen.model.document import AnnualReport

APPLICANTS = ("自然人", "商业企业", "科研机构", "社会公益组织", "法律服务机构", "其他")
"""The six columns of the applications table (the last five are 法人或其他组织)."""

# 办理结果: outcome → its reasons (None: the outcome is one row).
OUTCOMES: tuple[tuple[str, tuple[str, ...] | None], ...] = (
    ("予以公开", None),
    ("部分公开", None),
    ("不予公开", ("属于国家秘密", "其他法律行政法规禁止公开", "危及“三安全一稳定”", "保护第三方合法权益",
              "属于三类内部事务信息", "属于四类过程性信息", "属于行政执法案卷", "属于行政查询事项")),
    ("无法提供", ("本机关不掌握相关政府信息", "没有现成信息需要另行制作", "补正后申请内容仍不明确")),
    ("不予处理", ("信访举报投诉类申请", "重复申请", "要求提供公开出版物", "无正当理由大量反复申请",
              "要求行政机关确认或重新出具已获取信息")),
    ("其他处理", ("申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请",
              "申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请", "其他")),
)

ACTIVE_ROWS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("规章", ("本年制发", "本年废止", "现行有效")),
    ("行政规范性文件", ("本年制发", "本年废止", "现行有效")),
    ("行政许可", ("本年处理决定数量",)),
    ("行政处罚", ("本年处理决定数量",)),
    ("行政强制", ("本年处理决定数量",)),
    ("行政事业性收费", ("本年收费金额",)),
)

ACTIVE_GROUPS: tuple[tuple[str, tuple[str, ...], tuple[str, ...]], ...] = (
    ("第二十条第（一）项", ("本年制发件数", "本年废止件数", "现行有效件数"), ("规章", "行政规范性文件")),
    ("第二十条第（五）项", ("本年处理决定数量",), ("行政许可",)),
    ("第二十条第（六）项", ("本年处理决定数量",), ("行政处罚", "行政强制")),
    ("第二十条第（八）项", ("本年收费金额（单位：万元）",), ("行政事业性收费",)),
)
"""Table 1 as the national template lays it out (国办公开办函〔2021〕30号): the item of article 20 of
the regulations, its column headers, its rows; the values are those of `ACTIVE_ROWS`, in order."""

REVIEW_ROWS = ("行政复议", "行政诉讼未经复议", "行政诉讼复议后起诉")
REVIEW_COLUMNS = ("结果维持", "结果纠正", "其他结果", "尚未审结")


def _plain(name: str) -> str:
    return "".join(ch for ch in str(name) if ch not in "“”\"'‘’ ")


# Short names editors may use for the long official reasons.
_ALIASES = {"逾期不补正": OUTCOMES[5][1][0], "逾期未缴费": OUTCOMES[5][1][1],
            **{_plain(reason): reason for _, reasons in OUTCOMES if reasons for reason in reasons}}


@dataclass
class Problem:
    """Something in a report's table data that cannot be read: key path and Chinese message."""

    key: str
    message: str


@dataclass
class Applications:
    """The applications table, every row as six numbers (missing rows are zero)."""

    received: list[int]
    carried_in: list[int]
    outcomes: dict[str, dict[str, list[int]] | list[int]]
    carried_out: list[int]
    problems: list[Problem] = field(default_factory=list)

    def outcome_total(self) -> list[int]:
        total = [0] * 6
        for value in self.outcomes.values():
            rows = value.values() if isinstance(value, dict) else [value]
            for row in rows:
                total = [a + b for a, b in zip(total, row)]
        return total


def _numbers(value: Any, key: str, problems: list[Problem], width: int = 6) -> list[int]:
    if value is None:
        return [0] * width
    if isinstance(value, list) and len(value) == width and all(isinstance(v, int) and not isinstance(v, bool) and v >= 0 for v in value):
        return list(value)
    problems.append(Problem(key, f"“{key}”应为 {width} 个非负整数的列表（{'、'.join(APPLICANTS if width == 6 else REVIEW_COLUMNS)}）。"))
    return [0] * width


def read_applications(data: dict) -> Applications:
    """Read `applications:` of an annual report; unknown rows become problems."""
    problems: list[Problem] = []
    known = {"本年新收", "上年结转", "办理结果", "结转下年度"}
    for key in data:
        if key not in known:
            problems.append(Problem(f"applications.{key}", f"申请情况中没有“{key}”这一行。可用的行：{'、'.join(sorted(known))}。"))
    outcomes: dict[str, dict[str, list[int]] | list[int]] = {}
    raw = data.get("办理结果") or {}
    if not isinstance(raw, dict):
        problems.append(Problem("applications.办理结果", "办理结果应为映射，例如 予以公开: [3, 1, 0, 0, 0, 0]。"))
        raw = {}
    names = {name: reasons for name, reasons in OUTCOMES}
    for name, value in raw.items():
        key = f"applications.办理结果.{name}"
        if name not in names:
            problems.append(Problem(key, f"办理结果中没有“{name}”。可用的值：{'、'.join(names)}。"))
            continue
        reasons = names[name]
        if reasons is None:
            outcomes[name] = _numbers(value, key, problems)
            continue
        if not isinstance(value, dict):
            problems.append(Problem(key, f"“{name}”应按理由分行，例如 {name}: {{{reasons[0]}: [1, 0, 0, 0, 0, 0]}}。"))
            continue
        rows: dict[str, list[int]] = {}
        for reason, numbers in value.items():
            official = _ALIASES.get(_plain(reason))
            if official is None or official not in reasons:
                problems.append(Problem(f"{key}.{reason}", f"“{name}”下没有“{reason}”这一理由。可用的理由：{'、'.join(reasons)}。"))
                continue
            rows[official] = _numbers(numbers, f"{key}.{reason}", problems)
        outcomes[name] = rows
    return Applications(received=_numbers(data.get("本年新收"), "applications.本年新收", problems),
                        carried_in=_numbers(data.get("上年结转"), "applications.上年结转", problems),
                        outcomes=outcomes,
                        carried_out=_numbers(data.get("结转下年度"), "applications.结转下年度", problems),
                        problems=problems)


def report_tables(doc: AnnualReport, normative: dict[str, int]) -> dict | None:
    """Everything the annual report template shows: the three tables with their totals."""
    if doc.active is None and doc.applications is None and doc.review is None:
        return None
    values: dict[str, list] = {}
    active = doc.active or {}
    for name, columns in ACTIVE_ROWS:
        if name == "行政规范性文件":
            values[name] = [normative.get(c, 0) for c in columns]  # filled from the column (数据同源)
        else:
            row = active.get(name) or {}
            values[name] = [row.get(c, 0) if isinstance(row, dict) else 0 for c in columns]
    active_groups = [(item, list(headers), [(name, values[name]) for name in names])
                     for item, headers, names in ACTIVE_GROUPS]
    applications = None
    if doc.applications is not None:
        table = read_applications(doc.applications)
        lines = [("一、本年新收政府信息公开申请数量", table.received, 0),
                 ("二、上年结转政府信息公开申请数量", table.carried_in, 0),
                 ("三、本年度办理结果", None, 0)]
        for index, (name, reasons) in enumerate(OUTCOMES):
            value = table.outcomes.get(name)
            label = f"（{'一二三四五六'[index]}）{name}"
            if reasons is None:
                lines.append((label, value if isinstance(value, list) else [0] * 6, 1))
            else:
                lines.append((label, None, 1))
                for i, reason in enumerate(reasons, 1):
                    row = value.get(reason) if isinstance(value, dict) else None
                    lines.append((f"{i}. {reason}", row or [0] * 6, 2))
        lines.append(("（七）总计", table.outcome_total(), 1))
        lines.append(("四、结转下年度继续办理", table.carried_out, 0))
        applications = [(label, None if row is None else row + [sum(row)], depth) for label, row, depth in lines]
    review = None
    if doc.review is not None:
        review = []
        for name in REVIEW_ROWS:
            raw = doc.review.get(name)
            row = raw if isinstance(raw, list) and len(raw) == 4 and all(isinstance(v, int) for v in raw) else [0, 0, 0, 0]
            review.append(row + [sum(row)])
    return {"active": active_groups, "applications": applications, "review": review, "applicants": APPLICANTS,
            "review_columns": REVIEW_COLUMNS}
