"""Download rules (rules.md: 附件下载): every public normative/policy document offers Word and PDF,
and every download's bytes match its extension."""

from __future__ import annotations

import io
import zipfile

import pytest

from conftest import ORG, PDF_BYTES, check, doc, docx_bytes, located, write_site

NORMATIVE = doc(f"""title: 测试县就业援助办法
doc_no: 测人社发〔2026〕1号
index_no: "{ORG}/2026-00001"
written: 2026-03-02
published: 2026-03-04
valid_until: 2031-03-01
topic: 就业创业""")


def found(tmp_path, files, rule):
    return located(check(write_site(tmp_path, files)), rule)


def test_download_missing_word_in_a_bundle_and_both_in_a_plain_file(tmp_path):
    files = {"normative/a/index.md": NORMATIVE, "normative/a/a.pdf": PDF_BYTES,
             "policy/b.md": doc(f'title: 通知\nindex_no: "{ORG}/2026-00002"\npublished: 2026-03-04\ntopic: 就业创业')}
    assert found(tmp_path, files, "download-missing") == {"normative/a/index.md:1 [download-missing]",
                                                          "policy/b.md:1 [download-missing]"}


def test_download_missing_silent_with_word_and_pdf_or_when_not_public(tmp_path):
    files = {"normative/a/index.md": NORMATIVE, "normative/a/a.pdf": PDF_BYTES, "normative/a/a.docx": docx_bytes(),
             "policy/b.md": doc(f'title: 通知\nindex_no: "{ORG}/2026-00002"\npublished: 2026-03-04\ntopic: 就业创业\n'
                                'disclosure: 依申请公开\ndisclosure_reason: 仅涉及特定对象'),
             "policy/c.md": doc(f'title: 通知\nindex_no: "{ORG}/2026-00003"\npublished: 2026-12-04\ntopic: 就业创业')}
    assert found(tmp_path, files, "download-missing") == set()


def _zip_without_document() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("hello.txt", "不是 Word 文件")
    return buffer.getvalue()


@pytest.mark.parametrize("name, data", [
    ("a.pdf", b""),                                 # empty
    ("a.pdf", docx_bytes()),                        # a Word file renamed .pdf
    ("a.docx", PDF_BYTES),                          # a PDF renamed .docx
    ("a.docx", _zip_without_document()),            # a zip that is not a Word document
    ("a.doc", b"{\\rtf1 not OLE}"),                 # RTF saved as .doc
    ("a.ofd", _zip_without_document()),             # OFD without OFD.xml
], ids=["empty", "docx-as-pdf", "pdf-as-docx", "zip-as-docx", "rtf-as-doc", "zip-as-ofd"])
def test_download_broken(tmp_path, name, data):
    good = {"a.pdf": PDF_BYTES, "a.docx": docx_bytes()}
    good[name] = data
    files = {"normative/a/index.md": NORMATIVE, **{f"normative/a/{k}": v for k, v in good.items()}}
    assert found(tmp_path, files, "download-broken") == {f"normative/a/{name}:1 [download-broken]"}


def test_download_broken_silent_on_real_formats(tmp_path):
    ole = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 504
    files = {"normative/a/index.md": NORMATIVE, "normative/a/a.pdf": PDF_BYTES, "normative/a/a.docx": docx_bytes(),
             "normative/a/a.doc": ole, "normative/a/a.wps": ole}
    assert found(tmp_path, files, "download-broken") == set()
