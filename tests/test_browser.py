"""The course website as students meet it: in a real browser.

The site built by the session fixture `built_site` (conftest.py: one
fast-mode build shared with test_book.py) is served on localhost and headless
Chromium, driven by Selenium, goes through it: the landing page, every page
of `_toc.yml` (so every chapter in every language), the language switcher,
the download and Colab links, and the search page.

A page fails on: a console error about a local resource or script, a broken
internal link or anchor, a figure that is missing or drawn at zero size, a
Colab link that does not open the page's own notebook, a missing switcher
link, a wrong `lang`. The browser resolves no host but localhost
(`--host-resolver-rules`), so the run is the same offline and in CI; console
errors about external URLs (the Colab badge image, MathJax from its CDN) are
therefore expected and ignored, and only those.

Screenshots of the landing page and of one chapter per language go to
`_build/screenshots/` (or `$COURSE_SCREENSHOTS`). Chromium and chromedriver
come from Debian's `chromium` and `chromium-driver` packages, which
`scripts/ensure_chromium.sh` installs (or from `$COURSE_CHROMIUM` and
`$COURSE_CHROMEDRIVER`); without them the test is skipped, except in CI
(`CI` set), where it fails.

Iterate on an existing build with
`COURSE_BUILT_SITE=_build/fast/_build/html python -m pytest tests/test_browser.py -p no:xdist`.
"""

from __future__ import annotations

import functools
import http.server
import json
import os
import re
import shutil
import tempfile
import threading
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml

from conftest import LANGUAGES, ROOT
from tools import colab_links

TOC = yaml.safe_load((ROOT / "_toc.yml").read_text(encoding="utf-8"))
PAGES = [c["file"] for part in TOC["parts"] for c in part["chapters"]]
CHAPTERS = [page for page in PAGES if (ROOT / f"{page}.ipynb").exists()]
SCREENSHOT_DIR = Path(os.environ.get("COURSE_SCREENSHOTS", ROOT / "_build" / "screenshots"))
LOCAL_HOSTS = {"127.0.0.1", "localhost"}


def _find_browser() -> tuple[str, str] | None:
    """Chromium and its driver: $COURSE_CHROMIUM / $COURSE_CHROMEDRIVER, else from PATH."""
    chromium = os.environ.get("COURSE_CHROMIUM") or (
        shutil.which("chromium") or shutil.which("chromium-browser") or shutil.which("google-chrome")
    )
    driver = os.environ.get("COURSE_CHROMEDRIVER") or shutil.which("chromedriver")
    return (chromium, driver) if chromium and driver else None


def _missing(reason: str) -> None:
    if os.environ.get("CI"):
        pytest.fail(f"{reason}; CI must run the browser test (see scripts/ensure_chromium.sh)")
    pytest.skip(f"{reason}; install it with `bash scripts/ensure_chromium.sh`")


# --- serving the site ----------------------------------------------------


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args) -> None:  # noqa: A002 (the base class's name)
        pass


@pytest.fixture(scope="module")
def site_url(built_site: Path) -> Iterator[str]:
    """Serve the built site on a free localhost port, as a static host would."""
    handler = functools.partial(_QuietHandler, directory=str(built_site))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/"
    server.shutdown()
    server.server_close()


@functools.lru_cache(maxsize=None)
def _fetch(url: str) -> tuple[int, bytes]:
    """GET a URL once: (status, body)."""
    try:
        with urllib.request.urlopen(url, timeout=30) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as error:
        return error.code, b""


# --- the browser ------------------------------------------------------------


@pytest.fixture(scope="module")
def browser() -> Iterator:
    found = _find_browser()
    if found is None:
        _missing("Chromium or chromedriver is not installed")
    try:
        from selenium import webdriver
        from selenium.webdriver.chrome.service import Service
    except ImportError:
        _missing("selenium is not installed")
    chromium, driver_path = found
    profile = tempfile.mkdtemp(prefix="course-chromium-")
    options = webdriver.ChromeOptions()
    options.binary_location = chromium
    for flag in (
        "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
        "--disable-quic", "--no-first-run", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--disable-extensions",
        "--hide-scrollbars", "--window-size=1366,900", f"--user-data-dir={profile}",
        # Only localhost resolves: external resources fail at once, online or not.
        "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1, EXCLUDE localhost",
        "--lang=en-US",
    ):
        options.add_argument(flag)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    driver = webdriver.Chrome(options=options, service=Service(executable_path=driver_path))
    driver.set_page_load_timeout(60)
    try:
        yield driver
    finally:
        driver.quit()
        shutil.rmtree(profile, ignore_errors=True)


def _is_local(url: str) -> bool:
    return urllib.parse.urlsplit(url).hostname in LOCAL_HOSTS


def _console_errors(driver) -> list[str]:
    """Severe console entries about local resources or scripts (external ones are expected offline)."""
    errors = []
    for entry in driver.get_log("browser"):
        if entry["level"] != "SEVERE":
            continue
        message = entry["message"]
        first_url = re.search(r"https?://[^\s\"')]+", message)
        if first_url and not _is_local(first_url.group(0)):
            continue  # e.g. the Colab badge image or MathJax from its CDN
        errors.append(message)
    return errors


def _open(driver, url: str) -> None:
    """Load a page, wait for it and its images, and clear the console log of the previous page."""
    driver.get_log("browser")
    driver.get(url)
    driver.execute_async_script(
        """
        const done = arguments[arguments.length - 1];
        const images = Array.from(document.images).filter(img => !img.complete);
        Promise.all(images.map(img => new Promise(r => { img.onload = img.onerror = r; })))
          .then(() => done());
        """
    )


def _links(driver) -> list[str]:
    """Every URL the page refers to: links, images, stylesheets and scripts."""
    return driver.execute_script(
        """
        const urls = [];
        for (const a of document.querySelectorAll('a[href]')) urls.push(a.href);
        for (const i of document.querySelectorAll('img[src]')) urls.push(i.src);
        for (const l of document.querySelectorAll('link[href]')) urls.push(l.href);
        for (const s of document.querySelectorAll('script[src]')) urls.push(s.src);
        return urls;
        """
    )


def _broken_links(driver) -> list[str]:
    """Local URLs of the page that do not answer 200, or whose #anchor is not on the target page."""
    broken = []
    for url in sorted(set(_links(driver))):
        parts = urllib.parse.urlsplit(url)
        if parts.scheme not in ("http", "https") or not _is_local(url):
            continue
        target = urllib.parse.urlunsplit((parts.scheme, parts.netloc, parts.path, parts.query, ""))
        status, body = _fetch(target)
        if status != 200:
            broken.append(f"{url} (HTTP {status})")
            continue
        fragment = urllib.parse.unquote(parts.fragment)
        if fragment and parts.path.endswith(".html") and not re.search(
            rf'\b(id|name)="{re.escape(fragment)}"', body.decode("utf-8", "replace")
        ):
            broken.append(f"{url} (no element with id {fragment!r})")
    return broken


def _bad_images(driver) -> list[str]:
    """Local images of the article that did not load or are drawn at zero size."""
    return driver.execute_script(
        """
        const bad = [];
        for (const img of document.querySelectorAll('article img')) {
          if (!img.src.startsWith(location.origin)) continue;
          const box = img.getBoundingClientRect();
          if (!img.complete || img.naturalWidth === 0 || box.width === 0 || box.height === 0)
            bad.push(img.src + ` (natural ${img.naturalWidth}px, drawn ${box.width}x${box.height})`);
        }
        return bad;
        """
    )


def _screenshot(driver, name: str, full_page: bool = False) -> Path:
    SCREENSHOT_DIR.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOT_DIR / f"{name}.png"
    if full_page:
        height = driver.execute_script("return document.documentElement.scrollHeight")
        driver.set_window_size(1366, min(max(height, 900), 4000))
        driver.save_screenshot(str(path))
        driver.set_window_size(1366, 900)
    else:
        driver.save_screenshot(str(path))
    return path


def _check_page(driver, site_url: str, page: str) -> list[str]:
    """Problems shared by every page: language, console, links, images."""
    problems = []
    lang = page.split("/")[1] if page.startswith("book/") and page.split("/")[1] in LANGUAGES else "en"
    html_lang = driver.execute_script("return document.documentElement.lang")
    if html_lang != lang:
        problems.append(f'<html lang="{html_lang}">, expected "{lang}"')
    if page.startswith("book/") and lang == page.split("/")[1]:
        captions = [e.text.strip() for e in driver.find_elements("css selector", "nav.bd-docs-nav p.caption")]
        if len(captions) != 1:
            problems.append(f"the sidebar should show this language's part only, it shows {captions}")
    problems += [f"console: {e}" for e in _console_errors(driver)]
    problems += [f"broken link: {b}" for b in _broken_links(driver)]
    problems += [f"bad image: {b}" for b in _bad_images(driver)]
    return problems


# --- the tests --------------------------------------------------------------


def test_landing_page(browser, site_url):
    from selenium.webdriver.support.ui import WebDriverWait

    _open(browser, site_url)  # the root index.html redirects to the landing page ...
    WebDriverWait(browser, 30).until(lambda d: d.current_url.endswith("book/index.html"))
    # ... by a meta refresh, which may still be loading: open the landing page itself,
    # so that the checks below never look at a half-loaded document.
    _open(browser, site_url + "book/index.html")
    problems = _check_page(browser, site_url, "book/index")
    # A card per language, in that language, leading to its introduction.
    for lang in LANGUAGES:
        cards = browser.find_elements("css selector", f'.sd-card[lang="{lang}"]')
        if len(cards) != 1:
            problems.append(f"expected one card in lang={lang}, found {len(cards)}")
        elif not cards[0].find_elements("css selector", f'a[href$="{lang}/intro.html"]'):
            problems.append(f"the {lang} card has no link to {lang}/intro.html")
    # Every chapter, in every language, is listed.
    hrefs = {a.get_attribute("href") for a in browser.find_elements("css selector", "article a[href]")}
    for chapter in CHAPTERS:
        if not any(h.endswith(f"{chapter}.html") for h in hrefs):
            problems.append(f"no link to {chapter}")
    _screenshot(browser, "landing", full_page=True)
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("page", [p for p in PAGES if p not in CHAPTERS])
def test_other_pages(browser, site_url, page):
    _open(browser, site_url + page + ".html")
    problems = _check_page(browser, site_url, page)
    problems += _switcher_problems(browser, site_url, page, follow=False)
    assert not problems, "\n".join(problems)


def _switcher_problems(driver, site_url: str, page: str, follow: bool) -> list[str]:
    """The switcher links to the same file in each other language; `follow` clicks one."""
    lang, name = page.split("/")[1], page.split("/", 2)[2]
    problems = []
    links = driver.find_elements("css selector", "nav.course-language-switcher a.course-lang-link")
    targets = {a.get_attribute("hreflang"): a.get_attribute("href") for a in links}
    for other in LANGUAGES:
        if other == lang or not (ROOT / "book" / other).is_dir():
            continue
        expected = site_url + f"book/{other}/{name}.html"
        if targets.get(other) != expected:
            problems.append(f"switcher: link to {other} is {targets.get(other)}, expected {expected}")
    if follow and not problems and links:
        other = links[0].get_attribute("hreflang")
        links[0].click()
        if driver.execute_script("return document.documentElement.lang") != other:
            problems.append(f"switcher: following the {other} link did not open a page in {other}")
        if not driver.current_url.endswith(f"book/{other}/{name}.html"):
            problems.append(f"switcher: the {other} link opened {driver.current_url}")
        driver.back()
    return problems


@pytest.mark.parametrize("page", CHAPTERS)
def test_chapter_page(browser, site_url, page):
    _open(browser, site_url + page + ".html")
    problems = _check_page(browser, site_url, page)

    # Executed outputs and figures.
    outputs = browser.find_elements("css selector", "article .cell_output")
    figures = [
        img for img in browser.find_elements("css selector", "article .cell_output img")
        if img.get_attribute("src").startswith(site_url)
    ]
    if not outputs:
        problems.append("no executed outputs")
    if not figures:
        problems.append("no figure among the outputs")

    # Colab: the badge in the notebook and the theme's launch button both open
    # this notebook, and no Colab link opens another page's notebook
    # (links to the graded assignments' notebooks are fine).
    repo, branch = colab_links.read_repository()
    own = f"https://colab.research.google.com/github/{repo}/blob/{branch}/{page}.ipynb"
    colab = "a[href^='https://colab.research.google.com/']"
    badges = browser.find_elements("css selector", f"article {colab} img")
    badge_links = [img.find_element("xpath", "ancestor::a[1]").get_attribute("href") for img in badges]
    launch = [a.get_attribute("href") for a in browser.find_elements("css selector", f".dropdown-launch-buttons {colab}")]
    if not badge_links:
        problems.append("no Colab badge in the page")
    problems += [f"the Colab badge opens {href}, not {own}" for href in badge_links if href != own]
    if launch != [own]:
        problems.append(f"the Colab launch button opens {launch}, not [{own}]")
    other_pages = [
        a.get_attribute("href") for a in browser.find_elements("css selector", colab)
        if f"/blob/{branch}/book/" in a.get_attribute("href") and a.get_attribute("href") != own
    ]
    problems += [f"a Colab link opens another page's notebook: {href}" for href in other_pages]

    # Download: the notebook itself, served as a notebook.
    downloads = [
        a.get_attribute("href") for a in browser.find_elements("css selector", "a.btn-download-source-button")
    ]
    want = site_url + f"_sources/{page}.ipynb"
    if want not in downloads:
        problems.append(f"no download link to {want} (found {downloads})")
    else:
        status, body = _fetch(want)
        try:
            cells = json.loads(body)["cells"] if status == 200 else []
        except (ValueError, KeyError):
            cells = []
        if not cells:
            problems.append(f"the download {want} is not a notebook (HTTP {status})")

    problems += _switcher_problems(browser, site_url, page, follow=True)

    # One chapter per language: the first one of its part.
    lang = page.split("/")[1]
    if page == next(c for c in CHAPTERS if c.startswith(f"book/{lang}/")):
        _open(browser, site_url + page + ".html")
        _screenshot(browser, f"chapter_{lang}")
        figure = next(iter(browser.find_elements("css selector", "article .cell_output img")), None)
        if figure is not None:
            browser.execute_script("arguments[0].scrollIntoView({block: 'center'})", figure)
            _screenshot(browser, f"chapter_{lang}_figure")
    assert not problems, "\n".join(problems)


def test_search_finds_the_chapters(browser, site_url):
    _open(browser, site_url + "search.html?q=LSTM")
    from selenium.webdriver.support.ui import WebDriverWait

    WebDriverWait(browser, 30).until(
        lambda d: d.find_elements("css selector", "#search-results ul.search li")
        or "found 0" in d.find_element("css selector", "#search-results").text
    )
    hrefs = [
        urllib.parse.urlsplit(a.get_attribute("href")).path
        for a in browser.find_elements("css selector", "#search-results ul.search li a")
    ]
    found = {path.rsplit(".", 1)[0].lstrip("/") for path in hrefs}
    chapters_found = sorted(found & set(CHAPTERS))
    assert chapters_found, f"a search for LSTM found no chapter: {sorted(found)}"
    for lang in LANGUAGES:
        if any(c.startswith(f"book/{lang}/") for c in CHAPTERS):
            assert any(c.startswith(f"book/{lang}/") for c in chapters_found), f"no {lang} chapter among {chapters_found}"
    assert not _console_errors(browser), _console_errors(browser)


def test_nothing_private_is_served(built_site, site_url):
    """No assignment sources, solutions, hidden tests or local paths in what the site serves."""
    for path in ("assignments/", "assignments/README.md", "_sources/assignments/", "tests/", "README.md", ".git/"):
        status, _ = _fetch(site_url + path)
        assert status == 404, f"{path} is served (HTTP {status})"
    # nbgrader's solution and hidden-test markers, and paths of the machine that built the site.
    markers = re.compile(r"BEGIN SOLUTION|BEGIN HIDDEN TESTS|/home/|/root/|/tmp/|/work/|site-packages")
    for path in built_site.rglob("*"):
        if path.is_dir():
            continue
        rel = path.relative_to(built_site).as_posix()
        assert not rel.startswith(("assignments/", "_sources/assignments/")), f"{rel} is served"
        if path.suffix in {".html", ".js", ".txt", ".ipynb", ".md", ".json"}:
            text = path.read_text(encoding="utf-8", errors="replace")
            found = markers.findall(text)
            assert not found, f"{rel} contains {sorted(set(found))}"
            if path.suffix == ".ipynb":  # an nbgrader (instructor) notebook has nbgrader cell metadata
                assert '"nbgrader"' not in text, f"{rel} is an nbgrader notebook"


# --- the site's Sphinx extension, without a browser ------------------------


def _extension():
    import importlib
    import sys

    sys.path.insert(0, str(ROOT / "book" / "_ext"))
    try:
        return importlib.import_module("course_language")
    finally:
        sys.path.pop(0)


@pytest.mark.parametrize(
    ("pagename", "docnames", "expected"),
    [
        ("book/es/intro", {"book/en/intro", "book/es/intro", "book/pt/intro"},
         {"en": "book/en/intro", "es": "book/es/intro", "pt": "book/pt/intro"}),
        ("book/en/03_bptt", {"book/en/03_bptt"}, {"en": "book/en/03_bptt", "es": None, "pt": None}),
        ("book/index", {"book/index"}, {}),
        ("search", set(), {}),
        ("book/de/intro", {"book/de/intro"}, {}),
    ],
)
def test_switcher_targets(pagename, docnames, expected):
    assert _extension().counterparts(pagename, docnames) == expected


def test_chapters_are_read_from_the_file_names():
    docnames = {"book/en/10_x", "book/pt/02_b", "book/en/02_b", "book/en/intro", "book/es/glossary", "book/index"}
    assert _extension().chapters(docnames) == {2: {"en": "book/en/02_b", "pt": "book/pt/02_b"}, 10: {"en": "book/en/10_x"}}
    assert _extension().chapters(set()) == {}


@pytest.mark.parametrize("lang", LANGUAGES)
def test_sidebar_keeps_only_the_page_language(lang):
    names = {"en": "English", "es": "Español", "pt": "Português"}
    sidebar = "".join(
        f'<p class="caption"><span class="caption-text">{names[code]}</span></p><ul><li>{code}</li></ul>'
        for code in LANGUAGES
    )
    kept = _extension().only_language_part(sidebar, lang)
    assert f"<li>{lang}</li>" in kept
    assert all(f"<li>{code}</li>" not in kept for code in LANGUAGES if code != lang)
    from bs4 import BeautifulSoup  # the PyData theme hands over a soup, not a string

    soup = BeautifulSoup(sidebar, "html.parser")
    assert str(_extension().only_language_part(soup, lang)) == kept
    assert str(soup) == sidebar, "the theme's (cached) soup must be left as it was"
