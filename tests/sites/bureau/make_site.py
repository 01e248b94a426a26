"""Make tests/sites/bureau/content/: a city environment bureau's column built from real public texts.

The bureau (江门市生态环境局) publishes as such bureaus do: its own normative documents with their
Word and PDF files (both real, both expired by now), upper-level documents and laws it republished
when it moved its column to gongkai (imported history: `history_before`), two interpretations of
its own documents (written for this column, not copied), a disclosure guide and the 2025 annual
report in the national format. The real texts come from ../shared/corpus (only this small subset
is kept in the repository). Run from the repository root: python tests/sites/bureau/make_site.py
"""

from __future__ import annotations

import datetime as dt
import gzip
import json
import re
import shutil
import struct
import zlib
from pathlib import Path

import docx
import yaml
from fpdf import FPDF

HERE = Path(__file__).resolve().parent
CORPUS = HERE.parents[3] / "shared" / "corpus" / "docs.jsonl.gz"
ORG = "11440700MB2D12345K"
FONT = Path("/usr/share/fonts/opentype/noto/NotoSerifCJK-Regular.ttc")

# Own normative documents: (文号, folder, published, valid_from, valid_until). The corpus gives the
# dates of effect and expiry; publication is set ten days before effect, as the bureau did.
OWN = [("江环〔2020〕10号", "normative/2020/jh-2020-10", "2020-02-20", "2020-03-01", "2023-02-28"),
       ("江环〔2021〕231号", "normative/2021/jh-2021-231", "2021-12-20", "2022-01-01", "2025-01-31")]
# Upper-level documents the bureau republished (published: the corpus's date, else its date of effect).
UPPER = ["环办法规函〔2020〕122号", "环法规函〔2019〕121号", "环政法函〔2018〕31号", "环政法〔2018〕85号",
         "粤环发〔2021〕7号", "生态环境部令第26号", "生态环境部令第24号", "环境保护部令第8号", "环境保护部令第28号",
         "环境保护部令第29号", "环境保护部令第30号", "环办环评函〔2020〕688号", "生态环境部令第9号",
         "环境保护部令第41号", "环境保护部令第32号", "环境保护部令第34号"]
LAWS = ["排污许可管理条例", "中华人民共和国环境保护税法实施条例", "建设项目环境保护管理条例", "畜禽规模养殖污染防治条例",
        "中华人民共和国海洋环境保护法", "法释〔2023〕7号", "法释〔2023〕5号", "法释〔2023〕6号", "生态保护补偿条例",
        "中华人民共和国国务院令第722号"]


def corpus() -> list[dict]:
    return [json.loads(line) for line in gzip.open(CORPUS, "rt", encoding="utf-8")]


def pick(docs: list[dict], key: str) -> dict:
    for d in docs:
        if d["doc_no"] == key or d["title"] == key:
            return d
    raise KeyError(key)


_SOURCE_LINK = re.compile(r"\[([^\]]*)\]\(/[^)]*\)")


def body_of(d: dict) -> str:
    """A corpus text as the bureau publishes it: links into the source collection's own site (dead
    here) become their text, as an editor importing the document removes them."""
    return _SOURCE_LINK.sub(r"\1", d["body_markdown"]).strip() + "\n"


def front(fields: dict) -> str:
    return "---\n" + yaml.safe_dump(fields, allow_unicode=True, sort_keys=False, width=1000) + "---\n"


def plain(markdown: str) -> list[str]:
    """Paragraphs of a body for the Word and PDF versions."""
    return [re.sub(r"[#*>|`]", "", line).strip() for line in markdown.split("\n") if line.strip()]


def write_docx(path: Path, title: str, doc_no: str, body: str) -> None:
    document = docx.Document()
    document.add_paragraph(doc_no)
    document.add_heading(title, level=1)
    for paragraph in plain(body):
        document.add_paragraph(paragraph)
    document.core_properties.title = title
    document.save(str(path))


def write_pdf(path: Path, title: str, doc_no: str, body: str) -> None:
    pdf = FPDF()
    pdf.set_creation_date(dt.datetime(2026, 1, 1, tzinfo=dt.timezone.utc))  # the same bytes on every run
    pdf.add_page()
    pdf.add_font("serif", fname=str(FONT), collection_font_number=2)
    pdf.set_font("serif", size=11)
    pdf.multi_cell(0, 7, "\n".join([doc_no, title, *plain(body)]))
    pdf.output(str(path))


def png(width: int, height: int) -> bytes:
    """A small chart-like PNG (bars), written without an imaging library."""
    rows = []
    for y in range(height):
        row = bytearray()
        for x in range(width):
            bar = (x // 20) % 3
            filled = height - y < (bar + 1) * height // 4
            row += bytes((30, 110, 70) if filled else (245, 245, 240))
        rows.append(b"\x00" + bytes(row))
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(b"".join(rows), 9)) + chunk(b"IEND", b""))


SITE = {
    "name": "江门市生态环境局",
    "base_url": "https://sthjj.example.gov.cn/",
    "org_code": ORG,
    "footer": {"sponsor": "江门市生态环境局", "site_code": "4407000012", "icp": "粤ICP备00000000号",
               "police": "粤公网安备 44070002000000号", "address": "江门市蓬江区某某路1号", "phone": "0750-3500000"},
    "topics": ["综合政务", "环境监测、保护与治理", "城乡建设、环境保护", "司法"],
    "history_before": "2026-01-01",
    "columns": [
        {"id": "guide", "title": "政府信息公开指南", "folder": "guide", "kind": "guide"},
        {"id": "active", "title": "法定主动公开内容", "children": [
            {"id": "normative", "title": "行政规范性文件", "folder": "normative", "kind": "normative"},
            {"id": "policy", "title": "上级政策文件", "folder": "policy", "kind": "policy"},
            {"id": "laws", "title": "法律法规", "folder": "laws", "kind": "policy"},
            {"id": "interpretation", "title": "政策解读", "folder": "interpretation", "kind": "interpretation"},
        ]},
        {"id": "annual-report", "title": "政府信息公开年报", "folder": "annual-report", "kind": "annual_report"},
    ],
    "annual_reports_since": 2025,
    # Republished upper-level documents and laws link to their issuers' own files; only the
    # bureau's own normative documents carry Word and PDF versions here.
    "rules": {"download-missing": {"kinds": ["normative"]}},
}

INTERPRETATIONS = {
    "jh-2020-10": ("《江门市生态环境局关于生态环境违法行为行政处罚自由裁量权裁量标准规定（试行）》政策解读", "2020-02-21", """\
## 一、为什么要制定这个规定？

过去同类环境违法行为在不同区县的处罚幅度差别较大，企业和群众反映“同案不同罚”。规定把法律给出的处罚幅度细分为若干档次，执法人员按违法情节对号入座，让裁量有据可依。

## 二、哪些因素会影响罚款的多少？

主要看四个方面：污染物超标的倍数、违法行为持续的时间、对周边环境和群众造成的影响、当事人事后是否主动改正。情节越轻、改正越及时，罚款越靠近下限。

## 三、企业可以做些什么？

发现超标排放后立即停止、主动报告并消除影响的，可以依法从轻或者减轻处罚。企业对裁量结果有异议的，可以在听证或者陈述申辩时提出。

![裁量因素示意图：超标倍数、持续时间、影响范围、改正情况](cailiang.png)
"""),
    "jh-2021-231": ("一图读懂《江门市生态环境依法不予行政处罚的轻微环境违法行为清单》", "2021-12-21", """\
## 问：清单解决什么问题？

答：对初次违法、危害后果轻微并及时改正的企业，不再“一罚了之”，而是以教育和指导为主，减轻守法经营者的负担。

## 问：哪些情形可以不予处罚？

答：清单逐项列出了适用情形，例如环境管理台账记录不完整但已补正、环保设施标识不规范且已整改等。每一项都写明了需要同时满足的条件。

## 问：不予处罚是不是就没事了？

答：不是。执法人员会责令改正并跟踪复查，同一违法行为再次发生的，依法处罚，不再适用清单。

![清单适用条件示意图：初次违法、危害轻微、及时改正](qingdan.png)
"""),
}

GUIDE = """\
本指南依据《中华人民共和国政府信息公开条例》编制，供公民、法人和其他组织了解本局政府信息公开的范围、方式和程序。

## 一、公开的主体和范围

江门市生态环境局负责本机关政府信息公开工作，办公室是政府信息公开工作机构。本局依法主动公开机构职能、行政规范性文件、环境影响评价审批结果、行政处罚决定、环境质量状况等信息。

## 二、主动公开

主动公开的信息在本专栏发布，自信息形成或者变更之日起20个工作日内公开。公众可以通过栏目浏览、站内搜索和信息订阅获取。

## 三、依申请公开

申请人可以通过信函、当面提交或者在线平台提出申请，申请书应写明申请人姓名或名称、联系方式和所需信息的名称或者文号。本局收到申请后，能够当场答复的当场答复；不能当场答复的，自收到申请之日起20个工作日内答复，需要延长的，经负责人同意后延长不超过20个工作日。

受理地址：江门市蓬江区某某路1号本局办公室，邮政编码529000，电话0750-3500000，工作日上午8:30—12:00、下午14:30—17:30。

## 四、监督和救济

申请人认为本局在政府信息公开工作中侵犯其合法权益的，可以向江门市人民政府或者上级生态环境主管部门投诉、举报，也可以依法申请行政复议或者提起行政诉讼。
"""

REPORT = """\
本报告依照《中华人民共和国政府信息公开条例》和国务院办公厅政府信息公开工作年度报告格式要求编制，统计期限为2025年1月1日至12月31日。

## 一、总体情况

2025年，我局围绕大气、水、土壤污染防治和生态环境执法，推进决策、执行、管理、服务、结果公开。

**主动公开**：全年在专栏主动公开政府信息186条，其中环境影响评价审批结果64条、行政处罚决定41条、环境质量月报12期。

**依申请公开**：全年新收申请9件，上年结转1件，均在法定期限内答复，无结转下年度办理的申请。

**平台建设**：完成政府信息公开专栏改版，把本局现行和已失效的行政规范性文件、转载的上级文件和法律法规统一归集，标注有效性，提供全文检索。

## 二、主动公开政府信息情况

本年度未制发新的行政规范性文件；《江门市生态环境依法不予行政处罚的轻微环境违法行为清单》于2025年1月31日有效期届满，经评估后不再延续，已在专栏标注失效。

## 三、收到和处理政府信息公开申请情况

申请主要涉及建设项目环境影响评价文件和企业排污许可执行情况。予以公开7件，部分公开1件，本机关不掌握相关政府信息1件，重复申请不予重复处理1件。

## 四、政府信息公开行政复议、行政诉讼情况

全年未发生因政府信息公开引起的行政复议和行政诉讼。

## 五、存在的主要问题及改进情况

一是部分行政处罚决定公开时间偏晚，个别案件在作出决定30个工作日后才公开；二是环境质量数据以图片形式发布，不便于检索和再利用。2026年，我局将把处罚决定公开纳入案件办结流程，在决定作出后7个工作日内公开；环境质量数据同时提供可下载的表格。

## 六、其他需要报告的事项

本年度未收取信息处理费。
"""


def main() -> None:
    docs = corpus()
    content = HERE / "content"
    shutil.rmtree(content, ignore_errors=True)
    content.mkdir(parents=True)
    (content / "site.yml").write_text(yaml.safe_dump(SITE, allow_unicode=True, sort_keys=False, width=1000),
                                      encoding="utf-8")
    serial = 0

    def index_no(day: str) -> str:
        nonlocal serial
        serial += 1
        return f"{ORG}/{day[:4]}-{serial:05d}"

    for doc_no, folder, published, valid_from, valid_until in OWN:
        d = pick(docs, doc_no)
        path = content / folder
        path.mkdir(parents=True)
        name = folder.rsplit("/", 1)[1]
        fields = {"title": d["title"], "doc_no": doc_no, "index_no": index_no(published), "issuer": d["issuer"],
                  "written": published, "published": published, "valid_from": valid_from, "valid_until": valid_until,
                  "topic": "环境监测、保护与治理", "drafter": "政策法规科", "contact": "0750-3500000"}
        (path / "index.md").write_text(front(fields) + body_of(d), encoding="utf-8")
        write_docx(path / f"{name}.docx", d["title"], doc_no, d["body_markdown"])
        write_pdf(path / f"{name}.pdf", d["title"], doc_no, d["body_markdown"])
        title, day, body = INTERPRETATIONS[name]
        interp = content / "interpretation" / day[:4] / f"jd-{name}"
        interp.mkdir(parents=True)
        image = re.search(r"\]\((\w+\.png)\)", body)[1]
        (interp / image).write_bytes(png(240, 120))
        fields = {"title": title, "index_no": index_no(day), "published": day, "interprets": doc_no,
                  "drafter": "政策法规科", "forms": ["简明问答", "图解"]}
        (interp / "index.md").write_text(front(fields) + body, encoding="utf-8")

    for group, keys, topic in (("policy", UPPER, "环境监测、保护与治理"), ("laws", LAWS, "城乡建设、环境保护")):
        for key in keys:
            d = pick(docs, key)
            day = next(v for v in (d["published"], d["effective"], d["written"]) if v)
            fields = {"title": " ".join(d["title"].split()), "index_no": index_no(day), "issuer": d["issuer"],
                      "published": day, "topic": "司法" if d["kind"] == "司法解释" else topic}
            if d["doc_no"]:
                fields["doc_no"] = d["doc_no"]
            if d["written"]:
                fields["written"] = d["written"]
            slug = f"{group[0]}{serial:03d}"
            (content / group / day[:4]).mkdir(parents=True, exist_ok=True)
            (content / group / day[:4] / f"{slug}.md").write_text(front(fields) + body_of(d), encoding="utf-8")

    (content / "guide").mkdir()
    (content / "guide" / "disclosure-guide.md").write_text(
        front({"title": "江门市生态环境局政府信息公开指南", "index_no": index_no("2026-03-02"), "published": "2026-03-02",
               "revised": "2026-03-02", "topic": "综合政务"}) + GUIDE, encoding="utf-8")
    (content / "annual-report").mkdir()
    report = {"title": "江门市生态环境局2025年政府信息公开工作年度报告", "index_no": index_no("2026-01-20"),
              "published": "2026-01-20", "year": 2025, "topic": "综合政务",
              "applications": {"本年新收": [8, 1, 0, 0, 0, 0], "上年结转": [1, 0, 0, 0, 0, 0],
                               "办理结果": {"予以公开": [6, 1, 0, 0, 0, 0], "部分公开": [1, 0, 0, 0, 0, 0],
                                            "无法提供": {"本机关不掌握相关政府信息": [1, 0, 0, 0, 0, 0]},
                                            "不予处理": {"重复申请": [1, 0, 0, 0, 0, 0]}},
                               "结转下年度": [0, 0, 0, 0, 0, 0]},
              "review": {"行政复议": [0, 0, 0, 0], "行政诉讼未经复议": [0, 0, 0, 0], "行政诉讼复议后起诉": [0, 0, 0, 0]}}
    (content / "annual-report" / "report-2025.md").write_text(front(report) + REPORT, encoding="utf-8")


if __name__ == "__main__":
    main()
