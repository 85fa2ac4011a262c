"""Plots the chapters share: example sequences, training curves, accuracies.

Every function draws on a Matplotlib ``Axes`` (a new figure when ``ax`` is
None) and returns it, so a chapter can add to a plot or place several side by
side. Titles and axis labels are arguments: each chapter passes them in its
own language; tick labels write numbers in the notebook's language
(:func:`course_utils.i18n.localize_axes`). Call ``plt.show()`` at the end of the cell.

Example:
    >>> ax = plot_history({"loss": [0.7, 0.4], "val_loss": [0.8, 0.5]},
    ...                   metric="loss", title="Loss", xlabel="epoch", ylabel="loss",
    ...                   train_label="train", val_label="held-out")
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.axes import Axes
from matplotlib.legend import Legend
from matplotlib.ticker import MaxNLocator

from course_utils import i18n

__all__ = ["plot_sequences", "plot_history", "plot_bars", "plot_lines", "place_legend", "legend_hides_data"]


def _axes(ax: Axes | None, figsize: tuple[float, float]) -> Axes:
    if ax is None:
        _, ax = plt.subplots(figsize=figsize)
    return ax


def _finish(ax: Axes, title: str, xlabel: str, ylabel: str, *, integer_x: bool = False) -> Axes:
    if integer_x:
        ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    ax.set_title(title)
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    ax.grid(True, alpha=0.3)
    return i18n.localize_axes(ax)


def legend_hides_data(ax: Axes, legend: Legend | None = None) -> bool:
    """Return whether ``legend`` (by default the legend of ``ax``) covers any point of a line of ``ax``.

    Lines are checked along their segments, not only at their markers, in the
    figure's current layout; reference lines (``axhline``, ``axvline``) count too.

    Raises:
        ValueError: ``ax`` has no legend and none is given.
    """
    legend = ax.get_legend() if legend is None else legend
    if legend is None:
        raise ValueError("`ax` has no legend to check (call ax.legend() or place_legend(ax) first).")
    ax.get_xlim(), ax.get_ylim()  # bring autoscaled limits up to date before reading positions
    renderer = ax.figure.canvas.get_renderer()
    box = legend.get_window_extent(renderer)
    for line in ax.get_lines():
        points = line.get_transform().transform(np.asarray(line.get_xydata(), dtype=float))
        points = points[np.all(np.isfinite(points), axis=1)]
        if len(points) > 1:  # 8 points along each segment, so that a segment across the box counts
            t = np.linspace(0.0, 1.0, 8)[:, None, None]
            points = (points[:-1] * (1 - t) + points[1:] * t).reshape(-1, 2)
        if len(points) and box.count_contains(points):
            return True
    return False


def _axes_to_the_right(ax: Axes) -> bool:
    """Whether another visible panel of the figure starts to the right of ``ax``, at a height it shares."""
    here = ax.get_position()
    for other in ax.figure.axes:
        there = other.get_position()
        if other is not ax and other.get_visible() and there.x0 >= here.x1 and there.y0 < here.y1 and here.y0 < there.y1:
            return True
    return False


def place_legend(ax: Axes, **kwargs) -> Legend:
    """Draw the legend of ``ax`` where it hides no data: inside the axes if there is room, else to their right.

    Matplotlib's ``loc="best"`` picks the emptiest corner, but it still covers
    curves when no corner is empty (a zigzag across the whole plot, ten seeds).
    Then the legend goes outside, beside the axes' top right corner, unless
    another panel of the figure is there (the legend then stays at "best").

    Args:
        ax: The axes whose labelled artists the legend lists.
        **kwargs: Passed to :meth:`matplotlib.axes.Axes.legend` (``fontsize``, ``ncol``, ...);
            not ``loc`` or ``bbox_to_anchor``, which this function chooses.

    Returns:
        The legend.

    Raises:
        ValueError: ``kwargs`` sets ``loc`` or ``bbox_to_anchor``.
    """
    chosen = sorted({"loc", "bbox_to_anchor"} & set(kwargs))
    if chosen:
        raise ValueError(f"place_legend chooses the legend's position itself; do not pass {chosen} "
                         f"(call ax.legend(...) to place it by hand).")
    legend = ax.legend(loc="best", **kwargs)
    if legend_hides_data(ax, legend) and not _axes_to_the_right(ax):
        legend.remove()
        legend = ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1.0), borderaxespad=0.0, **kwargs)
    return legend


def plot_sequences(
    values: np.ndarray,
    lengths: np.ndarray,
    labels: np.ndarray,
    *,
    class_names: Sequence[str],
    title: str,
    xlabel: str,
    ylabel: str,
    per_class: int = 3,
    ax: Axes | None = None,
) -> Axes:
    """Draw the first ``per_class`` sequences of each class, up to their true length.

    Args:
        values: Array ``(n, max_len)`` or ``(n, max_len, 1)`` of padded sequences.
        lengths: int array ``(n,)``, the true length of each sequence.
        labels: int array ``(n,)`` of classes ``0 .. len(class_names) - 1``.
        class_names: Name of each class, used in the legend.
        title, xlabel, ylabel: Text of the plot, in the reader's language.
        per_class: How many sequences to draw per class (>= 1).
        ax: Where to draw; a new figure when None.

    Returns:
        The Axes drawn on.

    Raises:
        ValueError: The arrays disagree in size, a length exceeds the padded
            size, a label has no name, or ``per_class`` < 1.
    """
    values = np.asarray(values)
    if values.ndim == 3 and values.shape[-1] == 1:
        values = values[..., 0]
    lengths = np.asarray(lengths)
    labels = np.asarray(labels)
    if values.ndim != 2 or values.shape[0] == 0:
        raise ValueError(f"`values` must have shape (n, max_len) or (n, max_len, 1) with n >= 1 (got {np.shape(values)}).")
    if lengths.shape != (values.shape[0],) or labels.shape != (values.shape[0],):
        raise ValueError(
            f"`lengths` and `labels` must have shape ({values.shape[0]},) like `values` "
            f"(got {lengths.shape} and {labels.shape})."
        )
    if lengths.min() < 1 or lengths.max() > values.shape[1]:
        raise ValueError(
            f"every length must lie in [1, {values.shape[1]}] (got lengths from {lengths.min()} to {lengths.max()})."
        )
    if labels.min() < 0 or labels.max() >= len(class_names):
        raise ValueError(f"labels must lie in [0, {len(class_names) - 1}] to have a name in `class_names` (got {sorted(set(labels.tolist()))}).")
    if per_class < 1:
        raise ValueError(f"`per_class` must be >= 1 (got per_class={per_class}).")
    ax = _axes(ax, (8, 3.5))
    colors = plt.rcParams["axes.prop_cycle"].by_key()["color"]
    for label, name in enumerate(class_names):
        for k, i in enumerate(np.flatnonzero(labels == label)[:per_class]):
            steps = np.arange(lengths[i])
            ax.plot(steps, values[i, : lengths[i]], marker="o", markersize=3,
                    color=colors[label % len(colors)], alpha=0.8, label=name if k == 0 else None)
    place_legend(ax)
    return _finish(ax, title, xlabel, ylabel, integer_x=True)


def plot_history(
    history: Mapping[str, Sequence[float]],
    *,
    metric: str,
    title: str,
    xlabel: str,
    ylabel: str,
    train_label: str,
    val_label: str,
    ax: Axes | None = None,
) -> Axes:
    """Draw a metric per epoch, on the training data and on held-out data.

    Args:
        history: ``History.history`` from Keras ``fit()``: a mapping from
            ``metric`` and ``"val_" + metric`` to one value per epoch.
        metric: Name of the metric, e.g. ``"loss"`` or ``"accuracy"``.
        title, xlabel, ylabel: Text of the plot, in the reader's language.
        train_label, val_label: Legend entries for the two curves.
        ax: Where to draw; a new figure when None.

    Returns:
        The Axes drawn on.

    Raises:
        KeyError: ``history`` has no ``metric``; the message lists what it has.
        ValueError: A curve is empty.
    """
    if metric not in history:
        raise KeyError(f"`history` has no metric {metric!r}; it has {sorted(history)}.")
    ax = _axes(ax, (6, 3.5))
    for key, label in ((metric, train_label), ("val_" + metric, val_label)):
        if key not in history:
            continue
        curve = np.asarray(history[key], dtype=float)
        if curve.size == 0:
            raise ValueError(f"`history[{key!r}]` is empty; train for at least one epoch.")
        ax.plot(np.arange(1, curve.size + 1), curve, marker="o", markersize=3, label=label)
    place_legend(ax)
    return _finish(ax, title, xlabel, ylabel, integer_x=True)


def plot_bars(
    positions: Sequence[float],
    heights: Sequence[float],
    *,
    title: str,
    xlabel: str,
    ylabel: str,
    ylim: tuple[float, float] | None = None,
    annotations: Sequence[str] | None = None,
    ax: Axes | None = None,
) -> Axes:
    """Draw a bar per position, for example the accuracy per sequence length.

    Args:
        positions: x position of each bar.
        heights: Height of each bar, as many as positions.
        title, xlabel, ylabel: Text of the plot, in the reader's language.
        ylim: Range of the y axis; Matplotlib's choice when None.
        annotations: Optional text written above each bar (e.g. counts).
        ax: Where to draw; a new figure when None.

    Returns:
        The Axes drawn on.

    Raises:
        ValueError: No bars, or the sequences differ in length.
    """
    positions = np.asarray(positions)
    heights = np.asarray(heights, dtype=float)
    if positions.size == 0 or positions.shape != heights.shape:
        raise ValueError(
            f"`positions` and `heights` must be non-empty and of the same length "
            f"(got {positions.size} and {heights.size})."
        )
    if annotations is not None and len(annotations) != positions.size:
        raise ValueError(f"`annotations` must have one entry per bar ({positions.size}), got {len(annotations)}.")
    ax = _axes(ax, (8, 3.5))
    bars = ax.bar(positions, heights)
    if annotations is not None:
        ax.bar_label(bars, labels=list(annotations), fontsize=7)
    if ylim is not None:
        ax.set_ylim(*ylim)
    return _finish(ax, title, xlabel, ylabel, integer_x=np.issubdtype(positions.dtype, np.integer))


def plot_lines(
    curves: Mapping[str, Sequence[float]],
    *,
    title: str,
    xlabel: str,
    ylabel: str,
    x: Sequence[float] | None = None,
    vline: float | None = None,
    vline_label: str | None = None,
    logy: bool = False,
    ax: Axes | None = None,
) -> Axes:
    """Draw several named curves on one set of axes.

    Args:
        curves: Mapping from legend entry to y values; all of one length. A single
            curve gets no legend (the title names it) unless ``vline_label`` is given.
        title, xlabel, ylabel: Text of the plot, in the reader's language.
        x: x values shared by the curves; ``0, 1, 2, ...`` when None.
        vline: Where to draw a dashed vertical line, e.g. the end of the data.
        vline_label: Legend entry of the vertical line.
        logy: Draw the y axis on a log scale.
        ax: Where to draw; a new figure when None.

    The legend goes where it hides no curve (:func:`place_legend`).

    Returns:
        The Axes drawn on.

    Raises:
        ValueError: No curves, an empty curve, or curves of different lengths.
    """
    if not curves:
        raise ValueError("`curves` must hold at least one curve (got an empty mapping).")
    sizes = {name: len(values) for name, values in curves.items()}
    if len(set(sizes.values())) != 1 or 0 in sizes.values():
        raise ValueError(f"every curve must be non-empty and of the same length (got lengths {sizes}).")
    n = next(iter(sizes.values()))
    xs = np.arange(n) if x is None else np.asarray(x)
    if xs.shape != (n,):
        raise ValueError(f"`x` must hold {n} values, one per point (got shape {xs.shape}).")
    ax = _axes(ax, (7, 3.5))
    for name, values in curves.items():
        ax.plot(xs, np.asarray(values, dtype=float), marker="o", markersize=3, label=name)
    if vline is not None:
        ax.axvline(vline, color="gray", linestyle="--", label=vline_label)
    if logy:
        ax.set_yscale("log")
    if len(curves) > 1 or vline_label is not None:  # one unlabelled curve: the title names it
        place_legend(ax)
    return _finish(ax, title, xlabel, ylabel, integer_x=x is None)
