"""Look inside a trained recurrent model, one hidden unit at a time.

Karpathy, Johnson and Fei-Fei (2015) coloured text by the activation of single
LSTM units and found some that track something a person can name: the
position in a line, whether a quote is open. This module gives the pieces:
run a state-carrying language model over a text and keep one layer's outputs
(:func:`layer_activations`), count each word's position in its sentence
(:func:`sentence_position`), correlate every unit with candidate features
(:func:`correlate`), and draw the text with each word's background coloured
by a unit's value (:func:`plot_colored_text`).

Example:
    >>> sentence_position(["the", "cat", "<eos>", "a", "dog"])
    array([0, 1, 2, 0, 1])
    >>> correlate(np.array([[0.0], [1.0], [2.0]]), {"rising": np.array([1.0, 2.0, 3.0])}).round(3)
    array([[1.]])
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.axes import Axes

from course_utils.validation import require_int

__all__ = ["layer_activations", "sentence_position", "correlate", "plot_colored_text"]


def layer_activations(model, layer_names: str | Sequence[str], ids, *, window: int = 100) -> np.ndarray:
    """Run a language model over ``ids`` as one row of text and return the outputs of some layers.

    The model must take ``[ids, *state]`` and return ``[logits, *state]``, as
    :func:`course_utils.lm.build_model` builds it. The text is read in windows
    of ``window`` words with the state carried from a zero start, as in
    evaluation, and each layer's output is kept at every word.

    Args:
        model: The language model.
        layer_names: One recurrent layer, or several, that return sequences
            and states, such as ``"lstm2"`` or ``["lstm1", "lstm2"]``.
        ids: 1-D array of word ids (at least one).
        window: Words per call (>= 1); the state carries over, so it changes
            only the speed.

    Returns:
        float32 array ``(len(ids), units)``, the layers' units side by side in
        the order given.

    Raises:
        ValueError: A name is not a layer of the model (the message lists
            them), ``ids`` is empty, not 1-D or not integer, or ``window`` < 1.
        TypeError: ``window`` is not an integer.
    """
    import keras
    import tensorflow as tf

    wanted = [layer_names] if isinstance(layer_names, str) else list(layer_names)
    names = [layer.name for layer in model.layers]
    for name in wanted or [None]:
        if name not in names:
            raise ValueError(f"`layer_names` must name layers of the model, among {names} (got {layer_names!r}).")
    ids = np.asarray(ids)
    if ids.ndim != 1 or ids.size == 0 or not np.issubdtype(ids.dtype, np.integer):
        raise ValueError(
            f"`ids` must be a non-empty 1-D array of integer word ids (got shape {ids.shape}, dtype {ids.dtype})."
        )
    window = require_int("window", window, 1)
    sequences = []
    for name in wanted:
        output = model.get_layer(name).output
        sequences.append(output[0] if isinstance(output, (list, tuple)) else output)
    probe = keras.Model(model.inputs, [*sequences, *model.outputs[1:]])
    run = tf.function(lambda inputs: probe(inputs, training=False), reduce_retracing=True)  # compiled: ~10x faster
    state = [tf.zeros((1, int(tensor.shape[-1]))) for tensor in model.inputs[1:]]
    pieces = []
    for start in range(0, len(ids), window):
        chunk = tf.constant(ids[None, start:start + window].astype("int32"))
        outputs = run([chunk, *state])
        layers, state = outputs[:len(wanted)], list(outputs[len(wanted):])
        pieces.append(np.concatenate([np.asarray(layer)[0] for layer in layers], axis=-1))
    return np.concatenate(pieces).astype("float32")


def sentence_position(words: Sequence[str], *, end: str = "<eos>") -> np.ndarray:
    """Return each word's position in its sentence: 0 for the first word after ``end``.

    The end marker itself gets the position after the sentence's last word.
    Words before the first marker count from the start of the text.

    Raises:
        TypeError: ``words`` is a single string instead of a sequence of words.
    """
    if isinstance(words, str):
        raise TypeError("`words` must be a sequence of words, not one string (split it first).")
    positions, count = [], 0
    for word in words:
        positions.append(count)
        count = 0 if word == end else count + 1
    return np.array(positions, dtype=int)


def correlate(activations: np.ndarray, features: Mapping[str, np.ndarray]) -> np.ndarray:
    """Return the Pearson correlation of every feature with every unit.

    Args:
        activations: ``(steps, units)``, one row per word.
        features: Name -> array ``(steps,)`` of the feature's value at each word.

    Returns:
        Array ``(len(features), units)`` in the features' order. A unit or
        feature that never changes correlates 0 with everything.

    Raises:
        ValueError: ``activations`` is not 2-D with at least 2 rows, no feature
            is given, or a feature's length differs from the number of rows.
    """
    acts = np.asarray(activations, dtype=np.float64)
    if acts.ndim != 2 or acts.shape[0] < 2:
        raise ValueError(f"`activations` must have shape (steps, units) with steps >= 2 (got shape {acts.shape}).")
    if not features:
        raise ValueError("`features` must hold at least one feature (got none).")
    rows = []
    centred = acts - acts.mean(axis=0)
    spread = np.sqrt((centred ** 2).sum(axis=0))
    for name, values in features.items():
        f = np.asarray(values, dtype=np.float64)
        if f.shape != (acts.shape[0],):
            raise ValueError(
                f"feature {name!r} must have one value per row of `activations`, shape ({acts.shape[0]},) "
                f"(got shape {f.shape})."
            )
        fc = f - f.mean()
        denominator = spread * np.sqrt((fc ** 2).sum())
        with np.errstate(invalid="ignore", divide="ignore"):
            r = np.where(denominator > 0, (fc @ centred) / np.where(denominator > 0, denominator, 1.0), 0.0)
        rows.append(r)
    return np.array(rows)


def plot_colored_text(
    words: Sequence[str],
    values: np.ndarray,
    *,
    title: str,
    ax: Axes | None = None,
    limit: float = 1.0,
    line_width: int = 80,
    cmap: str = "coolwarm",
) -> Axes:
    """Draw ``words`` as text, each on a background coloured by its value.

    Blue is ``-limit``, white 0, red ``+limit`` (with the default colour map);
    values beyond ``limit`` get the end colours. Lines wrap at ``line_width``
    characters.

    Args:
        words: The words, in reading order.
        values: One number per word, such as a unit's activation.
        title: The plot's title (in the page's language).
        ax: Axes to draw on; a new figure sized to the text when None.
        limit: The value shown with the strongest colour (> 0).
        line_width: Characters per line (>= 10).
        cmap: A Matplotlib colour map name.

    Returns:
        The Axes; each word is one ``Text`` artist whose box holds its colour.

    Raises:
        ValueError: ``words`` is empty, ``values`` does not have one finite
            number per word, ``limit`` <= 0 or ``line_width`` < 10.
        TypeError: ``words`` is a single string.
    """
    if isinstance(words, str):
        raise TypeError("`words` must be a sequence of words, not one string (split it first).")
    values = np.asarray(values, dtype=np.float64)
    if len(words) == 0:
        raise ValueError("`words` must hold at least one word (got none).")
    if values.shape != (len(words),) or not np.all(np.isfinite(values)):
        raise ValueError(
            f"`values` must hold one finite number per word, shape ({len(words)},) (got shape {values.shape})."
        )
    if not limit > 0:
        raise ValueError(f"`limit` must be > 0 (got limit={limit}).")
    line_width = require_int("line_width", line_width, 10)
    colours = plt.get_cmap(cmap)
    lines, column = 0, 0
    placed = []
    for word in words:
        if column and column + len(word) > line_width:
            lines, column = lines + 1, 0
        placed.append((column, lines))
        column += len(word) + 1
    if ax is None:
        _, ax = plt.subplots(figsize=(line_width * 0.105, 0.32 * (lines + 1) + 0.6))
    for word, value, (col, line) in zip(words, values, placed):
        shade = colours(0.5 + 0.5 * float(np.clip(value / limit, -1.0, 1.0)))
        ax.text(col / line_width, 1 - (line + 0.5) / (lines + 1), word, family="monospace", fontsize=10,
                va="center", ha="left", bbox={"facecolor": shade, "edgecolor": "none", "pad": 1.5})
    ax.set_xlim(0, 1)
    ax.set_ylim(0, 1)
    ax.axis("off")
    ax.set_title(title)
    return ax
