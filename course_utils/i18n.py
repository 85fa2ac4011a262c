"""The reader's language, set once per notebook and read by every helper that prints.

A chapter calls ``i18n.set_language("es")`` in its setup cell; from then on
``course_utils`` speaks Spanish (exercise checks, training logs, labels it
draws) without a ``lang=`` argument in each call. Helpers that take an explicit
``lang`` argument still accept one, which wins over the notebook's setting.

Example:
    >>> from course_utils import i18n
    >>> i18n.set_language("pt")
    >>> i18n.get_language()
    'pt'
    >>> i18n.resolve_language(None), i18n.resolve_language("en")
    ('pt', 'en')
    >>> i18n.set_language("en")
"""

from __future__ import annotations

import gettext as _gettext
from pathlib import Path

__all__ = ["LANGUAGES", "DEFAULT_LANGUAGE", "set_language", "get_language", "resolve_language", "gettext"]

#: Where the message catalogs live: ``locale/<lang>/LC_MESSAGES/course_utils.mo``.
LOCALE_DIR = Path(__file__).resolve().parent / "locale"
DOMAIN = "course_utils"

LANGUAGES: tuple[str, ...] = ("en", "es", "pt")
DEFAULT_LANGUAGE = "en"

_current = DEFAULT_LANGUAGE


def _require_language(name: str, lang: object) -> str:
    if not isinstance(lang, str) or lang not in LANGUAGES:
        raise ValueError(f"`{name}` must be one of {LANGUAGES} (got {name}={lang!r}).")
    return lang


def set_language(lang: str) -> None:
    """Set the language in which ``course_utils`` speaks to the reader.

    Args:
        lang: ``"en"``, ``"es"`` or ``"pt"``.

    Raises:
        ValueError: ``lang`` is not one of :data:`LANGUAGES`.
    """
    global _current
    _current = _require_language("lang", lang)


def get_language() -> str:
    """Return the language set by :func:`set_language` (English until one is set)."""
    return _current


def resolve_language(lang: str | None) -> str:
    """Return ``lang`` if given (after checking it), else the notebook's language.

    Args:
        lang: An explicit language, or ``None`` for the one set by :func:`set_language`.

    Raises:
        ValueError: ``lang`` is neither ``None`` nor one of :data:`LANGUAGES`.
    """
    return get_language() if lang is None else _require_language("lang", lang)


def gettext(message: str, lang: str | None = None) -> str:
    """Return ``message`` (English, the catalog's msgid) in the reader's language.

    Uses the standard library's :mod:`gettext` with the catalogs in
    :data:`LOCALE_DIR`; a message without a translation comes back unchanged,
    in English. Format fields after translating:
    ``i18n.gettext("epoch {epoch}").format(epoch=3)``.

    Args:
        message: The English text.
        lang: A language for this call only; ``None`` for the notebook's.

    Raises:
        TypeError: ``message`` is not a string.
        ValueError: ``lang`` is not one of :data:`LANGUAGES`.
    """
    if not isinstance(message, str):
        raise TypeError(f"`message` must be a string (got {type(message).__name__}).")
    language = resolve_language(lang)
    translations = _gettext.translation(DOMAIN, localedir=LOCALE_DIR, languages=[language], fallback=True)
    return translations.gettext(message)
