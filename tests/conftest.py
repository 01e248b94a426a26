"""Test helpers: sites written inline (MkDocs-style `files={...}`), built or checked in a temp dir."""

from __future__ import annotations

import datetime as dt
import textwrap
from pathlib import Path

import pytest

from gen.build import pipeline
from gen.findings import Finding

ROOT = Path(__file__).resolve().parent.parent
TODAY = dt.date(2026, 11, 23)
ORG = "11341524MB1234567X"

SITE_YML = f"""\
name: 测试县人力资源和社会保障局
base_url: https://rsj.example.gov.cn/
org_code: "{ORG}"
footer: {{sponsor: 测试县人力资源和社会保障局, site_code: "3415240099", icp: 皖ICP备00000000号, police: 皖公网安备 00000000000000号, address: 测试县人民路1号, phone: 0564-1234567}}
topics: [综合政务, 社会保障, 就业创业]
columns:
  - {{id: guide, title: 政府信息公开指南, folder: guide, kind: guide}}
  - id: active
    title: 法定主动公开内容
    children:
      - {{id: normative, title: 行政规范性文件, folder: normative, kind: normative}}
      - {{id: policy, title: 其他政策文件, folder: policy, kind: policy}}
      - {{id: interpretation, title: 政策解读, folder: interpretation, kind: interpretation}}
      - {{id: plan, title: 规划信息, folder: plan, kind: plan}}
      - {{id: consultation, title: 意见征集, folder: consultation, kind: consultation}}
      - {{id: news, title: 工作动态, folder: news, kind: article}}
  - {{id: annual-report, title: 政府信息公开年报, folder: annual-report, kind: annual_report}}
  - {{id: org, title: 机构信息, folder: org, kind: article}}
annual_reports_since: 2025
rules: {{}}
calendar: {{holidays: [], workdays: []}}
"""


# A small column for tests of the build itself: few columns, no annual reports due.
MINIMAL_SITE_YML = f"""\
name: 测试县人力资源和社会保障局
base_url: https://rsj.example.gov.cn/
org_code: "{ORG}"
footer: {{sponsor: 测试县人力资源和社会保障局, site_code: "3415240099", icp: 皖ICP备00000000号, police: 皖公网安备 00000000000000号, address: 测试县人民路1号, phone: 0564-1234567}}
topics: [综合政务, 社会保障, 就业创业]
columns:
  - {{id: normative, title: 行政规范性文件, folder: normative, kind: normative}}
  - {{id: policy, title: 其他政策文件, folder: policy, kind: policy}}
  - {{id: interpretation, title: 政策解读, folder: interpretation, kind: interpretation}}
  - {{id: news, title: 工作动态, folder: news, kind: article}}
rules: {{}}
"""


def write_site(root: Path, files: dict[str, str | bytes], site_yml: str | None = SITE_YML) -> Path:
    """Write a content folder: `files` maps paths under content/ to text (dedented) or bytes."""
    content = root / "content"
    content.mkdir(parents=True, exist_ok=True)
    if site_yml is not None and "site.yml" not in files:
        (content / "site.yml").write_text(site_yml, encoding="utf-8")
    for rel, data in files.items():
        path = content / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(data, bytes):
            path.write_bytes(data)
        else:
            path.write_text(textwrap.dedent(data).lstrip("\n"), encoding="utf-8")
    return content


def doc(front: str, body: str = "正文。\n") -> str:
    """A Markdown document from front matter lines (dedented) and a body."""
    return "---\n" + textwrap.dedent(front).strip("\n") + "\n---\n" + body


def check(content: Path, today: dt.date = TODAY) -> list[Finding]:
    return pipeline.check(content, today).findings


def located(findings: list[Finding], rule: str | None = None) -> set[str]:
    """`file:line [rule]` strings with paths relative to content/, for exact assertions."""
    result = set()
    for f in findings:
        if rule is None or f.rule == rule:
            rel = f.file.split("content/", 1)[-1]
            result.add(f"{rel}:{f.line} [{f.rule}]")
    return result


@pytest.fixture
def site_dir(tmp_path: Path) -> Path:
    return tmp_path


# Real attachment bytes, small and valid, for bundles in tests.
PDF_BYTES = b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"


def docx_bytes(text: str = "正文") -> bytes:
    import io
    import zipfile
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"/>')
        archive.writestr("word/document.xml", f'<?xml version="1.0"?><w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body><w:p><w:r><w:t>{text}</w:t></w:r></w:p></w:body></w:document>')
    return buffer.getvalue()


def build(content: Path, out: Path, today: dt.date = TODAY, search: bool = True) -> pipeline.Result:
    """Build a content folder with the project's layouts."""
    return pipeline.build(pipeline.Options(content=content, out=out, today=today, search=search,
                                           layouts=ROOT / "layouts"))


@pytest.fixture(scope="session")
def example_site(tmp_path_factory) -> Path:
    """The example column in content/, built once for the session with search; its index is cut into
    shards of 10 pages (a large column's layout), so that every search test searches merged shards."""
    from gen.search import bundle as search
    out = tmp_path_factory.mktemp("example") / "site"
    pages, search.SHARD_PAGES = search.SHARD_PAGES, 10
    try:
        result = build(ROOT / "content", out)
    finally:
        search.SHARD_PAGES = pages
    assert len(list((out / "pagefind").glob("*/pagefind-entry.json"))) > 3
    assert result.errors == 0, "\n".join(f"{f.file}:{f.line} [{f.rule}] {f.message}" for f in result.findings)
    return out




def edit(path: Path, old: str, new: str) -> None:
    """Replace the first `old` in a file by `new`, as an editor would (fails if `old` is not there)."""
    text = path.read_text(encoding="utf-8")
    assert old in text, (path, old)
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
