"""Every fix a finding suggests, applied as an editor would (the suggested text in place of the
wrong one, on the finding's line), makes that finding go away and starts no other error."""

from __future__ import annotations

import re

import pytest

from conftest import MINIMAL_SITE_YML, ORG, check, doc, write_site

# (rule, the pattern that finds the suggestion in its message, what in the line is replaced)
SUGGESTIONS = {
    "doc-no-format": re.compile(r"应改为“([^”]+)”"),
    "index-no-format": re.compile(r"(?:应为|例如) (\S+?/\d{4}-\d+)。"),
    "topic-unknown": re.compile(r"是否应为“([^”]+)”"),
    "front-matter-invalid": re.compile(r"是否应为“([^”]+)”"),
    "ref-unknown": re.compile(r"最接近的有：([^、。]+)"),
    "wording": re.compile(r"建议改为“([^”]+)”"),
}


def _normative(n: int, **fields: str) -> str:
    values = {"title": f"测试办法{n}", "doc_no": f"测人社发〔2026〕{n}号", "index_no": f'"{ORG}/2026-{n:05d}"',
              "written": "2026-03-01", "published": "2026-03-02", "topic": "就业创业", "valid_until": "2031-03-01",
              "drafter": "就业股"}
    values.update(fields)
    return doc("\n".join(f"{k}: {v}" for k, v in values.items() if v is not None),
               fields.get("_body", "正文。\n") if "_body" in fields else "正文。\n")


WRONG = {
    "normative/a.md": _normative(1, doc_no="测人社发[2026]1号"),
    "normative/b.md": _normative(2, doc_no="测人社发（２０２６）第02号"),
    "normative/c.md": _normative(3, doc_no="测人社发〔2026〕 3号".replace(" ", "")),  # already right: a control
    "normative/d.md": _normative(4, index_no=f'"{ORG}/2025-00004"'),  # year of the wrong year
    "normative/e.md": _normative(5, index_no="0123"),
    "normative/f.md": _normative(6, index_no=f'"{ORG}/2026-00001"'.replace("00001", "1")),  # too short
    "normative/g.md": _normative(7, topic="就业"),
    "normative/h.md": _normative(8, summay="摘要文字"),
    "interpretation/i.md": doc(f'title: 解读\nindex_no: "{ORG}/2026-00020"\npublished: 2026-03-03\n'
                               "interprets: 测人社发〔2026〕99号\ndrafter: 就业股", "正文。\n"),
    "normative/j.md": _normative(9, title="做为试点的办法"),
}


def _findings(content):
    return [f for f in check(content) if f.rule in SUGGESTIONS and f.severity in ("error", "warning")]


def test_every_suggested_fix_clears_its_finding_and_starts_no_other_error(tmp_path):
    content = write_site(tmp_path, WRONG, MINIMAL_SITE_YML)
    before = _findings(content)
    suggested = 0
    for finding in before:
        match = SUGGESTIONS[finding.rule].search(finding.message)
        if match is None:
            continue
        path = content / finding.file.split("content/", 1)[1]
        lines = path.read_text(encoding="utf-8").split("\n")
        line = lines[finding.line - 1]
        fix = match[1]
        if finding.rule == "front-matter-invalid":
            lines[finding.line - 1] = re.sub(r"^\w+", fix, line)
        else:
            key, _, value = line.partition(": ")
            if finding.rule == "wording":
                wrong = re.search(r"^“([^”]+)”", finding.message)[1]
                lines[finding.line - 1] = line.replace(wrong, fix)
            else:
                lines[finding.line - 1] = f"{key}: \"{fix}\"" if "/" in fix else f"{key}: {fix}"
        path.write_text("\n".join(lines), encoding="utf-8")
        suggested += 1
    assert suggested >= 9
    errors_before = {(f.file, f.line, f.rule) for f in check(write_site(tmp_path / "orig", WRONG, MINIMAL_SITE_YML))
                     if f.severity == "error"}
    after = check(content)
    left = [(f.file.split("content/", 1)[1], f.rule, f.message) for f in after if f.rule in SUGGESTIONS]
    assert left == []
    new_errors = {(f.file.split("content/", 1)[1], f.rule) for f in after if f.severity == "error"} - \
        {(f[0].split("content/", 1)[1], f[2]) for f in errors_before}
    assert new_errors == set()
