"""The text of Word and PDF downloads, for the search index (the XML of .docx read as a stream; pypdf)."""

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


TEXT_LIMIT = 1_000_000
"""Characters of one download's text that are indexed (a 500-page document has about half as many).
A download with more is cut there, and the build says so (rule `file-too-large`)."""
XML_LIMIT = 64 * 1024 * 1024
"""Bytes of a Word file's document.xml read at most: a small file may expand to gigabytes (a zip bomb)."""


class Limited(Exception):
    """Reading stopped at a limit."""


def file_text(path: Path, limit: int = TEXT_LIMIT) -> tuple[str, bool]:
    """The text of a .docx or .pdf file, at most `limit` characters, and whether it was cut there;
    other formats (and unreadable files) give ''."""
    suffix = path.suffix.lower()
    try:
        if suffix == ".pdf":
            return _pdf_text(path, limit)
        if suffix == ".docx":
            return _docx_text(path, limit)
    except Exception:  # a damaged download must not stop the build; its page is still indexed
        return "", False
    return "", False


def _pdf_text(path: Path, limit: int) -> tuple[str, bool]:
    from pypdf import PdfReader
    logging.getLogger("pypdf").setLevel(logging.ERROR)
    reader = PdfReader(path)
    lines: list[str] = []
    taken = 0
    cut = False
    for page in reader.pages:
        if taken >= limit:
            cut = True
            break
        for line in (page.extract_text() or "").split("\n"):
            line = _two_byte_codes(line) if "\x00" in line else line
            line = "".join(c for c in line if unicodedata.category(c) != "Cc").strip()
            lines.append(line)
            taken += len(line)
    text = re.sub(f" *{_GAP}[ {_GAP}]*", " ", _join_lines([line for line in lines if line]))
    return (text[:limit], True) if len(text) > limit else (text, cut)


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
    parts: list[str] = []
    for line in lines:
        if parts and not (_WIDE.match(parts[-1][-1]) and _WIDE.match(line[0])):
            parts.append("\n")
        parts.append(line)
    return "".join(parts)


_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


def _docx_text(path: Path, limit: int) -> tuple[str, bool]:
    """The paragraphs of word/document.xml, read as a stream (python-docx builds the whole tree in
    memory, which a small file expanding to 50 MB of XML turns into minutes and gigabytes): at most
    `XML_LIMIT` bytes of XML and `limit` characters of text. Paragraphs of table cells and text
    boxes each give a line."""
    from xml.etree import ElementTree
    paragraphs: list[str] = []
    taken = 0
    open_paragraphs: list[list[str]] = []
    with zipfile.ZipFile(path) as archive:
        with archive.open("word/document.xml") as stream:
            reader = _Capped(stream, XML_LIMIT)
            try:
                for event, element in ElementTree.iterparse(reader, events=("start", "end")):
                    tag = element.tag
                    if tag == _W + "p":
                        if event == "start":
                            open_paragraphs.append([])
                            continue
                        text = "".join(open_paragraphs.pop()) if open_paragraphs else ""
                        element.clear()
                        if text.strip():
                            paragraphs.append(text)
                            taken += len(text) + 1
                            if taken > limit:
                                return "\n".join(paragraphs)[:limit], True
                    elif event == "end" and open_paragraphs:
                        if tag == _W + "t":
                            open_paragraphs[-1].append(element.text or "")
                        elif tag == _W + "tab":
                            open_paragraphs[-1].append("\t")
                        elif tag in (_W + "br", _W + "cr"):
                            open_paragraphs[-1].append("\n")
            except Limited:
                return "\n".join(paragraphs)[:limit], True
    return "\n".join(paragraphs), False


class _Capped:
    """A binary stream that raises `Limited` once more than `limit` bytes were read from it."""

    def __init__(self, stream, limit: int):
        self.stream = stream
        self.left = limit

    def read(self, size: int = -1) -> bytes:
        data = self.stream.read(size if size is not None and size >= 0 else 1 << 20)
        self.left -= len(data)
        if self.left < 0:
            raise Limited()
        return data


def squeeze(text: str) -> str:
    """Text reduced for comparison: NFKC, no whitespace."""
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", text))


COMPARE_BUDGET = 1_000_000_000
"""Characters compared, per page, when looking for a download's sentences in the text already
indexed; past it a sentence is only compared with the download's own earlier sentences."""


def new_text(text: str, known: str, budget: list[int] | None = None) -> str:
    """Keep the pieces of `text` (sentences, parts between spaces) that `known` (squeezed) does not contain.

    A download usually repeats the page it belongs to; indexing that twice would only make the
    index bigger. Each piece is looked for in `known` as long as `budget` (characters compared,
    shared by a page's downloads) lasts, and always among the pieces kept before: the work stays
    linear in the text however many distinct sentences a download has.
    """
    budget = budget if budget is not None else [COMPARE_BUDGET]
    kept: list[str] = []
    seen: set[str] = set()
    for piece in _PIECES.split(text):
        key = squeeze(piece)
        if len(key) < 2 or key in seen:
            continue
        if budget[0] > 0:
            budget[0] -= len(known)
            if key in known:
                continue
        kept.append(piece.strip())
        seen.add(key)
    return "\n".join(kept)
