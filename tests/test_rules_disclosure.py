"""Disclosure rules (rules.md: 公开属性; 条例 §14–16, 国办发〔2018〕37号)."""

from __future__ import annotations

import pytest

from conftest import ORG, check, doc, located, write_site


def article(disclosure: str = "", reason: str = "") -> str:
    """1 ---, 2 title, 3 index_no, 4 published, 5 disclosure, 6 disclosure_reason."""
    lines = ["title: 关于某企业稳岗返还的通知", f'index_no: "{ORG}/2026-00001"', "published: 2026-03-04"]
    if disclosure:
        lines.append(f"disclosure: {disclosure}")
    if reason:
        lines.append(f"disclosure_reason: {reason}")
    return doc("\n".join(lines))


def found(tmp_path, files, rule):
    findings = [f for f in check(write_site(tmp_path, files)) if f.rule == rule]
    return located(findings), findings


@pytest.mark.parametrize("disclosure", ["依申请公开", "不予公开"])
def test_disclosure_reason_missing(tmp_path, disclosure):
    assert found(tmp_path, {"news/a.md": article(disclosure)}, "disclosure-reason-missing")[0] == {
        "news/a.md:5 [disclosure-reason-missing]"}


def test_disclosure_reason_missing_silent(tmp_path):
    files = {"news/a.md": article("依申请公开", "仅涉及特定对象"), "news/b.md": article().replace("00001", "00002")}
    assert found(tmp_path, files, "disclosure-reason-missing")[0] == set()


@pytest.mark.parametrize("reason, why", [("内部文件", "不是法定不公开理由"), ("单位间行文", "行文方式"),
                                         ("工作秘密", "国家秘密"), ("对内文件", "内部事务信息")])
def test_disclosure_reason_unlawful_says_why(tmp_path, reason, why):
    where, findings = found(tmp_path, {"news/a.md": article("不予公开", reason)}, "disclosure-reason-unlawful")
    assert where == {"news/a.md:6 [disclosure-reason-unlawful]"}
    assert why in findings[0].message


def test_disclosure_secret_documents_are_not_listed_on_request(tmp_path):
    where, findings = found(tmp_path, {"news/a.md": article("依申请公开", "国家秘密")}, "disclosure-reason-unlawful")
    assert where == {"news/a.md:5 [disclosure-reason-unlawful]"}
    assert "不予公开" in findings[0].message


@pytest.mark.parametrize("disclosure, reason", [("依申请公开", "商业秘密"), ("不予公开", "国家秘密"),
                                                ("不予公开", "过程性信息"), ("依申请公开", "仅涉及特定对象")])
def test_disclosure_reason_unlawful_silent_on_lawful_grounds(tmp_path, disclosure, reason):
    assert found(tmp_path, {"news/a.md": article(disclosure, reason)}, "disclosure-reason-unlawful")[0] == set()


def test_normative_not_public(tmp_path):
    text = doc(f"""title: 办法
doc_no: 测人社发〔2026〕1号
index_no: "{ORG}/2026-00001"
written: 2026-03-02
published: 2026-03-04
topic: 就业创业
disclosure: 依申请公开
disclosure_reason: 内部事务信息""")
    assert found(tmp_path, {"normative/a.md": text}, "normative-not-public")[0] == {"normative/a.md:8 [normative-not-public]"}
    assert found(tmp_path, {"normative/a.md": text.replace("disclosure: 依申请公开\ndisclosure_reason: 内部事务信息\n", "")},
                 "normative-not-public")[0] == set()
