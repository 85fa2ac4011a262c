"""course_utils installs as a package, and never pulls in TensorFlow.

In Colab the setup cell runs `pip install git+<repository>`; pip builds the
same wheel as here. If that wheel required `tensorflow`, pip would replace
Colab's own TensorFlow build; locally it would add a second TensorFlow beside
tensorflow-cpu.
"""

from __future__ import annotations

import subprocess
import sys
import zipfile
from email.parser import Parser
from pathlib import Path

import pytest

from conftest import ROOT


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("wheel")
    result = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--quiet", "--wheel-dir", str(out), str(ROOT)],
        capture_output=True, text=True, timeout=600,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    (path,) = out.glob("course_utils-*.whl")
    return path


def test_wheel_holds_every_module(wheel):
    names = zipfile.ZipFile(wheel).namelist()
    modules = sorted(p.name for p in (ROOT / "course_utils").glob("*.py"))
    packaged = sorted(Path(n).name for n in names if n.startswith("course_utils/") and n.endswith(".py"))
    assert packaged == modules


def test_wheel_requires_no_tensorflow_and_only_loose_pins(wheel):
    with zipfile.ZipFile(wheel) as z:
        (meta_name,) = [n for n in z.namelist() if n.endswith(".dist-info/METADATA")]
        meta = Parser().parsestr(z.read(meta_name).decode())
    requires = meta.get_all("Requires-Dist") or []
    assert requires, "course_utils should declare its (loose) dependencies"
    assert not [r for r in requires if r.lower().startswith(("tensorflow", "keras"))], requires
    assert not [r for r in requires if "==" in r], f"pinned dependencies would fight Colab: {requires}"


def test_wheel_ships_the_message_catalogs(wheel):
    names = set(zipfile.ZipFile(wheel).namelist())
    for lang in ("es", "pt"):
        assert f"course_utils/locale/{lang}/LC_MESSAGES/course_utils.mo" in names, sorted(names)
