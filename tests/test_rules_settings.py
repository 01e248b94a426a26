"""Per-rule severities and thresholds in site.yml `rules:`, and mistakes in that section."""

from __future__ import annotations

import pytest

from conftest import ORG, SITE_YML, check, doc, located, write_site
from gen.rules import RULES, load_all

RULES_LINE = next(i for i, line in enumerate(SITE_YML.splitlines(), 1) if line.startswith("rules:"))


def with_rules(rules: str) -> str:
    return SITE_YML.replace("rules: {}", f"rules: {rules}")


def run(tmp_path, files, rules: str):
    return check(write_site(tmp_path, files, with_rules(rules)))


NORMATIVE = doc(f'title: 办法\ndoc_no: 测人社发〔2026〕1号\nindex_no: "{ORG}/2026-00001"\nwritten: 2026-03-02\n'
                "published: 2026-03-04\ntopic: 就业创业\nvalid_until: 2031-01-01\ndrafter: 就业股")
# 2026-03-04 + 3 working days = 03-09; + 5 = 03-11.
LATE_BY_FOUR = doc(f'title: 解读\nindex_no: "{ORG}/2026-00002"\npublished: 2026-03-10\ninterprets: normative/a\n'
                   "forms: [文字]\ndrafter: 就业股")
WRONG = doc(f'title: 工作动态\nindex_no: "{ORG}/2026-00003"\npublished: 2026-10-10', "截止目前，已做为重点。\n")


@pytest.mark.parametrize("setting", ["{wording: off}", "{wording: false}", "{wording: {severity: off}}"])
def test_wording_off(tmp_path, setting):
    assert located(run(tmp_path, {"news/a.md": WRONG}, setting), "wording") == set()
    assert located(check(write_site(tmp_path / "default", {"news/a.md": WRONG})), "wording") == {"news/a.md:6 [wording]"}


def test_interpretation_late_days_threshold(tmp_path):
    files = {"normative/a.md": NORMATIVE, "interpretation/a.md": LATE_BY_FOUR}
    assert located(check(write_site(tmp_path / "default", files)), "interpretation-late") == {
        "interpretation/a.md:4 [interpretation-late]"}
    assert located(run(tmp_path, files, "{interpretation-late: {days: 5}}"), "interpretation-late") == set()


def test_column_empty_raised_to_error(tmp_path):
    site = SITE_YML.split("columns:")[0] + "columns:\n  - {id: news, title: 工作动态, folder: news, kind: article}\n" \
        "  - {id: org, title: 机构信息, folder: org, kind: article}\nrules: {column-empty: error}\n"
    found = [f for f in check(write_site(tmp_path, {"news/a.md": WRONG}, site)) if f.rule == "column-empty"]
    assert located(found) == {"site.yml:8 [column-empty]"} and found[0].severity == "error"


def test_column_empty_error_threshold(tmp_path):
    found = [f for f in run(tmp_path, {"news/a.md": WRONG}, "{column-empty: {error_at: 20}}") if f.rule == "column-empty"]
    assert len(found) == 8 and {f.severity for f in found} == {"warning"}


def test_interpretation_missing_lowered_to_warning(tmp_path):
    found = [f for f in run(tmp_path, {"normative/a.md": NORMATIVE}, "{interpretation-missing: warning}")
             if f.rule == "interpretation-missing"]
    assert len(found) == 1 and found[0].severity == "warning"


def test_download_missing_kinds(tmp_path):
    policy = doc(f'title: 通知\nindex_no: "{ORG}/2026-00004"\npublished: 2026-03-04\ntopic: 就业创业')
    files = {"normative/a.md": NORMATIVE, "policy/b.md": policy}
    assert located(run(tmp_path, files, "{download-missing: {kinds: [normative]}}"), "download-missing") == {
        "normative/a.md:1 [download-missing]"}


def test_validity_period_years(tmp_path):
    long = NORMATIVE.replace("valid_until: 2031-01-01", "valid_until: 2034-01-01")
    assert located(check(write_site(tmp_path / "default", {"normative/a.md": long})), "validity-period")
    assert located(run(tmp_path, {"normative/a.md": long}, "{validity-period: {years: 10}}"), "validity-period") == set()


@pytest.mark.parametrize("setting, hint", [
    ("{wordng: off}", "是否应为“wording”"),
    ("{interpretation-late: {dyas: 5}}", "是否应为“days”"),
    ("{interpretation-late: {days: 三}}", "整数"),
    ("{interpretation-late: {days: 100000000}}", "整数"),
    ("{wording: warn}", "error、warning、off"),
    ("{wording: {severity: 严重}}", "error、warning、off"),
    ("{interpretation-copies-source: {similarity: 60}}", "0 到 1"),
    ("{download-missing: {kinds: normative}}", "列表"),
])
def test_mistakes_in_rules_are_reported_and_the_default_is_used(tmp_path, setting, hint):
    files = {"normative/a.md": NORMATIVE, "interpretation/a.md": LATE_BY_FOUR}
    findings = run(tmp_path, files, setting)
    mine = [f for f in findings if f.rule == "front-matter-invalid"]
    assert located(mine) == {f"site.yml:{RULES_LINE} [front-matter-invalid]"}
    assert hint in mine[0].message
    # The default threshold still applies: the interpretation is late by the default three days.
    assert located(findings, "interpretation-late") == {"interpretation/a.md:4 [interpretation-late]"}


def test_every_rule_has_a_chinese_title_and_numeric_defaults_are_valid():
    from gen.rules import setting_problem
    load_all()
    for rule in RULES.values():
        assert rule.title and rule.severity in ("error", "warning")
        for name, value in rule.defaults.items():
            assert setting_problem(value, value) is None, (rule.id, name)
