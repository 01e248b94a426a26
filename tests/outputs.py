"""Helpers that read a built site: every file's text (search index decompressed) and its links."""

from __future__ import annotations

import gzip
import re
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit


_SPACED = re.compile(rb"(?<=[\x80-\xff]) (?=[\x80-\xff])")
"""A space between two non-ASCII characters: the search index writes every 汉字 as a word."""


def output_texts(site: Path) -> dict[str, bytes]:
    """Every output file's bytes; Pagefind's gzip-compressed index files are decompressed, and
    followed by their text without the spaces between 汉字, so that a scan for a phrase finds it in
    the index as written."""
    result = {}
    for path in sorted(site.rglob("*")):
        if not path.is_file():
            continue
        data = path.read_bytes()
        if data[:2] == b"\x1f\x8b":
            try:
                data = gzip.decompress(data)
                data += b"\n" + _SPACED.sub(b"", data)
            except OSError:
                pass
        result[path.relative_to(site).as_posix()] = data
    return result


class _Links(HTMLParser):
    def __init__(self):
        super().__init__()
        self.links: list[tuple[str, str, str]] = []  # (tag, attribute, url)
        self.tags: list[tuple[str, dict]] = []

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        self.tags.append((tag, attributes))
        for name in ("href", "src", "action", "poster", "data"):
            if attributes.get(name) is not None:
                self.links.append((tag, name, attributes[name]))


def parse_html(text: str) -> _Links:
    parser = _Links()
    parser.feed(text)
    return parser


def broken_links(site: Path) -> list[str]:
    """Internal links in HTML pages that do not resolve to a file in the output."""
    problems = []
    for page in sorted(site.rglob("*.html")):
        links = parse_html(page.read_text(encoding="utf-8")).links
        for tag, attribute, url in links:
            parts = urlsplit(url)
            if parts.scheme or url.startswith("//") or not parts.path:
                continue
            if tag == "base":  # the 404 page's: the site's root path, where its links start (test_build)
                continue
            if tag == "link" and attribute == "href" and "canonical" in url:
                continue
            target = (page.parent / unquote(parts.path)).resolve()
            if not target.is_file():
                problems.append(f"{page.relative_to(site)}: {tag}[{attribute}]={url}")
    return problems
