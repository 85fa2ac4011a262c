"""scripts/apt_install.sh: the one helper the setup scripts use to install system packages.

The install itself needs root and the network, so these tests check the paths
that must not install anything: wrong usage, and a system it cannot install on
(each with its reason), and that every setup script goes through the helper.
"""

from __future__ import annotations

import os
import subprocess

import pytest

from conftest import ROOT

HELPER = ROOT / "scripts" / "apt_install.sh"
CALLERS = [ROOT / "scripts" / "ensure_web_assets.sh", ROOT / "scripts" / "ensure_chromium.sh",
           ROOT / "assignments" / "tools" / "ensure_bwrap.sh"]


def _run(*args: str, path: str | None = None) -> subprocess.CompletedProcess:
    env = dict(os.environ)
    if path is not None:
        env["PATH"] = path
    return subprocess.run(["/bin/bash", str(HELPER), *args], capture_output=True, text=True, env=env, timeout=60)


def test_wrong_usage_says_what_is_expected():
    result = _run("only a purpose")
    assert result.returncode == 2
    assert "usage: bash scripts/apt_install.sh" in result.stderr and "got 1 argument(s)" in result.stderr


def test_a_system_without_apt_get_is_told_so(tmp_path):
    result = _run("the browser test", "chromium", path=str(tmp_path))  # an empty PATH: no apt-get
    assert result.returncode == 3
    assert "cannot install chromium (the browser test): this system has no apt-get" in result.stderr


@pytest.mark.parametrize("script", CALLERS, ids=lambda p: p.name)
def test_setup_scripts_install_through_the_helper(script):
    text = script.read_text(encoding="utf-8")
    assert "apt_install.sh" in text
    assert "apt-get update" not in text and "apt-get install -y" not in text, f"{script.name} calls apt-get itself"
