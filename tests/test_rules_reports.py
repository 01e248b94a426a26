"""Guide, annual report, consultation and catalogue rules (rules.md: 指南、年报、意见征集)."""

from __future__ import annotations

import datetime as dt

import pytest

from conftest import ORG, PDF_BYTES, ROOT, SITE_YML, TODAY, check, doc, docx_bytes, located, write_site


def line_of(text: str, start: str) -> int:
    """1-based line of the first line of `text` that starts with `start`."""
    return next(i for i, line in enumerate(text.splitlines(), 1) if line.lstrip().startswith(start))


def run(tmp_path, files, rule, today: dt.date = TODAY, site_yml: str = SITE_YML):
    findings = [f for f in check(write_site(tmp_path, files, site_yml), today) if f.rule == rule]
    return located(findings), findings


def report(year: int, published: str, extra: str = "", n: int = 90) -> str:
    """1 ---, 2 title, 3 index_no, 4 published, 5 year, 6… extra."""
    return doc(f'title: {year}年政府信息公开工作年度报告\nindex_no: "{ORG}/{published[:4]}-{n:05d}"\n'
               f"published: {published}\nyear: {year}" + (f"\n{extra}" if extra else ""))


# --- guides -------------------------------------------------------------------------------------

def guide(revised: str | None) -> str:
    """1 ---, 2 title, 3 index_no, 4 published, 5 revised."""
    front = f'title: 政府信息公开指南\nindex_no: "{ORG}/2025-00001"\npublished: 2025-01-10'
    return doc(front + (f"\nrevised: {revised}" if revised else ""))


def test_guide_revision(tmp_path):
    assert run(tmp_path, {"guide/a.md": guide(None)}, "guide-revision")[0] == {"guide/a.md:1 [guide-revision]"}
    assert run(tmp_path, {"guide/a.md": guide("2026-03-01")}, "guide-revision")[0] == set()


def test_guide_stale_after_twelve_months(tmp_path):
    where, found = run(tmp_path, {"guide/a.md": guide("2025-10-01")}, "guide-stale")
    assert where == {"guide/a.md:5 [guide-stale]"} and "2026-10-01" in found[0].message


def test_guide_stale_silent_within_twelve_months(tmp_path):
    assert run(tmp_path, {"guide/a.md": guide("2025-11-23")}, "guide-stale")[0] == set()


# --- annual reports -----------------------------------------------------------------------------

SINCE = f"site.yml:{line_of(SITE_YML, 'annual_reports_since')}"


def test_annual_report_gap_is_reported_on_site_yml(tmp_path):
    where, found = run(tmp_path, {}, "annual-report-gap")
    assert where == {f"{SINCE} [annual-report-gap]"}
    assert found[0].severity == "error" and "2025" in found[0].message


def test_annual_report_gap_in_january_is_a_warning_with_the_due_date(tmp_path):
    where, found = run(tmp_path, {}, "annual-report-gap", today=dt.date(2026, 1, 15))
    assert where == {f"{SINCE} [annual-report-gap]"}
    assert found[0].severity == "warning" and "2026-01-31" in found[0].message


def test_annual_report_gap_one_finding_per_missing_year(tmp_path):
    site_yml = SITE_YML.replace("annual_reports_since: 2025", "annual_reports_since: 2022")
    files = {"annual-report/2023.md": report(2023, "2024-01-20")}
    _, found = run(tmp_path, files, "annual-report-gap", site_yml=site_yml)
    assert sorted(f.message[3:7] for f in found) == ["2022", "2024", "2025"]


def test_annual_report_gap_silent(tmp_path):
    assert run(tmp_path, {"annual-report/2025.md": report(2025, "2026-01-20")}, "annual-report-gap")[0] == set()


def test_annual_report_duplicate(tmp_path):
    files = {"annual-report/a.md": report(2025, "2026-01-20"), "annual-report/b.md": report(2025, "2026-01-21", n=91)}
    assert run(tmp_path, files, "annual-report-duplicate")[0] == {"annual-report/b.md:5 [annual-report-duplicate]"}


def test_annual_report_duplicate_silent(tmp_path):
    files = {"annual-report/a.md": report(2024, "2025-01-20"), "annual-report/b.md": report(2025, "2026-01-21", n=91)}
    assert run(tmp_path, files, "annual-report-duplicate")[0] == set()


def test_annual_report_late(tmp_path):
    where, found = run(tmp_path, {"annual-report/a.md": report(2025, "2026-02-10")}, "annual-report-late")
    assert where == {"annual-report/a.md:4 [annual-report-late]"} and "2026-01-31" in found[0].message


def test_annual_report_late_silent_on_the_last_day_and_under_the_2008_rules(tmp_path):
    files = {"annual-report/a.md": report(2025, "2026-01-31"), "annual-report/old.md": report(2018, "2019-03-20", n=91)}
    assert run(tmp_path, files, "annual-report-late")[0] == set()


# --- annual-report-figures -------------------------------------------------------------------------

def normative(n: int, published: str) -> str:
    return doc(f'title: 办法{n}\ndoc_no: 测人社发〔{published[:4]}〕{n}号\nindex_no: "{ORG}/{published[:4]}-{n:05d}"\n'
               f"written: {published}\npublished: {published}\ntopic: 就业创业\nvalid_until: 2030-01-01")


BALANCED = """applications:
  本年新收: [5, 1, 0, 0, 0, 0]
  上年结转: [1, 0, 0, 0, 0, 0]
  办理结果:
    予以公开: [3, 1, 0, 0, 0, 0]
    无法提供: {本机关不掌握相关政府信息: [2, 0, 0, 0, 0, 0]}
  结转下年度: [1, 0, 0, 0, 0, 0]"""
# In report(…, BALANCED): 6 applications, 7 本年新收, 8 上年结转, 9 办理结果, 10 予以公开, 11 无法提供, 12 结转下年度.


def test_figures_typed_normative_row_is_checked_against_the_column(tmp_path):
    extra = "active:\n  行政规范性文件: {本年制发: 3, 本年废止: 0, 现行有效: 2}"
    files = {"normative/a.md": normative(1, "2025-03-04"), "normative/b.md": normative(2, "2025-06-04"),
             "annual-report/2025.md": report(2025, "2026-01-20", extra)}
    where, found = run(tmp_path, files, "annual-report-figures")
    assert where == {"annual-report/2025.md:7 [annual-report-figures]"}
    assert "本年制发" in found[0].message and "为 3" in found[0].message and "2" in found[0].message


def test_figures_unbalanced_applications_table(tmp_path):
    extra = BALANCED.replace("本年新收: [5, 1", "本年新收: [6, 1")
    where, found = run(tmp_path, {"annual-report/2025.md": report(2025, "2026-01-20", extra)}, "annual-report-figures")
    assert where == {"annual-report/2025.md:6 [annual-report-figures]"}
    assert "自然人" in found[0].message and "7" in found[0].message and "6" in found[0].message


@pytest.mark.parametrize("change, line", [
    (("本年新收: [5, 1, 0, 0, 0, 0]", "本年新收: [5, 1]"), 7),                             # wrong width
    (("予以公开: [3, 1, 0, 0, 0, 0]", "予以全部公开: [3, 1, 0, 0, 0, 0]"), 10),           # unknown outcome
    (("本机关不掌握相关政府信息", "不知道"), 11),                                        # unknown reason
])
def test_figures_unreadable_rows_are_reported_on_their_line(tmp_path, change, line):
    extra = BALANCED.replace(*change)
    where, _ = run(tmp_path, {"annual-report/2025.md": report(2025, "2026-01-20", extra)}, "annual-report-figures")
    assert where == {f"annual-report/2025.md:{line} [annual-report-figures]"}


def test_figures_unknown_active_row_and_review_row(tmp_path):
    extra = "active:\n  行政审批: {本年处理决定数量: 3}\nreview:\n  行政复议: [1, 0, 0]"
    where, _ = run(tmp_path, {"annual-report/2025.md": report(2025, "2026-01-20", extra)}, "annual-report-figures")
    assert where == {"annual-report/2025.md:7 [annual-report-figures]", "annual-report/2025.md:9 [annual-report-figures]"}


def test_figures_silent_when_balanced_and_matching(tmp_path):
    extra = BALANCED + "\nactive:\n  行政规范性文件: {本年制发: 2, 本年废止: 0, 现行有效: 2}\n  行政许可: {本年处理决定数量: 12}" \
        "\nreview:\n  行政复议: [1, 0, 0, 0]"
    files = {"normative/a.md": normative(1, "2025-03-04"), "normative/b.md": normative(2, "2025-06-04"),
             "annual-report/2025.md": report(2025, "2026-01-20", extra)}
    assert run(tmp_path, files, "annual-report-figures")[0] == set()


# --- consultations ------------------------------------------------------------------------------

def consultation(extra: str = "", body: str = "征求意见稿全文。\n", closes: str = "2026-11-10") -> str:
    """1 ---, 2 title, 3 index_no, 4 published, 5 opens, 6 closes, 7… extra."""
    return doc(f'title: 关于征求意见的公告\nindex_no: "{ORG}/2026-00050"\npublished: 2026-10-10\n'
               f"opens: 2026-10-10\ncloses: {closes}" + (f"\n{extra}" if extra else ""), body)


def test_consultation_material_both_missing(tmp_path):
    where, found = run(tmp_path, {"consultation/a.md": consultation()}, "consultation-material")
    assert where == {"consultation/a.md:1 [consultation-material]"}
    assert sorted("起草说明" in f.message for f in found) == [False, True] and len(found) == 2


def test_consultation_material_named_file_is_missing(tmp_path):
    files = {"consultation/a/index.md": consultation("explanation: 起草说明.docx\nbasis: 依据《就业促进法》第十五条。")}
    assert run(tmp_path, files, "consultation-material")[0] == {"consultation/a/index.md:7 [consultation-material]"}


@pytest.mark.parametrize("files", [
    {"consultation/a.md": consultation("explanation: 为落实……起草本办法。\nbasis: 《中华人民共和国就业促进法》")},
    {"consultation/a/index.md": consultation(), "consultation/a/起草说明.docx": docx_bytes(),
     "consultation/a/政策依据.pdf": PDF_BYTES},
    {"consultation/a/index.md": consultation("explanation: qicao.docx\nbasis: yiju.pdf"),
     "consultation/a/qicao.docx": docx_bytes(), "consultation/a/yiju.pdf": PDF_BYTES},
    {"consultation/a.md": consultation(body="## 一、起草说明\n\n说明。\n\n## 二、政策依据\n\n依据。\n")},
], ids=["fields", "attachments", "named-files", "headings"])
def test_consultation_material_silent(tmp_path, files):
    assert run(tmp_path, files, "consultation-material")[0] == set()


def test_consultation_feedback_thirty_days_after_closing(tmp_path):
    where, found = run(tmp_path, {"consultation/a.md": consultation(closes="2026-10-20")}, "consultation-feedback")
    assert where == {"consultation/a.md:6 [consultation-feedback]"} and "2026-11-19" in found[0].message


def test_consultation_feedback_naming_an_unpublished_document(tmp_path):
    files = {"consultation/a.md": consultation("feedback: news/fankui", closes="2026-10-20"),
             "news/fankui.md": doc(f'title: 意见采纳情况\nindex_no: "{ORG}/2026-00051"\npublished: 2026-11-23\ndraft: true')}
    assert run(tmp_path, files, "consultation-feedback")[0] == {"consultation/a.md:7 [consultation-feedback]"}


@pytest.mark.parametrize("files", [
    {"consultation/a.md": consultation(closes="2026-10-24")},
    {"consultation/a.md": consultation("feedback: 共收到意见5条，采纳3条；未采纳2条，理由是与上位法不一致。", closes="2026-10-20")},
    {"consultation/a.md": consultation("feedback: news/fankui", closes="2026-10-20"),
     "news/fankui.md": doc(f'title: 意见采纳情况\nindex_no: "{ORG}/2026-00051"\npublished: 2026-11-02')},
    {"consultation/a.md": consultation("feedback: 测人社函〔2026〕9号", closes="2026-10-20"),
     "policy/fankui.md": doc(f'title: 意见采纳情况的函\ndoc_no: 测人社函〔2026〕9号\nindex_no: "{ORG}/2026-00051"\n'
                             "published: 2026-11-02\ntopic: 就业创业")},
    {"consultation/a.md": consultation(body="## 意见反馈情况\n\n共收到意见5条。\n", closes="2026-10-20")},
], ids=["inside-30-days", "text", "reference-id", "reference-doc-no", "heading"])
def test_consultation_feedback_silent(tmp_path, files):
    assert run(tmp_path, files, "consultation-feedback")[0] == set()


# --- catalogue-row ------------------------------------------------------------------------------

PHONEBOOK = """\
title: 机构电话簿
columns:
  - {key: name, title: 股室}
  - {key: phone, title: 电话}
rows:
  - {name: 办公室, phone: 0564-1234567}
  - name: 就业股
    fax: 0564-1234568
  - {name: 社保股, phone: 0564-1234569}
"""


def test_catalogue_row_missing_and_undeclared_columns(tmp_path):
    where, found = run(tmp_path, {"org/phonebook.yml": PHONEBOOK}, "catalogue-row")
    assert where == {"org/phonebook.yml:7 [catalogue-row]", "org/phonebook.yml:8 [catalogue-row]"}
    assert any("fax" in f.message for f in found) and any("phone（电话）" in f.message for f in found)


def test_catalogue_row_silent(tmp_path):
    good = PHONEBOOK.replace("    fax: 0564-1234568", "    phone: 0564-1234568")
    assert run(tmp_path, {"org/phonebook.yml": good}, "catalogue-row")[0] == set()


# --- reports held against each other (annual-report-repeats, annual-report-carry) ----------------

SEED_002 = ROOT.parent / "shared" / "seeds" / "002_497fde66ac071d17.txt"

NEXT_YEAR = """2022年，我局围绕稳就业、保民生，把政策公开和解读作为重点，推动政务公开标准化规范化向基层延伸。

一、完善监督保障机制

年初印发政务公开工作要点，逐项明确责任科室和完成时限；每季度召开一次专题调度会，对照考核指标查找差距。全年组织两期业务培训，覆盖县区人社部门信息员六十余人次，重点讲解公开属性认定和依申请公开答复规范。

二、加强政府信息主动公开

围绕社会保险待遇调整、职业技能提升行动和根治欠薪冬季专项行动，集中发布政策文件十二件、办事指南二十三项。新开设“稳岗返还”专题，公开返还企业名单和资金拨付进度，按月更新。对新出台的四件政策文件同步制作图解和短视频，解读发布时间均在文件公开后三个工作日内。

三、存在的主要问题和下一步工作计划

对照年度考核通报，我局仍有三方面短板：基层服务站点公开的办事指南与市级版本不一致，群众反映办事材料前后要求不同；结果类信息更新滞后，部分补贴发放名单超过一个季度才公示；个别答复书引用条款不够准确。2023年，我局将统一市、县、乡三级办事指南文本，建立结果信息按月公示台账，所有答复书经法制审核后出具，并邀请社会监督员参与年度评议。
"""


def _seed_body() -> str:
    if not SEED_002.is_file():
        pytest.skip("../shared/seeds not present")
    return "\n\n".join(line.strip() for line in SEED_002.read_text(encoding="utf-8").splitlines() if line.strip()) + "\n"


def _year_report(year: int, body: str, n: int) -> str:
    return doc(f'title: {year}年政府信息公开工作年度报告\nindex_no: "{ORG}/{year + 1}-{n:05d}"\n'
               f"published: {year + 1}-01-20\nyear: {year}", body)


def test_annual_report_repeats_silent_for_the_real_report_and_a_genuinely_different_next_year(tmp_path):
    files = {"annual-report/r2021.md": _year_report(2021, _seed_body(), 91),
             "annual-report/r2022.md": _year_report(2022, NEXT_YEAR, 92)}
    assert run(tmp_path, files, "annual-report-repeats")[0] == set()


def test_annual_report_repeats_names_the_year_and_section_it_repeats(tmp_path):
    seed = _seed_body()
    problems = seed[seed.index("三、存在的主要问题"):]
    copied = NEXT_YEAR[: NEXT_YEAR.index("三、存在的主要问题")] + problems
    files = {"annual-report/r2021.md": _year_report(2021, seed, 91),
             "annual-report/r2022.md": _year_report(2022, copied, 92)}
    located_, findings = run(tmp_path, files, "annual-report-repeats")
    heading = line_of(files["annual-report/r2022.md"], "三、存在的主要问题")
    assert located_ == {f"annual-report/r2022.md:{heading} [annual-report-repeats]"}
    assert "2021 年" in findings[0].message and "存在的主要问题及改进情况" in findings[0].message


def test_annual_report_repeats_looks_back_three_years_only(tmp_path):
    section = ("## 五、存在的主要问题及改进情况\n\n" + "政策解读形式仍以文字为主，图解和视频解读数量偏少；部分栏目更新频率不够稳定，"
               "个别办事指南未及时修订；依申请公开答复文书的说理部分还不够充分。下一步将增加图解和视频解读，建立栏目更新台账，"
               "每季度核对一次办事指南，答复文书参照省级示范文本制作并经法制审核。\n")
    other = "## 五、存在的主要问题及改进情况\n\n" + NEXT_YEAR.split("三、存在的主要问题和下一步工作计划", 1)[1]
    files = {"annual-report/r2020.md": _year_report(2020, section, 90),
             "annual-report/r2021.md": _year_report(2021, other.replace("2023年", "2022年"), 91),
             "annual-report/r2022.md": _year_report(2022, "## 五、存在的主要问题及改进情况\n\n本年度新发现的问题是网站无障碍改造尚未完成，"
                                                    "读屏软件无法识别部分表格表头；已列入明年改造计划，一季度完成全部页面检测和修复工作，"
                                                    "并邀请视障人士参与验收，验收结果在专栏公开。\n", 92),
             "annual-report/r2023.md": _year_report(2023, section, 93)}
    located_, findings = run(tmp_path, files, "annual-report-repeats")
    assert located_ == {"annual-report/r2023.md:7 [annual-report-repeats]"} and "2020 年" in findings[0].message
    files["annual-report/r2019.md"] = files.pop("annual-report/r2020.md").replace("year: 2020", "year: 2019")
    assert run(tmp_path / "b", files, "annual-report-repeats")[0] == set()  # four years back: not compared


@pytest.mark.parametrize("heading", ["## 五、存在的主要问题及改进情况", "**五、存在的主要问题和改进措施**",
                                     "五. 存在问题及下一步工作", "### 第五部分 主要问题和改进情况"])
def test_report_sections_are_found_under_the_headings_real_reports_use(heading):
    from gen.content.markdown import parse
    from gen.rules.reports import report_sections

    class Report:
        body = parse(f"## 一、总体情况\n\n概况文字。\n\n{heading}\n\n问题文字。\n", "r.md", 1)
    if heading.startswith("###"):
        Report.body = parse(f"### 第一部分 总体情况\n\n概况文字。\n\n{heading}\n\n问题文字。\n", "r.md", 1)
    sections = report_sections(Report)
    assert sections["总体情况"][1] == "概况文字。" and sections["存在的主要问题及改进情况"][1] == "问题文字。"


def _applications(carried_in: list[int], received: list[int], out: list[int]) -> str:
    done = [a + b - c for a, b, c in zip(received, carried_in, out)]
    return (f"applications:\n  本年新收: {received}\n  上年结转: {carried_in}\n"
            f"  办理结果:\n    予以公开: {done}\n  结转下年度: {out}")


def test_annual_report_carry_differs_from_the_previous_years_carry_out(tmp_path):
    files = {"annual-report/2024.md": report(2024, "2025-01-20", _applications([0] * 6, [5, 1, 0, 0, 0, 0], [2, 0, 0, 0, 0, 1]), 91),
             "annual-report/2025.md": report(2025, "2026-01-20", _applications([1, 0, 0, 0, 0, 1], [3, 0, 0, 0, 0, 0], [0] * 6), 92)}
    located_, findings = run(tmp_path, files, "annual-report-carry")
    assert located_ == {"annual-report/2025.md:8 [annual-report-carry]"}
    assert "自然人" in findings[0].message and "其他" not in findings[0].message.split("。")[0].split("：", 1)[1]


def test_annual_report_carry_silent_when_consecutive_tables_agree(tmp_path):
    files = {"annual-report/2024.md": report(2024, "2025-01-20", _applications([0] * 6, [5, 1, 0, 0, 0, 0], [2, 0, 0, 0, 0, 1]), 91),
             "annual-report/2025.md": report(2025, "2026-01-20", _applications([2, 0, 0, 0, 0, 1], [3, 0, 0, 0, 0, 0], [0] * 6), 92),
             "annual-report/2023.md": report(2023, "2024-01-20", "", 90)}
    assert run(tmp_path, files, "annual-report-carry")[0] == set()


def test_an_annual_report_page_links_the_previous_and_next_years(tmp_path):
    from conftest import build
    files = {f"annual-report/r{y}.md": _year_report(y, "## 一、总体情况\n\n正文。\n", 90 + y - 2020) for y in (2022, 2023, 2025)}
    files["annual-report/draft2024.md"] = _year_report(2024, "正文。\n", 99).replace("year: 2024", "year: 2024\ndraft: true")
    out = tmp_path / "site"
    yml = SITE_YML.replace("rules: {}", "rules: {column-empty: off, annual-report-gap: off}")
    result = build(write_site(tmp_path, files, yml), out, search=False)
    assert result.written, [(f.file, f.rule) for f in result.findings if f.severity == "error"]
    page = (out / "annual-report/r2023/index.html").read_text(encoding="utf-8")
    nav = page[page.index('class="report-years"'):page.index("</nav>", page.index('class="report-years"'))]
    assert 'rel="prev" href="../r2022/index.html"' in nav and 'rel="next" href="../r2025/index.html"' in nav  # drafts skipped
    first = (out / "annual-report/r2022/index.html").read_text(encoding="utf-8")
    assert 'rel="prev"' not in first and 'rel="next"' in first
