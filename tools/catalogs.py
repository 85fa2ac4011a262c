"""Keep course_utils's message catalogs in step with its code.

    python -m tools.catalogs extract   # rewrite locale/course_utils.pot from the code
    python -m tools.catalogs update    # add the code's new msgids to each language's .po, untranslated
    python -m tools.catalogs compile   # write each .po's .mo (what the package ships)

The same as ``pybabel extract -k N_ ...``, ``pybabel update`` and
``pybabel compile``, with the course's paths and options in one place.
tests/test_i18n.py fails when a .mo is not the compilation of its .po, or
when a message of the code has no translation.
"""

from __future__ import annotations

import io
import sys
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po, write_po

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "course_utils"
LOCALE_DIR = PACKAGE / "locale"
DOMAIN = "course_utils"
LANGUAGES = {"es": "es", "pt": "pt_BR"}
KEYWORDS = {"gettext": None, "N_": None}
"""Calls whose first argument is a message: ``i18n.gettext("...")`` and ``i18n.N_("...")``."""


def po_path(lang: str) -> Path:
    return LOCALE_DIR / lang / "LC_MESSAGES" / f"{DOMAIN}.po"


SOURCES = {PACKAGE: [("**.py", "python")], ROOT / "assignments" / "export": [("feedback.py", "python")],
           ROOT / "assignments" / "grading": [("batch.py", "python")]}
"""Where messages for readers are: course_utils, and the feedback students get from the grader and its
exports (which read the same catalogs with the standard library's gettext, as they run where course_utils
is only copied)."""


def extract() -> Catalog:
    """Return the catalog of every message the code marks, with the translators' comments."""
    catalog = Catalog(project="course_utils", domain=DOMAIN, charset="utf-8")
    for folder, method_map in SOURCES.items():
        prefix = folder.relative_to(ROOT).as_posix()
        for filename, lineno, message, comments, context in extract_from_dir(
            folder, method_map=method_map, keywords=KEYWORDS, comment_tags=("TRANSLATORS:",)
        ):
            catalog.add(message, None, [(f"{prefix}/{filename}", lineno)], auto_comments=comments, context=context)
    return catalog


def read(lang: str) -> Catalog:
    with po_path(lang).open("rb") as f:
        return read_po(f, locale=LANGUAGES[lang], domain=DOMAIN)


def compiled(lang: str) -> bytes:
    """The .mo that the .po of ``lang`` compiles to (fuzzy entries left out, as pybabel does)."""
    out = io.BytesIO()
    write_mo(out, read(lang), use_fuzzy=False)
    return out.getvalue()


def main(argv: list[str]) -> int:
    if argv not in (["extract"], ["update"], ["compile"]):
        print(__doc__)
        return 2
    if argv == ["extract"]:
        with (LOCALE_DIR / f"{DOMAIN}.pot").open("wb") as f:
            write_po(f, extract(), width=100, omit_header=False, sort_by_file=True)
    elif argv == ["update"]:
        # Unlike `pybabel update`, nothing is made obsolete: a catalog also holds
        # messages that code being written elsewhere will use (see TRANSLATING.md).
        template = extract()
        for lang in LANGUAGES:
            catalog = read(lang)
            for message in template:
                if message.id and message.id not in catalog:
                    catalog.add(message.id, "", message.locations, auto_comments=message.auto_comments)
            with po_path(lang).open("wb") as f:
                write_po(f, catalog, width=100)
    else:
        for lang in LANGUAGES:
            po_path(lang).with_suffix(".mo").write_bytes(compiled(lang))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
