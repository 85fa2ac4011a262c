"""Sphinx extension: give each page the `lang` attribute of its language.

The course is one Jupyter Book with a part per language (book/en, book/es,
book/pt). Sphinx sets one language for a whole project, so without this every
page would claim lang="en". Screen readers, hyphenation and browser
translation offers rely on the attribute.
"""

from __future__ import annotations

from typing import Any

LANGUAGES = ("en", "es", "pt")


def page_language(pagename: str, default: str = "en") -> str:
    """Return the language of a page from its path, e.g. 'book/es/intro' -> 'es'."""
    parts = pagename.split("/")
    if len(parts) >= 3 and parts[0] == "book" and parts[1] in LANGUAGES:
        return parts[1]
    return default


def _set_language(app: Any, pagename: str, templatename: str, context: dict, doctree: Any) -> None:
    context["language"] = page_language(pagename, default=app.config.language or "en")


def setup(app: Any) -> dict[str, Any]:
    app.connect("html-page-context", _set_language)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
