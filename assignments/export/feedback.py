"""Turn the grader's result into a platform's report, in the student's language.

The grader detects the language of the submission (en, es or pt) from its
markdown cells; test names, verdicts and the summary are written in it. The
grader's own failure messages (an assertion's text, a traceback's last line)
are kept as they are. This file is copied into every export bundle.
"""

from __future__ import annotations

__all__ = ["TEXTS", "VISIBILITIES", "test_name", "gradescope_results", "gradescope_failure"]

VISIBILITIES = ("hidden", "after_due_date", "after_published", "visible")

TEXTS = {
    "en": {
        "visible": "visible test", "hidden": "hidden test",
        "passed": "Passed.", "failed": "Failed: {message}",
        "score": "Score: {score} / {max_score}.",
        "graded": "Graded notebook: {name} (language: English).",
        "notes": "Notes (your instructor may review these):",
        "no_notebook": "No notebook (.ipynb) was found in your submission: upload the .ipynb file you downloaded from Colab or Jupyter.",
        "several": "Several notebooks were submitted; {name} was graded.",
        "broken": "The autograder could not grade this submission ({error}). Your instructor will grade it by hand.",
        "not_graded": "Not graded: {reason}",
    },
    "es": {
        "visible": "prueba visible", "hidden": "prueba oculta",
        "passed": "Superada.", "failed": "No superada: {message}",
        "score": "Puntuación: {score} / {max_score}.",
        "graded": "Notebook calificado: {name} (idioma: español).",
        "notes": "Observaciones (tu profesor puede revisarlas):",
        "no_notebook": "Tu entrega no contiene ningún notebook (.ipynb): sube el archivo .ipynb que descargaste de Colab o Jupyter.",
        "several": "Entregaste varios notebooks; se calificó {name}.",
        "broken": "El corrector automático no pudo calificar esta entrega ({error}). Tu profesor la calificará a mano.",
        "not_graded": "Sin calificar: {reason}",
    },
    "pt": {
        "visible": "teste visível", "hidden": "teste oculto",
        "passed": "Passou.", "failed": "Não passou: {message}",
        "score": "Nota: {score} / {max_score}.",
        "graded": "Notebook corrigido: {name} (idioma: português).",
        "notes": "Observações (seu professor pode revisá-las):",
        "no_notebook": "Sua entrega não contém nenhum notebook (.ipynb): envie o arquivo .ipynb que você baixou do Colab ou do Jupyter.",
        "several": "Você entregou vários notebooks; {name} foi corrigido.",
        "broken": "O corretor automático não conseguiu corrigir esta entrega ({error}). Seu professor vai corrigi-la à mão.",
        "not_graded": "Não corrigido: {reason}",
    },
}


def _number(value: float) -> str:
    return f"{value:g}"


def _lang(lang: str | None) -> str:
    return lang if lang in TEXTS else "en"


def test_name(exercise: str, hidden: bool, lang: str | None) -> str:
    """The name a platform shows for one test, e.g. ``"lstm_step: prueba oculta"``."""
    text = TEXTS[_lang(lang)]
    return f"{exercise}: {text['hidden' if hidden else 'visible']}"


def _all_languages(key: str, **fields: str) -> str:
    """A message for a submission whose language is unknown: the three languages, one per line."""
    return "\n".join(TEXTS[lang][key].format(**fields) for lang in ("en", "es", "pt"))


def gradescope_results(result: dict, hidden_visibility: str = "after_due_date", notes: list[str] = ()) -> dict:
    """Gradescope's ``results.json`` for one graded submission (the grader's result dict).

    Every test of the grader becomes one Gradescope test with its points:
    visible tests are ``"visible"``, hidden tests get ``hidden_visibility``.
    """
    if hidden_visibility not in VISIBILITIES:
        raise ValueError(f"hidden_visibility must be one of {VISIBILITIES} (got {hidden_visibility!r})")
    lang = _lang(result.get("lang"))
    text = TEXTS[lang]
    tests = []
    for number, (exercise, entry) in enumerate(result["exercises"].items(), start=1):
        for sub, test in enumerate(entry["tests"], start=1):
            if test["passed"]:
                output = text["passed"]
            else:
                output = text["failed"].format(message=test["message"])
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
    lines = [text["score"].format(score=_number(result["score"]), max_score=_number(result["max_score"]))]
    if result.get("notebook"):
        lines.append(text["graded"].format(name=result["notebook"].replace("\\", "/").rsplit("/", 1)[-1]))
    flags = list(notes) + list(result.get("flags", []))
    if flags:
        lines += ["", text["notes"], *[f"- {flag}" for flag in flags]]
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
