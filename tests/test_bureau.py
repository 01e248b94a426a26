"""A real bureau's column (tests/sites/bureau/, made by its make_site.py from 32 real public texts of
../shared/corpus): its own normative documents with Word and PDF versions, republished upper-level
documents and laws imported as history, interpretations, a guide and an annual report. As a
bureau publishes them, they check clean — every rule silent on real practice — and build."""

from __future__ import annotations

from pathlib import Path

from conftest import TODAY, build, check

BUREAU = Path(__file__).parent / "sites" / "bureau" / "content"


def test_a_real_bureaus_column_checks_clean():
    findings = check(BUREAU, TODAY)
    assert [(f.file, f.line, f.rule, f.message) for f in findings] == []


def test_a_real_bureaus_column_builds_with_search(tmp_path):
    out = tmp_path / "site"
    result = build(BUREAU, out)
    assert result.written and result.errors == 0 and result.documents >= 30
    law = next(p for p in (out / "laws").rglob("index.html") if "国务院令第722号" in p.read_text(encoding="utf-8"))
    assert "优化营商环境条例" in law.read_text(encoding="utf-8")
    invalid = (out / "catalogue" / "repealed" / "index.html").read_text(encoding="utf-8")
    assert "江环〔2021〕231号" in invalid and "江环〔2020〕10号" in invalid  # expired, listed as such
    own = (out / "normative" / "2021" / "jh-2021-231" / "index.html").read_text(encoding="utf-8")
    assert "（Word版）" in own and "（PDF版）" in own and "0750-3500000" in own
    assert (out / "pagefind").is_dir()
