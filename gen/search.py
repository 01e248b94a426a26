"""Index the written pages with Pagefind (its binary from PyPI; nothing is downloaded)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path


class SearchError(Exception):
    """Pagefind failed; the build stops and the previous site stays."""


def index(site_dir: Path) -> None:
    """Write the Pagefind index into `site_dir/pagefind/` for the pages marked `data-pagefind-body`."""
    command = [sys.executable, "-m", "pagefind", "--site", str(site_dir), "--output-subdir", "pagefind",
               "--keep-index-url", "--silent"]
    done = subprocess.run(command, capture_output=True, text=True)
    if done.returncode != 0:
        raise SearchError(f"Pagefind 建立搜索索引失败：{(done.stderr or done.stdout).strip()[:2000]}")
