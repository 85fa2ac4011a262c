import matplotlib.pyplot as plt
import numpy as np
import pytest

from course_utils import diagrams


def _texts(ax):
    return [t.get_text() for t in ax.texts]


@pytest.mark.parametrize(
    ("num_steps", "inputs_at", "outputs_at", "n_inputs", "n_outputs"),
    [
        (4, None, None, 4, 4),      # many-to-many
        (4, None, [4], 4, 1),       # many-to-one
        (4, [1], None, 1, 4),       # one-to-many
        (6, [1, 2, 3], [4, 5, 6], 3, 3),
        (1, None, None, 1, 1),      # a single step
        (3, [], [], 0, 0),          # no inputs nor outputs: only the state chain
        (3, [2, 2], [3], 1, 1),     # repeated step numbers count once
    ],
)
def test_draw_unrolled_labels_inputs_and_outputs(num_steps, inputs_at, outputs_at, n_inputs, n_outputs):
    ax = diagrams.draw_unrolled(num_steps, title="T", inputs_at=inputs_at, outputs_at=outputs_at)
    texts = _texts(ax)
    assert sum(t.startswith("$x_") for t in texts) == n_inputs
    assert sum(t.startswith("$y_") for t in texts) == n_outputs
    assert texts.count("RNN") == num_steps
    assert "$h_0$" in texts and f"$h_{{{num_steps}}}$" in texts
    assert ax.get_title() == "T"


def test_draw_unrolled_puts_each_label_at_its_step():
    ax = diagrams.draw_unrolled(3, title="", inputs_at=[2], outputs_at=[3])
    (x_label,) = [t for t in ax.texts if t.get_text().startswith("$x_")]
    (y_label,) = [t for t in ax.texts if t.get_text().startswith("$y_")]
    assert x_label.get_text() == "$x_{2}$" and y_label.get_text() == "$y_{3}$"
    assert y_label.get_position()[0] > x_label.get_position()[0]


def test_draw_unrolled_folded_and_custom_symbols():
    ax = diagrams.draw_unrolled(2, title="", folded=True, cell_label="LSTM", state_symbol="s")
    texts = _texts(ax)
    assert texts.count("LSTM") == 3          # the folded box and two steps
    assert "=" in texts and "$s_{t-1}$" in texts and "$s_{2}$" in texts


def test_draw_unrolled_draws_on_given_axes():
    _, ax = plt.subplots()
    assert diagrams.draw_unrolled(2, title="", ax=ax) is ax


@pytest.mark.parametrize(
    ("kwargs", "error", "message"),
    [
        (dict(num_steps=0), ValueError, r"`num_steps` must lie in \[1, 12\].*num_steps=0"),
        (dict(num_steps=13), ValueError, r"num_steps=13"),
        (dict(num_steps=2.0), TypeError, r"`num_steps` must be an int"),
        (dict(num_steps=3, inputs_at=[0]), ValueError, r"`inputs_at` must hold step numbers from 1 to num_steps=3.*\[0\]"),
        (dict(num_steps=3, outputs_at=[4]), ValueError, r"`outputs_at`.*\[4\]"),
        (dict(num_steps=3, outputs_at=[1.5]), ValueError, r"not integers: \[1.5\]"),
        (dict(num_steps=3, inputs_at=3), TypeError, r"`inputs_at` must be a sequence"),
    ],
)
def test_draw_unrolled_rejects_bad_input(kwargs, error, message):
    with pytest.raises(error, match=message):
        diagrams.draw_unrolled(title="", **kwargs)


def test_plot_gradient_norms_draws_curves_bounds_and_log_scale():
    norms = {"a": [0.5, 0.25, 0.125], "b": [2.0, 4.0, 8.0]}
    ax = diagrams.plot_gradient_norms(norms, title="T", xlabel="x", ylabel="y",
                                      bounds={"b": [2.0, 40.0, 8000.0]}, bound_label="bound")
    lines = ax.get_lines()
    assert len(lines) == 3
    assert lines[2].get_linestyle() == "--" and lines[2].get_color() == lines[1].get_color()
    np.testing.assert_array_equal(lines[0].get_xdata(), [1, 2, 3])
    assert ax.get_yscale() == "log"
    low, high = ax.get_ylim()
    assert low == pytest.approx(0.125 / 3) and high == pytest.approx(8.0 * 3)   # the bound does not widen it
    assert [t.get_text() for t in ax.get_legend().get_texts()] == ["a", "b", "bound"]
    assert (ax.get_title(), ax.get_xlabel(), ax.get_ylabel()) == ("T", "x", "y")


def test_plot_gradient_norms_labels_the_bounds_once():
    ax = diagrams.plot_gradient_norms({"a": [1.0, 0.5], "b": [1.0, 2.0]}, title="", xlabel="", ylabel="",
                                      bounds={"a": [1.0, 1.0], "b": [1.0, 4.0]}, bound_label="bound",
                                      distances=[0, 5])
    assert [t.get_text() for t in ax.get_legend().get_texts()] == ["a", "b", "bound"]
    np.testing.assert_array_equal(ax.get_lines()[0].get_xdata(), [0, 5])


@pytest.mark.parametrize(
    ("norms", "kwargs", "message"),
    [
        ({}, {}, r"at least one curve"),
        ({"a": []}, {}, r"curve 'a' must be a non-empty 1-D"),
        ({"a": [1.0, 0.0]}, {}, r"curve 'a' must hold finite values > 0.*underflow"),
        ({"a": [1.0, np.nan]}, {}, r"finite values > 0"),
        ({"a": [1.0, 2.0], "b": [1.0]}, {}, r"same length \(got lengths \{'a': 2, 'b': 1\}\)"),
        ({"a": [1.0, 2.0]}, {"distances": [1, 2, 3]}, r"`distances` must hold 2 values"),
        ({"a": [1.0, 2.0]}, {"bounds": {"c": [1.0, 1.0]}}, r"not in `norms`: \['c'\]"),
        ({"a": [1.0, 2.0]}, {"bounds": {"a": [1.0]}}, r"every bound must hold 2 values"),
        ({"a": [1.0, 2.0]}, {"ylim": (0.0, 1.0)}, r"`ylim` must be \(low, high\) with 0 < low < high.*ylim=\(0.0, 1.0\)"),
        ({"a": [1.0, 2.0]}, {"ylim": (2.0, 1.0)}, r"0 < low < high"),
        ({"a": [1.0, 2.0]}, {"ylim": (1.0,)}, r"`ylim` must be"),
    ],
)
def test_plot_gradient_norms_rejects_bad_input(norms, kwargs, message):
    with pytest.raises(ValueError, match=message):
        diagrams.plot_gradient_norms(norms, title="", xlabel="", ylabel="", **kwargs)


def test_plot_gradient_norms_uses_the_given_range():
    ax = diagrams.plot_gradient_norms({"a": [1.0, 2.0]}, title="", xlabel="", ylabel="", ylim=(1e-5, 1e5))
    assert ax.get_ylim() == pytest.approx((1e-5, 1e5))


# --- cell diagrams and gate activations -----------------------------------------


@pytest.mark.parametrize("lang", ["en", "es", "pt"])
@pytest.mark.parametrize(
    ("draw", "title_key", "gate_keys", "math"),
    [
        (diagrams.draw_lstm_cell, "lstm_title", ("forget", "input", "candidate", "output", "cell_state"),
         ("$c_{t-1}$", "$c_t$", "$h_{t-1}$", "$x_t$", "$f_t$", "$i_t$", "$g_t$", "$o_t$")),
        (diagrams.draw_gru_cell, "gru_title", ("reset", "update", "candidate", "hidden_state"),
         ("$h_{t-1}$", "$h_t$", "$x_t$", "$r_t$", "$z_t$", r"$\tilde h_t$")),
    ],
)
def test_cell_diagrams_write_the_page_language(draw, title_key, gate_keys, math, lang):
    ax = draw(lang=lang)
    words = diagrams.cell_labels(lang)
    texts = _texts(ax)
    assert ax.get_title() == words[title_key]
    for key in gate_keys:
        assert words[key] in texts, key
    for label in math:
        assert label in texts, label


def test_cell_diagrams_follow_the_notebook_language_and_accept_a_title():
    from course_utils import i18n

    i18n.set_language("es")
    try:
        assert diagrams.draw_lstm_cell().get_title() == "Dentro de una celda LSTM"
        assert diagrams.draw_gru_cell(title="GRU").get_title() == "GRU"
    finally:
        i18n.set_language("en")


def test_cell_diagrams_have_the_same_labels_in_every_language():
    english = diagrams.cell_labels("en")
    assert english == diagrams.CELL_LABELS  # English draws the msgids themselves: the drawings are unchanged
    assert english["forget"] == "forget\ngate" and english["lstm_title"] == "Inside an LSTM cell"
    for lang in ("es", "pt"):
        words = diagrams.cell_labels(lang)
        assert words.keys() == english.keys()
        assert all(words[key] != english[key] for key in english), lang  # every word translated by the catalogs
    assert diagrams.cell_labels("es")["forget"] == "compuerta\nde olvido"
    assert diagrams.cell_labels("pt")["update"] == "porta de\natualização"
    with pytest.raises(ValueError, match="got lang='fr'"):
        diagrams.cell_labels("fr")


def test_cell_labels_are_messages_of_the_catalogs():
    from tools import catalogs

    assert set(diagrams.CELL_LABELS.values()) <= {message.id for message in catalogs.extract()}


def test_lstm_cell_draws_three_sigmoid_gates_and_a_tanh_layer():
    texts = _texts(diagrams.draw_lstm_cell(lang="en"))
    assert texts.count(r"$\sigma$") == 3 and texts.count(r"$\tanh$") == 1
    assert texts.count("×") == 3 and texts.count("+") == 1          # forget, input and output products; one sum


def test_gru_cell_draws_two_sigmoid_gates_and_the_interpolation():
    texts = _texts(diagrams.draw_gru_cell(lang="en"))
    assert texts.count(r"$\sigma$") == 2 and texts.count(r"$\tanh$") == 1
    assert "1−" in texts and texts.count("+") == 1


@pytest.mark.parametrize("draw", [diagrams.draw_lstm_cell, diagrams.draw_gru_cell])
def test_cell_diagrams_reject_an_unknown_language_and_use_given_axes(draw):
    with pytest.raises(ValueError, match=r"`lang` must be one of \('en', 'es', 'pt'\).*'fr'"):
        draw(lang="fr")
    _, ax = plt.subplots()
    assert draw(ax=ax, lang="en") is ax


def test_plot_gate_activations_draws_one_heat_map_per_gate():
    gates = {"i": np.zeros((6, 3)), "f": np.ones((6, 3)), "o": np.full((6, 3), 0.5)}
    axes = diagrams.plot_gate_activations(gates, title="T", xlabel="step", ylabel="unit", colorbar_label="value",
                                          marks={0: "symbol"})
    assert len(axes) == 3
    assert [ax.get_title(loc="right") for ax in axes] == ["i", "f", "o"]
    image = axes[1].get_images()[0]
    assert image.get_array().shape == (3, 6)                     # units down, steps across
    assert image.get_clim() == (0.0, 1.0)
    assert "symbol" in _texts(axes[0]) and axes[-1].get_xlabel() == "step"
    assert axes[0].figure._suptitle.get_text() == "T"
    # A mark at step 0 (chapter 1's "symbol") must not be written over the panel's title.
    long_names = {"input gate $i_t$": np.zeros((101, 16)), "forget gate $f_t$": np.ones((101, 16))}
    long_axes = diagrams.plot_gate_activations(long_names, title="T", xlabel="step", ylabel="unit",
                                          colorbar_label="value", marks={0: "symbol"})
    figure = long_axes[0].figure
    figure.canvas.draw()
    renderer = figure.canvas.get_renderer()
    for ax in long_axes:
        mark = next(t for t in ax.texts if t.get_text() == "symbol")
        for title in (ax.title, ax._left_title, ax._right_title):  # matplotlib's three title slots
            if title.get_text():
                assert not title.get_window_extent(renderer).overlaps(mark.get_window_extent(renderer))


@pytest.mark.parametrize(
    ("gates", "kwargs", "message"),
    [
        ({}, {}, r"at least one gate"),
        ({"i": np.zeros(4)}, {}, r"one common shape \(steps, units\).*\(4,\)"),
        ({"i": np.zeros((4, 2)), "f": np.zeros((3, 2))}, {}, r"one common shape"),
        ({"i": np.full((4, 2), 1.5)}, {}, r"gate 'i' must hold finite values in \[0, 1\].*max 1.5"),
        ({"i": np.zeros((4, 2))}, {"marks": {4: "x"}}, r"`marks` must name steps from 0 to 3 \(got \[4\]\)"),
        ({"i": np.zeros((4, 2))}, {"axes": []}, r"one Axes per gate \(1\), got 0"),
    ],
)
def test_plot_gate_activations_rejects_bad_input(gates, kwargs, message):
    with pytest.raises(ValueError, match=message):
        diagrams.plot_gate_activations(gates, title="", xlabel="", ylabel="", colorbar_label="", **kwargs)
