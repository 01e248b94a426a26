"""Findings of per-document checks are kept between runs (`rules.Memo`, .gongkai-cache/rules.json): a
run that takes them from the memo reports exactly what a run without it reports, also after edits
to what each check reads — the document, the one an interpretation interprets, a download's bytes,
the column's word list, the rule's settings."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from conftest import TODAY, located
from gen import rules
from gen.build import pipeline
from gen.build.pipeline import load_site

DEFECTS = Path(__file__).parent / "sites" / "defects" / "content"


def _fresh(content: Path) -> set[str]:
    """Every rule run without a memo, as the loader and the rules report it."""
    site, loaded = load_site(content, TODAY)
    found = rules.apply_overrides(loaded + rules.run(site, TODAY), site.config.rules, rules.document_settings(site))
    return located(found)


@pytest.fixture
def column(tmp_path):
    content = tmp_path / "content"
    shutil.copytree(DEFECTS, content)
    return content


def _checked(content: Path) -> set[str]:
    return located(pipeline.check(content, TODAY).findings)


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new), encoding="utf-8")


def test_a_run_from_the_memo_reports_what_a_fresh_run_reports(column):
    first = _checked(column)
    memo = column.parent / ".gongkai-cache" / "rules.json"
    assert memo.is_file() and first == _fresh(column)
    assert _checked(column) == first  # now from the memo


def test_edits_to_what_a_check_reads_are_seen(column):
    _checked(column)
    # The document: a placeholder and a wrong word written into a clean news item.
    clean = next(p for p in sorted((column / "news").glob("*.md")) if not any(
        f.startswith(f"news/{p.name}:") for f in _fresh(column)))
    text = clean.read_text(encoding="utf-8")
    clean.write_text(text + "\n做为（正文）\n", encoding="utf-8")
    assert {f.split(" ")[1] for f in _checked(column) if f.startswith(f"news/{clean.name}:")} == {"[placeholder]", "[wording]"}
    assert _checked(column) == _fresh(column)
    # The interpreted document: its text rewritten, the interpretation no longer copies it.
    copied = "interpretation/2026/i-copy.md:9 [interpretation-copies-source]"
    assert copied in _checked(column)
    target = rules.RULES  # noqa: F841 - the rules are loaded
    site, _ = load_site(column, TODAY)
    interp = next(d for d in site.documents if d.source.rel == "interpretation/2026/i-copy.md")
    source = site.resolve(interp.interprets).source.location
    body = Path(source).read_text(encoding="utf-8")
    head, _, _ = body.partition("\n---\n")
    Path(source).write_text(head + "\n---\n\n本办法另行规定。\n", encoding="utf-8")
    assert copied not in _checked(column) and _checked(column) == _fresh(column)
    # A download's bytes: the broken PDF replaced by a real one, a good one broken.
    broken = column / "normative" / "2026" / "n7" / "n7.pdf"
    broken.write_bytes(b"%PDF-1.4\n%%EOF\n")
    after = _checked(column)
    assert not any("[download-broken]" in f for f in after) and after == _fresh(column)
    broken.write_bytes(b"")
    assert "normative/2026/n7/n7.pdf:1 [download-broken]" in _checked(column)
    # The word list, and the rule's settings in site.yml (which drop the whole memo).
    (column / "wordlist.yml").write_text("add:\n  事业单位: 事业单位（示例）\n", encoding="utf-8")
    assert _checked(column) == _fresh(column)
    _edit(column / "site.yml", "rules: {}", "rules: {interpretation-copies-source: {similarity: 0.01}}")
    assert _checked(column) == _fresh(column)
