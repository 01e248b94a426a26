"""Regular expressions built from word lists."""

from __future__ import annotations

import re


def trie_pattern(words) -> re.Pattern | None:
    """One regex for all words, shaped as a trie so each position is tried once, not once per word."""
    trie: dict = {}
    for word in words:
        node = trie
        for ch in word:
            node = node.setdefault(ch, {})
        node[""] = {}

    def build(node: dict) -> str:
        branches = [re.escape(ch) + build(child) for ch, child in sorted(node.items()) if ch]
        if not branches:
            return ""
        body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
        # Greedy optional tail: the longest listed word wins over a shorter one it starts with.
        return f"(?:{body})?" if "" in node else body

    return re.compile(build(trie)) if trie else None
