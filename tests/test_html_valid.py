"""Every page is valid HTML: the current Nu HTML Checker (npm `vnu-jar`, the W3C validator's engine,
installed by `make install-axe`; it needs a Java runtime) reports no error on any page of the example
column or of a real bureau's column (tests/sites/bureau/)."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest

from conftest import ROOT, build

VNU = ROOT / "tests" / "axe" / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"
BUREAU = ROOT / "tests" / "sites" / "bureau" / "content"


def _errors(site: Path) -> list[str]:
    """The checker's errors on every page of a built site, as `page:line: message`."""
    java = shutil.which("java")
    if java is None or not VNU.is_file():
        pytest.fail("the Nu HTML Checker needs Java and tests/axe/node_modules/vnu-jar: run `make install-axe`")
    pages = sorted(str(p) for p in site.rglob("*.html") if "pagefind" not in p.relative_to(site).parts)
    assert pages
    done = subprocess.run([java, "-jar", str(VNU), "--errors-only", "--format", "json", *pages],
                          capture_output=True, text=True, timeout=600)
    messages = json.loads(done.stderr or done.stdout)["messages"]
    return [f"{m.get('url', '')[len('file:'):]}:{m.get('lastLine', '?')}: {m.get('message')}" for m in messages
            if m.get("type") == "error" or m.get("subType") == "fatal"]


def test_every_page_of_the_example_column_is_valid_html(example_site):
    assert _errors(example_site) == []


def test_every_page_of_a_real_bureaus_column_is_valid_html(tmp_path):
    out = tmp_path / "site"
    assert build(BUREAU, out, search=False).written
    assert _errors(out) == []
