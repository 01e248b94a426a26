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
    from gen import pipeline
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
