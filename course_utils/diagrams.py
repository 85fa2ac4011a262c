"""Figures that explain recurrent networks: unrolled graphs, cells, gradients through time, gates.

:func:`draw_unrolled` draws an RNN unrolled over a few steps, with boxes for
the cell, arrows for the state carried from step to step, and inputs and
outputs only at the steps you choose, so the same function draws
one-to-many, many-to-one and many-to-many problems. :func:`plot_gradient_norms`
draws how the norm of a gradient changes with the number of steps it travels
back, on a log scale, optionally with dashed theoretical bounds.

:func:`draw_lstm_cell` and :func:`draw_gru_cell` draw the inside of one
LSTM or GRU step in the style of Olah's "Understanding LSTM Networks": the
states as lines through the cell, the gates as boxes, element-wise operations
as circles; their labels are in the reader's language (see
:mod:`course_utils.i18n`). :func:`plot_gate_activations` draws the gate values
of a trained cell over a sequence, one heat map per gate.

All draw on a Matplotlib ``Axes`` (a new figure when ``ax`` is None) and
return it. Text that a reader sees (titles, axis labels, the cell's name) is
passed in, in the page's language; the math labels ($x_t$, $h_t$, $y_t$) are
the same in every language. Call ``plt.show()`` at the end of the cell.

Example:
    >>> ax = draw_unrolled(3, title="Many-to-one", outputs_at=[3])
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.axes import Axes
from matplotlib.patches import Circle, FancyArrowPatch, FancyBboxPatch

from course_utils import i18n

__all__ = ["draw_unrolled", "draw_lstm_cell", "draw_gru_cell", "cell_labels", "CELL_LABELS", "plot_gradient_norms",
           "plot_gate_activations"]

_SPACING = 2.2          # horizontal distance between two steps
_BOX_W, _BOX_H = 1.3, 0.9
_FOLDED_SHIFT = 4.2    # where the unrolled drawing starts when the folded one is drawn too
_IO_GAP = 1.55          # vertical distance from the box centre to an input or output label
_CELL_COLOR = "#dbe9f6"
_EDGE_COLOR = "#2b5d8a"


def _check_steps(name: str, steps: Sequence[int] | None, num_steps: int) -> list[int]:
    if steps is None:
        return list(range(1, num_steps + 1))
    if isinstance(steps, (str, bytes)) or not isinstance(steps, Sequence):
        raise TypeError(f"`{name}` must be a sequence of step numbers such as [1, 2] or None (got {type(steps).__name__}).")
    chosen = list(steps)
    bad = [s for s in chosen if isinstance(s, bool) or not isinstance(s, (int, np.integer)) or not 1 <= s <= num_steps]
    if bad:
        raise ValueError(
            f"`{name}` must hold step numbers from 1 to num_steps={num_steps}, as on the drawing "
            f"(got {chosen}; out of range or not integers: {bad})."
        )
    return sorted(set(int(s) for s in chosen))


def _arrow(ax: Axes, start: tuple[float, float], end: tuple[float, float], **style) -> None:
    options = dict(arrowstyle="-|>", mutation_scale=12, linewidth=1.4, color="#333333")
    options.update(style)
    ax.add_patch(FancyArrowPatch(start, end, **options))


def _cell(ax: Axes, x: float, label: str) -> None:
    ax.add_patch(FancyBboxPatch((x - _BOX_W / 2, -_BOX_H / 2), _BOX_W, _BOX_H,
                                boxstyle="round,pad=0.05", facecolor=_CELL_COLOR, edgecolor=_EDGE_COLOR, linewidth=1.5))
    ax.text(x, 0, label, ha="center", va="center", fontsize=10)


def _input_and_output(ax: Axes, x: float, input_label: str | None, output_label: str | None) -> None:
    if input_label is not None:
        ax.text(x, -_IO_GAP, input_label, ha="center", va="center", fontsize=12)
        _arrow(ax, (x, -_IO_GAP + 0.28), (x, -_BOX_H / 2 - 0.07))
    if output_label is not None:
        ax.text(x, _IO_GAP, output_label, ha="center", va="center", fontsize=12)
        _arrow(ax, (x, _BOX_H / 2 + 0.07), (x, _IO_GAP - 0.28))


def draw_unrolled(
    num_steps: int,
    *,
    title: str,
    inputs_at: Sequence[int] | None = None,
    outputs_at: Sequence[int] | None = None,
    cell_label: str = "RNN",
    folded: bool = False,
    input_symbol: str = "x",
    state_symbol: str = "h",
    output_symbol: str = "y",
    ax: Axes | None = None,
) -> Axes:
    """Draw an RNN unrolled over ``num_steps`` steps.

    Step ``t`` (numbered from 1, as on the drawing) is a box that receives the
    state $h_{t-1}$ from the left and passes $h_t$ to the right. An input
    $x_t$ enters from below at the steps in ``inputs_at``; an output $y_t$
    leaves upwards at the steps in ``outputs_at``. Every box is the same cell
    with the same weights.

    Args:
        num_steps: How many steps to draw (1 to 12).
        title: Title of the drawing, in the reader's language.
        inputs_at: Step numbers (1 to ``num_steps``) that receive an input;
            every step when None, none when empty.
        outputs_at: Step numbers that emit an output; every step when None,
            none when empty.
        cell_label: Text written in each box, e.g. ``"RNN"`` or ``"LSTM"``.
        folded: Also draw, on the left, the folded network: one box whose
            state arrow loops back into itself, then an equals sign.
        input_symbol, state_symbol, output_symbol: Letters of the math labels,
            e.g. ``state_symbol="s"`` writes $s_t$.
        ax: Where to draw; a new figure when None.

    Returns:
        The Axes drawn on (axis lines hidden, equal aspect).

    Raises:
        ValueError: ``num_steps`` is not in [1, 12], or a step number is out
            of range.
        TypeError: ``num_steps`` is not an int, or ``inputs_at`` /
            ``outputs_at`` is not a sequence.

    Example:
        >>> ax = draw_unrolled(4, title="One-to-many", inputs_at=[1])
    """
    if isinstance(num_steps, bool) or not isinstance(num_steps, (int, np.integer)):
        raise TypeError(f"`num_steps` must be an int (got {num_steps!r} of type {type(num_steps).__name__}).")
    if not 1 <= num_steps <= 12:
        raise ValueError(f"`num_steps` must lie in [1, 12] to stay legible (got num_steps={num_steps}).")
    inputs = _check_steps("inputs_at", inputs_at, num_steps)
    outputs = _check_steps("outputs_at", outputs_at, num_steps)

    width = num_steps * _SPACING + (_FOLDED_SHIFT if folded else 0.0)
    if ax is None:
        _, ax = plt.subplots(figsize=(min(1.5 + 1.3 * width / _SPACING, 14), 2.8))
    x0 = _FOLDED_SHIFT if folded else 0.0
    sym_x, sym_h, sym_y = input_symbol, state_symbol, output_symbol

    if folded:
        _cell(ax, 0.0, cell_label)
        _input_and_output(ax, 0.0, f"${sym_x}_t$", f"${sym_y}_t$")
        _arrow(ax, (_BOX_W / 2 + 0.07, 0.22), (_BOX_W / 2 + 0.07, -0.22), connectionstyle="bar,fraction=-1.2")
        ax.text(_BOX_W / 2 + 0.7, 0.0, f"${sym_h}_{{t-1}}$", ha="left", va="center", fontsize=10)
        ax.text(_FOLDED_SHIFT - 1.45, 0.0, "=", ha="center", va="center", fontsize=20)

    left = x0 + _SPACING
    ax.text(left - _SPACING + 0.35, 0.0, f"${sym_h}_0$", ha="center", va="center", fontsize=12)
    _arrow(ax, (left - _SPACING + 0.65, 0.0), (left - _BOX_W / 2 - 0.07, 0.0))
    for t in range(1, num_steps + 1):
        x = x0 + t * _SPACING
        _cell(ax, x, cell_label)
        _input_and_output(ax, x,
                          f"${sym_x}_{{{t}}}$" if t in inputs else None,
                          f"${sym_y}_{{{t}}}$" if t in outputs else None)
        end = x + _SPACING - _BOX_W / 2 - 0.07 if t < num_steps else x + _BOX_W / 2 + 0.75
        _arrow(ax, (x + _BOX_W / 2 + 0.07, 0.0), (end, 0.0))
        ax.text(x + _SPACING / 2, 0.2, f"${sym_h}_{{{t}}}$", ha="center", va="bottom", fontsize=10)

    right = x0 + num_steps * _SPACING + _BOX_W / 2 + 1.0
    ax.set_xlim(-1.0 if folded else 0.0, right)
    ax.set_ylim(-_IO_GAP - 0.4, _IO_GAP + 0.4)
    ax.set_aspect("equal")
    ax.set_axis_off()
    ax.set_title(title)
    return ax


def _positive_curve(name: str, values: Sequence[float]) -> np.ndarray:
    curve = np.asarray(values, dtype=float)
    if curve.ndim != 1 or curve.size == 0:
        raise ValueError(f"curve {name!r} must be a non-empty 1-D sequence (got shape {curve.shape}).")
    if not np.all(np.isfinite(curve)) or np.any(curve <= 0):
        raise ValueError(
            f"curve {name!r} must hold finite values > 0 for a log scale "
            f"(got min {np.nanmin(curve):.3g}, max {np.nanmax(curve):.3g}); an exact zero means an underflow."
        )
    return curve


def plot_gradient_norms(
    norms: Mapping[str, Sequence[float]],
    *,
    title: str,
    xlabel: str,
    ylabel: str,
    distances: Sequence[float] | None = None,
    bounds: Mapping[str, Sequence[float]] | None = None,
    bound_label: str | None = None,
    ylim: tuple[float, float] | None = None,
    ax: Axes | None = None,
) -> Axes:
    """Draw gradient norms against the distance they travel back, on a log scale.

    Args:
        norms: Mapping from legend entry to one norm per distance; all curves
            of one length, every value finite and > 0.
        title, xlabel, ylabel: Text of the plot, in the reader's language.
        distances: x value of each point; ``1, 2, ...`` when None.
        bounds: Optional mapping from some keys of ``norms`` to a theoretical
            bound per distance, drawn dashed in the colour of its curve. The
            y range follows ``norms`` only, so a bound that runs off the plot
            is cut, not squashing the curves.
        bound_label: Legend entry for the dashed lines (one entry for all).
        ylim: Range of the y axis, both ends > 0; when None, from a third of
            the smallest norm to three times the largest. Pass the same range
            to panels drawn side by side so that they compare.
        ax: Where to draw; a new figure when None.

    Returns:
        The Axes drawn on.

    Raises:
        ValueError: No curves; a curve is empty, of another length, or holds
            a value <= 0 or not finite; ``distances`` has the wrong length; a
            bound names an unknown curve or has the wrong length; ``ylim`` is
            not two numbers with 0 < low < high.

    Example:
        >>> ax = plot_gradient_norms({"scale 0.5": [0.5, 0.25, 0.125]}, title="RNN",
        ...                          xlabel="distance T - t", ylabel="norm")
    """
    if not norms:
        raise ValueError("`norms` must hold at least one curve (got an empty mapping).")
    curves = {name: _positive_curve(name, values) for name, values in norms.items()}
    sizes = {name: curve.size for name, curve in curves.items()}
    if len(set(sizes.values())) != 1:
        raise ValueError(f"every curve in `norms` must have the same length (got lengths {sizes}).")
    n = next(iter(sizes.values()))
    xs = np.arange(1, n + 1) if distances is None else np.asarray(distances, dtype=float)
    if xs.shape != (n,):
        raise ValueError(f"`distances` must hold {n} values, one per point (got shape {xs.shape}).")
    bounds = {} if bounds is None else dict(bounds)
    unknown = sorted(set(bounds) - set(curves))
    if unknown:
        raise ValueError(f"`bounds` names curves that are not in `norms`: {unknown} (curves: {list(curves)}).")
    bound_curves = {name: _positive_curve(f"bound of {name}", values) for name, values in bounds.items()}
    wrong = {name: curve.size for name, curve in bound_curves.items() if curve.size != n}
    if wrong:
        raise ValueError(f"every bound must hold {n} values, like the curves (got lengths {wrong}).")

    if ylim is not None:
        if len(ylim) != 2 or not 0 < ylim[0] < ylim[1]:
            raise ValueError(f"`ylim` must be (low, high) with 0 < low < high for a log scale (got ylim={ylim!r}).")

    if ax is None:
        _, ax = plt.subplots(figsize=(7, 4))
    colors = {}
    for name, curve in curves.items():
        (line,) = ax.plot(xs, curve, linewidth=2, label=name)
        colors[name] = line.get_color()
    for k, (name, bound) in enumerate(bound_curves.items()):
        ax.plot(xs, bound, linestyle="--", linewidth=1, color=colors[name], label=bound_label if k == 0 else None)
    if ylim is None:
        ylim = (min(curve.min() for curve in curves.values()) / 3, max(curve.max() for curve in curves.values()) * 3)
    ax.set_yscale("log")
    ax.set_ylim(*ylim)
    ax.set_title(title)
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    ax.grid(True, which="major", alpha=0.3)
    ax.legend(fontsize=9)
    return i18n.localize_axes(ax)  # the distances, in the notebook's language; the log axis keeps 10^k


# --- inside one cell -----------------------------------------------------------

CELL_LABELS: dict[str, str] = {
    # TRANSLATORS: titles and captions of the LSTM and GRU cell drawings; keep each caption short,
    # with a line break ("\n") where it fits best under a box about 1 cm wide.
    "lstm_title": i18n.N_("Inside an LSTM cell"),
    "gru_title": i18n.N_("Inside a GRU cell"),
    "forget": i18n.N_("forget\ngate"),
    "input": i18n.N_("input\ngate"),
    "candidate": i18n.N_("candidate"),
    "output": i18n.N_("output\ngate"),
    "update": i18n.N_("update\ngate"),
    "reset": i18n.N_("reset\ngate"),
    "cell_state": i18n.N_("cell state: the memory's path"),
    "hidden_state": i18n.N_("hidden state"),
}
"""The words :func:`draw_lstm_cell` and :func:`draw_gru_cell` write: English msgids of the catalogs."""

_GATE_COLOR = "#f6d8a8"
_LAYER_EDGE = "#a0522d"
_OP_COLOR = "#f9e0e0"
_STATE_COLOR = "#2b5d8a"


def _layer(ax: Axes, x: float, y: float, symbol: str, caption: str) -> None:
    """A learned layer: a box with its activation, its name written below."""
    ax.add_patch(FancyBboxPatch((x - 0.38, y - 0.3), 0.76, 0.6, boxstyle="round,pad=0.04",
                                facecolor=_GATE_COLOR, edgecolor=_LAYER_EDGE, linewidth=1.3, zorder=3))
    ax.text(x, y, symbol, ha="center", va="center", fontsize=12, zorder=4)
    ax.text(x, y - 0.42, caption, ha="center", va="top", fontsize=7.5, color="#5a3310", zorder=4,
            bbox=dict(facecolor="#f4f8fc", edgecolor="none", pad=0.3))


def _op(ax: Axes, x: float, y: float, symbol: str) -> None:
    """An element-wise operation: a circle with its symbol."""
    ax.add_patch(Circle((x, y), 0.24, facecolor=_OP_COLOR, edgecolor="#a33", linewidth=1.2, zorder=3))
    ax.text(x, y, symbol, ha="center", va="center", fontsize=11 if len(symbol) < 3 else 7, zorder=4)


def _path(ax: Axes, points: Sequence[tuple[float, float]], *, color: str = "#333333", width: float = 1.4) -> None:
    """A polyline whose last segment ends in an arrow head."""
    xs, ys = zip(*points)
    ax.plot(xs[:-1] + (xs[-1],), ys[:-1] + (ys[-1],), color=color, linewidth=width, zorder=1,
            solid_capstyle="round")
    _arrow(ax, points[-2], points[-1], color=color, linewidth=width, mutation_scale=11)


def _cell_frame(ax: Axes, width: float, height: float) -> None:
    ax.add_patch(FancyBboxPatch((0.0, 0.0), width, height, boxstyle="round,pad=0.1",
                                facecolor="#f4f8fc", edgecolor=_EDGE_COLOR, linewidth=1.5, zorder=0))


def cell_labels(lang: str | None = None) -> dict[str, str]:
    """Return the words of the cell drawings (:data:`CELL_LABELS`) in ``lang`` (the notebook's when None).

    Raises:
        ValueError: ``lang`` is not one of the course's languages.

    Example:
        >>> cell_labels("es")["forget"], cell_labels("pt")["hidden_state"]
        ('compuerta\\nde olvido', 'estado oculto')
    """
    language = i18n.resolve_language(lang)
    return {key: i18n.gettext(message, lang=language) for key, message in CELL_LABELS.items()}


def _state_path(ax: Axes, product_x: float, sum_x: float, y: float, width: float,
                names: tuple[str, str], caption: str, caption_x: float) -> None:
    """Draw a cell's state path along ``y``: in at the left, one product, one sum, out at the right."""
    ends = [-1.3, product_x, sum_x, width + 1.3]
    for start, stop in zip(ends, ends[1:]):
        _path(ax, [(start if start == ends[0] else start + 0.25, y), (stop if stop == ends[-1] else stop - 0.25, y)],
              color=_STATE_COLOR, width=2.4)
    _op(ax, product_x, y, "×")
    _op(ax, sum_x, y, "+")
    ax.text(-1.3, y + 0.3, names[0], ha="left", va="bottom", fontsize=12)
    ax.text(width + 1.3, y + 0.3, names[1], ha="right", va="bottom", fontsize=12)
    ax.text(caption_x, y + 0.55, caption, ha="center", va="bottom", fontsize=9, color=_STATE_COLOR)


def _finish_cell(ax: Axes, title: str, width: float, height: float) -> Axes:
    ax.set_xlim(-1.6, width + 1.6)
    ax.set_ylim(-1.2, height + 0.9)
    ax.set_aspect("equal")
    ax.set_axis_off()
    ax.set_title(title)
    return ax


def draw_lstm_cell(*, title: str | None = None, lang: str | None = None, ax: Axes | None = None) -> Axes:
    """Draw one LSTM step: the cell-state path on top, the three gates and the candidate below.

    The cell state $c_{t-1}$ runs straight through the top of the cell,
    touched only by an element-wise product with the forget gate $f_t$ and a
    sum with the gated candidate $i_t \\odot g_t$: the path of
    $c_t = f_t \\odot c_{t-1} + i_t \\odot g_t$. The previous output
    $h_{t-1}$ and the input $x_t$ feed all four layers; the output gate $o_t$
    picks what of $\\tanh(c_t)$ leaves as $h_t$.

    Args:
        title: Title of the drawing; the page's words for "Inside an LSTM cell" when None.
        lang: Language of the labels, ``"en"``, ``"es"`` or ``"pt"``; the
            notebook's (:func:`course_utils.i18n.get_language`) when None.
        ax: Where to draw; a new figure when None.

    Returns:
        The Axes drawn on (axis lines hidden, equal aspect).

    Raises:
        ValueError: ``lang`` is not one of the course's languages.

    Example:
        >>> ax = draw_lstm_cell(lang="es")
    """
    words = cell_labels(lang)
    if ax is None:
        _, ax = plt.subplots(figsize=(9, 5))
    width, height = 9.0, 5.0
    top, bottom, gates_y = 4.2, 0.6, 2.2
    _cell_frame(ax, width, height)
    # the cell state: a straight path with one product and one sum
    _state_path(ax, 1.7, 4.8, top, width, ("$c_{t-1}$", "$c_t$"), words["cell_state"], 3.25)
    # h_{t-1} and x_t join and feed the four layers
    _path(ax, [(-1.3, bottom), (0.9, bottom), (0.9, 1.2), (6.3, 1.2)])
    _path(ax, [(0.9, -1.0), (0.9, bottom - 0.05)])
    ax.text(-1.3, bottom + 0.15, "$h_{t-1}$", ha="left", va="bottom", fontsize=12)
    ax.text(1.15, -0.95, "$x_t$", ha="left", va="bottom", fontsize=12)
    for x in (1.7, 3.2, 4.8, 6.3):
        _path(ax, [(x, 1.2), (x, gates_y - 0.33)], width=1.0)
    _layer(ax, 1.7, gates_y, r"$\sigma$", words["forget"])
    _layer(ax, 3.2, gates_y, r"$\sigma$", words["input"])
    _layer(ax, 4.8, gates_y, r"$\tanh$", words["candidate"])
    _layer(ax, 6.3, gates_y, r"$\sigma$", words["output"])
    # forget gate -> product on the cell state
    _path(ax, [(1.7, gates_y + 0.33), (1.7, top - 0.26)])
    ax.text(1.55, 3.2, "$f_t$", ha="right", va="center", fontsize=11)
    # input gate x candidate -> sum on the cell state
    _op(ax, 4.8, 3.3, "×")
    _path(ax, [(3.2, gates_y + 0.33), (3.2, 3.3), (4.8 - 0.26, 3.3)])
    _path(ax, [(4.8, gates_y + 0.33), (4.8, 3.3 - 0.26)])
    _path(ax, [(4.8, 3.3 + 0.24), (4.8, top - 0.26)])
    ax.text(3.05, 2.95, "$i_t$", ha="right", va="center", fontsize=11)
    ax.text(4.92, 2.8, "$g_t$", ha="left", va="center", fontsize=11)
    # tanh of the new cell state, gated by the output gate -> h_t
    _op(ax, 7.4, 3.3, "tanh")
    _op(ax, 7.4, 2.2, "×")
    _path(ax, [(7.4, top), (7.4, 3.3 + 0.26)])
    _path(ax, [(7.4, 3.3 - 0.26), (7.4, 2.2 + 0.26)])
    _path(ax, [(6.3 + 0.4, gates_y), (7.4 - 0.26, 2.2)])
    ax.text(6.95, 2.35, "$o_t$", ha="center", va="bottom", fontsize=11)
    _path(ax, [(7.4, 2.2 - 0.26), (7.4, bottom), (width + 1.3, bottom)])
    _path(ax, [(8.2, bottom), (8.2, height + 0.7)])
    ax.text(width + 1.3, bottom + 0.15, "$h_t$", ha="right", va="bottom", fontsize=12)
    ax.text(8.35, height + 0.55, "$h_t$", ha="left", va="center", fontsize=12)
    ax.text(8.35, bottom - 0.1, words["hidden_state"], ha="left", va="top", fontsize=8)
    return _finish_cell(ax, words["lstm_title"] if title is None else title, width, height)


def draw_gru_cell(*, title: str | None = None, lang: str | None = None, ax: Axes | None = None) -> Axes:
    """Draw one GRU step: the hidden-state path on top, the reset and update gates and the candidate below.

    The state $h_{t-1}$ runs through the top of the cell and meets the
    candidate $\\tilde h_t$ in an interpolation set by the update gate,
    $h_t = z_t \\odot h_{t-1} + (1 - z_t) \\odot \\tilde h_t$ (Keras's
    convention). The reset gate $r_t$ decides how much of $h_{t-1}$ the
    candidate sees.

    Args:
        title: Title of the drawing; the page's words for "Inside a GRU cell" when None.
        lang: Language of the labels; the notebook's when None.
        ax: Where to draw; a new figure when None.

    Returns:
        The Axes drawn on (axis lines hidden, equal aspect).

    Raises:
        ValueError: ``lang`` is not one of the course's languages.

    Example:
        >>> ax = draw_gru_cell(lang="pt")
    """
    words = cell_labels(lang)
    if ax is None:
        _, ax = plt.subplots(figsize=(9, 5))
    width, height = 9.0, 5.0
    top, bottom, gates_y = 4.2, 0.6, 2.2
    _cell_frame(ax, width, height)
    # the state path: a product with z_t, then a sum with the gated candidate
    _state_path(ax, 4.2, 7.0, top, width, ("$h_{t-1}$", "$h_t$"), words["hidden_state"], 5.6)
    # h_{t-1} goes down to the gates; x_t joins it
    _path(ax, [(0.5, top), (0.5, 1.2), (4.2, 1.2)])
    _path(ax, [(0.5, -1.0), (0.5, 1.2 - 0.05)])
    ax.text(0.75, -0.95, "$x_t$", ha="left", va="bottom", fontsize=12)
    for x in (1.8, 4.2):
        _path(ax, [(x, 1.2), (x, gates_y - 0.33)], width=1.0)
    _layer(ax, 1.8, gates_y, r"$\sigma$", words["reset"])
    _layer(ax, 4.2, gates_y, r"$\sigma$", words["update"])
    # the reset gate scales h_{t-1} before the candidate sees it
    _op(ax, 1.8, 3.3, "×")
    _path(ax, [(1.8, gates_y + 0.33), (1.8, 3.3 - 0.26)])
    _path(ax, [(1.05, top), (1.05, 3.3), (1.8 - 0.26, 3.3)])
    ax.text(1.95, 2.8, "$r_t$", ha="left", va="center", fontsize=11)
    _path(ax, [(1.8 + 0.26, 3.3), (3.0, 3.3), (3.0, 0.2), (6.0, 0.2), (6.0, gates_y - 0.33)])
    _path(ax, [(0.5, 0.2), (3.0, 0.2)], width=1.0)
    _layer(ax, 6.0, gates_y, r"$\tanh$", words["candidate"])
    # the update gate: z_t keeps the old state, 1 - z_t lets the candidate in
    _path(ax, [(4.2, gates_y + 0.33), (4.2, top - 0.26)])
    ax.text(4.05, 3.3, "$z_t$", ha="right", va="center", fontsize=11)
    _op(ax, 5.1, 3.0, "1−")
    _path(ax, [(4.2, 2.9), (5.1 - 0.25, 3.0)], width=1.0)
    _op(ax, 7.0, 3.0, "×")
    _path(ax, [(5.1 + 0.25, 3.0), (7.0 - 0.26, 3.0)])
    _path(ax, [(6.0, gates_y + 0.33), (6.0, 2.65), (7.0, 2.65), (7.0, 3.0 - 0.26)])
    ax.text(7.12, 2.6, r"$\tilde h_t$", ha="left", va="center", fontsize=11)
    _path(ax, [(7.0, 3.0 + 0.24), (7.0, top - 0.26)])
    _path(ax, [(8.2, top), (8.2, height + 0.7)])
    ax.text(8.35, height + 0.55, "$h_t$", ha="left", va="center", fontsize=12)
    return _finish_cell(ax, words["gru_title"] if title is None else title, width, height)


def plot_gate_activations(
    gates: Mapping[str, np.ndarray],
    *,
    title: str,
    xlabel: str,
    ylabel: str,
    colorbar_label: str,
    marks: Mapping[int, str] | None = None,
    axes: Sequence[Axes] | None = None,
) -> list[Axes]:
    """Draw the values of a cell's gates over a sequence: one heat map per gate, units by steps.

    Args:
        gates: Mapping from a panel title (e.g. "input gate $i_t$") to an
            array of shape ``(steps, units)`` with values in [0, 1]; all
            arrays of one shape.
        title: Title above the panels, in the reader's language.
        xlabel, ylabel: Axis labels (steps, units), in the reader's language.
        colorbar_label: Label of the colour scale.
        marks: Optional mapping from a step number to a short text, drawn as
            a vertical line on every panel (e.g. where the symbol was shown).
        axes: One Axes per gate; a new figure with one row per gate when None.

    Returns:
        The Axes drawn on, one per gate.

    Raises:
        ValueError: ``gates`` is empty; an array is not 2-D, differs in
            shape, or holds values outside [0, 1] or not finite; a mark lies
            outside the steps; ``axes`` has the wrong length.

    Example:
        >>> axes = plot_gate_activations({"forget": np.full((5, 3), 0.9)}, title="Gates",
        ...                              xlabel="step", ylabel="unit", colorbar_label="value")
    """
    if not gates:
        raise ValueError("`gates` must hold at least one gate (got an empty mapping).")
    arrays = {name: np.asarray(values, dtype=float) for name, values in gates.items()}
    shapes = {name: array.shape for name, array in arrays.items()}
    if any(len(shape) != 2 or 0 in shape for shape in shapes.values()) or len(set(shapes.values())) != 1:
        raise ValueError(f"every gate must be a non-empty array of one common shape (steps, units) (got {shapes}).")
    for name, array in arrays.items():
        if not np.all(np.isfinite(array)) or array.min() < 0 or array.max() > 1:
            raise ValueError(f"gate {name!r} must hold finite values in [0, 1], as a sigmoid gives "
                             f"(got min {np.nanmin(array):.3g}, max {np.nanmax(array):.3g}).")
    steps = next(iter(shapes.values()))[0]
    marks = {} if marks is None else dict(marks)
    outside = sorted(step for step in marks if not 0 <= step < steps)
    if outside:
        raise ValueError(f"`marks` must name steps from 0 to {steps - 1} (got {outside}).")
    if axes is None:
        fig, axes = plt.subplots(len(arrays), 1, figsize=(10, 1.0 + 1.7 * len(arrays)), sharex=True, squeeze=False)
        axes = list(axes[:, 0])
    elif len(axes) != len(arrays):
        raise ValueError(f"`axes` must hold one Axes per gate ({len(arrays)}), got {len(axes)}.")
    axes = list(axes)
    for ax, (name, array) in zip(axes, arrays.items()):
        image = ax.imshow(array.T, aspect="auto", cmap="viridis", vmin=0.0, vmax=1.0, interpolation="nearest")
        ax.set_title(name, fontsize=10, loc="right")  # the left end is where the marks' labels go (step 0)
        ax.set_ylabel(ylabel)
        for step, text in marks.items():
            ax.axvline(step, color="white", linestyle="--", linewidth=1)
            ax.text(step + 0.5, -0.6, text, color="black", fontsize=8, va="bottom")
        ax.figure.colorbar(image, ax=ax, label=colorbar_label, fraction=0.03, pad=0.01)
    axes[-1].set_xlabel(xlabel)
    axes[0].figure.suptitle(title)
    return axes
