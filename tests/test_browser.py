"""The course website as students meet it: in a real browser.

The site built by the session fixture `built_site` (conftest.py: one
fast-mode build shared with test_book.py) is served on localhost and headless
Chromium, driven by Selenium, goes through it: the landing page, every page
of `_toc.yml` (so every chapter in every language), the language switcher,
the download and Colab links, and the search page.

A page fails on: a console error, a broken internal link or anchor, a
figure that is missing or drawn at zero size, an image without real alt text
(empty or a file name), a resource (script, stylesheet, image, font) from
another host than the site, a formula that MathJax did not render, a serious
or critical accessibility violation found by axe-core (moderate and minor ones
too, unless `AXE_ACCEPTED` lists the rule with its reason), a Colab link that
does not open the page's own notebook, a missing switcher link, a wrong
`lang`, a footer without the licences. The browser resolves no host but
localhost (`--host-resolver-rules`), so the run is the same offline and in
CI: a page that needs the network fails. A keyboard test tabs through a page:
the skip link, the language switcher and the navigation are reached and used
with the keyboard alone, with a visible focus outline.

axe-core (pinned, from npm) and the site's MathJax are installed into .web/ by
`scripts/ensure_web_assets.sh`, which `scripts/test.sh` runs. Each page's axe
violations (all impacts) are written to `_build/screenshots/axe-report.json`.

Screenshots of the landing page and of one chapter per language go to
`_build/screenshots/` (or `$COURSE_SCREENSHOTS`), and every figure of every
chapter page, in each language, to its `figures/<lang>/` folder with an
index of their alt texts: run the test on the full build
(`COURSE_BUILT_SITE=_build/html`) to review what readers of the site see. Chromium and chromedriver
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

AXE_SCRIPT = ROOT / ".web" / "node_modules" / "axe-core" / "axe.min.js"
AXE_VERSION = "4.14"  # scripts/web/package.json pins 4.14.x
# axe-core impacts that always fail a page.
AXE_FAILING = ("critical", "serious")
# Moderate or minor axe rules accepted on the site, each with its reason; any other fails.
AXE_ACCEPTED: dict[str, str] = {}
# Every page's axe violations, written to SCREENSHOT_DIR/axe-report.json at the end of the module.
AXE_REPORT: dict[str, list[dict]] = {}
# The footer's licence statement, in each language (book/_ext/course_language.py writes it).
LICENCE_WORDS = {"en": "MIT License", "es": "licencia MIT", "pt": "licença MIT"}


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
    """Severe console entries: every one, since the site needs no other host than its own."""
    return [entry["message"] for entry in driver.get_log("browser") if entry["level"] == "SEVERE"]


def _open(driver, url: str) -> None:
    """Load a page, wait for it, its images and MathJax, and clear the console log of the previous page."""
    driver.get_log("browser")
    driver.get(url)
    driver.execute_async_script(
        """
        const done = arguments[arguments.length - 1];
        const images = Array.from(document.images).filter(img => !img.complete);
        const typeset = (window.MathJax && MathJax.startup && MathJax.startup.promise) || Promise.resolve();
        Promise.all([...images.map(img => new Promise(r => { img.onload = img.onerror = r; })), typeset])
          .then(() => done(), () => done());
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


def _external_resources(driver) -> list[str]:
    """Scripts, stylesheets, images, fonts and frames the page loads from another host than the site."""
    return driver.execute_script(
        """
        const urls = new Set();
        for (const e of document.querySelectorAll('img[src], script[src], iframe[src], source[src]')) urls.add(e.src);
        for (const l of document.querySelectorAll('link[rel~="stylesheet"][href], link[rel~="preload"][href], link[rel~="icon"][href]')) urls.add(l.href);
        for (const r of performance.getEntriesByType('resource')) urls.add(r.name);
        return Array.from(urls).filter(u => /^https?:/.test(u) && !u.startsWith(location.origin)).sort();
        """
    )


def _bad_alt_texts(driver) -> list[str]:
    """Images whose alt text is missing, empty or a file name: a screen reader would read nothing useful."""
    return driver.execute_script(
        r"""
        const bad = [];
        for (const img of document.querySelectorAll('img')) {
          const alt = img.getAttribute('alt');
          const file = (img.getAttribute('src') || '').split('/').pop();
          if (alt === null || !alt.trim()) bad.push(`${img.src}: no alt text`);
          else if (/\.(png|jpe?g|gif|svg|webp)$/i.test(alt.trim()) || alt.includes('_images/') || alt.trim() === file)
            bad.push(`${img.src}: its alt text is a file name (${alt})`);
        }
        return bad;
        """
    )


def _unrendered_math(driver) -> list[str]:
    """Formulas MathJax did not render, and raw TeX delimiters left in the text of the page."""
    return driver.execute_script(
        r"""
        const bad = [];
        for (const m of document.querySelectorAll('.math')) {
          if (!m.querySelector('mjx-container')) bad.push(`not rendered: ${m.textContent.trim().slice(0, 60)}`);
        }
        const main = document.querySelector('main') || document.body;
        const walker = document.createTreeWalker(main, NodeFilter.SHOW_TEXT);
        for (let node = walker.nextNode(); node; node = walker.nextNode()) {
          if (node.parentElement.closest('pre, code, script, style, textarea, mjx-container, .highlight')) continue;
          const text = node.textContent;
          const at = ['\\(', '\\[', '$$'].map(d => text.indexOf(d)).filter(i => i >= 0);
          if (at.length) bad.push(`raw TeX: ${text.slice(Math.max(0, Math.min(...at) - 20), Math.min(...at) + 40).trim()}`);
        }
        return bad;
        """
    )


@functools.lru_cache(maxsize=1)
def _axe_source() -> str:
    if not AXE_SCRIPT.is_file():
        pytest.fail(f"axe-core is missing ({AXE_SCRIPT}): run `bash scripts/ensure_web_assets.sh` (scripts/test.sh does)")
    return AXE_SCRIPT.read_text(encoding="utf-8")


def _axe_violations(driver) -> list[dict]:
    """Run axe-core on the page as it is now: its violations, each with impact and elements."""
    if not driver.execute_script("return typeof window.axe !== 'undefined'"):
        driver.execute_script(_axe_source())
    version = driver.execute_script("return window.axe.version")
    assert version.startswith(AXE_VERSION + "."), f"axe-core {version} injected, expected {AXE_VERSION}.x"
    driver.set_script_timeout(180)
    result = driver.execute_async_script(
        """
        const done = arguments[arguments.length - 1];
        axe.run(document, {resultTypes: ['violations']})
          .then(r => done(r.violations.map(v => ({
              id: v.id, impact: v.impact, help: v.help,
              nodes: v.nodes.map(n => ({target: n.target.join(' '), summary: n.failureSummary}))}))))
          .catch(e => done({error: String(e)}));
        """
    )
    if isinstance(result, dict):
        pytest.fail(f"axe-core failed on {driver.current_url}: {result['error']}")
    return result


def _axe_problems(driver, page: str) -> list[str]:
    """Serious and critical axe violations, and moderate or minor ones not accepted in AXE_ACCEPTED."""
    violations = _axe_violations(driver)
    AXE_REPORT[page] = violations
    problems = []
    for v in violations:
        if v["impact"] not in AXE_FAILING and v["id"] in AXE_ACCEPTED:
            continue
        examples = "; ".join(f"{n['target']} ({n['summary'].splitlines()[-1].strip()})" for n in v["nodes"][:3])
        problems.append(f"axe {v['impact']} {v['id']}: {v['help']}, {len(v['nodes'])} element(s), e.g. {examples}")
    return problems


@pytest.fixture(scope="module", autouse=True)
def _axe_report() -> Iterator[None]:
    yield
    if AXE_REPORT:
        SCREENSHOT_DIR.mkdir(parents=True, exist_ok=True)
        (SCREENSHOT_DIR / "axe-report.json").write_text(json.dumps(AXE_REPORT, indent=1, sort_keys=True), encoding="utf-8")


def _footer_problems(driver, lang: str) -> list[str]:
    """The footer states the licences, in the page's language, with links to them."""
    footer = driver.find_elements("css selector", "footer .course-licence")
    if len(footer) != 1:
        return [f"the footer should state the licences once, found {len(footer)} statements"]
    problems = []
    if footer[0].get_attribute("lang") != lang or LICENCE_WORDS[lang] not in footer[0].text:
        problems.append(f"the footer's licences are not in {lang}: {footer[0].text!r}")
    hrefs = [a.get_attribute("href") for a in footer[0].find_elements("css selector", "a[rel=license]")]
    if not any(h.endswith("/LICENSE") for h in hrefs) or "https://creativecommons.org/licenses/by/4.0/" not in hrefs:
        problems.append(f"the footer should link to LICENSE and to CC BY 4.0, it links to {hrefs}")
    return problems


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


def _figure_screenshots(driver, page: str, figures: list) -> list[str]:
    """Save each figure of a chapter page as the reader sees it, for review.

    Written to SCREENSHOT_DIR/figures/<lang>/<chapter>-<n>.png (n counts from 1
    in page order), together with index.json: each file with its alt text, so
    that a reviewer can compare what a figure shows with what it says it shows.
    Returns a problem for a figure that cannot be captured or comes out blank.
    """
    from selenium.common.exceptions import WebDriverException

    _, lang, chapter = page.split("/")
    folder = SCREENSHOT_DIR / "figures" / lang
    folder.mkdir(parents=True, exist_ok=True)
    for old in folder.glob(f"{chapter}-*.png"):
        old.unlink()
    problems, index = [], {}
    for number, img in enumerate(figures, start=1):
        driver.execute_script("arguments[0].scrollIntoView({block: 'center'})", img)
        path = folder / f"{chapter}-{number:02d}.png"
        try:
            png = img.screenshot_as_png
        except WebDriverException as error:
            problems.append(f"figure {number} cannot be captured: {error.msg}")
            continue
        path.write_bytes(png)
        # A blank capture: a PNG of one colour compresses to almost nothing.
        if len(png) < 2000:
            problems.append(f"figure {number} comes out blank in the browser ({len(png)} bytes)")
        index[path.name] = img.get_attribute("alt") or ""
    driver.execute_script("window.scrollTo(0, 0)")  # back to the top, where the page's own controls are
    index_file = folder / "index.json"
    known = json.loads(index_file.read_text(encoding="utf-8")) if index_file.exists() else {}
    known = {name: alt for name, alt in known.items() if not name.startswith(f"{chapter}-")} | index
    index_file.write_text(json.dumps(known, indent=1, ensure_ascii=False, sort_keys=True), encoding="utf-8")
    return problems


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
    problems += [f"alt text: {b}" for b in _bad_alt_texts(driver)]
    problems += [f"needs another host: {u}" for u in _external_resources(driver)]
    problems += [f"maths: {b}" for b in _unrendered_math(driver)]
    problems += _footer_problems(driver, lang)
    problems += _axe_problems(driver, page)
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
    problems += _figure_screenshots(browser, page, figures)

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
        formula = next(iter(browser.find_elements("css selector", "article div.math mjx-container")), None)
        if formula is not None:
            browser.execute_script("arguments[0].scrollIntoView({block: 'center'})", formula)
            _screenshot(browser, f"chapter_{lang}_maths")
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("page", [c for c in CHAPTERS if c.startswith("book/en/")])
def test_dark_mode_has_no_axe_violations(browser, site_url, page):
    """The dark theme too: coloured code output must keep its contrast (the outputs are the same in every language)."""
    _open(browser, site_url + page + ".html")
    browser.execute_script("localStorage.setItem('mode', 'dark'); localStorage.setItem('theme', 'dark');")
    try:
        _open(browser, site_url + page + ".html")
        assert browser.execute_script("return document.documentElement.dataset.theme") == "dark"
        problems = _axe_problems(browser, page + " (dark)")
    finally:
        browser.execute_script("localStorage.removeItem('mode'); localStorage.removeItem('theme');")
    assert not problems, "\n".join(problems)


_FOCUS = """
const e = document.activeElement;
if (!e || e === document.body) return null;
const style = getComputedStyle(e);
const box = e.getBoundingClientRect();
return {
  href: e.href || null, text: (e.innerText || e.getAttribute('aria-label') || '').trim().slice(0, 40),
  skip: e.matches('.skip-link a, a.skip-link'), switcher: e.matches('nav.course-language-switcher a'),
  nav: e.matches('nav.bd-docs-nav a') && !e.matches('.current > a, a.current'),
  hreflang: e.getAttribute('hreflang'),
  outline: `${style.outlineStyle} ${style.outlineWidth} ${style.outlineColor}`,
  visible: style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) >= 2 && box.width > 0 && box.height > 0,
};
"""
MAX_TABS = 150


def _tab_to(driver, kind: str) -> dict | None:
    """Press TAB from the top of the page until the focus reaches an element of `kind`; its focus info."""
    from selenium.webdriver.common.action_chains import ActionChains
    from selenium.webdriver.common.keys import Keys

    for _ in range(MAX_TABS):
        ActionChains(driver).send_keys(Keys.TAB).perform()
        focus = driver.execute_script(_FOCUS)
        if focus and focus[kind]:
            return focus
    return None


def _enter(driver) -> None:
    from selenium.webdriver.common.action_chains import ActionChains
    from selenium.webdriver.common.keys import Keys

    ActionChains(driver).send_keys(Keys.ENTER).perform()


@pytest.mark.parametrize("lang", LANGUAGES)
def test_keyboard_reaches_and_uses_the_switcher_and_navigation(browser, site_url, lang):
    """With TAB and ENTER only: the skip link, the language switcher and the sidebar, each with a visible focus."""
    from selenium.webdriver.support.ui import WebDriverWait

    page = site_url + f"book/{lang}/intro.html"
    problems = []
    _open(browser, page)
    first = _tab_to(browser, "skip")
    if first is None:
        problems.append("TAB never reaches the skip link")
    elif not first["visible"]:
        problems.append(f"the skip link has no visible focus ({first['outline']})")

    for kind in ("switcher", "nav"):
        _open(browser, page)
        focus = _tab_to(browser, kind)
        if focus is None:
            problems.append(f"TAB never reaches a link of the {kind} within {MAX_TABS} presses")
            continue
        if not focus["visible"]:
            problems.append(f"the {kind} link {focus['text']!r} has no visible focus outline ({focus['outline']})")
        _enter(browser)
        try:
            WebDriverWait(browser, 20).until(lambda d: d.current_url.split("#")[0] == focus["href"].split("#")[0])
        except Exception:  # noqa: BLE001 (selenium's TimeoutException: reported below)
            problems.append(f"ENTER on the {kind} link {focus['text']!r} did not open {focus['href']} ({browser.current_url})")
            continue
        if kind == "switcher":
            WebDriverWait(browser, 20).until(lambda d: d.execute_script("return document.readyState") == "complete")
            if browser.execute_script("return document.documentElement.lang") != focus["hreflang"]:
                problems.append(f"ENTER on the switcher link {focus['text']!r} did not open a page in {focus['hreflang']}")
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
    problems = _check_page(browser, site_url, "search")
    assert not problems, "\n".join(problems)


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


@pytest.mark.parametrize("lang", LANGUAGES)
def test_licence_statement_in_each_language(lang):
    from bs4 import BeautifulSoup

    ext = _extension()
    soup = BeautifulSoup(ext.licence_html(lang, "https://github.com/o/r/blob/main/LICENSE"), "html.parser")
    statement = soup.find("p", class_="course-licence")
    assert statement["lang"] == lang and LICENCE_WORDS[lang] in statement.get_text()
    hrefs = [a["href"] for a in statement.find_all("a", rel="license")]
    assert hrefs == ["https://github.com/o/r/blob/main/LICENSE", "https://creativecommons.org/licenses/by/4.0/"]


@pytest.mark.parametrize(("docname", "expected_uri", "expected_alt"), [
    ("book/es/02_dynamic_rnn", "../../_static/colab-badge-es.svg", "Abrir en Colab"),
    ("book/pt/intro", "../../_static/colab-badge-pt.svg", "Abrir no Colab"),
    ("book/index", "../_static/colab-badge-en.svg", "Open In Colab"),
])
def test_colab_badge_is_served_locally(docname, expected_uri, expected_alt):
    from types import SimpleNamespace

    from docutils import nodes

    ext = _extension()
    app = SimpleNamespace(
        builder=SimpleNamespace(format="html", get_target_uri=lambda d: d + ".html"),
        config=SimpleNamespace(language="en"),
    )
    doctree = nodes.paragraph()
    badge = nodes.image(uri=ext.COLAB_BADGE, alt="Open In Colab")
    other = nodes.image(uri="https://example.org/figure.png", alt="A figure")
    doctree += [badge, other]
    ext._local_colab_badges(app, doctree, docname)
    assert (badge["uri"], badge["alt"]) == (expected_uri, expected_alt)
    assert other["uri"] == "https://example.org/figure.png", "only the Colab badge is rewritten"
    assert (ROOT / "book" / "_ext" / "static" / expected_uri.rsplit("/", 1)[-1]).is_file()
