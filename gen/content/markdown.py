"""One configured Markdown parser: parse once, collect links and blocks with lines, render safely.

pulldown-cmark (through pyromark) parses CommonMark with GFM tables and strikethrough; its
events carry byte ranges, which give every link and block its line in the editor's file.
"""

from __future__ import annotations

import bisect
import html as html_lib
import re
from dataclasses import dataclass, field
from typing import Callable

import nh3
import pyromark

from gen.content.patterns import trie_pattern
from gen.findings import ERROR, Finding

_OPTIONS = pyromark.Options.ENABLE_TABLES | pyromark.Options.ENABLE_STRIKETHROUGH

# The safe subset of HTML a body may keep: structure and text semantics, no scripts, frames,
# forms, styles or event handlers (ammonia's defaults drop those); URLs only these schemes.
_ALLOWED_TAGS = set(nh3.ALLOWED_TAGS) - {"area", "map", "nav", "header", "footer", "center"}
_ALLOWED_ATTRS = {
    "a": {"href", "title"},
    "img": {"src", "alt", "title", "width", "height"},
    "td": {"colspan", "rowspan"},
    "th": {"colspan", "rowspan", "scope"},
    "ol": {"start"},
    "abbr": {"title"},
    "time": {"datetime"},
}
_URL_SCHEMES = {"http", "https", "mailto", "tel"}

_UNSAFE_HTML = re.compile(r"<\s*(script|iframe|object|embed|frame|frameset|form|style|link|meta|base)\b"
                          r"|\son[a-z]+\s*=|javascript\s*:|vbscript\s*:|data\s*:\s*text/html", re.I)
_UNSAFE_URL = re.compile(r"^\s*(javascript|vbscript|data)\s*:", re.I)
# Every URL attribute of the sanitized HTML (ammonia always writes double quotes).
_URL_ATTRIBUTE = re.compile(r'(\s(?:href|src)=")([^"]*)(")')


@dataclass(slots=True)
class Link:
    """A link or image in a body, with the line it is on (正文链接)."""

    url: str
    line: int
    image: bool = False
    text: str = ""


@dataclass(slots=True)
class Block:
    """A heading, paragraph or table cell of a body, as the rules read it (段落)."""

    kind: str
    """`heading`, `paragraph` or `cell`."""
    line: int
    level: int = 0
    """Heading level 1–6; 0 for other blocks."""
    text: str = ""
    """Plain text of the block."""
    bold_only: bool = False
    """A paragraph that is nothing but bold text: a subheading in disguise."""
    has_image: bool = False


@dataclass(slots=True)
class Analysis:
    """What the rules read of a body: links, blocks, code text and unsafe content, with lines."""

    links: list[Link] = field(default_factory=list)
    blocks: list[Block] = field(default_factory=list)
    code: list[str] = field(default_factory=list)
    """Text outside headings, paragraphs and cells (code blocks)."""
    findings: list[Finding] = field(default_factory=list)


class Body:
    """A Markdown body: its source to render, and its analysis for the rules (正文).

    The analysis is made the first time a rule asks for it, not when the file is read: a build
    renders pages from the source while the rules, and so the analysis, run on another core.
    A source without `[` and `<` has no link, image or HTML (every one of them starts with one
    of the two), so asking for its links or unsafe content parses nothing: most bodies are only
    parsed for the rules that read their paragraphs.
    """

    __slots__ = ("source", "display", "first_line", "_analysis", "_free")

    def __init__(self, source: str, display: str = "", first_line: int = 1):
        self.source = source
        self.display = display
        self.first_line = first_line
        self._analysis: Analysis | None = None
        self._free: bool | None = None

    def analysis(self) -> Analysis:
        if self._analysis is None:
            self._analysis = analyse(self.source, self.display, self.first_line)
        return self._analysis

    def may_have_markup(self) -> bool:
        """Whether the source has a `[` or `<`, without which it holds no link, image or HTML.
        Asked by several rules and by rendering: looked for once (a search through the whole text)."""
        if self._free is None:
            self._free = "[" not in self.source and "<" not in self.source
        return not self._free

    def _markup_free(self) -> bool:
        """No link, image or HTML can be in the source (checked without parsing it)."""
        return self._analysis is None and not self.may_have_markup()

    @property
    def links(self) -> list[Link]:
        return [] if self._markup_free() else self.analysis().links

    @property
    def blocks(self) -> list[Block]:
        return self.analysis().blocks

    @property
    def code(self) -> list[str]:
        return self.analysis().code

    @property
    def findings(self) -> list[Finding]:
        """Unsafe content found in the source (rule `unsafe-content`)."""
        return [] if self._markup_free() else self.analysis().findings

    @property
    def text(self) -> str:
        """Plain text of the body (for similarity, search and summaries), derived, not stored twice:
        the text of each heading, paragraph and cell, then the text outside them (code)."""
        if self._analysis is None:
            return plain_text(self.source)  # the same text, without making and keeping an analysis
        return "\n".join([b.text for b in self.blocks if b.text] + self.code)

    @property
    def images(self) -> list[Link]:
        return [link for link in self.links if link.image]

    @property
    def headings(self) -> list[Block]:
        return [b for b in self.blocks if b.kind == "heading"]

    def __getstate__(self):
        return (self.source, self.display, self.first_line, self._analysis)

    def __setstate__(self, state):
        self.source, self.display, self.first_line, self._analysis = state
        self._free = None


def parse(body: str, display: str, first_line: int) -> Body:
    """A body of a file, analysed when first asked (see `Body`)."""
    return Body(body, display, first_line)


def analyse(body: str, display: str, first_line: int) -> Analysis:
    """Parse a body once; record links, blocks, plain text and unsafe content with their lines."""
    result = Analysis()
    if not body.strip():
        return result
    data = body.encode("utf-8")
    newlines = [m.start() for m in re.finditer(b"\n", data)]

    def line_of(offset: int) -> int:
        return first_line + bisect.bisect_left(newlines, offset)

    try:
        events = pyromark.events_with_range(body, options=_OPTIONS)
    except Exception:  # the parser is total for text; guard the boundary all the same
        result.findings.append(Finding(display, first_line, "unsafe-content", ERROR, "正文无法解析。请检查是否含有异常字符。"))
        return result
    block: Block | None = None
    block_parts: list[str] = []
    strong = 0
    link: Link | None = None
    image: Link | None = None
    code = result.code
    # The most frequent events first: this loop runs about a hundred times per document.
    for event, span in events:
        if event.__class__ is str:  # SoftBreak, HardBreak, Rule, TaskListMarker…
            if block is not None and (event == "SoftBreak" or event == "HardBreak"):
                block_parts.append("\n")
            continue
        (name, payload), = event.items()
        if name == "Text" or name == "Code":
            text = str(payload)
            if image is not None:
                image.text += text
            elif link is not None:
                link.text += text
            if block is not None:
                block_parts.append(text)
                if strong == 0 and block.bold_only and text.strip():
                    block.bold_only = False
            else:
                code.append(text)  # code blocks and other text outside paragraphs
        elif name == "Start":
            if payload.__class__ is str:
                tag, attrs = payload, None
            else:
                (tag, attrs), = payload.items()
            kind = _BLOCK_KINDS.get(tag)
            if kind is not None:
                level = int(attrs["level"][1:]) if tag == "Heading" else 0
                block = Block(kind, line_of(span["start"]), level, bold_only=tag == "Paragraph")
                block_parts = []
                strong = 0
            elif tag == "Strong":
                strong += 1
            elif tag == "Link" or tag == "Image":
                found = Link(url=str(attrs.get("dest_url", "")), line=line_of(span["start"]), image=tag == "Image")
                result.links.append(found)
                _check_url(found.url, display, found.line, result)
                if tag == "Image":
                    image = found
                    if block is not None:
                        block.has_image = True
                else:
                    link = found
        elif name == "End":
            tag = payload if payload.__class__ is str else next(iter(payload))
            if tag in _BLOCK_KINDS and block is not None:
                block.text = "".join(block_parts).strip()
                if not block.text:
                    block.bold_only = False
                result.blocks.append(block)
                block = None
            elif tag == "Strong":
                strong -= 1
            elif tag == "Link":
                link = None
            elif tag == "Image":
                image = None
        elif name == "Html" or name == "InlineHtml":
            _check_html(str(payload), display, line_of(span["start"]), result)
            if block is not None and name == "InlineHtml":
                block.bold_only = False
    return result


_BLOCK_KINDS = {"Paragraph": "paragraph", "Heading": "heading", "TableCell": "cell"}

BOLD_ONLY = 7
"""`outline`'s level for a paragraph that is nothing but bold text (a subheading in disguise)."""


def outline(body: str) -> list[tuple[int, str | None]]:
    """(level, text) of every heading, paragraph and table cell of a body, in order — what `analyse`
    records of them, without lines: level 1–6 for a heading, `BOLD_ONLY` for a paragraph of bold
    text alone, 0 for any other block; text None when the block holds an image.

    The same walk as `analyse` (a test holds them equal) over the parser's events without their
    byte ranges, which take twice as long to make: for a rule that counts, and asks `analyse`
    for the line only of what it reports.
    """
    result: list[tuple[int, str | None]] = []
    if not body.strip():
        return result
    try:
        events = pyromark.events(body, options=_OPTIONS)
    except Exception:  # as in analyse
        return result
    parts: list[str] | None = None
    level = strong = 0
    image = False
    for event in events:
        if event.__class__ is str:
            if parts is not None and (event == "SoftBreak" or event == "HardBreak"):
                parts.append("\n")
            continue
        (name, payload), = event.items()
        if name == "Text" or name == "Code":
            if parts is not None:
                parts.append(payload)
                if level == BOLD_ONLY and strong == 0 and payload.strip():
                    level = 0
        elif name == "Start":
            if payload.__class__ is str:
                tag, attrs = payload, None
            else:
                (tag, attrs), = payload.items()
            if tag in _BLOCK_KINDS:
                parts, image, strong = [], False, 0
                level = int(attrs["level"][1:]) if tag == "Heading" else (BOLD_ONLY if tag == "Paragraph" else 0)
            elif tag == "Strong":
                strong += 1
            elif tag == "Image" and parts is not None:
                image = True
        elif name == "End":
            tag = payload if payload.__class__ is str else next(iter(payload))
            if tag in _BLOCK_KINDS and parts is not None:
                text = "".join(parts).strip()
                if not text and level == BOLD_ONLY:
                    level = 0
                result.append((level, None if image else text))
                parts = None
            elif tag == "Strong":
                strong -= 1
        elif name == "InlineHtml" and parts is not None and level == BOLD_ONLY:
            level = 0
    return result


def plain_text(body: str) -> str:
    """`Body.text` of a source, by the same walk as `analyse` with nothing else recorded."""
    if not body.strip():
        return ""
    try:  # with ranges, as `analyse`: unmerged text pieces are what `code` holds one by one
        events = pyromark.events_with_range(body, options=_OPTIONS)
    except Exception:
        return ""
    texts: list[str] = []
    code: list[str] = []
    parts: list[str] | None = None
    for event, _ in events:
        if event.__class__ is str:
            if parts is not None and (event == "SoftBreak" or event == "HardBreak"):
                parts.append("\n")
            continue
        (name, payload), = event.items()
        if name == "Text" or name == "Code":
            (code if parts is None else parts).append(str(payload))
        elif name == "Start":
            if (payload if payload.__class__ is str else next(iter(payload))) in _BLOCK_KINDS:
                parts = []
        elif name == "End":
            if parts is not None and (payload if payload.__class__ is str else next(iter(payload))) in _BLOCK_KINDS:
                text = "".join(parts).strip()
                if text:
                    texts.append(text)
                parts = None
    return "\n".join(texts + code)


def _check_html(html: str, display: str, line: int, result: Analysis) -> None:
    match = _UNSAFE_HTML.search(html)
    if match:
        result.findings.append(Finding(display, line + html[: match.start()].count("\n"), "unsafe-content", ERROR,
                                       f"正文含有不安全的 HTML（{match.group(0).strip()}）：脚本、内嵌框架、表单和事件属性不会发布。"
                                       "请删除这段 HTML，改用 Markdown 书写。"))


def _check_url(url: str, display: str, line: int, result: Analysis) -> None:
    if _UNSAFE_URL.match(url):
        result.findings.append(Finding(display, line, "unsafe-content", ERROR,
                                       f"链接地址“{url[:40]}”使用了不安全的协议。请改为 https:// 地址或指向站内文件的相对路径。"))


# What pulldown-cmark writes for Markdown without raw HTML, checked with as few Python steps as possible:
# a `<` that does not open or close an allowed tag, and the tags that carry attributes.
_BAD_TAG = re.compile(r"<(?!/?%s[\s/>])" % trie_pattern(_ALLOWED_TAGS).pattern)  # a trie: one try per `<`, not one per tag
_TAG_WITH_ATTRIBUTES = re.compile(r"<([a-z][a-z0-9]*)(\s[^<>]*?)\s*/?>")
_ATTRIBUTES = re.compile(r'(?:\s+[a-z-]+="[^"<>]*")*')
_ATTRIBUTE = re.compile(r'\s+([a-z-]+)="([^"<>]*)"')
# A URL that is safe as it is: an allowed scheme with a host or an address (the sanitizer drops a
# bare "http:"), or no scheme at all; never a control character or space (browsers drop those, so
# "java&#9;script:" would become a scheme).
_SAFE_URL = re.compile(r"(?:https?://[a-z0-9.-]+(?:[:/?#]|\Z)|(?:mailto|tel):[^\x00-\x20\x7f]|[^:/?#\x00-\x20\x7f]*(?:[/?#]|$))"
                       r"[^\x00-\x20\x7f]*\Z", re.I)


def _already_safe(html: str) -> bool:
    """Whether HTML from Markdown without raw HTML lies inside the safe subset, so `sanitize` would only
    reformat it: allowed tags and attributes, URLs with allowed schemes, every `<` part of a tag."""
    if _BAD_TAG.search(html):
        return False
    for tag, attributes in _TAG_WITH_ATTRIBUTES.findall(html):
        if not _ATTRIBUTES.fullmatch(attributes.rstrip()):
            return False
        for name, value in _ATTRIBUTE.findall(attributes):
            if name not in _ALLOWED_ATTRS.get(tag, ()):
                return False
            if name in ("href", "src") and not _SAFE_URL.match(html_lib.unescape(value)):
                return False
    return True


def render(body: Body, rewrite: Callable[[str], str]) -> str:
    """Render a body to sanitized HTML, passing every link and image URL through `rewrite`.

    Bodies without raw HTML (no `<` in the source: nearly all) whose output is already inside the
    safe subset skip the sanitizer, which would only reformat them; everything else goes through it.
    """
    if not body.source.strip():
        return ""
    html = pyromark.html(body.source, options=_OPTIONS)
    clean = html if "<" not in body.source and _already_safe(html) else sanitize(html)
    if "<table" in clean:
        clean = _TABLE.sub(_cards_if_wide, clean)
    if not body.may_have_markup() or ('href="' not in clean and 'src="' not in clean):
        return clean  # no link or image to rewrite (most bodies)
    clean = _link_images(clean)
    return _URL_ATTRIBUTE.sub(
        lambda m: m[1] + html_lib.escape(rewrite(html_lib.unescape(m[2])), quote=True) + m[3], clean)


_TABLE = re.compile(r"<table>(.*?)</table>", re.S)
_HEADER_CELL = re.compile(r"<th[^>]*>(.*?)</th>", re.S)
_BODY_CELL = re.compile(r"<td([^>]*)>")
_ROW = re.compile(r"<tr>(.*?)</tr>", re.S)
WIDE_TABLE = 5
"""Columns from which a body table becomes labelled cards on a phone (fewer fit across 360 px)."""


def _cards_if_wide(match: re.Match) -> str:
    """A table of `WIDE_TABLE` columns or more, with a header row, marked to read as labelled cards on a
    phone (`data cards`, each cell labelled with its column's header), like the column's own lists."""
    inner = match[1]
    head, _, rest = inner.partition("</thead>")
    headers = [html_lib.escape(re.sub(r"<[^>]+>", "", html_lib.unescape(h)).strip(), quote=True)
               for h in _HEADER_CELL.findall(head)]
    if len(headers) < WIDE_TABLE or not rest:
        return match[0]

    def label_row(row: re.Match) -> str:
        cells = iter(headers)
        return "<tr>" + _BODY_CELL.sub(lambda cell: f'<td{cell[1]} data-label="{next(cells, "")}">', row[1]) + "</tr>"
    return '<table class="data cards">' + head + "</thead>" + _ROW.sub(label_row, rest) + "</table>"


_IMAGE_OR_LINK = re.compile(r"<a\b[^>]*>|</a>|<img\b[^>]*>")
_SRC = re.compile(r'\ssrc="([^"]*)"')


def _link_images(html: str) -> str:
    """Each image not already inside a link becomes a link to itself, so that a reader can open a
    picture (一图读懂) at its full size; sanitized HTML in, the `href` the same URL as the `src`."""
    if "<img" not in html:
        return html
    out, position, depth = [], 0, 0
    for match in _IMAGE_OR_LINK.finditer(html):
        tag = match[0]
        if tag.startswith("</a"):
            depth = max(0, depth - 1)
        elif tag.startswith("<a"):
            depth += 1
        elif depth == 0 and (src := _SRC.search(tag)):
            out.append(html[position:match.start()] + f'<a class="image-link" href="{src[1]}">{tag}</a>')
            position = match.end()
    return "".join(out) + html[position:]


def sanitize(html: str) -> str:
    """Keep only the safe subset of HTML."""
    return nh3.clean(html, tags=_ALLOWED_TAGS, attributes=_ALLOWED_ATTRS, url_schemes=_URL_SCHEMES,
                     link_rel=None, strip_comments=True)
