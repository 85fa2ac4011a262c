import numpy as np
import pytest

from course_utils import images


@pytest.mark.parametrize(
    ("y_true", "y_pred", "num_classes", "expected"),
    [
        ([0, 1, 1], [0, 1, 0], 2, [[1, 0], [1, 1]]),
        ([2, 0], [2, 1], 3, [[0, 1, 0], [0, 0, 0], [0, 0, 1]]),
        ([], [], 2, [[0, 0], [0, 0]]),  # no examples: all zeros
        ([0, 0, 0], [0, 0, 0], 1, [[3]]),
        (np.array([1, 1], np.uint8), np.array([0, 1], np.int32), 2, [[0, 0], [1, 1]]),
    ],
)
def test_confusion_matrix_counts(y_true, y_pred, num_classes, expected):
    got = images.confusion_matrix(y_true, y_pred, num_classes=num_classes)
    assert got.dtype == np.int64
    np.testing.assert_array_equal(got, expected)


def test_confusion_matrix_sums_and_diagonal():
    rng = np.random.default_rng(0)
    true, pred = rng.integers(0, 10, 500), rng.integers(0, 10, 500)
    matrix = images.confusion_matrix(true, pred, num_classes=10)
    assert matrix.sum() == 500
    assert np.trace(matrix) == np.sum(true == pred)
    np.testing.assert_array_equal(matrix.sum(axis=1), np.bincount(true, minlength=10))


@pytest.mark.parametrize(
    ("y_true", "y_pred", "num_classes", "error", "message"),
    [
        ([0, 1], [0], 2, ValueError, r"same size \(got 2 and 1\)"),
        ([0, 2], [0, 1], 2, ValueError, r"`y_true` must hold classes in \[0, 1\] \(got values from 0 to 2\)"),
        ([0, 1], [-1, 1], 2, ValueError, r"`y_pred` must hold classes in \[0, 1\]"),
        ([[0, 1]], [[0, 1]], 2, ValueError, r"`y_true` must be a 1-D array .* \(got shape \(1, 2\)\)"),
        ([0.5], [0], 2, TypeError, r"`y_true` must hold integer class indices \(got dtype float64\)"),
        ([0], [0], 0, ValueError, r"`num_classes` must be >= 1 \(got num_classes=0\)"),
        ([0], [0], 2.0, TypeError, r"`num_classes` must be an int \(got 2.0 of type float\)"),
    ],
)
def test_confusion_matrix_rejects_bad_input(y_true, y_pred, num_classes, error, message):
    with pytest.raises(error, match=message):
        images.confusion_matrix(y_true, y_pred, num_classes=num_classes)


@pytest.mark.parametrize(("n", "ncols", "rows", "cols"), [(1, 8, 1, 1), (5, 2, 3, 2), (8, 4, 2, 4), (3, 3, 1, 3)])
def test_image_grid_layout(n, ncols, rows, cols):
    fig = images.plot_image_grid(np.zeros((n, 4, 4)), title="T", ncols=ncols)
    axes = fig.get_axes()
    assert len(axes) == rows * cols
    assert sum(ax.get_visible() for ax in axes) == n
    assert fig._suptitle.get_text() == "T"


def test_image_grid_captions_and_colors():
    data = np.arange(2 * 3 * 3).reshape(2, 3, 3)
    fig = images.plot_image_grid(data, title="digits", captions=["7", "1 (true 2)"], caption_colors=["black", "red"])
    first, second = fig.get_axes()
    assert (first.get_title(), second.get_title()) == ("7", "1 (true 2)")
    assert second.title.get_color() == "red"
    np.testing.assert_array_equal(second.get_images()[0].get_array(), data[1])
    assert second.get_images()[0].get_clim() == (0.0, 17.0)


def test_image_grid_blank_images_do_not_divide_by_zero():
    fig = images.plot_image_grid(np.zeros((2, 3, 3)), title="")
    assert fig.get_axes()[0].get_images()[0].get_clim() == (0.0, 1.0)


@pytest.mark.parametrize(
    ("data", "kwargs", "message"),
    [
        (np.zeros((0, 3, 3)), {}, r"shape \(n, height, width\) with n >= 1 \(got shape \(0, 3, 3\)\)"),
        (np.zeros((3, 3)), {}, r"pass image\[None\]"),
        (np.zeros((2, 3, 3)), {"captions": ["a"]}, r"`captions` must hold one entry per image \(2\) \(got 1\)"),
        (np.zeros((2, 3, 3)), {"caption_colors": ["red"] * 3}, r"`caption_colors` must hold one entry per image"),
        (np.zeros((2, 3, 3)), {"ncols": 0}, r"`ncols` must be an integer >= 1 \(got ncols=0\)"),
    ],
)
def test_image_grid_rejects_bad_input(data, kwargs, message):
    with pytest.raises(ValueError, match=message):
        images.plot_image_grid(data, title="", **kwargs)


def test_confusion_matrix_plot_writes_nonzero_counts():
    matrix = np.array([[50, 0, 2], [1, 40, 0], [0, 0, 0]])
    ax = images.plot_confusion_matrix(matrix, class_names=["a", "b", "c"], title="T", xlabel="pred", ylabel="true")
    assert sorted(t.get_text() for t in ax.texts) == ["1", "2", "40", "50"]
    assert [t.get_text() for t in ax.get_xticklabels()] == ["a", "b", "c"]
    assert (ax.get_title(), ax.get_xlabel(), ax.get_ylabel()) == ("T", "pred", "true")


@pytest.mark.parametrize(
    ("matrix", "names", "message"),
    [
        (np.zeros((2, 3)), ["a", "b"], r"non-empty square array \(got shape \(2, 3\)\)"),
        (np.zeros((0, 0)), [], r"non-empty square array"),
        (np.array([[1, -1], [0, 1]]), ["a", "b"], r"counts >= 0 \(got a minimum of -1\)"),
        (np.eye(2), ["a"], r"one name per class \(2\) \(got 1\)"),
    ],
)
def test_confusion_matrix_plot_rejects_bad_input(matrix, names, message):
    with pytest.raises(ValueError, match=message):
        images.plot_confusion_matrix(matrix, class_names=names, title="", xlabel="", ylabel="")
