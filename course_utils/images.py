"""Images and classifier results: a grid of images, a confusion matrix.

Generic helpers for chapters that classify images (the MNIST chapter uses
them for its digits, predictions and mistakes). As in :mod:`course_utils.plotting`,
titles and labels are arguments, passed in the reader's language; call
``plt.show()`` at the end of the cell.

Example:
    >>> import numpy as np
    >>> confusion_matrix([0, 1, 1], [0, 1, 0], num_classes=2)
    array([[1, 0],
           [1, 1]])
"""

from __future__ import annotations

from collections.abc import Sequence

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.axes import Axes
from matplotlib.colors import LogNorm
from matplotlib.figure import Figure

from course_utils import i18n

__all__ = ["confusion_matrix", "plot_image_grid", "plot_confusion_matrix"]


def _labels_array(name: str, values: object) -> np.ndarray:
    array = np.asarray(values)
    if array.ndim != 1:
        raise ValueError(f"`{name}` must be a 1-D array of class indices (got shape {array.shape}).")
    if array.size and not np.issubdtype(array.dtype, np.integer):
        raise TypeError(f"`{name}` must hold integer class indices (got dtype {array.dtype}).")
    return array.astype(np.int64)


def confusion_matrix(
    y_true: Sequence[int] | np.ndarray,
    y_pred: Sequence[int] | np.ndarray,
    *,
    num_classes: int,
) -> np.ndarray:
    """Count, for every true class, how often each class was predicted.

    Args:
        y_true: The true class of each example, integers in ``[0, num_classes)``.
        y_pred: The predicted class of each example, same size as ``y_true``.
        num_classes: How many classes there are (>= 1).

    Returns:
        An int64 array of shape ``(num_classes, num_classes)``: entry ``[i, j]``
        counts the examples of true class ``i`` predicted as class ``j``. Its
        diagonal holds the correct predictions; it sums to the number of examples.

    Raises:
        TypeError: ``num_classes`` is not an int, or the labels are not integers.
        ValueError: The label arrays are not 1-D, differ in size, or hold a
            class outside ``[0, num_classes)``.

    Example:
        >>> confusion_matrix([2, 0], [2, 1], num_classes=3).tolist()
        [[0, 1, 0], [0, 0, 0], [0, 0, 1]]
    """
    if not isinstance(num_classes, (int, np.integer)) or isinstance(num_classes, bool):
        raise TypeError(f"`num_classes` must be an int (got {num_classes!r} of type {type(num_classes).__name__}).")
    if num_classes < 1:
        raise ValueError(f"`num_classes` must be >= 1 (got num_classes={num_classes}).")
    true = _labels_array("y_true", y_true)
    pred = _labels_array("y_pred", y_pred)
    if true.shape != pred.shape:
        raise ValueError(
            f"`y_true` and `y_pred` must have the same size (got {true.size} and {pred.size})."
        )
    for name, array in (("y_true", true), ("y_pred", pred)):
        if array.size and (array.min() < 0 or array.max() >= num_classes):
            raise ValueError(
                f"`{name}` must hold classes in [0, {num_classes - 1}] (got values from {array.min()} "
                f"to {array.max()}); raise `num_classes` if there are more classes."
            )
    matrix = np.zeros((num_classes, num_classes), dtype=np.int64)
    np.add.at(matrix, (true, pred), 1)
    return matrix


def plot_image_grid(
    images: np.ndarray,
    *,
    title: str,
    captions: Sequence[str] | None = None,
    caption_colors: Sequence[str] | None = None,
    ncols: int = 8,
    cmap: str = "gray_r",
    vmax: float | None = None,
    size: float = 1.2,
) -> Figure:
    """Draw grayscale images in a grid, each with an optional caption.

    Args:
        images: Array ``(n, height, width)`` with n >= 1.
        title: Title of the whole figure, in the reader's language.
        captions: One caption per image (for example "7 (true 9)"), or None.
        caption_colors: One Matplotlib color per caption (for example "red"
            for mistakes), or None for black.
        ncols: Images per row (>= 1); the grid has ``ceil(n / ncols)`` rows.
        cmap: Colormap; the default draws ink dark on a light background.
        vmax: Value drawn darkest; the largest value of ``images`` when None.
        size: Width and height of each image, in inches.

    Returns:
        The Figure; its first ``n`` axes hold the images, the spare ones are hidden.

    Raises:
        ValueError: ``images`` is not a non-empty 3-D array, ``captions`` or
            ``caption_colors`` has the wrong length, or ``ncols`` < 1.

    Example:
        >>> fig = plot_image_grid(np.eye(5)[None], title="An identity matrix")
    """
    images = np.asarray(images)
    if images.ndim != 3 or images.shape[0] == 0:
        raise ValueError(
            f"`images` must have shape (n, height, width) with n >= 1 (got shape {images.shape}); "
            "for one image, pass image[None]."
        )
    n = images.shape[0]
    for name, values in (("captions", captions), ("caption_colors", caption_colors)):
        if values is not None and len(values) != n:
            raise ValueError(f"`{name}` must hold one entry per image ({n}) (got {len(values)}).")
    if not isinstance(ncols, (int, np.integer)) or ncols < 1:
        raise ValueError(f"`ncols` must be an integer >= 1 (got ncols={ncols!r}).")
    ncols = min(int(ncols), n)
    nrows = -(-n // ncols)
    top = vmax if vmax is not None else float(images.max()) or 1.0
    caption_space = 0.3 if captions is not None else 0.0
    fig, axes = plt.subplots(
        nrows, ncols, figsize=(size * ncols, (size + caption_space) * nrows + 0.5), squeeze=False
    )
    for k, ax in enumerate(axes.flat):
        ax.set_xticks([])
        ax.set_yticks([])
        if k >= n:
            ax.set_visible(False)
            continue
        ax.imshow(images[k], cmap=cmap, vmin=0.0, vmax=top)
        if captions is not None:
            color = caption_colors[k] if caption_colors is not None else "black"
            ax.set_title(captions[k], fontsize=9, color=color)
    fig.suptitle(title)
    fig.tight_layout()
    return fig


def plot_confusion_matrix(
    matrix: np.ndarray,
    *,
    class_names: Sequence[str],
    title: str,
    xlabel: str,
    ylabel: str,
    ax: Axes | None = None,
) -> Axes:
    """Draw a confusion matrix with the count written in every non-empty cell.

    Colors follow a log scale, so that a handful of mistakes stays visible next
    to a diagonal of thousands of correct answers; empty cells are white.

    Args:
        matrix: Square array of counts, rows = true class, columns = predicted
            class (as :func:`confusion_matrix` returns it).
        class_names: Name of each class, for the ticks of both axes.
        title, xlabel, ylabel: Text of the plot, in the reader's language.
        ax: Where to draw; a new figure when None.

    Returns:
        The Axes drawn on.

    Raises:
        ValueError: ``matrix`` is not square, is empty, holds negative counts,
            or ``class_names`` does not have one name per row.

    Example:
        >>> ax = plot_confusion_matrix([[5, 1], [0, 7]], class_names=["a", "b"],
        ...                            title="T", xlabel="predicted", ylabel="true")
    """
    matrix = np.asarray(matrix)
    if matrix.ndim != 2 or matrix.shape[0] != matrix.shape[1] or matrix.shape[0] == 0:
        raise ValueError(f"`matrix` must be a non-empty square array (got shape {matrix.shape}).")
    if (matrix < 0).any():
        raise ValueError(f"`matrix` must hold counts >= 0 (got a minimum of {matrix.min()}).")
    if len(class_names) != matrix.shape[0]:
        raise ValueError(
            f"`class_names` must hold one name per class ({matrix.shape[0]}) (got {len(class_names)})."
        )
    if ax is None:
        _, ax = plt.subplots(figsize=(0.55 * matrix.shape[0] + 2.5, 0.55 * matrix.shape[0] + 1.5))
    shown = np.ma.masked_equal(matrix, 0)
    top = max(int(matrix.max()), 2)
    image = ax.imshow(shown, cmap="Blues", norm=LogNorm(vmin=1, vmax=top))
    ax.figure.colorbar(image, ax=ax, fraction=0.046, pad=0.04)
    for (i, j), count in np.ndenumerate(matrix):
        if count:
            dark = np.log(count) > 0.6 * np.log(top)
            ax.text(j, i, i18n.format_number(int(count)), ha="center", va="center", fontsize=7,
                    color="white" if dark else "black")
    ticks = np.arange(matrix.shape[0])
    ax.set_xticks(ticks, labels=list(class_names))
    ax.set_yticks(ticks, labels=list(class_names))
    ax.set_title(title)
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    return ax
