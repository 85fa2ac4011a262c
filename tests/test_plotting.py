import matplotlib.pyplot as plt
import numpy as np
import pytest

from course_utils import plotting


def test_plot_sequences_draws_each_class_up_to_its_length():
    values = np.array([[0.1, 0.2, 0.3, -1], [0.5, 0.9, -1, -1], [0.2, 0.3, 0.4, 0.5]])[:, :, None]
    ax = plotting.plot_sequences(values, np.array([3, 2, 4]), np.array([0, 1, 0]),
                                 class_names=["linear", "random"], title="T", xlabel="x", ylabel="y")
    lines = ax.get_lines()
    assert [len(line.get_xdata()) for line in lines] == [3, 4, 2]
    assert -1 not in np.concatenate([line.get_ydata() for line in lines])
    assert [t.get_text() for t in ax.get_legend().get_texts()] == ["linear", "random"]
    assert (ax.get_title(), ax.get_xlabel(), ax.get_ylabel()) == ("T", "x", "y")


@pytest.mark.parametrize(
    ("values", "lengths", "labels", "message"),
    [
        (np.zeros((2, 3)), np.array([1]), np.array([0, 1]), r"`lengths` and `labels` must have shape \(2,\)"),
        (np.zeros((2, 3)), np.array([1, 4]), np.array([0, 1]), r"every length must lie in \[1, 3\]"),
        (np.zeros((2, 3)), np.array([1, 2]), np.array([0, 2]), r"labels must lie in \[0, 1\]"),
        (np.zeros((0, 3)), np.array([]), np.array([]), r"n >= 1"),
    ],
)
def test_plot_sequences_rejects_bad_input(values, lengths, labels, message):
    with pytest.raises(ValueError, match=message):
        plotting.plot_sequences(values, lengths, labels, class_names=["a", "b"], title="", xlabel="", ylabel="")


def test_plot_history_draws_train_and_validation():
    ax = plotting.plot_history({"loss": [3, 2, 1], "val_loss": [4, 3, 2]}, metric="loss", title="L",
                               xlabel="epoch", ylabel="loss", train_label="train", val_label="valid")
    lines = ax.get_lines()
    assert len(lines) == 2
    np.testing.assert_array_equal(lines[0].get_xdata(), [1, 2, 3])
    np.testing.assert_array_equal(lines[1].get_ydata(), [4, 3, 2])


def test_plot_history_without_validation_draws_one_curve():
    ax = plotting.plot_history({"loss": [3, 2]}, metric="loss", title="", xlabel="", ylabel="",
                               train_label="t", val_label="v")
    assert len(ax.get_lines()) == 1


def test_plot_history_names_missing_metric():
    with pytest.raises(KeyError, match=r"no metric 'accuracy'; it has \['loss'\]"):
        plotting.plot_history({"loss": [1]}, metric="accuracy", title="", xlabel="", ylabel="",
                              train_label="", val_label="")


def test_plot_history_rejects_empty_curve():
    with pytest.raises(ValueError, match=r"history\['loss'\]` is empty"):
        plotting.plot_history({"loss": []}, metric="loss", title="", xlabel="", ylabel="",
                              train_label="", val_label="")


def test_plot_bars_heights_and_annotations():
    ax = plotting.plot_bars([3, 4], [0.5, 1.0], title="", xlabel="", ylabel="", annotations=["10", "20"], ylim=(0, 1.1))
    assert [p.get_height() for p in ax.patches] == [0.5, 1.0]
    assert [t.get_text() for t in ax.texts] == ["10", "20"]
    assert ax.get_ylim() == (0, 1.1)


@pytest.mark.parametrize(
    ("positions", "heights", "annotations", "message"),
    [([], [], None, "non-empty"), ([1, 2], [1], None, "same length"), ([1], [1], ["a", "b"], "one entry per bar")],
)
def test_plot_bars_rejects_bad_input(positions, heights, annotations, message):
    with pytest.raises(ValueError, match=message):
        plotting.plot_bars(positions, heights, title="", xlabel="", ylabel="", annotations=annotations)


def test_plot_lines_draws_curves_and_marker_line():
    ax = plotting.plot_lines({"a": [1, 2, 3], "b": [3, 2, 1]}, title="", xlabel="", ylabel="", vline=1.5,
                             vline_label="end", logy=True)
    assert len(ax.get_lines()) == 3
    assert ax.get_yscale() == "log"
    assert [t.get_text() for t in ax.get_legend().get_texts()] == ["a", "b", "end"]


def test_plot_lines_uses_given_x_and_axes():
    fig, ax = plt.subplots()
    out = plotting.plot_lines({"a": [1, 2]}, title="", xlabel="", ylabel="", x=[10, 20], ax=ax)
    assert out is ax
    np.testing.assert_array_equal(ax.get_lines()[0].get_xdata(), [10, 20])


@pytest.mark.parametrize(
    ("curves", "x", "message"),
    [({}, None, "at least one curve"), ({"a": [1], "b": [1, 2]}, None, "same length"),
     ({"a": []}, None, "non-empty"), ({"a": [1, 2]}, [1], r"`x` must hold 2 values")],
)
def test_plot_lines_rejects_bad_input(curves, x, message):
    with pytest.raises(ValueError, match=message):
        plotting.plot_lines(curves, title="", xlabel="", ylabel="", x=x)


def test_tick_labels_follow_the_notebook_language():
    from course_utils import i18n

    i18n.set_language("pt")
    try:
        ax = plotting.plot_lines({"a": [0.25, 0.5, 1.5]}, title="t", xlabel="x", ylabel="y")
        ax.figure.canvas.draw()
        labels = [t.get_text() for t in ax.get_yticklabels() if t.get_text()]
        assert any("," in label for label in labels) and not any("." in label for label in labels), labels
    finally:
        i18n.set_language("en")
        plt.close("all")


def test_plot_bars_named_by_strings_keep_their_names():
    # Bars named "1", "2", "15" (chapter 3's truncation lengths) must not read 0, 1, 2 once the
    # axes get the language's number format.
    ax = plotting.plot_bars(["1", "2", "15"], [0.4, 0.6, 1.0], title="", xlabel="k", ylabel="")
    ax.figure.canvas.draw()
    assert [t.get_text() for t in ax.get_xticklabels()] == ["1", "2", "15"]
    ax = plotting.plot_bars(["source", "lr 0.1"], [0.5, 1.0], title="", xlabel="", ylabel="")
    ax.figure.canvas.draw()
    assert [t.get_text() for t in ax.get_xticklabels()] == ["source", "lr 0.1"]
