import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402

from course_utils import lm, units  # noqa: E402


@pytest.mark.parametrize(
    ("words", "expected"),
    [
        ([], []),
        (["a"], [0]),
        (["the", "cat", "<eos>", "a", "dog"], [0, 1, 2, 0, 1]),
        (["<eos>", "<eos>", "x"], [0, 0, 0]),
    ],
)
def test_sentence_position(words, expected):
    assert units.sentence_position(words).tolist() == expected


def test_sentence_position_rejects_a_string():
    with pytest.raises(TypeError, match="sequence of words, not one string"):
        units.sentence_position("the cat")


def test_correlate_matches_numpy_and_gives_zero_for_constants():
    rng = np.random.default_rng(0)
    acts = rng.normal(size=(50, 3))
    acts[:, 2] = 1.0                                      # a unit that never changes
    feature = acts[:, 0] * 2 + rng.normal(scale=0.1, size=50)
    r = units.correlate(acts, {"f": feature, "flat": np.zeros(50)})
    assert r.shape == (2, 3)
    assert r[0, 0] == pytest.approx(np.corrcoef(acts[:, 0], feature)[0, 1])
    assert r[0, 1] == pytest.approx(np.corrcoef(acts[:, 1], feature)[0, 1])
    assert r[0, 2] == 0.0 and np.all(r[1] == 0.0)


@pytest.mark.parametrize(
    ("acts", "features", "message"),
    [
        (np.zeros(5), {"f": np.zeros(5)}, r"shape \(steps, units\) with steps >= 2 \(got shape \(5,\)\)"),
        (np.zeros((1, 2)), {"f": np.zeros(1)}, r"steps >= 2"),
        (np.zeros((4, 2)), {}, r"at least one feature"),
        (np.zeros((4, 2)), {"f": np.zeros(3)}, r"feature 'f' must have one value per row.*\(4,\).*got shape \(3,\)"),
    ],
)
def test_correlate_rejects_bad_input(acts, features, message):
    with pytest.raises(ValueError, match=message):
        units.correlate(acts, features)


def test_plot_colored_text_colours_each_word_by_its_value():
    words = ["low", "zero", "high", "beyond"] * 10
    values = np.array([-1.0, 0.0, 1.0, 5.0] * 10)
    ax = units.plot_colored_text(words, values, title="T", line_width=20)
    texts = ax.texts
    assert [t.get_text() for t in texts] == words and ax.get_title() == "T"
    cmap = plt.get_cmap("coolwarm")
    faces = [t.get_bbox_patch().get_facecolor() for t in texts[:4]]
    assert np.allclose(faces[0], cmap(0.0)) and np.allclose(faces[1], cmap(0.5)) and np.allclose(faces[2], cmap(1.0))
    assert np.allclose(faces[3], cmap(1.0))                # beyond the limit: the end colour
    lines = sorted({round(t.get_position()[1], 6) for t in texts}, reverse=True)
    assert len(lines) > 1                                  # the text wrapped
    for line in lines:                                     # no line is longer than line_width characters
        on_line = [t for t in texts if round(t.get_position()[1], 6) == line]
        assert sum(len(t.get_text()) + 1 for t in on_line) - 1 <= 20
    plt.close("all")


@pytest.mark.parametrize(
    ("words", "values", "kwargs", "error", "message"),
    [
        ("a b", [1.0], {}, TypeError, "not one string"),
        ([], [], {}, ValueError, "at least one word"),
        (["a", "b"], [1.0], {}, ValueError, r"one finite number per word, shape \(2,\) \(got shape \(1,\)\)"),
        (["a"], [np.nan], {}, ValueError, "finite"),
        (["a"], [1.0], {"limit": 0}, ValueError, r"`limit` must be > 0"),
        (["a"], [1.0], {"line_width": 5}, ValueError, r"`line_width` must be >= 10"),
    ],
)
def test_plot_colored_text_rejects_bad_input(words, values, kwargs, error, message):
    with pytest.raises(error, match=message):
        units.plot_colored_text(words, values, title="T", **kwargs)


@pytest.fixture(scope="module")
def small_model():
    return lm.build_model(lm.LMConfig(vocab_size=30, embedding_dim=6, lstm_units=(5, 4)), seed=1)


def test_layer_activations_carry_the_state_like_one_long_call(small_model):
    import tensorflow as tf

    ids = np.arange(23) % 30
    acts = units.layer_activations(small_model, ["lstm1", "lstm2"], ids, window=4)
    assert acts.shape == (23, 9)
    probe = tf.keras.Model(small_model.inputs, small_model.get_layer("lstm2").output[0])
    whole = probe([tf.constant(ids[None].astype("int32")), *[tf.zeros((1, n)) for n in (5, 5, 4, 4)]])
    np.testing.assert_allclose(acts[:, 5:], np.asarray(whole)[0], atol=1e-5)
    np.testing.assert_allclose(units.layer_activations(small_model, "lstm2", ids, window=100), acts[:, 5:], atol=1e-5)


@pytest.mark.parametrize(
    ("names", "ids", "kwargs", "error", "message"),
    [
        ("lstm9", np.arange(3), {}, ValueError, r"must name layers of the model, among \[.*'lstm1'.*\] \(got 'lstm9'\)"),
        ([], np.arange(3), {}, ValueError, r"must name layers"),
        ("lstm1", np.arange(0), {}, ValueError, r"non-empty 1-D array of integer word ids"),
        ("lstm1", np.zeros((2, 2), int), {}, ValueError, r"got shape \(2, 2\)"),
        ("lstm1", np.array([0.5]), {}, ValueError, r"dtype float64"),
        ("lstm1", np.arange(3), {"window": 0}, ValueError, r"`window` must be >= 1"),
    ],
)
def test_layer_activations_rejects_bad_input(small_model, names, ids, kwargs, error, message):
    with pytest.raises(error, match=message):
        units.layer_activations(small_model, names, ids, **kwargs)
