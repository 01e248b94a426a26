"""Make the project's virtual environment, also where the system Python cannot make one with pip.

Debian and Ubuntu ship Python without `ensurepip` unless the python3-venv package is installed
(which needs root), and refuse `pip install` into the system Python (PEP 668). So: try the normal
`python3 -m venv`; if that fails, make the environment without pip and install pip into it from
the pip wheel on PyPI (a wheel can run itself). Usage: python3 tools/venv.py FOLDER
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import tempfile
import urllib.parse
import urllib.request
from pathlib import Path


def main() -> int:
    folder = Path(sys.argv[1] if len(sys.argv) > 1 else ".venv")
    python = folder / "bin" / "python"
    if python.exists() and subprocess.run([str(python), "-m", "pip", "--version"], capture_output=True).returncode == 0:
        return 0
    shutil.rmtree(folder, ignore_errors=True)
    if sys.version_info < (3, 11):
        print(f"gongkai 需要 Python 3.11 或更高版本，本机是 {sys.version.split()[0]}。", file=sys.stderr)
        return 1
    made = subprocess.run([sys.executable, "-m", "venv", str(folder)], capture_output=True, text=True)
    if made.returncode == 0:
        return 0
    shutil.rmtree(folder, ignore_errors=True)
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(folder)], check=True)
    print("本机 Python 没有 ensurepip（Debian/Ubuntu 未安装 python3-venv），从 PyPI 下载 pip 装入虚拟环境……", file=sys.stderr)
    api = "https://pypi.org/pypi/pip/json"
    with urllib.request.urlopen(api, timeout=60) as response:
        release = json.load(response)
    wheel = next(f for f in release["urls"] if f["packagetype"] == "bdist_wheel")
    with tempfile.TemporaryDirectory() as work:
        path = Path(work) / wheel["filename"]
        with urllib.request.urlopen(urllib.parse.urljoin(api, wheel["url"]), timeout=120) as response:
            path.write_bytes(response.read())
        subprocess.run([str(python), f"{path}/pip", "install", "--quiet", "--no-index", str(path)], check=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
