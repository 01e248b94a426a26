"""A bureau's first day: `gongkai init` → `gongkai new` → `gongkai check` → `gongkai build` in an empty
folder, and Debian's nginx serving the result with the configuration init wrote."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from conftest import ROOT

NGINX = shutil.which("nginx") or "/usr/sbin/nginx"
ANSWERS = ["--name", "测试县民政局", "--org-code", "11341524MB1234567C", "--site-code", "3415240099",
           "--domain", "mzj.example.gov.cn", "--address", "测试县人民路1号", "--phone", "0564-1234567"]


def gongkai(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "gen", *args], cwd=cwd, capture_output=True, text=True, timeout=300,
                          env={**os.environ, "PYTHONPATH": str(ROOT)})


def test_uscc_check_character():
    from gen.authoring.init import uscc_problem
    for real in ("91350100M000100Y43", "914403001922038216", "91330100716105852F", "9144030071526726XG"):
        assert uscc_problem(real) is None, real
    assert "校验位" in uscc_problem("91350100M000100Y44")
    assert "18 位" in uscc_problem("9135010")
    assert "不允许" in uscc_problem("91350100M000100YO3")


def test_init_refuses_wrong_answers_and_an_existing_column(tmp_path):
    bad = ANSWERS.copy()
    bad[bad.index("11341524MB1234567C")] = "11341524MB1234567X"
    done = gongkai("init", *bad, cwd=tmp_path)
    assert done.returncode == 2 and "校验位应为“C”" in done.stderr and not (tmp_path / "content").exists()
    assert gongkai("init", *ANSWERS, cwd=tmp_path).returncode == 0
    again = gongkai("init", *ANSWERS, cwd=tmp_path)
    assert again.returncode == 2 and "已存在" in again.stderr


def test_init_new_check_build_in_an_empty_folder(tmp_path):
    done = gongkai("init", *ANSWERS, cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    for path in ("content/site.yml", "content/guide/_index.md", ".gitignore", "README.md", "deploy/nginx.conf",
                 ".github/workflows/gongkai.yml"):
        assert (tmp_path / path).is_file(), path
    fresh = gongkai("check", cwd=tmp_path)
    assert fresh.returncode == 0, fresh.stdout  # a fresh column passes…
    assert "首先发布政府信息公开指南" in fresh.stdout  # …and says what to publish first
    assert gongkai("new", "guide", "--title", "测试县民政局政府信息公开指南", cwd=tmp_path).returncode == 0
    checked = gongkai("check", cwd=tmp_path)
    assert checked.returncode == 0 and "0 个错误" in checked.stdout
    built = gongkai("build", cwd=tmp_path)
    assert built.returncode == 0, built.stdout + built.stderr
    assert (tmp_path / "site" / "guide" / "index.html").is_file() and (tmp_path / "site" / "pagefind").is_dir()


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def nginx_site(tmp_path):
    if not os.path.exists(NGINX):
        pytest.fail("Debian nginx is not installed: run `make install-browser` (CI installs it).")
    assert gongkai("init", *ANSWERS, cwd=tmp_path).returncode == 0
    assert gongkai("new", "guide", "--title", "测试县民政局政府信息公开指南", cwd=tmp_path).returncode == 0
    guide = next((tmp_path / "content" / "guide").glob("guide-*.md"))
    bundle = tmp_path / "content" / "guide" / "fujian"
    bundle.mkdir()
    text = guide.read_text(encoding="utf-8").replace("\n---\n", "\n---\n[申请表](shenqingbiao.docx)\n\n![流程图](liucheng.svg)\n\n", 1)
    (bundle / "index.md").write_text(text, encoding="utf-8")
    guide.unlink()
    from conftest import docx_bytes
    (bundle / "shenqingbiao.docx").write_bytes(docx_bytes("申请表"))
    (bundle / "liucheng.svg").write_text('<svg xmlns="http://www.w3.org/2000/svg"><rect width="9" height="9"/></svg>')
    built = gongkai("build", cwd=tmp_path)
    assert built.returncode == 0, built.stdout + built.stderr
    from gen.authoring.init import nginx_config
    port = _free_port()
    prefix = tmp_path / "nginx"
    prefix.mkdir()
    (prefix / "server.conf").write_text(nginx_config("mzj.example.gov.cn", str(tmp_path / "site"), f"127.0.0.1:{port}"),
                                        encoding="utf-8")
    user = "user root;\n" if os.geteuid() == 0 else ""  # workers read the test's private temporary folder
    (prefix / "nginx.conf").write_text(
        f"{user}worker_processes 1;\ndaemon off;\npid {prefix}/nginx.pid;\nerror_log {prefix}/error.log;\n"
        "events { worker_connections 64; }\n"
        f"http {{\n include /etc/nginx/mime.types;\n default_type application/octet-stream;\n access_log off;\n"
        f" client_body_temp_path {prefix}/body;\n proxy_temp_path {prefix}/proxy;\n fastcgi_temp_path {prefix}/fastcgi;\n"
        f" uwsgi_temp_path {prefix}/uwsgi;\n scgi_temp_path {prefix}/scgi;\n include {prefix}/server.conf;\n}}\n",
        encoding="utf-8")
    tested = subprocess.run([NGINX, "-t", "-p", str(prefix), "-c", str(prefix / "nginx.conf")], capture_output=True, text=True)
    assert tested.returncode == 0, tested.stderr
    server = subprocess.Popen([NGINX, "-p", str(prefix), "-c", str(prefix / "nginx.conf")],
                              stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    base = f"http://127.0.0.1:{port}/"
    for _ in range(100):
        try:
            urllib.request.urlopen(base, timeout=1)
            break
        except (urllib.error.URLError, ConnectionError):
            time.sleep(0.05)
    yield base
    server.terminate()
    server.wait(timeout=10)


def _get(url: str):
    try:
        with urllib.request.urlopen(urllib.request.Request(url, headers={"Host": "mzj.example.gov.cn"}), timeout=5) as r:
            return r.status, r.headers, r.read()
    except urllib.error.HTTPError as error:
        return error.code, error.headers, error.read()


def test_nginx_serves_the_built_column_with_the_generated_configuration(nginx_site):
    from gen.render import CONTENT_SECURITY_POLICY
    status, headers, body = _get(nginx_site)
    assert status == 200 and "测试县民政局" in body.decode("utf-8")
    assert headers["Content-Security-Policy"] == CONTENT_SECURITY_POLICY
    assert CONTENT_SECURITY_POLICY in body.decode("utf-8")  # the same policy as the page's own <meta>
    assert headers["X-Content-Type-Options"] == "nosniff" and "no-cache" in headers["Cache-Control"]
    status, headers, _ = _get(nginx_site + "guide/fujian/")
    assert status == 200
    status, headers, _ = _get(nginx_site + "pagefind/pagefind.js")  # the search's own script, as a script
    assert status == 200 and "javascript" in headers["Content-Type"] and "no-cache" in headers["Cache-Control"]
    status, headers, _ = _get(nginx_site + "guide/fujian/shenqingbiao.docx")
    assert status == 200 and headers["Content-Disposition"] == "attachment" and "sandbox" in headers["Content-Security-Policy"]
    status, headers, _ = _get(nginx_site + "guide/fujian/liucheng.svg")
    assert status == 200 and headers["Content-Type"].startswith("image/svg+xml") and "sandbox" in headers["Content-Security-Policy"]
    status, headers, body = _get(nginx_site + "no/such/page/")
    assert status == 404 and "页面未找到" in body.decode("utf-8")
    # Shown at a nested address, its stylesheet and links still resolve (a <base> at the site's root).
    import re
    from urllib.parse import urljoin
    page = body.decode("utf-8")
    base = urljoin(nginx_site + "no/such/page/", re.search(r'<base href="([^"]+)">', page)[1])
    sheets = re.findall(r'<link rel="stylesheet" href="([^"]+)"', page)
    assert sheets and all(_get(urljoin(base, sheet))[0] == 200 for sheet in sheets)
    assert _get(urljoin(base, re.search(r'<a href="([^"]+)">返回首页', page)[1]))[0] == 200
