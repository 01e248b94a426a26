"""The text of Word and PDF downloads, for the search index (python-docx and pypdf)."""

from __future__ import annotations

import logging
import re
import unicodedata
import zipfile
from pathlib import Path

# Line breaks inside a Chinese paragraph of a PDF are layout, not text: 社会保\n险 is 社会保险.
_WIDE = re.compile(r"[^\x00-\x7f]")
# Pieces of text that phrases never run across: sentences, and the parts between whitespace.
_PIECES = re.compile(r"(?<=[。！？；!?;])|\s+")


def file_text(path: Path) -> str:
    """Extract the text of a .docx or .pdf file; other formats (and unreadable files) give ''."""
    suffix = path.suffix.lower()
    try:
        if suffix == ".pdf":
            return _pdf_text(path)
        if suffix == ".docx":
            return _docx_text(path)
    except Exception:  # a damaged download must not stop the build; its page is still indexed
        return ""
    return ""


def _pdf_text(path: Path) -> str:
    from pypdf import PdfReader
    logging.getLogger("pypdf").setLevel(logging.ERROR)
    reader = PdfReader(path)
    lines: list[str] = []
    for page in reader.pages:
        for line in (page.extract_text() or "").split("\n"):
            line = _two_byte_codes(line) if "\x00" in line else line
            lines.append("".join(c for c in line if unicodedata.category(c) != "Cc").strip())
    return re.sub(f" *{_GAP}[ {_GAP}]*", " ", _join_lines([line for line in lines if line]))


_GAP = "\ufffd"  # where _two_byte_codes dropped characters (kept through line joining, then a space)


def _two_byte_codes(line: str) -> str:
    """Repair a line pypdf read one byte at a time although the font's codes have two bytes.

    Each code then comes out as two characters: NUL and the right one when the code is below
    0x100; two wrong ones otherwise. Keep the right ones, and put a space where wrong ones
    were, so that nothing wrong is indexed and no phrase runs across the gap.
    """
    line = line.lstrip(" ")
    if len(line) % 2:
        line = line[:-1] if line.endswith(" ") else line
    kept = []
    for i in range(0, len(line) - 1, 2):
        kept.append(line[i + 1] if line[i] == "\x00" else _GAP)
    return "".join(kept)


def _join_lines(lines: list[str]) -> str:
    out = ""
    for line in lines:
        if out and not (_WIDE.match(out[-1]) and _WIDE.match(line[0])):
            out += "\n"
        out += line
    return out


def _docx_text(path: Path) -> str:
    import docx
    from docx.opc.exceptions import PackageNotFoundError
    try:
        document = docx.Document(str(path))
    except (PackageNotFoundError, KeyError, ValueError):
        return _document_xml_text(path)
    parts: list[str] = []
    for block in document.iter_inner_content():
        if hasattr(block, "rows"):
            for row in block.rows:
                cells: list[str] = []
                for cell in row.cells:
                    if not cells or cells[-1] != cell.text:  # merged cells repeat their text
                        cells.append(cell.text)
                parts.append("\n".join(cells))
        else:
            parts.append(block.text)
    return "\n".join(p for p in parts if p.strip())


_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


def _document_xml_text(path: Path) -> str:
    """The paragraphs of word/document.xml, for packages python-docx refuses (no relationships part)."""
    from xml.etree import ElementTree
    with zipfile.ZipFile(path) as archive:
        root = ElementTree.fromstring(archive.read("word/document.xml"))
    paragraphs = ("".join(t.text or "" for t in p.iter(_W + "t")) for p in root.iter(_W + "p"))
    return "\n".join(p for p in paragraphs if p.strip())


def squeeze(text: str) -> str:
    """Text reduced for comparison: NFKC, no whitespace."""
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", text))


def new_text(text: str, known: str) -> tuple[str, str]:
    """Keep the pieces of `text` (sentences, parts between spaces) that `known` (squeezed) does not contain.

    A download usually repeats the page it belongs to; indexing that twice would only make the
    index bigger. Returns the kept text and `known` extended by it.
    """
    kept: list[str] = []
    for piece in _PIECES.split(text):
        key = squeeze(piece)
        if len(key) < 2 or key in known:
            continue
        kept.append(piece.strip())
        known += key
    return "\n".join(kept), known
