"""The handover package crosses the same disclosure boundary as the site: canary scan of every
byte of every zip entry (decompressed, with the WARC ungzipped and nested zips opened)."""

from __future__ import annotations

import datetime as dt
import gzip
import io
import zipfile

import pytest

from conftest import PDF_BYTES, ROOT, TODAY, doc, docx_bytes, write_site
from gen.build import pipeline
from gen import archive as gk_archive
from test_archive import lenient_site_yml

CANARIES = {
    "on_request_body": "金丝雀依申请正文甲",
    "on_request_file": "金丝雀依申请附件乙",
    "withheld": "金丝雀不予公开丙",
    "withheld_path": "withheld-canary-path",
    "withheld_index": "2026-09991",
    "draft": "金丝雀草稿丁",
    "draft_path": "draft-canary-path",
    "draft_index": "2026-09992",
    "embargo": "金丝雀禁发期戊",
    "embargo_path": "embargo-canary-path",
    "embargo_file": "金丝雀禁发附件己",
    "embargo_index": "2026-09993",
    "on_request_path": "on-request-canary-path",
}

ON_REQUEST_TITLE = "关于某企业稳岗返还资金核定结果的通知"
ON_REQUEST_INDEX = "11341524MB1234567X/2026-00002"


def _files() -> dict:
    c = CANARIES
    return {
        "normative/2026/public/index.md": doc("""
            title: 测试县公开的规范性文件
            index_no: "11341524MB1234567X/2026-00001"
            published: 2026-03-02
            written: 2026-03-01
            doc_no: 测人社发〔2026〕1号
            topic: 就业创业
            valid_from: 2026-03-02
            valid_until: 2031-03-01
            drafter: 就业股
            """, "公开正文。另见[禁发文件](../../../news/" + c["embargo_path"] + "/index.md)。\n"),
        "normative/2026/public/public.pdf": PDF_BYTES,
        "normative/2026/public/public.docx": docx_bytes(),
        f"policy/2026/{c['on_request_path']}/index.md": doc(f"""
            title: {ON_REQUEST_TITLE}
            index_no: "{ON_REQUEST_INDEX}"
            published: 2026-04-01
            written: 2026-03-30
            doc_no: 测人社函〔2026〕8号
            topic: 就业创业
            disclosure: 依申请公开
            disclosure_reason: 仅涉及特定对象
            summary: {c['on_request_body']}摘要
            keywords: [{c['on_request_body']}关键词]
            """, f"{c['on_request_body']}。\n\n![图](chart.png)\n"),
        f"policy/2026/{c['on_request_path']}/letter.pdf": PDF_BYTES + c["on_request_file"].encode(),
        f"policy/2026/{c['on_request_path']}/letter.docx": docx_bytes(c["on_request_file"]),
        f"policy/2026/{c['on_request_path']}/chart.png": b"\x89PNG\r\n\x1a\n" + c["on_request_file"].encode(),
        f"news/{c['withheld_path']}.md": doc(f"""
            title: {c['withheld']}标题
            index_no: "11341524MB1234567X/{c['withheld_index']}"
            published: 2026-04-02
            disclosure: 不予公开
            disclosure_reason: 内部事务信息
            summary: {c['withheld']}摘要
            """, f"{c['withheld']}正文。\n"),
        f"news/{c['draft_path']}.md": doc(f"""
            title: {c['draft']}标题
            index_no: "11341524MB1234567X/{c['draft_index']}"
            published: 2026-04-03
            draft: true
            """, f"{c['draft']}正文。\n"),
        f"news/{c['embargo_path']}/index.md": doc(f"""
            title: {c['embargo']}标题
            index_no: "11341524MB1234567X/{c['embargo_index']}"
            published: 2026-12-15
            summary: {c['embargo']}摘要
            """, f"{c['embargo']}正文。\n"),
        f"news/{c['embargo_path']}/notice.pdf": PDF_BYTES + c["embargo_file"].encode(),
        "news/public-news.md": doc("""
            title: 公开的工作动态
            index_no: "11341524MB1234567X/2026-00006"
            published: 2026-05-06
            """, "公开的动态正文。\n"),
    }


def _entries(data: bytes, prefix: str = "") -> dict[str, bytes]:
    """Every entry of a zip, decompressed; gzip members and nested zips (docx, wacz) opened too."""
    result: dict[str, bytes] = {}
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        for info in archive.infolist():
            name = prefix + info.filename
            content = archive.read(info)
            if content[:2] == b"\x1f\x8b":
                content = gzip.decompress(content)  # every member of a multi-member WARC
            result[name] = content
            if content[:4] == b"PK\x03\x04":
                result.update(_entries(content, name + "!/"))
    return result


@pytest.mark.parametrize("since", [None, dt.date(2026, 1, 1)])
def test_nothing_non_public_reaches_any_byte_of_the_package(tmp_path, since):
    content = write_site(tmp_path, _files(), site_yml=lenient_site_yml())
    result = pipeline.archive(gk_archive.ArchiveOptions(content=content, out=tmp_path / "package.zip", today=TODAY,
                                                          since=since, warc=True, layouts=ROOT / "layouts"))
    assert result.written, [f"{f.file}:{f.line} [{f.rule}]" for f in result.findings if f.severity == "error"]
    entries = _entries(result.path.read_bytes())
    bag = result.path.read_bytes()  # the zip's own bytes too (names, comments, directory)
    leaks = [(path, name) for path, data in list(entries.items()) + [("<zip>", bag)]
             for name, canary in CANARIES.items() if canary.encode("utf-8") in data]
    assert leaks == []
    for name, canary in CANARIES.items():
        assert not any(canary in path for path in entries), name
    # The scan is not vacuous: the search index, the WARC and the catalogue hold public text.
    assert any("公开的动态正文".encode() in data for path, data in entries.items() if path.endswith("gongkai-index.js"))
    assert any("公开的动态正文".encode() in data for path, data in entries.items() if path.endswith(".warc.gz"))
    assert any(path.endswith("!/word/document.xml") for path in entries), "nested docx must be opened"
    # The on-request document is its catalogue row: on the list page and in on-request.csv/json only.
    with_title = {p.split("/", 1)[1] for p, data in entries.items() if ON_REQUEST_TITLE.encode() in data}
    allowed = {"data/metadata/on-request.csv", "data/metadata/on-request.json", "data/site/catalogue/on-request/index.html"}
    assert {p for p in with_title if not p.startswith("data/warc/")} == allowed
    # In the WARC, only the capture of the list page carries it.
    warc_text = next(data for p, data in entries.items() if p.endswith(".warc.gz"))
    for record in warc_text.split(b"WARC/1.0\r\n"):
        if ON_REQUEST_TITLE.encode() in record:
            assert b"WARC-Target-URI: https://rsj.example.gov.cn/catalogue/on-request/index.html" in record
    assert not any(ON_REQUEST_INDEX.replace("/", "_") in p for p in entries), "no original of an on-request document"
