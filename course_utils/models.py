"""A Keras model's layer table in the reader's language (``model.summary()`` prints English).

:func:`summary` shows what Keras's ``model.summary()`` teaches (each layer's
name and type, its output shape and its number of parameters, then the
totals) with headers in the notebook's language and counts written by
:func:`course_utils.i18n.format_number`; layer names, class names and shapes
are code and stay as Keras writes them.

Example:
    >>> import keras
    >>> from course_utils import i18n
    >>> model = keras.Sequential([keras.Input(shape=(3,)), keras.layers.Dense(2, name="dense")], name="tiny")
    >>> print(summary_text(model, lang="es"))  # doctest: +NORMALIZE_WHITESPACE
    Modelo: tiny
    Capa (tipo)     Forma de salida   Parámetros
    ────────────────────────────────────────────
    dense (Dense)   (None, 2)                  8
    ────────────────────────────────────────────
    Parámetros en total: 8
    Entrenables: 8
    No entrenables: 0
"""

from __future__ import annotations

import math
from collections.abc import Callable

import keras
from course_utils import i18n

__all__ = ["summary", "summary_text", "layer_rows"]

_GAP = "   "


def _require_model(model: object) -> keras.Model:
    if not isinstance(model, keras.Model):
        raise TypeError(f"`model` must be a keras.Model (got {type(model).__name__}); "
                        "pass the model itself, not a layer or its history.")
    if not model.built:
        raise ValueError(f"`model` must be built before its summary (got the unbuilt model {model.name!r}); "
                         "start it with keras.Input(shape=...) or call it on a batch first.")
    return model


def _shape_text(layer: keras.layers.Layer) -> str:
    """The layer's output shape as Keras writes it: ``(None, 5)``, or a list for several outputs."""
    try:
        output = layer.output
    except (AttributeError, ValueError):  # never called, or called on several inputs
        return "?"
    outputs = keras.tree.flatten(output)
    shapes = [f"({', '.join(str(size) for size in tensor.shape)})" for tensor in outputs]
    return shapes[0] if len(shapes) == 1 else "[" + ", ".join(shapes) + "]"


def layer_rows(model: keras.Model) -> list[tuple[str, str, int]]:
    """Return one ``(name (type), output shape, parameters)`` row per layer of ``model``.

    Functional models list their input layers too, as Keras's summary does.

    Raises:
        TypeError: ``model`` is not a ``keras.Model``.
        ValueError: ``model`` is not built.

    Example:
        >>> import keras
        >>> model = keras.Sequential([keras.Input(shape=(4, 1)), keras.layers.LSTM(2, name="lstm")])
        >>> layer_rows(model)
        [('lstm (LSTM)', '(None, 2)', 32)]
    """
    _require_model(model)
    layers = list(model.layers)
    if not isinstance(model, keras.Sequential):
        inputs = [operation for operation in getattr(model, "_operations", [])
                  if isinstance(operation, keras.layers.InputLayer) and operation not in layers]
        layers = inputs + layers
    return [(f"{layer.name} ({type(layer).__name__})", _shape_text(layer), int(layer.count_params()))
            for layer in layers]


def summary_text(model: keras.Model, lang: str | None = None) -> str:
    """Return the layer table of ``model`` in the reader's language (what :func:`summary` prints).

    Args:
        model: A built Keras model.
        lang: A language for this call only; ``None`` for the notebook's.

    Returns:
        The title line, the table (layer, output shape, parameters) and three
        total lines: all parameters, trainable and non-trainable.

    Raises:
        TypeError: ``model`` is not a ``keras.Model``.
        ValueError: ``model`` is not built, or ``lang`` is not a course language.
    """
    _require_model(model)
    language = i18n.resolve_language(lang)

    def count(n: int) -> str:
        return i18n.format_number(n, lang=language)

    header = (i18n.gettext("Layer (type)", lang=language), i18n.gettext("Output shape", lang=language),
              i18n.gettext("Parameters", lang=language))
    rows = [(name, shape, count(n)) for name, shape, n in layer_rows(model)]
    widths = [max(len(row[i]) for row in [header, *rows]) for i in range(3)]

    def line(cells: tuple[str, str, str]) -> str:
        return f"{cells[0]:<{widths[0]}}{_GAP}{cells[1]:<{widths[1]}}{_GAP}{cells[2]:>{widths[2]}}"

    rule = "─" * (sum(widths) + 2 * len(_GAP))
    trainable = sum(math.prod(weight.shape) for weight in model.trainable_weights)
    total = int(model.count_params())
    lines = [
        i18n.gettext("Model: {name}", lang=language).format(name=model.name),
        line(header), rule, *(line(row) for row in rows), rule,
        i18n.gettext("Total parameters: {count}", lang=language).format(count=count(total)),
        i18n.gettext("Trainable: {count}", lang=language).format(count=count(trainable)),
        i18n.gettext("Non-trainable: {count}", lang=language).format(count=count(total - trainable)),
    ]
    return "\n".join(lines)


def summary(model: keras.Model, lang: str | None = None, print_fn: Callable[[str], object] = print) -> None:
    """Print the layer table of ``model`` in the reader's language, like ``model.summary()``.

    Args:
        model: A built Keras model.
        lang: A language for this call only; ``None`` for the notebook's.
        print_fn: Where the text goes (``print``).

    Raises:
        TypeError: ``model`` is not a ``keras.Model``, or ``print_fn`` is not callable.
        ValueError: ``model`` is not built, or ``lang`` is not a course language.

    Example:
        >>> import keras
        >>> from course_utils import i18n
        >>> i18n.set_language("pt")
        >>> model = keras.Sequential([keras.Input(shape=(30,)), keras.layers.Dense(40, name="dense")], name="wide")
        >>> summary(model)  # doctest: +NORMALIZE_WHITESPACE
        Modelo: wide
        Camada (tipo)   Forma da saída   Parâmetros
        ───────────────────────────────────────────
        dense (Dense)   (None, 40)            1.240
        ───────────────────────────────────────────
        Total de parâmetros: 1.240
        Treináveis: 1.240
        Não treináveis: 0
        >>> i18n.set_language("en")
    """
    if not callable(print_fn):
        raise TypeError(f"`print_fn` must be callable (got {type(print_fn).__name__}).")
    print_fn(summary_text(model, lang=lang))
