"""Figures that explain recurrent networks: unrolled graphs and gradients through time.

:func:`draw_unrolled` draws an RNN unrolled over a few steps, with boxes for
the cell, arrows for the state carried from step to step, and inputs and
outputs only at the steps you choose, so the same function draws
one-to-many, many-to-one and many-to-many problems. :func:`plot_gradient_norms`
draws how the norm of a gradient changes with the number of steps it travels
back, on a log scale, optionally with dashed theoretical bounds.

Both draw on a Matplotlib ``Axes`` (a new figure when ``ax`` is None) and
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
from matplotlib.patches import FancyArrowPatch, FancyBboxPatch

from course_utils import i18n

__all__ = ["draw_unrolled", "plot_gradient_norms"]

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
