"""The command line speaks Chinese throughout and answers mistakes with one clear line, never a traceback."""

from __future__ import annotations

import shutil
import socket
import subprocess
import sys
from pathlib import Path

from conftest import ROOT

ENGLISH = ("usage:", "options:", "positional arguments", "show this help", "invalid choice", "required:", "Traceback",
           "error:")


def gongkai(*args: str, cwd: Path = ROOT, timeout: float = 120) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "gen", *args], cwd=cwd, capture_output=True, text=True, timeout=timeout)


def test_help_and_usage_errors_are_in_chinese():
    for args in (["--help"], ["build", "--help"], ["new", "--help"], ["biuld"], ["new"], ["serve", "--port", "x"],
                 ["check", "--format", "xml"], ["check", "--today", "2026-02-30"]):
        done = gongkai(*args)
        text = done.stdout + done.stderr
        assert not any(word in text for word in ENGLISH), (args, text)
        assert "用法：" in text
        assert done.returncode == (0 if "--help" in args else 2), args


def test_a_missing_content_folder_is_one_line(tmp_path):
    done = gongkai("check", "--content", str(tmp_path / "nowhere"))
    assert done.returncode == 2 and done.stderr.count("\n") == 1 and "不存在" in done.stderr


def test_a_port_in_use_is_one_clear_line(tmp_path):
    content = tmp_path / "content"
    shutil.copytree(ROOT / "content", content)
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        done = gongkai("serve", "--content", str(content), "--port", str(port), "--no-search", cwd=tmp_path)
    assert done.returncode == 2
    assert "已被占用" in done.stderr and "--port" in done.stderr and "Traceback" not in done.stderr


def test_build_reports_its_stages_in_chinese(tmp_path):
    content = tmp_path / "content"
    shutil.copytree(ROOT / "content", content)
    done = gongkai("build", "--content", str(content), "--out", str(tmp_path / "site"), "--no-search", cwd=tmp_path)
    assert done.returncode == 0
    summary = done.stdout.strip().splitlines()[-1]
    assert "读取内容" in summary and "生成页面" in summary
    assert not any(stage in summary for stage in ("cache ", "load ", "parse ", "render "))


def test_new_and_the_preview_agree_on_the_date_of_a_snapshot(tmp_path):
    """The example column is a snapshot (as_of in site.yml): a document made with `gongkai new` is
    dated that day, so the preview and the build show it."""
    content = tmp_path / "content"
    shutil.copytree(ROOT / "content", content)
    done = gongkai("new", "article", "--content", str(content), "--title", "新建的工作动态", "--name", "xinjian",
                   "--column", "employment", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    made = next(content.rglob("xinjian.md"))
    assert "published: 2026-11-23" in made.read_text(encoding="utf-8")
    from gen.content.config import content_date
    from gen.preview.updates import Preview
    preview = Preview(content, tmp_path / "preview", ROOT / "layouts", content_date(content), search=False)
    assert preview.full().ok
    page = tmp_path / "preview" / made.relative_to(content).with_suffix("") / "index.html"
    assert page.is_file()
    preview.close()
