"""What the editor typed reaches the page as typed; findings never blame an innocent file; real
practice draws no false alarms (issue: trust in a real bureau's hands)."""

from __future__ import annotations

from conftest import MINIMAL_SITE_YML, ORG, ROOT, build, check, doc, located, write_site


def _normative(n: int, extra: str = "", body: str = "正文。\n", published: str = "2026-03-02") -> str:
    lines = [f"title: 测试办法{n}", f"doc_no: 测人社发〔2026〕{n}号", f'index_no: "{ORG}/2026-{n:05d}"',
             "written: 2026-03-01", f"published: {published}", "topic: 就业创业", "valid_until: 2031-03-01",
             "drafter: 就业股"] + ([extra] if extra else [])
    return doc("\n".join(lines), body)


def test_unquoted_numbers_in_text_fields_reach_the_page_as_typed(tmp_path):
    yml = MINIMAL_SITE_YML.replace("phone: 0564-1234567", "phone: 05641234567")
    files = {"normative/a/index.md": _normative(1, "contact: 05647654324"),
             "org/phones.yml": "title: 电话簿\ncolumns:\n  - {key: name, title: 科室}\n  - {key: phone, title: 电话}\n"
                               "rows:\n  - {name: 办公室, phone: 05641230000}\n  - {name: 热线, phone: 0x12333}\n"}
    yml = yml.replace("  - {id: news,", "  - {id: org, title: 机构信息, folder: org, kind: article}\n  - {id: news,")
    yml = yml.replace("rules: {}", "rules: {download-missing: off, interpretation-missing: off}")
    content = write_site(tmp_path, files, yml)
    out = tmp_path / "site"
    result = build(content, out, search=False)
    assert result.written, [(f.file, f.rule, f.message) for f in result.findings if f.severity == "error"]
    page = (out / "normative/a/index.html").read_text(encoding="utf-8")
    assert "05647654324" in page and "782194900" not in page
    assert "05641234567" in page  # the footer's phone
    phones = (out / "org/phones/index.html").read_text(encoding="utf-8")
    assert "05641230000" in phones and "0x12333" in phones


def test_a_number_typed_as_an_index_no_is_quoted_back_as_typed(tmp_path):
    files = {"normative/a.md": _normative(1).replace(f'index_no: "{ORG}/2026-00001"', "index_no: 0123")}
    findings = [f for f in check(write_site(tmp_path, files, MINIMAL_SITE_YML)) if f.rule == "index-no-format"]
    assert findings and "0123" in findings[0].message and "83" not in findings[0].message.replace("2026", "")


def test_only_a_documents_own_versions_are_its_word_and_pdf(tmp_path):
    from conftest import PDF_BYTES, docx_bytes
    from gen.build import pipeline
    from conftest import TODAY
    consultation = doc(f"""
        title: 关于征求意见的公告
        index_no: "{ORG}/2026-00009"
        published: 2026-10-01
        opens: 2026-10-01
        closes: 2026-10-31
        explanation: 说明.docx
        basis: yiju.pdf
        """, "草案全文见[附件1：实施细则](fujian1.pdf)。下载[Word版](gonggao.docx)。\n")
    files = {"consultation/a/index.md": consultation, "consultation/a/说明.docx": docx_bytes(),
             "consultation/a/yiju.pdf": PDF_BYTES, "consultation/a/fujian1.pdf": PDF_BYTES,
             "consultation/a/gonggao.docx": docx_bytes(), "consultation/a/gonggao.pdf": PDF_BYTES}
    site, _ = pipeline.load_site(write_site(tmp_path, files), TODAY)
    a = site.by_id["consultation/a"]
    assert sorted(x.name for x in a.downloads) == ["gonggao.docx", "gonggao.pdf"]
    assert sorted(x.name for x in a.attachments if not x.is_download) == ["fujian1.pdf", "yiju.pdf", "说明.docx"]


def test_the_page_labels_other_materials_by_their_own_names(tmp_path):
    out = tmp_path / "site"
    assert build(ROOT / "content", out, search=False).written
    page = (out / "consultation/2026/linggong/index.html").read_text(encoding="utf-8")
    section = page[page.index('id="downloads-title"'):]
    assert "Word版" not in section and "PDF版" not in section
    assert '>起草说明</a>' in section and '>政策依据</a>' in section


# --- real practice, accepted --------------------------------------------------------------------

def _found(tmp_path, files, rule, yml=MINIMAL_SITE_YML):
    return located(check(write_site(tmp_path, files, yml)), rule)


def test_order_numbers_are_valid_doc_nos_and_full_width_digits_are_fixed_to_ascii(tmp_path):
    files = {"normative/a.md": _normative(1).replace("测人社发〔2026〕1号", "国务院令第722号"),
             "normative/b.md": _normative(2).replace("测人社发〔2026〕2号", "安徽省人民政府令第300号"),
             "normative/c.md": _normative(3).replace("测人社发〔2026〕3号", "测人社发〔２０２６〕３号")}
    findings = [f for f in check(write_site(tmp_path, files, MINIMAL_SITE_YML)) if f.rule == "doc-no-format"]
    assert located(findings) == {"normative/c.md:3 [doc-no-format]"}
    assert "应改为“测人社发〔2026〕3号”" in findings[0].message and "半角" in findings[0].message


def test_a_suggested_doc_no_that_is_taken_is_not_proposed(tmp_path):
    files = {"normative/a.md": _normative(1),
             "normative/b.md": _normative(2).replace("测人社发〔2026〕2号", "测人社发[2026]1号")}
    findings = [f for f in check(write_site(tmp_path, files, MINIMAL_SITE_YML)) if f.rule == "doc-no-format"]
    assert len(findings) == 1 and "应改为" not in findings[0].message and "normative/a.md" in findings[0].message


def test_no_expiry_and_another_bodys_document_draw_no_validity_period(tmp_path):
    files = {"normative/a.md": _normative(1).replace("valid_until: 2031-03-01", "valid_until: 长期"),
             "normative/b.md": _normative(2).replace("valid_until: 2031-03-01\n", "") + "",
             "normative/c.md": _normative(3, "issuer: 国务院").replace("valid_until: 2031-03-01\n", "")}
    assert _found(tmp_path, files, "validity-period") == {"normative/b.md:1 [validity-period]"}
    out = tmp_path / "site"
    yml = MINIMAL_SITE_YML.replace("rules: {}", "rules: {download-missing: off, interpretation-missing: off}")
    content = write_site(tmp_path / "b", files, yml)
    assert build(content, out, search=False).written
    page = (out / "normative/a/index.html").read_text(encoding="utf-8")
    assert "长期" in page and "现行有效" in page


def test_index_no_year_may_be_the_year_of_writing(tmp_path):
    text = _normative(1).replace("written: 2026-03-01", "written: 2025-12-20").replace(
        f'"{ORG}/2026-00001"', f'"{ORG}/2025-00001"')
    files = {"normative/a.md": text}
    assert _found(tmp_path, files, "index-no-format") == {"normative/a.md:4 [index-no-format]"}
    yml = MINIMAL_SITE_YML.replace("rules: {}", "index_no_year: written\nrules: {}")
    assert _found(tmp_path / "b", files, "index-no-format", yml) == set()
    bad = MINIMAL_SITE_YML.replace("rules: {}", "index_no_year: sometimes\nrules: {}")
    assert "site.yml:11 [front-matter-invalid]" in located(check(write_site(tmp_path / "c", files, bad)))


def test_a_suggested_index_no_never_collides(tmp_path):
    files = {"normative/a.md": _normative(1),
             "normative/b.md": _normative(2).replace(f'"{ORG}/2026-00002"', f'"{ORG}/2025-00001"')}
    findings = [f for f in check(write_site(tmp_path, files, MINIMAL_SITE_YML)) if f.rule == "index-no-format"]
    assert len(findings) == 1 and f"{ORG}/2026-00002" in findings[0].message


def test_history_before_exempts_imported_documents_from_timeliness_and_interpretation(tmp_path):
    old = _normative(1, published="2026-03-02").replace("written: 2026-03-01", "written: 2015-06-01").replace(
        "valid_until: 2031-03-01", "valid_until: 长期")
    files = {"normative/a.md": old}
    yml = MINIMAL_SITE_YML.replace("rules: {}", "rules: {download-missing: off}")
    found = located(check(write_site(tmp_path, files, yml)))
    assert {"normative/a.md:6 [publish-late]", "normative/a.md:1 [interpretation-missing]"} <= found
    yml = yml.replace("rules:", "history_before: 2020-01-01\nrules:")
    found = located(check(write_site(tmp_path / "b", files, yml)))
    assert not any("[publish-late]" in f or "[interpretation-missing]" in f for f in found)
    new = _normative(2, published="2026-06-30")  # written after history_before: held to the rules as before
    found = located(check(write_site(tmp_path / "c", {**files, "normative/b.md": new}, yml)))
    assert "normative/b.md:6 [publish-late]" in found


def test_a_documents_own_rule_setting_silences_wording_and_is_listed_with_its_reason(tmp_path, capsys):
    from gen import cli
    verbatim = _normative(1, "rules: {wording: {severity: off, reason: 照录上级文件原文}}", body="做为试点地区。\n")
    plain = _normative(2, body="做为试点地区。\n")
    files = {"normative/a.md": verbatim, "normative/b.md": plain}
    content = write_site(tmp_path, files, MINIMAL_SITE_YML)
    assert located(check(content), "wording") == {"normative/b.md:11 [wording]"}
    cli.main(["check", "--content", str(content), "--today", "2026-11-23", "--format", "json"])
    import json
    report = json.loads(capsys.readouterr().out)
    assert report["document_rules"] == [{"file": report["document_rules"][0]["file"], "line": 10, "rule": "wording",
                                         "setting": "off", "reason": "照录上级文件原文"}]
    wrong = _normative(3, "rules: {wordng: off}")
    assert "normative/c.md:10 [front-matter-invalid]" in located(check(write_site(tmp_path / "b", {"normative/c.md": wrong},
                                                                               MINIMAL_SITE_YML)))


def test_a_question_and_answer_interpretation_is_not_headings_only(tmp_path):
    qa = "\n".join(f"## {i}. 哪些人可以申请补贴？\n\n符合条件的人员。\n" for i in range(1, 6))
    headings = "\n".join(f"## {i}. 主要内容\n\n见原文。\n" for i in range(1, 6))
    interp = lambda n, body, forms: doc(f"""
        title: 解读{n}
        index_no: "{ORG}/2026-{n:05d}"
        published: 2026-03-03
        interprets: normative/a
        drafter: 就业股
        forms: [{forms}]
        """, body)
    files = {"normative/a.md": _normative(1), "interpretation/qa.md": interp(11, qa, "文字"),
             "interpretation/qa2.md": interp(12, headings, "简明问答"), "interpretation/h.md": interp(13, headings, "文字")}
    assert _found(tmp_path, files, "interpretation-headings-only") == {"interpretation/h.md:9 [interpretation-headings-only]"}


# --- a broken file misleads about no other ------------------------------------------------------

def test_a_document_that_fails_to_load_is_the_only_one_blamed(tmp_path):
    from conftest import PDF_BYTES, docx_bytes
    broken = _normative(1).replace("topic: 就业创业", "topic: [就业创业")  # unclosed bracket: YAML fails
    interp = doc(f"""
        title: 解读
        index_no: "{ORG}/2026-00011"
        published: 2026-03-03
        interprets: 测人社发〔2026〕1号
        drafter: 就业股
        """, "请见[原文](../normative/a/index.md)。\n")
    report_broken = doc(f'title: 2025年年报\nindex_no: "{ORG}/2026-00012"\npublished: 2026-01-20\nyear: 2025\nactive: [')
    yml = MINIMAL_SITE_YML.replace("rules: {}", "annual_reports_since: 2025\nrules: {interpretation-forms: off}").replace(
        "  - {id: policy, title: 其他政策文件, folder: policy, kind: policy}\n", "").replace(
        "  - {id: news,", "  - {id: annual-report, title: 年报, folder: annual-report, kind: annual_report}\n  - {id: news,")
    files = {"normative/a/index.md": broken, "normative/a/a.pdf": PDF_BYTES, "normative/a/a.docx": docx_bytes(),
             "normative/a/chart.png": b"\x89PNG\r\n\x1a\n", "interpretation/i.md": interp,
             "news/n.md": doc(f'title: 动态\nindex_no: "{ORG}/2026-00014"\npublished: 2026-03-03'),
             "annual-report/r2025.md": report_broken}
    findings = check(write_site(tmp_path, files, yml))
    errors = {f"{f.file.split('content/', 1)[1]}:{f.rule}" for f in findings if f.severity == "error"}
    assert errors == {"normative/a/index.md:front-matter-invalid", "annual-report/r2025.md:front-matter-invalid"}
    about_others = [f for f in findings if "normative/a/" not in f.file and "r2025" not in f.file]
    assert {(f.file.split("content/", 1)[1], f.rule) for f in about_others} == {
        ("interpretation/i.md", "ref-unknown"), ("interpretation/i.md", "link-broken")}
    assert all(f.severity == "warning" and "normative/a/index.md" in f.message and "这里不用改" in f.message
               for f in about_others)
