"""Build the whole website in fast mode, warnings as errors, and inspect it.

The build is the session fixture `built_site` of conftest.py, shared with
test_browser.py.
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import yaml

from conftest import ROOT
from tools import colab_links


def _pages() -> list[str]:
    toc = yaml.safe_load((ROOT / "_toc.yml").read_text(encoding="utf-8"))
    return [toc["root"]] + [c["file"] for part in toc["parts"] for c in part["chapters"]]


def test_every_toc_page_is_built(built_site):
    missing = [page for page in _pages() if not (built_site / f"{page}.html").exists()]
    assert not missing, f"pages missing from the site: {missing}"


def test_chapter_pages_show_executed_outputs_and_figures(built_site):
    for notebook in sorted((ROOT / "book").glob("*/*.ipynb")):
        page = built_site / notebook.relative_to(ROOT).with_suffix(".html")
        html = page.read_text(encoding="utf-8")
        assert "cell_output" in html, f"{page.name}: no executed outputs"
        assert re.search(r"<img[^>]+_images/", html), f"{page.name}: no figure"
        assert "Traceback" not in html, f"{page.name}: a traceback reached the page"


def test_no_local_paths_or_log_noise_in_pages(built_site):
    pattern = re.compile(r"/home/|/root/|/tmp/|/work/|site-packages|oneDNN custom operations|cuda_")
    for page in built_site.rglob("*.html"):
        found = pattern.findall(page.read_text(encoding="utf-8"))
        assert not found, f"{page.relative_to(built_site)} contains {sorted(set(found))}"


def test_colab_launch_button_points_at_the_page_notebook(built_site):
    repo, branch = colab_links.read_repository()
    for notebook in sorted((ROOT / "book").glob("*/*.ipynb")):
        rel = notebook.relative_to(ROOT).as_posix()
        html = (built_site / rel.replace(".ipynb", ".html")).read_text(encoding="utf-8")
        assert f"https://colab.research.google.com/github/{repo}/blob/{branch}/{rel}" in html, rel


def test_each_page_declares_its_language(built_site):
    for notebook in sorted((ROOT / "book").glob("*/*.ipynb")) + sorted((ROOT / "book").glob("*/*.md")):
        lang = notebook.parent.name
        html = (built_site / notebook.relative_to(ROOT).with_suffix(".html")).read_text(encoding="utf-8")
        assert re.search(rf'<html[^>]* lang="{lang}"', html), f"{notebook.name} ({lang}) lacks lang={lang!r}"


def test_the_site_serves_its_own_mathjax_and_badge(built_site):
    """Formulas render offline: MathJax comes from the site's _static/, as does the Colab badge."""
    assert (built_site / "_static" / "mathjax" / "tex-mml-chtml.js").is_file(), "MathJax was not copied into the site"
    assert (built_site / "_static" / "mathjax" / "output" / "chtml" / "fonts" / "woff-v2").is_dir(), "MathJax's fonts are missing"
    for lang in ("en", "es", "pt"):
        assert (built_site / "_static" / f"colab-badge-{lang}.svg").is_file(), f"no local Colab badge in {lang}"
    pages_with_maths = 0
    for page in built_site.rglob("*.html"):
        html = page.read_text(encoding="utf-8")
        external = re.findall(r'<(?:script|img)[^>]+src="(https?://[^"]+)"|<link[^>]+href="(https?://[^"]+\.css)"', html)
        assert not external, f"{page.relative_to(built_site)} loads {external}"
        if 'class="math' in html:
            pages_with_maths += 1
            assert re.search(r'<script defer="defer" src="(?:\.\./)*_static/mathjax/tex-mml-chtml\.js', html), (
                f"{page.relative_to(built_site)} has formulas but does not load the site's MathJax"
            )
    assert pages_with_maths >= 3, f"only {pages_with_maths} pages have formulas"


def test_a_raising_cell_fails_the_build(tmp_path):
    """Jupyter Book 1 exits 0 on a failing cell by default; our configuration must not."""
    import nbformat
    from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

    config = yaml.safe_load((ROOT / "_config.yml").read_text(encoding="utf-8"))
    config["sphinx"].pop("local_extensions", None)
    config["repository"] = {"url": "https://github.com/o/r", "branch": "main"}
    (tmp_path / "_config.yml").write_text(yaml.safe_dump(config))
    (tmp_path / "_toc.yml").write_text("format: jb-book\nroot: broken\n")
    nb = new_notebook(cells=[new_markdown_cell("# Broken"), new_code_cell("raise RuntimeError('boom')")])
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nbformat.write(nb, tmp_path / "broken.ipynb")
    jupyter_book = Path(sys.executable).parent / "jupyter-book"
    result = subprocess.run([str(jupyter_book), "build", str(tmp_path)], capture_output=True, text=True, timeout=600)
    assert result.returncode != 0, "a notebook whose cell raises was built without error"
    assert "boom" in result.stdout + result.stderr
