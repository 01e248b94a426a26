"""Derived validity (有效性): the five steps of content-model.md and the lists built from them."""

from __future__ import annotations

import datetime as dt

from gen.build import pipeline
from conftest import TODAY, doc, write_site


def normative(n: int, published: str, extra: str = "", valid_from: str | None = None, valid_until: str = "2031-01-01") -> str:
    lines = [f"title: 测试文件{n}", f'index_no: "11341524MB1234567X/{published[:4]}-{n:05d}"',
             f"published: {published}", f"written: {published}", f"doc_no: 测人社发〔{published[:4]}〕{n}号",
             "topic: 就业创业", f"valid_from: {valid_from or published}", f"valid_until: {valid_until}", extra]
    return doc("\n".join(lines))


def load(files: dict, today: dt.date = TODAY):
    """The site model of `files` (the folder is removed once loaded: the model keeps what it needs)."""
    import shutil
    import tempfile
    from pathlib import Path
    folder = Path(tempfile.mkdtemp(prefix="gongkai-validity-"))
    try:
        site, findings = pipeline.load_site(write_site(folder, files), today)
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    assert site is not None and not [f for f in findings if f.severity == "error"], findings
    return site


def status(site, doc_id, as_of=None):
    return site.validity(site.by_id[doc_id], as_of).status


def test_repeal_amend_expiry_and_not_yet():
    site = load({
        "normative/old.md": normative(1, "2022-01-10"),
        "normative/amended.md": normative(2, "2022-02-10"),
        "normative/expired.md": normative(3, "2020-01-10", valid_until="2025-01-09"),
        "normative/future.md": normative(4, "2026-11-01", valid_from="2027-01-01"),
        "normative/new.md": normative(5, "2025-06-01", "repeals: [normative/old]\namends: 测人社发〔2022〕2号"),
    })
    assert status(site, "normative/old") == "已废止"
    assert site.validity(site.by_id["normative/old"]).by.id == "normative/new"
    assert site.validity(site.by_id["normative/old"]).since == dt.date(2025, 6, 1)
    assert status(site, "normative/amended") == "已修改"
    assert status(site, "normative/expired") == "失效"
    assert status(site, "normative/future") == "尚未生效"
    assert status(site, "normative/new") == "现行有效"
    # The lists and every count come from the same computation (数据同源).
    assert [d.id for d in site.currently_valid] == ["normative/new"]
    assert sorted(d.id for d in site.no_longer_valid) == ["normative/amended", "normative/expired", "normative/old"]


def test_repeal_counts_only_once_the_acting_document_is_in_force():
    site = load({
        "normative/old.md": normative(1, "2022-01-10"),
        "normative/embargoed.md": normative(2, "2026-12-20", "repeals: [normative/old]"),
        "normative/later.md": normative(3, "2026-11-01", "repeals: [测人社发〔2022〕1号]", valid_from="2027-01-01"),
    })
    assert status(site, "normative/old") == "现行有效"
    assert status(site, "normative/old", dt.date(2026, 12, 25)) == "已废止"
    assert site.validity(site.by_id["normative/old"], dt.date(2026, 12, 25)).by.id == "normative/embargoed"


def test_draft_or_withheld_repeal_changes_nothing():
    site = load({
        "normative/old.md": normative(1, "2022-01-10"),
        "normative/draft.md": normative(2, "2025-01-10", "repeals: [normative/old]\ndraft: true"),
    })
    assert status(site, "normative/old") == "现行有效"


def test_validity_as_of_and_annual_report_figures():
    site = load({
        "normative/a.md": normative(1, "2023-03-01"),
        "normative/b.md": normative(2, "2023-06-01", valid_until="2024-05-31"),
        "normative/c.md": normative(3, "2024-02-01", "repeals: [normative/a]"),
    })
    assert site.normative_figures(2023) == {"本年制发": 2, "本年废止": 0, "现行有效": 2}
    assert site.normative_figures(2024) == {"本年制发": 1, "本年废止": 2, "现行有效": 1}
    assert status(site, "normative/b", dt.date(2024, 5, 31)) == "现行有效"
    assert status(site, "normative/b", dt.date(2024, 6, 1)) == "失效"


def test_typed_validity_that_disagrees_is_an_error(tmp_path):
    content = write_site(tmp_path, {
        "normative/old.md": normative(1, "2022-01-10", "validity: 现行有效"),
        "normative/new.md": normative(2, "2025-06-01", "repeals: [normative/old]"),
    })
    findings = [f for f in pipeline.check(content, TODAY).findings if f.rule == "validity-conflict"]
    assert len(findings) == 1 and findings[0].line == 10 and "已废止" in findings[0].message


def test_reference_by_doc_no_tolerates_bracket_style():
    site = load({
        "normative/old.md": normative(1, "2022-01-10"),
        "normative/new.md": normative(2, "2025-06-01", "repeals: [\"测人社发[2022]1号\"]"),
    })
    assert status(site, "normative/old") == "已废止"
