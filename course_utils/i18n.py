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
    >>> i18n.format_number(12345.678, digits=1, lang="es"), i18n.format_number(12345.678, digits=1, lang="pt")
    ('12\u202f345.7', '12.345,7')
    >>> i18n.set_language("en")

Numbers follow one convention per language (TRANSLATING.md says why):

* ``en``: ``12,345.7`` and ``12.3%`` (CLDR ``en``).
* ``es``: ``12 345.7`` and ``12.3 %``: decimal point and a narrow no-break
  space between groups of three digits, only from five digits on (``2458``),
  as the RAE/ASALE *Ortografía* (2010) recommends.
* ``pt``: ``12.345,7`` and ``12,3%``: decimal comma, point between
  thousands (CLDR ``pt_BR``, Brazilian usage).

Messages live in ``locale/<lang>/LC_MESSAGES/course_utils.po`` (compiled to
``.mo``, shipped in the package); see TRANSLATING.md to add one.
"""

from __future__ import annotations

import copy
import functools
import gettext as _gettext
import math
import numbers
from pathlib import Path

from babel import Locale

__all__ = [
    "LANGUAGES", "DEFAULT_LANGUAGE", "set_language", "get_language", "resolve_language", "gettext", "N_",
    "format_number", "format_percent", "format_scientific", "axis_formatter", "localize_axes",
]

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
    return _translations(resolve_language(lang)).gettext(message)


@functools.lru_cache(maxsize=None)
def _translations(language: str) -> _gettext.NullTranslations:
    return _gettext.translation(DOMAIN, localedir=LOCALE_DIR, languages=[language], fallback=True)


def N_(message: str) -> str:  # noqa: N802 (the name every gettext extractor knows)
    """Mark ``message`` for the catalogs without translating it now; return it unchanged.

    For texts defined once at import time (names of models, of gates) and
    translated when shown: ``NAMES = {"source": N_("source recipe")}`` then
    ``i18n.gettext(NAMES[key])``.
    """
    return message


class _SpanishLocale(Locale):
    """CLDR's Spanish with the RAE/ASALE *Ortografía* (2010) recommendations for numbers.

    Decimal point, and a narrow no-break space (U+202F) between groups of
    three digits; CLDR ``es`` has a decimal comma and a point for thousands,
    which the *Ortografía* advises against.
    """

    @property
    def number_symbols(self):  # type: ignore[override]
        symbols = {system: dict(table) for system, table in super().number_symbols.items()}
        symbols["latn"].update(decimal=".", group="\u202f")
        return symbols


_LOCALES: dict[str, Locale] = {"en": Locale("en"), "es": _SpanishLocale("es"), "pt": Locale("pt", "BR")}
_MIN_GROUPED = {"en": 1_000, "es": 10_000, "pt": 1_000}
"""Smallest absolute value whose integer part gets group separators (RAE: not in 4-digit numbers)."""


def _require_number(name: str, x: object) -> float:
    if isinstance(x, bool) or not isinstance(x, numbers.Real):
        raise TypeError(f"`{name}` must be a real number (got {x!r} of type {type(x).__name__}).")
    return x


def _require_digits(digits: object) -> int | None:
    if digits is not None and (isinstance(digits, bool) or not isinstance(digits, int) or not 0 <= digits <= 12):
        raise ValueError(f"`digits` must be None or an integer in [0, 12] (got digits={digits!r}).")
    return digits


def _format(x: float, digits: int | None, lang: str | None, percent: bool) -> str:
    language = resolve_language(lang)
    locale = _LOCALES[language]
    if isinstance(x, numbers.Integral) or not math.isfinite(x):
        value = x
    else:
        value = float(x)
    pattern = copy.copy((locale.percent_formats if percent else locale.decimal_formats)[None])
    if digits is not None and math.isfinite(value):
        pattern.frac_prec = (digits, digits)
    elif not math.isfinite(value) or (isinstance(value, numbers.Integral) and not percent):
        pattern.frac_prec = (0, 0)
    shown = abs(value) * (100 if percent else 1) if math.isfinite(value) else 0
    return pattern.apply(value, locale, group_separator=shown >= _MIN_GROUPED[language])


def format_number(x: float, digits: int | None = None, lang: str | None = None) -> str:
    """Write the number ``x`` as a reader of the notebook's language expects.

    Args:
        x: An int, float or NumPy scalar (not a bool).
        digits: Digits after the decimal sign, rounding half to even; ``None``
            shows integers without decimals and other numbers with up to three.
        lang: A language for this call only; ``None`` for the notebook's.

    Returns:
        The text, e.g. ``1,234.5`` (en), ``1234.5`` and ``12 345.5`` (es),
        ``1.234,5`` (pt).

    Raises:
        TypeError: ``x`` is not a real number.
        ValueError: ``digits`` is not ``None`` or an integer in [0, 12], or
            ``lang`` is not one of :data:`LANGUAGES`.

    Example:
        >>> format_number(929589, lang="pt"), format_number(0.5, digits=2, lang="es")
        ('929.589', '0.50')
    """
    return _format(_require_number("x", x), _require_digits(digits), lang, percent=False)


def format_percent(x: float, digits: int | None = 0, lang: str | None = None) -> str:
    """Write the fraction ``x`` as a percentage in the notebook's language (``0.123`` -> ``12%``).

    Args:
        x: A fraction: 1.0 is 100 %.
        digits: Digits after the decimal sign of the percentage.
        lang: A language for this call only; ``None`` for the notebook's.

    Raises:
        TypeError: ``x`` is not a real number.
        ValueError: ``digits`` is not ``None`` or an integer in [0, 12], or
            ``lang`` is not one of :data:`LANGUAGES`.

    Example:
        >>> format_percent(0.1234, digits=1, lang="es"), format_percent(0.1234, digits=1, lang="pt")
        ('12.3\xa0%', '12,3%')
    """
    return _format(_require_number("x", x), _require_digits(digits), lang, percent=True)


def format_scientific(x: float, digits: int = 1, lang: str | None = None) -> str:
    """Write ``x`` in scientific notation in the notebook's language (``0.000123`` -> ``1.2E-04``).

    For numbers that span many orders of magnitude (gradient norms, relative
    errors), where :func:`format_number` would print ``0.000``. The mantissa
    has the language's decimal sign; the exponent has at least two digits and
    uses CLDR's exponent symbol ``E``.

    Args:
        x: An int, float or NumPy scalar (not a bool).
        digits: Digits after the decimal sign of the mantissa, in [0, 12].
        lang: A language for this call only; ``None`` for the notebook's.

    Returns:
        The text, e.g. ``1.2E-04`` (en, es) and ``1,2E-04`` (pt); ``0.0E00``
        for zero; non-finite values as :func:`format_number` writes them.

    Raises:
        TypeError: ``x`` is not a real number.
        ValueError: ``digits`` is not an integer in [0, 12], or ``lang`` is
            not one of :data:`LANGUAGES`.

    Example:
        >>> format_scientific(0.000123, lang="es"), format_scientific(-12345.0, digits=2, lang="pt")
        ('1.2E-04', '-1,23E04')
    """
    value = _require_number("x", x)
    if isinstance(digits, bool) or not isinstance(digits, int) or not 0 <= digits <= 12:
        raise ValueError(f"`digits` must be an integer in [0, 12] (got digits={digits!r}).")
    language = resolve_language(lang)
    if not math.isfinite(value):
        return format_number(value, lang=language)
    # Python rounds the mantissa and renormalises it (9.96 -> 1.0e+01); Babel 2.19's
    # scientific patterns do not (they write 10.0E00), so only the symbols come from CLDR.
    mantissa, exponent = f"{float(value):.{digits}e}".split("e")
    symbols = _LOCALES[language].number_symbols["latn"]
    power = int(exponent)
    return (format_number(float(mantissa), digits=digits, lang=language) + symbols["exponential"]
            + (symbols["minusSign"] if power < 0 else "") + f"{abs(power):02d}")


def _tick_digits(x: float) -> int:
    """Decimals needed to write a tick value exactly (0.25 -> 2, 1e-05 -> 5, 100.0 -> 0)."""
    text = f"{x:.10f}".rstrip("0")
    return len(text.split(".")[1]) if "." in text else 0


def axis_formatter(lang: str | None = None):
    """Return a matplotlib formatter that writes tick labels in the notebook's language.

    matplotlib's ``axes.formatter.use_locale`` needs the operating system to
    have the locale installed (Colab does not); this formatter goes through
    :func:`format_number` instead. The language is read when the function is
    called, so call it after :func:`set_language`.

    Example:
        >>> import matplotlib.pyplot as plt
        >>> fig, ax = plt.subplots()
        >>> ax.yaxis.set_major_formatter(axis_formatter("pt"))
        >>> ax.yaxis.get_major_formatter()(0.25, 0)
        '0,25'
    """
    from matplotlib.ticker import FuncFormatter

    language = resolve_language(lang)
    return FuncFormatter(lambda x, pos: format_number(x, digits=_tick_digits(x), lang=language))


def localize_axes(ax, lang: str | None = None):
    """Give the linear axes of ``ax`` tick labels in the notebook's language; return ``ax``.

    Logarithmic axes keep matplotlib's powers of ten, which read the same in
    every language, and categorical axes (bars named by strings) keep their
    names. Call it after the data is drawn and the scales are set.

    Raises:
        TypeError: ``ax`` is not a matplotlib ``Axes``.
    """
    from matplotlib.axes import Axes

    if not isinstance(ax, Axes):
        raise TypeError(f"`ax` must be a matplotlib Axes (got {type(ax).__name__}).")
    from matplotlib.category import StrCategoryFormatter

    for axis, scale in ((ax.xaxis, ax.get_xscale()), (ax.yaxis, ax.get_yscale())):
        if isinstance(axis.get_major_formatter(), StrCategoryFormatter):
            continue  # the bars' own names; a number formatter would show their positions 0, 1, 2 ...
        if scale == "linear":
            axis.set_major_formatter(axis_formatter(lang))  # one formatter per axis: matplotlib binds it
    return ax
