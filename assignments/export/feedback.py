"""Turn the grader's result into a platform's report, in the student's language.

The grader detects the language of the submission (en, es or pt) from its
markdown cells; test names, verdicts and the summary are written in it. The
grader's own failure messages (an assertion's text, a traceback's last line)
are kept as they are. This file is copied into every export bundle.

The texts are English msgids of the course's gettext catalogs
(``course_utils/locale/<lang>/LC_MESSAGES/course_utils.mo``, see
TRANSLATING.md), read with the standard library's :mod:`gettext` so that the
bundle needs no package beyond the grader's: in the repository from
``course_utils/locale``, in a bundle from its copy of ``course_utils``.
"""

from __future__ import annotations

import functools
import gettext as _gettext
from pathlib import Path

__all__ = ["TEXTS", "LANGUAGES", "LOCALE_DIRS", "VISIBILITIES", "text", "test_name", "gradescope_results",
           "gradescope_failure"]

VISIBILITIES = ("hidden", "after_due_date", "after_published", "visible")
LANGUAGES = ("en", "es", "pt")

_HERE = Path(__file__).resolve().parent
#: Where the compiled catalogs are: next to this file in a bundle, two folders up in the repository.
LOCALE_DIRS = (_HERE / "course_utils" / "locale", _HERE.parent.parent / "course_utils" / "locale")


def N_(message: str) -> str:  # noqa: N802 (the name the catalogs' extractor knows)
    """Mark ``message`` for the catalogs; it is translated when shown, by :func:`text`."""
    return message


#: The English text (a catalog msgid) of each message a student reads.
TEXTS = {
    # TRANSLATORS: an autograder test's name follows "<exercise>: ", e.g. "lstm_step: visible test".
    "visible": N_("visible test"),
    "hidden": N_("hidden test"),
    # TRANSLATORS: the verdict of one autograder test.
    "passed": N_("Passed."),
    "failed": N_("Failed: {message}"),
    # TRANSLATORS: the first line of the autograder's report, e.g. "Score: 6 / 8.".
    "score": N_("Score: {score} / {max_score}."),
    "graded": N_("Graded notebook: {name} (language: English)."),
    "graded_unknown": N_("Graded notebook: {name} (language not recognised)."),
    "notes": N_("Notes (your instructor may review these):"),
    "no_notebook": N_("No notebook (.ipynb) was found in your submission: upload the .ipynb file you downloaded "
                      "from Colab or Jupyter."),
    "several": N_("Several notebooks were submitted; {name} was graded."),
    "broken": N_("The autograder could not grade this submission ({error}). Your instructor will grade it by hand."),
    "not_graded": N_("Not graded: {reason}"),
}


@functools.lru_cache(maxsize=None)
def _translations(lang: str) -> _gettext.NullTranslations:
    for folder in LOCALE_DIRS:
        if (folder / lang / "LC_MESSAGES" / "course_utils.mo").is_file():
            return _gettext.translation("course_utils", localedir=folder, languages=[lang])
    return _gettext.NullTranslations()


def text(key: str, lang: str | None) -> str:
    """The message ``key`` of :data:`TEXTS` in ``lang`` (English for an unknown or missing language).

    Raises:
        KeyError: ``key`` is not one of :data:`TEXTS`.
    """
    if key not in TEXTS:
        raise KeyError(f"no feedback message {key!r}; the messages are {sorted(TEXTS)}")
    return _translations(_lang(lang)).gettext(TEXTS[key])


def _number(value: float) -> str:
    return f"{value:g}"


def _lang(lang: str | None) -> str:
    return lang if lang in LANGUAGES else "en"


def test_name(exercise: str, hidden: bool, lang: str | None) -> str:
    """The name a platform shows for one test, e.g. ``"lstm_step: prueba oculta"``."""
    return f"{exercise}: {text('hidden' if hidden else 'visible', lang)}"


def _all_languages(key: str, **fields: str) -> str:
    """A message for a submission whose language is unknown: the three languages, one per line."""
    return "\n".join(text(key, lang).format(**fields) for lang in LANGUAGES)


def gradescope_results(result: dict, hidden_visibility: str = "after_due_date", notes: list[str] = ()) -> dict:
    """Gradescope's ``results.json`` for one graded submission (the grader's result dict).

    Every test of the grader becomes one Gradescope test with its points:
    visible tests are ``"visible"``, hidden tests get ``hidden_visibility``.
    """
    if hidden_visibility not in VISIBILITIES:
        raise ValueError(f"hidden_visibility must be one of {VISIBILITIES} (got {hidden_visibility!r})")
    lang = _lang(result.get("lang"))
    tests = []
    for number, (exercise, entry) in enumerate(result["exercises"].items(), start=1):
        for sub, test in enumerate(entry["tests"], start=1):
            if test["passed"]:
                output = text("passed", lang)
            else:
                output = text("failed", lang).format(message=test["message"])
                trace = test.get("traceback") or entry.get("traceback")
                if trace and not test["hidden"]:
                    output += "\n\n" + trace.strip()[-2000:]
            tests.append({
                "name": test_name(exercise, test["hidden"], lang),
                "number": f"{number}.{sub}",
                "score": float(test["score"]),
                "max_score": float(test["points"]),
                "status": "passed" if test["passed"] else "failed",
                "visibility": hidden_visibility if test["hidden"] else "visible",
                "output": output,
            })
    lines = [text("score", lang).format(score=_number(result["score"]), max_score=_number(result["max_score"]))]
    if result.get("notebook"):
        lines.append(text("graded" if result.get("lang") else "graded_unknown", lang).format(
            name=result["notebook"].replace("\\", "/").rsplit("/", 1)[-1]))
    flags = list(notes) + list(result.get("flags", []))
    if flags:
        lines += ["", text("notes", lang), *[f"- {flag}" for flag in flags]]
    if not result["exercises"] and not result.get("lang"):
        lines.append(_all_languages("not_graded", reason="; ".join(result.get("flags", [])) or "?"))
    return {
        "score": float(result["score"]),
        "output": "\n".join(lines),
        "visibility": "visible",
        "stdout_visibility": "hidden",
        "tests": tests,
        "extra_data": {"language": result.get("lang", ""), "sandbox": result.get("sandbox", ""),
                       "run_as": result.get("run_as", ""), "flags": flags},
    }


def gradescope_failure(tests: list[dict], key: str, hidden_visibility: str = "after_due_date", **fields: str) -> dict:
    """``results.json`` when nothing could be graded (no notebook, the grader failed): every test at 0, the reason said."""
    message = _all_languages(key, **fields)
    return {
        "score": 0.0,
        "output": message,
        "visibility": "visible",
        "stdout_visibility": "hidden",
        "tests": [{"name": test_name(t["exercise"], t["hidden"], "en"), "number": f"{i}",
                   "score": 0.0, "max_score": float(t["points"]), "status": "failed",
                   "visibility": hidden_visibility if t["hidden"] else "visible", "output": message}
                  for i, t in enumerate(tests, start=1)],
        "extra_data": {"error": key},
    }
