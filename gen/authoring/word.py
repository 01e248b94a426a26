"""`gongkai import`: an official document in .docx (GB/T 9704 layout) becomes a document bundle.

The .docx is read with python-docx (the well-kept reader of the format, already what the project
uses for Word files; it gives paragraphs and tables in document order with their alignment), and
the layout of GB/T 9704-2012 is recognised from the text itself: 发文机关标志, 发文字号, 标题,
主送机关, 正文 (一、（一）1.（1） levels, 第一章 / 第一条), tables, 附件说明, 署名, 成文日期 and
附注 such as （此件公开发布）. What is stated fills the front matter; what could not be read
with confidence is returned for the editor to confirm.
"""

from __future__ import annotations

import datetime as dt
import re
import shutil
import subprocess
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

import yaml

XML_LIMIT = 64 * 1024 * 1024
"""A Word file whose document.xml is larger than this (a zip bomb, or no official document) is refused."""

_DOC_NO = re.compile(r"^\S{1,20}?[〔\[［【(（﹝]\s*[0-9０-９]{4}\s*[〕\]］】)）﹞]\s*第?\s*[0-9０-９]+\s*号$")
_ORDER_NO = re.compile(r"^\S{1,30}令第[0-9０-９]+号$")
_CN_DIGITS = {"〇": 0, "○": 0, "零": 0, "一": 1, "二": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
_DATE = re.compile(r"^([0-9]{4}|[〇○零一二三四五六七八九]{4})年([0-9]{1,2}|[一二三四五六七八九十]{1,3})月"
                   r"([0-9]{1,2}|[一二三四五六七八九十]{1,3})日$")
_NOTE = re.compile(r"^[（(]\s*此件(.{2,12}?)\s*[）)]$")
_LEVEL1 = re.compile(r"^[一二三四五六七八九十]{1,3}、")
_LEVEL2 = re.compile(r"^[（(][一二三四五六七八九十]{1,3}[）)]")
_CHAPTER = re.compile(r"^第[一二三四五六七八九十百]{1,4}[章节]\s*\S")
_ARTICLE = re.compile(r"^(第[一二三四五六七八九十百零〇]{1,6}条)\s*")
_ATTACHMENTS = re.compile(r"^附件[:：]")
_VALID_FROM = re.compile(r"自\s*([0-9]{4}年[0-9]{1,2}月[0-9]{1,2}日|[〇○零一二三四五六七八九]{4}年[一二三四五六七八九十]{1,3}月"
                         r"[一二三四五六七八九十]{1,3}日)\s*起(?:施行|实施|执行)")
_PERIOD = re.compile(r"有效期(?:为|至)?\s*([0-9一二三四五六七八九十]{1,2})\s*年")
DISCLOSURES = {"公开发布": "主动公开", "主动公开": "主动公开", "依申请公开": "依申请公开", "不予公开": "不予公开",
               "不公开": "不予公开"}


class ImportError_(Exception):
    """A Word file that cannot be imported (message in Chinese)."""


@dataclass
class Imported:
    """What a Word file said, as front matter and a Markdown body."""

    fields: dict = field(default_factory=dict)
    body: str = ""
    unsure: list[str] = field(default_factory=list)
    """What the editor must confirm or add, in Chinese."""


def chinese_number(text: str) -> int:
    """二〇二三 → 2023; 十二 → 12; 二十一 → 21."""
    if text.isdigit():
        return int(text)
    if all(c in _CN_DIGITS for c in text):
        return int("".join(str(_CN_DIGITS[c]) for c in text))
    if "十" in text:
        tens, _, ones = text.partition("十")
        return (_CN_DIGITS[tens] if tens else 1) * 10 + (_CN_DIGITS[ones] if ones else 0)
    return _CN_DIGITS[text]


def parse_date(text: str) -> dt.date | None:
    match = _DATE.match(re.sub(r"\s", "", text))
    if not match:
        return None
    try:
        return dt.date(chinese_number(match[1]), chinese_number(match[2]), chinese_number(match[3]))
    except (KeyError, ValueError):
        return None


def _blocks(path: Path) -> list[tuple[str, object]]:
    """("p", (text, centered)) and ("table", rows) in document order."""
    import docx
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    try:
        with zipfile.ZipFile(path) as archive:
            size = archive.getinfo("word/document.xml").file_size
    except (zipfile.BadZipFile, KeyError, OSError) as error:
        raise ImportError_(f"{path.name} 不是有效的 Word（.docx）文件（{error}）。旧版 .doc/.wps 请先用 Word 或 WPS 另存为 .docx。")
    if size > XML_LIMIT:
        raise ImportError_(f"{path.name} 的正文展开后有 {size // (1 << 20)} MB，超过导入上限，请确认文件没有问题。")
    document = docx.Document(str(path))
    blocks: list[tuple[str, object]] = []
    for block in document.iter_inner_content():
        if hasattr(block, "rows"):
            rows = []
            for row in block.rows:
                cells: list[str] = []
                for cell in row.cells:
                    text = " ".join(cell.text.split())
                    cells.append(text)
                rows.append(cells)
            blocks.append(("table", rows))
        else:
            text = block.text.replace("\u3000", "　").strip()
            alignment = block.alignment if block.alignment is not None else block.style.paragraph_format.alignment
            blocks.append(("p", (text, alignment == WD_ALIGN_PARAGRAPH.CENTER)))
    return blocks


def read_docx(path: Path) -> Imported:
    """Recognise the parts of a GB/T 9704 document."""
    blocks = _blocks(path)
    result = Imported()
    paragraphs = [(i, b[1][0], b[1][1]) for i, b in enumerate(blocks) if b[0] == "p" and b[1][0]]
    if not paragraphs:
        raise ImportError_(f"{path.name} 中没有文字。")
    # 发文字号: the first short line that is one (in the head of the document).
    head = paragraphs[:12]
    number_at = next((k for k, (_, text, _) in enumerate(head)
                      if _DOC_NO.match(re.sub(r"\s", "", text)) or _ORDER_NO.match(re.sub(r"\s", "", text))), None)
    issuer_mark = None
    if number_at is not None:
        result.fields["doc_no"] = re.sub(r"\s", "", head[number_at][1])
        before = [text for _, text, _ in head[:number_at]]
        if before:
            issuer_mark = re.sub(r"(文件|令)$", "", re.sub(r"\s", "", before[0]))
    else:
        result.unsure.append("没有找到发文字号（文号）：如有，请在 doc_no 中填写")
    # 标题: the centered lines after the number (or from the top), up to the 主送机关 or the first body line.
    start = number_at + 1 if number_at is not None else 0
    title_parts: list[str] = []
    k = start
    while k < len(paragraphs) and paragraphs[k][2] and len(title_parts) < 4 \
            and not paragraphs[k][1].endswith(("：", ":")):
        title_parts.append(paragraphs[k][1])
        k += 1
    if not title_parts and start < len(paragraphs):
        title_parts = [paragraphs[start][1]]
        k = start + 1
        result.unsure.append("标题不是居中的一行，已取发文字号后的第一行作为标题，请核对 title")
    result.fields["title"] = "".join(title_parts)
    body_from = paragraphs[k][0] if k < len(paragraphs) else len(blocks)
    # The tail: 附注, 成文日期, 署名, 附件说明 — read from the end.
    tail_end = len(blocks)
    written = None
    signature = None
    for i in range(len(blocks) - 1, body_from - 1, -1):
        kind, value = blocks[i]
        if kind != "p":
            break
        text = value[0]
        if not text:
            tail_end = i
            continue
        note = _NOTE.match(text)
        if note and "disclosure" not in result.fields:
            said = note[1].strip()
            result.fields["disclosure"] = next((v for k2, v in DISCLOSURES.items() if k2 in said), "主动公开")
            tail_end = i
            continue
        day = parse_date(text)
        if day and written is None:
            written = day
            tail_end = i
            continue
        if written is not None and signature is None and len(text) <= 40 and not text.endswith(("。", "；", "：")):
            signature = re.sub(r"\s", "", text)
            tail_end = i
            continue
        break
    if written:
        result.fields["written"] = written
    else:
        result.unsure.append("没有找到成文日期：请在 written 中填写（YYYY-MM-DD）")
    issuer = signature or issuer_mark
    if issuer:
        result.fields["issuer"] = issuer
    result.body = _markdown(blocks[body_from:tail_end])
    valid_from = _VALID_FROM.search(result.body.replace("\n", ""))
    if valid_from:
        day = parse_date(valid_from[1])
        if day:
            result.fields["valid_from"] = day
            period = _PERIOD.search(result.body)
            if period:
                years = chinese_number(period[1])
                try:
                    result.fields["valid_until"] = day.replace(year=day.year + years) - dt.timedelta(days=1)
                except ValueError:
                    result.fields["valid_until"] = dt.date(day.year + years, 2, 28)
    if "disclosure" not in result.fields:
        result.unsure.append("没有找到附注（此件公开发布）：公开属性按“主动公开”处理，如不是请修改 disclosure")
    return result


def _markdown(blocks: list[tuple[str, object]]) -> str:
    """The 正文 as Markdown: 主送机关 and paragraphs as they are, the first two GB/T 9704 levels and
    chapters as headings, articles with their number in bold, tables as tables, 附件说明 as a list."""
    lines: list[str] = []
    in_attachments = False
    for kind, value in blocks:
        if kind == "table":
            rows = [[cell.replace("|", "\\|") for cell in row] for row in value]
            if not rows:
                continue
            width = max(len(row) for row in rows)
            rows = [row + [""] * (width - len(row)) for row in rows]
            lines.append("| " + " | ".join(rows[0]) + " |")
            lines.append("|" + "---|" * width)
            lines += ["| " + " | ".join(row) + " |" for row in rows[1:]]
            lines.append("")
            continue
        text, centered = value
        if not text:
            continue
        text = _escape(text)
        if _ATTACHMENTS.match(text):
            in_attachments = True
            rest = re.sub(r"^附件[:：]\s*", "", text)
            lines.append("附件：")
            lines.append("")
            if rest:
                lines.append(f"- {rest}")
            continue
        if in_attachments and re.match(r"^[0-9]+[.．、]", text):
            lines.append(f"- {text}")
            continue
        if in_attachments:
            lines.append("")
            in_attachments = False
        if _CHAPTER.match(text) and len(text) <= 30:
            lines += [f"## {text}", ""]
        elif centered and len(text) <= 30:
            lines += [f"## {text}", ""]
        elif _LEVEL1.match(text) and len(text) <= 40 and not text.endswith("。"):
            lines += [f"## {text}", ""]
        elif _LEVEL2.match(text) and len(text) <= 40 and not text.endswith("。"):
            lines += [f"### {text}", ""]
        elif (article := _ARTICLE.match(text)):
            lines += [f"**{article[1]}**　{text[article.end():]}", ""]
        else:
            lines += [text, ""]
    return "\n".join(lines).strip() + "\n"


def _escape(text: str) -> str:
    """Characters Markdown would read as markup at the start of a paragraph, or anywhere as HTML."""
    text = text.replace("<", "&lt;")
    if re.match(r"^[0-9]+[.)] ", text):  # "1. " would start a list that renumbers itself
        text = text.replace(".", "\\.", 1).replace(")", "\\)", 1)
    if text[:1] in "#>-*+=":
        text = "\\" + text
    return text


def pdf_of(source: Path, folder: Path) -> Path | None:
    """The PDF of a Word file made by LibreOffice (Debian's libreoffice), or None when it is not installed."""
    office = shutil.which("libreoffice") or shutil.which("soffice")
    if office is None:
        return None
    done = subprocess.run([office, "--headless", "--convert-to", "pdf", "--outdir", str(folder), str(source)],
                          capture_output=True, text=True, timeout=300)
    made = folder / (source.stem + ".pdf")
    return made if done.returncode == 0 and made.is_file() else None


def import_file(content: Path, source: Path, today: dt.date, kind: str | None = None, column: str | None = None,
                name: str | None = None) -> tuple[Path, list[str]]:
    """Import one .docx as a bundle; return its index.md and what the editor should check."""
    from gen.content.config import load_config
    from gen.authoring.scaffold import ScaffoldError, _column, _free, _next_serial
    from gen.content.sources import read
    found: list = []
    config, _ = load_config(read(content, "site.yml", content / "site.yml", 5 << 20, lambda _: False, found))
    if config is None:
        raise ImportError_("content/site.yml 无法读取或有错误，请先运行 gongkai check 修正。")
    imported = read_docx(source)
    fields = imported.fields
    if kind is None:
        kind = config.column_by_id(column).kind if column and config.column_by_id(column) else None
    if kind is None:
        kind = "normative" if fields.get("doc_no") and re.search(r"^\*\*第一条\*\*", imported.body, re.M) else "policy"
    try:
        target = _column(config, kind, column)
    except ScaffoldError as error:
        raise ImportError_(str(error)) from error
    year = today.year
    texts = [p.read_text(encoding="utf-8", errors="replace") for p in sorted(content.rglob("*.md"))]
    front: dict = {"title": fields["title"]}
    if fields.get("doc_no") and kind in ("normative", "policy", "plan"):
        front["doc_no"] = fields["doc_no"]
    front["index_no"] = f"{config.org_code}/{year}-{_next_serial(texts, config.org_code, year):05d}"
    front["published"] = today
    if kind in ("normative", "policy") and fields.get("written"):
        front["written"] = fields["written"]
    if fields.get("issuer") and fields["issuer"] != config.name:
        front["issuer"] = fields["issuer"]
    if kind in ("normative", "policy", "plan", "article", "guide"):
        front["topic"] = config.topics[0] if config.topics else "综合政务"
    if kind == "normative":
        for key in ("valid_from", "valid_until"):
            if fields.get(key):
                front[key] = fields[key]
    disclosure = fields.get("disclosure", "主动公开")
    if disclosure != "主动公开":
        front["disclosure"] = disclosure
        front["disclosure_reason"] = "（请填写不公开的法定理由）"
    if kind != target.kind:
        front["kind"] = kind
    stem = name or re.sub(r"[^A-Za-z0-9_-]+", "-", source.stem).strip("-") or f"doc-{today:%Y%m%d}"
    folder = content / target.folder / str(year)
    path = _free(folder, stem, True)
    path.parent.mkdir(parents=True, exist_ok=True)
    text = yaml.safe_dump(front, allow_unicode=True, sort_keys=False, width=1000)
    path.write_text(f"---\n{text}---\n{imported.body}", encoding="utf-8")
    word = path.parent / f"{path.parent.name}.docx"
    shutil.copyfile(source, word)
    notes = [f"请确认：{item}" for item in imported.unsure]
    notes.append(f"主题分类已填“{front.get('topic', '')}”，请从 site.yml 的 topics 中选择合适的一项。" if "topic" in front else "")
    if disclosure != "主动公开":
        notes.append(f"附注写的是“{disclosure}”：请在 disclosure_reason 中写明法定理由。")
    if kind == "normative" and "valid_until" not in front:
        notes.append("没有读到有效期：请填写 valid_until（或写 valid_until: 长期），以及 drafter（起草科室）。")
    pdf = pdf_of(word, path.parent)
    if pdf is None:
        notes.append(f"没有安装 LibreOffice，未生成 PDF 版：请把 PDF 版放进 {path.parent}/（或 sudo apt-get install libreoffice-writer 后重新导入）。")
    return path, [n for n in notes if n]
