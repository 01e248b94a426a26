"""`gongkai new`: a new document of every kind with its required fields, the next free 索引号,
today's date, and for an interpretation the document it interprets."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from conftest import ROOT, TODAY, check
from gen import cli
from gen.content.frontmatter import parse_document

KINDS = ["normative", "policy", "interpretation", "guide", "annual_report", "consultation", "article", "plan"]
LOADING_RULES = {"field-missing", "front-matter-invalid", "front-matter-syntax", "index-no-format", "duplicate",
                 "doc-no-format", "date-invalid", "ref-unknown", "topic-unknown", "content-layout"}


@pytest.fixture
def content(tmp_path: Path) -> Path:
    shutil.copytree(ROOT / "content", tmp_path / "content")
    return tmp_path / "content"


@pytest.mark.parametrize("kind", KINDS)
def test_a_new_document_has_every_required_field(kind: str, content: Path, capsys):
    extra = ["--interprets", "示人社〔2024〕15号"] if kind == "interpretation" else []
    assert cli.main(["new", kind, "--content", str(content), "--today", TODAY.isoformat(), "--title", "测试标题", *extra]) == 0
    made = capsys.readouterr().out.split("已新建 ", 1)[1].split("\n", 1)[0].strip()
    path = Path(made)
    data = parse_document(path.read_text(encoding="utf-8"), made).data
    assert data["published"] == TODAY.isoformat()
    # the largest 索引号 serial of this year in the example column is 92
    existing = [p for p in content.rglob("*.md") if p != path]
    serials = [int(line.rsplit("-", 1)[1]) for p in existing for line in p.read_text(encoding="utf-8").splitlines()
               if line.startswith("index_no:") and f"/{TODAY.year}-" in line]
    assert data["index_no"] == f"11341524MB1234567X/{TODAY.year}-{max(serials) + 1:05d}"
    findings = [f for f in check(content) if f.file.endswith(path.relative_to(content).as_posix())]
    assert [f for f in findings if f.rule in LOADING_RULES] == []
    if kind == "interpretation":
        assert data["interprets"] == "policy/2024/rs-2024-15"
        assert data["drafter"] == "县公共就业和人才服务中心"  # 谁起草、谁解读


def test_an_interpretation_needs_an_existing_document(content: Path, capsys):
    assert cli.main(["new", "interpretation", "--content", str(content), "--interprets", "normative/2099/none"]) == 2
    assert "找不到要解读的文件" in capsys.readouterr().err
    assert cli.main(["new", "interpretation", "--content", str(content)]) == 2


def test_two_new_documents_never_share_a_file_or_an_index_number(content: Path, capsys):
    for _ in range(2):
        assert cli.main(["new", "article", "--content", str(content), "--today", TODAY.isoformat()]) == 0
    out = capsys.readouterr().out
    paths = [line.split("已新建 ", 1)[1].strip() for line in out.splitlines() if line.startswith("已新建")]
    assert len(set(paths)) == 2
    assert not [f for f in check(content) if f.rule == "duplicate"]
