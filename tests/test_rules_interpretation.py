"""Interpretation rules (rules.md: 政策解读): deadlines on the real holiday calendar, 谁起草谁解读,
copying measured on real texts, headings-only, forms per year, and forms backed by files."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

from conftest import ORG, SITE_YML, TODAY, check, doc, located, write_site
from gen.rules.interpretation import containment, shingles

FIXTURE = json.loads((Path(__file__).parent / "fixtures" / "copies_source.json").read_text(encoding="utf-8"))
PNG = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR"


def normative(published: str = "2026-03-04", n: int = 1, body: str = "正文。\n", extra: str = "") -> str:
    """A public normative document: 1 ---, 2 title, 3 doc_no, 4 index_no, 5 written, 6 published, 7 topic, 8 drafter."""
    year = published[:4]
    return doc(f"""title: 测试县就业援助办法{n}
doc_no: 测人社发〔{year}〕{n}号
index_no: "{ORG}/{year}-{n:05d}"
written: {published}
published: {published}
topic: 就业创业
drafter: 就业股
valid_until: {int(year) + 5}-01-01
{extra}""", body)


def interpretation(interprets: str = "normative/a", published: str = "2026-03-05", forms: str = "[文字]",
                   drafter: str = "就业股", body: str = "解读正文。\n", n: int = 101) -> str:
    """An interpretation: 1 ---, 2 title, 3 index_no, 4 published, 5 interprets, 6 forms, 7 drafter."""
    lines = [f"title: 解读{n}", f'index_no: "{ORG}/{published[:4]}-{n:05d}"', f"published: {published}",
             f"interprets: {interprets}", f"forms: {forms}"]
    if drafter:
        lines.append(f"drafter: {drafter}")
    return doc("\n".join(lines), body)


def run(tmp_path, files: dict, rule: str, today: dt.date = TODAY, site_yml: str = SITE_YML):
    findings = [f for f in check(write_site(tmp_path, files, site_yml), today) if f.rule == rule]
    return located(findings), findings


# --- interpretation-missing ---------------------------------------------------------------------

def test_missing_after_the_deadline_is_an_error_naming_the_due_date(tmp_path):
    where, found = run(tmp_path, {"normative/a.md": normative()}, "interpretation-missing")
    assert where == {"normative/a.md:1 [interpretation-missing]"}
    assert found[0].severity == "error" and "2026-03-09" in found[0].message


def test_missing_inside_the_deadline_is_a_warning_naming_the_due_date(tmp_path):
    where, found = run(tmp_path, {"normative/a.md": normative()}, "interpretation-missing", today=dt.date(2026, 3, 5))
    assert where == {"normative/a.md:1 [interpretation-missing]"}
    assert found[0].severity == "warning" and "2026-03-09" in found[0].message


def test_missing_for_issued_plan_and_policy_but_not_plan_in_drafting(tmp_path):
    plan = doc(f'title: 规划\nindex_no: "{ORG}/2026-00010"\npublished: 2026-03-04\nplan_status: 已印发')
    drafting = doc(f'title: 规划草案\nindex_no: "{ORG}/2026-00011"\npublished: 2026-03-04\nplan_status: 编制中')
    policy = doc(f'title: 通知\nindex_no: "{ORG}/2026-00012"\npublished: 2026-03-04\ntopic: 就业创业')
    where, _ = run(tmp_path, {"plan/a.md": plan, "plan/b.md": drafting, "policy/a.md": policy}, "interpretation-missing")
    assert where == {"plan/a.md:1 [interpretation-missing]", "policy/a.md:1 [interpretation-missing]"}


def test_policy_without_interpretation_needs_a_reason(tmp_path):
    front = f'title: 通知\nindex_no: "{ORG}/2026-00012"\npublished: 2026-03-04\ntopic: 就业创业\nneeds_interpretation: false'
    files = {"policy/no-reason.md": doc(front),
             "policy/reason.md": doc(front.replace("00012", "00013") + "\nno_interpretation_reason: 仅涉及内部工作安排")}
    where, _ = run(tmp_path, files, "interpretation-missing")
    assert where == {"policy/no-reason.md:6 [interpretation-missing]"}


def test_missing_silent_with_an_interpretation_or_when_repealed(tmp_path):
    files = {"normative/a.md": normative(), "interpretation/a.md": interpretation(),
             "normative/old.md": normative("2024-03-04", n=2),
             "normative/new.md": normative("2025-03-04", n=3, extra="repeals: [normative/old]"),
             "interpretation/new.md": interpretation("normative/new", "2025-03-05", n=102)}
    where, _ = run(tmp_path, files, "interpretation-missing")
    assert where == set()


def test_missing_silent_for_withheld_draft_and_embargoed(tmp_path):
    files = {"normative/draft.md": normative(extra="draft: true"),
             "normative/later.md": normative("2026-12-01", n=2)}
    where, _ = run(tmp_path, files, "interpretation-missing")
    assert where == set()


def test_missing_in_a_year_without_calendar_data_is_a_warning_saying_so(tmp_path):
    where, found = run(tmp_path, {"normative/a.md": normative("2026-12-30")}, "interpretation-missing",
                       today=dt.date(2027, 2, 1))
    assert where == {"normative/a.md:1 [interpretation-missing]"}
    assert found[0].severity == "warning"
    assert "2027" in found[0].message and "calendar" in found[0].message


def test_missing_with_the_year_added_in_site_yml_is_judged_again(tmp_path):
    site_yml = SITE_YML.replace("calendar: {holidays: [], workdays: []}",
                                "calendar: {holidays: [2027-01-01], workdays: []}")
    where, found = run(tmp_path, {"normative/a.md": normative("2026-12-30")}, "interpretation-missing",
                       today=dt.date(2027, 2, 1), site_yml=site_yml)
    assert where == {"normative/a.md:1 [interpretation-missing]"}
    assert found[0].severity == "error" and "2027-01-05" in found[0].message


# --- interpretation-late ------------------------------------------------------------------------

def test_late_counts_working_days_on_the_holiday_calendar(tmp_path):
    # 2026-09-30 + 3 working days: 10-08, 10-09 and the make-up Saturday 10-10 (National Day).
    files = {"normative/a.md": normative("2026-09-30"),
             "interpretation/in-time.md": interpretation(published="2026-10-10"),
             "interpretation/late.md": interpretation(published="2026-10-12", n=102)}
    where, found = run(tmp_path, files, "interpretation-late")
    assert where == {"interpretation/late.md:4 [interpretation-late]"}
    assert "2026-10-10" in found[0].message


def test_late_silent_within_three_working_days(tmp_path):
    files = {"normative/a.md": normative(), "interpretation/a.md": interpretation(published="2026-03-09")}
    assert run(tmp_path, files, "interpretation-late")[0] == set()


def test_late_in_a_year_without_calendar_data_warns_instead_of_guessing(tmp_path):
    files = {"normative/a.md": normative("2026-12-30"), "interpretation/a.md": interpretation(published="2027-01-04")}
    where, found = run(tmp_path, files, "interpretation-late", today=dt.date(2027, 2, 1))
    assert where == {"interpretation/a.md:4 [interpretation-late]"}
    assert "2027" in found[0].message and "site.yml" in found[0].message


# --- interpretation-drafter ---------------------------------------------------------------------

def test_drafter_differs_or_is_missing(tmp_path):
    files = {"normative/a.md": normative(),
             "interpretation/other.md": interpretation(drafter="办公室"),
             "interpretation/none.md": interpretation(drafter="", n=102)}
    where, found = run(tmp_path, files, "interpretation-drafter")
    assert where == {"interpretation/other.md:7 [interpretation-drafter]", "interpretation/none.md:1 [interpretation-drafter]"}
    assert all("就业股" in f.message for f in found)


def test_drafter_silent_when_the_same(tmp_path):
    files = {"normative/a.md": normative(), "interpretation/a.md": interpretation()}
    assert run(tmp_path, files, "interpretation-drafter")[0] == set()


# --- interpretation-copies-source (real texts) ---------------------------------------------------

SOURCE = FIXTURE["source"]["body"]
REWRITE = FIXTURE["rewrite"]["body"]


def _mostly_pasted() -> str:
    """Two thirds of the source's paragraphs pasted, one third the editor's own (real) text."""
    own = [p for p in REWRITE.split("\n\n") if len(p) > 20]
    pasted = [p for p in SOURCE.split("\n\n") if len(p) > 20]
    mixed = []
    for i, paragraph in enumerate(pasted[:18]):
        mixed.append(paragraph)
        if i % 2 == 1:
            mixed.append(own[i // 2])
    return "\n\n".join(mixed)


def test_shingle_containment_on_real_texts():
    source = shingles(SOURCE)
    assert containment(shingles(REWRITE), source) < 0.35           # a real, different write-up of the policy
    assert containment(shingles("为便于理解，现将有关内容解读如下。\n\n" + SOURCE), source) > 0.95
    assert 0.6 < containment(shingles(_mostly_pasted()), source) < 0.9


@pytest.mark.parametrize("body, fires", [
    (REWRITE, False),
    ("为便于公众理解，现将《失业保险条例》主要内容解读如下。\n\n" + SOURCE, True),
    (_mostly_pasted(), True),
], ids=["real-rewrite", "pasted", "mostly-pasted"])
def test_copies_source(tmp_path, body, fires):
    files = {"normative/a.md": normative(body=SOURCE), "interpretation/a.md": interpretation(body=body)}
    where, found = run(tmp_path, files, "interpretation-copies-source")
    assert where == ({"interpretation/a.md:9 [interpretation-copies-source]"} if fires else set())


def test_copies_source_silent_on_short_captions(tmp_path):
    files = {"normative/a.md": normative(body=SOURCE),
             "interpretation/a.md": interpretation(body=SOURCE[:60] + "\n")}
    assert run(tmp_path, files, "interpretation-copies-source")[0] == set()


def test_copies_source_is_fast_on_many_documents(tmp_path):
    import time
    files = {}
    for n in range(1, 201):
        files[f"normative/n{n}.md"] = normative(n=n, body=SOURCE)
        files[f"interpretation/i{n}.md"] = interpretation(f"normative/n{n}", n=1000 + n, body=REWRITE)
    content = write_site(tmp_path, files)
    start = time.perf_counter()
    findings = check(content)
    assert not [f for f in findings if f.rule == "interpretation-copies-source"]
    assert time.perf_counter() - start < 20


# --- interpretation-headings-only ---------------------------------------------------------------

HEADINGS_ONLY = "## 一、出台背景\n\n## 二、主要内容\n\n## 三、适用对象\n\n## 四、办理方式\n"
WITH_PROSE = "".join(f"## {h}\n\n{'这一部分用通俗的话讲清楚政策的来龙去脉、具体措施和群众怎样办理，便于理解和执行。' * 2}\n\n"
                     for h in ("一、出台背景", "二、主要内容", "三、适用对象", "四、办理方式"))


def test_headings_only(tmp_path):
    files = {"normative/a.md": normative(), "interpretation/a.md": interpretation(body=HEADINGS_ONLY)}
    assert run(tmp_path, files, "interpretation-headings-only")[0] == {"interpretation/a.md:9 [interpretation-headings-only]"}


def test_headings_only_counts_bold_paragraphs_as_headings(tmp_path):
    body = "**一、出台背景**\n\n**二、主要内容**\n\n**三、适用对象**\n\n简短。\n"
    files = {"normative/a.md": normative(), "interpretation/a.md": interpretation(body=body)}
    assert run(tmp_path, files, "interpretation-headings-only")[0] == {"interpretation/a.md:9 [interpretation-headings-only]"}


def test_headings_only_silent_with_prose_parent_headings_or_pictures(tmp_path):
    nested = "## 一、政策要点\n\n" + WITH_PROSE.replace("## ", "### ")
    pictures = "".join(f"## 第{n}图\n\n![第{n}图](t{n}.png)\n\n" for n in range(1, 5))
    files = {"normative/a.md": normative(),
             "interpretation/prose.md": interpretation(body=WITH_PROSE),
             "interpretation/nested.md": interpretation(body=nested, n=102),
             "interpretation/pics/index.md": interpretation(body=pictures, n=103, forms="[图解]"),
             **{f"interpretation/pics/t{n}.png": PNG for n in range(1, 5)}}
    assert run(tmp_path, files, "interpretation-headings-only")[0] == set()


# --- interpretation-forms -----------------------------------------------------------------------

def test_forms_per_year_warns_on_the_first_interpretation_of_the_year(tmp_path):
    files = {"normative/a.md": normative(),
             "interpretation/a.md": interpretation(published="2026-03-05"),
             "interpretation/b/index.md": interpretation(published="2026-03-06", forms="[文字, 图解]", n=102),
             "interpretation/b/t.png": PNG,
             "interpretation/c.md": interpretation(published="2026-03-07", n=103)}
    where, found = run(tmp_path, files, "interpretation-forms")
    assert where == {"interpretation/a.md:6 [interpretation-forms]"}
    assert "1/3" in found[0].message and "1 种" in found[0].message


def test_forms_silent_with_half_non_text_and_two_forms(tmp_path):
    files = {"normative/a.md": normative(),
             "interpretation/a.md": interpretation(published="2026-03-05", forms="[文字, 简明问答]"),
             "interpretation/b/index.md": interpretation(published="2026-03-06", forms="[文字, 图解]", n=102),
             "interpretation/b/t.png": PNG}
    assert run(tmp_path, files, "interpretation-forms")[0] == set()


# --- interpretation-form-unbacked ---------------------------------------------------------------

def test_form_unbacked_image_and_video(tmp_path):
    files = {"normative/a.md": normative(),
             "interpretation/a.md": interpretation(forms="\n  - 文字\n  - 图解\n  - 视频")}
    # forms as a block list: 6 forms:, 7 - 文字, 8 - 图解, 9 - 视频
    assert run(tmp_path, files, "interpretation-form-unbacked")[0] == {
        "interpretation/a.md:8 [interpretation-form-unbacked]", "interpretation/a.md:9 [interpretation-form-unbacked]"}


def test_form_unbacked_silent_with_image_file_media_file_and_link(tmp_path):
    files = {"normative/a.md": normative(),
             # A media file is published when the body links it (content-model: the publication boundary).
             "interpretation/a/index.md": interpretation(forms="[图解, 视频]",
                                                         body="![一图读懂](tujie.png)\n\n[视频解读](shipin.mp4)\n"),
             "interpretation/a/tujie.png": PNG,
             "interpretation/a/shipin.mp4": b"\0\0\0\x18ftypmp42",
             "interpretation/b.md": interpretation(forms="[音频]", n=102,
                                                   body="[收听音频解读](https://www.example.gov.cn/audio/1.mp3)\n")}
    assert run(tmp_path, files, "interpretation-form-unbacked")[0] == set()
