"""The defects column (tests/sites/defects/): one planted defect per rule, each reported exactly where
it was planted, and nothing else."""

from __future__ import annotations

import re
from pathlib import Path

from conftest import ROOT, TODAY, check, located
from gen.rules import RULES, load_all

DEFECTS = Path(__file__).parent / "sites" / "defects" / "content"

EXPECTED = {
    # Input and metadata
    "news/gbk.md:2 [encoding]",                                       # saved as GBK
    "news/typo.md:5 [front-matter-invalid]",                          # summay → summary
    "news/no-index.md:1 [field-missing]",                             # no index_no
    "news/bad-date.md:4 [date-invalid]",                              # published: 2026-02-30
    "normative/2024/old/index.md:3 [doc-no-format]",                  # 缺人社发[2024]2号
    "normative/2026/n3/index.md:3 [doc-no-year]",                     # 〔2025〕 written in 2026
    "news/bad-index.md:3 [index-no-format]",                          # 索引号 year 2025, published 2026
    "news/dup-b.md:3 [duplicate]",                                    # same 索引号 as dup-a
    "news/topic.md:5 [topic-unknown]",                                # 社保
    "normative/2026/n4/index.md:10 [ref-unknown]",                    # amends a 文号 that names nothing
    "news/link.md:6 [link-broken]",                                   # missing.md
    "news/script.md:8 [unsafe-content]",                              # <script>
    "normative/2026/n1/index.md:11 [contact-format]",                 # 7654321 without area code
    "misc/stray.md:1 [content-layout]",                               # outside every column
    "news/notes.txt:1 [file-unpublished]",                            # an editor's notes beside the documents
    "news/placeholder.md:6 [placeholder]",                            # （正文） left by gongkai new
    "normative/2026/n6/index.md:9 [relation-impossible]",             # amends itself
    # Interpretation
    "normative/2026/n4/index.md:1 [interpretation-missing]",          # no interpretation, past 2026-05-09
    "interpretation/2026/i-late.md:4 [interpretation-late]",          # 2026-03-20 for a 2026-03-04 document
    "interpretation/2026/i-drafter.md:7 [interpretation-drafter]",    # 办公室 instead of 就业股
    "interpretation/2026/i-copy.md:9 [interpretation-copies-source]",  # the document's text pasted
    "interpretation/2026/i-headings.md:9 [interpretation-headings-only]",
    "interpretation/2025/i5.md:6 [interpretation-forms]",             # 2025: text only
    "interpretation/2026/i-unbacked.md:6 [interpretation-form-unbacked]",  # 视频 without video
    # Downloads
    "normative/2026/n7/index.md:1 [download-missing]",                # no Word
    "normative/2026/n7/n7.pdf:1 [download-broken]",                   # text renamed .pdf
    # Validity
    "normative/2024/old/index.md:10 [validity-conflict]",             # typed 现行有效, repealed by n1
    "normative/2026/n6/index.md:1 [validity-period]",                 # no valid_until
    "normative/2025/n5/index.md:9 [validity-review-due]",             # expires 2027-03-01
    "normative/2026/n3/index.md:11 [cites-invalid]",                  # links the repealed 暂行办法
    # Disclosure
    "news/on-request.md:5 [disclosure-reason-missing]",
    "news/withheld.md:6 [disclosure-reason-unlawful]",                # 内部文件
    "normative/2026/n9.md:10 [normative-not-public]",
    # Guides, reports, consultations
    "guide/g-norev.md:1 [guide-revision]",
    "guide/g-stale.md:5 [guide-stale]",                               # revised 2025-06-01
    "site.yml:22 [annual-report-gap]",                                # 2023 missing
    "annual-report/report-2024-b.md:5 [annual-report-duplicate]",
    "annual-report/report-2025.md:4 [annual-report-late]",            # 2026-02-16
    "consultation/2026/c1.md:1 [consultation-material]",              # no 政策依据
    "consultation/2026/c2.md:6 [consultation-feedback]",              # closed 2026-09-30, no feedback
    "org/phonebook.yml:7 [catalogue-row]",                            # row without phone
    "annual-report/report-2024.md:7 [annual-report-figures]",         # 本年制发 3, the column has 1
    "annual-report/report-2025.md:8 [annual-report-carry]",           # 2024 carried 1 over, 2025 took in 0
    "annual-report/report-2025.md:12 [annual-report-repeats]",        # 2024's problems section word for word
    # Timeliness and the column as a whole
    "normative/2026/n6/index.md:6 [publish-late]",                    # written 01-05, published 03-18
    "site.yml:19 [column-empty]",                                     # 待建栏目
    "site.yml:17 [column-stale]",                                     # quarterly, newest 2026-05-01
    "news/wording.md:8 [wording]",                                    # 做为
    "news/noalt/index.md:8 [image-alt]",                              # ![](chart.png)
}

# Reported by the loader on oversized files; a 5 MB fixture does not belong in the repository
# (test_rules_input.py::test_file_too_large plants one in a temporary folder).
NOT_PLANTED = {"file-too-large"}


def test_each_defect_is_reported_exactly_where_planted():
    assert located(check(DEFECTS, TODAY)) == EXPECTED


def test_each_planted_defect_is_one_finding_with_a_chinese_message():
    findings = check(DEFECTS, TODAY)
    assert len(findings) == len(EXPECTED)
    assert all(re.search(r"[\u4e00-\u9fff]", f.message) for f in findings)


def test_every_rule_is_planted_once():
    load_all()
    planted = [line.rsplit("[", 1)[1].rstrip("]") for line in EXPECTED]
    assert sorted(planted) == sorted(set(planted))
    assert set(planted) | NOT_PLANTED == set(RULES)


def test_every_rule_of_rules_md_is_registered():
    rules_md = ROOT.parent / "shared" / "rules.md"
    if not rules_md.is_file():  # the shared requirements live beside the repository, not in it
        import pytest
        pytest.skip("../shared/rules.md not present")
    ids = set(re.findall(r"^\| `([a-z-]+)` \|", rules_md.read_text(encoding="utf-8"), re.M))
    load_all()
    assert ids and ids <= set(RULES)
