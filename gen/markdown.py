"""One configured Markdown parser: parse once, collect links with lines, render safely."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Callable

import nh3
from markdown_it import MarkdownIt
from markdown_it.token import Token

from .findings import ERROR, Finding


def _make_parser() -> MarkdownIt:
    md = MarkdownIt("commonmark", {"html": True, "linkify": False, "typographer": False})
    md.enable(["table", "strikethrough"])
    # Accept every URL at parse time so hostile ones are seen and reported by the checks;
    # the sanitizer removes them from the HTML regardless.
    md.validateLink = lambda url: True
    return md


MD = _make_parser()

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


@dataclass
class Link:
    """A link or image in a body, with the line it is on (正文链接)."""

    url: str
    line: int
    image: bool = False
    text: str = ""


@dataclass
class Body:
    """A parsed Markdown body: tokens to render later, links, plain text and findings."""

    tokens: list[Token]
    links: list[Link] = field(default_factory=list)
    text: str = ""
    """Plain text of the body (for similarity, search and summaries)."""
    headings: int = 0
    heading_chars: int = 0
    images: list[Link] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)


def parse(body: str, display: str, first_line: int) -> Body:
    """Parse a body once; record links, images, plain text and unsafe content with their lines."""
    try:
        tokens = MD.parse(body)
    except RecursionError:
        result = Body(tokens=[])
        result.findings.append(Finding(display, first_line, "unsafe-content", ERROR, "正文嵌套层级过深，无法解析。请简化列表或引用的嵌套。"))
        return result
    result = Body(tokens=tokens)
    text_parts: list[str] = []
    in_heading = False
    for token in tokens:
        line = first_line + (token.map[0] if token.map else 0)
        if token.type == "heading_open":
            in_heading = True
            result.headings += 1
        elif token.type == "heading_close":
            in_heading = False
        elif token.type in ("html_block",):
            _check_html(token.content, display, line, result)
        elif token.type in ("code_block", "fence"):
            text_parts.append(token.content)
        elif token.type == "inline" and token.children:
            chunk = _inline(token.children, line, display, result)
            if in_heading:
                result.heading_chars += len(chunk)
            text_parts.append(chunk)
    result.text = "\n".join(p for p in text_parts if p)
    return result


def _inline(children: list[Token], line: int, display: str, result: Body) -> str:
    parts: list[str] = []
    current: Link | None = None
    for child in children:
        if child.type == "text" or child.type == "code_inline":
            parts.append(child.content)
            if current is not None:
                current.text += child.content
        elif child.type == "softbreak" or child.type == "hardbreak":
            parts.append("\n")
            line += 1
        elif child.type == "html_inline":
            _check_html(child.content, display, line, result)
        elif child.type == "link_open":
            current = Link(url=str(child.attrs.get("href", "")), line=line)
            result.links.append(current)
            _check_url(current.url, display, line, result)
        elif child.type == "link_close":
            current = None
        elif child.type == "image":
            alt = child.content
            link = Link(url=str(child.attrs.get("src", "")), line=line, image=True, text=alt)
            result.links.append(link)
            result.images.append(link)
            _check_url(link.url, display, line, result)
            parts.append(alt)
    return "".join(parts)


def _check_html(html: str, display: str, line: int, result: Body) -> None:
    match = _UNSAFE_HTML.search(html)
    if match:
        result.findings.append(Finding(display, line + html[: match.start()].count("\n"), "unsafe-content", ERROR,
                                       f"正文含有不安全的 HTML（{match.group(0).strip()}）：脚本、内嵌框架、表单和事件属性不会发布。"
                                       "请删除这段 HTML，改用 Markdown 书写。"))


def _check_url(url: str, display: str, line: int, result: Body) -> None:
    if _UNSAFE_URL.match(url):
        result.findings.append(Finding(display, line, "unsafe-content", ERROR,
                                       f"链接地址“{url[:40]}”使用了不安全的协议。请改为 https:// 地址或指向站内文件的相对路径。"))


def render(tokens: list[Token], rewrite: Callable[[str, bool], str]) -> str:
    """Render tokens to sanitized HTML, passing every link and image URL through `rewrite`."""
    for token in tokens:
        if token.type == "inline" and token.children:
            for child in token.children:
                if child.type == "link_open":
                    child.attrs["href"] = rewrite(str(child.attrs.get("href", "")), False)
                elif child.type == "image":
                    child.attrs["src"] = rewrite(str(child.attrs.get("src", "")), True)
    html = MD.renderer.render(tokens, MD.options, {})
    return sanitize(html)


def sanitize(html: str) -> str:
    """Keep only the safe subset of HTML."""
    return nh3.clean(html, tags=_ALLOWED_TAGS, attributes=_ALLOWED_ATTRS, url_schemes=_URL_SCHEMES,
                     link_rel=None, strip_comments=True)
