"""Chinese text as Pagefind words: every 汉字 is a word of its own, so a term is found inside a sentence.

Pagefind's standard build keeps a run of Chinese characters as one word, and its query side cannot
find a term in the middle of that run (预算 inside 年度预算调整 is never found). Writing every
character as a word, and searching a query as a quoted phrase of those words (Pagefind's exact
search: the words at consecutive positions), finds a term wherever it occurs and nowhere else.

The rules below are applied twice and must agree: here to the text that is indexed, and in
`layouts/static/search.js` (`queryGroups`) to what a reader types; `tests/test_search.py` runs
both on the same strings.

- A Chinese character (汉字, including 〇 and 々) is a word.
- A run of letters and digits is a word (`2023`, `APP`); Pagefind lowercases it on both sides.
- Brackets, hyphens, slashes and dots join: they stay attached to a word and take no position,
  so 法释〔2023〕2号, 法释[2023]2号 and 法释2023 2号 are the same five words.
- Any other punctuation is a word of its own that matches nothing: a phrase never runs across it
  (社会。保险 is not 社会保险).
- Whitespace becomes `SPACE`, a word that matches nothing and is shown as a space.
"""

from __future__ import annotations

import re
import unicodedata

SPACE = "\ue000"
"""Stands for whitespace of the source text: it breaks phrases and is shown as a space."""

JOINERS = frozenset("〔〕[](){}【】〖〗<>-‐‑‒–/\\.·・")
"""Punctuation (after NFKC) that glues the parts of a 文号, date or number together."""

_CJK = re.compile("[\u3005-\u3007\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U000323af]")
_WHITE = frozenset("\t\n\v\f\r \x85\xa0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a"
                   "\u2028\u2029\u202f\u205f\u3000")
"""Unicode White_Space (what search.js and Pagefind treat as space)."""

# Character classes, after NFKC: what a character does to the words around it.
CJK, ALNUM, MARK, JOIN, BREAK, SPACE_CLASS, SKIP = "cjk", "alnum", "mark", "join", "break", "space", "skip"

# Runs that NFKC leaves alone and that need no look at single characters: most of any text.
_FAST = re.compile("(?P<cjk>[\u3005-\u3007\u3400-\u4dbf\u4e00-\u9fff\U00020000-\U0002f7ff\U0002fa20-\U000323af]+)"
                   "|(?P<alnum>[A-Za-z0-9]+)|(?P<space>[\t\n\r ]+)|(?P<other>.)", re.S)


def char_class(char: str) -> str:
    """Say what one NFKC-normalized character is for tokenizing (same rules as search.js)."""
    if char in _WHITE:
        return SPACE_CLASS
    if _CJK.match(char):
        return CJK
    category = unicodedata.category(char)
    if category[0] in "LN":
        return ALNUM
    if category[0] == "M":
        return MARK
    if category in ("Cc", "Cf"):
        return SKIP
    if char in JOINERS:
        return JOIN
    return BREAK


_classes: dict[str, tuple[str, list[tuple[str, str]]]] = {}


def _classify(original: str) -> tuple[str, list[tuple[str, str]]]:
    """A character's NFKC form, as (shown, class) pairs; cached, the alphabet of a site is small."""
    found = _classes.get(original)
    if found is None:
        normalized = unicodedata.normalize("NFKC", original)
        pairs = []
        for char in normalized:
            kind = char_class(char)
            # Punctuation keeps its own face (，not ,): the index ignores it, excerpts show it.
            shown = original if len(normalized) == 1 and kind in (JOIN, BREAK) else char
            pairs.append((shown, kind))
        found = _classes[original] = (normalized, pairs)
    return found


class _Words:
    """The words of a text, built left to right."""

    def __init__(self):
        self.words: list[str] = []
        self.last = ""  # kind of the last word: "token", "break" or "space"
        self.run = ""  # letters and digits being collected
        self.prefix = ""  # joiners waiting for the next token

    def close_run(self) -> None:
        if self.run:
            self.words.append(self.run)
            self.last = "token"
            self.run = ""

    def token(self, text: str) -> None:
        self.close_run()
        self.words.append(self.prefix + text)
        self.prefix = ""
        self.last = "token"

    def alnum(self, text: str) -> None:
        if not self.run:
            self.run, self.prefix = self.prefix, ""
        self.run += text

    def space(self) -> None:
        self.close_run()
        if self.last and self.last != "space":
            self.words.append(SPACE)
            self.last = "space"

    def char(self, shown: str, kind: str) -> None:
        if kind == ALNUM or (kind == MARK and self.run):
            self.alnum(shown)
        elif kind == CJK:
            self.token(shown)
        elif kind == JOIN:
            if self.run:
                self.run += shown
                self.close_run()
            elif self.last == "token":
                self.words[-1] += shown
            else:
                self.prefix += shown
        elif kind == BREAK:
            self.close_run()
            shown, self.prefix = self.prefix + shown, ""
            if self.last == "break":
                self.words[-1] += shown
            else:
                self.words.append(shown)
                self.last = "break"
        elif kind == SPACE_CLASS:
            self.space()
        # SKIP (control and format characters, zero-width spaces) and marks outside a run vanish.

    def finish(self) -> list[str]:
        self.close_run()
        if self.prefix:
            if self.last == "token":
                self.words[-1] += self.prefix
            else:
                self.words.append(self.prefix)
                self.last = "break"
        while self.words and self.words[-1] == SPACE:
            self.words.pop()
        return self.words


def index_words(text: str) -> list[str]:
    """Split text into the words Pagefind indexes; joined by spaces they read as the text again."""
    out = _Words()
    for match in _FAST.finditer(text):
        kind = match.lastgroup
        if kind == "cjk":
            chars = match.group()
            out.token(chars[0])
            if len(chars) > 1:
                out.words.extend(chars[1:])
        elif kind == "alnum":
            out.alnum(match.group())
        elif kind == "space":
            out.space()
        else:
            for shown, char_kind in _classify(match.group())[1]:
                out.char(shown, char_kind)
    return out.finish()


def query_groups(query: str) -> list[list[str]]:
    """Split a query into groups of words; each group is searched as one phrase, all groups must match.

    The Python twin of `queryGroups` in search.js, for tests and measurements.
    """
    groups: list[list[str]] = []
    group: list[str] = []
    run = ""

    def close_run() -> None:
        nonlocal run
        if run:
            group.append(run.lower())
            run = ""

    def close_group() -> None:
        nonlocal group
        close_run()
        if group and group not in groups:
            groups.append(group)
        group = []

    for char in unicodedata.normalize("NFKC", query):
        kind = char_class(char)
        if kind == ALNUM or (kind == MARK and run):
            run += char
        elif kind == CJK:
            close_run()
            group.append(char)
        elif kind == JOIN:
            close_run()
        elif kind in (BREAK, SPACE_CLASS):
            close_group()
    close_group()
    return groups


def display(words: list[str]) -> str:
    """The text the words stand for (what excerpts show)."""
    return "".join(" " if w == SPACE else w for w in words)
