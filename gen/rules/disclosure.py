"""Disclosure rules (rules.md: 公开属性; 条例 §14–16, 国办发〔2018〕37号)."""

from __future__ import annotations

from gen.findings import ERROR, WARNING, Finding
from gen.vocab import LAWFUL_REASONS, ON_REQUEST, PUBLIC
from . import Context, documents, rule

# Reasons editors write that are not lawful grounds, with why (seed 000 (三)1, seed 001 一(一)).
_NOT_LAWFUL = {
    "内部文件": "“内部文件”不是法定不公开理由：条例只允许以国家秘密、商业秘密、个人隐私、内部事务信息等法定情形不公开。",
    "对内文件": "“对内文件”不是法定不公开理由；如确属内部管理事务，请写“内部事务信息”（条例第十六条）。",
    "单位间行文": "“单位间行文”不是法定不公开理由；行文方式不决定公开属性，请按内容判断。",
    "工作秘密": "“工作秘密”不是条例规定的不公开理由；涉及国家秘密的写“国家秘密”，否则应当公开。",
    "敏感信息": "“敏感信息”不是法定不公开理由；请对照条例第十四至十六条选择法定情形。",
    "不宜公开": "“不宜公开”不是法定不公开理由；请对照条例第十四至十六条选择法定情形。",
}


@rule("disclosure-reason-missing", ERROR, "依申请公开或不予公开的文件没有填写不公开理由")
def disclosure_reason_missing(ctx: Context):
    for doc in documents(ctx):
        if doc.disclosure != PUBLIC and not doc.disclosure_reason:
            yield ctx.finding("disclosure-reason-missing", doc, "disclosure",
                              f"公开属性为“{doc.disclosure}”，但没有填写 disclosure_reason（不公开理由）。"
                              f"请填写法定理由之一：{'、'.join(LAWFUL_REASONS)}。")


@rule("disclosure-reason-unlawful", ERROR, "不公开理由不是条例规定的法定情形（如“内部文件”“工作秘密”）")
def disclosure_reason_unlawful(ctx: Context):
    for doc in documents(ctx):
        reason = doc.disclosure_reason
        if doc.disclosure == ON_REQUEST and reason == "国家秘密":
            # seed 000 (三)1: 涉密文件不得参照依申请公开文件列入依申请公开文件目录.
            yield ctx.finding("disclosure-reason-unlawful", doc, "disclosure",
                              "涉及国家秘密的文件不得列入依申请公开目录（连标题、文号也不能公开）。"
                              "请改为 disclosure: 不予公开；如并不涉密，请改写真实的法定理由。")
            continue
        if doc.disclosure == PUBLIC or not reason or reason in LAWFUL_REASONS:
            continue
        why = next((text for word, text in _NOT_LAWFUL.items() if word in reason), f"“{reason}”不是法定理由。")
        yield ctx.finding("disclosure-reason-unlawful", doc, "disclosure_reason",
                          f"{why}可用的法定理由：{'、'.join(f'{k}（{v}）' for k, v in LAWFUL_REASONS.items())}。")


@rule("normative-not-public", ERROR, "行政规范性文件不是主动公开（不得以内部文件形式印发规范性文件）")
def normative_not_public(ctx: Context):
    for doc in documents(ctx, "normative"):
        if doc.disclosure != PUBLIC:
            yield ctx.finding("normative-not-public", doc, "disclosure",
                              f"行政规范性文件必须主动公开（国办发〔2018〕37号：未经公开的规范性文件不得作为行政管理依据），"
                              f"现在是“{doc.disclosure}”。请改为 disclosure: 主动公开；如不宜公开，它就不应作为规范性文件印发。")


@rule("file-unpublished", WARNING, "content/ 中的文件既不是文档，也不属于某个公开文档（备份、临时文件、未链接的附件等），不会发布")
def file_unpublished(ctx: Context):
    for item in ctx.site.publication.unpublished:
        yield Finding(item.source.display, 1, "file-unpublished", WARNING, item.reason)
