"""Wording (错敏字): common wrong, non-standard or sensitive expressions in what readers see, with the
suggested form; the shipped list (gen/data/wordlist.yml) extended by a column's content/wordlist.yml."""

from __future__ import annotations

import re
from functools import lru_cache

from gen import PACKAGE
from gen.content.frontmatter import parse_yaml
from gen.content.patterns import trie_pattern
from gen.findings import ERROR, WARNING, Finding

from . import Context, rule

DEFAULT_WORDLIST = PACKAGE / "data" / "wordlist.yml"


def read_wordlist(text: str, display: str) -> tuple[dict[str, str], list[str], list[Finding]]:
    """Read a word list file: `words: {wrong: right}` and `ignore: [wrong]`, with findings for mistakes."""
    parsed = parse_yaml(text, display)
    findings = list(parsed.findings)
    words: dict[str, str] = {}
    ignore: list[str] = []
    data = parsed.data or {}

    def problem(key: str, message: str) -> None:
        findings.append(Finding(display, parsed.lines.get(key, 1), "front-matter-invalid", ERROR, message))

    for key in data:
        if key not in ("words", "ignore"):
            problem(str(key), f"词表中有未知的键“{key}”。词表只有两项：words（错误写法: 建议写法）和 ignore（不检查的默认词条列表）。")
    raw_words = data.get("words") or {}
    if not isinstance(raw_words, dict):
        problem("words", "words 应为“错误写法: 建议写法”的映射，例如 words: {做为: 作为}。")
        raw_words = {}
    for wrong, right in raw_words.items():
        wrong = str(wrong).strip()
        if not wrong:
            continue
        if right is not None and not isinstance(right, (str, int, float)):
            problem(f"words.{wrong}", f"“{wrong}”的建议写法应为一段文字（或留空）。")
            continue
        words[wrong] = "" if right is None else str(right).strip()
    raw_ignore = data.get("ignore") or []
    if not isinstance(raw_ignore, list) or not all(isinstance(w, (str, int)) for w in raw_ignore):
        problem("ignore", "ignore 应为词语列表，例如 ignore: [其它]。")
        raw_ignore = []
    ignore = [str(w).strip() for w in raw_ignore]
    return words, ignore, findings


@lru_cache(maxsize=1)
def default_words() -> dict[str, str]:
    """The shipped list of common wrong or sensitive expressions (gen/data/wordlist.yml)."""
    try:
        text = DEFAULT_WORDLIST.read_text(encoding="utf-8")
    except OSError:
        return {}
    return read_wordlist(text, str(DEFAULT_WORDLIST))[0]


@lru_cache(maxsize=8)
def _compiled(extra: tuple[tuple[str, str], ...], ignore: tuple[str, ...]) -> tuple[dict[str, str], re.Pattern | None]:
    words = {w: r for w, r in default_words().items() if w not in ignore}
    words.update(extra)
    return words, trie_pattern(words)


def scan(text: str, pattern: re.Pattern, first_line: int = 1):
    """(line, word) for every hit of the word list in a text."""
    line = first_line
    position = 0
    for match in pattern.finditer(text):
        line += text.count("\n", position, match.start())
        position = match.start()
        yield line, match.group(0)


@rule("wording", WARNING, "使用了常见错别字或不规范、敏感的表述（错敏字），附建议写法；词表可在 content/wordlist.yml 中扩充")
def wording(ctx: Context):
    extra: dict[str, str] = {}
    ignore: list[str] = []
    wordlist = ctx.site.wordlist
    if wordlist is not None and wordlist.text is not None:
        extra, ignore, problems = read_wordlist(wordlist.text, wordlist.display)
        yield from problems
    words, pattern = _compiled(tuple(sorted(extra.items())), tuple(sorted(ignore)))
    if pattern is None:
        return
    listed = (tuple(sorted(extra.items())), tuple(sorted(ignore)))
    for doc in ctx.site.documents:
        yield from ctx.per_document("wording", doc, lambda: _document_hits(doc, pattern, words), listed)
    for intro in ctx.site.intros.values():
        yield from _scan_body(intro.source, 1, pattern, words)
    for catalogue in ctx.site.catalogues:
        yield from _scan_body(catalogue.source, 1, pattern, words)


def _document_hits(doc, pattern: re.Pattern, words: dict[str, str]):
    # Title, summary and body are what readers see; keywords are search terms typed without quotes.
    for key in ("title", "summary"):
        value = getattr(doc, key, None)
        if value and key in doc.lines:
            for _, word in scan(value, pattern):
                yield _hit(doc.source.display, doc.lines[key], word, words)
    if doc.body is not None:
        for line, word in scan(doc.body.source, pattern, doc.body_line):
            yield _hit(doc.source.display, line, word, words)


def _scan_body(source, first_line: int, pattern: re.Pattern, words: dict[str, str]):
    if not source.text or first_line < 1:
        return
    text = source.text
    start = 0
    for _ in range(first_line - 1):
        start = text.find("\n", start) + 1
        if start == 0:
            return
    for line, word in scan(text[start:], pattern, first_line):
        yield _hit(source.display, line, word, words)


def _hit(display: str, line: int, word: str, words: dict[str, str]) -> Finding:
    right = words.get(word, "")
    advice = f"建议改为“{right}”。" if right else "请删除或改写。"
    return Finding(display, line, "wording", WARNING, f"“{word}”是常见的错误或不规范表述，{advice}")
