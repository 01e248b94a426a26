"""`gongkai import`: Word files in GB/T 9704 layout (made here with python-docx, as bureaus' templates
make them) become document bundles whose fields, body structure and check are right; real texts
make the round trip Word → Markdown without losing a character."""

from __future__ import annotations

import datetime as dt
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import ROOT, TODAY, check, located

docx = pytest.importorskip("docx")
from docx.enum.text import WD_ALIGN_PARAGRAPH  # noqa: E402
from docx.shared import Pt, RGBColor  # noqa: E402

BUREAU = ROOT / "tests" / "sites" / "bureau" / "content"


def gbt9704(path: Path, *, issuer: str, doc_no: str, title: list[str], to: str | None, body: list, signature: str,
            written: str, note: str | None = "（此件公开发布）", attachments: list[str] = ()) -> Path:
    """A .docx laid out as GB/T 9704-2012: 发文机关标志, 发文字号, 标题, 主送机关, 正文, 附件说明, 署名, 成文日期, 附注.
    `body` holds paragraphs (str) and tables (lists of rows)."""
    document = docx.Document()

    def line(text: str, centered: bool = False, right: bool = False, size: int = 16, red: bool = False):
        paragraph = document.add_paragraph()
        run = paragraph.add_run(text)
        run.font.size = Pt(size)
        if red:
            run.font.color.rgb = RGBColor(0xD0, 0, 0)
        if centered:
            paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
        elif right:
            paragraph.alignment = WD_ALIGN_PARAGRAPH.RIGHT
        return paragraph
    line(f"{issuer}文件", centered=True, size=36, red=True)
    document.add_paragraph()
    line(doc_no, centered=True)
    document.add_paragraph()
    for part in title:
        line(part, centered=True, size=22)
    if to:
        line(to)
    for part in body:
        if isinstance(part, list):
            table = document.add_table(rows=len(part), cols=len(part[0]))
            for r, row in enumerate(part):
                for c, cell in enumerate(row):
                    table.cell(r, c).text = cell
        else:
            line(part)
    if attachments:
        line("附件：" + attachments[0])
        for more in attachments[1:]:
            line(more)
    document.add_paragraph()
    line(signature, right=True)
    line(written, right=True)
    if note:
        line(note)
    document.save(str(path))
    return path


@pytest.fixture
def column(tmp_path) -> Path:
    content = tmp_path / "content"
    shutil.copytree(ROOT / "content", content)
    return content


def gongkai(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "gen", *args], cwd=cwd, capture_output=True, text=True, timeout=300)


def test_an_official_document_becomes_a_bundle_with_its_fields_and_structure(column, tmp_path):
    source = gbt9704(
        tmp_path / "通知.docx", issuer="示例县人力资源和社会保障局", doc_no="示人社发〔2026〕9号",
        title=["关于印发《示例县就业见习补贴管理办法》", "的通知"], to="各乡镇人民政府，县直有关单位：",
        body=["现将《示例县就业见习补贴管理办法》印发给你们，请认真贯彻执行。",
              "第一章　总则",
              "第一条　为规范就业见习补贴管理，根据有关规定，制定本办法。",
              "第二条　本办法自2026年12月1日起施行，有效期5年。",
              "一、补贴对象",
              "（一）离校2年内未就业高校毕业生。",
              "1.申请人应当在见习期内提出申请。",
              [["补贴项目", "标准"], ["见习补贴", "当地最低工资标准的60%"]],
              "# 不是标题的井号开头"],
        attachments=["1．见习补贴申请表", "2．见习单位名单"],
        signature="示例县人力资源和社会保障局", written="2026年11月20日")
    done = gongkai("import", str(source), "--content", str(column), "--column", "normative", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    index = next((column / "normative" / "2026").glob("*/index.md"))
    text = index.read_text(encoding="utf-8")
    front, body = text.split("\n---\n", 1)
    assert "title: 关于印发《示例县就业见习补贴管理办法》的通知" in front
    assert "doc_no: 示人社发〔2026〕9号" in front and "written: 2026-11-20" in front
    assert "valid_from: 2026-12-01" in front and "valid_until: 2031-11-30" in front
    assert "issuer" not in front and "disclosure" not in front  # the site's own body; （此件公开发布）
    assert "published: 2026-11-23" in front  # as_of of the example column
    assert body.startswith("各乡镇人民政府，县直有关单位：")
    assert "## 第一章　总则" in body and "**第一条**　为规范" in body and "## 一、补贴对象" in body
    assert "### （一）离校2年内未就业高校毕业生。" not in body  # a sentence, not a heading
    assert "| 补贴项目 | 标准 |" in body and "| 见习补贴 | 当地最低工资标准的60% |" in body
    assert "\\# 不是标题" in body
    assert "附件：\n\n- 1．见习补贴申请表\n- 2．见习单位名单" in body
    assert "2026年11月20日" not in body and "（此件公开发布）" not in body  # the tail went to the front matter
    assert (index.parent / f"{index.parent.name}.docx").read_bytes() == source.read_bytes()
    if shutil.which("libreoffice") is None and shutil.which("soffice") is None:
        assert "未生成 PDF 版" in done.stdout  # says exactly what is left…
        from fpdf import FPDF
        pdf = FPDF()
        pdf.add_page()
        pdf.output(str(index.parent / f"{index.parent.name}.pdf"))  # …and the editor adds it
    findings = check(column, TODAY)
    errors = [f for f in findings if f.severity == "error"]
    assert errors == [], [(f.file, f.rule, f.message) for f in errors]
    mine = located([f for f in findings if str(index.parent) in f.file])
    assert mine <= {f"normative/2026/{index.parent.name}/index.md:1 [interpretation-missing]"}


def test_notes_name_what_could_not_be_read(column, tmp_path):
    source = gbt9704(tmp_path / "a.docx", issuer="示例县人力资源和社会保障局", doc_no="示人社函〔2026〕3号",
                     title=["关于某企业特殊工时审批的批复"], to="某公司：", body=["你公司报来的申请收悉。经研究，同意。"],
                     signature="示例县人力资源和社会保障局", written="二〇二六年十一月二日", note="（此件依申请公开）")
    bare = tmp_path / "b.docx"
    document = docx.Document()
    document.add_paragraph("一份没有版头的材料")
    document.add_paragraph("正文只有一段。")
    document.save(str(bare))
    broken = tmp_path / "c.docx"
    broken.write_bytes(b"not a zip")
    done = gongkai("import", str(tmp_path), "--content", str(column), "--kind", "policy", cwd=tmp_path)
    assert done.returncode == 1  # one of three could not be imported
    assert "c.docx 不是有效的 Word" in done.stderr
    assert "没有找到发文字号" in done.stdout and "没有找到成文日期" in done.stdout
    first = next(p for p in (column / "policy" / "2026").glob("*/index.md") if "批复" in p.read_text(encoding="utf-8"))
    front = first.read_text(encoding="utf-8").split("\n---\n", 1)[0]
    assert "written: 2026-11-02" in front and "disclosure: 依申请公开" in front
    assert "disclosure_reason" in done.stdout or "法定理由" in done.stdout


def _plain(text: str) -> str:
    return re.sub(r"[\s#*|\-\\>`]+|&lt;|<", "", text)


def test_real_texts_make_the_round_trip(column, tmp_path):
    """Documents of the real-text column (tests/sites/bureau, from ../shared/corpus) laid out as Word
    files and imported: title, 文号 and every character of the body come back."""
    sources = sorted(p for p in (BUREAU / "policy").rglob("*.md"))[:6]
    assert len(sources) == 6
    folder = tmp_path / "word"
    folder.mkdir()
    originals = {}
    for n, path in enumerate(sources):
        front, body = path.read_text(encoding="utf-8").split("\n---\n", 1)
        fields = dict(re.findall(r"^(\w+): (.*)$", front, re.M))
        paragraphs = [re.sub(r"^[#>*\- ]+|\*\*", "", line).strip() for line in body.split("\n") if line.strip()
                      and not line.startswith("|")]
        name = f"d{n}.docx"
        gbt9704(folder / name, issuer=fields["issuer"], doc_no=fields.get("doc_no", "测文〔2020〕1号"),
                title=[fields["title"].strip("'\"")], to=None, body=paragraphs, signature=fields["issuer"],
                written="2020年1月2日")
        originals[f"d{n}"] = (fields["title"].strip("'\""), fields.get("doc_no"), paragraphs)
    done = gongkai("import", str(folder), "--content", str(column), "--kind", "policy", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    for stem, (title, doc_no, paragraphs) in originals.items():
        index = column / "policy" / "2026" / stem / "index.md"
        front, body = index.read_text(encoding="utf-8").split("\n---\n", 1)
        assert f"title: {title}" in front
        if doc_no:
            assert f"doc_no: {doc_no}" in front
        assert _plain(body) == _plain("".join(paragraphs)), stem
