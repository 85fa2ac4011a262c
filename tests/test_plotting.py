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


def _zigzag(n: int = 41) -> np.ndarray:
    return 0.5 - np.abs((np.arange(n) % 10) - 5) / 10   # chapter 3's palindrome: a zigzag across the whole plot


def _legend_is_outside(ax) -> bool:
    ax.figure.canvas.draw()
    legend_box = ax.get_legend().get_window_extent()
    axes_box = ax.get_window_extent()
    return legend_box.x0 >= axes_box.x1


def test_place_legend_moves_out_when_every_corner_holds_data():
    # Chapter 3's "one-step predictions" and ten-seed plots: the legend sat on the curves.
    ax = plotting.plot_lines({"series": _zigzag(), "prediction": _zigzag() + 0.01}, title="", xlabel="", ylabel="")
    assert _legend_is_outside(ax)
    assert not plotting.legend_hides_data(ax)
    plt.close("all")


def test_ten_seeds_and_a_reference_line_leave_the_curves_visible():
    rng = np.random.default_rng(0)
    ax = plotting.plot_lines({f"seed {s}": np.exp(rng.normal(-5, 1, 150)) for s in range(10)},
                             title="", xlabel="", ylabel="", logy=True)
    ax.axhline(0.008, color="red", linestyle=":", label="best without memory (0.008)")
    plotting.place_legend(ax, fontsize=7, ncol=2)
    assert not plotting.legend_hides_data(ax)
    assert _legend_is_outside(ax)
    plt.close("all")


def test_place_legend_stays_inside_when_a_corner_is_free():
    ax = plotting.plot_lines({"falls": [1.0, 0.5, 0.2, 0.1], "falls too": [0.9, 0.4, 0.15, 0.1]},
                             title="", xlabel="", ylabel="")
    assert not _legend_is_outside(ax)
    assert not plotting.legend_hides_data(ax)
    plt.close("all")


def test_legend_hides_data_sees_a_segment_that_crosses_the_legend():
    fig, ax = plt.subplots()
    ax.plot([0, 1], [0.5, 0.5], label="a flat line through the middle")   # no marker under the legend
    ax.set_xlim(0, 1)
    legend = ax.legend(loc="center")
    assert plotting.legend_hides_data(ax, legend)
    plt.close(fig)


def test_one_curve_has_no_legend_unless_a_marker_line_is_named():
    ax = plotting.plot_lines({"palindrome series": _zigzag()}, title="The palindrome series", xlabel="", ylabel="")
    assert ax.get_legend() is None
    ax = plotting.plot_lines({"a": [1, 2, 3]}, title="", xlabel="", ylabel="", vline=1.5, vline_label="end")
    assert [t.get_text() for t in ax.get_legend().get_texts()] == ["a", "end"]
    plt.close("all")


def test_place_legend_rejects_a_position_and_legend_hides_data_needs_a_legend():
    fig, ax = plt.subplots()
    ax.plot([0, 1], label="a")
    with pytest.raises(ValueError, match=r"do not pass \['loc'\]"):
        plotting.place_legend(ax, loc="upper right")
    with pytest.raises(ValueError, match="`ax` has no legend"):
        plotting.legend_hides_data(ax)
    plt.close(fig)


def test_place_legend_does_not_move_onto_the_next_panel():
    fig, (left, right) = plt.subplots(1, 2)
    plotting.plot_lines({"series": _zigzag(), "prediction": _zigzag() + 0.01}, title="", xlabel="", ylabel="", ax=left)
    plotting.plot_lines({"series": _zigzag(), "prediction": _zigzag() + 0.01}, title="", xlabel="", ylabel="", ax=right)
    assert not _legend_is_outside(left)   # beside `left` is `right`: the legend stays in its panel
    assert _legend_is_outside(right)
    plt.close(fig)
