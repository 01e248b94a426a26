"""Disclosure is a security boundary: nothing non-public reaches any output byte (canary scan)."""

from __future__ import annotations


from gen.build import pipeline
from conftest import MINIMAL_SITE_YML, PDF_BYTES, ROOT, TODAY, doc, docx_bytes, write_site
from outputs import output_texts

CANARIES = {
    "on_request_body": "金丝雀依申请正文甲",
    "on_request_file": "金丝雀依申请附件乙",
    "withheld": "金丝雀不予公开丙",
    "withheld_path": "withheld-canary-path",
    "draft": "金丝雀草稿丁",
    "draft_path": "draft-canary-path",
    "embargo": "金丝雀禁发期戊",
    "embargo_path": "embargo-canary-path",
    "embargo_file": "金丝雀禁发附件己",
}

ON_REQUEST_TITLE = "关于某企业稳岗返还资金核定结果的通知"


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
            """, "公开正文。另见[禁发文件](../../../news/{c['embargo_path']}/index.md)。\n"),
        "normative/2026/public/public.pdf": PDF_BYTES,
        "normative/2026/public/public.docx": docx_bytes(),
        "policy/2026/on-request/index.md": doc(f"""
            title: {ON_REQUEST_TITLE}
            index_no: "11341524MB1234567X/2026-00002"
            published: 2026-04-01
            written: 2026-03-30
            doc_no: 测人社函〔2026〕8号
            topic: 就业创业
            disclosure: 依申请公开
            disclosure_reason: 仅涉及特定对象
            summary: {c['on_request_body']}摘要
            keywords: [{c['on_request_body']}关键词]
            """, f"{c['on_request_body']}。\n\n![图](chart.png)\n"),
        "policy/2026/on-request/letter.pdf": PDF_BYTES + c["on_request_file"].encode(),
        "policy/2026/on-request/chart.png": b"\x89PNG\r\n\x1a\n" + c["on_request_file"].encode(),
        f"news/{c['withheld_path']}.md": doc(f"""
            title: {c['withheld']}标题
            published: 2026-04-02
            disclosure: 不予公开
            disclosure_reason: 内部事务信息
            summary: {c['withheld']}摘要
            """, f"{c['withheld']}正文。\n"),
        f"news/{c['draft_path']}.md": doc(f"""
            title: {c['draft']}标题
            index_no: "11341524MB1234567X/2026-00004"
            published: 2026-04-03
            draft: true
            """, f"{c['draft']}正文。\n"),
        f"news/{c['embargo_path']}/index.md": doc(f"""
            title: {c['embargo']}标题
            index_no: "11341524MB1234567X/2026-00005"
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


def test_nothing_non_public_reaches_any_output_byte(tmp_path):
    content = write_site(tmp_path, _files(), MINIMAL_SITE_YML)
    # Linking a public page to the embargoed one is an error; lower it so the build runs and the
    # link rewriting itself is put to the test.
    yml = content / "site.yml"
    yml.write_text(yml.read_text(encoding="utf-8").replace("rules: {}", "rules: {link-broken: warning, interpretation-missing: off}"),
                   encoding="utf-8")
    out = tmp_path / "site"
    result = pipeline.build(pipeline.Options(content=content, out=out, today=TODAY, layouts=ROOT / "layouts"))
    assert result.written, [f"{f.file}:{f.line} [{f.rule}]" for f in result.findings if f.severity == "error"]
    texts = output_texts(out)
    assert any(p.startswith("pagefind/") for p in texts), "the search index must be part of the scan"
    leaks = [(path, name) for path, data in texts.items() for name, canary in CANARIES.items()
             if canary.encode("utf-8") in data]
    assert leaks == []
    names = " ".join(texts)
    for name, canary in CANARIES.items():
        assert canary not in names, name
    # The on-request document is one catalogue row: title, 文号, 索引号 and dates, nothing else.
    on_request = texts["catalogue/on-request/index.html"].decode("utf-8")
    assert ON_REQUEST_TITLE in on_request and "测人社函〔2026〕8号" in on_request
    assert not any(p.startswith("policy/2026/on-request") for p in texts)
    pages_with_title = [p for p, data in texts.items() if ON_REQUEST_TITLE.encode() in data]
    assert pages_with_title == ["catalogue/on-request/index.html"]
    # Public content is there, so the scan is not vacuous.
    assert any("公开的动态正文".encode() in data for p, data in texts.items() if p.startswith("pagefind/"))
    assert "公开正文" in texts["normative/2026/public/index.html"].decode("utf-8")


def test_embargo_lifts_on_its_day(tmp_path):
    content = write_site(tmp_path, _files(), MINIMAL_SITE_YML)
    site, _ = pipeline.load_site(content, TODAY)
    embargoed = site.by_id[f"news/{CANARIES['embargo_path']}"]
    assert not site.is_public(embargoed)
    import datetime as dt
    later, _ = pipeline.load_site(content, dt.date(2026, 12, 15))
    assert later.is_public(later.by_id[f"news/{CANARIES['embargo_path']}"])
