"""The column's fixed vocabularies (词表), in one place, Chinese beside the English ids."""

from __future__ import annotations

KINDS: dict[str, str] = {
    "normative": "行政规范性文件",
    "policy": "其他政策文件",
    "interpretation": "政策解读",
    "plan": "规划",
    "guide": "公开指南",
    "annual_report": "政府信息公开工作年度报告",
    "consultation": "意见征集",
    "article": "其他公开信息",
}

PUBLIC = "主动公开"
ON_REQUEST = "依申请公开"
WITHHELD = "不予公开"
DISCLOSURES = (PUBLIC, ON_REQUEST, WITHHELD)

# Lawful grounds for not disclosing actively (条例 §14–16, 定向公开).
LAWFUL_REASONS: dict[str, str] = {
    "国家秘密": "条例第十四条",
    "法律法规禁止": "条例第十四条",
    "三安全一稳定": "条例第十四条",
    "商业秘密": "条例第十五条",
    "个人隐私": "条例第十五条",
    "内部事务信息": "条例第十六条",
    "过程性信息": "条例第十六条",
    "行政执法案卷": "条例第十六条",
    "仅涉及特定对象": "定向公开",
}

INTERPRETATION_FORMS = ("文字", "图解", "简明问答", "视频", "音频", "新闻发布会", "动漫")

PLAN_STATUSES = ("编制中", "已印发")

# Derived validity (有效性) of a normative document.
VALID = "现行有效"
REPEALED = "已废止"
AMENDED = "已修改"
EXPIRED = "失效"
NOT_YET = "尚未生效"
VALIDITIES = (VALID, REPEALED, AMENDED, EXPIRED, NOT_YET)

UPDATE_EVERY = {"2w": 14, "month": 31, "quarter": 92, "6m": 183}
"""`update_every` values of a column → the longest allowed gap in days."""
