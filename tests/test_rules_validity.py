"""Validity rules (rules.md: 有效性): typed validity against the derived one, periods, review, citations."""

from __future__ import annotations

from conftest import ORG, check, doc, located, write_site


def normative(n: int, published: str, valid_until: str | None = None, extra: str = "", body: str = "正文。\n") -> str:
    """1 ---, 2 title, 3 doc_no, 4 index_no, 5 written, 6 published, 7 topic, 8 valid_until (if any), then extra."""
    year = published[:4]
    lines = [f"title: 测试办法{n}", f"doc_no: 测人社发〔{year}〕{n}号", f'index_no: "{ORG}/{year}-{n:05d}"',
             f"written: {published}", f"published: {published}", "topic: 就业创业"]
    if valid_until:
        lines.append(f"valid_until: {valid_until}")
    if extra:
        lines.append(extra)
    return doc("\n".join(lines), body)


def found(tmp_path, files, rule):
    return located(check(write_site(tmp_path, files)), rule)


def test_validity_conflict(tmp_path):
    files = {"normative/old.md": normative(1, "2024-03-04", "2029-01-01", "validity: 现行有效"),
             "normative/new.md": normative(2, "2026-03-04", "2031-01-01", "repeals: [normative/old]")}
    assert found(tmp_path, files, "validity-conflict") == {"normative/old.md:9 [validity-conflict]"}


def test_validity_conflict_silent_when_typed_right(tmp_path):
    files = {"normative/old.md": normative(1, "2024-03-04", "2029-01-01", "validity: 已废止"),
             "normative/new.md": normative(2, "2026-03-04", "2031-01-01", "repeals: [normative/old]\nvalidity: 现行有效")}
    assert found(tmp_path, files, "validity-conflict") == set()


def test_validity_period_missing_or_too_long(tmp_path):
    files = {"normative/none.md": normative(1, "2026-03-04"), "normative/long.md": normative(2, "2026-03-04", "2036-03-04")}
    assert found(tmp_path, files, "validity-period") == {"normative/none.md:1 [validity-period]",
                                                         "normative/long.md:8 [validity-period]"}


def test_validity_period_silent_within_five_years(tmp_path):
    assert found(tmp_path, {"normative/a.md": normative(1, "2026-03-04", "2031-03-03")}, "validity-period") == set()


def test_validity_review_due_within_six_months(tmp_path):
    files = {"normative/soon.md": normative(1, "2022-06-01", "2027-03-01"),
             "normative/later.md": normative(2, "2024-06-01", "2029-03-01")}
    assert found(tmp_path, files, "validity-review-due") == {"normative/soon.md:8 [validity-review-due]"}


def test_cites_invalid_from_a_valid_document(tmp_path):
    files = {"normative/old.md": normative(1, "2024-03-04", "2029-01-01"),
             "normative/new.md": normative(2, "2026-03-04", "2031-01-01", "repeals: [normative/old]"),
             "normative/cites.md": normative(3, "2026-05-04", "2031-01-01", body="按照[旧办法](old.md)执行。\n")}
    assert found(tmp_path, files, "cites-invalid") == {"normative/cites.md:10 [cites-invalid]"}


def test_cites_invalid_silent_for_a_report_citing_what_was_valid_then(tmp_path):
    report = doc(f'title: 2025年年报\nindex_no: "{ORG}/2026-00009"\npublished: 2026-01-20\nyear: 2025',
                 "制发了[办法](../normative/old.md)。\n")
    files = {"normative/old.md": normative(1, "2024-03-04", "2029-01-01"),
             "normative/new.md": normative(2, "2026-03-04", "2031-01-01", "repeals: [normative/old]"),
             "annual-report/2025.md": report,
             "normative/cites.md": normative(3, "2026-05-04", "2031-01-01", body="按照[新办法](new.md)执行。\n")}
    assert found(tmp_path, files, "cites-invalid") == set()


# --- relation-impossible --------------------------------------------------------------------------

def test_relation_impossible_cycle_names_every_file_once(tmp_path):
    files = {"normative/a.md": normative(1, "2026-03-04", "2031-01-01", "repeals: [normative/b]"),
             "normative/b.md": normative(2, "2026-03-04", "2031-01-01", "amends: [测人社发〔2026〕1号]")}
    findings = [f for f in check(write_site(tmp_path, files)) if f.rule == "relation-impossible"]
    assert located(findings) == {"normative/a.md:9 [relation-impossible]"}
    assert "normative/b.md" in findings[0].message and "循环" in findings[0].message


def test_relation_impossible_repealing_a_later_document(tmp_path):
    files = {"normative/old.md": normative(1, "2024-03-04", "2029-01-01", "repeals: [normative/new]"),
             "normative/new.md": normative(2, "2026-03-04", "2031-01-01")}
    findings = [f for f in check(write_site(tmp_path, files)) if f.rule == "relation-impossible"]
    assert located(findings) == {"normative/old.md:9 [relation-impossible]"}
    assert "normative/new.md" in findings[0].message and "2026-03-04" in findings[0].message


def test_relation_impossible_self_reference_and_not_ref_unknown(tmp_path):
    files = {"normative/a.md": normative(1, "2026-03-04", "2031-01-01", "amends: [测人社发〔2026〕1号]")}
    found_all = located(check(write_site(tmp_path, files)))
    assert "normative/a.md:9 [relation-impossible]" in found_all
    assert not any("[ref-unknown]" in f for f in found_all)


def test_relation_impossible_silent_for_a_newer_document_repealing_an_older_one(tmp_path):
    files = {"normative/old.md": normative(1, "2024-03-04", "2029-01-01"),
             "normative/mid.md": normative(2, "2025-03-04", "2030-01-01", "amends: [normative/old]"),
             "normative/new.md": normative(3, "2026-03-04", "2031-01-01", "repeals: [normative/old, normative/mid]")}
    assert found(tmp_path, files, "relation-impossible") == set()
