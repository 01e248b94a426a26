"""Input and metadata rules (rules.md: 输入与元数据): each fires where planted and stays silent on good input."""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import ORG, ROOT, TODAY, check, doc, located, write_site

NORMATIVE = f"""
title: 测试县就业援助办法
doc_no: 测人社发〔2026〕1号
index_no: "{ORG}/2026-00001"
written: 2026-03-02
published: 2026-03-04
valid_until: 2031-03-01
topic: 就业创业
drafter: 就业股
contact: 0564-1234567
"""
# Line numbers in a document written with doc(NORMATIVE): 1 ---, 2 title, 3 doc_no, 4 index_no,
# 5 written, 6 published, 7 valid_until, 8 topic, 9 drafter, 10 contact, 11 ---, 12 body.


def normative(**changes: str) -> str:
    """NORMATIVE with some keys changed in place (same line numbers), or removed when given ''."""
    lines = []
    for line in NORMATIVE.strip("\n").splitlines():
        key = line.split(":", 1)[0]
        if key in changes:
            if changes[key] != "":
                lines.append(f"{key}: {changes[key]}")
        else:
            lines.append(line)
    return doc("\n".join(lines))


def findings_of(tmp_path, files: dict, rule: str) -> set[str]:
    return located(check(write_site(tmp_path, files)), rule)


# --- encoding -----------------------------------------------------------------------------------

def test_encoding_names_a_gbk_file_and_the_fix(tmp_path):
    text = "---\ntitle: 测试县关于就业补贴的通知\nindex_no: x\n---\n正文。\n"
    content = write_site(tmp_path, {"news/gbk.md": text.encode("gbk")})
    found = [f for f in check(content) if f.rule == "encoding"]
    assert located(found) == {"news/gbk.md:2 [encoding]"}
    assert "GBK" in found[0].message and "UTF-8" in found[0].message and "iconv" in found[0].message


def test_encoding_silent_on_utf8_with_bom(tmp_path):
    text = "\ufeff" + doc(f'title: 通知\nindex_no: "{ORG}/2026-00001"\npublished: 2026-03-04')
    assert findings_of(tmp_path, {"news/bom.md": text.encode("utf-8")}, "encoding") == set()


# --- front-matter-invalid -------------------------------------------------------------------------

def test_front_matter_unknown_key_suggests_the_close_one(tmp_path):
    content = write_site(tmp_path, {"normative/a.md": normative(topic="就业创业\npublsihed: 2026-03-04")})
    found = [f for f in check(content) if f.rule == "front-matter-invalid"]
    assert located(found) == {"normative/a.md:9 [front-matter-invalid]"}
    assert "是否应为“published”" in found[0].message


@pytest.mark.parametrize("text, line", [
    ("---\ntitle: [未闭合\n---\n正文\n", 2),                 # YAML does not parse
    ("---\n- 一\n- 二\n---\n正文\n", 2),                      # not a mapping
    ("---\ntitle: 通知\npinned: 是\n---\n正文\n", 3),         # wrong type
    ("正文，没有头部\n", 1),                                  # no front matter at all
    ("---\ntitle: &t 通知\nsummary: *t\n---\n正文\n", 2),    # an alias (of a text; at its anchor)
    ("---\ntitle: 通知\nkeywords: &k [甲]\ntopic: *k\n---\n正文\n", 3),  # an alias (of a list)
])
def test_front_matter_invalid_yaml_mapping_and_type(tmp_path, text, line):
    assert findings_of(tmp_path, {"news/a.md": text}, "front-matter-invalid") == {f"news/a.md:{line} [front-matter-invalid]"}


def test_front_matter_silent_on_valid_document(tmp_path):
    assert findings_of(tmp_path, {"normative/a.md": normative()}, "front-matter-invalid") == set()


# --- field-missing ------------------------------------------------------------------------------

def test_field_missing_names_the_field(tmp_path):
    content = write_site(tmp_path, {"normative/a.md": normative(doc_no="")})
    found = [f for f in check(content) if f.rule == "field-missing"]
    assert located(found) == {"normative/a.md:1 [field-missing]"}
    assert "doc_no" in found[0].message and "文号" in found[0].message


def test_field_missing_silent_when_complete(tmp_path):
    assert findings_of(tmp_path, {"normative/a.md": normative()}, "field-missing") == set()


# --- date-invalid -------------------------------------------------------------------------------

@pytest.mark.parametrize("changes, line", [
    ({"published": "2026-02-30"}, 6),                          # not a real date
    ({"written": "2026-03-09"}, 5),                            # written after published
    ({"valid_until": "2026-01-01\nvalid_from: 2026-03-04"}, 7),  # valid_from after valid_until
])
def test_date_invalid(tmp_path, changes, line):
    assert findings_of(tmp_path, {"normative/a.md": normative(**changes)}, "date-invalid") == {f"normative/a.md:{line} [date-invalid]"}


def test_date_invalid_consultation_closes_before_opens(tmp_path):
    text = doc(f'title: 征求意见\nindex_no: "{ORG}/2026-00002"\npublished: 2026-03-04\nopens: 2026-03-10\ncloses: 2026-03-01')
    assert findings_of(tmp_path, {"consultation/a.md": text}, "date-invalid") == {"consultation/a.md:6 [date-invalid]"}


def test_date_invalid_silent(tmp_path):
    assert findings_of(tmp_path, {"normative/a.md": normative()}, "date-invalid") == set()


# --- doc-no-format / doc-no-year ------------------------------------------------------------------

@pytest.mark.parametrize("written, fixed", [
    ("测人社发[2026]1号", "测人社发〔2026〕1号"),
    ("测人社发（2026）1号", "测人社发〔2026〕1号"),
    ("测人社发【2026】第1号", "测人社发〔2026〕1号"),
    ("测人社发〔2026〕01号", "测人社发〔2026〕1号"),
])
def test_doc_no_format_names_the_corrected_form(tmp_path, written, fixed):
    content = write_site(tmp_path, {"normative/a.md": normative(doc_no=written)})
    found = [f for f in check(content) if f.rule == "doc-no-format"]
    assert located(found) == {"normative/a.md:3 [doc-no-format]"}
    assert f"应改为“{fixed}”" in found[0].message


def test_doc_no_format_silent(tmp_path):
    assert findings_of(tmp_path, {"normative/a.md": normative()}, "doc-no-format") == set()


def test_doc_no_year_differs_from_written(tmp_path):
    files = {"normative/a.md": normative(doc_no="测人社发〔2025〕1号")}
    assert findings_of(tmp_path, files, "doc-no-year") == {"normative/a.md:3 [doc-no-year]"}


def test_doc_no_year_silent(tmp_path):
    assert findings_of(tmp_path, {"normative/a.md": normative()}, "doc-no-year") == set()


# --- index-no-format ----------------------------------------------------------------------------

@pytest.mark.parametrize("index_no", [f'"{ORG}/2026-001"', f'"{ORG}/2025-00001"', '"000014349/2026-00001"'])
def test_index_no_format(tmp_path, index_no):
    files = {"normative/a.md": normative(index_no=index_no)}
    assert findings_of(tmp_path, files, "index-no-format") == {"normative/a.md:4 [index-no-format]"}


def test_index_no_format_silent(tmp_path):
    assert findings_of(tmp_path, {"normative/a.md": normative()}, "index-no-format") == set()


# --- duplicate ----------------------------------------------------------------------------------

def test_duplicate_index_no_and_doc_no(tmp_path):
    files = {"normative/a.md": normative(), "normative/b.md": normative(title="另一办法")}
    assert findings_of(tmp_path, files, "duplicate") == {"normative/b.md:3 [duplicate]", "normative/b.md:4 [duplicate]"}


def test_duplicate_silent(tmp_path):
    files = {"normative/a.md": normative(),
             "normative/b.md": normative(doc_no="测人社发〔2026〕2号", index_no=f'"{ORG}/2026-00002"')}
    assert findings_of(tmp_path, files, "duplicate") == set()


# --- topic-unknown ------------------------------------------------------------------------------

def test_topic_unknown_suggests(tmp_path):
    content = write_site(tmp_path, {"normative/a.md": normative(topic="社会保险")})
    found = [f for f in check(content) if f.rule == "topic-unknown"]
    assert located(found) == {"normative/a.md:8 [topic-unknown]"}
    assert "是否应为“社会保障”" in found[0].message


def test_topic_unknown_silent(tmp_path):
    assert findings_of(tmp_path, {"normative/a.md": normative()}, "topic-unknown") == set()


# --- ref-unknown --------------------------------------------------------------------------------

def test_ref_unknown_suggests_the_closest_doc_no(tmp_path):
    interp = doc(f'title: 解读\nindex_no: "{ORG}/2026-00003"\npublished: 2026-03-04\ninterprets: 测人社发〔2026〕11号')
    content = write_site(tmp_path, {"normative/a.md": normative(), "interpretation/a.md": interp})
    found = [f for f in check(content) if f.rule == "ref-unknown"]
    assert located(found) == {"interpretation/a.md:5 [ref-unknown]"}
    assert "测人社发〔2026〕1号" in found[0].message


def test_ref_unknown_consultation_feedback_reference(tmp_path):
    text = doc(f"""title: 征求意见
index_no: "{ORG}/2026-00002"
published: 2026-03-04
opens: 2026-03-04
closes: 2026-03-20
feedback: 测人社函〔2026〕9号""")
    assert findings_of(tmp_path, {"consultation/a.md": text}, "ref-unknown") == {"consultation/a.md:7 [ref-unknown]"}


def test_ref_unknown_silent_for_id_doc_no_and_text_feedback(tmp_path):
    interp = doc(f'title: 解读\nindex_no: "{ORG}/2026-00003"\npublished: 2026-03-04\ninterprets: 测人社发[2026]1号')
    consult = doc(f'title: 征求意见\nindex_no: "{ORG}/2026-00002"\npublished: 2026-03-04\nopens: 2026-03-04\n'
                  'closes: 2026-03-20\nfeedback: 共收到意见3条，采纳2条，未采纳1条（与上位法不符）。')
    files = {"normative/a.md": normative(), "interpretation/a.md": interp, "consultation/a.md": consult}
    assert findings_of(tmp_path, files, "ref-unknown") == set()


# --- link-broken --------------------------------------------------------------------------------

def test_link_broken_body_link_image_download_and_intro(tmp_path):
    body = "见[另一文件](../b.md)。\n\n![图](chart.png)\n\n[下载PDF版](a.pdf)\n"
    files = {"normative/a.md": normative().replace("正文。\n", body),
             "normative/_index.md": "本栏目公开规范性文件，见[目录](missing.md)。\n"}
    assert findings_of(tmp_path, files, "link-broken") == {
        "normative/a.md:12 [link-broken]", "normative/a.md:14 [link-broken]", "normative/a.md:16 [link-broken]",
        "normative/_index.md:1 [link-broken]"}


def test_link_broken_public_page_links_a_withheld_document(tmp_path):
    hidden = doc(f'title: 内部\nindex_no: "{ORG}/2026-00009"\npublished: 2026-03-04\n'
                 'disclosure: 不予公开\ndisclosure_reason: 内部事务信息')
    files = {"news/a.md": doc(f'title: 动态\nindex_no: "{ORG}/2026-00008"\npublished: 2026-03-04', "见[内部](b.md)。\n"),
             "news/b.md": hidden}
    assert findings_of(tmp_path, files, "link-broken") == {"news/a.md:6 [link-broken]"}


def test_link_broken_silent_on_pages_files_columns_anchors_and_external(tmp_path):
    body = ("见[办法](../a/index.md)、[栏目](../../news/)、[本节](#一)、[国务院](https://www.gov.cn/)。\n\n"
            "![图](chart.png) [下载](a.pdf)\n")
    files = {"normative/a/index.md": normative(),
             "normative/a/a.pdf": b"%PDF-1.4\n",
             "normative/b/index.md": normative(doc_no="测人社发〔2026〕2号", index_no=f'"{ORG}/2026-00002"')
             .replace("正文。\n", body),
             "normative/b/chart.png": b"\x89PNG\r\n\x1a\n",
             "normative/b/a.pdf": b"%PDF-1.4\n",
             "news/n.md": doc(f'title: 动态\nindex_no: "{ORG}/2026-00008"\npublished: 2026-03-04')}
    assert findings_of(tmp_path, files, "link-broken") == set()


# --- unsafe-content -----------------------------------------------------------------------------

def test_unsafe_content_script_javascript_and_path_outside(tmp_path):
    body = "第一段。\n\n<script>alert(1)</script>\n\n[点我](javascript:alert(1))\n\n[密码](../../../etc/passwd)\n"
    files = {"news/a.md": doc(f'title: 动态\nindex_no: "{ORG}/2026-00008"\npublished: 2026-03-04', body)}
    assert findings_of(tmp_path, files, "unsafe-content") == {
        "news/a.md:8 [unsafe-content]", "news/a.md:10 [unsafe-content]", "news/a.md:12 [unsafe-content]"}


def test_unsafe_content_silent_on_plain_html(tmp_path):
    body = "第一段。\n\n<table><tr><td>甲</td></tr></table>\n\n[国务院](https://www.gov.cn/)\n"
    files = {"news/a.md": doc(f'title: 动态\nindex_no: "{ORG}/2026-00008"\npublished: 2026-03-04', body)}
    assert findings_of(tmp_path, files, "unsafe-content") == set()


# --- contact-format -----------------------------------------------------------------------------

@pytest.mark.parametrize("contact", ["7654321", "0564-76543", "电话12345"])
def test_contact_format(tmp_path, contact):
    files = {"normative/a.md": normative(contact=contact)}
    assert findings_of(tmp_path, files, "contact-format") == {"normative/a.md:10 [contact-format]"}


@pytest.mark.parametrize("contact", ["0564-1234567", "13912345678", "12333", "400-123-4567", "0564-1234567、12333"])
def test_contact_format_silent(tmp_path, contact):
    assert findings_of(tmp_path, {"normative/a.md": normative(contact=contact)}, "contact-format") == set()


# --- content-layout / file-too-large (reported by the loader) -------------------------------------

def test_content_layout_file_outside_every_column(tmp_path):
    files = {"misc/a.md": doc(f'title: 动态\nindex_no: "{ORG}/2026-00008"\npublished: 2026-03-04')}
    assert findings_of(tmp_path, files, "content-layout") == {"misc/a.md:1 [content-layout]"}


def test_content_layout_silent(tmp_path):
    files = {"news/a.md": doc(f'title: 动态\nindex_no: "{ORG}/2026-00008"\npublished: 2026-03-04')}
    assert findings_of(tmp_path, files, "content-layout") == set()


def test_file_too_large(tmp_path):
    big = doc(f'title: 动态\nindex_no: "{ORG}/2026-00008"\npublished: 2026-03-04', "字" * (2 * 1024 * 1024))
    files = {"news/big.md": big, "news/ok.md": doc(f'title: 动态\nindex_no: "{ORG}/2026-00007"\npublished: 2026-03-04')}
    assert findings_of(tmp_path, files, "file-too-large") == {"news/big.md:1 [file-too-large]"}


def _with_image(tmp_path, body: str) -> Path:
    """A news bundle with a real image, the body as given."""
    from conftest import MINIMAL_SITE_YML, write_site as write
    png = (ROOT / "content/interpretation/2023/jd-rs-2023-3/tujie.png").read_bytes()
    return write(tmp_path, {
        "news/a/index.md": doc('title: 动态\nindex_no: "11341524MB1234567X/2026-00001"\npublished: 2026-03-02', body),
        "news/a/chart.png": png,
    }, MINIMAL_SITE_YML)


def test_image_alt_fires_on_an_image_without_alt_text(tmp_path):
    content = _with_image(tmp_path, "正文。\n\n![](chart.png)\n\n![补贴发放流程图](chart.png)\n")
    assert located(check(content), "image-alt") == {"news/a/index.md:8 [image-alt]"}


def test_image_alt_silent_when_every_image_is_described(tmp_path):
    content = _with_image(tmp_path, "正文。\n\n![补贴发放流程图](chart.png)\n")
    assert located(check(content), "image-alt") == set()


# --- placeholder ---------------------------------------------------------------------------------

def test_placeholder_left_by_gongkai_new_fires_in_fields_and_body(tmp_path):
    from gen.authoring.scaffold import scaffold
    content = write_site(tmp_path, {})
    path, _ = scaffold(content, "normative", TODAY)
    found = {f.split(" ")[0].rsplit(":", 1)[1] + " " + f.split(" ")[1]
             for f in located(check(content), "placeholder")}
    text = path.read_text(encoding="utf-8").splitlines()
    title_line = next(i for i, line in enumerate(text, 1) if line.startswith("title:"))
    drafter_line = next(i for i, line in enumerate(text, 1) if line.startswith("drafter:"))
    body_line = next(i for i, line in enumerate(text, 1) if "（正文）" in line)
    assert found == {f"{title_line} [placeholder]", f"{drafter_line} [placeholder]", f"{body_line} [placeholder]"}


def test_placeholder_silent_on_real_text_with_full_width_brackets(tmp_path):
    body = "根据《就业促进法》（2015年修正）制定。（一）适用范围。正文见附件（正式文本）。\n"
    files = {"normative/a.md": doc(f"""
        title: 测试县就业补助资金管理办法（试行）
        doc_no: 测人社发〔2026〕1号
        index_no: "{ORG}/2026-00001"
        written: 2026-03-01
        published: 2026-03-02
        topic: 就业创业
        drafter: 就业股（综合科）
        """, body)}
    assert findings_of(tmp_path, files, "placeholder") == set()
