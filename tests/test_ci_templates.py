"""What a column's own repository uses in CI: `gongkai init-ci`, the GitLab code-quality format,
the pre-commit hook definition, and a wheel that carries its templates and the preview script."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
import yaml

from conftest import ROOT
from gen import cli


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    shutil.copytree(ROOT / "content", tmp_path / "content")
    return tmp_path


@pytest.mark.parametrize("target, path", [("github", ".github/workflows/gongkai.yml"), ("gitlab", ".gitlab-ci.yml"),
                                          ("pre-commit", ".pre-commit-config.yaml")])
def test_init_ci_writes_a_valid_template_once(repo: Path, target: str, path: str, capsys):
    assert cli.main(["init-ci", target, "--content", str(repo / "content")]) == 0
    data = yaml.safe_load((repo / path).read_text(encoding="utf-8"))
    text = (repo / path).read_text(encoding="utf-8")
    if target == "github":
        steps = [step.get("run", "") for step in data["jobs"]["build"]["steps"]]
        assert "gongkai check --format github" in steps and "gongkai build --format github" in steps
        assert data["jobs"]["deploy"]["needs"] == "build"
    elif target == "gitlab":
        assert data["stages"] == ["check", "build", "deploy"]
        assert data["check"]["artifacts"]["reports"]["codequality"] == "gl-code-quality-report.json"
        assert "gongkai build --out public" in data["build"]["script"]
    else:
        assert data["repos"][0]["hooks"][0]["entry"] == "gongkai check"
    assert "gongkai" in text
    assert cli.main(["init-ci", target, "--content", str(repo / "content")]) == 2  # never overwritten
    assert "已存在" in capsys.readouterr().err


def test_codeclimate_report_points_at_file_and_line(repo: Path, capsys):
    doc = repo / "content/normative/2023/rs-2023-3/index.md"
    doc.write_text(doc.read_text(encoding="utf-8").replace("topic: 就业创业", "topic: 不存在的主题"), encoding="utf-8")
    assert cli.main(["check", "--content", str(repo / "content"), "--today", "2026-11-23", "--format", "codeclimate"]) == 1
    report = json.loads(capsys.readouterr().out)
    issue = next(i for i in report if i["check_name"] == "topic-unknown")
    assert issue["location"]["path"].endswith("normative/2023/rs-2023-3/index.md")
    assert issue["location"]["lines"]["begin"] > 1 and issue["severity"] == "major"
    assert len({i["fingerprint"] for i in report}) == len(report)


def test_the_pre_commit_hook_definition():
    hooks = yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))
    hook = next(h for h in hooks if h["id"] == "gongkai-check")
    assert hook["entry"] == "gongkai check" and hook["pass_filenames"] is False and hook["language"] == "python"


def test_a_wheel_carries_templates_ci_files_and_the_preview_script(tmp_path: Path):
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(tmp_path),
                    str(ROOT)], check=True, capture_output=True)
    wheel = next(tmp_path.glob("gongkai-*.whl"))
    names = zipfile.ZipFile(wheel).namelist()
    for layout in (ROOT / "layouts").rglob("*"):
        if layout.is_file():
            rel = layout.relative_to(ROOT / "layouts").as_posix()
            assert any(n.endswith(f".data/data/share/gongkai/layouts/{rel}") for n in names), rel
    for packaged in ("gen/data/live.js", "gen/data/ci/github-actions.yml", "gen/data/ci/gitlab-ci.yml",
                     "gen/data/wordlist.yml"):
        assert packaged in names
