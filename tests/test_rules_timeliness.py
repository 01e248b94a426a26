"""Timeliness and whole-column rules (rules.md: 时效与栏目整体): publish-late on the holiday calendar,
empty and stale columns reported on their site.yml line, and the 错敏字 word list."""

from __future__ import annotations

import datetime as dt
import time

import pytest

from conftest import ORG, SITE_YML, TODAY, check, doc, located, write_site

SMALL_SITE = f"""\
name: 测试县人力资源和社会保障局
org_code: "{ORG}"
topics: [就业创业]
columns:
  - {{id: news, title: 工作动态, folder: news, kind: article}}
  - id: results
    title: 结果公开
    children:
      - {{id: subsidy, title: 补贴发放, folder: subsidy, kind: article, update_every: quarter}}
      - {{id: funds, title: 资金使用, folder: funds, kind: article}}
  - {{id: normative, title: 行政规范性文件, folder: normative, kind: normative}}
"""
# Lines of SMALL_SITE: 5 news, 6 results, 9 subsidy, 10 funds, 11 normative.


def article(published: str = "2026-10-10", n: int = 1, title: str = "工作动态", body: str = "正文。\n") -> str:
    """1 ---, 2 title, 3 index_no, 4 published, 5 ---, 6 body."""
    return doc(f'title: {title}\nindex_no: "{ORG}/{published[:4]}-{n:05d}"\npublished: {published}', body)


def run(tmp_path, files, rule, today: dt.date = TODAY, site_yml: str = SITE_YML):
    findings = [f for f in check(write_site(tmp_path, files, site_yml), today) if f.rule == rule]
    return located(findings), findings


# --- publish-late -------------------------------------------------------------------------------

def normative(written: str, published: str, n: int = 1) -> str:
    """1 ---, 2 title, 3 doc_no, 4 index_no, 5 written, 6 published."""
    return doc(f'title: 办法{n}\ndoc_no: 测人社发〔{written[:4]}〕{n}号\nindex_no: "{ORG}/{published[:4]}-{n:05d}"\n'
               f"written: {written}\npublished: {published}\ntopic: 就业创业\nvalid_until: 2031-01-01")


def test_publish_late_after_twenty_working_days(tmp_path):
    # 2026-03-02 + 20 working days = 2026-03-30.
    files = {"normative/late.md": normative("2026-03-02", "2026-03-31"),
             "normative/ok.md": normative("2026-03-02", "2026-03-30", n=2)}
    where, found = run(tmp_path, files, "publish-late")
    assert where == {"normative/late.md:6 [publish-late]"} and "2026-03-30" in found[0].message


def test_publish_late_per_kind_days(tmp_path):
    site_yml = SITE_YML.replace("rules: {}", "rules: {publish-late: {days: 20, normative_days: 7}}")
    files = {"normative/a.md": normative("2026-03-02", "2026-03-12"),
             "policy/b.md": doc(f'title: 通知\ndoc_no: 测人社函〔2026〕2号\nindex_no: "{ORG}/2026-00002"\n'
                                "written: 2026-03-02\npublished: 2026-03-12\ntopic: 就业创业")}
    where, found = run(tmp_path, files, "publish-late", site_yml=site_yml)
    assert where == {"normative/a.md:6 [publish-late]"} and "2026-03-11" in found[0].message


def test_publish_late_in_a_year_without_calendar_data_warns(tmp_path):
    files = {"normative/a.md": normative("2026-12-20", "2027-01-25")}
    where, found = run(tmp_path, files, "publish-late", today=dt.date(2027, 3, 1))
    assert where == {"normative/a.md:6 [publish-late]"}
    assert found[0].severity == "warning" and "2027" in found[0].message and "calendar" in found[0].message


def test_publish_late_silent_when_the_site_adds_the_year(tmp_path):
    site_yml = SITE_YML.replace("calendar: {holidays: [], workdays: []}", "calendar: {holidays: [2027-01-01]}")
    files = {"normative/a.md": normative("2026-12-20", "2027-01-14")}
    assert run(tmp_path, files, "publish-late", today=dt.date(2027, 3, 1), site_yml=site_yml)[0] == set()


# --- column-empty -------------------------------------------------------------------------------

def test_column_empty_is_a_warning_on_the_column_line(tmp_path):
    files = {"news/a.md": article(), "subsidy/a.md": article(), "normative/_index.md": "本栏目暂无文件。\n"}
    where, found = run(tmp_path, files, "column-empty", site_yml=SMALL_SITE)
    assert where == {"site.yml:10 [column-empty]", "site.yml:11 [column-empty]"}
    assert {f.severity for f in found} == {"warning"}


def test_column_empty_grouping_column_counts_only_when_all_children_are_empty(tmp_path):
    where, _ = run(tmp_path, {"news/a.md": article(), "normative/a.md": normative("2026-03-02", "2026-03-04")},
                   "column-empty", site_yml=SMALL_SITE)
    assert where == {"site.yml:6 [column-empty]", "site.yml:9 [column-empty]", "site.yml:10 [column-empty]"}


def test_column_empty_five_or_more_are_errors(tmp_path):
    # The shared test site has ten columns; with only news filled, eight are blank.
    where, found = run(tmp_path, {"news/a.md": article()}, "column-empty")
    assert len(where) == 8 and {f.severity for f in found} == {"error"}


def test_column_empty_silent_with_hidden_content_counted_as_empty(tmp_path):
    files = {"news/a.md": article(), "subsidy/a.md": article(), "funds/a.yml": "title: 资金表\ncolumns: [{key: a, title: 项目}]\nrows: []\n",
             "normative/a.md": normative("2026-03-02", "2026-03-04")}
    assert run(tmp_path, files, "column-empty", site_yml=SMALL_SITE)[0] == set()
    files["normative/a.md"] = normative("2026-03-02", "2026-12-04")  # embargoed: not there yet
    assert run(tmp_path, files, "column-empty", site_yml=SMALL_SITE)[0] == {"site.yml:11 [column-empty]"}


# --- column-stale -------------------------------------------------------------------------------

def test_column_stale_quarterly_column(tmp_path):
    files = {"news/a.md": article(), "subsidy/a.md": article("2026-06-01"), "funds/a.md": article("2025-01-01")}
    where, found = run(tmp_path, files, "column-stale", site_yml=SMALL_SITE)
    assert where == {"site.yml:9 [column-stale]"} and "2026-09-01" in found[0].message


def test_column_stale_silent_when_recent(tmp_path):
    files = {"news/a.md": article(), "subsidy/a.md": article("2026-06-01"), "subsidy/b.md": article("2026-10-01", n=2)}
    assert run(tmp_path, files, "column-stale", site_yml=SMALL_SITE)[0] == set()


# --- wording ------------------------------------------------------------------------------------

def test_wording_on_title_and_body_lines_with_the_replacement(tmp_path):
    body = "第一段。\n\n截止目前，已做为重点工作。\n\n认真贯彻党中央国务院决策部署。\n"
    where, found = run(tmp_path, {"news/a.md": article(title="截止到10月底就业情况", body=body)}, "wording")
    assert where == {"news/a.md:2 [wording]", "news/a.md:8 [wording]", "news/a.md:10 [wording]"}
    messages = " ".join(f.message for f in found)
    assert "“截至”" in messages and "“作为”" in messages and "“党中央、国务院”" in messages and len(found) == 4


def test_wording_skips_keywords_and_correct_text(tmp_path):
    text = doc(f'title: 示例县“十四五”就业规划\nindex_no: "{ORG}/2026-00001"\npublished: 2026-10-10\n'
               "keywords: [十四五规划]", "截至目前，已作为重点工作，党中央、国务院高度重视。\n")
    assert run(tmp_path, {"news/a.md": text}, "wording")[0] == set()


def test_wording_site_list_adds_and_ignores_words(tmp_path):
    wordlist = "words:\n  示范县: 示例县\nignore: [做为]\n"
    body = "示范县做为试点。\n"
    where, found = run(tmp_path, {"news/a.md": article(body=body), "wordlist.yml": wordlist}, "wording")
    assert where == {"news/a.md:6 [wording]"} and "“示例县”" in found[0].message


def test_wording_list_mistakes_are_reported_on_their_line(tmp_path):
    wordlist = "words:\n  - 示范县\nextra: 1\n"
    where, _ = run(tmp_path, {"news/a.md": article(), "wordlist.yml": wordlist}, "front-matter-invalid")
    assert where == {"wordlist.yml:1 [front-matter-invalid]", "wordlist.yml:3 [front-matter-invalid]"}


def test_wording_scans_intros_and_catalogues(tmp_path):
    files = {"news/_index.md": "本栏目公开工作动态。\n\n截止目前共发布信息。\n",
             "news/a.yml": "title: 帐户清单\ncolumns: [{key: a, title: 项目}]\nrows: []\n"}
    assert run(tmp_path, files, "wording")[0] == {"news/_index.md:3 [wording]", "news/a.yml:1 [wording]"}


def test_wording_is_one_pass_over_thousands_of_documents(tmp_path):
    from gen.rules.wording import _compiled, scan
    words, pattern = _compiled((), ())
    text = ("各乡镇人民政府，县直有关单位：为促进就业，根据有关规定，结合我县实际，制定本办法。" * 80 + "\n") * 4
    start = time.perf_counter()
    hits = sum(1 for _ in range(2000) for _ in scan(text, pattern))
    assert hits == 0 and time.perf_counter() - start < 5
    assert list(scan("甲\n乙做为丙\n截止目前", pattern)) == [(2, "做为"), (3, "截止目前")]


def test_default_wordlist_is_shipped_and_quiet_on_real_official_texts():
    import json
    from pathlib import Path
    from gen.rules.wording import _compiled, default_words, scan
    assert len(default_words()) >= 50  # gen/data/wordlist.yml must ship with the package
    fixture = json.loads((Path(__file__).parent / "fixtures" / "copies_source.json").read_text(encoding="utf-8"))
    _, pattern = _compiled((), ())
    assert [hit for part in ("source", "rewrite") for hit in scan(fixture[part]["body"], pattern)] == []


def test_the_calendar_answers_as_chinese_calendar_on_every_day_it_covers():
    """Working days are read from chinese-calendar's tables directly (its is_workday checks the
    whole table on each call): the answers must be the library's own, on every day of every year."""
    import datetime as dt
    import chinese_calendar
    from gen.model.workdays import Calendar
    calendar = Calendar()
    day, last = min(chinese_calendar.holidays), max(chinese_calendar.holidays)
    day, last = day.replace(month=1, day=1), last.replace(month=12, day=31)
    while day <= last:
        assert calendar.has_data(day) and calendar.is_workday(day) == chinese_calendar.is_workday(day), day
        day += dt.timedelta(days=1)
    beyond = last + dt.timedelta(days=1)
    assert not calendar.has_data(beyond)
    with pytest.raises(NotImplementedError):
        chinese_calendar.is_workday(beyond)  # the library knows no more than it says
    site_year = Calendar(holidays={beyond}, workdays={beyond + dt.timedelta(days=5)})
    assert site_year.has_data(beyond) and not site_year.is_workday(beyond) and site_year.is_workday(beyond + dt.timedelta(days=5))
