"""Sphinx extension: make each page of the trilingual book speak its language.

The course is one Jupyter Book with a part per language (book/en, book/es,
book/pt). Sphinx sets one language for a whole project, so without this every
page would claim lang="en" and show the theme's interface in English. For each
page under book/<lang>/ this extension

- sets `<html lang="...">` (screen readers, hyphenation and browser
  translation offers rely on it);
- switches the interface text of Sphinx, the PyData theme and the book theme
  ("Search", "Contents", "previous", "next", "Download this page", ...) to the
  page's language, using their own message catalogs, completed by the few
  strings they lack (`_EXTRA_MESSAGES`);
- names the site in the page's language (sidebar, tab title, author line);
- adds a language switcher under the page title that links to the same file
  in the other language folders, when it exists;
- gives `lang="xx"` to any element of class `lang-xx` (the landing page's
  cards, written in three languages);
- shows, in the sidebar, the part of the page's language only;
- provides the `course-chapters` directive: the list of the chapters present
  in `_toc.yml` (files book/<lang>/NN_*), with their titles, so that the
  landing and introduction pages never list a chapter that is not there, nor
  miss one that is.

It also fixes what would otherwise be console errors on every page (a
duplicated sphinx-thebe script; no default light/dark mode; no favicon), and
adds the site's stylesheet (static/course.css).

Accessibility and offline use (no page needs a third-party host):

- MathJax is served by the site itself: the pinned npm package that
  scripts/ensure_web_assets.sh installs into .web/ is copied into
  `_static/mathjax/` and `mathjax_path` points there;
- the notebooks' "Open in Colab" badge (the standard image URL, which GitHub
  and Colab show) gets a local SVG in the page's language, and alt text to match;
- the footer states the licences (MIT for the code, CC BY 4.0 for the text
  and figures) in the page's language;
- our copies of four theme templates (templates/) give the search and
  colour-mode buttons an accessible name that matches what they show, and put
  the site title and the sidebar in landmarks named in the page's language;
- search result snippets show formulas without raw TeX delimiters (static/course.js).

Pages outside book/<lang>/ (the landing page, search, index) stay in the
project's `language` (English).
"""

from __future__ import annotations

import gettext
import html
import json
import re
import shutil
from pathlib import Path
from typing import Any

from docutils import nodes
from docutils.parsers.rst import Directive, directives
from sphinx.errors import ExtensionError
from sphinx.util.osutil import relative_uri

LANGUAGES = ("en", "es", "pt")
LANGUAGE_NAMES = {"en": "English", "es": "Español", "pt": "Português"}
SITE_TITLES = {
    "en": "Recurrent Neural Networks with TensorFlow",
    "es": "Redes neuronales recurrentes con TensorFlow",
    "pt": "Redes Neurais Recorrentes com TensorFlow",
}
AUTHORS = {"es": "los autores del curso", "pt": "os autores do curso"}
SEARCH_PLACEHOLDERS = {"es": "Buscar en el curso...", "pt": "Pesquisar no curso..."}
SWITCHER_LABELS = {"en": "Language", "es": "Idioma", "pt": "Idioma"}
MISSING_LABELS = {"en": "not translated yet", "es": "aún sin traducir", "pt": "ainda sem tradução"}
# gettext language codes tried, best first, for each course language.
# The Portuguese edition is Brazilian Portuguese.
GETTEXT_CODES = {"es": ["es"], "pt": ["pt_BR", "pt"]}

# Interface strings that the catalogs of Sphinx, the PyData theme and the book
# theme lack or leave in English (PyData ships no Portuguese at all; two
# book-theme tooltips are made translatable by our copies in templates/).
# Keys are the English msgids, exactly as in the templates and the code.
_EXTRA_MESSAGES: dict[str, dict[str, str]] = {
    "pt": {
        "Skip to main content": "Pular para o conteúdo principal",
        "Back to top": "Voltar ao topo",
        "Search": "Pesquisar",
        "Breadcrumb": "Trilha de navegação",
        "Home": "Início",
        "On this page": "Nesta página",
        "previous page": "página anterior",
        "next page": "próxima página",
        "previous": "anterior",
        "next": "próxima",
        "Section Navigation": "Navegação da seção",
        "Show Source": "Mostrar o código-fonte",
        "Color mode": "Modo de cor",
        "Light": "Claro",
        "Dark": "Escuro",
        "System Settings": "Configuração do sistema",
        "Collapse Sidebar": "Recolher a barra lateral",
        "Expand Sidebar": "Expandir a barra lateral",
        "Indices": "Índices",
        "General Index": "Índice geral",
        "Site navigation": "Navegação do site",
        "Site Navigation": "Navegação do site",
        "Launch on": "Abrir no",
        "Launch interactive content": "Abrir o conteúdo interativo",
        "Toggle primary sidebar": "Mostrar ou ocultar a barra lateral",
        "Toggle secondary sidebar": "Mostrar ou ocultar o sumário da página",
        "© Copyright %(copyright)s.": "© Direitos autorais %(copyright)s.",
        "logo": "(logotipo)",  # the launch button's image: alt "Colab (logotipo)"
    },
    "es": {
        "Download this page": "Descargar esta página",
        "Link to this heading": "Enlace a este encabezado",
        "Launch on": "Abrir en",
        "Launch interactive content": "Abrir el contenido interactivo",
        "Toggle primary sidebar": "Mostrar u ocultar la barra lateral",
        "Toggle secondary sidebar": "Mostrar u ocultar el índice de la página",
        "© Copyright %(copyright)s.": "© Derechos de autor %(copyright)s.",
        "logo": "(logotipo)",  # the launch button's image: alt "Colab (logotipo)"
        "Breadcrumb": "Ruta de navegación",
        "Site navigation": "Navegación del sitio",
        "Site Navigation": "Navegación del sitio",
    },
}

CHAPTER_WORDS = {"en": "Chapter", "es": "Capítulo", "pt": "Capítulo"}
_CHAPTER = re.compile(r"^book/(?P<lang>[a-z]{2})/(?P<number>\d\d)_[^/]+$")
# Interface text that JavaScript writes: sphinx-togglebutton's hints and
# sphinx-copybutton's tooltips (it knows Spanish from <html lang>, not Portuguese).
_SCRIPT_MESSAGES = {
    "es": {"toggle": ("Haz clic para mostrar", "Haz clic para ocultar")},
    "pt": {
        "toggle": ("Clique para mostrar", "Clique para ocultar"),
        "copy": {
            "copy": "Copiar", "copy_to_clipboard": "Copiar para a área de transferência",
            "copy_success": "Copiado!", "copy_failure": "Falha ao copiar",
        },
    },
}
_CATALOGS = ("sphinx", "booktheme")  # the gettext domains our templates use
# An opening tag whose class list holds `lang-xx` (and no lang attribute yet).
_LANG_CLASS = re.compile(r'<[a-z]+\b[^<>]*?\bclass="(?:[^"]*\s)?lang-(?P<lang>en|es|pt)(?:\s[^"]*)?"(?![^<>]*\blang=)')
# Colab's badge, as the notebooks write it; the site shows its own copy (static/colab-badge-<lang>.svg).
COLAB_BADGE = "https://colab.research.google.com/assets/colab-badge.svg"
COLAB_BADGE_ALTS = {"en": "Open In Colab", "es": "Abrir en Colab", "pt": "Abrir no Colab"}
# The licences, stated in every page's footer: {lang: (before the code licence, code licence,
# between, content licence, after)}. LICENSE and LICENSE-content.md at the repository's root hold the texts.
CC_BY_URL = "https://creativecommons.org/licenses/by/4.0/"
LICENCE_TEXTS = {
    "en": ("The code is released under the ", "MIT License", "; the text and figures under the ",
           "Creative Commons Attribution 4.0 International licence (CC BY 4.0)", "."),
    "es": ("El código se publica con la ", "licencia MIT", "; los textos y las figuras, con la ",
           "licencia Creative Commons Atribución 4.0 Internacional (CC BY 4.0)", "."),
    "pt": ("O código é distribuído sob a ", "licença MIT", "; os textos e as figuras, sob a ",
           "licença Creative Commons Atribuição 4.0 Internacional (CC BY 4.0)", "."),
}
_ROOT = Path(__file__).resolve().parents[2]
# MathJax 3 (pinned in scripts/web/package.json), as npm installs it.
MATHJAX_DIR = _ROOT / ".web" / "node_modules" / "mathjax" / "es5"
MATHJAX_ENTRY = "tex-mml-chtml.js"
_STATIC = Path(__file__).resolve().parent / "static"
_EXTRA = Path(__file__).resolve().parent / "extra"
_TEMPLATES = Path(__file__).resolve().parent / "templates"


def page_language(pagename: str, default: str = "en") -> str:
    """Return the language of a page from its path, e.g. 'book/es/intro' -> 'es'."""
    parts = pagename.split("/")
    if len(parts) >= 3 and parts[0] == "book" and parts[1] in LANGUAGES:
        return parts[1]
    return default


def counterparts(pagename: str, docnames: set[str] | frozenset[str]) -> dict[str, str | None]:
    """Return, for each language, the same page in that language, or None if missing.

    Args:
        pagename: a Sphinx docname such as 'book/en/02_dynamic_rnn'.
        docnames: every docname of the project.

    Returns:
        {'en': 'book/en/02_dynamic_rnn', 'es': ..., 'pt': None, ...}, or an
        empty dict for a page outside book/<lang>/.

    Example:
        >>> counterparts("book/es/intro", {"book/en/intro", "book/es/intro"})
        {'en': 'book/en/intro', 'es': 'book/es/intro', 'pt': None}
    """
    parts = pagename.split("/")
    if len(parts) < 3 or parts[0] != "book" or parts[1] not in LANGUAGES:
        return {}
    rest = "/".join(parts[2:])
    return {lang: (f"book/{lang}/{rest}" if f"book/{lang}/{rest}" in docnames else None) for lang in LANGUAGES}


class _Messages(gettext.NullTranslations):
    """A catalog from a dict, falling back to the catalogs chained after it."""

    def __init__(self, messages: dict[str, str]) -> None:
        super().__init__()
        self._messages = messages

    def gettext(self, message: str) -> str:
        if message in self._messages:
            return self._messages[message]
        return self._fallback.gettext(message) if self._fallback else message


def _catalog_dirs() -> dict[str, list[str]]:
    """Where Sphinx and the themes keep their message catalogs, per gettext domain."""
    import pydata_sphinx_theme
    import sphinx.locale
    import sphinx_book_theme

    return {
        "sphinx": [sphinx.locale._LOCALE_DIR, str(Path(pydata_sphinx_theme.__file__).parent / "locale")],
        "booktheme": [str(Path(sphinx_book_theme.get_html_theme_path()) / "static" / "locales")],
    }


def _load_translations(lang: str) -> dict[str, gettext.NullTranslations]:
    """Return the translations of every domain in `_CATALOGS` for a course language."""
    result = {}
    for catalog, dirs in _catalog_dirs().items():
        chain: gettext.NullTranslations = _Messages(_EXTRA_MESSAGES.get(lang, {}))
        for directory in dirs:
            found = gettext.translation(catalog, localedir=directory, languages=GETTEXT_CODES[lang], fallback=True)
            if type(found) is not gettext.NullTranslations:
                chain.add_fallback(found)
        result[catalog] = chain
    return result


def _activate(app: Any, lang: str) -> None:
    """Make Sphinx's and the themes' `_()` answer in `lang` until the next call."""
    import sphinx.locale

    state = app._course_language
    if state["active"] == lang:
        return
    wanted = state["original"] if lang not in state["loaded"] else state["loaded"][lang]
    for catalog in _CATALOGS:
        if catalog in wanted:
            sphinx.locale.translators["general", catalog] = wanted[catalog]
    templates = getattr(app.builder, "templates", None)
    if templates is not None and hasattr(templates, "environment"):
        templates.environment.install_gettext_translations(sphinx.locale.translators["general", "sphinx"])
    state["active"] = lang


def _builder_inited(app: Any) -> None:
    import sphinx.locale

    default = app.config.language or "en"
    app._course_language = {
        "default": default,
        "original": {c: sphinx.locale.translators.get(("general", c)) for c in _CATALOGS},
        "loaded": {lang: _load_translations(lang) for lang in GETTEXT_CODES if lang != default},
        "active": default,
    }
    for catalog, translator in list(app._course_language["original"].items()):
        if translator is None:
            del app._course_language["original"][catalog]


def _doctree_resolved(app: Any, doctree: Any, docname: str) -> None:
    _fill_chapter_lists(app, doctree, docname)
    _local_colab_badges(app, doctree, docname)
    # The page body (e.g. "Link to this heading") is written right after this.
    if hasattr(app, "_course_language"):
        _activate(app, page_language(docname, app._course_language["default"]))


def _switch_language(app: Any, pagename: str, templatename: str, context: dict, doctree: Any) -> None:
    """Early handler: the theme's own handlers then produce text in the page's language."""
    lang = page_language(pagename, default=app.config.language or "en")
    context["language"] = lang
    if hasattr(app, "_course_language"):
        _activate(app, lang)


def switcher_html(app: Any, pagename: str) -> str:
    """Return the language switcher of a page as HTML ('' outside book/<lang>/)."""
    links = counterparts(pagename, app.env.found_docs)
    if not links:
        return ""
    here = page_language(pagename)
    items = []
    for lang, target in links.items():
        name = html.escape(LANGUAGE_NAMES[lang])
        if lang == here:
            items.append(f'<li><span class="course-lang-current" lang="{lang}" aria-current="page">{name}</span></li>')
        elif target is None:
            missing = html.escape(MISSING_LABELS[here])
            items.append(f'<li><span class="course-lang-missing" lang="{lang}" title="{missing}">{name}</span></li>')
        else:
            href = html.escape(app.builder.get_relative_uri(pagename, target))
            items.append(f'<li><a class="course-lang-link" href="{href}" hreflang="{lang}" lang="{lang}">{name}</a></li>')
    label = html.escape(SWITCHER_LABELS[here])
    return (
        f'<nav class="course-language-switcher" aria-label="{label}">'
        f'<i class="fa-solid fa-language" aria-hidden="true"></i>'
        f'<ul>{"".join(items)}</ul></nav>'
    )


def _add_switcher_and_names(app: Any, pagename: str, templatename: str, context: dict, doctree: Any) -> None:
    """Late handler: runs after the themes have filled the context."""
    _drop_duplicate_scripts(context)
    # The PyData theme's light/dark switch logs a console error on a first
    # visit when no default mode is given (JB 1 gives none).
    context["default_mode"] = context.get("default_mode") or "auto"
    lang = page_language(pagename, default=app.config.language or "en")
    if lang in SITE_TITLES and lang != (app.config.language or "en"):
        title = SITE_TITLES[lang]
        context["docstitle"] = context["root_title"] = title
        context["titlesuffix"] = f" — {title}"
        if lang in AUTHORS and context.get("author"):
            context["author"] = AUTHORS[lang]
        if lang in SEARCH_PLACEHOLDERS:
            context["theme_search_bar_text"] = SEARCH_PLACEHOLDERS[lang]
    if pagename.startswith("book/") and page_language(pagename, "") in LANGUAGES:
        _filter_sidebar(context, lang)
    nav = switcher_html(app, pagename)
    body = context.get("body")
    if isinstance(body, str):
        body = _LANG_CLASS.sub(lambda m: f'{m[0]} lang="{m["lang"]}"', body)
        context["body"] = body
    if isinstance(body, str) and page_language(pagename, "") in _SCRIPT_MESSAGES:
        body += script_messages(lang)
        context["body"] = body
    context["theme_extra_footer"] = licence_html(lang if lang in LICENCE_TEXTS else "en", _code_licence_url(app))
    if nav and isinstance(body, str):
        # Under the page title; before the content if the page has no <h1>.
        match = re.search(r"</h1>", body)
        context["body"] = body[: match.end()] + nav + body[match.end():] if match else nav + body


def chapters(docnames: set[str] | frozenset[str]) -> dict[int, dict[str, str]]:
    """Return the chapters of the book: {number: {lang: docname}}, sorted by number.

    Example:
        >>> chapters({"book/en/01_a", "book/es/01_a", "book/en/intro"})
        {1: {'en': 'book/en/01_a', 'es': 'book/es/01_a'}}
    """
    found: dict[int, dict[str, str]] = {}
    for docname in docnames:
        match = _CHAPTER.match(docname)
        if match and match["lang"] in LANGUAGES:
            found.setdefault(int(match["number"]), {})[match["lang"]] = docname
    return {number: dict(sorted(found[number].items(), key=lambda kv: LANGUAGES.index(kv[0]))) for number in sorted(found)}


class course_chapters(nodes.General, nodes.Element):
    """Placeholder for the chapter list, filled in once every title is known."""


class CourseChapters(Directive):
    """`course-chapters` lists the chapters in one language; without argument, a table of all three."""

    optional_arguments = 1
    option_spec = {"class": directives.class_option}

    def run(self) -> list[nodes.Node]:
        lang = self.arguments[0] if self.arguments else ""
        if lang and lang not in LANGUAGES:
            raise self.error(f"course-chapters: language must be one of {LANGUAGES} (got {lang!r})")
        env = self.state.document.settings.env
        if not hasattr(env, "course_chapter_pages"):
            env.course_chapter_pages = set()
        env.course_chapter_pages.add(env.docname)
        return [course_chapters(lang=lang, classes=self.options.get("class", []))]


def _title(app: Any, docname: str) -> str:
    title = app.env.titles.get(docname)
    return title.astext() if title is not None else docname.rsplit("/", 1)[-1]


def _link(app: Any, fromdoc: str, docname: str) -> nodes.Node:
    para = nodes.inline()
    para += nodes.reference("", _title(app, docname), internal=True, refuri=app.builder.get_relative_uri(fromdoc, docname))
    return para


def _chapter_nodes(app: Any, fromdoc: str, lang: str, classes: list[str]) -> nodes.Node:
    found = chapters(app.env.found_docs)
    if lang:
        listing = nodes.bullet_list(classes=["course-chapter-list", *classes])
        for number, pages in found.items():
            if lang in pages:
                item = nodes.list_item()
                para = nodes.paragraph()
                para += nodes.inline("", f"{CHAPTER_WORDS[lang]} {number}", classes=["course-chapter-number"])
                para += nodes.Text(" ")
                para += _link(app, fromdoc, pages[lang])
                item += para
                listing += item
        return listing
    table = nodes.table(classes=["course-chapter-table", *classes])
    group = nodes.tgroup(cols=1 + len(LANGUAGES))
    table += group
    for width in (1, *(10,) * len(LANGUAGES)):
        group += nodes.colspec(colwidth=width)
    head = nodes.thead()
    row = nodes.row()
    for text in ("#", *(LANGUAGE_NAMES[lang] for lang in LANGUAGES)):
        row += nodes.entry("", nodes.paragraph(text=text))
    head += row
    group += head
    body = nodes.tbody()
    for number, pages in found.items():
        row = nodes.row()
        row += nodes.entry("", nodes.paragraph(text=str(number)))
        for other in LANGUAGES:
            para = nodes.paragraph()
            para += _link(app, fromdoc, pages[other]) if other in pages else nodes.Text("—")
            row += nodes.entry("", para)
        body += row
    group += body
    return table


def _fill_chapter_lists(app: Any, doctree: Any, docname: str) -> None:
    for placeholder in list(doctree.findall(course_chapters)):
        placeholder.replace_self(_chapter_nodes(app, docname, placeholder["lang"], placeholder["classes"]))


def _chapter_pages_outdated(app: Any, env: Any, added: set, changed: set, removed: set) -> list[str]:
    # A page listing the chapters must be rebuilt when any chapter comes, goes or changes its title.
    if added or changed or removed:
        return sorted(getattr(env, "course_chapter_pages", set()) & env.found_docs)
    return []


def _purge_doc(app: Any, env: Any, docname: str) -> None:
    getattr(env, "course_chapter_pages", set()).discard(docname)


def _merge_info(app: Any, env: Any, docnames: set, other: Any) -> None:
    env.course_chapter_pages = getattr(env, "course_chapter_pages", set()) | getattr(other, "course_chapter_pages", set())


def only_language_part(sidebar: Any, lang: str) -> Any:
    """Drop, from the sidebar's table of contents, the parts of the other languages.

    The sidebar of a Spanish page then lists the Spanish pages only (the
    switcher and the landing page lead to the other languages).

    Args:
        sidebar: the sidebar's HTML, as a string or as the BeautifulSoup
            object that the PyData theme builds (left unchanged: a copy is
            filtered).
        lang: the page's language.

    Returns:
        The filtered sidebar, of the same type as `sidebar`.

    Example:
        >>> only_language_part('<p class="caption"><span class="caption-text">English</span></p><ul><li>a</li></ul>'
        ...                    '<p class="caption"><span class="caption-text">Español</span></p><ul><li>b</li></ul>', "es")
        '<p class="caption"><span class="caption-text">Español</span></p><ul><li>b</li></ul>'
    """
    import copy

    from bs4 import BeautifulSoup

    soup = BeautifulSoup(sidebar, "html.parser") if isinstance(sidebar, str) else copy.copy(sidebar)
    others = {name for code, name in LANGUAGE_NAMES.items() if code != lang}
    for caption in soup.find_all("p", class_="caption"):
        if caption.get_text(strip=True) in others:
            part = caption.find_next_sibling("ul")
            if part is not None:
                part.decompose()
            caption.decompose()
    return str(soup) if isinstance(sidebar, str) else soup


def _filter_sidebar(context: dict, lang: str) -> None:
    generate = context.get("generate_toctree_html")
    if not callable(generate):
        return

    def generate_for_language(*args: Any, **kwargs: Any) -> Any:
        result = generate(*args, **kwargs)
        kind = kwargs.get("kind", args[0] if args else None)
        return only_language_part(result, lang) if kind == "sidebar" else result

    context["generate_toctree_html"] = generate_for_language


def script_messages(lang: str) -> str:
    """Return a <script> that puts the page's JavaScript interface text in `lang` ('' if none)."""
    messages = _SCRIPT_MESSAGES.get(lang)
    if not messages:
        return ""
    lines = []
    if "toggle" in messages:
        show, hide = (json.dumps(text) for text in messages["toggle"])
        lines.append(f'if (typeof toggleHintShow !== "undefined") {{ toggleHintShow = {show}; toggleHintHide = {hide}; }}')
    if "copy" in messages:
        lines.append(
            f'if (typeof messages !== "undefined") {{ messages["{lang}"] = {json.dumps(messages["copy"])}; locale = "{lang}"; }}'
        )
    return "<script>" + " ".join(lines) + "</script>"


def _drop_duplicate_scripts(context: dict) -> None:
    """Keep one copy of each script: JB 1 adds sphinx-thebe's inline configuration twice,
    and its second `const THEBE_JS_URL` is a SyntaxError in every page's console."""
    seen = set()
    kept = []
    for script in context.get("script_files", []):
        attributes = getattr(script, "attributes", {}) or {}
        filename = getattr(script, "filename", script) or ""  # an inline script's is None or ""
        key = (str(filename), tuple(sorted((k, str(v)) for k, v in attributes.items())))
        if key not in seen:
            seen.add(key)
            kept.append(script)
    if "script_files" in context:
        context["script_files"] = kept


def _local_colab_badges(app: Any, doctree: Any, docname: str) -> None:
    """Show the notebooks' Colab badge from the site itself, with alt text in the page's language.

    The notebooks keep the standard badge URL (GitHub and Colab show it); the
    site's pages load static/colab-badge-<lang>.svg instead, so that they look
    right offline and ask nothing of a third-party host.
    """
    if getattr(app.builder, "format", "") != "html" or not hasattr(app.builder, "get_target_uri"):
        return
    lang = page_language(docname, default=app.config.language or "en")
    lang = lang if lang in COLAB_BADGE_ALTS else "en"
    for image in doctree.findall(nodes.image):
        if image.get("uri") == COLAB_BADGE:
            image["uri"] = relative_uri(app.builder.get_target_uri(docname), f"_static/colab-badge-{lang}.svg")
            image["alt"] = COLAB_BADGE_ALTS[lang]


def licence_html(lang: str, code_licence_url: str) -> str:
    """Return the footer's statement of the licences in `lang` (HTML).

    Example:
        >>> licence_html("en", "LICENSE")[:60]
        '<p class="course-licence" lang="en">The code is released und'
    """
    before, code, between, content, after = LICENCE_TEXTS[lang]
    esc = html.escape
    return (
        f'<p class="course-licence" lang="{lang}">{esc(before)}'
        f'<a href="{esc(code_licence_url)}" rel="license">{esc(code)}</a>{esc(between)}'
        f'<a href="{CC_BY_URL}" rel="license">{esc(content)}</a>{esc(after)}</p>'
    )


def _code_licence_url(app: Any) -> str:
    """The code's LICENSE file in the repository (its URL from `repository:` in _config.yml)."""
    options = app.config.html_theme_options or {}
    url = str(options.get("repository_url") or "").rstrip("/")
    branch = options.get("repository_branch") or "main"
    return f"{url}/blob/{branch}/LICENSE" if url else CC_BY_URL


def _mathjax_ignored(directory: str, names: list[str]) -> list[str]:
    """What not to copy of MathJax's es5 folder: the combined components the site does not load."""
    rel = Path(directory).resolve().relative_to(MATHJAX_DIR.resolve())
    if rel == Path("."):
        return [n for n in names if n.endswith(".js") and n != MATHJAX_ENTRY]
    if rel == Path("output"):
        return [n for n in names if n.startswith("svg")]
    return []


def _copy_mathjax(app: Any) -> None:
    """Copy MathJax into the site's _static/mathjax/, with its licence (Apache-2.0)."""
    target = Path(app.outdir) / "_static" / "mathjax"
    shutil.copytree(MATHJAX_DIR, target, ignore=_mathjax_ignored, dirs_exist_ok=True)
    shutil.copy2(MATHJAX_DIR.parent / "LICENSE", target / "LICENSE")


def _build_finished(app: Any, exception: Exception | None) -> None:
    if hasattr(app, "_course_language"):
        _activate(app, app._course_language["default"])
    if exception is None and getattr(app.builder, "format", "") == "html" and app.config.mathjax_path == _LOCAL_MATHJAX:
        _copy_mathjax(app)


_LOCAL_MATHJAX = f"mathjax/{MATHJAX_ENTRY}"  # relative to _static/


def _config_inited(app: Any, config: Any) -> None:
    # MathJax from the site, not from its CDN (unless the configuration names another one).
    from sphinx.ext.mathjax import MATHJAX_URL

    if config.mathjax_path in (MATHJAX_URL, _LOCAL_MATHJAX):
        if not (MATHJAX_DIR / MATHJAX_ENTRY).is_file():
            raise ExtensionError(
                f"MathJax is not installed in {MATHJAX_DIR.parent}: run `bash scripts/ensure_web_assets.sh` "
                "(the build script and the test command do), so that the site serves its own MathJax."
            )
        config.mathjax_path = _LOCAL_MATHJAX
    config.html_static_path.append(str(_STATIC))
    # Our copies of two book-theme components whose tooltips it does not translate.
    config.templates_path.insert(0, str(_TEMPLATES))
    # The favicon, also at the site's root, where browsers look for it on
    # pages that name none (the root index.html that redirects to book/index).
    config.html_extra_path.append(str(_EXTRA))
    if not config.html_favicon:
        config.html_favicon = str(_EXTRA / "favicon.ico")


def setup(app: Any) -> dict[str, Any]:
    app.connect("config-inited", _config_inited)
    app.connect("builder-inited", _builder_inited)
    app.connect("doctree-resolved", _doctree_resolved)
    # Before the themes' handlers (priority 500/501), and after them.
    app.connect("html-page-context", _switch_language, priority=100)
    app.connect("html-page-context", _add_switcher_and_names, priority=900)
    app.connect("build-finished", _build_finished)
    app.add_css_file("course.css")
    app.add_js_file("course.js", loading_method="defer")  # search snippets without raw TeX
    app.add_node(course_chapters)
    app.add_directive("course-chapters", CourseChapters)
    app.connect("env-get-outdated", _chapter_pages_outdated)
    app.connect("env-purge-doc", _purge_doc)
    app.connect("env-merge-info", _merge_info)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
