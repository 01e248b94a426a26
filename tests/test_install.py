"""The README's set-up works where the system Python is externally managed and has no ensurepip
(stock Debian 12 / Ubuntu 24.04 without python3-venv): tools/venv.py makes the environment anyway."""

from __future__ import annotations

import os
import subprocess
import sys

from conftest import ROOT


def test_a_virtual_environment_is_made_without_ensurepip(tmp_path, monkeypatch, capsys):
    """What Debian's Python does without python3-venv — `python -m venv` fails for want of ensurepip —
    is injected as that one failure; the environment without pip, the download of pip from PyPI and
    pip itself are real."""
    import importlib.util
    spec = importlib.util.spec_from_file_location("make_venv", ROOT / "tools" / "venv.py")
    make_venv = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(make_venv)
    real_run = subprocess.run

    def debian_run(command, *args, **kwargs):
        if command[1:3] == ["-m", "venv"] and "--without-pip" not in command:
            return subprocess.CompletedProcess(command, 1, "", "Error: ensurepip is not available")
        return real_run(command, *args, **kwargs)
    monkeypatch.setattr(make_venv.subprocess, "run", debian_run)
    folder = tmp_path / "venv"
    monkeypatch.setattr(sys, "argv", ["venv.py", str(folder)])
    assert make_venv.main() == 0
    assert "python3-venv" in capsys.readouterr().err  # the editor is told why it takes longer
    pip = real_run([str(folder / "bin" / "python"), "-m", "pip", "--version"], capture_output=True, text=True)
    assert pip.returncode == 0 and str(folder) in pip.stdout
    assert make_venv.main() == 0 and capsys.readouterr().err == ""  # an environment with pip is kept as it is


def test_make_serve_installs_no_test_packages():
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    serve_chain = makefile.split("$(VENV)/.installed: ", 1)[1].split("\n\n", 1)[0]
    assert "-e ." in serve_chain and "[test]" not in serve_chain
    assert "serve: install\n" in makefile and "test: install-test" in makefile


def test_make_serves_install_works_with_an_externally_managed_system_python(tmp_path):
    """The README's set-up, run as written against Debian's own Python (PEP 668: it refuses pip
    install): `make install` (what `make serve` runs first) makes .venv/ and the column builds."""
    import shutil
    system = "/usr/bin/python3"
    probe = subprocess.run([system, "-c", "import os, sysconfig; print(os.path.exists(os.path.join("
                            "sysconfig.get_path('stdlib'), 'EXTERNALLY-MANAGED')))"], capture_output=True, text=True) \
        if os.path.exists(system) else None
    if probe is None or probe.stdout.strip() != "True":
        import pytest
        pytest.skip("no externally managed system Python here")
    refused = subprocess.run([system, "-m", "pip", "install", "--dry-run", "jinja2"], capture_output=True, text=True)
    assert refused.returncode != 0  # PEP 668 holds: the system Python refuses installs
    clone = tmp_path / "clone"
    subprocess.run(["git", "clone", "-q", str(ROOT), str(clone)], check=True)
    for changed in ("Makefile", "tools/venv.py", "pyproject.toml"):  # the working tree's, committed or not
        shutil.copyfile(ROOT / changed, clone / changed)
    done = subprocess.run(["make", "install", f"PYTHON={system}"], cwd=clone, capture_output=True, text=True, timeout=900)
    assert done.returncode == 0, done.stdout + done.stderr
    venv_python = clone / ".venv" / "bin" / "python"
    version = subprocess.run([str(venv_python), "-c", "import sys; print(sys.base_prefix)"], capture_output=True, text=True)
    assert version.stdout.strip() == "/usr"  # made from the system Python
    checked = subprocess.run([str(venv_python), "-m", "gen", "check"], cwd=clone, capture_output=True, text=True)
    assert checked.returncode == 0 and "没有发现问题" in checked.stdout
    again = subprocess.run(["make", "install", f"PYTHON={system}"], cwd=clone, capture_output=True, text=True)
    assert "Nothing to be done" in again.stdout or again.stdout.strip() == ""  # nothing reinstalled
